#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use chrono::{TimeZone, Utc};
use proptest::prelude::*;

use super::config::Slot;
use super::*;

#[derive(Debug, Clone)]
enum Op {
    Tick(u64),
    Pause,
    Resume,
    WallJump(i64),
    Stop,
    Restart,
    /// Save, reboot (the monotonic clock restarts near 0), restore.
    Reboot(i64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0u64..=7_200_000).prop_map(Op::Tick),
        4 => (0u64..=5_000).prop_map(Op::Tick),
        1 => Just(Op::Pause),
        1 => Just(Op::Resume),
        1 => (-10_800i64..=10_800).prop_map(Op::WallJump),
        1 => Just(Op::Stop),
        1 => Just(Op::Restart),
        1 => (-7_200i64..=18_000).prop_map(Op::Reboot),
    ]
}

fn config() -> impl Strategy<Value = TimerConfig> {
    let mode = prop_oneof![
        (1u32..=30, 1u32..=10, 1u32..=20, 1u32..=5, 1u32..=4).prop_map(|(w, s, l, r, e)| {
            Mode::Pomodoro {
                work_min: w,
                short_break_min: s,
                long_break_min: l,
                rounds: r,
                long_every: e,
            }
        }),
        (1u32..=120).prop_map(|minutes| Mode::Countdown { minutes }),
        (1u32..=120).prop_map(|cap_min| Mode::Stopwatch { cap_min }),
    ];
    (mode, any::<bool>()).prop_map(|(mode, strict)| TimerConfig { mode, subject_id: None, strict })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn ends_are_ordered_unique_and_bounded(config in config(), ops in prop::collection::vec(op(), 1..60)) {
        let schedule: Vec<Slot> = config.mode.schedule();
        let total_ms: u64 = schedule.iter().map(|s| s.len_ms).sum();
        let planned_ms = match config.mode {
            Mode::Stopwatch { cap_min } => u64::from(cap_min) * 60_000,
            _ => u64::from(config.mode.planned_min()) * 60_000,
        };
        let mut mono = 5_000u64;
        let mut wall = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
        let now = |mono: u64, wall| Now { mono: Duration::from_millis(mono), wall };
        let mut timer = Timer::start(config.clone(), now(mono, wall)).unwrap();
        let mut ends = Vec::new();
        let mut records = Vec::new();
        let mut last_remaining = u64::MAX;
        for op in ops {
            match op {
                Op::Tick(step) => {
                    mono += step;
                    wall += chrono::Duration::milliseconds(i64::try_from(step).unwrap());
                    for event in timer.tick(now(mono, wall)) {
                        match event {
                            TimerEvent::PhaseEnded { phase, round, .. } => {
                                prop_assert!(records.is_empty(), "phase end after the session end");
                                ends.push((phase, round));
                            }
                            TimerEvent::SessionEnded { record } => records.push(record),
                        }
                    }
                }
                Op::Pause => {
                    let r = timer.pause(now(mono, wall));
                    if config.strict { prop_assert!(r.is_err()); }
                }
                Op::Resume => { let _ = timer.resume(now(mono, wall)); }
                Op::WallJump(s) => wall += chrono::Duration::seconds(s),
                Op::Stop => {
                    match timer.stop(now(mono, wall)) {
                        Ok(record) => { prop_assert!(!config.strict); records.push(record); }
                        Err(e) => prop_assert!(config.strict || e == TimerError::Finished),
                    }
                }
                Op::Reboot(wall_gap_s) => {
                    let json = timer.to_json().unwrap();
                    mono = 1_000;
                    wall += chrono::Duration::seconds(wall_gap_s);
                    timer = Timer::resume_from(&json, now(mono, wall)).unwrap();
                    // Interrupted records are delivered by the next tick.
                }
                Op::Restart => {
                    let json = timer.to_json().unwrap();
                    timer = Timer::resume_from(&json, now(mono, wall)).unwrap();
                }
            }
            let view = timer.view(now(mono, wall));
            // Remaining time never grows: no wall jump or restart on the same boot adds time.
            prop_assert!(u64::from(view.session_remaining_ms) <= last_remaining);
            last_remaining = u64::from(view.session_remaining_ms);
            prop_assert!(u64::from(view.work_ms) <= planned_ms);
            prop_assert!(u64::from(view.session_elapsed_ms) <= total_ms);
        }
        // Phase ends are a prefix of the schedule (minus its last phase): ordered, no duplicates.
        let expected: Vec<_> = schedule.iter().take(schedule.len() - 1).map(|s| (s.phase, s.round)).collect();
        prop_assert!(ends.len() <= expected.len());
        prop_assert_eq!(&ends[..], &expected[..ends.len()]);
        prop_assert!(records.len() <= 1);
        if let Some(r) = records.first() {
            prop_assert!(u64::from(r.actual_sec) * 1000 <= planned_ms);
            prop_assert!(r.actual_min <= r.planned_min || config.mode.kind() == ModeKind::Stopwatch);
            if r.outcome == Outcome::Completed && config.mode.kind() != ModeKind::Stopwatch {
                prop_assert_eq!(r.actual_min, r.planned_min);
            }
            prop_assert!(r.ended_wall >= r.started_wall);
        }
    }
}
