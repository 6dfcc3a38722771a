-- The group server's schema (SQLite). Times are Unix milliseconds (INTEGER) so both backends
-- store and compare them the same way; ids are UUIDs as 16-byte BLOBs; record bodies are the
-- wire JSON as TEXT (the server never queries inside them). Migrations are only ever added.

CREATE TABLE users (
    id            BLOB PRIMARY KEY NOT NULL,
    username      TEXT NOT NULL,
    -- lower-case username: names are unique without regard to case
    username_key  TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    nickname      TEXT NOT NULL,
    created_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE devices (
    id              BLOB PRIMARY KEY NOT NULL,
    user_id         BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    -- hex SHA-256 of the token; the token itself is never stored
    token_hash      TEXT NOT NULL UNIQUE,
    created_at      INTEGER NOT NULL,
    last_seen_at    INTEGER NOT NULL,
    revoked_at      INTEGER,
    -- the last outbox sequence applied from this device (idempotent push)
    last_device_seq INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX devices_user ON devices(user_id);

CREATE TABLE groups (
    id               BLOB PRIMARY KEY NOT NULL,
    name             TEXT NOT NULL,
    tz               TEXT NOT NULL,
    deadline         TEXT NOT NULL,
    owner_user_id    BLOB NOT NULL REFERENCES users(id),
    created_at       INTEGER NOT NULL,
    -- the feed's last allocated sequence, bumped inside each writing transaction (gap-free)
    head_seq         INTEGER NOT NULL DEFAULT 0,
    -- cursors below this are answered 410: a tombstone they may not have seen was dropped
    min_retained_seq INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE memberships (
    group_id          BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    user_id           BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role              TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    share_note        INTEGER NOT NULL,
    share_mood        INTEGER NOT NULL,
    share_exact_times INTEGER NOT NULL,
    joined_at         INTEGER NOT NULL,
    PRIMARY KEY (group_id, user_id)
) STRICT;
CREATE INDEX memberships_user ON memberships(user_id);

CREATE TABLE invites (
    id          BLOB PRIMARY KEY NOT NULL,
    group_id    BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    code_hash   TEXT NOT NULL UNIQUE,
    created_by  BLOB NOT NULL REFERENCES users(id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    max_uses    INTEGER NOT NULL,
    uses        INTEGER NOT NULL DEFAULT 0,
    revoked_at  INTEGER
) STRICT;
CREATE INDEX invites_group ON invites(group_id);

-- Every member's records, once, whatever groups they are shared with.
CREATE TABLE records (
    id          BLOB PRIMARY KEY NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('punch_in', 'subject', 'day_mark')),
    author      BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- HLC version and the device that wrote it: last writer wins by (version, device_id)
    version     INTEGER NOT NULL,
    device_id   BLOB NOT NULL,
    -- study date of punch-ins and day marks, for the board and for sharing on join
    date        TEXT,
    -- NULL: deleted (a tombstone)
    body        TEXT,
    received_at INTEGER NOT NULL
) STRICT;
CREATE INDEX records_author ON records(author, kind, date);

-- Each group's compacted change feed: one row per record, at its latest sequence.
CREATE TABLE changes (
    group_id   BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    record_id  BLOB NOT NULL,
    kind       TEXT NOT NULL,
    op         TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
    changed_at INTEGER NOT NULL,
    PRIMARY KEY (group_id, seq),
    UNIQUE (group_id, record_id)
) STRICT;
-- a delete fans out to every group that holds the record
CREATE INDEX changes_record ON changes(record_id);

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id  BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    actor     BLOB NOT NULL,
    action    TEXT NOT NULL,
    target    TEXT,
    at        INTEGER NOT NULL
) STRICT;
CREATE INDEX audit_group ON audit_log(group_id, id);
