#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;

use chrono_tz::{America, Asia};
use daka_core::day::DayStart;
use daka_core::lang::Lang;
use daka_core::timetable::{BlockKind, DayOverride};

use super::*;
use crate::recurring_ics;

const SH: &str = "Asia/Shanghai";

/// Weekdays: study and sleep; weekend: a rest morning.
fn week() -> Timetable {
    timetable(vec![
        template(
            &[1, 2, 3, 4, 5],
            vec![
                Block {
                    remind_before_min: Some(5),
                    ..block("08:00", "11:30", BlockKind::Study, "数学")
                },
                block("23:30", "06:30", BlockKind::Sleep, "睡觉"),
            ],
        ),
        template(&[6, 7], vec![block("09:00", "11:00", BlockKind::Rest, "周末")]),
    ])
}

#[test]
fn each_template_block_recurs_weekly_from_its_first_date() {
    let table = week();
    // 2026-11-25 is a Wednesday.
    let ics = recurring_ics(
        &table,
        d("2026-11-25"),
        DayStart::DEFAULT,
        &opts(Asia::Shanghai, Lang::ZhCn),
    );
    let cal = parse(&ics);
    let events = components(&cal, "VEVENT");
    assert_eq!(events.len(), 3);
    let uids: HashSet<&str> = events.iter().map(|e| val(e, "UID")).collect();
    assert_eq!(uids.len(), 3);

    let [study, sleep] = [&table.templates[0].blocks[0], &table.templates[0].blocks[1]];
    let rest = &table.templates[1].blocks[0];
    let e = by_uid(&cal, &format!("{}@daka", study.id));
    assert_eq!(val(e, "RRULE"), "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR");
    assert_eq!(when(e, "DTSTART"), (Some(SH), "20261125T080000"));
    assert_eq!(when(e, "DTEND"), (Some(SH), "20261125T113000"));
    assert_eq!(val(e, "SUMMARY"), "数学");
    assert!(vals(e, "EXDATE").is_empty());
    let alarm = e.components.iter().find(|c| c.name == "VALARM").unwrap();
    assert_eq!(val(alarm, "TRIGGER"), "-PT5M");

    let e = by_uid(&cal, &format!("{}@daka", sleep.id));
    assert_eq!(val(e, "RRULE"), "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR");
    assert_eq!(when(e, "DTSTART"), (Some(SH), "20261125T233000"));
    assert_eq!(when(e, "DTEND"), (Some(SH), "20261126T063000"));

    let e = by_uid(&cal, &format!("{}@daka", rest.id));
    assert_eq!(val(e, "RRULE"), "FREQ=WEEKLY;BYDAY=SA,SU");
    assert_eq!(when(e, "DTSTART"), (Some(SH), "20261128T090000"));

    let zones = components(&cal, "VTIMEZONE");
    assert_eq!(zones.len(), 1);
    assert_eq!(zones[0].components.len(), 1);
}

#[test]
fn a_block_after_midnight_recurs_on_the_next_calendar_weekday() {
    // Day start 04:00: Monday's 01:00–02:00 is Monday night, on Tuesday's date; Sunday's
    // 00:30 is on Monday's.
    let table = timetable(vec![
        template(&[1], vec![block("01:00", "02:00", BlockKind::Study, "复习")]),
        template(&[3, 7], vec![block("00:30", "01:00", BlockKind::Rest, "")]),
    ]);
    let late = &table.templates[0].blocks[0];
    let sunday = &table.templates[1].blocks[0];
    let cal = parse(&recurring_ics(
        &table,
        d("2026-11-23"),
        DayStart::DEFAULT,
        &opts(Asia::Shanghai, Lang::ZhCn),
    ));

    let e = by_uid(&cal, &format!("{}@daka", late.id));
    assert_eq!(val(e, "RRULE"), "FREQ=WEEKLY;BYDAY=TU");
    assert_eq!(when(e, "DTSTART"), (Some(SH), "20261124T010000"));
    assert_eq!(when(e, "DTEND"), (Some(SH), "20261124T020000"));

    // Wednesday and Sunday nights: Thursday and Monday dates, Monday listed first.
    let e = by_uid(&cal, &format!("{}@daka", sunday.id));
    assert_eq!(val(e, "RRULE"), "FREQ=WEEKLY;BYDAY=MO,TH");
    assert_eq!(when(e, "DTSTART"), (Some(SH), "20261126T003000"));

    // With the day starting at midnight the same block stays on Monday.
    let cal = parse(&recurring_ics(
        &table,
        d("2026-11-23"),
        DayStart::MIDNIGHT,
        &opts(Asia::Shanghai, Lang::ZhCn),
    ));
    let e = by_uid(&cal, &format!("{}@daka", late.id));
    assert_eq!(val(e, "RRULE"), "FREQ=WEEKLY;BYDAY=MO");
    assert_eq!(when(e, "DTSTART"), (Some(SH), "20261123T010000"));
}

#[test]
fn overrides_become_exdates_and_one_off_events() {
    let mut table = week();
    let study = table.templates[0].blocks[0].clone();
    let sleep = table.templates[0].blocks[1].clone();
    let run = block("15:00", "16:00", BlockKind::Exercise, "跑步");
    table.overrides = vec![
        // Thursday: no maths, sleep 00:00–07:00 (after the day start: Friday's date), a run.
        DayOverride {
            date: d("2026-11-26"),
            skipped: vec![study.id],
            changed: vec![Block { start_min: hm("00:00"), end_min: hm("07:00"), ..sleep.clone() }],
            added: vec![run.clone()],
        },
        // Before the export starts: ignored.
        DayOverride {
            date: d("2026-11-20"),
            skipped: vec![study.id],
            changed: vec![],
            added: vec![],
        },
    ];
    let cal = parse(&recurring_ics(
        &table,
        d("2026-11-25"),
        DayStart::DEFAULT,
        &opts(Asia::Shanghai, Lang::ZhCn),
    ));
    assert_eq!(components(&cal, "VEVENT").len(), 3 + 2);

    let e = by_uid(&cal, &format!("{}@daka", study.id));
    assert_eq!(vals(e, "EXDATE"), ["20261126T080000"]);
    assert_eq!(param(e, "EXDATE", "TZID"), Some(SH));
    let e = by_uid(&cal, &format!("{}@daka", sleep.id));
    assert_eq!(vals(e, "EXDATE"), ["20261126T233000"]);

    let e = by_uid(&cal, &format!("{}-2026-11-26@daka", sleep.id));
    assert_eq!(when(e, "DTSTART"), (Some(SH), "20261127T000000"));
    assert_eq!(when(e, "DTEND"), (Some(SH), "20261127T070000"));
    assert_eq!(opt_val(e, "RRULE"), None);
    let e = by_uid(&cal, &format!("{}-2026-11-26@daka", run.id));
    assert_eq!(when(e, "DTSTART"), (Some(SH), "20261126T150000"));
    assert_eq!(val(e, "SUMMARY"), "跑步");
}

#[test]
fn dst_nights_in_new_york_become_exceptions_as_daka_core_plans_them() {
    let tz = America::New_York;
    const NY: &str = "America/New_York";
    let table = timetable(vec![template(
        &[1, 2, 3, 4, 5, 6, 7],
        vec![
            block("02:30", "03:30", BlockKind::Study, "夜读"),
            block("23:30", "06:30", BlockKind::Sleep, ""),
        ],
    )]);
    let [study, sleep] = [&table.templates[0].blocks[0], &table.templates[0].blocks[1]];
    let cal =
        parse(&recurring_ics(&table, d("2027-03-08"), DayStart::MIDNIGHT, &opts(tz, Lang::En)));

    let e = by_uid(&cal, &format!("{}@daka", study.id));
    assert_eq!(val(e, "RRULE"), "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU");
    assert_eq!(when(e, "DTSTART"), (Some(NY), "20270308T023000"));
    // A calendar would read 02:30 on 03-14 as 03:30 EDT; daka-core says 03:00.
    assert!(vals(e, "EXDATE").contains(&"20270314T023000"), "{:?}", vals(e, "EXDATE"));
    let one_off = by_uid(&cal, &format!("{}-2027-03-14@daka", study.id));
    assert_eq!(when(one_off, "DTSTART"), (Some(NY), "20270314T030000"));
    assert_eq!(when(one_off, "DTEND"), (Some(NY), "20270314T033000"));

    // Sleep lasts 6 hours on the spring-forward night and 8 on the fall-back one, not 7.
    let e = by_uid(&cal, &format!("{}@daka", sleep.id));
    let exdates = vals(e, "EXDATE");
    assert!(
        exdates.contains(&"20270313T233000") && exdates.contains(&"20271106T233000"),
        "{exdates:?}"
    );
    let spring = by_uid(&cal, &format!("{}-2027-03-13@daka", sleep.id));
    assert_eq!(when(spring, "DTEND"), (Some(NY), "20270314T063000"));
    let fall = by_uid(&cal, &format!("{}-2027-11-06@daka", sleep.id));
    assert_eq!(when(fall, "DTEND"), (Some(NY), "20271107T063000"));

    // The VTIMEZONE covers the years checked.
    let zone = components(&cal, "VTIMEZONE")[0];
    let daylight: Vec<&str> = zone
        .components
        .iter()
        .filter(|c| c.name == "DAYLIGHT")
        .map(|c| val(c, "DTSTART"))
        .collect();
    assert!(
        daylight.contains(&"20270314T020000") && daylight.contains(&"20320314T020000"),
        "{daylight:?}"
    );
    assert!(
        zone.components
            .iter()
            .filter(|c| c.name == "DAYLIGHT")
            .all(|c| val(c, "TZOFFSETTO") == "-0400")
    );
    assert!(
        zone.components
            .iter()
            .filter(|c| c.name == "STANDARD")
            .all(|c| val(c, "TZOFFSETTO") == "-0500")
    );
}

#[test]
fn a_first_occurrence_ending_in_a_repeated_hour_uses_duration() {
    // Sunday 2027-11-07 00:30 EDT + 90 minutes is the second 01:00 (EST): DTEND cannot say it,
    // so the recurring event has DURATION; daka-core's wall-clock end (02:00 EST) makes that
    // first night an exception.
    let tz = America::New_York;
    let table =
        timetable(vec![template(&[7], vec![block("00:30", "02:00", BlockKind::Study, "")])]);
    let id = table.templates[0].blocks[0].id;
    let cal =
        parse(&recurring_ics(&table, d("2027-11-07"), DayStart::MIDNIGHT, &opts(tz, Lang::En)));
    let e = by_uid(&cal, &format!("{id}@daka"));
    assert_eq!(val(e, "DURATION"), "PT90M");
    assert_eq!(opt_val(e, "DTEND"), None);
    // The first night, and the same night every later year checked.
    assert_eq!(
        vals(e, "EXDATE"),
        [
            "20271107T003000",
            "20281105T003000",
            "20291104T003000",
            "20301103T003000",
            "20311102T003000"
        ]
    );
    let one_off = by_uid(&cal, &format!("{id}-2027-11-07@daka"));
    assert_eq!(when(one_off, "DTEND"), (Some("America/New_York"), "20271107T020000"));
}
