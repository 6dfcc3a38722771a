//! `subjects`: the user's study subjects.

use daka_core::ids::SubjectId;
use daka_core::subject::{Subject, name_key};
use sqlx::SqliteConnection;

use super::Stamp;
use crate::error::{Result, StoreError};

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    name: String,
    color: String,
    position: i64,
}

impl Row {
    fn into_subject(self) -> Result<Subject> {
        let bad = |what: &str| StoreError::corrupt(format!("subject {}: {what}", self.id));
        Ok(Subject {
            id: self.id.parse::<SubjectId>().map_err(|_| bad("id"))?,
            position: u32::try_from(self.position).map_err(|_| bad("position"))?,
            name: self.name,
            color: self.color,
        })
    }
}

/// Live subjects in the user's order.
pub(crate) async fn list(conn: &mut SqliteConnection) -> Result<Vec<Subject>> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, name, color, position FROM subjects
         WHERE deleted_utc IS NULL ORDER BY position, id",
    )
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(Row::into_subject).collect()
}

pub(crate) async fn insert(conn: &mut SqliteConnection, s: &Subject, stamp: &Stamp) -> Result<()> {
    sqlx::query(
        "INSERT INTO subjects
            (id, name, name_key, color, position, created_utc, updated_utc, version, device_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?8)",
    )
    .bind(s.id.to_string())
    .bind(&s.name)
    .bind(name_key(&s.name))
    .bind(&s.color)
    .bind(i64::from(s.position))
    .bind(stamp.now_millis)
    .bind(stamp.version)
    .bind(stamp.device_id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

pub(crate) async fn update(conn: &mut SqliteConnection, s: &Subject, stamp: &Stamp) -> Result<()> {
    sqlx::query(
        "UPDATE subjects SET name = ?2, name_key = ?3, color = ?4, position = ?5,
            updated_utc = ?6, version = ?7, device_id = ?8
         WHERE id = ?1 AND deleted_utc IS NULL",
    )
    .bind(s.id.to_string())
    .bind(&s.name)
    .bind(name_key(&s.name))
    .bind(&s.color)
    .bind(i64::from(s.position))
    .bind(stamp.now_millis)
    .bind(stamp.version)
    .bind(stamp.device_id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// Tombstones a subject. Its history (minutes, punch-ins) keeps pointing at it.
pub(crate) async fn delete(
    conn: &mut SqliteConnection,
    id: SubjectId,
    stamp: &Stamp,
) -> Result<()> {
    sqlx::query(
        "UPDATE subjects SET deleted_utc = ?2, updated_utc = ?2, version = ?3, device_id = ?4
         WHERE id = ?1 AND deleted_utc IS NULL",
    )
    .bind(id.to_string())
    .bind(stamp.now_millis)
    .bind(stamp.version)
    .bind(stamp.device_id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// Frees the unique name slot of rows about to be renamed, so a swap of two names
/// (A→B, B→A) inside one transaction does not trip the unique index half-way.
pub(crate) async fn park_names(conn: &mut SqliteConnection, ids: &[SubjectId]) -> Result<()> {
    for id in ids {
        sqlx::query("UPDATE subjects SET name_key = '\u{1}' || id WHERE id = ?1")
            .bind(id.to_string())
            .execute(&mut *conn)
            .await
            .map_err(StoreError::from)?;
    }
    Ok(())
}
