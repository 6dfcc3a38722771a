//! The sync tables: the outbox's wire numbering, `sync_account`, `group_cursors` and
//! `group_records`. SQL only; the rules are in `crate::sync`.

use sqlx::SqliteConnection;

use crate::error::Result;

/// An outbox row as the sync engine reads it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct OutboxRow {
    pub(crate) device_seq: i64,
    pub(crate) mutation_id: String,
    pub(crate) entity_type: String,
    pub(crate) entity_id: String,
    pub(crate) op: String,
    pub(crate) version: i64,
    pub(crate) payload: String,
    pub(crate) wire_seq: Option<i64>,
}

/// The row of `sync_account`, as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct AccountRow {
    pub(crate) server: String,
    pub(crate) user_id: String,
    pub(crate) server_device_id: String,
    pub(crate) username: String,
    pub(crate) nickname: String,
    pub(crate) next_wire_seq: i64,
    pub(crate) fingerprint: String,
    pub(crate) connected_utc: Option<i64>,
}

pub(crate) async fn account(conn: &mut SqliteConnection) -> Result<Option<AccountRow>> {
    Ok(sqlx::query_as(
        "SELECT server, user_id, server_device_id, username, nickname, next_wire_seq,
             fingerprint, connected_utc
         FROM sync_account WHERE id = 1",
    )
    .fetch_optional(conn)
    .await?)
}

/// Replaces the account (there is at most one).
pub(crate) async fn put_account(conn: &mut SqliteConnection, a: &AccountRow) -> Result<()> {
    sqlx::query(
        "INSERT OR REPLACE INTO sync_account (id, server, user_id, server_device_id, username,
             nickname, next_wire_seq, fingerprint, connected_utc)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .bind(&a.server)
    .bind(&a.user_id)
    .bind(&a.server_device_id)
    .bind(&a.username)
    .bind(&a.nickname)
    .bind(a.next_wire_seq)
    .bind(&a.fingerprint)
    .bind(a.connected_utc)
    .execute(conn)
    .await?;
    Ok(())
}

pub(crate) async fn delete_account(conn: &mut SqliteConnection) -> Result<()> {
    sqlx::query("DELETE FROM sync_account").execute(conn).await?;
    Ok(())
}

/// The next wire sequence, or `None` when no account is connected.
pub(crate) async fn next_wire_seq(conn: &mut SqliteConnection) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT next_wire_seq FROM sync_account WHERE id = 1")
        .fetch_optional(conn)
        .await?)
}

pub(crate) async fn set_next_wire_seq(conn: &mut SqliteConnection, next: i64) -> Result<()> {
    sqlx::query("UPDATE sync_account SET next_wire_seq = ?1 WHERE id = 1")
        .bind(next.max(1))
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes pending rows numbered at or below `upto` (the server has applied them).
pub(crate) async fn drop_numbered_upto(conn: &mut SqliteConnection, upto: i64) -> Result<()> {
    sqlx::query("DELETE FROM outbox WHERE state = 'pending' AND wire_seq <= ?1")
        .bind(upto)
        .execute(conn)
        .await?;
    Ok(())
}

/// Pending rows already numbered, in wire order.
pub(crate) async fn numbered(conn: &mut SqliteConnection, limit: i64) -> Result<Vec<OutboxRow>> {
    Ok(sqlx::query_as(
        "SELECT device_seq, mutation_id, entity_type, entity_id, op, version, payload, wire_seq
         FROM outbox
         WHERE state = 'pending' AND wire_seq IS NOT NULL ORDER BY wire_seq LIMIT ?1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// Pending rows not numbered yet, in outbox order.
pub(crate) async fn unnumbered(conn: &mut SqliteConnection, limit: i64) -> Result<Vec<OutboxRow>> {
    Ok(sqlx::query_as(
        "SELECT device_seq, mutation_id, entity_type, entity_id, op, version, payload, wire_seq
         FROM outbox
         WHERE state = 'pending' AND wire_seq IS NULL ORDER BY device_seq LIMIT ?1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

pub(crate) async fn set_wire_seq(
    conn: &mut SqliteConnection,
    device_seq: i64,
    wire_seq: i64,
) -> Result<()> {
    sqlx::query("UPDATE outbox SET wire_seq = ?2 WHERE device_seq = ?1")
        .bind(device_seq)
        .bind(wire_seq)
        .execute(conn)
        .await?;
    Ok(())
}

pub(crate) async fn delete_row(conn: &mut SqliteConnection, device_seq: i64) -> Result<()> {
    sqlx::query("DELETE FROM outbox WHERE device_seq = ?1").bind(device_seq).execute(conn).await?;
    Ok(())
}

/// Counts one more hand-out of the pending rows numbered `from..=to`.
pub(crate) async fn count_attempt(conn: &mut SqliteConnection, from: i64, to: i64) -> Result<()> {
    sqlx::query(
        "UPDATE outbox SET attempts = attempts + 1
         WHERE state = 'pending' AND wire_seq BETWEEN ?1 AND ?2",
    )
    .bind(from)
    .bind(to)
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes the numbers of pending rows at or above `from` back (they are numbered again later).
pub(crate) async fn unnumber_from(conn: &mut SqliteConnection, from: i64) -> Result<()> {
    sqlx::query("UPDATE outbox SET wire_seq = NULL WHERE state = 'pending' AND wire_seq >= ?1")
        .bind(from)
        .execute(conn)
        .await?;
    Ok(())
}

/// Marks the pending row numbered `wire_seq` refused, keeping why.
pub(crate) async fn reject(
    conn: &mut SqliteConnection,
    wire_seq: i64,
    code: &str,
    message: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE outbox SET state = 'rejected', reject_code = ?2, reject_message = ?3
         WHERE state = 'pending' AND wire_seq = ?1",
    )
    .bind(wire_seq)
    .bind(code)
    .bind(message)
    .execute(conn)
    .await?;
    Ok(())
}

pub(crate) async fn delete_rejected(conn: &mut SqliteConnection) -> Result<()> {
    sqlx::query("DELETE FROM outbox WHERE state = 'rejected'").execute(conn).await?;
    Ok(())
}

/// The (entity_type, entity_id) of every refused row, each once.
pub(crate) async fn rejected_entities(
    conn: &mut SqliteConnection,
) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT DISTINCT entity_type, entity_id FROM outbox WHERE state = 'rejected'",
    )
    .fetch_all(conn)
    .await?)
}

/// Refused rows: (wire_seq, entity_id, reject_code, reject_message), oldest first.
pub(crate) async fn rejected(
    conn: &mut SqliteConnection,
) -> Result<Vec<(Option<i64>, String, Option<String>, Option<String>)>> {
    Ok(sqlx::query_as(
        "SELECT wire_seq, entity_id, reject_code, reject_message FROM outbox
         WHERE state = 'rejected' ORDER BY device_seq",
    )
    .fetch_all(conn)
    .await?)
}

/// Pending rows that will be sent: the kinds of the group protocol, without repair marks and
/// dated records older than `cutoff` ('YYYY-MM-DD'). `next_batch` judges each row exactly
/// (a punch-in's "today" is in its own zone); this count is for the UI.
pub(crate) async fn count_pending(conn: &mut SqliteConnection, cutoff: &str) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT count(*) FROM outbox
         WHERE state = 'pending'
           AND (wire_seq IS NOT NULL
                OR entity_type = 'subject'
                OR (entity_type = 'punch_in'
                    AND (op = 'delete' OR payload ->> '$.date' >= ?1))
                OR (entity_type = 'day_status'
                    AND (op = 'delete' OR (payload ->> '$.mark' IN ('leave', 'rest')
                                           AND payload ->> '$.date' >= ?1))))",
    )
    .bind(cutoff)
    .fetch_one(conn)
    .await?)
}

/// The stored mark of a day status (live or not), if the row exists.
pub(crate) async fn day_status_mark(
    conn: &mut SqliteConnection,
    id: &str,
) -> Result<Option<String>> {
    Ok(sqlx::query_scalar("SELECT mark FROM day_status WHERE id = ?1")
        .bind(id)
        .fetch_optional(conn)
        .await?)
}

pub(crate) async fn cursor(conn: &mut SqliteConnection, group: &str) -> Result<i64> {
    let after: Option<i64> =
        sqlx::query_scalar("SELECT after_seq FROM group_cursors WHERE group_id = ?1")
            .bind(group)
            .fetch_optional(conn)
            .await?;
    Ok(after.unwrap_or(0))
}

pub(crate) async fn set_cursor(conn: &mut SqliteConnection, group: &str, after: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO group_cursors (group_id, after_seq) VALUES (?1, ?2)
         ON CONFLICT (group_id) DO UPDATE SET after_seq = excluded.after_seq",
    )
    .bind(group)
    .bind(after.max(0))
    .execute(conn)
    .await?;
    Ok(())
}

/// One record of a group's feed, as cached.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct GroupRecordRow {
    pub(crate) record_id: String,
    pub(crate) kind: String,
    pub(crate) author_user_id: String,
    pub(crate) version: i64,
    pub(crate) seq: i64,
    pub(crate) body: Option<String>,
}

/// Stores the latest change of a record; an older one (a lower `seq`) never overwrites it.
pub(crate) async fn upsert_group_record(
    conn: &mut SqliteConnection,
    group: &str,
    r: &GroupRecordRow,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO group_records (group_id, record_id, kind, author_user_id, version, seq, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (group_id, record_id) DO UPDATE SET kind = excluded.kind,
             author_user_id = excluded.author_user_id, version = excluded.version,
             seq = excluded.seq, body = excluded.body
         WHERE excluded.seq >= group_records.seq",
    )
    .bind(group)
    .bind(&r.record_id)
    .bind(&r.kind)
    .bind(&r.author_user_id)
    .bind(r.version)
    .bind(r.seq)
    .bind(&r.body)
    .execute(conn)
    .await?;
    Ok(())
}

pub(crate) async fn group_records(
    conn: &mut SqliteConnection,
    group: &str,
) -> Result<Vec<GroupRecordRow>> {
    Ok(sqlx::query_as(
        "SELECT record_id, kind, author_user_id, version, seq, body FROM group_records
         WHERE group_id = ?1 ORDER BY seq",
    )
    .bind(group)
    .fetch_all(conn)
    .await?)
}

pub(crate) async fn forget_group(conn: &mut SqliteConnection, group: &str) -> Result<()> {
    sqlx::query("DELETE FROM group_records WHERE group_id = ?1")
        .bind(group)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM group_cursors WHERE group_id = ?1").bind(group).execute(conn).await?;
    Ok(())
}

/// Forgets every group not in `keep` (a JSON array of group ids).
pub(crate) async fn forget_groups_except(conn: &mut SqliteConnection, keep: &str) -> Result<()> {
    sqlx::query(
        "DELETE FROM group_records WHERE group_id NOT IN (SELECT value FROM json_each(?1))",
    )
    .bind(keep)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "DELETE FROM group_cursors WHERE group_id NOT IN (SELECT value FROM json_each(?1))",
    )
    .bind(keep)
    .execute(conn)
    .await?;
    Ok(())
}
