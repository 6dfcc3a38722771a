//! The timetable in an export: its template and override rows (tombstones included) as
//! records, and `timetable.csv` with one line per block of a live template, for people.

use std::collections::HashMap;

use daka_archive::{Record, Table};
use daka_core::day::format_hm;
use daka_core::timetable::Block;
use sqlx::SqliteConnection;

use super::Meta;
use crate::error::{Result, StoreError};

fn json(what: &str, raw: &str) -> Result<serde_json::Value> {
    serde_json::from_str(raw).map_err(|e| StoreError::corrupt(format!("{what}: {e}")))
}

/// Every template and override row, in the store's order.
pub(super) async fn rows(conn: &mut SqliteConnection, out: &mut Vec<Record>) -> Result<()> {
    #[derive(sqlx::FromRow)]
    struct TemplateRow {
        id: String,
        name: String,
        weekdays: String,
        blocks: String,
        position: i64,
        #[sqlx(flatten)]
        meta: Meta,
    }
    let templates: Vec<TemplateRow> = sqlx::query_as(
        "SELECT id, name, weekdays, blocks, position, created_utc, updated_utc, version,
                device_id, deleted_utc
         FROM timetable_templates ORDER BY position, id",
    )
    .fetch_all(&mut *conn)
    .await?;
    for r in templates {
        let what = format!("template {}", r.id);
        let weekdays: Vec<u8> = serde_json::from_str(&r.weekdays)
            .map_err(|e| StoreError::corrupt(format!("{what} weekdays: {e}")))?;
        out.push(Record::TimetableTemplate {
            blocks: json(&what, &r.blocks)?,
            id: r.id,
            name: r.name,
            weekdays,
            position: r.position,
            meta: r.meta.into(),
        });
    }

    #[derive(sqlx::FromRow)]
    struct OverrideRow {
        logical_date: String,
        skipped: String,
        changed: String,
        added: String,
        #[sqlx(flatten)]
        meta: Meta,
    }
    let overrides: Vec<OverrideRow> = sqlx::query_as(
        "SELECT logical_date, skipped, changed, added, created_utc, updated_utc, version,
                device_id, deleted_utc
         FROM timetable_overrides ORDER BY logical_date",
    )
    .fetch_all(&mut *conn)
    .await?;
    for r in overrides {
        let what = format!("override {}", r.logical_date);
        out.push(Record::TimetableOverride {
            skipped: json(&what, &r.skipped)?,
            changed: json(&what, &r.changed)?,
            added: json(&what, &r.added)?,
            logical_date: r.logical_date,
            meta: r.meta.into(),
        });
    }
    Ok(())
}

/// `timetable.csv`: one line per block of each live template, in order of start.
pub(super) fn table(records: &[Record], subject_name: &HashMap<&str, &str>) -> Table {
    let mut table = Table::new(
        "timetable",
        &["template", "weekdays", "start", "end", "kind", "subject", "label"],
    );
    for r in records {
        let Record::TimetableTemplate { name, weekdays, blocks, meta, .. } = r else {
            continue;
        };
        if meta.deleted_utc.is_some() {
            continue;
        }
        // Rows come from the store, which checks blocks on every write; a row that does not
        // decode is left out of the table (it still travels in daka.jsonl).
        let Ok(mut blocks) = serde_json::from_value::<Vec<Block>>(blocks.clone()) else {
            continue;
        };
        blocks.sort_by_key(|b| b.start_min);
        let days: Vec<String> = weekdays.iter().map(u8::to_string).collect();
        for b in blocks {
            let subject = b
                .subject_id
                .and_then(|id| subject_name.get(id.to_string().as_str()).copied())
                .unwrap_or("");
            table.push(vec![
                name.clone(),
                days.join(","),
                format_hm(u32::from(b.start_min)),
                format_hm(u32::from(b.end_min)),
                serde_json::to_value(b.kind)
                    .ok()
                    .and_then(|k| k.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                subject.to_owned(),
                b.label,
            ]);
        }
    }
    table
}
