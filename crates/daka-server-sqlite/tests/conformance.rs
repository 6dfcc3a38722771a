//! The `ServerDb` conformance suite on a real SQLite file.

use daka_server_db::conformance;
use daka_server_sqlite::SqliteDb;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_passes_the_conformance_suite() {
    let dir = tempfile::tempdir().unwrap();
    let counter = std::sync::atomic::AtomicU32::new(0);
    conformance::run_all(|| {
        let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = dir.path().join(format!("server-{n}.sqlite"));
        async move { SqliteDb::open(&path).await.unwrap() }
    })
    .await;
}
