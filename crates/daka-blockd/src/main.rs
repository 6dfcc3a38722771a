//! The `daka-blockd` binary: see the library's docs and `daka-blockd help`.

use std::process::ExitCode;

#[cfg(target_os = "linux")]
fn main() -> ExitCode {
    use tracing_subscriber::EnvFilter;

    // Logs go to stderr (the journal under systemd). DAKA_BLOCKD_LOG=debug for more.
    let filter =
        EnvFilter::try_from_env("DAKA_BLOCKD_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(false)
        .init();
    daka_blockd::cli::main(std::env::args_os().skip(1).collect())
}

#[cfg(not(target_os = "linux"))]
fn main() -> ExitCode {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "daka-blockd only runs on Linux for now");
    ExitCode::FAILURE
}
