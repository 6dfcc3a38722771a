//! Logs go to stderr and to `daka.log` in the data directory (the file error messages point to).
//! Secrets are never logged; user text is logged only as lengths or ids.

use std::fs::OpenOptions;
use std::path::Path;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::writer::MakeWriterExt;

/// Rotate when the log grows past this size, keeping one previous file.
const MAX_LOG_BYTES: u64 = 5 * 1024 * 1024;

pub(crate) fn init(data_dir: &Path) {
    let filter = EnvFilter::try_from_env("DAKA_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tao=warn,wry=warn"));
    let path = data_dir.join("daka.log");
    if std::fs::metadata(&path).is_ok_and(|m| m.len() > MAX_LOG_BYTES) {
        let _ = std::fs::rename(&path, data_dir.join("daka.log.1"));
    }
    let file = std::fs::create_dir_all(data_dir)
        .and_then(|()| OpenOptions::new().create(true).append(true).open(&path));
    let result = match file {
        Ok(file) => tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_ansi(false)
            .with_writer(std::io::stderr.and(std::sync::Mutex::new(file)))
            .try_init(),
        Err(_) => tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .try_init(),
    };
    // A second init (tests build several apps in one process) keeps the first subscriber.
    drop(result);
}
