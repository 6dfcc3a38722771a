//! The ratchet: who may change a block, and how. Pure logic over a [`Now`], so every rule is
//! unit-tested with a fake clock.
//!
//! Rules:
//!
//! * A block can only become *stricter* while it runs: `start` on an active block merges
//!   (sites are added, the end moves later if asked, strict can be switched on but never off),
//!   `extend` moves the end later, `add_sites` adds sites. Nothing shortens a block or removes a
//!   site. The end is never more than [`MAX_BLOCK_SECS`] (24 h) from now, so no request, however
//!   repeated, can block a machine for longer than a day past the last request.
//! * `stop` ends a non-strict block early, for its owner or root. A strict block cannot be
//!   stopped through the socket by anyone, root included; the administrator's undo is
//!   `daka-blockd cleanup --force` (see the crate docs).
//! * Mutating requests come only from allowed uids ([`Access`]); while a block runs, only its
//!   owner or root may change it (including a merging `start`). Refusals happen before any
//!   write, so a refused request leaves every file as it was.
//! * Time is kept on the boot clock (`CLOCK_BOOTTIME`: monotonic, counts suspend), so a
//!   wall-clock change never shortens a block. The wall-clock end is kept beside it only to
//!   carry the block across a reboot, when boot time starts again at zero.

use std::collections::{BTreeSet, HashSet};

use daka_focus::blocklist::{BlocklistError, MAX_ENTRIES, normalize_site};
use serde::{Deserialize, Serialize};

use crate::protocol::{Detail, ErrorCode, Op, WireError};

/// The longest a block may run from now.
pub const MAX_BLOCK_SECS: u32 = 24 * 60 * 60;
const MAX_BLOCK_MS: u64 = MAX_BLOCK_SECS as u64 * 1000;

/// A moment on both clocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Now {
    /// Milliseconds since boot, suspend included (`CLOCK_BOOTTIME`).
    pub boot_ms: u64,
    /// Milliseconds since the Unix epoch by the (changeable) wall clock.
    pub wall_ms: i64,
}

/// A running block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    /// Normalized host names, in the order they were first blocked, without duplicates.
    pub sites: Vec<String>,
    pub strict: bool,
    pub owner_uid: u32,
    /// When the block ends, on the boot clock. This is what decides expiry.
    pub end_boot_ms: u64,
    /// When the block ends by the wall clock as it read when the block was started, moved by
    /// exactly as much as the boot end moved since. Used only after a reboot.
    pub end_wall_ms: i64,
}

impl Block {
    pub fn is_active(&self, now: Now) -> bool {
        self.end_boot_ms > now.boot_ms
    }

    /// Milliseconds left (0 once expired).
    pub fn remaining_ms(&self, now: Now) -> u64 {
        self.end_boot_ms.saturating_sub(now.boot_ms)
    }

    /// Moves the end to `new_end_boot_ms` if that is later; the wall end moves by the same
    /// amount (not re-read from the wall clock, which may have been turned back meanwhile).
    fn lengthen_to(&mut self, new_end_boot_ms: u64) -> bool {
        if new_end_boot_ms <= self.end_boot_ms {
            return false;
        }
        let delta = new_end_boot_ms - self.end_boot_ms;
        self.end_wall_ms = self.end_wall_ms.saturating_add(i64::try_from(delta).unwrap_or(0));
        self.end_boot_ms = new_end_boot_ms;
        true
    }
}

/// Which uids may start and change blocks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Access {
    /// `None`: every uid. `Some`: exactly these (root is not implied; see the crate docs).
    allowed: Option<BTreeSet<u32>>,
}

impl Access {
    /// Every local user may start a block (the default; see the crate docs for why).
    pub fn anyone() -> Self {
        Access { allowed: None }
    }

    /// Only these uids.
    pub fn only(uids: impl IntoIterator<Item = u32>) -> Self {
        Access { allowed: Some(uids.into_iter().collect()) }
    }

    pub fn allows(&self, uid: u32) -> bool {
        self.allowed.as_ref().is_none_or(|set| set.contains(&uid))
    }
}

/// What a permitted request does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing changes (a status, an extend already at the cap, sites already blocked, a stop
    /// with no block).
    Unchanged,
    /// A new block starts.
    Started(Block),
    /// The active block becomes this (stricter) one.
    Changed(Block),
    /// The active block ends now.
    Stopped,
}

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("this user may not change the block")]
    Forbidden,
    #[error("a strict block cannot be stopped early")]
    Strict,
    #[error("no block is active")]
    NotActive,
    #[error("site {index} cannot be blocked: {error}")]
    InvalidSite { index: usize, error: BlocklistError },
    #[error("no sites given")]
    NoSites,
    #[error("more than {max} sites")]
    TooManySites { max: usize },
    #[error("the duration must be 1 to {max} seconds")]
    InvalidDuration { max: u32 },
}

impl From<Refusal> for WireError {
    fn from(r: Refusal) -> Self {
        let message = Some(r.to_string());
        let (code, detail) = match r {
            Refusal::Forbidden => (ErrorCode::Forbidden, Detail::default()),
            Refusal::Strict => (ErrorCode::Strict, Detail::default()),
            Refusal::NotActive => (ErrorCode::NotActive, Detail::default()),
            Refusal::InvalidSite { index, error } => (
                ErrorCode::InvalidSite,
                Detail {
                    index: Some(u32::try_from(index).unwrap_or(u32::MAX)),
                    site_error: Some(error),
                    ..Detail::default()
                },
            ),
            Refusal::NoSites => (ErrorCode::NoSites, Detail::default()),
            Refusal::TooManySites { max } => (
                ErrorCode::TooManySites,
                Detail { max: u64::try_from(max).ok(), ..Detail::default() },
            ),
            Refusal::InvalidDuration { max } => (
                ErrorCode::InvalidDuration,
                Detail { max: Some(u64::from(max)), ..Detail::default() },
            ),
        };
        WireError { code, detail: Detail { message, ..detail } }
    }
}

/// Decides what `op` from `uid` does to `current` at `now`. An expired `current` counts as no
/// block.
pub fn decide(
    current: Option<&Block>,
    access: &Access,
    uid: u32,
    op: &Op,
    now: Now,
) -> Result<Outcome, Refusal> {
    let current = current.filter(|b| b.is_active(now));
    if matches!(op, Op::Status) {
        return Ok(Outcome::Unchanged);
    }
    if !access.allows(uid) {
        return Err(Refusal::Forbidden);
    }
    // Validate before looking at ownership so a bad request says what is wrong with it.
    match op {
        Op::Start { sites, duration_secs, strict } => {
            let sites = normalize_all(sites)?;
            let ms = duration_ms(*duration_secs)?;
            let end = now.boot_ms.saturating_add(ms);
            match current {
                None => Ok(Outcome::Started(Block {
                    sites,
                    strict: *strict,
                    owner_uid: uid,
                    end_boot_ms: end,
                    end_wall_ms: now.wall_ms.saturating_add(i64::try_from(ms).unwrap_or(0)),
                })),
                Some(block) => {
                    check_owner(block, uid)?;
                    let mut next = block.clone();
                    let mut changed = merge_sites(&mut next.sites, sites)?;
                    changed |= next.lengthen_to(end);
                    if *strict && !next.strict {
                        next.strict = true;
                        changed = true;
                    }
                    Ok(if changed { Outcome::Changed(next) } else { Outcome::Unchanged })
                }
            }
        }
        Op::Extend { duration_secs } => {
            let ms = duration_ms(*duration_secs)?;
            let block = current.ok_or(Refusal::NotActive)?;
            check_owner(block, uid)?;
            let cap = now.boot_ms.saturating_add(MAX_BLOCK_MS);
            let wanted = block.end_boot_ms.saturating_add(ms).min(cap);
            let mut next = block.clone();
            Ok(if next.lengthen_to(wanted) { Outcome::Changed(next) } else { Outcome::Unchanged })
        }
        Op::AddSites { sites } => {
            let sites = normalize_all(sites)?;
            let block = current.ok_or(Refusal::NotActive)?;
            check_owner(block, uid)?;
            let mut next = block.clone();
            let changed = merge_sites(&mut next.sites, sites)?;
            Ok(if changed { Outcome::Changed(next) } else { Outcome::Unchanged })
        }
        Op::Stop => {
            let Some(block) = current else { return Ok(Outcome::Unchanged) };
            check_owner(block, uid)?;
            if block.strict {
                return Err(Refusal::Strict);
            }
            Ok(Outcome::Stopped)
        }
        Op::Status => Ok(Outcome::Unchanged),
    }
}

fn check_owner(block: &Block, uid: u32) -> Result<(), Refusal> {
    if uid == block.owner_uid || uid == 0 { Ok(()) } else { Err(Refusal::Forbidden) }
}

fn duration_ms(secs: u64) -> Result<u64, Refusal> {
    if secs == 0 || secs > u64::from(MAX_BLOCK_SECS) {
        return Err(Refusal::InvalidDuration { max: MAX_BLOCK_SECS });
    }
    Ok(secs * 1000)
}

/// Normalizes every site (the first bad one is reported by index), drops duplicates, and
/// refuses an empty or oversized list.
fn normalize_all(sites: &[String]) -> Result<Vec<String>, Refusal> {
    if sites.len() > MAX_ENTRIES * 4 {
        // Do not normalize an absurd list just to count its duplicates.
        return Err(Refusal::TooManySites { max: MAX_ENTRIES });
    }
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for (index, site) in sites.iter().enumerate() {
        let name = normalize_site(site).map_err(|error| Refusal::InvalidSite { index, error })?;
        if seen.insert(name.clone()) {
            out.push(name);
        }
    }
    if out.is_empty() {
        return Err(Refusal::NoSites);
    }
    if out.len() > MAX_ENTRIES {
        return Err(Refusal::TooManySites { max: MAX_ENTRIES });
    }
    Ok(out)
}

/// Appends the sites not yet in `list`; true if any were added.
fn merge_sites(list: &mut Vec<String>, new: Vec<String>) -> Result<bool, Refusal> {
    let seen: HashSet<String> = list.iter().cloned().collect();
    let before = list.len();
    list.extend(new.into_iter().filter(|s| !seen.contains(s)));
    if list.len() > MAX_ENTRIES {
        return Err(Refusal::TooManySites { max: MAX_ENTRIES });
    }
    Ok(list.len() > before)
}

#[cfg(test)]
mod tests;
