//! Helpers shared by the store's integration tests.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Utc};
use daka_core::onboarding::OnboardingInput;
use daka_core::subject::SubjectDraft;
use daka_core::validation::Invalid;
use daka_store::{Store, StoreError};
use sqlx::{Connection, SqliteConnection};
use tempfile::TempDir;

pub fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

pub fn now() -> DateTime<Utc> {
    at("2026-11-22T10:00:00+08:00")
}

pub fn draft(name: &str, color: &str) -> SubjectDraft {
    SubjectDraft { id: None, name: name.into(), color: color.into() }
}

pub fn onboarding() -> OnboardingInput {
    OnboardingInput {
        exam_name: "2027 考研".into(),
        exam_date: "2026-12-26".into(),
        subjects: vec![
            draft("政治", "#e5484d"),
            draft("英语一", "#3e63dd"),
            draft("数学一", "#12a594"),
            draft("专业课", "#f76b15"),
        ],
        daily_target_hours: Some(8.0),
        wake_time: "06:30".into(),
        time_zone: "Asia/Shanghai".into(),
        day_start: "04:00".into(),
        language: "zh-CN".into(),
    }
}

pub async fn onboarded() -> (TempDir, Store) {
    let dir = TempDir::new().unwrap();
    let store = Store::open(dir.path(), now()).await.unwrap();
    store.complete_onboarding(&onboarding(), now()).await.unwrap();
    clear_timetable(&store).await;
    (dir, store)
}

/// Removes the starter timetable onboarding creates, for tests that build their own.
pub async fn clear_timetable(store: &Store) {
    for t in store.timetable().await.unwrap().templates {
        store.delete_template(&t.id.to_string(), now()).await.unwrap();
    }
}

/// Counts rows in `table` by opening the file directly, bypassing the store.
pub async fn count(dir: &TempDir, sql: &str) -> i64 {
    let url = format!("sqlite://{}", dir.path().join("daka.sqlite3").display());
    let mut conn = SqliteConnection::connect(&url).await.unwrap();
    let n: i64 =
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned())).fetch_one(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    n
}

pub fn invalid_fields(err: StoreError) -> Vec<(String, Invalid)> {
    match err {
        StoreError::Invalid(e) => e.into_errors().into_iter().map(|f| (f.field, f.error)).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}
