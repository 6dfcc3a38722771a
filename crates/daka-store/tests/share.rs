//! The facts a share card shows, from a real store: the streak as of the card's day (not
//! today's), minutes per subject for the day and the week, the heatmap levels, the day's note,
//! mood and goals, and the exam countdown as seen from that day.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{DateTime, Utc};
use common::{at, onboarded};
use daka_core::goal::{GoalInput, Measure, ScheduleInput};
use daka_core::journal::Mood;
use daka_core::punch_in::{MinutesInput, PunchInInput};
use daka_store::Store;

/// 20:00 in Shanghai on the given day of November 2026.
fn evening(day: u32) -> DateTime<Utc> {
    at(&format!("2026-11-{day:02}T20:00:00+08:00"))
}

async fn punch(
    store: &Store,
    date: &str,
    minutes: &[f64],
    note: &str,
    goals: Vec<String>,
    when: DateTime<Utc>,
) {
    let subjects = store.profile().await.unwrap().subjects;
    store
        .save_punch_in(
            &PunchInInput {
                id: None,
                date: date.into(),
                repair: false,
                minutes: minutes
                    .iter()
                    .zip(&subjects)
                    .map(|(m, s)| MinutesInput { subject_id: s.id.to_string(), minutes: Some(*m) })
                    .collect(),
                goals_done: goals,
                note: note.into(),
                mood: Some(Mood::Great),
                photos: vec![],
            },
            when,
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn a_card_for_a_past_day_shows_that_days_streak_minutes_and_goals() {
    let (_dir, store) = onboarded().await; // started 2026-11-22, target 8 h, exam 2026-12-26
    let goal = store
        .save_goal(
            &GoalInput {
                id: None,
                title: "背 50 个单词".into(),
                unit: "次".into(),
                target: Some(1.0),
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
    punch(&store, "2026-11-22", &[60.0, 120.0], "第一天", vec![], evening(22)).await;
    punch(&store, "2026-11-23", &[480.0], "", vec![goal.id.to_string()], evening(23)).await;
    punch(
        &store,
        "2026-11-24",
        &[90.0, 30.0],
        "刷完真题，错题整理好了。",
        vec![goal.id.to_string()],
        evening(24),
    )
    .await;
    punch(&store, "2026-11-25", &[30.0], "", vec![], evening(25)).await;

    let records = store.records().await.unwrap();
    let facts = records.share_facts("2026-11-24".parse().unwrap(), evening(25));
    assert_eq!(facts.streak_days, 3, "the streak as of the 24th, not today's 4");
    assert_eq!(facts.best_streak, 3);
    let day: Vec<(&str, u32)> =
        facts.day_subjects.iter().map(|s| (s.name.as_str(), s.minutes)).collect();
    assert_eq!(day, [("政治", 90), ("英语一", 30)]);
    assert_eq!(facts.note, "刷完真题，错题整理好了。");
    assert_eq!(facts.mood, Some(Mood::Great));
    assert_eq!(
        (facts.goals_done.as_slice(), facts.goals_due),
        (&["背 50 个单词".to_owned()][..], 1)
    );
    // The week of Monday 23rd: 480 + 120 + 30 so far; the 22nd was the Sunday before.
    assert_eq!(facts.week_start.to_string(), "2026-11-23");
    let week: Vec<u32> = facts.week.iter().map(|d| d.minutes).collect();
    assert_eq!(week, [480, 120, 30, 0, 0, 0, 0]);
    assert_eq!(facts.week_subjects.iter().map(|s| s.minutes).sum::<u32>(), 630);
    // 20 weeks of heatmap ending with that week; levels against the 8 h target.
    assert_eq!(facts.heatmap.len(), 140);
    assert_eq!(facts.heatmap.last().unwrap().date.to_string(), "2026-11-29");
    let level = |d: &str| facts.heatmap.iter().find(|c| c.date.to_string() == d).unwrap().level;
    // 180 min (37 %), 480 (100 %), 120 (exactly a quarter), 30 (6 %).
    let levels = ["2026-11-22", "2026-11-23", "2026-11-24", "2026-11-25"].map(level);
    assert_eq!(levels, [2, 4, 2, 1]);
    let exam = facts.exam.unwrap();
    assert_eq!((exam.name.as_str(), exam.days_left), ("2027 考研", 32));
    assert_eq!((facts.studied_days, facts.total_minutes), (3, 780));
}
