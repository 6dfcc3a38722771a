-- Photos attached to punch-ins (up to 9 each).
--
-- The files live in the data folder (photos/<file_name>, photos/thumbs/<thumb_name>), written
-- before the row exists. A row starts unattached (punch_in_id NULL) when the user picks the
-- photo in the form, and is attached when the punch-in is saved; rows left unattached for a day
-- (a form closed without saving) are removed with their files at the next start. Photos stay on
-- this computer: they carry version/device_id like every row, but are not queued for sync.

CREATE TABLE punch_in_photos (
    id            TEXT PRIMARY KEY NOT NULL,
    punch_in_id   TEXT REFERENCES punch_ins (id),
    position      INTEGER NOT NULL DEFAULT 0 CHECK (position BETWEEN 0 AND 8),
    file_name     TEXT NOT NULL UNIQUE,
    thumb_name    TEXT NOT NULL UNIQUE,
    width         INTEGER NOT NULL CHECK (width > 0),
    height        INTEGER NOT NULL CHECK (height > 0),
    bytes         INTEGER NOT NULL CHECK (bytes > 0),
    original_name TEXT NOT NULL CHECK (length(original_name) <= 200),
    created_utc   INTEGER NOT NULL,
    updated_utc   INTEGER NOT NULL,
    version       INTEGER NOT NULL,
    device_id     TEXT NOT NULL,
    deleted_utc   INTEGER
) STRICT;

CREATE INDEX punch_in_photos_by_punch_in ON punch_in_photos (punch_in_id, position)
    WHERE deleted_utc IS NULL;
