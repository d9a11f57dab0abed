-- 0002: local state of the sync with the team hub (see sync/outbox).
--
-- The sync position itself (pull cursor, hub identity, last success) lives in
-- kv under "sync:" keys. The hub token never lives in this file.

-- A field this laptop pushed keeps its local value until the pull cursor has
-- reached the hub version returned for it, so an older remote value pulled
-- in between never flickers over it. One row per record; fields is a JSON
-- object {field: hub version}, version the largest of them.
CREATE TABLE sync_pins (
    entity_id TEXT PRIMARY KEY NOT NULL,
    version INTEGER NOT NULL,
    fields TEXT NOT NULL
) STRICT;

-- What this laptop had pulled when each outbox row was written: the row with
-- the largest outbox_seq below a change's seq gives the change's base cursor,
-- which tells the hub whether the change was made knowing a remote edit or
-- concurrently with it (a conflict).
CREATE TABLE sync_marks (
    outbox_seq INTEGER PRIMARY KEY NOT NULL,
    cursor INTEGER NOT NULL
) STRICT;

-- Changes the hub refused (what, why), shown to the user with retry and
-- discard. direction 'push' is a local change the hub rejected; 'pull' is a
-- hub change this laptop could not apply (set aside so the rest syncs).
CREATE TABLE sync_rejections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    direction TEXT NOT NULL CHECK (direction IN ('push', 'pull')),
    seq INTEGER NOT NULL,
    tx_id TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    op TEXT NOT NULL,
    data TEXT NOT NULL,
    hlc TEXT NOT NULL,
    created_at TEXT NOT NULL,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    field_errors TEXT NOT NULL DEFAULT '[]',
    rejected_at TEXT NOT NULL
) STRICT;
CREATE INDEX sync_rejections_entity ON sync_rejections(entity_id);

-- Field values that lost a conflict, as reported by the hub with the change
-- that won. Every laptop pulls the same entries, so the whole team sees them.
-- field '' with kind 'delete' is an edit that lost to a deletion of the record.
CREATE TABLE sync_conflicts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    hub_seq INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('field', 'delete')),
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    field TEXT NOT NULL,
    lost_value TEXT NOT NULL,
    lost_by TEXT NOT NULL,
    lost_device TEXT NOT NULL,
    lost_hlc TEXT NOT NULL,
    lost_seq INTEGER NOT NULL,
    won_value TEXT NOT NULL,
    won_by TEXT NOT NULL,
    won_device TEXT NOT NULL,
    won_hlc TEXT NOT NULL,
    at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'restored', 'dismissed')),
    resolved_at TEXT,
    UNIQUE (hub_seq, entity_id, field)
) STRICT;
CREATE INDEX sync_conflicts_status ON sync_conflicts(status, id);
