//! Everything the user set up and recorded, and the Today board computed from it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::calendar::{REPAIRS_PER_MONTH, StudyMoment};
use crate::goal::Goal;
use crate::journal::{DayMark, Journal, PhotoRef, PunchIn};
use crate::profile::Profile;
use crate::reminder::ReminderTime;
use crate::schedule::{Schedule, WeekStart};
use crate::streak::{DayState, DayVerdict, Habit, HabitReport, Now, Policy, StreakUnit, evaluate};
use crate::today::TodayView;

/// The profile, goals and history, as read in one transaction.
#[derive(Debug, Clone)]
pub struct Records {
    pub profile: Profile,
    /// Live goals, archived ones included.
    pub goals: Vec<Goal>,
    pub journal: Journal,
    pub week_start: WeekStart,
    /// The daily punch-in reminder, if on.
    pub reminder: Option<ReminderTime>,
}

/// A habit's numbers, without the day-by-day list.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HabitSummary {
    pub unit: StreakUnit,
    pub current_streak: u32,
    pub best_streak: u32,
    /// Loop's habit strength, 0..=1.
    pub strength: f64,
    pub freezes_banked: u32,
    pub freezes_used: u32,
    pub never_miss_twice: bool,
    pub missed_last: bool,
}

impl From<&HabitReport> for HabitSummary {
    fn from(r: &HabitReport) -> Self {
        Self {
            unit: r.unit,
            current_streak: r.current_streak,
            best_streak: r.best_streak,
            strength: r.strength,
            freezes_banked: r.freezes_banked,
            freezes_used: r.freezes_used,
            never_miss_twice: r.never_miss_twice,
            missed_last: r.missed_last,
        }
    }
}

/// A goal as Today shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GoalToday {
    pub goal: Goal,
    /// Today's amount (count, or minutes for minutes goals).
    pub amount: u32,
    pub state: DayState,
    /// For "N times a week" goals: days done this week and days needed.
    pub week_times: Option<u32>,
    pub week_required: Option<u32>,
    pub summary: HabitSummary,
}

/// A punch-in with its local time of entry, for lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PunchInView {
    pub punch_in: PunchIn,
    /// `HH:MM` in the home zone when it was written.
    pub local_time: String,
    pub total_minutes: u32,
    pub photos: Vec<PhotoRef>,
}

/// The Today screen.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TodayBoard {
    pub day: TodayView,
    /// The daily punch-in as a habit.
    pub punch_in: HabitSummary,
    /// Today's verdict for the daily punch-in (done or open).
    pub punch_in_state: DayState,
    /// Yesterday's verdict, to explain it or nudge ("don't miss twice").
    pub yesterday: Option<DayVerdict>,
    pub punch_ins: Vec<PunchInView>,
    pub goals: Vec<GoalToday>,
    pub mark: Option<DayMark>,
    /// Dates the punch-in form offers; two mean it asks "for yesterday or for today?".
    pub entry_choices: Vec<NaiveDate>,
    /// Until when yesterday can still be logged with full credit, local `YYYY-MM-DDTHH:MM`.
    pub yesterday_open_until: String,
    pub repairs_left: u32,
    pub week_start: WeekStart,
}

impl Records {
    pub fn moment(&self, now: DateTime<Utc>) -> StudyMoment {
        StudyMoment::at(&self.profile.day_rules, now)
    }

    fn now_for_streaks(&self, now: DateTime<Utc>) -> Now {
        let m = self.moment(now);
        Now { today: m.today, yesterday_open: m.yesterday_open() }
    }

    /// The daily punch-in judged as a habit since the first study day.
    pub fn punch_in_report(&self, now: DateTime<Utc>) -> HabitReport {
        let habit = Habit {
            target: 1,
            schedule: Schedule::Daily,
            active_from: self.profile.started_on.min(self.first_recorded_day()),
            active_until: None,
        };
        evaluate(
            &habit,
            &self.journal.punch_in_records(),
            self.now_for_streaks(now),
            self.week_start,
            Policy::default(),
        )
    }

    /// A goal judged as a habit.
    pub fn goal_report(&self, goal: &Goal, now: DateTime<Utc>) -> HabitReport {
        let habit = Habit {
            target: goal.target,
            schedule: goal.schedule,
            active_from: goal.active_from,
            active_until: goal.active_until,
        };
        evaluate(
            &habit,
            &self.journal.goal_records(goal),
            self.now_for_streaks(now),
            self.week_start,
            Policy::default(),
        )
    }

    /// Backfilled history may start before onboarding; streaks start from the earlier.
    fn first_recorded_day(&self) -> NaiveDate {
        self.journal.punch_ins.iter().map(|p| p.date).min().unwrap_or(self.profile.started_on)
    }

    pub fn today(&self, now: DateTime<Utc>) -> TodayBoard {
        let moment = self.moment(now);
        let today = moment.today;
        let rule = self.profile.day_rules.rule_at(now);
        let day = self.profile.today_view(now, &self.journal.subject_minutes_on(today));
        let report = self.punch_in_report(now);
        let verdict_on = |date: NaiveDate| report.days.iter().find(|v| v.date == date).copied();
        let punch_ins = self
            .journal
            .punch_ins_on(today)
            .map(|p| PunchInView {
                local_time: p.created_utc.with_timezone(&rule.tz).format("%H:%M").to_string(),
                total_minutes: p.total_minutes(),
                photos: self.journal.photos_of(p.id),
                punch_in: p.clone(),
            })
            .collect();
        let goals = self
            .goals
            .iter()
            .filter(|g| g.is_active_on(today) && g.schedule.is_due_on(today))
            .map(|g| {
                let r = self.goal_report(g, now);
                let this_week = self.week_start.week_of(today);
                let week = r.weeks.iter().find(|w| w.start == this_week);
                GoalToday {
                    amount: self.journal.goal_amount(g, today),
                    state: r
                        .days
                        .iter()
                        .find(|v| v.date == today)
                        .map_or(DayState::Open, |v| v.state),
                    week_times: week.map(|w| w.times),
                    week_required: week.map(|w| w.required),
                    summary: HabitSummary::from(&r),
                    goal: g.clone(),
                }
            })
            .collect();
        let (year, month) = moment.repair_month();
        TodayBoard {
            day,
            punch_in: HabitSummary::from(&report),
            punch_in_state: verdict_on(today).map_or(DayState::Open, |v| v.state),
            yesterday: verdict_on(moment.yesterday()),
            punch_ins,
            goals,
            mark: self.journal.status_on(today).map(|s| s.mark),
            entry_choices: moment.entry_choices(),
            yesterday_open_until: moment
                .yesterday_open_until
                .with_timezone(&rule.tz)
                .format("%Y-%m-%dT%H:%M")
                .to_string(),
            repairs_left: REPAIRS_PER_MONTH.saturating_sub(self.journal.repairs_used(year, month)),
            week_start: self.week_start,
        }
    }
}
