-- Daka's local store, first schema.
--
-- Rules for every table that holds user data (DESIGN.md §3 Storage), so sync can be added
-- without rewriting history:
--   * ids are UUIDv7 text, made on the device;
--   * `version` is the hybrid logical clock (daka_core::hlc) of the last write, `device_id` the
--     device that wrote it: last-writer-wins compares (version, device_id);
--   * deletes are tombstones (`deleted_utc` set), never DELETE, so a delete can sync;
--   * instants are Unix milliseconds (INTEGER, UTC); calendar dates are 'YYYY-MM-DD' text.
-- Migrations are only ever added, never edited (the store backs up the file before migrating).

-- Facts about this installation: device_id, the HLC high-water mark.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

-- Simple preferences, one JSON value per key (language, daily target, wake time, ...).
-- Key/value so that a new preference needs no migration and each key can be merged on its own
-- (last writer wins per key) if settings ever sync between a user's devices.
CREATE TABLE settings (
    key         TEXT PRIMARY KEY NOT NULL,
    value       TEXT NOT NULL CHECK (json_valid(value)),
    updated_utc INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    device_id   TEXT NOT NULL
) STRICT;

-- The home time zone and day start, as a history: a change never edits a row, it adds one that
-- takes effect at the next study-day boundary (daka_core::day_rules). History is never
-- re-bucketed.
CREATE TABLE day_rules (
    id                 TEXT PRIMARY KEY NOT NULL,
    effective_from_utc INTEGER NOT NULL,
    time_zone          TEXT NOT NULL,
    day_start_min      INTEGER NOT NULL CHECK (day_start_min BETWEEN 0 AND 360),
    created_utc        INTEGER NOT NULL,
    version            INTEGER NOT NULL,
    device_id          TEXT NOT NULL,
    deleted_utc        INTEGER
) STRICT;
CREATE INDEX day_rules_effective ON day_rules (effective_from_utc) WHERE deleted_utc IS NULL;

-- Exams the user prepares for. Several may exist (初试 then 复试, or next year's attempt); the
-- countdown shows the nearest upcoming one.
CREATE TABLE exams (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 30),
    exam_date   TEXT NOT NULL CHECK (date(exam_date) IS exam_date),
    created_utc INTEGER NOT NULL,
    updated_utc INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    device_id   TEXT NOT NULL,
    deleted_utc INTEGER
) STRICT;

-- Study subjects. Names are unique among live subjects by their comparison key
-- (daka_core::subject::name_key: case, spaces and full-width letters folded).
CREATE TABLE subjects (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 24),
    name_key    TEXT NOT NULL,
    color       TEXT NOT NULL CHECK (length(color) = 7 AND color GLOB '#[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'),
    position    INTEGER NOT NULL CHECK (position >= 0),
    created_utc INTEGER NOT NULL,
    updated_utc INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    device_id   TEXT NOT NULL,
    deleted_utc INTEGER
) STRICT;
CREATE UNIQUE INDEX subjects_live_name ON subjects (name_key) WHERE deleted_utc IS NULL;

-- The transactional outbox: a write that must reach the group server inserts its row here in
-- the same transaction. AUTOINCREMENT, not a plain rowid: device_seq must never be reused after
-- acknowledged rows are deleted, or the server's idempotency check would drop new mutations.
-- Punch-ins and goal progress will write here (see ARCHITECTURE.md, "Schema plan").
CREATE TABLE outbox (
    device_seq  INTEGER PRIMARY KEY AUTOINCREMENT,
    mutation_id TEXT NOT NULL UNIQUE,
    entity_type TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    op          TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
    version     INTEGER NOT NULL,
    payload     TEXT NOT NULL CHECK (json_valid(payload)),
    created_utc INTEGER NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'rejected'))
) STRICT;
