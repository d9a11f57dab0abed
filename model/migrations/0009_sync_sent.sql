-- 0009: changes the hub acknowledged, kept for a while after they leave the
-- outbox. A hub restored from an older backup has lost some of them; the
-- laptop puts them back in the outbox (same seq) and sends them again.
CREATE TABLE sync_sent (
    seq INTEGER PRIMARY KEY,
    tx_id TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    op TEXT NOT NULL,
    data TEXT NOT NULL,
    hlc TEXT NOT NULL,
    created_at TEXT NOT NULL,
    device_id TEXT NOT NULL,
    sent_at TEXT NOT NULL
) STRICT;
CREATE INDEX sync_sent_at ON sync_sent(sent_at);
