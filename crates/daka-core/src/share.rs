//! What a share card says about a study day or a week: the facts, computed from the records with
//! the same rules as Today and the statistics (so a card never disagrees with the app). Drawing
//! them is daka-card's job; this module only counts.
//!
//! * The streak on a card is the streak **as of the end of that day** (a card for last Tuesday
//!   shows Tuesday's streak, not today's).
//! * The heatmap has 20 weeks ending with the card's week; a day's level compares its minutes
//!   with the daily target: 0 none, 1 under a quarter, 2 under 60 %, 3 under the target, 4 at or
//!   over it.
//! * Plan progress for the countdown card counts study days with a punch-in and minutes from
//!   the start of preparation up to the card's day.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;

use crate::ids::{PhotoId, SubjectId};
use crate::journal::Mood;
use crate::records::Records;
use crate::streak::DayState;

/// Weeks in a card's heatmap.
pub const CARD_HEATMAP_WEEKS: i64 = 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SubjectFact {
    pub subject_id: SubjectId,
    pub name: String,
    pub color: String,
    pub minutes: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DayFact {
    pub date: NaiveDate,
    pub minutes: u32,
    /// 0..=4 against the daily target.
    pub level: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExamFact {
    pub name: String,
    pub date: NaiveDate,
    /// Days from the card's day to the exam (0 = that day, negative = past).
    pub days_left: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ShareFacts {
    /// The card's study day.
    pub date: NaiveDate,
    /// The first day of its week (the user's week start).
    pub week_start: NaiveDate,
    pub streak_days: u32,
    pub best_streak: u32,
    /// That day's minutes per subject (subjects in the user's order).
    pub day_subjects: Vec<SubjectFact>,
    /// That week's minutes per subject.
    pub week_subjects: Vec<SubjectFact>,
    /// The 7 days of that week.
    pub week: Vec<DayFact>,
    /// 20 weeks ending with that week (days after today have no minutes).
    pub heatmap: Vec<DayFact>,
    pub daily_target_min: u32,
    /// Titles of the goals done that day, and how many were due.
    pub goals_done: Vec<String>,
    pub goals_due: u32,
    /// The day's notes, joined.
    pub note: String,
    pub mood: Option<Mood>,
    /// The day's photos, in order.
    pub photos: Vec<PhotoId>,
    /// The nearest exam on or after the card's day, else the latest one.
    pub exam: Option<ExamFact>,
    /// Study days with a punch-in and minutes, from the start up to the card's day.
    pub studied_days: u32,
    pub total_minutes: u32,
    pub started_on: NaiveDate,
}

fn level(minutes: u32, target: u32) -> u8 {
    match (minutes, target) {
        (0, _) => 0,
        (_, 0) => 4,
        (m, t) if m >= t => 4,
        (m, t) if m * 100 >= t * 60 => 3,
        (m, t) if m * 4 >= t => 2,
        _ => 1,
    }
}

impl Records {
    fn subject_facts(&self, minutes: &HashMap<SubjectId, u32>) -> Vec<SubjectFact> {
        let mut out: Vec<SubjectFact> = self
            .profile
            .subjects
            .iter()
            .filter_map(|s| {
                let m = minutes.get(&s.id).copied().unwrap_or(0);
                (m > 0).then(|| SubjectFact {
                    subject_id: s.id,
                    name: s.name.clone(),
                    color: s.color.clone(),
                    minutes: m,
                })
            })
            .collect();
        // Removed subjects that still hold minutes keep them, unnamed here: the app names them.
        let mut rest: Vec<SubjectFact> = minutes
            .iter()
            .filter(|(id, m)| **m > 0 && !self.profile.subjects.iter().any(|s| s.id == **id))
            .map(|(&subject_id, &m)| SubjectFact {
                subject_id,
                name: String::new(),
                color: "#7d7d7d".into(),
                minutes: m,
            })
            .collect();
        rest.sort_by_key(|s| s.subject_id);
        out.extend(rest);
        out
    }

    /// The facts for a card about study day `date` (its week for the weekly card).
    pub fn share_facts(&self, date: NaiveDate, now: DateTime<Utc>) -> ShareFacts {
        let target = self.profile.daily_target.minutes();
        let mut by_day: BTreeMap<NaiveDate, HashMap<SubjectId, u32>> = BTreeMap::new();
        for p in &self.journal.punch_ins {
            let day = by_day.entry(p.date).or_default();
            for m in &p.minutes {
                *day.entry(m.subject_id).or_insert(0) += m.minutes;
            }
        }
        let day_total = |d: NaiveDate| by_day.get(&d).map_or(0, |m| m.values().sum::<u32>());
        let week_start = self.week_start.week_of(date);
        let week: Vec<DayFact> = (0..7)
            .map(|i| {
                let d = week_start + Duration::days(i);
                let minutes = day_total(d);
                DayFact { date: d, minutes, level: level(minutes, target) }
            })
            .collect();
        let mut week_minutes: HashMap<SubjectId, u32> = HashMap::new();
        for (_, day) in by_day.range(week_start..=week_start + Duration::days(6)) {
            for (&s, &m) in day {
                *week_minutes.entry(s).or_insert(0) += m;
            }
        }
        let first = week_start - Duration::weeks(CARD_HEATMAP_WEEKS - 1);
        let heatmap = (0..CARD_HEATMAP_WEEKS * 7)
            .map(|i| {
                let d = first + Duration::days(i);
                let minutes = day_total(d);
                DayFact { date: d, minutes, level: level(minutes, target) }
            })
            .collect();

        let report = self.punch_in_report(now);
        let (mut streak, mut best) = (0, 0);
        for (verdict, point) in report.days.iter().zip(&report.points) {
            if verdict.date > date {
                break;
            }
            streak = point.streak;
            best = best.max(point.streak);
        }

        let punch_ins: Vec<_> = self.journal.punch_ins_on(date).collect();
        let note = punch_ins
            .iter()
            .map(|p| p.note.trim())
            .filter(|n| !n.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        let mood = punch_ins.iter().rev().find_map(|p| p.mood);
        let mut photos: Vec<_> =
            punch_ins.iter().flat_map(|p| self.journal.photos_of(p.id)).collect();
        photos.sort_by_key(|p| (p.punch_in_id, p.position));

        let mut goals_done = Vec::new();
        let mut goals_due = 0;
        for goal in self.goals.iter().filter(|g| !g.archived && g.is_active_on(date)) {
            let verdict = self.goal_report(goal, now).days.into_iter().find(|v| v.date == date);
            match verdict.map(|v| v.state) {
                Some(DayState::Done) => {
                    goals_due += 1;
                    goals_done.push(goal.title.clone());
                }
                Some(DayState::NotDue) | None => {}
                Some(_) => goals_due += 1,
            }
        }

        let exam = self
            .profile
            .exams
            .iter()
            .filter(|e| e.date >= date)
            .min_by_key(|e| e.date)
            .or_else(|| self.profile.exams.iter().max_by_key(|e| e.date))
            .map(|e| ExamFact {
                name: e.name.clone(),
                date: e.date,
                days_left: i32::try_from((e.date - date).num_days()).unwrap_or(i32::MAX),
            });
        let (studied_days, total_minutes) = by_day
            .range(..=date)
            .map(|(_, m)| m.values().sum::<u32>())
            .filter(|m| *m > 0)
            .fold((0u32, 0u32), |(d, t), m| (d + 1, t.saturating_add(m)));

        ShareFacts {
            date,
            week_start,
            streak_days: streak,
            best_streak: best,
            day_subjects: self.subject_facts(&by_day.get(&date).cloned().unwrap_or_default()),
            week_subjects: self.subject_facts(&week_minutes),
            week,
            heatmap,
            daily_target_min: target,
            goals_done,
            goals_due,
            note,
            mood,
            photos: photos.iter().map(|p| p.id).collect(),
            exam,
            studied_days,
            total_minutes,
            started_on: self.profile.started_on,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::level;

    #[test]
    fn levels_compare_minutes_with_the_target() {
        assert_eq!(level(0, 480), 0);
        assert_eq!(level(60, 480), 1);
        assert_eq!(level(120, 480), 2);
        assert_eq!(level(300, 480), 3);
        assert_eq!(level(480, 480), 4);
        assert_eq!(level(900, 480), 4);
        assert_eq!(level(10, 0), 4);
    }
}
