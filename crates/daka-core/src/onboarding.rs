//! The first-start questions and their checks.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::day::{DayStart, logical_date, parse_time_zone};
use crate::lang::Lang;
use crate::profile::{ProfileInput, ValidProfile, validate_profile};
use crate::subject::{SubjectDraft, ValidSubject, validate_subjects};
use crate::validation::{Invalid, ValidationErrors};

/// Everything the onboarding form asks, as typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OnboardingInput {
    pub exam_name: String,
    /// `YYYY-MM-DD`
    pub exam_date: String,
    pub subjects: Vec<SubjectDraft>,
    /// Hours, e.g. 7.5; `None` when the field was left empty.
    pub daily_target_hours: Option<f64>,
    /// `HH:MM`
    pub wake_time: String,
    /// IANA name, e.g. `Asia/Shanghai`
    pub time_zone: String,
    /// `HH:MM`, 00:00–06:00
    pub day_start: String,
    /// `zh-CN` or `en`
    pub language: String,
}

/// A checked onboarding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidOnboarding {
    pub profile: ValidProfile,
    pub subjects: Vec<ValidSubject>,
    pub tz: Tz,
    pub day_start: DayStart,
    pub lang: Lang,
}

/// Checks the whole form at `now`. The exam date is compared with the study day in the zone and
/// day start being chosen; if those are themselves invalid, with the earliest study day anywhere
/// on Earth, so a valid date is never refused because of another field's mistake.
pub fn validate_onboarding(
    input: &OnboardingInput,
    now: DateTime<Utc>,
) -> Result<ValidOnboarding, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let tz = errors.check("time_zone", parse_time_zone(&input.time_zone));
    let day_start = errors.check("day_start", DayStart::parse(&input.day_start));
    let lang = errors.check(
        "language",
        input
            .language
            .parse::<Lang>()
            .map_err(|_| Invalid::UnknownLanguage { value: input.language.clone() }),
    );
    let today = match (tz, day_start) {
        (Some(tz), Some(ds)) => logical_date(now, tz, ds),
        _ => logical_date(
            now,
            chrono_tz::Etc::GMTPlus12,
            DayStart::from_minutes(crate::day::MAX_DAY_START_MIN).unwrap_or_default(),
        ),
    };
    let profile_input = ProfileInput {
        exam_name: input.exam_name.clone(),
        exam_date: input.exam_date.clone(),
        daily_target_hours: input.daily_target_hours,
        wake_time: input.wake_time.clone(),
    };
    let profile = match validate_profile(&profile_input, today, None) {
        Ok(p) => Some(p),
        Err(e) => {
            for fe in e.into_errors() {
                errors.push(fe.field, fe.error);
            }
            None
        }
    };
    let subjects = match validate_subjects(&input.subjects, &HashSet::new()) {
        Ok(s) => Some(s),
        Err(e) => {
            for fe in e.into_errors() {
                errors.push(fe.field, fe.error);
            }
            None
        }
    };
    match (profile, subjects, tz, day_start, lang) {
        (Some(profile), Some(subjects), Some(tz), Some(day_start), Some(lang))
            if errors.is_empty() =>
        {
            Ok(ValidOnboarding { profile, subjects, tz, day_start, lang })
        }
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-22T10:00:00+08:00").unwrap().with_timezone(&Utc)
    }

    fn input() -> OnboardingInput {
        OnboardingInput {
            exam_name: "2027 考研".into(),
            exam_date: "2026-12-26".into(),
            subjects: vec![SubjectDraft {
                id: None, name: "政治".into(), color: "#e5484d".into()
            }],
            daily_target_hours: Some(8.0),
            wake_time: "06:30".into(),
            time_zone: "Asia/Shanghai".into(),
            day_start: "04:00".into(),
            language: "zh-CN".into(),
        }
    }

    #[rstest]
    fn a_complete_form_passes() {
        let v = validate_onboarding(&input(), now()).unwrap();
        assert_eq!(v.tz, chrono_tz::Asia::Shanghai);
        assert_eq!(v.day_start, DayStart::DEFAULT);
        assert_eq!(v.lang, Lang::ZhCn);
        assert_eq!(v.subjects.len(), 1);
    }

    #[rstest]
    #[case::bad_zone(|i: &mut OnboardingInput| i.time_zone = "Asia/Beijing".into(), "time_zone")]
    #[case::late_day_start(|i: &mut OnboardingInput| i.day_start = "07:00".into(), "day_start")]
    #[case::bad_language(|i: &mut OnboardingInput| i.language = "fr".into(), "language")]
    #[case::impossible_date(|i: &mut OnboardingInput| i.exam_date = "2027-02-30".into(), "exam_date")]
    #[case::past_date(|i: &mut OnboardingInput| i.exam_date = "2026-11-21".into(), "exam_date")]
    #[case::zero_target(|i: &mut OnboardingInput| i.daily_target_hours = Some(0.0), "daily_target")]
    #[case::huge_target(|i: &mut OnboardingInput| i.daily_target_hours = Some(30.0), "daily_target")]
    #[case::empty_target(|i: &mut OnboardingInput| i.daily_target_hours = None, "daily_target")]
    #[case::no_subjects(|i: &mut OnboardingInput| i.subjects.clear(), "subjects")]
    #[case::empty_subject(|i: &mut OnboardingInput| i.subjects[0].name = String::new(), "subjects.0.name")]
    #[case::long_subject(|i: &mut OnboardingInput| i.subjects[0].name = "x".repeat(200), "subjects.0.name")]
    fn each_bad_field_is_reported(#[case] spoil: fn(&mut OnboardingInput), #[case] field: &str) {
        let mut i = input();
        spoil(&mut i);
        let err = validate_onboarding(&i, now()).unwrap_err();
        assert_eq!(err.errors().len(), 1, "{err}");
        assert_eq!(err.errors()[0].field, field);
    }

    #[rstest]
    fn the_past_is_judged_by_the_chosen_day_start() {
        // 02:00 on the 22nd in Shanghai with a 04:00 day start is still the 21st.
        let early =
            DateTime::parse_from_rfc3339("2026-11-22T02:00:00+08:00").unwrap().with_timezone(&Utc);
        let mut i = input();
        i.exam_date = "2026-11-21".into();
        assert!(validate_onboarding(&i, early).is_ok());
        i.day_start = "00:00".into();
        assert!(validate_onboarding(&i, early).is_err());
    }
}
