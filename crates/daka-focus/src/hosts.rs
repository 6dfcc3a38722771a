//! The marked hosts-file section that `daka-blockd` writes, and the atomic writer.
//!
//! Decisions and invariants:
//!
//! * **Bytes, not text.** A hosts file may be in any encoding, have a BOM, CRLF or LF endings (or
//!   a mix), and no final newline. Only whole lines are compared, as bytes; nothing outside the
//!   Daka section is ever decoded or rewritten.
//! * **The section** starts with a line that is [`BEGIN`] and ends with a line that is [`END`],
//!   each optionally followed by a note in parentheses (leading and trailing blanks allowed, so
//!   a hand-indented section is still found; `# BEGIN DAKA BLOCKER` is not a marker). It holds a
//!   comment in Chinese and English saying who added it and how to remove it, then for each site
//!   `s` and its `www.s` and `m.s` variants, one `0.0.0.0 name` and one `:: name` line (one name
//!   per line, as Windows requires). It is written with the line ending of the file's first line
//!   (LF for a file without one; CRLF on Windows).
//! * **`remove(apply(x, s)) == x` byte for byte** for every `x` without Daka markers. [`apply`]
//!   appends the section at the very end; if `x` did not end in a newline it adds one and says so
//!   in the begin line (`# BEGIN DAKA BLOCK (added-newline)`), and [`remove`] takes it away again
//!   (unless someone added lines after the section, whose first line would otherwise be glued to
//!   the last original line). `apply` first removes any existing section, so it is idempotent.
//!   Applying no sites yields the file without a section.
//! * **Never guess.** Exactly one begin marker followed by exactly one end marker is a section;
//!   no markers is no section; anything else (a lone marker, two begins, end before begin) is
//!   [`HostsError::BrokenSection`] and the caller writes nothing. There is no whole-file backup
//!   to restore. Markers of other tools (`# BEGIN SelfControl` …) are ordinary lines.
//! * **Sites are re-checked** with [`normalize_site`] before they reach the file, so nothing
//!   but a host name can be injected into it.

use std::collections::BTreeSet;

use daka_core::lang::Lang;

use crate::blocklist::{BlocklistError, normalize_site};

mod atomic;
#[cfg(test)]
mod tests;

pub use atomic::{Stage, TEMP_MARKER, remove_leftover_temps, write_atomic, write_atomic_with};

pub const BEGIN: &str = "# BEGIN DAKA BLOCK";
pub const END: &str = "# END DAKA BLOCK";
/// Appended to the begin marker when [`apply`] had to end the original file's last line.
pub const ADDED_NEWLINE: &str = " (added-newline)";

const COMMENT_ZH: &str =
    "# 由打卡（Daka）专注模式添加；停止屏蔽或删除本段（BEGIN 到 END）即可移除。";
const COMMENT_EN: &str =
    "# Added by Daka focus mode; remove by stopping the block or deleting this section.";

/// Why the hosts file was not changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HostsError {
    /// The file has a lone Daka marker, two sections, or END before BEGIN.
    #[error("the Daka section of the hosts file is broken")]
    BrokenSection,
    /// A site that is not a plain host name.
    #[error("site {index} cannot be blocked: {error}")]
    InvalidSite { index: usize, error: BlocklistError },
}

impl HostsError {
    /// The message shown to the user, in their language.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (HostsError::BrokenSection, Lang::ZhCn) => format!(
                "hosts 文件里打卡的标记不完整（只有“{BEGIN}”或“{END}”之一，或出现了两次），\
                 为安全起见没有修改。请手动删除这些标记行后重试。"
            ),
            (HostsError::BrokenSection, Lang::En) => format!(
                "The hosts file has an incomplete Daka section (only one of “{BEGIN}” and \
                 “{END}”, or one of them twice), so it was left unchanged. Delete those marker \
                 lines by hand and try again."
            ),
            (HostsError::InvalidSite { error, .. }, lang) => error.message(lang),
        }
    }
}

/// `original` with a fresh Daka section blocking `sites` (any old section removed first).
pub fn apply(original: &[u8], sites: &[String]) -> Result<Vec<u8>, HostsError> {
    let mut names = BTreeSet::new();
    for (index, site) in sites.iter().enumerate() {
        let name =
            normalize_site(site).map_err(|error| HostsError::InvalidSite { index, error })?;
        names.insert(name);
    }
    let mut out = remove(original)?;
    if names.is_empty() {
        return Ok(out);
    }
    let eol: &[u8] = match line_ending(&out) {
        Some(eol) => eol,
        None if cfg!(windows) => b"\r\n",
        None => b"\n",
    };
    let added_newline = !out.is_empty() && !out.ends_with(b"\n");
    if added_newline {
        out.extend_from_slice(eol);
    }
    let mut line = |parts: &[&str]| {
        for p in parts {
            out.extend_from_slice(p.as_bytes());
        }
        out.extend_from_slice(eol);
    };
    line(&[BEGIN, if added_newline { ADDED_NEWLINE } else { "" }]);
    line(&[COMMENT_ZH]);
    line(&[COMMENT_EN]);
    for name in &names {
        for prefix in ["", "www.", "m."] {
            line(&["0.0.0.0 ", prefix, name]);
            line(&[":: ", prefix, name]);
        }
    }
    line(&[END]);
    Ok(out)
}

/// `current` without its Daka section; unchanged if it has none.
pub fn remove(current: &[u8]) -> Result<Vec<u8>, HostsError> {
    // (offset, length of the line ending to take back if the begin line says added-newline)
    let mut begin: Option<(usize, usize)> = None;
    let mut end: Option<usize> = None;
    let mut pos = 0;
    for line in current.split_inclusive(|&b| b == b'\n') {
        let start = pos;
        pos += line.len();
        let text = line.trim_ascii_start();
        if let Some(rest) = marker_rest(text, BEGIN) {
            if begin.is_some() || end.is_some() {
                return Err(HostsError::BrokenSection);
            }
            let added = rest == ADDED_NEWLINE.as_bytes();
            // apply writes the added newline with the same ending as the marker line.
            let eol_len = if line.ends_with(b"\r\n") { 2 } else { 1 };
            begin = Some((start, if added { eol_len } else { 0 }));
        } else if marker_rest(text, END).is_some() {
            if begin.is_none() || end.is_some() {
                return Err(HostsError::BrokenSection);
            }
            end = Some(pos);
        }
    }
    let (start, added_eol, stop) = match (begin, end) {
        (None, None) => return Ok(current.to_vec()),
        (Some((start, added_eol)), Some(stop)) => (start, added_eol, stop),
        _ => return Err(HostsError::BrokenSection),
    };
    let before = &current[..start];
    let after = &current[stop..];
    let mut out = Vec::with_capacity(before.len() + after.len());
    out.extend_from_slice(before);
    let eol: &[u8] = if added_eol == 2 { b"\r\n" } else { b"\n" };
    if added_eol > 0 && after.is_empty() && out.ends_with(eol) {
        out.truncate(out.len() - added_eol);
    }
    out.extend_from_slice(after);
    Ok(out)
}

/// The ending of the first line of `bytes`, if it has one.
fn line_ending(bytes: &[u8]) -> Option<&'static [u8]> {
    let i = bytes.iter().position(|&b| b == b'\n')?;
    Some(if i > 0 && bytes[i - 1] == b'\r' { b"\r\n" } else { b"\n" })
}

/// True if `bytes` holds a Daka marker line (a section, or the remains of a broken one). The
/// helper uses it at boot to decide whether there is a leftover to remove.
pub fn has_section(bytes: &[u8]) -> bool {
    bytes.split(|&b| b == b'\n').any(|line| {
        let text = line.trim_ascii_start();
        marker_rest(text, BEGIN).is_some() || marker_rest(text, END).is_some()
    })
}

/// If `line` (leading blanks already trimmed) is the marker `marker`, what follows it, without
/// trailing blanks and line ending: empty, or a note in parentheses such as
/// [`ADDED_NEWLINE`]. `# BEGIN DAKA BLOCKER` is not a Daka marker.
fn marker_rest<'a>(line: &'a [u8], marker: &str) -> Option<&'a [u8]> {
    let rest = line.strip_prefix(marker.as_bytes())?.trim_ascii_end();
    (rest.is_empty() || rest.starts_with(b" (")).then_some(rest)
}
