//! The exam countdown ("距离 2027 考研 还有 35 天").

use chrono::NaiveDate;
use serde::Serialize;

/// Where today stands relative to the exam date. Both dates are study days in the home zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Countdown {
    /// The exam is `days_left` study days away (1 = tomorrow).
    Upcoming { days_left: u32 },
    /// The exam is today: show "就是今天", never "0 天".
    Today,
    /// The exam was `days_ago` days ago: time to set the next one.
    Passed { days_ago: u32 },
}

impl Countdown {
    pub fn between(today: NaiveDate, exam: NaiveDate) -> Self {
        let diff = exam.signed_duration_since(today).num_days();
        match diff {
            0 => Countdown::Today,
            d if d > 0 => Countdown::Upcoming { days_left: u32::try_from(d).unwrap_or(u32::MAX) },
            d => Countdown::Passed { days_ago: u32::try_from(-d).unwrap_or(u32::MAX) },
        }
    }
}

/// "Day N of preparation", counting the start day as day 1. `None` before the start.
pub fn plan_day(start: NaiveDate, today: NaiveDate) -> Option<u32> {
    let d = today.signed_duration_since(start).num_days();
    u32::try_from(d).ok().map(|d| d.saturating_add(1))
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[rstest]
    #[case("2026-11-22", "2026-12-26", Countdown::Upcoming { days_left: 34 })]
    #[case("2026-12-25", "2026-12-26", Countdown::Upcoming { days_left: 1 })]
    #[case("2026-12-26", "2026-12-26", Countdown::Today)]
    #[case("2026-12-27", "2026-12-26", Countdown::Passed { days_ago: 1 })]
    #[case("2024-02-28", "2024-03-01", Countdown::Upcoming { days_left: 2 })]
    fn countdown_counts_calendar_days(
        #[case] today: &str,
        #[case] exam: &str,
        #[case] expected: Countdown,
    ) {
        assert_eq!(Countdown::between(d(today), d(exam)), expected);
    }

    #[rstest]
    fn plan_day_counts_from_one() {
        assert_eq!(plan_day(d("2026-11-22"), d("2026-11-22")), Some(1));
        assert_eq!(plan_day(d("2026-11-22"), d("2026-12-01")), Some(10));
        assert_eq!(plan_day(d("2026-11-22"), d("2026-11-21")), None);
    }

    #[rstest]
    fn serializes_with_a_state_tag() {
        let json = serde_json::to_value(Countdown::Upcoming { days_left: 3 }).unwrap();
        assert_eq!(json, serde_json::json!({"state": "upcoming", "days_left": 3}));
        assert_eq!(
            serde_json::to_value(Countdown::Today).unwrap(),
            serde_json::json!({"state": "today"})
        );
    }
}
