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

/// The version for a write at `now_millis`. Must run inside the write's transaction: the clock
/// is persisted with the write, so versions stay monotonic across restarts and clock changes.
pub(crate) async fn next_version(conn: &mut SqliteConnection, now_millis: i64) -> Result<i64> {
    let last = match get(conn, HLC).await? {
        Some(raw) => raw.parse::<i64>().map_err(|_| StoreError::corrupt(format!("hlc {raw:?}")))?,
        None => 0,
    };
    let mut hlc = Hlc::from_last(last);
    let version = hlc.tick(now_millis);
    put(conn, HLC, &version.to_string()).await?;
    Ok(version)
}
