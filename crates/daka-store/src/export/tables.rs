//! The CSV tables of an export: live rows only, names resolved, for people.

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use daka_archive::{Record, RowMeta, Table};
use daka_core::records::Records;
use daka_core::streak::Excuse;

fn iso(ms: i64) -> String {
    Utc.timestamp_millis_opt(ms)
        .single()
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// The CSV tables: live rows only, with names resolved, for people.
pub(super) fn tables(records: &[Record], live: &Records, now: DateTime<Utc>) -> Vec<Table> {
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
    let timetable = super::timetable::table(records, &subject_name);
    let focus = super::focus::table(records, &subject_name, &live.profile.day_rules);
    vec![
        subjects,
        exams,
        settings,
        goals,
        punch_ins,
        punch_minutes,
        progress,
        day_status,
        summary,
        timetable,
        focus,
    ]
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
