//! The [`Store`] handle: opening, transactions, consistent snapshots.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, NaiveDate, Utc};
use daka_core::clock::{Clock, SystemClock};
use daka_core::day_rules::DayRules;
use daka_core::ids::DeviceId;
use daka_core::lang::Lang;
use daka_core::profile::{DailyTarget, Profile, WakeTime};
use sqlx::{Sqlite, SqlitePool, Transaction};

use crate::cache::{RecordsCache, WriteTx};
use crate::db;
use crate::error::{Result, StoreError};
use crate::paths;
use crate::repo::settings::keys;
use crate::repo::{Stamp, day_rules, exams, meta, settings, subjects, to_millis};

/// A cheap, cloneable handle to the local database (it wraps a connection pool).
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    data_dir: PathBuf,
    /// Shared by the clones: a data folder found copied elsewhere gets a new one
    /// ([`Store::check_sync_fingerprint`]).
    device_id: Arc<Mutex<DeviceId>>,
    pre_migrate_backup: Option<PathBuf>,
    cache: Arc<RecordsCache>,
    /// Where the sync engine's calls read "now" (the `SyncStore` methods take no time).
    clock: Arc<dyn Clock>,
}

/// Everything the settings and Today views read, taken in one read transaction so the parts
/// agree with each other.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub language: Option<Lang>,
    /// `None` until onboarding is complete.
    pub profile: Option<Profile>,
}

impl Store {
    /// Opens the store in `data_dir`, creating the folder and the database as needed, backing
    /// the file up if it must be migrated, and migrating it.
    pub async fn open(data_dir: &Path, now: DateTime<Utc>) -> Result<Self> {
        std::fs::create_dir_all(data_dir).map_err(|e| StoreError::io(data_dir, e))?;
        let (pool, pre_migrate_backup) =
            db::open_pool(&paths::db_path(data_dir), &paths::backup_dir(data_dir), now).await?;
        let mut conn = pool.begin_with("BEGIN IMMEDIATE").await?;
        let device_id = meta::device_id(&mut conn).await?;
        conn.commit().await?;
        Ok(Self {
            pool,
            data_dir: data_dir.to_owned(),
            device_id: Arc::new(Mutex::new(device_id)),
            pre_migrate_backup,
            cache: Arc::default(),
            clock: Arc::new(SystemClock),
        })
    }

    /// Uses `clock` for what the sync engine asks without giving a time (which outbox rows are
    /// too old to send). The real clock by default; the app passes its own (pinned in tests).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    pub(crate) fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn device_id(&self) -> DeviceId {
        *self.device_id.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes a device id just written to `meta` (after the transaction that wrote it committed).
    pub(crate) fn set_device_id(&self, id: DeviceId) {
        *self.device_id.lock().unwrap_or_else(PoisonError::into_inner) = id;
    }

    /// The backup made before migrating at this start, if any.
    pub fn pre_migrate_backup(&self) -> Option<&Path> {
        self.pre_migrate_backup.as_deref()
    }

    /// Closes every connection, checkpointing the WAL into the main file.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Starts a write transaction. `BEGIN IMMEDIATE` takes the write lock up front: a deferred
    /// transaction that reads first and writes later can fail with SQLITE_BUSY under WAL.
    pub(crate) async fn begin_write(&self) -> Result<WriteTx> {
        Ok(WriteTx::new(self.pool.begin_with("BEGIN IMMEDIATE").await?, Arc::clone(&self.cache)))
    }

    pub(crate) fn cache(&self) -> &RecordsCache {
        &self.cache
    }

    /// The stamp for a write at `now`: advances and persists the clock in the same transaction.
    pub(crate) async fn stamp(
        &self,
        tx: &mut Transaction<'static, Sqlite>,
        now: DateTime<Utc>,
    ) -> Result<Stamp> {
        let now_millis = to_millis(now);
        let version = meta::next_version(tx, now_millis).await?;
        Ok(Stamp { now_millis, version, device_id: self.device_id() })
    }

    pub async fn snapshot(&self) -> Result<Snapshot> {
        let mut tx = self.pool.begin().await?;
        let snapshot = read_snapshot(&mut tx).await?;
        tx.commit().await?;
        Ok(snapshot)
    }

    /// The profile, or [`StoreError::NotOnboarded`] before onboarding.
    pub async fn profile(&self) -> Result<Profile> {
        self.snapshot().await?.profile.ok_or(StoreError::NotOnboarded)
    }

    /// Sets the UI language. Allowed before onboarding: the language switch on the first screen.
    pub async fn set_language(&self, lang: Lang, now: DateTime<Utc>) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let stamp = self.stamp(&mut tx, now).await?;
        settings::put(&mut tx, keys::LANGUAGE, &lang, &stamp).await?;
        tx.commit().await?;
        Ok(())
    }
}

pub(crate) async fn read_snapshot(tx: &mut Transaction<'static, Sqlite>) -> Result<Snapshot> {
    let language = settings::get::<Lang>(tx, keys::LANGUAGE).await?;
    let Some(started_on) = settings::get::<NaiveDate>(tx, keys::STARTED_ON).await? else {
        return Ok(Snapshot { language, profile: None });
    };
    let missing = |key: &str| StoreError::corrupt(format!("setting {key} is missing"));
    let daily_target = settings::get::<DailyTarget>(tx, keys::DAILY_TARGET_MIN)
        .await?
        .ok_or_else(|| missing(keys::DAILY_TARGET_MIN))?;
    let wake_time = settings::get::<WakeTime>(tx, keys::WAKE_TIME_MIN)
        .await?
        .ok_or_else(|| missing(keys::WAKE_TIME_MIN))?;
    let rules = day_rules::list(tx).await?;
    let day_rules =
        DayRules::new(rules).map_err(|_| StoreError::corrupt("there are no day rules"))?;
    Ok(Snapshot {
        language,
        profile: Some(Profile {
            started_on,
            daily_target,
            wake_time,
            exams: exams::list(tx).await?,
            subjects: subjects::list(tx).await?,
            day_rules,
        }),
    })
}
