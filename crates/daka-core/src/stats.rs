//! Statistics: the 52-week heatmap, minutes per subject by day, week and month, target against
//! actual, trends and totals, and the explanation of any single day. Pure functions of
//! [`Records`].

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Utc};
use serde::Serialize;

use crate::calendar::{EntryKind, REPAIRS_PER_MONTH};
use crate::goal::Goal;
use crate::ids::SubjectId;
use crate::journal::{DayMark, PhotoRef, PunchIn};
use crate::records::{HabitSummary, Records};
use crate::streak::DayVerdict;

/// Weeks shown in the heatmap.
pub const HEATMAP_WEEKS: i64 = 52;

/// One day of the heatmap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HeatCell {
    pub date: NaiveDate,
    pub minutes: u32,
    pub punch_ins: u32,
    /// The daily punch-in's verdict; `None` before the first study day or after today.
    pub verdict: Option<DayVerdict>,
}

/// Minutes per subject in one period (a day, a week or a month).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PeriodMinutes {
    /// First day of the period.
    pub start: NaiveDate,
    /// Last day of the period (inclusive).
    pub end: NaiveDate,
    /// Minutes per subject, in the subjects' order; subjects with none are left out.
    pub subjects: Vec<SubjectTotal>,
    pub total: u32,
    /// The daily target times the study days of the period so far.
    pub target: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SubjectTotal {
    pub subject_id: SubjectId,
    pub minutes: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Totals {
    pub minutes: u32,
    /// Study days with at least one punch-in.
    pub days_punched: u32,
    /// Study days since the first one (today included).
    pub days_since_start: u32,
    /// Average minutes on days with a punch-in.
    pub average_per_punched_day: u32,
    pub best_day: Option<NaiveDate>,
    pub best_day_minutes: u32,
    /// Minutes per subject over all time, in the subjects' order.
    pub subjects: Vec<SubjectTotal>,
}

/// The last 7 days against the 7 before.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Trend {
    pub last_7_minutes: u32,
    pub previous_7_minutes: u32,
    /// Relative change, e.g. 0.12 for +12 %; `None` when the previous week had nothing.
    pub change: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StatsView {
    pub today: NaiveDate,
    pub heatmap: Vec<HeatCell>,
    pub by_day: Vec<PeriodMinutes>,
    pub by_week: Vec<PeriodMinutes>,
    pub by_month: Vec<PeriodMinutes>,
    pub totals: Totals,
    pub trend: Trend,
    pub punch_in: HabitSummary,
    pub daily_target_minutes: u32,
}

/// A goal's verdict on one day, for the day's explanation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GoalDay {
    pub goal: Goal,
    pub verdict: Option<DayVerdict>,
}

/// Everything about one study day: why it counts the way it does.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DayDetail {
    pub date: NaiveDate,
    pub verdict: Option<DayVerdict>,
    pub mark: Option<DayMark>,
    pub punch_ins: Vec<PunchIn>,
    /// The photos of those punch-ins.
    pub photos: Vec<PhotoRef>,
    pub minutes: u32,
    pub goals: Vec<GoalDay>,
    /// The day may still be logged with full credit.
    pub open: bool,
    /// A backfill for this day entered now would count in the streak without a repair.
    pub backfill_counts: bool,
    pub repairs_left: u32,
}

impl Records {
    fn minutes_by_day(&self) -> BTreeMap<NaiveDate, HashMap<SubjectId, u32>> {
        let mut out: BTreeMap<NaiveDate, HashMap<SubjectId, u32>> = BTreeMap::new();
        for p in &self.journal.punch_ins {
            let day = out.entry(p.date).or_default();
            for m in &p.minutes {
                *day.entry(m.subject_id).or_insert(0) += m.minutes;
            }
        }
        out
    }

    fn subject_order(&self, minutes: &HashMap<SubjectId, u32>) -> Vec<SubjectTotal> {
        // Live subjects first in the user's order, then removed ones that still hold history.
        let mut out: Vec<SubjectTotal> = self
            .profile
            .subjects
            .iter()
            .filter_map(|s| {
                minutes.get(&s.id).map(|&m| SubjectTotal { subject_id: s.id, minutes: m })
            })
            .collect();
        let mut rest: Vec<SubjectTotal> = minutes
            .iter()
            .filter(|(id, _)| !self.profile.subjects.iter().any(|s| s.id == **id))
            .map(|(&subject_id, &minutes)| SubjectTotal { subject_id, minutes })
            .collect();
        rest.sort_by_key(|s| s.subject_id);
        out.extend(rest);
        out.retain(|s| s.minutes > 0);
        out
    }

    fn period(
        &self,
        by_day: &BTreeMap<NaiveDate, HashMap<SubjectId, u32>>,
        start: NaiveDate,
        end: NaiveDate,
        today: NaiveDate,
    ) -> PeriodMinutes {
        let mut sums: HashMap<SubjectId, u32> = HashMap::new();
        for (_, day) in by_day.range(start..=end) {
            for (&s, &m) in day {
                *sums.entry(s).or_insert(0) += m;
            }
        }
        let first = start.max(self.profile.started_on);
        let last = end.min(today);
        let study_days = u32::try_from((last - first).num_days() + 1).unwrap_or(0);
        let subjects = self.subject_order(&sums);
        PeriodMinutes {
            start,
            end,
            total: subjects.iter().map(|s| s.minutes).sum(),
            subjects,
            target: self.profile.daily_target.minutes().saturating_mul(study_days),
        }
    }

    pub fn stats(&self, now: DateTime<Utc>) -> StatsView {
        let today = self.moment(now).today;
        let report = self.punch_in_report(now);
        let verdicts: HashMap<NaiveDate, DayVerdict> =
            report.days.iter().map(|v| (v.date, *v)).collect();
        let by_day = self.minutes_by_day();
        let day_total = |d: NaiveDate| by_day.get(&d).map_or(0, |m| m.values().sum::<u32>());
        let punch_counts: HashMap<NaiveDate, u32> =
            self.journal.punch_ins.iter().fold(HashMap::new(), |mut acc, p| {
                *acc.entry(p.date).or_insert(0) += 1;
                acc
            });

        // Heatmap: whole weeks, the last one holding today.
        let last_week = self.week_start.week_of(today);
        let first = last_week - Duration::weeks(HEATMAP_WEEKS - 1);
        let heatmap = (0..HEATMAP_WEEKS * 7)
            .map(|i| first + Duration::days(i))
            .map(|date| HeatCell {
                date,
                minutes: day_total(date),
                punch_ins: punch_counts.get(&date).copied().unwrap_or(0),
                verdict: verdicts.get(&date).copied(),
            })
            .collect();

        let by_day_periods = (0..30)
            .rev()
            .map(|i| today - Duration::days(i))
            .map(|d| self.period(&by_day, d, d, today))
            .collect();
        let by_week = (0..12)
            .rev()
            .map(|i| last_week - Duration::weeks(i))
            .map(|w| self.period(&by_day, w, w + Duration::days(6), today))
            .collect();
        let month_start = today.with_day(1).unwrap_or(today);
        let by_month = (0..12u32)
            .rev()
            .filter_map(|i| month_start.checked_sub_months(Months::new(i)))
            .map(|m| {
                let end = m.checked_add_months(Months::new(1)).map_or(m, |n| n - Duration::days(1));
                self.period(&by_day, m, end, today)
            })
            .collect();

        let all: HashMap<SubjectId, u32> = by_day.values().fold(HashMap::new(), |mut acc, day| {
            for (&s, &m) in day {
                *acc.entry(s).or_insert(0) += m;
            }
            acc
        });
        let minutes: u32 = all.values().sum();
        let days_punched = u32::try_from(punch_counts.len()).unwrap_or(u32::MAX);
        let best = by_day
            .keys()
            .map(|&d| (day_total(d), d))
            .max_by_key(|&(m, d)| (m, std::cmp::Reverse(d)));
        let start = self.profile.started_on.min(by_day.keys().next().copied().unwrap_or(today));
        let totals = Totals {
            minutes,
            days_punched,
            days_since_start: u32::try_from((today - start).num_days() + 1).unwrap_or(0),
            average_per_punched_day: minutes.checked_div(days_punched).unwrap_or(0),
            best_day: best.filter(|b| b.0 > 0).map(|b| b.1),
            best_day_minutes: best.map_or(0, |b| b.0),
            subjects: self.subject_order(&all),
        };

        let sum = |from: i64, to: i64| {
            (from..to).map(|i| day_total(today - Duration::days(i))).sum::<u32>()
        };
        let (last_7, previous_7) = (sum(0, 7), sum(7, 14));
        let trend = Trend {
            last_7_minutes: last_7,
            previous_7_minutes: previous_7,
            change: (previous_7 > 0)
                .then(|| (f64::from(last_7) - f64::from(previous_7)) / f64::from(previous_7)),
        };

        StatsView {
            today,
            heatmap,
            by_day: by_day_periods,
            by_week,
            by_month,
            totals,
            trend,
            punch_in: HabitSummary::from(&report),
            daily_target_minutes: self.profile.daily_target.minutes(),
        }
    }

    /// One day, explained.
    pub fn day_detail(&self, date: NaiveDate, now: DateTime<Utc>) -> DayDetail {
        let moment = self.moment(now);
        let report = self.punch_in_report(now);
        let punch_ins: Vec<PunchIn> = self.journal.punch_ins_on(date).cloned().collect();
        DayDetail {
            date,
            verdict: report.days.iter().find(|v| v.date == date).copied(),
            mark: self.journal.status_on(date).map(|s| s.mark),
            minutes: punch_ins.iter().map(PunchIn::total_minutes).sum(),
            photos: punch_ins.iter().flat_map(|p| self.journal.photos_of(p.id)).collect(),
            punch_ins,
            goals: self
                .goals
                .iter()
                .filter(|g| !g.archived && g.is_active_on(date))
                .map(|g| GoalDay {
                    verdict: self.goal_report(g, now).days.iter().find(|v| v.date == date).copied(),
                    goal: g.clone(),
                })
                .collect(),
            open: date <= moment.today && moment.is_open(date),
            backfill_counts: EntryKind::Backfill.counts_for_streak(date, moment.today),
            repairs_left: {
                let (year, month) = moment.repair_month();
                REPAIRS_PER_MONTH.saturating_sub(self.journal.repairs_used(year, month))
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;
    use crate::day::DayStart;
    use crate::day_rules::{DayRule, DayRules};
    use crate::ids::{DayRuleId, PunchInId};
    use crate::journal::{Journal, SubjectMinutes};
    use crate::profile::{DailyTarget, Profile, WakeTime};
    use crate::schedule::WeekStart;
    use crate::streak::DayState;
    use crate::subject::Subject;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn subject(name: &str, position: u32) -> Subject {
        Subject { id: SubjectId::generate(), name: name.into(), color: "#e5484d".into(), position }
    }

    fn records(punches: &[(&str, usize, u32)]) -> Records {
        let subjects = vec![subject("政治", 0), subject("数学", 1)];
        let punch_ins = punches
            .iter()
            .map(|&(date, s, minutes)| PunchIn {
                id: PunchInId::generate(),
                date: d(date),
                kind: EntryKind::Live,
                entered_on: d(date),
                tz: "Asia/Shanghai".into(),
                utc_offset_min: 480,
                day_start_min: 240,
                created_utc: DateTime::UNIX_EPOCH,
                minutes: vec![SubjectMinutes { subject_id: subjects[s].id, minutes }],
                note: String::new(),
                mood: None,
            })
            .collect();
        Records {
            profile: Profile {
                started_on: d("2026-11-01"),
                daily_target: DailyTarget::from_minutes(120).unwrap(),
                wake_time: WakeTime::from_minutes(390).unwrap(),
                exams: vec![],
                subjects,
                day_rules: DayRules::new(vec![DayRule {
                    id: DayRuleId::generate(),
                    effective_from: "2026-11-01T00:00:00Z".parse().unwrap(),
                    tz: chrono_tz::Asia::Shanghai,
                    day_start: DayStart::DEFAULT,
                }])
                .unwrap(),
            },
            goals: vec![],
            journal: Journal { punch_ins, ..Journal::default() },
            week_start: WeekStart::Monday,
            reminder: None,
        }
    }

    fn now() -> DateTime<Utc> {
        "2026-11-22T12:00:00Z".parse().unwrap() // 20:00 in Shanghai, a Sunday
    }

    #[rstest]
    fn the_heatmap_is_52_whole_weeks_ending_with_this_one() {
        let s = records(&[("2026-11-20", 0, 90)]).stats(now());
        assert_eq!(s.heatmap.len(), 364);
        assert_eq!(s.heatmap[0].date.weekday(), chrono::Weekday::Mon);
        assert_eq!(s.heatmap.last().unwrap().date, d("2026-11-22"));
        let cell = s.heatmap.iter().find(|c| c.date == d("2026-11-20")).unwrap();
        assert_eq!(
            (cell.minutes, cell.punch_ins, cell.verdict.unwrap().state),
            (90, 1, DayState::Done)
        );
        let before = s.heatmap.iter().find(|c| c.date == d("2026-10-20")).unwrap();
        assert!(before.verdict.is_none(), "no verdict before the first study day");
    }

    #[rstest]
    fn periods_split_minutes_by_subject_with_targets() {
        let s = records(&[("2026-11-20", 0, 90), ("2026-11-20", 1, 30), ("2026-11-16", 1, 60)])
            .stats(now());
        let day = s.by_day.iter().find(|p| p.start == d("2026-11-20")).unwrap();
        assert_eq!((day.total, day.target, day.subjects.len()), (120, 120, 2));
        let week = s.by_week.last().unwrap();
        assert_eq!((week.start, week.total, week.target), (d("2026-11-16"), 180, 7 * 120));
        let month = s.by_month.last().unwrap();
        // November since onboarding on the 1st, up to today the 22nd.
        assert_eq!(
            (month.start, month.end, month.target),
            (d("2026-11-01"), d("2026-11-30"), 22 * 120)
        );
        assert_eq!(s.by_day.len(), 30);
        assert_eq!(s.by_month.len(), 12);
    }

    #[rstest]
    fn totals_and_trend() {
        let s = records(&[("2026-11-20", 0, 90), ("2026-11-20", 1, 30), ("2026-11-12", 1, 60)])
            .stats(now());
        assert_eq!(
            (s.totals.minutes, s.totals.days_punched, s.totals.average_per_punched_day),
            (180, 2, 90)
        );
        assert_eq!((s.totals.best_day, s.totals.best_day_minutes), (Some(d("2026-11-20")), 120));
        assert_eq!(s.totals.days_since_start, 22);
        assert_eq!((s.trend.last_7_minutes, s.trend.previous_7_minutes), (120, 60));
        assert!((s.trend.change.unwrap() - 1.0).abs() < 1e-9);
    }

    #[rstest]
    fn a_day_is_explained() {
        let r = records(&[("2026-11-20", 0, 90)]);
        let detail = r.day_detail(d("2026-11-20"), now());
        assert_eq!(detail.minutes, 90);
        assert_eq!(detail.verdict.unwrap().state, DayState::Done);
        assert!(!detail.open);
        let missed = r.day_detail(d("2026-11-19"), now());
        assert_eq!(missed.verdict.unwrap().state, DayState::Missed);
        assert!(r.day_detail(d("2026-11-22"), now()).open);
    }
}
