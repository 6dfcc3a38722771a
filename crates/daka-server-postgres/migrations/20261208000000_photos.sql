-- Punch-in photos shared with groups (the app's 480 px JPEG thumbnails), and whether each
-- member shares them with each group (off until the member turns it on).
ALTER TABLE memberships ADD COLUMN share_photos BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE photos (
    id         uuid PRIMARY KEY,
    owner      uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    sha256     TEXT NOT NULL,
    bytes      BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX photos_owner ON photos(owner, created_at);
