//! Export: every stored row (tombstones included) as `daka.jsonl`, and readable CSV tables with
//! a daily summary, in one ZIP written atomically. Read in one transaction, so the archive is a
//! consistent snapshot even while the app keeps writing.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use daka_archive::{FORMAT, FORMAT_VERSION, MinutesRow, Record, RowMeta, Table, write_archive};
use daka_core::records::Records;
use daka_core::streak::Excuse;
use sqlx::SqliteConnection;

use crate::error::{Result, StoreError};
use crate::records::read_records;
use crate::store::{Store, read_snapshot};

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
    Ok(out)
}

fn iso(ms: i64) -> String {
    Utc.timestamp_millis_opt(ms)
        .single()
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// The CSV tables: live rows only, with names resolved, for people.
fn tables(records: &[Record], live: &Records, now: DateTime<Utc>) -> Vec<Table> {
    let subject_name: HashMap<&str, &str> = records
        .iter()
        .filter_map(|r| match r {
            Record::Subject { id, name, .. } => Some((id.as_str(), name.as_str())),
            _ => None,
        })
        .collect();
    let goal_title: HashMap<&str, &str> = records
        .iter()
        .filter_map(|r| match r {
            Record::Goal { id, title, .. } => Some((id.as_str(), title.as_str())),
            _ => None,
        })
        .collect();
    let name = |id: &str| subject_name.get(id).copied().unwrap_or("").to_owned();
    let is_live = |m: &RowMeta| m.deleted_utc.is_none();

    let mut subjects = Table::new("subjects", &["id", "name", "color", "position"]);
    let mut exams = Table::new("exams", &["id", "name", "date"]);
    let mut settings = Table::new("settings", &["key", "value"]);
    let mut goals = Table::new(
        "goals",
        &[
            "id",
            "title",
            "unit",
            "target",
            "measure",
            "subject",
            "schedule",
            "active_from",
            "active_until",
            "archived",
        ],
    );
    let mut punch_ins = Table::new(
        "punch_ins",
        &[
            "id",
            "date",
            "kind",
            "entered_on",
            "created",
            "time_zone",
            "utc_offset_min",
            "day_start_min",
            "total_minutes",
            "minutes_by_subject",
            "mood",
            "note",
        ],
    );
    let mut punch_minutes = Table::new(
        "punch_in_minutes",
        &["punch_in_id", "date", "subject_id", "subject", "minutes"],
    );
    let mut progress = Table::new(
        "goal_progress",
        &["id", "goal_id", "goal", "date", "delta", "kind", "entered_on", "punch_in_id"],
    );
    let mut day_status = Table::new("day_status", &["id", "date", "mark", "entered_on"]);
    for r in records {
        match r {
            Record::Setting { key, value, .. } => {
                settings.push(vec![key.clone(), value.to_string()]);
            }
            Record::Exam { id, name, exam_date, meta } if is_live(meta) => {
                exams.push(vec![id.clone(), name.clone(), exam_date.clone()]);
            }
            Record::Subject { id, name, color, position, meta } if is_live(meta) => {
                subjects.push(vec![id.clone(), name.clone(), color.clone(), position.to_string()]);
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
                meta,
                ..
            } if is_live(meta) => {
                goals.push(vec![
                    id.clone(),
                    title.clone(),
                    unit.clone(),
                    target.to_string(),
                    measure.clone(),
                    subject_id.as_deref().map(name).unwrap_or_default(),
                    schedule.to_string(),
                    active_from.clone(),
                    active_until.clone().unwrap_or_default(),
                    archived_utc.is_some().to_string(),
                ]);
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
            } if is_live(meta) => {
                let total: i64 = minutes.iter().map(|m| m.minutes).sum();
                let by_subject: Vec<String> = minutes
                    .iter()
                    .map(|m| format!("{}:{}", name(&m.subject_id), m.minutes))
                    .collect();
                punch_ins.push(vec![
                    id.clone(),
                    logical_date.clone(),
                    kind.clone(),
                    entered_on.clone(),
                    iso(meta.created_utc),
                    tz.clone(),
                    utc_offset_min.to_string(),
                    day_start_min.to_string(),
                    total.to_string(),
                    by_subject.join(";"),
                    mood.clone().unwrap_or_default(),
                    note.clone(),
                ]);
                for m in minutes {
                    punch_minutes.push(vec![
                        id.clone(),
                        logical_date.clone(),
                        m.subject_id.clone(),
                        name(&m.subject_id),
                        m.minutes.to_string(),
                    ]);
                }
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
            } if is_live(meta) => {
                progress.push(vec![
                    id.clone(),
                    goal_id.clone(),
                    goal_title.get(goal_id.as_str()).copied().unwrap_or("").to_owned(),
                    logical_date.clone(),
                    delta.to_string(),
                    kind.clone(),
                    entered_on.clone(),
                    punch_in_id.clone().unwrap_or_default(),
                ]);
            }
            Record::DayStatus { id, logical_date, mark, entered_on, meta } if is_live(meta) => {
                day_status.push(vec![
                    id.clone(),
                    logical_date.clone(),
                    mark.clone(),
                    entered_on.clone(),
                ]);
            }
            _ => {}
        }
    }

    // One row per study day: the daily punch-in's verdict, amount, strength and streak so far.
    let mut summary = Table::new(
        "daily_summary",
        &[
            "date",
            "status",
            "excuse",
            "backfilled",
            "punch_ins",
            "minutes",
            "target_minutes",
            "streak",
            "strength",
        ],
    );
    let report = live.punch_in_report(now);
    let minutes_by_day: HashMap<_, u32> =
        live.journal.punch_ins.iter().fold(HashMap::new(), |mut acc, p| {
            *acc.entry(p.date).or_insert(0) += p.total_minutes();
            acc
        });
    for (v, point) in report.days.iter().zip(&report.points) {
        summary.push(vec![
            v.date.to_string(),
            serde_json::to_value(v.state)
                .ok()
                .and_then(|s| s.as_str().map(str::to_owned))
                .unwrap_or_default(),
            v.excuse.map(excuse_name).unwrap_or_default().to_owned(),
            v.backfilled.to_string(),
            v.amount.to_string(),
            minutes_by_day.get(&v.date).copied().unwrap_or(0).to_string(),
            live.profile.daily_target.minutes().to_string(),
            point.streak.to_string(),
            format!("{:.4}", point.strength),
        ]);
    }
    vec![subjects, exams, settings, goals, punch_ins, punch_minutes, progress, day_status, summary]
}

fn excuse_name(e: Excuse) -> &'static str {
    match e {
        Excuse::Leave => "leave",
        Excuse::Rest => "rest",
        Excuse::Travel => "travel",
        Excuse::Repair => "repair",
        Excuse::Freeze => "freeze",
    }
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
        let records = rows(&mut tx, now, &self.device_id().to_string(), app_version).await?;
        let live = match read_snapshot(&mut tx).await?.profile {
            Some(profile) => Some(read_records(&mut tx, profile).await?),
            None => None,
        };
        tx.commit().await?;
        let tables = live.as_ref().map(|l| tables(&records, l, now)).unwrap_or_default();
        let punch_ins = records.iter().filter(|r| matches!(r, Record::PunchIn { .. })).count();
        let count = records.len();
        let target = path.to_owned();
        let bytes = tokio::task::spawn_blocking(
            move || -> std::result::Result<u64, daka_archive::ArchiveError> {
                write_archive(&target, &records, &tables)?;
                Ok(std::fs::metadata(&target).map_or(0, |m| m.len()))
            },
        )
        .await
        .map_err(|e| StoreError::corrupt(format!("export task failed: {e}")))?
        .map_err(StoreError::Archive)?;
        Ok(ExportSummary { records: count, punch_ins, bytes })
    }
}
