//! The state every command receives.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, PoisonError, RwLock};

use chrono::{DateTime, Utc};
use daka_core::clock::Clock;
use daka_core::lang::Lang;
use daka_store::{Store, StoreError};

use crate::clipboard::ClipboardSink;
use crate::error::AppError;
use crate::events::Emitter;
use crate::focus::FocusRuntime;
use crate::focus::sites::{Blockd, Sites};
use crate::groups::{GroupSession, GroupsSlot};
use crate::picker::FilePicker;

/// What the system told us at start, used until the user has chosen.
#[derive(Debug, Clone)]
pub struct SystemInfo {
    pub lang: Lang,
    pub time_zone: String,
}

#[derive(Debug)]
pub struct AppState {
    /// `Err` holds why the database could not be opened; the UI shows it instead of a window
    /// that silently does nothing. Behind a lock because restoring a backup swaps the store.
    store: RwLock<Result<Store, StoreError>>,
    clock: Arc<dyn Clock>,
    /// The language of messages produced in Rust (errors, presets). Follows the UI language.
    lang: RwLock<Lang>,
    pub system: SystemInfo,
    pub data_dir: PathBuf,
    /// Native file dialogs (or, in test builds, paths given by the test).
    pub picker: Arc<dyn FilePicker>,
    pub events: Arc<dyn Emitter>,
    /// Wakes the reminder loop when the reminder setting changes.
    pub reminder_changed: Arc<tokio::sync::Notify>,
    /// Wakes the block reminder loop when the timetable or its reminder settings change.
    pub plan_changed: Arc<tokio::sync::Notify>,
    /// Closing the window hides it (when a tray icon exists) instead of quitting, so reminders
    /// keep coming. Mirrors the stored setting for the synchronous close handler.
    pub close_to_tray: AtomicBool,
    /// Whether the tray icon was created; without it, closing the window quits.
    pub tray_ready: AtomicBool,
    /// Start at login.
    pub login_item: Arc<dyn LoginItem>,
    /// Where "copy image" puts a share card.
    pub clipboard: Arc<dyn ClipboardSink>,
    /// The focus session (timer, blocker, records).
    pub focus: Arc<FocusRuntime>,
    /// Website blocking through the privileged helper.
    pub sites: Arc<Sites>,
    /// The study-group connection of the open store.
    pub groups: GroupsSlot,
}

/// Start at login, behind a trait so commands need no runtime type (and tests no plugin).
pub trait LoginItem: Send + Sync + std::fmt::Debug {
    fn enabled(&self) -> bool;
    /// `Err` carries the system's reason, for the log.
    fn set(&self, on: bool) -> Result<(), String>;
}

/// What a new [`AppState`] is made of.
#[derive(Debug)]
pub struct Parts {
    pub store: Result<Store, StoreError>,
    pub clock: Arc<dyn Clock>,
    pub lang: Lang,
    pub system: SystemInfo,
    pub data_dir: PathBuf,
    pub picker: Arc<dyn FilePicker>,
    pub events: Arc<dyn Emitter>,
    pub login_item: Arc<dyn LoginItem>,
    pub clipboard: Arc<dyn ClipboardSink>,
}

impl AppState {
    pub fn new(p: Parts) -> Self {
        let groups = GroupsSlot::new(&p.data_dir, Arc::clone(&p.events));
        Self {
            store: RwLock::new(p.store),
            clock: p.clock,
            lang: RwLock::new(p.lang),
            system: p.system,
            data_dir: p.data_dir,
            picker: p.picker,
            events: p.events,
            reminder_changed: Arc::new(tokio::sync::Notify::new()),
            plan_changed: Arc::new(tokio::sync::Notify::new()),
            close_to_tray: AtomicBool::new(true),
            tray_ready: AtomicBool::new(false),
            login_item: p.login_item,
            clipboard: p.clipboard,
            focus: Arc::new(FocusRuntime::default()),
            sites: Arc::new(Sites::new(Box::new(Blockd::from_env()))),
            groups,
        }
    }

    /// Starts the group connection of the store that is open now (at start, after a restore).
    pub fn open_groups(&self) {
        let store = self.store().ok();
        self.groups.open(store.as_ref(), self.lang());
    }

    /// The group connection, or why there is none (the database did not open).
    pub fn group_session(&self) -> Result<Arc<GroupSession>, AppError> {
        match self.groups.session() {
            Some(session) => Ok(session),
            None => Err(self.store().err().unwrap_or_else(|| AppError::internal(self.lang()))),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn lang(&self) -> Lang {
        // A poisoned lock still holds a valid `Lang`; never let it turn into a panic.
        *self.lang.read().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn set_lang(&self, lang: Lang) {
        *self.lang.write().unwrap_or_else(PoisonError::into_inner) = lang;
    }

    /// The store (a cheap handle), or the typed error explaining why it could not be opened.
    pub fn store(&self) -> Result<Store, AppError> {
        match &*self.store.read().unwrap_or_else(PoisonError::into_inner) {
            Ok(store) => Ok(store.clone()),
            Err(e) => Err(AppError::from_store(clone_store_error(e), self.lang())),
        }
    }

    /// Puts a reopened store in place (after restoring a backup).
    pub fn replace_store(&self, store: Result<Store, StoreError>) {
        *self.store.write().unwrap_or_else(PoisonError::into_inner) = store;
        // The restored data may be connected to another account, or to none.
        self.open_groups();
    }

    pub fn startup_error(&self) -> Option<String> {
        self.store
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .err()
            .map(|e| AppError::from_store(clone_store_error(e), self.lang()).message)
    }
}

/// `StoreError` holds non-cloneable sources; keep what the user-facing mapping needs.
fn clone_store_error(e: &StoreError) -> StoreError {
    match e {
        StoreError::NewerSchema { found, known } => {
            StoreError::NewerSchema { found: *found, known: *known }
        }
        other => StoreError::Corrupt { what: other.to_string() },
    }
}
