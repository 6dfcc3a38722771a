//! Punch-in photos: stored once per id, served to a group only while the punch-in that lists
//! them is live in its feed and the owner shares photos there.
//!
//! Which punch-ins list a photo is read from the record bodies (`body::jsonb -> 'photos'`)
//! rather than kept in a table of its own: the push path, the hot one, stays as it is, and a
//! lookup scans one member's punch-ins through `records_author`, a few hundred rows at most.

use chrono::{DateTime, NaiveDate, Utc};
use daka_server_db::{DbError, NewPhoto, PhotoPut, millis};
use sqlx::{PgConnection, PgPool, Row};
use uuid::Uuid;

use crate::{Tx, db};

pub(crate) async fn put(tx: &mut Tx, photo: NewPhoto) -> Result<PhotoPut, DbError> {
    // Serialize one owner's uploads, so the quota count and the insert see the same rows.
    sqlx::query("SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE")
        .bind(photo.owner)
        .execute(&mut **tx)
        .await
        .map_err(db)?;
    let kept: i64 = sqlx::query_scalar("SELECT count(*) FROM photos WHERE owner = $1")
        .bind(photo.owner)
        .fetch_one(&mut **tx)
        .await
        .map_err(db)?;
    let inserted = if kept < i64::from(photo.max_per_owner) {
        sqlx::query(
            "INSERT INTO photos (id, owner, sha256, bytes, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(photo.id)
        .bind(photo.owner)
        .bind(&photo.sha256)
        .bind(&photo.bytes)
        .bind(millis(photo.now))
        .execute(&mut **tx)
        .await
        .map_err(db)?
        .rows_affected()
            == 1
    } else {
        false
    };
    if inserted {
        return Ok(PhotoPut::Stored);
    }
    let existing = sqlx::query("SELECT owner, sha256 FROM photos WHERE id = $1")
        .bind(photo.id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db)?;
    match existing {
        Some(row) => {
            let owner: Uuid = row.try_get("owner").map_err(db)?;
            let sha: String = row.try_get("sha256").map_err(db)?;
            if owner == photo.owner && sha == photo.sha256 {
                Ok(PhotoPut::AlreadyStored)
            } else {
                Err(DbError::PhotoTaken)
            }
        }
        None => Err(DbError::QuotaExceeded),
    }
}

pub(crate) async fn for_group(
    pool: &PgPool,
    group: Uuid,
    photo: Uuid,
) -> Result<Option<Vec<u8>>, DbError> {
    sqlx::query_scalar(
        "SELECT p.bytes FROM photos p
         JOIN memberships m ON m.group_id = $1 AND m.user_id = p.owner AND m.share_photos
         WHERE p.id = $2 AND EXISTS (
             SELECT 1 FROM records r
             JOIN changes c ON c.record_id = r.id AND c.group_id = $1 AND c.op = 'upsert'
             WHERE r.author = p.owner AND r.kind = 'punch_in' AND r.body IS NOT NULL
               AND (r.body::jsonb -> 'photos') ? p.id::text)",
    )
    .bind(group)
    .bind(photo)
    .fetch_optional(pool)
    .await
    .map_err(db)
}

/// Of the photos the group's punch-ins of `date` list, those their author uploaded.
pub(crate) async fn stored_for_day(
    conn: &mut PgConnection,
    group: Uuid,
    date: NaiveDate,
) -> Result<Vec<Uuid>, DbError> {
    sqlx::query_scalar(
        "SELECT p.id FROM changes c JOIN records r ON r.id = c.record_id
         CROSS JOIN LATERAL jsonb_array_elements_text(
             coalesce(r.body::jsonb -> 'photos', '[]'::jsonb)) AS j(id)
         JOIN photos p ON p.id::text = j.id AND p.owner = r.author
         WHERE c.group_id = $1 AND c.op = 'upsert' AND r.kind = 'punch_in'
           AND r.body IS NOT NULL AND r.date = $2::date",
    )
    .bind(group)
    .bind(date.to_string())
    .fetch_all(conn)
    .await
    .map_err(db)
}

/// Drops photos uploaded before `before` that no live punch-in of their owner lists (the
/// punch-in was deleted or edited, or never arrived).
pub(crate) async fn sweep(tx: &mut Tx, before: DateTime<Utc>) -> Result<u64, DbError> {
    let done = sqlx::query(
        "DELETE FROM photos WHERE created_at < $1 AND NOT EXISTS (
             SELECT 1 FROM records r
             WHERE r.author = photos.owner AND r.kind = 'punch_in' AND r.body IS NOT NULL
               AND (r.body::jsonb -> 'photos') ? photos.id::text)",
    )
    .bind(millis(before))
    .execute(&mut **tx)
    .await
    .map_err(db)?;
    Ok(done.rows_affected())
}
