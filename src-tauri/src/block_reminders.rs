//! The loop that sends timetable block reminders ("19:00 散步 — 走一小时").
//!
//! What is due is decided by `daka_core::timetable::BlockReminders` (pure, tested with a fake
//! clock through DST nights, sleep/resume and edits). This module reads the store, asks the core,
//! shows what it returns, and persists the keys that fired so a restart never rings one twice.
//! It wakes every 30 seconds at most — so suspend/resume, clock and time-zone changes are seen on
//! the next tick — earlier when something is due sooner, and at once when the plan or the
//! reminder settings change (`AppState::plan_changed`), because the core only rings reminders
//! that came due since the previous tick.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use daka_core::lang::Lang;
use daka_core::reminder::ReminderText;
use daka_core::timetable::{BlockReminders, block_reminder_text};
use daka_store::{Store, StoreError};
use tauri::{Manager, Runtime};

use crate::notify::Notifier;
use crate::state::AppState;

/// The longest the loop sleeps: a suspended laptop or a changed clock is noticed within this.
const MAX_SLEEP: Duration = Duration::from_secs(30);

/// The loop's memory between ticks.
#[derive(Debug, Default)]
pub struct BlockReminderLoop {
    /// `None` until the first tick, which resumes from the stored fired keys.
    reminders: Option<BlockReminders>,
}

impl BlockReminderLoop {
    pub fn new() -> Self {
        Self::default()
    }

    /// One tick at `now`: the notifications to show, and how long to sleep at most.
    pub async fn tick(
        &mut self,
        store: &Store,
        now: DateTime<Utc>,
        lang: Lang,
    ) -> Result<(Vec<ReminderText>, Duration), StoreError> {
        let profile = match store.profile().await {
            Ok(profile) => profile,
            Err(StoreError::NotOnboarded) => return Ok((Vec::new(), MAX_SLEEP)),
            Err(e) => return Err(e),
        };
        let reminders = match &mut self.reminders {
            Some(r) => r,
            None => {
                self.reminders.insert(BlockReminders::resumed(store.block_reminders_fired().await?))
            }
        };
        let timetable = store.timetable().await?;
        let settings = store.block_reminder_settings().await?;
        let due = reminders.tick(&timetable, &profile.day_rules, &settings, now);
        if reminders.take_changed() {
            let fired: Vec<_> = reminders.fired().copied().collect();
            store.set_block_reminders_fired(&fired, now).await?;
        }
        let texts = due
            .iter()
            .map(|r| {
                let subject = r.block.block.subject_id.and_then(|id| {
                    profile.subjects.iter().find(|s| s.id == id).map(|s| s.name.as_str())
                });
                block_reminder_text(lang, r, subject)
            })
            .collect();
        let sleep = reminders
            .next_due(&timetable, &profile.day_rules, &settings, now)
            .and_then(|at| (at - now).to_std().ok())
            .map_or(MAX_SLEEP, |d| d.clamp(Duration::from_millis(500), MAX_SLEEP));
        Ok((texts, sleep))
    }
}

/// Runs the block reminder loop for the life of the app. Failures are logged and the loop goes
/// on: a reminder is a courtesy, never a reason to interrupt.
pub fn spawn_block_reminders<R: Runtime>(app: tauri::AppHandle<R>, notifier: Arc<dyn Notifier>) {
    tauri::async_runtime::spawn(async move {
        let mut reminders = BlockReminderLoop::new();
        let wake = app.state::<AppState>().plan_changed.clone();
        loop {
            let state = app.state::<AppState>();
            let mut sleep = MAX_SLEEP;
            if let Ok(store) = state.store() {
                match reminders.tick(&store, state.now(), state.lang()).await {
                    Ok((texts, next)) => {
                        sleep = next;
                        for text in texts {
                            let notifier = Arc::clone(&notifier);
                            // D-Bus calls block; keep them off the async workers.
                            let shown =
                                tokio::task::spawn_blocking(move || notifier.notify(&text)).await;
                            match shown {
                                Ok(Ok(())) => tracing::info!("block reminder shown"),
                                Ok(Err(e)) => tracing::warn!(error = %e, "block reminder failed"),
                                Err(e) => tracing::warn!(error = %e, "block reminder task failed"),
                            }
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "block reminder check failed"),
                }
            }
            tokio::select! {
                () = tokio::time::sleep(sleep) => {}
                () = wake.notified() => {}
            }
        }
    });
}
