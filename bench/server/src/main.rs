//! `make bench` for the group server: 200 concurrent simulated members on loopback pushing
//! punch-ins and pulling their group's feed, on SQLite and on PostgreSQL, printed next to a raw
//! sqlx insert loop of the same rows in one process (the limit); the time for a new device to
//! pull a 50-member group's year; and the server's idle memory. Figures only, never pass/fail.
//!
//! Usage: daka-bench-server [--pg postgres://…] [--clients 200] [--seconds 10]

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

mod load;
mod raw;

use std::sync::Arc;
use std::time::Duration;

use daka_server::{App, Server, Settings};
use daka_server_db::ServerDb;

pub(crate) struct Options {
    pub(crate) clients: usize,
    pub(crate) seconds: u64,
    pub(crate) pg: Option<String>,
}

fn options() -> Options {
    let args: Vec<String> = std::env::args().collect();
    let value =
        |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    Options {
        clients: value("--clients").and_then(|v| v.parse().ok()).unwrap_or(200),
        seconds: value("--seconds").and_then(|v| v.parse().ok()).unwrap_or(10),
        pg: value("--pg"),
    }
}

/// Rate limits out of the way: the bench signs up hundreds of users from one address.
fn bench_settings() -> Settings {
    let wide = daka_server::limits::Limit { attempts: u32::MAX, window: Duration::from_secs(1) };
    Settings {
        limits: daka_server::limits::Limits { sign_in: wide, sign_up: wide, join: wide },
        ..Settings::default()
    }
}

pub(crate) async fn start(db: Arc<dyn ServerDb>) -> (String, tokio::sync::oneshot::Sender<()>) {
    let server =
        Server::bind(App::new(db, bench_settings()), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let url = format!("http://{}", server.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run(async move {
        let _ = stopped.await;
    }));
    (url, stop)
}

#[tokio::main]
async fn main() {
    let opts = options();
    let build = if cfg!(debug_assertions) {
        "DEBUG build: figures not representative"
    } else {
        "release build"
    };
    println!(
        "group server, {} concurrent clients, {} s per backend (loopback, {build})",
        opts.clients, opts.seconds
    );
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Arc::new(
        daka_server_sqlite::SqliteDb::open(&dir.path().join("bench.sqlite")).await.unwrap(),
    );
    let raw_sqlite = raw::sqlite(&dir.path().join("raw.sqlite"), opts.seconds).await;
    load::report("SQLite", sqlite, &opts, raw_sqlite).await;
    if let Some(url) = &opts.pg {
        let pg = Arc::new(daka_server_postgres::PostgresDb::open_with(url, 20).await.unwrap());
        let raw_pg = raw::postgres(url, opts.seconds).await;
        load::report("PostgreSQL", pg, &opts, raw_pg).await;
    } else {
        println!("PostgreSQL: skipped (pass --pg postgres://…; `make bench` starts a cluster)");
    }
    let year = load::year_pull(Arc::new(
        daka_server_sqlite::SqliteDb::open(&dir.path().join("year.sqlite")).await.unwrap(),
    ))
    .await;
    println!(
        "new device pulls a 50-member group's year ({} records): {:.2} s (SQLite)",
        year.0,
        year.1.as_secs_f64()
    );
    match idle_rss_kib() {
        Some(kib) => println!(
            "daka-server idle RSS (SQLite, 3 s after start): {:.1} MiB",
            kib as f64 / 1024.0
        ),
        None => println!(
            "daka-server idle RSS: not measured (build daka-server --release next to this binary)"
        ),
    }
}

/// Starts the real `daka-server` binary beside this one and reads its resident memory.
fn idle_rss_kib() -> Option<u64> {
    let bin = std::env::current_exe().ok()?.with_file_name("daka-server");
    let dir = tempfile::tempdir().ok()?;
    let mut child = std::process::Command::new(bin)
        .args(["--listen", "127.0.0.1:0", "--log", "warn"])
        .arg("--data-dir")
        .arg(dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    std::thread::sleep(Duration::from_secs(3));
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).ok();
    let _ = child.kill();
    let _ = child.wait();
    status?
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
