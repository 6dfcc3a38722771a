//! Helpers shared by the integration tests: a daemon child process on a temp root and socket.

#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use daka_blockd::Client;

pub const BIN: &str = env!("CARGO_BIN_EXE_daka-blockd");

pub const HOSTS: &[u8] =
    b"127.0.0.1\tlocalhost\r\n::1\tlocalhost ip6-localhost\r\n# no final newline";

/// A `daka-blockd serve` child on its own temp root and socket; killed (by its pid) on drop.
pub struct Daemon {
    pub dir: tempfile::TempDir,
    pub child: Child,
}

impl Daemon {
    pub fn start(extra: &[&str]) -> Daemon {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("root/etc")).unwrap();
        fs::write(dir.path().join("root/etc/hosts"), HOSTS).unwrap();
        let child = spawn(dir.path(), extra);
        let daemon = Daemon { dir, child };
        daemon.wait_ready();
        daemon
    }

    /// Kills the daemon (by its pid) and waits for it.
    pub fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Starts a new daemon on the same root and socket.
    pub fn respawn(&mut self, extra: &[&str]) {
        self.child = spawn(self.dir.path(), extra);
        self.wait_ready();
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.client().status().is_err() {
            assert!(Instant::now() < deadline, "daemon did not come up:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn root(&self) -> PathBuf {
        self.dir.path().join("root")
    }

    pub fn socket(&self) -> PathBuf {
        self.dir.path().join("s.sock")
    }

    pub fn client(&self) -> Client {
        Client::new(self.socket()).with_timeout(Duration::from_secs(10))
    }

    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.path().join("daemon.log")).unwrap_or_default()
    }

    pub fn hosts(&self) -> Vec<u8> {
        fs::read(self.root().join("etc/hosts")).unwrap()
    }

    /// Asserts the daemon process is still alive.
    pub fn assert_alive(&mut self) {
        assert!(self.child.try_wait().unwrap().is_none(), "daemon died:\n{}", self.log());
    }
}

fn spawn(dir: &Path, extra: &[&str]) -> Child {
    let log =
        fs::OpenOptions::new().create(true).append(true).open(dir.join("daemon.log")).unwrap();
    Command::new(BIN)
        .arg("serve")
        .arg("--root")
        .arg(dir.join("root"))
        .arg("--socket")
        .arg(dir.join("s.sock"))
        .arg("--no-dns-flush")
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        // A file, not a pipe: nobody reads a pipe, and a full one would stall the daemon.
        .stderr(log)
        .spawn()
        .unwrap()
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Every file (with its bytes) and directory (None) below `root`.
pub fn snapshot(root: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(root).unwrap().to_path_buf();
            if path.is_dir() {
                out.insert(rel, None);
                stack.push(path);
            } else {
                out.insert(rel, Some(fs::read(&path).unwrap()));
            }
        }
    }
    out
}

/// Waits until `cond` holds, up to `limit`, looking every 25 ms; returns how long it took.
pub fn wait_for(limit: Duration, cond: impl FnMut() -> bool) -> Option<Duration> {
    poll(limit, Duration::from_millis(25), cond)
}

/// [`wait_for`] looking every 0.2 ms, for a test that must act within a moment of a change.
pub fn wait_closely(limit: Duration, cond: impl FnMut() -> bool) -> Option<Duration> {
    poll(limit, Duration::from_micros(200), cond)
}

fn poll(limit: Duration, every: Duration, mut cond: impl FnMut() -> bool) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if cond() {
            return Some(start.elapsed());
        }
        std::thread::sleep(every);
    }
    None
}

pub fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}
