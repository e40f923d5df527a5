//! `kyc-sandbox`: the offline Kredibel and Iluma sandbox as a server.
//!
//! ```text
//! kyc-sandbox [--listen ADDR] [--rate-limit N/WINDOW] [--fault SPEC]... [--seed N]
//!             [--replay DIR [--replay-strict]]
//! kyc-sandbox proxy --upstream VENDOR=URL... [--listen ADDR] [--report FILE] [--record DIR]
//! ```
//!
//! Prints each vendor's base URL (first lines of stdout, `kredibel: http://…`, so scripts can
//! read the port), serves until Ctrl-C or SIGTERM, then shuts down gracefully. `proxy` forwards
//! to the vendors instead of answering, and checks the traffic against the specs
//! (`kyc_sandbox::proxy`); it prints a summary per operation when it stops.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use kyc_sandbox::proxy::{self, Proxy, ProxyConfig, Report, cli};
use kyc_sandbox::{FaultRule, RateLimit, Replay, SandboxConfig, telemetry};

const USAGE: &str = "\
kyc-sandbox: an offline sandbox of the Kredibel and Iluma APIs

USAGE:
    kyc-sandbox [OPTIONS]

COMMANDS:
    proxy                  forward to the vendors and check the traffic against the specs
                           (kyc-sandbox proxy --help)

OPTIONS:
    --listen ADDR          address to listen on [default: 127.0.0.1:8080; port 0 picks one]
    --rate-limit N/WINDOW  requests per API key and window, e.g. 10/s, 600/m [default: none]
    --fault SPEC           a standing fault, e.g. 'op=verify_biometric;status=503;times=2'
                           (repeatable; see sandbox/README.md)
    --seed N               seed of the id generator, for reproducible ids
    --replay DIR           answer requests that match an exchange recorded by
                           `kyc-sandbox proxy --record DIR` as recorded; others get
                           the spec's scenarios
    --replay-strict        with --replay: a request no recording matches gets an
                           error naming the operation and why, not a scenario
    -h, --help             print this help

Logs go to stderr, filtered by RUST_LOG (default: info).";

#[derive(Debug)]
struct Options {
    listen: SocketAddr,
    config: SandboxConfig,
}

fn parse(args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
    let mut listen: SocketAddr = SocketAddr::from(([127, 0, 0, 1], 8080));
    let mut config = SandboxConfig::default();
    let (mut replay, mut strict) = (None, false);
    let mut flags = kyc_sandbox::flags::Flags::new(args);
    while let Some((name, inline)) = flags.next_flag() {
        let mut value = || flags.value(&name, inline.clone());
        match name.as_str() {
            "-h" | "--help" => return Ok(None),
            "--listen" => {
                let text = value()?;
                listen = text.parse().map_err(|_| {
                    format!("--listen: `{text}` is not an address like 127.0.0.1:8080")
                })?;
            }
            "--rate-limit" => config.rate_limit = Some(parse_rate_limit(&value()?)?),
            "--fault" => {
                let rule: FaultRule = value()?.parse().map_err(|e| format!("--fault: {e}"))?;
                config.faults.push(rule);
            }
            "--seed" => {
                let text = value()?;
                config.seed = Some(
                    text.parse()
                        .map_err(|_| format!("--seed: `{text}` is not a number"))?,
                );
            }
            "--replay" => replay = Some(value()?),
            "--replay-strict" => strict = true,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    match (replay, strict) {
        (Some(dir), strict) => {
            let recordings = Replay::load(&dir).map_err(|e| e.to_string())?;
            config = config.with_replay(if strict {
                recordings.strict()
            } else {
                recordings
            });
        }
        (None, true) => return Err("--replay-strict needs --replay DIR".into()),
        (None, false) => {}
    }
    Ok(Some(Options { listen, config }))
}

fn parse_rate_limit(text: &str) -> Result<RateLimit, String> {
    let error = || format!("--rate-limit: `{text}` is not like 10/s or 600/m");
    let (count, window) = text.split_once('/').ok_or_else(error)?;
    let requests: u32 = count.trim().parse().map_err(|_| error())?;
    let window = match window.trim() {
        "s" => Duration::from_secs(1),
        "m" => Duration::from_secs(60),
        "h" => Duration::from_secs(3600),
        _ => return Err(error()),
    };
    Ok(RateLimit { requests, window })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().map(String::as_str) == Some("proxy") {
        return run_proxy(args.skip(1)).await;
    }
    let options = match parse(args) {
        Ok(Some(options)) => options,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    telemetry::init("info");
    let listener = match kyc_sandbox::listen(options.listen) {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("error: cannot listen on {}: {error}", options.listen);
            return ExitCode::FAILURE;
        }
    };
    let addr = match listener.local_addr() {
        Ok(addr) => addr,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let app = kyc_sandbox::SandboxApp::new(options.config);
    // Scripts read these lines to find the port.
    for vendor in app.vendors() {
        println!("{vendor}: http://{addr}/{vendor}");
    }
    tracing::info!(%addr, "kyc-sandbox listening; Ctrl-C or SIGTERM to stop");
    match kyc_sandbox::serve(listener, app.router(), shutdown_signal()).await {
        Ok(()) => {
            tracing::info!("kyc-sandbox stopped");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run_proxy(args: impl Iterator<Item = String>) -> ExitCode {
    let options = match cli::parse(args) {
        Ok(Some(options)) => options,
        Ok(None) => {
            println!("{}", cli::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{}", cli::USAGE);
            return ExitCode::from(2);
        }
    };
    telemetry::init("info");
    let sink: Box<dyn std::io::Write + Send> = match &options.report {
        Some(path) => match std::fs::File::create(path) {
            Ok(file) => Box::new(file),
            Err(error) => {
                eprintln!("error: --report {}: {error}", path.display());
                return ExitCode::FAILURE;
            }
        },
        None => Box::new(std::io::stderr()),
    };
    let mut config = ProxyConfig::new(options.upstreams, Arc::new(Report::new(sink)));
    if let Some(dir) = options.record {
        config = config.with_record(dir);
    }
    let proxy = match Proxy::bind(options.listen, config).await {
        Ok(proxy) => proxy,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(match error {
                proxy::ProxyError::Listen(_) => 1,
                _ => 2,
            });
        }
    };
    // Scripts read these lines to find the port, as with the sandbox.
    for vendor in proxy.vendors() {
        if let Some(url) = proxy.url(vendor) {
            println!("{vendor}: {url}");
        }
    }
    tracing::info!(addr = %proxy.local_addr(), "kyc-sandbox proxy listening; Ctrl-C or SIGTERM to stop");
    shutdown_signal().await;
    let report = proxy.report().clone();
    proxy.shutdown().await;
    let _ = report.flush();
    print!("{}", report.summary());
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> impl Iterator<Item = String> {
        text.split_whitespace()
            .map(str::to_string)
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn parses_every_option() {
        let options = parse(args(
            "--listen 127.0.0.1:0 --rate-limit=5/s --fault status=503;times=1 --seed 9",
        ))
        .unwrap()
        .unwrap();
        assert_eq!(options.listen.port(), 0);
        assert_eq!(options.config.rate_limit, Some(RateLimit::per_second(5)));
        assert_eq!(options.config.faults.len(), 1);
        assert_eq!(options.config.seed, Some(9));
        assert!(parse(args("--help")).unwrap().is_none());
        assert!(parse(args("--listen nowhere")).is_err());
        assert!(parse(args("--bogus")).is_err());
        assert!(parse(args("--rate-limit 5")).is_err());
        assert!(
            parse(args("--replay-strict"))
                .unwrap_err()
                .contains("--replay DIR")
        );
        let missing = parse(args("--replay /nonexistent/recordings")).unwrap_err();
        assert!(missing.contains("cannot read the directory"), "{missing}");
    }
}
