//! A real daka-server in this process on 127.0.0.1 over a temporary SQLite file (the pattern
//! of daka-server's own tests), that can be stopped and started again on the same file and the
//! same port, so data persists and clients keep their URL.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use daka_server::limits::{Limit, Limits};
use daka_server::{App, Server, Settings};
use daka_server_sqlite::SqliteDb;

/// Settings for tests: the rate limits are out of the way (tests sign up many accounts).
pub fn test_settings() -> Settings {
    let many = Limit { attempts: 1_000_000, window: Duration::from_secs(1) };
    Settings { limits: Limits { sign_in: many, sign_up: many, join: many }, ..Settings::default() }
}

struct Running {
    app: Arc<App>,
    db: SqliteDb,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

pub struct TestServer {
    pub addr: SocketAddr,
    pub url: String,
    settings: Settings,
    running: Option<Running>,
    dir: tempfile::TempDir,
}

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with(test_settings()).await
    }

    pub async fn start_with(settings: Settings) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut server = TestServer {
            addr: "127.0.0.1:0".parse().expect("addr"),
            url: String::new(),
            settings,
            running: None,
            dir,
        };
        server.start_again().await;
        server
    }

    /// The SQLite file the server keeps its data in.
    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("server.sqlite")
    }

    /// The running server's `App` (its database, clock and settings).
    pub fn app(&self) -> Arc<App> {
        Arc::clone(&self.running.as_ref().expect("the server is running").app)
    }

    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// Starts the server (again) on the same file and, once it had one, the same port.
    pub async fn start_again(&mut self) {
        assert!(self.running.is_none(), "already running");
        let db = SqliteDb::open(&self.db_path()).await.expect("open the server database");
        let mut bound = None;
        // The old port may take a moment to be free again.
        for _ in 0..100 {
            match Server::bind(App::new(Arc::new(db.clone()), self.settings.clone()), self.addr)
                .await
            {
                Ok(s) => {
                    bound = Some(s);
                    break;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
        let server = bound.expect("bind the server's port");
        self.addr = server.local_addr().expect("local addr");
        self.url = format!("http://{}", self.addr);
        let app = server.app();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(server.run(async move {
            let _ = stopped.await;
        }));
        self.running = Some(Running { app, db, stop, task });
    }

    /// Stops the server gracefully: finishes what is in flight, ends event streams, closes
    /// the database.
    pub async fn stop(&mut self) {
        let Some(running) = self.running.take() else { return };
        let _ = running.stop.send(());
        running.task.await.expect("server task").expect("server run");
        drop(running.app);
        running.db.close().await;
    }

    pub async fn restart(&mut self) {
        self.stop().await;
        self.start_again().await;
    }

    /// Copies the stopped server's database files aside (a backup) or back.
    pub fn copy_db(&self, to_backup: bool) {
        assert!(self.running.is_none(), "stop the server before copying its files");
        let backup = self.dir.path().join("backup");
        std::fs::create_dir_all(&backup).expect("backup dir");
        for suffix in ["", "-wal", "-shm"] {
            let live = self.dir.path().join(format!("server.sqlite{suffix}"));
            let saved = backup.join(format!("server.sqlite{suffix}"));
            let (from, to) = if to_backup { (&live, &saved) } else { (&saved, &live) };
            let _ = std::fs::remove_file(to);
            if from.exists() {
                std::fs::copy(from, to).expect("copy a database file");
            }
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(running) = self.running.take() {
            let _ = running.stop.send(());
        }
    }
}
