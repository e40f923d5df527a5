//! What happens around every call, for both vendors: the generated code calls the
//! [`ClientHooks`] implemented in `kredibel` and `iluma`, which forward here.
//!
//! - [`pre`]: refuse a request that breaks the spec's limits (nothing is sent; the check is
//!   `kyc_spec::validate`, shared with the sandbox), then add the credentials if the
//!   operation's `security` asks for them;
//! - [`exec`]: send, retrying only what the spec says is never billed ([`RetryPolicy`]), inside a
//!   `tracing` span per call that records vendor, operation, attempt, status and latency —
//!   never a body, a header value or a URL query; then read the answer in full, report where
//!   it differs from the spec in ways the client tolerates (`crate::drift`, `kyc.drift`
//!   events), and hand the generated code a response rebuilt without its URL, carrying the
//!   vendor and operation ([`CallContext`]) that its errors name.

use std::time::{Duration, Instant};

use kyc_spec::validate::Validator;
use progenitor_support::{ClientInfo, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderValue, RETRY_AFTER};
use reqwest::{Request, Response};
use tracing::Instrument as _;

use crate::Error;
use crate::catalog::Operation;

/// What a vendor module contains around its generated code: the generated client (with its
/// lint allowances), the catalog, the embedded spec, the vendor's [`Vendor`] handle (`VENDOR`),
/// `Client::connect` (the client of an environment, from the spec's registry entry), and the
/// [`ClientHooks`] that route every call through [`pre`] and [`exec`]. A macro because the
/// `include!` paths must be literals: `$vendor` names the files `build.rs` wrote to `OUT_DIR`
/// (`<vendor>_client.rs`, `<vendor>_catalog.rs`, `<vendor>_spec.json`).
///
/// Exported so that a crate of its own can add a vendor (see [`crate::vendor`]); Kredibel and
/// Iluma use it the same way.
#[macro_export]
macro_rules! vendor_client {
    ($vendor:literal, $title:literal) => {
        mod generated {
            // `unreachable_patterns`: progenitor matches a `4XX` range before an exact `429`;
            // both arms give the same error type, so the later arm is dead, not a lost case.
            #![allow(
                unreachable_patterns,
                missing_docs,
                missing_debug_implementations,
                unreachable_pub,
                unused_imports,
                rust_2018_idioms,
                clippy::all
            )]
            include!(concat!(env!("OUT_DIR"), "/", $vendor, "_client.rs"));
        }

        pub use generated::{Client, builder, types};

        #[doc = concat!("The ", $title, " operations and schemas as data (see [`crate::catalog`]).")]
        pub mod catalog {
            // Named by `decode` and `json_schema`, which only some builds have (features).
            #[allow(unused_imports)]
            use super::types;
            include!(concat!(env!("OUT_DIR"), "/", $vendor, "_catalog.rs"));
        }

        #[doc = concat!("The ", $title, " spec, as the client reads it: embedded by `build.rs` (as JSON, from the")]
        /// same parse that generated the code) and read once, on first use. Servers, auth, key
        /// prefixes, request limits and what is billed all come from here.
        pub fn spec() -> &'static $crate::spec::Spec {
            static SPEC: std::sync::OnceLock<$crate::spec::Spec> = std::sync::OnceLock::new();
            SPEC.get_or_init(|| {
                $crate::spec::Spec::from_json(include_str!(concat!(
                    env!("OUT_DIR"),
                    "/",
                    $vendor,
                    "_spec.json"
                )))
                // kyc-codegen refused the build if the spec lacked what the registry reads.
                .expect("build.rs embeds a spec the registry reads")
            })
        }

        #[doc = concat!("The ", $title, " vendor as the call hooks read it: its spec and operations.")]
        pub const VENDOR: $crate::vendor::Vendor = $crate::vendor::Vendor::new(spec, catalog::OPERATIONS);

        impl Client {
            /// A client for `environment` (the spec's server for it, or the URL given) that
            /// authenticates with `api_key` in the spec's scheme, refusing a key of another
            /// environment when the spec gives key prefixes. The vendor's constructors call it.
            pub fn connect(
                environment: &$crate::Environment,
                api_key: impl Into<$crate::ApiKey>,
                options: &$crate::ClientOptions,
            ) -> Result<Self, $crate::ConfigError> {
                let (base_url, http, settings) =
                    $crate::vendor::connect(VENDOR, environment, api_key, options)?;
                Ok(Self::new_with_client(&base_url, http, settings))
            }
        }

        impl $crate::ClientHooks<$crate::CallSettings> for Client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                info: &$crate::OperationInfo,
            ) -> Result<(), $crate::Error<E>> {
                $crate::vendor::pre(&self.inner, request, info)
            }

            async fn exec(
                &self,
                request: reqwest::Request,
                info: &$crate::OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                use $crate::ClientInfo as _;
                $crate::vendor::exec(self.client(), &self.inner, request, info).await
            }
        }
    };
}

/// The hooks every generated method calls around sending (the generated code names this
/// trait through `progenitor_client`, which is this crate): progenitor's own trait, with this
/// crate's [`Error`] in place of progenitor's. The generated code also implements it, with
/// the defaults, for `&Client`; method lookup picks the vendor modules' impl on `Client`.
// Public for the generated code of a vendor crate (`kyc_clients::vendor`); the futures need
// no `Send` bound beyond what the generated methods already require.
#[allow(async_fn_in_trait)]
pub trait ClientHooks<Inner = ()>
where
    Self: ClientInfo<Inner>,
{
    /// Before sending: may change the request, or refuse it.
    async fn pre<E>(&self, _request: &mut Request, _info: &OperationInfo) -> Result<(), Error<E>> {
        Ok(())
    }

    /// After the answer, before it is decoded.
    async fn post<E>(
        &self,
        _result: &reqwest::Result<Response>,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        Ok(())
    }

    /// Sends the request.
    async fn exec(&self, request: Request, _info: &OperationInfo) -> reqwest::Result<Response> {
        self.client().execute(request).await
    }
}

/// Which call an answer belongs to: put in the rebuilt response's extensions by [`exec`], read
/// back by [`crate::ResponseValue`] and the errors, which name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CallContext {
    pub(crate) vendor: Vendor,
    pub(crate) operation: &'static str,
}

/// A vendor a generated client talks to: its spec (servers, auth, key prefixes, request
/// limits, what is billed) and its operation catalog (which operations carry credentials).
/// Every vendor module has one, `VENDOR`, made by [`vendor_client!`](crate::vendor_client).
#[derive(Clone, Copy)]
pub struct Vendor {
    spec: fn() -> &'static kyc_spec::Spec,
    operations: &'static [Operation],
}

impl Vendor {
    /// The vendor whose spec `spec` returns (read on first use) and whose operations are
    /// `operations` (the generated `catalog::OPERATIONS`).
    pub const fn new(
        spec: fn() -> &'static kyc_spec::Spec,
        operations: &'static [Operation],
    ) -> Self {
        Self { spec, operations }
    }

    /// The name: the spec's `info.x-vendor`.
    pub fn name(self) -> &'static str {
        &self.spec().vendor().name
    }

    /// The operations, as the catalog lists them.
    pub fn operations(self) -> &'static [Operation] {
        self.operations
    }

    /// The spec.
    pub fn spec(self) -> &'static kyc_spec::Spec {
        (self.spec)()
    }

    /// Whether the spec says an answer with `status` is never billed (`x-charged: false` on
    /// the 429 and 5XX responses): only such answers are retried.
    pub(crate) fn never_charged(self, status: u16) -> bool {
        self.spec().status_charged(status) == Some(false)
    }
}

/// Vendors are told apart by name (`info.x-vendor`, unique in a program).
impl PartialEq for Vendor {
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name()
    }
}

impl Eq for Vendor {}

impl std::fmt::Debug for Vendor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Vendor").field(&self.name()).finish()
    }
}

/// When to send a request again. Only failures that the vendors never bill are retried:
/// answers whose response the spec marks `x-charged: false` (429 and 5XX for both vendors)
/// and connection failures before the request went out. A 2XX or any other 4XX may have been billed and is
/// returned as is; so is a timeout after the request was sent, unless
/// [`RetryPolicy::retry_timeouts`] says otherwise.
///
/// Waits grow exponentially with full jitter (a random wait between zero and the cap), and a
/// `Retry-After` header is honoured; the whole call never takes longer than
/// [`RetryPolicy::max_elapsed`] in waits.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 turns retries off.
    pub max_attempts: u32,
    /// The cap on the first wait; each retry doubles it.
    pub initial_backoff: Duration,
    /// The largest cap a wait can have.
    pub max_backoff: Duration,
    /// The most time a call may spend waiting between attempts, in all. A `Retry-After`
    /// longer than what is left ends the retries.
    pub max_elapsed: Duration,
    /// Retry a request that timed out after it was sent. Off by default: the vendor may have
    /// run (and billed) the check before the answer was lost.
    pub retry_timeouts: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_elapsed: Duration::from_secs(30),
            retry_timeouts: false,
        }
    }
}

impl RetryPolicy {
    /// No retries: every call is sent once.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The wait before attempt `attempt + 1` (`attempt` counting from 1), full jitter.
    fn backoff(&self, attempt: u32) -> Duration {
        let cap = self
            .initial_backoff
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(20))
            .min(self.max_backoff);
        cap.mul_f64(fastrand::f64())
    }
}

/// Per-client settings of a call, carried by the generated `Client` as its `inner` value.
/// `Debug` never shows the credentials.
#[derive(Clone)]
pub struct CallSettings {
    pub(crate) vendor: Vendor,
    /// The `Authorization` value (marked sensitive); `None` when the spec declares no scheme.
    pub(crate) authorization: Option<HeaderValue>,
    pub(crate) retry: RetryPolicy,
    /// The base URL of the spec's own host: the generated client's.
    pub(crate) base_url: String,
    /// The base URL of each other host, by its `x-host` name.
    pub(crate) hosts: Vec<(String, String)>,
}

impl CallSettings {
    /// Sends `request` to its operation's host when that is not the spec's own: the generated
    /// code built its URL on the client's base URL.
    fn route(&self, request: &mut Request, operation_id: &str) {
        let Some(host) = self
            .vendor
            .spec()
            .operation(operation_id)
            .and_then(|op| op.host())
        else {
            return;
        };
        let Some((_, base)) = self.hosts.iter().find(|(name, _)| name == host) else {
            return;
        };
        if let Some(rest) = request.url().as_str().strip_prefix(&self.base_url)
            && let Ok(url) = reqwest::Url::parse(&format!("{base}{rest}"))
        {
            *request.url_mut() = url;
        }
    }
}

impl std::fmt::Debug for CallSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallSettings")
            .field("vendor", &self.vendor.name())
            .field("authorization", &"[redacted]")
            .field("retry", &self.retry)
            .field(
                "other_hosts",
                &self.hosts.iter().map(|(name, _)| name).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// Before sending: validate against the spec, then authenticate.
// `Error` holds an unread response and a decoded error body inline, because the generated code
// constructs its variants from them; it is large, as progenitor's was.
#[allow(clippy::result_large_err)]
pub fn pre<E>(
    settings: &CallSettings,
    request: &mut Request,
    info: &OperationInfo,
) -> Result<(), Error<E>> {
    if let Some(body) = request.body().and_then(|b| b.as_bytes())
        // A `Base64Image` holds valid base64 by construction (checked when built from text,
        // encoded here from bytes), so only image headers are read.
        && let Some(violation) = Validator::new(settings.vendor.spec())
            .first_only()
            .trusting_base64()
            .request_json(info.operation_id, body)
            .into_iter()
            .next()
    {
        return Err(Error::InvalidRequest(violation.to_string()));
    }
    warn_if_deprecated(settings, info.operation_id);
    if !settings.hosts.is_empty() {
        settings.route(request, info.operation_id);
    }
    if let Some(authorization) = &settings.authorization
        && crate::catalog::requires_auth(settings.vendor.operations(), info.operation_id)
    {
        request
            .headers_mut()
            .insert(AUTHORIZATION, authorization.clone());
    }
    Ok(())
}

/// One WARN per process and deprecated operation (the spec's `deprecated: true`), the first time
/// it is called: progenitor emits no `#[deprecated]` for operations, so this is how a caller
/// hears of it before the vendor's end date (`x-sunset`, when the spec knows one).
fn warn_if_deprecated(settings: &CallSettings, operation_id: &str) {
    static WARNED: std::sync::Mutex<Vec<(&'static str, String)>> =
        std::sync::Mutex::new(Vec::new());
    let vendor = settings.vendor.name();
    let Some(operation) = settings
        .vendor
        .spec()
        .operation(operation_id)
        .filter(|op| op.deprecated)
    else {
        return;
    };
    let mut warned = WARNED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if warned
        .iter()
        .any(|(v, op)| *v == vendor && op == operation_id)
    {
        return;
    }
    warned.push((vendor, operation_id.to_string()));
    tracing::warn!(
        target: "kyc.deprecated",
        vendor,
        operation = operation_id,
        sunset = operation.sunset.as_deref().unwrap_or("not announced"),
        "the vendor has deprecated this operation; plan to move off it",
    );
}

/// Sends the request, retrying what the policy allows, inside one span per call, and reads
/// the answer in full. The response handed back is rebuilt from its status, headers and body:
/// no URL (its query can hold a single-use token), and the call context (`CallContext`) its errors name.
/// Transport errors lose their URL too.
pub async fn exec(
    client: &reqwest::Client,
    settings: &CallSettings,
    request: Request,
    info: &OperationInfo,
) -> reqwest::Result<Response> {
    let span = tracing::info_span!(
        "kyc.call",
        vendor = settings.vendor.name(),
        operation = info.operation_id,
        attempts = tracing::field::Empty,
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    );
    let call = CallContext {
        vendor: settings.vendor,
        operation: info.operation_id,
    };
    async {
        let response = send_with_retries(client, settings, request).await?;
        rebuild(response, call).await
    }
    .instrument(span)
    .await
    .map_err(reqwest::Error::without_url)
}

/// The answer read in full, checked for drift, and rebuilt without its URL, carrying `call`.
async fn rebuild(mut response: Response, call: CallContext) -> reqwest::Result<Response> {
    let status = response.status();
    let version = response.version();
    let mut headers = std::mem::take(response.headers_mut());
    let mut body = response.bytes().await?;
    let spec = call.vendor.spec();
    crate::drift::report(
        spec,
        call.vendor.name(),
        call.operation,
        status.as_u16(),
        &body,
    );
    if status.is_success()
        && spec.operation_charged(call.operation) == Some(false)
        && serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_err()
    {
        // A free operation (a health check answering `OK`) has no paid result to lose: its
        // body decodes as an empty one, every guessed field absent (a drift event said so).
        body = bytes::Bytes::from_static(b"{}");
        headers.remove(reqwest::header::CONTENT_LENGTH);
        headers.insert(
            reqwest::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    }
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    rebuilt.extensions_mut().insert(call);
    Ok(Response::from(rebuilt))
}

async fn send_with_retries(
    client: &reqwest::Client,
    settings: &CallSettings,
    mut request: Request,
) -> reqwest::Result<Response> {
    let policy = &settings.retry;
    let started = Instant::now();
    let mut waited = Duration::ZERO;
    let mut attempt = 1;
    loop {
        // A body that is a stream cannot be sent twice; such a request is never retried.
        let spare = request.try_clone();
        let sent_at = Instant::now();
        let result = client.execute(request).await;
        let latency_ms = sent_at.elapsed().as_millis() as u64;
        let verdict = Verdict::of(&result, settings);
        match &result {
            Ok(response) => tracing::debug!(
                attempt,
                status = response.status().as_u16(),
                latency_ms,
                "response"
            ),
            Err(err) => {
                tracing::debug!(attempt, latency_ms, error = %Transport(err), "no response")
            }
        }
        let wait = match verdict {
            Verdict::Final => None,
            Verdict::Retry { retry_after } => {
                let wait = retry_after.unwrap_or_else(|| policy.backoff(attempt));
                let in_budget = waited + wait <= policy.max_elapsed;
                (attempt < policy.max_attempts && spare.is_some() && in_budget).then_some(wait)
            }
        };
        let Some(wait) = wait else {
            let span = tracing::Span::current();
            span.record("attempts", attempt);
            span.record("latency_ms", started.elapsed().as_millis() as u64);
            if let Ok(response) = &result {
                span.record("status", response.status().as_u16());
            }
            return result;
        };
        tracing::info!(
            attempt,
            wait_ms = wait.as_millis() as u64,
            "retrying: the vendor does not bill this failure"
        );
        tokio::time::sleep(wait).await;
        waited += wait;
        attempt += 1;
        request = spare.expect("checked above");
    }
}

/// What one attempt's outcome allows.
enum Verdict {
    Final,
    Retry { retry_after: Option<Duration> },
}

impl Verdict {
    fn of(result: &reqwest::Result<Response>, settings: &CallSettings) -> Self {
        match result {
            Ok(response) => {
                let status = response.status();
                // A success or redirect is final without asking the spec.
                let failed = status.is_client_error() || status.is_server_error();
                if failed && settings.vendor.never_charged(status.as_u16()) {
                    Verdict::Retry {
                        retry_after: retry_after(response),
                    }
                } else {
                    Verdict::Final
                }
            }
            // Refused or unreachable before anything was sent: nothing can have been billed.
            Err(err) if err.is_connect() => Verdict::Retry { retry_after: None },
            Err(err) if err.is_timeout() && settings.retry.retry_timeouts => {
                Verdict::Retry { retry_after: None }
            }
            Err(_) => Verdict::Final,
        }
    }
}

/// `Retry-After` in seconds (the HTTP-date form is not used by these vendors).
fn retry_after(response: &Response) -> Option<Duration> {
    let value = response.headers().get(RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// A transport error for logs: its kind only. reqwest's own `Display` includes the URL,
/// whose query can hold a secret (Iluma's single-use API-key token).
pub(crate) struct Transport<'a>(pub(crate) &'a reqwest::Error);

impl std::fmt::Display for Transport<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let err = self.0;
        let kind = if err.is_builder() {
            "the request could not be built"
        } else if err.is_connect() {
            "could not connect"
        } else if err.is_timeout() {
            "timed out"
        } else if err.is_request() {
            "the request failed"
        } else if err.is_body() {
            "the response body failed"
        } else if err.is_decode() {
            "the response could not be decoded"
        } else {
            "transport error"
        };
        f.write_str(kind)
    }
}
