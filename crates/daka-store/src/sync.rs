//! The store as the sync engine's storage ([`daka_sync::SyncStore`]), research/
//! architecture-anchors.md §10.3–§10.6.
//!
//! **Wire numbers.** The server wants contiguous `device_seq` per server device, but only some
//! outbox kinds go to it, so the outbox's AUTOINCREMENT is not the wire sequence. A row gets
//! its `wire_seq` in [`SyncStore::next_batch`], persisted in the same transaction that hands
//! it out, *before* it is ever sent: a number, once given, always means that one mutation.
//!
//! **Restored backups.** After `restore_backup` the outbox is rewound: it may hold rows the
//! server applied since (still numbered, or not numbered yet), and `next_wire_seq` is behind.
//! `next_batch(floor)` with the server's `last_device_seq` as `floor` makes that safe: every
//! pending row numbered `<= floor` is deleted — it carries the same number, so it *is* the
//! mutation the server applied under it — and new numbers start above `floor`, so a number the
//! server applied for one mutation is never reused for another (tests/sync.rs,
//! `a_restored_backup_never_reuses_a_number_the_server_applied`). Versions stay safe too: the
//! clock ticks from wall time, restore carries the replaced copy's clock over, and every pull
//! observes the versions it sees.
//!
//! Every method that writes is one `BEGIN IMMEDIATE` transaction. None touches the tables the
//! records cache is read from, so they commit without invalidating it.

mod account;
mod mapping;
mod queue;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use daka_sync::{Rejected, StoreFailure, SyncStore};
use daka_wire::{
    Change, ChangePage, MAX_DAYS_BACK, Mutation, MutationStatus, PushResponse, RejectCode,
};
use uuid::Uuid;

use crate::error::{Result, StoreError};
use crate::repo::meta;
use crate::repo::sync::{self as repo, OutboxRow};
use crate::store::Store;

pub use account::{FingerprintCheck, SyncAccount};
pub(crate) use queue::{Touched, queue_subject_changes, queue_touched};

use mapping::Plan;

/// Unnumbered rows read at a time while numbering (most are sent; goal rows are dropped).
const CHUNK: i64 = 200;

/// See [`account::ACKED_UPTO`]; 0 before the first acknowledgement.
async fn acked_upto(conn: &mut sqlx::SqliteConnection) -> Result<i64> {
    Ok(meta::get(conn, account::ACKED_UPTO).await?.and_then(|v| v.parse().ok()).unwrap_or(0))
}

fn failure(e: StoreError) -> StoreFailure {
    StoreFailure(e.to_string())
}

fn mutation(row: &OutboxRow, wire_seq: i64, record: daka_wire::Record) -> Result<Mutation> {
    let mutation_id = Uuid::parse_str(&row.mutation_id)
        .map_err(|_| StoreError::corrupt(format!("outbox row {}: mutation id", row.device_seq)))?;
    Ok(Mutation { device_seq: wire_seq, mutation_id, version: row.version, record })
}

impl Store {
    /// [`SyncStore::next_batch`] at `now` (which decides what is too old to send).
    async fn next_batch_at(
        &self,
        floor: i64,
        limit: usize,
        now: DateTime<Utc>,
    ) -> Result<Vec<Mutation>> {
        let mut tx = self.begin_write().await?;
        // No account: nothing is numbered or dropped; the outbox waits.
        let Some(next) = repo::next_wire_seq(&mut tx).await? else { return Ok(Vec::new()) };
        // Applied by the server already: the same number is the same mutation (see the module
        // comment). This is what makes a rewound outbox (a restored backup) safe.
        repo::drop_numbered_upto(&mut tx, floor).await?;
        let mut next = next.max(floor + 1);
        let limit_i64 = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut out = Vec::new();
        for row in repo::numbered(&mut tx, limit_i64).await? {
            let Some(wire_seq) = row.wire_seq else { continue };
            match mapping::plan(&mut tx, &row, None).await? {
                Plan::Send(record) => out.push(mutation(&row, wire_seq, record)?),
                Plan::Drop(why) => {
                    // Unreadable after it was numbered: the gap this leaves is answered 409
                    // and the engine renumbers from there (resequence).
                    tracing::warn!(row = row.device_seq, why, "dropping a numbered outbox row");
                    repo::delete_row(&mut tx, row.device_seq).await?;
                }
            }
        }
        'fill: while out.len() < limit {
            let rows = repo::unnumbered(&mut tx, CHUNK).await?;
            if rows.is_empty() {
                break;
            }
            for row in rows {
                match mapping::plan(&mut tx, &row, Some(now)).await? {
                    Plan::Send(_) if out.len() >= limit => break 'fill,
                    Plan::Send(record) => {
                        repo::set_wire_seq(&mut tx, row.device_seq, next).await?;
                        out.push(mutation(&row, next, record)?);
                        next += 1;
                    }
                    // Goal and goal-progress rows are not part of the group protocol, and
                    // nothing else drains the outbox: kept, they would grow forever.
                    Plan::Drop(_) => repo::delete_row(&mut tx, row.device_seq).await?,
                }
            }
        }
        repo::set_next_wire_seq(&mut tx, next).await?;
        if let (Some(first), Some(last)) = (out.first(), out.last()) {
            repo::count_attempt(&mut tx, first.device_seq, last.device_seq).await?;
        }
        tx.commit_outside_records().await?;
        Ok(out)
    }

    async fn acknowledge_inner(&self, response: &PushResponse) -> Result<()> {
        let last = response.last_device_seq;
        let mut tx = self.begin_write().await?;
        for r in response.results.iter().filter(|r| r.status == MutationStatus::Rejected) {
            if r.device_seq > last {
                continue; // not the server's verdict on anything it counted
            }
            let code = r.code.unwrap_or(RejectCode::Unknown);
            let code = serde_json::to_value(code)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_else(|| "unknown".into());
            repo::reject(&mut tx, r.device_seq, &code, r.message.as_deref().unwrap_or("")).await?;
        }
        repo::drop_numbered_upto(&mut tx, last).await?;
        if let Some(next) = repo::next_wire_seq(&mut tx).await? {
            repo::set_next_wire_seq(&mut tx, next.max(last.saturating_add(1))).await?;
        }
        if last > acked_upto(&mut tx).await? {
            meta::put(&mut tx, account::ACKED_UPTO, &last.to_string()).await?;
        }
        tx.commit_outside_records().await?;
        Ok(())
    }

    async fn server_rewound_inner(&self, server_last: i64, now: DateTime<Utc>) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        if server_last >= acked_upto(&mut tx).await? {
            return Ok(false);
        }
        // What it confirmed since its backup is gone from it: send again every record a new
        // device would send, and the deletions. Last-writer-wins makes what it still has
        // answer `superseded`; numbering resumes above its floor (`next_batch`).
        let cutoff = now.date_naive() - Duration::days(MAX_DAYS_BACK);
        let rows = queue::rows(&mut tx, queue::Which::Rewind { cutoff }).await?;
        crate::repo::outbox::drop_pending_of(&mut tx, &rows).await?;
        crate::repo::outbox::push_many(&mut tx, &rows, crate::repo::to_millis(now)).await?;
        meta::put(&mut tx, account::ACKED_UPTO, &server_last.to_string()).await?;
        tx.commit_outside_records().await?;
        tracing::warn!(
            server_last,
            queued = rows.len(),
            "the server lost confirmed changes; sending them again"
        );
        Ok(true)
    }

    async fn resequence_inner(&self, expected: i64) -> Result<()> {
        let expected = expected.max(1);
        let mut tx = self.begin_write().await?;
        repo::unnumber_from(&mut tx, expected).await?;
        repo::set_next_wire_seq(&mut tx, expected).await?;
        tx.commit_outside_records().await?;
        Ok(())
    }

    async fn apply_page_inner(&self, group: Uuid, page: &ChangePage) -> Result<()> {
        let group = group.to_string();
        let mut tx = self.begin_write().await?;
        let mut newest = i64::MIN;
        for change in &page.changes {
            repo::upsert_group_record(&mut tx, &group, &mapping::group_row(change)?).await?;
            newest = newest.max(change.version);
        }
        repo::set_cursor(&mut tx, &group, page.next_after).await?;
        // A later local edit must sort after every version seen, or an edit made here after
        // pulling one from a device with a fast clock would lose to it. The server refuses
        // versions more than 5 minutes ahead of its clock, so this never runs far ahead.
        if newest > i64::MIN {
            meta::observe_version(&mut tx, newest).await?;
        }
        tx.commit_outside_records().await?;
        Ok(())
    }

    async fn retain_groups_inner(&self, groups: &[Uuid]) -> Result<()> {
        let keep: Vec<String> = groups.iter().map(Uuid::to_string).collect();
        let keep = serde_json::to_string(&keep)
            .map_err(|e| StoreError::corrupt(format!("group ids: {e}")))?;
        let mut tx = self.begin_write().await?;
        repo::forget_groups_except(&mut tx, &keep).await?;
        tx.commit_outside_records().await?;
        Ok(())
    }

    async fn pending_inner(&self, now: DateTime<Utc>) -> Result<(u64, Vec<Rejected>)> {
        let mut tx = self.pool().begin().await?;
        let cutoff = (now.date_naive() - Duration::days(MAX_DAYS_BACK)).to_string();
        let count = repo::count_pending(&mut tx, &cutoff).await?;
        let rejected = repo::rejected(&mut tx)
            .await?
            .into_iter()
            .filter_map(|(wire_seq, entity_id, code, message)| {
                Some(Rejected {
                    device_seq: wire_seq.unwrap_or(0),
                    record_id: Uuid::parse_str(&entity_id).ok()?,
                    code: code
                        .and_then(|c| serde_json::from_value(serde_json::Value::String(c)).ok())
                        .unwrap_or(RejectCode::Unknown),
                    message: message.unwrap_or_default(),
                })
            })
            .collect();
        tx.commit().await?;
        Ok((u64::try_from(count).unwrap_or(0), rejected))
    }

    /// The user's retry of refused changes: each refused record is queued again as it stands
    /// now (the user may have corrected it, or the clock), under a number the server has not
    /// seen; the refused rows go. Returns how many records were queued again.
    async fn requeue_rejected_inner(&self, now: DateTime<Utc>) -> Result<u64> {
        let mut tx = self.begin_write().await?;
        let mut touched = Touched::default();
        for (kind, id) in repo::rejected_entities(&mut tx).await? {
            match kind.as_str() {
                "punch_in" => touched.punch_ins.push(id),
                "subject" => touched.subjects.push(id),
                "day_status" => touched.day_status.push(id),
                _ => {}
            }
        }
        let count = touched.punch_ins.len() + touched.subjects.len() + touched.day_status.len();
        repo::delete_rejected(&mut tx).await?;
        queue_touched(&mut tx, &touched, crate::repo::to_millis(now)).await?;
        tx.commit_outside_records().await?;
        Ok(u64::try_from(count).unwrap_or(u64::MAX))
    }

    /// The cached feed of `group`: one change per record (the latest), in feed order.
    pub async fn group_records(&self, group: Uuid) -> Result<Vec<Change>> {
        let mut conn = self.pool().acquire().await?;
        let rows = repo::group_records(&mut conn, &group.to_string()).await?;
        rows.into_iter().map(mapping::change_of).collect()
    }
}

#[async_trait]
impl SyncStore for Store {
    async fn next_batch(&self, floor: i64, limit: usize) -> Result<Vec<Mutation>, StoreFailure> {
        self.next_batch_at(floor, limit, self.clock().now()).await.map_err(failure)
    }

    async fn acknowledge(&self, response: &PushResponse) -> Result<(), StoreFailure> {
        self.acknowledge_inner(response).await.map_err(failure)
    }

    async fn resequence(&self, expected: i64) -> Result<(), StoreFailure> {
        self.resequence_inner(expected).await.map_err(failure)
    }

    async fn cursor(&self, group: Uuid) -> Result<i64, StoreFailure> {
        let mut conn = self.pool().acquire().await.map_err(|e| failure(e.into()))?;
        repo::cursor(&mut conn, &group.to_string()).await.map_err(failure)
    }

    async fn apply_page(&self, group: Uuid, page: &ChangePage) -> Result<(), StoreFailure> {
        self.apply_page_inner(group, page).await.map_err(failure)
    }

    async fn reset_group(&self, group: Uuid) -> Result<(), StoreFailure> {
        let reset = async {
            let mut tx = self.begin_write().await?;
            repo::forget_group(&mut tx, &group.to_string()).await?;
            tx.commit_outside_records().await
        };
        reset.await.map_err(failure)
    }

    async fn retain_groups(&self, groups: &[Uuid]) -> Result<(), StoreFailure> {
        self.retain_groups_inner(groups).await.map_err(failure)
    }

    async fn server_rewound(&self, server_last: i64) -> Result<bool, StoreFailure> {
        self.server_rewound_inner(server_last, self.clock().now()).await.map_err(failure)
    }

    async fn photo_upload(&self, photo: Uuid) -> Result<Option<Vec<u8>>, StoreFailure> {
        Store::photo_upload(self, photo).await.map_err(failure)
    }

    async fn pending(&self) -> Result<(u64, Vec<Rejected>), StoreFailure> {
        self.pending_inner(self.clock().now()).await.map_err(failure)
    }

    async fn requeue_rejected(&self) -> Result<u64, StoreFailure> {
        self.requeue_rejected_inner(self.clock().now()).await.map_err(failure)
    }
}

/// The account as the sync session sees it: the store keeps it (never the token) and says when
/// the data folder has moved, so the session signs in again as a new device.
#[async_trait]
impl daka_sync::AccountStore for Store {
    async fn account(&self) -> std::result::Result<Option<daka_sync::Account>, StoreFailure> {
        let account = self.sync_account().await.map_err(failure)?;
        Ok(account.map(|a| daka_sync::Account {
            server: a.server,
            user_id: a.user_id,
            device_id: a.server_device_id,
            username: a.username,
            nickname: a.nickname,
        }))
    }

    async fn connect(
        &self,
        account: &daka_sync::Account,
        fingerprint: &str,
    ) -> std::result::Result<(), StoreFailure> {
        self.connect_sync_account(
            &account.server,
            account.user_id,
            account.device_id,
            &account.username,
            &account.nickname,
            fingerprint,
            Utc::now(),
        )
        .await
        .map(|_| ())
        .map_err(failure)
    }

    async fn disconnect(&self) -> std::result::Result<(), StoreFailure> {
        self.disconnect_sync_account().await.map_err(failure)
    }

    async fn same_place(&self, fingerprint: &str) -> std::result::Result<bool, StoreFailure> {
        let check = self.check_sync_fingerprint(fingerprint).await.map_err(failure)?;
        Ok(!matches!(check, FingerprintCheck::Moved { .. }))
    }
}
