//! Running the server: bind, serve until a shutdown signal, finish requests in flight, end the
//! event streams, and compact the feeds once an hour.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use chrono::Duration as Days;
use tokio::net::TcpListener;

use crate::App;

/// A bound server, ready to run.
#[derive(Debug)]
pub struct Server {
    app: Arc<App>,
    listener: TcpListener,
}

/// How often old feed tombstones are dropped.
const COMPACT_EVERY: Duration = Duration::from_secs(3600);

impl Server {
    pub async fn bind(app: App, addr: SocketAddr) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        Ok(Server { app: Arc::new(app), listener })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    pub fn app(&self) -> Arc<App> {
        Arc::clone(&self.app)
    }

    /// Serves until `shutdown` completes, then stops accepting, ends event streams, and waits
    /// for requests in flight.
    pub async fn run(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let app = Arc::clone(&self.app);
        let compactor = tokio::spawn(compact_forever(Arc::clone(&app)));
        let router = crate::api::router(Arc::clone(&app));
        let signal_app = Arc::clone(&app);
        let result =
            axum::serve(self.listener, router.into_make_service_with_connect_info::<SocketAddr>())
                .with_graceful_shutdown(async move {
                    shutdown.await;
                    tracing::info!("shutting down: finishing requests in flight");
                    signal_app.shutting_down.send_replace(true);
                })
                .await;
        compactor.abort();
        result
    }
}

async fn compact_forever(app: Arc<App>) {
    let mut tick = tokio::time::interval(COMPACT_EVERY);
    loop {
        tick.tick().await;
        let before = app.now() - Days::days(i64::from(app.settings.retention_days));
        match app.db.compact(before).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(dropped = n, "compacted feed tombstones"),
            Err(e) => tracing::warn!(error = %e, "compaction failed; retrying in an hour"),
        }
    }
}

/// Ctrl-C or SIGTERM (what systemd sends). The handlers are installed when this is called,
/// not when the future is first polled: call it first thing, so a SIGTERM that arrives while
/// the database opens or migrates is not fatal but shuts the server down as soon as it serves.
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    async move {
        let ctrl_c = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        #[cfg(unix)]
        let term = async {
            match term.as_mut() {
                Some(s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let term = std::future::pending::<()>();
        tokio::select! { () = ctrl_c => {}, () = term => {} }
    }
}
