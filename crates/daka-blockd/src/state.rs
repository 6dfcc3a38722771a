//! The persisted block: `{root}/var/lib/daka-blockd/state.json`, root-only (0600), written
//! atomically before any layer is written and removed only after the layers are gone. So after
//! a crash or a reboot the daemon always knows whether a block runs, which Firefox file is
//! its own, and which directories it created.
//!
//! Across a restart the end is recovered like this:
//!
//! * **Same boot** (the kernel's boot id matches): the boot-clock end is still meaningful and is
//!   used as is, so neither a wall-clock change nor the restart shortens the block.
//! * **Another boot** (or an unknown boot id): the boot clock started again at zero, so the
//!   remaining time is the wall-clock end minus the wall clock now, clamped to 0..=24 h. A clock
//!   turned forward before booting can shorten the block then; turned back, the 24 h cap keeps
//!   it from becoming a permablock.

use std::fs;
use std::io;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

use daka_focus::hosts::{remove_leftover_temps, write_atomic};
use serde::{Deserialize, Serialize};

use crate::ratchet::{Block, MAX_BLOCK_SECS, Now};

/// Format version of the state file.
pub const STATE_VERSION: u32 = 1;

/// What is saved while a block runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedState {
    pub v: u32,
    /// The kernel boot id when the state was written.
    pub boot_id: Option<String>,
    pub block: Block,
    /// Daka wrote Firefox's policies.json (there was none), so it may remove it.
    pub firefox_owned: bool,
    /// Policy directories Daka created, to be removed (if empty) when the block ends.
    #[serde(default)]
    pub created_dirs: Vec<PathBuf>,
}

/// Why the state file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("cannot read the state file: {0}")]
    Io(#[from] io::Error),
    #[error("the state file is not valid: {0}")]
    Corrupt(#[from] serde_json::Error),
}

/// The saved state, `None` if there is none.
pub fn load(path: &Path) -> Result<Option<SavedState>, StateError> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(serde_json::from_slice(&bytes)?)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Saves `state` atomically (its directory is created 0700 if needed).
pub fn save(path: &Path, state: &SavedState) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
    }
    let mut bytes = serde_json::to_vec_pretty(state).map_err(io::Error::other)?;
    bytes.push(b'\n');
    write_atomic(path, &bytes)
}

/// Removes the state file and temp files of interrupted saves.
pub fn clear(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    match remove_leftover_temps(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// The block of `saved` with its boot-clock end recomputed for this boot (see the module
/// docs). The result may already be expired.
pub fn restore(saved: &SavedState, boot_id: Option<&str>, now: Now) -> Block {
    let max_ms = u64::from(MAX_BLOCK_SECS) * 1000;
    let cap = now.boot_ms.saturating_add(max_ms);
    let mut block = saved.block.clone();
    let same_boot = matches!((saved.boot_id.as_deref(), boot_id), (Some(a), Some(b)) if a == b);
    if same_boot {
        block.end_boot_ms = block.end_boot_ms.min(cap);
    } else {
        let left = block.end_wall_ms.saturating_sub(now.wall_ms);
        let left = u64::try_from(left).unwrap_or(0).min(max_ms);
        block.end_boot_ms = now.boot_ms.saturating_add(left);
    }
    block
}

/// The kernel's boot id (a UUID that changes at every boot), from `path`.
pub fn read_boot_id(path: &Path) -> Option<String> {
    let text = fs::read_to_string(path).ok()?;
    let id = text.trim();
    (!id.is_empty()).then(|| id.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: u64 = 3_600_000;

    fn saved(end_boot_ms: u64, end_wall_ms: i64) -> SavedState {
        SavedState {
            v: STATE_VERSION,
            boot_id: Some("boot-a".into()),
            block: Block {
                sites: vec!["bilibili.com".into()],
                strict: true,
                owner_uid: 1000,
                end_boot_ms,
                end_wall_ms,
            },
            firefox_owned: true,
            created_dirs: vec![],
        }
    }

    #[test]
    fn same_boot_keeps_the_boot_clock_end_whatever_the_wall_clock_says() {
        let s = saved(10 * H, 50 * H as i64);
        for wall in [0, 49 * H as i64, 60 * H as i64, -5] {
            let now = Now { boot_ms: 9 * H, wall_ms: wall };
            let b = restore(&s, Some("boot-a"), now);
            assert_eq!(b.end_boot_ms, 10 * H);
            assert!(b.is_active(now));
        }
    }

    #[test]
    fn another_boot_uses_the_wall_clock_end_capped_at_a_day() {
        let s = saved(10 * H, 50 * H as i64);
        let now = Now { boot_ms: 60_000, wall_ms: 48 * H as i64 };
        let b = restore(&s, Some("boot-b"), now);
        assert_eq!(b.remaining_ms(now), 2 * H);
        let b = restore(&s, None, now);
        assert_eq!(b.remaining_ms(now), 2 * H);
        // After the wall end: expired.
        let late = Now { boot_ms: 60_000, wall_ms: 51 * H as i64 };
        assert!(!restore(&s, Some("boot-b"), late).is_active(late));
        // Clock far in the past: at most 24 h, never a permablock.
        let past = Now { boot_ms: 60_000, wall_ms: 0 };
        assert_eq!(restore(&s, Some("boot-b"), past).remaining_ms(past), 24 * H);
    }

    #[test]
    fn save_load_clear_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("var/lib/daka-blockd/state.json");
        assert!(load(&path).unwrap().is_none());
        let s = saved(1, 2);
        save(&path, &s).unwrap();
        assert_eq!(load(&path).unwrap(), Some(s));
        clear(&path).unwrap();
        assert!(load(&path).unwrap().is_none());
        clear(&path).unwrap();
        fs::write(&path, b"{").unwrap();
        assert!(matches!(load(&path), Err(StateError::Corrupt(_))));
    }

    #[test]
    fn boot_id_is_read_trimmed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("boot_id");
        fs::write(&path, "abc-123\n").unwrap();
        assert_eq!(read_boot_id(&path).as_deref(), Some("abc-123"));
        assert_eq!(read_boot_id(&dir.path().join("none")), None);
    }
}
