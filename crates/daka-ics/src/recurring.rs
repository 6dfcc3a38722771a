//! The weekly mode: one recurring VEVENT per template block, plus the dates where the week
//! differs.
//!
//! A block recurs on the calendar dates it *starts* on. daka-core files a block that starts
//! before the day start (01:00 with the day starting at 04:00) under the previous study day, so
//! "Monday's 01:00–02:00" happens on Tuesdays: its DTSTART is on the Tuesday and its BYDAY is
//! shifted by one weekday (`BYDAY=TU`).
//!
//! A date where the recurrence and daka-core's plan disagree becomes an exception: an `EXDATE`
//! on the recurring event, plus, when the block still happens that day, a separate one-off
//! VEVENT with its own UID (`{block_id}-{study date}@daka`, as in the concrete mode). That
//! happens for
//!
//! * overrides: skipped blocks (EXDATE only), changed blocks (EXDATE + one-off) and added blocks
//!   (one-off only);
//! * DST nights. A calendar reads a recurring local time inside a gap with the offset from
//!   before the gap (02:30 → 03:30, RFC 5545 §3.3.5) where daka-core moves it to the end of the
//!   gap (03:00), and a recurrence with DTEND lasts the same *exact* time every week, where
//!   daka-core keeps the wall-clock end (sleep 23:30–06:30 lasts 6 hours on a spring-forward
//!   night). These are checked for the [`crate::RECURRING_EXACT_YEARS`] years ahead; after
//!   that the calendar's own reading applies on those few nights.
//!
//! Why EXDATE + a separate event and not a `RECURRENCE-ID` instance under the same UID: an
//! overridden instance must travel with its master and match one of its instances exactly, and
//! importers are uneven there — some file imports drop such instances or show them next to the
//! unmodified occurrence, and the match fails silently when the instance's original start is a
//! DST-ambiguous time. EXDATE is part of the basic recurrence set that every importer
//! evaluates, and a one-off event is the simplest thing a calendar can hold, so this form
//! comes out the same everywhere.

use std::collections::BTreeSet;

use chrono::{
    DateTime, Datelike, Duration, Months, NaiveDate, NaiveDateTime, NaiveTime, Utc, Weekday,
};
use chrono_tz::Tz;
use daka_core::day::DayStart;
use daka_core::ids::TemplateId;
use daka_core::timetable::{Block, PlannedBlock, Timetable, expand};

use crate::event::End;
use crate::time::{rfc_instant, tzid_tail};
use crate::vtimezone::transitions;

/// A template block as a weekly recurring event.
#[derive(Debug)]
pub(crate) struct Master {
    pub(crate) template_id: TemplateId,
    pub(crate) block: Block,
    /// The study days it belongs to: its template's weekdays, less any an earlier template
    /// already claims (daka-core's `template_for` takes the first).
    study_days: Vec<Weekday>,
    /// Whether it starts before the day start, so on the calendar date after its study day.
    next_date: bool,
    /// The wall-clock start of the first occurrence (DTSTART).
    pub(crate) first_wall: NaiveDateTime,
    /// Wall-clock starts of the occurrences taken out.
    pub(crate) exdates: Vec<NaiveDateTime>,
}

impl Master {
    /// The wall-clock start of its occurrence for study day `date`.
    fn wall(&self, date: NaiveDate) -> NaiveDateTime {
        let calendar = if self.next_date { date.succ_opt().unwrap_or(date) } else { date };
        calendar.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(self.block.start_min))
    }

    fn length(&self) -> Duration {
        Duration::minutes(i64::from(self.block.length_min()))
    }

    /// DTSTART's instant, as a calendar reads it.
    pub(crate) fn first_start(&self, tz: Tz) -> DateTime<Utc> {
        rfc_instant(self.first_wall, tz)
    }

    /// `BYDAY=MO,TU`: the calendar weekdays, shifted a day for a block after midnight.
    fn by_day(&self) -> String {
        let mut days: Vec<Weekday> =
            self.study_days.iter().map(|&d| if self.next_date { d.succ() } else { d }).collect();
        days.sort_by_key(Weekday::num_days_from_monday);
        let codes: Vec<&str> = days.iter().map(|&d| weekday_code(d)).collect();
        codes.join(",")
    }

    /// The RRULE and EXDATE content lines.
    pub(crate) fn recurrence(&self, tz: Tz) -> Vec<String> {
        let mut out = vec![format!("RRULE:FREQ=WEEKLY;BYDAY={}", self.by_day())];
        out.extend(self.exdates.iter().map(|&wall| format!("EXDATE{}", tzid_tail(tz, wall))));
        out
    }

    /// DTEND for the recurring event. A recurrence lasts the first occurrence's exact length
    /// every week, so the end is DTSTART's instant plus the block's length, written as a local
    /// time — unless that local time cannot be read back as that instant (it falls in the
    /// second run of a repeated hour), then as `DURATION`, which means the same.
    pub(crate) fn end(&self, tz: Tz) -> End {
        let end = self.first_start(tz) + self.length();
        let wall = end.with_timezone(&tz).naive_local();
        if rfc_instant(wall, tz) == end {
            End::At(tzid_tail(tz, wall))
        } else {
            End::Minutes(self.block.length_min())
        }
    }
}

/// The recurring events and the one-off events that go with them.
#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) masters: Vec<Master>,
    /// Changed and added blocks, and occurrences moved by a DST change, in time order.
    pub(crate) one_offs: Vec<PlannedBlock>,
    /// The end of the period checked for DST exceptions.
    pub(crate) horizon: DateTime<Utc>,
}

fn weekday_code(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "MO",
        Weekday::Tue => "TU",
        Weekday::Wed => "WE",
        Weekday::Thu => "TH",
        Weekday::Fri => "FR",
        Weekday::Sat => "SA",
        Weekday::Sun => "SU",
    }
}

const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// One master per block of every template that applies to at least one weekday.
fn masters(timetable: &Timetable, from: NaiveDate, day_start: DayStart) -> Vec<Master> {
    let owner = |day: Weekday| timetable.templates.iter().position(|t| t.weekdays.contains(day));
    let mut out = Vec::new();
    for (i, template) in timetable.templates.iter().enumerate() {
        let study_days: Vec<Weekday> =
            WEEK.iter().copied().filter(|&d| owner(d) == Some(i)).collect();
        let Some(first) = from.iter_days().take(7).find(|d| study_days.contains(&d.weekday()))
        else {
            continue;
        };
        for block in template.blocks.iter().filter(|b| b.length_min() > 0) {
            let mut master = Master {
                template_id: template.id,
                block: block.clone(),
                study_days: study_days.clone(),
                next_date: block.start_min < day_start.minutes(),
                first_wall: NaiveDateTime::MIN,
                exdates: Vec::new(),
            };
            master.first_wall = master.wall(first);
            out.push(master);
        }
    }
    out
}

/// The study days where the recurrence may disagree with daka-core: every override from
/// `from` on, and the days around each offset change up to `horizon`.
fn candidate_dates(
    timetable: &Timetable,
    from: NaiveDate,
    tz: Tz,
    horizon: DateTime<Utc>,
) -> BTreeSet<NaiveDate> {
    let mut dates: BTreeSet<NaiveDate> =
        timetable.overrides.iter().map(|o| o.date).filter(|&d| d >= from).collect();
    let start = rfc_instant(from.and_time(NaiveTime::MIN), tz) - Duration::days(3);
    for change in transitions(tz, start, horizon) {
        let local = change.at.with_timezone(&tz).date_naive();
        // A block of study day d runs at most until the end of calendar day d + 2.
        for back in -2..=1 {
            if let Some(d) = local.checked_add_signed(Duration::days(back))
                && d >= from
            {
                dates.insert(d);
            }
        }
    }
    dates
}

/// Builds the recurring events from study day `from` on, with their exceptions.
pub(crate) fn plan(
    timetable: &Timetable,
    from: NaiveDate,
    day_start: DayStart,
    tz: Tz,
    horizon_years: u32,
) -> Plan {
    let mut masters = masters(timetable, from, day_start);
    let horizon_date = from.checked_add_months(Months::new(horizon_years * 12)).unwrap_or(from);
    let horizon = rfc_instant(horizon_date.and_time(NaiveTime::MIN), tz);
    let mut one_offs = Vec::new();
    for date in candidate_dates(timetable, from, tz, horizon) {
        let actual = expand(timetable, date, date, tz, day_start);
        let mut matched = vec![false; actual.len()];
        for master in masters.iter_mut().filter(|m| m.study_days.contains(&date.weekday())) {
            let wall = master.wall(date);
            let start = rfc_instant(wall, tz);
            let found = actual.iter().enumerate().position(|(i, p)| {
                !matched[i]
                    && p.block.id == master.block.id
                    && p.template_id == Some(master.template_id)
            });
            let Some(i) = found else {
                master.exdates.push(wall); // skipped, or entirely inside a DST gap
                continue;
            };
            matched[i] = true;
            let p = &actual[i];
            let same = p.start_utc == start
                && p.end_utc == start + master.length()
                && p.block == master.block;
            if !same {
                master.exdates.push(wall);
                one_offs.push(p.clone());
            }
        }
        one_offs.extend(actual.iter().zip(&matched).filter(|(_, m)| !**m).map(|(p, _)| p.clone()));
    }
    one_offs.sort_by_key(|p| (p.start_utc, p.end_utc));
    Plan { masters, one_offs, horizon }
}
