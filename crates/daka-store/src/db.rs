//! Opening the SQLite file: pragmas, backup before migrating, migrations.
//!
//! Durability choice: WAL with `synchronous = FULL`. WAL lets the UI read while a write commits;
//! FULL fsyncs the WAL at every commit, so a punch-in the user saw confirmed survives a power
//! cut. Daka's writes are human-paced (a few a minute), so the fsync cost is invisible; NORMAL
//! would only save time we do not need and could drop the last commits on power loss.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{ConnectOptions, Connection, SqliteConnection};

use crate::error::{Result, StoreError};

pub(crate) static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// How long a connection waits for another writer before giving up with SQLITE_BUSY.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Pre-migration backups kept; older ones are removed.
const KEEP_PRE_MIGRATE_BACKUPS: usize = 5;

fn connect_options(path: &Path) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(BUSY_TIMEOUT)
        .optimize_on_close(true, None)
        // Today and the statistics read the whole history (a 10-year profile is ~15 MB): map
        // the file instead of copying every page through pread, and keep a warm page cache
        // per connection. Measured with `make bench` (bench/profile).
        .pragma("mmap_size", "268435456")
        .pragma("cache_size", "-32000")
}

/// Opens (creating if needed) the database at `path`, backing it up into `backup_dir` first
/// when migrations are about to change it, then migrates it.
pub(crate) async fn open_pool(
    path: &Path,
    backup_dir: &Path,
    now: DateTime<Utc>,
) -> Result<(SqlitePool, Option<PathBuf>)> {
    let backup = backup_before_migrate(path, backup_dir, now).await?;
    let pool = SqlitePoolOptions::new()
        // One writer at a time is SQLite's rule anyway; a few readers keep the UI responsive.
        .max_connections(4)
        .connect_with(connect_options(path))
        .await?;
    MIGRATOR.run(&pool).await.map_err(|e| match e {
        sqlx::migrate::MigrateError::VersionMissing(found) => {
            StoreError::NewerSchema { found, known: latest_known_version() }
        }
        other => StoreError::Migrate(other),
    })?;
    Ok((pool, backup))
}

fn latest_known_version() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// Versions of the migrations already applied to the file (empty for a new file).
async fn applied_versions(conn: &mut SqliteConnection) -> Result<BTreeSet<i64>> {
    let has_table: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_optional(&mut *conn)
    .await?;
    if has_table.is_none() {
        return Ok(BTreeSet::new());
    }
    let versions: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success = 1")
            .fetch_all(&mut *conn)
            .await?;
    Ok(versions.into_iter().collect())
}

/// Copies the database into the backup folder if it exists and has migrations pending.
///
/// The copy is made with `VACUUM INTO` (a consistent snapshot even with a WAL) into a temporary
/// name and renamed into place, so a crash never leaves a half-written backup that looks whole.
pub(crate) async fn backup_before_migrate(
    path: &Path,
    backup_dir: &Path,
    now: DateTime<Utc>,
) -> Result<Option<PathBuf>> {
    let size = match std::fs::metadata(path) {
        Ok(meta) => meta.len(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(StoreError::io(path, e)),
    };
    if size == 0 {
        return Ok(None);
    }
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .busy_timeout(BUSY_TIMEOUT)
        .connect()
        .await?;
    let applied = applied_versions(&mut conn).await?;
    if let Some(&found) = applied.iter().find(|v| !MIGRATOR.version_exists(**v)) {
        conn.close().await?;
        return Err(StoreError::NewerSchema { found, known: latest_known_version() });
    }
    let pending = MIGRATOR.iter().any(|m| !applied.contains(&m.version));
    if !pending {
        conn.close().await?;
        return Ok(None);
    }
    std::fs::create_dir_all(backup_dir).map_err(|e| StoreError::io(backup_dir, e))?;
    let from = applied.last().copied().unwrap_or(0);
    // The name starts like every backup's (kind, then the UTC stamp) so it is listed with them.
    let name = format!("pre-migrate-{}-schema-{from}.sqlite3", now.format("%Y%m%dT%H%M%SZ"));
    let target = backup_dir.join(&name);
    let tmp = backup_dir.join(format!(".{name}.tmp"));
    let _ = std::fs::remove_file(&tmp);
    sqlx::query("VACUUM INTO ?1")
        .bind(tmp.to_string_lossy().into_owned())
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    std::fs::rename(&tmp, &target).map_err(|e| StoreError::io(&target, e))?;
    prune(backup_dir, "pre-migrate-", KEEP_PRE_MIGRATE_BACKUPS)?;
    tracing::info!(backup = %target.display(), "backed up the database before migrating");
    Ok(Some(target))
}

/// Keeps the newest `keep` files in `dir` whose names start with `prefix`. Names embed a UTC
/// timestamp, so name order is age order.
pub(crate) fn prune(dir: &Path, prefix: &str, keep: usize) -> Result<()> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| StoreError::io(dir, e))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix) && n.ends_with(".sqlite3"))
        })
        .collect();
    files.sort();
    let excess = files.len().saturating_sub(keep);
    for old in &files[..excess] {
        std::fs::remove_file(old).map_err(|e| StoreError::io(old, e))?;
    }
    Ok(())
}
