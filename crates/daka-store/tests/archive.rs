//! Export, import (restore and merge) and backups against real files.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use common::{at, count, onboarded};
use daka_archive::{Limits, Record, read_archive};
use daka_core::goal::{GoalInput, Measure, ScheduleInput};
use daka_core::ids::{BlockId, SubjectId};
use daka_core::journal::{DayMark, Mood};
use daka_core::lang::Lang;
use daka_core::punch_in::{MinutesInput, PunchInInput};
use daka_core::timetable::{
    Block, BlockKind, DayOverride, Preset, Timetable, preset, validate_templates,
};
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

async fn subject_ids(store: &Store) -> Vec<SubjectId> {
    store.profile().await.unwrap().subjects.iter().map(|s| s.id).collect()
}

/// `history()` plus a timetable: a workday template replaced (tombstoned) by 考研 Mon–Sat, and
/// an override on Wednesday the 25th (walk skipped, evening study moved, an errand added).
async fn with_timetable() -> (TempDir, Store) {
    let (dir, store) = history().await;
    let ids = subject_ids(&store).await;
    let working = preset(Preset::WorkingEvening, Lang::ZhCn, &ids);
    store.apply_template(&working, evening(24)).await.unwrap();
    let kaoyan = preset(Preset::Kaoyan, Lang::ZhCn, &ids);
    store.apply_template(&kaoyan, evening(25)).await.unwrap();
    let walk = kaoyan.blocks.iter().find(|b| b.kind == BlockKind::Exercise).unwrap();
    let study = kaoyan.blocks.iter().find(|b| b.start_min == 20 * 60).unwrap();
    assert!(study.subject_id.is_some());
    let day = DayOverride {
        date: "2026-11-25".parse().unwrap(),
        skipped: vec![walk.id],
        changed: vec![Block { start_min: 19 * 60 + 30, ..study.clone() }],
        added: vec![Block {
            id: BlockId::generate(),
            start_min: 18 * 60 + 30,
            end_min: 19 * 60,
            kind: BlockKind::Other,
            subject_id: None,
            label: "取快递".into(),
            color: Some("#12a594".into()),
            remind_before_min: Some(10),
        }],
    };
    store.set_day_override(&day, 240, evening(25)).await.unwrap();
    (dir, store)
}

fn csv(file: &Path, name: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(file).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(&format!("csv/{name}.csv")).unwrap().read_to_string(&mut text).unwrap();
    text
}

#[tokio::test]
async fn the_timetable_is_exported_and_restores_unchanged() {
    let (dir, store) = with_timetable().await;
    let now = evening(26);
    let file = dir.path().join("export.zip");
    store.export_to(&file, now, "test").await.unwrap();

    let records = body(&file);
    let of = |kind: &str| records.iter().filter(|r| r.kind() == kind).count();
    // The onboarding starter (removed) and the replaced workday template travel as tombstones.
    assert_eq!(of("timetable_template"), 3, "deleted templates travel as tombstones");
    assert_eq!(of("timetable_override"), 1);
    let table = csv(&file, "timetable");
    assert!(table.starts_with("\u{feff}template,weekdays,start,end,kind,subject,label\n"));
    assert!(table.contains("考研一天,\"1,2,3,4,5,6\",19:00,20:00,exercise,,散步 — 走一小时\n"));
    assert!(table.contains("考研一天,\"1,2,3,4,5,6\",20:00,22:30,study,政治,晚上学习\n"));
    assert!(!table.contains("上班日晚上"), "only live templates are listed");

    let fresh = TempDir::new().unwrap();
    let restored = Store::open(fresh.path(), now).await.unwrap();
    let report = restored.import_from(&file, ImportMode::Restore, now, &no_progress).await.unwrap();
    assert_eq!(report.added + 1, report.records, "everything but the header was added");
    let (a, b) = (store.timetable().await.unwrap(), restored.timetable().await.unwrap());
    assert_eq!(a, b);
    assert_eq!(b.templates.len(), 1);
    let wednesday = "2026-11-25".parse().unwrap();
    assert!(b.blocks_on(wednesday, 240).iter().any(|x| x.label == "取快递"));

    // Exporting the restored profile gives the same rows back, tombstones included.
    let again = fresh.path().join("again.zip");
    restored.export_to(&again, now, "test").await.unwrap();
    assert_eq!(body(&file), body(&again));

    // Merging an archive into the profile it came from changes nothing.
    let report = store.import_from(&file, ImportMode::Merge, now, &no_progress).await.unwrap();
    assert_eq!((report.added, report.updated), (0, 0), "{report:?}");
    assert_eq!(store.timetable().await.unwrap(), a);
}

fn days(tt: &Timetable) -> Vec<(String, Vec<u8>)> {
    let mut days: Vec<_> =
        tt.templates.iter().map(|t| (t.name.clone(), t.weekdays.iso_days())).collect();
    days.sort_by_key(|(_, d)| d[0]);
    days
}

#[tokio::test]
async fn merging_a_timetable_gives_each_weekday_to_the_newer_template() {
    let (dir, store) = with_timetable().await;
    let now = evening(27);
    let file = dir.path().join("export.zip");
    store.export_to(&file, evening(26), "test").await.unwrap();

    // Another installation: a workday template older than the archive's 考研 (Mon–Sat, saved
    // on the 25th) and a weekend template newer than it.
    let (other_dir, other) = onboarded().await;
    let ids = subject_ids(&other).await;
    let working = preset(Preset::WorkingEvening, Lang::ZhCn, &ids);
    other.apply_template(&working, at("2026-11-23T08:00:00+08:00")).await.unwrap();
    let weekend = preset(Preset::Weekend, Lang::ZhCn, &ids);
    other.save_template(&weekend, now).await.unwrap();

    other.import_from(&file, ImportMode::Merge, now, &no_progress).await.unwrap();
    let tt = other.timetable().await.unwrap();
    validate_templates(&tt.templates).unwrap();
    // 周末 (newest) keeps Sat–Sun, 考研 keeps Mon–Fri, the workday template loses every day.
    assert_eq!(
        days(&tt),
        [("考研一天".to_owned(), vec![1, 2, 3, 4, 5]), ("周末".to_owned(), vec![6, 7])]
    );
    let gone = format!(
        "SELECT count(*) FROM timetable_templates WHERE id = '{}' AND deleted_utc IS NOT NULL",
        working.id
    );
    assert_eq!(count(&other_dir, &gone).await, 1, "tombstoned, not dropped");
    // The archive's study blocks were matched to this profile's subjects by name.
    for t in &tt.templates {
        for b in &t.blocks {
            assert!(b.subject_id.is_none_or(|s| ids.contains(&s)), "{}", b.describe());
        }
    }
    let wednesday = "2026-11-25".parse().unwrap();
    let blocks = tt.blocks_on(wednesday, 240);
    assert!(blocks.iter().any(|x| x.label == "取快递"), "the override came along");
    assert!(blocks.iter().all(|b| b.subject_id.is_none_or(|s| ids.contains(&s))));

    // The same archive again settles the same way.
    other
        .import_from(&file, ImportMode::Merge, now + Duration::hours(1), &no_progress)
        .await
        .unwrap();
    assert_eq!(other.timetable().await.unwrap(), tt);
}

#[tokio::test]
async fn merging_an_older_timetable_keeps_the_days_here() {
    let (dir, store) = with_timetable().await;
    let file = dir.path().join("export.zip");
    store.export_to(&file, evening(26), "test").await.unwrap();
    let (_other_dir, other) = onboarded().await;
    let ids = subject_ids(&other).await;
    // Newer than the archive's 考研 and on all its days but Saturday.
    other
        .apply_template(&preset(Preset::WorkingEvening, Lang::ZhCn, &ids), evening(27))
        .await
        .unwrap();
    other.import_from(&file, ImportMode::Merge, evening(27), &no_progress).await.unwrap();
    let tt = other.timetable().await.unwrap();
    validate_templates(&tt.templates).unwrap();
    assert_eq!(
        days(&tt),
        [("上班日晚上".to_owned(), vec![1, 2, 3, 4, 5]), ("考研一天".to_owned(), vec![6])]
    );
}

#[tokio::test]
async fn hostile_timetable_records_are_refused_and_nothing_is_written() {
    let (dir, store) = with_timetable().await;
    let now = evening(26);
    let file = dir.path().join("export.zip");
    store.export_to(&file, now, "test").await.unwrap();
    // The live template (the other is the tombstone).
    let template = |l: &mut Vec<serde_json::Value>| -> usize {
        l.iter()
            .position(|l| l["type"] == "timetable_template" && l["deleted_utc"].is_null())
            .unwrap()
    };
    let day = |l: &mut Vec<serde_json::Value>| -> usize {
        l.iter().position(|l| l["type"] == "timetable_override").unwrap()
    };
    type Edit = Box<dyn Fn(&mut Vec<serde_json::Value>)>;
    let edits: Vec<(&str, Edit)> = vec![
        (
            "overlapping blocks",
            Box::new(move |l| {
                let i = template(l);
                l[i]["blocks"][0]["end_min"] = (8 * 60).into(); // 06:30–08:00 over breakfast
            }),
        ),
        (
            "blocks not blocks",
            Box::new(move |l| {
                let i = template(l);
                l[i]["blocks"][1]["start_min"] = "seven".into();
            }),
        ),
        (
            "blocks not an array",
            Box::new(move |l| {
                let i = template(l);
                l[i]["blocks"] = "[{".into();
            }),
        ),
        (
            "weekday eight",
            Box::new(move |l| {
                let i = template(l);
                l[i]["weekdays"] = serde_json::json!([1, 8]);
            }),
        ),
        (
            "no weekdays",
            Box::new(move |l| {
                let i = template(l);
                l[i]["weekdays"] = serde_json::json!([]);
            }),
        ),
        (
            "long name",
            Box::new(move |l| {
                let i = template(l);
                l[i]["name"] = "长".repeat(21).into();
            }),
        ),
        (
            "empty name",
            Box::new(move |l| {
                let i = template(l);
                l[i]["name"] = "".into();
            }),
        ),
        (
            "unknown subject in a block",
            Box::new(move |l| {
                let i = template(l);
                let b = l[i]["blocks"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .position(|b| !b["subject_id"].is_null())
                    .unwrap();
                l[i]["blocks"][b]["subject_id"] = "0190aaaa-0000-7000-8000-000000000000".into();
            }),
        ),
        (
            "duplicate template",
            Box::new(move |l| {
                let i = template(l);
                let dup = l[i].clone();
                l.push(dup);
            }),
        ),
        (
            "impossible override date",
            Box::new(move |l| {
                let i = day(l);
                l[i]["logical_date"] = "2026-02-30".into();
            }),
        ),
        (
            "unpadded override date",
            Box::new(move |l| {
                let i = day(l);
                l[i]["logical_date"] = "2026-11-5".into();
            }),
        ),
        (
            "skipped not ids",
            Box::new(move |l| {
                let i = day(l);
                l[i]["skipped"] = serde_json::json!(["walk"]);
            }),
        ),
        (
            "zero-length added block",
            Box::new(move |l| {
                let i = day(l);
                l[i]["added"][0]["end_min"] = l[i]["added"][0]["start_min"].clone();
            }),
        ),
        (
            "unknown subject in a changed block",
            Box::new(move |l| {
                let i = day(l);
                l[i]["changed"][0]["subject_id"] = "0190aaaa-0000-7000-8000-000000000000".into();
            }),
        ),
        (
            "duplicate override",
            Box::new(move |l| {
                let i = day(l);
                let dup = l[i].clone();
                l.push(dup);
            }),
        ),
    ];
    let rows = "SELECT (SELECT count(*) FROM timetable_templates)
                     + (SELECT count(*) FROM timetable_overrides)";
    let before = store.timetable().await.unwrap();
    let before_rows = count(&dir, rows).await;
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
            // Refused by the check, naming the timetable record.
            assert!(
                matches!(&err, StoreError::ImportRecord { kind, .. } if kind.starts_with("timetable_")),
                "{name}: {err:?}"
            );
        }
    }
    assert_eq!(store.timetable().await.unwrap(), before);
    assert_eq!(count(&dir, rows).await, before_rows);
    assert_eq!(count(&fresh, rows).await, 0);
    assert!(target.snapshot().await.unwrap().profile.is_none(), "the empty profile stayed empty");
}
