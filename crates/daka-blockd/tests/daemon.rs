//! The built daemon on a temp root, driven through the library's `Client`.

#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::fs;
use std::path::Path;
use std::time::Duration;

use common::{Daemon, HOSTS, contains, snapshot, wait_closely, wait_for};
use daka_blockd::service::CHECK_EVERY_MS;
use daka_blockd::{ClientError, ErrorCode, LayerState};
use daka_focus::hosts::has_section;

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

/// How long a test waits for a repair: a timeout, not a timing requirement. Generous next to
/// the once-a-second change detection (a loaded CI machine may delay a tick a lot), and still
/// below the periodic check, so a repair within it is the change detection's and not the
/// 15 s check covering for a missed change.
const REPAIR_TIMEOUT: Duration = Duration::from_secs(10);

#[test]
fn tampering_is_repaired_by_the_change_detection() {
    assert!(REPAIR_TIMEOUT < Duration::from_millis(CHECK_EVERY_MS));
    let mut d = Daemon::start(&[]);
    let c = d.client();
    c.start(&["bilibili.com".to_owned()], 120, false).unwrap();
    let blocked = d.hosts();
    let hosts = d.root().join("etc/hosts");

    // Deleting the section in place (same inode). Only the section's return is asserted: a
    // check landing between `write`'s truncation and its write sees an empty file, and the
    // repair then renames a new file over the one still being written.
    fs::write(&hosts, HOSTS).unwrap();
    let back = wait_for(REPAIR_TIMEOUT, || has_section(&d.hosts()));
    assert!(back.is_some(), "the section did not come back\n{}", d.log());

    // Replacing the file by a rename, as editors do; the rest of the file is kept.
    let tmp = d.root().join("etc/hosts.edit");
    fs::write(&tmp, HOSTS).unwrap();
    fs::rename(&tmp, &hosts).unwrap();
    let back = wait_for(REPAIR_TIMEOUT, || d.hosts() == blocked);
    assert!(back.is_some(), "the section did not come back\n{}", d.log());

    // Taking a policy file away with its directories. Moved away in one step rather than
    // deleted file by file: a repair landing in the middle of `remove_dir_all` puts the file
    // back and makes the removal fail (not empty), which is the daemon winning, not a failure.
    fs::rename(d.root().join("etc/opt"), d.dir.path().join("opt.removed")).unwrap();
    let chrome = d.root().join(POLICIES[1]);
    assert!(wait_for(REPAIR_TIMEOUT, || chrome.exists()).is_some(), "{}", d.log());

    // The owner may stop a non-strict block; everything goes.
    let st = c.stop().unwrap();
    assert!(!st.active);
    assert_eq!(d.hosts(), HOSTS);
    assert!(!d.root().join("etc/opt").exists());
    d.assert_alive();
}

/// Replacements racing the daemon's own repair. Each round renames a new copy over the hosts
/// file the moment the previous repair shows (watched closely, not every 25 ms), which lands
/// it while the daemon is still finishing that repair (its directory fsync): the daemon used
/// to stamp the file only then, took the replacement for its own write, and left it alone
/// until the 15 s check. Every replacement must be repaired in turn.
#[test]
fn replacements_racing_the_repair_are_repaired_too() {
    let mut d = Daemon::start(&[]);
    d.client().start(&["bilibili.com".to_owned()], 120, false).unwrap();
    let blocked = d.hosts();
    let hosts = d.root().join("etc/hosts");
    for round in 0..10 {
        let tmp = d.root().join(format!("etc/hosts.edit{round}"));
        fs::write(&tmp, HOSTS).unwrap();
        fs::rename(&tmp, &hosts).unwrap();
        let back = wait_closely(REPAIR_TIMEOUT, || d.hosts() == blocked);
        assert!(back.is_some(), "round {round}: the section did not come back\n{}", d.log());
    }
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
