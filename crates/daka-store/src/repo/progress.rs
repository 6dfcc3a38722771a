//! `goal_progress`: signed changes of count goals.

use chrono::NaiveDate;
use daka_core::calendar::EntryKind;
use daka_core::ids::{GoalId, ProgressId, PunchInId};
use daka_core::journal::ProgressEntry;
use sqlx::SqliteConnection;

use super::Stamp;
use crate::error::{Result, StoreError};

/// (id, goal_id, logical_date, delta, kind, entered_on, punch_in_id)
type Row = (String, String, String, i64, String, String, Option<String>);

pub(crate) async fn list(conn: &mut SqliteConnection) -> Result<Vec<ProgressEntry>> {
    let rows: Vec<Row> = super::fetch_json_rows(
        conn,
        "SELECT json_group_array(json_array(
             id, goal_id, logical_date, delta, kind, entered_on, punch_in_id))
         FROM goal_progress WHERE deleted_utc IS NULL",
        "goal progress",
    )
    .await?;
    let mut entries = rows
        .into_iter()
        .map(|(id, goal_id, logical_date, delta, kind, entered_on, punch_in_id)| {
            let r = Full { id, goal_id, logical_date, delta, kind, entered_on, punch_in_id };
            let bad = |what: &str| StoreError::corrupt(format!("progress {}: {what}", r.id));
            Ok(ProgressEntry {
                id: r.id.parse::<ProgressId>().map_err(|_| bad("id"))?,
                goal_id: r.goal_id.parse::<GoalId>().map_err(|_| bad("goal"))?,
                date: r.logical_date.parse::<NaiveDate>().map_err(|_| bad("date"))?,
                delta: i32::try_from(r.delta).map_err(|_| bad("delta"))?,
                kind: EntryKind::parse(&r.kind).ok_or_else(|| bad("kind"))?,
                entered_on: r.entered_on.parse::<NaiveDate>().map_err(|_| bad("entered"))?,
                punch_in_id: match r.punch_in_id.as_deref() {
                    None => None,
                    Some(p) => Some(p.parse::<PunchInId>().map_err(|_| bad("punch-in"))?),
                },
            })
        })
        .collect::<Result<Vec<_>>>()?;
    entries.sort_by_key(|e| (e.date, e.id));
    Ok(entries)
}

struct Full {
    id: String,
    goal_id: String,
    logical_date: String,
    delta: i64,
    kind: String,
    entered_on: String,
    punch_in_id: Option<String>,
}

pub(crate) async fn insert(
    conn: &mut SqliteConnection,
    e: &ProgressEntry,
    stamp: &Stamp,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO goal_progress (id, goal_id, logical_date, delta, kind, entered_on, punch_in_id,
             created_utc, version, device_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )
    .bind(e.id.to_string())
    .bind(e.goal_id.to_string())
    .bind(e.date.to_string())
    .bind(i64::from(e.delta))
    .bind(e.kind.as_str())
    .bind(e.entered_on.to_string())
    .bind(e.punch_in_id.map(|p| p.to_string()))
    .bind(stamp.now_millis)
    .bind(stamp.version)
    .bind(stamp.device_id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// Tombstones one entry.
pub(crate) async fn delete(
    conn: &mut SqliteConnection,
    id: ProgressId,
    stamp: &Stamp,
) -> Result<()> {
    sqlx::query(
        "UPDATE goal_progress SET deleted_utc = ?2, version = ?3, device_id = ?4
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
