//! The store against a real SQLite file in a temporary directory.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{at, count, draft, invalid_fields, now, onboarded, onboarding};
use daka_core::lang::Lang;
use daka_core::profile::ProfileInput;
use daka_core::subject::SubjectDraft;
use daka_core::validation::Invalid;
use daka_store::{Store, StoreError};
use sqlx::{Connection, SqliteConnection};
use tempfile::TempDir;

#[tokio::test]
async fn a_new_store_is_empty_uses_wal_and_keeps_its_device_id() {
    let dir = TempDir::new().unwrap();
    let data = dir.path().join("nested/data");
    let store = Store::open(&data, now()).await.unwrap();
    let snap = store.snapshot().await.unwrap();
    assert!(snap.profile.is_none());
    assert!(snap.language.is_none());
    assert!(store.pre_migrate_backup().is_none(), "a new file needs no backup");
    let device = store.device_id();
    store.close().await;

    let url = format!("sqlite://{}", data.join("daka.sqlite3").display());
    let mut conn = SqliteConnection::connect(&url).await.unwrap();
    let mode: String =
        sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&mut conn).await.unwrap();
    assert_eq!(mode, "wal");
    conn.close().await.unwrap();

    let again = Store::open(&data, now()).await.unwrap();
    assert_eq!(again.device_id(), device);
}

#[tokio::test]
async fn language_can_be_set_before_onboarding() {
    let dir = TempDir::new().unwrap();
    let store = Store::open(dir.path(), now()).await.unwrap();
    store.set_language(Lang::En, now()).await.unwrap();
    assert_eq!(store.snapshot().await.unwrap().language, Some(Lang::En));
}

#[tokio::test]
async fn onboarding_saves_everything_once_and_survives_a_restart() {
    let (dir, store) = onboarded().await;
    let err = store.complete_onboarding(&onboarding(), now()).await.unwrap_err();
    assert!(matches!(err, StoreError::AlreadyOnboarded));
    store.close().await;

    let store = Store::open(dir.path(), now()).await.unwrap();
    let snap = store.snapshot().await.unwrap();
    assert_eq!(snap.language, Some(Lang::ZhCn));
    let p = snap.profile.unwrap();
    assert_eq!(p.started_on.to_string(), "2026-11-22");
    assert_eq!(p.daily_target.minutes(), 480);
    assert_eq!(p.wake_time.minutes(), 390);
    assert_eq!(p.exams.len(), 1);
    assert_eq!(p.exams[0].name, "2027 考研");
    let names: Vec<_> = p.subjects.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["政治", "英语一", "数学一", "专业课"]);
    assert_eq!(p.day_rules.rules().len(), 1);
    assert_eq!(p.day_rules.latest().tz, chrono_tz::Asia::Shanghai);
}

#[tokio::test]
async fn invalid_onboarding_saves_nothing() {
    let dir = TempDir::new().unwrap();
    let store = Store::open(dir.path(), now()).await.unwrap();
    let mut input = onboarding();
    input.exam_date = "2027-02-30".into();
    input.subjects.push(draft("政治", "#000000"));
    let fields = invalid_fields(store.complete_onboarding(&input, now()).await.unwrap_err());
    assert_eq!(
        fields[0],
        ("exam_date".into(), Invalid::ImpossibleDate { year: 2027, month: 2, day: 30 })
    );
    assert_eq!(fields[1].0, "subjects.4.name");
    assert!(store.snapshot().await.unwrap().profile.is_none());
    for table in ["exams", "subjects", "day_rules", "settings"] {
        assert_eq!(count(&dir, &format!("SELECT count(*) FROM {table}")).await, 0, "{table}");
    }
}

#[tokio::test]
async fn writes_before_onboarding_are_refused() {
    let dir = TempDir::new().unwrap();
    let store = Store::open(dir.path(), now()).await.unwrap();
    let err = store.save_subjects(&[draft("政治", "#e5484d")], now()).await.unwrap_err();
    assert!(matches!(err, StoreError::NotOnboarded));
    let err = store.change_day_rule("Asia/Tokyo", "04:00", now()).await.unwrap_err();
    assert!(matches!(err, StoreError::NotOnboarded));
}

fn profile(date: &str) -> ProfileInput {
    ProfileInput {
        exam_name: "2027 考研".into(),
        exam_date: date.into(),
        daily_target_hours: Some(6.5),
        wake_time: "07:00".into(),
    }
}

#[tokio::test]
async fn profile_edits_the_exam_in_place_and_refuses_bad_values_whole() {
    let (_dir, store) = onboarded().await;
    let p = store.save_profile(&profile("2026-12-27"), now()).await.unwrap();
    assert_eq!(p.exams.len(), 1);
    assert_eq!(p.exams[0].date.to_string(), "2026-12-27");
    assert_eq!(p.daily_target.minutes(), 390);

    let mut bad = profile("2027-02-30");
    bad.daily_target_hours = Some(30.0);
    let fields = invalid_fields(store.save_profile(&bad, now()).await.unwrap_err());
    assert_eq!(fields.len(), 2);
    let p = store.snapshot().await.unwrap().profile.unwrap();
    assert_eq!(p.daily_target.minutes(), 390, "nothing partial was written");
    assert_eq!(p.exams[0].date.to_string(), "2026-12-27");
}

#[tokio::test]
async fn after_the_exam_a_new_date_adds_the_next_exam() {
    let (_dir, store) = onboarded().await;
    let later = at("2027-01-05T10:00:00+08:00");
    // Keeping the past date is allowed when editing other fields.
    store.save_profile(&profile("2026-12-26"), later).await.unwrap();
    let p = store.save_profile(&profile("2027-12-25"), later).await.unwrap();
    let dates: Vec<_> = p.exams.iter().map(|e| e.date.to_string()).collect();
    assert_eq!(dates, ["2026-12-26", "2027-12-25"]);
}

#[tokio::test]
async fn subjects_can_be_renamed_swapped_reordered_added_and_removed() {
    let (dir, store) = onboarded().await;
    let before = store.snapshot().await.unwrap().profile.unwrap().subjects;
    let with_id = |i: usize, name: &str| SubjectDraft {
        id: Some(before[i].id.to_string()),
        name: name.into(),
        color: before[i].color.clone(),
    };
    // Swap the names of the first two, drop 专业课, add 英语二.
    let drafts = vec![
        with_id(1, "政治"),
        with_id(0, "英语一"),
        with_id(2, "数学一"),
        draft("英语二", "#0090ff"),
    ];
    let after = store.save_subjects(&drafts, now()).await.unwrap().subjects;
    let names: Vec<_> = after.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["政治", "英语一", "数学一", "英语二"]);
    assert_eq!(after[0].id, before[1].id);
    assert_eq!(after[1].id, before[0].id);
    assert_eq!(
        count(&dir, "SELECT count(*) FROM subjects WHERE deleted_utc IS NOT NULL").await,
        1,
        "a removed subject is a tombstone"
    );
}

#[tokio::test]
async fn bad_subject_lists_change_nothing() {
    let (_dir, store) = onboarded().await;
    let before = store.snapshot().await.unwrap().profile.unwrap().subjects;
    let long = "长".repeat(200);
    let cases: Vec<(Vec<SubjectDraft>, &str)> = vec![
        (vec![], "subjects"),
        (vec![draft("", "#e5484d")], "subjects.0.name"),
        (vec![draft(&long, "#e5484d")], "subjects.0.name"),
        (vec![draft("数学", "#e5484d"), draft(" 数学 ", "#3e63dd")], "subjects.1.name"),
        (
            vec![SubjectDraft {
                id: Some(daka_core::ids::SubjectId::generate().to_string()),
                name: "x".into(),
                color: "#e5484d".into(),
            }],
            "subjects.0",
        ),
    ];
    for (drafts, field) in cases {
        let fields = invalid_fields(store.save_subjects(&drafts, now()).await.unwrap_err());
        assert_eq!(fields[0].0, field);
        let after = store.snapshot().await.unwrap().profile.unwrap().subjects;
        assert_eq!(after, before);
    }
}

#[tokio::test]
async fn a_day_rule_change_waits_for_the_next_study_day() {
    let (_dir, store) = onboarded().await;
    let p = store.change_day_rule("Europe/London", "00:00", now()).await.unwrap();
    let rules = p.day_rules;
    let pending = rules.pending(now()).unwrap();
    // Today (Shanghai, 04:00 start) ends at 2026-11-23 04:00 +08:00.
    assert_eq!(pending.effective_from, at("2026-11-23T04:00:00+08:00"));
    assert_eq!(rules.rule_at(now()).tz, chrono_tz::Asia::Shanghai);

    // Asking again for what is in force cancels the pending change.
    let p = store.change_day_rule("Asia/Shanghai", "04:00", now()).await.unwrap();
    assert!(p.day_rules.pending(now()).is_none());

    store.change_day_rule("Asia/Tokyo", "05:00", now()).await.unwrap();
    let p = store.cancel_day_rule_change(now()).await.unwrap();
    assert!(p.day_rules.pending(now()).is_none());
    assert_eq!(p.day_rules.rules().len(), 1);

    let fields =
        invalid_fields(store.change_day_rule("Mars/Base", "07:00", now()).await.unwrap_err());
    assert_eq!(fields.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(), ["time_zone", "day_start"]);
}

#[tokio::test]
async fn versions_keep_increasing_when_the_clock_goes_back() {
    let (dir, store) = onboarded().await;
    let v1 = count(&dir, "SELECT max(version) FROM settings").await;
    store.set_language(Lang::En, at("2020-01-01T00:00:00Z")).await.unwrap();
    let v2 = count(&dir, "SELECT version FROM settings WHERE key = 'language'").await;
    assert!(v2 > v1);
}

#[tokio::test]
async fn an_old_database_is_backed_up_before_migrating() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("daka.sqlite3");
    {
        // A file as an earlier build would have left it: a migrations table that does not yet
        // list our migrations, and some data.
        let url = format!("sqlite://{}?mode=rwc", db.display());
        let mut conn = SqliteConnection::connect(&url).await.unwrap();
        sqlx::raw_sql(
            "CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL,
                installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, success BOOLEAN NOT NULL,
                checksum BLOB NOT NULL, execution_time BIGINT NOT NULL);
             CREATE TABLE legacy_notes (body TEXT); INSERT INTO legacy_notes VALUES ('keep me');",
        )
        .execute(&mut conn)
        .await
        .unwrap();
        conn.close().await.unwrap();
    }
    let store = Store::open(dir.path(), now()).await.unwrap();
    let backup = store.pre_migrate_backup().unwrap().to_owned();
    assert!(backup.starts_with(dir.path().join("backups")));
    assert!(
        backup.file_name().unwrap().to_str().unwrap().starts_with("pre-migrate-20261122T020000Z")
    );
    let url = format!("sqlite://{}", backup.display());
    let mut conn = SqliteConnection::connect(&url).await.unwrap();
    let body: String =
        sqlx::query_scalar("SELECT body FROM legacy_notes").fetch_one(&mut conn).await.unwrap();
    assert_eq!(body, "keep me");
    let leftovers = std::fs::read_dir(dir.path().join("backups"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_str().unwrap().ends_with(".tmp"))
        .count();
    assert_eq!(leftovers, 0);
}

#[tokio::test]
async fn a_database_from_a_newer_daka_is_refused_untouched() {
    let (dir, store) = onboarded().await;
    store.close().await;
    let url = format!("sqlite://{}", dir.path().join("daka.sqlite3").display());
    let mut conn = SqliteConnection::connect(&url).await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (99991231000000, 'from the future', 1, x'00', 0)",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    let err = Store::open(dir.path(), now()).await.unwrap_err();
    assert!(matches!(err, StoreError::NewerSchema { found: 99991231000000, .. }), "{err:?}");
    assert!(!dir.path().join("backups").exists(), "no backup or migration was attempted");
}
