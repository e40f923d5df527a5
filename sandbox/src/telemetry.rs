//! Logging set-up shared by the binary and the tour: `tracing` to stderr, filtered by
//! `RUST_LOG` (e.g. `RUST_LOG=kyc_sandbox=debug` logs every request's operation, status and
//! time). Nothing the sandbox logs carries an image, a NIK, a name or a key.

use tracing_subscriber::EnvFilter;

/// Installs a stderr subscriber filtered by `RUST_LOG`, or by `default_filter` when it is
/// unset. Does nothing if a subscriber is already installed.
pub fn init(default_filter: &str) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        // Colours only for a person at a terminal, not in files or CI logs.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
}
