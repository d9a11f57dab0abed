-- 0001: the initial schema. Never edit this file once released: add a new
-- numbered migration instead.
--
-- Every entity table has the same four store-managed columns (id, created_at,
-- updated_at, deleted_at); deleted_at marks a tombstone. References are
-- DEFERRABLE so that a sync batch may arrive in any order inside one
-- transaction; the store checks references of local edits itself so it can
-- name the field.

-- This database's identity for sync and for human-facing numbers.
CREATE TABLE device (
    id TEXT PRIMARY KEY NOT NULL,
    code TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

-- Small local state: HLC high-water mark, number counters, settings.
CREATE TABLE kv (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

-- The outbox: one row per change, written in the same transaction as the change.
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tx_id TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('put', 'patch', 'delete')),
    data TEXT NOT NULL,
    hlc TEXT NOT NULL,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try_at TEXT,
    last_error TEXT NOT NULL DEFAULT ''
) STRICT;

-- Full-text search. search_docs holds one row per searchable record: its
-- label for display, its name, and all its words (name and other text).
-- Two FTS4 indexes read it (external content, so the text is stored once),
-- both folding case and accents: search_names, small and with prefix
-- indexes, answers most queries alone; search_text covers everything else.
-- FTS4 rather than FTS5 because FTS5 needs a build tag.
CREATE TABLE search_docs (
    docid INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    ref_id TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    name TEXT NOT NULL,
    text TEXT NOT NULL
) STRICT;
CREATE VIRTUAL TABLE search_names USING fts4(content="search_docs", name, tokenize=unicode61 "remove_diacritics=2", prefix="2");
CREATE VIRTUAL TABLE search_text USING fts4(content="search_docs", text, tokenize=unicode61 "remove_diacritics=2");

CREATE TABLE team_members (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    name TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL DEFAULT '',
    region TEXT NOT NULL DEFAULT '',
    target_minor INTEGER NOT NULL DEFAULT 0,
    target_currency TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 0,
    start_date TEXT
) STRICT;

CREATE TABLE stages (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    name TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    probability INTEGER NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE events (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    name TEXT NOT NULL DEFAULT '',
    type TEXT NOT NULL DEFAULT '',
    venue TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    start_date TEXT,
    end_date TEXT,
    tz TEXT NOT NULL DEFAULT '',
    booth TEXT NOT NULL DEFAULT '',
    booth_size TEXT NOT NULL DEFAULT '',
    budget_minor INTEGER NOT NULL DEFAULT 0,
    currency TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE accounts (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    name TEXT NOT NULL DEFAULT '',
    industry TEXT NOT NULL DEFAULT '',
    segment TEXT NOT NULL DEFAULT '',
    region TEXT NOT NULL DEFAULT '',
    street TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    ship_to TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    vat_number TEXT NOT NULL DEFAULT '',
    owner_id TEXT REFERENCES team_members(id) DEFERRABLE INITIALLY DEFERRED,
    notes TEXT NOT NULL DEFAULT '',
    tags TEXT
) STRICT;
CREATE INDEX accounts_owner_id ON accounts(owner_id) WHERE owner_id IS NOT NULL;

CREATE TABLE contacts (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    account_id TEXT REFERENCES accounts(id) DEFERRABLE INITIALLY DEFERRED,
    first_name TEXT NOT NULL DEFAULT '',
    last_name TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    emails TEXT,
    phones TEXT,
    language TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    source_event_id TEXT REFERENCES events(id) DEFERRABLE INITIALLY DEFERRED,
    owner_id TEXT REFERENCES team_members(id) DEFERRABLE INITIALLY DEFERRED,
    tags TEXT,
    consent INTEGER NOT NULL DEFAULT 0,
    consent_at TEXT,
    consent_text TEXT NOT NULL DEFAULT '',
    consent_source TEXT NOT NULL DEFAULT '',
    grade TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX contacts_account_id ON contacts(account_id) WHERE account_id IS NOT NULL;
CREATE INDEX contacts_source_event_id ON contacts(source_event_id) WHERE source_event_id IS NOT NULL;
CREATE INDEX contacts_owner_id ON contacts(owner_id) WHERE owner_id IS NOT NULL;

CREATE TABLE deals (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    title TEXT NOT NULL DEFAULT '',
    account_id TEXT REFERENCES accounts(id) DEFERRABLE INITIALLY DEFERRED,
    contact_id TEXT REFERENCES contacts(id) DEFERRABLE INITIALLY DEFERRED,
    stage_id TEXT REFERENCES stages(id) DEFERRABLE INITIALLY DEFERRED,
    amount_minor INTEGER NOT NULL DEFAULT 0,
    currency TEXT NOT NULL DEFAULT '',
    probability INTEGER NOT NULL DEFAULT 0,
    expected_close TEXT,
    owner_id TEXT REFERENCES team_members(id) DEFERRABLE INITIALLY DEFERRED,
    grade TEXT NOT NULL DEFAULT '',
    source_event_id TEXT REFERENCES events(id) DEFERRABLE INITIALLY DEFERRED,
    status TEXT NOT NULL DEFAULT '',
    closed_on TEXT,
    lost_reason TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX deals_account_id ON deals(account_id) WHERE account_id IS NOT NULL;
CREATE INDEX deals_contact_id ON deals(contact_id) WHERE contact_id IS NOT NULL;
CREATE INDEX deals_stage_id ON deals(stage_id) WHERE stage_id IS NOT NULL;
CREATE INDEX deals_owner_id ON deals(owner_id) WHERE owner_id IS NOT NULL;
CREATE INDEX deals_source_event_id ON deals(source_event_id) WHERE source_event_id IS NOT NULL;

CREATE TABLE activities (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    type TEXT NOT NULL DEFAULT '',
    at TEXT,
    owner_id TEXT REFERENCES team_members(id) DEFERRABLE INITIALLY DEFERRED,
    summary TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL DEFAULT '',
    duration_min INTEGER NOT NULL DEFAULT 0,
    contact_id TEXT REFERENCES contacts(id) DEFERRABLE INITIALLY DEFERRED,
    account_id TEXT REFERENCES accounts(id) DEFERRABLE INITIALLY DEFERRED,
    deal_id TEXT REFERENCES deals(id) DEFERRABLE INITIALLY DEFERRED
) STRICT;
CREATE INDEX activities_owner_id ON activities(owner_id) WHERE owner_id IS NOT NULL;
CREATE INDEX activities_account_id ON activities(account_id) WHERE account_id IS NOT NULL;
-- (activities by contact and by deal: see 0006, which indexes them with their date)

CREATE TABLE tasks (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    title TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    due TEXT,
    priority INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT '',
    assignee_id TEXT REFERENCES team_members(id) DEFERRABLE INITIALLY DEFERRED,
    link_kind TEXT NOT NULL DEFAULT '',
    link_id TEXT NOT NULL DEFAULT '',
    snoozed_until TEXT,
    done_at TEXT
) STRICT;
CREATE INDEX tasks_assignee_id ON tasks(assignee_id) WHERE assignee_id IS NOT NULL;

CREATE TABLE products (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    sku TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL DEFAULT '',
    price_minor INTEGER NOT NULL DEFAULT 0,
    currency TEXT NOT NULL DEFAULT '',
    tax_rate_bp INTEGER NOT NULL DEFAULT 0,
    availability TEXT NOT NULL DEFAULT '',
    image_path TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE product_prices (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    product_id TEXT REFERENCES products(id) DEFERRABLE INITIALLY DEFERRED,
    price_minor INTEGER NOT NULL DEFAULT 0,
    currency TEXT NOT NULL DEFAULT '',
    effective_from TEXT,
    note TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX product_prices_product_id ON product_prices(product_id) WHERE product_id IS NOT NULL;

CREATE TABLE proposals (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    number TEXT NOT NULL DEFAULT '',
    revision INTEGER NOT NULL DEFAULT 0,
    root_id TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    account_id TEXT REFERENCES accounts(id) DEFERRABLE INITIALLY DEFERRED,
    contact_id TEXT REFERENCES contacts(id) DEFERRABLE INITIALLY DEFERRED,
    deal_id TEXT REFERENCES deals(id) DEFERRABLE INITIALLY DEFERRED,
    issue_date TEXT,
    valid_until TEXT,
    prices_as_of TEXT,
    currency TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT '',
    discount_bp INTEGER NOT NULL DEFAULT 0,
    cover_letter TEXT NOT NULL DEFAULT '',
    terms TEXT NOT NULL DEFAULT '',
    owner_id TEXT REFERENCES team_members(id) DEFERRABLE INITIALLY DEFERRED
) STRICT;
CREATE INDEX proposals_account_id ON proposals(account_id) WHERE account_id IS NOT NULL;
CREATE INDEX proposals_contact_id ON proposals(contact_id) WHERE contact_id IS NOT NULL;
CREATE INDEX proposals_deal_id ON proposals(deal_id) WHERE deal_id IS NOT NULL;
CREATE INDEX proposals_owner_id ON proposals(owner_id) WHERE owner_id IS NOT NULL;

CREATE TABLE proposal_lines (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    proposal_id TEXT REFERENCES proposals(id) DEFERRABLE INITIALLY DEFERRED,
    position INTEGER NOT NULL DEFAULT 0,
    section TEXT NOT NULL DEFAULT '',
    product_id TEXT REFERENCES products(id) DEFERRABLE INITIALLY DEFERRED,
    sku TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    quantity_milli INTEGER NOT NULL DEFAULT 0,
    unit TEXT NOT NULL DEFAULT '',
    unit_price_minor INTEGER NOT NULL DEFAULT 0,
    discount_bp INTEGER NOT NULL DEFAULT 0,
    tax_rate_bp INTEGER NOT NULL DEFAULT 0,
    optional INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX proposal_lines_proposal_id ON proposal_lines(proposal_id) WHERE proposal_id IS NOT NULL;
CREATE INDEX proposal_lines_product_id ON proposal_lines(product_id) WHERE product_id IS NOT NULL;

CREATE TABLE orders (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    number TEXT NOT NULL DEFAULT '',
    account_id TEXT REFERENCES accounts(id) DEFERRABLE INITIALLY DEFERRED,
    contact_id TEXT REFERENCES contacts(id) DEFERRABLE INITIALLY DEFERRED,
    owner_id TEXT REFERENCES team_members(id) DEFERRABLE INITIALLY DEFERRED,
    deal_id TEXT REFERENCES deals(id) DEFERRABLE INITIALLY DEFERRED,
    proposal_id TEXT REFERENCES proposals(id) DEFERRABLE INITIALLY DEFERRED,
    order_date TEXT,
    currency TEXT NOT NULL DEFAULT '',
    net_minor INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT '',
    promised_date TEXT,
    delivered_date TEXT
) STRICT;
CREATE INDEX orders_account_id ON orders(account_id) WHERE account_id IS NOT NULL;
CREATE INDEX orders_contact_id ON orders(contact_id) WHERE contact_id IS NOT NULL;
CREATE INDEX orders_owner_id ON orders(owner_id) WHERE owner_id IS NOT NULL;
CREATE INDEX orders_deal_id ON orders(deal_id) WHERE deal_id IS NOT NULL;
CREATE INDEX orders_proposal_id ON orders(proposal_id) WHERE proposal_id IS NOT NULL;

CREATE TABLE order_lines (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    order_id TEXT REFERENCES orders(id) DEFERRABLE INITIALLY DEFERRED,
    product_id TEXT REFERENCES products(id) DEFERRABLE INITIALLY DEFERRED,
    description TEXT NOT NULL DEFAULT '',
    quantity_milli INTEGER NOT NULL DEFAULT 0,
    unit_price_minor INTEGER NOT NULL DEFAULT 0,
    discount_bp INTEGER NOT NULL DEFAULT 0,
    tax_rate_bp INTEGER NOT NULL DEFAULT 0,
    net_minor INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX order_lines_order_id ON order_lines(order_id) WHERE order_id IS NOT NULL;
CREATE INDEX order_lines_product_id ON order_lines(product_id) WHERE product_id IS NOT NULL;

CREATE TABLE vendors (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    name TEXT NOT NULL DEFAULT '',
    provides TEXT NOT NULL DEFAULT '',
    contact_name TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE appointments (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    uid TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    start_at TEXT,
    end_at TEXT,
    tz TEXT NOT NULL DEFAULT '',
    all_day INTEGER NOT NULL DEFAULT 0,
    location TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    attendees TEXT,
    rrule TEXT NOT NULL DEFAULT '',
    exdates TEXT,
    calendar TEXT NOT NULL DEFAULT '',
    owner_id TEXT REFERENCES team_members(id) DEFERRABLE INITIALLY DEFERRED,
    contact_id TEXT REFERENCES contacts(id) DEFERRABLE INITIALLY DEFERRED,
    account_id TEXT REFERENCES accounts(id) DEFERRABLE INITIALLY DEFERRED,
    deal_id TEXT REFERENCES deals(id) DEFERRABLE INITIALLY DEFERRED,
    event_id TEXT REFERENCES events(id) DEFERRABLE INITIALLY DEFERRED,
    status TEXT NOT NULL DEFAULT '',
    sequence INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX appointments_owner_id ON appointments(owner_id) WHERE owner_id IS NOT NULL;
CREATE INDEX appointments_contact_id ON appointments(contact_id) WHERE contact_id IS NOT NULL;
CREATE INDEX appointments_account_id ON appointments(account_id) WHERE account_id IS NOT NULL;
CREATE INDEX appointments_deal_id ON appointments(deal_id) WHERE deal_id IS NOT NULL;
CREATE INDEX appointments_event_id ON appointments(event_id) WHERE event_id IS NOT NULL;

CREATE TABLE event_items (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    event_id TEXT REFERENCES events(id) DEFERRABLE INITIALLY DEFERRED,
    title TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    owner_id TEXT REFERENCES team_members(id) DEFERRABLE INITIALLY DEFERRED,
    due TEXT,
    status TEXT NOT NULL DEFAULT '',
    vendor_id TEXT REFERENCES vendors(id) DEFERRABLE INITIALLY DEFERRED,
    planned_cost_minor INTEGER NOT NULL DEFAULT 0,
    actual_cost_minor INTEGER NOT NULL DEFAULT 0,
    notes TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX event_items_event_id ON event_items(event_id) WHERE event_id IS NOT NULL;
CREATE INDEX event_items_owner_id ON event_items(owner_id) WHERE owner_id IS NOT NULL;
CREATE INDEX event_items_vendor_id ON event_items(vendor_id) WHERE vendor_id IS NOT NULL;

CREATE TABLE rota_shifts (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    event_id TEXT REFERENCES events(id) DEFERRABLE INITIALLY DEFERRED,
    member_id TEXT REFERENCES team_members(id) DEFERRABLE INITIALLY DEFERRED,
    start_at TEXT,
    end_at TEXT,
    role TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX rota_shifts_event_id ON rota_shifts(event_id) WHERE event_id IS NOT NULL;
CREATE INDEX rota_shifts_member_id ON rota_shifts(member_id) WHERE member_id IS NOT NULL;

CREATE TABLE agenda_slots (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    event_id TEXT REFERENCES events(id) DEFERRABLE INITIALLY DEFERRED,
    start_at TEXT,
    end_at TEXT,
    title TEXT NOT NULL DEFAULT '',
    type TEXT NOT NULL DEFAULT '',
    contact_id TEXT REFERENCES contacts(id) DEFERRABLE INITIALLY DEFERRED,
    member_id TEXT REFERENCES team_members(id) DEFERRABLE INITIALLY DEFERRED,
    location TEXT NOT NULL DEFAULT '',
    appointment_id TEXT REFERENCES appointments(id) DEFERRABLE INITIALLY DEFERRED
) STRICT;
CREATE INDEX agenda_slots_event_id ON agenda_slots(event_id) WHERE event_id IS NOT NULL;
CREATE INDEX agenda_slots_contact_id ON agenda_slots(contact_id) WHERE contact_id IS NOT NULL;
CREATE INDEX agenda_slots_member_id ON agenda_slots(member_id) WHERE member_id IS NOT NULL;
CREATE INDEX agenda_slots_appointment_id ON agenda_slots(appointment_id) WHERE appointment_id IS NOT NULL;

CREATE TABLE client_issues (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    title TEXT NOT NULL DEFAULT '',
    type TEXT NOT NULL DEFAULT '',
    account_id TEXT REFERENCES accounts(id) DEFERRABLE INITIALLY DEFERRED,
    contact_id TEXT REFERENCES contacts(id) DEFERRABLE INITIALLY DEFERRED,
    order_id TEXT REFERENCES orders(id) DEFERRABLE INITIALLY DEFERRED,
    department TEXT NOT NULL DEFAULT '',
    priority INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT '',
    due TEXT,
    assignee_id TEXT REFERENCES team_members(id) DEFERRABLE INITIALLY DEFERRED,
    description TEXT NOT NULL DEFAULT '',
    resolution TEXT NOT NULL DEFAULT '',
    opened_at TEXT,
    resolved_at TEXT
) STRICT;
CREATE INDEX client_issues_account_id ON client_issues(account_id) WHERE account_id IS NOT NULL;
CREATE INDEX client_issues_contact_id ON client_issues(contact_id) WHERE contact_id IS NOT NULL;
CREATE INDEX client_issues_order_id ON client_issues(order_id) WHERE order_id IS NOT NULL;
CREATE INDEX client_issues_assignee_id ON client_issues(assignee_id) WHERE assignee_id IS NOT NULL;

CREATE TABLE terms_templates (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    name TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT ''
) STRICT;

-- Lookups the screens and reports make often. None is UNIQUE: two laptops
-- may create the same SKU or order number offline, and a change pulled from
-- the hub must never be refused by the local schema. The store checks
-- uniqueness of local edits instead (db:",unique" fields), naming the field.
CREATE INDEX products_sku ON products(sku);
CREATE INDEX proposals_number ON proposals(number, revision);
CREATE INDEX orders_number ON orders(number);
CREATE INDEX orders_date ON orders(order_date);
CREATE INDEX activities_at ON activities(at);
CREATE INDEX tasks_due ON tasks(status, due);
CREATE INDEX appointments_start ON appointments(start_at);
CREATE INDEX appointments_uid ON appointments(uid);
CREATE INDEX client_issues_status ON client_issues(status, due);
CREATE INDEX deals_status ON deals(status, stage_id);
CREATE INDEX product_prices_product ON product_prices(product_id, effective_from);
