//! The focus runtime against a real store with a fake monotonic clock: phase-end and session-end
//! notifications, the record it leaves (with its study day), resuming after a restart, strict
//! sessions that no wall-clock jump shortens and that only the emergency exits end, and the
//! blocklist resolved at the start.
//!
//! Each test has its own fake clock (a `fn` pointer cannot capture, so one static per test).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use daka_core::lang::Lang;
use daka_core::onboarding::OnboardingInput;
use daka_core::subject::SubjectDraft;
use daka_focus::settings::{FocusSettings, TimerChoice};
use daka_focus::timer::{ModeKind, Outcome, Phase};
use daka_lib::error::ErrorKind;
use daka_lib::focus::{FocusRuntime, StartRequest};
use daka_store::Store;
use tempfile::TempDir;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

async fn store(now: DateTime<Utc>) -> (TempDir, Store) {
    let dir = TempDir::new().unwrap();
    let store = Store::open(dir.path(), now).await.unwrap();
    let input = OnboardingInput {
        exam_name: "2027 考研".into(),
        exam_date: "2026-12-26".into(),
        subjects: ["政治", "数学一"]
            .iter()
            .map(|n| SubjectDraft { id: None, name: (*n).into(), color: "#12a594".into() })
            .collect(),
        daily_target_hours: Some(8.0),
        wake_time: "06:30".into(),
        time_zone: "Asia/Shanghai".into(),
        day_start: "04:00".into(),
        language: "zh-CN".into(),
    };
    store.complete_onboarding(&input, now).await.unwrap();
    (dir, store)
}

fn choice(mode: ModeKind, strict: bool) -> TimerChoice {
    TimerChoice {
        mode,
        work_min: 1,
        short_break_min: 1,
        long_break_min: 2,
        rounds: 2,
        long_every: 4,
        countdown_min: 30,
        strict,
        block_apps: true,
        block_sites: false,
        ..TimerChoice::default()
    }
}

macro_rules! fake_clock {
    ($name:ident, $set:ident) => {
        static $name: AtomicU64 = AtomicU64::new(10_000_000);
        fn mono() -> Duration {
            Duration::from_millis($name.load(Ordering::SeqCst))
        }
        fn $set(ms: u64) {
            $name.fetch_add(ms, Ordering::SeqCst);
        }
    };
}

mod pomodoro {
    use super::*;
    fake_clock!(CLOCK, advance);

    #[tokio::test]
    async fn phase_ends_are_announced_and_the_session_is_recorded_on_its_study_day() {
        // 2026-11-26 02:30 in Shanghai: before the 04:00 day start, so the study day is the 25th.
        let wall = at("2026-11-25T18:30:00Z");
        let (_dir, store) = store(wall).await;
        let math = store.profile().await.unwrap().subjects[1].id;
        let focus = FocusRuntime::new(mono);
        let request =
            StartRequest { timer: choice(ModeKind::Pomodoro, false), subject_id: Some(math) };
        let status = focus
            .start(&store, wall, Lang::ZhCn, request, &FocusSettings::default())
            .await
            .unwrap();
        let running = status.running.unwrap();
        assert_eq!(running.view.phase, Phase::Work);
        assert_eq!(running.view.remaining_ms, 60_000);
        assert!(running.blocked_app_count > 0, "the presets' apps are watched");
        assert!(store.focus_state().await.unwrap().is_some(), "saved before answering");

        advance(60_500);
        let out = focus.tick(&store, wall, Lang::ZhCn).await;
        let titles: Vec<_> = out.notifications.iter().map(|n| n.title.as_str()).collect();
        assert_eq!(titles, ["第 1/2 轮专注结束"]);
        assert_eq!(out.notifications[0].body, "短休息 1 分钟，起来走走、喝口水。");

        // A long sleep: the break and the second round pass; the end is told once.
        advance(10 * 60_000);
        let out = focus.tick(&store, wall, Lang::ZhCn).await;
        let titles: Vec<_> = out.notifications.iter().map(|n| n.title.as_str()).collect();
        assert_eq!(titles, ["休息结束", "专注完成"]);
        assert_eq!(out.notifications[1].body, "数学一 2 分钟，已记入今天。记得打卡！");
        assert!(focus.tick(&store, wall, Lang::ZhCn).await.notifications.is_empty());

        let status = focus.status(&store, wall, Lang::ZhCn).await;
        assert!(status.running.is_none());
        let last = status.last.unwrap();
        assert_eq!((last.outcome, last.actual_min, last.planned_min), (Outcome::Completed, 2, 2));
        assert_eq!(last.logical_date.to_string(), "2026-11-25");
        assert_eq!(store.focus_state().await.unwrap(), None);
        let day = "2026-11-25".parse().unwrap();
        assert_eq!(store.focus_sessions(day, day).await.unwrap(), vec![last]);
    }
}

mod restart {
    use super::*;
    fake_clock!(CLOCK, advance);

    #[tokio::test]
    async fn a_restarted_app_resumes_with_the_right_remaining_time() {
        let wall = at("2026-11-25T11:00:00Z");
        let (_dir, store) = store(wall).await;
        let first = FocusRuntime::new(mono);
        let request = StartRequest { timer: choice(ModeKind::Countdown, false), subject_id: None };
        first.start(&store, wall, Lang::ZhCn, request, &FocusSettings::default()).await.unwrap();
        advance(5 * 60_000);
        first.tick(&store, wall, Lang::ZhCn).await;
        drop(first); // Daka quits

        advance(60_000); // closed for a minute: the monotonic clock went on
        let second = FocusRuntime::new(mono);
        let status = second.status(&store, wall, Lang::ZhCn).await;
        let view = status.running.unwrap().view;
        assert_eq!(view.session_remaining_ms, 24 * 60_000);

        // Pause, restart again, still paused with the same time left.
        second.pause(&store, wall, Lang::ZhCn).await.unwrap();
        advance(30 * 60_000);
        let third = FocusRuntime::new(mono);
        let view = third.status(&store, wall, Lang::ZhCn).await.running.unwrap().view;
        assert!(view.paused);
        assert_eq!(view.session_remaining_ms, 24 * 60_000);
        third.resume(&store, wall, Lang::ZhCn).await.unwrap();
        let status = third.stop(&store, wall, Lang::ZhCn).await.unwrap();
        let last = status.last.unwrap();
        assert_eq!((last.outcome, last.actual_min), (Outcome::Abandoned, 6));
    }
}

mod strict {
    use super::*;
    fake_clock!(CLOCK, advance);

    #[tokio::test]
    async fn a_strict_session_refuses_stop_ignores_wall_jumps_and_ends_only_by_the_exits() {
        let wall = at("2026-11-25T11:00:00Z");
        let (_dir, store) = store(wall).await;
        let focus = FocusRuntime::new(mono);
        let request = StartRequest { timer: choice(ModeKind::Countdown, true), subject_id: None };
        assert!(!focus.strict_running());
        focus.start(&store, wall, Lang::ZhCn, request, &FocusSettings::default()).await.unwrap();
        assert!(focus.strict_running(), "quitting Daka is refused from now on");
        // Also in a restarted Daka, as soon as its first tick has resumed the session.
        let restarted = FocusRuntime::new(mono);
        assert!(!restarted.strict_running());
        restarted.tick(&store, wall, Lang::ZhCn).await;
        assert!(restarted.strict_running());

        for refused in [
            focus.stop(&store, wall, Lang::ZhCn).await,
            focus.pause(&store, wall, Lang::ZhCn).await,
        ] {
            let e = refused.unwrap_err();
            assert_eq!(e.kind, ErrorKind::Conflict);
            assert!(e.message.contains("严格模式下不能暂停或结束"), "{}", e.message);
        }

        advance(60_000);
        for jump in ["2026-11-25T13:00:00Z", "2026-11-25T09:00:00Z", "2027-01-01T00:00:00Z"] {
            let view = focus.status(&store, at(jump), Lang::ZhCn).await.running.unwrap().view;
            assert_eq!(view.session_remaining_ms, 29 * 60_000, "wall clock at {jump}");
        }

        // The cool-down cannot be confirmed early.
        focus.request_exit(&store, wall, Lang::ZhCn).await.unwrap();
        advance(9 * 60_000);
        let e = focus.confirm_exit(&store, wall, Lang::ZhCn).await.unwrap_err();
        assert!(e.message.contains("冷静期还剩 1 分 00 秒"), "{}", e.message);
        focus.cancel_exit(&store, wall, Lang::ZhCn).await.unwrap();

        // A wrong code changes nothing; the right one ends the session as abandoned.
        let code = focus.exit_challenge(&store, wall, Lang::ZhCn).await.unwrap();
        assert_eq!(code.len(), 32);
        let e = focus.emergency_exit(&store, wall, Lang::ZhCn, "WRONG").await.unwrap_err();
        assert!(e.message.contains("退出码不对"), "{}", e.message);
        assert!(focus.status(&store, wall, Lang::ZhCn).await.running.is_some());
        let status = focus.emergency_exit(&store, wall, Lang::ZhCn, &code).await.unwrap();
        let last = status.last.unwrap();
        assert_eq!((last.outcome, last.actual_min, last.strict), (Outcome::Abandoned, 10, true));
        assert!(!focus.strict_running());
    }
}

mod blocklist {
    use super::*;
    fake_clock!(CLOCK, advance);

    #[tokio::test]
    async fn the_blocklist_is_fixed_at_the_start_and_a_second_start_is_refused() {
        let wall = at("2026-11-25T11:00:00Z");
        let (_dir, store) = store(wall).await;
        let focus = FocusRuntime::new(mono);
        let settings = FocusSettings {
            presets: vec![],
            apps: vec!["daka-test-distraction".into()],
            ..FocusSettings::default()
        };
        let request = StartRequest { timer: choice(ModeKind::Stopwatch, false), subject_id: None };
        let status = focus.start(&store, wall, Lang::En, request.clone(), &settings).await.unwrap();
        assert_eq!(status.running.unwrap().blocked_app_count, 1);
        let e = focus.start(&store, wall, Lang::En, request, &settings).await.unwrap_err();
        assert_eq!(e.message, "A focus session is already running.");
        advance(90_000);
        let last = focus.stop(&store, wall, Lang::En).await.unwrap().last.unwrap();
        // Stopping a stopwatch is completing it.
        assert_eq!((last.outcome, last.actual_min, last.planned_min), (Outcome::Completed, 1, 0));
    }
}
