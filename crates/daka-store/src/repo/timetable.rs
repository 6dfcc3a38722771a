//! `timetable_templates` and `timetable_overrides`: the weekly templates and per-date overrides.
//! Blocks are stored as JSON (see the migration for why) and checked on the way out.

use chrono::NaiveDate;
use daka_core::ids::BlockId;
use daka_core::ids::TemplateId;
use daka_core::schedule::WeekdaySet;
use daka_core::timetable::{Block, DayOverride, Template, Timetable};
use sqlx::SqliteConnection;

use super::Stamp;
use crate::error::{Result, StoreError};

fn to_json<T: serde::Serialize>(value: &T, what: &str) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::corrupt(format!("{what}: {e}")))
}

fn from_json<T: serde::de::DeserializeOwned>(raw: &str, what: &str) -> Result<T> {
    serde_json::from_str(raw).map_err(|e| StoreError::corrupt(format!("{what}: {e}")))
}

/// Every live template (in the user's order) and override (by date).
pub(crate) async fn load(conn: &mut SqliteConnection) -> Result<Timetable> {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT id, name, weekdays, blocks FROM timetable_templates
         WHERE deleted_utc IS NULL ORDER BY position, id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut templates = Vec::with_capacity(rows.len());
    for (id, name, weekdays, blocks) in rows {
        let what = format!("template {id}");
        let iso: Vec<u8> = from_json(&weekdays, &what)?;
        templates.push(Template {
            id: id.parse::<TemplateId>().map_err(|_| StoreError::corrupt(what.clone()))?,
            name,
            weekdays: WeekdaySet::from_iso(&iso)
                .map_err(|_| StoreError::corrupt(format!("{what}: weekdays")))?,
            blocks: from_json::<Vec<Block>>(&blocks, &what)?,
        });
    }
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT logical_date, skipped, changed, added FROM timetable_overrides
         WHERE deleted_utc IS NULL ORDER BY logical_date",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut overrides = Vec::with_capacity(rows.len());
    for (date, skipped, changed, added) in rows {
        let what = format!("override {date}");
        overrides.push(DayOverride {
            date: date.parse::<NaiveDate>().map_err(|_| StoreError::corrupt(what.clone()))?,
            skipped: from_json::<Vec<BlockId>>(&skipped, &what)?,
            changed: from_json::<Vec<Block>>(&changed, &what)?,
            added: from_json::<Vec<Block>>(&added, &what)?,
        });
    }
    Ok(Timetable { templates, overrides })
}

/// Inserts or updates (by id) a template at `position`.
pub(crate) async fn upsert_template(
    conn: &mut SqliteConnection,
    template: &Template,
    position: i64,
    stamp: &Stamp,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO timetable_templates (id, name, weekdays, blocks, position, created_utc,
             updated_utc, version, device_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?8)
         ON CONFLICT (id) DO UPDATE SET
             name = excluded.name, weekdays = excluded.weekdays, blocks = excluded.blocks,
             position = excluded.position, updated_utc = excluded.updated_utc,
             version = excluded.version, device_id = excluded.device_id, deleted_utc = NULL",
    )
    .bind(template.id.to_string())
    .bind(&template.name)
    .bind(to_json(&template.weekdays.iso_days(), "weekdays")?)
    .bind(to_json(&template.blocks, "blocks")?)
    .bind(position)
    .bind(stamp.now_millis)
    .bind(stamp.version)
    .bind(stamp.device_id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

pub(crate) async fn delete_template(
    conn: &mut SqliteConnection,
    id: TemplateId,
    stamp: &Stamp,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE timetable_templates SET deleted_utc = ?2, updated_utc = ?2, version = ?3,
             device_id = ?4
         WHERE id = ?1 AND deleted_utc IS NULL",
    )
    .bind(id.to_string())
    .bind(stamp.now_millis)
    .bind(stamp.version)
    .bind(stamp.device_id.to_string())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Writes a date's override, replacing the one it had.
pub(crate) async fn upsert_override(
    conn: &mut SqliteConnection,
    o: &DayOverride,
    stamp: &Stamp,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO timetable_overrides (logical_date, skipped, changed, added, created_utc,
             updated_utc, version, device_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7)
         ON CONFLICT (logical_date) DO UPDATE SET
             skipped = excluded.skipped, changed = excluded.changed, added = excluded.added,
             updated_utc = excluded.updated_utc, version = excluded.version,
             device_id = excluded.device_id, deleted_utc = NULL",
    )
    .bind(o.date.to_string())
    .bind(to_json(&o.skipped, "skipped")?)
    .bind(to_json(&o.changed, "changed")?)
    .bind(to_json(&o.added, "added")?)
    .bind(stamp.now_millis)
    .bind(stamp.version)
    .bind(stamp.device_id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// "Reset this day to the template": tombstones the date's override.
pub(crate) async fn delete_override(
    conn: &mut SqliteConnection,
    date: NaiveDate,
    stamp: &Stamp,
) -> Result<()> {
    sqlx::query(
        "UPDATE timetable_overrides SET deleted_utc = ?2, updated_utc = ?2, version = ?3,
             device_id = ?4
         WHERE logical_date = ?1 AND deleted_utc IS NULL",
    )
    .bind(date.to_string())
    .bind(stamp.now_millis)
    .bind(stamp.version)
    .bind(stamp.device_id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}
