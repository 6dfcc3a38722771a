//! What the Settings view shows.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::day::format_hm;
use crate::lang::Lang;
use crate::profile::{Exam, Profile};
use crate::reminder::ReminderTime;
use crate::schedule::WeekStart;
use crate::subject::Subject;
use crate::today::current_exam;

/// A change of time zone or day start waiting for the next study-day boundary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PendingDayRule {
    pub time_zone: String,
    /// `HH:MM`
    pub day_start: String,
    /// When it takes effect, as the local wall clock of the zone in force now (`YYYY-MM-DDTHH:MM`).
    pub takes_effect_local: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SettingsView {
    pub language: Lang,
    /// The exam the countdown is about (the nearest upcoming one, else the latest past one).
    pub exam: Option<Exam>,
    pub daily_target_minutes: u32,
    /// `HH:MM`
    pub wake_time: String,
    /// The home zone in force now.
    pub time_zone: String,
    /// The day start in force now, `HH:MM`.
    pub day_start: String,
    pub pending_day_rule: Option<PendingDayRule>,
    pub subjects: Vec<Subject>,
    pub week_start: WeekStart,
    /// The daily punch-in reminder time, `HH:MM`, or `None` when off.
    pub reminder: Option<String>,
}

impl Profile {
    pub fn settings_view(
        &self,
        language: Lang,
        now: DateTime<Utc>,
        week_start: WeekStart,
        reminder: Option<ReminderTime>,
    ) -> SettingsView {
        let rule = self.day_rules.rule_at(now);
        let today = self.day_rules.logical_date(now);
        SettingsView {
            language,
            exam: current_exam(&self.exams, today).cloned(),
            daily_target_minutes: self.daily_target.minutes(),
            wake_time: self.wake_time.to_string(),
            time_zone: rule.tz.name().to_owned(),
            day_start: format_hm(u32::from(rule.day_start.minutes())),
            pending_day_rule: self.day_rules.pending(now).map(|p| PendingDayRule {
                time_zone: p.tz.name().to_owned(),
                day_start: format_hm(u32::from(p.day_start.minutes())),
                takes_effect_local: p
                    .effective_from
                    .with_timezone(&rule.tz)
                    .format("%Y-%m-%dT%H:%M")
                    .to_string(),
            }),
            subjects: self.subjects.clone(),
            week_start,
            reminder: reminder.map(|r| r.to_string()),
        }
    }
}
