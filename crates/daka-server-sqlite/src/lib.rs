//! The group server's storage on one SQLite file: the zero-setup default.
//!
//! One process owns the file. WAL lets readers (pulls, boards) run beside the single writer;
//! every writing transaction starts with `BEGIN IMMEDIATE`, so it takes the write lock up front
//! instead of failing to upgrade a read snapshot (the deferred-BEGIN busy trap). Writers are
//! serialized by SQLite itself, which is what makes each group's feed sequence gap-free here.
//! They also queue on an in-process async lock before `BEGIN IMMEDIATE`: without it, writers
//! that find the file locked wait in SQLite's busy handler, which sleeps in steps of up to
//! 100 ms and so wakes long after the lock is free (p99 push latency 187 ms at 200 clients in
//! `make bench`); with it, the next writer starts the moment the previous one commits, and
//! only a second process on the same file would ever meet the busy handler.
//! Pushes, the hot path, are applied by one writer task that commits the pushes queued behind
//! each other in one transaction (`daka_server_db::group_commit`). Pokes go to an in-process
//! channel after commit.

#![forbid(unsafe_code)]

mod accounts;
mod feed;
mod groups;
mod photos;

use std::path::Path;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use daka_server_db::group_commit::{ApplyPushes, GroupCommit, PushJob, latest_heads};
use daka_server_db::*;
use daka_wire::{ChangePage, Poke, Role, ShareSettings, SyncStatus};
use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};
use tokio::sync::broadcast;
use uuid::Uuid;

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// How long a writer waits for another before answering busy.
const BUSY_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, Clone)]
pub struct SqliteDb {
    pool: SqlitePool,
    pokes: broadcast::Sender<Poke>,
    /// Held for the whole of each writing transaction (see the module docs).
    writer: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// Pushes go through the group-commit writer task (`daka_server_db::group_commit`).
    pushes: GroupCommit,
}

/// A writing transaction and the writer lock it holds until it commits or is dropped (which
/// rolls it back).
pub(crate) struct WriteTx {
    tx: Transaction<'static, Sqlite>,
    _turn: tokio::sync::OwnedMutexGuard<()>,
}

impl WriteTx {
    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = Transaction<'static, Sqlite>;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

impl SqliteDb {
    /// Opens (creating if needed) and migrates the database file.
    pub async fn open(path: &Path) -> Result<Self, DbError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: an acknowledged push survives a power cut, which is the server's promise.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool =
            SqlitePoolOptions::new().max_connections(8).connect_with(options).await.map_err(db)?;
        MIGRATOR.run(&pool).await.map_err(|e| DbError::Database(e.to_string()))?;
        let (pokes, _) = broadcast::channel(1024);
        let writer = std::sync::Arc::default();
        let pushes = GroupCommit::start(PushWriter {
            pool: pool.clone(),
            turn: std::sync::Arc::clone(&writer),
            pokes: pokes.clone(),
        });
        Ok(SqliteDb { pool, pokes, writer, pushes })
    }

    async fn write(&self) -> Result<WriteTx, DbError> {
        let turn = std::sync::Arc::clone(&self.writer).lock_owned().await;
        let tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
        Ok(WriteTx { tx, _turn: turn })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Maps a driver error; nothing in a query carries a secret (only hashes are bound).
pub(crate) fn db(e: sqlx::Error) -> DbError {
    DbError::Database(e.to_string())
}

pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error().is_some_and(|d| d.is_unique_violation())
}

#[async_trait]
impl ServerDb for SqliteDb {
    async fn create_user(&self, user: NewUser, device: NewDevice) -> Result<UserRow, DbError> {
        let mut tx = self.write().await?;
        let row = accounts::create_user(&mut tx, user, device).await?;
        tx.commit().await.map_err(db)?;
        Ok(row)
    }
    async fn user_by_name(&self, username: &str) -> Result<Option<UserRow>, DbError> {
        accounts::user_by_name(&self.pool, username).await
    }
    async fn user(&self, id: Uuid) -> Result<Option<UserRow>, DbError> {
        accounts::user(&self.pool, id).await
    }
    async fn set_nickname(&self, user: Uuid, nickname: &str) -> Result<(), DbError> {
        accounts::set_nickname(&self.pool, user, nickname).await
    }
    async fn create_device(&self, device: NewDevice) -> Result<(), DbError> {
        accounts::create_device(&self.pool, device).await
    }
    async fn device_by_token(&self, token_hash: &str) -> Result<Option<DeviceAuth>, DbError> {
        accounts::device_by_token(&self.pool, token_hash).await
    }
    async fn touch_device(&self, device: Uuid, now: DateTime<Utc>) -> Result<(), DbError> {
        accounts::touch_device(&self.pool, device, now).await
    }
    async fn devices(&self, user: Uuid) -> Result<Vec<DeviceRow>, DbError> {
        accounts::devices(&self.pool, user).await
    }
    async fn revoke_device(
        &self,
        user: Uuid,
        device: Uuid,
        now: DateTime<Utc>,
    ) -> Result<(), DbError> {
        accounts::revoke_device(&self.pool, user, device, now).await
    }

    async fn create_group(&self, group: NewGroup) -> Result<(), DbError> {
        let mut tx = self.write().await?;
        groups::create(&mut tx, group).await?;
        tx.commit().await.map_err(db)
    }
    async fn groups_of(&self, user: Uuid) -> Result<Vec<GroupView>, DbError> {
        groups::of_user(&self.pool, user).await
    }
    async fn group(&self, group: Uuid) -> Result<Option<GroupRow>, DbError> {
        groups::get(&self.pool, group).await
    }
    async fn membership(&self, group: Uuid, user: Uuid) -> Result<Option<MembershipRow>, DbError> {
        groups::membership(&self.pool, group, user).await
    }
    async fn members(&self, group: Uuid) -> Result<Vec<MemberRow>, DbError> {
        groups::members(&self.pool, group).await
    }
    async fn update_group(&self, change: GroupChange) -> Result<(), DbError> {
        let mut tx = self.write().await?;
        groups::update(&mut tx, change).await?;
        tx.commit().await.map_err(db)
    }
    async fn set_share(
        &self,
        group: Uuid,
        user: Uuid,
        share: ShareSettings,
        now: DateTime<Utc>,
    ) -> Result<(), DbError> {
        let mut tx = self.write().await?;
        let head = groups::set_share(&mut tx, group, user, share, now).await?;
        tx.commit().await.map_err(db)?;
        self.poke(head);
        Ok(())
    }
    async fn create_invite(&self, invite: NewInvite) -> Result<(), DbError> {
        let mut tx = self.write().await?;
        groups::create_invite(&mut tx, invite).await?;
        tx.commit().await.map_err(db)
    }
    async fn invites(&self, group: Uuid) -> Result<Vec<InviteRow>, DbError> {
        groups::invites(&self.pool, group).await
    }
    async fn revoke_invite(
        &self,
        group: Uuid,
        invite: Uuid,
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<(), DbError> {
        let mut tx = self.write().await?;
        groups::revoke_invite(&mut tx, group, invite, actor, now).await?;
        tx.commit().await.map_err(db)
    }
    async fn join(&self, join: JoinRequest) -> Result<Uuid, DbError> {
        let mut tx = self.write().await?;
        let (group, head) = groups::join(&mut tx, join).await?;
        tx.commit().await.map_err(db)?;
        self.poke(head);
        Ok(group)
    }
    async fn invite_group(
        &self,
        code_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<GroupRow>, DbError> {
        groups::invite_group(&self.pool, code_hash, now).await
    }
    async fn leave(
        &self,
        group: Uuid,
        user: Uuid,
        withdraw: bool,
        now: DateTime<Utc>,
    ) -> Result<(), DbError> {
        let mut tx = self.write().await?;
        let head = groups::leave(&mut tx, group, user, withdraw, None, now).await?;
        tx.commit().await.map_err(db)?;
        self.poke(head);
        Ok(())
    }
    async fn remove_member(
        &self,
        group: Uuid,
        actor: Uuid,
        member: Uuid,
        now: DateTime<Utc>,
    ) -> Result<(), DbError> {
        let mut tx = self.write().await?;
        let head = groups::leave(&mut tx, group, member, false, Some(actor), now).await?;
        tx.commit().await.map_err(db)?;
        self.poke(head);
        Ok(())
    }
    async fn set_role(
        &self,
        group: Uuid,
        actor: Uuid,
        member: Uuid,
        role: Role,
        now: DateTime<Utc>,
    ) -> Result<(), DbError> {
        let mut tx = self.write().await?;
        groups::set_role(&mut tx, group, actor, member, role, now).await?;
        tx.commit().await.map_err(db)
    }
    async fn delete_group(&self, group: Uuid) -> Result<(), DbError> {
        let mut tx = self.write().await?;
        groups::delete(&mut tx, group).await?;
        tx.commit().await.map_err(db)
    }
    async fn audit_log(&self, group: Uuid) -> Result<Vec<AuditRow>, DbError> {
        groups::audit_log(&self.pool, group).await
    }

    async fn push(
        &self,
        device: &DeviceAuth,
        batch: Vec<CheckedMutation>,
        now: DateTime<Utc>,
    ) -> Result<PushOutcome, DbError> {
        self.pushes.push(PushJob { device: *device, batch, now }).await
    }
    async fn sync_status(
        &self,
        device: &DeviceAuth,
        now: DateTime<Utc>,
    ) -> Result<SyncStatus, DbError> {
        feed::status(&self.pool, device, now).await
    }
    async fn changes(&self, group: Uuid, after: i64, limit: u32) -> Result<ChangePage, DbError> {
        feed::changes(&self.pool, group, after, limit).await
    }
    async fn board_data(&self, group: Uuid, date: NaiveDate) -> Result<BoardData, DbError> {
        feed::board_data(&self.pool, group, date).await
    }
    async fn compact(&self, before: DateTime<Utc>) -> Result<u64, DbError> {
        let mut tx = self.write().await?;
        let dropped = feed::compact(&mut tx, before).await?;
        let photos = photos::sweep(&mut tx, before).await?;
        tx.commit().await.map_err(db)?;
        if photos > 0 {
            tracing::info!(photos, "dropped photos no punch-in lists any more");
        }
        Ok(dropped)
    }
    async fn put_photo(&self, photo: NewPhoto) -> Result<PhotoPut, DbError> {
        let mut tx = self.write().await?;
        let put = photos::put(&mut tx, photo).await?;
        tx.commit().await.map_err(db)?;
        Ok(put)
    }
    async fn group_photo(&self, group: Uuid, photo: Uuid) -> Result<Option<Vec<u8>>, DbError> {
        photos::for_group(&self.pool, group, photo).await
    }
    fn pokes(&self) -> broadcast::Receiver<Poke> {
        self.pokes.subscribe()
    }
}

impl SqliteDb {
    fn poke(&self, head: Option<Poke>) {
        if let Some(poke) = head {
            // No receiver is fine: nobody is listening.
            let _ = self.pokes.send(poke);
        }
    }
}

/// Applies a group of pushes for the group-commit writer task.
struct PushWriter {
    pool: SqlitePool,
    turn: std::sync::Arc<tokio::sync::Mutex<()>>,
    pokes: broadcast::Sender<Poke>,
}

#[async_trait]
impl ApplyPushes for PushWriter {
    async fn apply(&self, jobs: &[PushJob]) -> Result<Vec<PushOutcome>, DbError> {
        let _turn = self.turn.lock().await;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
        let mut outcomes = Vec::with_capacity(jobs.len());
        let mut heads: Vec<Poke> = Vec::new();
        for job in jobs {
            let (outcome, pushed) =
                feed::push(&mut tx, &job.device, job.batch.clone(), job.now).await?;
            outcomes.push(outcome);
            heads.extend(pushed);
        }
        tx.commit().await.map_err(db)?;
        for head in latest_heads(heads) {
            // No receiver is fine: nobody is listening.
            let _ = self.pokes.send(head);
        }
        Ok(outcomes)
    }
}
