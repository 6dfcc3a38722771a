//! Repositories: one module per table, each a set of functions over a `&mut SqliteConnection`
//! (a pooled connection or a transaction), so the caller decides the transaction boundaries and
//! they are visible at the call site. No business rules here: those live in daka-core.

pub(crate) mod day_rules;
pub(crate) mod day_status;
pub(crate) mod exams;
pub(crate) mod focus;
pub(crate) mod goals;
pub(crate) mod meta;
pub(crate) mod outbox;
pub(crate) mod photos;
pub(crate) mod progress;
pub(crate) mod punch_ins;
pub(crate) mod settings;
pub(crate) mod subjects;
pub(crate) mod sync;
pub(crate) mod timetable;

use chrono::{DateTime, TimeZone, Utc};
use daka_core::ids::DeviceId;

use crate::error::{Result, StoreError};

/// Reads all rows of a bulk query as one JSON array built inside SQLite.
///
/// `sql` must select a single `json_group_array(json_array(...))` value; `T` is the tuple of
/// the inner array. Why: sqlx's SQLite driver hands every row across a channel from its worker
/// thread (~10 µs a row), so reading 15,000 punch-ins row by row took ~200 ms; one row of JSON
/// (built in C, parsed by serde) takes a few. SQLite does not promise the aggregate's input
/// order, so callers sort what they need sorted.
pub(crate) async fn fetch_json_rows<T: serde::de::DeserializeOwned>(
    conn: &mut sqlx::SqliteConnection,
    sql: &'static str,
    what: &str,
) -> Result<Vec<T>> {
    let json: String = sqlx::query_scalar(sql).fetch_one(conn).await?;
    serde_json::from_str(&json).map_err(|e| StoreError::corrupt(format!("{what}: {e}")))
}

/// Instants are stored as Unix milliseconds.
pub(crate) fn to_millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub(crate) fn from_millis(ms: i64, what: &str) -> Result<DateTime<Utc>> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .ok_or_else(|| StoreError::corrupt(format!("{what}: {ms} is not an instant")))
}

/// What every write records besides its data: when, which clock version, which device.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stamp {
    pub(crate) now_millis: i64,
    pub(crate) version: i64,
    pub(crate) device_id: DeviceId,
}
