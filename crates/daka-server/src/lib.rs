//! Daka's group server: accounts and devices, study groups with invites, punch-in sync
//! (push → status → pull, research/architecture-anchors.md §10), the group board with its 接龙
//! text, an event stream that pokes clients, and a server-rendered board page.
//!
//! The HTTP layer only adapts: it authenticates, checks input, calls the [`ServerDb`] (one
//! transaction per call) or a pure rule of `daka_core::group`, and maps errors to
//! `{code, message}` in the caller's language. Which database runs behind it is decided once,
//! in `main`, from the database URL.

#![forbid(unsafe_code)]

pub mod api;
pub mod config;
pub mod error;
pub mod extract;
pub mod limits;
pub mod secrets;
mod serve;
pub mod web;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use daka_server_db::ServerDb;

pub use serve::{Server, shutdown_signal};

/// What every handler shares.
pub struct App {
    pub db: Arc<dyn ServerDb>,
    pub settings: Settings,
    pub limiter: limits::RateLimiter,
    /// Flips to true when the server shuts down, so long-lived event streams end and graceful
    /// shutdown does not wait for them forever.
    pub shutting_down: tokio::sync::watch::Sender<bool>,
    clock: Box<dyn Fn() -> DateTime<Utc> + Send + Sync>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").field("settings", &self.settings).finish_non_exhaustive()
    }
}

pub type AppState = Arc<App>;

impl App {
    pub fn new(db: Arc<dyn ServerDb>, settings: Settings) -> Self {
        App {
            db,
            settings,
            limiter: limits::RateLimiter::default(),
            shutting_down: tokio::sync::watch::Sender::new(false),
            clock: Box::new(Utc::now),
        }
    }

    /// For tests: a server whose clock is `clock`.
    pub fn with_clock(mut self, clock: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Self {
        self.clock = Box::new(clock);
        self
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }
}

/// The server's behaviour, from flags and environment (see [`config::Config`]).
#[derive(Debug, Clone)]
pub struct Settings {
    /// Anyone may create an account; when false, only with a group invite code.
    pub open_signup: bool,
    /// The URL people reach this server at (behind the TLS proxy), used in invite links.
    pub public_url: Option<String>,
    /// Days of a new member's history shared with a group they join.
    pub share_days_on_join: u32,
    /// Feed tombstones older than this are dropped (clients older than that re-pull).
    pub retention_days: u32,
    /// Read the client address from `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_proxy: bool,
    /// How many punch-in photos one account may keep on the server.
    pub max_photos_per_user: u32,
    pub limits: limits::Limits,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            open_signup: true,
            public_url: None,
            share_days_on_join: 7,
            retention_days: 90,
            trust_proxy: false,
            max_photos_per_user: 4000,
            limits: limits::Limits::default(),
        }
    }
}
