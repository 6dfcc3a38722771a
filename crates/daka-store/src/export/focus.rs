//! Focus sessions in an export: every `focus_sessions` row (tombstones included) as records,
//! and `focus_sessions.csv` with one line per live session, for people. The running timer
//! (`focus_state`) belongs to this computer and is never exported.

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};
use daka_archive::{Record, Table};
use daka_core::day_rules::DayRules;
use sqlx::SqliteConnection;

use super::Meta;
use crate::error::{Result, StoreError};
use crate::focus::BlockedApp;

/// Every session row, oldest first.
pub(super) async fn rows(conn: &mut SqliteConnection, out: &mut Vec<Record>) -> Result<()> {
    #[derive(sqlx::FromRow)]
    struct SessionRow {
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
        #[sqlx(flatten)]
        meta: Meta,
    }
    let sessions: Vec<SessionRow> = sqlx::query_as(
        "SELECT id, subject_id, mode, planned_min, actual_sec, outcome, strict, started_utc,
                ended_utc, logical_date, blocked, created_utc, updated_utc, version, device_id,
                deleted_utc
         FROM focus_sessions ORDER BY started_utc, id",
    )
    .fetch_all(&mut *conn)
    .await?;
    for r in sessions {
        let blocked = serde_json::from_str(&r.blocked)
            .map_err(|e| StoreError::corrupt(format!("focus session {} blocked: {e}", r.id)))?;
        out.push(Record::FocusSession {
            id: r.id,
            subject_id: r.subject_id,
            mode: r.mode,
            planned_min: r.planned_min,
            actual_sec: r.actual_sec,
            outcome: r.outcome,
            strict: r.strict,
            started_utc: r.started_utc,
            ended_utc: r.ended_utc,
            logical_date: r.logical_date,
            blocked,
            meta: r.meta.into(),
        });
    }
    Ok(())
}

/// An instant as ISO 8601 with the offset of the home zone in force then (the README's "ISO
/// 8601 with offset"): the wall-clock time the user saw, and still one exact instant when the
/// zone changed since.
fn local(ms: i64, day_rules: &DayRules) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|t| {
            t.with_timezone(&day_rules.rule_at(t).tz).to_rfc3339_opts(SecondsFormat::Secs, false)
        })
        .unwrap_or_default()
}

/// `focus_sessions.csv`: one line per live session, oldest first (the records' order).
pub(super) fn table(
    records: &[Record],
    subject_name: &HashMap<&str, &str>,
    day_rules: &DayRules,
) -> Table {
    let mut table = Table::new(
        "focus_sessions",
        &[
            "date",
            "start",
            "end",
            "subject",
            "mode",
            "planned_minutes",
            "actual_minutes",
            "outcome",
            "strict",
            "blocked",
        ],
    );
    for r in records {
        let Record::FocusSession {
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
            ..
        } = r
        else {
            continue;
        };
        if meta.deleted_utc.is_some() {
            continue;
        }
        // Rows come from the store, which writes this shape; one that does not decode shows an
        // empty cell (the row still travels whole in daka.jsonl).
        let blocked: Vec<String> = serde_json::from_value::<Vec<BlockedApp>>(blocked.clone())
            .unwrap_or_default()
            .iter()
            .map(|b| format!("{}×{}", b.app, b.count))
            .collect();
        table.push(vec![
            logical_date.clone(),
            local(*started_utc, day_rules),
            local(*ended_utc, day_rules),
            subject_id
                .as_deref()
                .and_then(|id| subject_name.get(id).copied())
                .unwrap_or("")
                .to_owned(),
            mode.clone(),
            planned_min.to_string(),
            // Minutes are derived as the store derives them: rounded down, never up.
            (actual_sec / 60).to_string(),
            outcome.clone(),
            strict.to_string(),
            blocked.join("; "),
        ]);
    }
    table
}
