//! Focus sessions and the running timer against a real SQLite file.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{Duration, NaiveDate};
use common::{now, onboarded};
use daka_core::ids::SubjectId;
use daka_focus::timer::{ModeKind, Outcome};
use daka_store::{BlockedApp, FocusSession, Store};

fn session(id: &str, subject: Option<SubjectId>, date: &str) -> FocusSession {
    FocusSession {
        id: id.into(),
        subject_id: subject,
        mode: ModeKind::Pomodoro,
        planned_min: 25,
        actual_sec: 25 * 60 + 59,
        actual_min: 25,
        outcome: Outcome::Completed,
        strict: true,
        started_at: now(),
        ended_at: now() + Duration::minutes(26),
        logical_date: date.parse().unwrap(),
        blocked: vec![BlockedApp { app: "bilibili".into(), count: 3 }],
    }
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[tokio::test]
async fn a_session_is_recorded_once_and_clears_the_running_state() {
    let (dir, store) = onboarded().await;
    let math = store.profile().await.unwrap().subjects[0].id;
    store.save_focus_state(r#"{"running":true}"#, now()).await.unwrap();
    assert!(store.focus_state().await.unwrap().is_some());

    let s = session("s1", Some(math), "2026-11-22");
    assert!(store.record_focus_session(&s, now()).await.unwrap());
    assert_eq!(store.focus_state().await.unwrap(), None);
    // A retry (crash between insert and forgetting the state) changes nothing.
    assert!(!store.record_focus_session(&s, now()).await.unwrap());

    store.close().await;
    let store = Store::open(dir.path(), now()).await.unwrap();
    let got = store.focus_sessions(day("2026-11-22"), day("2026-11-22")).await.unwrap();
    assert_eq!(got, vec![s]);
    assert!(store.focus_sessions(day("2026-11-23"), day("2026-12-01")).await.unwrap().is_empty());
}

#[tokio::test]
async fn an_unknown_subject_is_dropped_not_refused() {
    let (_dir, store) = onboarded().await;
    let s = session("s2", Some(SubjectId::generate()), "2026-11-22");
    store.record_focus_session(&s, now()).await.unwrap();
    let got = store.focus_sessions(day("2026-11-22"), day("2026-11-22")).await.unwrap();
    assert_eq!(got[0].subject_id, None);
    assert_eq!(got[0].actual_min, 25);
}

#[tokio::test]
async fn the_running_state_is_replaced_and_survives_a_restart() {
    let (dir, store) = onboarded().await;
    store.save_focus_state(r#"{"n":1}"#, now()).await.unwrap();
    store.save_focus_state(r#"{"n":2}"#, now()).await.unwrap();
    store.close().await;
    let store = Store::open(dir.path(), now()).await.unwrap();
    assert_eq!(store.focus_state().await.unwrap().as_deref(), Some(r#"{"n":2}"#));
    // Not JSON: the database refuses it and the saved state stays.
    assert!(store.save_focus_state("{", now()).await.is_err());
    assert_eq!(store.focus_state().await.unwrap().as_deref(), Some(r#"{"n":2}"#));
    store.clear_focus_state().await.unwrap();
    assert_eq!(store.focus_state().await.unwrap(), None);
}
