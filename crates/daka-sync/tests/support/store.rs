//! `MemoryStore`: one device's local data in memory, implementing `daka_sync::SyncStore` to the
//! letter of its contract — an outbox whose sequence numbers are assigned (and "persisted")
//! when first handed out, never at or below the server's floor, renumbered on a gap; rejected
//! mutations kept with their reason and never resent; per-group cursors and cached records,
//! one page applied together with its cursor; an HLC that observes every version pulled.
//!
//! Its state sits behind `Arc<Mutex<…>>` and is `Clone`, so a test can take a
//! [`MemoryStore::checkpoint`] and later [`MemoryStore::restore`] it: the device "crashed" and
//! lost every sync step it made since (acknowledgements, cursors, cached pages), like a
//! process killed before it recorded them. What the store saw is also written to a
//! [`Journal`] that a restore does not rewind: acknowledgements, pages, resets, violations of
//! the feed's ordering rules.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use daka_core::hlc::Hlc;
use daka_sync::{Rejected, StoreFailure, SyncStore};
use daka_wire::{
    Change, ChangePage, Mutation, MutationStatus, PunchInBody, PushResponse, Record, RejectCode,
    SharedRecord, SubjectMinutes,
};
use uuid::Uuid;

/// The zone every test member lives in (no DST, so "today" is simple to compute).
pub const TZ: &str = "Asia/Shanghai";

/// A punch-in as this device knows its own: the latest version and its body (`None`: deleted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnRecord {
    pub id: Uuid,
    pub version: i64,
    pub body: Option<PunchInBody>,
}

#[derive(Debug, Clone)]
struct OutboxEntry {
    /// Assigned by `next_batch` (or `resequence`), then kept: a retry resends the same number.
    seq: Option<i64>,
    mutation_id: Uuid,
    version: i64,
    record: Record,
    /// The server refused it: kept for the user, never sent again.
    rejected: Option<(RejectCode, String)>,
}

impl OutboxEntry {
    fn mutation(&self) -> Mutation {
        Mutation {
            device_seq: self.seq.unwrap_or_default(),
            mutation_id: self.mutation_id,
            version: self.version,
            record: self.record.clone(),
        }
    }
}

/// One group's local copy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupCache {
    pub cursor: i64,
    pub records: BTreeMap<Uuid, Change>,
}

/// Everything the device keeps on disk. Cloning it is taking a backup.
#[derive(Debug, Clone)]
pub struct StoreState {
    hlc: Hlc,
    /// The last sequence number ever assigned (an AUTOINCREMENT counter: never reused).
    last_seq: i64,
    outbox: Vec<OutboxEntry>,
    local: BTreeMap<Uuid, OwnRecord>,
    groups: BTreeMap<Uuid, GroupCache>,
    /// The highest `last_device_seq` the server confirmed.
    acked_upto: i64,
}

/// A mutation the store dropped from its outbox because the server acknowledged it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acked {
    pub device_seq: i64,
    pub mutation_id: Uuid,
    pub record_id: Uuid,
    pub version: i64,
    pub is_delete: bool,
    /// The server's answer for it, or `None` when only `last_device_seq` covered it.
    pub status: Option<MutationStatus>,
}

/// What the store observed, kept across crashes (a restore does not rewind it).
#[derive(Debug, Clone, Default)]
pub struct Journal {
    pub acked: Vec<Acked>,
    /// Every `(device_seq, status)` of every push answer acknowledged.
    pub results: Vec<(i64, MutationStatus)>,
    /// Sequences handed out by `next_batch`, batch by batch.
    pub batches: Vec<Vec<i64>>,
    pub pages: u64,
    pub changes_applied: u64,
    pub resets: u64,
    pub resequences: Vec<i64>,
    /// Calls of `retain_groups`: once per round that reached the pull.
    pub pull_phases: u64,
    /// Broken rules of the feed or of the engine's use of the store.
    pub violations: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct MemoryStore {
    pub user_id: Uuid,
    pub device_id: Uuid,
    subject: Uuid,
    state: Arc<Mutex<StoreState>>,
    journal: Arc<Mutex<Journal>>,
    fail_next_ack: Arc<AtomicBool>,
}

fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// Now, to the millisecond (what survives a JSON round trip unchanged).
fn now_utc() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(now_ms()).unwrap_or_default()
}

impl MemoryStore {
    pub fn new(user_id: Uuid, device_id: Uuid) -> Self {
        MemoryStore {
            user_id,
            device_id,
            subject: Uuid::now_v7(),
            state: Arc::new(Mutex::new(StoreState {
                hlc: Hlc::default(),
                last_seq: 0,
                outbox: Vec::new(),
                local: BTreeMap::new(),
                groups: BTreeMap::new(),
                acked_upto: 0,
            })),
            journal: Arc::new(Mutex::new(Journal::default())),
            fail_next_ack: Arc::new(AtomicBool::new(false)),
        }
    }

    fn state(&self) -> MutexGuard<'_, StoreState> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn log(&self) -> MutexGuard<'_, Journal> {
        self.journal.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    // --- the device's own writes (each one transaction: record + outbox + clock) -----------

    /// A new punch-in for `date`; answers its id and version.
    pub fn punch_in(&self, date: NaiveDate, minutes: u32) -> (Uuid, i64) {
        let body = PunchInBody {
            date,
            created_utc: now_utc(),
            tz: TZ.into(),
            minutes: vec![SubjectMinutes { subject_id: self.subject, minutes }],
            note: None,
            mood: None,
            photos: vec![],
        };
        let id = Uuid::now_v7();
        let version = self.write(id, Some(body));
        (id, version)
    }

    /// Changes the minutes of one of the user's punch-ins (written here or on their other
    /// device); `None` when this device knows no live punch-in `id` of the user.
    pub fn edit(&self, id: Uuid, minutes: u32) -> Option<i64> {
        let mut body = self.own(id)?.body?;
        body.minutes = vec![SubjectMinutes { subject_id: self.subject, minutes }];
        Some(self.write(id, Some(body)))
    }

    /// Deletes one of the user's live punch-ins; `None` when there is none with `id`.
    pub fn delete(&self, id: Uuid) -> Option<i64> {
        self.own(id)?.body?;
        Some(self.write(id, None))
    }

    fn write(&self, id: Uuid, body: Option<PunchInBody>) -> i64 {
        let mut s = self.state();
        let version = s.hlc.tick(now_ms());
        s.local.insert(id, OwnRecord { id, version, body: body.clone() });
        s.outbox.push(OutboxEntry {
            seq: None,
            mutation_id: Uuid::now_v7(),
            version,
            record: Record::PunchIn { id, body },
            rejected: None,
        });
        version
    }

    /// The user's punch-ins as this device knows them: its own writes and what it pulled of
    /// the user's other devices, the higher version of each.
    pub fn own_records(&self) -> Vec<OwnRecord> {
        let s = self.state();
        let mut all: BTreeMap<Uuid, OwnRecord> = s.local.clone();
        for cache in s.groups.values() {
            for change in cache.records.values() {
                if change.author_user_id != self.user_id {
                    continue;
                }
                let SharedRecord::PunchIn { id, body } = &change.record else { continue };
                if all.get(id).is_some_and(|r| r.version >= change.version) {
                    continue;
                }
                let body = body.as_ref().map(|b| PunchInBody {
                    date: b.date,
                    created_utc: b.created_utc.unwrap_or_else(now_utc),
                    tz: TZ.into(),
                    minutes: b.minutes.clone(),
                    note: b.note.clone(),
                    mood: b.mood,
                    photos: b.photos.clone(),
                });
                all.insert(*id, OwnRecord { id: *id, version: change.version, body });
            }
        }
        all.into_values().collect()
    }

    fn own(&self, id: Uuid) -> Option<OwnRecord> {
        self.own_records().into_iter().find(|r| r.id == id)
    }

    // --- what tests look at ------------------------------------------------------------------

    /// Each group's cached records.
    pub fn snapshot(&self) -> BTreeMap<Uuid, BTreeMap<Uuid, Change>> {
        self.state().groups.iter().map(|(g, c)| (*g, c.records.clone())).collect()
    }

    pub fn group(&self, group: Uuid) -> GroupCache {
        self.state().groups.get(&group).cloned().unwrap_or_default()
    }

    /// Mutations waiting to be sent (not the rejected ones).
    pub fn outbox_len(&self) -> usize {
        self.state().outbox.iter().filter(|e| e.rejected.is_none()).count()
    }

    pub fn rejected(&self) -> Vec<Rejected> {
        rejected_of(&self.state())
    }

    pub fn journal(&self) -> Journal {
        self.log().clone()
    }

    /// A backup of the device's data as it is now.
    pub fn checkpoint(&self) -> StoreState {
        self.state().clone()
    }

    /// Puts a backup back: everything since it was taken is forgotten (the journal is not).
    pub fn restore(&self, backup: &StoreState) {
        *self.state() = backup.clone();
    }

    /// The next `acknowledge` fails as if the process died before it recorded the answer.
    pub fn fail_next_acknowledge(&self) {
        self.fail_next_ack.store(true, Ordering::SeqCst);
    }

    /// Takes back a `fail_next_acknowledge` no round reached.
    pub fn disarm_failures(&self) {
        self.fail_next_ack.store(false, Ordering::SeqCst);
    }

    fn violation(&self, what: String) {
        self.log().violations.push(what);
    }
}

fn rejected_of(s: &StoreState) -> Vec<Rejected> {
    s.outbox
        .iter()
        .filter_map(|e| {
            let (code, message) = e.rejected.clone()?;
            Some(Rejected {
                device_seq: e.seq.unwrap_or_default(),
                record_id: e.record.id(),
                code,
                message,
            })
        })
        .collect()
}

#[async_trait]
impl SyncStore for MemoryStore {
    async fn next_batch(&self, floor: i64, limit: usize) -> Result<Vec<Mutation>, StoreFailure> {
        let batch = {
            let mut s = self.state();
            // Numbers already handed out stay (a retry resends the same mutation under the same
            // number); new ones continue after both our counter and the server's floor.
            let mut next = s.last_seq.max(floor);
            let mut batch = Vec::new();
            for entry in s.outbox.iter_mut().filter(|e| e.rejected.is_none()) {
                if batch.len() == limit {
                    break;
                }
                if entry.seq.is_none() {
                    next += 1;
                    entry.seq = Some(next);
                }
                batch.push(entry.mutation());
            }
            s.last_seq = s.last_seq.max(next);
            batch
        };
        let seqs: Vec<i64> = batch.iter().map(|m| m.device_seq).collect();
        if seqs.windows(2).any(|w| w[0] >= w[1]) {
            self.violation(format!("next_batch handed out sequences out of order: {seqs:?}"));
        }
        if !seqs.is_empty() {
            self.log().batches.push(seqs);
        }
        Ok(batch)
    }

    async fn acknowledge(&self, response: &PushResponse) -> Result<(), StoreFailure> {
        if self.fail_next_ack.swap(false, Ordering::SeqCst) {
            return Err(StoreFailure(
                "simulated crash before the acknowledgement was recorded".into(),
            ));
        }
        let results: HashMap<i64, _> = response.results.iter().map(|r| (r.device_seq, r)).collect();
        let mut acked = Vec::new();
        {
            let mut s = self.state();
            s.outbox.retain_mut(|entry| {
                let Some(seq) = entry.seq.filter(|s| *s <= response.last_device_seq) else {
                    return true;
                };
                if entry.rejected.is_some() {
                    return true;
                }
                let result = results.get(&seq);
                if let Some(r) = result.filter(|r| r.status == MutationStatus::Rejected) {
                    let message = r.message.clone().unwrap_or_default();
                    entry.rejected = Some((r.code.unwrap_or(RejectCode::Unknown), message));
                    return true;
                }
                acked.push(Acked {
                    device_seq: seq,
                    mutation_id: entry.mutation_id,
                    record_id: entry.record.id(),
                    version: entry.version,
                    is_delete: entry.record.is_delete(),
                    status: result.map(|r| r.status),
                });
                false
            });
        }
        {
            let mut s = self.state();
            s.acked_upto = s.acked_upto.max(response.last_device_seq);
        }
        let mut log = self.log();
        log.results.extend(response.results.iter().map(|r| (r.device_seq, r.status)));
        log.acked.extend(acked);
        Ok(())
    }

    async fn server_rewound(&self, server_last: i64) -> Result<bool, StoreFailure> {
        let mut s = self.state();
        if server_last >= s.acked_upto {
            return Ok(false);
        }
        // Every own record again, as it stands (deletes included), unless already queued.
        let queued: std::collections::HashSet<Uuid> =
            s.outbox.iter().filter(|e| e.rejected.is_none()).map(|e| e.record.id()).collect();
        let again: Vec<OutboxEntry> = s
            .local
            .values()
            .filter(|r| !queued.contains(&r.id))
            .map(|r| OutboxEntry {
                seq: None,
                mutation_id: Uuid::now_v7(),
                version: r.version,
                record: Record::PunchIn { id: r.id, body: r.body.clone() },
                rejected: None,
            })
            .collect();
        s.outbox.extend(again);
        s.acked_upto = server_last;
        Ok(true)
    }

    async fn resequence(&self, expected: i64) -> Result<(), StoreFailure> {
        {
            let mut s = self.state();
            let mut next = expected - 1;
            let mut highest = expected - 1;
            for entry in s.outbox.iter_mut().filter(|e| e.rejected.is_none()) {
                match entry.seq {
                    Some(seq) if seq < expected => highest = highest.max(seq),
                    _ => {
                        next += 1;
                        entry.seq = Some(next);
                        highest = highest.max(next);
                    }
                }
            }
            s.last_seq = highest;
        }
        self.log().resequences.push(expected);
        Ok(())
    }

    async fn cursor(&self, group: Uuid) -> Result<i64, StoreFailure> {
        Ok(self.state().groups.get(&group).map_or(0, |g| g.cursor))
    }

    async fn apply_page(&self, group: Uuid, page: &ChangePage) -> Result<(), StoreFailure> {
        let mut problems = Vec::new();
        {
            let mut s = self.state();
            let before = s.groups.get(&group).map_or(0, |g| g.cursor);
            let seqs: Vec<i64> = page.changes.iter().map(|c| c.seq).collect();
            if seqs.windows(2).any(|w| w[0] >= w[1]) {
                problems.push(format!("a page's seqs are not strictly increasing: {seqs:?}"));
            }
            if let Some(first) = seqs.first()
                && *first <= before
            {
                problems
                    .push(format!("a page starts at seq {first}, at or below the cursor {before}"));
            }
            let expected_next = seqs.last().copied().unwrap_or(before);
            if page.next_after != expected_next {
                problems.push(format!(
                    "next_after {} is not the last seq applied ({expected_next}; cursor was {before})",
                    page.next_after
                ));
            }
            if page.changes.iter().any(|c| c.seq > page.head_seq) {
                problems
                    .push(format!("a page has a seq above its head {}: {seqs:?}", page.head_seq));
            }
            for change in &page.changes {
                s.hlc.observe(change.version);
            }
            let cache = s.groups.entry(group).or_default();
            for change in &page.changes {
                cache.records.insert(change.record.id(), change.clone());
            }
            cache.cursor = page.next_after;
        }
        let mut log = self.log();
        log.pages += 1;
        log.changes_applied += page.changes.len() as u64;
        log.violations.extend(problems);
        Ok(())
    }

    async fn reset_group(&self, group: Uuid) -> Result<(), StoreFailure> {
        self.state().groups.remove(&group);
        self.log().resets += 1;
        Ok(())
    }

    async fn retain_groups(&self, groups: &[Uuid]) -> Result<(), StoreFailure> {
        self.state().groups.retain(|g, _| groups.contains(g));
        self.log().pull_phases += 1;
        Ok(())
    }

    async fn photo_upload(&self, _photo: Uuid) -> Result<Option<Vec<u8>>, StoreFailure> {
        Ok(None) // the model store has no photos; the real store's are tested in daka-store
    }

    async fn pending(&self) -> Result<(u64, Vec<Rejected>), StoreFailure> {
        let s = self.state();
        let waiting = s.outbox.iter().filter(|e| e.rejected.is_none()).count() as u64;
        Ok((waiting, rejected_of(&s)))
    }

    async fn requeue_rejected(&self) -> Result<u64, StoreFailure> {
        let mut s = self.state();
        let refused: Vec<Uuid> =
            s.outbox.iter().filter(|e| e.rejected.is_some()).map(|e| e.record.id()).collect();
        s.outbox.retain(|e| e.rejected.is_none());
        let mut queued = 0;
        for id in refused {
            // As the record stands now, under a new mutation and an unassigned number.
            let Some(own) = s.local.get(&id).cloned() else { continue };
            s.outbox.push(OutboxEntry {
                seq: None,
                mutation_id: Uuid::now_v7(),
                version: own.version,
                record: Record::PunchIn { id, body: own.body },
                rejected: None,
            });
            queued += 1;
        }
        Ok(queued)
    }
}
