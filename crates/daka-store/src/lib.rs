//! Daka's local store: one SQLite file (sqlx), its migrations, repositories and backups.
//!
//! This is the only client crate that contains SQL. Business rules come from daka-core; this
//! crate reads, validates through daka-core and writes inside explicit transactions.

#![forbid(unsafe_code)]

mod backup;
mod cache;
mod db;
mod error;
mod export;
mod focus;
mod import;
pub mod paths;
mod photos;
mod profile;
mod records;
mod repo;
mod store;
mod sync;
mod timetable;

pub use backup::{BackupInfo, BackupKind};
pub use error::{Result, StoreError};
pub use export::ExportSummary;
pub use focus::{BlockedApp, FocusSession};
pub use import::{ImportMode, ImportPhase, ImportProgress, ImportReport};
pub use store::{Snapshot, Store};
pub use sync::{FingerprintCheck, SyncAccount};
