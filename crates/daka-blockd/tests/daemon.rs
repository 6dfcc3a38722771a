//! The built daemon on a temp root, driven through the library's `Client`.

#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::fs;
use std::path::Path;
use std::time::Duration;

use common::{Daemon, HOSTS, contains, snapshot, wait_for};
use daka_blockd::{ClientError, ErrorCode, LayerState};

const POLICIES: [&str; 3] = [
    "etc/chromium/policies/managed/daka.json",
    "etc/opt/chrome/policies/managed/daka.json",
    "etc/firefox/policies/policies.json",
];

#[test]
fn a_strict_block_holds_until_it_expires_then_everything_is_restored() {
    let mut d = Daemon::start(&[]);
    let c = d.client();
    let before = snapshot(&d.root());
    let sites = vec!["bilibili.com".to_owned(), "https://www.zhihu.com/hot".to_owned()];

    let st = c.start(&sites, 3, true).unwrap();
    assert!(st.active && st.strict);
    assert_eq!(st.sites, ["bilibili.com", "zhihu.com"]);
    assert!(st.remaining_secs <= 3 && st.remaining_secs >= 2, "{st:?}");
    assert!(st.ends_at.is_some());
    assert_eq!(st.owner_uid, Some(rustix::process::getuid().as_raw()));
    for layer in [st.layers.hosts, st.layers.chromium, st.layers.chrome, st.layers.firefox] {
        assert_eq!(layer, LayerState::Active);
    }
    let hosts = d.hosts();
    assert!(hosts.starts_with(HOSTS));
    assert!(contains(&hosts, "# BEGIN DAKA BLOCK (added-newline)\r\n"));
    assert!(contains(&hosts, "0.0.0.0 www.bilibili.com\r\n"));
    assert!(contains(&hosts, ":: m.zhihu.com\r\n"));
    for p in POLICIES {
        let text = fs::read_to_string(d.root().join(p)).unwrap();
        assert!(text.contains("bilibili.com"), "{p}: {text}");
    }

    let refused = c.stop().unwrap_err();
    assert!(matches!(refused, ClientError::Refused { code: ErrorCode::Strict, .. }), "{refused:?}");
    assert!(c.status().unwrap().active);

    let ended = wait_for(Duration::from_secs(8), || c.status().is_ok_and(|s| !s.active));
    assert!(ended.is_some(), "the block did not end:\n{}", d.log());
    assert_eq!(d.hosts(), HOSTS, "the hosts file is byte-identical again");
    for p in POLICIES {
        assert!(!d.root().join(p).exists(), "{p} left behind");
    }
    let mut after = snapshot(&d.root());
    for p in ["var/lib/daka-blockd", "var/lib", "var"] {
        after.remove(Path::new(p));
    }
    assert_eq!(after, before, "only the daemon's own state directory is new");
    d.assert_alive();
}

#[test]
fn tampering_is_repaired_within_two_seconds() {
    let mut d = Daemon::start(&[]);
    let c = d.client();
    c.start(&["bilibili.com".to_owned()], 120, false).unwrap();
    let blocked = d.hosts();
    let hosts = d.root().join("etc/hosts");

    // Deleting the section in place (same inode).
    fs::write(&hosts, HOSTS).unwrap();
    let took = wait_for(Duration::from_secs(3), || d.hosts() == blocked);
    assert!(took.is_some_and(|t| t < Duration::from_millis(2500)), "{took:?}\n{}", d.log());

    // Replacing the file by a rename, as editors do.
    let tmp = d.root().join("etc/hosts.edit");
    fs::write(&tmp, HOSTS).unwrap();
    fs::rename(&tmp, &hosts).unwrap();
    let took = wait_for(Duration::from_secs(3), || d.hosts() == blocked);
    assert!(took.is_some_and(|t| t < Duration::from_millis(2500)), "{took:?}\n{}", d.log());

    // Deleting a policy file and its directory.
    fs::remove_dir_all(d.root().join("etc/opt")).unwrap();
    let chrome = d.root().join(POLICIES[1]);
    assert!(wait_for(Duration::from_secs(3), || chrome.exists()).is_some());

    // The owner may stop a non-strict block; everything goes.
    let st = c.stop().unwrap();
    assert!(!st.active);
    assert_eq!(d.hosts(), HOSTS);
    assert!(!d.root().join("etc/opt").exists());
    d.assert_alive();
}

#[test]
fn a_restarted_daemon_resumes_the_block() {
    let mut d = Daemon::start(&[]);
    d.client().start(&["bilibili.com".to_owned()], 600, true).unwrap();
    d.kill();
    // While it was down someone removed the section.
    fs::write(d.root().join("etc/hosts"), HOSTS).unwrap();
    d.respawn(&[]);
    let st = d.client().status().unwrap();
    assert!(st.active && st.strict, "{st:?}");
    assert!(st.remaining_secs > 590, "{st:?}");
    assert!(contains(&d.hosts(), "0.0.0.0 bilibili.com"));
    // Another daemon on the same socket refuses to start instead of fighting over the files.
    let out = std::process::Command::new(common::BIN)
        .arg("serve")
        .arg("--root")
        .arg(d.root())
        .arg("--socket")
        .arg(d.socket())
        .arg("--no-dns-flush")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already listening"));
    d.assert_alive();
}
