//! When a goal is due: every day, on chosen weekdays, or N times per calendar week.

use std::fmt;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::validation::Invalid;

/// A set of weekdays, Monday = bit 0 … Sunday = bit 6.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(transparent)]
pub struct WeekdaySet(u8);

impl WeekdaySet {
    pub const ALL: WeekdaySet = WeekdaySet(0b111_1111);

    /// From ISO weekday numbers (1 = Monday … 7 = Sunday). Refuses an empty set or numbers
    /// outside 1..=7.
    pub fn from_iso(days: &[u8]) -> Result<Self, Invalid> {
        let mut bits = 0u8;
        for &d in days {
            if !(1..=7).contains(&d) {
                return Err(Invalid::BadWeekday { value: d });
            }
            bits |= 1 << (d - 1);
        }
        if bits == 0 {
            return Err(Invalid::NoWeekdays);
        }
        Ok(Self(bits))
    }

    pub fn from_bits(bits: u8) -> Result<Self, Invalid> {
        if bits == 0 || bits > 0b111_1111 {
            return Err(Invalid::NoWeekdays);
        }
        Ok(Self(bits))
    }

    pub fn bits(self) -> u8 {
        self.0
    }

    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.num_days_from_monday()) != 0
    }

    /// ISO numbers of the days in the set, Monday first.
    pub fn iso_days(self) -> Vec<u8> {
        (1..=7).filter(|d| self.0 & (1 << (d - 1)) != 0).collect()
    }

    pub fn len(self) -> u32 {
        self.0.count_ones()
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

impl fmt::Debug for WeekdaySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WeekdaySet({:?})", self.iso_days())
    }
}

/// How often a goal is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Schedule {
    /// Every day.
    Daily,
    /// On these weekdays; other days are rest days (neutral).
    Weekdays { days: WeekdaySet },
    /// At least `times` days per calendar week; any day of the week counts.
    PerWeek { times: u8 },
}

impl Schedule {
    pub fn validate(self) -> Result<Self, Invalid> {
        match self {
            Schedule::Weekdays { days } if days.is_empty() => Err(Invalid::NoWeekdays),
            Schedule::PerWeek { times } if !(1..=7).contains(&times) => {
                Err(Invalid::TimesPerWeekOutOfRange)
            }
            other => Ok(other),
        }
    }

    /// Whether the goal is due on `date` as a day of its own (per-week goals are judged by week).
    pub fn is_due_on(self, date: NaiveDate) -> bool {
        match self {
            Schedule::Daily | Schedule::PerWeek { .. } => true,
            Schedule::Weekdays { days } => days.contains(date.weekday()),
        }
    }
}

/// The first day of the week, a user setting (Monday by default, as in China).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum WeekStart {
    #[default]
    Monday,
    Sunday,
    Saturday,
}

impl WeekStart {
    pub fn weekday(self) -> Weekday {
        match self {
            WeekStart::Monday => Weekday::Mon,
            WeekStart::Sunday => Weekday::Sun,
            WeekStart::Saturday => Weekday::Sat,
        }
    }

    /// The first day of the calendar week containing `date`.
    pub fn week_of(self, date: NaiveDate) -> NaiveDate {
        let back =
            (7 + date.weekday().num_days_from_monday() - self.weekday().num_days_from_monday()) % 7;
        date - Duration::days(i64::from(back))
    }
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[rstest]
    fn weekday_sets() {
        let set = WeekdaySet::from_iso(&[1, 3, 5]).unwrap();
        assert!(set.contains(Weekday::Mon));
        assert!(!set.contains(Weekday::Tue));
        assert_eq!(set.iso_days(), [1, 3, 5]);
        assert_eq!(set.len(), 3);
        assert_eq!(WeekdaySet::from_iso(&[]), Err(Invalid::NoWeekdays));
        assert_eq!(WeekdaySet::from_iso(&[0]), Err(Invalid::BadWeekday { value: 0 }));
        assert_eq!(WeekdaySet::from_iso(&[8]), Err(Invalid::BadWeekday { value: 8 }));
        assert!(WeekdaySet::from_bits(0).is_err());
        assert!(WeekdaySet::from_bits(0x80).is_err());
    }

    #[rstest]
    #[case(WeekStart::Monday, "2026-11-22", "2026-11-16")] // Sunday → previous Monday
    #[case(WeekStart::Monday, "2026-11-23", "2026-11-23")]
    #[case(WeekStart::Sunday, "2026-11-22", "2026-11-22")]
    #[case(WeekStart::Sunday, "2026-11-21", "2026-11-15")]
    #[case(WeekStart::Saturday, "2026-11-22", "2026-11-21")]
    fn weeks_start_where_the_user_says(
        #[case] start: WeekStart,
        #[case] date: &str,
        #[case] week: &str,
    ) {
        assert_eq!(start.week_of(d(date)), d(week));
    }

    #[rstest]
    fn schedules_validate() {
        assert!(Schedule::PerWeek { times: 0 }.validate().is_err());
        assert!(Schedule::PerWeek { times: 8 }.validate().is_err());
        assert!(Schedule::PerWeek { times: 3 }.validate().is_ok());
        assert!(Schedule::Weekdays { days: WeekdaySet::default() }.validate().is_err());
        let json = serde_json::to_value(Schedule::Weekdays {
            days: WeekdaySet::from_iso(&[1, 2]).unwrap(),
        })
        .unwrap();
        assert_eq!(json, serde_json::json!({"kind": "weekdays", "days": 3}));
    }
}
