//! What the group server needs from a database, as one trait with domain-level methods.
//!
//! Why a trait and one crate per backend (atuin's layout, research/architecture-anchors.md
//! §10.10): the SQL dialects differ exactly where correctness lives — how a push transaction
//! takes its locks and allocates the feed sequence — so each backend writes its own SQL behind
//! methods that are whole transactions. The handler never sees a transaction type.
//!
//! Shared by every backend, so they cannot drift: the checks of incoming mutations
//! ([`check`]), what a member's share settings let a group see ([`share`]), and the
//! [`conformance`] suite each backend must pass.

#![forbid(unsafe_code)]

pub mod check;
#[cfg(feature = "conformance")]
pub mod conformance;
mod error;
pub mod group_commit;
mod model;
pub mod share;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use daka_wire::{ChangePage, Poke, Role, ShareSettings, SyncStatus};
use uuid::Uuid;

pub use error::DbError;
pub use model::*;

/// The group server's storage. Implementations: `daka-server-sqlite`, `daka-server-postgres`.
///
/// Every method is one transaction. Times come in as arguments (`now`), never from the
/// database's clock, so tests can move time and both backends agree.
#[async_trait]
pub trait ServerDb: Send + Sync + 'static {
    // --- accounts and devices ---------------------------------------------------------------
    /// Creates the user and their first device. `UsernameTaken` when the name is in use.
    async fn create_user(&self, user: NewUser, device: NewDevice) -> Result<UserRow, DbError>;
    /// Looks a user up by name, case-insensitively.
    async fn user_by_name(&self, username: &str) -> Result<Option<UserRow>, DbError>;
    async fn user(&self, id: Uuid) -> Result<Option<UserRow>, DbError>;
    async fn set_nickname(&self, user: Uuid, nickname: &str) -> Result<(), DbError>;
    async fn create_device(&self, device: NewDevice) -> Result<(), DbError>;
    /// The device a token hash belongs to, revoked or not (the caller decides).
    async fn device_by_token(&self, token_hash: &str) -> Result<Option<DeviceAuth>, DbError>;
    /// Records that the device was seen (callers throttle this to once a minute).
    async fn touch_device(&self, device: Uuid, now: DateTime<Utc>) -> Result<(), DbError>;
    async fn devices(&self, user: Uuid) -> Result<Vec<DeviceRow>, DbError>;
    /// Revokes one of the user's devices; `NotFound` when it is not theirs.
    async fn revoke_device(
        &self,
        user: Uuid,
        device: Uuid,
        now: DateTime<Utc>,
    ) -> Result<(), DbError>;

    // --- groups -----------------------------------------------------------------------------
    async fn create_group(&self, group: NewGroup) -> Result<(), DbError>;
    /// The groups the user belongs to, with their membership.
    async fn groups_of(&self, user: Uuid) -> Result<Vec<GroupView>, DbError>;
    async fn group(&self, group: Uuid) -> Result<Option<GroupRow>, DbError>;
    /// The user's membership, or `None` (also for a deleted group).
    async fn membership(&self, group: Uuid, user: Uuid) -> Result<Option<MembershipRow>, DbError>;
    async fn members(&self, group: Uuid) -> Result<Vec<MemberRow>, DbError>;
    async fn update_group(&self, change: GroupChange) -> Result<(), DbError>;
    /// Changes what the member shares, and re-announces their records so every copy refilters.
    async fn set_share(
        &self,
        group: Uuid,
        user: Uuid,
        share: ShareSettings,
        now: DateTime<Utc>,
    ) -> Result<(), DbError>;
    async fn create_invite(&self, invite: NewInvite) -> Result<(), DbError>;
    async fn invites(&self, group: Uuid) -> Result<Vec<InviteRow>, DbError>;
    /// Revokes an invite of that group; `NotFound` otherwise.
    async fn revoke_invite(
        &self,
        group: Uuid,
        invite: Uuid,
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<(), DbError>;
    /// Redeems an invite: checks expiry, uses and revocation, adds the member, and shares their
    /// records dated `share_since` or later (and all their subjects) with the group, in one
    /// transaction. `InviteInvalid` when the code cannot be used. Joining twice is a no-op that
    /// still answers the group (and does not use the invite up).
    async fn join(&self, join: JoinRequest) -> Result<Uuid, DbError>;
    /// The group an unexpired, unrevoked invite with uses left leads to.
    async fn invite_group(
        &self,
        code_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<GroupRow>, DbError>;
    /// Leaves the group. With `withdraw`, every record the member shared there is tombstoned
    /// in its feed. `OwnerCannotLeave` for the owner.
    async fn leave(
        &self,
        group: Uuid,
        user: Uuid,
        withdraw: bool,
        now: DateTime<Utc>,
    ) -> Result<(), DbError>;
    /// An admin removes a member (audited); the member's records stay unless `withdraw`.
    async fn remove_member(
        &self,
        group: Uuid,
        actor: Uuid,
        member: Uuid,
        now: DateTime<Utc>,
    ) -> Result<(), DbError>;
    /// The owner changes a member's role (audited). Never to or from owner.
    async fn set_role(
        &self,
        group: Uuid,
        actor: Uuid,
        member: Uuid,
        role: Role,
        now: DateTime<Utc>,
    ) -> Result<(), DbError>;
    /// The owner deletes the group and everything in its feed.
    async fn delete_group(&self, group: Uuid) -> Result<(), DbError>;
    async fn audit_log(&self, group: Uuid) -> Result<Vec<AuditRow>, DbError>;

    // --- sync -------------------------------------------------------------------------------
    /// Applies a batch from one device in one transaction (research §10.4): duplicates skip,
    /// a gap aborts with `SequenceGap`, rejected mutations advance the device's sequence,
    /// last-writer-wins by `(version, device)`, fan-out into each of the author's groups with a
    /// gap-free per-group sequence. Pokes are sent after commit.
    async fn push(
        &self,
        device: &DeviceAuth,
        batch: Vec<CheckedMutation>,
        now: DateTime<Utc>,
    ) -> Result<PushOutcome, DbError>;
    async fn sync_status(
        &self,
        device: &DeviceAuth,
        now: DateTime<Utc>,
    ) -> Result<SyncStatus, DbError>;
    /// A page of the group's feed after `after`, filtered by each author's share settings.
    /// `CursorExpired` when `after` is older than what the group retains.
    async fn changes(&self, group: Uuid, after: i64, limit: u32) -> Result<ChangePage, DbError>;
    /// What the board of `date` is made of.
    async fn board_data(&self, group: Uuid, date: NaiveDate) -> Result<BoardData, DbError>;
    // --- photos -----------------------------------------------------------------------------
    /// Stores a punch-in photo under its id. The same bytes again from the same owner:
    /// `AlreadyStored`; other bytes or another owner: `PhotoTaken` (a photo never changes);
    /// an owner already keeping `max_per_owner` photos: `QuotaExceeded`.
    async fn put_photo(&self, photo: NewPhoto) -> Result<PhotoPut, DbError>;
    /// The photo's bytes when `group` may see it: its owner is a member who shares photos
    /// there, and a live punch-in of the owner in the group's feed lists it. `None` otherwise
    /// (deleted punch-in, sharing turned off, a member who left, an unknown id).
    async fn group_photo(&self, group: Uuid, photo: Uuid) -> Result<Option<Vec<u8>>, DbError>;

    /// Drops feed tombstones changed before `before`, raising each group's `min_retained_seq`,
    /// and photos uploaded before `before` that no live punch-in of their owner lists.
    async fn compact(&self, before: DateTime<Utc>) -> Result<u64, DbError>;
    /// Pokes from this process and, for PostgreSQL, from every other process on the database.
    fn pokes(&self) -> tokio::sync::broadcast::Receiver<Poke>;
}
