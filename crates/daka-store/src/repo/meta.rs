//! `meta`: the device id and the hybrid logical clock.

use daka_core::hlc::Hlc;
use daka_core::ids::DeviceId;
use sqlx::SqliteConnection;

use crate::error::{Result, StoreError};

const DEVICE_ID: &str = "device_id";
const HLC: &str = "hlc";

pub(crate) async fn get(conn: &mut SqliteConnection, key: &str) -> Result<Option<String>> {
    Ok(sqlx::query_scalar("SELECT value FROM meta WHERE key = ?1")
        .bind(key)
        .fetch_optional(conn)
        .await?)
}

pub(crate) async fn put(conn: &mut SqliteConnection, key: &str, value: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(conn)
    .await?;
    Ok(())
}

/// This installation's id, created on first use.
pub(crate) async fn device_id(conn: &mut SqliteConnection) -> Result<DeviceId> {
    if let Some(raw) = get(conn, DEVICE_ID).await? {
        return raw.parse().map_err(|_| StoreError::corrupt(format!("device id {raw:?}")));
    }
    let id = DeviceId::generate();
    put(conn, DEVICE_ID, &id.to_string()).await?;
    Ok(id)
}

/// Gives this installation a new device id (its data was found copied to another place: two
/// copies must not write under one id). Returns it; the caller updates the open store.
pub(crate) async fn new_device_id(conn: &mut SqliteConnection) -> Result<DeviceId> {
    let id = DeviceId::generate();
    put(conn, DEVICE_ID, &id.to_string()).await?;
    Ok(id)
}

async fn hlc(conn: &mut SqliteConnection) -> Result<Hlc> {
    let last = match get(conn, HLC).await? {
        Some(raw) => raw.parse::<i64>().map_err(|_| StoreError::corrupt(format!("hlc {raw:?}")))?,
        None => 0,
    };
    Ok(Hlc::from_last(last))
}

/// The clock's last value (0 before the first write).
pub(crate) async fn last_version(conn: &mut SqliteConnection) -> Result<i64> {
    Ok(hlc(conn).await?.last())
}

/// The version for a write at `now_millis`. Must run inside the write's transaction: the clock
/// is persisted with the write, so versions stay monotonic across restarts and clock changes.
pub(crate) async fn next_version(conn: &mut SqliteConnection, now_millis: i64) -> Result<i64> {
    let mut hlc = hlc(conn).await?;
    let version = hlc.tick(now_millis);
    put(conn, HLC, &version.to_string()).await?;
    Ok(version)
}

/// Takes a version written elsewhere (pulled from a group, imported, or stamped by the copy a
/// backup replaced) into account, so every later local write sorts after it. Persisted in the
/// caller's transaction, like a tick.
pub(crate) async fn observe_version(conn: &mut SqliteConnection, remote: i64) -> Result<()> {
    let mut hlc = hlc(conn).await?;
    let before = hlc.last();
    hlc.observe(remote);
    if hlc.last() != before {
        put(conn, HLC, &hlc.last().to_string()).await?;
    }
    Ok(())
}
