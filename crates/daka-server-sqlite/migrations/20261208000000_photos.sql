-- Punch-in photos shared with groups (the app's 480 px JPEG thumbnails), and whether each
-- member shares them with each group (off until the member turns it on).
ALTER TABLE memberships ADD COLUMN share_photos INTEGER NOT NULL DEFAULT 0;

CREATE TABLE photos (
    -- the app's photo id, hyphenated lowercase text: the form punch-in bodies list it in, so
    -- the JSON lookups below compare text with text
    id         TEXT PRIMARY KEY,
    owner      BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    sha256     TEXT NOT NULL,
    bytes      BLOB NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX photos_owner ON photos(owner, created_at);
