//! The group server's storage on PostgreSQL (13 or newer): for several server processes on one
//! database, or more data than one SQLite file should hold.
//!
//! The same tables, module split and behaviour as `daka-server-sqlite`; what differs is how
//! concurrent transactions are kept apart. SQLite runs one writer at a time, so every writing
//! method there is trivially serial. Here writers run side by side under the default READ
//! COMMITTED isolation, and row locks taken in one fixed order serialize exactly the writers
//! that would otherwise interfere:
//!
//! 1. the device row (`UPDATE devices … RETURNING last_device_seq`, a push's first statement):
//!    two pushes of one device serialize, so nothing is applied twice;
//! 2. the user row (`FOR NO KEY UPDATE`) of the member whose records or memberships change:
//!    taken by push, join and leave, so a join cannot miss a record pushed beside it (the push
//!    read the memberships before the join committed, the join read the records before the push
//!    committed), a push cannot fan out into a group its author is leaving, and two devices of
//!    one user cannot both read the same stored version and then both overwrite it (LWW needs
//!    the read and the write of a record in one critical section);
//! 3. group rows (`FOR NO KEY UPDATE`), several always in id order: the feed's sequence is
//!    allocated by `UPDATE groups SET head_seq = head_seq + 1 … RETURNING head_seq` in the
//!    writing transaction, so the writers of one group commit in sequence order and a reader
//!    that sees seq N also sees every seq below it (research §9.4: never a sequence or
//!    BIGSERIAL, whose numbers are handed out before commit). Every transaction that changes
//!    a group's existing feed rows, memberships or invites takes this lock first, which is
//!    also the order `delete_group`'s cascade locks them in;
//! 4. then the child rows: records, changes, memberships, invites.
//!
//! Taken in this order by every method, the locks can form no cycle, so these transactions
//! do not deadlock (PostgreSQL would abort one of them, a spurious 5xx).
//!
//! Reads that need one snapshot (a feed page and the head it reports, a board) run in a
//! REPEATABLE READ READ ONLY transaction; read-only snapshots never fail to serialize.
//!
//! Pokes cross processes through `LISTEN`/`NOTIFY`: writing transactions call `pg_notify` and
//! PostgreSQL delivers at commit, to every process on the database (this one included), and
//! never for a transaction that rolled back.

#![forbid(unsafe_code)]

mod accounts;
mod feed;
mod groups;
mod photos;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use daka_server_db::*;
use daka_wire::{ChangePage, Poke, Role, ShareSettings, SyncStatus};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPool, PgPoolOptions};
use sqlx::{Postgres, Transaction};
use tokio::sync::broadcast;
use tokio::task::JoinHandle;
use uuid::Uuid;

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// Connections in the pool unless the operator asks for another number.
pub const DEFAULT_MAX_CONNECTIONS: u32 = 10;
/// `server_version_num` of the oldest PostgreSQL this backend is tested against.
const MIN_SERVER_VERSION: i32 = 130_000;
/// The `NOTIFY` channel every server process on the database listens on.
const POKE_CHANNEL: &str = "daka_poke";
/// How long the poke listener waits before trying again after the database went away.
const LISTEN_RETRY: Duration = Duration::from_secs(1);

pub(crate) type Tx = Transaction<'static, Postgres>;

#[derive(Debug, Clone)]
pub struct PostgresDb {
    pool: PgPool,
    pokes: broadcast::Sender<Poke>,
    listener: Arc<Listener>,
}

/// The task that forwards `NOTIFY`s into `pokes`, and its own one-connection pool (a listening
/// connection is held for good, so it does not come out of the query pool). Dropped with the
/// last clone of the `PostgresDb`, which ends the task: no listener outlives its database.
#[derive(Debug)]
struct Listener {
    pool: PgPool,
    task: JoinHandle<()>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl PostgresDb {
    /// Connects with [`DEFAULT_MAX_CONNECTIONS`] and migrates the database.
    pub async fn open(url: &str) -> Result<Self, DbError> {
        Self::open_with(url, DEFAULT_MAX_CONNECTIONS).await
    }

    /// Connects with at most `max_connections` query connections (plus one that listens for
    /// pokes), checks the server is PostgreSQL 13 or newer, and migrates the database.
    pub async fn open_with(url: &str, max_connections: u32) -> Result<Self, DbError> {
        // The URL may hold a password: it never goes into an error.
        let options: PgConnectOptions = url
            .parse()
            .map_err(|_| DbError::Database("the PostgreSQL URL cannot be parsed".into()))?;
        let options = options.application_name("daka-server");
        let pool = PgPoolOptions::new()
            .max_connections(max_connections.max(1))
            .connect_with(options.clone())
            .await
            .map_err(db)?;
        check_version(&pool).await?;
        // sqlx takes an advisory lock around the migrations, so processes starting together
        // on one database migrate once.
        MIGRATOR.run(&pool).await.map_err(|e| DbError::Database(e.to_string()))?;

        let listen_pool = PgPoolOptions::new()
            .max_connections(1)
            .max_lifetime(None)
            .idle_timeout(None)
            .connect_with(options)
            .await
            .map_err(db)?;
        let mut listener = PgListener::connect_with(&listen_pool).await.map_err(db)?;
        // Listening before `open` returns: a poke committed after that is never missed.
        listener.listen(POKE_CHANNEL).await.map_err(db)?;
        let (pokes, _) = broadcast::channel(1024);
        let task = tokio::spawn(forward_pokes(listener, pokes.clone()));
        Ok(PostgresDb { pool, pokes, listener: Arc::new(Listener { pool: listen_pool, task }) })
    }

    async fn write(&self) -> Result<Tx, DbError> {
        // READ COMMITTED (the default): the row locks above are what serialize writers.
        self.pool.begin().await.map_err(db)
    }

    /// Closes both pools; the listener task ends when its pool closes.
    pub async fn close(&self) {
        self.listener.pool.close().await;
        self.pool.close().await;
    }
}

/// A read-only transaction on one snapshot (read-only: it can never fail to serialize).
pub(crate) async fn snapshot(pool: &PgPool) -> Result<Tx, DbError> {
    pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await.map_err(db)
}

async fn check_version(pool: &PgPool) -> Result<(), DbError> {
    let (number, text): (i32, String) = sqlx::query_as(
        "SELECT current_setting('server_version_num')::int4, current_setting('server_version')",
    )
    .fetch_one(pool)
    .await
    .map_err(db)?;
    if number < MIN_SERVER_VERSION {
        return Err(DbError::Database(format!(
            "PostgreSQL {text} is too old: the Daka server needs PostgreSQL 13 or newer"
        )));
    }
    Ok(())
}

/// Forwards every poke `NOTIFY`d on the database, by any process, to this process's receivers.
///
/// `PgListener` reconnects by itself when the connection drops and listens again; pokes sent
/// while it was away are lost, which is harmless: a poke only says "pull now", and clients
/// also pull on a timer. Ends when the listener's pool is closed (or the task is aborted).
async fn forward_pokes(mut listener: PgListener, pokes: broadcast::Sender<Poke>) {
    loop {
        match listener.recv().await {
            Ok(notification) => match serde_json::from_str::<Poke>(notification.payload()) {
                // No receiver is fine: nobody is listening.
                Ok(poke) => {
                    let _ = pokes.send(poke);
                }
                Err(e) => tracing::warn!(error = %e, "ignoring a malformed poke"),
            },
            Err(sqlx::Error::PoolClosed) => return,
            Err(e) => {
                tracing::warn!(error = %e, "poke listener lost the database; retrying");
                tokio::time::sleep(LISTEN_RETRY).await;
            }
        }
    }
}

/// Maps a driver error; nothing in a query carries a secret (only hashes are bound).
pub(crate) fn db(e: sqlx::Error) -> DbError {
    DbError::Database(e.to_string())
}

/// Whether the error is a unique violation of that named constraint.
pub(crate) fn violates(e: &sqlx::Error, constraint: &str) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.is_unique_violation() && d.constraint() == Some(constraint))
}

/// Queues the poke inside the writing transaction. PostgreSQL delivers it to every listener
/// when (and only if) the transaction commits, so it is never sent a second time in-process.
async fn poke(tx: &mut Tx, poke: Option<Poke>) -> Result<(), DbError> {
    if let Some(poke) = poke {
        let payload = serde_json::to_string(&poke).map_err(|e| DbError::Database(e.to_string()))?;
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(POKE_CHANNEL)
            .bind(payload)
            .execute(&mut **tx)
            .await
            .map_err(db)?;
    }
    Ok(())
}

#[async_trait]
impl ServerDb for PostgresDb {
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
        poke(&mut tx, head).await?;
        tx.commit().await.map_err(db)
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
        poke(&mut tx, head).await?;
        tx.commit().await.map_err(db)?;
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
        poke(&mut tx, head).await?;
        tx.commit().await.map_err(db)
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
        poke(&mut tx, head).await?;
        tx.commit().await.map_err(db)
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
        let mut tx = self.write().await?;
        let (outcome, heads) = feed::push(&mut tx, device, batch, now).await?;
        for head in heads {
            poke(&mut tx, Some(head)).await?;
        }
        tx.commit().await.map_err(db)?;
        Ok(outcome)
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
