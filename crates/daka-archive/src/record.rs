//! The records of `daka.jsonl`: one JSON object per line, one per stored row, tombstones
//! included, so an import can restore or merge exactly what was exported.
//!
//! The layout mirrors the store's tables on purpose (ids, versions, device ids, instants in UTC
//! milliseconds, dates as `YYYY-MM-DD`). Values are checked on import by the store with the same
//! rules as any other write. **Only ever add fields (with `#[serde(default)]`) or record types;
//! bump [`FORMAT_VERSION`] for anything else**, so old archives keep importing. Unknown fields are
//! ignored, so an older Daka can still read what a newer one added.

use serde::{Deserialize, Serialize};

/// The `format` of the header line.
pub const FORMAT: &str = "daka-export";
/// The newest version this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// Fields every synced row carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowMeta {
    pub created_utc: i64,
    pub updated_utc: i64,
    pub version: i64,
    pub device_id: String,
    #[serde(default)]
    pub deleted_utc: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinutesRow {
    pub subject_id: String,
    pub minutes: i64,
}

/// One line of `daka.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record {
    /// Always the first line.
    Header {
        format: String,
        version: u32,
        exported_utc: i64,
        app_version: String,
        device_id: String,
    },
    Setting {
        key: String,
        value: serde_json::Value,
        updated_utc: i64,
        version: i64,
        device_id: String,
    },
    DayRule {
        id: String,
        effective_from_utc: i64,
        time_zone: String,
        day_start_min: i64,
        #[serde(flatten)]
        meta: RowMeta,
    },
    Exam {
        id: String,
        name: String,
        exam_date: String,
        #[serde(flatten)]
        meta: RowMeta,
    },
    Subject {
        id: String,
        name: String,
        color: String,
        position: i64,
        #[serde(flatten)]
        meta: RowMeta,
    },
    Goal {
        id: String,
        title: String,
        unit: String,
        target: i64,
        measure: String,
        subject_id: Option<String>,
        schedule: serde_json::Value,
        active_from: String,
        active_until: Option<String>,
        archived_utc: Option<i64>,
        position: i64,
        #[serde(flatten)]
        meta: RowMeta,
    },
    PunchIn {
        id: String,
        logical_date: String,
        kind: String,
        entered_on: String,
        tz: String,
        utc_offset_min: i64,
        day_start_min: i64,
        note: String,
        mood: Option<String>,
        minutes: Vec<MinutesRow>,
        #[serde(flatten)]
        meta: RowMeta,
    },
    GoalProgress {
        id: String,
        goal_id: String,
        logical_date: String,
        delta: i64,
        kind: String,
        entered_on: String,
        punch_in_id: Option<String>,
        #[serde(flatten)]
        meta: RowMeta,
    },
    DayStatus {
        id: String,
        logical_date: String,
        mark: String,
        entered_on: String,
        #[serde(flatten)]
        meta: RowMeta,
    },
    /// A punch-in photo; a live one's file is in the ZIP as `photos/<file_name>`.
    PunchInPhoto {
        id: String,
        punch_in_id: String,
        position: i64,
        file_name: String,
        width: i64,
        height: i64,
        bytes: i64,
        original_name: String,
        #[serde(flatten)]
        meta: RowMeta,
    },
    /// A weekly timetable template. `weekdays` are ISO days (1 = Monday); `blocks` is a JSON
    /// array of daka-core `Block`s, kept as JSON here and decoded (and checked) on import.
    TimetableTemplate {
        id: String,
        name: String,
        weekdays: Vec<u8>,
        blocks: serde_json::Value,
        position: i64,
        #[serde(flatten)]
        meta: RowMeta,
    },
    /// One study day's changes to its template: `skipped` block ids, `changed` and `added`
    /// blocks (JSON arrays of daka-core `BlockId`s and `Block`s). Keyed by the date, no id.
    TimetableOverride {
        logical_date: String,
        skipped: serde_json::Value,
        changed: serde_json::Value,
        added: serde_json::Value,
        #[serde(flatten)]
        meta: RowMeta,
    },
    /// A finished focus session. `mode` and `outcome` are daka-focus's names (`pomodoro`,
    /// `completed`, …); `blocked` is a JSON array of `{"app", "count"}`, kept as JSON here and
    /// decoded (and checked) on import. The running timer (`focus_state`) belongs to one
    /// computer and is never exported.
    FocusSession {
        id: String,
        subject_id: Option<String>,
        mode: String,
        planned_min: i64,
        /// Work seconds, breaks excluded.
        actual_sec: i64,
        outcome: String,
        strict: bool,
        started_utc: i64,
        ended_utc: i64,
        logical_date: String,
        blocked: serde_json::Value,
        #[serde(flatten)]
        meta: RowMeta,
    },
}

impl Record {
    /// The record's kind, as written in `type` (for messages and progress).
    pub fn kind(&self) -> &'static str {
        match self {
            Record::Header { .. } => "header",
            Record::Setting { .. } => "setting",
            Record::DayRule { .. } => "day_rule",
            Record::Exam { .. } => "exam",
            Record::Subject { .. } => "subject",
            Record::Goal { .. } => "goal",
            Record::PunchIn { .. } => "punch_in",
            Record::GoalProgress { .. } => "goal_progress",
            Record::DayStatus { .. } => "day_status",
            Record::PunchInPhoto { .. } => "punch_in_photo",
            Record::TimetableTemplate { .. } => "timetable_template",
            Record::TimetableOverride { .. } => "timetable_override",
            Record::FocusSession { .. } => "focus_session",
        }
    }
}
