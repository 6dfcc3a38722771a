//! Push, the per-group change feed, status, the board's data and compaction.

use chrono::{DateTime, NaiveDate, Utc};
use daka_server_db::share::{FORMER_MEMBER, parse, shared_record};
use daka_server_db::{
    BoardData, CheckedMutation, DbError, DeviceAuth, Outcome, PushOutcome, StoredRecord, Verdict,
    millis,
};
use daka_wire::{
    Change, ChangePage, GroupHead, PROTOCOL, Poke, RecordKind, RejectCode, SyncStatus,
};
use sqlx::{Row, Sqlite, SqlitePool, Transaction};
use uuid::Uuid;

use crate::db;
use crate::groups::{group_row, members, share};

type Tx = Transaction<'static, Sqlite>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Upsert,
    Delete,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Op::Upsert => "upsert",
            Op::Delete => "delete",
        }
    }
}

/// Gives the record the group's next sequence (the compacted feed keeps one row per record).
/// Bumping `head_seq` in the writing transaction is what makes the feed gap-free.
pub(crate) async fn announce(
    tx: &mut Tx,
    group: Uuid,
    record: Uuid,
    kind: &str,
    op: Op,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let seq: i64 = sqlx::query_scalar(
        "UPDATE groups SET head_seq = head_seq + 1 WHERE id = ?1 RETURNING head_seq",
    )
    .bind(group)
    .fetch_one(&mut **tx)
    .await
    .map_err(db)?;
    sqlx::query(
        "INSERT INTO changes (group_id, seq, record_id, kind, op, changed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (group_id, record_id) DO UPDATE SET seq = excluded.seq, op = excluded.op, changed_at = excluded.changed_at",
    )
    .bind(group)
    .bind(seq)
    .bind(record)
    .bind(kind)
    .bind(op.as_str())
    .bind(millis(now))
    .execute(&mut **tx)
    .await
    .map_err(db)?;
    Ok(seq)
}

/// The member's records in the group's feed (with that op, or any).
pub(crate) async fn authored_in_group(
    tx: &mut Tx,
    group: Uuid,
    author: Uuid,
    op: Option<Op>,
) -> Result<Vec<(Uuid, String)>, DbError> {
    let rows = sqlx::query(
        "SELECT c.record_id, c.kind FROM changes c JOIN records r ON r.id = c.record_id
         WHERE c.group_id = ?1 AND r.author = ?2 AND (?3 IS NULL OR c.op = ?3) ORDER BY c.seq",
    )
    .bind(group)
    .bind(author)
    .bind(op.map(Op::as_str))
    .fetch_all(&mut **tx)
    .await
    .map_err(db)?;
    rows.iter()
        .map(|r| Ok((r.try_get("record_id").map_err(db)?, r.try_get("kind").map_err(db)?)))
        .collect()
}

/// On joining: the member's subjects and their records dated `since` or later enter the feed.
pub(crate) async fn share_history(
    tx: &mut Tx,
    group: Uuid,
    author: Uuid,
    since: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbError> {
    let rows = sqlx::query(
        "SELECT id, kind FROM records WHERE author = ?1 AND body IS NOT NULL AND (kind = 'subject' OR date >= ?2)
         ORDER BY kind DESC, date, id",
    )
    .bind(author)
    .bind(since.to_string())
    .fetch_all(&mut **tx)
    .await
    .map_err(db)?;
    let mut head = None;
    for row in rows {
        let id: Uuid = row.try_get("id").map_err(db)?;
        let kind: String = row.try_get("kind").map_err(db)?;
        head = Some(announce(tx, group, id, &kind, Op::Upsert, now).await?);
    }
    Ok(head)
}

/// One push batch (research §10.4). Returns the outcome and the final head of every group
/// that advanced, to poke after commit.
pub(crate) async fn push(
    tx: &mut Tx,
    device: &DeviceAuth,
    batch: Vec<CheckedMutation>,
    now: DateTime<Utc>,
) -> Result<(PushOutcome, Vec<Poke>), DbError> {
    // A write first: the device row is this push's lock (BEGIN IMMEDIATE already holds SQLite's).
    let mut last: i64 = sqlx::query_scalar(
        "UPDATE devices SET last_seen_at = max(last_seen_at, ?1) WHERE id = ?2 AND revoked_at IS NULL RETURNING last_device_seq",
    )
    .bind(millis(now))
    .bind(device.device_id)
    .fetch_optional(&mut **tx)
    .await
    .map_err(db)?
    .ok_or(DbError::Forbidden)?;
    let groups: Vec<Uuid> =
        sqlx::query_scalar("SELECT group_id FROM memberships WHERE user_id = ?1 ORDER BY group_id")
            .bind(device.user_id)
            .fetch_all(&mut **tx)
            .await
            .map_err(db)?;
    let mut results = Vec::with_capacity(batch.len());
    let mut heads: Vec<Poke> = Vec::new();
    for m in batch {
        if m.device_seq <= last {
            // A retry of a refused mutation is refused again: its first answer may have been
            // lost, and "duplicate" would make the app drop it as if it had been applied.
            let outcome = match refused(tx, device.device_id, m.device_seq).await? {
                Some(code) => Outcome::Rejected(code),
                None => Outcome::Duplicate,
            };
            results.push((m.device_seq, outcome));
            continue;
        }
        if m.device_seq != last + 1 {
            return Err(DbError::SequenceGap { expected: last + 1 });
        }
        let outcome = match m.verdict {
            Verdict::Reject(code) => Outcome::Rejected(code),
            Verdict::Apply(record) => {
                apply(tx, device, &groups, record, m.version, now, &mut heads).await?
            }
        };
        if let Outcome::Rejected(code) = outcome {
            remember_refusal(tx, device.device_id, m.device_seq, code, now).await?;
        }
        results.push((m.device_seq, outcome));
        last = m.device_seq;
    }
    sqlx::query("UPDATE devices SET last_device_seq = ?1 WHERE id = ?2")
        .bind(last)
        .bind(device.device_id)
        .execute(&mut **tx)
        .await
        .map_err(db)?;
    Ok((PushOutcome { last_device_seq: last, results }, heads))
}

async fn apply(
    tx: &mut Tx,
    device: &DeviceAuth,
    groups: &[Uuid],
    record: StoredRecord,
    version: i64,
    now: DateTime<Utc>,
    heads: &mut Vec<Poke>,
) -> Result<Outcome, DbError> {
    let existing =
        sqlx::query("SELECT author, kind, version, device_id FROM records WHERE id = ?1")
            .bind(record.id)
            .fetch_optional(&mut **tx)
            .await
            .map_err(db)?;
    if let Some(row) = &existing {
        let author: Uuid = row.try_get("author").map_err(db)?;
        let kind: String = row.try_get("kind").map_err(db)?;
        if author != device.user_id {
            return Ok(Outcome::Rejected(RejectCode::Forbidden));
        }
        if kind != record.kind.as_str() {
            return Ok(Outcome::Rejected(RejectCode::Invalid));
        }
        let stored: (i64, Uuid) =
            (row.try_get("version").map_err(db)?, row.try_get("device_id").map_err(db)?);
        if (version, device.device_id) <= stored {
            return Ok(Outcome::Superseded);
        }
    }
    sqlx::query(
        "INSERT INTO records (id, kind, author, version, device_id, date, body, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (id) DO UPDATE SET version = excluded.version, device_id = excluded.device_id,
             date = coalesce(excluded.date, records.date), body = excluded.body, received_at = excluded.received_at",
    )
    .bind(record.id)
    .bind(record.kind.as_str())
    .bind(device.user_id)
    .bind(version)
    .bind(device.device_id)
    .bind(record.date.map(|d| d.to_string()))
    .bind(&record.body)
    .bind(millis(now))
    .execute(&mut **tx)
    .await
    .map_err(db)?;
    let op = if record.body.is_some() { Op::Upsert } else { Op::Delete };
    for group in targets(tx, groups, record.id, op).await? {
        let head_seq = announce(tx, group, record.id, record.kind.as_str(), op, now).await?;
        heads.retain(|p| p.group_id != group);
        heads.push(Poke { group_id: group, head_seq });
    }
    Ok(Outcome::Applied)
}

/// Where a change goes: the author's groups, and for a delete also every group that already
/// has the record (a member who left can still take a record back). Sorted by id, so two
/// pushes lock groups in the same order.
async fn targets(tx: &mut Tx, groups: &[Uuid], record: Uuid, op: Op) -> Result<Vec<Uuid>, DbError> {
    let mut all = groups.to_vec();
    if op == Op::Delete {
        let holding: Vec<Uuid> =
            sqlx::query_scalar("SELECT group_id FROM changes WHERE record_id = ?1")
                .bind(record)
                .fetch_all(&mut **tx)
                .await
                .map_err(db)?;
        all.extend(holding);
    }
    all.sort();
    all.dedup();
    Ok(all)
}

pub(crate) async fn status(
    pool: &SqlitePool,
    device: &DeviceAuth,
    now: DateTime<Utc>,
) -> Result<SyncStatus, DbError> {
    let last: i64 = sqlx::query_scalar("SELECT last_device_seq FROM devices WHERE id = ?1")
        .bind(device.device_id)
        .fetch_one(pool)
        .await
        .map_err(db)?;
    let rows = sqlx::query(
        "SELECT g.id, g.head_seq, g.min_retained_seq FROM memberships m JOIN groups g ON g.id = m.group_id
         WHERE m.user_id = ?1 ORDER BY g.id",
    )
    .bind(device.user_id)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    let groups = rows
        .iter()
        .map(|r| {
            Ok(GroupHead {
                group_id: r.try_get("id").map_err(db)?,
                head_seq: r.try_get("head_seq").map_err(db)?,
                min_retained_seq: r.try_get("min_retained_seq").map_err(db)?,
            })
        })
        .collect::<Result<_, DbError>>()?;
    Ok(SyncStatus { protocol: PROTOCOL, server_time: now, last_device_seq: last, groups })
}

pub(crate) async fn changes(
    pool: &SqlitePool,
    group: Uuid,
    after: i64,
    limit: u32,
) -> Result<ChangePage, DbError> {
    let mut conn = pool.begin().await.map_err(db)?; // one snapshot for the head and the page
    let row = sqlx::query("SELECT * FROM groups WHERE id = ?1")
        .bind(group)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?
        .ok_or(DbError::NotFound)?;
    let group_row = group_row(&row)?;
    if after > 0 && after < group_row.min_retained_seq {
        return Err(DbError::CursorExpired);
    }
    let clock = group_row.clock().ok_or_else(|| DbError::Corrupt("group clock".into()))?;
    let rows = sqlx::query(
        "SELECT c.seq, c.op, c.kind, c.record_id, r.author, r.version, r.body,
                m.share_note, m.share_mood, m.share_exact_times, m.share_photos, m.user_id AS member
         FROM changes c JOIN records r ON r.id = c.record_id
         LEFT JOIN memberships m ON m.group_id = c.group_id AND m.user_id = r.author
         WHERE c.group_id = ?1 AND c.seq > ?2 ORDER BY c.seq LIMIT ?3",
    )
    .bind(group)
    .bind(after)
    .bind(i64::from(limit) + 1)
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    let has_more = rows.len() > limit as usize;
    let mut changes = Vec::with_capacity(rows.len().min(limit as usize));
    for row in rows.iter().take(limit as usize) {
        let kind: String = row.try_get("kind").map_err(db)?;
        let kind =
            RecordKind::parse(&kind).ok_or_else(|| DbError::Corrupt(format!("kind {kind}")))?;
        let op: String = row.try_get("op").map_err(db)?;
        let body: Option<String> =
            if op == "delete" { None } else { row.try_get("body").map_err(db)? };
        let member: Option<Uuid> = row.try_get("member").map_err(db)?;
        let sharing = if member.is_some() { share(row)? } else { FORMER_MEMBER };
        changes.push(Change {
            seq: row.try_get("seq").map_err(db)?,
            author_user_id: row.try_get("author").map_err(db)?,
            version: row.try_get("version").map_err(db)?,
            record: shared_record(
                kind,
                row.try_get("record_id").map_err(db)?,
                body.as_deref(),
                sharing,
                &clock,
            )?,
        });
    }
    let next_after = changes.last().map_or(after, |c| c.seq);
    Ok(ChangePage { changes, next_after, head_seq: group_row.head_seq, has_more })
}

pub(crate) async fn board_data(
    pool: &SqlitePool,
    group: Uuid,
    date: NaiveDate,
) -> Result<BoardData, DbError> {
    let mut conn = pool.begin().await.map_err(db)?;
    let row = sqlx::query("SELECT * FROM groups WHERE id = ?1")
        .bind(group)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?
        .ok_or(DbError::NotFound)?;
    let group_row = group_row(&row)?;
    let members = members(&mut *conn, group).await?;
    let rows = sqlx::query(
        "SELECT r.author, r.kind, r.body, r.id FROM changes c JOIN records r ON r.id = c.record_id
         WHERE c.group_id = ?1 AND c.op = 'upsert' AND r.body IS NOT NULL AND (r.kind = 'subject' OR r.date = ?2)",
    )
    .bind(group)
    .bind(date.to_string())
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    let stored_photos = crate::photos::stored_for_day(&mut conn, group, date).await?;
    let mut data = BoardData {
        group: group_row,
        members,
        punch_ins: vec![],
        day_marks: vec![],
        subjects: vec![],
        stored_photos,
    };
    for row in rows {
        let author: Uuid = row.try_get("author").map_err(db)?;
        let kind: String = row.try_get("kind").map_err(db)?;
        let body: String = row.try_get("body").map_err(db)?;
        match RecordKind::parse(&kind) {
            Some(RecordKind::PunchIn) => data.punch_ins.push((author, parse(&body)?)),
            Some(RecordKind::DayMark) => data.day_marks.push((author, parse(&body)?)),
            Some(RecordKind::Subject) => {
                let s: daka_wire::SubjectBody = parse(&body)?;
                data.subjects.push((row.try_get("id").map_err(db)?, s.name, s.color));
            }
            None => return Err(DbError::Corrupt(format!("kind {kind}"))),
        }
    }
    Ok(data)
}

pub(crate) async fn compact(tx: &mut Tx, before: DateTime<Utc>) -> Result<u64, DbError> {
    sqlx::query(
        "UPDATE groups SET min_retained_seq = max(min_retained_seq,
             (SELECT max(seq) FROM changes c WHERE c.group_id = groups.id AND c.op = 'delete' AND c.changed_at < ?1))
         WHERE EXISTS (SELECT 1 FROM changes c WHERE c.group_id = groups.id AND c.op = 'delete' AND c.changed_at < ?1)",
    )
    .bind(millis(before))
    .execute(&mut **tx)
    .await
    .map_err(db)?;
    let done = sqlx::query("DELETE FROM changes WHERE op = 'delete' AND changed_at < ?1")
        .bind(millis(before))
        .execute(&mut **tx)
        .await
        .map_err(db)?;
    Ok(done.rows_affected())
}

/// The reason a device's mutation at `device_seq` was refused, if it was.
async fn refused(
    tx: &mut Tx,
    device: Uuid,
    device_seq: i64,
) -> Result<Option<RejectCode>, DbError> {
    let code: Option<String> =
        sqlx::query_scalar("SELECT code FROM refusals WHERE device_id = ?1 AND device_seq = ?2")
            .bind(device)
            .bind(device_seq)
            .fetch_optional(&mut **tx)
            .await
            .map_err(db)?;
    Ok(code.map(|c| RejectCode::parse(&c)))
}

async fn remember_refusal(
    tx: &mut Tx,
    device: Uuid,
    device_seq: i64,
    code: RejectCode,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO refusals (device_id, device_seq, code, at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (device_id, device_seq) DO NOTHING",
    )
    .bind(device)
    .bind(device_seq)
    .bind(code.as_str())
    .bind(millis(now))
    .execute(&mut **tx)
    .await
    .map_err(db)?;
    Ok(())
}
