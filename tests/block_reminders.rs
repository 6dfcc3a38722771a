//! The timetable block reminder loop against a real store: what it rings at chosen instants,
//! that a restart never rings a block twice, and that an edit is picked up on the next tick.
//! Real delivery to a notification service over D-Bus is proven in `tests/reminder.rs` with the
//! same `DesktopNotifier`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Utc};
use daka_core::lang::Lang;
use daka_core::onboarding::OnboardingInput;
use daka_core::subject::SubjectDraft;
use daka_core::timetable::{BlockReminderSettings, DayOverride, Preset, QuietHours, preset};
use daka_lib::block_reminders::BlockReminderLoop;
use daka_store::Store;
use tempfile::TempDir;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

async fn kaoyan_store(now: DateTime<Utc>) -> (TempDir, Store) {
    let dir = TempDir::new().unwrap();
    let store = Store::open(dir.path(), now).await.unwrap();
    let input = OnboardingInput {
        exam_name: "2027 考研".into(),
        exam_date: "2026-12-26".into(),
        subjects: ["政治", "英语一", "数学一", "专业课"]
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
    let subjects: Vec<_> = store.profile().await.unwrap().subjects.iter().map(|s| s.id).collect();
    store.apply_template(&preset(Preset::Kaoyan, Lang::ZhCn, &subjects), now).await.unwrap();
    (dir, store)
}

async fn titles(l: &mut BlockReminderLoop, store: &Store, now: &str) -> Vec<String> {
    let (texts, sleep) = l.tick(store, at(now), Lang::ZhCn).await.unwrap();
    assert!(sleep.as_secs() <= 30, "the loop never sleeps past 30 s");
    texts.into_iter().map(|t| format!("{} | {}", t.title, t.body)).collect()
}

#[tokio::test]
async fn the_walk_rings_at_seven_once_even_across_a_restart() {
    // Wednesday 2026-11-25, Asia/Shanghai (UTC+8).
    let (_dir, store) = kaoyan_store(at("2026-11-25T10:00:00Z")).await;
    let mut first = BlockReminderLoop::new();
    assert!(titles(&mut first, &store, "2026-11-25T10:59:30Z").await.is_empty());
    assert_eq!(titles(&mut first, &store, "2026-11-25T11:00:10Z").await, ["19:00 散步 | 走一小时"]);
    // Daka restarts a minute later: the fired key was stored, nothing rings again.
    let mut second = BlockReminderLoop::new();
    assert!(titles(&mut second, &store, "2026-11-25T11:00:40Z").await.is_empty());
    assert!(titles(&mut second, &store, "2026-11-25T11:01:10Z").await.is_empty());
}

#[tokio::test]
async fn an_advance_reminder_quiet_hours_and_a_skipped_block() {
    let (_dir, store) = kaoyan_store(at("2026-11-25T10:00:00Z")).await;
    let settings = BlockReminderSettings {
        enabled: true,
        at_start: true,
        default_before_min: Some(10),
        quiet: Some(QuietHours { from_min: 22 * 60 + 45, to_min: 7 * 60 }),
    };
    store.set_block_reminder_settings(&settings, at("2026-11-25T10:00:00Z")).await.unwrap();
    let mut l = BlockReminderLoop::new();
    assert!(titles(&mut l, &store, "2026-11-25T10:49:30Z").await.is_empty());
    assert_eq!(
        titles(&mut l, &store, "2026-11-25T10:50:10Z").await,
        ["10 分钟后：19:00 散步 | 走一小时"]
    );
    assert_eq!(titles(&mut l, &store, "2026-11-25T14:30:10Z").await, ["22:30 复盘打卡 | 休息"]);
    // 23:00 sleep is inside quiet hours: silent, before and at the start.
    assert!(titles(&mut l, &store, "2026-11-25T14:50:10Z").await.is_empty());
    assert!(titles(&mut l, &store, "2026-11-25T15:00:10Z").await.is_empty());

    // Thursday's walk is skipped for that date only: no reminder then.
    let thursday: chrono::NaiveDate = "2026-11-26".parse().unwrap();
    let tt = store.timetable().await.unwrap();
    let walk = tt
        .template_for(thursday)
        .unwrap()
        .blocks
        .iter()
        .find(|b| b.label.starts_with("散步"))
        .unwrap()
        .id;
    let skip = DayOverride { date: thursday, skipped: vec![walk], changed: vec![], added: vec![] };
    store.set_day_override(&skip, 240, at("2026-11-25T15:00:00Z")).await.unwrap();
    for t in ["2026-11-26T10:50:10Z", "2026-11-26T11:00:10Z", "2026-11-26T11:00:40Z"] {
        assert!(titles(&mut l, &store, t).await.is_empty(), "{t}");
    }
    // Friday's rings again, in English when the language is English.
    let (texts, _) = l.tick(&store, at("2026-11-27T11:00:10Z"), Lang::En).await.unwrap();
    assert_eq!(texts.len(), 1);
    // The label is the user's own (the preset was applied in Chinese); the frame is English.
    assert_eq!(texts[0].title, "19:00 散步");
}
