//! The state every command receives.

use std::path::PathBuf;
use std::sync::{Arc, PoisonError, RwLock};

use chrono::{DateTime, Utc};
use daka_core::clock::Clock;
use daka_core::lang::Lang;
use daka_store::Store;

use crate::error::AppError;

/// What the system told us at start, used until the user has chosen.
#[derive(Debug, Clone)]
pub struct SystemInfo {
    pub lang: Lang,
    pub time_zone: String,
}

#[derive(Debug)]
pub struct AppState {
    /// `Err` holds why the database could not be opened; the UI shows it instead of a window
    /// that silently does nothing.
    store: Result<Store, daka_store::StoreError>,
    clock: Arc<dyn Clock>,
    /// The language of messages produced in Rust (errors, presets). Follows the UI language.
    lang: RwLock<Lang>,
    pub system: SystemInfo,
    pub data_dir: PathBuf,
}

impl AppState {
    pub fn new(
        store: Result<Store, daka_store::StoreError>,
        clock: Arc<dyn Clock>,
        lang: Lang,
        system: SystemInfo,
        data_dir: PathBuf,
    ) -> Self {
        Self { store, clock, lang: RwLock::new(lang), system, data_dir }
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

    /// The store, or the typed error explaining why it could not be opened.
    pub fn store(&self) -> Result<&Store, AppError> {
        match &self.store {
            Ok(store) => Ok(store),
            Err(e) => Err(AppError::from_store(clone_store_error(e), self.lang())),
        }
    }

    pub fn startup_error(&self) -> Option<String> {
        self.store
            .as_ref()
            .err()
            .map(|e| AppError::from_store(clone_store_error(e), self.lang()).message)
    }
}

/// `StoreError` holds non-cloneable sources; keep what the user-facing mapping needs.
fn clone_store_error(e: &daka_store::StoreError) -> daka_store::StoreError {
    use daka_store::StoreError as E;
    match e {
        E::NewerSchema { found, known } => E::NewerSchema { found: *found, known: *known },
        other => E::Corrupt { what: other.to_string() },
    }
}
