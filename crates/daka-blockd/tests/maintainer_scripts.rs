//! The .deb maintainer scripts (packaging/postinst, prerm, postrm) run as dpkg would, with
//! stand-ins for systemctl and the installed helper, inside `unshare -r -m` so the machine's
//! /run and /usr/libexec are untouched (see tests/maintainer_scripts.sh): postinst enables and
//! (re)starts the service, prerm stops it and removes every layer on removal but not on upgrade,
//! and without systemd nothing is attempted. Skipped, with the reason on stderr, where
//! unprivileged user namespaces are not available.

#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

#[test]
fn postinst_enables_and_starts_the_service_and_prerm_undoes_every_layer() {
    let probe = Command::new("unshare").args(["-r", "-m", "true"]).output();
    match probe {
        Ok(o) if o.status.success() => {}
        other => {
            eprintln!(
                "skipping the maintainer-script test: `unshare -r -m` is not available: {other:?}"
            );
            return;
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("unshare")
        .args(["-r", "-m", "sh"])
        .arg(root.join("tests/maintainer_scripts.sh"))
        .arg(root.join("packaging"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "maintainer_scripts.sh failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    assert!(stdout.contains("PASS"), "{stdout}\n{stderr}");
}
