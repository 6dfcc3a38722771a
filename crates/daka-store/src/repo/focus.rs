//! `focus_sessions` and `focus_state`: finished focus sessions and the running timer.

use chrono::NaiveDate;
use sqlx::SqliteConnection;

use super::{Stamp, from_millis, to_millis};
use crate::error::{Result, StoreError};
use crate::focus::{BlockedApp, FocusSession};

/// Inserts a finished session; a second insert of the same id changes nothing (a retry after a
/// crash between the insert and clearing the running state).
pub(crate) async fn insert(
    conn: &mut SqliteConnection,
    s: &FocusSession,
    stamp: &Stamp,
) -> Result<bool> {
    let blocked = serde_json::to_string(&s.blocked)
        .map_err(|e| StoreError::corrupt(format!("focus session {}: {e}", s.id)))?;
    let done = sqlx::query(
        "INSERT INTO focus_sessions (id, subject_id, mode, planned_min, actual_sec, outcome,
             strict, started_utc, ended_utc, logical_date, blocked, created_utc, updated_utc,
             version, device_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13, ?14)
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(&s.id)
    .bind(s.subject_id.map(|id| id.to_string()))
    .bind(enum_text(&s.mode)?)
    .bind(i64::from(s.planned_min))
    .bind(i64::from(s.actual_sec))
    .bind(enum_text(&s.outcome)?)
    .bind(s.strict)
    .bind(to_millis(s.started_at))
    .bind(to_millis(s.ended_at))
    .bind(s.logical_date.to_string())
    .bind(blocked)
    .bind(stamp.now_millis)
    .bind(stamp.version)
    .bind(stamp.device_id.to_string())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The serde name of a unit enum variant (`"pomodoro"`, `"completed"`), as stored.
fn enum_text<T: serde::Serialize>(value: &T) -> Result<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        _ => Err(StoreError::corrupt("focus enum is not a string".to_owned())),
    }
}

fn enum_from<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|_| StoreError::corrupt(format!("{what}: {text:?}")))
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    subject_id: Option<String>,
    mode: String,
    planned_min: i64,
    actual_sec: i64,
    outcome: String,
    strict: bool,
    started_utc: i64,
    ended_utc: i64,
    logical_date: String,
    blocked: String,
}

impl Row {
    fn into_session(self) -> Result<FocusSession> {
        let what = format!("focus session {}", self.id);
        let int = |v: i64| u32::try_from(v).map_err(|_| StoreError::corrupt(what.clone()));
        let actual_sec = int(self.actual_sec)?;
        Ok(FocusSession {
            subject_id: self
                .subject_id
                .map(|s| s.parse().map_err(|_| StoreError::corrupt(what.clone())))
                .transpose()?,
            mode: enum_from(&self.mode, &what)?,
            planned_min: int(self.planned_min)?,
            actual_sec,
            actual_min: actual_sec / 60,
            outcome: enum_from(&self.outcome, &what)?,
            strict: self.strict,
            started_at: from_millis(self.started_utc, &what)?,
            ended_at: from_millis(self.ended_utc, &what)?,
            logical_date: self
                .logical_date
                .parse()
                .map_err(|_| StoreError::corrupt(format!("{what}: date")))?,
            blocked: serde_json::from_str::<Vec<BlockedApp>>(&self.blocked)
                .map_err(|e| StoreError::corrupt(format!("{what}: {e}")))?,
            id: self.id,
        })
    }
}

/// Live sessions whose study day is in `from..=to`, oldest first.
pub(crate) async fn between(
    conn: &mut SqliteConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<FocusSession>> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, subject_id, mode, planned_min, actual_sec, outcome, strict, started_utc,
                ended_utc, logical_date, blocked
         FROM focus_sessions
         WHERE deleted_utc IS NULL AND logical_date BETWEEN ?1 AND ?2
         ORDER BY started_utc, id",
    )
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(Row::into_session).collect()
}

pub(crate) async fn state(conn: &mut SqliteConnection) -> Result<Option<String>> {
    Ok(sqlx::query_scalar("SELECT state FROM focus_state WHERE id = 1")
        .fetch_optional(conn)
        .await?)
}

pub(crate) async fn put_state(conn: &mut SqliteConnection, json: &str, now_ms: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO focus_state (id, state, updated_utc) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_utc = excluded.updated_utc",
    )
    .bind(json)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

pub(crate) async fn clear_state(conn: &mut SqliteConnection) -> Result<()> {
    sqlx::query("DELETE FROM focus_state").execute(conn).await?;
    Ok(())
}
