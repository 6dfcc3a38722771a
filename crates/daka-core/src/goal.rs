//! Daily goals: "背 20 个单词", "2 套真题", "数学 90 分钟".

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ids::{GoalId, SubjectId};
use crate::schedule::{Schedule, WeekdaySet};
use crate::validation::{Invalid, ValidationErrors, parse_date, single_line};

pub const MAX_GOAL_TITLE_CHARS: usize = 40;
pub const MAX_UNIT_CHARS: usize = 8;
/// The largest daily target (10,000 words is already heroic).
pub const MAX_GOAL_TARGET: u32 = 10_000;
/// Most live goals one person keeps.
pub const MAX_GOALS: usize = 50;

/// What a goal counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Units the user adds by hand or ticks in a punch-in (words, papers, pages).
    Count,
    /// Study minutes, taken from punch-ins: of the goal's subject, or of all subjects.
    Minutes,
}

impl Measure {
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::Count => "count",
            Measure::Minutes => "minutes",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "count" => Some(Measure::Count),
            "minutes" => Some(Measure::Minutes),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Goal {
    pub id: GoalId,
    pub title: String,
    /// 个 / 套 / 页; empty for minutes goals (the UI says 分钟).
    pub unit: String,
    pub target: u32,
    pub measure: Measure,
    pub subject_id: Option<SubjectId>,
    pub schedule: Schedule,
    pub active_from: NaiveDate,
    pub active_until: Option<NaiveDate>,
    pub archived: bool,
    pub position: u32,
}

impl Goal {
    pub fn is_active_on(&self, date: NaiveDate) -> bool {
        !self.archived
            && date >= self.active_from
            && self.active_until.is_none_or(|until| date <= until)
    }
}

/// A schedule as chosen in the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ScheduleInput {
    Daily,
    /// ISO weekdays, 1 = Monday … 7 = Sunday.
    Weekdays {
        days: Vec<u8>,
    },
    PerWeek {
        times: u8,
    },
}

/// A goal as typed in the form. `id` is set when editing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GoalInput {
    pub id: Option<String>,
    pub title: String,
    pub unit: String,
    pub target: Option<f64>,
    pub measure: Measure,
    pub subject_id: Option<String>,
    pub schedule: ScheduleInput,
    /// `YYYY-MM-DD`; empty means today.
    pub active_from: String,
    /// `YYYY-MM-DD` or empty for "no end".
    pub active_until: String,
}

/// A checked goal, ready to store (the store assigns the id and position of a new goal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidGoal {
    pub id: Option<GoalId>,
    pub title: String,
    pub unit: String,
    pub target: u32,
    pub measure: Measure,
    pub subject_id: Option<SubjectId>,
    pub schedule: Schedule,
    pub active_from: NaiveDate,
    pub active_until: Option<NaiveDate>,
}

fn target(value: Option<f64>) -> Result<u32, Invalid> {
    let range = Invalid::QuantityOutOfRange { min: 1, max: MAX_GOAL_TARGET };
    let v = value.ok_or(Invalid::Required)?;
    if !v.is_finite() || v.fract() != 0.0 || !(1.0..=f64::from(MAX_GOAL_TARGET)).contains(&v) {
        return Err(range);
    }
    // Integral and in 1..=10,000, checked above.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Ok(v as u32)
}

fn schedule(input: &ScheduleInput) -> Result<Schedule, Invalid> {
    match input {
        ScheduleInput::Daily => Ok(Schedule::Daily),
        ScheduleInput::Weekdays { days } => {
            Ok(Schedule::Weekdays { days: WeekdaySet::from_iso(days)? })
        }
        ScheduleInput::PerWeek { times } => Schedule::PerWeek { times: *times }.validate(),
    }
}

/// Checks a goal form. `known_goals` and `subjects` are the live ids; `today` is the study day
/// (the default start).
pub fn validate_goal(
    input: &GoalInput,
    known_goals: &HashSet<GoalId>,
    subjects: &HashSet<SubjectId>,
    today: NaiveDate,
) -> Result<ValidGoal, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let id = match input.id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(None),
        Some(raw) => match raw.parse::<GoalId>() {
            Ok(id) if known_goals.contains(&id) => Some(Some(id)),
            _ => {
                errors.push("id", Invalid::UnknownId { value: raw.to_owned() });
                None
            }
        },
    };
    let title = errors.check("title", single_line(&input.title, MAX_GOAL_TITLE_CHARS));
    let unit = match input.measure {
        Measure::Minutes => Some(String::new()),
        Measure::Count => errors.check("unit", single_line(&input.unit, MAX_UNIT_CHARS)),
    };
    let target = errors.check("target", target(input.target));
    let subject_id = match input.subject_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(None),
        Some(raw) => match raw.parse::<SubjectId>() {
            Ok(s) if subjects.contains(&s) => Some(Some(s)),
            _ => {
                errors.push("subject_id", Invalid::UnknownId { value: raw.to_owned() });
                None
            }
        },
    };
    let schedule = errors.check("schedule", schedule(&input.schedule));
    let active_from = if input.active_from.trim().is_empty() {
        Some(today)
    } else {
        errors.check("active_from", parse_date(&input.active_from))
    };
    let active_until = if input.active_until.trim().is_empty() {
        Some(None)
    } else {
        errors.check("active_until", parse_date(&input.active_until).map(Some))
    };
    if let (Some(from), Some(Some(until))) = (active_from, active_until)
        && until < from
    {
        errors.push("active_until", Invalid::EndBeforeStart);
    }
    match (id, title, unit, target, subject_id, schedule, active_from, active_until) {
        (
            Some(id),
            Some(title),
            Some(unit),
            Some(target),
            Some(subject_id),
            Some(schedule),
            Some(active_from),
            Some(active_until),
        ) if errors.is_empty() => Ok(ValidGoal {
            id,
            title,
            unit,
            target,
            measure: input.measure,
            subject_id,
            schedule,
            active_from,
            active_until,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    fn input() -> GoalInput {
        GoalInput {
            id: None,
            title: "背单词".into(),
            unit: "个".into(),
            target: Some(20.0),
            measure: Measure::Count,
            subject_id: None,
            schedule: ScheduleInput::Daily,
            active_from: String::new(),
            active_until: String::new(),
        }
    }

    fn today() -> NaiveDate {
        "2026-11-22".parse().unwrap()
    }

    fn check(i: &GoalInput) -> Result<ValidGoal, ValidationErrors> {
        validate_goal(i, &HashSet::new(), &HashSet::new(), today())
    }

    #[rstest]
    fn a_good_goal_starts_today_by_default() {
        let g = check(&input()).unwrap();
        assert_eq!(g.active_from, today());
        assert_eq!((g.target, g.unit.as_str()), (20, "个"));
    }

    #[rstest]
    #[case(None)]
    #[case(Some(0.0))]
    #[case(Some(-5.0))]
    #[case(Some(2.5))]
    #[case(Some(1e9))]
    #[case(Some(f64::NAN))]
    fn absurd_targets_are_refused(#[case] target: Option<f64>) {
        let mut i = input();
        i.target = target;
        assert_eq!(check(&i).unwrap_err().errors()[0].field, "target");
    }

    #[rstest]
    fn minutes_goals_need_no_unit_and_schedules_are_checked() {
        let mut i = input();
        i.measure = Measure::Minutes;
        i.unit = String::new();
        i.schedule = ScheduleInput::Weekdays { days: vec![] };
        i.active_from = "2026-02-30".into();
        i.active_until = "2026-01-01".into();
        let fields: Vec<_> =
            check(&i).unwrap_err().errors().iter().map(|e| e.field.clone()).collect();
        assert_eq!(fields, ["schedule", "active_from"]);
        i.active_from = "2026-02-01".into();
        i.schedule = ScheduleInput::PerWeek { times: 3 };
        assert_eq!(check(&i).unwrap_err().errors()[0].error, Invalid::EndBeforeStart);
    }

    #[rstest]
    fn unknown_ids_are_refused() {
        let mut i = input();
        i.id = Some(GoalId::generate().to_string());
        i.subject_id = Some("nope".into());
        let fields: Vec<_> =
            check(&i).unwrap_err().errors().iter().map(|e| e.field.clone()).collect();
        assert_eq!(fields, ["id", "subject_id"]);
    }
}
