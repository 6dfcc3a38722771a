//! The group-server account this data folder is connected to. The device token is never stored
//! here: the app keeps it in the OS keychain.

use chrono::{DateTime, Duration, Utc};
use daka_core::ids::DeviceId;
use daka_wire::MAX_DAYS_BACK;
use serde::Serialize;
use sqlx::SqliteConnection;
use uuid::Uuid;

use super::queue::{self, Which};
use crate::error::{Result, StoreError};
use crate::repo::sync::{self as repo, AccountRow};
use crate::repo::{from_millis, meta, outbox, to_millis};
use crate::store::Store;

/// The highest `last_device_seq` the server has confirmed to this account's device. A server
/// that later reports less was restored from a backup and lost what it confirmed since.
pub(super) const ACKED_UPTO: &str = "sync_acked_upto";

/// The connected account (at most one per data folder).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncAccount {
    /// The server's normalized address.
    pub server: String,
    pub user_id: Uuid,
    /// This installation as the server knows it.
    pub server_device_id: Uuid,
    pub username: String,
    pub nickname: String,
    /// Where the data lived when it was connected (see [`Store::check_sync_fingerprint`]).
    pub fingerprint: String,
    pub connected_utc: Option<DateTime<Utc>>,
}

/// What [`Store::check_sync_fingerprint`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FingerprintCheck {
    /// No account is connected: there is nothing to compare.
    NoAccount,
    /// The data is where the account was connected.
    Same,
    /// The data folder was copied to another computer or moved: the account was dropped (the
    /// app must sign in again, as a new device) and this installation has a new device id.
    Moved { old_device_id: DeviceId, new_device_id: DeviceId },
}

impl AccountRow {
    fn into_account(self) -> Result<SyncAccount> {
        let bad = |what: &str| StoreError::corrupt(format!("sync account: {what}"));
        Ok(SyncAccount {
            user_id: Uuid::parse_str(&self.user_id).map_err(|_| bad("user id"))?,
            server_device_id: Uuid::parse_str(&self.server_device_id)
                .map_err(|_| bad("device id"))?,
            connected_utc: self
                .connected_utc
                .map(|ms| from_millis(ms, "sync account connected"))
                .transpose()?,
            server: self.server,
            username: self.username,
            nickname: self.nickname,
            fingerprint: self.fingerprint,
        })
    }
}

/// Forgets what belonged to the account: the wire numbers of pending rows (a new server
/// device starts at 1), the server's refusals, and the groups' copies.
async fn forget_account_state(conn: &mut SqliteConnection) -> Result<()> {
    repo::unnumber_from(&mut *conn, i64::MIN).await?;
    meta::put(&mut *conn, ACKED_UPTO, "0").await?;
    repo::delete_rejected(&mut *conn).await?;
    repo::forget_groups_except(&mut *conn, "[]").await
}

impl Store {
    /// The connected account, if any.
    pub async fn sync_account(&self) -> Result<Option<SyncAccount>> {
        let mut conn = self.pool().acquire().await?;
        repo::account(&mut conn).await?.map(AccountRow::into_account).transpose()
    }

    /// Connects this data folder to a server account, as the server device `server_device_id`
    /// just created by signing in (the app keeps its token in the keychain). Replaces any
    /// account connected before. The outbox is numbered afresh from 1, and a snapshot is
    /// queued so the server has what groups may share: every subject, and the punch-ins and
    /// leave/rest marks of the last [`MAX_DAYS_BACK`] days (each replacing any pending row of
    /// the same record, so nothing goes twice). Joining a group then shares the last N days
    /// of it server-side.
    #[allow(clippy::too_many_arguments)] // one value per field of the session, as the app has them
    pub async fn connect_sync_account(
        &self,
        server: &str,
        user_id: Uuid,
        server_device_id: Uuid,
        username: &str,
        nickname: &str,
        fingerprint: &str,
        now: DateTime<Utc>,
    ) -> Result<SyncAccount> {
        let row = AccountRow {
            server: server.to_owned(),
            user_id: user_id.to_string(),
            server_device_id: server_device_id.to_string(),
            username: username.to_owned(),
            nickname: nickname.to_owned(),
            next_wire_seq: 1,
            fingerprint: fingerprint.to_owned(),
            connected_utc: Some(to_millis(now)),
        };
        let mut tx = self.begin_write().await?;
        forget_account_state(&mut tx).await?;
        repo::put_account(&mut tx, &row).await?;
        let cutoff = now.date_naive() - Duration::days(MAX_DAYS_BACK);
        let snapshot = queue::rows(&mut tx, Which::Snapshot { cutoff }).await?;
        outbox::drop_pending_of(&mut tx, &snapshot).await?;
        outbox::push_many(&mut tx, &snapshot, to_millis(now)).await?;
        tx.commit_outside_records().await?;
        row.into_account()
    }

    /// Disconnects the account (signed out, or the device was removed). Pending changes stay
    /// queued, unnumbered, for whichever account is connected next.
    pub async fn disconnect_sync_account(&self) -> Result<()> {
        let mut tx = self.begin_write().await?;
        repo::delete_account(&mut tx).await?;
        forget_account_state(&mut tx).await?;
        tx.commit_outside_records().await?;
        Ok(())
    }

    /// Compares `fingerprint` (where the data lives now: the app passes machine id + data
    /// folder) with the one stored when the account was connected. When they differ the
    /// folder was copied or moved, and a copy must not go on as the same device: the account
    /// is dropped (sign in again, as a new device) and this installation gets a new device id
    /// (two copies must never write under one id). Call it at start, before syncing.
    pub async fn check_sync_fingerprint(&self, fingerprint: &str) -> Result<FingerprintCheck> {
        let mut tx = self.begin_write().await?;
        let Some(account) = repo::account(&mut tx).await? else {
            return Ok(FingerprintCheck::NoAccount);
        };
        if account.fingerprint == fingerprint {
            return Ok(FingerprintCheck::Same);
        }
        let old_device_id = self.device_id();
        repo::delete_account(&mut tx).await?;
        forget_account_state(&mut tx).await?;
        let new_device_id = meta::new_device_id(&mut tx).await?;
        tx.commit_outside_records().await?;
        self.set_device_id(new_device_id);
        tracing::warn!("the data folder was copied or moved: signed out, new device id");
        Ok(FingerprintCheck::Moved { old_device_id, new_device_id })
    }
}
