//! The real `daka-server` binary as a child process over one SQLite file: started, stopped
//! gracefully (SIGTERM, what systemd sends) or killed with SIGKILL mid-request, and started
//! again on the same file. It listens on port 0; the address is read from its log line.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The server binary: `DAKA_SERVER_BIN`, or built now with `cargo build -p daka-server` (a
/// no-op when it is up to date, so the test never runs a stale server) next to this test.
pub fn server_binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("DAKA_SERVER_BIN") {
        return PathBuf::from(bin);
    }
    let exe = std::env::current_exe().expect("the test's path");
    // target/<profile>/deps/faults-… → target/<profile>/daka-server
    let profile_dir = exe.parent().and_then(Path::parent).expect("target/<profile>").to_owned();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut build = std::process::Command::new(cargo);
    build.args(["build", "-p", "daka-server", "--bin", "daka-server"]);
    if profile_dir.file_name().is_some_and(|n| n == "release") {
        build.arg("--release");
    }
    if let Some(target) = profile_dir.parent() {
        build.env("CARGO_TARGET_DIR", target);
    }
    let out = build.output().expect("run cargo build -p daka-server");
    assert!(
        out.status.success(),
        "cargo build -p daka-server failed (set DAKA_SERVER_BIN to use a built one):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bin = profile_dir.join(format!("daka-server{}", std::env::consts::EXE_SUFFIX));
    assert!(bin.exists(), "no server binary at {}", bin.display());
    bin
}

#[derive(Debug)]
pub struct ServerProcess {
    bin: PathBuf,
    dir: tempfile::TempDir,
    child: Option<Child>,
    pub addr: Option<SocketAddr>,
    pub kills: u64,
    pub restarts: u64,
    /// SIGTERMs that killed the server instead of stopping it gracefully.
    pub sigterm_deaths: u64,
}

impl ServerProcess {
    pub async fn start(bin: &Path) -> Self {
        let mut p = ServerProcess {
            bin: bin.to_owned(),
            dir: tempfile::tempdir().expect("temp dir"),
            child: None,
            addr: None,
            kills: 0,
            restarts: 0,
            sigterm_deaths: 0,
        };
        p.spawn().await;
        p
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("server.sqlite")
    }

    pub fn is_up(&self) -> bool {
        self.child.is_some()
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr.expect("the server is up"))
    }

    /// Starts the binary on the database file and waits for its "listening" line.
    pub async fn spawn(&mut self) -> SocketAddr {
        assert!(self.child.is_none(), "already running");
        let mut child = Command::new(&self.bin)
            .arg("--listen")
            .arg("127.0.0.1:0")
            .arg("--database-url")
            .arg(self.db_path())
            // Joins from many fake addresses (the Admin helper's X-Forwarded-For) are not
            // rate-limited as one.
            .arg("--trust-proxy")
            // "Today" only: a new member's older test records never enter a new group.
            .arg("--share-days")
            .arg("1")
            .arg("--log")
            .arg("warn,daka_server=info")
            .env_remove("DATABASE_URL")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("start daka-server");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = tokio::sync::oneshot::channel::<SocketAddr>();
        // Reads the log to the end (a full pipe would block the server).
        tokio::spawn(async move {
            let mut lines = BufReader::new(stdout).lines();
            let mut tx = Some(tx);
            while let Ok(Some(line)) = lines.next_line().await {
                if line.contains("listening")
                    && let Some(addr) = line.split("addr=").nth(1)
                    && let Ok(addr) = addr.trim().parse::<SocketAddr>()
                    && let Some(tx) = tx.take()
                {
                    let _ = tx.send(addr);
                }
            }
        });
        let addr = tokio::time::timeout(Duration::from_secs(30), rx)
            .await
            .expect("daka-server did not start within 30 s")
            .expect("daka-server exited before listening");
        // Serving, not just bound: daka-server installs its SIGTERM handler only once the serve
        // loop polls its shutdown future; a SIGTERM before that kills it outright.
        let health = format!("http://{addr}/health");
        let http = reqwest::Client::new();
        for _ in 0..200 {
            if http.get(&health).send().await.is_ok_and(|r| r.status().is_success()) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        self.child = Some(child);
        self.addr = Some(addr);
        addr
    }

    /// `kill -9`: no shutdown at all, whatever it was doing.
    pub async fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().await.expect("SIGKILL the server");
            self.kills += 1;
        }
        self.addr = None;
    }

    /// SIGTERM and wait for the graceful shutdown (requests in flight finish).
    pub async fn terminate(&mut self) {
        let Some(mut child) = self.child.take() else { return };
        let pid = child.id().expect("pid");
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .expect("run kill -TERM");
        assert!(status.success(), "kill -TERM {pid} failed");
        match tokio::time::timeout(Duration::from_secs(30), child.wait()).await {
            Ok(Ok(exit)) if exit.success() => {}
            // Still inside the window before its handler was installed: counted, not fatal.
            Ok(Ok(exit)) if std::os::unix::process::ExitStatusExt::signal(&exit) == Some(15) => {
                self.sigterm_deaths += 1;
            }
            Ok(Ok(exit)) => panic!("daka-server exited with {exit} on SIGTERM"),
            Ok(Err(e)) => panic!("waiting for daka-server: {e}"),
            Err(_) => {
                let _ = child.kill().await;
                panic!("daka-server did not stop within 30 s of SIGTERM");
            }
        }
        self.addr = None;
    }

    pub async fn restart(&mut self) -> SocketAddr {
        self.terminate().await;
        self.restarts += 1;
        self.spawn().await
    }
}
