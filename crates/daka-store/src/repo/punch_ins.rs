//! `punch_ins` and `punch_in_minutes`.

use std::collections::HashMap;

use chrono::NaiveDate;
use daka_core::calendar::EntryKind;
use daka_core::ids::{PunchInId, SubjectId};
use daka_core::journal::{Mood, PunchIn, SubjectMinutes};
use sqlx::SqliteConnection;

use super::{Stamp, from_millis};
use crate::error::{Result, StoreError};

/// (id, logical_date, kind, entered_on, tz, utc_offset_min, day_start_min, note, mood,
/// created_utc)
type Row = (String, String, String, String, String, i64, i64, String, Option<String>, i64);
/// (punch_in_id, subject_id, minutes, subject position)
type MinutesRow = (String, String, i64, Option<i64>);

fn bad(id: &str, what: &str) -> StoreError {
    StoreError::corrupt(format!("punch-in {id}: {what}"))
}

/// Every live punch-in with its minutes (subjects in the user's order), oldest day first.
pub(crate) async fn list(conn: &mut SqliteConnection) -> Result<Vec<PunchIn>> {
    let rows: Vec<Row> = super::fetch_json_rows(
        &mut *conn,
        "SELECT json_group_array(json_array(id, logical_date, kind, entered_on, tz,
             utc_offset_min, day_start_min, note, mood, created_utc))
         FROM punch_ins WHERE deleted_utc IS NULL",
        "punch-ins",
    )
    .await?;
    let mut minutes: Vec<MinutesRow> = super::fetch_json_rows(
        &mut *conn,
        "SELECT json_group_array(json_array(m.punch_in_id, m.subject_id, m.minutes, s.position))
         FROM punch_in_minutes m
         JOIN punch_ins p ON p.id = m.punch_in_id AND p.deleted_utc IS NULL
         LEFT JOIN subjects s ON s.id = m.subject_id",
        "punch-in minutes",
    )
    .await?;
    minutes.sort_by(|a, b| (a.3, &a.1).cmp(&(b.3, &b.1)));
    let mut by_punch_in: HashMap<String, Vec<SubjectMinutes>> = HashMap::new();
    for (punch_in_id, subject_id, value) in minutes.into_iter().map(|m| (m.0, m.1, m.2)) {
        let entry = SubjectMinutes {
            subject_id: subject_id
                .parse::<SubjectId>()
                .map_err(|_| bad(&punch_in_id, "subject"))?,
            minutes: u32::try_from(value).map_err(|_| bad(&punch_in_id, "minutes"))?,
        };
        by_punch_in.entry(punch_in_id).or_default().push(entry);
    }
    let mut out = rows
        .into_iter()
        .map(|r| {
            let (id_raw, date, kind, entered_on, tz, offset, day_start, note, mood, created) = r;
            let minutes = by_punch_in.remove(&id_raw).unwrap_or_default();
            let id = id_raw.parse::<PunchInId>().map_err(|_| bad(&id_raw, "id"))?;
            let mood = match mood.as_deref() {
                None => None,
                Some(m) => Some(Mood::parse(m).ok_or_else(|| bad(&id_raw, "mood"))?),
            };
            Ok(PunchIn {
                id,
                date: date.parse::<NaiveDate>().map_err(|_| bad(&id_raw, "date"))?,
                kind: EntryKind::parse(&kind).ok_or_else(|| bad(&id_raw, "kind"))?,
                entered_on: entered_on.parse::<NaiveDate>().map_err(|_| bad(&id_raw, "entered"))?,
                utc_offset_min: i32::try_from(offset).map_err(|_| bad(&id_raw, "offset"))?,
                day_start_min: u16::try_from(day_start).map_err(|_| bad(&id_raw, "day start"))?,
                created_utc: from_millis(created, "punch-in created")?,
                mood,
                minutes,
                note,
                tz,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    out.sort_by_key(|p| (p.date, p.created_utc, p.id));
    Ok(out)
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
