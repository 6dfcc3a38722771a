-- The group server's schema (PostgreSQL 13+), the same tables as the SQLite backend's.
-- Times are Unix milliseconds (BIGINT) so both backends store and compare them the same way;
-- versions and sequences are BIGINT too (integers: no collation can reorder them). Ids are
-- native `uuid`s. Record bodies are the wire JSON as TEXT, not jsonb: the server never queries
-- inside them, and TEXT gives back exactly the bytes that were checked. Migrations are only
-- ever added.

CREATE TABLE users (
    id            uuid PRIMARY KEY,
    username      TEXT NOT NULL,
    -- lower-case username: names are unique without regard to case. The constraint is named
    -- because the code maps a violation of exactly this one to "username taken".
    username_key  TEXT NOT NULL CONSTRAINT users_username_key UNIQUE,
    password_hash TEXT NOT NULL,
    nickname      TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);

CREATE TABLE devices (
    id              uuid PRIMARY KEY,
    user_id         uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    -- hex SHA-256 of the token; the token itself is never stored
    token_hash      TEXT NOT NULL UNIQUE,
    created_at      BIGINT NOT NULL,
    last_seen_at    BIGINT NOT NULL,
    revoked_at      BIGINT,
    -- the last outbox sequence applied from this device (idempotent push)
    last_device_seq BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX devices_user ON devices(user_id);

CREATE TABLE groups (
    id               uuid PRIMARY KEY,
    name             TEXT NOT NULL,
    tz               TEXT NOT NULL,
    deadline         TEXT NOT NULL,
    owner_user_id    uuid NOT NULL REFERENCES users(id),
    created_at       BIGINT NOT NULL,
    -- The feed's last allocated sequence, bumped by an UPDATE inside each writing transaction.
    -- That UPDATE row-locks the group, so the writers of one group commit in sequence order
    -- and a reader that sees seq N already sees every seq below it. Never a sequence or
    -- BIGSERIAL: those hand out numbers before commit, and commits can then land out of
    -- order (a reader at cursor 12 would skip 11 for ever).
    head_seq         BIGINT NOT NULL DEFAULT 0,
    -- cursors below this are answered 410: a tombstone they may not have seen was dropped
    min_retained_seq BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE memberships (
    group_id          uuid NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    user_id           uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role              TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    share_note        BOOLEAN NOT NULL,
    share_mood        BOOLEAN NOT NULL,
    share_exact_times BOOLEAN NOT NULL,
    joined_at         BIGINT NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX memberships_user ON memberships(user_id);

CREATE TABLE invites (
    id          uuid PRIMARY KEY,
    group_id    uuid NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    code_hash   TEXT NOT NULL UNIQUE,
    created_by  uuid NOT NULL REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    max_uses    BIGINT NOT NULL,
    uses        BIGINT NOT NULL DEFAULT 0,
    revoked_at  BIGINT
);
CREATE INDEX invites_group ON invites(group_id);

-- Every member's records, once, whatever groups they are shared with.
CREATE TABLE records (
    id          uuid PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('punch_in', 'subject', 'day_mark')),
    author      uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- HLC version and the device that wrote it: last writer wins by (version, device_id)
    version     BIGINT NOT NULL,
    device_id   uuid NOT NULL,
    -- study date of punch-ins and day marks, for the board and for sharing on join (a DATE,
    -- where SQLite keeps the ISO text: both compare in calendar order)
    date        DATE,
    -- NULL: deleted (a tombstone)
    body        TEXT,
    received_at BIGINT NOT NULL
);
CREATE INDEX records_author ON records(author, kind, date);

-- Each group's compacted change feed: one row per record, at its latest sequence.
CREATE TABLE changes (
    group_id   uuid NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    seq        BIGINT NOT NULL,
    record_id  uuid NOT NULL,
    kind       TEXT NOT NULL,
    op         TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
    changed_at BIGINT NOT NULL,
    PRIMARY KEY (group_id, seq),
    UNIQUE (group_id, record_id)
);
-- A delete fans out to every group already holding the record.
CREATE INDEX changes_record ON changes(record_id);

CREATE TABLE audit_log (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_id  uuid NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    actor     uuid NOT NULL,
    action    TEXT NOT NULL,
    target    TEXT,
    at        BIGINT NOT NULL
);
CREATE INDEX audit_group ON audit_log(group_id, id);
