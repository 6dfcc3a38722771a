//! The app side of group sync (research/architecture-anchors.md §10.6): push the outbox, ask
//! for status, pull the groups that advanced, and keep doing that in the background — on a
//! local write, on a server poke, on a timer — without ever losing or doubling a punch-in.
//!
//! - [`Client`]: typed HTTP calls to one daka-server, errors classified for retrying.
//! - [`SyncStore`]: what the engine needs from local storage (the app's SQLite store
//!   implements it; tests use a small in-memory one).
//! - [`sync_once`]: one round, push → status → pull.
//! - [`Runner`]: the single-flight background loop with backoff, jitter, `Retry-After`, the
//!   event stream, and a state the UI shows.

#![forbid(unsafe_code)]

mod backoff;
mod client;
mod events;
mod groups;
mod invite;
mod place;
mod round;
mod runner;
mod session;
mod store;
pub mod token_store;
mod view;

pub use backoff::Backoff;
pub use client::{Client, Credentials, SyncError, normalize_server};
pub use invite::{InviteRef, parse_invite};
pub use place::{place_fingerprint, this_device_name};
pub use round::{RoundReport, sync_once};
pub use runner::{Runner, RunnerHandle, SyncPhase, SyncState};
pub use session::{Account, AccountStore, Resumed, Session};
pub use store::{Rejected, StoreFailure, SyncStore};
pub use view::{
    AccountForm, AccountView, GroupsStatus, RejectedView, SignInAgain, SyncPhaseView, SyncView,
    reject_reason,
};
