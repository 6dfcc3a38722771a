//! The rows and requests `ServerDb` speaks in. Secrets only ever appear here as hashes.

use chrono::{DateTime, NaiveDate, Utc};
use daka_core::group::{Deadline, GroupClock};
use daka_wire::{DayMarkBody, PunchInBody, RecordKind, RejectCode, Role, ShareSettings};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct NewUser {
    pub id: Uuid,
    pub username: String,
    pub password_hash: String,
    pub nickname: String,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub id: Uuid,
    pub username: String,
    pub nickname: String,
    /// The argon2id PHC string.
    pub password_hash: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewDevice {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    /// Lower-case hex SHA-256 of the token.
    pub token_hash: String,
    pub now: DateTime<Utc>,
}

/// The device a request's token names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceAuth {
    pub device_id: Uuid,
    pub user_id: Uuid,
    pub revoked: bool,
    pub last_seen_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRow {
    pub id: Uuid,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct NewGroup {
    pub id: Uuid,
    pub name: String,
    pub tz: String,
    pub deadline: String,
    pub owner: Uuid,
    pub share: ShareSettings,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRow {
    pub id: Uuid,
    pub name: String,
    pub tz: String,
    pub deadline: String,
    pub owner_user_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub head_seq: i64,
    pub min_retained_seq: i64,
}

impl GroupRow {
    /// The group's clock. Zone and deadline are checked before they are stored, so `None`
    /// means the row was edited by hand.
    pub fn clock(&self) -> Option<GroupClock> {
        let tz = self.tz.parse().ok()?;
        let deadline = Deadline::parse(&self.deadline).ok()?;
        Some(GroupClock { tz, deadline })
    }
}

/// A group as one of its members sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupView {
    pub group: GroupRow,
    pub role: Role,
    pub share: ShareSettings,
    pub member_count: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MembershipRow {
    pub group_id: Uuid,
    pub user_id: Uuid,
    pub role: Role,
    pub share: ShareSettings,
    pub joined_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRow {
    pub user_id: Uuid,
    pub nickname: String,
    pub role: Role,
    pub share: ShareSettings,
    pub joined_at: DateTime<Utc>,
}

/// An admin's edit of the group's name, zone or deadline (audited).
#[derive(Debug, Clone)]
pub struct GroupChange {
    pub group: Uuid,
    pub actor: Uuid,
    pub name: String,
    pub tz: String,
    pub deadline: String,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewInvite {
    pub id: Uuid,
    pub group: Uuid,
    pub code_hash: String,
    pub created_by: Uuid,
    pub expires_at: DateTime<Utc>,
    pub max_uses: u32,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteRow {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub max_uses: u32,
    pub uses: u32,
    pub revoked: bool,
}

#[derive(Debug, Clone)]
pub struct JoinRequest {
    pub code_hash: String,
    pub user: Uuid,
    pub share: ShareSettings,
    /// Records dated on or after this are shared with the group on joining.
    pub share_since: NaiveDate,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: Uuid,
    pub actor_nickname: String,
    pub action: String,
    pub target: Option<String>,
}

/// A mutation after the server's checks: either a record to apply or the reason it is refused.
/// Refused ones still advance the device's sequence.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedMutation {
    pub device_seq: i64,
    pub version: i64,
    pub verdict: Verdict,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Apply(StoredRecord),
    Reject(RejectCode),
}

/// A record as stored: the wire body as JSON plus the columns the server queries by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRecord {
    pub id: Uuid,
    pub kind: RecordKind,
    /// The study date (punch-ins and day marks).
    pub date: Option<NaiveDate>,
    /// `None` is a delete.
    pub body: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushOutcome {
    pub last_device_seq: i64,
    pub results: Vec<(i64, Outcome)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Applied,
    Duplicate,
    Superseded,
    Rejected(RejectCode),
}

/// What the board of one day needs: the members, and their records shared with the group.
#[derive(Debug, Clone)]
pub struct BoardData {
    pub group: GroupRow,
    pub members: Vec<MemberRow>,
    pub punch_ins: Vec<(Uuid, PunchInBody)>,
    pub day_marks: Vec<(Uuid, DayMarkBody)>,
    /// Subject id → (name, colour), of every member.
    pub subjects: Vec<(Uuid, String, String)>,
    /// Of the photos the day's punch-ins list, those uploaded by their author.
    pub stored_photos: Vec<Uuid>,
}

/// A photo to store (`ServerDb::put_photo`). `bytes` are already checked to be one JPEG of at
/// most `daka_wire::MAX_PHOTO_BYTES`.
#[derive(Debug, Clone)]
pub struct NewPhoto {
    pub id: Uuid,
    pub owner: Uuid,
    pub bytes: Vec<u8>,
    /// Hex SHA-256 of `bytes`: an upload again with the same id must have the same bytes.
    pub sha256: String,
    pub now: DateTime<Utc>,
    /// How many photos one account may keep on this server.
    pub max_per_owner: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoPut {
    Stored,
    /// The same photo was uploaded before (a retry).
    AlreadyStored,
}

/// Times are stored as Unix milliseconds in every backend.
pub fn millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub fn from_millis(ms: i64) -> Result<DateTime<Utc>, crate::DbError> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| crate::DbError::Corrupt(format!("time {ms}")))
}

/// The audit actions, as stored.
pub mod action {
    pub const GROUP_CREATE: &str = "group.create";
    pub const GROUP_UPDATE: &str = "group.update";
    pub const INVITE_CREATE: &str = "invite.create";
    pub const INVITE_REVOKE: &str = "invite.revoke";
    pub const MEMBER_JOIN: &str = "member.join";
    pub const MEMBER_LEAVE: &str = "member.leave";
    pub const MEMBER_REMOVE: &str = "member.remove";
    pub const MEMBER_ROLE: &str = "member.role";
}
