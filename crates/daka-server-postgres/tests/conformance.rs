//! The `ServerDb` conformance suite on a real PostgreSQL (a throwaway cluster, one fresh
//! database per case).

mod support;

use daka_server_db::conformance;
use daka_server_postgres::PostgresDb;
use support::PgCluster;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_passes_the_conformance_suite() {
    let cluster = PgCluster::start();
    conformance::run_all(|| async {
        PostgresDb::open(&cluster.fresh_database().await).await.unwrap()
    })
    .await;
}
