#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;

use chrono_tz::{America, Asia};
use daka_core::day::DayStart;
use daka_core::lang::Lang;
use daka_core::timetable::{Block, BlockKind, Timetable, expand};
use icalendar::{CalendarDateTime, Component as _, DatePerhapsTime};

use super::*;
use crate::events_ics;

/// A 考研 day: get up, maths (unlabelled, with a reminder), dinner (unlabelled), sleep.
fn kaoyan() -> Timetable {
    let study = Block {
        subject_id: Some(maths()),
        remind_before_min: Some(10),
        ..block("08:00", "11:30", BlockKind::Study, "")
    };
    timetable(vec![template(
        &[1, 2, 3, 4, 5, 6, 7],
        vec![
            block("06:30", "07:00", BlockKind::Other, "起床"),
            study,
            block("18:00", "19:00", BlockKind::Meal, ""),
            block("23:30", "06:30", BlockKind::Sleep, "睡觉"),
        ],
    )])
}

#[test]
fn one_event_per_planned_block_with_stable_unique_uids_and_local_times() {
    let planned =
        expand(&kaoyan(), d("2026-11-23"), d("2026-11-29"), Asia::Shanghai, DayStart::DEFAULT);
    assert_eq!(planned.len(), 28);
    let ics = events_ics(&planned, &opts(Asia::Shanghai, Lang::ZhCn));
    let cal = parse(&ics);

    assert_eq!(opt_val_cal(&cal, "VERSION"), Some("2.0"));
    assert_eq!(opt_val_cal(&cal, "PRODID"), Some(PRODUCT));
    assert_eq!(opt_val_cal(&cal, "X-WR-CALNAME"), Some("Daka 学习计划"));
    assert_eq!(opt_val_cal(&cal, "X-WR-TIMEZONE"), Some("Asia/Shanghai"));

    let events = components(&cal, "VEVENT");
    assert_eq!(events.len(), 28);
    let uids: HashSet<&str> = events.iter().map(|e| val(e, "UID")).collect();
    assert_eq!(uids.len(), 28, "UIDs are unique");
    for p in &planned {
        let e = by_uid(&cal, &format!("{}-{}@daka", p.block.id, p.date));
        let start = wall(val(e, "DTSTART"));
        let end = wall(val(e, "DTEND"));
        assert_eq!(param(e, "DTSTART", "TZID"), Some("Asia/Shanghai"));
        assert_eq!(param(e, "DTEND", "TZID"), Some("Asia/Shanghai"));
        assert_eq!(start.format("%Y-%m-%dT%H:%M").to_string(), p.start_local);
        assert_eq!(end.format("%Y-%m-%dT%H:%M").to_string(), p.end_local);
        assert_eq!(val(e, "DTSTAMP"), "20261120T123456Z");
    }

    // The same file through the crate's typed model.
    let typed: icalendar::Calendar = ics.parse().unwrap();
    let first = typed.events().next().unwrap();
    assert_eq!(first.get_summary(), Some("起床"));
    assert_eq!(
        first.get_start(),
        Some(DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone {
            date_time: wall("20261123T063000"),
            tzid: "Asia/Shanghai".into(),
        }))
    );
    assert_eq!(first.get_timestamp(), Some(utc("2026-11-20T12:34:56Z")));
}

fn opt_val_cal<'c>(cal: &'c icalendar::parser::Calendar<'static>, name: &str) -> Option<&'c str> {
    cal.properties.iter().find(|p| p.name == name).map(|p| p.val.as_str())
}

#[test]
fn summary_is_label_then_subject_then_kind_name_in_either_language() {
    let unknown_subject = Block {
        subject_id: Some(daka_core::ids::SubjectId::generate()),
        ..block("14:00", "15:00", BlockKind::Study, "")
    };
    let mut table = kaoyan();
    table.templates[0].blocks.push(unknown_subject.clone());
    let planned =
        expand(&table, d("2026-11-23"), d("2026-11-23"), Asia::Shanghai, DayStart::DEFAULT);
    let study_id = planned
        .iter()
        .find(|p| p.block.kind == BlockKind::Study && p.block.subject_id == Some(maths()))
        .unwrap()
        .block
        .id;
    let meal_id = planned.iter().find(|p| p.block.kind == BlockKind::Meal).unwrap().block.id;

    for (lang, study, meal, other_study, category, description) in [
        (Lang::ZhCn, "数学", "吃饭", "学习", "学习", "科目：数学"),
        (Lang::En, "数学", "Meal", "Study", "Study", "Subject: 数学"),
    ] {
        let cal = parse(&events_ics(&planned, &opts(Asia::Shanghai, lang)));
        let e = by_uid(&cal, &format!("{study_id}-2026-11-23@daka"));
        assert_eq!(val(e, "SUMMARY"), study);
        assert_eq!(val(e, "CATEGORIES"), category);
        assert_eq!(val(e, "DESCRIPTION"), description);
        let e = by_uid(&cal, &format!("{meal_id}-2026-11-23@daka"));
        assert_eq!(val(e, "SUMMARY"), meal);
        assert_eq!(opt_val(e, "DESCRIPTION"), None);
        let e = by_uid(&cal, &format!("{}-2026-11-23@daka", unknown_subject.id));
        assert_eq!(val(e, "SUMMARY"), other_study);
        assert_eq!(opt_val(e, "DESCRIPTION"), None);
    }
    let en = parse(&events_ics(&planned, &opts(Asia::Shanghai, Lang::En)));
    assert_eq!(opt_val_cal(&en, "X-WR-CALNAME"), Some("Daka study plan"));
}

#[test]
fn sleep_across_midnight_ends_on_the_next_date() {
    let planned =
        expand(&kaoyan(), d("2026-11-23"), d("2026-11-23"), Asia::Shanghai, DayStart::DEFAULT);
    let sleep = planned.iter().find(|p| p.block.kind == BlockKind::Sleep).unwrap();
    let cal = parse(&events_ics(&planned, &opts(Asia::Shanghai, Lang::ZhCn)));
    let e = by_uid(&cal, &format!("{}-2026-11-23@daka", sleep.block.id));
    assert_eq!(when(e, "DTSTART"), (Some("Asia/Shanghai"), "20261123T233000"));
    assert_eq!(when(e, "DTEND"), (Some("Asia/Shanghai"), "20261124T063000"));
    assert_eq!(val(e, "SUMMARY"), "睡觉");
}

#[test]
fn a_long_chinese_label_with_commas_and_semicolons_survives_escaping_and_folding() {
    // 40 characters (the most a label may have), 114 octets of UTF-8, with the ASCII specials.
    let label = "数学,英语;政治\\专业课，真题；复盘错题本第三遍再做一次全部真题背单词和默写公式";
    assert_eq!(label.chars().count(), 40);
    let table =
        timetable(vec![template(&[1], vec![block("08:00", "11:30", BlockKind::Study, label)])]);
    let planned =
        expand(&table, d("2026-11-23"), d("2026-11-23"), Asia::Shanghai, DayStart::DEFAULT);
    let ics = events_ics(&planned, &opts(Asia::Shanghai, Lang::ZhCn));
    assert!(ics.contains("SUMMARY:数学\\,英语\\;政治\\\\专业课"), "{ics}");
    assert!(ics.contains("\r\n "), "the SUMMARY line is folded");

    let cal = parse(&ics);
    let events = components(&cal, "VEVENT");
    assert_eq!(events.len(), 1);
    assert_eq!(val(events[0], "SUMMARY"), label);
    let typed: icalendar::Calendar = ics.parse().unwrap();
    assert_eq!(typed.events().next().unwrap().get_summary(), Some(label));
}

#[test]
fn a_reminder_becomes_a_display_alarm_and_no_reminder_none() {
    let planned =
        expand(&kaoyan(), d("2026-11-23"), d("2026-11-23"), Asia::Shanghai, DayStart::DEFAULT);
    let cal = parse(&events_ics(&planned, &opts(Asia::Shanghai, Lang::ZhCn)));
    for p in &planned {
        let e = by_uid(&cal, &format!("{}-2026-11-23@daka", p.block.id));
        let alarms: Vec<_> = e.components.iter().filter(|c| c.name == "VALARM").collect();
        if p.block.remind_before_min == Some(10) {
            assert_eq!(alarms.len(), 1);
            assert_eq!(val(alarms[0], "ACTION"), "DISPLAY");
            assert_eq!(val(alarms[0], "TRIGGER"), "-PT10M");
            assert_eq!(val(alarms[0], "DESCRIPTION"), "数学");
        } else {
            assert!(alarms.is_empty());
        }
    }
}

#[test]
fn new_york_spring_forward_week() {
    let tz = America::New_York;
    let table = timetable(vec![template(
        &[1, 2, 3, 4, 5, 6, 7],
        vec![
            block("02:30", "03:30", BlockKind::Study, "夜读"),
            block("23:30", "06:30", BlockKind::Sleep, ""),
        ],
    )]);
    let planned = expand(&table, d("2027-03-10"), d("2027-03-16"), tz, DayStart::MIDNIGHT);
    assert_eq!(planned.len(), 14);
    let study = &table.templates[0].blocks[0];
    let sleep = &table.templates[0].blocks[1];
    let cal = parse(&events_ics(&planned, &opts(tz, Lang::En)));
    assert_eq!(components(&cal, "VEVENT").len(), 14);

    // 02:30 does not exist on 2027-03-14: daka-core moves it to the end of the gap, 03:00 EDT.
    let e = by_uid(&cal, &format!("{}-2027-03-14@daka", study.id));
    assert_eq!(when(e, "DTSTART"), (Some("America/New_York"), "20270314T030000"));
    assert_eq!(when(e, "DTEND"), (Some("America/New_York"), "20270314T033000"));
    let e = by_uid(&cal, &format!("{}-2027-03-13@daka", study.id));
    assert_eq!(when(e, "DTSTART"), (Some("America/New_York"), "20270313T023000"));
    // The night of the change: 23:30 EST to 06:30 EDT, on the next date.
    let e = by_uid(&cal, &format!("{}-2027-03-13@daka", sleep.id));
    assert_eq!(when(e, "DTSTART"), (Some("America/New_York"), "20270313T233000"));
    assert_eq!(when(e, "DTEND"), (Some("America/New_York"), "20270314T063000"));
    assert_eq!(val(e, "SUMMARY"), "Sleep");

    let zones = components(&cal, "VTIMEZONE");
    assert_eq!(zones.len(), 1);
    assert_eq!(val(zones[0], "TZID"), "America/New_York");
    let sub = |kind: &str, start: &str| {
        zones[0]
            .components
            .iter()
            .find(|c| c.name == kind && val(c, "DTSTART") == start)
            .unwrap_or_else(|| panic!("{kind} {start}"))
    };
    let spring = sub("DAYLIGHT", "20270314T020000");
    assert_eq!(val(spring, "TZOFFSETFROM"), "-0500");
    assert_eq!(val(spring, "TZOFFSETTO"), "-0400");
    assert_eq!(val(spring, "TZNAME"), "EDT");
    let fall = sub("STANDARD", "20271107T020000");
    assert_eq!(val(fall, "TZOFFSETFROM"), "-0400");
    assert_eq!(val(fall, "TZOFFSETTO"), "-0500");
    assert_eq!(val(fall, "TZNAME"), "EST");
    // A year either side: 2026 through 2028, two changes a year, after the observance in force
    // on 2026-01-01.
    assert_eq!(zones[0].components.len(), 1 + 6);
    assert_eq!(val(&zones[0].components[0], "DTSTART"), "20260101T000000");
    assert_eq!(zones[0].components[0].name, "STANDARD");
}

#[test]
fn shanghai_has_a_single_standard_observance() {
    let planned =
        expand(&kaoyan(), d("2026-11-23"), d("2026-11-29"), Asia::Shanghai, DayStart::DEFAULT);
    let cal = parse(&events_ics(&planned, &opts(Asia::Shanghai, Lang::ZhCn)));
    let zones = components(&cal, "VTIMEZONE");
    assert_eq!(zones.len(), 1);
    assert_eq!(val(zones[0], "TZID"), "Asia/Shanghai");
    assert_eq!(zones[0].components.len(), 1);
    let only = &zones[0].components[0];
    assert_eq!(only.name, "STANDARD");
    assert_eq!(val(only, "TZOFFSETFROM"), "+0800");
    assert_eq!(val(only, "TZOFFSETTO"), "+0800");
    assert_eq!(val(only, "TZNAME"), "CST");
}

#[test]
fn the_second_run_of_a_repeated_hour_is_written_in_utc() {
    // New York repeats 01:00–02:00 on 2027-11-07. With the day starting at 01:30, that study
    // day begins at the second 01:30 (EST), so its 01:45 block is the second 01:45 — which a
    // local time with TZID cannot say.
    let tz = America::New_York;
    let table = timetable(vec![template(&[7], vec![block("01:45", "02:30", BlockKind::Rest, "")])]);
    let planned = expand(&table, d("2027-11-07"), d("2027-11-07"), tz, day_start("01:30"));
    assert_eq!(planned[0].start_utc, utc("2027-11-07T06:45:00Z"));
    let cal = parse(&events_ics(&planned, &opts(tz, Lang::ZhCn)));
    let e = components(&cal, "VEVENT")[0];
    assert_eq!(when(e, "DTSTART"), (None, "20271107T064500Z"));
    assert_eq!(when(e, "DTEND"), (Some("America/New_York"), "20271107T023000"));
    let typed: icalendar::Calendar = events_ics(&planned, &opts(tz, Lang::ZhCn)).parse().unwrap();
    assert_eq!(
        typed.events().next().unwrap().get_start(),
        Some(DatePerhapsTime::DateTime(CalendarDateTime::Utc(utc("2027-11-07T06:45:00Z"))))
    );
}

#[test]
fn no_blocks_is_still_a_calendar_with_its_time_zone() {
    let ics = events_ics(&[], &opts(Asia::Shanghai, Lang::ZhCn));
    let cal = parse(&ics);
    assert!(components(&cal, "VEVENT").is_empty());
    assert_eq!(components(&cal, "VTIMEZONE").len(), 1);
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.ends_with("END:VCALENDAR\r\n"));
}
