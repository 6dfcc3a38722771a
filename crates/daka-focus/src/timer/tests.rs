#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use chrono::{TimeZone, Utc};
use daka_core::validation::Invalid;

use super::*;

const SEC: u64 = 1;
const MIN: u64 = 60;
const HOUR: u64 = 3600;

/// A fake clock: `mono` and `wall` both in seconds from arbitrary origins.
fn at(mono_s: u64, wall_s: i64) -> Now {
    Now {
        mono: Duration::from_secs(mono_s),
        wall: Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap()
            + chrono::Duration::seconds(wall_s),
    }
}

/// Mono and wall advancing together.
fn t(s: u64) -> Now {
    at(1000 + s, i64::try_from(s).unwrap())
}

fn countdown(minutes: u32, strict: bool) -> TimerConfig {
    TimerConfig { mode: Mode::Countdown { minutes }, subject_id: Some("math".into()), strict }
}

fn pomodoro(rounds: u32, long_every: u32) -> TimerConfig {
    TimerConfig {
        mode: Mode::Pomodoro {
            work_min: 25,
            short_break_min: 5,
            long_break_min: 15,
            rounds,
            long_every,
        },
        subject_id: None,
        strict: false,
    }
}

fn phase_ends(events: &[TimerEvent]) -> Vec<(Phase, u32, Phase)> {
    events
        .iter()
        .filter_map(|e| match e {
            TimerEvent::PhaseEnded { phase, round, next } => Some((*phase, *round, *next)),
            TimerEvent::SessionEnded { .. } => None,
        })
        .collect()
}

fn records(events: &[TimerEvent]) -> Vec<SessionRecord> {
    events
        .iter()
        .filter_map(|e| match e {
            TimerEvent::SessionEnded { record } => Some(record.clone()),
            TimerEvent::PhaseEnded { .. } => None,
        })
        .collect()
}

fn expected_pomodoro_4_2() -> Vec<(Phase, u32, Phase)> {
    use Phase::*;
    vec![
        (Work, 1, ShortBreak),
        (ShortBreak, 1, Work),
        (Work, 2, LongBreak),
        (LongBreak, 2, Work),
        (Work, 3, ShortBreak),
        (ShortBreak, 3, Work),
    ]
}

#[test]
fn pomodoro_ticked_every_second() {
    let mut timer = Timer::start(pomodoro(4, 2), t(0)).unwrap();
    let mut events = Vec::new();
    // 4 × 25 + 2 × 5 + 15 = 125 minutes.
    for s in 1..=(125 * MIN + 30) {
        let got = timer.tick(t(s));
        if s == 25 * MIN {
            assert_eq!(phase_ends(&got), vec![(Phase::Work, 1, Phase::ShortBreak)]);
        }
        if s == 125 * MIN {
            assert_eq!(records(&got).len(), 1);
        }
        events.extend(got);
    }
    assert_eq!(phase_ends(&events), expected_pomodoro_4_2());
    let recs = records(&events);
    assert_eq!(recs.len(), 1);
    let r = &recs[0];
    assert_eq!((r.planned_min, r.actual_min, r.actual_sec), (100, 100, 6000));
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(r.mode, ModeKind::Pomodoro);
    assert_eq!(r.ended_wall, t(125 * MIN).wall);
    assert!(matches!(events.last(), Some(TimerEvent::SessionEnded { .. })));
    assert!(timer.tick(t(200 * MIN)).is_empty());
}

#[test]
fn pomodoro_long_every_rounds_has_no_long_break() {
    let mut timer = Timer::start(pomodoro(4, 4), t(0)).unwrap();
    let events = timer.tick(t(10 * HOUR));
    let ends = phase_ends(&events);
    assert_eq!(ends.len(), 6);
    assert!(ends.iter().all(|(p, _, _)| *p != Phase::LongBreak));
    assert_eq!(records(&events)[0].actual_min, 100);
}

#[test]
fn countdown_ends_at_exactly_sixty_seconds() {
    let mut timer = Timer::start(countdown(1, false), t(0)).unwrap();
    assert!(timer.tick(t(59)).is_empty());
    assert_eq!(timer.view(t(59)).remaining_ms, 1000);
    let events = timer.tick(t(60));
    assert_eq!(events.len(), 1);
    let r = &records(&events)[0];
    assert_eq!((r.outcome, r.actual_min, r.planned_min), (Outcome::Completed, 1, 1));
    assert!(timer.tick(t(61)).is_empty());
}

#[test]
fn countdown_ticked_late_after_suspend_ends_once() {
    let mut timer = Timer::start(countdown(1, false), t(0)).unwrap();
    timer.tick(t(30));
    let events = timer.tick(t(30 + 10 * MIN));
    let recs = records(&events);
    assert_eq!((events.len(), recs.len()), (1, 1));
    assert_eq!(recs[0].actual_min, 1);
    assert_eq!(recs[0].ended_wall, t(60).wall, "ended when the time ran out");
    assert!(timer.tick(t(20 * MIN)).is_empty());
}

#[test]
fn wall_jumps_do_not_move_a_strict_countdown() {
    let mut timer = Timer::start(countdown(60, true), at(100, 0)).unwrap();
    assert!(timer.tick(at(100 + 10 * MIN, 2 * 3600 + 600)).is_empty());
    assert_eq!(timer.view(at(100 + 10 * MIN, 7200)).session_remaining_ms, 50 * 60_000);
    assert!(timer.tick(at(100 + 20 * MIN, -2 * 3600)).is_empty());
    assert_eq!(timer.view(at(100 + 20 * MIN, -7200)).session_remaining_ms, 40 * 60_000);
    assert!(timer.tick(at(100 + 60 * MIN - 1, 99_999)).is_empty());
    assert_eq!(records(&timer.tick(at(100 + 60 * MIN, -99_999))).len(), 1);
}

#[test]
fn suspend_skipping_phases_reports_each_once_in_order() {
    let mut timer = Timer::start(pomodoro(4, 2), t(0)).unwrap();
    assert!(timer.tick(t(10 * MIN)).is_empty());
    // Lid closed at 10 min, opened at 62 min: work 1, short break 1, work 2 ended.
    let events = timer.tick(t(62 * MIN));
    assert_eq!(phase_ends(&events), expected_pomodoro_4_2()[..3].to_vec());
    let view = timer.view(t(62 * MIN));
    assert_eq!((view.phase, view.round, view.remaining_ms), (Phase::LongBreak, 2, 8 * 60_000));
    let rest = timer.tick(t(5 * HOUR));
    assert_eq!(phase_ends(&rest), expected_pomodoro_4_2()[3..].to_vec());
    assert_eq!(records(&rest).len(), 1);
}

#[test]
fn pause_stops_the_clock() {
    let mut timer = Timer::start(countdown(10, false), t(0)).unwrap();
    timer.pause(t(2 * MIN)).unwrap();
    assert_eq!(timer.pause(t(3 * MIN)), Err(TimerError::AlreadyPaused));
    assert!(timer.tick(t(HOUR)).is_empty());
    assert_eq!(timer.view(t(HOUR)).session_remaining_ms, 8 * 60_000);
    timer.resume(t(HOUR)).unwrap();
    assert_eq!(timer.resume(t(HOUR)), Err(TimerError::NotPaused));
    assert!(timer.tick(t(HOUR + 8 * MIN - SEC)).is_empty());
    assert_eq!(records(&timer.tick(t(HOUR + 8 * MIN))).len(), 1);
}

#[test]
fn stop_early_is_abandoned_and_stopwatch_stop_is_completed() {
    let mut timer = Timer::start(countdown(30, false), t(0)).unwrap();
    let r = timer.stop(t(12 * MIN + 59)).unwrap();
    assert_eq!((r.outcome, r.actual_min, r.actual_sec), (Outcome::Abandoned, 12, 779));
    assert_eq!(timer.stop(t(13 * MIN)), Err(TimerError::Finished));
    assert!(timer.tick(t(HOUR)).is_empty());

    let sw =
        TimerConfig { mode: Mode::Stopwatch { cap_min: 120 }, subject_id: None, strict: false };
    let mut timer = Timer::start(sw.clone(), t(0)).unwrap();
    let r = timer.stop(t(45 * MIN)).unwrap();
    assert_eq!((r.outcome, r.actual_min, r.planned_min), (Outcome::Completed, 45, 0));

    let mut timer = Timer::start(sw, t(0)).unwrap();
    let r = records(&timer.tick(t(10 * HOUR)));
    assert_eq!((r[0].outcome, r[0].actual_min), (Outcome::Completed, 120));
}

#[test]
fn strict_refuses_pause_and_stop() {
    let mut timer = Timer::start(countdown(60, true), t(0)).unwrap();
    assert_eq!(timer.pause(t(MIN)), Err(TimerError::StrictRefused));
    assert_eq!(timer.stop(t(MIN)), Err(TimerError::StrictRefused));
    assert!(!timer.view(t(MIN)).paused);
}

#[test]
fn strict_emergency_code() {
    let mut timer = Timer::start(countdown(60, true), t(0)).unwrap();
    assert_eq!(timer.emergency_exit("x", t(MIN)), Err(TimerError::NoChallenge));
    let challenge = timer.emergency_exit_challenge(42).unwrap();
    assert_eq!(challenge.code.len(), CODE_LEN);
    assert!(challenge.code.chars().all(|c| c.is_ascii_alphanumeric() && !"01IO".contains(c)));
    assert_ne!(challenge.code, timer.clone().emergency_exit_challenge(43).unwrap().code);
    assert_eq!(challenge.code, timer.clone().emergency_exit_challenge(42).unwrap().code);
    let lower = challenge.code.to_lowercase();
    assert_eq!(timer.emergency_exit(&lower, t(2 * MIN)), Err(TimerError::WrongCode));
    let r = timer.emergency_exit(&challenge.code, t(20 * MIN)).unwrap();
    assert_eq!((r.outcome, r.actual_min, r.strict), (Outcome::Abandoned, 20, true));
    assert!(timer.tick(t(2 * HOUR)).is_empty());
}

#[test]
fn strict_cooldown_exit() {
    let mut timer = Timer::start(countdown(60, true), t(0)).unwrap();
    assert_eq!(timer.confirm_exit(t(MIN)), Err(TimerError::NoExitRequested));
    timer.request_exit(t(5 * MIN)).unwrap();
    timer.request_exit(t(6 * MIN)).unwrap();
    assert_eq!(
        timer.confirm_exit(at(1000 + 14 * MIN, 99 * 3600)),
        Err(TimerError::CooldownPending { remaining_ms: 60_000 })
    );
    assert_eq!(timer.view(t(14 * MIN)).exit_cooldown_remaining_ms, Some(60_000));
    let r = timer.confirm_exit(t(15 * MIN)).unwrap();
    assert_eq!((r.outcome, r.actual_min), (Outcome::Abandoned, 15));
}

#[test]
fn restart_on_the_same_boot_is_exact() {
    let mut timer = Timer::start(countdown(60, true), t(0)).unwrap();
    timer.tick(t(10 * MIN + 7));
    let json = timer.to_json().unwrap();
    // Closed for 20 minutes; the wall clock was also moved forward 5 h meanwhile.
    let restored = Timer::resume_from(&json, at(1000 + 30 * MIN + 7, 5 * 3600)).unwrap();
    assert_eq!(restored.view(at(1000 + 30 * MIN + 7, 0)).session_remaining_ms, 30 * 60_000 - 7000);

    // Ended while closed: Completed, once.
    let mut restored = Timer::resume_from(&json, t(3 * HOUR)).unwrap();
    let events = restored.tick(t(3 * HOUR));
    let r = &records(&events)[0];
    assert_eq!((events.len(), r.outcome, r.actual_min), (1, Outcome::Completed, 60));
    assert_eq!(r.ended_wall, t(60 * MIN).wall);
}

#[test]
fn strict_after_reboot_keeps_its_remaining_time() {
    let mut timer = Timer::start(countdown(60, true), t(0)).unwrap();
    timer.tick(t(20 * MIN));
    let json = timer.to_json().unwrap();
    // Wall clock set forward 5 h, then a reboot: mono restarts near 0.
    let mut restored = Timer::resume_from(&json, at(30, 20 * 60 + 5 * 3600)).unwrap();
    assert!(restored.tick(at(31, 20 * 60 + 5 * 3600)).is_empty());
    assert_eq!(restored.view(at(31, 0)).session_remaining_ms, 40 * 60_000 - 1000);
    assert!(restored.tick(at(30 + 40 * MIN - 1, 0)).is_empty());
    assert_eq!(records(&restored.tick(at(30 + 40 * MIN, 0)))[0].outcome, Outcome::Completed);
}

#[test]
fn non_strict_after_reboot_counts_plausible_wall_time() {
    let mut timer = Timer::start(countdown(60, false), t(0)).unwrap();
    timer.tick(t(20 * MIN));
    let json = timer.to_json().unwrap();
    let restored = Timer::resume_from(&json, at(30, 30 * 60)).unwrap();
    assert_eq!(restored.view(at(30, 30 * 60)).session_remaining_ms, 30 * 60_000);

    // The rest elapsed (within the slack): Completed.
    let mut restored = Timer::resume_from(&json, at(30, 20 * 60 + 90 * 60)).unwrap();
    let r = records(&restored.tick(at(30, 0)));
    assert_eq!((r[0].outcome, r[0].actual_min), (Outcome::Completed, 60));

    // Wall clock went backwards: cannot tell.
    let mut restored = Timer::resume_from(&json, at(30, 10 * 60)).unwrap();
    let r = records(&restored.tick(at(31, 10 * 60)));
    assert_eq!((r[0].outcome, r[0].actual_min), (Outcome::Interrupted, 20));

    // Implausibly far ahead: cannot tell either.
    let mut restored = Timer::resume_from(&json, at(30, 20 * 60 + 3 * 3600)).unwrap();
    assert_eq!(records(&restored.tick(at(31, 0)))[0].outcome, Outcome::Interrupted);
}

#[test]
fn a_known_reboot_at_a_higher_uptime_is_not_counted_as_elapsed_time() {
    // Saved at uptime 1000 + 20 min; the machine reboots and Daka starts at uptime 3 h, which
    // is *higher*, so only the boot id can tell it was a reboot.
    let mut timer = Timer::start(countdown(60, true), t(0)).unwrap();
    timer.tick(t(20 * MIN));
    let json = timer.to_json().unwrap();
    let later = at(3 * HOUR, 20 * 60 + 4 * 3600);
    // Inferred from the clock alone, the 3-hour uptime difference would end the session.
    let naive = Timer::resume_from(&json, later).unwrap();
    assert_eq!(naive.view(later).session_remaining_ms, 0);
    // Told about the reboot: a strict session keeps its 40 minutes.
    let strict = Timer::resume_after_reboot(&json, later).unwrap();
    assert_eq!(strict.view(later).session_remaining_ms, 40 * 60_000);
    assert_eq!(strict.view(at(3 * HOUR + 60, 0)).session_remaining_ms, 39 * 60_000);

    // A non-strict one counts the plausible wall time (here 4 h: more than the rest plus the
    // slack, so it cannot tell and ends as Interrupted with the 20 minutes done).
    let mut timer = Timer::start(countdown(60, false), t(0)).unwrap();
    timer.tick(t(20 * MIN));
    let json = timer.to_json().unwrap();
    let mut restored = Timer::resume_after_reboot(&json, later).unwrap();
    let r = records(&restored.tick(later));
    assert_eq!((r[0].outcome, r[0].actual_min), (Outcome::Interrupted, 20));
    let soon = at(3 * HOUR, 20 * 60 + 10 * 60);
    let restored = Timer::resume_after_reboot(&json, soon).unwrap();
    assert_eq!(restored.view(soon).session_remaining_ms, 30 * 60_000);
}

#[test]
fn paused_session_survives_reboot_unchanged() {
    let mut timer = Timer::start(countdown(60, false), t(0)).unwrap();
    timer.pause(t(20 * MIN)).unwrap();
    let json = timer.to_json().unwrap();
    let mut restored = Timer::resume_from(&json, at(5, -99_999)).unwrap();
    assert!(restored.tick(at(6, 0)).is_empty());
    let view = restored.view(at(6, 0));
    assert!(view.paused);
    assert_eq!(view.session_remaining_ms, 40 * 60_000);
    restored.resume(at(10, 0)).unwrap();
    assert_eq!(restored.view(at(10 + 60, 0)).session_remaining_ms, 39 * 60_000);
}

#[test]
fn persisted_format_is_versioned() {
    let timer = Timer::start(countdown(5, false), t(0)).unwrap();
    let json = timer.to_json().unwrap();
    assert_eq!(Timer::from_json(&json).unwrap(), timer);
    let v2 = json.replace("\"version\":1", "\"version\":2");
    assert_eq!(Timer::resume_from(&v2, t(1)), Err(TimerError::UnsupportedVersion { found: 2 }));
    assert!(matches!(Timer::from_json("{}"), Err(TimerError::Corrupt { .. })));
}

#[test]
fn validation_reports_every_field() {
    let bad = TimerConfig {
        mode: Mode::Pomodoro {
            work_min: 0,
            short_break_min: 61,
            long_break_min: 15,
            rounds: 13,
            long_every: 0,
        },
        subject_id: Some(" ".into()),
        strict: false,
    };
    let errors = Timer::start(bad, t(0)).unwrap_err();
    let fields: Vec<_> = errors.errors().iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        ["mode.work_min", "mode.short_break_min", "mode.rounds", "mode.long_every", "subject_id"]
    );
    assert_eq!(errors.errors()[0].error, Invalid::QuantityOutOfRange { min: 1, max: 180 });
    assert!(countdown(601, false).validate().is_err());
    assert!(countdown(600, false).validate().is_ok());
    let cap = |cap_min| TimerConfig {
        mode: Mode::Stopwatch { cap_min },
        subject_id: None,
        strict: false,
    };
    assert!(cap(721).validate().is_err());
    assert!(cap(720).validate().is_ok());
}

#[test]
fn logical_date_uses_the_start() {
    use daka_core::day::{DayStart, parse_time_zone};
    use daka_core::day_rules::{DayRule, DayRules};
    let rules = DayRules::new(vec![DayRule {
        id: daka_core::ids::DayRuleId::generate(),
        effective_from: Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap(),
        tz: parse_time_zone("Asia/Shanghai").unwrap(),
        day_start: DayStart::default(),
    }])
    .unwrap();
    // 2026-12-01 19:30 UTC is 03:30 on 12-02 in Shanghai: still study day 12-01 (day starts 04:00).
    let start = at(0, 11 * 3600 + 1800);
    let mut timer = Timer::start(countdown(60, false), start).unwrap();
    let r = records(&timer.tick(at(3600, 12 * 3600 + 1800)))[0].clone();
    assert_eq!(logical_date(&r, &rules), chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
}

#[test]
fn an_exit_after_the_end_came_is_completed() {
    let mut timer = Timer::start(countdown(10, true), t(0)).unwrap();
    let code = timer.emergency_exit_challenge(7).unwrap().code;
    // Asleep through the end; the code is typed before any tick noticed it.
    let r = timer.emergency_exit(&code, t(30 * MIN)).unwrap();
    assert_eq!((r.outcome, r.actual_min), (Outcome::Completed, 10));
    assert_eq!(r.ended_wall, t(10 * MIN).wall);
    assert!(timer.tick(t(31 * MIN)).is_empty());
}
