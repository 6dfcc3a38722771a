//! `punch_ins` and `punch_in_minutes`.

use std::collections::HashMap;

use chrono::NaiveDate;
use daka_core::calendar::EntryKind;
use daka_core::ids::{PunchInId, SubjectId};
use daka_core::journal::{Mood, PunchIn, SubjectMinutes};
use sqlx::SqliteConnection;

use super::{Stamp, from_millis};
use crate::error::{Result, StoreError};

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    logical_date: String,
    kind: String,
    entered_on: String,
    tz: String,
    utc_offset_min: i64,
    day_start_min: i64,
    note: String,
    mood: Option<String>,
    created_utc: i64,
}

#[derive(sqlx::FromRow)]
struct MinutesRow {
    punch_in_id: String,
    subject_id: String,
    minutes: i64,
}

fn bad(id: &str, what: &str) -> StoreError {
    StoreError::corrupt(format!("punch-in {id}: {what}"))
}

/// Every live punch-in with its minutes, oldest day first.
pub(crate) async fn list(conn: &mut SqliteConnection) -> Result<Vec<PunchIn>> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, logical_date, kind, entered_on, tz, utc_offset_min, day_start_min, note, mood,
                created_utc
         FROM punch_ins WHERE deleted_utc IS NULL ORDER BY logical_date, created_utc, id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let minutes: Vec<MinutesRow> = sqlx::query_as(
        "SELECT m.punch_in_id, m.subject_id, m.minutes
         FROM punch_in_minutes m
         JOIN punch_ins p ON p.id = m.punch_in_id AND p.deleted_utc IS NULL
         LEFT JOIN subjects s ON s.id = m.subject_id
         ORDER BY s.position, m.subject_id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut by_punch_in: HashMap<String, Vec<SubjectMinutes>> = HashMap::new();
    for m in minutes {
        let entry = SubjectMinutes {
            subject_id: m
                .subject_id
                .parse::<SubjectId>()
                .map_err(|_| bad(&m.punch_in_id, "subject"))?,
            minutes: u32::try_from(m.minutes).map_err(|_| bad(&m.punch_in_id, "minutes"))?,
        };
        by_punch_in.entry(m.punch_in_id).or_default().push(entry);
    }
    rows.into_iter()
        .map(|r| {
            let minutes = by_punch_in.remove(&r.id).unwrap_or_default();
            let id = r.id.parse::<PunchInId>().map_err(|_| bad(&r.id, "id"))?;
            let mood = match r.mood.as_deref() {
                None => None,
                Some(m) => Some(Mood::parse(m).ok_or_else(|| bad(&r.id, "mood"))?),
            };
            Ok(PunchIn {
                id,
                date: r.logical_date.parse::<NaiveDate>().map_err(|_| bad(&r.id, "date"))?,
                kind: EntryKind::parse(&r.kind).ok_or_else(|| bad(&r.id, "kind"))?,
                entered_on: r.entered_on.parse::<NaiveDate>().map_err(|_| bad(&r.id, "entered"))?,
                utc_offset_min: i32::try_from(r.utc_offset_min)
                    .map_err(|_| bad(&r.id, "offset"))?,
                day_start_min: u16::try_from(r.day_start_min)
                    .map_err(|_| bad(&r.id, "day start"))?,
                created_utc: from_millis(r.created_utc, "punch-in created")?,
                mood,
                minutes,
                note: r.note,
                tz: r.tz,
            })
        })
        .collect()
}

/// Inserts a new punch-in or rewrites an edited one (its frozen fields never change).
pub(crate) async fn upsert(conn: &mut SqliteConnection, p: &PunchIn, stamp: &Stamp) -> Result<()> {
    sqlx::query(
        "INSERT INTO punch_ins (id, logical_date, kind, entered_on, tz, utc_offset_min,
             day_start_min, note, mood, created_utc, updated_utc, version, device_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         ON CONFLICT (id) DO UPDATE SET
             note = excluded.note, mood = excluded.mood, updated_utc = excluded.updated_utc,
             version = excluded.version, device_id = excluded.device_id",
    )
    .bind(p.id.to_string())
    .bind(p.date.to_string())
    .bind(p.kind.as_str())
    .bind(p.entered_on.to_string())
    .bind(&p.tz)
    .bind(i64::from(p.utc_offset_min))
    .bind(i64::from(p.day_start_min))
    .bind(&p.note)
    .bind(p.mood.map(Mood::as_str))
    .bind(p.created_utc.timestamp_millis())
    .bind(stamp.now_millis)
    .bind(stamp.version)
    .bind(stamp.device_id.to_string())
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM punch_in_minutes WHERE punch_in_id = ?1")
        .bind(p.id.to_string())
        .execute(&mut *conn)
        .await?;
    for m in &p.minutes {
        sqlx::query(
            "INSERT INTO punch_in_minutes (punch_in_id, subject_id, minutes) VALUES (?1, ?2, ?3)",
        )
        .bind(p.id.to_string())
        .bind(m.subject_id.to_string())
        .bind(i64::from(m.minutes))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub(crate) async fn delete(
    conn: &mut SqliteConnection,
    id: PunchInId,
    stamp: &Stamp,
) -> Result<()> {
    sqlx::query(
        "UPDATE punch_ins SET deleted_utc = ?2, updated_utc = ?2, version = ?3, device_id = ?4
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
