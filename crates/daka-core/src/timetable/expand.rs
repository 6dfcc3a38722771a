//! Templates + overrides → concrete blocks with instants, for a range of study days.
//!
//! Never through `logical_date` and never by adding 86,400 s: each block's start is a wall-clock
//! date-time (the study day's calendar date, or the next one for times before the day start)
//! resolved in the home zone, and its end is that wall-clock date-time plus the block's length,
//! resolved the same way.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use std::collections::HashMap;

use super::{Block, DayOverride, Timetable};
use crate::day::{DayStart, day_boundary, first_instant_at_or_after};
use crate::ids::TemplateId;

/// A block on a given study day, with the instants it runs between.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PlannedBlock {
    /// The study day it belongs to (the one it starts in).
    pub date: NaiveDate,
    pub block: Block,
    /// The template it comes from; `None` for a block added to that date only.
    pub template_id: Option<TemplateId>,
    pub start_utc: DateTime<Utc>,
    pub end_utc: DateTime<Utc>,
    /// Wall-clock start and end in the home zone, `YYYY-MM-DDTHH:MM`.
    pub start_local: String,
    pub end_local: String,
}

/// The first instant at or after `not_before` that the wall clock shows `wall` (or, inside a
/// gap, the end of the gap). `not_before` matters in a repeated hour that contains the day
/// start: the study day begins at the second occurrence, so its blocks use the second one too.
fn resolve(wall: NaiveDateTime, tz: Tz, not_before: DateTime<Utc>) -> DateTime<Utc> {
    match tz.from_local_datetime(&wall) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(first, second) => {
            let first = first.with_timezone(&Utc);
            if first >= not_before { first } else { second.with_timezone(&Utc) }
        }
        LocalResult::None => first_instant_at_or_after(wall, tz),
    }
}

/// `YYYY-MM-DDTHH:MM` without chrono's format-string parser (thousands of calls per year).
fn local_text(t: NaiveDateTime) -> String {
    use chrono::{Datelike, Timelike};
    format!("{:04}-{:02}-{:02}T{:02}:{:02}", t.year(), t.month(), t.day(), t.hour(), t.minute())
}

/// The zone's offset if it is the same from an hour before `begins` to 50 hours after it — the
/// whole span a study day's blocks can touch (a block starts within the day's 25 hours and lasts
/// under 24). Then wall times convert by plain arithmetic; a day with a transition anywhere near
/// takes the exact path. (No zone changes its offset and back within two days.)
fn steady_offset(tz: Tz, begins: DateTime<Utc>) -> Option<chrono::FixedOffset> {
    use chrono::Offset;
    let before = tz.offset_from_utc_datetime(&(begins - Duration::hours(1)).naive_utc()).fix();
    let after = tz.offset_from_utc_datetime(&(begins + Duration::hours(50)).naive_utc()).fix();
    (before == after).then_some(before)
}

/// Every block of the study days `from..=to`, in time order.
pub fn expand(
    timetable: &Timetable,
    from: NaiveDate,
    to: NaiveDate,
    tz: Tz,
    day_start: DayStart,
) -> Vec<PlannedBlock> {
    let overrides: HashMap<NaiveDate, &DayOverride> =
        timetable.overrides.iter().map(|o| (o.date, o)).collect();
    let mut out = Vec::new();
    let mut date = from;
    while date <= to {
        let template = timetable.template_for(date);
        let day_begins = day_boundary(date, tz, day_start);
        let steady = steady_offset(tz, day_begins);
        let to_utc = |wall: NaiveDateTime, not_before: DateTime<Utc>| match steady {
            Some(offset) => (wall - offset).and_utc(),
            None => resolve(wall, tz, not_before),
        };
        let to_local = |t: DateTime<Utc>| match steady {
            Some(offset) => t.naive_utc() + offset,
            None => t.with_timezone(&tz).naive_local(),
        };
        for block in Timetable::apply(template, overrides.get(&date).copied(), day_start.minutes())
        {
            let calendar = if block.start_min >= day_start.minutes() {
                date
            } else {
                date.succ_opt().unwrap_or(date)
            };
            let start_wall = calendar.and_time(chrono::NaiveTime::MIN)
                + Duration::minutes(i64::from(block.start_min));
            let end_wall = start_wall + Duration::minutes(i64::from(block.length_min()));
            let start_utc = to_utc(start_wall, day_begins);
            let end_utc = to_utc(end_wall, start_utc);
            if end_utc <= start_utc {
                continue; // entirely inside a skipped hour: it does not happen that day
            }
            let from_template =
                template.filter(|t| t.blocks.iter().any(|b| b.id == block.id)).map(|t| t.id);
            out.push(PlannedBlock {
                date,
                template_id: from_template,
                start_utc,
                end_utc,
                start_local: local_text(to_local(start_utc)),
                end_local: local_text(to_local(end_utc)),
                block,
            });
        }
        let Some(next) = date.succ_opt() else { break };
        date = next;
    }
    out.sort_by_key(|p| (p.start_utc, p.end_utc));
    out
}
