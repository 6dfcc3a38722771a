use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::*;
use crate::day::{DayStart, logical_date};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn hm(s: &str) -> u16 {
    u16::try_from(crate::day::parse_hm(s).unwrap()).unwrap()
}

fn block(start: &str, end: &str, kind: BlockKind, label: &str) -> Block {
    Block {
        id: BlockId::generate(),
        start_min: hm(start),
        end_min: hm(end),
        kind,
        subject_id: None,
        label: label.into(),
        color: None,
        remind_before_min: None,
    }
}

/// A 考研 day in the spirit of Li Ying's: up at 06:30, study, dinner, a walk, sleep at 23:30.
fn kaoyan() -> Template {
    Template {
        id: TemplateId::generate(),
        name: "考研冲刺".into(),
        weekdays: WeekdaySet::from_iso(&[1, 2, 3, 4, 5, 6, 7]).unwrap(),
        blocks: vec![
            block("06:30", "07:00", BlockKind::Other, "起床"),
            block("08:00", "11:30", BlockKind::Study, "数学"),
            block("18:00", "19:00", BlockKind::Meal, "晚饭"),
            block("19:00", "20:00", BlockKind::Exercise, "散步"),
            block("23:30", "06:30", BlockKind::Sleep, "睡觉"),
        ],
    }
}

#[test]
fn a_day_crossing_midnight_is_valid_and_a_clash_names_the_other_block() {
    assert!(validate_blocks(&kaoyan().blocks).is_ok());
    let mut blocks = kaoyan().blocks;
    blocks.push(block("06:00", "06:45", BlockKind::Exercise, "晨跑"));
    let errors = validate_blocks(&blocks).unwrap_err().into_errors();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, "blocks.5");
    // It clashes with sleep (until 06:30) first in the list order.
    assert!(
        matches!(&errors[0].error, Invalid::BlockOverlap { other } if other == "06:30–07:00 起床" || other == "23:30–06:30 睡觉")
    );
}

#[test]
fn hostile_blocks_are_refused_with_the_field() {
    let blocks = vec![
        block("08:00", "08:00", BlockKind::Study, "零"),
        block("09:00", "10:00", BlockKind::Study, &"长".repeat(200)),
        Block { start_min: 1500, ..block("00:00", "01:00", BlockKind::Rest, "") },
    ];
    let fields: Vec<(String, Invalid)> = validate_blocks(&blocks)
        .unwrap_err()
        .into_errors()
        .into_iter()
        .map(|f| (f.field, f.error))
        .collect();
    assert_eq!(fields[0], ("blocks.0.end".into(), Invalid::ZeroLengthBlock));
    assert_eq!(fields[1], ("blocks.1.label".into(), Invalid::TooLong { max: 40, actual: 200 }));
    assert_eq!(fields[2].0, "blocks.2");
}

#[test]
fn a_weekday_in_two_templates_is_refused() {
    let weekend = Template {
        id: TemplateId::generate(),
        name: "周末".into(),
        weekdays: WeekdaySet::from_iso(&[6]).unwrap(),
        blocks: vec![],
    };
    let errors = validate_templates(&[kaoyan(), weekend.clone()]).unwrap_err().into_errors();
    assert_eq!(errors[0].error, Invalid::WeekdayTaken { weekday: 6, other: "考研冲刺".into() });
    // A template applied to no day (`WeekdaySet::default()` is the empty set) is refused too.
    let none = Template { weekdays: WeekdaySet::default(), ..weekend };
    let errors = validate_templates(&[none]).unwrap_err().into_errors();
    assert_eq!(errors[0].error, Invalid::NoWeekdays);
}

#[test]
fn blocks_expand_to_instants_and_sleep_ends_the_next_morning() {
    let tt = Timetable { templates: vec![kaoyan()], overrides: vec![] };
    let day = expand(&tt, d("2026-11-23"), d("2026-11-23"), Tz::Asia__Shanghai, DayStart::DEFAULT);
    assert_eq!(day.len(), 5);
    let walk = day.iter().find(|p| p.block.label == "散步").unwrap();
    assert_eq!(
        (walk.start_utc, walk.end_utc),
        (utc("2026-11-23T19:00:00+08:00"), utc("2026-11-23T20:00:00+08:00"))
    );
    let sleep = day.iter().find(|p| p.block.label == "睡觉").unwrap();
    assert_eq!(sleep.end_local, "2026-11-24T06:30");
    assert_eq!(sleep.date, d("2026-11-23"));
}

#[test]
fn a_night_block_before_the_day_start_belongs_to_the_evening_before() {
    // Day start 04:00: "01:00–02:00" on Monday's template is Monday night, calendar Tuesday.
    let t = Template {
        blocks: vec![block("01:00", "02:00", BlockKind::Study, "夜读")],
        weekdays: WeekdaySet::from_iso(&[1]).unwrap(),
        ..kaoyan()
    };
    let tt = Timetable { templates: vec![t], overrides: vec![] };
    let week = expand(&tt, d("2026-11-23"), d("2026-11-29"), Tz::Asia__Shanghai, DayStart::DEFAULT);
    assert_eq!(week.len(), 1);
    assert_eq!(week[0].date, d("2026-11-23"));
    assert_eq!(week[0].start_local, "2026-11-24T01:00");
    // With a midnight day start the same block is Monday 01:00.
    let week =
        expand(&tt, d("2026-11-23"), d("2026-11-29"), Tz::Asia__Shanghai, DayStart::MIDNIGHT);
    assert_eq!(week[0].start_local, "2026-11-23T01:00");
}

#[test]
fn dst_gaps_move_a_start_to_the_end_of_the_gap_and_drop_a_block_inside_it() {
    let t = Template {
        blocks: vec![
            block("02:00", "02:45", BlockKind::Study, "不存在"),
            block("02:50", "03:30", BlockKind::Study, "半存在"),
        ],
        ..kaoyan()
    };
    let tt = Timetable { templates: vec![t], overrides: vec![] };
    // New York, 2026-03-08: 02:00 → 03:00.
    let day =
        expand(&tt, d("2026-03-08"), d("2026-03-08"), Tz::America__New_York, DayStart::MIDNIGHT);
    assert_eq!(day.len(), 1, "{day:?}");
    assert_eq!(day[0].block.label, "半存在");
    assert_eq!(
        (day[0].start_utc, day[0].end_utc),
        (utc("2026-03-08T03:00:00-04:00"), utc("2026-03-08T03:30:00-04:00"))
    );
}

#[test]
fn a_block_over_the_repeated_hour_runs_by_the_wall_clock() {
    let t =
        Template { blocks: vec![block("01:30", "02:30", BlockKind::Study, "夜读")], ..kaoyan() };
    let tt = Timetable { templates: vec![t], overrides: vec![] };
    // New York, 2026-11-01: 01:00–02:00 happens twice; the block starts at the first 01:30.
    let day =
        expand(&tt, d("2026-11-01"), d("2026-11-01"), Tz::America__New_York, DayStart::MIDNIGHT);
    assert_eq!(day[0].start_utc, utc("2026-11-01T01:30:00-04:00"));
    assert_eq!(day[0].end_utc, utc("2026-11-01T02:30:00-05:00"));
}

#[test]
fn an_override_changes_one_date_only() {
    let template = kaoyan();
    let walk = template.blocks[3].clone();
    let math = template.blocks[1].clone();
    let tt = Timetable {
        templates: vec![template],
        overrides: vec![DayOverride {
            date: d("2026-11-24"),
            skipped: vec![walk.id],
            changed: vec![Block { end_min: hm("10:00"), ..math }],
            added: vec![block("20:00", "21:00", BlockKind::Study, "模考")],
        }],
    };
    let days = expand(&tt, d("2026-11-23"), d("2026-11-25"), Tz::Asia__Shanghai, DayStart::DEFAULT);
    let on = |date: &str| -> Vec<String> {
        days.iter().filter(|p| p.date == d(date)).map(|p| p.block.describe()).collect()
    };
    assert!(on("2026-11-23").contains(&"19:00–20:00 散步".to_owned()));
    let tue = on("2026-11-24");
    assert!(!tue.contains(&"19:00–20:00 散步".to_owned()));
    assert!(tue.contains(&"08:00–10:00 数学".to_owned()));
    assert!(tue.contains(&"20:00–21:00 模考".to_owned()));
    assert_eq!(on("2026-11-25"), on("2026-11-23"));
    let added = days.iter().find(|p| p.block.label == "模考").unwrap();
    assert_eq!(added.template_id, None);
}

#[test]
fn every_block_starts_in_its_study_day_in_every_test_zone() {
    let zones = [
        Tz::Asia__Shanghai,
        Tz::Europe__London,
        Tz::America__Sao_Paulo,
        Tz::Australia__Lord_Howe,
        Tz::Asia__Kathmandu,
        Tz::Pacific__Apia,
        Tz::America__New_York,
    ];
    let mut checked = 0;
    for tz in zones {
        for start in [0u16, 90, 150, 240, 360] {
            let day_start = DayStart::from_minutes(start).unwrap();
            // Blocks every 50 minutes around the clock, 40 minutes long.
            let blocks = (0..28u16)
                .map(|i| Block {
                    start_min: i * 50 + 5,
                    end_min: i * 50 + 45,
                    ..block("00:00", "00:01", BlockKind::Study, "")
                })
                .collect();
            let tt =
                Timetable { templates: vec![Template { blocks, ..kaoyan() }], overrides: vec![] };
            for (from, to) in [
                ("2011-12-27", "2012-01-02"),
                ("2026-03-06", "2026-04-06"),
                ("2026-09-26", "2026-11-03"),
            ] {
                for p in expand(&tt, d(from), d(to), tz, day_start) {
                    assert!(p.end_utc > p.start_utc);
                    assert_eq!(logical_date(p.start_utc, tz, day_start), p.date, "{tz} {p:?}");
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 50_000, "{checked}");
}

#[test]
fn presets_are_valid_in_both_languages_and_the_kaoyan_day_walks_after_dinner() {
    let subjects: Vec<SubjectId> = (0..4).map(|_| SubjectId::generate()).collect();
    for lang in [crate::lang::Lang::ZhCn, crate::lang::Lang::En] {
        for which in [Preset::Kaoyan, Preset::WorkingEvening, Preset::Weekend] {
            for n in [0, 1, 4] {
                let t = preset(which, lang, &subjects[..n]);
                assert!(validate_blocks(&t.blocks).is_ok(), "{which:?} {lang:?}");
                assert!(
                    t.blocks
                        .iter()
                        .all(|b| b.kind != BlockKind::Study || (b.subject_id.is_some() == (n > 0)))
                );
            }
        }
    }
    let kaoyan = preset(Preset::Kaoyan, crate::lang::Lang::ZhCn, &subjects);
    let described: Vec<String> = kaoyan.blocks.iter().map(Block::describe).collect();
    assert!(described.contains(&"19:00–20:00 散步 — 走一小时".to_owned()));
    assert_eq!(described.first().map(String::as_str), Some("06:30–07:00 起床"));
    assert!(described.contains(&"23:00–06:30 睡觉".to_owned()));
    // The three presets together cover the week with no weekday twice… except that the 考研 day
    // and the weekend both claim Saturday, which validation reports by name.
    let all = [
        preset(Preset::Kaoyan, crate::lang::Lang::ZhCn, &subjects),
        preset(Preset::Weekend, crate::lang::Lang::ZhCn, &subjects),
    ];
    let errors = validate_templates(&all).unwrap_err().into_errors();
    assert_eq!(errors[0].error, Invalid::WeekdayTaken { weekday: 6, other: "考研一天".into() });
}

#[test]
fn the_starter_timetable_fits_any_wake_time_and_target() {
    let subjects: Vec<SubjectId> = (0..3).map(|_| SubjectId::generate()).collect();
    let mut checked = 0;
    for wake in (0..24 * 60).step_by(15) {
        for target in (30..=18 * 60).step_by(30) {
            let t = starter(
                crate::day::ClockTime::from_minutes(wake).unwrap(),
                target,
                &subjects,
                crate::lang::Lang::ZhCn,
            );
            assert!(
                validate_blocks(&t.blocks).is_ok(),
                "wake {wake} target {target}: {:?}",
                validate_blocks(&t.blocks)
            );
            let study: u32 = t
                .blocks
                .iter()
                .filter(|b| b.kind == BlockKind::Study)
                .map(|b| u32::from(b.length_min()))
                .sum();
            assert!(study <= target);
            // Up to ~9 hours fit around meals, the walk and breaks; less is planned in full.
            if target <= 8 * 60 {
                assert_eq!(study, target, "wake {wake} target {target}");
            }
            let sleep = t.blocks.iter().find(|b| b.kind == BlockKind::Sleep).unwrap();
            assert_eq!(u32::from(sleep.end_min), wake);
            checked += 1;
        }
    }
    assert_eq!(checked, 96 * 36);
}

fn shanghai_rules() -> crate::day_rules::DayRules {
    crate::day_rules::DayRules::new(vec![crate::day_rules::DayRule {
        id: crate::ids::DayRuleId::generate(),
        effective_from: utc("2026-01-01T00:00:00Z"),
        tz: Tz::Asia__Shanghai,
        day_start: DayStart::DEFAULT,
    }])
    .unwrap()
}

#[test]
fn at_19_30_the_plan_shows_the_walk_with_half_an_hour_left() {
    let subjects: Vec<SubjectId> = (0..4).map(|_| SubjectId::generate()).collect();
    let tt = Timetable {
        templates: vec![preset(Preset::Kaoyan, crate::lang::Lang::ZhCn, &subjects)],
        overrides: vec![],
    };
    // 2026-11-23 is a Monday.
    let plan = day_plan(&tt, &shanghai_rules(), utc("2026-11-23T19:30:00+08:00"));
    let current = plan.current.as_ref().unwrap();
    assert_eq!(current.block.label, "散步 — 走一小时");
    assert_eq!(plan.current_left_min, Some(30));
    assert!((plan.current_progress.unwrap() - 0.5).abs() < 1e-9);
    assert_eq!(plan.next.as_ref().unwrap().block.start_min, 20 * 60);
    assert_eq!(plan.blocks.len(), 12);
    // Planned study: 60 + 90 vocabulary/English (subject 1), 180 (2), 180 (3), 150 (0).
    let by: Vec<u32> = plan.planned_by_subject.iter().map(|s| s.minutes).collect();
    assert_eq!(by, vec![150, 180, 180, 150]);
    assert_eq!(plan.planned_by_subject[0].subject_id, subjects[1]);

    let zh = tray_status(&plan, crate::lang::Lang::ZhCn);
    assert_eq!(zh.label, "散步 30′");
    assert_eq!(zh.current, "现在：散步（还剩 30 分钟）");
    assert_eq!(zh.next.as_deref(), Some("下一个：20:00 晚上学习"));
    let en = tray_status(&plan, crate::lang::Lang::En);
    assert_eq!(en.current, "Now: 散步 (30 min left)");
}

#[test]
fn at_five_in_the_morning_the_plan_is_still_last_nights_sleep() {
    let tt = Timetable {
        templates: vec![preset(Preset::Kaoyan, crate::lang::Lang::ZhCn, &[])],
        overrides: vec![],
    };
    // 05:00 on Tuesday is Tuesday's study day (it starts at 04:00), but the block running is
    // the sleep that began on Monday at 23:00.
    let plan = day_plan(&tt, &shanghai_rules(), utc("2026-11-24T05:00:00+08:00"));
    let current = plan.current.unwrap();
    assert_eq!((current.block.label.as_str(), current.date), ("睡觉", d("2026-11-23")));
    assert_eq!(plan.current_left_min, Some(90));
    assert_eq!(plan.next.unwrap().block.label, "起床");
    assert!(plan.blocks.iter().all(|p| p.date == d("2026-11-24")));
}
