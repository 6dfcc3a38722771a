//! Push, status and pull (research/architecture-anchors.md §10.4–§10.5).
//!
//! Invariants the server keeps and the client relies on:
//! - a push is idempotent by the device's sequence: `device_seq <= last_device_seq` is a
//!   `duplicate`, a gap is a 409, and a rejected mutation still advances `last_device_seq`;
//! - edits are last-writer-wins by `(version, device)`; a losing edit is `superseded`;
//! - each group's feed is compacted (one change per record, at its latest `seq`) and gap-free:
//!   when a client sees `seq = n`, every change `< n` of that group is already visible.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How many days before the member's today a dated record (punch-in, day mark) may be: the
/// server refuses older ones (`date_out_of_window`), so the app drops them unsent.
pub const MAX_DAYS_BACK: i64 = 400;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    /// In increasing `device_seq` order, starting at the server's `last_device_seq + 1` (or
    /// at or below it: those are answered `duplicate`). At most `MAX_PUSH_MUTATIONS`.
    pub mutations: Vec<Mutation>,
}

/// One local change, as it left the device's outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Mutation {
    /// The device's outbox sequence, ≥ 1, strictly increasing.
    pub device_seq: i64,
    pub mutation_id: Uuid,
    /// The record's hybrid-logical-clock version: `(unix_ms << 16) | counter`.
    pub version: i64,
    pub record: Record,
}

/// A record as the device writes it. A `None` body is a delete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Record {
    PunchIn { id: Uuid, body: Option<PunchInBody> },
    Subject { id: Uuid, body: Option<SubjectBody> },
    DayMark { id: Uuid, body: Option<DayMarkBody> },
}

impl Record {
    pub fn id(&self) -> Uuid {
        match self {
            Record::PunchIn { id, .. }
            | Record::Subject { id, .. }
            | Record::DayMark { id, .. } => *id,
        }
    }

    pub fn kind(&self) -> RecordKind {
        match self {
            Record::PunchIn { .. } => RecordKind::PunchIn,
            Record::Subject { .. } => RecordKind::Subject,
            Record::DayMark { .. } => RecordKind::DayMark,
        }
    }

    pub fn is_delete(&self) -> bool {
        match self {
            Record::PunchIn { body, .. } => body.is_none(),
            Record::Subject { body, .. } => body.is_none(),
            Record::DayMark { body, .. } => body.is_none(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    PunchIn,
    Subject,
    DayMark,
}

impl RecordKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::PunchIn => "punch_in",
            RecordKind::Subject => "subject",
            RecordKind::DayMark => "day_mark",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "punch_in" => RecordKind::PunchIn,
            "subject" => RecordKind::Subject,
            "day_mark" => RecordKind::DayMark,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct PunchInBody {
    /// The member's study date it counts for.
    pub date: NaiveDate,
    /// When the device made it: the evidence for being on time, even when it syncs later.
    pub created_utc: DateTime<Utc>,
    /// The member's IANA zone when it was made.
    pub tz: String,
    /// Minutes per subject; each 0–1440, 1440 in all at most.
    pub minutes: Vec<SubjectMinutes>,
    /// At most 2,000 characters. The server passes it on only to groups that share notes.
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub mood: Option<Mood>,
    /// The punch-in's photos, in order, at most [`MAX_PHOTOS`]: ids of pictures uploaded with
    /// `PUT /v1/photos/{id}`. Groups see them only when the member shares photos there.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<Uuid>,
}

/// At most this many photos per punch-in (the app's own limit).
pub const MAX_PHOTOS: usize = 9;

/// The largest photo the server stores: the app uploads its 480 px JPEG thumbnail (typically
/// 30–90 KB), never the original.
pub const MAX_PHOTO_BYTES: usize = 512 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct SubjectMinutes {
    pub subject_id: Uuid,
    pub minutes: u32,
}

/// The mood of a punch-in as groups see it. Named apart from the app's own `Mood` so both can
/// appear in the app's generated bindings; `Mood` stays as the short name in Rust.
pub type Mood = SharedMood;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SharedMood {
    Great,
    Good,
    Okay,
    Tired,
    Down,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct SubjectBody {
    /// 1–24 characters.
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct DayMarkBody {
    pub date: NaiveDate,
    pub mark: DayMarkKind,
}

/// A day the member is excused: 请假 (leave) or a rest day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum DayMarkKind {
    Leave,
    Rest,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PushResponse {
    /// Every outbox row up to here may be dropped (rejected ones kept to show the user).
    pub last_device_seq: i64,
    pub results: Vec<MutationResult>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MutationResult {
    pub device_seq: i64,
    pub status: MutationStatus,
    /// For `rejected`: why, for programs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<RejectCode>,
    /// For `rejected`: why, for people, in the request's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum MutationStatus {
    Applied,
    /// Applied by an earlier push (a retry).
    Duplicate,
    /// A newer version of the record is already on the server; it arrives on pull.
    Superseded,
    Rejected,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum RejectCode {
    /// The record id belongs to another member.
    Forbidden,
    /// The version's clock is more than 5 minutes ahead of the server's.
    ClockAhead,
    /// The date is more than a year back or after tomorrow.
    DateOutOfWindow,
    /// Some field is out of range (minutes, note length, zone, colour …).
    Invalid,
    #[serde(other)]
    Unknown,
}

impl RejectCode {
    pub fn as_str(self) -> &'static str {
        match self {
            RejectCode::Forbidden => "forbidden",
            RejectCode::ClockAhead => "clock_ahead",
            RejectCode::DateOutOfWindow => "date_out_of_window",
            RejectCode::Invalid => "invalid",
            RejectCode::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Self {
        match s {
            "forbidden" => RejectCode::Forbidden,
            "clock_ahead" => RejectCode::ClockAhead,
            "date_out_of_window" => RejectCode::DateOutOfWindow,
            "invalid" => RejectCode::Invalid,
            _ => RejectCode::Unknown,
        }
    }
}

/// `GET /v1/sync/status`: where the device and each of its groups stand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncStatus {
    pub protocol: u32,
    /// The server's clock, so the app can warn about a skewed one.
    pub server_time: DateTime<Utc>,
    pub last_device_seq: i64,
    pub groups: Vec<GroupHead>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GroupHead {
    pub group_id: Uuid,
    pub head_seq: i64,
    /// Cursors below this get 410: the client wipes its copy and pulls from 0.
    pub min_retained_seq: i64,
}

/// `GET /v1/groups/{id}/changes?after=&limit=`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ChangePage {
    pub changes: Vec<Change>,
    /// The cursor for the next page (the last change's seq, or `after` when empty).
    pub next_after: i64,
    pub head_seq: i64,
    pub has_more: bool,
}

/// One record of one member as the group may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Change {
    pub seq: i64,
    pub author_user_id: Uuid,
    pub version: i64,
    pub record: SharedRecord,
}

/// A record in a group's feed, filtered by what its author shares there. `None` is a delete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SharedRecord {
    PunchIn { id: Uuid, body: Option<SharedPunchIn> },
    Subject { id: Uuid, body: Option<SubjectBody> },
    DayMark { id: Uuid, body: Option<DayMarkBody> },
}

impl SharedRecord {
    pub fn id(&self) -> Uuid {
        match self {
            SharedRecord::PunchIn { id, .. }
            | SharedRecord::Subject { id, .. }
            | SharedRecord::DayMark { id, .. } => *id,
        }
    }

    pub fn kind(&self) -> RecordKind {
        match self {
            SharedRecord::PunchIn { .. } => RecordKind::PunchIn,
            SharedRecord::Subject { .. } => RecordKind::Subject,
            SharedRecord::DayMark { .. } => RecordKind::DayMark,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SharedPunchIn {
    pub date: NaiveDate,
    /// `None` when the author hides exact times from this group.
    pub created_utc: Option<DateTime<Utc>>,
    /// Judged by the group's clock when it arrived.
    pub on_time: bool,
    pub minutes: Vec<SubjectMinutes>,
    pub note: Option<String>,
    pub mood: Option<Mood>,
    /// Empty unless the author shares photos with this group. Fetch each with
    /// `GET /v1/groups/{group}/photos/{id}`.
    #[serde(default)]
    pub photos: Vec<Uuid>,
}

/// What the server's event stream (`GET /v1/events`) sends: a group's feed advanced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Poke {
    pub group_id: Uuid,
    pub head_seq: i64,
}
