//! The group's deadline and day.
//!
//! A deadline is a local wall-clock time in the group's zone. Before 06:00 it means the next
//! morning: with a 01:00 deadline, day D can be punched in for until 01:00 on D+1 — the same
//! cut-off as Daka's own day start, which is also limited to 00:00–06:00 — and the group day
//! itself turns over at the deadline. From 06:00 on it is the same calendar day, and the group
//! day is the plain local date.
//!
//! The deadline instant follows [`day::day_boundary`]'s DST rules: a deadline inside a skipped
//! hour passes at the first instant after the gap; a repeated deadline passes at its *second*
//! occurrence (lenient: only once the wall clock has shown it for the last time). A date the
//! zone skipped entirely (Pacific/Apia, 2011-12-30) is a gap too, so its deadline passes at the
//! first instant of the next existing date (00:00 on 2011-12-31 in Apia).

use std::fmt;

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::day::{self, DayStart, format_hm, parse_hm};
use crate::validation::Invalid;

/// Deadlines before this many minutes after midnight (06:00) fall on the next morning.
pub const NEXT_MORNING_BEFORE_MIN: u16 = day::MAX_DAY_START_MIN;

const MINUTES_PER_DAY: u16 = 24 * 60;

/// A group's daily deadline: local wall-clock minutes after midnight, 0..1440.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct Deadline(u16);

impl Deadline {
    pub fn from_minutes(minutes: u16) -> Result<Self, Invalid> {
        if minutes < MINUTES_PER_DAY {
            Ok(Self(minutes))
        } else {
            Err(Invalid::BadTime { value: minutes.to_string() })
        }
    }

    /// Parses `HH:MM` (24-hour).
    pub fn parse(value: &str) -> Result<Self, Invalid> {
        let minutes = parse_hm(value)?;
        u16::try_from(minutes)
            .map_err(|_| Invalid::BadTime { value: value.trim().to_owned() })
            .and_then(Self::from_minutes)
    }

    pub fn minutes(self) -> u16 {
        self.0
    }

    pub fn time(self) -> NaiveTime {
        NaiveTime::MIN + Duration::minutes(i64::from(self.0))
    }

    /// Whether the deadline of day D is on the morning of D+1 (before 06:00).
    pub fn is_next_morning(self) -> bool {
        self.0 < NEXT_MORNING_BEFORE_MIN
    }

    /// When the group day starts: at the deadline for a next-morning deadline, else midnight.
    fn day_start(self) -> DayStart {
        if self.is_next_morning() {
            // Always in range: DayStart allows 00:00..=06:00.
            DayStart::from_minutes(self.0).unwrap_or(DayStart::MIDNIGHT)
        } else {
            DayStart::MIDNIGHT
        }
    }
}

impl TryFrom<u16> for Deadline {
    type Error = Invalid;

    fn try_from(value: u16) -> Result<Self, Self::Error> {
        Self::from_minutes(value)
    }
}

impl From<Deadline> for u16 {
    fn from(value: Deadline) -> Self {
        value.0
    }
}

impl fmt::Display for Deadline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_hm(u32::from(self.0)))
    }
}

/// Whether a punch-in beat its group day's deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    OnTime,
    Late,
}

/// A group's zone and deadline: everything needed to place instants in group days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupClock {
    pub tz: Tz,
    pub deadline: Deadline,
}

impl GroupClock {
    pub fn new(tz: Tz, deadline: Deadline) -> Self {
        Self { tz, deadline }
    }

    /// The instant the deadline of group day `group_date` passes (see the module docs for
    /// next-morning deadlines and DST). A punch-in created at this very instant is on time.
    pub fn deadline_instant(&self, group_date: NaiveDate) -> DateTime<Utc> {
        let wall_date = if self.deadline.is_next_morning() {
            group_date.succ_opt().unwrap_or(group_date)
        } else {
            group_date
        };
        wall_instant(wall_date.and_time(self.deadline.time()), self.tz)
    }

    /// The group day `now` is in: the local date in the group's zone, except that with a
    /// next-morning deadline the day turns over at the deadline, so `today` moves on exactly
    /// at `deadline_instant(today)`.
    pub fn today(&self, now: DateTime<Utc>) -> NaiveDate {
        day::logical_date(now, self.tz, self.deadline.day_start())
    }

    /// Whether a punch-in for `date` created at `created_utc` is on time. `date` is the
    /// member's own study date (their app chose it) and `created_utc` the device's clock when
    /// it was written, so a punch-in made offline and synced after the deadline still counts
    /// as on time.
    pub fn judge(&self, date: NaiveDate, created_utc: DateTime<Utc>) -> Timeliness {
        if created_utc <= self.deadline_instant(date) {
            Timeliness::OnTime
        } else {
            Timeliness::Late
        }
    }
}

/// The instant the local clock shows `wall`, by [`day::day_boundary`]'s rules: the later of
/// two in a fold, the first instant after the gap when it never shows it.
fn wall_instant(wall: NaiveDateTime, tz: Tz) -> DateTime<Utc> {
    match tz.from_local_datetime(&wall) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(_, later) => later.with_timezone(&Utc),
        LocalResult::None => day::first_instant_at_or_after(wall, tz),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use chrono_tz::{America, Asia, Europe, Pacific};
    use proptest::prelude::*;
    use rstest::rstest;

    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn clock(tz: Tz, deadline: &str) -> GroupClock {
        GroupClock::new(tz, Deadline::parse(deadline).unwrap())
    }

    #[rstest]
    #[case("22:30", Ok(1350))]
    #[case(" 00:00 ", Ok(0))]
    #[case("1:00", Ok(60))]
    #[case("23:59", Ok(1439))]
    #[case("24:00", Err(()))]
    #[case("22:60", Err(()))]
    #[case("2230", Err(()))]
    #[case("22:3", Err(()))]
    #[case("", Err(()))]
    #[case("-1:00", Err(()))]
    fn deadline_parsing(#[case] input: &str, #[case] expected: Result<u16, ()>) {
        assert_eq!(Deadline::parse(input).map(Deadline::minutes).map_err(|_| ()), expected);
    }

    #[rstest]
    #[case("22:30", "22:30")]
    #[case("1:05", "01:05")]
    #[case("00:00", "00:00")]
    fn deadline_displays_as_hh_mm(#[case] input: &str, #[case] shown: &str) {
        assert_eq!(Deadline::parse(input).unwrap().to_string(), shown);
    }

    #[rstest]
    fn bad_deadlines_are_bad_times() {
        assert!(matches!(Deadline::parse("25:00"), Err(Invalid::BadTime { .. })));
        assert!(matches!(Deadline::from_minutes(1440), Err(Invalid::BadTime { .. })));
        assert!(serde_json::from_str::<Deadline>("1440").is_err());
        assert_eq!(serde_json::from_str::<Deadline>("1350").unwrap(), Deadline(1350));
        assert_eq!(serde_json::to_string(&Deadline(60)).unwrap(), "60");
    }

    #[rstest]
    #[case("05:59", true)]
    #[case("00:00", true)]
    #[case("06:00", false)]
    #[case("22:30", false)]
    fn next_morning_means_before_six(#[case] input: &str, #[case] next_morning: bool) {
        assert_eq!(Deadline::parse(input).unwrap().is_next_morning(), next_morning);
    }

    #[rstest]
    #[case(Asia::Shanghai, "22:30", "2026-12-06", "2026-12-06T14:30:00Z")]
    #[case(Asia::Shanghai, "01:00", "2026-12-06", "2026-12-06T17:00:00Z")]
    #[case(Asia::Shanghai, "00:00", "2026-12-31", "2026-12-31T16:00:00Z")]
    // Spring forward 2026-03-08 02:00 EST → 03:00 EDT: 02:30 does not exist; 03:00 EDT.
    #[case(America::New_York, "02:30", "2026-03-07", "2026-03-08T07:00:00Z")]
    // Fall back 2026-11-01 02:00 EDT → 01:00 EST: 01:30 happens twice; the later is EST.
    #[case(America::New_York, "01:30", "2026-10-31", "2026-11-01T06:30:00Z")]
    #[case(America::New_York, "22:30", "2026-03-08", "2026-03-09T02:30:00Z")]
    #[case(Europe::London, "22:30", "2026-07-01", "2026-07-01T21:30:00Z")]
    #[case(Europe::London, "22:30", "2026-12-01", "2026-12-01T22:30:00Z")]
    // London 2026-03-29: 01:00 GMT → 02:00 BST; 01:30 is in the gap.
    #[case(Europe::London, "01:30", "2026-03-28", "2026-03-29T01:00:00Z")]
    // London 2026-10-25: 01:00–01:59 twice; the second 01:30 is GMT.
    #[case(Europe::London, "01:30", "2026-10-24", "2026-10-25T01:30:00Z")]
    fn deadline_instants(
        #[case] tz: Tz,
        #[case] deadline: &str,
        #[case] day: &str,
        #[case] expected: &str,
    ) {
        assert_eq!(clock(tz, deadline).deadline_instant(date(day)), utc(expected));
    }

    #[rstest]
    fn apia_skipped_date_does_not_panic() {
        // Samoa went from 2011-12-29 23:59:59 (-10:00) to 2011-12-31 00:00 (+14:00).
        let first_of_31st = utc("2011-12-30T10:00:00Z");
        let same_day = clock(Pacific::Apia, "22:30");
        assert_eq!(same_day.deadline_instant(date("2011-12-30")), first_of_31st);
        let next_morning = clock(Pacific::Apia, "01:00");
        assert_eq!(next_morning.deadline_instant(date("2011-12-29")), first_of_31st);
        // 12-30's own deadline, 01:00 on the 31st, did happen.
        assert_eq!(next_morning.deadline_instant(date("2011-12-30")), utc("2011-12-30T11:00:00Z"));
        // Deadlines never go backwards across the skip.
        let days = ["2011-12-28", "2011-12-29", "2011-12-30", "2011-12-31", "2012-01-01"];
        for c in [same_day, next_morning] {
            let instants: Vec<_> = days.iter().map(|d| c.deadline_instant(date(d))).collect();
            assert!(instants.windows(2).all(|w| w[0] <= w[1]), "{instants:?}");
        }
    }

    #[rstest]
    // Same-day deadline: the group day is the local date.
    #[case("22:30", "2026-12-06T15:59:59Z", "2026-12-06")]
    #[case("22:30", "2026-12-06T16:00:00Z", "2026-12-07")]
    #[case("22:30", "2026-12-06T14:31:00Z", "2026-12-06")]
    // Next-morning deadline: the day turns over at 01:00 local (17:00 UTC).
    #[case("01:00", "2026-12-06T16:30:00Z", "2026-12-06")]
    #[case("01:00", "2026-12-06T16:59:59Z", "2026-12-06")]
    #[case("01:00", "2026-12-06T17:00:00Z", "2026-12-07")]
    fn today_in_shanghai(#[case] deadline: &str, #[case] now: &str, #[case] expected: &str) {
        assert_eq!(clock(Asia::Shanghai, deadline).today(utc(now)), date(expected));
    }

    #[rstest]
    #[case("22:30", "2026-12-06T14:30:00Z")]
    #[case("01:00", "2026-12-06T17:00:00Z")]
    fn judge_is_inclusive_at_the_deadline(#[case] deadline: &str, #[case] at: &str) {
        let c = clock(Asia::Shanghai, deadline);
        let day = date("2026-12-06");
        assert_eq!(c.judge(day, utc(at)), Timeliness::OnTime);
        assert_eq!(c.judge(day, utc(at) + Duration::seconds(1)), Timeliness::Late);
        assert_eq!(c.judge(day, utc("2026-12-05T20:00:00Z")), Timeliness::OnTime);
    }

    #[rstest]
    fn timeliness_serializes_as_snake_case() {
        assert_eq!(serde_json::to_string(&Timeliness::OnTime).unwrap(), "\"on_time\"");
        assert_eq!(serde_json::from_str::<Timeliness>("\"late\"").unwrap(), Timeliness::Late);
    }

    const ZONES: [Tz; 5] =
        [Asia::Shanghai, America::New_York, Europe::London, Pacific::Apia, Asia::Kathmandu];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1_000))]

        /// With a next-morning deadline, the group day of `now` is the day whose deadline is
        /// still ahead and whose previous deadline has passed.
        #[test]
        fn today_turns_over_at_the_deadline(
            secs in 631_152_000i64..2_208_988_800,
            zone in 0usize..5,
            minutes in 0u16..NEXT_MORNING_BEFORE_MIN,
        ) {
            let now = Utc.timestamp_opt(secs, 0).unwrap();
            let c = GroupClock::new(ZONES[zone], Deadline::from_minutes(minutes).unwrap());
            let today = c.today(now);
            prop_assert!(now < c.deadline_instant(today));
            prop_assert!(c.deadline_instant(today.pred_opt().unwrap()) <= now);
        }

        /// Same-day deadlines: the group day is the local date, and deadlines never go back.
        #[test]
        fn same_day_deadlines_follow_the_local_date(
            secs in 631_152_000i64..2_208_988_800,
            zone in 0usize..5,
            minutes in NEXT_MORNING_BEFORE_MIN..1440,
        ) {
            let now = Utc.timestamp_opt(secs, 0).unwrap();
            let c = GroupClock::new(ZONES[zone], Deadline::from_minutes(minutes).unwrap());
            let today = c.today(now);
            prop_assert_eq!(today, now.with_timezone(&c.tz).date_naive());
            let next = today.succ_opt().unwrap();
            prop_assert!(c.deadline_instant(today) < c.deadline_instant(next));
        }
    }
}
