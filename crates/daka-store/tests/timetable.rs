//! The timetable against a real SQLite file: templates, presets, overrides, and refused edits
//! that leave nothing behind.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{count, invalid_fields, now, onboarded};
use daka_core::ids::{BlockId, SubjectId, TemplateId};
use daka_core::lang::Lang;
use daka_core::schedule::WeekdaySet;
use daka_core::timetable::{Block, BlockKind, DayOverride, Preset, Template, preset};
use daka_core::validation::Invalid;
use daka_store::Store;

async fn subjects(store: &Store) -> Vec<SubjectId> {
    store.profile().await.unwrap().subjects.iter().map(|s| s.id).collect()
}

fn block(start: u16, end: u16, label: &str) -> Block {
    Block {
        id: BlockId::generate(),
        start_min: start,
        end_min: end,
        kind: BlockKind::Other,
        subject_id: None,
        label: label.into(),
        color: None,
        remind_before_min: None,
    }
}

#[tokio::test]
async fn a_preset_is_saved_whole_and_survives_a_restart() {
    let (dir, store) = onboarded().await;
    let kaoyan = preset(Preset::Kaoyan, Lang::ZhCn, &subjects(&store).await);
    let tt = store.apply_template(&kaoyan, now()).await.unwrap();
    assert_eq!(tt.templates, vec![kaoyan.clone()]);
    store.close().await;
    let store = Store::open(dir.path(), now()).await.unwrap();
    let tt = store.timetable().await.unwrap();
    assert_eq!(tt.templates, vec![kaoyan]);
    assert!(tt.templates[0].blocks.iter().any(|b| b.label == "散步 — 走一小时"));
}

#[tokio::test]
async fn applying_a_template_takes_its_weekdays_from_the_others() {
    let (dir, store) = onboarded().await;
    let ids = subjects(&store).await;
    store.apply_template(&preset(Preset::WorkingEvening, Lang::ZhCn, &ids), now()).await.unwrap();
    // Kaoyan is Mon–Sat: the workday template (Mon–Fri) loses every day and is removed.
    let tt = store.apply_template(&preset(Preset::Kaoyan, Lang::ZhCn, &ids), now()).await.unwrap();
    assert_eq!(tt.templates.len(), 1);
    assert_eq!(
        count(&dir, "SELECT count(*) FROM timetable_templates WHERE deleted_utc IS NULL").await,
        1
    );
    // Weekend is Sat–Sun: kaoyan keeps Mon–Fri.
    let tt = store.apply_template(&preset(Preset::Weekend, Lang::ZhCn, &ids), now()).await.unwrap();
    assert_eq!(tt.templates.len(), 2);
    assert_eq!(tt.templates[0].weekdays.iso_days(), [1, 2, 3, 4, 5]);
    assert_eq!(tt.templates[1].weekdays.iso_days(), [6, 7]);
}

#[tokio::test]
async fn hostile_templates_are_refused_with_the_field_and_nothing_is_saved() {
    let (dir, store) = onboarded().await;
    let good = Template {
        id: TemplateId::generate(),
        name: "考研冲刺".into(),
        weekdays: WeekdaySet::from_iso(&[1, 2, 3]).unwrap(),
        blocks: vec![block(8 * 60, 10 * 60, "数学")],
    };
    store.save_template(&good, now()).await.unwrap();
    let before = store.timetable().await.unwrap();

    let with = |blocks: Vec<Block>| Template { blocks, ..good.clone() };
    let cases: Vec<(Template, &str, Invalid)> = vec![
        (with(vec![block(600, 600, "")]), "templates.0.blocks.0.end", Invalid::ZeroLengthBlock),
        (
            with(vec![block(600, 1500, "")]),
            "templates.0.blocks.0",
            Invalid::BadTime { value: "10:00–25:00".into() },
        ),
        (
            with(vec![block(600, 700, ""), block(650, 720, "英语")]),
            "templates.0.blocks.1",
            Invalid::BlockOverlap { other: "10:00–11:40".into() },
        ),
        (
            with(vec![block(600, 700, &"长".repeat(200))]),
            "templates.0.blocks.0.label",
            Invalid::TooLong { max: 40, actual: 200 },
        ),
        (
            Template { weekdays: WeekdaySet::default(), ..good.clone() },
            "templates.0.weekdays",
            Invalid::NoWeekdays,
        ),
        (Template { name: " ".into(), ..good.clone() }, "templates.0.name", Invalid::Required),
    ];
    for (template, field, error) in cases {
        let fields = invalid_fields(store.save_template(&template, now()).await.unwrap_err());
        assert!(fields.contains(&(field.to_owned(), error.clone())), "{field}: {fields:?}");
    }
    // A second template on a day the first has.
    let clash = Template {
        id: TemplateId::generate(),
        name: "周三".into(),
        weekdays: WeekdaySet::from_iso(&[3]).unwrap(),
        blocks: vec![],
    };
    let fields = invalid_fields(store.save_template(&clash, now()).await.unwrap_err());
    assert_eq!(
        fields,
        [(
            "templates.1.weekdays".to_owned(),
            Invalid::WeekdayTaken { weekday: 3, other: "考研冲刺".into() }
        )]
    );
    assert_eq!(
        fields[0].1.message(Lang::ZhCn),
        "周三已经用了“考研冲刺”这个模板，一天只能用一个模板。"
    );
    // An unknown subject.
    let mut stranger = block(600, 700, "");
    stranger.kind = BlockKind::Study;
    stranger.subject_id = Some(SubjectId::generate());
    let fields =
        invalid_fields(store.save_template(&with(vec![stranger]), now()).await.unwrap_err());
    assert_eq!(fields[0].0, "templates.0.blocks.0.subject_id");

    assert_eq!(store.timetable().await.unwrap(), before, "nothing was saved partially");
    assert_eq!(
        count(&dir, "SELECT count(*) FROM timetable_templates WHERE deleted_utc IS NULL").await,
        1
    );
}

#[tokio::test]
async fn an_override_changes_one_date_only_and_reset_restores_the_template() {
    let (_dir, store) = onboarded().await;
    let ids = subjects(&store).await;
    let kaoyan = preset(Preset::Kaoyan, Lang::ZhCn, &ids);
    store.apply_template(&kaoyan, now()).await.unwrap();
    let walk = kaoyan.blocks.iter().find(|b| b.label.starts_with("散步")).unwrap().clone();
    let monday: chrono::NaiveDate = "2026-11-23".parse().unwrap();
    let tuesday = monday.succ_opt().unwrap();

    let moved = Block { start_min: 18 * 60 + 30, end_min: 19 * 60, ..walk.clone() };
    let day =
        DayOverride { date: monday, skipped: vec![], changed: vec![moved.clone()], added: vec![] };
    let tt = store.set_day_override(&day, 240, now()).await.unwrap();
    assert!(tt.blocks_on(monday, 240).contains(&moved));
    assert!(tt.blocks_on(tuesday, 240).contains(&walk));

    // Moving the walk onto dinner (17:30–18:30) on that date is refused, and the override stays.
    let clash = Block { start_min: 18 * 60, end_min: 19 * 60, ..walk.clone() };
    let bad = DayOverride { changed: vec![clash], ..day.clone() };
    let fields = invalid_fields(store.set_day_override(&bad, 240, now()).await.unwrap_err());
    assert!(matches!(&fields[0].1, Invalid::BlockOverlap { other } if other.contains("晚饭")));
    assert!(store.timetable().await.unwrap().blocks_on(monday, 240).contains(&moved));

    let tt = store.reset_day(monday, now()).await.unwrap();
    assert!(tt.overrides.is_empty());
    assert!(tt.blocks_on(monday, 240).contains(&walk));
}

#[tokio::test]
async fn onboarding_plans_a_starter_day_from_the_wake_time_target_and_subjects() {
    let dir = tempfile::TempDir::new().unwrap();
    let store = Store::open(dir.path(), now()).await.unwrap();
    store.complete_onboarding(&common::onboarding(), now()).await.unwrap();
    let tt = store.timetable().await.unwrap();
    assert_eq!(tt.templates.len(), 1);
    let starter = &tt.templates[0];
    assert_eq!(starter.weekdays.len(), 7);
    // Up at 06:30 (the onboarding answer), study blocks for the subjects, 8 h target.
    assert!(starter.blocks.iter().any(|b| b.start_min == 6 * 60 + 30 && b.label == "起床"));
    let study: u32 = starter
        .blocks
        .iter()
        .filter(|b| b.kind == BlockKind::Study)
        .map(|b| u32::from(b.length_min()))
        .sum();
    assert_eq!(study, 480);
    let ids = subjects(&store).await;
    assert!(starter.blocks.iter().filter_map(|b| b.subject_id).all(|s| ids.contains(&s)));
}
