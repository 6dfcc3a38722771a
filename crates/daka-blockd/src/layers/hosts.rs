//! The hosts layer: the marked Daka section of `{root}/etc/hosts`, through
//! [`daka_focus::hosts`]. Only the section is ever added or taken away; the rest of the file is
//! kept byte for byte, and there is no whole-file backup to restore (restoring one would throw
//! away every edit made while the block ran).

use std::io;
use std::path::Path;

use daka_focus::hosts;

use super::{LayerError, Settled, read_file, settle, write_file};

/// Fails if a block could not be written: a broken section, or an unreadable file.
pub(crate) fn precheck(path: &Path) -> Result<(), LayerError> {
    let current = read_file(path)?;
    hosts::remove(&current)?;
    Ok(())
}

/// Makes the file hold a section for exactly `sites` (`Ok(true)` if it was rewritten), and
/// records the stamp it was verified under (see [`settle`]).
pub(crate) fn ensure(path: &Path, sites: &[String]) -> Settled<LayerError> {
    settle(path, |current| Ok(hosts::apply(current, sites)?), write_file)
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
