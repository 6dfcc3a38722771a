-- Group sync (research/architecture-anchors.md §10.3–§10.6): the wire sequence of the outbox,
-- the connected account, and the cached copy of each group's feed.

-- The sequence the server sees is not the outbox's AUTOINCREMENT: the server wants contiguous
-- numbers per server device, but only some outbox kinds go to it, and a new server device
-- starts at 1 again. `wire_seq` is given to a row (and persisted) just before it is first sent,
-- so a retry resends the same mutation under the same number. NULL until then.
ALTER TABLE outbox ADD COLUMN wire_seq INTEGER;
-- For rows the server refused (state 'rejected'): its code (daka_wire::RejectCode, snake_case)
-- and message, kept for the UI.
ALTER TABLE outbox ADD COLUMN reject_code TEXT;
ALTER TABLE outbox ADD COLUMN reject_message TEXT;
-- Unique among pending rows only: a rejected row keeps the number it was refused under (to show
-- it), but that number is spent, and after connecting a new server device (numbers restart at
-- 1) or a server that went back, a pending row may be given the same number again.
CREATE UNIQUE INDEX outbox_wire_seq ON outbox (wire_seq) WHERE state = 'pending';
CREATE INDEX outbox_unnumbered ON outbox (device_seq) WHERE wire_seq IS NULL;

-- The group-server account this data folder is connected to: at most one row. The device
-- TOKEN is never stored here (the app keeps it in the OS keychain).
CREATE TABLE sync_account (
    id               INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    server           TEXT NOT NULL,
    user_id          TEXT NOT NULL,
    server_device_id TEXT NOT NULL,
    username         TEXT NOT NULL,
    nickname         TEXT NOT NULL,
    -- The wire sequence the next numbered outbox row gets.
    next_wire_seq    INTEGER NOT NULL CHECK (next_wire_seq >= 1),
    -- Where the data lived when it was connected (machine id + data folder): a copy of the
    -- folder elsewhere must sign in as a new device.
    fingerprint      TEXT NOT NULL,
    connected_utc    INTEGER
) STRICT;

-- How far each group's feed has been applied.
CREATE TABLE group_cursors (
    group_id  TEXT PRIMARY KEY NOT NULL,
    after_seq INTEGER NOT NULL CHECK (after_seq >= 0)
) STRICT;

-- The cached copy of each group's (compacted) feed: one row per record, as the group sees it.
CREATE TABLE group_records (
    group_id       TEXT NOT NULL,
    record_id      TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('punch_in', 'subject', 'day_mark')),
    author_user_id TEXT NOT NULL,
    version        INTEGER NOT NULL,
    seq            INTEGER NOT NULL,
    -- The shared record's body (daka_wire SharedPunchIn / SubjectBody / DayMarkBody); NULL for a
    -- tombstone.
    body           TEXT CHECK (body IS NULL OR json_valid(body)),
    PRIMARY KEY (group_id, record_id)
) STRICT;
