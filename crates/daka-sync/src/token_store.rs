//! Where the device token lives: the OS keychain (Secret Service, macOS Keychain, Windows
//! Credential Manager) through the `keyring` crate; where none answers (a bare window manager
//! without a Secret Service, a server without a session bus), a file readable only by the user
//! (0600) in the data folder — and the app says which, so nobody believes a file is a keychain.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The keychain entry's service name.
const SERVICE: &str = "daka-group-server";
/// The fallback file, inside the data folder.
pub const TOKEN_FILE: &str = "group-token";

/// Where a token was stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenPlace {
    Keychain,
    /// The keychain did not answer (its error, for the log); the token is in this 0600 file.
    File {
        path: PathBuf,
        keychain_error: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum TokenStoreError {
    #[error("cannot write the token file {path}: {source}")]
    File { path: PathBuf, source: std::io::Error },
}

/// The token of one account on one server, stored under `account` (e.g. `user@server`).
#[derive(Debug, Clone)]
pub struct TokenStore {
    account: String,
    file: PathBuf,
    use_keychain: bool,
}

impl TokenStore {
    pub fn new(data_dir: &Path, account: &str) -> Self {
        TokenStore {
            account: account.to_owned(),
            file: data_dir.join(TOKEN_FILE),
            use_keychain: true,
        }
    }

    /// A store that never asks the keychain (tests, and `DAKA_TOKEN_FILE_ONLY=1`).
    pub fn file_only(mut self) -> Self {
        self.use_keychain = false;
        self
    }

    fn entry(&self) -> Result<keyring::Entry, keyring::Error> {
        keyring::Entry::new(SERVICE, &self.account)
    }

    /// Saves the token: the keychain if it answers, else the 0600 file. Blocking (the keychain
    /// is a D-Bus round trip): call it from a blocking task.
    pub fn save(&self, token: &str) -> Result<TokenPlace, TokenStoreError> {
        let keychain_error = if self.use_keychain {
            match self.entry().and_then(|e| e.set_password(token)) {
                Ok(()) => {
                    // A file from an earlier fallback must not outlive the move to the keychain.
                    let _ = std::fs::remove_file(&self.file);
                    return Ok(TokenPlace::Keychain);
                }
                Err(e) => e.to_string(),
            }
        } else {
            "keychain not used".to_owned()
        };
        write_private(&self.file, token)
            .map_err(|source| TokenStoreError::File { path: self.file.clone(), source })?;
        Ok(TokenPlace::File { path: self.file.clone(), keychain_error })
    }

    /// The stored token, from the keychain or the file; `None` when there is none.
    pub fn load(&self) -> Option<(String, TokenPlace)> {
        if self.use_keychain
            && let Ok(token) = self.entry().and_then(|e| e.get_password())
        {
            return Some((token, TokenPlace::Keychain));
        }
        let token = std::fs::read_to_string(&self.file).ok()?.trim().to_owned();
        (!token.is_empty()).then(|| {
            (token, TokenPlace::File { path: self.file.clone(), keychain_error: String::new() })
        })
    }

    /// Forgets the token everywhere (signing out, or the data folder was copied elsewhere).
    pub fn delete(&self) {
        if self.use_keychain
            && let Ok(entry) = self.entry()
        {
            let _ = entry.delete_credential();
        }
        let _ = std::fs::remove_file(&self.file);
    }
}

/// Writes `contents` to `path` with mode 0600, atomically (temp file in the same folder, then
/// rename), so a crash never leaves half a token and no other user can ever read it.
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let tmp = dir.join(format!(".{TOKEN_FILE}.{}.tmp", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&tmp)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn without_a_keychain_the_token_is_a_private_file_that_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let store = TokenStore::new(dir.path(), "li@daka.example.com").file_only();
        assert_eq!(store.load(), None);
        let place = store.save("pk_secret").unwrap();
        assert!(matches!(place, TokenPlace::File { .. }));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(TOKEN_FILE)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(store.load().map(|(t, _)| t).as_deref(), Some("pk_secret"));
        store.delete();
        assert_eq!(store.load(), None);
    }
}
