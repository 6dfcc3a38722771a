//! `daka-blockd install` / `uninstall`: what the app runs through `pkexec` when the helper did
//! not come with a package (AppImage, a plain binary). Installing copies the running binary to
//! `{root}/usr/libexec/daka/daka-blockd`, writes the same systemd unit the .deb ships, and on
//! the real root (`/`) reloads systemd and (re)starts the service. Uninstalling is the
//! administrator's undo: it stops the service, removes every layer of any block (strict or
//! not, like `cleanup --force`), then the unit and the binary.

use std::fs;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::clock::SystemClock;
use crate::service::{self, Config};

/// The unit file (also shipped as `packaging/daka-blockd.service`).
pub const UNIT_TEXT: &str = include_str!("../packaging/daka-blockd.service");
pub const UNIT_NAME: &str = "daka-blockd.service";
/// Where the binary goes, relative to the root.
pub const BINARY_PATH: &str = "usr/libexec/daka/daka-blockd";
/// Where `install` writes the unit, relative to the root.
pub const UNIT_PATH: &str = "etc/systemd/system/daka-blockd.service";
/// Where a package puts the unit.
const PACKAGE_UNIT_PATHS: [&str; 2] =
    ["usr/lib/systemd/system/daka-blockd.service", "lib/systemd/system/daka-blockd.service"];

/// Why installing or uninstalling failed.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    #[error("{what}: {source}")]
    Io { what: String, source: io::Error },
    #[error("`systemctl {args}` failed: {detail}")]
    Systemctl { args: String, detail: String },
}

fn io_err(what: impl Into<String>) -> impl FnOnce(io::Error) -> InstallError {
    let what = what.into();
    move |source| InstallError::Io { what, source }
}

/// True if a unit for the helper is installed below `root` (by the package or by `install`).
pub fn is_installed(root: &Path) -> bool {
    std::iter::once(UNIT_PATH).chain(PACKAGE_UNIT_PATHS).any(|p| root.join(p).is_file())
}

/// Installs the running binary and the unit below `root`; on `/` also enables and (re)starts
/// the service. Returns what was done, for the log.
pub fn install(root: &Path) -> Result<Vec<String>, InstallError> {
    let mut done = Vec::new();
    let exe = std::env::current_exe().map_err(io_err("finding this program"))?;
    let target = root.join(BINARY_PATH);
    let same = match (fs::canonicalize(&exe), fs::canonicalize(&target)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if !same {
        copy_executable(&exe, &target)?;
        done.push(format!("installed {}", target.display()));
    }
    let unit = root.join(UNIT_PATH);
    write_0644(&unit, UNIT_TEXT.as_bytes())?;
    done.push(format!("wrote {}", unit.display()));
    if is_real_root(root) && systemd_runs() {
        systemctl(&["daemon-reload"])?;
        systemctl(&["enable", UNIT_NAME])?;
        // Restart rather than start: a reinstall must run the new binary. A running block is
        // resumed from the state file.
        systemctl(&["restart", UNIT_NAME])?;
        done.push(format!("enabled and started {UNIT_NAME}"));
    }
    Ok(done)
}

/// Stops the service (on `/`), removes every block layer, then the unit and the binary.
pub fn uninstall(root: &Path) -> Result<Vec<String>, InstallError> {
    let mut done = Vec::new();
    let real = is_real_root(root) && systemd_runs();
    if real {
        // Not fatal: the unit may already be gone or never have been loaded.
        if let Err(e) = systemctl(&["disable", "--now", UNIT_NAME]) {
            tracing::warn!("{e}");
        }
    }
    let config = Config::new(root);
    match service::cleanup(&config, true, &SystemClock) {
        Ok(_) => done.push("removed every block layer".to_owned()),
        Err(e) => tracing::warn!("cleanup: {e}"),
    }
    for rel in [UNIT_PATH, BINARY_PATH] {
        let path = root.join(rel);
        match fs::remove_file(&path) {
            Ok(()) => done.push(format!("removed {}", path.display())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err(format!("removing {}", path.display()))(e)),
        }
    }
    for rel in ["usr/libexec/daka", "var/lib/daka-blockd"] {
        let _ = fs::remove_dir(root.join(rel)); // only if empty
    }
    if real {
        systemctl(&["daemon-reload"])?;
    }
    Ok(done)
}

fn is_real_root(root: &Path) -> bool {
    fs::canonicalize(root).is_ok_and(|p| p == Path::new("/"))
}

fn systemd_runs() -> bool {
    Path::new("/run/systemd/system").is_dir()
}

fn systemctl(args: &[&str]) -> Result<(), InstallError> {
    let joined = args.join(" ");
    let out = Command::new("systemctl")
        .args(args)
        .output()
        .map_err(|e| InstallError::Systemctl { args: joined.clone(), detail: e.to_string() })?;
    if out.status.success() {
        Ok(())
    } else {
        let detail = String::from_utf8_lossy(&out.stderr).trim().to_owned();
        Err(InstallError::Systemctl { args: joined, detail })
    }
}

/// Copies through a temp file and a rename, so a running copy of the old binary is never
/// overwritten in place (that fails with "text file busy" or corrupts it).
fn copy_executable(from: &Path, to: &Path) -> Result<(), InstallError> {
    let dir = to.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    fs::create_dir_all(&dir).map_err(io_err(format!("creating {}", dir.display())))?;
    let tmp = dir.join(format!(".daka-blockd.new.{}", std::process::id()));
    let result = (|| {
        fs::copy(from, &tmp)?;
        fs::set_permissions(&tmp, fs::Permissions::from_mode(0o755))?;
        fs::rename(&tmp, to)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(io_err(format!("installing {}", to.display()))(e));
    }
    Ok(())
}

fn write_0644(path: &Path, bytes: &[u8]) -> Result<(), InstallError> {
    let what = format!("writing {}", path.display());
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(io_err(what.clone()))?;
    }
    fs::write(path, bytes).map_err(io_err(what.clone()))?;
    fs::set_permissions(path, fs::Permissions::from_mode(0o644)).map_err(io_err(what))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unit_runs_serve_from_the_install_path_and_is_hardened() {
        assert!(UNIT_TEXT.contains(&format!("ExecStart=/{BINARY_PATH} serve")));
        for line in [
            "Type=simple",
            "Restart=always",
            "ProtectSystem=strict",
            "ReadWritePaths=/etc -/var/lib/daka-blockd /run",
            "ProtectHome=yes",
            "NoNewPrivileges=yes",
            "PrivateTmp=yes",
            "WantedBy=multi-user.target",
        ] {
            assert!(UNIT_TEXT.lines().any(|l| l == line), "{line}");
        }
    }

    #[test]
    fn install_detection_looks_at_both_unit_locations() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!is_installed(dir.path()));
        write_0644(&dir.path().join(PACKAGE_UNIT_PATHS[0]), b"x").unwrap();
        assert!(is_installed(dir.path()));
        assert!(!is_real_root(dir.path()));
        assert!(is_real_root(Path::new("/")));
    }
}
