//! What happens around every call, for both vendors: the generated code calls the
//! `ClientHooks` implemented in `kredibel` and `iluma`, which forward here.
//!
//! - [`pre`]: refuse a request that breaks the spec's limits (nothing is sent; the check is
//!   `kyc_spec::validate`, shared with the sandbox), then add the credentials if the
//!   operation's `security` asks for them;
//! - [`exec`]: send, retrying only what the spec says is never billed ([`RetryPolicy`]), inside a
//!   `tracing` span per call that records vendor, operation, attempt, status and latency —
//!   never a body, a header value or a URL query.

use std::time::{Duration, Instant};

use kyc_spec::validate::Validator;
use progenitor_client::{Error, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderValue, RETRY_AFTER};
use reqwest::{Request, Response};
use tracing::Instrument as _;

use crate::catalog::Operation;

/// What both vendor modules contain around their generated code: the generated client (with
/// its lint allowances), the catalog, the embedded spec, and the `ClientHooks` that route every
/// call through [`pre`] and [`exec`]. A macro because the `include!` paths must be literals.
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
            use super::types;
            include!(concat!(env!("OUT_DIR"), "/", $vendor, "_catalog.rs"));
        }

        #[doc = concat!("The ", $title, " spec, as the client reads it: embedded by `build.rs` (as JSON, from the")]
        /// same parse that generated the code) and read once, on first use. Servers, auth, key
        /// prefixes, request limits and what is billed all come from here.
        pub fn spec() -> &'static kyc_spec::Spec {
            static SPEC: std::sync::OnceLock<kyc_spec::Spec> = std::sync::OnceLock::new();
            SPEC.get_or_init(|| {
                kyc_spec::Spec::from_json(include_str!(concat!(
                    env!("OUT_DIR"),
                    "/",
                    $vendor,
                    "_spec.json"
                )))
                // kyc-codegen refused the build if the spec lacked what the registry reads.
                .expect("build.rs embeds a spec the registry reads")
            })
        }

        impl progenitor_client::ClientHooks<crate::CallSettings> for Client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> Result<(), progenitor_client::Error<E>> {
                crate::call::pre(&self.inner, request, info)
            }

            async fn exec(
                &self,
                request: reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                use progenitor_client::ClientInfo as _;
                crate::call::exec(self.client(), &self.inner, request, info).await
            }
        }
    };
}
pub(crate) use vendor_client;

/// Which vendor a client talks to; selects its spec and operation catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Vendor {
    #[cfg(feature = "kredibel")]
    Kredibel,
    #[cfg(feature = "iluma")]
    Iluma,
}

impl Vendor {
    pub(crate) fn name(self) -> &'static str {
        match self {
            #[cfg(feature = "kredibel")]
            Vendor::Kredibel => "kredibel",
            #[cfg(feature = "iluma")]
            Vendor::Iluma => "iluma",
        }
    }

    pub(crate) fn operations(self) -> &'static [Operation] {
        match self {
            #[cfg(feature = "kredibel")]
            Vendor::Kredibel => crate::kredibel::catalog::OPERATIONS,
            #[cfg(feature = "iluma")]
            Vendor::Iluma => crate::iluma::catalog::OPERATIONS,
        }
    }

    pub(crate) fn spec(self) -> &'static kyc_spec::Spec {
        match self {
            #[cfg(feature = "kredibel")]
            Vendor::Kredibel => crate::kredibel::spec(),
            #[cfg(feature = "iluma")]
            Vendor::Iluma => crate::iluma::spec(),
        }
    }

    /// Whether the spec says an answer with `status` is never billed (`x-charged: false` on
    /// the 429 and 5XX responses): only such answers are retried.
    pub(crate) fn never_charged(self, status: u16) -> bool {
        self.spec().status_charged(status) == Some(false)
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
}

impl std::fmt::Debug for CallSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallSettings")
            .field("vendor", &self.vendor.name())
            .field("authorization", &"[redacted]")
            .field("retry", &self.retry)
            .finish()
    }
}

/// Before sending: validate against the spec, then authenticate.
// The error type is progenitor's, as the hook's signature requires.
#[allow(clippy::result_large_err)]
pub(crate) fn pre<E>(
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
    if let Some(authorization) = &settings.authorization
        && crate::catalog::requires_auth(settings.vendor.operations(), info.operation_id)
    {
        request
            .headers_mut()
            .insert(AUTHORIZATION, authorization.clone());
    }
    Ok(())
}

/// Sends the request, retrying what the policy allows, inside one span per call.
pub(crate) async fn exec(
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
    send_with_retries(client, settings, request)
        .instrument(span)
        .await
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
        let kind = if err.is_connect() {
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
