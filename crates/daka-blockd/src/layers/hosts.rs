//! The hosts layer: the marked Daka section of `{root}/etc/hosts`, through
//! [`daka_focus::hosts`]. Only the section is ever added or taken away; the rest of the file is
//! kept byte for byte, and there is no whole-file backup to restore (restoring one would throw
//! away every edit made while the block ran).

use std::io;
use std::path::Path;

use daka_focus::hosts;

use super::{LayerError, write_file};

/// The file's bytes; a missing file reads as empty (the block then creates it).
pub(crate) fn read(path: &Path) -> io::Result<Vec<u8>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(bytes),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

/// Fails if a block could not be written: a broken section, or an unreadable file.
pub(crate) fn precheck(path: &Path) -> Result<(), LayerError> {
    let current = read(path)?;
    hosts::remove(&current)?;
    Ok(())
}

/// Makes the file hold a section for exactly `sites`; true if it was rewritten.
pub(crate) fn ensure(path: &Path, sites: &[String]) -> Result<bool, LayerError> {
    let current = read(path)?;
    let wanted = hosts::apply(&current, sites)?;
    if wanted == current {
        return Ok(false);
    }
    write_file(path, &wanted)?;
    Ok(true)
}

/// Takes the section out; true if the file was rewritten. A broken section is left alone
/// (never guess which lines are Daka's).
pub(crate) fn clear(path: &Path) -> Result<bool, LayerError> {
    let current = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e.into()),
    };
    if !hosts::has_section(&current) {
        return Ok(false);
    }
    let cleaned = hosts::remove(&current)?;
    write_file(path, &cleaned)?;
    Ok(true)
}
