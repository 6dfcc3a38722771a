//! Daka's timetable as an iCalendar file (RFC 5545), so the plan shows up in the calendar app
//! on the student's phone or desktop next to everything else.
//!
//! Two modes:
//!
//! * [`events_ics`] writes concrete blocks (daka-core's [`expand`] over the next weeks), one
//!   VEVENT each. Exactly what Daka plans, DST nights and overrides included, but a snapshot:
//!   re-export after changing the timetable.
//! * [`recurring_ics`] writes one weekly recurring VEVENT per template block, with the
//!   overrides and DST nights as exceptions (see `recurring.rs`), so the calendar keeps showing
//!   the week indefinitely.
//!
//! Times are local wall-clock times with `TZID` set to the home zone's IANA name, and the file
//! carries a VTIMEZONE generated from chrono-tz for importers that do not know the name.
//! UIDs are stable (`{block_id}-{study date}@daka`, `{block_id}@daka`), so importing a newer
//! export updates the events instead of duplicating them.
//!
//! Pure: the result is the file's text; the app writes it atomically.
//!
//! [`expand`]: daka_core::timetable::expand

#![forbid(unsafe_code)]

mod event;
mod recurring;
mod text;
mod time;
mod vtimezone;

use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use daka_core::day::DayStart;
use daka_core::ids::SubjectId;
use daka_core::lang::Lang;
use daka_core::timetable::{PlannedBlock, Timetable};

use crate::event::{Event, Uids, write_event, write_planned};
use crate::text::Lines;
use crate::time::{rfc_instant, tzid_tail};

/// How many years ahead [`recurring_ics`] checks DST nights against daka-core's rules (and its
/// VTIMEZONE lists offset changes, with a year more on either side).
pub const RECURRING_EXACT_YEARS: u32 = 5;

/// What the file needs besides the blocks.
#[derive(Clone, Copy)]
pub struct IcsOptions<'a> {
    /// The home time zone: `TZID` of every time, and the VTIMEZONE.
    pub tz: Tz,
    /// Language of the calendar name, kind names and descriptions.
    pub lang: Lang,
    /// A subject's name, for study blocks without a label.
    pub subject_name: &'a dyn Fn(SubjectId) -> Option<String>,
    /// Written as every event's DTSTAMP.
    pub now: DateTime<Utc>,
    /// PRODID, e.g. `-//Daka//Daka 0.1//ZH`.
    pub product: &'a str,
}

impl fmt::Debug for IcsOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IcsOptions")
            .field("tz", &self.tz)
            .field("lang", &self.lang)
            .field("now", &self.now)
            .field("product", &self.product)
            .finish_non_exhaustive()
    }
}

/// The calendar's name in the app's list of calendars.
pub fn calendar_name(lang: Lang) -> &'static str {
    lang.pick("Daka 学习计划", "Daka study plan")
}

fn write_header(lines: &mut Lines, opts: &IcsOptions<'_>) {
    lines.begin("VCALENDAR");
    lines.raw("VERSION", "2.0");
    lines.text("PRODID", opts.product);
    lines.raw("CALSCALE", "GREGORIAN");
    lines.raw("METHOD", "PUBLISH");
    lines.text("X-WR-CALNAME", calendar_name(opts.lang));
    lines.text("X-WR-TIMEZONE", opts.tz.name());
}

fn write_timezone(
    lines: &mut Lines,
    opts: &IcsOptions<'_>,
    first: DateTime<Utc>,
    last: DateTime<Utc>,
) {
    let (lo, hi) = vtimezone::covering(opts.tz, first, last);
    vtimezone::write_vtimezone(lines, opts.tz, lo, hi);
}

/// Concrete events: one VEVENT per planned block (daka-core's `expand` over the next weeks),
/// UID `{block_id}-{study date}@daka`.
pub fn events_ics(blocks: &[PlannedBlock], opts: &IcsOptions<'_>) -> String {
    let mut lines = Lines::new();
    write_header(&mut lines, opts);
    let first = blocks.iter().map(|p| p.start_utc).min().unwrap_or(opts.now);
    let last = blocks.iter().map(|p| p.end_utc).max().unwrap_or(opts.now);
    write_timezone(&mut lines, opts, first, last);
    let mut uids = Uids::default();
    for planned in blocks {
        write_planned(&mut lines, planned, &mut uids, opts);
    }
    lines.end("VCALENDAR");
    lines.finish()
}

/// Weekly recurring events from study day `from` on: one VEVENT per template block
/// (UID `{block_id}@daka`, `RRULE:FREQ=WEEKLY;BYDAY=…`, DTSTART on the first calendar date it
/// happens on or after `from`), EXDATEs for the dates an override or a DST change alters, and a
/// one-off VEVENT for each changed or added block (UID `{block_id}-{study date}@daka`).
pub fn recurring_ics(
    timetable: &Timetable,
    from: NaiveDate,
    day_start: DayStart,
    opts: &IcsOptions<'_>,
) -> String {
    let tz = opts.tz;
    let plan = recurring::plan(timetable, from, day_start, tz, RECURRING_EXACT_YEARS);
    let mut lines = Lines::new();
    write_header(&mut lines, opts);
    let from_instant = rfc_instant(from.and_time(NaiveTime::MIN), tz);
    let first = plan
        .masters
        .iter()
        .map(|m| m.first_start(tz))
        .chain(plan.one_offs.iter().map(|p| p.start_utc))
        .fold(from_instant, DateTime::min);
    let last = plan.one_offs.iter().map(|p| p.end_utc).fold(plan.horizon, DateTime::max);
    write_timezone(&mut lines, opts, first, last);
    let mut uids = Uids::default();
    for master in &plan.masters {
        let event = Event {
            uid: uids.claim(&master.block.id.to_string()),
            block: &master.block,
            start: tzid_tail(tz, master.first_wall),
            end: master.end(tz),
            recurrence: master.recurrence(tz),
        };
        write_event(&mut lines, &event, opts);
    }
    for planned in &plan.one_offs {
        write_planned(&mut lines, planned, &mut uids, opts);
    }
    lines.end("VCALENDAR");
    lines.finish()
}

#[cfg(test)]
mod tests;
