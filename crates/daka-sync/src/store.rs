//! What the engine needs from local storage. Every method that writes is one transaction in
//! the implementation, so a crash between two calls leaves a state the next round repairs.

use async_trait::async_trait;
use daka_wire::{ChangePage, Mutation, PushResponse, RejectCode};
use uuid::Uuid;

/// Local storage failed (disk full, a corrupt file). The round stops; nothing is acknowledged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("local storage: {0}")]
pub struct StoreFailure(pub String);

/// A mutation the server refused, kept for the UI until the user retries or discards it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub device_seq: i64,
    pub record_id: Uuid,
    pub code: RejectCode,
    pub message: String,
}

#[async_trait]
pub trait SyncStore: Send + Sync + 'static {
    /// Up to `limit` mutations to push, in increasing `device_seq`. Sequence numbers are
    /// assigned here and persisted before they are returned (so a retry resends the same
    /// mutation under the same number), never at or below `floor` (the server's last applied
    /// sequence: numbers below it may have been used by a copy of this data that was rewound,
    /// e.g. by restoring a backup).
    async fn next_batch(&self, floor: i64, limit: usize) -> Result<Vec<Mutation>, StoreFailure>;

    /// The server's answer to a push: drop everything up to `last_device_seq`, except rejected
    /// mutations, which are kept (with their reason) and never sent again.
    async fn acknowledge(&self, response: &PushResponse) -> Result<(), StoreFailure>;

    /// The server says it expected `expected` next (409): renumber unsent mutations from there.
    async fn resequence(&self, expected: i64) -> Result<(), StoreFailure>;

    /// The last applied feed sequence of a group (0 before the first pull).
    async fn cursor(&self, group: Uuid) -> Result<i64, StoreFailure>;

    /// Applies one page of a group's feed and advances its cursor to `page.next_after`, in one
    /// transaction; takes every version seen into account in the local clock.
    async fn apply_page(&self, group: Uuid, page: &ChangePage) -> Result<(), StoreFailure>;

    /// Forgets a group's local copy (410, or the group is gone); the next pull starts at 0.
    async fn reset_group(&self, group: Uuid) -> Result<(), StoreFailure>;

    /// Forgets the copies of every group not in `groups` (left, removed or deleted).
    async fn retain_groups(&self, groups: &[Uuid]) -> Result<(), StoreFailure>;

    /// The server says it has applied this device's mutations up to `server_last`, less than
    /// it once confirmed: it was restored from a backup and lost them. Queue again everything a
    /// new device would send, and the deletions; answers whether it did.
    async fn server_rewound(&self, server_last: i64) -> Result<bool, StoreFailure>;

    /// The JPEG to upload for a photo a punch-in lists (its thumbnail), or `None` when the
    /// photo is gone from this computer (the punch-in is pushed without it).
    async fn photo_upload(&self, photo: Uuid) -> Result<Option<Vec<u8>>, StoreFailure>;

    /// How many mutations wait to be sent, and the refused ones.
    async fn pending(&self) -> Result<(u64, Vec<Rejected>), StoreFailure>;

    /// The user asked to retry what the server refused: queue each refused record again as it
    /// stands now, under a new sequence number (the server answers a number it refused with the
    /// same refusal), and drop the refused entries. Returns how many were queued again.
    async fn requeue_rejected(&self) -> Result<u64, StoreFailure>;
}
