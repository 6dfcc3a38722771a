//! Focus sessions through export and import (restore and merge) against real files.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use common::{at, count, onboarded};
use daka_archive::{Limits, Record, read_archive};
use daka_core::ids::SubjectId;
use daka_focus::timer::{ModeKind, Outcome};
use daka_store::{BlockedApp, FocusSession, ImportMode, Store, StoreError};
use sqlx::{Connection, SqliteConnection};
use tempfile::TempDir;

const WITH_SUBJECT: &str = "0190aaaa-0000-7000-8000-00000000f001";
const WITH_BLOCKED: &str = "0190aaaa-0000-7000-8000-00000000f002";
const DELETED: &str = "0190aaaa-0000-7000-8000-00000000f003";

fn no_progress(_: daka_store::ImportProgress) {}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn session(
    id: &str,
    subject_id: Option<SubjectId>,
    started_at: DateTime<Utc>,
    minutes: i64,
) -> FocusSession {
    FocusSession {
        id: id.into(),
        subject_id,
        mode: ModeKind::Pomodoro,
        planned_min: 25,
        actual_sec: 25 * 60 + 59,
        actual_min: 25,
        outcome: Outcome::Completed,
        strict: true,
        started_at,
        ended_at: started_at + Duration::minutes(minutes),
        logical_date: day("2026-11-22"),
        blocked: vec![],
    }
}

async fn all_sessions(store: &Store) -> Vec<FocusSession> {
    store.focus_sessions(day("2026-01-01"), day("2027-12-31")).await.unwrap()
}

/// Runs one statement on the file directly, bypassing the store (for what the app cannot do).
async fn exec(dir: &TempDir, sql: &str) {
    let url = format!("sqlite://{}", dir.path().join("daka.sqlite3").display());
    let mut conn = SqliteConnection::connect(&url).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())).execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
}

/// A profile with three sessions: one on 数学一 without blocked apps, one without a subject
/// where the blocker ended two apps, and one deleted (its tombstone must travel). A timer is
/// running too: it must never leave this computer.
async fn with_sessions() -> (TempDir, Store) {
    let (dir, store) = onboarded().await;
    let math =
        store.profile().await.unwrap().subjects.into_iter().find(|s| s.name == "数学一").unwrap();
    let morning = at("2026-11-22T10:00:00+08:00");
    let first = session(WITH_SUBJECT, Some(math.id), morning, 26);
    let second = FocusSession {
        mode: ModeKind::Countdown,
        planned_min: 60,
        actual_sec: 45 * 60 + 30,
        actual_min: 45,
        outcome: Outcome::Abandoned,
        strict: false,
        blocked: vec![
            BlockedApp { app: "bilibili".into(), count: 3 },
            BlockedApp { app: "steam".into(), count: 1 },
        ],
        ..session(WITH_BLOCKED, None, at("2026-11-22T23:30:00+08:00"), 50)
    };
    let third = session(DELETED, None, at("2026-11-22T14:00:00+08:00"), 30);
    for s in [&first, &second, &third] {
        assert!(store.record_focus_session(s, morning).await.unwrap());
    }
    exec(&dir, &format!("UPDATE focus_sessions SET deleted_utc = 1 WHERE id = '{DELETED}'")).await;
    store.save_focus_state(r#"{"running":"here"}"#, morning).await.unwrap();
    (dir, store)
}

fn evening() -> DateTime<Utc> {
    at("2026-11-26T20:00:00+08:00")
}

fn body(path: &Path) -> Vec<Record> {
    read_archive(path, Limits::default()).unwrap().into_iter().skip(1).collect()
}

fn csv(file: &Path, name: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(file).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(&format!("csv/{name}.csv")).unwrap().read_to_string(&mut text).unwrap();
    text
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

fn line_of(lines: &[serde_json::Value], id: &str) -> usize {
    lines.iter().position(|l| l["type"] == "focus_session" && l["id"] == id).unwrap()
}

#[tokio::test]
async fn focus_sessions_restore_unchanged_and_the_running_timer_stays_home() {
    let (dir, store) = with_sessions().await;
    let now = evening();
    let file = dir.path().join("export.zip");
    store.export_to(&file, now, "test").await.unwrap();

    let records = body(&file);
    let ids: Vec<&str> = records
        .iter()
        .filter_map(|r| match r {
            Record::FocusSession { id, .. } => Some(id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(ids, [WITH_SUBJECT, DELETED, WITH_BLOCKED], "every row, by start, tombstone too");
    let text: String = records.iter().map(|r| serde_json::to_string(r).unwrap()).collect();
    assert!(!text.contains("running"), "the running timer is not exported");

    let fresh = TempDir::new().unwrap();
    let restored = Store::open(fresh.path(), now).await.unwrap();
    let report = restored.import_from(&file, ImportMode::Restore, now, &no_progress).await.unwrap();
    assert_eq!(report.added + 1, report.records, "everything but the header was added");
    let sessions = all_sessions(&store).await;
    assert_eq!(sessions.len(), 2);
    assert_eq!(all_sessions(&restored).await, sessions);
    assert_eq!(count(&fresh, "SELECT count(*) FROM focus_sessions").await, 3);
    assert_eq!(restored.focus_state().await.unwrap(), None, "no timer came along");

    // Exporting the restored profile gives the same rows back, tombstone included.
    let again = fresh.path().join("again.zip");
    restored.export_to(&again, now, "test").await.unwrap();
    assert_eq!(body(&file), body(&again));
}

#[tokio::test]
async fn merging_the_same_export_changes_nothing_and_the_newer_version_wins() {
    let (dir, store) = with_sessions().await;
    let now = evening();
    let file = dir.path().join("export.zip");
    store.export_to(&file, now, "test").await.unwrap();
    let before = all_sessions(&store).await;

    let report = store.import_from(&file, ImportMode::Merge, now, &no_progress).await.unwrap();
    assert_eq!((report.added, report.updated), (0, 0), "{report:?}");
    assert_eq!(all_sessions(&store).await, before);
    assert_eq!(count(&dir, "SELECT count(*) FROM focus_sessions").await, 3);
    assert_eq!(
        store.focus_state().await.unwrap().as_deref(),
        Some(r#"{"running":"here"}"#),
        "the running timer here is untouched"
    );

    // An older version of a row loses; a newer one wins, a deletion included.
    let older = dir.path().join("older.jsonl");
    tampered(&file, &older, |l| {
        let i = line_of(l, WITH_SUBJECT);
        l[i]["outcome"] = "interrupted".into();
        l[i]["version"] = 0.into();
    });
    let report = store.import_from(&older, ImportMode::Merge, now, &no_progress).await.unwrap();
    assert_eq!(report.updated, 0, "{report:?}");
    assert_eq!(all_sessions(&store).await, before);

    let newer = dir.path().join("newer.jsonl");
    tampered(&file, &newer, |l| {
        let i = line_of(l, WITH_SUBJECT);
        l[i]["outcome"] = "interrupted".into();
        l[i]["version"] = (l[i]["version"].as_i64().unwrap() + 100).into();
        let j = line_of(l, WITH_BLOCKED);
        l[j]["deleted_utc"] = 5.into();
        l[j]["version"] = (l[j]["version"].as_i64().unwrap() + 100).into();
    });
    let report = store.import_from(&newer, ImportMode::Merge, now, &no_progress).await.unwrap();
    assert_eq!(report.updated, 2, "{report:?}");
    let after = all_sessions(&store).await;
    assert_eq!(after.len(), 1);
    assert_eq!((after[0].id.as_str(), after[0].outcome), (WITH_SUBJECT, Outcome::Interrupted));
}

#[tokio::test]
async fn a_merge_elsewhere_follows_subjects_by_name_and_drops_unknown_ones() {
    let (dir, store) = with_sessions().await;
    let now = evening();
    let file = dir.path().join("export.zip");
    store.export_to(&file, now, "test").await.unwrap();
    // The subject of the second session points nowhere (deleted for good elsewhere).
    let stray = dir.path().join("stray.jsonl");
    tampered(&file, &stray, |l| {
        let i = line_of(l, WITH_BLOCKED);
        l[i]["subject_id"] = "0190aaaa-0000-7000-8000-000000000000".into();
    });

    // Another installation onboarded with the same subjects under other ids.
    let (_other_dir, other) = onboarded().await;
    let math =
        other.profile().await.unwrap().subjects.into_iter().find(|s| s.name == "数学一").unwrap();
    other.import_from(&stray, ImportMode::Merge, now, &no_progress).await.unwrap();
    let got = all_sessions(&other).await;
    let subjects: Vec<_> = got.iter().map(|s| (s.id.as_str(), s.subject_id)).collect();
    assert_eq!(subjects, [(WITH_SUBJECT, Some(math.id)), (WITH_BLOCKED, None)]);
    assert_eq!(got[1].blocked, all_sessions(&store).await[1].blocked);
}

#[tokio::test]
async fn hostile_focus_records_are_refused_and_nothing_is_written() {
    let (dir, store) = with_sessions().await;
    let now = evening();
    let file = dir.path().join("export.zip");
    store.export_to(&file, now, "test").await.unwrap();
    type Edit = Box<dyn Fn(&mut Vec<serde_json::Value>)>;
    let set = |field: &'static str, value: serde_json::Value| -> Edit {
        Box::new(move |l| {
            let i = line_of(l, WITH_BLOCKED);
            l[i][field] = value.clone();
        })
    };
    let edits: Vec<(&str, Edit)> = vec![
        ("bad outcome", set("outcome", "cheated".into())),
        ("work seconds beyond a day", set("actual_sec", 999_999.into())),
        ("negative work seconds", set("actual_sec", (-1).into())),
        (
            "ended before started",
            Box::new(|l| {
                let i = line_of(l, WITH_BLOCKED);
                l[i]["ended_utc"] = (l[i]["started_utc"].as_i64().unwrap() - 1).into();
            }),
        ),
        (
            "all three at once",
            Box::new(|l| {
                let i = line_of(l, WITH_SUBJECT);
                l[i]["outcome"] = "cheated".into();
                let j = line_of(l, WITH_BLOCKED);
                l[j]["actual_sec"] = 999_999.into();
                l[j]["ended_utc"] = (l[j]["started_utc"].as_i64().unwrap() - 60_000).into();
            }),
        ),
        ("bad mode", set("mode", "Pomodoro".into())),
        ("planned beyond a day", set("planned_min", 1441.into())),
        ("unpadded date", set("logical_date", "2026-11-2".into())),
        ("impossible date", set("logical_date", "2026-02-30".into())),
        ("future date", set("logical_date", "2030-01-01".into())),
        ("blocked not an array", set("blocked", "bilibili×3".into())),
        ("blocked without counts", set("blocked", serde_json::json!([{ "app": "steam" }]))),
        (
            "blocked negative count",
            set("blocked", serde_json::json!([{ "app": "x", "count": -1 }])),
        ),
        ("subject not an id", set("subject_id", "数学".into())),
        ("id not an id", set("id", "session-1".into())),
        ("strict not a flag", set("strict", 1.into())),
        (
            "duplicate session",
            Box::new(|l| {
                let i = line_of(l, WITH_BLOCKED);
                let dup = l[i].clone();
                l.push(dup);
            }),
        ),
    ];
    // How many rows and their versions: any write would change one or the other.
    let rows = "SELECT count(*) || ':' || total(version) FROM focus_sessions";
    let before = count_text(&dir, rows).await;
    let sessions = all_sessions(&store).await;
    let fresh = TempDir::new().unwrap();
    let target = Store::open(fresh.path(), now).await.unwrap();
    for (name, edit) in edits {
        let bad = dir.path().join(format!("{}.jsonl", name.replace(' ', "_")));
        tampered(&file, &bad, edit);
        for (s, mode) in [(&store, ImportMode::Merge), (&target, ImportMode::Restore)] {
            let err = s.import_from(&bad, mode, now, &no_progress).await.unwrap_err();
            // Refused by the check (or by reading, for a value of the wrong type), naming the
            // focus session record.
            match &err {
                StoreError::ImportRecord { kind, record, .. } => {
                    assert_eq!(kind, "focus_session", "{name}: {err}");
                    assert!(*record > 1, "{name}: {err}");
                }
                StoreError::Archive(daka_archive::ArchiveError::BadLine { .. }) => {
                    assert_eq!(name, "strict not a flag", "{err:?}");
                }
                other => panic!("{name}: {other:?}"),
            }
        }
    }
    assert_eq!(count_text(&dir, rows).await, before);
    assert_eq!(all_sessions(&store).await, sessions);
    assert_eq!(count_text(&fresh, rows).await, "0:0.0");
    assert!(target.snapshot().await.unwrap().profile.is_none(), "the empty profile stayed empty");
}

async fn count_text(dir: &TempDir, sql: &str) -> String {
    let url = format!("sqlite://{}", dir.path().join("daka.sqlite3").display());
    let mut conn = SqliteConnection::connect(&url).await.unwrap();
    let text: String =
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned())).fetch_one(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    text
}

#[tokio::test]
async fn the_csv_lists_live_sessions_in_local_time() {
    let (dir, store) = with_sessions().await;
    let file = dir.path().join("export.zip");
    store.export_to(&file, evening(), "test").await.unwrap();
    let table = csv(&file, "focus_sessions");
    assert_eq!(
        table,
        "\u{feff}date,start,end,subject,mode,planned_minutes,actual_minutes,outcome,strict,blocked\n\
         2026-11-22,2026-11-22T10:00:00+08:00,2026-11-22T10:26:00+08:00,数学一,pomodoro,25,25,\
         completed,true,\n\
         2026-11-22,2026-11-22T23:30:00+08:00,2026-11-23T00:20:00+08:00,,countdown,60,45,\
         abandoned,false,bilibili×3; steam×1\n",
        "the deleted session is not listed"
    );
}
