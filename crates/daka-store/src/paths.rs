//! Where Daka keeps its files.

use std::path::{Path, PathBuf};

/// Environment variable that overrides the data directory (tests, portable use).
pub const DATA_DIR_ENV: &str = "DAKA_DATA_DIR";
/// The database file inside the data directory.
pub const DB_FILE: &str = "daka.sqlite3";
/// Backups inside the data directory.
pub const BACKUP_DIR: &str = "backups";

/// The data directory: `DAKA_DATA_DIR` when set and not empty, else `default` (the OS
/// app-data directory chosen by the shell).
pub fn data_dir(env_value: Option<&std::ffi::OsStr>, default: PathBuf) -> PathBuf {
    match env_value {
        Some(v) if !v.is_empty() => PathBuf::from(v),
        _ => default,
    }
}

pub fn db_path(data_dir: &Path) -> PathBuf {
    data_dir.join(DB_FILE)
}

pub fn backup_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(BACKUP_DIR)
}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;

    use super::*;

    #[test]
    fn env_overrides_the_default_unless_empty() {
        let default = PathBuf::from("/home/u/.local/share/app.daka.desktop");
        assert_eq!(data_dir(Some(OsStr::new("/tmp/x")), default.clone()), PathBuf::from("/tmp/x"));
        assert_eq!(data_dir(Some(OsStr::new("")), default.clone()), default);
        assert_eq!(data_dir(None, default.clone()), default);
    }
}
