//! Group commit for pushes, shared by the backends: one writer task applies the pushes that
//! queued up while the previous transaction was committing, all in one transaction.
//!
//! Why: under load pushes wait for each other anyway (SQLite has one writer; on PostgreSQL the
//! pushes of one group wait for its row lock, and every transaction that notifies waits for
//! the server-wide notify lock at commit). What each push then costs in its turn is `BEGIN`,
//! its statements and `COMMIT` with its WAL flush, each a round trip. Applying the queued
//! pushes together pays the `BEGIN`/`COMMIT`, the flush and the notify once per group instead
//! of once per push. A lone push finds the queue empty and commits alone, without waiting.
//!
//! Only the SQLite backend uses it. On PostgreSQL it was measured (`make bench`, 200 clients
//! in one group) and lost: 776–795 pushes/s with one to eight writer tasks against ~900 with
//! each push in its own transaction, because a group's statements still run one round trip
//! at a time while the pushes of one feed serialize on its row lock either way.
//!
//! Invariants:
//! - A push is answered only after the transaction holding it has committed, so an
//!   acknowledged push is exactly as durable as before.
//! - The pushes of a group are applied in arrival order in one transaction: each sees the
//!   previous one's writes, as if they had come one after another (two pushes of one device
//!   are numbered against each other as usual).
//! - If any push of a group fails, or the commit does, the backend rolls everything back and
//!   each push is applied again alone, in its own transaction: one push's error never reaches
//!   another push or leaves part of itself written (and no savepoints are needed).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, oneshot};

use daka_wire::Poke;

use crate::{CheckedMutation, DbError, DeviceAuth, PushOutcome};

/// How many mutations one transaction takes at most (a few full pushes): bounds how long a
/// group holds the writer and how much a failed group redoes.
const MAX_MUTATIONS_PER_COMMIT: usize = 400;

/// Pushes waiting in front of the writer. Bounded: under overload, requests wait to get in.
const QUEUE: usize = 1024;

/// One push, as `ServerDb::push` receives it.
#[derive(Debug, Clone)]
pub struct PushJob {
    pub device: DeviceAuth,
    pub batch: Vec<CheckedMutation>,
    pub now: DateTime<Utc>,
}

/// How a backend applies a group of pushes.
#[async_trait]
pub trait ApplyPushes: Send + Sync + 'static {
    /// Applies `jobs` in order in one transaction and commits it (then pokes), answering one
    /// outcome per job. On any error nothing of any job may stay written.
    async fn apply(&self, jobs: &[PushJob]) -> Result<Vec<PushOutcome>, DbError>;
}

type Reply = oneshot::Sender<Result<PushOutcome, DbError>>;

/// The queue in front of one writer task. Cloning shares the task; it ends when every clone
/// is dropped.
#[derive(Debug, Clone)]
pub struct GroupCommit {
    queue: mpsc::Sender<(PushJob, Reply)>,
}

impl GroupCommit {
    /// Starts the writer task on the current Tokio runtime.
    pub fn start(backend: impl ApplyPushes) -> Self {
        let (queue, jobs) = mpsc::channel(QUEUE);
        tokio::spawn(run(backend, jobs));
        GroupCommit { queue }
    }

    /// Queues the push and waits until its transaction has committed (or failed).
    pub async fn push(&self, job: PushJob) -> Result<PushOutcome, DbError> {
        let stopped = || DbError::Database("the push writer task has stopped".into());
        let (reply, answer) = oneshot::channel();
        self.queue.send((job, reply)).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

async fn run(backend: impl ApplyPushes, mut queue: mpsc::Receiver<(PushJob, Reply)>) {
    while let Some(first) = queue.recv().await {
        let mut mutations = first.0.batch.len();
        let (mut jobs, mut replies) = (vec![first.0], vec![first.1]);
        while mutations < MAX_MUTATIONS_PER_COMMIT {
            let Ok((job, reply)) = queue.try_recv() else { break };
            mutations += job.batch.len();
            jobs.push(job);
            replies.push(reply);
        }
        for (reply, answer) in replies.into_iter().zip(commit(&backend, &jobs).await) {
            // The client may have gone (timeout, closed connection): its push stands anyway.
            let _ = reply.send(answer);
        }
    }
}

/// The group together, or each job alone when the group fails.
async fn commit(backend: &impl ApplyPushes, jobs: &[PushJob]) -> Vec<Result<PushOutcome, DbError>> {
    match backend.apply(jobs).await {
        Ok(outcomes) if outcomes.len() == jobs.len() => outcomes.into_iter().map(Ok).collect(),
        Ok(_) => {
            let broken = "a backend answered a push group with the wrong number of outcomes";
            jobs.iter().map(|_| Err(DbError::Database(broken.into()))).collect()
        }
        Err(e) if jobs.len() == 1 => vec![Err(e)],
        Err(_) => {
            let mut answers = Vec::with_capacity(jobs.len());
            for job in jobs {
                let alone = backend.apply(std::slice::from_ref(job)).await;
                answers.push(alone.and_then(|mut one| {
                    one.pop().ok_or_else(|| {
                        DbError::Database("a backend answered a push with no outcome".into())
                    })
                }));
            }
            answers
        }
    }
}

/// The pokes of a group of pushes, one per feed: its highest head (a poke only says "pull up
/// to here", so the lower ones add nothing).
pub fn latest_heads(mut heads: Vec<Poke>) -> Vec<Poke> {
    heads.sort_by_key(|p| (p.group_id, std::cmp::Reverse(p.head_seq)));
    heads.dedup_by_key(|p| p.group_id);
    heads
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use std::sync::{Arc, Mutex};

    use tokio::sync::Notify;
    use uuid::Uuid;

    use super::*;

    /// Records the size of every group it is asked to apply; fails any group holding the
    /// "bad" device; holds the first call until `gate` opens, so the rest queue up behind it.
    struct Recorder {
        calls: Arc<Mutex<Vec<usize>>>,
        bad: Uuid,
        gate: Arc<Notify>,
    }

    #[async_trait]
    impl ApplyPushes for Recorder {
        async fn apply(&self, jobs: &[PushJob]) -> Result<Vec<PushOutcome>, DbError> {
            let first = {
                let mut calls = self.calls.lock().unwrap();
                calls.push(jobs.len());
                calls.len() == 1
            };
            if first {
                self.gate.notified().await;
            }
            if jobs.iter().any(|j| j.device.device_id == self.bad) {
                return Err(DbError::SequenceGap { expected: 1 });
            }
            let outcome = |j: &PushJob| PushOutcome {
                last_device_seq: j.batch.len() as i64,
                results: vec![],
            };
            Ok(jobs.iter().map(outcome).collect())
        }
    }

    fn job(device_id: Uuid, mutations: usize) -> PushJob {
        let device = DeviceAuth {
            device_id,
            user_id: Uuid::now_v7(),
            revoked: false,
            last_seen_at: Utc::now(),
        };
        let m = CheckedMutation {
            device_seq: 1,
            version: 1,
            verdict: crate::Verdict::Reject(daka_wire::RejectCode::Invalid),
        };
        PushJob { device, batch: vec![m; mutations], now: Utc::now() }
    }

    #[tokio::test]
    async fn queued_pushes_commit_together_and_a_failing_group_is_redone_one_by_one() {
        let (calls, gate, bad) = (Arc::default(), Arc::new(Notify::new()), Uuid::now_v7());
        let writer =
            GroupCommit::start(Recorder { calls: Arc::clone(&calls), bad, gate: gate.clone() });
        let first = tokio::spawn({
            let writer = writer.clone();
            async move { writer.push(job(Uuid::now_v7(), 1)).await }
        });
        while calls.lock().unwrap().is_empty() {
            tokio::task::yield_now().await;
        }
        // While the first is "committing": three good pushes and a bad one queue up.
        let devices = [Uuid::now_v7(), bad, Uuid::now_v7(), Uuid::now_v7()];
        let queued: Vec<_> = devices
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let (writer, job) = (writer.clone(), job(*d, i + 1));
                tokio::spawn(async move { writer.push(job).await })
            })
            .collect();
        while writer.queue.capacity() > QUEUE - devices.len() {
            tokio::task::yield_now().await;
        }
        gate.notify_one();
        assert_eq!(first.await.unwrap().unwrap().last_device_seq, 1);
        let mut answers = Vec::new();
        for q in queued {
            answers.push(q.await.unwrap());
        }
        assert_eq!(answers[0].as_ref().unwrap().last_device_seq, 1);
        assert!(matches!(answers[1], Err(DbError::SequenceGap { .. })));
        assert_eq!(answers[2].as_ref().unwrap().last_device_seq, 3);
        assert_eq!(answers[3].as_ref().unwrap().last_device_seq, 4);
        // The lone first push, the four queued together (refused), then each alone.
        assert_eq!(*calls.lock().unwrap(), vec![1, 4, 1, 1, 1, 1]);
    }

    #[test]
    fn one_poke_per_feed_with_its_highest_head() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let heads = vec![
            Poke { group_id: b, head_seq: 3 },
            Poke { group_id: a, head_seq: 7 },
            Poke { group_id: b, head_seq: 5 },
        ];
        assert_eq!(
            latest_heads(heads),
            vec![Poke { group_id: a, head_seq: 7 }, Poke { group_id: b, head_seq: 5 }]
        );
    }
}
