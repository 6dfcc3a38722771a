//! Groups, members, invites, what a member shares, and the audit log.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A member's role in one group. Owner ⊃ admin ⊃ member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Member,
    Admin,
    Owner,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Admin => "admin",
            Role::Owner => "owner",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "member" => Role::Member,
            "admin" => Role::Admin,
            "owner" => Role::Owner,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct CreateGroup {
    /// 1–24 characters.
    pub name: String,
    /// IANA zone the group's day and deadline are judged in, e.g. `Asia/Shanghai`.
    pub tz: String,
    /// `HH:MM`; before 06:00 means the next morning.
    pub deadline: String,
    /// What the creator shares with it.
    #[serde(default)]
    pub share: ShareSettings,
}

/// A group as one member sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Group {
    pub id: Uuid,
    pub name: String,
    pub tz: String,
    pub deadline: String,
    pub owner_user_id: Uuid,
    pub created_at: DateTime<Utc>,
    /// The caller's role.
    pub role: Role,
    /// What the caller shares with this group.
    pub share: ShareSettings,
    pub member_count: u32,
}

/// What a member shares with one group. Status and minutes per subject always; the rest only
/// when turned on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct ShareSettings {
    #[serde(default)]
    pub note: bool,
    #[serde(default)]
    pub mood: bool,
    /// The punch-ins' photos (their 480 px thumbnails). Turning it on applies to what is
    /// pushed from then on: the app uploads a photo only while some group shares photos.
    #[serde(default)]
    pub photos: bool,
    /// When false, the group sees the order and whether it was on time, not the clock time.
    #[serde(default = "yes")]
    pub exact_times: bool,
}

fn yes() -> bool {
    true
}

impl Default for ShareSettings {
    fn default() -> Self {
        ShareSettings { note: false, mood: false, photos: false, exact_times: true }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Member {
    pub user_id: Uuid,
    pub nickname: String,
    pub role: Role,
    pub joined_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct CreateInvite {
    /// 1–500 uses.
    pub max_uses: u32,
    /// 1–720 hours (30 days).
    pub expires_in_hours: u32,
}

/// A new invite. `code` is shown only here, once (the server keeps its hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InviteCreated {
    pub invite: Invite,
    pub code: String,
    /// `daka://join/<code>?server=<url-encoded server URL>`: opens the app's join dialog.
    pub app_link: String,
}

/// `POST /v1/invites/preview`: where an invite code leads, before joining.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct InviteCode {
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InvitePreview {
    pub group_name: String,
    pub tz: String,
    pub deadline: String,
    pub member_count: u32,
    /// Days of history a new member shares on joining.
    pub shares_days: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Invite {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub max_uses: u32,
    pub uses: u32,
    pub revoked: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct JoinGroup {
    pub code: String,
    #[serde(default)]
    pub share: ShareSettings,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct LeaveGroup {
    /// Also withdraw every punch-in, subject and day mark shared with the group.
    #[serde(default)]
    pub delete_shared: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_user_id: Uuid,
    pub actor_nickname: String,
    /// e.g. `invite.create`, `invite.revoke`, `group.update`, `member.remove`.
    pub action: String,
    pub target: Option<String>,
}
