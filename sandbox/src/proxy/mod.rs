//! The validating proxy: `kyc-sandbox proxy --upstream kredibel=URL --upstream iluma=URL`.
//!
//! It stands between a client and a vendor (its sandbox, staging, or the offline sandbox) and
//! confronts the specs with the real traffic: a request to `/<vendor>/<path>` goes to
//! `<upstream>/<path>` with its query and headers unchanged (`Host` and the hop-by-hop
//! headers aside), the answer comes back unchanged, and both are checked against the vendor's
//! spec through `kyc-spec` ([`check`]). Each violation is one JSON line of the [`Report`] as
//! soon as it is found; `--record DIR` also writes each exchange, masked, as a fixture
//! (the `record` module).
//!
//! The vendors are the specs' registry (`info.x-vendor`): Kredibel, Iluma, and any spec given
//! with [`ProxyConfig::with_spec`].

pub mod check;
pub mod cli;
pub(crate) mod record;
pub mod report;
mod upstream;

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kyc_spec::Spec;
use kyc_spec::validate::Direction;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use report::{Finding, Report};
pub use upstream::{ForwardError, Upstream, UpstreamError};

use self::check::Problem;
use self::record::{Exchange, Recorder};
use self::upstream::Forwarder;

/// The largest request body the proxy reads: above every image limit of the specs.
const MAX_REQUEST: usize = 64 * 1024 * 1024;

/// What a proxy is started with.
#[derive(Debug)]
pub struct ProxyConfig {
    /// Where each vendor's requests go.
    pub upstreams: Vec<Upstream>,
    /// Where violations are written.
    pub report: Arc<Report>,
    /// Where exchanges are recorded, if anywhere.
    pub record: Option<PathBuf>,
    /// Specs of vendors beyond Kredibel and Iluma.
    pub specs: Vec<Spec>,
}

impl ProxyConfig {
    /// A proxy for `upstreams`, reporting to `report`, recording nothing.
    pub fn new(upstreams: Vec<Upstream>, report: Arc<Report>) -> Self {
        Self {
            upstreams,
            report,
            record: None,
            specs: Vec::new(),
        }
    }

    /// Records each exchange into `dir`.
    pub fn with_record(mut self, dir: impl Into<PathBuf>) -> Self {
        self.record = Some(dir.into());
        self
    }

    /// Knows the vendor of `spec` too (its `info.x-vendor`).
    pub fn with_spec(mut self, spec: Spec) -> Self {
        self.specs.push(spec);
        self
    }
}

/// Why a proxy cannot start.
#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    /// An upstream names a vendor no spec has.
    #[error("--upstream {vendor}: no spec names this vendor (known: {known})")]
    UnknownVendor {
        /// The name given.
        vendor: String,
        /// The vendors the specs name.
        known: String,
    },
    /// Two upstreams for one vendor (or host).
    #[error("--upstream {0} is given twice")]
    Duplicate(String),
    /// An upstream names a host the vendor's spec does not have.
    #[error("--upstream {vendor}.{host}: the spec has no host of that name (its hosts: {known})")]
    UnknownHost {
        /// The vendor.
        vendor: String,
        /// The host name given.
        host: String,
        /// The spec's hosts.
        known: String,
    },
    /// No upstream at all.
    #[error("no --upstream given: name at least one, e.g. --upstream iluma=https://api.iluma.ai")]
    NoUpstream,
    /// An upstream cannot be used.
    #[error(transparent)]
    Upstream(#[from] UpstreamError),
    /// The HTTP client could not be set up.
    #[error(transparent)]
    Forward(#[from] ForwardError),
    /// The recording directory cannot be created.
    #[error("--record: cannot create the directory: {0}")]
    Record(io::Error),
    /// The address cannot be listened on.
    #[error("cannot listen: {0}")]
    Listen(io::Error),
}

/// One vendor the proxy serves.
#[derive(Debug)]
struct Route {
    spec: Arc<Spec>,
    /// The vendor's upstreams: its default one (`host: None`) and any per host.
    upstreams: Vec<Upstream>,
}

impl Route {
    fn vendor(&self) -> &str {
        &self.spec.vendor().name
    }

    /// Where an operation goes: its host's upstream when given, else the vendor's.
    fn upstream(&self, operation: Option<&kyc_spec::Operation>) -> &Upstream {
        let host = operation.and_then(|op| op.host());
        self.upstreams
            .iter()
            .find(|u| host.is_some() && u.host.as_deref() == host)
            .or_else(|| self.upstreams.iter().find(|u| u.host.is_none()))
            .unwrap_or(&self.upstreams[0])
    }
}

#[derive(Debug)]
struct Shared {
    routes: Vec<Route>,
    forwarder: Forwarder,
    report: Arc<Report>,
    recorder: Option<Recorder>,
}

/// A running proxy. Dropping it stops the server.
#[derive(Debug)]
pub struct Proxy {
    local_addr: SocketAddr,
    vendors: Vec<String>,
    report: Arc<Report>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl Proxy {
    /// Starts a proxy on `addr` (`127.0.0.1:0` picks a port).
    pub async fn bind(addr: SocketAddr, config: ProxyConfig) -> Result<Self, ProxyError> {
        let (router, vendors, report) = router(config)?;
        let listener = crate::listen(addr).map_err(ProxyError::Listen)?;
        let local_addr = listener.local_addr().map_err(ProxyError::Listen)?;
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(crate::serve(listener, router, async {
            let _ = stopped.await;
        }));
        Ok(Self {
            local_addr,
            vendors,
            report,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The vendors it serves, in the specs' order.
    pub fn vendors(&self) -> impl Iterator<Item = &str> {
        self.vendors.iter().map(String::as_str)
    }

    /// `http://ADDR/<vendor>` for a vendor it serves.
    pub fn url(&self, vendor: &str) -> Option<String> {
        self.vendors
            .iter()
            .any(|v| v == vendor)
            .then(|| format!("http://{}/{vendor}", self.local_addr))
    }

    /// The report it writes to.
    pub fn report(&self) -> &Arc<Report> {
        &self.report
    }

    /// Stops accepting, lets in-flight exchanges finish, waits for the server to end.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The proxy's router, the vendors it serves (the specs' order) and its report.
pub fn router(config: ProxyConfig) -> Result<(Router, Vec<String>, Arc<Report>), ProxyError> {
    if config.upstreams.is_empty() {
        return Err(ProxyError::NoUpstream);
    }
    let specs: Vec<Arc<Spec>> = [
        crate::spec::kredibel().clone(),
        crate::spec::iluma().clone(),
    ]
    .into_iter()
    .chain(config.specs.into_iter().map(Arc::new))
    .collect();
    let known = || {
        specs
            .iter()
            .map(|s| s.vendor().name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    for (i, upstream) in config.upstreams.iter().enumerate() {
        let Some(spec) = specs.iter().find(|s| s.vendor().name == upstream.vendor) else {
            return Err(ProxyError::UnknownVendor {
                vendor: upstream.vendor.clone(),
                known: known(),
            });
        };
        if let Some(host) = &upstream.host {
            let hosts = spec.hosts();
            if !hosts.iter().any(|(name, _)| name == host) {
                return Err(ProxyError::UnknownHost {
                    vendor: upstream.vendor.clone(),
                    host: host.clone(),
                    known: hosts.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", "),
                });
            }
        }
        if config.upstreams[..i]
            .iter()
            .any(|u| u.vendor == upstream.vendor && u.host == upstream.host)
        {
            let name = match &upstream.host {
                Some(host) => format!("{}.{host}", upstream.vendor),
                None => upstream.vendor.clone(),
            };
            return Err(ProxyError::Duplicate(name));
        }
    }
    let routes: Vec<Route> = specs
        .into_iter()
        .filter_map(|spec| {
            let upstreams: Vec<Upstream> = config
                .upstreams
                .iter()
                .filter(|u| u.vendor == spec.vendor().name)
                .cloned()
                .collect();
            (!upstreams.is_empty()).then_some(Route { spec, upstreams })
        })
        .collect();
    let vendors = routes.iter().map(|r| r.vendor().to_string()).collect();
    let recorder = match &config.record {
        Some(dir) => Some(Recorder::new(dir).map_err(ProxyError::Record)?),
        None => None,
    };
    let shared = Arc::new(Shared {
        routes,
        forwarder: Forwarder::new()?,
        report: config.report.clone(),
        recorder,
    });
    let router = Router::new().fallback(handle).with_state(shared);
    Ok((router, vendors, config.report))
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path();
    let Some((route, rest)) = shared.routes.iter().find_map(|route| {
        let rest = path.strip_prefix(&format!("/{}", route.vendor()))?;
        (rest.is_empty() || rest.starts_with('/')).then_some((route, rest))
    }) else {
        return message(StatusCode::NOT_FOUND, "no upstream serves this path");
    };
    let body = match axum::body::to_bytes(body, MAX_REQUEST).await {
        Ok(body) => body,
        Err(_) => return message(StatusCode::PAYLOAD_TOO_LARGE, "request body over its limit"),
    };
    let spec = &route.spec;
    let vendor = spec.vendor().name.as_str();
    let query = parts.uri.query();
    let operation = spec.find_operation(parts.method.as_str(), rest);
    let (request_problems, read) = match operation {
        Some(op) => check::request(spec, op, &parts.headers, query, &body).await,
        None => (
            vec![Problem {
                pointer: String::new(),
                rule: report::rules::OPERATION.into(),
                decodes: false,
                json_type: None,
            }],
            check::ReadBody::None,
        ),
    };
    let operation_id = operation.map(|op| op.id.as_str());
    shared.report.exchange(vendor, operation_id);
    let uri = match route.upstream(operation).uri(rest, query) {
        Ok(uri) => uri,
        Err(_) => {
            return message(
                StatusCode::BAD_REQUEST,
                "the request path cannot be forwarded",
            );
        }
    };
    let findings = |status: u16, direction: Direction, problems: &[Problem]| -> Vec<Finding> {
        problems
            .iter()
            .map(|p| {
                let (pointer, rule) = (p.pointer.as_str(), p.rule.as_str());
                Finding::new(
                    vendor,
                    operation_id,
                    direction,
                    status,
                    pointer,
                    rule,
                    p.decodes,
                )
                .with_json_type(p.json_type)
            })
            .collect()
    };
    let answer = shared
        .forwarder
        .send(parts.method.clone(), uri, &parts.headers, body.clone())
        .await;
    let response = match answer {
        Ok(response) => response,
        Err(error) => {
            tracing::warn!(vendor, operation = operation_id, %error, "upstream gave no answer");
            shared
                .report
                .write(&findings(502, Direction::Request, &request_problems));
            return message(StatusCode::BAD_GATEWAY, &error.to_string());
        }
    };
    let status = response.status().as_u16();
    let mut all = findings(status, Direction::Request, &request_problems);
    shared.report.write(&all);
    if let Some(op) = operation {
        let problems = check::response(spec, op, status, response.headers(), response.body());
        let found = findings(status, Direction::Response, &problems);
        shared.report.write(&found);
        all.extend(found);
    }
    if let Some(recorder) = &shared.recorder {
        recorder.write(&Exchange {
            spec,
            operation,
            method: parts.method.as_str(),
            path: rest,
            query,
            request_headers: &parts.headers,
            request_body: &read,
            raw_request_body: &body,
            status,
            response_headers: response.headers(),
            response_body: response.body(),
            findings: &all,
        });
    }
    let (mut response_parts, bytes) = response.into_parts();
    response_parts.headers = upstream::end_to_end(&response_parts.headers);
    Response::from_parts(response_parts, Body::from(Bytes::clone(&bytes)))
}

/// The proxy's own answer (no upstream, body over its limit, upstream unreachable).
fn message(status: StatusCode, text: &str) -> Response {
    let mut response = (
        status,
        axum::Json(serde_json::json!({ "message": format!("kyc-sandbox proxy: {text}") })),
    )
        .into_response();
    response.headers_mut().insert(
        header::HeaderName::from_static("x-kyc-proxy"),
        HeaderValue::from_static("1"),
    );
    response
}
