//! The background sync loop: one round at a time (single-flight), woken by local writes,
//! server pokes and a timer; exponential backoff with jitter on failures, `Retry-After`
//! honoured; a 401 stops it until the user signs in again. Its [`SyncState`] is what the app
//! shows: synced, waiting, offline, refused — never a guess.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use daka_core::lang::Lang;
use tokio::sync::{Notify, watch};

use crate::backoff::Backoff;
use crate::client::{Client, SyncError};
use crate::round::sync_once;
use crate::store::{Rejected, SyncStore};

/// Rounds run at least this often when nothing else wakes the loop (plus up to 20 % jitter, so
/// a group's apps do not all ask at the same second).
const PERIOD: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncPhase {
    /// Everything sent and received.
    Synced,
    Syncing,
    /// No connection (or the server is down); retrying at `retry_at`.
    Offline,
    /// The server refused in a way retrying does not fix (wrong address, another version).
    Failed,
    /// The device was signed out or removed; the user must sign in again.
    SignedOut,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncState {
    pub phase: SyncPhase,
    /// Why, for every phase but `Synced` and `Syncing`: the error itself, put into words in
    /// the language of the moment ([`SyncState::message`]), not the one of the failed round.
    pub error: Option<SyncError>,
    /// Mutations waiting to be sent.
    pub pending: u64,
    /// Mutations the server refused, with its reasons.
    pub rejected: Vec<Rejected>,
    pub last_synced: Option<DateTime<Utc>>,
    pub retry_at: Option<DateTime<Utc>>,
}

impl SyncState {
    /// Why it is not synced, in `lang`.
    pub fn message(&self, lang: Lang) -> Option<String> {
        self.error.as_ref().map(|e| e.describe(lang))
    }

    fn initial() -> Self {
        SyncState {
            phase: SyncPhase::Syncing,
            error: None,
            pending: 0,
            rejected: vec![],
            last_synced: None,
            retry_at: None,
        }
    }
}

#[derive(Debug)]
pub struct Runner<S: SyncStore> {
    client: Client,
    store: Arc<S>,
}

/// Controls a running loop. Dropping it does not stop the loop; call [`RunnerHandle::stop`].
#[derive(Debug, Clone)]
pub struct RunnerHandle {
    trigger: Arc<Notify>,
    retry: Arc<Notify>,
    stop: watch::Sender<bool>,
    state: watch::Receiver<SyncState>,
}

impl RunnerHandle {
    /// Asks for a round soon (a local write, the window came back, "retry" was pressed).
    /// Calls while a round runs coalesce into one more round.
    pub fn trigger(&self) {
        self.trigger.notify_one();
    }

    /// The user pressed "sync now": a round right away, even while waiting out a failure (a
    /// server that was down may be back; the user knows before the backoff does).
    pub fn retry_now(&self) {
        self.retry.notify_one();
    }

    pub fn state(&self) -> watch::Receiver<SyncState> {
        self.state.clone()
    }

    pub fn stop(&self) {
        self.stop.send_replace(true);
    }
}

impl<S: SyncStore> Runner<S> {
    pub fn new(client: Client, store: Arc<S>) -> Self {
        Runner { client, store }
    }

    /// Starts the loop and the event listener on the current tokio runtime.
    pub fn spawn(self) -> RunnerHandle {
        let trigger = Arc::new(Notify::new());
        let retry = Arc::new(Notify::new());
        let (stop, stop_rx) = watch::channel(false);
        let (state_tx, state) = watch::channel(SyncState::initial());
        tokio::spawn(crate::events::listen(
            self.client.clone(),
            Arc::clone(&trigger),
            Arc::clone(&retry),
            stop_rx.clone(),
        ));
        tokio::spawn(run(
            self,
            Wake { trigger: Arc::clone(&trigger), retry: Arc::clone(&retry) },
            stop_rx,
            state_tx,
        ));
        trigger.notify_one();
        RunnerHandle { trigger, retry, stop, state }
    }
}

/// What wakes the loop: `trigger` (local writes, pokes) waits out a failure's delay, `retry`
/// (the user) does not.
struct Wake {
    trigger: Arc<Notify>,
    retry: Arc<Notify>,
}

async fn run<S: SyncStore>(
    runner: Runner<S>,
    wake: Wake,
    mut stop: watch::Receiver<bool>,
    state: watch::Sender<SyncState>,
) {
    let mut backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(300));
    let mut wait = Duration::ZERO;
    loop {
        // A failure's wait is not cut short by triggers: a 429's Retry-After or an outage's
        // backoff holds even while the user keeps punching in.
        let honour_wait = backoff.failures() > 0;
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = wake.trigger.notified(), if !honour_wait => {}
            () = wake.retry.notified() => {}
            () = stopped(&mut stop) => return,
        }
        state.send_modify(|s| s.phase = SyncPhase::Syncing);
        let outcome = sync_once(&runner.client, runner.store.as_ref()).await;
        let (pending, rejected) = runner.store.pending().await.unwrap_or_default();
        let mut next = SyncState { pending, rejected, ..state.borrow().clone() };
        match outcome {
            Ok(_) => {
                backoff.reset();
                next.phase = SyncPhase::Synced;
                next.error = None;
                next.last_synced = Some(Utc::now());
                next.retry_at = None;
                wait = PERIOD.mul_f64(1.0 + 0.2 * jitter());
            }
            Err(e @ SyncError::Unauthorized(_)) => {
                next.phase = SyncPhase::SignedOut;
                next.error = Some(e);
                state.send_replace(next);
                return;
            }
            Err(e) => {
                let transient = e.is_transient();
                wait = if transient {
                    backoff.next_delay(e.retry_after())
                } else {
                    Duration::from_secs(300)
                };
                next.phase = if transient { SyncPhase::Offline } else { SyncPhase::Failed };
                next.retry_at = chrono::Duration::from_std(wait).ok().map(|w| Utc::now() + w);
                tracing::info!(error = %e, wait_secs = wait.as_secs(), "sync round failed");
                next.error = Some(e);
            }
        }
        state.send_replace(next);
    }
}

/// Resolves once [`RunnerHandle::stop`] was called. Dropping every handle closes the channel
/// without a stop: that must not end the loop (the handle's contract), so it never resolves.
pub(crate) async fn stopped(stop: &mut watch::Receiver<bool>) {
    if stop.wait_for(|s| *s).await.is_err() {
        std::future::pending::<()>().await;
    }
}

fn jitter() -> f64 {
    let mut b = [0u8; 2];
    let _ = getrandom::fill(&mut b);
    f64::from(u16::from_le_bytes(b)) / f64::from(u16::MAX)
}
