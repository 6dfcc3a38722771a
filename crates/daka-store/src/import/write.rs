//! Writing checked records in the import transaction: upserts by id, last writer wins.

use std::collections::HashMap;

use daka_archive::{Record, RowMeta};
use daka_core::subject::name_key;
use sqlx::query::Query;
use sqlx::sqlite::SqliteArguments;
use sqlx::{Sqlite, Transaction};

use crate::error::{Result, StoreError};
use crate::sync::Touched;

use super::{ImportPhase, ImportProgress, ImportReport, KNOWN_SETTINGS};

/// Counts what an upsert did.
fn tally(report: &mut ImportReport, existed: bool, changed: u64) {
    match (existed, changed) {
        (false, _) => report.added += 1,
        (true, 0) => report.kept += 1,
        (true, _) => report.updated += 1,
    }
}

/// Writes every record; `touched` collects the synced records written (for the outbox).
pub(super) async fn write_all(
    tx: &mut Transaction<'static, Sqlite>,
    records: &[Record],
    total: u32,
    progress: &(dyn Fn(ImportProgress) + Send + Sync),
    touched: &mut Touched,
) -> Result<ImportReport> {
    let mut report = ImportReport { records: total, ..ImportReport::default() };
    // Subjects matched by name to a different live subject here take that subject's id.
    let local_names: HashMap<String, String> = sqlx::query_as::<_, (String, String)>(
        "SELECT name_key, id FROM subjects WHERE deleted_utc IS NULL",
    )
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .collect();
    let mut remap: HashMap<String, String> = HashMap::new();
    for r in records {
        if let Record::Subject { id, name, meta, .. } = r
            && meta.deleted_utc.is_none()
            && let Some(local) = local_names.get(&name_key(name))
            && local != id
        {
            remap.insert(id.clone(), local.clone());
        }
    }
    let subject = |id: &str| remap.get(id).cloned().unwrap_or_else(|| id.to_owned());

    for (i, r) in records.iter().enumerate() {
        if i % 500 == 0 {
            progress(ImportProgress {
                phase: ImportPhase::Writing,
                done: u32::try_from(i).unwrap_or(u32::MAX),
                total,
            });
        }
        let fail = |e: sqlx::Error| StoreError::ImportRecord {
            record: i + 1,
            kind: r.kind().into(),
            detail: e.to_string(),
        };
        match r {
            Record::Header { .. } => {}
            Record::Setting { key, value, updated_utc, version, device_id } => {
                if !KNOWN_SETTINGS.contains(&key.as_str()) {
                    continue;
                }
                let existed = exists(tx, "SELECT 1 FROM settings WHERE key = ?1", key).await?;
                let done = sqlx::query(
                    "INSERT INTO settings (key, value, updated_utc, version, device_id) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_utc = excluded.updated_utc,
                        version = excluded.version, device_id = excluded.device_id
                     WHERE (excluded.version, excluded.device_id) > (settings.version, settings.device_id)",
                )
                .bind(key)
                .bind(value.to_string())
                .bind(updated_utc)
                .bind(version)
                .bind(device_id)
                .execute(&mut **tx)
                .await
                .map_err(fail)?;
                tally(&mut report, existed, done.rows_affected());
            }
            Record::DayRule { id, effective_from_utc, time_zone, day_start_min, meta } => {
                let existed = exists(tx, "SELECT 1 FROM day_rules WHERE id = ?1", id).await?;
                let done = sqlx::query(
                    "INSERT INTO day_rules (id, effective_from_utc, time_zone, day_start_min, created_utc, version, device_id, deleted_utc)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                     ON CONFLICT (id) DO UPDATE SET effective_from_utc = excluded.effective_from_utc,
                        time_zone = excluded.time_zone, day_start_min = excluded.day_start_min,
                        version = excluded.version, device_id = excluded.device_id, deleted_utc = excluded.deleted_utc
                     WHERE (excluded.version, excluded.device_id) > (day_rules.version, day_rules.device_id)",
                )
                .bind(id)
                .bind(effective_from_utc)
                .bind(time_zone)
                .bind(day_start_min)
                .bind(meta.created_utc)
                .bind(meta.version)
                .bind(&meta.device_id)
                .bind(meta.deleted_utc)
                .execute(&mut **tx)
                .await
                .map_err(fail)?;
                tally(&mut report, existed, done.rows_affected());
            }
            Record::Exam { id, name, exam_date, meta } => {
                let existed = exists(tx, "SELECT 1 FROM exams WHERE id = ?1", id).await?;
                let done = sqlx::query(
                    "INSERT INTO exams (id, name, exam_date, created_utc, updated_utc, version, device_id, deleted_utc)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                     ON CONFLICT (id) DO UPDATE SET name = excluded.name, exam_date = excluded.exam_date,
                        updated_utc = excluded.updated_utc, version = excluded.version,
                        device_id = excluded.device_id, deleted_utc = excluded.deleted_utc
                     WHERE (excluded.version, excluded.device_id) > (exams.version, exams.device_id)",
                )
                .bind(id)
                .bind(name)
                .bind(exam_date)
                .bind_meta(meta)
                .execute(&mut **tx)
                .await
                .map_err(fail)?;
                tally(&mut report, existed, done.rows_affected());
            }
            Record::Subject { id, name, color, position, meta } => {
                if remap.contains_key(id) {
                    report.kept += 1;
                    continue;
                }
                let existed = exists(tx, "SELECT 1 FROM subjects WHERE id = ?1", id).await?;
                let done = sqlx::query(
                    "INSERT INTO subjects (id, name, name_key, color, position, created_utc, updated_utc, version, device_id, deleted_utc)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                     ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key,
                        color = excluded.color, position = excluded.position, updated_utc = excluded.updated_utc,
                        version = excluded.version, device_id = excluded.device_id, deleted_utc = excluded.deleted_utc
                     WHERE (excluded.version, excluded.device_id) > (subjects.version, subjects.device_id)",
                )
                .bind(id)
                .bind(name)
                .bind(name_key(name))
                .bind(color)
                .bind(position)
                .bind_meta(meta)
                .execute(&mut **tx)
                .await
                .map_err(fail)?;
                if done.rows_affected() > 0 {
                    touched.subjects.push(id.clone());
                }
                tally(&mut report, existed, done.rows_affected());
            }
            Record::Goal {
                id,
                title,
                unit,
                target,
                measure,
                subject_id,
                schedule,
                active_from,
                active_until,
                archived_utc,
                position,
                meta,
            } => {
                let existed = exists(tx, "SELECT 1 FROM goals WHERE id = ?1", id).await?;
                let done = sqlx::query(
                    "INSERT INTO goals (id, title, unit, target, measure, subject_id, schedule, active_from, active_until,
                        archived_utc, position, created_utc, updated_utc, version, device_id, deleted_utc)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
                     ON CONFLICT (id) DO UPDATE SET title = excluded.title, unit = excluded.unit,
                        target = excluded.target, measure = excluded.measure, subject_id = excluded.subject_id,
                        schedule = excluded.schedule, active_from = excluded.active_from,
                        active_until = excluded.active_until, archived_utc = excluded.archived_utc,
                        position = excluded.position, updated_utc = excluded.updated_utc,
                        version = excluded.version, device_id = excluded.device_id, deleted_utc = excluded.deleted_utc
                     WHERE (excluded.version, excluded.device_id) > (goals.version, goals.device_id)",
                )
                .bind(id)
                .bind(title)
                .bind(unit)
                .bind(target)
                .bind(measure)
                .bind(subject_id.as_deref().map(&subject))
                .bind(schedule.to_string())
                .bind(active_from)
                .bind(active_until)
                .bind(archived_utc)
                .bind(position)
                .bind_meta(meta)
                .execute(&mut **tx)
                .await
                .map_err(fail)?;
                tally(&mut report, existed, done.rows_affected());
            }
            Record::PunchIn {
                id,
                logical_date,
                kind,
                entered_on,
                tz,
                utc_offset_min,
                day_start_min,
                note,
                mood,
                minutes,
                meta,
            } => {
                let existed = exists(tx, "SELECT 1 FROM punch_ins WHERE id = ?1", id).await?;
                let done = sqlx::query(
                    "INSERT INTO punch_ins (id, logical_date, kind, entered_on, tz, utc_offset_min, day_start_min, note, mood,
                        created_utc, updated_utc, version, device_id, deleted_utc)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
                     ON CONFLICT (id) DO UPDATE SET note = excluded.note, mood = excluded.mood,
                        updated_utc = excluded.updated_utc, version = excluded.version,
                        device_id = excluded.device_id, deleted_utc = excluded.deleted_utc
                     WHERE (excluded.version, excluded.device_id) > (punch_ins.version, punch_ins.device_id)",
                )
                .bind(id)
                .bind(logical_date)
                .bind(kind)
                .bind(entered_on)
                .bind(tz)
                .bind(utc_offset_min)
                .bind(day_start_min)
                .bind(note)
                .bind(mood)
                .bind_meta(meta)
                .execute(&mut **tx)
                .await
                .map_err(fail)?;
                if done.rows_affected() > 0 {
                    touched.punch_ins.push(id.clone());
                    sqlx::query("DELETE FROM punch_in_minutes WHERE punch_in_id = ?1")
                        .bind(id)
                        .execute(&mut **tx)
                        .await
                        .map_err(fail)?;
                    for m in minutes {
                        sqlx::query("INSERT INTO punch_in_minutes (punch_in_id, subject_id, minutes) VALUES (?1, ?2, ?3)")
                            .bind(id)
                            .bind(subject(&m.subject_id))
                            .bind(m.minutes)
                            .execute(&mut **tx)
                            .await
                            .map_err(fail)?;
                    }
                }
                tally(&mut report, existed, done.rows_affected());
            }
            Record::GoalProgress {
                id,
                goal_id,
                logical_date,
                delta,
                kind,
                entered_on,
                punch_in_id,
                meta,
            } => {
                let existed = exists(tx, "SELECT 1 FROM goal_progress WHERE id = ?1", id).await?;
                let done = sqlx::query(
                    "INSERT INTO goal_progress (id, goal_id, logical_date, delta, kind, entered_on, punch_in_id, created_utc,
                        version, device_id, deleted_utc)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                     ON CONFLICT (id) DO UPDATE SET version = excluded.version, device_id = excluded.device_id,
                        deleted_utc = excluded.deleted_utc
                     WHERE (excluded.version, excluded.device_id) > (goal_progress.version, goal_progress.device_id)",
                )
                .bind(id)
                .bind(goal_id)
                .bind(logical_date)
                .bind(delta)
                .bind(kind)
                .bind(entered_on)
                .bind(punch_in_id)
                .bind(meta.created_utc)
                .bind(meta.version)
                .bind(&meta.device_id)
                .bind(meta.deleted_utc)
                .execute(&mut **tx)
                .await
                .map_err(fail)?;
                tally(&mut report, existed, done.rows_affected());
            }
            Record::DayStatus { id, logical_date, mark, entered_on, meta } => {
                let existed = exists(tx, "SELECT 1 FROM day_status WHERE id = ?1", id).await?;
                // One live mark per day: an incoming live mark for a day marked here under
                // another id replaces it only if it is newer.
                if meta.deleted_utc.is_none() && !existed {
                    let other: Option<(String, i64, String)> = sqlx::query_as(
                        "SELECT id, version, device_id FROM day_status WHERE logical_date = ?1 AND deleted_utc IS NULL",
                    )
                    .bind(logical_date)
                    .fetch_optional(&mut **tx)
                    .await?;
                    if let Some((other_id, version, device)) = other {
                        if (meta.version, meta.device_id.as_str()) <= (version, device.as_str()) {
                            report.kept += 1;
                            continue;
                        }
                        sqlx::query("UPDATE day_status SET deleted_utc = ?2 WHERE id = ?1")
                            .bind(&other_id)
                            .bind(meta.updated_utc)
                            .execute(&mut **tx)
                            .await
                            .map_err(fail)?;
                        // Its tombstone keeps its old version; the delete is sent at the
                        // version of the mark that replaced it, so it wins on the server.
                        touched.replaced_day_status.push((other_id, meta.version));
                    }
                }
                let done = sqlx::query(
                    "INSERT INTO day_status (id, logical_date, mark, entered_on, created_utc, updated_utc, version, device_id, deleted_utc)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                     ON CONFLICT (id) DO UPDATE SET mark = excluded.mark, updated_utc = excluded.updated_utc,
                        version = excluded.version, device_id = excluded.device_id, deleted_utc = excluded.deleted_utc
                     WHERE (excluded.version, excluded.device_id) > (day_status.version, day_status.device_id)",
                )
                .bind(id)
                .bind(logical_date)
                .bind(mark)
                .bind(entered_on)
                .bind_meta(meta)
                .execute(&mut **tx)
                .await
                .map_err(fail)?;
                if done.rows_affected() > 0 {
                    touched.day_status.push(id.clone());
                }
                tally(&mut report, existed, done.rows_affected());
            }
            Record::TimetableTemplate { .. }
            | Record::TimetableOverride { .. }
            | Record::FocusSession { .. } => {
                let detail = |detail: String| StoreError::ImportRecord {
                    record: i + 1,
                    kind: r.kind().into(),
                    detail,
                };
                let written = if matches!(r, Record::FocusSession { .. }) {
                    super::focus::write(tx, r, &subject, &detail).await?
                } else {
                    super::timetable::write(tx, r, &subject, &detail).await?
                };
                if let Some((existed, changed)) = written {
                    tally(&mut report, existed, changed);
                }
            }
            Record::PunchInPhoto {
                id,
                punch_in_id,
                position,
                file_name,
                width,
                height,
                bytes,
                original_name,
                meta,
            } => {
                let existed = exists(tx, "SELECT 1 FROM punch_in_photos WHERE id = ?1", id).await?;
                let done = sqlx::query(
                    "INSERT INTO punch_in_photos (id, punch_in_id, position, file_name, thumb_name,
                         width, height, bytes, original_name, created_utc, updated_utc, version,
                         device_id, deleted_utc)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
                     ON CONFLICT (id) DO UPDATE SET punch_in_id = excluded.punch_in_id,
                        position = excluded.position, updated_utc = excluded.updated_utc,
                        version = excluded.version, device_id = excluded.device_id,
                        deleted_utc = excluded.deleted_utc
                     WHERE (excluded.version, excluded.device_id)
                         > (punch_in_photos.version, punch_in_photos.device_id)",
                )
                .bind(id)
                .bind(punch_in_id)
                .bind(position)
                .bind(file_name)
                .bind(super::thumb_name_of(id))
                .bind(width)
                .bind(height)
                .bind(bytes)
                .bind(original_name)
                .bind_meta(meta)
                .execute(&mut **tx)
                .await
                .map_err(fail)?;
                tally(&mut report, existed, done.rows_affected());
            }
        }
    }
    Ok(report)
}

async fn exists(
    tx: &mut Transaction<'static, Sqlite>,
    sql: &'static str,
    id: &str,
) -> Result<bool> {
    Ok(sqlx::query_scalar::<_, i64>(sql).bind(id).fetch_optional(&mut **tx).await?.is_some())
}

/// Binds the row metadata every synced table lists last, in its column order:
/// `created_utc, updated_utc, version, device_id, deleted_utc`.
pub(super) trait BindMeta<'q> {
    fn bind_meta(self, meta: &'q RowMeta) -> Self;
}

impl<'q> BindMeta<'q> for Query<'q, Sqlite, SqliteArguments> {
    fn bind_meta(self, meta: &'q RowMeta) -> Self {
        self.bind(meta.created_utc)
            .bind(meta.updated_utc)
            .bind(meta.version)
            .bind(&meta.device_id)
            .bind(meta.deleted_utc)
    }
}
