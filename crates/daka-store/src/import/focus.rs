//! Focus sessions in an import: checking session records by the rules of the table and of the
//! timer (a session the app could never have recorded is refused), and writing them
//! last-writer-wins like every row. The running timer (`focus_state`) is this computer's alone:
//! an import neither reads nor touches it.

use chrono::{DateTime, NaiveDate};
use daka_archive::Record;
use daka_focus::blocklist::MAX_APP_LEN;
use daka_focus::timer::{ModeKind, Outcome};
use sqlx::{Sqlite, Transaction};
use uuid::Uuid;

use super::write::BindMeta;
use crate::error::{Result, StoreError};
use crate::focus::BlockedApp;

/// The longest session the table accepts: work seconds, and planned minutes.
const MAX_ACTUAL_SEC: i64 = 24 * 60 * 60;
const MAX_PLANNED_MIN: i64 = 24 * 60;

/// A daka-focus unit enum from its serde name; only the exact names the store writes parse.
fn enum_named<T: serde::de::DeserializeOwned>(raw: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(raw.to_owned())).ok()
}

fn blocked_of(value: &serde_json::Value) -> Result<Vec<BlockedApp>, String> {
    serde_json::from_value(value.clone()).map_err(|e| format!("blocked: {e}"))
}

/// Checks a session record's values (`latest` is the latest study date allowed). Its subject
/// must be an id, but need not exist: one that does not is dropped when writing, as recording a
/// session does (the minutes were studied either way).
pub(super) fn check(record: &Record, latest: NaiveDate) -> Result<(), String> {
    let Record::FocusSession {
        subject_id,
        mode,
        planned_min,
        actual_sec,
        outcome,
        started_utc,
        ended_utc,
        logical_date,
        blocked,
        ..
    } = record
    else {
        return Ok(());
    };
    if let Some(s) = subject_id {
        Uuid::parse_str(s).map_err(|_| format!("subject {s:?} is not a UUID"))?;
    }
    enum_named::<ModeKind>(mode).ok_or_else(|| format!("mode {mode:?}"))?;
    enum_named::<Outcome>(outcome).ok_or_else(|| format!("outcome {outcome:?}"))?;
    if !(0..=MAX_PLANNED_MIN).contains(planned_min) {
        return Err(format!("planned minutes {planned_min} out of range"));
    }
    if !(0..=MAX_ACTUAL_SEC).contains(actual_sec) {
        return Err(format!("work seconds {actual_sec} out of range"));
    }
    // Instants the store can read back (it refuses what chrono cannot represent).
    let instant = |ms: i64| ms >= 0 && DateTime::from_timestamp_millis(ms).is_some();
    if !instant(*started_utc) || !instant(*ended_utc) {
        return Err("start or end is not a valid instant".into());
    }
    if ended_utc < started_utc {
        return Err("ends before it starts".into());
    }
    let date = daka_core::validation::parse_date(logical_date).map_err(|e| format!("date: {e}"))?;
    if date.to_string() != *logical_date {
        return Err(format!("date {logical_date:?} is not written YYYY-MM-DD"));
    }
    if date > latest {
        return Err(format!("{date} is in the future"));
    }
    // What the blocker ended: each app once, named as a blocklist names it, ended at least once.
    let blocked = blocked_of(blocked)?;
    for (i, b) in blocked.iter().enumerate() {
        if b.app.trim().is_empty()
            || b.app.chars().count() > MAX_APP_LEN
            || b.app.chars().any(char::is_control)
            || b.count == 0
            || blocked[..i].iter().any(|other| other.app == b.app)
        {
            return Err(format!("blocked app {:?}", b.app));
        }
    }
    Ok(())
}

/// Writes a session record by upsert, last writer wins on `(version, device_id)`. Returns
/// whether the row was here before and how many rows changed, for the report; `None` for other
/// records. `subject` maps the archive's subject ids to this profile's (subjects matched by
/// name); `fail` turns a detail into the record's error.
pub(super) async fn write(
    tx: &mut Transaction<'static, Sqlite>,
    record: &Record,
    subject: &(dyn Fn(&str) -> String + Sync),
    fail: &(dyn Fn(String) -> StoreError + Sync),
) -> Result<Option<(bool, u64)>> {
    let Record::FocusSession {
        id,
        subject_id,
        mode,
        planned_min,
        actual_sec,
        outcome,
        strict,
        started_utc,
        ended_utc,
        logical_date,
        blocked,
        meta,
    } = record
    else {
        return Ok(None);
    };
    let db = |e: sqlx::Error| fail(e.to_string());
    // A subject that is neither here nor written before this record (subjects come first in an
    // export) is dropped: the reference is enforced at once, and the session is worth keeping.
    let subject_id = match subject_id.as_deref().map(subject) {
        Some(s) => {
            sqlx::query_scalar::<_, String>("SELECT id FROM subjects WHERE id = ?1")
                .bind(s)
                .fetch_optional(&mut **tx)
                .await?
        }
        None => None,
    };
    // Checked already; written in the store's own shape.
    let blocked = blocked_of(blocked)
        .and_then(|b| serde_json::to_string(&b).map_err(|e| e.to_string()))
        .map_err(fail)?;
    let existed = sqlx::query_scalar::<_, i64>("SELECT 1 FROM focus_sessions WHERE id = ?1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .is_some();
    let done = sqlx::query(
        "INSERT INTO focus_sessions (id, subject_id, mode, planned_min, actual_sec, outcome,
             strict, started_utc, ended_utc, logical_date, blocked, created_utc, updated_utc,
             version, device_id, deleted_utc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
         ON CONFLICT (id) DO UPDATE SET subject_id = excluded.subject_id, mode = excluded.mode,
            planned_min = excluded.planned_min, actual_sec = excluded.actual_sec,
            outcome = excluded.outcome, strict = excluded.strict,
            started_utc = excluded.started_utc, ended_utc = excluded.ended_utc,
            logical_date = excluded.logical_date, blocked = excluded.blocked,
            updated_utc = excluded.updated_utc, version = excluded.version,
            device_id = excluded.device_id, deleted_utc = excluded.deleted_utc
         WHERE (excluded.version, excluded.device_id)
             > (focus_sessions.version, focus_sessions.device_id)",
    )
    .bind(id)
    .bind(subject_id)
    .bind(mode)
    .bind(planned_min)
    .bind(actual_sec)
    .bind(outcome)
    .bind(strict)
    .bind(started_utc)
    .bind(ended_utc)
    .bind(logical_date)
    .bind(blocked)
    .bind_meta(meta)
    .execute(&mut **tx)
    .await
    .map_err(db)?;
    Ok(Some((existed, done.rows_affected())))
}
