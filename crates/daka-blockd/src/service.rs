//! The daemon's logic without the socket: requests in, files written, checks on a timer. Owned
//! by one mutex in the server; tests drive it directly with a [`FakeClock`](crate::clock).
//!
//! Order of writes, so a crash at any point leaves something the next start can finish:
//! start = precheck the hosts file → save the state (with the directories about to be created)
//! → write the layers; end = remove the layers → clear the state. The state file is root-only,
//! so its disappearance while a block runs can only be an administrator's `cleanup --force`;
//! the daemon then ends the block instead of repairing it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat};
use daka_focus::hosts::HostsError;

use crate::clock::Clock;
use crate::layers::{Enforcer, LayerError, Paths, Stamp};
use crate::protocol::{ErrorCode, Layers, Op, Response, Status, WireError};
use crate::ratchet::{self, Access, Block, Now, Outcome};
use crate::state::{self, STATE_VERSION, SavedState};

/// Full integrity check interval (ms), on top of the per-second change detection.
pub const CHECK_EVERY_MS: u64 = 15_000;
/// How often the files are stat-ed for changes (and expiry is looked at).
pub const POLL: Duration = Duration::from_secs(1);
/// Where the kernel publishes the boot id. Read from the real /proc even with `--root`, since
/// a test root has no /proc; tests that need another boot pass their own file.
pub const BOOT_ID_FILE: &str = "/proc/sys/kernel/random/boot_id";

/// How the daemon is set up.
#[derive(Debug, Clone)]
pub struct Config {
    pub root: PathBuf,
    pub access: Access,
    pub dns_flush: bool,
    pub boot_id_file: PathBuf,
}

impl Config {
    /// Production settings below `root`: anyone may start blocks, DNS is flushed.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Config {
            root: root.into(),
            access: Access::anyone(),
            dns_flush: true,
            boot_id_file: PathBuf::from(BOOT_ID_FILE),
        }
    }
}

#[derive(Debug)]
struct Active {
    block: Block,
    firefox_owned: bool,
    created_dirs: Vec<PathBuf>,
    layers: Layers,
    dns_flushed: bool,
    /// The stamps the last pass verified the files under ([`Applied`](crate::layers::Applied));
    /// `None`: check at the next tick.
    fingerprint: Option<Vec<Option<Stamp>>>,
    last_check_ms: u64,
}

/// The daemon's state and logic.
#[derive(Debug)]
pub struct Service {
    access: Access,
    enforcer: Enforcer,
    clock: Arc<dyn Clock>,
    boot_id: Option<String>,
    active: Option<Active>,
}

impl Service {
    /// Starts up: resumes a saved block that is still running (re-applying its layers), or
    /// removes whatever a previous block left behind. Run at every boot by systemd, this is
    /// the boot cleanup.
    pub fn open(config: Config, clock: Arc<dyn Clock>) -> Self {
        let enforcer = Enforcer::new(Paths::new(&config.root), config.dns_flush);
        let boot_id = state::read_boot_id(&config.boot_id_file);
        let mut service = Service { access: config.access, enforcer, clock, boot_id, active: None };
        let now = service.clock.now();
        let saved = load_state(&service.enforcer.paths().state_file());
        match saved {
            Some(saved) => {
                let block = state::restore(&saved, service.boot_id.as_deref(), now);
                if block.is_active(now) {
                    tracing::info!(
                        "resuming a block of {} sites, {} s left",
                        block.sites.len(),
                        block.remaining_ms(now).div_ceil(1000)
                    );
                    let same = saved.boot_id == service.boot_id && saved.block == block;
                    service.activate(block, saved.firefox_owned, saved.created_dirs, now);
                    if !same {
                        // Another boot: store the end on this boot's clock.
                        service.save_state_logged();
                    }
                } else {
                    tracing::info!("the saved block has ended; removing its layers");
                    cleanup_layers(&service.enforcer, Some(&saved));
                }
            }
            None => cleanup_layers(&service.enforcer, None),
        }
        service
    }

    /// Answers one request from `uid`.
    pub fn handle(&mut self, uid: u32, op: Op) -> Response {
        let now = self.clock.now();
        self.expire_if_due(now);
        let current = self.active.as_ref().map(|a| &a.block);
        let result = match ratchet::decide(current, &self.access, uid, &op, now) {
            Err(refusal) => {
                if !matches!(op, Op::Status) {
                    tracing::info!("uid {uid}: {} refused: {refusal}", op_name(&op));
                }
                Err(WireError::from(refusal))
            }
            Ok(Outcome::Unchanged) => Ok(()),
            Ok(Outcome::Stopped) => {
                tracing::info!("uid {uid}: block stopped");
                self.end();
                Ok(())
            }
            Ok(Outcome::Started(block)) => {
                tracing::info!(
                    "uid {uid}: block of {} sites for {} s (strict: {})",
                    block.sites.len(),
                    block.remaining_ms(now).div_ceil(1000),
                    block.strict
                );
                self.start(block, now)
            }
            Ok(Outcome::Changed(block)) => {
                tracing::info!(
                    "uid {uid}: {} → {} sites, {} s left",
                    op_name(&op),
                    block.sites.len(),
                    block.remaining_ms(now).div_ceil(1000)
                );
                self.change(block, now)
            }
        };
        match result {
            Ok(()) => Response::ok(self.status(now)),
            Err(e) => Response::err(e),
        }
    }

    /// The periodic work: expiry, the admin's cleanup, change detection, the 15 s check.
    /// Returns how long to wait before the next tick.
    pub fn tick(&mut self) -> Duration {
        let now = self.clock.now();
        self.expire_if_due(now);
        let Some(active) = &self.active else { return POLL };
        if !self.enforcer.paths().state_file().exists() {
            tracing::warn!(
                "the state file was removed (daka-blockd cleanup --force?); ending the block"
            );
            self.end();
            return POLL;
        }
        let changed =
            active.fingerprint.as_ref() != Some(&self.enforcer.fingerprint(active.firefox_owned));
        let due = now.boot_ms.saturating_sub(active.last_check_ms) >= CHECK_EVERY_MS;
        if changed || due {
            if changed {
                tracing::info!("a blocking file changed; checking it");
            }
            self.repair(now, true);
        }
        let left = self.active.as_ref().map_or(0, |a| a.block.remaining_ms(now));
        POLL.min(Duration::from_millis(left.max(1)))
    }

    /// The status at `now`.
    pub fn status(&self, now: Now) -> Status {
        let Some(a) = self.active.as_ref().filter(|a| a.block.is_active(now)) else {
            return Status::default();
        };
        let left_ms = a.block.remaining_ms(now);
        let end_wall = now.wall_ms.saturating_add(i64::try_from(left_ms).unwrap_or(i64::MAX));
        Status {
            active: true,
            strict: a.block.strict,
            owner_uid: Some(a.block.owner_uid),
            remaining_secs: u32::try_from(left_ms.div_ceil(1000)).unwrap_or(u32::MAX),
            ends_at: DateTime::from_timestamp_millis(end_wall)
                .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true)),
            sites: a.block.sites.clone(),
            layers: a.layers,
            dns_flushed: a.dns_flushed,
        }
    }

    fn start(&mut self, block: Block, now: Now) -> Result<(), WireError> {
        self.enforcer.precheck().map_err(|e| match e {
            LayerError::Hosts(e @ HostsError::BrokenSection) => {
                WireError::with_message(ErrorCode::HostsBroken, e.to_string())
            }
            other => WireError::with_message(ErrorCode::Io, other.to_string()),
        })?;
        let firefox_owned = self.enforcer.firefox_free();
        let created_dirs = self.enforcer.missing_dirs(firefox_owned);
        let saved = SavedState {
            v: STATE_VERSION,
            boot_id: self.boot_id.clone(),
            block: block.clone(),
            firefox_owned,
            created_dirs: created_dirs.clone(),
        };
        state::save(&self.enforcer.paths().state_file(), &saved).map_err(|e| {
            WireError::with_message(ErrorCode::Io, format!("saving the state: {e}"))
        })?;
        self.activate(block, firefox_owned, created_dirs, now);
        Ok(())
    }

    fn change(&mut self, block: Block, now: Now) -> Result<(), WireError> {
        let Some(active) = self.active.as_mut() else { return Ok(()) };
        let old = std::mem::replace(&mut active.block, block);
        if let Err(e) = self.save_state() {
            if let Some(active) = self.active.as_mut() {
                active.block = old;
            }
            return Err(WireError::with_message(ErrorCode::Io, format!("saving the state: {e}")));
        }
        self.repair(now, false);
        Ok(())
    }

    fn activate(
        &mut self,
        block: Block,
        firefox_owned: bool,
        created_dirs: Vec<PathBuf>,
        now: Now,
    ) {
        self.active = Some(Active {
            block,
            firefox_owned,
            created_dirs,
            layers: Layers::default(),
            dns_flushed: false,
            fingerprint: None,
            last_check_ms: now.boot_ms,
        });
        self.repair(now, false);
    }

    /// Writes whatever layer differs from what it should be, recording new directories first.
    /// `checking`: this is the integrity check (so a rewrite means someone tampered).
    fn repair(&mut self, now: Now, checking: bool) {
        let Some(active) = self.active.as_mut() else { return };
        let mut new_dirs = false;
        for dir in self.enforcer.missing_dirs(active.firefox_owned) {
            if !active.created_dirs.contains(&dir) {
                active.created_dirs.push(dir);
                new_dirs = true;
            }
        }
        if new_dirs {
            self.save_state_logged();
        }
        let Some(active) = self.active.as_mut() else { return };
        let applied = self.enforcer.apply(&active.block.sites, active.firefox_owned);
        if checking && applied.hosts_changed {
            tracing::warn!("the hosts section was missing or altered; restored it");
        }
        active.layers = applied.layers;
        if let Some(flushed) = applied.dns_flushed {
            active.dns_flushed = flushed;
        }
        // What `apply` verified, not a fresh stat: a file replaced since then must not be
        // taken for the one just written (see the `layers` docs).
        active.fingerprint = applied.fingerprint;
        active.last_check_ms = now.boot_ms;
    }

    fn expire_if_due(&mut self, now: Now) {
        if self.active.as_ref().is_some_and(|a| !a.block.is_active(now)) {
            tracing::info!("the block has ended");
            self.end();
        }
    }

    /// Removes the layers, then the state.
    fn end(&mut self) {
        if let Some(active) = self.active.take() {
            self.enforcer.remove(active.firefox_owned, &active.created_dirs);
            if let Err(e) = state::clear(&self.enforcer.paths().state_file()) {
                tracing::error!("cannot remove the state file: {e}");
            }
        }
    }

    fn save_state(&self) -> std::io::Result<()> {
        let Some(active) = &self.active else { return Ok(()) };
        let saved = SavedState {
            v: STATE_VERSION,
            boot_id: self.boot_id.clone(),
            block: active.block.clone(),
            firefox_owned: active.firefox_owned,
            created_dirs: active.created_dirs.clone(),
        };
        state::save(&self.enforcer.paths().state_file(), &saved)
    }

    fn save_state_logged(&self) {
        if let Err(e) = self.save_state() {
            tracing::error!("cannot save the state: {e}");
        }
    }
}

fn op_name(op: &Op) -> &'static str {
    match op {
        Op::Status => "status",
        Op::Start { .. } => "start",
        Op::Extend { .. } => "extend",
        Op::AddSites { .. } => "add_sites",
        Op::Stop => "stop",
    }
}

/// The saved state; an unreadable or corrupt file counts as none (its layers are then
/// removed as leftovers, and the file with them).
fn load_state(path: &Path) -> Option<SavedState> {
    state::load(path).unwrap_or_else(|e| {
        tracing::error!("{e}; treating it as no block");
        None
    })
}

/// Removes the layers of `saved` (or, without a state, whatever looks like Daka's), then the
/// state file.
fn cleanup_layers(enforcer: &Enforcer, saved: Option<&SavedState>) {
    let firefox_owned = saved.is_none_or(|s| s.firefox_owned);
    let dirs = saved.map(|s| s.created_dirs.clone()).unwrap_or_default();
    enforcer.remove(firefox_owned, &dirs);
    if let Err(e) = state::clear(&enforcer.paths().state_file()) {
        tracing::error!("cannot remove the state file: {e}");
    }
}

/// Why `cleanup` did nothing.
#[derive(Debug, thiserror::Error)]
pub enum CleanupError {
    #[error("a block is active for {remaining_secs} more seconds; use --force to remove it anyway")]
    Active { remaining_secs: u64 },
    #[error("cannot remove the state file: {0}")]
    Io(#[from] std::io::Error),
}

/// `daka-blockd cleanup`: removes every layer and the state if no block is active (or with
/// `force`, even if one is). The state goes first, so a running daemon sees it gone and drops
/// its block instead of repairing the layers. Returns whether the hosts section is gone.
pub fn cleanup(config: &Config, force: bool, clock: &dyn Clock) -> Result<bool, CleanupError> {
    let enforcer = Enforcer::new(Paths::new(&config.root), config.dns_flush);
    let path = enforcer.paths().state_file();
    let saved = load_state(&path);
    if let Some(saved) = &saved {
        let now = clock.now();
        let block =
            state::restore(saved, state::read_boot_id(&config.boot_id_file).as_deref(), now);
        if block.is_active(now) && !force {
            return Err(CleanupError::Active {
                remaining_secs: block.remaining_ms(now).div_ceil(1000),
            });
        }
    }
    state::clear(&path)?;
    let firefox_owned = saved.as_ref().is_none_or(|s| s.firefox_owned);
    let dirs = saved.map(|s| s.created_dirs).unwrap_or_default();
    Ok(enforcer.remove(firefox_owned, &dirs))
}

#[cfg(test)]
mod tests;
