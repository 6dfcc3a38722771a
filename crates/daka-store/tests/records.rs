//! Goals, punch-ins, progress and day marks against a real SQLite file: streaks over several
//! days, nothing partial on bad input, tombstones and outbox rows.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{DateTime, Utc};
use common::{at, count, invalid_fields, now, onboarded};
use daka_core::calendar::EntryKind;
use daka_core::goal::{GoalInput, Measure, ScheduleInput};
use daka_core::journal::{DayMark, Mood};
use daka_core::punch_in::{MinutesInput, PunchInInput};
use daka_core::streak::{DayState, Excuse};
use daka_core::validation::Invalid;
use daka_store::Store;

fn goal(title: &str, measure: Measure, target: f64) -> GoalInput {
    GoalInput {
        id: None,
        title: title.into(),
        unit: if measure == Measure::Count { "个".into() } else { String::new() },
        target: Some(target),
        measure,
        subject_id: None,
        schedule: ScheduleInput::Daily,
        active_from: String::new(),
        active_until: String::new(),
    }
}

async fn punch(
    store: &Store,
    date: &str,
    minutes: f64,
    at_: DateTime<Utc>,
) -> daka_core::journal::PunchIn {
    let subject = store.profile().await.unwrap().subjects[0].id;
    store
        .save_punch_in(
            &PunchInInput {
                id: None,
                date: date.into(),
                repair: false,
                minutes: vec![MinutesInput {
                    subject_id: subject.to_string(),
                    minutes: Some(minutes),
                }],
                goals_done: vec![],
                note: "今天学得不错".into(),
                mood: Some(Mood::Good),
                photos: vec![],
            },
            at_,
        )
        .await
        .unwrap()
}

/// 20:00 in Shanghai on the given day of November 2026.
fn evening(day: u32) -> DateTime<Utc> {
    at(&format!("2026-11-{day:02}T20:00:00+08:00"))
}

#[tokio::test]
async fn streak_grows_holds_over_leave_and_resets_after_a_miss() {
    let (_dir, store) = onboarded().await; // onboarded on the 22nd
    let streak = |store: &Store, t| {
        let store = store.clone();
        async move { store.records().await.unwrap().today(t).punch_in.current_streak }
    };
    punch(&store, "2026-11-22", 60.0, evening(22)).await;
    assert_eq!(streak(&store, evening(22)).await, 1);
    punch(&store, "2026-11-23", 60.0, evening(23)).await;
    assert_eq!(streak(&store, evening(23)).await, 2);
    // The 24th is leave, marked that day: the streak holds.
    store.mark_day("2026-11-24", DayMark::Leave, evening(24)).await.unwrap();
    assert_eq!(streak(&store, evening(25)).await, 2);
    let records = store.records().await.unwrap();
    let report = records.punch_in_report(evening(25));
    let day24 = report.days.iter().find(|d| d.date.to_string() == "2026-11-24").unwrap();
    assert_eq!((day24.state, day24.excuse), (DayState::Excused, Some(Excuse::Leave)));
    // Nothing on the 25th; on the 26th after 16:00 the 25th has closed: missed, streak resets.
    punch(&store, "2026-11-26", 30.0, evening(26)).await;
    let board = store.records().await.unwrap().today(evening(26));
    assert_eq!(board.punch_in.current_streak, 1);
    assert_eq!(board.punch_in.best_streak, 2);
    assert_eq!(board.yesterday.unwrap().state, DayState::Missed);
}

#[tokio::test]
async fn punch_ins_feed_minutes_goals_and_ticked_goals() {
    let (dir, store) = onboarded().await;
    let math = store.profile().await.unwrap().subjects[2].clone();
    let mut minutes_goal = goal("数学 90 分钟", Measure::Minutes, 90.0);
    minutes_goal.subject_id = Some(math.id.to_string());
    store.save_goal(&minutes_goal, now()).await.unwrap();
    let words = store.save_goal(&goal("背单词", Measure::Count, 20.0), now()).await.unwrap();

    let p = store
        .save_punch_in(
            &PunchInInput {
                id: None,
                date: "2026-11-22".into(),
                repair: false,
                minutes: vec![MinutesInput {
                    subject_id: math.id.to_string(),
                    minutes: Some(95.0),
                }],
                goals_done: vec![words.id.to_string()],
                note: String::new(),
                mood: None,
                photos: vec![],
            },
            now(),
        )
        .await
        .unwrap();
    let board = store.records().await.unwrap().today(now());
    let states: Vec<_> =
        board.goals.iter().map(|g| (g.goal.title.as_str(), g.amount, g.state)).collect();
    assert_eq!(states, [("数学 90 分钟", 95, DayState::Done), ("背单词", 20, DayState::Done)]);
    assert_eq!(board.day.total_minutes, 95);
    assert_eq!(board.day.subjects[2].minutes, 95);

    // Editing the punch-in to untick the goal removes the progress it gave.
    store
        .save_punch_in(
            &PunchInInput {
                id: Some(p.id.to_string()),
                date: "ignored on edit".into(),
                repair: false,
                minutes: vec![MinutesInput {
                    subject_id: math.id.to_string(),
                    minutes: Some(50.0),
                }],
                goals_done: vec![],
                note: "改了".into(),
                mood: Some(Mood::Tired),
                photos: vec![],
            },
            now(),
        )
        .await
        .unwrap();
    let board = store.records().await.unwrap().today(now());
    assert_eq!(board.goals[0].amount, 50);
    assert_eq!(board.goals[1].amount, 0);
    assert_eq!(board.punch_ins.len(), 1);
    assert_eq!(board.punch_ins[0].punch_in.note, "改了");

    // Deleting leaves tombstones and queues outbox rows for each change.
    store.delete_punch_in(&p.id.to_string(), now()).await.unwrap();
    let board = store.records().await.unwrap().today(now());
    assert!(board.punch_ins.is_empty());
    assert_eq!(
        count(&dir, "SELECT count(*) FROM punch_ins WHERE deleted_utc IS NOT NULL").await,
        1
    );
    assert_eq!(count(&dir, "SELECT count(*) FROM outbox WHERE entity_type = 'punch_in'").await, 3);
    assert_eq!(
        count(
            &dir,
            "SELECT count(*) FROM outbox WHERE entity_type = 'goal_progress' AND op = 'delete'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn plus_and_minus_never_go_below_zero() {
    let (_dir, store) = onboarded().await;
    let words = store.save_goal(&goal("背单词", Measure::Count, 20.0), now()).await.unwrap();
    let id = words.id.to_string();
    assert_eq!(store.add_goal_progress(&id, "2026-11-22", 5, now()).await.unwrap(), 5);
    assert_eq!(store.add_goal_progress(&id, "2026-11-22", -8, now()).await.unwrap(), 0);
    assert_eq!(store.add_goal_progress(&id, "2026-11-22", -1, now()).await.unwrap(), 0);
    for (delta, date) in
        [(0, "2026-11-22"), (1_000_000, "2026-11-22"), (1, "2026-11-24"), (1, "2026-02-30")]
    {
        let err = store.add_goal_progress(&id, date, delta, now()).await.unwrap_err();
        assert!(!invalid_fields(err).is_empty());
    }
    let err = store.add_goal_progress("not-a-goal", "2026-11-22", 1, now()).await.unwrap_err();
    assert_eq!(invalid_fields(err)[0].0, "goal_id");
}

#[tokio::test]
async fn leave_closes_with_the_grace_window_and_repairs_are_limited() {
    let (_dir, store) = onboarded().await;
    let late = at("2026-11-24T17:00:00+08:00"); // the 23rd closed at 16:00
    let err = store.mark_day("2026-11-23", DayMark::Leave, late).await.unwrap_err();
    assert!(matches!(invalid_fields(err)[0].1, Invalid::GraceClosed { .. }));
    store.mark_day("2026-11-23", DayMark::Repair, late).await.unwrap();
    store.mark_day("2026-11-22", DayMark::Repair, late).await.unwrap();
    let err = store.mark_day("2026-11-21", DayMark::Repair, late).await.unwrap_err();
    assert_eq!(invalid_fields(err)[0].1, Invalid::NoRepairsLeft);
    // Re-marking a repaired day costs nothing more.
    store.mark_day("2026-11-23", DayMark::Repair, late).await.unwrap();
    let board = store.records().await.unwrap().today(late);
    assert_eq!(board.repairs_left, 0);
    store.unmark_day("2026-11-22", late).await.unwrap();
    assert_eq!(store.records().await.unwrap().today(late).repairs_left, 1);
}

#[tokio::test]
async fn bad_punch_ins_change_nothing() {
    let (dir, store) = onboarded().await;
    let subject = store.profile().await.unwrap().subjects[0].id.to_string();
    let bad = [
        PunchInInput {
            id: None,
            date: "2026-11-30".into(),
            repair: false,
            minutes: vec![MinutesInput { subject_id: subject.clone(), minutes: Some(30.0) }],
            goals_done: vec![],
            note: String::new(),
            mood: None,
            photos: vec![],
        },
        PunchInInput {
            id: None,
            date: "2026-11-22".into(),
            repair: false,
            minutes: vec![MinutesInput { subject_id: subject.clone(), minutes: Some(2000.0) }],
            goals_done: vec![],
            note: "x".repeat(5000),
            mood: None,
            photos: vec![],
        },
        PunchInInput {
            id: Some("0190aaaa-0000-7000-8000-000000000000".into()),
            date: "2026-11-22".into(),
            repair: false,
            minutes: vec![],
            goals_done: vec![],
            note: "edit of nothing".into(),
            mood: None,
            photos: vec![],
        },
    ];
    for input in &bad {
        assert!(store.save_punch_in(input, now()).await.is_err());
    }
    for table in ["punch_ins", "punch_in_minutes", "goal_progress", "outbox"] {
        assert_eq!(count(&dir, &format!("SELECT count(*) FROM {table}")).await, 0, "{table}");
    }
}

#[tokio::test]
async fn a_punch_in_keeps_its_day_when_the_home_zone_changes() {
    let (_dir, store) = onboarded().await;
    let p = punch(&store, "2026-11-22", 45.0, evening(22)).await;
    assert_eq!(
        (p.kind, p.tz.as_str(), p.utc_offset_min, p.day_start_min),
        (EntryKind::Live, "Asia/Shanghai", 480, 240)
    );
    store.change_day_rule("America/New_York", "00:00", evening(22)).await.unwrap();
    let records = store.records().await.unwrap();
    let kept = &records.journal.punch_ins[0];
    assert_eq!(kept.date.to_string(), "2026-11-22");
    assert_eq!(kept.tz, "Asia/Shanghai");
    // A few days later, under New York's rule, it is still the 22nd's punch-in.
    let later = at("2026-11-25T12:00:00-05:00");
    let report = records.punch_in_report(later);
    let d22 = report.days.iter().find(|d| d.date.to_string() == "2026-11-22").unwrap();
    assert_eq!(d22.state, DayState::Done);
}

#[tokio::test]
async fn goals_can_be_edited_archived_and_deleted() {
    let (dir, store) = onboarded().await;
    let g = store.save_goal(&goal("真题", Measure::Count, 2.0), now()).await.unwrap();
    let mut edit = goal("真题（套）", Measure::Count, 3.0);
    edit.id = Some(g.id.to_string());
    edit.schedule = ScheduleInput::PerWeek { times: 3 };
    let edited = store.save_goal(&edit, now()).await.unwrap();
    assert_eq!((edited.id, edited.target, edited.position), (g.id, 3, g.position));
    store.set_goal_archived(&g.id.to_string(), true, now()).await.unwrap();
    assert!(store.records().await.unwrap().today(now()).goals.is_empty());
    store.set_goal_archived(&g.id.to_string(), false, now()).await.unwrap();
    assert_eq!(store.records().await.unwrap().today(now()).goals.len(), 1);
    store.delete_goal(&g.id.to_string(), now()).await.unwrap();
    assert!(store.records().await.unwrap().goals.is_empty());
    assert_eq!(count(&dir, "SELECT count(*) FROM outbox WHERE entity_type = 'goal'").await, 5);
    let mut bad = goal("", Measure::Count, 0.0);
    bad.unit = String::new();
    let fields: Vec<_> = invalid_fields(store.save_goal(&bad, now()).await.unwrap_err())
        .into_iter()
        .map(|f| f.0)
        .collect();
    assert_eq!(fields, ["title", "unit", "target"]);
}

/// The records cache (served until the next write) never hands out a read from before a write
/// that has returned, even with readers racing the writer.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_records_cache_never_serves_a_read_from_before_a_write() {
    let (_dir, store) = onboarded().await;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut readers = Vec::new();
    for _ in 0..3 {
        let (store, stop) = (store.clone(), stop.clone());
        readers.push(tokio::spawn(async move {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                store.records().await.unwrap();
                // A cache hit never awaits; yield so a failing test can end.
                tokio::task::yield_now().await;
            }
        }));
    }
    for i in 0..40 {
        let saved = store
            .save_punch_in(
                &PunchInInput {
                    id: None,
                    date: "2026-11-22".into(),
                    repair: false,
                    minutes: vec![],
                    goals_done: vec![],
                    note: format!("第 {i} 条"),
                    mood: None,
                    photos: vec![],
                },
                now(),
            )
            .await
            .unwrap();
        let seen = store.records().await.unwrap();
        assert!(seen.journal.punch_in(saved.id).is_some(), "write {i} not visible");
        assert_eq!(seen.journal.punch_ins.len(), i + 1);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for r in readers {
        r.await.unwrap();
    }
    // A second read with no write in between is the same snapshot, not a new one.
    let a = store.records().await.unwrap();
    let b = store.records().await.unwrap();
    assert!(std::sync::Arc::ptr_eq(&a, &b));
}

/// After a punch-in save the cache holds the records as the save left them (no re-read); they
/// must equal what a fresh read of the file returns, for new punch-ins, edits, ticked and
/// unticked goals, several subjects in any order and photos.
#[tokio::test]
async fn the_records_filed_after_a_punch_in_save_equal_a_fresh_read() {
    let (dir, store) = onboarded().await;
    let profile = store.profile().await.unwrap();
    let subjects: Vec<String> = profile.subjects.iter().map(|s| s.id.to_string()).collect();
    let words = store.save_goal(&goal("背单词", Measure::Count, 20.0), now()).await.unwrap();
    let fresh = || async {
        let other = Store::open(dir.path(), now()).await.unwrap();
        let records = other.records().await.unwrap();
        other.close().await;
        records
    };
    let mut last = None;
    for i in 0..6u32 {
        let input = PunchInInput {
            id: if i % 3 == 2 { last.clone() } else { None },
            date: "2026-11-22".into(),
            repair: false,
            // Subjects typed in reverse order: the stored order is the user's subject order.
            minutes: subjects
                .iter()
                .rev()
                .take(1 + (i as usize % 3))
                .map(|s| MinutesInput { subject_id: s.clone(), minutes: Some(10.0 + f64::from(i)) })
                .collect(),
            goals_done: if i % 2 == 0 { vec![words.id.to_string()] } else { vec![] },
            note: format!("第 {i} 次"),
            mood: None,
            photos: vec![],
        };
        let at_ = now() + chrono::Duration::milliseconds(i64::from(i) * 1_234 + 7);
        let saved = store.save_punch_in(&input, at_).await.unwrap();
        last = Some(saved.id.to_string());
        let cached = store.records().await.unwrap();
        let read = fresh().await;
        assert_eq!(cached.journal, read.journal, "after save {i}");
    }
}
