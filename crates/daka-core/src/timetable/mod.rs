//! The timetable: weekly templates of wall-clock time blocks, per-date overrides, and their
//! expansion into concrete blocks (instants) for a range of study days.
//!
//! Decisions (ARCHITECTURE.md "Timetable"):
//!
//! * A template applies to **study days**, not calendar dates. A block belongs to the study day
//!   in which it *starts*: a start before the day start (01:00 with the day starting at 04:00)
//!   is that study day's night, on the next calendar date — the same rule as the punch-in
//!   reminder, so "Monday's 01:00–02:00 revision" is Monday's, as the student means it.
//! * A block is `start` plus a wall-clock length of 1..=1439 minutes; `end` at or before `start`
//!   means it crosses midnight (sleep 23:30–06:30). Zero-length blocks are refused; 24 hours or
//!   more cannot be written.
//! * Blocks of one day may not overlap, checked on the 24-hour circle, so a template used on
//!   consecutive days cannot clash with itself across midnight either.
//! * Times are wall-clock times in the home zone. A start or end inside a DST gap moves to the
//!   end of the gap; in a repeated hour it is the first occurrence. A block that falls entirely
//!   inside a gap does not happen that day.

mod expand;
mod plan;
mod presets;
mod remind;
mod tray;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::day::format_hm;
use crate::ids::{BlockId, SubjectId, TemplateId};
use crate::schedule::WeekdaySet;
use crate::validation::{Invalid, ValidationErrors};

pub use expand::{PlannedBlock, expand};
pub use plan::{DayPlan, SubjectPlan, day_plan};
pub use presets::{Preset, preset, starter};
pub use remind::{
    BlockReminderSettings, BlockReminders, DueReminder, FIRED_KEEP_DAYS, FiredKey, QuietHours,
    REMINDER_GRACE_MIN, ReminderMoment, block_reminder_text, kind_name,
};
pub use tray::{TrayStatus, duration_text, tray_status};

/// Minutes in a day on the wall clock.
const DAY_MIN: u16 = 24 * 60;
/// A block label's maximum length, in characters.
pub const MAX_LABEL_CHARS: usize = 40;
/// A template name's maximum length, in characters.
pub const MAX_TEMPLATE_NAME_CHARS: usize = 20;
/// The longest advance reminder, in minutes.
pub const MAX_REMIND_BEFORE_MIN: u16 = 180;
/// At most this many blocks a day (a block every 10 minutes is already absurd).
pub const MAX_BLOCKS: usize = 96;
/// At most this many templates (one per weekday is the most that can apply).
pub const MAX_TEMPLATES: usize = 7;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    Study,
    Meal,
    Exercise,
    Rest,
    Sleep,
    Other,
}

/// A block as planned: wall-clock start and end (minutes after midnight), what it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Block {
    pub id: BlockId,
    pub start_min: u16,
    pub end_min: u16,
    pub kind: BlockKind,
    /// For study blocks.
    pub subject_id: Option<SubjectId>,
    pub label: String,
    /// `#rrggbb`, or `None` for the kind's colour.
    pub color: Option<String>,
    /// Remind this many minutes before the start; `None` uses the default.
    pub remind_before_min: Option<u16>,
}

impl Block {
    /// The wall-clock length in minutes, 1..=1439 for a valid block (0 when start == end).
    pub fn length_min(&self) -> u16 {
        (self.end_min + DAY_MIN - self.start_min) % DAY_MIN
    }

    /// "19:00–20:00 散步", for messages.
    pub fn describe(&self) -> String {
        let span = format!(
            "{}–{}",
            format_hm(u32::from(self.start_min)),
            format_hm(u32::from(self.end_min))
        );
        if self.label.is_empty() { span } else { format!("{span} {}", self.label) }
    }

    /// Whether two blocks share a minute on the 24-hour circle.
    fn overlaps(&self, other: &Block) -> bool {
        // Arc a = [s, s + len) mod 1440. They overlap when either start lies inside the other.
        let inside = |start: u16, arc: &Block| {
            (start + DAY_MIN - arc.start_min) % DAY_MIN < arc.length_min()
        };
        inside(self.start_min, other) || inside(other.start_min, self)
    }
}

/// A named weekly template applied to some weekdays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Template {
    pub id: TemplateId,
    pub name: String,
    pub weekdays: WeekdaySet,
    pub blocks: Vec<Block>,
}

/// One date's changes to its template's blocks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DayOverride {
    /// The study day.
    pub date: NaiveDate,
    /// Template blocks not happening that day.
    pub skipped: Vec<BlockId>,
    /// Template blocks moved, shortened or relabelled that day (same id as in the template).
    pub changed: Vec<Block>,
    /// Blocks only on that day.
    pub added: Vec<Block>,
}

/// Every template and override.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Timetable {
    pub templates: Vec<Template>,
    pub overrides: Vec<DayOverride>,
}

impl Timetable {
    /// The template for a study day, if any applies to its weekday.
    pub fn template_for(&self, date: NaiveDate) -> Option<&Template> {
        self.templates.iter().find(|t| t.weekdays.contains(date.weekday()))
    }

    /// The blocks planned for study day `date`: its template's, with its override applied, in
    /// order of start within the study day (`day_start_min` is the day start).
    pub fn blocks_on(&self, date: NaiveDate, day_start_min: u16) -> Vec<Block> {
        let changes = self.overrides.iter().find(|o| o.date == date);
        Self::apply(self.template_for(date), changes, day_start_min)
    }

    /// A template's blocks with one date's override applied, in order within the study day.
    pub(crate) fn apply(
        template: Option<&Template>,
        changes: Option<&DayOverride>,
        day_start_min: u16,
    ) -> Vec<Block> {
        let mut blocks: Vec<Block> = template.map(|t| t.blocks.clone()).unwrap_or_default();
        if let Some(o) = changes {
            blocks.retain(|b| !o.skipped.contains(&b.id));
            for changed in &o.changed {
                if let Some(b) = blocks.iter_mut().find(|b| b.id == changed.id) {
                    *b = changed.clone();
                }
            }
            blocks.extend(o.added.iter().cloned());
        }
        blocks.sort_by_key(|b| (b.start_min + DAY_MIN - day_start_min % DAY_MIN) % DAY_MIN);
        blocks
    }
}

/// Checks one day's blocks: times, lengths, labels, and no two overlapping (each clash is named).
pub fn validate_blocks(blocks: &[Block]) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    if blocks.len() > MAX_BLOCKS {
        errors.push(
            "blocks",
            Invalid::QuantityOutOfRange { min: 0, max: u32::try_from(MAX_BLOCKS).unwrap_or(96) },
        );
        return errors.into_result();
    }
    for (i, b) in blocks.iter().enumerate() {
        if b.start_min >= DAY_MIN || b.end_min >= DAY_MIN {
            errors.push(format!("blocks.{i}"), Invalid::BadTime { value: b.describe() });
            continue;
        }
        if b.length_min() == 0 {
            errors.push(format!("blocks.{i}.end"), Invalid::ZeroLengthBlock);
        }
        let chars = b.label.chars().count();
        if chars > MAX_LABEL_CHARS {
            errors.push(
                format!("blocks.{i}.label"),
                Invalid::TooLong { max: MAX_LABEL_CHARS, actual: chars },
            );
        }
        if b.label.chars().any(char::is_control) {
            errors.push(format!("blocks.{i}.label"), Invalid::ControlCharacters);
        } else if let Some(c) = crate::name_text::first_invisible(&b.label) {
            errors
                .push(format!("blocks.{i}.label"), Invalid::InvisibleCharacter { code: c as u32 });
        }
        if let Some(color) = &b.color
            && let Err(e) = crate::subject::parse_color(color)
        {
            errors.push(format!("blocks.{i}.color"), e);
        }
        if b.remind_before_min.is_some_and(|m| m > MAX_REMIND_BEFORE_MIN) {
            errors.push(
                format!("blocks.{i}.remind_before_min"),
                Invalid::QuantityOutOfRange { min: 0, max: u32::from(MAX_REMIND_BEFORE_MIN) },
            );
        }
        if blocks[..i].iter().any(|o| o.id == b.id) {
            errors.push(format!("blocks.{i}"), Invalid::UnknownId { value: b.id.to_string() });
        }
        if let Some(other) =
            blocks[..i].iter().find(|o| o.length_min() > 0 && b.length_min() > 0 && b.overlaps(o))
        {
            errors.push(format!("blocks.{i}"), Invalid::BlockOverlap { other: other.describe() });
        }
    }
    errors.into_result()
}

/// Checks a set of templates: each has a name and at least one weekday, valid blocks, and no
/// weekday is claimed by two templates.
pub fn validate_templates(templates: &[Template]) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    for (t_i, t) in templates.iter().enumerate() {
        let name_chars = t.name.chars().count();
        if t.name.trim().is_empty() {
            errors.push(format!("templates.{t_i}.name"), Invalid::Required);
        } else if name_chars > MAX_TEMPLATE_NAME_CHARS {
            errors.push(
                format!("templates.{t_i}.name"),
                Invalid::TooLong { max: MAX_TEMPLATE_NAME_CHARS, actual: name_chars },
            );
        } else if t.name.chars().any(char::is_control) {
            errors.push(format!("templates.{t_i}.name"), Invalid::ControlCharacters);
        } else if let Some(c) = crate::name_text::first_invisible(&t.name) {
            errors.push(
                format!("templates.{t_i}.name"),
                Invalid::InvisibleCharacter { code: c as u32 },
            );
        }
        if t.weekdays.is_empty() {
            errors.push(format!("templates.{t_i}.weekdays"), Invalid::NoWeekdays);
        }
        if let Err(e) = validate_blocks(&t.blocks) {
            for f in e.into_errors() {
                errors.push(format!("templates.{t_i}.{}", f.field), f.error);
            }
        }
        for day in t.weekdays.iso_days() {
            let weekday = iso_weekday(day);
            if let Some(other) = templates[..t_i].iter().find(|o| o.weekdays.contains(weekday)) {
                errors.push(
                    format!("templates.{t_i}.weekdays"),
                    Invalid::WeekdayTaken { weekday: day, other: other.name.clone() },
                );
            }
        }
    }
    errors.into_result()
}

/// Checks that study blocks name subjects that exist (`known`); other kinds carry none.
pub fn validate_subjects(
    blocks: &[Block],
    known: &[SubjectId],
    field: &str,
) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    for (i, b) in blocks.iter().enumerate() {
        if let Some(s) = b.subject_id
            && !known.contains(&s)
        {
            errors.push(
                format!("{field}.{i}.subject_id"),
                Invalid::UnknownId { value: s.to_string() },
            );
        }
    }
    errors.into_result()
}

fn iso_weekday(day: u8) -> Weekday {
    match day {
        1 => Weekday::Mon,
        2 => Weekday::Tue,
        3 => Weekday::Wed,
        4 => Weekday::Thu,
        5 => Weekday::Fri,
        6 => Weekday::Sat,
        _ => Weekday::Sun,
    }
}

#[cfg(test)]
mod tests;
