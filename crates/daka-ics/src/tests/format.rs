#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono_tz::{America, Asia};
use daka_core::day::DayStart;
use daka_core::lang::Lang;
use daka_core::timetable::{BlockKind, DayOverride, expand};

use super::*;
use crate::text::{escape_text, fold_into};
use crate::{events_ics, recurring_ics};

/// Every physical line: at most 75 octets, CRLF-terminated, no stray CR or LF.
fn assert_lines_ok(ics: &str) {
    assert!(ics.ends_with("\r\n"));
    let body = &ics[..ics.len() - 2];
    for line in body.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
        assert!(!line.contains('\r') && !line.contains('\n'), "{line:?}");
    }
}

#[test]
fn text_escaping() {
    assert_eq!(escape_text(r"a\b;c,d"), r"a\\b\;c\,d");
    assert_eq!(escape_text("一\n二\r\n三\r四"), r"一\n二\n三\n四");
    assert_eq!(escape_text("tab\there\u{7}"), "tab\there");
    assert_eq!(escape_text("数学：第一章"), "数学：第一章");
}

#[test]
fn folding_never_splits_a_character() {
    for prefix in ["SUMMARY:", "SUMMARY:a", "SUMMARY:ab", "X:"] {
        let line = format!("{prefix}{}", "长".repeat(80));
        let mut out = String::new();
        fold_into(&mut out, &line);
        assert_lines_ok(&out);
        // Each physical line is whole characters (it is a &str slice between ASCII breaks) and
        // the first is filled as far as a whole character allows.
        let first = out.split("\r\n").next().unwrap();
        assert!(first.len() > 72, "{}", first.len());
        assert_eq!(out.replace("\r\n ", "").trim_end_matches("\r\n"), line);
    }
    let mut short = String::new();
    fold_into(&mut short, &"x".repeat(75));
    assert_eq!(short, format!("{}\r\n", "x".repeat(75)));
    let mut long = String::new();
    fold_into(&mut long, &"x".repeat(76));
    assert_eq!(long, format!("{}\r\n x\r\n", "x".repeat(75)));
}

#[test]
fn every_line_of_both_modes_is_at_most_75_octets_and_ends_with_crlf() {
    let long = "长".repeat(40);
    let mut table = timetable(vec![template(
        &[1, 2, 3, 4, 5, 6, 7],
        vec![
            Block {
                remind_before_min: Some(15),
                ..block("08:00", "11:30", BlockKind::Study, &long)
            },
            block("23:30", "06:30", BlockKind::Sleep, "睡觉,晚安;明天见"),
        ],
    )]);
    let first_block = table.templates[0].blocks[0].id;
    table.overrides.push(DayOverride {
        date: d("2027-03-15"),
        skipped: vec![first_block],
        changed: vec![],
        added: vec![block("13:00", "14:00", BlockKind::Exercise, &"跑".repeat(40))],
    });
    for tz in [Asia::Shanghai, America::New_York] {
        for lang in Lang::ALL {
            let o = opts(tz, lang);
            let planned = expand(&table, d("2027-03-08"), d("2027-04-04"), tz, DayStart::DEFAULT);
            let ics = events_ics(&planned, &o);
            assert_lines_ok(&ics);
            assert_eq!(components(&parse(&ics), "VEVENT").len(), planned.len());
            let ics = recurring_ics(&table, d("2027-03-08"), DayStart::DEFAULT, &o);
            assert_lines_ok(&ics);
            assert!(!components(&parse(&ics), "VEVENT").is_empty());
        }
    }
}
