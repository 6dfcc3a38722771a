//! One VEVENT: what a block is called, its times, its reminder.

use std::collections::HashSet;

use daka_core::lang::Lang;
use daka_core::timetable::{Block, BlockKind, PlannedBlock};

use crate::IcsOptions;
use crate::text::Lines;
use crate::time::{date_time_tail, utc_stamp};

/// The kind's name as the app shows it.
pub(crate) fn kind_name(kind: BlockKind, lang: Lang) -> &'static str {
    match kind {
        BlockKind::Study => lang.pick("学习", "Study"),
        BlockKind::Meal => lang.pick("吃饭", "Meal"),
        BlockKind::Exercise => lang.pick("运动", "Exercise"),
        BlockKind::Rest => lang.pick("休息", "Rest"),
        BlockKind::Sleep => lang.pick("睡觉", "Sleep"),
        BlockKind::Other => lang.pick("其他", "Other"),
    }
}

fn subject_name(block: &Block, opts: &IcsOptions<'_>) -> Option<String> {
    let name = (opts.subject_name)(block.subject_id?)?;
    let name = name.trim();
    (!name.is_empty()).then(|| name.to_owned())
}

/// The event's title: the block's label; for an unlabelled study block its subject; otherwise
/// the kind's name.
pub(crate) fn summary(block: &Block, opts: &IcsOptions<'_>) -> String {
    let label = block.label.trim();
    if !label.is_empty() {
        return label.to_owned();
    }
    if block.kind == BlockKind::Study
        && let Some(name) = subject_name(block, opts)
    {
        return name;
    }
    kind_name(block.kind, opts.lang).to_owned()
}

/// Hands out UIDs, adding `-2`, `-3`… should a timetable ever repeat a block id, so the file
/// never holds two events with one UID (importers merge or drop them).
#[derive(Debug, Default)]
pub(crate) struct Uids(HashSet<String>);

impl Uids {
    pub(crate) fn claim(&mut self, stem: &str) -> String {
        let mut uid = format!("{stem}@daka");
        let mut n = 2;
        while !self.0.insert(uid.clone()) {
            uid = format!("{stem}-{n}@daka");
            n += 1;
        }
        uid
    }
}

/// When an event ends: a DTEND tail, or a length (for a recurring event whose end cannot be
/// written as a local time, see `recurring`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum End {
    At(String),
    Minutes(u16),
}

/// Everything of a VEVENT that differs between the two modes.
#[derive(Debug)]
pub(crate) struct Event<'b> {
    pub(crate) uid: String,
    pub(crate) block: &'b Block,
    /// `;TZID=…:…` or `:…Z`.
    pub(crate) start: String,
    pub(crate) end: End,
    /// Whole content lines such as `RRULE:…` and `EXDATE;TZID=…:…`.
    pub(crate) recurrence: Vec<String>,
}

pub(crate) fn write_event(lines: &mut Lines, event: &Event<'_>, opts: &IcsOptions<'_>) {
    let block = event.block;
    let title = summary(block, opts);
    lines.begin("VEVENT");
    lines.raw("UID", &event.uid);
    lines.raw("DTSTAMP", &utc_stamp(opts.now));
    lines.with_tail("DTSTART", &event.start);
    match &event.end {
        End::At(tail) => lines.with_tail("DTEND", tail),
        End::Minutes(m) => lines.raw("DURATION", &format!("PT{m}M")),
    }
    for line in &event.recurrence {
        lines.line(line);
    }
    lines.text("SUMMARY", &title);
    lines.text("CATEGORIES", kind_name(block.kind, opts.lang));
    if let Some(name) = subject_name(block, opts) {
        let prefix = opts.lang.pick("科目：", "Subject: ");
        lines.text("DESCRIPTION", &format!("{prefix}{name}"));
    }
    if let Some(before) = block.remind_before_min {
        lines.begin("VALARM");
        lines.raw("ACTION", "DISPLAY");
        lines.raw("TRIGGER", &format!("-PT{before}M"));
        lines.text("DESCRIPTION", &title);
        lines.end("VALARM");
    }
    lines.end("VEVENT");
}

/// The VEVENT of one concrete block: UID `{block_id}-{study date}@daka`.
pub(crate) fn write_planned(
    lines: &mut Lines,
    planned: &PlannedBlock,
    uids: &mut Uids,
    opts: &IcsOptions<'_>,
) {
    let event = Event {
        uid: uids.claim(&format!("{}-{}", planned.block.id, planned.date)),
        block: &planned.block,
        start: date_time_tail(planned.start_utc, opts.tz),
        end: End::At(date_time_tail(planned.end_utc, opts.tz)),
        recurrence: Vec::new(),
    };
    write_event(lines, &event, opts);
}
