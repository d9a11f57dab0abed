-- 0004: calendars. New appointment fields for iCalendar fidelity (extra
-- dates, per-occurrence overrides, organizer, reminders), an iCalendar UID on
-- tasks (VTODO re-import by UID), and the local state of calendar sync:
-- calendars with their colour, CalDAV accounts, the per-resource sync copy,
-- feed subscriptions, queued invitations and the notices shown to the user.
--
-- Everything below the ALTERs is this laptop's own state: it is not synced
-- to the team hub (the appointments themselves are).

ALTER TABLE appointments ADD COLUMN rdates TEXT;
ALTER TABLE appointments ADD COLUMN recurrence_id TEXT;
ALTER TABLE appointments ADD COLUMN organizer TEXT NOT NULL DEFAULT '';
ALTER TABLE appointments ADD COLUMN alarms TEXT;
ALTER TABLE tasks ADD COLUMN uid TEXT NOT NULL DEFAULT '';
CREATE INDEX tasks_uid ON tasks(uid) WHERE uid != '';

-- One row per calendar name used by appointments.calendar. source says where
-- it lives: only on this laptop and the hub ('local'), on a CalDAV server
-- ('caldav', two-way) or on a published feed ('feed', read-only).
CREATE TABLE calendars (
    name TEXT PRIMARY KEY NOT NULL,
    color TEXT NOT NULL DEFAULT '',
    hidden INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL DEFAULT 'local' CHECK (source IN ('local', 'caldav', 'feed')),
    account_id TEXT REFERENCES caldav_accounts(id) ON DELETE CASCADE,
    href TEXT NOT NULL DEFAULT '',
    sync_token TEXT NOT NULL DEFAULT '',
    -- 1 while the server listed this calendar as empty although items had been
    -- synced: nothing is deleted until the user decides.
    empty_pending INTEGER NOT NULL DEFAULT 0,
    last_sync_at TEXT,
    last_error TEXT NOT NULL DEFAULT ''
) STRICT;

-- CalDAV accounts. The password is kept in the OS keyring, never here.
CREATE TABLE caldav_accounts (
    id TEXT PRIMARY KEY NOT NULL,
    url TEXT NOT NULL,
    username TEXT NOT NULL DEFAULT '',
    principal TEXT NOT NULL DEFAULT '',
    home_set TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
) STRICT;

-- One row per synced calendar resource: the UID it holds, where it lives,
-- the server's ETag, and a copy (and hash) of the iCalendar text last agreed
-- with the server: the base of three-way merges and of local change detection.
CREATE TABLE caldav_items (
    calendar TEXT NOT NULL REFERENCES calendars(name) ON DELETE CASCADE ON UPDATE CASCADE,
    uid TEXT NOT NULL,
    href TEXT NOT NULL,
    etag TEXT NOT NULL DEFAULT '',
    hash TEXT NOT NULL DEFAULT '',
    synced_ics TEXT NOT NULL DEFAULT '',
    synced_at TEXT NOT NULL,
    PRIMARY KEY (calendar, uid),
    UNIQUE (calendar, href)
) STRICT;

-- What calendar sync wants the user to see: a conflict kept as two copies,
-- an item the server sent that could not be read, an empty listing.
CREATE TABLE calendar_notices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    calendar TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('conflict', 'unreadable', 'empty_listing', 'rejected')),
    uid TEXT NOT NULL DEFAULT '',
    href TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    resolved_at TEXT
) STRICT;

-- Published calendars this laptop subscribes to (read-only).
CREATE TABLE calendar_feeds (
    url TEXT PRIMARY KEY NOT NULL,
    calendar TEXT NOT NULL UNIQUE REFERENCES calendars(name) ON DELETE CASCADE ON UPDATE CASCADE,
    refresh_min INTEGER NOT NULL DEFAULT 60,
    etag TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',
    refreshed_at TEXT,
    last_error TEXT NOT NULL DEFAULT ''
) STRICT;

-- iTIP messages (REQUEST, CANCEL) waiting to be handed to the mail system,
-- written in the same transaction as the appointment change that caused them.
CREATE TABLE invitations (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    appointment_id TEXT NOT NULL,
    uid TEXT NOT NULL,
    method TEXT NOT NULL CHECK (method IN ('REQUEST', 'CANCEL')),
    sequence INTEGER NOT NULL,
    recipients TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    ics TEXT NOT NULL,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try_at TEXT,
    last_error TEXT NOT NULL DEFAULT '',
    sent_at TEXT
) STRICT;
CREATE INDEX invitations_pending ON invitations(sent_at, seq);
