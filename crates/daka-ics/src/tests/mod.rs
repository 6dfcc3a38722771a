#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

//! The output is read back with the `icalendar` crate's parser (unfolding and TEXT unescaping
//! are its, not ours) and checked field by field.

mod events;
mod format;
mod recurring;
mod replay;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use daka_core::day::DayStart;
use daka_core::ids::{BlockId, SubjectId, TemplateId};
use daka_core::lang::Lang;
use daka_core::schedule::WeekdaySet;
use daka_core::timetable::{Block, BlockKind, Template, Timetable};
use icalendar::parser::{Calendar, Component, read_calendar, unfold};

use super::IcsOptions;

pub(super) const PRODUCT: &str = "-//Daka//Daka 0.1//ZH";

pub(super) fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub(super) fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

pub(super) fn wall(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y%m%dT%H%M%S").unwrap()
}

pub(super) fn hm(s: &str) -> u16 {
    let (h, m) = s.split_once(':').unwrap();
    h.parse::<u16>().unwrap() * 60 + m.parse::<u16>().unwrap()
}

pub(super) fn day_start(s: &str) -> DayStart {
    DayStart::parse(s).unwrap()
}

pub(super) fn block(start: &str, end: &str, kind: BlockKind, label: &str) -> Block {
    Block {
        id: BlockId::generate(),
        start_min: hm(start),
        end_min: hm(end),
        kind,
        subject_id: None,
        label: label.into(),
        color: None,
        remind_before_min: None,
    }
}

pub(super) fn template(iso_days: &[u8], blocks: Vec<Block>) -> Template {
    Template {
        id: TemplateId::generate(),
        name: "考研冲刺".into(),
        weekdays: WeekdaySet::from_iso(iso_days).unwrap(),
        blocks,
    }
}

pub(super) fn timetable(templates: Vec<Template>) -> Timetable {
    Timetable { templates, overrides: Vec::new() }
}

/// The subject every test knows: 数学.
pub(super) fn maths() -> SubjectId {
    SubjectId::from_uuid("0190a5c2-0000-7000-8000-000000000001".parse().unwrap())
}

pub(super) fn subject_name(id: SubjectId) -> Option<String> {
    (id == maths()).then(|| "数学".to_owned())
}

pub(super) fn opts(tz: Tz, lang: Lang) -> IcsOptions<'static> {
    IcsOptions {
        tz,
        lang,
        subject_name: &subject_name,
        now: utc("2026-11-20T12:34:56Z"),
        product: PRODUCT,
    }
}

/// Parses a whole file. The unfolded text is leaked so the parse can borrow it for the test.
pub(super) fn parse(ics: &str) -> Calendar<'static> {
    let unfolded: &'static str = Box::leak(unfold(ics).into_boxed_str());
    read_calendar(unfolded).unwrap()
}

pub(super) fn components<'c>(
    cal: &'c Calendar<'static>,
    name: &str,
) -> Vec<&'c Component<'static>> {
    cal.components.iter().filter(|c| c.name == name).collect()
}

/// The only value of a property.
pub(super) fn val<'c>(c: &'c Component<'_>, name: &str) -> &'c str {
    let all: Vec<_> = c.properties.iter().filter(|p| p.name == name).collect();
    assert_eq!(all.len(), 1, "{name} in {c:?}");
    all[0].val.as_str()
}

pub(super) fn opt_val<'c>(c: &'c Component<'_>, name: &str) -> Option<&'c str> {
    c.find_prop(name).map(|p| p.val.as_str())
}

/// Every value of a property that may repeat (EXDATE).
pub(super) fn vals<'c>(c: &'c Component<'_>, name: &str) -> Vec<&'c str> {
    c.properties.iter().filter(|p| p.name == name).map(|p| p.val.as_str()).collect()
}

pub(super) fn param<'c>(c: &'c Component<'_>, name: &str, key: &str) -> Option<&'c str> {
    let prop = c.find_prop(name)?;
    prop.params.iter().find(|p| p.key == key).and_then(|p| p.val.as_ref()).map(|v| v.as_str())
}

/// The event with this UID.
pub(super) fn by_uid<'c>(cal: &'c Calendar<'static>, uid: &str) -> &'c Component<'static> {
    let found: Vec<_> =
        components(cal, "VEVENT").into_iter().filter(|e| val(e, "UID") == uid).collect();
    assert_eq!(found.len(), 1, "UID {uid}");
    found[0]
}

/// `(TZID, value)` of a DTSTART or DTEND.
pub(super) fn when<'c>(c: &'c Component<'_>, name: &str) -> (Option<&'c str>, &'c str) {
    (param(c, name, "TZID"), val(c, name))
}
