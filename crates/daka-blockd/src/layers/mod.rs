//! The files a block is enforced through, all below one root directory (`/` in production, a
//! temp dir in tests): the hosts section, the Chromium/Chrome/Firefox policies, and the DNS
//! cache flush after the hosts file changes.
//!
//! Every write is "make it so": the wanted bytes are computed and the file is replaced (atomically,
//! keeping mode and owner) only if it differs. So applying is also the repair after tampering,
//! and applying twice writes nothing the second time. New files are created 0644 and new
//! directories 0755 so browsers and resolvers running as users can read them.
//!
//! Change detection compares [`Stamp`]s, and the stamp a pass records for a file is the one it
//! had just *before* the read that found the wanted bytes in it ([`settle`]), never one taken
//! after a write. A stamp taken after writing can already be of someone else's file, renamed
//! over ours in the moment between our rename and the stat (the directory fsync in between
//! makes that moment milliseconds long); it would then be trusted as ours and the tampering go
//! unnoticed until the 15 s check. Stamped before the read, any later change makes the file's
//! stamp differ from the recorded one, so the next tick looks again; a change between the stamp
//! and the read costs one needless look at most.

use std::fs;
use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use daka_focus::hosts::{HostsError, remove_leftover_temps, write_atomic};

use crate::protocol::{LayerState, Layers};

pub(crate) mod dns;
pub(crate) mod hosts;
pub(crate) mod policies;

/// Where everything lives, below `root`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    root: PathBuf,
}

impl Paths {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Paths { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn hosts(&self) -> PathBuf {
        self.root.join("etc/hosts")
    }

    pub fn chromium_policy(&self) -> PathBuf {
        self.root.join("etc/chromium/policies/managed/daka.json")
    }

    pub fn chrome_policy(&self) -> PathBuf {
        self.root.join("etc/opt/chrome/policies/managed/daka.json")
    }

    pub fn firefox_policy(&self) -> PathBuf {
        self.root.join("etc/firefox/policies/policies.json")
    }

    pub fn state_file(&self) -> PathBuf {
        self.root.join("var/lib/daka-blockd/state.json")
    }

    fn policy_files(&self, firefox: bool) -> Vec<PathBuf> {
        let mut files = vec![self.chromium_policy(), self.chrome_policy()];
        if firefox {
            files.push(self.firefox_policy());
        }
        files
    }
}

/// Why a layer could not be written.
#[derive(Debug, thiserror::Error)]
pub enum LayerError {
    #[error(transparent)]
    Hosts(#[from] HostsError),
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// The result of [`Enforcer::apply`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub layers: Layers,
    /// The hosts file was rewritten.
    pub hosts_changed: bool,
    /// `Some(flushed)` if the DNS cache was flushed (or tried) because the hosts file changed.
    pub dns_flushed: Option<bool>,
    /// The stamps the files had when this pass last read them, in [`Enforcer::fingerprint`]'s
    /// order: while the files keep these stamps, they are as this pass left them. `None` if a
    /// file was changed again after each of [`MAX_WRITES`] writes: nothing was verified, so the
    /// next tick must check again whatever the stamps say.
    pub fingerprint: Option<Vec<Option<Stamp>>>,
}

/// How many times one pass rewrites a file that is changed again right after each write before
/// it leaves the file to the next tick (a second later). Bounded so that someone replacing the
/// file in a loop cannot hold the daemon's lock, and with it every socket request, for long.
pub(crate) const MAX_WRITES: usize = 3;

/// What [`settle`] did to one file.
#[derive(Debug)]
pub(crate) struct Settled<E> {
    /// `Ok(true)` if the file was written, `Ok(false)` if it already held the wanted bytes, or
    /// why it could not be read, computed or written.
    pub(crate) result: Result<bool, E>,
    /// The stamp the file had just before its last read (the inner `None`: it was missing).
    /// After an error that is the version the error is about, which the next change or the
    /// 15 s check retries. `None` if the file changed again after every write.
    pub(crate) seen: Option<Option<Stamp>>,
}

/// Makes the file at `path` hold `wanted(its current bytes)`, writing with `write`, and records
/// the stamp its content was verified under (see the module docs for why that order).
///
/// Each round stamps the file, reads it and compares; only a mismatch writes, and every write
/// is followed by another round, so the stamp returned is always one under which the wanted
/// bytes were read back. A missing file reads as empty.
pub(crate) fn settle<E: From<io::Error>>(
    path: &Path,
    wanted: impl Fn(&[u8]) -> Result<Vec<u8>, E>,
    mut write: impl FnMut(&Path, &[u8]) -> io::Result<()>,
) -> Settled<E> {
    let mut written = false;
    for writes in 0..=MAX_WRITES {
        let seen = Some(stamp(path));
        let read = read_file(path).map_err(E::from);
        let (current, wanted) = match read.and_then(|c| wanted(&c).map(|w| (c, w))) {
            Ok(both) => both,
            Err(e) => return Settled { result: Err(e), seen },
        };
        if wanted == current {
            return Settled { result: Ok(written), seen };
        }
        if writes == MAX_WRITES {
            break;
        }
        if let Err(e) = write(path, &wanted) {
            return Settled { result: Err(e.into()), seen };
        }
        written = true;
    }
    tracing::warn!(
        "{} changed again after each of {MAX_WRITES} repairs; checking it at the next tick",
        path.display()
    );
    Settled { result: Ok(written), seen: None }
}

/// What identifies a file's current version without reading it: a rename-replacement changes
/// the inode, an in-place edit the size or mtime, a chmod the mode.
///
/// The daemon compares the stamps of all watched files (in [`Enforcer::fingerprint`]'s order)
/// with the ones its last pass verified ([`Applied::fingerprint`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    dev: u64,
    ino: u64,
    len: u64,
    mtime_ns: i128,
    mode: u32,
}

/// The stamp of `path`, `None` if it does not exist (or cannot be read).
pub fn stamp(path: &Path) -> Option<Stamp> {
    let m = fs::metadata(path).ok()?;
    Some(Stamp {
        dev: m.dev(),
        ino: m.ino(),
        len: m.len(),
        mtime_ns: i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec()),
        mode: m.mode(),
    })
}

/// Writes and removes the layers.
#[derive(Debug, Clone)]
pub struct Enforcer {
    paths: Paths,
    dns_flush: bool,
}

impl Enforcer {
    pub fn new(paths: Paths, dns_flush: bool) -> Self {
        Enforcer { paths, dns_flush }
    }

    pub fn paths(&self) -> &Paths {
        &self.paths
    }

    /// Fails if a block could not be written to the hosts file (broken section, unreadable).
    pub fn precheck(&self) -> Result<(), LayerError> {
        hosts::precheck(&self.paths.hosts())
    }

    /// True if Daka may write Firefox's `policies.json`: there is none, or it is Daka's own.
    pub fn firefox_free(&self) -> bool {
        match fs::read(self.paths.firefox_policy()) {
            Ok(bytes) => policies::is_daka_firefox(&bytes),
            Err(e) => e.kind() == io::ErrorKind::NotFound,
        }
    }

    /// The directories [`Enforcer::apply`] would have to create, parents first. The caller
    /// records them before applying, so a crash in between still knows what to remove.
    pub fn missing_dirs(&self, firefox_owned: bool) -> Vec<PathBuf> {
        let mut missing = Vec::new();
        for file in self.paths.policy_files(firefox_owned) {
            let mut chain = Vec::new();
            let mut dir = file.parent();
            while let Some(d) = dir {
                if d == self.paths.root || !d.starts_with(&self.paths.root) || d.exists() {
                    break;
                }
                chain.push(d.to_path_buf());
                dir = d.parent();
            }
            for d in chain.into_iter().rev() {
                if !missing.contains(&d) {
                    missing.push(d);
                }
            }
        }
        missing
    }

    /// Makes every layer block exactly `sites` (see the module docs); never fails as a whole:
    /// a layer that cannot be written reports `off` and the next check retries it.
    pub fn apply(&self, sites: &[String], firefox_owned: bool) -> Applied {
        let mut layers = Layers::default();
        let mut hosts_changed = false;
        let hosts = hosts::ensure(&self.paths.hosts(), sites);
        match hosts.result {
            Ok(changed) => {
                hosts_changed = changed;
                layers.hosts = LayerState::Active;
            }
            Err(e) => tracing::error!("hosts layer: {e}"),
        }
        // Pushed in `fingerprint`'s order: hosts, then `policy_files(firefox_owned)`.
        let mut seen = vec![hosts.seen];
        let chromium = policies::chromium_json(sites);
        layers.chromium = ensure_file(&self.paths.chromium_policy(), &chromium, &mut seen);
        layers.chrome = ensure_file(&self.paths.chrome_policy(), &chromium, &mut seen);
        layers.firefox = if firefox_owned {
            let firefox = policies::firefox_json(sites);
            ensure_file(&self.paths.firefox_policy(), &firefox, &mut seen)
        } else {
            LayerState::Skipped
        };
        let dns_flushed = hosts_changed.then(|| self.flush());
        Applied { layers, hosts_changed, dns_flushed, fingerprint: seen.into_iter().collect() }
    }

    /// Removes every layer: the hosts section, Daka's policy files (Firefox's only if
    /// `firefox_owned` and it still has Daka's shape), the directories in `created_dirs` that
    /// are empty, and temp files of interrupted writes; flushes DNS if the hosts file changed.
    /// Returns false if the hosts section could not be removed (it is then left as it is).
    pub fn remove(&self, firefox_owned: bool, created_dirs: &[PathBuf]) -> bool {
        let (hosts_ok, hosts_changed) = match hosts::clear(&self.paths.hosts()) {
            Ok(changed) => (true, changed),
            Err(e) => {
                tracing::error!("cannot remove the hosts section: {e}");
                (false, false)
            }
        };
        for file in self.paths.policy_files(false) {
            remove_file(&file);
        }
        let firefox = self.paths.firefox_policy();
        if firefox_owned && fs::read(&firefox).is_ok_and(|b| policies::is_daka_firefox(&b)) {
            remove_file(&firefox);
        }
        let mut dirs = created_dirs.to_vec();
        dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
        for dir in dirs.iter().filter(|d| d.starts_with(&self.paths.root)) {
            // Fails (and is kept) if someone put a file of their own in it.
            let _ = fs::remove_dir(dir);
        }
        for file in [self.paths.hosts()].into_iter().chain(self.paths.policy_files(true)) {
            match remove_leftover_temps(&file) {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!("removed {n} leftover temp files next to {}", file.display());
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => tracing::warn!("cannot clean temp files next to {}: {e}", file.display()),
            }
        }
        if hosts_changed {
            self.flush();
        }
        hosts_ok
    }

    /// Stamps of the files the integrity check watches.
    pub fn fingerprint(&self, firefox_owned: bool) -> Vec<Option<Stamp>> {
        [self.paths.hosts()]
            .into_iter()
            .chain(self.paths.policy_files(firefox_owned))
            .map(|p| stamp(&p))
            .collect()
    }

    fn flush(&self) -> bool {
        self.dns_flush && dns::flush(&self.paths.root)
    }
}

/// Makes the policy file at `path` hold `bytes`, pushing what [`settle`] saw of it to `seen`.
fn ensure_file(path: &Path, bytes: &[u8], seen: &mut Vec<Option<Option<Stamp>>>) -> LayerState {
    let settled = settle(path, |_| Ok::<_, io::Error>(bytes.to_vec()), write_file);
    seen.push(settled.seen);
    match settled.result {
        Ok(_) => LayerState::Active,
        Err(e) => {
            tracing::error!("cannot write {}: {e}", path.display());
            LayerState::Off
        }
    }
}

fn remove_file(path: &Path) {
    match fs::remove_file(path) {
        Ok(()) => tracing::info!("removed {}", path.display()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => tracing::error!("cannot remove {}: {e}", path.display()),
    }
}

/// The file's bytes; a missing file reads as empty (applying then creates it).
pub(crate) fn read_file(path: &Path) -> io::Result<Vec<u8>> {
    match fs::read(path) {
        Ok(bytes) => Ok(bytes),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

/// Replaces `path` with `bytes` atomically, creating its directories (0755) and, for a new
/// file, an empty world-readable file first so the atomic writer copies mode 0644 from it.
///
/// A file that is itself a mount point (containers bind-mount `/etc/hosts`) cannot be renamed
/// over (`EBUSY`); it is then rewritten in place, the only way to change what the mount shows.
/// That is not atomic, but the mount leaves no other choice, and the temp file is gone.
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::DirBuilder::new().recursive(true).mode(0o755).create(parent)?;
    }
    if fs::symlink_metadata(path).is_err() {
        let created = fs::OpenOptions::new().write(true).create_new(true).mode(0o644).open(path);
        match created {
            Ok(file) => file.set_permissions(fs::Permissions::from_mode(0o644))?,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    match write_atomic(path, bytes) {
        Err(e) if e.kind() == io::ErrorKind::ResourceBusy => {
            tracing::debug!("{} is a mount point; writing it in place", path.display());
            let mut file = fs::OpenOptions::new().write(true).truncate(true).open(path)?;
            io::Write::write_all(&mut file, bytes)?;
            file.sync_all()
        }
        other => other,
    }
}

#[cfg(test)]
pub(crate) mod tests;
