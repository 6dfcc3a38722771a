//! Export: every stored row (tombstones included, the timetable and focus sessions too) as
//! `daka.jsonl`, readable CSV tables with a daily summary, the timetable's blocks and the focus
//! sessions, and the punch-in photos (`photos/`), in one ZIP written atomically. Read in one transaction, so the archive is a
//! consistent snapshot even while the app keeps writing.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use daka_archive::{
    ArchiveFile, FORMAT, FORMAT_VERSION, MinutesRow, PHOTOS_PREFIX, Record, RowMeta, write_archive,
};
use sqlx::SqliteConnection;

use crate::error::{Result, StoreError};
use crate::records::read_records;
use crate::store::{Store, read_snapshot};

mod focus;
mod tables;
mod timetable;
use tables::tables;

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSummary {
    pub records: usize,
    pub punch_ins: usize,
    pub bytes: u64,
}

#[derive(sqlx::FromRow)]
struct Meta {
    created_utc: i64,
    updated_utc: i64,
    version: i64,
    device_id: String,
    deleted_utc: Option<i64>,
}

impl From<Meta> for RowMeta {
    fn from(m: Meta) -> Self {
        RowMeta {
            created_utc: m.created_utc,
            updated_utc: m.updated_utc,
            version: m.version,
            device_id: m.device_id,
            deleted_utc: m.deleted_utc,
        }
    }
}

/// Every stored row as archive records, header first.
async fn rows(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    device: &str,
    app_version: &str,
) -> Result<Vec<Record>> {
    let mut out = vec![Record::Header {
        format: FORMAT.into(),
        version: FORMAT_VERSION,
        exported_utc: now.timestamp_millis(),
        app_version: app_version.into(),
        device_id: device.into(),
    }];
    let bad = |what: &str, e: serde_json::Error| StoreError::corrupt(format!("{what}: {e}"));

    let settings: Vec<(String, String, i64, i64, String)> = sqlx::query_as(
        "SELECT key, value, updated_utc, version, device_id FROM settings ORDER BY key",
    )
    .fetch_all(&mut *conn)
    .await?;
    for (key, value, updated_utc, version, device_id) in settings {
        let value = serde_json::from_str(&value).map_err(|e| bad(&key, e))?;
        out.push(Record::Setting { key, value, updated_utc, version, device_id });
    }

    #[derive(sqlx::FromRow)]
    struct DayRuleRow {
        id: String,
        effective_from_utc: i64,
        time_zone: String,
        day_start_min: i64,
        #[sqlx(flatten)]
        meta: Meta,
    }
    let day_rules: Vec<DayRuleRow> = sqlx::query_as(
        "SELECT id, effective_from_utc, time_zone, day_start_min, created_utc,
                created_utc AS updated_utc, version, device_id, deleted_utc
         FROM day_rules ORDER BY effective_from_utc, id",
    )
    .fetch_all(&mut *conn)
    .await?;
    out.extend(day_rules.into_iter().map(|r| Record::DayRule {
        id: r.id,
        effective_from_utc: r.effective_from_utc,
        time_zone: r.time_zone,
        day_start_min: r.day_start_min,
        meta: r.meta.into(),
    }));

    #[derive(sqlx::FromRow)]
    struct ExamRow {
        id: String,
        name: String,
        exam_date: String,
        #[sqlx(flatten)]
        meta: Meta,
    }
    let exams: Vec<ExamRow> = sqlx::query_as(
        "SELECT id, name, exam_date, created_utc, updated_utc, version, device_id, deleted_utc
         FROM exams ORDER BY exam_date, id",
    )
    .fetch_all(&mut *conn)
    .await?;
    out.extend(exams.into_iter().map(|r| Record::Exam {
        id: r.id,
        name: r.name,
        exam_date: r.exam_date,
        meta: r.meta.into(),
    }));

    #[derive(sqlx::FromRow)]
    struct SubjectRow {
        id: String,
        name: String,
        color: String,
        position: i64,
        #[sqlx(flatten)]
        meta: Meta,
    }
    let subjects: Vec<SubjectRow> = sqlx::query_as(
        "SELECT id, name, color, position, created_utc, updated_utc, version, device_id, deleted_utc
         FROM subjects ORDER BY position, id",
    )
    .fetch_all(&mut *conn)
    .await?;
    out.extend(subjects.into_iter().map(|r| Record::Subject {
        id: r.id,
        name: r.name,
        color: r.color,
        position: r.position,
        meta: r.meta.into(),
    }));

    #[derive(sqlx::FromRow)]
    struct GoalRow {
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
        #[sqlx(flatten)]
        meta: Meta,
    }
    let goals: Vec<GoalRow> = sqlx::query_as(
        "SELECT id, title, unit, target, measure, subject_id, schedule, active_from, active_until,
                archived_utc, position, created_utc, updated_utc, version, device_id, deleted_utc
         FROM goals ORDER BY position, id",
    )
    .fetch_all(&mut *conn)
    .await?;
    for r in goals {
        let schedule = serde_json::from_str(&r.schedule).map_err(|e| bad("goal schedule", e))?;
        out.push(Record::Goal {
            id: r.id,
            title: r.title,
            unit: r.unit,
            target: r.target,
            measure: r.measure,
            subject_id: r.subject_id,
            schedule,
            active_from: r.active_from,
            active_until: r.active_until,
            archived_utc: r.archived_utc,
            position: r.position,
            meta: r.meta.into(),
        });
    }

    let minutes: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT punch_in_id, subject_id, minutes FROM punch_in_minutes ORDER BY punch_in_id, subject_id")
            .fetch_all(&mut *conn)
            .await?;
    let mut by_punch_in: HashMap<String, Vec<MinutesRow>> = HashMap::new();
    for (p, subject_id, m) in minutes {
        by_punch_in.entry(p).or_default().push(MinutesRow { subject_id, minutes: m });
    }
    #[derive(sqlx::FromRow)]
    struct PunchRow {
        id: String,
        logical_date: String,
        kind: String,
        entered_on: String,
        tz: String,
        utc_offset_min: i64,
        day_start_min: i64,
        note: String,
        mood: Option<String>,
        #[sqlx(flatten)]
        meta: Meta,
    }
    let punch_ins: Vec<PunchRow> = sqlx::query_as(
        "SELECT id, logical_date, kind, entered_on, tz, utc_offset_min, day_start_min, note, mood,
                created_utc, updated_utc, version, device_id, deleted_utc
         FROM punch_ins ORDER BY logical_date, created_utc, id",
    )
    .fetch_all(&mut *conn)
    .await?;
    for r in punch_ins {
        out.push(Record::PunchIn {
            minutes: by_punch_in.remove(&r.id).unwrap_or_default(),
            id: r.id,
            logical_date: r.logical_date,
            kind: r.kind,
            entered_on: r.entered_on,
            tz: r.tz,
            utc_offset_min: r.utc_offset_min,
            day_start_min: r.day_start_min,
            note: r.note,
            mood: r.mood,
            meta: r.meta.into(),
        });
    }

    #[derive(sqlx::FromRow)]
    struct ProgressRow {
        id: String,
        goal_id: String,
        logical_date: String,
        delta: i64,
        kind: String,
        entered_on: String,
        punch_in_id: Option<String>,
        #[sqlx(flatten)]
        meta: Meta,
    }
    let progress: Vec<ProgressRow> = sqlx::query_as(
        "SELECT id, goal_id, logical_date, delta, kind, entered_on, punch_in_id, created_utc,
                created_utc AS updated_utc, version, device_id, deleted_utc
         FROM goal_progress ORDER BY logical_date, id",
    )
    .fetch_all(&mut *conn)
    .await?;
    out.extend(progress.into_iter().map(|r| Record::GoalProgress {
        id: r.id,
        goal_id: r.goal_id,
        logical_date: r.logical_date,
        delta: r.delta,
        kind: r.kind,
        entered_on: r.entered_on,
        punch_in_id: r.punch_in_id,
        meta: r.meta.into(),
    }));

    #[derive(sqlx::FromRow)]
    struct StatusRow {
        id: String,
        logical_date: String,
        mark: String,
        entered_on: String,
        #[sqlx(flatten)]
        meta: Meta,
    }
    let statuses: Vec<StatusRow> = sqlx::query_as(
        "SELECT id, logical_date, mark, entered_on, created_utc, updated_utc, version, device_id,
                deleted_utc
         FROM day_status ORDER BY logical_date, id",
    )
    .fetch_all(&mut *conn)
    .await?;
    out.extend(statuses.into_iter().map(|r| Record::DayStatus {
        id: r.id,
        logical_date: r.logical_date,
        mark: r.mark,
        entered_on: r.entered_on,
        meta: r.meta.into(),
    }));

    // Photos of punch-ins (not those picked in a form never saved).
    #[derive(sqlx::FromRow)]
    struct PhotoRow {
        id: String,
        punch_in_id: String,
        position: i64,
        file_name: String,
        width: i64,
        height: i64,
        bytes: i64,
        original_name: String,
        #[sqlx(flatten)]
        meta: Meta,
    }
    let photos: Vec<PhotoRow> = sqlx::query_as(
        "SELECT id, punch_in_id, position, file_name, width, height, bytes, original_name,
                created_utc, updated_utc, version, device_id, deleted_utc
         FROM punch_in_photos WHERE punch_in_id IS NOT NULL ORDER BY punch_in_id, position",
    )
    .fetch_all(&mut *conn)
    .await?;
    out.extend(photos.into_iter().map(|r| Record::PunchInPhoto {
        id: r.id,
        punch_in_id: r.punch_in_id,
        position: r.position,
        file_name: r.file_name,
        width: r.width,
        height: r.height,
        bytes: r.bytes,
        original_name: r.original_name,
        meta: r.meta.into(),
    }));

    timetable::rows(conn, &mut out).await?;
    focus::rows(conn, &mut out).await?;
    Ok(out)
}

/// The photo files a live photo record needs, as ZIP members. A record whose file has gone
/// from the disk is left out, so the export never promises a photo it does not carry.
fn photo_files(data_dir: &Path, records: &mut Vec<Record>) -> Vec<ArchiveFile> {
    let mut files = Vec::new();
    records.retain(|r| match r {
        Record::PunchInPhoto { file_name, meta, .. } if meta.deleted_utc.is_none() => {
            match daka_photos::photo_path(data_dir, file_name) {
                Ok(path) if path.is_file() => {
                    files.push(ArchiveFile { name: format!("{PHOTOS_PREFIX}{file_name}"), path });
                    true
                }
                _ => {
                    tracing::warn!(file = file_name.as_str(), "photo file missing; not exported");
                    false
                }
            }
        }
        _ => true,
    });
    files
}

impl Store {
    /// Exports everything to `path` (a `.zip`), atomically.
    pub async fn export_to(
        &self,
        path: &Path,
        now: DateTime<Utc>,
        app_version: &str,
    ) -> Result<ExportSummary> {
        let mut tx = self.pool().begin().await?;
        let mut records = rows(&mut tx, now, &self.device_id().to_string(), app_version).await?;
        let live = match read_snapshot(&mut tx).await?.profile {
            Some(profile) => Some(read_records(&mut tx, profile).await?),
            None => None,
        };
        tx.commit().await?;
        let files = photo_files(self.data_dir(), &mut records);
        let tables = live.as_ref().map(|l| tables(&records, l, now)).unwrap_or_default();
        let punch_ins = records.iter().filter(|r| matches!(r, Record::PunchIn { .. })).count();
        let count = records.len();
        let target = path.to_owned();
        let bytes = tokio::task::spawn_blocking(
            move || -> std::result::Result<u64, daka_archive::ArchiveError> {
                write_archive(&target, &records, &tables, &files)?;
                Ok(std::fs::metadata(&target).map_or(0, |m| m.len()))
            },
        )
        .await
        .map_err(|e| StoreError::corrupt(format!("export task failed: {e}")))?
        .map_err(StoreError::Archive)?;
        Ok(ExportSummary { records: count, punch_ins, bytes })
    }
}
