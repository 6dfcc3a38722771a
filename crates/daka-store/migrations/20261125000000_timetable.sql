-- The timetable: weekly templates of wall-clock blocks and per-date overrides (issue 4).
--
-- A template's blocks are one JSON array in its row, not a table of their own: a template is
-- always read, validated (no overlaps on the 24-hour circle, daka-core) and written whole — the
-- week grid saves the edited template in one go — so a row per block would only add joins and
-- the chance of a half-saved template. The same holds for a date's override (skipped ids,
-- changed blocks, added blocks). JSON shapes are daka-core's `Block` (serde), checked on read.
--
-- Rows carry version/device_id like every row and are soft-deleted, so export/import merges
-- them; "reset this day to the template" tombstones the override.

CREATE TABLE timetable_templates (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 20),
    -- ISO weekdays as a JSON array, e.g. [1,2,3,4,5].
    weekdays    TEXT NOT NULL CHECK (json_valid(weekdays)),
    blocks      TEXT NOT NULL CHECK (json_valid(blocks)),
    position    INTEGER NOT NULL DEFAULT 0,
    created_utc INTEGER NOT NULL,
    updated_utc INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    device_id   TEXT NOT NULL,
    deleted_utc INTEGER
) STRICT;

CREATE TABLE timetable_overrides (
    -- The study day, YYYY-MM-DD.
    logical_date TEXT PRIMARY KEY NOT NULL CHECK (length(logical_date) = 10),
    skipped      TEXT NOT NULL CHECK (json_valid(skipped)),
    changed      TEXT NOT NULL CHECK (json_valid(changed)),
    added        TEXT NOT NULL CHECK (json_valid(added)),
    created_utc  INTEGER NOT NULL,
    updated_utc  INTEGER NOT NULL,
    version      INTEGER NOT NULL,
    device_id    TEXT NOT NULL,
    deleted_utc  INTEGER
) STRICT;
