//! Backups: a copy of the database every day (the last 7 kept), before every import and before
//! every restore; listing them and restoring one.
//!
//! Copies are made with `VACUUM INTO` — a consistent snapshot even while the app writes — into a
//! temporary name that is renamed when complete, so a half-written copy never looks whole.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde::Serialize;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

use crate::db::{MIGRATOR, prune};
use crate::error::{Result, StoreError};
use crate::paths;
use crate::store::Store;

/// Why a copy was made; also its file-name prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum BackupKind {
    Daily,
    PreImport,
    PreRestore,
    PreMigrate,
}

impl BackupKind {
    fn prefix(self) -> &'static str {
        match self {
            BackupKind::Daily => "daily-",
            BackupKind::PreImport => "pre-import-",
            BackupKind::PreRestore => "pre-restore-",
            BackupKind::PreMigrate => "pre-migrate-",
        }
    }

    fn keep(self) -> usize {
        match self {
            BackupKind::Daily => 7,
            _ => 5,
        }
    }

    const ALL: [BackupKind; 4] =
        [BackupKind::Daily, BackupKind::PreImport, BackupKind::PreRestore, BackupKind::PreMigrate];
}

/// One backup file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BackupInfo {
    pub file_name: String,
    pub kind: BackupKind,
    /// When it was made (from its name), RFC 3339.
    pub made_utc: String,
    /// Size in bytes (a u32 reaches 4 GiB, far beyond any Daka database).
    pub bytes: u32,
}

fn stamp_of(name: &str, kind: BackupKind) -> Option<DateTime<Utc>> {
    let rest = name.strip_prefix(kind.prefix())?;
    let stamp = rest.get(..16)?;
    NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%M%SZ").ok().map(|n| Utc.from_utc_datetime(&n))
}

/// Copies the live database into the backup folder and prunes old copies of the same kind.
pub(crate) async fn snapshot(
    store: &Store,
    kind: BackupKind,
    now: DateTime<Utc>,
) -> Result<PathBuf> {
    let dir = paths::backup_dir(store.data_dir());
    std::fs::create_dir_all(&dir).map_err(|e| StoreError::io(&dir, e))?;
    let name = format!("{}{}.sqlite3", kind.prefix(), now.format("%Y%m%dT%H%M%SZ"));
    let target = dir.join(&name);
    let tmp = dir.join(format!(".{name}.tmp"));
    let _ = std::fs::remove_file(&tmp);
    sqlx::query("VACUUM INTO ?1")
        .bind(tmp.to_string_lossy().into_owned())
        .execute(store.pool())
        .await?;
    std::fs::rename(&tmp, &target).map_err(|e| StoreError::io(&target, e))?;
    prune(&dir, kind.prefix(), kind.keep())?;
    Ok(target)
}

impl Store {
    /// Makes today's copy unless one was made in the last 20 hours. Called at start and daily.
    pub async fn daily_backup(&self, now: DateTime<Utc>) -> Result<Option<PathBuf>> {
        let recent = self
            .backups()?
            .iter()
            .filter(|b| b.kind == BackupKind::Daily)
            .filter_map(|b| DateTime::parse_from_rfc3339(&b.made_utc).ok())
            .any(|t| now.signed_duration_since(t) < chrono::Duration::hours(20) && t <= now);
        if recent {
            return Ok(None);
        }
        snapshot(self, BackupKind::Daily, now).await.map(Some)
    }

    /// Every backup, newest first.
    pub fn backups(&self) -> Result<Vec<BackupInfo>> {
        let dir = paths::backup_dir(self.data_dir());
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(StoreError::io(&dir, e)),
        };
        let mut out: Vec<(DateTime<Utc>, BackupInfo)> = entries
            .filter_map(std::result::Result::ok)
            .filter_map(|e| {
                let name = e.file_name().to_str()?.to_owned();
                if !name.ends_with(".sqlite3") {
                    return None;
                }
                let kind = BackupKind::ALL.into_iter().find(|k| name.starts_with(k.prefix()))?;
                let made = stamp_of(&name, kind)?;
                let bytes = u32::try_from(e.metadata().ok()?.len()).unwrap_or(u32::MAX);
                Some((
                    made,
                    BackupInfo { file_name: name, kind, made_utc: made.to_rfc3339(), bytes },
                ))
            })
            .collect();
        out.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| b.1.file_name.cmp(&a.1.file_name)));
        Ok(out.into_iter().map(|(_, b)| b).collect())
    }

    /// Replaces the database with the backup `file_name` (one of [`Store::backups`]) and returns
    /// the reopened store. The current database is copied first, so a restore can be undone.
    /// The backup is checked (integrity, known schema) before anything changes.
    pub async fn restore_backup(self, file_name: &str, now: DateTime<Utc>) -> Result<Store> {
        let known = self.backups()?.into_iter().any(|b| b.file_name == file_name);
        if !known || file_name.contains(['/', '\\']) {
            return Err(StoreError::corrupt(format!("no backup named {file_name:?}")));
        }
        let data_dir = self.data_dir().to_owned();
        let source = paths::backup_dir(&data_dir).join(file_name);
        check_backup(&source).await?;
        snapshot(&self, BackupKind::PreRestore, now).await?;
        // The clock of the copy being replaced: versions it stamped (and perhaps pushed to the
        // group server) must stay below every version written after the restore.
        let clock_before = {
            let mut conn = self.pool().acquire().await?;
            crate::repo::meta::last_version(&mut conn).await?
        };
        let clock = std::sync::Arc::clone(self.clock());
        self.close().await;
        let db = paths::db_path(&data_dir);
        let tmp = data_dir.join(".daka.sqlite3.restore");
        std::fs::copy(&source, &tmp).map_err(|e| StoreError::io(&tmp, e))?;
        std::fs::File::open(&tmp)
            .and_then(|f| f.sync_all())
            .map_err(|e| StoreError::io(&tmp, e))?;
        for suffix in ["-wal", "-shm"] {
            let side = PathBuf::from(format!("{}{suffix}", db.display()));
            if side.exists() {
                std::fs::remove_file(&side).map_err(|e| StoreError::io(&side, e))?;
            }
        }
        std::fs::rename(&tmp, &db).map_err(|e| StoreError::io(&db, e))?;
        let store = Store::open(&data_dir, now).await?.with_clock(clock);
        // Sync after a restore (tests/sync.rs): the outbox is rewound, and `next_batch`'s floor
        // rule keeps wire numbers safe (rows the server applied are dropped, new numbers start
        // above its last one). Versions: the clock ticks from wall time, is observed on every
        // pull, and here takes the replaced copy's last version, so no edit after the restore
        // can sort before one made before it.
        let mut tx = store.begin_write().await?;
        crate::repo::meta::observe_version(&mut tx, clock_before).await?;
        tx.commit_outside_records().await?;
        Ok(store)
    }
}

/// A backup must be a sound SQLite file whose schema this build knows.
async fn check_backup(path: &Path) -> Result<()> {
    let mut conn = SqliteConnectOptions::new().filename(path).read_only(true).connect().await?;
    let verdict: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&mut conn).await?;
    if verdict != "ok" {
        return Err(StoreError::corrupt(format!(
            "backup {} is damaged: {verdict}",
            path.display()
        )));
    }
    let versions: Vec<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations")
        .fetch_all(&mut conn)
        .await
        .unwrap_or_default();
    if let Some(&found) = versions.iter().find(|v| !MIGRATOR.version_exists(**v)) {
        let known = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
        return Err(StoreError::NewerSchema { found, known });
    }
    conn.close().await?;
    Ok(())
}
