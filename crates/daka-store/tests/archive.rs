//! Export, import (restore and merge) and backups against real files.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use common::{at, count, onboarded};
use daka_archive::{Limits, Record, read_archive};
use daka_core::goal::{GoalInput, Measure, ScheduleInput};
use daka_core::journal::{DayMark, Mood};
use daka_core::punch_in::{MinutesInput, PunchInInput};
use daka_store::{BackupKind, ImportMode, Store, StoreError};
use tempfile::TempDir;

fn evening(day: u32) -> DateTime<Utc> {
    at(&format!("2026-11-{day:02}T20:00:00+08:00"))
}

/// A profile with a few days of history: goals, punch-ins (one deleted), a leave day.
async fn history() -> (TempDir, Store) {
    let (dir, store) = onboarded().await;
    let subjects = store.profile().await.unwrap().subjects;
    let words = store
        .save_goal(
            &GoalInput {
                id: None,
                title: "背单词".into(),
                unit: "个".into(),
                target: Some(20.0),
                measure: Measure::Count,
                subject_id: None,
                schedule: ScheduleInput::Daily,
                active_from: String::new(),
                active_until: String::new(),
            },
            evening(22),
        )
        .await
        .unwrap();
    for (day, minutes) in [(22, 90.0), (23, 45.0), (25, 120.0)] {
        let p = store
            .save_punch_in(
                &PunchInInput {
                    id: None,
                    date: format!("2026-11-{day}"),
                    repair: false,
                    minutes: vec![
                        MinutesInput {
                            subject_id: subjects[0].id.to_string(),
                            minutes: Some(minutes),
                        },
                        MinutesInput {
                            subject_id: subjects[2].id.to_string(),
                            minutes: Some(30.0),
                        },
                    ],
                    goals_done: vec![words.id.to_string()],
                    note: format!("第 {day} 天，\"引号\"\n第二行"),
                    mood: Some(Mood::Good),
                    photos: vec![],
                },
                evening(day),
            )
            .await
            .unwrap();
        if day == 23 {
            // A second punch-in that is then deleted: its tombstone must travel too.
            let extra = store
                .save_punch_in(
                    &PunchInInput {
                        id: None,
                        note: "删掉".into(),
                        minutes: vec![],
                        goals_done: vec![],
                        ..input_like(&p)
                    },
                    evening(day),
                )
                .await
                .unwrap();
            store.delete_punch_in(&extra.id.to_string(), evening(day)).await.unwrap();
        }
    }
    store.mark_day("2026-11-24", DayMark::Leave, evening(24)).await.unwrap();
    (dir, store)
}

fn input_like(p: &daka_core::journal::PunchIn) -> PunchInInput {
    PunchInInput {
        id: None,
        date: p.date.to_string(),
        repair: false,
        minutes: vec![],
        goals_done: vec![],
        note: String::new(),
        mood: None,
        photos: vec![],
    }
}

fn no_progress(_: daka_store::ImportProgress) {}

fn body(path: &Path) -> Vec<Record> {
    // Everything but the header (which says when and where it was exported).
    read_archive(path, Limits::default()).unwrap().into_iter().skip(1).collect()
}

#[tokio::test]
async fn an_export_restores_into_an_empty_profile_with_the_same_numbers() {
    let (dir, store) = history().await;
    let now = evening(26);
    let file = dir.path().join("export.zip");
    let summary = store.export_to(&file, now, "test").await.unwrap();
    assert_eq!(summary.punch_ins, 4, "the deleted punch-in travels as a tombstone");

    let fresh = TempDir::new().unwrap();
    let restored = Store::open(fresh.path(), now).await.unwrap();
    let report = restored.import_from(&file, ImportMode::Restore, now, &no_progress).await.unwrap();
    assert_eq!(report.kept, 0);
    assert_eq!(report.added + 1, report.records, "everything but the header was added");

    let (a, b) = (store.records().await.unwrap(), restored.records().await.unwrap());
    let (sa, sb) = (a.stats(now), b.stats(now));
    assert_eq!(sa.totals, sb.totals);
    assert_eq!(sa.heatmap, sb.heatmap);
    assert_eq!(sa.punch_in, sb.punch_in);
    assert_eq!(a.today(now).goals, b.today(now).goals);

    // Exporting the restored profile gives the same rows back.
    let again = fresh.path().join("again.zip");
    restored.export_to(&again, now, "test").await.unwrap();
    assert_eq!(body(&file), body(&again));
}

#[tokio::test]
async fn restore_refuses_a_profile_with_data_and_merge_is_idempotent() {
    let (dir, store) = history().await;
    let now = evening(26);
    let file = dir.path().join("export.zip");
    store.export_to(&file, now, "test").await.unwrap();
    let err = store.import_from(&file, ImportMode::Restore, now, &no_progress).await.unwrap_err();
    assert!(matches!(err, StoreError::RestoreNeedsEmptyProfile));
    let report = store.import_from(&file, ImportMode::Merge, now, &no_progress).await.unwrap();
    assert_eq!((report.added, report.updated), (0, 0), "the same rows change nothing: {report:?}");
    assert_eq!(store.records().await.unwrap().journal.punch_ins.len(), 3);
}

#[tokio::test]
async fn merging_another_installation_matches_subjects_by_name() {
    let (dir, store) = history().await;
    let now = evening(26);
    let file = dir.path().join("export.zip");
    store.export_to(&file, now, "test").await.unwrap();
    // Another installation onboarded with the same subjects (new ids) and no history.
    let (other_dir, other) = onboarded().await;
    let report = other.import_from(&file, ImportMode::Merge, now, &no_progress).await.unwrap();
    assert!(report.added > 0);
    let records = other.records().await.unwrap();
    assert_eq!(records.profile.subjects.len(), 4, "no second 政治");
    let subject_ids: Vec<_> = records.profile.subjects.iter().map(|s| s.id).collect();
    for p in &records.journal.punch_ins {
        for m in &p.minutes {
            assert!(
                subject_ids.contains(&m.subject_id),
                "minutes point at this profile's subjects"
            );
        }
    }
    assert_eq!(records.stats(now).totals.minutes, 90 + 45 + 120 + 3 * 30);
    assert!(
        other_dir
            .path()
            .join("backups")
            .read_dir()
            .unwrap()
            .any(|e| { e.unwrap().file_name().to_str().unwrap().starts_with("pre-import-") })
    );
}

/// Rewrites the export's JSON Lines with `edit` and saves them as a bare `.jsonl`.
fn tampered(file: &Path, out: &Path, edit: impl Fn(&mut Vec<serde_json::Value>)) {
    let mut lines: Vec<serde_json::Value> = read_archive(file, Limits::default())
        .unwrap()
        .iter()
        .map(|r| serde_json::to_value(r).unwrap())
        .collect();
    edit(&mut lines);
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(out, text).unwrap();
}

#[tokio::test]
async fn hostile_archives_change_nothing() {
    let (dir, store) = history().await;
    let now = evening(26);
    let file = dir.path().join("export.zip");
    store.export_to(&file, now, "test").await.unwrap();
    let punch = |lines: &mut Vec<serde_json::Value>| -> usize {
        lines.iter().position(|l| l["type"] == "punch_in").unwrap()
    };
    type Edit = Box<dyn Fn(&mut Vec<serde_json::Value>)>;
    let edits: Vec<(&str, Edit)> = vec![
        (
            "impossible date",
            Box::new(move |l| {
                let i = punch(l);
                l[i]["logical_date"] = "2026-02-30".into();
            }),
        ),
        (
            "future date",
            Box::new(move |l| {
                let i = punch(l);
                l[i]["logical_date"] = "2030-01-01".into();
            }),
        ),
        (
            "absurd minutes",
            Box::new(move |l| {
                let i = punch(l);
                l[i]["minutes"][0]["minutes"] = 5000.into();
            }),
        ),
        (
            "negative minutes",
            Box::new(move |l| {
                let i = punch(l);
                l[i]["minutes"][0]["minutes"] = (-30).into();
            }),
        ),
        (
            "wrong type",
            Box::new(move |l| {
                let i = punch(l);
                l[i]["utc_offset_min"] = "eight hours".into();
            }),
        ),
        (
            "huge note",
            Box::new(move |l| {
                let i = punch(l);
                l[i]["note"] = "长".repeat(3000).into();
            }),
        ),
        (
            "duplicate id",
            Box::new(move |l| {
                let i = punch(l);
                let dup = l[i].clone();
                l.push(dup);
            }),
        ),
        (
            "unknown subject",
            Box::new(move |l| {
                let i = punch(l);
                l[i]["minutes"][0]["subject_id"] = "0190aaaa-0000-7000-8000-000000000000".into();
            }),
        ),
        (
            "bad kind",
            Box::new(move |l| {
                let i = punch(l);
                l[i]["kind"] = "cheat".into();
            }),
        ),
    ];
    let before = count(&dir, "SELECT count(*) FROM punch_ins").await;
    let (fresh, target) = {
        let d = TempDir::new().unwrap();
        let s = Store::open(d.path(), now).await.unwrap();
        (d, s)
    };
    for (name, edit) in edits {
        let bad = dir.path().join(format!("{}.jsonl", name.replace(' ', "_")));
        tampered(&file, &bad, edit);
        for (s, mode) in [(&store, ImportMode::Merge), (&target, ImportMode::Restore)] {
            let err = s.import_from(&bad, mode, now, &no_progress).await.unwrap_err();
            assert!(
                matches!(err, StoreError::ImportRecord { .. } | StoreError::Archive(_)),
                "{name}: {err:?}"
            );
        }
    }
    assert_eq!(count(&dir, "SELECT count(*) FROM punch_ins").await, before);
    assert_eq!(count(&fresh, "SELECT count(*) FROM punch_ins").await, 0);
    assert!(target.snapshot().await.unwrap().profile.is_none(), "the empty profile stayed empty");
}

#[tokio::test]
async fn daily_backups_are_kept_for_a_week_and_restore_undoes_later_changes() {
    let (dir, store) = history().await;
    let day0 = evening(26);
    assert!(store.daily_backup(day0).await.unwrap().is_some());
    assert!(store.daily_backup(day0 + Duration::hours(3)).await.unwrap().is_none(), "one a day");
    for d in 1..=9 {
        store.daily_backup(day0 + Duration::days(d)).await.unwrap();
    }
    let daily: Vec<_> =
        store.backups().unwrap().into_iter().filter(|b| b.kind == BackupKind::Daily).collect();
    assert_eq!(daily.len(), 7);
    let newest = daily[0].file_name.clone();

    // A change after the backup, then restore: the change is gone, and a pre-restore copy exists.
    store.mark_day("2026-11-26", DayMark::Rest, evening(26)).await.unwrap();
    assert_eq!(count(&dir, "SELECT count(*) FROM day_status WHERE deleted_utc IS NULL").await, 2);
    let store = store.restore_backup(&newest, day0 + Duration::days(10)).await.unwrap();
    assert_eq!(store.records().await.unwrap().journal.statuses.len(), 1);
    assert!(store.backups().unwrap().iter().any(|b| b.kind == BackupKind::PreRestore));
    assert!(store.clone().restore_backup("../../etc/passwd", day0).await.is_err());
}
