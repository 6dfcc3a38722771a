//! The study day of `daka_core::day` checked against a deliberately naive reference model:
//! 10,000 generated cases per zone, biased toward DST transitions and day starts inside a skipped
//! or repeated hour, plus home-zone changes (travel east and west).
//!
//! The reference reads the rule straight from its definition and brute-forces it: a study day D
//! starts the last time the wall clock shows "D at the day start" (or, if it never does, when it
//! first shows a later time); it finds that instant by walking the clock in 15-minute and then
//! 1-minute steps. No DST reasoning, no `LocalResult`, no shortcuts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use daka_core::day::{DayStart, day_boundary, logical_date};
use daka_core::day_rules::{DayRule, DayRules};
use daka_core::ids::DayRuleId;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

const ZONES: [Tz; 7] = [
    chrono_tz::Asia::Shanghai,
    chrono_tz::Europe::London,
    chrono_tz::America::Sao_Paulo,
    chrono_tz::Australia::Lord_Howe,
    chrono_tz::Asia::Kathmandu,
    chrono_tz::Pacific::Apia,
    chrono_tz::America::New_York,
];
const CASES_PER_ZONE: u32 = 10_000;

fn wall(t: DateTime<Utc>, tz: Tz) -> NaiveDateTime {
    t.with_timezone(&tz).naive_local()
}

/// The start of study day `date`, by walking the clock: the last instant at which the wall
/// clock shows `date` at `ds` (a repeated hour shows it twice: the second time); if the clock
/// never shows it (a skipped hour or date), the first instant it shows a later time.
/// Offsets of these zones since 1970 are whole minutes, so minute steps find it exactly.
fn naive_start(date: NaiveDate, tz: Tz, ds: DayStart) -> DateTime<Utc> {
    let target = date.and_time(ds.time());
    let centre = target.and_utc();
    let (lo, hi) = (centre - Duration::hours(40), centre + Duration::hours(40));
    // Walk down in quarter hours to the last moment the clock is not past the target...
    let mut u = hi;
    while wall(u, tz) > target {
        u -= Duration::minutes(15);
        assert!(u > lo, "the clock never shows {target} or earlier near {centre}");
    }
    // ...then minute by minute through the next quarter hour.
    let minutes: Vec<DateTime<Utc>> = (0..=15).map(|m| u + Duration::minutes(m)).collect();
    if let Some(exact) = minutes.iter().rev().find(|m| wall(**m, tz) == target) {
        return *exact;
    }
    *minutes.iter().find(|m| wall(**m, tz) > target).expect("the clock passes the target")
}

/// The study day of `t`: the latest date whose start is not after `t`.
fn naive_logical(t: DateTime<Utc>, tz: Tz, ds: DayStart) -> NaiveDate {
    let local = wall(t, tz).date();
    let mut best = None;
    for back in (0..=2).rev() {
        let d = local - Duration::days(back);
        if naive_start(d, tz, ds) <= t {
            best = Some(d);
        }
    }
    best.expect("one of the last three dates has started")
}

/// Every offset change of `tz` between 1990 and 2040, found by sampling each hour.
fn transitions(tz: Tz) -> Vec<DateTime<Utc>> {
    let offset = |t: DateTime<Utc>| tz.offset_from_utc_datetime(&t.naive_utc()).fix();
    let mut out = Vec::new();
    let mut t = Utc.with_ymd_and_hms(1990, 1, 1, 0, 0, 0).unwrap();
    let end = Utc.with_ymd_and_hms(2040, 1, 1, 0, 0, 0).unwrap();
    let mut prev = offset(t);
    while t < end {
        t += Duration::hours(1);
        let now = offset(t);
        if now != prev {
            out.push(t);
            prev = now;
        }
    }
    out
}

/// An instant: half uniform over 1990–2040, half within a day and a half of a transition.
fn instant(transitions: Vec<DateTime<Utc>>) -> impl Strategy<Value = DateTime<Utc>> {
    let uniform = (631_152_000i64..2_208_988_800).prop_map(|s| Utc.timestamp_opt(s, 0).unwrap());
    if transitions.is_empty() {
        return uniform.boxed();
    }
    let near = (0..transitions.len(), -36 * 3600i64..36 * 3600)
        .prop_map(move |(i, off)| transitions[i] + Duration::seconds(off));
    prop_oneof![uniform, near].boxed()
}

/// A day start: any minute of 00:00–06:00, often one inside the hours DST moves (01:00–03:00).
fn day_start() -> impl Strategy<Value = DayStart> {
    prop_oneof![0u16..=360, 60u16..=180].prop_map(|m| DayStart::from_minutes(m).unwrap())
}

fn check_zone(tz: Tz) {
    let mut runner = TestRunner::new(Config { cases: CASES_PER_ZONE, ..Config::default() });
    runner
        .run(&(instant(transitions(tz)), day_start()), |(t, ds)| {
            let expected = naive_logical(t, tz, ds);
            prop_assert_eq!(
                logical_date(t, tz, ds),
                expected,
                "{} in {} with day start {}",
                t,
                tz,
                ds
            );
            prop_assert_eq!(day_boundary(expected, tz, ds), naive_start(expected, tz, ds));
            Ok(())
        })
        .unwrap();
}

#[test]
fn asia_shanghai() {
    check_zone(ZONES[0]);
}

#[test]
fn europe_london() {
    check_zone(ZONES[1]);
}

#[test]
fn america_sao_paulo() {
    check_zone(ZONES[2]);
}

#[test]
fn australia_lord_howe() {
    check_zone(ZONES[3]);
}

#[test]
fn asia_kathmandu() {
    check_zone(ZONES[4]);
}

#[test]
fn pacific_apia() {
    check_zone(ZONES[5]);
}

#[test]
fn america_new_york() {
    check_zone(ZONES[6]);
}

/// The study day across changes of home zone and day start, as the app makes them (each takes
/// effect at the end of the study day in progress), against the reference: under each rule the
/// naive reading, and never earlier than the last study day of the rules before it.
#[test]
fn home_zone_changes_and_travel() {
    let mut runner = TestRunner::new(Config { cases: CASES_PER_ZONE, ..Config::default() });
    let change = (0..ZONES.len(), day_start(), 3_600i64..20 * 86_400);
    let strategy =
        (631_152_000i64..2_000_000_000, proptest::collection::vec(change, 1..5), 0i64..90 * 86_400);
    runner
        .run(&strategy, |(start, changes, probe)| {
            let origin = Utc.timestamp_opt(start, 0).unwrap();
            let mut list = vec![DayRule {
                id: DayRuleId::generate(),
                effective_from: origin,
                tz: ZONES[0],
                day_start: DayStart::DEFAULT,
            }];
            let mut asked = origin;
            for (zone, ds, gap) in changes {
                asked += Duration::seconds(gap);
                let current = DayRules::new(list.clone()).unwrap();
                let effective = current.change_takes_effect(asked);
                list.push(DayRule {
                    id: DayRuleId::generate(),
                    effective_from: effective,
                    tz: ZONES[zone],
                    day_start: ds,
                });
                asked = effective;
            }
            let rules = DayRules::new(list.clone()).unwrap();
            let t = origin + Duration::seconds(probe);
            // Reference: the naive reading under the rule in force, raised to the last study day
            // of every earlier rule (read one second before it ended).
            let in_force = list.iter().rposition(|r| r.effective_from <= t).unwrap_or(0);
            let mut expected = naive_logical(t, list[in_force].tz, list[in_force].day_start);
            for i in 1..=in_force {
                let before = &list[i - 1];
                let end = list[i].effective_from - Duration::seconds(1);
                expected = expected.max(naive_logical(end, before.tz, before.day_start));
            }
            prop_assert_eq!(rules.logical_date(t), expected);
            Ok(())
        })
        .unwrap();
}
