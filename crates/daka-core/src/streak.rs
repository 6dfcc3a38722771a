//! Honest streaks: the verdict of every day (or week), the current and best streak, Loop's
//! habit strength, freezes and the "never miss twice" badge. Pure: a fold over recorded facts.
//!
//! A day for a habit is judged in this order (DESIGN.md §4, research/streak-anchors.md §5.3):
//! 1. not due (outside the active range or not a scheduled weekday) — neutral;
//! 2. **done**: the amount reached the target;
//! 3. **excused**: leave, rest, travel or a repair recorded for the day — neutral;
//! 4. **open**: today, or yesterday inside its grace window — never shown as missed;
//! 5. **partial**: some amount, below target — counts in totals and strength, breaks the streak;
//! 6. **missed**.
//!
//! For the streak only amounts that count for it are used (a backfill older than two days does
//! not, unless a repair was spent): such a day shows as done, with the backfilled marker, but
//! does not extend the streak. A day that would break the streak spends a banked freeze if there
//! is one (it then shows as excused by a freeze). Freezes are earned, one per seven days counted
//! in a row, at most two banked; never bought. Everything is derived on each call: nothing here
//! is stored as truth.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::schedule::{Schedule, WeekStart};

/// Days (or weeks) counted in a row that earn one freeze.
pub const FREEZE_EVERY: u32 = 7;
/// Most freezes that can be banked.
pub const MAX_FREEZES: u32 = 2;
/// Loop's habit strength halves in 13 days without progress.
pub const HALF_LIFE_DAYS: f64 = 13.0;
/// The badge looks at this many of the latest judged days (or weeks).
pub const NEVER_MISS_TWICE_WINDOW: usize = 30;
/// ...and needs at least this many before it can be earned.
pub const NEVER_MISS_TWICE_MIN: usize = 7;

/// Why a day does not count against a streak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Excuse {
    /// 请假, marked before the day's grace window closed.
    Leave,
    /// A rest day the user chose.
    Rest,
    /// A date skipped by a change of home zone (travel east).
    Travel,
    /// Marked afterwards by spending a monthly repair.
    Repair,
    /// A banked freeze covered the day (derived, never recorded).
    Freeze,
}

/// What was recorded for one habit on one study day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DayRecord {
    /// Everything recorded (totals, heatmap, strength).
    pub amount: u32,
    /// Only what counts for streaks (see `EntryKind::counts_for_streak`).
    pub streak_amount: u32,
    /// Some of it was backfilled.
    pub backfilled: bool,
    /// A recorded excuse (leave, rest, travel, repair).
    pub excuse: Option<Excuse>,
}

/// What a habit asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Habit {
    /// Amount per day that makes the day done (≥ 1).
    pub target: u32,
    pub schedule: Schedule,
    pub active_from: NaiveDate,
    pub active_until: Option<NaiveDate>,
}

/// Where "now" is for the verdicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Now {
    pub today: NaiveDate,
    /// Yesterday is inside its grace window.
    pub yesterday_open: bool,
}

impl Now {
    fn is_open(self, date: NaiveDate) -> bool {
        date >= self.today || (self.yesterday_open && Some(date) == self.today.pred_opt())
    }
}

/// Freeze rules; tests can switch freezes off to compare with a plain count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub freeze_every: u32,
    pub max_freezes: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Self { freeze_every: FREEZE_EVERY, max_freezes: MAX_FREEZES }
    }
}

impl Policy {
    pub const NO_FREEZES: Policy = Policy { freeze_every: u32::MAX, max_freezes: 0 };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum DayState {
    NotDue,
    Done,
    Partial,
    Excused,
    Open,
    Missed,
}

/// The verdict of one day, with what the explanation needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DayVerdict {
    pub date: NaiveDate,
    pub state: DayState,
    pub amount: u32,
    pub target: u32,
    pub backfilled: bool,
    pub excuse: Option<Excuse>,
    /// The day extended the streak.
    pub counted: bool,
}

/// The verdict of one calendar week of a "N times per week" habit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WeekVerdict {
    /// First day of the week.
    pub start: NaiveDate,
    pub state: DayState,
    /// Days in the week that reached the daily target.
    pub times: u32,
    /// Days needed, after leave and rest days are taken out.
    pub required: u32,
    pub backfilled: bool,
    pub excuse: Option<Excuse>,
    pub counted: bool,
}

/// Whether the streak counts days or weeks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum StreakUnit {
    Days,
    Weeks,
}

/// Everything shown about one habit.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HabitReport {
    pub unit: StreakUnit,
    pub current_streak: u32,
    pub best_streak: u32,
    /// Loop's habit strength, 0..=1.
    pub strength: f64,
    pub freezes_banked: u32,
    pub freezes_used: u32,
    /// No two misses in a row among the latest judged days (or weeks).
    pub never_miss_twice: bool,
    /// The latest judged day (or week) was a miss: "don't miss twice".
    pub missed_last: bool,
    pub days: Vec<DayVerdict>,
    pub weeks: Vec<WeekVerdict>,
    /// The streak and strength at the end of each entry of `days` (or `weeks`), for exports.
    #[serde(skip)]
    #[cfg_attr(feature = "specta", specta(skip))]
    pub points: Vec<StreakPoint>,
}

/// Where the streak and strength stood after one day (or week).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StreakPoint {
    pub streak: u32,
    pub strength: f64,
}

/// How a period affects the streak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    Counted,
    Neutral,
    Break,
}

/// The running state of the fold over days or weeks.
#[derive(Debug)]
struct Fold {
    policy: Policy,
    /// Per-period strength multiplier.
    multiplier: f64,
    run: u32,
    best: u32,
    /// Freeze credit in counted periods: a freeze is `freeze_every` of credit, and the bank
    /// saturates at `max_freezes` freezes. One number (rather than a bank plus an "earned since"
    /// counter that restarts whenever a freeze is earned, even into a full bank) keeps the fold
    /// monotone: logging more on any day never leaves fewer freezes, or a shorter streak, later.
    credit: u32,
    used: u32,
    strength: f64,
    /// Judged periods, `true` for a miss (for the badge).
    judged: Vec<bool>,
}

impl Fold {
    fn new(policy: Policy, period_days: f64) -> Self {
        Self {
            policy,
            multiplier: 0.5f64.powf(period_days / HALF_LIFE_DAYS),
            run: 0,
            best: 0,
            credit: 0,
            used: 0,
            strength: 0.0,
            judged: Vec::new(),
        }
    }

    /// Applies one period; returns `true` when a freeze covered it.
    fn step(&mut self, effect: Effect, strength_value: Option<f64>, is_miss: Option<bool>) -> bool {
        if let Some(v) = strength_value {
            self.strength =
                self.strength * self.multiplier + v.clamp(0.0, 1.0) * (1.0 - self.multiplier);
        }
        if let Some(miss) = is_miss {
            self.judged.push(miss);
        }
        match effect {
            Effect::Counted => {
                self.run += 1;
                self.best = self.best.max(self.run);
                self.credit = (self.credit + 1).min(self.credit_cap());
                false
            }
            Effect::Neutral => false,
            Effect::Break if self.freezes() > 0 => {
                self.credit -= self.policy.freeze_every;
                self.used += 1;
                true
            }
            Effect::Break => {
                // Freezes are earned by *consecutive* done periods: a real break loses the
                // progress toward the next one.
                self.run = 0;
                self.credit = 0;
                false
            }
        }
    }

    fn credit_cap(&self) -> u32 {
        self.policy.max_freezes.saturating_mul(self.policy.freeze_every)
    }

    /// Whole freezes in the bank.
    fn freezes(&self) -> u32 {
        self.credit / self.policy.freeze_every.max(1)
    }

    fn badge(&self) -> (bool, bool) {
        let recent = &self.judged[self.judged.len().saturating_sub(NEVER_MISS_TWICE_WINDOW)..];
        let twice = recent.windows(2).any(|w| w[0] && w[1]);
        let never = self.judged.len() >= NEVER_MISS_TWICE_MIN && !twice;
        (never, self.judged.last().copied().unwrap_or(false))
    }
}

/// Judges a habit from its records up to `now.today`.
pub fn evaluate(
    habit: &Habit,
    records: &BTreeMap<NaiveDate, DayRecord>,
    now: Now,
    week_start: WeekStart,
    policy: Policy,
) -> HabitReport {
    match habit.schedule {
        Schedule::PerWeek { times } => {
            evaluate_weekly(habit, times, records, now, week_start, policy)
        }
        _ => evaluate_daily(habit, records, now, policy),
    }
}

fn last_day(habit: &Habit, now: Now) -> NaiveDate {
    habit.active_until.map_or(now.today, |u| u.min(now.today))
}

fn evaluate_daily(
    habit: &Habit,
    records: &BTreeMap<NaiveDate, DayRecord>,
    now: Now,
    policy: Policy,
) -> HabitReport {
    let target = habit.target.max(1);
    let mut fold = Fold::new(policy, 1.0);
    let end = last_day(habit, now);
    let span = usize::try_from((end - habit.active_from).num_days() + 1).unwrap_or(0);
    let mut days = Vec::with_capacity(span);
    let mut points = Vec::with_capacity(span);
    // Records and days are both in date order: walk them together instead of a map lookup a day
    // (this loop runs 3,650 times per habit on a 10-year history).
    let mut pending = records.range(habit.active_from..).peekable();
    let mut date = habit.active_from;
    while date <= end {
        let rec = match pending.peek() {
            Some((d, r)) if **d == date => {
                let r = **r;
                pending.next();
                r
            }
            _ => DayRecord::default(),
        };
        let due = habit.schedule.is_due_on(date);
        let open = now.is_open(date);
        let state = if !due {
            DayState::NotDue
        } else if rec.amount >= target {
            DayState::Done
        } else if rec.excuse.is_some() {
            DayState::Excused
        } else if open {
            DayState::Open
        } else if rec.amount > 0 {
            DayState::Partial
        } else {
            DayState::Missed
        };
        let effect = if !due {
            Effect::Neutral
        } else if rec.streak_amount >= target {
            Effect::Counted
        } else if rec.excuse.is_some() || open {
            Effect::Neutral
        } else {
            Effect::Break
        };
        // Strength follows the work actually done on closed due days (and a done today).
        let strength_value = match state {
            DayState::Done | DayState::Partial | DayState::Missed => {
                Some(f64::from(rec.amount) / f64::from(target))
            }
            _ => None,
        };
        let is_miss = match state {
            DayState::Done => Some(false),
            DayState::Partial | DayState::Missed => Some(true),
            _ => None,
        };
        let frozen = fold.step(effect, strength_value, is_miss);
        points.push(StreakPoint { streak: fold.run, strength: fold.strength });
        days.push(DayVerdict {
            date,
            state: if frozen { DayState::Excused } else { state },
            amount: rec.amount,
            target,
            backfilled: rec.backfilled,
            excuse: if frozen { Some(Excuse::Freeze) } else { rec.excuse },
            counted: effect == Effect::Counted,
        });
        let Some(next) = date.succ_opt() else { break };
        date = next;
    }
    let (never_miss_twice, missed_last) = fold.badge();
    HabitReport {
        unit: StreakUnit::Days,
        current_streak: fold.run,
        best_streak: fold.best,
        strength: fold.strength,
        freezes_banked: fold.freezes(),
        freezes_used: fold.used,
        never_miss_twice,
        missed_last,
        days,
        weeks: Vec::new(),
        points,
    }
}

fn evaluate_weekly(
    habit: &Habit,
    times_per_week: u8,
    records: &BTreeMap<NaiveDate, DayRecord>,
    now: Now,
    week_start: WeekStart,
    policy: Policy,
) -> HabitReport {
    let target = habit.target.max(1);
    let end = last_day(habit, now);
    let active = |d: NaiveDate| d >= habit.active_from && habit.active_until.is_none_or(|u| d <= u);
    let mut fold = Fold::new(policy, 7.0);
    let mut days = Vec::new();
    let mut weeks = Vec::new();
    let mut points = Vec::new();
    let mut week = week_start.week_of(habit.active_from);
    while week <= end {
        let mut in_range = 0u32;
        let (mut times, mut times_streak, mut excused) = (0u32, 0u32, 0u32);
        let mut backfilled = false;
        let mut excuse = None;
        // The week's records in one range query rather than seven lookups.
        let mut week_records = [DayRecord::default(); 7];
        for (d, r) in records.range(week..=week + Duration::days(6)) {
            if let Ok(i) = usize::try_from((*d - week).num_days()) {
                week_records[i.min(6)] = *r;
            }
        }
        for (offset, rec) in (0i64..).zip(week_records) {
            let date = week + Duration::days(offset);
            if !active(date) {
                continue;
            }
            in_range += 1;
            let done = rec.amount >= target;
            if date <= now.today {
                times += u32::from(done);
                times_streak += u32::from(rec.streak_amount >= target);
                backfilled |= done && rec.backfilled;
                days.push(DayVerdict {
                    date,
                    // A day of a weekly goal is never required by itself: not done, it is
                    // "not due" once past, but still "open" while it can be logged (today, or
                    // yesterday in grace) — "Not due today" on the last chance of a week misleads.
                    state: if done {
                        DayState::Done
                    } else if rec.excuse.is_some() {
                        DayState::Excused
                    } else if now.is_open(date) {
                        DayState::Open
                    } else {
                        DayState::NotDue
                    },
                    amount: rec.amount,
                    target,
                    backfilled: rec.backfilled,
                    excuse: rec.excuse,
                    counted: false,
                });
            }
            if !done && rec.excuse.is_some() {
                excused += 1;
                excuse = excuse.or(rec.excuse);
            }
        }
        let required = u32::from(times_per_week).min(in_range.saturating_sub(excused));
        // The week stays open while its last active day is open (today, or yesterday in grace).
        let last_active = habit
            .active_until
            .map_or(week + Duration::days(6), |u| u.min(week + Duration::days(6)));
        let open = now.is_open(last_active);
        let (state, effect) = if required == 0 {
            (DayState::Excused, Effect::Neutral)
        } else if times_streak >= required {
            (DayState::Done, Effect::Counted)
        } else if open {
            (DayState::Open, Effect::Neutral)
        } else if times >= required {
            (DayState::Done, Effect::Break)
        } else if times > 0 {
            (DayState::Partial, Effect::Break)
        } else {
            (DayState::Missed, Effect::Break)
        };
        let strength_value = (required > 0 && state != DayState::Open)
            .then(|| f64::from(times) / f64::from(required));
        let is_miss = match state {
            DayState::Done => Some(effect == Effect::Break),
            DayState::Partial | DayState::Missed => Some(true),
            _ => None,
        };
        let frozen = fold.step(effect, strength_value, is_miss);
        points.push(StreakPoint { streak: fold.run, strength: fold.strength });
        weeks.push(WeekVerdict {
            start: week,
            state: if frozen { DayState::Excused } else { state },
            times,
            required,
            backfilled,
            excuse: if frozen {
                Some(Excuse::Freeze)
            } else if required == 0 {
                excuse
            } else {
                None
            },
            counted: effect == Effect::Counted,
        });
        week += Duration::days(7);
    }
    let (never_miss_twice, missed_last) = fold.badge();
    HabitReport {
        unit: StreakUnit::Weeks,
        current_streak: fold.run,
        best_streak: fold.best,
        strength: fold.strength,
        freezes_banked: fold.freezes(),
        freezes_used: fold.used,
        never_miss_twice,
        missed_last,
        days,
        weeks,
        points,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rstest::rstest;

    use super::*;
    use crate::schedule::WeekdaySet;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn daily(from: &str) -> Habit {
        Habit { target: 1, schedule: Schedule::Daily, active_from: d(from), active_until: None }
    }

    fn done() -> DayRecord {
        DayRecord { amount: 1, streak_amount: 1, ..DayRecord::default() }
    }

    fn now(today: &str) -> Now {
        Now { today: d(today), yesterday_open: false }
    }

    /// Records from a string, one char per day starting at `from`: `x` done, `.` nothing,
    /// `p` partial (target 2), `l` leave, `b` old backfill (done, not counted).
    fn records(from: &str, days: &str) -> BTreeMap<NaiveDate, DayRecord> {
        let start = d(from);
        days.chars()
            .enumerate()
            .filter_map(|(i, c)| {
                let date = start + Duration::days(i64::try_from(i).unwrap());
                let rec = match c {
                    'x' => DayRecord { amount: 2, streak_amount: 2, ..DayRecord::default() },
                    'p' => DayRecord { amount: 1, streak_amount: 1, ..DayRecord::default() },
                    'l' => DayRecord { excuse: Some(Excuse::Leave), ..DayRecord::default() },
                    'b' => {
                        DayRecord { amount: 2, streak_amount: 0, backfilled: true, excuse: None }
                    }
                    _ => return None,
                };
                Some((date, rec))
            })
            .collect()
    }

    fn run(days: &str, policy: Policy) -> HabitReport {
        let habit = Habit { target: 2, ..daily("2026-11-01") };
        let today = d("2026-11-01") + Duration::days(i64::try_from(days.len()).unwrap() - 1);
        evaluate(
            &habit,
            &records("2026-11-01", days),
            Now { today, yesterday_open: false },
            WeekStart::Monday,
            policy,
        )
    }

    fn states(r: &HabitReport) -> String {
        r.days
            .iter()
            .map(|v| match (v.state, v.excuse) {
                (DayState::Done, _) => 'x',
                (DayState::Partial, _) => 'p',
                (DayState::Missed, _) => '.',
                (DayState::Open, _) => 'o',
                (DayState::Excused, Some(Excuse::Freeze)) => 'f',
                (DayState::Excused, _) => 'l',
                (DayState::NotDue, _) => '-',
            })
            .collect()
    }

    #[rstest]
    #[case::all_done("xxxxx", 5, 5)]
    #[case::open_today_does_not_break("xxxx.", 4, 4)]
    #[case::a_miss_resets("xx.xx", 2, 2)]
    #[case::partial_breaks("xxpx.", 1, 2)]
    #[case::leave_is_neutral("xxlxx", 4, 4)]
    #[case::old_backfill_shows_but_does_not_count("xxbxx", 2, 2)]
    fn streaks_without_freezes(#[case] days: &str, #[case] current: u32, #[case] best: u32) {
        let r = run(days, Policy::NO_FREEZES);
        assert_eq!((r.current_streak, r.best_streak), (current, best), "{}", states(&r));
    }

    #[rstest]
    fn seven_days_in_a_row_earn_a_freeze_that_covers_the_next_miss() {
        let r = run("xxxxxxx.xx", Policy::default());
        assert_eq!(states(&r), "xxxxxxxfxx");
        assert_eq!((r.current_streak, r.freezes_used, r.freezes_banked), (9, 1, 0));
        // Without a banked freeze the same miss breaks it.
        let r = run("xxxxxx.xx", Policy::default());
        assert_eq!((r.current_streak, r.freezes_used), (2, 0));
    }

    #[rstest]
    fn at_most_two_freezes_are_banked() {
        let r = run(&"x".repeat(40), Policy::default());
        assert_eq!(r.freezes_banked, MAX_FREEZES);
        let r = run(&format!("{}...x", "x".repeat(40)), Policy::default());
        assert_eq!(states(&r).chars().rev().take(4).collect::<String>(), "x.ff");
        assert_eq!(r.current_streak, 1);
    }

    #[rstest]
    fn yesterday_in_grace_is_open_not_missed() {
        let habit = daily("2026-11-01");
        let recs = records("2026-11-01", "xx");
        let report = |open| {
            evaluate(
                &Habit { target: 2, ..habit },
                &recs,
                Now { today: d("2026-11-04"), yesterday_open: open },
                WeekStart::Monday,
                Policy::NO_FREEZES,
            )
        };
        let r = report(true);
        assert_eq!(states(&r), "xxoo");
        assert_eq!(r.current_streak, 2);
        let r = report(false);
        assert_eq!(states(&r), "xx.o");
        assert_eq!(r.current_streak, 0);
    }

    #[rstest]
    fn rest_weekdays_are_not_due() {
        // 2026-11-02 is a Monday; due Monday to Friday.
        let habit = Habit {
            target: 1,
            schedule: Schedule::Weekdays { days: WeekdaySet::from_iso(&[1, 2, 3, 4, 5]).unwrap() },
            active_from: d("2026-11-02"),
            active_until: None,
        };
        let recs: BTreeMap<_, _> =
            ["2026-11-06", "2026-11-09"].iter().map(|s| (d(s), done())).collect();
        let r = evaluate(&habit, &recs, now("2026-11-09"), WeekStart::Monday, Policy::NO_FREEZES);
        assert_eq!(r.current_streak, 2, "Friday and Monday, the weekend in between is not due");
        assert_eq!(r.days[5].state, DayState::NotDue);
    }

    #[rstest]
    fn weekly_goals_count_weeks() {
        let habit = Habit {
            target: 1,
            schedule: Schedule::PerWeek { times: 3 },
            active_from: d("2026-11-02"),
            active_until: None,
        };
        let mut recs = BTreeMap::new();
        for s in
            ["2026-11-02", "2026-11-04", "2026-11-06", "2026-11-09", "2026-11-10", "2026-11-16"]
        {
            recs.insert(d(s), done());
        }
        // Third week: one leave day leaves 6 days; still 3 needed.
        recs.insert(
            d("2026-11-17"),
            DayRecord { excuse: Some(Excuse::Leave), ..DayRecord::default() },
        );
        let r = evaluate(&habit, &recs, now("2026-11-18"), WeekStart::Monday, Policy::NO_FREEZES);
        let weeks: Vec<_> = r.weeks.iter().map(|w| (w.state, w.times, w.required)).collect();
        assert_eq!(
            weeks,
            [(DayState::Done, 3, 3), (DayState::Partial, 2, 3), (DayState::Open, 1, 3)]
        );
        assert_eq!((r.unit, r.current_streak, r.best_streak), (StreakUnit::Weeks, 0, 1));
        // Days of a weekly goal: past and not done is "not due"; today, still loggable, "open".
        let day = |s: &str| r.days.iter().find(|v| v.date == d(s)).map(|v| v.state);
        assert_eq!(day("2026-11-12"), Some(DayState::NotDue));
        assert_eq!(day("2026-11-18"), Some(DayState::Open));
    }

    #[rstest]
    fn a_week_fully_on_leave_is_excused() {
        let habit = Habit {
            target: 1,
            schedule: Schedule::PerWeek { times: 2 },
            active_from: d("2026-11-02"),
            active_until: None,
        };
        let recs: BTreeMap<_, _> = (2..=8)
            .map(|i| {
                (
                    d(&format!("2026-11-{i:02}")),
                    DayRecord { excuse: Some(Excuse::Leave), ..DayRecord::default() },
                )
            })
            .collect();
        let r = evaluate(&habit, &recs, now("2026-11-10"), WeekStart::Monday, Policy::NO_FREEZES);
        assert_eq!(r.weeks[0].state, DayState::Excused);
        assert_eq!(r.weeks[0].required, 0);
    }

    #[rstest]
    fn strength_rises_with_work_and_holds_over_excused_days() {
        let r1 = run("xxxxx", Policy::default());
        let r2 = run("xxxxxxxxxx", Policy::default());
        assert!(r2.strength > r1.strength && r1.strength > 0.0);
        let r3 = run("xxxxxlllll", Policy::default());
        assert!((r3.strength - r1.strength).abs() < 1e-12, "excused days leave it unchanged");
        // 13 missed days halve it.
        let done = run(&"x".repeat(30), Policy::NO_FREEZES).strength;
        let after =
            run(&format!("{}{}", "x".repeat(30), ".".repeat(14)), Policy::NO_FREEZES).strength;
        assert!((after - done * 0.5).abs() < 1e-9, "{after} vs {done}");
    }

    #[rstest]
    fn never_miss_twice() {
        assert!(run("xxxx.xxx.xx", Policy::NO_FREEZES).never_miss_twice);
        assert!(!run("xxxx..xxxxx", Policy::NO_FREEZES).never_miss_twice);
        assert!(!run("x.x", Policy::NO_FREEZES).never_miss_twice, "too little history");
        let r = run("xxxxxxxx.o", Policy::NO_FREEZES);
        assert!(r.missed_last);
    }

    #[rstest]
    fn the_active_range_bounds_the_days() {
        let habit = Habit { active_until: Some(d("2026-11-03")), ..daily("2026-11-02") };
        let recs: BTreeMap<_, _> = [(d("2026-11-02"), done()), (d("2026-11-03"), done())].into();
        let r = evaluate(&habit, &recs, now("2026-11-20"), WeekStart::Monday, Policy::NO_FREEZES);
        assert_eq!(r.days.len(), 2);
        assert_eq!(r.current_streak, 2);
    }

    /// The current streak by a plain walk back from today, skipping neutral days.
    fn naive_current(r: &HabitReport) -> u32 {
        let mut n = 0;
        let today = r.days.last().map(|v| v.date);
        for v in r.days.iter().rev() {
            if Some(v.date) == today && !v.counted {
                continue; // today is open until it ends
            }
            match v.state {
                DayState::NotDue | DayState::Open => {}
                DayState::Excused if v.excuse != Some(Excuse::Freeze) => {}
                _ if v.counted => n += 1,
                _ => break,
            }
        }
        n
    }

    fn day_strategy() -> impl Strategy<Value = char> {
        prop_oneof![6 => Just('x'), 2 => Just('.'), 1 => Just('p'), 1 => Just('l'), 1 => Just('b')]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        #[test]
        fn matches_a_plain_count_without_freezes(days in proptest::collection::vec(day_strategy(), 1..120)) {
            let days: String = days.into_iter().collect();
            let r = run(&days, Policy::NO_FREEZES);
            prop_assert_eq!(r.current_streak, naive_current(&r));
            prop_assert!(r.best_streak >= r.current_streak);
            prop_assert!((0.0..=1.0).contains(&r.strength));
        }

        #[test]
        fn doing_more_never_lowers_a_streak(
            days in proptest::collection::vec(day_strategy(), 1..120),
            at in any::<prop::sample::Index>(),
            excuse in any::<bool>(),
        ) {
            let before: String = days.iter().collect();
            let mut after = days;
            let i = at.index(after.len());
            after[i] = if excuse && after[i] != 'x' { 'l' } else { 'x' };
            let after: String = after.into_iter().collect();
            for policy in [Policy::NO_FREEZES, Policy::default()] {
                let (a, b) = (run(&before, policy), run(&after, policy));
                prop_assert!(b.current_streak >= a.current_streak, "{} → {}", states(&a), states(&b));
                prop_assert!(b.best_streak >= a.best_streak);
                prop_assert!(b.freezes_banked <= MAX_FREEZES);
            }
        }
    }
}
