//! The sandbox as an axum [`Router`]: Kredibel nested under `/kredibel`, Iluma under `/iluma`,
//! one route per spec operation, and around each operation the layer that counts the request,
//! applies faults and logs the outcome (method, route template, status, time; never a body,
//! a query string or a path parameter, which may carry personal data or tokens).

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{Request, State};
use axum::handler::Handler;
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, on};

use crate::config::{RetryPolicy, SandboxConfig};
use crate::faults::{FAULT_HEADER, FaultAction, Faults};
use crate::ids::Ids;
use crate::iluma::{self, CallbackLog, IlumaState};
use crate::kredibel::{self, KredibelState};
use crate::observe::{RequestLog, UNMATCHED};
use crate::rate_limit::RateLimiter;
use crate::spec::{Spec, Vendor};

/// Everything the handlers share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) ids: Ids,
    pub(crate) requests: RequestLog,
    pub(crate) faults: Faults,
    pub(crate) limiter: RateLimiter,
    pub(crate) callback_retry: RetryPolicy,
    pub(crate) kredibel: KredibelState,
    pub(crate) iluma: IlumaState,
}

/// The state every handler receives.
pub(crate) type AppState = Arc<Shared>;

/// Marks a response whose connection must be closed without sending it (the `drop` fault).
/// The socket server honours it; in-process callers see a 503 carrying this extension.
#[derive(Debug, Clone, Copy)]
pub struct DroppedConnection;

/// A sandbox that is not listening on a socket: its [`Router`] plus the handles tests use to
/// look inside (request counts, callback deliveries).
#[derive(Debug, Clone)]
pub struct SandboxApp {
    router: Router,
    state: AppState,
}

impl SandboxApp {
    /// A sandbox configured with `config`.
    pub fn new(config: SandboxConfig) -> Self {
        let operations = Spec::kredibel()
            .operations()
            .iter()
            .chain(Spec::iluma().operations())
            .map(|op| op.id.as_str())
            .chain(iluma::SANDBOX_OPERATIONS.iter().copied());
        let ids = Ids::new(config.seed, config.clock);
        let iluma = IlumaState::new(&ids);
        let state = Arc::new(Shared {
            requests: RequestLog::new(operations),
            faults: Faults::new(config.faults),
            limiter: RateLimiter::new(config.rate_limit),
            callback_retry: config.callback_retry,
            kredibel: KredibelState::default(),
            iluma,
            ids,
        });
        let router = Router::new()
            .nest(
                Vendor::Kredibel.prefix(),
                vendor_routes(
                    &state,
                    Vendor::Kredibel,
                    kredibel::handler,
                    Vec::new(),
                    kredibel::not_found,
                ),
            )
            .nest(
                Vendor::Iluma.prefix(),
                vendor_routes(
                    &state,
                    Vendor::Iluma,
                    iluma::handler,
                    iluma::sandbox_routes(),
                    iluma::not_found,
                ),
            )
            .fallback(root_not_found)
            .with_state(state.clone());
        Self { router, state }
    }

    /// The router, to serve or to call with `tower::ServiceExt::oneshot`.
    pub fn router(&self) -> Router {
        self.router.clone()
    }

    /// The request counters.
    pub fn requests(&self) -> RequestLog {
        self.state.requests.clone()
    }

    /// The Iluma callback deliveries made so far.
    pub fn callbacks(&self) -> CallbackLog {
        self.state.iluma.callbacks.log()
    }

    /// Registers `url` (`http://...`) as the callback URL of `product`, the name of a callback
    /// the spec declares ([`crate::declared_callbacks`]), as
    /// `POST /iluma/_sandbox/callback_urls/{product}` does.
    pub fn set_callback_url(
        &self,
        product: &str,
        url: &str,
    ) -> Result<(), iluma::CallbackUrlError> {
        self.state.iluma.callbacks.set_url(product, url)
    }

    /// The token Iluma callbacks carry in `X-CALLBACK-TOKEN` (what
    /// `GET /iluma/v1/callback/authentication_tokens` answers).
    pub fn callback_token(&self) -> String {
        self.state.iluma.callback_token().to_string()
    }
}

/// What identifies an operation to the layer around it.
#[derive(Debug, Clone)]
pub(crate) struct OperationContext {
    pub(crate) app: AppState,
    pub(crate) vendor: Vendor,
    pub(crate) operation: &'static str,
}

/// One route per operation of `vendor`'s spec, plus the vendor's sandbox-only routes. An
/// operation without a handler is a bug that the crate's tests catch
/// (`every_spec_operation_is_served`); it answers 501 meanwhile.
fn vendor_routes<H, T>(
    state: &AppState,
    vendor: Vendor,
    handler: fn(&str) -> Option<MethodRouter<AppState>>,
    extra: Vec<(&'static str, &'static str, MethodRouter<AppState>)>,
    not_found: H,
) -> Router<AppState>
where
    H: Handler<T, AppState> + Clone,
    T: 'static,
{
    let layered = |operation: &'static str, route: MethodRouter<AppState>| {
        let context = OperationContext {
            app: state.clone(),
            vendor,
            operation,
        };
        route.layer(middleware::from_fn_with_state(context, around_operation))
    };
    let mut router = Router::new();
    for operation in Spec::of(vendor).operations() {
        let Ok(filter) = MethodFilter::try_from(operation.method.clone()) else {
            continue;
        };
        let route = handler(&operation.id)
            .unwrap_or_else(|| on(filter, || async { StatusCode::NOT_IMPLEMENTED }));
        router = router.route(&operation.path, layered(operation.id.as_str(), route));
    }
    for (operation, path, route) in extra {
        router = router.route(path, layered(operation, route));
    }
    router
        .fallback(not_found.clone())
        .method_not_allowed_fallback(not_found)
}

/// Counts, injects faults, runs the operation, logs.
pub(crate) async fn around_operation(
    State(context): State<OperationContext>,
    request: Request,
    next: Next,
) -> Response {
    let OperationContext {
        app,
        vendor,
        operation,
    } = context;
    app.requests.record(operation);
    let started = Instant::now();
    let header = request
        .headers()
        .get(FAULT_HEADER)
        .map(|v| v.to_str().unwrap_or("\u{fffd}"));
    let response = match app.faults.plan(operation, header) {
        Err(error) => match vendor {
            Vendor::Kredibel => kredibel::errors::bad_sandbox_header(&error.to_string()),
            Vendor::Iluma => iluma::errors::bad_sandbox_header(FAULT_HEADER, &error.to_string()),
        },
        Ok(injection) => {
            if !injection.latency.is_zero() {
                tokio::time::sleep(injection.latency).await;
            }
            match injection.action {
                None => next.run(request).await,
                Some(FaultAction::Status(status)) => match vendor {
                    Vendor::Kredibel => kredibel::errors::for_status(status),
                    Vendor::Iluma => iluma::errors::for_status(status),
                },
                Some(FaultAction::Drop) => {
                    let mut response = StatusCode::SERVICE_UNAVAILABLE.into_response();
                    response.extensions_mut().insert(DroppedConnection);
                    response
                }
            }
        }
    };
    tracing::debug!(
        vendor = ?vendor,
        operation,
        status = response.status().as_u16(),
        elapsed_us = started.elapsed().as_micros() as u64,
        "request"
    );
    response
}

async fn root_not_found(State(app): State<AppState>) -> Response {
    app.requests.record(UNMATCHED);
    (
        StatusCode::NOT_FOUND,
        axum::Json(serde_json::json!({
            "message": "Not found. The sandbox serves Kredibel under /kredibel and Iluma under /iluma."
        })),
    )
        .into_response()
}
