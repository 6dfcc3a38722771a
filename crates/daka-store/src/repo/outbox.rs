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
    .bind(match op {
        Op::Upsert => "upsert",
        Op::Delete => "delete",
    })
    .bind(stamp.version)
    .bind(payload)
    .bind(stamp.now_millis)
    .execute(conn)
    .await?;
    Ok(())
}
