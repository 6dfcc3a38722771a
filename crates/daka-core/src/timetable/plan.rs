//! What Today shows of the plan: the study day's blocks, the one running now with the time left,
//! the next one, and the minutes planned per subject.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::{BlockKind, PlannedBlock, Timetable, expand};
use crate::day_rules::DayRules;
use crate::ids::SubjectId;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SubjectPlan {
    pub subject_id: SubjectId,
    pub minutes: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DayPlan {
    /// Today's blocks (the study day's), in time order.
    pub blocks: Vec<PlannedBlock>,
    /// The block running now — possibly yesterday's sleep until the morning.
    pub current: Option<PlannedBlock>,
    /// Whole minutes left in the current block, rounded up.
    pub current_left_min: Option<u32>,
    /// How far the current block has run, 0..=1.
    pub current_progress: Option<f64>,
    /// The next block to start, today's or, late at night, tomorrow's first.
    pub next: Option<PlannedBlock>,
    /// Study minutes planned today per subject, in the order of first appearance.
    pub planned_by_subject: Vec<SubjectPlan>,
}

/// The plan as it stands at `now`.
pub fn day_plan(timetable: &Timetable, rules: &DayRules, now: DateTime<Utc>) -> DayPlan {
    let rule = rules.rule_at(now);
    let today = rules.logical_date(now);
    let around = expand(
        timetable,
        today.pred_opt().unwrap_or(today),
        today.succ_opt().unwrap_or(today),
        rule.tz,
        rule.day_start,
    );
    let current = around.iter().find(|p| p.start_utc <= now && now < p.end_utc).cloned();
    let next = around.iter().find(|p| p.start_utc > now).cloned();
    let blocks: Vec<PlannedBlock> = around.into_iter().filter(|p| p.date == today).collect();
    let (left, progress) = match &current {
        Some(c) => {
            let total = (c.end_utc - c.start_utc).num_seconds().max(1);
            let left = c.end_utc - now;
            let left_min = u32::try_from((left + Duration::seconds(59)).num_minutes()).unwrap_or(0);
            let done = (now - c.start_utc).num_seconds() as f64 / total as f64;
            (Some(left_min), Some(done.clamp(0.0, 1.0)))
        }
        None => (None, None),
    };
    let mut order = Vec::new();
    let mut minutes: BTreeMap<SubjectId, u32> = BTreeMap::new();
    for p in blocks.iter().filter(|p| p.block.kind == BlockKind::Study) {
        if let Some(s) = p.block.subject_id {
            if !minutes.contains_key(&s) {
                order.push(s);
            }
            let m = u32::try_from((p.end_utc - p.start_utc).num_minutes()).unwrap_or(0);
            *minutes.entry(s).or_default() += m;
        }
    }
    DayPlan {
        blocks,
        current,
        current_left_min: left,
        current_progress: progress,
        next,
        planned_by_subject: order
            .into_iter()
            .map(|s| SubjectPlan { subject_id: s, minutes: minutes.get(&s).copied().unwrap_or(0) })
            .collect(),
    }
}
