//! `goals`: daily goals.

use chrono::NaiveDate;
use daka_core::goal::{Goal, Measure};
use daka_core::ids::{GoalId, SubjectId};
use daka_core::schedule::Schedule;
use sqlx::SqliteConnection;

use super::Stamp;
use crate::error::{Result, StoreError};

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    title: String,
    unit: String,
    target: i64,
    measure: String,
    subject_id: Option<String>,
    schedule: String,
    active_from: String,
    active_until: Option<String>,
    archived_utc: Option<i64>,
    position: i64,
}

impl Row {
    fn into_goal(self) -> Result<Goal> {
        let bad = |what: &str| StoreError::corrupt(format!("goal {}: {what}", self.id));
        Ok(Goal {
            id: self.id.parse::<GoalId>().map_err(|_| bad("id"))?,
            target: u32::try_from(self.target).map_err(|_| bad("target"))?,
            measure: Measure::parse(&self.measure).ok_or_else(|| bad("measure"))?,
            subject_id: self
                .subject_id
                .as_deref()
                .map(str::parse::<SubjectId>)
                .transpose()
                .map_err(|_| bad("subject"))?,
            schedule: serde_json::from_str::<Schedule>(&self.schedule)
                .map_err(|_| bad("schedule"))?,
            active_from: self.active_from.parse::<NaiveDate>().map_err(|_| bad("start"))?,
            active_until: self
                .active_until
                .as_deref()
                .map(str::parse::<NaiveDate>)
                .transpose()
                .map_err(|_| bad("end"))?,
            archived: self.archived_utc.is_some(),
            position: u32::try_from(self.position).map_err(|_| bad("position"))?,
            title: self.title,
            unit: self.unit,
        })
    }
}

/// Live goals (archived included), in the user's order.
pub(crate) async fn list(conn: &mut SqliteConnection) -> Result<Vec<Goal>> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, title, unit, target, measure, subject_id, schedule, active_from, active_until,
                archived_utc, position
         FROM goals WHERE deleted_utc IS NULL ORDER BY position, id",
    )
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(Row::into_goal).collect()
}

fn schedule_json(goal: &Goal) -> Result<String> {
    serde_json::to_string(&goal.schedule).map_err(|e| StoreError::corrupt(format!("schedule: {e}")))
}

/// Inserts or updates (by id) a goal.
pub(crate) async fn upsert(conn: &mut SqliteConnection, goal: &Goal, stamp: &Stamp) -> Result<()> {
    sqlx::query(
        "INSERT INTO goals (id, title, unit, target, measure, subject_id, schedule, active_from,
             active_until, archived_utc, position, created_utc, updated_utc, version, device_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, CASE WHEN ?10 THEN ?11 END, ?12, ?11, ?11, ?13, ?14)
         ON CONFLICT (id) DO UPDATE SET
             title = excluded.title, unit = excluded.unit, target = excluded.target,
             measure = excluded.measure, subject_id = excluded.subject_id,
             schedule = excluded.schedule, active_from = excluded.active_from,
             active_until = excluded.active_until,
             archived_utc = CASE WHEN ?10 THEN coalesce(goals.archived_utc, ?11) END,
             position = excluded.position, updated_utc = excluded.updated_utc,
             version = excluded.version, device_id = excluded.device_id",
    )
    .bind(goal.id.to_string())
    .bind(&goal.title)
    .bind(&goal.unit)
    .bind(i64::from(goal.target))
    .bind(goal.measure.as_str())
    .bind(goal.subject_id.map(|s| s.to_string()))
    .bind(schedule_json(goal)?)
    .bind(goal.active_from.to_string())
    .bind(goal.active_until.map(|d| d.to_string()))
    .bind(goal.archived)
    .bind(stamp.now_millis)
    .bind(i64::from(goal.position))
    .bind(stamp.version)
    .bind(stamp.device_id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

pub(crate) async fn delete(conn: &mut SqliteConnection, id: GoalId, stamp: &Stamp) -> Result<()> {
    sqlx::query(
        "UPDATE goals SET deleted_utc = ?2, updated_utc = ?2, version = ?3, device_id = ?4
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
