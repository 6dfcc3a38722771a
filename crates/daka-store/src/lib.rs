//! Daka's local store: one SQLite file (sqlx), its migrations, repositories and backups.
//!
//! This is the only client crate that contains SQL. Business rules come from daka-core; this
//! crate reads, validates through daka-core and writes inside explicit transactions.

#![forbid(unsafe_code)]

mod db;
mod error;
pub mod paths;
mod profile;
mod records;
mod repo;
mod store;

pub use error::{Result, StoreError};
pub use store::{Snapshot, Store};
