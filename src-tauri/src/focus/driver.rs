//! The focus driver: counts time, announces phase ends, records ended sessions, keeps the
//! overlay and the website block in step, and polls the process watcher.
//!
//! Two loops. The async loop ticks the session once a second while one runs (the timer keeps
//! exact time on its own clock; the tick only decides how soon an end is *noticed*, ≤1 s) and
//! otherwise sleeps until a session starts (`FocusRuntime::changed`) or 30 s pass. The watcher
//! runs on its own thread, because reading /proc is blocking I/O; it polls every second while
//! a watcher is armed and does nothing otherwise.

use std::sync::{Arc, PoisonError};
use std::time::{Duration, Instant};

use tauri::{AppHandle, Manager, Runtime};

use crate::notify::Notifier;
use crate::state::AppState;

use super::SessionSnapshot;
use super::overlay;
use super::sites::Sites;

/// How often a running session is ticked, and how often the watcher polls.
pub(super) const TICK: Duration = Duration::from_secs(1);
const IDLE: Duration = Duration::from_secs(30);

pub fn spawn_focus_driver<R: Runtime>(app: AppHandle<R>, notifier: Arc<dyn Notifier>) {
    spawn_watcher_thread(&app);
    tauri::async_runtime::spawn(async move {
        loop {
            let next = tick_once(&app, notifier.as_ref()).await;
            let state = app.state::<AppState>();
            if let Some(sleep) = next {
                tokio::time::sleep(sleep).await;
            } else {
                let _ = tokio::time::timeout(IDLE, state.focus.changed.notified()).await;
            }
        }
    });
}

/// One tick; returns how long to sleep while a session runs: a second, or less when the phase
/// ends sooner, so a phase end is announced within milliseconds, not up to a second late.
async fn tick_once<R: Runtime>(app: &AppHandle<R>, notifier: &dyn Notifier) -> Option<Duration> {
    let state = app.state::<AppState>();
    let Ok(store) = state.store() else { return None };
    let (wall, lang) = (state.now(), state.lang());
    let out = state.focus.tick(&store, wall, lang).await;
    for text in &out.notifications {
        if let Err(e) = notifier.notify(text) {
            tracing::warn!(error = %e, "focus notification not shown");
        }
    }
    let snapshot = state.focus.snapshot(wall).await;
    let want_overlay = snapshot.as_ref().is_some_and(|s| {
        s.plan.overlay
            && !s.view.paused
            && !s.view.finished
            && s.view.phase == daka_focus::timer::Phase::Work
    });
    let handle = app.clone();
    let _ = app.run_on_main_thread(move || overlay::sync(&handle, want_overlay));
    sync_sites(&state.sites, snapshot.clone()).await;
    snapshot.map(|SessionSnapshot { view, .. }| {
        if view.paused {
            TICK
        } else {
            // A few ms past the end, so the tick finds it over rather than 1 ms short.
            TICK.min(Duration::from_millis(u64::from(view.remaining_ms) + 5))
        }
    })
}

/// Keeps the helper's block in step with the session (a blocking socket call, off the runtime).
async fn sync_sites(sites: &Arc<Sites>, snapshot: Option<SessionSnapshot>) {
    let sites = Arc::clone(sites);
    let mono = daka_focus::clock::boot_time();
    let joined = tauri::async_runtime::spawn_blocking(move || {
        let mut sync = sites.sync.lock().unwrap_or_else(PoisonError::into_inner);
        let session = snapshot.as_ref().map(|s| {
            let remaining = s.view.session_remaining_ms.div_ceil(1000);
            (s.id.as_str(), &s.plan, remaining, s.config.strict)
        });
        sync.step(sites.blocker.as_ref(), session, mono);
    })
    .await;
    if let Err(e) = joined {
        tracing::warn!(error = %e, "website blocking step failed");
    }
}

fn spawn_watcher_thread<R: Runtime>(app: &AppHandle<R>) {
    let watcher = app.state::<AppState>().focus.watcher();
    let spawned = std::thread::Builder::new().name("daka-focus-watcher".into()).spawn(move || {
        loop {
            let started = Instant::now();
            {
                let mut slot = watcher.lock().unwrap_or_else(PoisonError::into_inner);
                if let Some(w) = slot.as_mut() {
                    for action in w.poll(daka_focus::clock::boot_time()) {
                        tracing::info!(app = %action.app, pid = action.pid, signal = ?action.action, "blocked");
                    }
                }
            }
            std::thread::sleep(TICK.saturating_sub(started.elapsed()));
        }
    });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "the app blocker could not start");
    }
}
