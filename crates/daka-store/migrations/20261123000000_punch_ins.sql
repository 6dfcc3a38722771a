-- Goals, punch-ins (打卡), goal progress and day marks (leave / rest / repair).
--
-- Same rules as the first migration: UUIDv7 text ids, `version` (HLC) + `device_id` on every
-- synced row, tombstones, instants in UTC milliseconds, dates 'YYYY-MM-DD'. A punch-in's
-- `logical_date`, `kind`, `entered_on`, `tz`, `utc_offset_min` and `day_start_min` are frozen
-- when it is written and never recomputed: changing the home zone later re-buckets nothing.
-- Every write to punch_ins, goal_progress, day_status and goals also inserts an outbox row in
-- the same transaction.

CREATE TABLE goals (
    id           TEXT PRIMARY KEY NOT NULL,
    title        TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 40),
    unit         TEXT NOT NULL CHECK (length(unit) <= 8),
    target       INTEGER NOT NULL CHECK (target BETWEEN 1 AND 10000),
    measure      TEXT NOT NULL CHECK (measure IN ('count', 'minutes')),
    subject_id   TEXT REFERENCES subjects (id),
    -- daka_core::schedule::Schedule as JSON: {"kind":"daily"} | {"kind":"weekdays","days":31}
    -- | {"kind":"per_week","times":3}
    schedule     TEXT NOT NULL CHECK (json_valid(schedule)),
    active_from  TEXT NOT NULL CHECK (date(active_from) IS active_from),
    active_until TEXT CHECK (active_until IS NULL OR date(active_until) IS active_until),
    archived_utc INTEGER,
    position     INTEGER NOT NULL CHECK (position >= 0),
    created_utc  INTEGER NOT NULL,
    updated_utc  INTEGER NOT NULL,
    version      INTEGER NOT NULL,
    device_id    TEXT NOT NULL,
    deleted_utc  INTEGER
) STRICT;

CREATE TABLE punch_ins (
    id             TEXT PRIMARY KEY NOT NULL,
    logical_date   TEXT NOT NULL CHECK (date(logical_date) IS logical_date),
    kind           TEXT NOT NULL CHECK (kind IN ('live', 'late', 'backfill', 'makeup')),
    entered_on     TEXT NOT NULL CHECK (date(entered_on) IS entered_on),
    tz             TEXT NOT NULL,
    utc_offset_min INTEGER NOT NULL CHECK (utc_offset_min BETWEEN -1440 AND 1440),
    day_start_min  INTEGER NOT NULL CHECK (day_start_min BETWEEN 0 AND 360),
    note           TEXT NOT NULL CHECK (length(note) <= 2000),
    mood           TEXT CHECK (mood IS NULL OR mood IN ('great', 'good', 'okay', 'tired', 'down')),
    created_utc    INTEGER NOT NULL,
    updated_utc    INTEGER NOT NULL,
    version        INTEGER NOT NULL,
    device_id      TEXT NOT NULL,
    deleted_utc    INTEGER
) STRICT;
CREATE INDEX punch_ins_date ON punch_ins (logical_date) WHERE deleted_utc IS NULL;

-- Minutes per subject of one punch-in; replaced as a whole when the punch-in is edited (the
-- punch-in's version covers them for sync).
CREATE TABLE punch_in_minutes (
    punch_in_id TEXT NOT NULL REFERENCES punch_ins (id),
    subject_id  TEXT NOT NULL REFERENCES subjects (id),
    minutes     INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 1440),
    PRIMARY KEY (punch_in_id, subject_id)
) STRICT, WITHOUT ROWID;

-- Signed changes of a count goal's progress; a day's sum is clamped at 0 when read.
CREATE TABLE goal_progress (
    id           TEXT PRIMARY KEY NOT NULL,
    goal_id      TEXT NOT NULL REFERENCES goals (id),
    logical_date TEXT NOT NULL CHECK (date(logical_date) IS logical_date),
    delta        INTEGER NOT NULL CHECK (delta BETWEEN -10000 AND 10000 AND delta <> 0),
    kind         TEXT NOT NULL CHECK (kind IN ('live', 'late', 'backfill', 'makeup')),
    entered_on   TEXT NOT NULL CHECK (date(entered_on) IS entered_on),
    punch_in_id  TEXT REFERENCES punch_ins (id),
    created_utc  INTEGER NOT NULL,
    version      INTEGER NOT NULL,
    device_id    TEXT NOT NULL,
    deleted_utc  INTEGER
) STRICT;
CREATE INDEX goal_progress_goal_date ON goal_progress (goal_id, logical_date)
    WHERE deleted_utc IS NULL;
CREATE INDEX goal_progress_punch_in ON goal_progress (punch_in_id) WHERE punch_in_id IS NOT NULL;

-- One live mark per study day.
CREATE TABLE day_status (
    id           TEXT PRIMARY KEY NOT NULL,
    logical_date TEXT NOT NULL CHECK (date(logical_date) IS logical_date),
    mark         TEXT NOT NULL CHECK (mark IN ('leave', 'rest', 'repair')),
    entered_on   TEXT NOT NULL CHECK (date(entered_on) IS entered_on),
    created_utc  INTEGER NOT NULL,
    updated_utc  INTEGER NOT NULL,
    version      INTEGER NOT NULL,
    device_id    TEXT NOT NULL,
    deleted_utc  INTEGER
) STRICT;
CREATE UNIQUE INDEX day_status_live_date ON day_status (logical_date) WHERE deleted_utc IS NULL;
