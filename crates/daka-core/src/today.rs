//! What the Today view shows: the study day, the exam countdown, subjects and the target.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Serialize;

use crate::countdown::{Countdown, plan_day};
use crate::day::format_hm;
use crate::ids::SubjectId;
use crate::profile::{Exam, Profile};
use crate::subject::Subject;
use crate::zones::offset_at;

/// The exam the countdown is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExamCountdown {
    pub exam: Exam,
    pub countdown: Countdown,
}

/// One subject with the minutes studied today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SubjectToday {
    pub subject: Subject,
    pub minutes: u32,
}

/// Everything on the Today screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TodayView {
    /// The logical study day (`YYYY-MM-DD`).
    pub date: NaiveDate,
    /// ISO weekday of `date`: 1 = Monday … 7 = Sunday.
    pub iso_weekday: u32,
    /// The home zone in force and its current offset.
    pub time_zone: String,
    pub utc_offset: String,
    /// When this study day started and when it ends, local wall clock `HH:MM`.
    pub day_start: String,
    /// The local date and time right now, `YYYY-MM-DDTHH:MM`, for "now" displays.
    pub local_now: String,
    /// `None` until an exam is set.
    pub exam: Option<ExamCountdown>,
    /// Day N of preparation, counting from the day of onboarding.
    pub plan_day: Option<u32>,
    pub subjects: Vec<SubjectToday>,
    pub total_minutes: u32,
    pub target_minutes: u32,
}

/// The exam the countdown should show: the nearest one still ahead (or today); if all are past,
/// the most recent one, so the view can suggest setting the next.
pub fn current_exam(exams: &[Exam], today: NaiveDate) -> Option<&Exam> {
    exams
        .iter()
        .filter(|e| e.date >= today)
        .min_by_key(|e| e.date)
        .or_else(|| exams.iter().max_by_key(|e| e.date))
}

impl Profile {
    /// The Today view at `now`. `minutes` holds the minutes recorded today per subject;
    /// subjects not listed have 0.
    pub fn today_view(&self, now: DateTime<Utc>, minutes: &HashMap<SubjectId, u32>) -> TodayView {
        let rule = self.day_rules.rule_at(now);
        let date = self.day_rules.logical_date(now);
        let local = now.with_timezone(&rule.tz);
        let subjects: Vec<SubjectToday> = self
            .subjects
            .iter()
            .map(|s| SubjectToday {
                subject: s.clone(),
                minutes: minutes.get(&s.id).copied().unwrap_or(0),
            })
            .collect();
        TodayView {
            date,
            iso_weekday: date.weekday().number_from_monday(),
            time_zone: rule.tz.name().to_owned(),
            utc_offset: offset_at(rule.tz, now),
            day_start: format_hm(u32::from(rule.day_start.minutes())),
            local_now: local.format("%Y-%m-%dT%H:%M").to_string(),
            exam: current_exam(&self.exams, date).map(|e| ExamCountdown {
                exam: e.clone(),
                countdown: Countdown::between(date, e.date),
            }),
            plan_day: plan_day(self.started_on, date),
            total_minutes: subjects.iter().map(|s| s.minutes).sum(),
            subjects,
            target_minutes: self.daily_target.minutes(),
        }
    }
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;
    use crate::day::DayStart;
    use crate::day_rules::{DayRule, DayRules};
    use crate::ids::{DayRuleId, ExamId};
    use crate::lang::Lang;
    use crate::profile::{DailyTarget, WakeTime};

    fn exam(date: &str) -> Exam {
        Exam { id: ExamId::generate(), name: format!("exam {date}"), date: date.parse().unwrap() }
    }

    #[rstest]
    fn the_nearest_upcoming_exam_wins_then_the_latest_past() {
        let today: NaiveDate = "2026-11-22".parse().unwrap();
        let exams = [exam("2027-06-01"), exam("2026-12-26"), exam("2025-12-20")];
        assert_eq!(current_exam(&exams, today).unwrap().date, exams[1].date);
        let past = [exam("2025-12-20"), exam("2026-11-01")];
        assert_eq!(current_exam(&past, today).unwrap().date, past[1].date);
        assert!(current_exam(&[], today).is_none());
    }

    #[rstest]
    fn today_before_the_day_start_is_still_yesterday() {
        let rules = DayRules::new(vec![DayRule {
            id: DayRuleId::generate(),
            effective_from: "2026-11-01T00:00:00Z".parse().unwrap(),
            tz: chrono_tz::Asia::Shanghai,
            day_start: DayStart::DEFAULT,
        }])
        .unwrap();
        let subject = Subject {
            id: SubjectId::generate(),
            name: "政治".into(),
            color: "#e5484d".into(),
            position: 0,
        };
        let profile = Profile {
            started_on: "2026-11-20".parse().unwrap(),
            daily_target: DailyTarget::from_minutes(480).unwrap(),
            wake_time: WakeTime::from_minutes(390).unwrap(),
            exams: vec![exam("2026-12-26")],
            subjects: vec![subject.clone()],
            day_rules: rules,
        };
        // 02:30 on the 23rd in Shanghai
        let view =
            profile.today_view("2026-11-22T18:30:00Z".parse().unwrap(), &[(subject.id, 25)].into());
        assert_eq!(view.date, "2026-11-22".parse::<NaiveDate>().unwrap());
        assert_eq!(view.iso_weekday, 7);
        assert_eq!(view.local_now, "2026-11-23T02:30");
        assert_eq!(view.exam.unwrap().countdown, Countdown::Upcoming { days_left: 34 });
        assert_eq!(view.plan_day, Some(3));
        assert_eq!(view.total_minutes, 25);
        assert_eq!(view.utc_offset, "+08:00");

        let settings = profile.settings_view(
            Lang::En,
            "2026-11-22T18:30:00Z".parse().unwrap(),
            crate::schedule::WeekStart::Monday,
            Some(crate::reminder::ReminderTime::parse("21:30").unwrap()),
        );
        assert_eq!(settings.day_start, "04:00");
        assert_eq!(settings.reminder.as_deref(), Some("21:30"));
        assert_eq!(settings.wake_time, "06:30");
        assert!(settings.pending_day_rule.is_none());
    }
}
