//! The logical study day (DESIGN.md §4).
//!
//! A student who studies until 01:30 is still in "yesterday". Daka's day starts at `day_start`
//! (00:00–06:00 local wall-clock time, default 04:00) in the user's home time zone:
//!
//! ```text
//! local = t in home_tz
//! logical_date(t) = local.date  if local.time >= day_start
//!                   local.date - 1 day otherwise
//! ```
//!
//! The comparison is on the wall clock, so DST never moves the boundary and days may last 23 or
//! 25 hours; nothing here ever adds 86,400 seconds. Two DST corner cases need an exact boundary
//! instant, which [`day_boundary`] defines:
//!
//! * a day start inside a skipped hour (spring forward, 02:30 on a 02:00→03:00 night, or Apia's
//!   missing 2011-12-30) begins the day at the first instant after the gap;
//! * a day start inside a repeated hour (fall back) begins the day at the *second* occurrence:
//!   the later boundary is the more lenient one, and it keeps the logical date monotonic.

use std::fmt;

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::validation::Invalid;

/// The latest allowed day start, in minutes after midnight (06:00).
pub const MAX_DAY_START_MIN: u16 = 6 * 60;
/// The default day start, in minutes after midnight (04:00, as Anki).
pub const DEFAULT_DAY_START_MIN: u16 = 4 * 60;

/// When the study day begins, as local wall-clock minutes after midnight, 00:00–06:00.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct DayStart(u16);

impl DayStart {
    pub const MIDNIGHT: DayStart = DayStart(0);
    pub const DEFAULT: DayStart = DayStart(DEFAULT_DAY_START_MIN);

    pub fn from_minutes(minutes: u16) -> Result<Self, Invalid> {
        if minutes <= MAX_DAY_START_MIN {
            Ok(Self(minutes))
        } else {
            Err(Invalid::DayStartOutOfRange { value: format_hm(u32::from(minutes)) })
        }
    }

    /// Parses `HH:MM` (24-hour).
    pub fn parse(value: &str) -> Result<Self, Invalid> {
        let minutes = parse_hm(value)?;
        let minutes = u16::try_from(minutes)
            .map_err(|_| Invalid::DayStartOutOfRange { value: value.trim().to_owned() })?;
        Self::from_minutes(minutes)
            .map_err(|_| Invalid::DayStartOutOfRange { value: value.trim().to_owned() })
    }

    pub fn minutes(self) -> u16 {
        self.0
    }

    pub fn time(self) -> NaiveTime {
        NaiveTime::MIN + Duration::minutes(i64::from(self.0))
    }
}

impl Default for DayStart {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl TryFrom<u16> for DayStart {
    type Error = Invalid;

    fn try_from(value: u16) -> Result<Self, Self::Error> {
        Self::from_minutes(value)
    }
}

impl From<DayStart> for u16 {
    fn from(value: DayStart) -> Self {
        value.0
    }
}

impl fmt::Display for DayStart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_hm(u32::from(self.0)))
    }
}

/// A local wall-clock time of day, minutes after midnight (0..1440): when the user gets up,
/// when the punch-in reminder rings. Stored as the number of minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct ClockTime(u32);

impl ClockTime {
    /// Parses `HH:MM` (24-hour).
    pub fn parse(value: &str) -> Result<Self, Invalid> {
        parse_hm(value).map(Self)
    }

    pub fn from_minutes(minutes: u32) -> Result<Self, Invalid> {
        if minutes < 24 * 60 {
            Ok(Self(minutes))
        } else {
            Err(Invalid::BadTime { value: minutes.to_string() })
        }
    }

    pub fn minutes(self) -> u32 {
        self.0
    }

    pub fn time(self) -> NaiveTime {
        NaiveTime::MIN + Duration::minutes(i64::from(self.0))
    }
}

impl TryFrom<u32> for ClockTime {
    type Error = Invalid;

    fn try_from(value: u32) -> Result<Self, Self::Error> {
        Self::from_minutes(value)
    }
}

impl From<ClockTime> for u32 {
    fn from(value: ClockTime) -> Self {
        value.0
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_hm(self.0))
    }
}

/// Parses a 24-hour `HH:MM` wall-clock time into minutes after midnight (0..1440).
pub fn parse_hm(value: &str) -> Result<u32, Invalid> {
    let trimmed = value.trim();
    let bad = || Invalid::BadTime { value: trimmed.to_owned() };
    let (h, m) = trimmed.split_once(':').ok_or_else(bad)?;
    let two_digits = |s: &str| (1..=2).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if !two_digits(h) || m.len() != 2 || !two_digits(m) {
        return Err(bad());
    }
    let h: u32 = h.parse().map_err(|_| bad())?;
    let m: u32 = m.parse().map_err(|_| bad())?;
    if h > 23 || m > 59 {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// Formats minutes after midnight as `HH:MM`.
pub fn format_hm(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Parses an IANA time zone name such as `Asia/Shanghai`.
pub fn parse_time_zone(value: &str) -> Result<Tz, Invalid> {
    value
        .trim()
        .parse::<Tz>()
        .map_err(|_| Invalid::UnknownTimeZone { value: value.trim().to_owned() })
}

/// The study day that instant `t` belongs to.
pub fn logical_date(t: DateTime<Utc>, tz: Tz, day_start: DayStart) -> NaiveDate {
    let local = t.with_timezone(&tz).naive_local();
    let mut date = local.date();
    if local.time() < day_start.time() {
        date = prev_day(date);
    }
    // The wall-clock rule is exact except next to a DST transition that touches the day start
    // (a repeated or skipped day start, see the module docs). Check against the exact boundaries.
    if t < day_boundary(date, tz, day_start) {
        date = prev_day(date);
    } else if t >= day_boundary(next_day(date), tz, day_start) {
        date = next_day(date);
    }
    date
}

/// The first instant of study day `date`.
///
/// The last instant at which the local clock shows `date` at `day_start`: normally the only one;
/// when that wall time happens twice (fall back) the second; when it never happens (spring
/// forward, or a zone that skipped the whole date) the first instant after the gap.
/// `tests/logical_day_reference.rs` checks this against a brute-force walk of the clock.
pub fn day_boundary(date: NaiveDate, tz: Tz, day_start: DayStart) -> DateTime<Utc> {
    let wall = date.and_time(day_start.time());
    match tz.from_local_datetime(&wall) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(_, later) => later.with_timezone(&Utc),
        LocalResult::None => first_instant_at_or_after(wall, tz),
    }
}

/// The instant the study day of `t` ends (the next day's boundary). Days can be 23 or 25 hours
/// long; this is computed from wall-clock times, never by adding 24 hours.
pub fn next_boundary(t: DateTime<Utc>, tz: Tz, day_start: DayStart) -> DateTime<Utc> {
    day_boundary(next_day(logical_date(t, tz, day_start)), tz, day_start)
}

/// The first instant whose local wall time is at or after `wall`, for a `wall` inside a gap.
///
/// Gaps are at most a day long (Pacific/Apia skipped 2011-12-30 entirely), so walk forward a
/// minute at a time to the first wall time that exists, then back a second at a time to the exact
/// transition (offsets before 1972 were not always whole minutes).
pub(crate) fn first_instant_at_or_after(wall: NaiveDateTime, tz: Tz) -> DateTime<Utc> {
    let mut probe = wall;
    let limit = wall + Duration::hours(48);
    let after = loop {
        probe += Duration::minutes(1);
        match tz.from_local_datetime(&probe) {
            LocalResult::Single(t) => break t.with_timezone(&Utc),
            LocalResult::Ambiguous(earlier, _) => break earlier.with_timezone(&Utc),
            LocalResult::None if probe < limit => {}
            // No zone in the database has a gap this long; fall back to reading the wall time
            // as UTC rather than looping forever.
            LocalResult::None => return wall.and_utc(),
        }
    };
    let mut first = after;
    for _ in 0..60 {
        let candidate = first - Duration::seconds(1);
        if candidate.with_timezone(&tz).naive_local() >= wall {
            first = candidate;
        } else {
            break;
        }
    }
    first
}

fn prev_day(date: NaiveDate) -> NaiveDate {
    date.pred_opt().unwrap_or(date)
}

fn next_day(date: NaiveDate) -> NaiveDate {
    date.succ_opt().unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use chrono_tz::{America, Asia, Australia, Europe, Pacific};
    use proptest::prelude::*;
    use rstest::rstest;

    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn hm(s: &str) -> DayStart {
        DayStart::parse(s).unwrap()
    }

    #[rstest]
    #[case("2026-11-22T03:59:59+08:00", "04:00", "2026-11-21")]
    #[case("2026-11-22T04:00:00+08:00", "04:00", "2026-11-22")]
    #[case("2026-11-22T00:00:00+08:00", "00:00", "2026-11-22")]
    #[case("2026-11-21T23:59:59+08:00", "00:00", "2026-11-21")]
    #[case("2026-11-22T05:59:00+08:00", "06:00", "2026-11-21")]
    #[case("2026-11-22T01:30:00+08:00", "04:00", "2026-11-21")]
    fn shanghai_days(#[case] at: &str, #[case] start: &str, #[case] expected: &str) {
        assert_eq!(logical_date(utc(at), Asia::Shanghai, hm(start)), date(expected));
    }

    #[rstest]
    fn kathmandu_quarter_hour_offset() {
        // +05:45: 04:00 local is 22:15 UTC the day before.
        let tz = Asia::Kathmandu;
        assert_eq!(logical_date(utc("2026-05-01T22:14:59Z"), tz, hm("04:00")), date("2026-05-01"));
        assert_eq!(logical_date(utc("2026-05-01T22:15:00Z"), tz, hm("04:00")), date("2026-05-02"));
        assert_eq!(day_boundary(date("2026-05-02"), tz, hm("04:00")), utc("2026-05-01T22:15:00Z"));
    }

    #[rstest]
    fn london_spring_forward_day_is_23_hours() {
        // 2026-03-29 01:00 GMT → 02:00 BST.
        let tz = Europe::London;
        let start = day_boundary(date("2026-03-29"), tz, hm("04:00"));
        let end = day_boundary(date("2026-03-30"), tz, hm("04:00"));
        assert_eq!(end - start, Duration::hours(24));
        let sat = day_boundary(date("2026-03-28"), tz, hm("04:00"));
        assert_eq!(start - sat, Duration::hours(23));
    }

    #[rstest]
    fn london_day_start_inside_the_skipped_hour_begins_after_the_gap() {
        // 01:30 does not exist on 2026-03-29 in London; the day begins at 02:00 BST = 01:00 UTC.
        let tz = Europe::London;
        let b = day_boundary(date("2026-03-29"), tz, hm("01:30"));
        assert_eq!(b, utc("2026-03-29T01:00:00Z"));
        assert_eq!(logical_date(utc("2026-03-29T00:59:59Z"), tz, hm("01:30")), date("2026-03-28"));
        assert_eq!(logical_date(utc("2026-03-29T01:00:00Z"), tz, hm("01:30")), date("2026-03-29"));
    }

    #[rstest]
    fn london_day_start_inside_the_repeated_hour_uses_the_second_occurrence() {
        // 2026-10-25: 01:00–01:59 happens twice (BST, then GMT).
        let tz = Europe::London;
        let start = hm("01:30");
        let first_0130 = utc("2026-10-25T00:30:00Z");
        let second_0130 = utc("2026-10-25T01:30:00Z");
        assert_eq!(day_boundary(date("2026-10-25"), tz, start), second_0130);
        assert_eq!(logical_date(first_0130, tz, start), date("2026-10-24"));
        assert_eq!(logical_date(utc("2026-10-25T00:45:00Z"), tz, start), date("2026-10-24"));
        assert_eq!(logical_date(utc("2026-10-25T01:15:00Z"), tz, start), date("2026-10-24"));
        assert_eq!(logical_date(second_0130, tz, start), date("2026-10-25"));
    }

    #[rstest]
    fn lord_howe_half_hour_dst() {
        // Australia/Lord_Howe moves from +11 to +10:30 on 2026-04-05 at 02:00 local.
        let tz = Australia::Lord_Howe;
        let a = day_boundary(date("2026-04-05"), tz, hm("04:00"));
        let b = day_boundary(date("2026-04-06"), tz, hm("04:00"));
        assert_eq!(b - a, Duration::hours(24));
        let prev = day_boundary(date("2026-04-04"), tz, hm("04:00"));
        assert_eq!(a - prev, Duration::minutes(24 * 60 + 30));
    }

    #[rstest]
    fn apia_skipped_2011_12_30() {
        // Samoa jumped from 2011-12-29 23:59:59 (-10:00) to 2011-12-31 00:00 (+14:00).
        let tz = Pacific::Apia;
        let start = hm("04:00");
        let b30 = day_boundary(date("2011-12-30"), tz, start);
        assert_eq!(b30, utc("2011-12-30T10:00:00Z"));
        assert_eq!(logical_date(utc("2011-12-30T09:59:59Z"), tz, start), date("2011-12-29"));
        assert_eq!(logical_date(utc("2011-12-30T10:00:00Z"), tz, start), date("2011-12-30"));
        // 04:00 on the 31st (+14) starts the 31st.
        assert_eq!(logical_date(utc("2011-12-30T14:00:00Z"), tz, start), date("2011-12-31"));
    }

    #[rstest]
    fn sao_paulo_historic_midnight_dst() {
        // Brazil's DST used to start at midnight: 2018-11-04 00:00 did not exist.
        let tz = America::Sao_Paulo;
        let b = day_boundary(date("2018-11-04"), tz, DayStart::MIDNIGHT);
        assert_eq!(b, utc("2018-11-04T03:00:00Z"));
        assert_eq!(
            b.with_timezone(&tz).naive_local().time(),
            NaiveTime::from_hms_opt(1, 0, 0).unwrap()
        );
    }

    #[rstest]
    fn next_boundary_on_a_25_hour_day() {
        // New York falls back at 02:00 on 2026-11-01, inside the study day of 10-31 (04:00
        // start), which therefore lasts 25 hours.
        let tz = America::New_York;
        let t = utc("2026-11-01T06:30:00Z"); // 01:30 EST, after the repeat
        assert_eq!(logical_date(t, tz, hm("04:00")), date("2026-10-31"));
        let start = day_boundary(date("2026-10-31"), tz, hm("04:00"));
        assert_eq!(next_boundary(t, tz, hm("04:00")) - start, Duration::hours(25));
    }

    #[rstest]
    #[case("00:00", Ok(0))]
    #[case("04:00", Ok(240))]
    #[case("6:00", Ok(360))]
    #[case("06:01", Err(()))]
    #[case("23:00", Err(()))]
    #[case("-1:00", Err(()))]
    #[case("4", Err(()))]
    #[case("04:0", Err(()))]
    #[case("24:00", Err(()))]
    fn day_start_parsing(#[case] input: &str, #[case] expected: Result<u16, ()>) {
        assert_eq!(DayStart::parse(input).map(DayStart::minutes).map_err(|_| ()), expected);
    }

    #[rstest]
    fn day_start_errors_name_the_range() {
        assert!(matches!(DayStart::parse("07:00"), Err(Invalid::DayStartOutOfRange { .. })));
        assert!(matches!(DayStart::parse("7"), Err(Invalid::BadTime { .. })));
        assert!(DayStart::from_minutes(361).is_err());
        assert!(serde_json::from_str::<DayStart>("400").is_err());
        assert_eq!(serde_json::from_str::<DayStart>("240").unwrap(), DayStart::DEFAULT);
    }

    #[rstest]
    fn unknown_time_zones_are_rejected() {
        assert_eq!(parse_time_zone(" Asia/Shanghai ").unwrap(), Asia::Shanghai);
        assert!(matches!(parse_time_zone("Mars/Olympus"), Err(Invalid::UnknownTimeZone { .. })));
        assert!(parse_time_zone("").is_err());
    }

    const ZONES: [Tz; 7] = [
        Asia::Shanghai,
        Europe::London,
        America::Sao_Paulo,
        Australia::Lord_Howe,
        Asia::Kathmandu,
        Pacific::Apia,
        America::New_York,
    ];

    fn instant() -> impl Strategy<Value = DateTime<Utc>> {
        // 1990..2040
        (631_152_000i64..2_208_988_800).prop_map(|s| Utc.timestamp_opt(s, 0).unwrap())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        /// Every instant lies inside the day it is assigned to, and the date never goes back
        /// as time moves forward.
        #[test]
        fn instant_lies_between_its_day_boundaries(t in instant(), zone in 0usize..7, start in 0u16..=360) {
            let tz = ZONES[zone];
            let ds = DayStart::from_minutes(start).unwrap();
            let d = logical_date(t, tz, ds);
            prop_assert!(day_boundary(d, tz, ds) <= t);
            prop_assert!(t < day_boundary(d.succ_opt().unwrap(), tz, ds));
            let later = logical_date(t + Duration::minutes(37), tz, ds);
            prop_assert!(later >= d);
        }

        /// Away from DST transitions the logical date is exactly the wall-clock rule.
        #[test]
        fn matches_the_wall_clock_rule_in_shanghai(t in instant(), start in 0u16..=360) {
            let ds = DayStart::from_minutes(start).unwrap();
            let local = t.with_timezone(&Asia::Shanghai).naive_local();
            let expected = if local.time() >= ds.time() { local.date() } else { local.date().pred_opt().unwrap() };
            prop_assert_eq!(logical_date(t, Asia::Shanghai, ds), expected);
        }
    }
}
