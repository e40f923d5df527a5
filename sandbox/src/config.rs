//! What a sandbox can be configured with at start: rate limit, standing faults, the callback
//! retry policy, the seed and clock that make ids and timestamps reproducible, and specs of
//! further vendors to serve beside Kredibel and Iluma.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use kyc_spec::Spec;

use crate::faults::FaultRule;
use crate::replay::Replay;

/// The configuration of one sandbox. `SandboxConfig::default()` is a well-behaved vendor: no
/// rate limit, no faults, callbacks retried 3 times, fresh ids on every start.
#[derive(Debug, Clone, Default)]
pub struct SandboxConfig {
    /// Requests allowed per API key and window; `None` (the default) is unlimited.
    pub rate_limit: Option<RateLimit>,
    /// Faults applied to every matching request, in addition to the per-request
    /// `x-sandbox-fault` header.
    pub faults: Vec<FaultRule>,
    /// How Iluma callbacks are retried when the receiver fails.
    pub callback_retry: RetryPolicy,
    /// Seed of the id generator: the same seed gives the same ids in the same order. `None`
    /// seeds from the time of start.
    pub seed: Option<u64>,
    /// Where timestamps (`created`, `updated`) come from.
    pub clock: Clock,
    /// Specs of further vendors, each served under `/<info.x-vendor>` from the spec alone (see
    /// [`SandboxConfig::with_spec`]).
    pub specs: Vec<Spec>,
    /// Recordings of real exchanges answered before the scenarios (see
    /// [`SandboxConfig::with_replay`]).
    pub replay: Option<Arc<Replay>>,
}

impl SandboxConfig {
    /// Limits each API key to `rate_limit`.
    pub fn with_rate_limit(mut self, rate_limit: RateLimit) -> Self {
        self.rate_limit = Some(rate_limit);
        self
    }

    /// Adds a standing fault.
    pub fn with_fault(mut self, fault: FaultRule) -> Self {
        self.faults.push(fault);
        self
    }

    /// Sets the callback retry policy.
    pub fn with_callback_retry(mut self, policy: RetryPolicy) -> Self {
        self.callback_retry = policy;
        self
    }

    /// Makes ids reproducible.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Serves `spec` too, under `/<name>` where `name` is its `info.x-vendor`, with no
    /// hand-written behaviour: each operation checks the request against the spec (the
    /// credentials its security asks for, required query and header parameters, the body's
    /// schema and image rules) and answers a documented example — the operation's error
    /// example (401 for credentials, else 400, else its first 4XX) when the request breaks
    /// the spec, else its first 2XX example. Faults, the rate limit and the request counters
    /// apply as to any vendor.
    ///
    /// ```
    /// let spec = kyc_spec::Spec::from_json(r#"{
    ///     "openapi": "3.0.3",
    ///     "info": {"title": "Acme", "version": "1", "x-vendor": "acme"},
    ///     "paths": {"/ping": {"get": {"operationId": "ping", "responses": {
    ///         "200": {"description": "up", "content": {"application/json": {"example": {"up": true}}}}
    ///     }}}}
    /// }"#)?;
    /// let app = kyc_sandbox::SandboxApp::new(kyc_sandbox::SandboxConfig::default().with_spec(spec));
    /// assert_eq!(app.vendors().collect::<Vec<_>>(), ["kredibel", "iluma", "acme"]);
    /// # Ok::<(), kyc_spec::SpecShapeError>(())
    /// ```
    pub fn with_spec(mut self, spec: Spec) -> Self {
        self.specs.push(spec);
        self
    }

    /// Answers a request that matches a recorded exchange (`kyc-sandbox proxy --record DIR`,
    /// loaded with [`Replay::load`]) with the recorded status and body; other requests get the
    /// scenarios, or with [`Replay::strict`] an error in the vendor's error shape naming the
    /// operation and why nothing matched. See [`crate::replay`].
    pub fn with_replay(mut self, replay: Replay) -> Self {
        self.replay = Some(Arc::new(replay));
        self
    }

    /// Stops the clock at `at`: every timestamp is `at`.
    pub fn with_fixed_clock(mut self, at: DateTime<Utc>) -> Self {
        self.clock = Clock::Fixed(at);
        self
    }
}

/// A per-key request budget over a fixed window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed in one window.
    pub requests: u32,
    /// The window's length.
    pub window: Duration,
}

impl RateLimit {
    /// `requests` per second.
    pub fn per_second(requests: u32) -> Self {
        Self {
            requests,
            window: Duration::from_secs(1),
        }
    }

    /// `requests` per minute.
    pub fn per_minute(requests: u32) -> Self {
        Self {
            requests,
            window: Duration::from_secs(60),
        }
    }
}

/// How a failed callback delivery is retried: up to `attempts` tries in all, waiting
/// `initial_backoff`, then twice as long before each next try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in all, the first included (at least 1).
    pub attempts: u32,
    /// The wait before the second try; doubled before each further one.
    pub initial_backoff: Duration,
    /// How long one try may take before it counts as failed.
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            attempts: 3,
            initial_backoff: Duration::from_millis(200),
            timeout: Duration::from_secs(5),
        }
    }
}

/// The source of timestamps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Clock {
    /// The system clock.
    #[default]
    System,
    /// Always this instant (for snapshot tests).
    Fixed(DateTime<Utc>),
}

impl Clock {
    /// The current time by this clock.
    pub fn now(self) -> DateTime<Utc> {
        match self {
            Self::System => Utc::now(),
            Self::Fixed(at) => at,
        }
    }
}
