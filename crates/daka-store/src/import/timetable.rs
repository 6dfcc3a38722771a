//! The timetable in an import: checking template and override records (their JSON must decode
//! into daka-core's types and pass its rules), writing them last-writer-wins like every row,
//! and settling weekdays that two templates claim after a merge.

use chrono::{DateTime, Utc};
use daka_archive::Record;
use daka_core::ids::{BlockId, SubjectId, TemplateId};
use daka_core::schedule::WeekdaySet;
use daka_core::timetable::{Block, Template, validate_blocks, validate_templates};
use sqlx::{Sqlite, Transaction};

use super::write::BindMeta;
use crate::error::{Result, StoreError};
use crate::repo::timetable as repo;
use crate::store::Store;

fn blocks_of(what: &str, value: &serde_json::Value) -> Result<Vec<Block>, String> {
    serde_json::from_value(value.clone()).map_err(|e| format!("{what}: {e}"))
}

/// Checks a template record's values; returns its blocks, for the subject reference check.
pub(super) fn check_template(
    id: &str,
    name: &str,
    weekdays: &[u8],
    blocks: &serde_json::Value,
    position: i64,
) -> Result<Vec<Block>, String> {
    if position < 0 {
        return Err("position".into());
    }
    let template = Template {
        id: id.parse::<TemplateId>().map_err(|_| format!("id {id:?} is not a UUID"))?,
        name: name.to_owned(),
        weekdays: WeekdaySet::from_iso(weekdays).map_err(|e| format!("weekdays: {e}"))?,
        blocks: blocks_of("blocks", blocks)?,
    };
    // The same rules as saving a template here: name, blocks, no overlaps.
    validate_templates(std::slice::from_ref(&template)).map_err(|e| e.to_string())?;
    Ok(template.blocks)
}

/// Checks an override record's values; returns its changed and added blocks, for the subject
/// reference check. Its blocks against the day's template are not checked: the template may
/// have been edited since, which the store allows too.
pub(super) fn check_override(
    logical_date: &str,
    skipped: &serde_json::Value,
    changed: &serde_json::Value,
    added: &serde_json::Value,
) -> Result<Vec<Block>, String> {
    let date = daka_core::validation::parse_date(logical_date).map_err(|e| format!("date: {e}"))?;
    if date.to_string() != logical_date {
        return Err(format!("date {logical_date:?} is not written YYYY-MM-DD"));
    }
    serde_json::from_value::<Vec<BlockId>>(skipped.clone()).map_err(|e| format!("skipped: {e}"))?;
    let changed = blocks_of("changed", changed)?;
    let added = blocks_of("added", added)?;
    validate_blocks(&changed).map_err(|e| format!("changed: {e}"))?;
    validate_blocks(&added).map_err(|e| format!("added: {e}"))?;
    Ok(changed.into_iter().chain(added).collect())
}

/// Blocks as stored here: subject ids taken through the import's subject mapping.
fn remapped(value: &serde_json::Value, subject: &dyn Fn(&str) -> String) -> Result<String, String> {
    let mut blocks = blocks_of("blocks", value)?;
    for b in &mut blocks {
        if let Some(s) = b.subject_id {
            let mapped = subject(&s.to_string());
            b.subject_id =
                Some(mapped.parse::<SubjectId>().map_err(|_| format!("subject {mapped:?}"))?);
        }
    }
    serde_json::to_string(&blocks).map_err(|e| e.to_string())
}

/// Writes a timetable record by upsert, last writer wins on `(version, device_id)`. Returns
/// whether the row was here before and how many rows changed, for the report; `None` for
/// other records. `fail` turns a detail into the record's error.
pub(super) async fn write(
    tx: &mut Transaction<'static, Sqlite>,
    record: &Record,
    subject: &(dyn Fn(&str) -> String + Sync),
    fail: &(dyn Fn(String) -> StoreError + Sync),
) -> Result<Option<(bool, u64)>> {
    let db = |e: sqlx::Error| fail(e.to_string());
    match record {
        Record::TimetableTemplate { id, name, weekdays, blocks, position, meta } => {
            // Checked already; written as the store writes it (sorted, no repeats).
            let days = WeekdaySet::from_iso(weekdays).map_err(|e| fail(e.to_string()))?;
            let days = serde_json::to_string(&days.iso_days()).map_err(|e| fail(e.to_string()))?;
            let blocks = remapped(blocks, subject).map_err(fail)?;
            let existed =
                sqlx::query_scalar::<_, i64>("SELECT 1 FROM timetable_templates WHERE id = ?1")
                    .bind(id)
                    .fetch_optional(&mut **tx)
                    .await?
                    .is_some();
            let done = sqlx::query(
                "INSERT INTO timetable_templates (id, name, weekdays, blocks, position, created_utc,
                     updated_utc, version, device_id, deleted_utc)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name,
                    weekdays = excluded.weekdays, blocks = excluded.blocks,
                    position = excluded.position, updated_utc = excluded.updated_utc,
                    version = excluded.version, device_id = excluded.device_id,
                    deleted_utc = excluded.deleted_utc
                 WHERE (excluded.version, excluded.device_id)
                     > (timetable_templates.version, timetable_templates.device_id)",
            )
            .bind(id)
            .bind(name)
            .bind(days)
            .bind(blocks)
            .bind(position)
            .bind_meta(meta)
            .execute(&mut **tx)
            .await
            .map_err(db)?;
            Ok(Some((existed, done.rows_affected())))
        }
        Record::TimetableOverride { logical_date, skipped, changed, added, meta } => {
            let changed = remapped(changed, subject).map_err(fail)?;
            let added = remapped(added, subject).map_err(fail)?;
            let existed = sqlx::query_scalar::<_, i64>(
                "SELECT 1 FROM timetable_overrides WHERE logical_date = ?1",
            )
            .bind(logical_date)
            .fetch_optional(&mut **tx)
            .await?
            .is_some();
            let done = sqlx::query(
                "INSERT INTO timetable_overrides (logical_date, skipped, changed, added,
                     created_utc, updated_utc, version, device_id, deleted_utc)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (logical_date) DO UPDATE SET skipped = excluded.skipped,
                    changed = excluded.changed, added = excluded.added,
                    updated_utc = excluded.updated_utc, version = excluded.version,
                    device_id = excluded.device_id, deleted_utc = excluded.deleted_utc
                 WHERE (excluded.version, excluded.device_id)
                     > (timetable_overrides.version, timetable_overrides.device_id)",
            )
            .bind(logical_date)
            .bind(skipped.to_string())
            .bind(changed)
            .bind(added)
            .bind_meta(meta)
            .execute(&mut **tx)
            .await
            .map_err(db)?;
            Ok(Some((existed, done.rows_affected())))
        }
        _ => Ok(None),
    }
}

/// After the rows are written: gives every weekday claimed by more than one live template to
/// one of them, then checks the whole timetable.
///
/// Two templates can claim the same day after a merge — one made here, one from the archive,
/// each valid where it was made. The choice is deterministic and needs no question: templates
/// are ranked newest first by `(updated_utc, version)` (then device id and id, so a tie breaks
/// the same way everywhere); each keeps only the days no higher-ranked template has, and one
/// left without days is tombstoned — as applying a template here takes its days from the
/// others. The changed rows are stamped as a write made here at `now`, so the settlement is
/// itself last-writer-wins data. (A restore of a valid archive has nothing to settle.)
pub(super) async fn settle_weekdays(
    store: &Store,
    tx: &mut Transaction<'static, Sqlite>,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut live: Vec<(String, String, i64, i64, String)> = sqlx::query_as(
        "SELECT id, weekdays, updated_utc, version, device_id FROM timetable_templates
         WHERE deleted_utc IS NULL",
    )
    .fetch_all(&mut **tx)
    .await?;
    live.sort_by(|a, b| (b.2, b.3, &b.4, &b.0).cmp(&(a.2, a.3, &a.4, &a.0)));
    let mut taken: Vec<u8> = Vec::new();
    // (id, the days it keeps; empty when it loses all of them)
    let mut changes: Vec<(TemplateId, Vec<u8>)> = Vec::new();
    for (id, weekdays, ..) in live {
        let days: Vec<u8> = serde_json::from_str(&weekdays)
            .map_err(|e| StoreError::corrupt(format!("template {id} weekdays: {e}")))?;
        let kept: Vec<u8> = days.iter().copied().filter(|d| !taken.contains(d)).collect();
        if kept.len() != days.len() {
            let id = id
                .parse::<TemplateId>()
                .map_err(|_| StoreError::corrupt(format!("template {id}")))?;
            changes.push((id, kept.clone()));
        }
        taken.extend(kept);
    }
    if !changes.is_empty() {
        let stamp = store.stamp(tx, now).await?;
        for (id, kept) in changes {
            if kept.is_empty() {
                repo::delete_template(tx, id, &stamp).await?;
                continue;
            }
            let days = serde_json::to_string(&kept)
                .map_err(|e| StoreError::corrupt(format!("weekdays: {e}")))?;
            sqlx::query(
                "UPDATE timetable_templates SET weekdays = ?2, updated_utc = ?3, version = ?4,
                     device_id = ?5
                 WHERE id = ?1",
            )
            .bind(id.to_string())
            .bind(days)
            .bind(stamp.now_millis)
            .bind(stamp.version)
            .bind(stamp.device_id.to_string())
            .execute(&mut **tx)
            .await?;
        }
    }
    let timetable = repo::load(tx).await?;
    validate_templates(&timetable.templates).map_err(|e| StoreError::ImportRecord {
        record: 0,
        kind: "timetable_template".into(),
        detail: e.to_string(),
    })
}
