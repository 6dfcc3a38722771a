//! Focus mode in the app: the running session (timer engine from daka-focus), its persistence,
//! the record it leaves, and what the UI sees.
//!
//! Invariants:
//! * **One session at a time**, held behind one async lock; every command first counts time up
//!   to now (`Timer::tick`), so what a command answers is never staler than the call.
//! * **Saved before answered.** Start, pause, resume and every phase end are written to
//!   `focus_state` before the command returns; while running, the driver saves every
//!   [`SAVE_EVERY`] as well. A restart resumes from the saved state (same boot: exactly).
//! * **Recorded exactly once.** The end of a session is stored with `Store::record_focus_session`
//!   (insert + forget the running state in one transaction). If that write fails, the record is
//!   kept and retried on the next tick; the running state stays saved, so even a crash in between
//!   records it on the next start (the id makes the second insert a no-op).
//! * **Time** is [`daka_focus::clock::boot_time`] (counts suspend) for the timer and the app's
//!   clock (pinnable in tests) for the wall-clock labels only.

mod driver;
pub mod overlay;
mod saved;
pub mod sites;
pub mod words;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use daka_core::ids::SubjectId;
use daka_core::lang::Lang;
use daka_core::reminder::ReminderText;
use daka_focus::blocklist::Os;
use daka_focus::settings::{FocusSettings, TimerChoice};
use daka_focus::timer::{
    Now, SessionRecord, Timer, TimerConfig, TimerError, TimerEvent, TimerView,
};
use daka_focus::watcher::{ProcessWatcher, WatcherConfig};
use daka_store::{BlockedApp, FocusSession, Store};
use serde::{Deserialize, Serialize};

pub use driver::spawn_focus_driver;
pub use saved::{Running, SessionPlan};

use crate::error::AppError;

/// How often a running session is saved even when nothing happened.
pub const SAVE_EVERY: Duration = Duration::from_secs(5);

/// The system whose executable names the presets contribute.
pub const THIS_OS: Os = if cfg!(target_os = "windows") {
    Os::Windows
} else if cfg!(target_os = "macos") {
    Os::MacOs
} else {
    Os::Linux
};

/// What the Focus screen sends to start a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct StartRequest {
    pub timer: TimerChoice,
    pub subject_id: Option<SubjectId>,
}

/// The running session as the UI shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct RunningStatus {
    pub id: String,
    pub config: TimerConfig,
    pub view: TimerView,
    pub block_apps: bool,
    /// How many executable names the app blocker watches for.
    pub blocked_app_count: u32,
    pub block_sites: bool,
    pub overlay: bool,
    /// What the app blocker ended so far, most often first.
    pub blocked: Vec<BlockedApp>,
    /// Why the app blocker cannot see processes here, in the user's language.
    pub watcher_problem: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct FocusStatus {
    pub running: Option<RunningStatus>,
    /// The session that ended last while Daka was open (for the summary).
    pub last: Option<FocusSession>,
}

/// What a tick did that the driver shows.
#[derive(Debug, Default)]
pub struct TickOutcome {
    pub notifications: Vec<ReminderText>,
}

#[derive(Debug, Default)]
struct Inner {
    /// The saved state has been read (once per app run).
    loaded: bool,
    running: Option<Running>,
    /// When the running session was last saved (boot time).
    saved_at: Option<Duration>,
    last: Option<FocusSession>,
    /// Ended sessions whose record could not be written yet.
    unrecorded: Vec<FocusSession>,
}

/// The focus session holder that commands and the driver share (in `AppState`).
#[derive(Debug)]
pub struct FocusRuntime {
    inner: tokio::sync::Mutex<Inner>,
    /// Wakes the driver when a session starts or ends.
    pub changed: tokio::sync::Notify,
    /// The same for the tray's refresh loop (a `Notify` wakes one waiter).
    pub changed_for_tray: tokio::sync::Notify,
    /// The process watcher of the running session (its poll reads /proc: a blocking call).
    watcher: Arc<Mutex<Option<ProcessWatcher>>>,
    /// Whether a strict session runs, for synchronous callers (the window's close, the tray's
    /// quit) that cannot wait for the async lock.
    strict_running: AtomicBool,
    mono: fn() -> Duration,
}

impl Default for FocusRuntime {
    fn default() -> Self {
        Self::new(daka_focus::clock::boot_time)
    }
}

fn timer_error(e: &TimerError, lang: Lang) -> AppError {
    match e {
        TimerError::Corrupt { .. } | TimerError::UnsupportedVersion { .. } => {
            tracing::warn!(error = %e, "focus state");
            AppError::internal(lang)
        }
        _ => AppError::conflict(e.message(lang)),
    }
}

impl FocusRuntime {
    /// A runtime on the given monotonic clock (tests pass a fake one).
    pub fn new(mono: fn() -> Duration) -> Self {
        Self {
            inner: tokio::sync::Mutex::new(Inner::default()),
            changed: tokio::sync::Notify::new(),
            changed_for_tray: tokio::sync::Notify::new(),
            watcher: Arc::new(Mutex::new(None)),
            strict_running: AtomicBool::new(false),
            mono,
        }
    }

    fn now(&self, wall: DateTime<Utc>) -> Now {
        Now { mono: (self.mono)(), wall }
    }

    /// A strict session runs (as of the last command or tick): quitting Daka is refused then,
    /// since it would end app blocking early.
    pub fn strict_running(&self) -> bool {
        self.strict_running.load(Ordering::Acquire)
    }

    fn publish(&self, inner: &Inner) {
        let strict = inner.running.as_ref().is_some_and(|r| r.timer.config().strict);
        self.strict_running.store(strict, Ordering::Release);
    }

    fn notify_changed(&self) {
        self.changed.notify_one();
        self.changed_for_tray.notify_one();
    }

    /// The watcher shared with the driver's blocking poll.
    pub fn watcher(&self) -> Arc<Mutex<Option<ProcessWatcher>>> {
        Arc::clone(&self.watcher)
    }

    /// Reads the saved session once per run; a state that cannot be read is logged and
    /// dropped (the user is told through the log only: there is nothing they could do).
    async fn ensure_loaded(&self, inner: &mut Inner, store: &Store, wall: DateTime<Utc>) {
        if inner.loaded {
            return;
        }
        inner.loaded = true;
        let json = match store.focus_state().await {
            Ok(Some(json)) => json,
            Ok(None) => return,
            Err(e) => {
                tracing::warn!(error = %e, "could not read the saved focus session");
                inner.loaded = false;
                return;
            }
        };
        let boot = daka_focus::clock::boot_id();
        match Running::resume(&json, self.now(wall), boot.as_deref()) {
            Ok(running) => {
                tracing::info!(id = %running.id, "focus session resumed");
                inner.running = Some(running);
            }
            Err(e) => {
                tracing::warn!(error = %e, "saved focus session dropped");
                if let Err(e) = store.clear_focus_state().await {
                    tracing::warn!(error = %e, "could not clear the focus state");
                }
            }
        }
    }

    /// Apps are blocked while a session is in a work phase and not paused: a break is a
    /// break, and pausing a (non-strict) session is the user's explicit choice. The counts of
    /// a watcher that is switched off are kept with the session first.
    fn sync_watcher(&self, running: Option<&mut Running>, now: Now) {
        let mut slot = self.watcher.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(running) = running else {
            *slot = None;
            return;
        };
        let view = running.timer.view(now);
        let want = running.plan.block_apps
            && !running.plan.apps.is_empty()
            && !view.paused
            && !view.finished
            && view.phase == daka_focus::timer::Phase::Work;
        if let Some(watcher) = slot.as_mut() {
            for (app, n) in watcher.counts() {
                *running.blocked.entry(app).or_default() += n;
            }
            watcher.reset_counts();
        }
        match (want, slot.is_some()) {
            (true, false) => {
                let mut config = WatcherConfig::for_current_process(running.plan.apps.clone());
                config.allow = running.plan.allow.clone();
                *slot = Some(ProcessWatcher::new(config, daka_focus::watcher::ProcFs::new()));
            }
            (false, true) => *slot = None,
            _ => {}
        }
    }

    /// Counts time up to now; ends, records and announces what has ended.
    async fn advance(
        &self,
        inner: &mut Inner,
        store: &Store,
        wall: DateTime<Utc>,
        lang: Lang,
    ) -> TickOutcome {
        self.ensure_loaded(inner, store, wall).await;
        let mut out = TickOutcome::default();
        let now = self.now(wall);
        let mut save = false;
        if let Some(running) = &mut inner.running {
            self.sync_watcher(Some(running), now);
            for event in running.timer.tick(now) {
                match event {
                    TimerEvent::PhaseEnded { phase, round, next } => {
                        let config = running.timer.config().clone();
                        out.notifications
                            .push(words::phase_ended(lang, &config, phase, round, next));
                        save = true;
                    }
                    TimerEvent::SessionEnded { record } => {
                        let subject = subject_name(store, record.subject_id.as_deref()).await;
                        out.notifications.push(words::session_ended(
                            lang,
                            &record,
                            subject.as_deref(),
                        ));
                        let session = session_of(store, running, &record).await;
                        inner.unrecorded.push(session);
                    }
                }
            }
        }
        if inner.running.as_ref().is_some_and(|r| r.timer.is_finished()) {
            inner.running = None;
            inner.saved_at = None;
            self.sync_watcher(None, now);
            self.notify_changed();
        } else {
            self.sync_watcher(inner.running.as_mut(), now);
        }
        self.record_pending(inner, store, wall).await;
        let due = inner.saved_at.is_none_or(|at| now.mono.saturating_sub(at) >= SAVE_EVERY);
        if inner.running.is_some() && (save || due) {
            self.save(inner, store, wall).await;
        }
        self.publish(inner);
        out
    }

    async fn record_pending(&self, inner: &mut Inner, store: &Store, wall: DateTime<Utc>) {
        while let Some(session) = inner.unrecorded.first() {
            match store.record_focus_session(session, wall).await {
                Ok(_) => {
                    let session = inner.unrecorded.remove(0);
                    tracing::info!(id = %session.id, outcome = ?session.outcome, "focus session recorded");
                    inner.last = Some(session);
                }
                Err(e) => {
                    tracing::warn!(error = %e, "could not record the focus session; will retry");
                    return;
                }
            }
        }
    }

    async fn save(&self, inner: &mut Inner, store: &Store, wall: DateTime<Utc>) {
        let Some(running) = &inner.running else { return };
        match running.to_json() {
            Ok(json) => match store.save_focus_state(&json, wall).await {
                Ok(()) => inner.saved_at = Some((self.mono)()),
                Err(e) => tracing::warn!(error = %e, "could not save the focus session"),
            },
            Err(e) => tracing::warn!(error = %e, "could not serialize the focus session"),
        }
    }

    /// Called by the driver about once a second.
    pub async fn tick(&self, store: &Store, wall: DateTime<Utc>, lang: Lang) -> TickOutcome {
        let mut inner = self.inner.lock().await;
        self.advance(&mut inner, store, wall, lang).await
    }

    pub async fn status(&self, store: &Store, wall: DateTime<Utc>, lang: Lang) -> FocusStatus {
        let mut inner = self.inner.lock().await;
        self.advance(&mut inner, store, wall, lang).await;
        self.status_of(&inner, wall, lang)
    }

    fn status_of(&self, inner: &Inner, wall: DateTime<Utc>, lang: Lang) -> FocusStatus {
        self.publish(inner);
        let running = inner.running.as_ref().map(|r| {
            let watcher_problem = self
                .watcher
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .as_ref()
                .and_then(|w| w.last_error().map(|_| words::watcher_problem(lang)));
            RunningStatus {
                id: r.id.clone(),
                config: r.timer.config().clone(),
                view: r.timer.view(self.now(wall)),
                block_apps: r.plan.block_apps,
                blocked_app_count: u32::try_from(r.plan.apps.len()).unwrap_or(u32::MAX),
                block_sites: r.plan.block_sites,
                overlay: r.plan.overlay,
                blocked: blocked_list(&r.blocked),
                watcher_problem,
            }
        });
        FocusStatus { running, last: inner.last.clone() }
    }

    /// Starts a session with the blocklists of `settings` resolved now.
    pub async fn start(
        &self,
        store: &Store,
        wall: DateTime<Utc>,
        lang: Lang,
        request: StartRequest,
        settings: &FocusSettings,
    ) -> Result<FocusStatus, AppError> {
        let mut inner = self.inner.lock().await;
        self.advance(&mut inner, store, wall, lang).await;
        if inner.running.is_some() {
            return Err(AppError::conflict(
                lang.pick("已经有一个专注在进行了。", "A focus session is already running.")
                    .to_owned(),
            ));
        }
        let choice = &request.timer;
        let config = TimerConfig {
            mode: choice.mode(),
            subject_id: request.subject_id.map(|id| id.to_string()),
            strict: choice.strict,
        };
        let timer =
            Timer::start(config, self.now(wall)).map_err(|e| AppError::validation(&e, lang))?;
        let running = Running {
            id: uuid::Uuid::now_v7().to_string(),
            timer,
            plan: SessionPlan {
                block_apps: choice.block_apps,
                apps: if choice.block_apps { settings.blocked_apps(THIS_OS) } else { Vec::new() },
                allow: settings.allow.clone(),
                block_sites: choice.block_sites,
                sites: if choice.block_sites { settings.blocked_sites() } else { Vec::new() },
                overlay: choice.overlay,
            },
            blocked: BTreeMap::new(),
            boot_id: daka_focus::clock::boot_id(),
        };
        inner.running = Some(running);
        inner.last = None;
        self.sync_watcher(inner.running.as_mut(), self.now(wall));
        self.save(&mut inner, store, wall).await;
        if inner.saved_at.is_none() {
            // Not saved means it would not survive a restart: refuse rather than pretend.
            inner.running = None;
            self.sync_watcher(None, self.now(wall));
            return Err(AppError::internal(lang));
        }
        self.notify_changed();
        Ok(self.status_of(&inner, wall, lang))
    }

    /// Applies `action` to the running session, then saves (and records, if it ended).
    async fn act(
        &self,
        store: &Store,
        wall: DateTime<Utc>,
        lang: Lang,
        action: impl FnOnce(&mut Timer, Now) -> Result<Option<SessionRecord>, TimerError>,
    ) -> Result<FocusStatus, AppError> {
        let mut inner = self.inner.lock().await;
        self.advance(&mut inner, store, wall, lang).await;
        let now = self.now(wall);
        let Some(running) = inner.running.as_mut() else {
            return Err(AppError::conflict(
                lang.pick("现在没有进行中的专注。", "No focus session is running.").to_owned(),
            ));
        };
        self.sync_watcher(Some(running), now);
        match action(&mut running.timer, now).map_err(|e| timer_error(&e, lang))? {
            Some(record) => {
                let session = session_of(store, running, &record).await;
                inner.unrecorded.push(session);
                inner.running = None;
                inner.saved_at = None;
                self.sync_watcher(None, now);
                self.record_pending(&mut inner, store, wall).await;
                self.notify_changed();
            }
            None => {
                self.sync_watcher(inner.running.as_mut(), now);
                self.save(&mut inner, store, wall).await;
            }
        }
        Ok(self.status_of(&inner, wall, lang))
    }

    pub async fn pause(
        &self,
        store: &Store,
        wall: DateTime<Utc>,
        lang: Lang,
    ) -> Result<FocusStatus, AppError> {
        self.act(store, wall, lang, |t, now| t.pause(now).map(|()| None)).await
    }

    pub async fn resume(
        &self,
        store: &Store,
        wall: DateTime<Utc>,
        lang: Lang,
    ) -> Result<FocusStatus, AppError> {
        self.act(store, wall, lang, |t, now| t.resume(now).map(|()| None)).await
    }

    pub async fn stop(
        &self,
        store: &Store,
        wall: DateTime<Utc>,
        lang: Lang,
    ) -> Result<FocusStatus, AppError> {
        self.act(store, wall, lang, |t, now| t.stop(now).map(Some)).await
    }

    /// A fresh emergency-exit code for the running strict session.
    pub async fn exit_challenge(
        &self,
        store: &Store,
        wall: DateTime<Utc>,
        lang: Lang,
    ) -> Result<String, AppError> {
        let seed = getrandom::u64().map_err(|e| {
            tracing::warn!(error = %e, "no randomness for the exit code");
            AppError::internal(lang)
        })?;
        let mut code = None;
        self.act(store, wall, lang, |t, _| {
            code = Some(t.emergency_exit_challenge(seed)?.code);
            Ok(None)
        })
        .await?;
        code.ok_or_else(|| AppError::internal(lang))
    }

    pub async fn emergency_exit(
        &self,
        store: &Store,
        wall: DateTime<Utc>,
        lang: Lang,
        answer: &str,
    ) -> Result<FocusStatus, AppError> {
        self.act(store, wall, lang, |t, now| t.emergency_exit(answer, now).map(Some)).await
    }

    pub async fn request_exit(
        &self,
        store: &Store,
        wall: DateTime<Utc>,
        lang: Lang,
    ) -> Result<FocusStatus, AppError> {
        self.act(store, wall, lang, |t, now| t.request_exit(now).map(|()| None)).await
    }

    pub async fn cancel_exit(
        &self,
        store: &Store,
        wall: DateTime<Utc>,
        lang: Lang,
    ) -> Result<FocusStatus, AppError> {
        self.act(store, wall, lang, |t, _| {
            t.cancel_exit();
            Ok(None)
        })
        .await
    }

    pub async fn confirm_exit(
        &self,
        store: &Store,
        wall: DateTime<Utc>,
        lang: Lang,
    ) -> Result<FocusStatus, AppError> {
        self.act(store, wall, lang, |t, now| t.confirm_exit(now).map(Some)).await
    }

    /// The running session's id, plan, configuration and view, for the driver's side effects
    /// (overlay, tray, site blocking).
    pub async fn snapshot(&self, wall: DateTime<Utc>) -> Option<SessionSnapshot> {
        let inner = self.inner.lock().await;
        inner.running.as_ref().map(|r| SessionSnapshot {
            id: r.id.clone(),
            plan: r.plan.clone(),
            config: r.timer.config().clone(),
            view: r.timer.view(self.now(wall)),
        })
    }
}

/// A copy of the running session's state at one moment.
#[derive(Debug, Clone)]
pub struct SessionSnapshot {
    pub id: String,
    pub plan: SessionPlan,
    pub config: TimerConfig,
    pub view: TimerView,
}

fn blocked_list(counts: &BTreeMap<String, u32>) -> Vec<BlockedApp> {
    let mut list: Vec<BlockedApp> =
        counts.iter().map(|(app, &count)| BlockedApp { app: app.clone(), count }).collect();
    list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.app.cmp(&b.app)));
    list
}

async fn subject_name(store: &Store, id: Option<&str>) -> Option<String> {
    let id = id?;
    let profile = store.profile().await.ok()?;
    profile.subjects.into_iter().find(|s| s.id.to_string() == id).map(|s| s.name)
}

/// The stored session for an ended timer: its study day by the day rules in force.
async fn session_of(store: &Store, running: &Running, record: &SessionRecord) -> FocusSession {
    let logical_date = match store.profile().await {
        Ok(profile) => daka_focus::timer::logical_date(record, &profile.day_rules),
        // Not onboarded (or unreadable): the UTC date is the honest fallback.
        Err(_) => record.started_wall.date_naive(),
    };
    FocusSession {
        id: running.id.clone(),
        subject_id: record.subject_id.as_deref().and_then(|s| s.parse().ok()),
        mode: record.mode,
        planned_min: record.planned_min,
        actual_sec: record.actual_sec,
        actual_min: record.actual_min,
        outcome: record.outcome,
        strict: record.strict,
        started_at: record.started_wall,
        ended_at: record.ended_wall,
        logical_date,
        blocked: blocked_list(&running.blocked),
    }
}
