-- Focus mode (issue 6): finished sessions, and the one running timer.
--
-- A session row is written once, when the session ends, in the same transaction that clears
-- `focus_state`: a session is recorded exactly once even if Daka is killed at any moment (the
-- running state survives until the record exists; the record's id makes a retry a no-op).
-- Rows carry version/device_id like every row and are soft-deleted, so export/import merges
-- them. `logical_date` is the study day the session started in (DESIGN.md §4), fixed when it is
-- recorded, like a punch-in's: a later change of day rules never moves it.

CREATE TABLE focus_sessions (
    id           TEXT PRIMARY KEY NOT NULL,
    subject_id   TEXT REFERENCES subjects (id),
    mode         TEXT NOT NULL CHECK (mode IN ('pomodoro', 'countdown', 'stopwatch')),
    planned_min  INTEGER NOT NULL CHECK (planned_min BETWEEN 0 AND 1440),
    -- Work time only (breaks excluded), in seconds; minutes are derived, rounded down.
    actual_sec   INTEGER NOT NULL CHECK (actual_sec BETWEEN 0 AND 86400),
    outcome      TEXT NOT NULL CHECK (outcome IN ('completed', 'abandoned', 'interrupted')),
    strict       INTEGER NOT NULL CHECK (strict IN (0, 1)),
    started_utc  INTEGER NOT NULL,
    ended_utc    INTEGER NOT NULL CHECK (ended_utc >= started_utc),
    logical_date TEXT NOT NULL CHECK (length(logical_date) = 10),
    -- What the app blocker ended during the session: [{"app": "bilibili", "count": 3}, …].
    blocked      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(blocked)),
    created_utc  INTEGER NOT NULL,
    updated_utc  INTEGER NOT NULL,
    version      INTEGER NOT NULL,
    device_id    TEXT NOT NULL,
    deleted_utc  INTEGER
) STRICT;

CREATE INDEX focus_sessions_by_date ON focus_sessions (logical_date) WHERE deleted_utc IS NULL;

-- The running session (at most one row), saved every few seconds and after every change, so a
-- restart resumes it. This computer only: never exported, never imported.
CREATE TABLE focus_state (
    id          INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    state       TEXT NOT NULL CHECK (json_valid(state)),
    updated_utc INTEGER NOT NULL
) STRICT;
