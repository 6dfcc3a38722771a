//! Crash safety: a process saving punch-ins in a loop is killed with SIGKILL 200 times at random
//! moments. Afterwards the database passes `PRAGMA integrity_check` and every punch-in whose
//! `save_punch_in` returned before the kill is there, with its outbox row.
//!
//! The writer is this test binary itself, started again with `DAKA_CRASH_WRITER` set: it runs
//! only `writer_child`, which prints each punch-in id after its commit returned. The parent
//! trusts exactly those lines; a line the kill cut short is ignored (it was never acknowledged).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{now, onboarded};
use daka_core::punch_in::PunchInInput;
use daka_store::Store;
use sqlx::{Connection, SqliteConnection};

const KILLS: usize = 200;
const WRITER_ENV: &str = "DAKA_CRASH_WRITER";

/// The writer, when this binary was started by `punch_ins_survive_sigkill`; a no-op otherwise.
#[tokio::test]
async fn writer_child() {
    let Some(dir) = std::env::var_os(WRITER_ENV) else { return };
    let store = Store::open(std::path::Path::new(&dir), now()).await.unwrap();
    let mut out = std::io::stdout().lock();
    for n in 0u64.. {
        let saved = store
            .save_punch_in(
                &PunchInInput {
                    id: None,
                    date: "2026-11-22".into(),
                    repair: false,
                    minutes: vec![],
                    goals_done: vec![],
                    note: format!("第 {n} 次"),
                    mood: None,
                    photos: vec![],
                },
                now(),
            )
            .await
            .unwrap();
        writeln!(out, "ok {}", saved.id).unwrap();
        out.flush().unwrap();
    }
}

/// xorshift64*: reproducible kill moments without a dependency.
struct Moments(u64);
impl Moments {
    fn next_ms(&mut self, max: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % max
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn punch_ins_survive_sigkill() {
    let (dir, store) = onboarded().await;
    store.close().await;
    drop(store);

    let exe = std::env::current_exe().unwrap();
    let acknowledged = Arc::new(Mutex::new(HashSet::<String>::new()));
    let seed = 0x0DA1_CA5E_u64;
    let mut moments = Moments(seed);
    for round in 0..KILLS {
        let mut child = Command::new(&exe)
            .args(["--exact", "writer_child", "--nocapture", "--test-threads=1"])
            .env(WRITER_ENV, dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let seen = Arc::clone(&acknowledged);
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                // Only whole lines: the id was printed after the commit returned.
                if let Some(id) = line.strip_prefix("ok ").filter(|id| id.len() == 36) {
                    seen.lock().unwrap().insert(id.to_owned());
                }
            }
        });
        // From "still starting" to "deep in the loop": 0–250 ms.
        std::thread::sleep(Duration::from_millis(moments.next_ms(250)));
        child.kill().unwrap(); // SIGKILL on Unix
        let status = child.wait().unwrap();
        assert!(status.code().is_none(), "round {round}: the writer exited by itself: {status}");
        reader.join().unwrap();
    }

    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() > KILLS, "too few writes to mean anything: {}", acknowledged.len());

    // Straight at the file first, before the store opens it.
    let url = format!("sqlite://{}", dir.path().join("daka.sqlite3").display());
    let mut conn = SqliteConnection::connect(&url).await.unwrap();
    let check: Vec<String> =
        sqlx::query_scalar("PRAGMA integrity_check").fetch_all(&mut conn).await.unwrap();
    assert_eq!(check, ["ok"]);
    let stored: HashSet<String> = sqlx::query_scalar("SELECT id FROM punch_ins")
        .fetch_all(&mut conn)
        .await
        .unwrap()
        .into_iter()
        .collect();
    let queued: HashSet<String> =
        sqlx::query_scalar("SELECT entity_id FROM outbox WHERE entity_type = 'punch_in'")
            .fetch_all(&mut conn)
            .await
            .unwrap()
            .into_iter()
            .collect();
    conn.close().await.unwrap();
    let lost: Vec<_> = acknowledged.difference(&stored).collect();
    assert!(lost.is_empty(), "{} acknowledged punch-ins lost, e.g. {:?}", lost.len(), lost.first());
    // Same transaction: every stored punch-in has its outbox row, and no row without one.
    assert_eq!(stored, queued);

    // And the app opens it normally.
    let store = Store::open(dir.path(), now()).await.unwrap();
    let records = store.records().await.unwrap();
    assert_eq!(records.journal.punch_ins.len(), stored.len());
    eprintln!(
        "crash test: {KILLS} SIGKILLs (seed {seed:#x}), {} acknowledged, {} stored, integrity ok",
        acknowledged.len(),
        stored.len()
    );
}
