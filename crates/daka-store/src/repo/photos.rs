//! `punch_in_photos`: photo rows, unattached while the punch-in form is open.

use daka_core::ids::{PhotoId, PunchInId};
use daka_core::journal::PhotoRef;
use daka_photos::Ingested;
use sqlx::SqliteConnection;

use super::Stamp;
use crate::error::{Result, StoreError};

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    punch_in_id: String,
    position: i64,
    width: i64,
    height: i64,
}

/// Photos of live punch-ins, by punch-in and position.
pub(crate) async fn list(conn: &mut SqliteConnection) -> Result<Vec<PhotoRef>> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT ph.id, ph.punch_in_id, ph.position, ph.width, ph.height
         FROM punch_in_photos ph
         JOIN punch_ins p ON p.id = ph.punch_in_id AND p.deleted_utc IS NULL
         WHERE ph.deleted_utc IS NULL
         ORDER BY ph.punch_in_id, ph.position",
    )
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(to_ref).collect()
}

/// The live photos of one punch-in, by position.
pub(crate) async fn list_of(
    conn: &mut SqliteConnection,
    punch_in: PunchInId,
) -> Result<Vec<PhotoRef>> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, punch_in_id, position, width, height FROM punch_in_photos
         WHERE punch_in_id = ?1 AND deleted_utc IS NULL ORDER BY position",
    )
    .bind(punch_in.to_string())
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(to_ref).collect()
}

fn to_ref(r: Row) -> Result<PhotoRef> {
    let bad = |what: &str| StoreError::corrupt(format!("photo {}: {what}", r.id));
    Ok(PhotoRef {
        id: r.id.parse::<PhotoId>().map_err(|_| bad("id"))?,
        punch_in_id: r.punch_in_id.parse::<PunchInId>().map_err(|_| bad("punch-in"))?,
        position: u8::try_from(r.position).map_err(|_| bad("position"))?,
        width: u32::try_from(r.width).map_err(|_| bad("width"))?,
        height: u32::try_from(r.height).map_err(|_| bad("height"))?,
    })
}

/// A photo just copied in, not yet part of a punch-in.
pub(crate) async fn insert_unattached(
    conn: &mut SqliteConnection,
    photo: &Ingested,
    stamp: &Stamp,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO punch_in_photos (id, file_name, thumb_name, width, height, bytes,
             original_name, created_utc, updated_utc, version, device_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10)",
    )
    .bind(&photo.id)
    .bind(&photo.file_name)
    .bind(&photo.thumb_name)
    .bind(i64::from(photo.width))
    .bind(i64::from(photo.height))
    .bind(i64::try_from(photo.bytes).unwrap_or(i64::MAX))
    .bind(&photo.original_name)
    .bind(stamp.now_millis)
    .bind(stamp.version)
    .bind(stamp.device_id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// The owner of a live photo: `Some(None)` when unattached, `None` when there is no such photo.
pub(crate) async fn owner(
    conn: &mut SqliteConnection,
    id: PhotoId,
) -> Result<Option<Option<String>>> {
    let row: Option<(Option<String>,)> = sqlx::query_as(
        "SELECT punch_in_id FROM punch_in_photos WHERE id = ?1 AND deleted_utc IS NULL",
    )
    .bind(id.to_string())
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(owner,)| owner))
}

/// Makes `photos` (in order) the photos of `punch_in`; its other photos become tombstones.
pub(crate) async fn attach(
    conn: &mut SqliteConnection,
    punch_in: PunchInId,
    photos: &[PhotoId],
    stamp: &Stamp,
) -> Result<()> {
    let keep: Vec<String> = photos.iter().map(ToString::to_string).collect();
    let keep_json = serde_json::to_string(&keep).unwrap_or_else(|_| "[]".into());
    sqlx::query(
        "UPDATE punch_in_photos SET deleted_utc = ?2, updated_utc = ?2, version = ?3,
             device_id = ?4
         WHERE punch_in_id = ?1 AND deleted_utc IS NULL
           AND id NOT IN (SELECT value FROM json_each(?5))",
    )
    .bind(punch_in.to_string())
    .bind(stamp.now_millis)
    .bind(stamp.version)
    .bind(stamp.device_id.to_string())
    .bind(keep_json)
    .execute(&mut *conn)
    .await?;
    for (position, id) in keep.iter().enumerate() {
        sqlx::query(
            "UPDATE punch_in_photos SET punch_in_id = ?2, position = ?3, updated_utc = ?4,
                 version = ?5, device_id = ?6
             WHERE id = ?1",
        )
        .bind(id)
        .bind(punch_in.to_string())
        .bind(i64::try_from(position).unwrap_or(0))
        .bind(stamp.now_millis)
        .bind(stamp.version)
        .bind(stamp.device_id.to_string())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Tombstones the photos of a deleted punch-in.
pub(crate) async fn delete_of(
    conn: &mut SqliteConnection,
    punch_in: PunchInId,
    stamp: &Stamp,
) -> Result<()> {
    sqlx::query(
        "UPDATE punch_in_photos SET deleted_utc = ?2, updated_utc = ?2, version = ?3,
             device_id = ?4
         WHERE punch_in_id = ?1 AND deleted_utc IS NULL",
    )
    .bind(punch_in.to_string())
    .bind(stamp.now_millis)
    .bind(stamp.version)
    .bind(stamp.device_id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// The thumbnail file of a live photo.
pub(crate) async fn thumb_name(conn: &mut SqliteConnection, id: PhotoId) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT thumb_name FROM punch_in_photos WHERE id = ?1 AND deleted_utc IS NULL",
    )
    .bind(id.to_string())
    .fetch_optional(conn)
    .await?)
}

/// The original file of a live photo.
pub(crate) async fn file_name(conn: &mut SqliteConnection, id: PhotoId) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT file_name FROM punch_in_photos WHERE id = ?1 AND deleted_utc IS NULL",
    )
    .bind(id.to_string())
    .fetch_optional(conn)
    .await?)
}

/// Removes unattached rows created before `before_ms` (a form closed without saving) and
/// returns the file names every remaining live row needs.
pub(crate) async fn prune(conn: &mut SqliteConnection, before_ms: i64) -> Result<Vec<String>> {
    sqlx::query("DELETE FROM punch_in_photos WHERE punch_in_id IS NULL AND created_utc < ?1")
        .bind(before_ms)
        .execute(&mut *conn)
        .await?;
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT ph.file_name, ph.thumb_name FROM punch_in_photos ph
         LEFT JOIN punch_ins p ON p.id = ph.punch_in_id
         WHERE ph.deleted_utc IS NULL AND (ph.punch_in_id IS NULL OR p.deleted_utc IS NULL)",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().flat_map(|(f, t)| [f, t]).collect())
}
