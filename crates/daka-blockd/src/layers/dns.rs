//! Flushing the DNS caches that would otherwise keep answering a blocked name (or keep
//! answering `0.0.0.0` after the block ends) until their entries expire.
//!
//! Only caches that run are flushed: systemd-resolved when `{root}/run/systemd/resolve`
//! exists, nscd when its socket exists. Each command gets a few seconds; a failure is logged
//! and otherwise ignored, because the hosts file is already right and the cache will catch up.

use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(3);

/// Flushes the running caches; true if at least one flush succeeded.
pub(crate) fn flush(root: &Path) -> bool {
    let mut flushed = false;
    if root.join("run/systemd/resolve").is_dir() {
        flushed |= run("resolvectl", &["flush-caches"]);
    }
    let nscd = ["run/nscd/socket", "var/run/nscd/socket"];
    if nscd.iter().any(|p| root.join(p).exists()) {
        flushed |= run("nscd", &["-i", "hosts"]);
    }
    flushed
}

fn run(program: &str, args: &[&str]) -> bool {
    let child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!("cannot run {program}: {e}");
            return false;
        }
    };
    let deadline = Instant::now() + TIMEOUT;
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return true,
            Ok(Some(status)) => {
                tracing::warn!("{program} {}: {status}", args.join(" "));
                return false;
            }
            Ok(None) if Instant::now() >= deadline => {
                tracing::warn!("{program} {} timed out", args.join(" "));
                let _ = child.kill();
                let _ = child.wait();
                return false;
            }
            Ok(None) => thread::sleep(Duration::from_millis(20)),
            Err(e) => {
                tracing::warn!("waiting for {program}: {e}");
                return false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_flushed_where_no_cache_runs() {
        let root = tempfile::tempdir().unwrap();
        assert!(!flush(root.path()));
    }
}
