//! The user's history in memory — punch-ins, goal progress, day marks — and what is derived
//! from it: the day records streaks are judged on, minutes per subject, repairs used.
//!
//! The store loads a [`Journal`]; everything here is a pure function of it. Nothing derived is
//! ever written back (DESIGN.md §3: derived numbers are computed, never stored as truth).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::EntryKind;
use crate::goal::{Goal, Measure};
use crate::ids::{DayStatusId, GoalId, PhotoId, ProgressId, PunchInId, SubjectId};
use crate::streak::{DayRecord, Excuse};

/// How the day felt, chosen in the punch-in form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Mood {
    Great,
    Good,
    Okay,
    Tired,
    Down,
}

impl Mood {
    /// The mood's word in `lang`, as the punch-in form shows it (for share cards).
    pub fn label(self, lang: crate::lang::Lang) -> &'static str {
        match self {
            Mood::Great => lang.pick("很棒", "Great"),
            Mood::Good => lang.pick("不错", "Good"),
            Mood::Okay => lang.pick("一般", "Okay"),
            Mood::Tired => lang.pick("有点累", "Tired"),
            Mood::Down => lang.pick("低落", "Down"),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Mood::Great => "great",
            Mood::Good => "good",
            Mood::Okay => "okay",
            Mood::Tired => "tired",
            Mood::Down => "down",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "great" => Mood::Great,
            "good" => Mood::Good,
            "okay" => Mood::Okay,
            "tired" => Mood::Tired,
            "down" => Mood::Down,
            _ => return None,
        })
    }
}

/// One punch-in. `date`, `kind`, `entered_on` and the zone fields are frozen when it is made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PunchIn {
    pub id: PunchInId,
    /// The study day it counts for.
    pub date: NaiveDate,
    pub kind: EntryKind,
    /// The study day it was written on.
    pub entered_on: NaiveDate,
    /// The home zone, its UTC offset and the day start in force when it was written.
    pub tz: String,
    pub utc_offset_min: i32,
    pub day_start_min: u16,
    pub created_utc: DateTime<Utc>,
    /// Minutes per subject, subjects in the user's order.
    pub minutes: Vec<SubjectMinutes>,
    pub note: String,
    pub mood: Option<Mood>,
}

impl PunchIn {
    pub fn total_minutes(&self) -> u32 {
        self.minutes.iter().map(|m| m.minutes).sum()
    }

    pub fn counts_for_streak(&self) -> bool {
        self.kind.counts_for_streak(self.date, self.entered_on)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SubjectMinutes {
    pub subject_id: SubjectId,
    pub minutes: u32,
}

/// One change of a count goal's progress: +/- on Today, or a goal ticked in a punch-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressEntry {
    pub id: ProgressId,
    pub goal_id: GoalId,
    pub date: NaiveDate,
    /// Signed: the "−" button writes a negative entry; a day's sum never goes below 0.
    pub delta: i32,
    pub kind: EntryKind,
    pub entered_on: NaiveDate,
    /// Set when the entry came from ticking the goal in a punch-in (deleted with it).
    pub punch_in_id: Option<PunchInId>,
}

/// What a day was marked as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum DayMark {
    /// 请假: the whole day is excused.
    Leave,
    /// A rest day.
    Rest,
    /// Excused afterwards by spending a monthly repair.
    Repair,
}

impl DayMark {
    pub fn as_str(self) -> &'static str {
        match self {
            DayMark::Leave => "leave",
            DayMark::Rest => "rest",
            DayMark::Repair => "repair",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "leave" => DayMark::Leave,
            "rest" => DayMark::Rest,
            "repair" => DayMark::Repair,
            _ => return None,
        })
    }

    pub fn excuse(self) -> Excuse {
        match self {
            DayMark::Leave => Excuse::Leave,
            DayMark::Rest => Excuse::Rest,
            DayMark::Repair => Excuse::Repair,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DayStatus {
    pub id: DayStatusId,
    pub date: NaiveDate,
    pub mark: DayMark,
    pub entered_on: NaiveDate,
}

/// A photo attached to a punch-in (the files are in the data folder, see `daka-photos`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PhotoRef {
    pub id: PhotoId,
    pub punch_in_id: PunchInId,
    /// 0-based display order within the punch-in.
    pub position: u8,
    pub width: u32,
    pub height: u32,
}

/// Everything recorded, live rows only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Journal {
    pub punch_ins: Vec<PunchIn>,
    pub progress: Vec<ProgressEntry>,
    pub statuses: Vec<DayStatus>,
    /// Dates skipped by a change of home zone (travel east).
    pub travel: BTreeSet<NaiveDate>,
    /// Photos of live punch-ins, by punch-in then position.
    pub photos: Vec<PhotoRef>,
}

impl Journal {
    /// A punch-in's photos in display order.
    pub fn photos_of(&self, id: PunchInId) -> Vec<PhotoRef> {
        self.photos.iter().filter(|p| p.punch_in_id == id).copied().collect()
    }

    pub fn punch_ins_on(&self, date: NaiveDate) -> impl Iterator<Item = &PunchIn> {
        self.punch_ins.iter().filter(move |p| p.date == date)
    }

    pub fn punch_in(&self, id: PunchInId) -> Option<&PunchIn> {
        self.punch_ins.iter().find(|p| p.id == id)
    }

    pub fn status_on(&self, date: NaiveDate) -> Option<&DayStatus> {
        self.statuses.iter().find(|s| s.date == date)
    }

    /// Minutes recorded on `date`, leaving out one punch-in (the one being edited).
    pub fn minutes_on(&self, date: NaiveDate, excluding: Option<PunchInId>) -> u32 {
        self.punch_ins_on(date)
            .filter(|p| Some(p.id) != excluding)
            .map(PunchIn::total_minutes)
            .sum()
    }

    /// Minutes per subject on `date`.
    pub fn subject_minutes_on(&self, date: NaiveDate) -> HashMap<SubjectId, u32> {
        let mut out = HashMap::new();
        for m in self.punch_ins_on(date).flat_map(|p| &p.minutes) {
            *out.entry(m.subject_id).or_insert(0) += m.minutes;
        }
        out
    }

    /// Repairs spent in a calendar month: repair marks and make-up punch-ins entered then.
    pub fn repairs_used(&self, year: i32, month: u32) -> u32 {
        let in_month = |d: NaiveDate| d.year() == year && d.month() == month;
        let marks = self
            .statuses
            .iter()
            .filter(|s| s.mark == DayMark::Repair && in_month(s.entered_on))
            .count();
        let makeups = self
            .punch_ins
            .iter()
            .filter(|p| p.kind == EntryKind::Makeup && in_month(p.entered_on))
            .map(|p| p.date)
            .collect::<BTreeSet<_>>()
            .len();
        u32::try_from(marks + makeups).unwrap_or(u32::MAX)
    }

    /// The daily punch-in as a habit: a day is done with at least one punch-in.
    pub fn punch_in_records(&self) -> BTreeMap<NaiveDate, DayRecord> {
        let mut rows: Vec<(NaiveDate, u32, bool)> = self
            .punch_ins
            .iter()
            .map(|p| (p.date, u32::from(p.counts_for_streak()), p.kind.is_backfill()))
            .collect();
        rows.sort_by_key(|r| r.0);
        let mut folded: Vec<(NaiveDate, DayRecord)> = Vec::new();
        for (date, counts, backfilled) in rows {
            match folded.last_mut() {
                Some((d, r)) if *d == date => {
                    r.amount += 1;
                    r.streak_amount += counts;
                    r.backfilled |= backfilled;
                }
                _ => folded.push((
                    date,
                    DayRecord { amount: 1, streak_amount: counts, backfilled, excuse: None },
                )),
            }
        }
        let mut out: BTreeMap<NaiveDate, DayRecord> = folded.into_iter().collect();
        self.add_excuses(&mut out);
        out
    }

    /// A goal's amount per day: its progress entries (count goals) or punch-in minutes of its
    /// subject, or of all subjects (minutes goals).
    pub fn goal_records(&self, goal: &Goal) -> BTreeMap<NaiveDate, DayRecord> {
        let mut sums: BTreeMap<NaiveDate, (i64, i64, bool)> = BTreeMap::new();
        match goal.measure {
            Measure::Count => {
                // Sum per date in a sorted vector, then build the map in one go: a map entry
                // per progress row was the larger part of judging 50 goals over 10 years.
                let mut rows: Vec<(NaiveDate, i64, i64, bool)> = self
                    .progress
                    .iter()
                    .filter(|e| e.goal_id == goal.id)
                    .map(|e| {
                        let delta = i64::from(e.delta);
                        let streak =
                            if e.kind.counts_for_streak(e.date, e.entered_on) { delta } else { 0 };
                        (e.date, delta, streak, e.kind.is_backfill() && e.delta > 0)
                    })
                    .collect();
                rows.sort_by_key(|r| r.0);
                let mut folded: Vec<(NaiveDate, (i64, i64, bool))> = Vec::new();
                for (date, all, streak, backfilled) in rows {
                    match folded.last_mut() {
                        Some((d, s)) if *d == date => {
                            s.0 += all;
                            s.1 += streak;
                            s.2 |= backfilled;
                        }
                        _ => folded.push((date, (all, streak, backfilled))),
                    }
                }
                sums = folded.into_iter().collect();
            }
            Measure::Minutes => {
                for p in &self.punch_ins {
                    let minutes: u32 = p
                        .minutes
                        .iter()
                        .filter(|m| goal.subject_id.is_none_or(|s| s == m.subject_id))
                        .map(|m| m.minutes)
                        .sum();
                    if minutes == 0 {
                        continue;
                    }
                    let s = sums.entry(p.date).or_default();
                    s.0 += i64::from(minutes);
                    if p.counts_for_streak() {
                        s.1 += i64::from(minutes);
                    }
                    s.2 |= p.kind.is_backfill();
                }
            }
        }
        let clamp = |v: i64| u32::try_from(v.max(0)).unwrap_or(u32::MAX);
        let mut out: BTreeMap<NaiveDate, DayRecord> = sums
            .into_iter()
            .map(|(date, (all, streak, backfilled))| {
                let amount = clamp(all);
                // What counts for the streak can never exceed what was done.
                let streak_amount = clamp(streak).min(amount);
                (date, DayRecord { amount, streak_amount, backfilled, excuse: None })
            })
            .collect();
        self.add_excuses(&mut out);
        out
    }

    /// A goal's amount on one day.
    pub fn goal_amount(&self, goal: &Goal, date: NaiveDate) -> u32 {
        self.goal_records(goal).get(&date).map_or(0, |r| r.amount)
    }

    fn add_excuses(&self, out: &mut BTreeMap<NaiveDate, DayRecord>) {
        for s in &self.statuses {
            out.entry(s.date).or_default().excuse = Some(s.mark.excuse());
        }
        for d in &self.travel {
            let r = out.entry(*d).or_default();
            r.excuse = r.excuse.or(Some(Excuse::Travel));
        }
    }
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;
    use crate::schedule::Schedule;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn goal(measure: Measure, subject: Option<SubjectId>) -> Goal {
        Goal {
            id: GoalId::generate(),
            title: "g".into(),
            unit: "个".into(),
            target: 20,
            measure,
            subject_id: subject,
            schedule: Schedule::Daily,
            active_from: d("2026-11-01"),
            active_until: None,
            archived: false,
            position: 0,
        }
    }

    fn punch_in(
        date: &str,
        kind: EntryKind,
        entered: &str,
        minutes: &[(SubjectId, u32)],
    ) -> PunchIn {
        PunchIn {
            id: PunchInId::generate(),
            date: d(date),
            kind,
            entered_on: d(entered),
            tz: "Asia/Shanghai".into(),
            utc_offset_min: 480,
            day_start_min: 240,
            created_utc: DateTime::UNIX_EPOCH,
            minutes: minutes
                .iter()
                .map(|&(subject_id, minutes)| SubjectMinutes { subject_id, minutes })
                .collect(),
            note: String::new(),
            mood: None,
        }
    }

    fn progress(
        goal: &Goal,
        date: &str,
        delta: i32,
        kind: EntryKind,
        entered: &str,
    ) -> ProgressEntry {
        ProgressEntry {
            id: ProgressId::generate(),
            goal_id: goal.id,
            date: d(date),
            delta,
            kind,
            entered_on: d(entered),
            punch_in_id: None,
        }
    }

    #[rstest]
    fn count_goals_sum_signed_entries_never_below_zero() {
        let g = goal(Measure::Count, None);
        let j = Journal {
            progress: vec![
                progress(&g, "2026-11-02", 15, EntryKind::Live, "2026-11-02"),
                progress(&g, "2026-11-02", 10, EntryKind::Live, "2026-11-02"),
                progress(&g, "2026-11-02", -5, EntryKind::Live, "2026-11-02"),
                progress(&g, "2026-11-03", -5, EntryKind::Live, "2026-11-03"),
                progress(&g, "2026-11-04", 20, EntryKind::Backfill, "2026-11-20"),
            ],
            ..Journal::default()
        };
        let r = j.goal_records(&g);
        assert_eq!((r[&d("2026-11-02")].amount, r[&d("2026-11-02")].streak_amount), (20, 20));
        assert_eq!(r[&d("2026-11-03")].amount, 0);
        let old = r[&d("2026-11-04")];
        assert_eq!((old.amount, old.streak_amount, old.backfilled), (20, 0, true));
    }

    #[rstest]
    fn minutes_goals_read_punch_in_minutes_of_their_subject() {
        let (math, english) = (SubjectId::generate(), SubjectId::generate());
        let j = Journal {
            punch_ins: vec![
                punch_in("2026-11-02", EntryKind::Live, "2026-11-02", &[(math, 60), (english, 30)]),
                punch_in("2026-11-02", EntryKind::Late, "2026-11-03", &[(math, 40)]),
            ],
            ..Journal::default()
        };
        assert_eq!(j.goal_amount(&goal(Measure::Minutes, Some(math)), d("2026-11-02")), 100);
        assert_eq!(j.goal_amount(&goal(Measure::Minutes, None), d("2026-11-02")), 130);
        assert_eq!(j.minutes_on(d("2026-11-02"), None), 130);
        assert_eq!(j.subject_minutes_on(d("2026-11-02"))[&math], 100);
        let habit = j.punch_in_records();
        assert_eq!((habit[&d("2026-11-02")].amount, habit[&d("2026-11-02")].streak_amount), (2, 2));
    }

    #[rstest]
    fn marks_and_travel_excuse_days_and_repairs_are_counted_per_month() {
        let j = Journal {
            punch_ins: vec![
                punch_in("2026-10-01", EntryKind::Makeup, "2026-11-05", &[]),
                punch_in("2026-10-02", EntryKind::Makeup, "2026-10-30", &[]),
            ],
            statuses: vec![
                DayStatus {
                    id: DayStatusId::generate(),
                    date: d("2026-11-03"),
                    mark: DayMark::Leave,
                    entered_on: d("2026-11-02"),
                },
                DayStatus {
                    id: DayStatusId::generate(),
                    date: d("2026-10-20"),
                    mark: DayMark::Repair,
                    entered_on: d("2026-11-06"),
                },
            ],
            travel: [d("2026-11-04")].into(),
            ..Journal::default()
        };
        assert_eq!(j.repairs_used(2026, 11), 2);
        assert_eq!(j.repairs_used(2026, 10), 1);
        let r = j.punch_in_records();
        assert_eq!(r[&d("2026-11-03")].excuse, Some(Excuse::Leave));
        assert_eq!(r[&d("2026-11-04")].excuse, Some(Excuse::Travel));
    }
}
