//! The user's study profile: the exam, the daily target and the wake-up time, with their rules.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::day::ClockTime;
use crate::day_rules::DayRules;
use crate::ids::ExamId;
use crate::subject::Subject;
use crate::validation::{Invalid, ValidationErrors, parse_date, single_line};

/// Longest exam name, in characters ("2027 全国硕士研究生招生考试" is 16).
pub const MAX_EXAM_NAME_CHARS: usize = 30;
/// How far ahead an exam may be.
pub const MAX_EXAM_YEARS_AHEAD: u32 = 10;
/// Smallest daily target: half an hour.
pub const MIN_TARGET_MINUTES: u32 = 30;
/// Largest daily target: 18 hours still leaves six for sleep.
pub const MAX_TARGET_MINUTES: u32 = 18 * 60;

/// The exam a user prepares for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Exam {
    pub id: ExamId,
    pub name: String,
    pub date: NaiveDate,
}

/// Everything a user set up: what the Today and Settings views are computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// The first study day (the day of onboarding).
    pub started_on: NaiveDate,
    pub daily_target: DailyTarget,
    pub wake_time: WakeTime,
    /// Live exams, by date.
    pub exams: Vec<Exam>,
    /// Live subjects, in the user's order.
    pub subjects: Vec<Subject>,
    pub day_rules: DayRules,
}

/// Minutes of study a day the user aims for, 30..=1080.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct DailyTarget(u32);

impl DailyTarget {
    pub fn from_minutes(minutes: u32) -> Result<Self, Invalid> {
        if (MIN_TARGET_MINUTES..=MAX_TARGET_MINUTES).contains(&minutes) {
            Ok(Self(minutes))
        } else {
            Err(Invalid::TargetOutOfRange {
                min_minutes: MIN_TARGET_MINUTES,
                max_minutes: MAX_TARGET_MINUTES,
            })
        }
    }

    /// From hours as typed in the form (e.g. 7.5), rounded to the minute.
    pub fn from_hours(hours: f64) -> Result<Self, Invalid> {
        let out_of_range = Invalid::TargetOutOfRange {
            min_minutes: MIN_TARGET_MINUTES,
            max_minutes: MAX_TARGET_MINUTES,
        };
        if !hours.is_finite() {
            return Err(out_of_range);
        }
        let minutes = (hours * 60.0).round();
        if !(0.0..=f64::from(u32::MAX)).contains(&minutes) {
            return Err(out_of_range);
        }
        // In range and integral, checked just above.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Self::from_minutes(minutes as u32)
    }

    pub fn minutes(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for DailyTarget {
    type Error = Invalid;

    fn try_from(value: u32) -> Result<Self, Self::Error> {
        Self::from_minutes(value)
    }
}

impl From<DailyTarget> for u32 {
    fn from(value: DailyTarget) -> Self {
        value.0
    }
}

/// The time the user gets up, local wall clock.
pub type WakeTime = ClockTime;

/// Checks an exam date typed by the user. It must exist, lie within ten years, and not be in the
/// past, unless it is the date already saved (editing other settings after the exam must
/// not force the user to change it).
pub fn validate_exam_date(
    value: &str,
    today: NaiveDate,
    current: Option<NaiveDate>,
) -> Result<NaiveDate, Invalid> {
    let date = parse_date(value)?;
    if Some(date) == current {
        return Ok(date);
    }
    if date < today {
        return Err(Invalid::DateInPast { date, today });
    }
    let limit = today
        .with_year(today.year() + i32::try_from(MAX_EXAM_YEARS_AHEAD).unwrap_or(10))
        .unwrap_or(today);
    if date > limit {
        return Err(Invalid::DateTooFar { date, max_years: MAX_EXAM_YEARS_AHEAD });
    }
    Ok(date)
}

pub fn validate_exam_name(value: &str) -> Result<String, Invalid> {
    single_line(value, MAX_EXAM_NAME_CHARS)
}

/// The profile part of Settings, as typed in the form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProfileInput {
    pub exam_name: String,
    /// `YYYY-MM-DD`
    pub exam_date: String,
    /// Hours, e.g. 7.5; `None` when the field was left empty.
    pub daily_target_hours: Option<f64>,
    /// `HH:MM`
    pub wake_time: String,
}

/// A checked profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidProfile {
    pub exam_name: String,
    pub exam_date: NaiveDate,
    pub daily_target: DailyTarget,
    pub wake_time: WakeTime,
}

/// Checks the profile form. `today` is the current study day; `current_exam` the date saved now.
pub fn validate_profile(
    input: &ProfileInput,
    today: NaiveDate,
    current_exam: Option<NaiveDate>,
) -> Result<ValidProfile, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let exam_name = errors.check("exam_name", validate_exam_name(&input.exam_name));
    let exam_date =
        errors.check("exam_date", validate_exam_date(&input.exam_date, today, current_exam));
    let daily_target = errors.check(
        "daily_target",
        input.daily_target_hours.ok_or(Invalid::Required).and_then(DailyTarget::from_hours),
    );
    let wake_time = errors.check("wake_time", WakeTime::parse(&input.wake_time));
    match (exam_name, exam_date, daily_target, wake_time) {
        (Some(exam_name), Some(exam_date), Some(daily_target), Some(wake_time))
            if errors.is_empty() =>
        {
            Ok(ValidProfile { exam_name, exam_date, daily_target, wake_time })
        }
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn input() -> ProfileInput {
        ProfileInput {
            exam_name: "2027 考研".into(),
            exam_date: "2026-12-26".into(),
            daily_target_hours: Some(8.0),
            wake_time: "06:30".into(),
        }
    }

    #[rstest]
    fn a_good_profile_passes() {
        let p = validate_profile(&input(), d("2026-11-22"), None).unwrap();
        assert_eq!(p.exam_date, d("2026-12-26"));
        assert_eq!(p.daily_target.minutes(), 480);
        assert_eq!(p.wake_time.minutes(), 390);
    }

    #[rstest]
    #[case(0.0)]
    #[case(30.0)]
    #[case(0.2)]
    #[case(18.5)]
    #[case(-1.0)]
    #[case(f64::NAN)]
    #[case(f64::INFINITY)]
    #[case(1e300)]
    fn targets_out_of_range_are_refused(#[case] hours: f64) {
        assert!(matches!(DailyTarget::from_hours(hours), Err(Invalid::TargetOutOfRange { .. })));
    }

    #[rstest]
    #[case(0.5, 30)]
    #[case(7.5, 450)]
    #[case(18.0, 1080)]
    #[case(2.0 / 3.0, 40)]
    fn targets_round_to_minutes(#[case] hours: f64, #[case] minutes: u32) {
        assert_eq!(DailyTarget::from_hours(hours).unwrap().minutes(), minutes);
    }

    #[rstest]
    fn impossible_and_past_exam_dates_are_refused() {
        let today = d("2026-11-22");
        assert_eq!(
            validate_exam_date("2027-02-30", today, None),
            Err(Invalid::ImpossibleDate { year: 2027, month: 2, day: 30 })
        );
        assert_eq!(
            validate_exam_date("2026-11-21", today, None),
            Err(Invalid::DateInPast { date: d("2026-11-21"), today })
        );
        assert_eq!(validate_exam_date("2026-11-22", today, None), Ok(today));
        assert!(matches!(
            validate_exam_date("2037-01-01", today, None),
            Err(Invalid::DateTooFar { .. })
        ));
    }

    #[rstest]
    fn a_past_exam_date_already_saved_may_stay() {
        let today = d("2027-01-10");
        assert_eq!(
            validate_exam_date("2026-12-26", today, Some(d("2026-12-26"))),
            Ok(d("2026-12-26"))
        );
        assert!(validate_exam_date("2026-12-25", today, Some(d("2026-12-26"))).is_err());
    }

    #[rstest]
    fn every_bad_field_is_reported_at_once() {
        let bad = ProfileInput {
            exam_name: " ".into(),
            exam_date: "2027-02-30".into(),
            daily_target_hours: Some(30.0),
            wake_time: "25:00".into(),
        };
        let err = validate_profile(&bad, d("2026-11-22"), None).unwrap_err();
        let fields: Vec<_> = err.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["exam_name", "exam_date", "daily_target", "wake_time"]);
    }

    #[rstest]
    fn wake_time_round_trips() {
        let w = WakeTime::parse("6:30").unwrap();
        assert_eq!(w.to_string(), "06:30");
        assert!(WakeTime::from_minutes(1440).is_err());
        assert!(serde_json::from_str::<WakeTime>("1500").is_err());
    }
}
