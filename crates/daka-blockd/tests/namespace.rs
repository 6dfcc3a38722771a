//! The namespace test: real name resolution (`getent`) sees the block and its end, inside
//! `unshare -r -m -n` so nothing on the machine is touched (see tests/namespace.sh). Skipped,
//! with the reason on stderr, where unprivileged user namespaces are not available.

#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

#[test]
fn getent_sees_the_block_inside_a_namespace() {
    let probe = Command::new("unshare").args(["-r", "-m", "-n", "true"]).output();
    match probe {
        Err(e) => {
            eprintln!("skipping the namespace test: cannot run unshare: {e}");
            return;
        }
        Ok(o) if !o.status.success() => {
            eprintln!(
                "skipping the namespace test: `unshare -r -m -n true` failed ({}): {}",
                o.status,
                String::from_utf8_lossy(&o.stderr).trim()
            );
            return;
        }
        Ok(_) => {}
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/namespace.sh");
    let out = Command::new("unshare")
        .args(["-r", "-m", "-n", "sh"])
        .arg(&script)
        .arg(env!("CARGO_BIN_EXE_daka-blockd"))
        .env("LANG", "C")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "namespace.sh failed ({}):\n{stdout}\n{stderr}", out.status);
    assert!(stdout.contains("PASS"), "{stdout}\n{stderr}");
    println!("{stdout}");
}
