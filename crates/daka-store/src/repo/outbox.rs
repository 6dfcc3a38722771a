//! `outbox`: what must reach the group server, written in the same transaction as the change.

use serde::Serialize;
use sqlx::SqliteConnection;
use uuid::Uuid;

use super::Stamp;
use crate::error::{Result, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Upsert,
    Delete,
}

impl Op {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Op::Upsert => "upsert",
            Op::Delete => "delete",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        match s {
            "upsert" => Some(Op::Upsert),
            "delete" => Some(Op::Delete),
            _ => None,
        }
    }
}

/// A mutation to queue with the version its record already has (an imported row, the snapshot
/// queued when an account is connected), not a new stamp.
#[derive(Debug, Clone)]
pub(crate) struct Queued {
    pub(crate) entity_type: &'static str,
    pub(crate) entity_id: String,
    pub(crate) op: Op,
    pub(crate) version: i64,
    /// The payload, already JSON.
    pub(crate) payload: String,
}

/// Queues many mutations in one statement, in order (an import may bring thousands: one
/// statement per row would cost a round trip to sqlx's worker thread each).
pub(crate) async fn push_many(
    conn: &mut SqliteConnection,
    rows: &[Queued],
    now_millis: i64,
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let json: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            serde_json::json!([
                Uuid::now_v7().to_string(),
                r.entity_type,
                r.entity_id,
                r.op.as_str(),
                r.version,
                r.payload
            ])
        })
        .collect();
    let json = serde_json::Value::Array(json).to_string();
    sqlx::query(
        "INSERT INTO outbox (mutation_id, entity_type, entity_id, op, version, payload, created_utc)
         SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, ?2
         FROM json_each(?1) ORDER BY key",
    )
    .bind(json)
    .bind(now_millis)
    .execute(conn)
    .await?;
    Ok(())
}

/// Drops pending rows of the same records as `rows` (which replace them).
pub(crate) async fn drop_pending_of(conn: &mut SqliteConnection, rows: &[Queued]) -> Result<()> {
    let keys: Vec<String> =
        rows.iter().map(|r| format!("{}:{}", r.entity_type, r.entity_id)).collect();
    let keys = serde_json::to_string(&keys)
        .map_err(|e| StoreError::corrupt(format!("outbox keys: {e}")))?;
    sqlx::query(
        "DELETE FROM outbox WHERE state = 'pending'
             AND entity_type || ':' || entity_id IN (SELECT value FROM json_each(?1))",
    )
    .bind(keys)
    .execute(conn)
    .await?;
    Ok(())
}

/// Queues one mutation. `entity_type` names the record kind (`punch_in`, `goal_progress`, ...).
pub(crate) async fn push<T: Serialize>(
    conn: &mut SqliteConnection,
    entity_type: &str,
    entity_id: &str,
    op: Op,
    payload: &T,
    stamp: &Stamp,
) -> Result<()> {
    let payload = serde_json::to_string(payload)
        .map_err(|e| StoreError::corrupt(format!("{entity_type} payload: {e}")))?;
    sqlx::query(
        "INSERT INTO outbox (mutation_id, entity_type, entity_id, op, version, payload, created_utc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .bind(Uuid::now_v7().to_string())
    .bind(entity_type)
    .bind(entity_id)
    .bind(op.as_str())
    .bind(stamp.version)
    .bind(payload)
    .bind(stamp.now_millis)
    .execute(conn)
    .await?;
    Ok(())
}
