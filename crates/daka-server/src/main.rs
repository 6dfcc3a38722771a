//! `daka-server`: picks the database from the URL, then serves until SIGTERM or Ctrl-C.

use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use daka_server::config::{Config, Database};
use daka_server::{App, Server, shutdown_signal};
use daka_server_db::ServerDb;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let config = Config::parse();
    let filter = EnvFilter::try_new(&config.log).unwrap_or_else(|_| EnvFilter::new("info"));
    // Colours only on a terminal: journald and log files get plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    tracing_subscriber::fmt().with_env_filter(filter).with_ansi(ansi).init();
    match run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> Result<(), String> {
    // Before anything slow: a SIGTERM from here on stops the server gracefully.
    let shutdown = shutdown_signal();
    let db: Arc<dyn ServerDb> = match config.database() {
        Database::Sqlite(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            }
            tracing::info!(path = %path.display(), "database: SQLite");
            Arc::new(
                daka_server_sqlite::SqliteDb::open(&path)
                    .await
                    .map_err(|e| format!("cannot open {}: {e}", path.display()))?,
            )
        }
        Database::Postgres(url) => {
            tracing::info!("database: PostgreSQL");
            Arc::new(
                daka_server_postgres::PostgresDb::open_with(&url, config.pg_max_connections)
                    .await
                    .map_err(|e| format!("cannot open the PostgreSQL database: {e}"))?,
            )
        }
    };
    let server = Server::bind(App::new(db, config.settings()), config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let addr = server.local_addr().map_err(|e| e.to_string())?;
    tracing::info!(%addr, "daka-server listening");
    server.run(shutdown).await.map_err(|e| e.to_string())?;
    tracing::info!("stopped");
    Ok(())
}
