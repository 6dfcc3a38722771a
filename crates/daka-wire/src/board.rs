//! A group's board of one day, as the server computes it with `daka_core::group::board`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Mood;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Board {
    pub group_id: Uuid,
    pub group_name: String,
    pub date: NaiveDate,
    /// The group's "today" when the board was made.
    pub today: NaiveDate,
    pub deadline_utc: DateTime<Utc>,
    /// In 接龙 order.
    pub entries: Vec<BoardEntry>,
    pub on_leave: Vec<BoardMember>,
    pub missing: Vec<BoardMember>,
    /// Ready to paste into WeChat, in the request's language.
    pub jielong_text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BoardMember {
    pub user_id: Uuid,
    pub nickname: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BoardEntry {
    pub position: u32,
    pub user_id: Uuid,
    pub nickname: String,
    /// `None` when the member hides exact times.
    pub first_punch_utc: Option<DateTime<Utc>>,
    pub on_time: bool,
    pub minutes: Vec<BoardMinutes>,
    pub total_minutes: u32,
    pub notes: Vec<String>,
    pub mood: Option<Mood>,
    /// The day's photos the member shares with this group and has uploaded, earliest punch-in
    /// first: `GET /v1/groups/{group}/photos/{id}` (or the web page's `/g/{group}/photos/{id}`).
    pub photos: Vec<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BoardMinutes {
    pub subject: String,
    pub color: String,
    pub minutes: u32,
}
