//! `day_status`: leave, rest and repair marks.

use chrono::NaiveDate;
use daka_core::ids::DayStatusId;
use daka_core::journal::{DayMark, DayStatus};
use sqlx::SqliteConnection;

use super::Stamp;
use crate::error::{Result, StoreError};

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    logical_date: String,
    mark: String,
    entered_on: String,
}

pub(crate) async fn list(conn: &mut SqliteConnection) -> Result<Vec<DayStatus>> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, logical_date, mark, entered_on FROM day_status
         WHERE deleted_utc IS NULL ORDER BY logical_date",
    )
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let bad = |what: &str| StoreError::corrupt(format!("day mark {}: {what}", r.id));
            Ok(DayStatus {
                id: r.id.parse::<DayStatusId>().map_err(|_| bad("id"))?,
                date: r.logical_date.parse::<NaiveDate>().map_err(|_| bad("date"))?,
                mark: DayMark::parse(&r.mark).ok_or_else(|| bad("mark"))?,
                entered_on: r.entered_on.parse::<NaiveDate>().map_err(|_| bad("entered"))?,
            })
        })
        .collect()
}

pub(crate) async fn insert(
    conn: &mut SqliteConnection,
    s: &DayStatus,
    stamp: &Stamp,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO day_status (id, logical_date, mark, entered_on, created_utc, updated_utc,
             version, device_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7)",
    )
    .bind(s.id.to_string())
    .bind(s.date.to_string())
    .bind(s.mark.as_str())
    .bind(s.entered_on.to_string())
    .bind(stamp.now_millis)
    .bind(stamp.version)
    .bind(stamp.device_id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

pub(crate) async fn delete(
    conn: &mut SqliteConnection,
    id: DayStatusId,
    stamp: &Stamp,
) -> Result<()> {
    sqlx::query(
        "UPDATE day_status SET deleted_utc = ?2, updated_utc = ?2, version = ?3, device_id = ?4
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
