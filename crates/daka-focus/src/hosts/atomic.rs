//! Replacing the hosts file atomically: write a temp file in the same directory, fsync it, give
//! it the original's permissions and (when allowed) owner, rename it over, fsync the directory.
//! A reader sees either the old file or the new one, never a half-written one; a crash leaves
//! the old file and at most a temp file whose name contains [`TEMP_MARKER`] (`.hosts.daka-tmp.…`),
//! which no resolver reads and [`remove_leftover_temps`] deletes.
//!
//! If the path is a symlink, the file it points to is replaced (the link stays a link); if that
//! lives on a read-only file system, the write fails instead of replacing the link.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// Part of every temp file's name; nothing else in `/etc` contains it.
pub const TEMP_MARKER: &str = ".daka-tmp.";

/// Points in [`write_atomic_with`] where a test hook runs (and may fail, like a crash).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The temp file is written and synced; the original is untouched.
    TempWritten,
    /// The temp file has replaced the original; the directory is not yet synced.
    Renamed,
}

/// Replaces the file at `path` with `bytes` atomically (see the module docs).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with(path, bytes, |_| Ok(()))
}

/// [`write_atomic`] with a hook called at each [`Stage`]; an error from the hook aborts the write
/// there, removing the temp file if it was not renamed yet.
pub fn write_atomic_with(
    path: &Path,
    bytes: &[u8],
    hook: impl Fn(Stage) -> io::Result<()>,
) -> io::Result<()> {
    let target = match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => fs::canonicalize(path)?,
        _ => path.to_path_buf(),
    };
    let original = match fs::metadata(&target) {
        Ok(m) => Some(m),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let (tmp_path, mut tmp) = create_temp(&dir, &target)?;
    let result = (|| {
        tmp.write_all(bytes)?;
        if let Some(meta) = &original {
            copy_owner_and_mode(&tmp, meta)?;
        }
        tmp.sync_all()?;
        hook(Stage::TempWritten)?;
        fs::rename(&tmp_path, &target)
    })();
    drop(tmp);
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp_path);
        return Err(e);
    }
    hook(Stage::Renamed)?;
    sync_dir(&dir)
}

/// Deletes temp files a crashed [`write_atomic`] left next to `path`; returns how many.
pub fn remove_leftover_temps(path: &Path) -> io::Result<usize> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let prefix = temp_prefix(path);
    let mut removed = 0;
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let is_ours = entry.file_name().to_str().is_some_and(|n| n.starts_with(&prefix));
        if is_ours && entry.file_type()?.is_file() {
            fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}

fn temp_prefix(target: &Path) -> String {
    let name = target.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    format!(".{name}{TEMP_MARKER}")
}

fn create_temp(dir: &Path, target: &Path) -> io::Result<(PathBuf, File)> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let prefix = temp_prefix(target);
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!("{prefix}{}.{n}", std::process::id()));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(&path) {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
}

#[cfg(unix)]
fn copy_owner_and_mode(file: &File, meta: &fs::Metadata) -> io::Result<()> {
    use std::os::unix::fs::{MetadataExt, fchown};
    let current = file.metadata()?;
    if current.uid() != meta.uid() || current.gid() != meta.gid() {
        // Only root may give a file away; an unprivileged caller (tests) keeps its own owner.
        if let Err(e) = fchown(file, Some(meta.uid()), Some(meta.gid()))
            && e.kind() != io::ErrorKind::PermissionDenied
        {
            return Err(e);
        }
    }
    file.set_permissions(meta.permissions())
}

#[cfg(not(unix))]
fn copy_owner_and_mode(file: &File, meta: &fs::Metadata) -> io::Result<()> {
    file.set_permissions(meta.permissions())
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}
