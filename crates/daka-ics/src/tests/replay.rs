#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

//! Replays the files as a calendar app would and compares with daka-core.
//!
//! The reading of local times (RFC 5545 §3.3.5: a repeated time is its first occurrence, a time
//! in a gap takes the offset from before the gap) and of weekly RRULEs with EXDATE is written
//! again here, independently of `time.rs`, only as far as these files need it.

use chrono::{DateTime, Datelike, Duration, LocalResult, Offset, TimeZone, Utc, Weekday};
use chrono_tz::{America, Asia, Australia, Europe, Tz};
use daka_core::day::{DayStart, day_boundary};
use daka_core::lang::Lang;
use daka_core::timetable::{BlockKind, DayOverride, expand};

use super::*;
use crate::{events_ics, recurring_ics};

fn read_local(wall: NaiveDateTime, tz: Tz) -> DateTime<Utc> {
    match tz.from_local_datetime(&wall) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
        LocalResult::None => {
            let before = tz.from_local_datetime(&(wall - Duration::hours(3))).earliest().unwrap();
            let secs = before.offset().fix().local_minus_utc();
            (wall - Duration::seconds(i64::from(secs))).and_utc()
        }
    }
}

fn read_time(e: &Component<'_>, name: &str, tz: Tz) -> DateTime<Utc> {
    match when(e, name) {
        (Some(tzid), value) => {
            assert_eq!(tzid, tz.name());
            read_local(wall(value), tz)
        }
        (None, value) => NaiveDateTime::parse_from_str(value, "%Y%m%dT%H%M%SZ").unwrap().and_utc(),
    }
}

fn weekday(code: &str) -> Weekday {
    match code {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        other => panic!("{other}"),
    }
}

/// Every occurrence `(start, end, summary)` starting in `lo..hi`, sorted.
fn occurrences(
    ics: &str,
    tz: Tz,
    lo: DateTime<Utc>,
    hi: DateTime<Utc>,
) -> Vec<(DateTime<Utc>, DateTime<Utc>, String)> {
    let cal = parse(ics);
    let mut out = Vec::new();
    for e in components(&cal, "VEVENT") {
        let start = read_time(e, "DTSTART", tz);
        let length = match opt_val(e, "DURATION") {
            Some(d) => Duration::minutes(
                d.strip_prefix("PT").unwrap().strip_suffix('M').unwrap().parse().unwrap(),
            ),
            None => read_time(e, "DTEND", tz) - start,
        };
        let summary = val(e, "SUMMARY").to_owned();
        let Some(rule) = opt_val(e, "RRULE") else {
            out.push((start, start + length, summary));
            continue;
        };
        let days: Vec<Weekday> =
            rule.strip_prefix("FREQ=WEEKLY;BYDAY=").unwrap().split(',').map(weekday).collect();
        let first = wall(val(e, "DTSTART"));
        assert!(days.contains(&first.weekday()), "DTSTART is an occurrence");
        let excluded: Vec<NaiveDateTime> = vals(e, "EXDATE").into_iter().map(wall).collect();
        for date in first.date().iter_days() {
            let at = date.and_time(first.time());
            let t = read_local(at, tz);
            if t >= hi {
                break;
            }
            if days.contains(&date.weekday()) && !excluded.contains(&at) {
                out.push((t, t + length, summary.clone()));
            }
        }
    }
    out.retain(|o| lo <= o.0 && o.0 < hi);
    out.sort();
    out
}

/// Both files, replayed over two years from `from`, give exactly daka-core's plan.
fn check(table: &Timetable, tz: Tz, ds: DayStart, from: NaiveDate) {
    let to = from + Duration::days(730);
    let (lo, hi) = (day_boundary(from, tz, ds), day_boundary(to, tz, ds));
    let expected: Vec<_> = expand(table, from, to, tz, ds)
        .into_iter()
        .filter(|p| lo <= p.start_utc && p.start_utc < hi)
        .map(|p| (p.start_utc, p.end_utc, p.block.label))
        .collect();
    let o = opts(tz, Lang::ZhCn);
    let recurring = occurrences(&recurring_ics(table, from, ds, &o), tz, lo, hi);
    assert_eq!(recurring.len(), expected.len(), "{tz}");
    assert_eq!(recurring, expected, "{tz}");
    let planned = expand(table, from, to, tz, ds);
    assert_eq!(occurrences(&events_ics(&planned, &o), tz, lo, hi), expected, "{tz}");
}

/// Blocks around the usual 01:00–03:00 change times, one crossing midnight, and overrides.
fn tricky() -> Timetable {
    let mut table = timetable(vec![
        template(
            &[1, 2, 3, 4, 5],
            vec![
                block("22:00", "00:30", BlockKind::Sleep, "夜"),
                block("00:45", "01:40", BlockKind::Study, "凌晨"),
                block("01:45", "02:10", BlockKind::Rest, "一点四十五"),
                block("02:15", "02:45", BlockKind::Study, "两点一刻"),
                block("08:00", "12:00", BlockKind::Study, "上午"),
            ],
        ),
        template(&[6, 7], vec![block("23:30", "06:30", BlockKind::Sleep, "周末睡觉")]),
    ]);
    let morning = table.templates[0].blocks[4].clone();
    let night = table.templates[0].blocks[0].clone();
    table.overrides = vec![
        DayOverride {
            date: d("2027-03-10"),
            skipped: vec![morning.id],
            changed: vec![Block { end_min: hm("01:00"), ..night }],
            added: vec![block("14:00", "15:00", BlockKind::Exercise, "跑步")],
        },
        DayOverride {
            date: d("2027-07-04"),
            skipped: vec![],
            changed: vec![],
            added: vec![block("10:00", "11:00", BlockKind::Other, "加的")],
        },
    ];
    table
}

#[test]
fn replayed_files_match_expand_across_dst_in_several_zones() {
    let table = tricky();
    for (tz, ds) in [
        (America::New_York, day_start("01:30")),
        (America::New_York, DayStart::DEFAULT),
        (Europe::London, DayStart::DEFAULT),
        (Europe::London, day_start("01:30")),
        (Australia::Lord_Howe, DayStart::MIDNIGHT),
        (Asia::Shanghai, DayStart::DEFAULT),
    ] {
        check(&table, tz, ds, d("2027-01-04"));
    }
}

/// The offset the VTIMEZONE gives instant `t`: that of the last observance begun by then.
fn vtimezone_offset(zone: &Component<'_>, t: DateTime<Utc>) -> i32 {
    let secs = |text: &str| {
        let sign = if text.starts_with('-') { -1 } else { 1 };
        let digits = &text[1..];
        let h: i32 = digits[0..2].parse().unwrap();
        let m: i32 = digits[2..4].parse().unwrap();
        let s: i32 = digits.get(4..6).map_or(0, |s| s.parse().unwrap());
        sign * (h * 3600 + m * 60 + s)
    };
    let mut best: Option<(DateTime<Utc>, i32)> = None;
    for obs in &zone.components {
        let from = secs(val(obs, "TZOFFSETFROM"));
        let onset = (wall(val(obs, "DTSTART")) - Duration::seconds(i64::from(from))).and_utc();
        if onset <= t && best.is_none_or(|(b, _)| onset > b) {
            best = Some((onset, secs(val(obs, "TZOFFSETTO"))));
        }
    }
    best.unwrap().1
}

#[test]
fn vtimezone_agrees_with_chrono_tz_every_hour_it_covers() {
    for tz in
        [America::New_York, Europe::London, Australia::Lord_Howe, Asia::Kathmandu, Asia::Shanghai]
    {
        let table =
            timetable(vec![template(&[1], vec![block("08:00", "09:00", BlockKind::Study, "x")])]);
        let planned = expand(&table, d("2027-01-04"), d("2027-12-31"), tz, DayStart::DEFAULT);
        let cal = parse(&events_ics(&planned, &opts(tz, Lang::En)));
        let zone = components(&cal, "VTIMEZONE")[0];
        let mut t = utc("2026-01-01T12:00:00Z");
        while t < utc("2028-12-31T00:00:00Z") {
            let expected = tz.offset_from_utc_datetime(&t.naive_utc()).fix().local_minus_utc();
            assert_eq!(vtimezone_offset(zone, t), expected, "{tz} at {t}");
            t += Duration::minutes(59);
        }
    }
}
