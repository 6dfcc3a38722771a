//! Desktop notifications, and the loop that sends the daily punch-in reminder.
//!
//! When to ring is decided in `daka_core::reminder` (pure, DST-tested); this module only reads
//! the store, asks the core, and hands the words to the desktop's notification service over
//! D-Bus (notify-rust). The loop wakes every 30 seconds and whenever the setting changes, so a
//! suspended laptop, a clock change or a new time zone are all picked up on the next tick: it
//! never sleeps until a precomputed instant that may have stopped meaning anything.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use daka_core::day::DayStart;
use daka_core::lang::Lang;
use daka_core::reminder::{ReminderText, ReminderTime, ReminderWatch, due_at, reminder_text};
use daka_store::{Store, StoreError};
use tauri::{Manager, Runtime};

use crate::state::AppState;

/// Shows a desktop notification. A trait so the reminder loop can be tested without a desktop.
pub trait Notifier: Send + Sync + std::fmt::Debug {
    fn notify(&self, text: &ReminderText) -> Result<(), String>;
}

/// The freedesktop notification service on the session bus (GNOME, KDE, dunst, mako, …).
#[derive(Debug, Default)]
pub struct DesktopNotifier;

impl Notifier for DesktopNotifier {
    fn notify(&self, text: &ReminderText) -> Result<(), String> {
        notify_rust::Notification::new()
            .appname("Daka")
            .icon("daka")
            .summary(&text.title)
            .body(&text.body)
            .show()
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// What the reminder was last armed for: a change of any of these re-arms it.
type Armed = Option<(ReminderTime, String, DayStart)>;

/// The reminder loop's memory between ticks.
#[derive(Debug, Default)]
pub struct ReminderLoop {
    watch: ReminderWatch,
    /// `None` until the first tick. The first tick does not re-arm but resumes from the stored
    /// "last day dealt with", so a reminder missed while Daka was closed still rings once when it
    /// starts (if its study day is still open), and one already rung does not ring again.
    armed: Option<Armed>,
}

impl ReminderLoop {
    pub fn new() -> Self {
        Self::default()
    }

    /// One tick at `now`: the words to show, if the reminder is due and the day is not settled.
    pub async fn tick(
        &mut self,
        store: &Store,
        now: DateTime<Utc>,
        lang: Lang,
    ) -> Result<Option<ReminderText>, StoreError> {
        let setting = store.reminder().await?;
        let profile = match store.profile().await {
            Ok(profile) => profile,
            Err(StoreError::NotOnboarded) => return Ok(None),
            Err(e) => return Err(e),
        };
        let rules = &profile.day_rules;
        let today = rules.logical_date(now);
        let rule = rules.rule_at(now);
        let armed: Armed = setting.map(|at| (at, rule.tz.name().to_owned(), rule.day_start));
        let Some(at) = setting else {
            self.armed = Some(None);
            return Ok(None);
        };
        let due = due_at(today, rule.tz, rule.day_start, at);
        match &self.armed {
            Some(previous) if *previous == armed => {}
            Some(_) => {
                self.watch.rearm(today, due, now);
                if self.watch.handled() == Some(today) {
                    store.set_reminder_handled(today, now).await?;
                }
            }
            None => self.watch = ReminderWatch::resumed(store.reminder_handled().await?),
        }
        self.armed = Some(armed);
        if !self.watch.is_pending(today, due, now) {
            return Ok(None);
        }
        let settled = store.day_settled(today).await?;
        let ring = self.watch.poll(today, due, now, settled);
        // Dealt with (rung, or silent because settled): remember it across restarts.
        store.set_reminder_handled(today, now).await?;
        if !ring {
            return Ok(None);
        }
        let report = store.records().await?.punch_in_report(now);
        Ok(Some(reminder_text(lang, report.current_streak, report.missed_last)))
    }
}

/// Runs the reminder loop for the life of the app. Failures are logged and the loop goes on:
/// a reminder is a courtesy, never a reason to interrupt.
pub fn spawn_reminders<R: Runtime>(app: tauri::AppHandle<R>, notifier: Arc<dyn Notifier>) {
    tauri::async_runtime::spawn(async move {
        let mut reminders = ReminderLoop::new();
        let wake = app.state::<AppState>().reminder_changed.clone();
        loop {
            let state = app.state::<AppState>();
            if let Ok(store) = state.store() {
                match reminders.tick(&store, state.now(), state.lang()).await {
                    Ok(Some(text)) => {
                        let notifier = Arc::clone(&notifier);
                        // D-Bus calls block; keep them off the async workers.
                        let shown =
                            tokio::task::spawn_blocking(move || notifier.notify(&text)).await;
                        match shown {
                            Ok(Ok(())) => tracing::info!("punch-in reminder shown"),
                            Ok(Err(e)) => tracing::warn!(error = %e, "punch-in reminder failed"),
                            Err(e) => tracing::warn!(error = %e, "punch-in reminder task failed"),
                        }
                    }
                    Ok(None) => {}
                    Err(e) => tracing::warn!(error = %e, "punch-in reminder check failed"),
                }
            }
            tokio::select! {
                () = tokio::time::sleep(Duration::from_secs(30)) => {}
                () = wake.notified() => {}
            }
        }
    });
}
