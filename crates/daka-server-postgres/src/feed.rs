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
use sqlx::Row;
use sqlx::postgres::PgPool;
use uuid::Uuid;

use crate::groups::{group_row, members, share};
use crate::{Tx, db, snapshot};

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
///
/// The UPDATE row-locks the group until commit, so the next writer of this group waits and
/// takes the next number only after this transaction is visible: sequences become visible in
/// order, and a reader that saw N can never later find a smaller one (research §9.4). A
/// sequence or BIGSERIAL would hand out numbers without that wait and commit them out of
/// order. Callers hold the lock already (see lib.rs); this is where it matters.
pub(crate) async fn announce(
    tx: &mut Tx,
    group: Uuid,
    record: Uuid,
    kind: &str,
    op: Op,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    // One statement, one round trip: the group row is already locked by the caller, so the
    // UPDATE inside never waits and the INSERT sees the number it returned.
    sqlx::query_scalar(
        "WITH next AS (UPDATE groups SET head_seq = head_seq + 1 WHERE id = $1 RETURNING head_seq)
         INSERT INTO changes (group_id, seq, record_id, kind, op, changed_at)
         SELECT $1, next.head_seq, $2, $3, $4, $5 FROM next
         ON CONFLICT (group_id, record_id) DO UPDATE SET seq = excluded.seq, op = excluded.op, changed_at = excluded.changed_at
         RETURNING seq",
    )
    .bind(group)
    .bind(record)
    .bind(kind)
    .bind(op.as_str())
    .bind(millis(now))
    .fetch_one(&mut **tx)
    .await
    .map_err(db)
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
         WHERE c.group_id = $1 AND r.author = $2 AND ($3::text IS NULL OR c.op = $3) ORDER BY c.seq",
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
    // Dates go over the wire as ISO text and are cast: ISO input is read the same whatever
    // the server's DateStyle.
    let rows = sqlx::query(
        "SELECT id, kind FROM records WHERE author = $1 AND body IS NOT NULL AND (kind = 'subject' OR date >= $2::date)
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
/// that advanced, to poke when the transaction commits.
pub(crate) async fn push(
    tx: &mut Tx,
    device: &DeviceAuth,
    batch: Vec<CheckedMutation>,
    now: DateTime<Utc>,
) -> Result<(PushOutcome, Vec<Poke>), DbError> {
    // A write first: it row-locks the device until commit, so two pushes of one device (a
    // retry racing the original) run one after the other and the second sees the first's
    // sequence: nothing is applied twice. A revoked device matches no row. Then, in the same
    // statement (the join needs the updated row, so the device is locked first), the author's
    // lock: their memberships cannot change under this push, and their other devices' pushes
    // wait, so the version read below is still the stored one when written.
    let mut last: i64 = sqlx::query_scalar(
        "WITH d AS (
             UPDATE devices SET last_seen_at = greatest(last_seen_at, $1)
             WHERE id = $2 AND revoked_at IS NULL RETURNING last_device_seq, user_id)
         SELECT d.last_device_seq FROM d JOIN users u ON u.id = d.user_id FOR NO KEY UPDATE OF u",
    )
    .bind(millis(now))
    .bind(device.device_id)
    .fetch_optional(&mut **tx)
    .await
    .map_err(db)?
    .ok_or(DbError::Forbidden)?;
    // Lock every group this batch can write, all at once and in id order, before any record:
    // the fan-out of a delete can add groups the author has left, which locked one by one
    // later would break the order. Groups deleted meanwhile drop out here.
    let groups = if has_news(&batch, last) {
        lock_groups(tx, device.user_id, &deleted_ids(&batch, last)).await?
    } else {
        Vec::new()
    };
    let mut results = Vec::with_capacity(batch.len());
    let mut heads: Vec<Poke> = Vec::new();
    // The device's sequence as stored: the batch's last write stores it on the way.
    let mut stored_last = last;
    let batch_end = batch.last().map(|m| m.device_seq);
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
                let ends_batch = Some(m.device_seq) == batch_end;
                let write = Write {
                    record,
                    version: m.version,
                    ends_batch: ends_batch.then_some(m.device_seq),
                };
                if ends_batch {
                    stored_last = m.device_seq;
                }
                apply(tx, device, &groups, write, now, &mut heads).await?
            }
        };
        if let Outcome::Rejected(code) = outcome {
            remember_refusal(tx, device.device_id, m.device_seq, code, now).await?;
        }
        results.push((m.device_seq, outcome));
        last = m.device_seq;
    }
    if last != stored_last {
        sqlx::query("UPDATE devices SET last_device_seq = $1 WHERE id = $2")
            .bind(last)
            .bind(device.device_id)
            .execute(&mut **tx)
            .await
            .map_err(db)?;
    }
    Ok((PushOutcome { last_device_seq: last, results }, heads))
}

/// Whether the batch has a record to apply past the device's sequence (else nothing is
/// announced and no group needs locking).
fn has_news(batch: &[CheckedMutation], last: i64) -> bool {
    batch.iter().any(|m| m.device_seq > last && matches!(m.verdict, Verdict::Apply(_)))
}

fn deleted_ids(batch: &[CheckedMutation], last: i64) -> Vec<Uuid> {
    batch
        .iter()
        .filter(|m| m.device_seq > last)
        .filter_map(|m| match &m.verdict {
            Verdict::Apply(StoredRecord { id, body: None, .. }) => Some(*id),
            _ => None,
        })
        .collect()
}

/// Row-locks the author's groups and those already holding any of `deleted`, in id order
/// (PostgreSQL orders `uuid`s bytewise, as `Uuid`'s `Ord` does), and answers the author's
/// groups among them (those that still exist). One statement: it runs after the author's lock
/// was taken, so its snapshot (READ COMMITTED takes one per statement) already shows a
/// membership that committed while this push waited for the author's lock.
async fn lock_groups(tx: &mut Tx, author: Uuid, deleted: &[Uuid]) -> Result<Vec<Uuid>, DbError> {
    let rows: Vec<(Uuid, bool)> = sqlx::query_as(
        "SELECT g.id, g.id IN (SELECT group_id FROM memberships WHERE user_id = $1) AS member
         FROM groups g
         WHERE g.id IN (SELECT group_id FROM memberships WHERE user_id = $1)
            OR g.id IN (SELECT group_id FROM changes WHERE record_id = ANY($2))
         ORDER BY g.id FOR NO KEY UPDATE OF g",
    )
    .bind(author)
    .bind(deleted)
    .fetch_all(&mut **tx)
    .await
    .map_err(db)?;
    Ok(rows.into_iter().filter(|(_, member)| *member).map(|(id, _)| id).collect())
}

/// Writes a record and announces it in its groups, in one statement: the stored row is read,
/// written only if it is the author's, of the same kind and older by `(version, device)`, and
/// only then does each target group take its next sequence (the groups are locked already, so
/// nothing inside waits). With `$11`, the device's sequence is stored too (the device row is
/// locked by the push's first statement). A push used to spend three round trips per record
/// here and one more at the end; the push transaction is mostly round trips (`make bench`).
const WRITE_AND_ANNOUNCE: &str = "
    WITH prev AS (
        SELECT author, kind FROM records WHERE id = $1
    ), written AS (
        INSERT INTO records (id, kind, author, version, device_id, date, body, received_at)
        VALUES ($1, $2, $3, $4, $5, $6::date, $7, $8)
        ON CONFLICT (id) DO UPDATE SET version = excluded.version, device_id = excluded.device_id,
            date = coalesce(excluded.date, records.date), body = excluded.body,
            received_at = excluded.received_at
        WHERE records.author = excluded.author AND records.kind = excluded.kind
          AND (records.version, records.device_id) < (excluded.version, excluded.device_id)
        RETURNING id
    ), next AS (
        UPDATE groups SET head_seq = head_seq + 1
        WHERE id = ANY($9) AND EXISTS (SELECT 1 FROM written)
        RETURNING id, head_seq
    ), announced AS (
        INSERT INTO changes (group_id, seq, record_id, kind, op, changed_at)
        SELECT next.id, next.head_seq, $1, $2, $10, $8 FROM next
        ON CONFLICT (group_id, record_id) DO UPDATE
            SET seq = excluded.seq, op = excluded.op, changed_at = excluded.changed_at
        RETURNING group_id, seq
    ), advanced AS (
        UPDATE devices SET last_device_seq = $11 WHERE id = $5 AND $11::bigint IS NOT NULL
    )
    SELECT EXISTS (SELECT 1 FROM written) AS written,
           (SELECT author FROM prev) AS prev_author,
           (SELECT kind FROM prev) AS prev_kind,
           coalesce((SELECT array_agg(group_id ORDER BY group_id) FROM announced), '{}') AS groups,
           coalesce((SELECT array_agg(seq ORDER BY group_id) FROM announced), '{}') AS seqs";

/// One record to write.
struct Write {
    record: StoredRecord,
    version: i64,
    /// The mutation's `device_seq` when it is the last of the batch: the device's stored
    /// sequence is advanced in the same statement (the device row is locked already), which
    /// spares the usual one-mutation push a round trip.
    ends_batch: Option<i64>,
}

async fn apply(
    tx: &mut Tx,
    device: &DeviceAuth,
    groups: &[Uuid],
    write: Write,
    now: DateTime<Utc>,
    heads: &mut Vec<Poke>,
) -> Result<Outcome, DbError> {
    let Write { record, version, ends_batch } = write;
    let op = if record.body.is_some() { Op::Upsert } else { Op::Delete };
    let targets = targets(tx, groups, record.id, op).await?;
    let row = sqlx::query(WRITE_AND_ANNOUNCE)
        .bind(record.id)
        .bind(record.kind.as_str())
        .bind(device.user_id)
        .bind(version)
        .bind(device.device_id)
        .bind(record.date.map(|d| d.to_string()))
        .bind(&record.body)
        .bind(millis(now))
        .bind(&targets)
        .bind(op.as_str())
        .bind(ends_batch)
        .fetch_one(&mut **tx)
        .await
        .map_err(db)?;
    if !row.try_get::<bool, _>("written").map_err(db)? {
        let author: Option<Uuid> = row.try_get("prev_author").map_err(db)?;
        let kind: Option<String> = row.try_get("prev_kind").map_err(db)?;
        return Ok(match (author, kind) {
            (Some(author), _) if author != device.user_id => {
                Outcome::Rejected(RejectCode::Forbidden)
            }
            (Some(_), Some(kind)) if kind != record.kind.as_str() => {
                Outcome::Rejected(RejectCode::Invalid)
            }
            (Some(_), _) => Outcome::Superseded,
            // Another user created the id after this statement's snapshot: their row stands.
            (None, _) => Outcome::Rejected(RejectCode::Forbidden),
        });
    }
    let announced: Vec<Uuid> = row.try_get("groups").map_err(db)?;
    let seqs: Vec<i64> = row.try_get("seqs").map_err(db)?;
    for (group_id, head_seq) in announced.into_iter().zip(seqs) {
        heads.retain(|p| p.group_id != group_id);
        heads.push(Poke { group_id, head_seq });
    }
    Ok(Outcome::Applied)
}

/// Where a change goes: the author's groups, and for a delete also every group that already
/// has the record (a member who left can still take a record back). Sorted by id; all of
/// them were locked by `lock_groups` (only this author writes their records into feeds, and
/// the author's lock is held, so no other group can have gained the record since).
async fn targets(tx: &mut Tx, groups: &[Uuid], record: Uuid, op: Op) -> Result<Vec<Uuid>, DbError> {
    let mut all = groups.to_vec();
    if op == Op::Delete {
        let holding: Vec<Uuid> =
            sqlx::query_scalar("SELECT group_id FROM changes WHERE record_id = $1")
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
    pool: &PgPool,
    device: &DeviceAuth,
    now: DateTime<Utc>,
) -> Result<SyncStatus, DbError> {
    let last: i64 = sqlx::query_scalar("SELECT last_device_seq FROM devices WHERE id = $1")
        .bind(device.device_id)
        .fetch_one(pool)
        .await
        .map_err(db)?;
    let rows = sqlx::query(
        "SELECT g.id, g.head_seq, g.min_retained_seq FROM memberships m JOIN groups g ON g.id = m.group_id
         WHERE m.user_id = $1 ORDER BY g.id",
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
    pool: &PgPool,
    group: Uuid,
    after: i64,
    limit: u32,
) -> Result<ChangePage, DbError> {
    // One snapshot for the group row and the page. Under READ COMMITTED each statement would
    // see its own: a compaction committing between the two could drop tombstones above
    // `after` after the row said `after` was still retained (the client would miss a delete
    // for good), and the head could trail the page. Being gap-free needs no snapshot: that
    // comes from the writers' group lock.
    let mut conn = snapshot(pool).await?;
    let row = sqlx::query("SELECT * FROM groups WHERE id = $1")
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
         WHERE c.group_id = $1 AND c.seq > $2 ORDER BY c.seq LIMIT $3",
    )
    .bind(group)
    .bind(after)
    .bind(i64::from(limit) + 1)
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    conn.commit().await.map_err(db)?;
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
    pool: &PgPool,
    group: Uuid,
    date: NaiveDate,
) -> Result<BoardData, DbError> {
    // One snapshot: the members and the records they share as of the same moment.
    let mut conn = snapshot(pool).await?;
    let row = sqlx::query("SELECT * FROM groups WHERE id = $1")
        .bind(group)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?
        .ok_or(DbError::NotFound)?;
    let group_row = group_row(&row)?;
    let members = members(&mut *conn, group).await?;
    let rows = sqlx::query(
        "SELECT r.author, r.kind, r.body, r.id FROM changes c JOIN records r ON r.id = c.record_id
         WHERE c.group_id = $1 AND c.op = 'upsert' AND r.body IS NOT NULL AND (r.kind = 'subject' OR r.date = $2::date)",
    )
    .bind(group)
    .bind(date.to_string())
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    let stored_photos = crate::photos::stored_for_day(&mut conn, group, date).await?;
    conn.commit().await.map_err(db)?;
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
    // Lock the groups that have old tombstones, in id order like every other writer. With
    // their locks held nobody else can write their feeds, so the raised `min_retained_seq` and
    // the rows deleted are computed over the same tombstones (under READ COMMITTED the two
    // statements would otherwise each see what had committed by then). Tombstones in other
    // groups that appear meanwhile wait for the next compaction.
    let locked: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM groups
         WHERE id IN (SELECT group_id FROM changes WHERE op = 'delete' AND changed_at < $1)
         ORDER BY id FOR NO KEY UPDATE",
    )
    .bind(millis(before))
    .fetch_all(&mut **tx)
    .await
    .map_err(db)?;
    if locked.is_empty() {
        return Ok(0);
    }
    sqlx::query(
        "UPDATE groups SET min_retained_seq = greatest(min_retained_seq,
             (SELECT max(seq) FROM changes c WHERE c.group_id = groups.id AND c.op = 'delete' AND c.changed_at < $1))
         WHERE id = ANY($2)",
    )
    .bind(millis(before))
    .bind(&locked)
    .execute(&mut **tx)
    .await
    .map_err(db)?;
    let done = sqlx::query(
        "DELETE FROM changes WHERE group_id = ANY($2) AND op = 'delete' AND changed_at < $1",
    )
    .bind(millis(before))
    .bind(&locked)
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
        sqlx::query_scalar("SELECT code FROM refusals WHERE device_id = $1 AND device_seq = $2")
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
        "INSERT INTO refusals (device_id, device_seq, code, at) VALUES ($1, $2, $3, $4)
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
