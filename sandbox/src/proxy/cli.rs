//! The `kyc-sandbox proxy` command line: its options and their parsing.

use std::net::SocketAddr;
use std::path::PathBuf;

use super::Upstream;

/// The help text of `kyc-sandbox proxy`.
pub const USAGE: &str = "\
kyc-sandbox proxy: forward each vendor's traffic and check it against its spec

USAGE:
    kyc-sandbox proxy --upstream VENDOR=URL... [OPTIONS]

OPTIONS:
    --listen ADDR          address to listen on [default: 127.0.0.1:8081; port 0 picks one]
    --upstream VENDOR=URL  where /VENDOR/... requests go, e.g. iluma=https://api.iluma.ai
                           (repeatable; VENDOR is a spec's x-vendor; plain http only to
                           a loopback address); VENDOR.HOST=URL for the operations of
                           one of its hosts (x-host), e.g. kredibel.vision=https://...
    --report FILE          one JSON line per violation [default: stderr]
    --record DIR           each exchange as a JSON file, personal data masked keeping
                           its shape (`kyc-sandbox --replay DIR` plays them back)
    -h, --help             print this help

A summary per operation is printed on exit (Ctrl-C or SIGTERM).";

/// What `kyc-sandbox proxy` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyOptions {
    /// The address to listen on.
    pub listen: SocketAddr,
    /// The upstreams, as given.
    pub upstreams: Vec<Upstream>,
    /// The report file; `None` is stderr.
    pub report: Option<PathBuf>,
    /// The recording directory.
    pub record: Option<PathBuf>,
}

/// Reads the arguments after `proxy`; `Ok(None)` asks for the help text.
pub fn parse(args: impl Iterator<Item = String>) -> Result<Option<ProxyOptions>, String> {
    let mut options = ProxyOptions {
        listen: SocketAddr::from(([127, 0, 0, 1], 8081)),
        upstreams: Vec::new(),
        report: None,
        record: None,
    };
    let mut flags = crate::flags::Flags::new(args);
    while let Some((name, inline)) = flags.next_flag() {
        let mut value = || flags.value(&name, inline.clone());
        match name.as_str() {
            "-h" | "--help" => return Ok(None),
            "--listen" => {
                let text = value()?;
                options.listen = text.parse().map_err(|_| {
                    format!("--listen: `{text}` is not an address like 127.0.0.1:8081")
                })?;
            }
            "--upstream" => {
                let upstream = Upstream::parse(&value()?).map_err(|e| format!("--upstream {e}"))?;
                options.upstreams.push(upstream);
            }
            "--report" => options.report = Some(PathBuf::from(value()?)),
            "--record" => options.record = Some(PathBuf::from(value()?)),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if options.upstreams.is_empty() {
        return Err("give at least one --upstream VENDOR=URL".into());
    }
    Ok(Some(options))
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
    fn parses_every_option_and_refuses_plain_http_to_a_remote_host() {
        let options = parse(args(
            "--listen 127.0.0.1:0 --upstream kredibel=http://127.0.0.1:9/kredibel \
             --upstream=iluma=https://api.iluma.ai --report r.jsonl --record rec",
        ))
        .unwrap()
        .unwrap();
        assert_eq!(options.listen.port(), 0);
        assert_eq!(options.upstreams.len(), 2);
        assert_eq!(options.upstreams[1].base, "https://api.iluma.ai");
        assert_eq!(options.report, Some(PathBuf::from("r.jsonl")));
        assert_eq!(options.record, Some(PathBuf::from("rec")));
        assert!(parse(args("--help")).unwrap().is_none());
        assert!(parse(args("")).unwrap_err().contains("--upstream"));
        let remote = parse(args("--upstream iluma=http://api.iluma.ai")).unwrap_err();
        assert!(remote.contains("use https://"), "{remote}");
        assert!(parse(args("--upstream iluma=https://x --bogus")).is_err());
    }
}
