//! `day_rules`: the history of home time zone + day start.

use daka_core::day::{DayStart, parse_time_zone};
use daka_core::day_rules::DayRule;
use daka_core::ids::DayRuleId;
use sqlx::SqliteConnection;

use super::{Stamp, from_millis, to_millis};
use crate::error::{Result, StoreError};

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    effective_from_utc: i64,
    time_zone: String,
    day_start_min: i64,
}

impl Row {
    fn into_rule(self) -> Result<DayRule> {
        let bad = |what: &str| StoreError::corrupt(format!("day rule {}: {what}", self.id));
        Ok(DayRule {
            id: self.id.parse::<DayRuleId>().map_err(|_| bad("id"))?,
            effective_from: from_millis(self.effective_from_utc, "day rule start")?,
            tz: parse_time_zone(&self.time_zone).map_err(|_| bad("time zone"))?,
            day_start: u16::try_from(self.day_start_min)
                .ok()
                .and_then(|m| DayStart::from_minutes(m).ok())
                .ok_or_else(|| bad("day start"))?,
        })
    }
}

/// Live rules, oldest first.
pub(crate) async fn list(conn: &mut SqliteConnection) -> Result<Vec<DayRule>> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, effective_from_utc, time_zone, day_start_min FROM day_rules
         WHERE deleted_utc IS NULL ORDER BY effective_from_utc, id",
    )
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(Row::into_rule).collect()
}

pub(crate) async fn insert(
    conn: &mut SqliteConnection,
    rule: &DayRule,
    stamp: &Stamp,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO day_rules
            (id, effective_from_utc, time_zone, day_start_min, created_utc, version, device_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .bind(rule.id.to_string())
    .bind(to_millis(rule.effective_from))
    .bind(rule.tz.name())
    .bind(i64::from(rule.day_start.minutes()))
    .bind(stamp.now_millis)
    .bind(stamp.version)
    .bind(stamp.device_id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// Tombstones every live rule that has not taken effect by `now_millis` (a pending change).
pub(crate) async fn delete_pending(conn: &mut SqliteConnection, stamp: &Stamp) -> Result<u64> {
    let done = sqlx::query(
        "UPDATE day_rules SET deleted_utc = ?1, version = ?2, device_id = ?3
         WHERE deleted_utc IS NULL AND effective_from_utc > ?1",
    )
    .bind(stamp.now_millis)
    .bind(stamp.version)
    .bind(stamp.device_id.to_string())
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
