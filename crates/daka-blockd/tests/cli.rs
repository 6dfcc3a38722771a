//! The command line of the built binary: usage errors, install/uninstall and cleanup on a temp
//! root, and the client subcommands against a running daemon.

#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Output};

use common::{BIN, Daemon, HOSTS};

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).env("LANG", "C").output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn unknown_arguments_are_usage_errors() {
    for args in [
        &[][..],
        &["frobnicate"],
        &["serve", "--rooot", "/tmp"],
        &["serve", "--allow-uid", "bob"],
        &["cleanup", "--root"],
        &["client", "start", "--site", "a.com"],
        &["install", "now"],
    ] {
        let o = run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains("usage:"), "{args:?}: {}", stderr(&o));
    }
    let o = run(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("daka-blockd serve"));
}

#[test]
fn install_and_uninstall_on_a_temp_root() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path().to_str().unwrap();
    let o = run(&["install", "--root", r]);
    assert!(o.status.success(), "{}", stderr(&o));
    let bin = root.path().join("usr/libexec/daka/daka-blockd");
    assert_eq!(fs::read(&bin).unwrap(), fs::read(BIN).unwrap());
    assert_eq!(fs::metadata(&bin).unwrap().permissions().mode() & 0o777, 0o755);
    let unit = fs::read_to_string(root.path().join("etc/systemd/system/daka-blockd.service"));
    let shipped = include_str!("../packaging/daka-blockd.service");
    assert_eq!(unit.unwrap(), shipped);
    // Installing again is fine.
    assert!(run(&["install", "--root", r]).status.success());

    // A leftover block layer is removed by uninstall, with everything it installed.
    fs::create_dir_all(root.path().join("etc")).unwrap();
    let hosts = root.path().join("etc/hosts");
    fs::write(&hosts, [HOSTS, b"\n# BEGIN DAKA BLOCK\n0.0.0.0 x.com\n# END DAKA BLOCK\n"].concat())
        .unwrap();
    let o = run(&["uninstall", "--root", r]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!bin.exists());
    assert!(!root.path().join("usr/libexec/daka").exists());
    assert!(!root.path().join("etc/systemd/system/daka-blockd.service").exists());
    assert_eq!(fs::read(&hosts).unwrap(), [HOSTS, b"\n"].concat());
}

#[test]
fn the_client_subcommands_talk_to_the_daemon_and_cleanup_needs_force() {
    let d = Daemon::start(&[]);
    let sock = d.socket();
    let sock = sock.to_str().unwrap();
    let o = run(&[
        "client",
        "start",
        "--socket",
        sock,
        "--sites",
        "bilibili.com,zhihu.com",
        "--secs",
        "600",
        "--strict",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let status: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(status["active"], true);
    assert_eq!(status["sites"], serde_json::json!(["bilibili.com", "zhihu.com"]));
    assert_eq!(status["layers"]["hosts"], "active");

    let o = run(&["client", "stop", "--socket", sock]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("refused (strict): A strict block cannot be stopped early"));
    let o = run(&["client", "add-sites", "--socket", sock, "--site", "*.bad"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("invalid_site"), "{}", stderr(&o));
    assert!(run(&["status", "--socket", sock]).status.success());

    // cleanup refuses an active block; --force removes it and the daemon lets it go.
    let root = d.root();
    let r = root.to_str().unwrap();
    let o = run(&["cleanup", "--root", r]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_ne!(d.hosts(), HOSTS);
    let o = run(&["cleanup", "--root", r, "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(d.hosts(), HOSTS);
    let gone = common::wait_for(std::time::Duration::from_secs(4), || {
        d.client().status().is_ok_and(|s| !s.active)
    });
    assert!(gone.is_some(), "{}", d.log());
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert_eq!(d.hosts(), HOSTS, "the daemon did not put the block back");

    let o = run(&["status", "--socket", "/nonexistent/daka.sock"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not installed"), "{}", stderr(&o));
}
