//! The sandbox as an axum [`Router`]: each vendor nested under its prefix (`/kredibel`,
//! `/iluma`, and `/<x-vendor>` for a spec added with
//! [`SandboxConfig::with_spec`](crate::SandboxConfig::with_spec)), one route per spec
//! operation, and around each operation the layer that counts the request, applies faults and
//! logs the outcome (method, route template, status, time; never a body, a query string or a
//! path parameter, which may carry personal data or tokens).

use std::str::FromStr;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter};

use crate::config::{RetryPolicy, SandboxConfig};
use crate::faults::{FAULT_HEADER, FaultAction, Faults};
use crate::generic;
use crate::ids::Ids;
use crate::iluma::{self, CallbackLog, IlumaState};
use crate::kredibel::KredibelState;
use crate::observe::{RequestLog, UNMATCHED};
use crate::rate_limit::RateLimiter;
use crate::replay::{Incoming, Replay};
use crate::vendor::{self, Behaviour, Vendor};

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
    pub(crate) replay: Option<Arc<Replay>>,
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
    vendors: Arc<[String]>,
}

impl SandboxApp {
    /// A sandbox configured with `config`: Kredibel and Iluma, then every spec of
    /// [`SandboxConfig::specs`], served generically.
    ///
    /// # Panics
    ///
    /// When two specs name the same vendor (`info.x-vendor`): both would be served under one
    /// prefix.
    pub fn new(config: SandboxConfig) -> Self {
        let mut vendors = vendor::builtin();
        for spec in config.specs {
            let added = Vendor::generic(Arc::new(spec));
            assert!(
                vendors.iter().all(|v| v.name() != added.name()),
                "two specs name the vendor `{}` (info.x-vendor); each vendor needs its own name",
                added.name()
            );
            vendors.push(added);
        }
        let operations = vendors
            .iter()
            .flat_map(|v| v.spec.operations())
            .map(|op| op.id.as_str())
            .chain(vendors.iter().flat_map(|v| {
                v.behaviour
                    .sandbox_routes()
                    .into_iter()
                    .map(|(name, _, _)| name)
            }));
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
            replay: config.replay,
        });
        let served = served(&vendors);
        let mut router = Router::new();
        for vendor in &vendors {
            router = router.nest(&vendor.prefix(), vendor_routes(&state, vendor));
        }
        let router = router
            .fallback(move |State(app): State<AppState>| async move {
                app.requests.record(UNMATCHED);
                (
                    StatusCode::NOT_FOUND,
                    axum::Json(serde_json::json!({
                        "message": format!("Not found. The sandbox serves {served}.")
                    })),
                )
                    .into_response()
            })
            .with_state(state.clone());
        let vendors = vendors.iter().map(|v| v.name().to_string()).collect();
        Self {
            router,
            state,
            vendors,
        }
    }

    /// The vendors served, by name (`info.x-vendor`, also the path prefix), in order.
    pub fn vendors(&self) -> impl Iterator<Item = &str> {
        self.vendors.iter().map(String::as_str)
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
#[derive(Clone)]
pub(crate) struct OperationContext {
    pub(crate) app: AppState,
    /// The vendor's spec, which names it (`info.x-vendor`).
    pub(crate) spec: Arc<kyc_spec::Spec>,
    pub(crate) behaviour: Arc<dyn Behaviour>,
    pub(crate) operation: Arc<str>,
}

/// "Kredibel under /kredibel and Iluma under /iluma", for the root's 404.
fn served(vendors: &[Vendor]) -> String {
    let each: Vec<String> = vendors
        .iter()
        .map(|v| {
            let name = v.name();
            let mut capitalised = name[..1].to_ascii_uppercase();
            capitalised.push_str(&name[1..]);
            format!("{capitalised} under {}", v.prefix())
        })
        .collect();
    match each.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => each.concat(),
    }
}

/// One route per operation of the vendor's spec (its behaviour's handler, else the generic
/// one), plus the behaviour's sandbox-only routes.
fn vendor_routes(state: &AppState, vendor: &Vendor) -> Router<AppState> {
    let layered = |operation: &str, route: MethodRouter<AppState>| {
        let context = OperationContext {
            app: state.clone(),
            spec: vendor.spec.clone(),
            behaviour: vendor.behaviour.clone(),
            operation: operation.into(),
        };
        route.layer(middleware::from_fn_with_state(context, around_operation))
    };
    let mut router = Router::new();
    for operation in vendor.spec.operations() {
        let Some(filter) = Method::from_str(&operation.method)
            .ok()
            .and_then(|m| MethodFilter::try_from(m).ok())
        else {
            continue;
        };
        let route = vendor
            .behaviour
            .handler(&operation.id)
            .unwrap_or_else(|| generic::route(filter, vendor.spec.clone(), &operation.id));
        router = router.route(&operation.path, layered(&operation.id, route));
    }
    for (operation, path, route) in vendor.behaviour.sandbox_routes() {
        router = router.route(path, layered(operation, route));
    }
    let behaviour = vendor.behaviour.clone();
    let not_found = move |State(app): State<AppState>| async move {
        app.requests.record(UNMATCHED);
        behaviour.not_found()
    };
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
        spec,
        behaviour,
        operation,
    } = context;
    let vendor = spec.vendor().name.as_str();
    let operation = &*operation;
    app.requests.record(operation);
    let started = Instant::now();
    let header = request
        .headers()
        .get(FAULT_HEADER)
        .map(|v| v.to_str().unwrap_or("\u{fffd}"));
    let response = match app.faults.plan(operation, header) {
        Err(error) => behaviour.bad_fault_header(operation, &error.to_string()),
        Ok(injection) => {
            if !injection.latency.is_zero() {
                tokio::time::sleep(injection.latency).await;
            }
            match injection.action {
                None => match &app.replay {
                    Some(replay) if replay.concerns(vendor) => {
                        replayed(replay, &spec, operation, &*behaviour, request, next).await
                    }
                    _ => next.run(request).await,
                },
                Some(FaultAction::Status(status)) => behaviour.fault(operation, status),
                Some(FaultAction::Drop) => {
                    let mut response = StatusCode::SERVICE_UNAVAILABLE.into_response();
                    response.extensions_mut().insert(DroppedConnection);
                    response
                }
            }
        }
    };
    tracing::debug!(
        vendor = %vendor,
        operation,
        status = response.status().as_u16(),
        elapsed_us = started.elapsed().as_micros() as u64,
        "request"
    );
    response
}

/// The largest request body read to match it against recordings: above every image limit of
/// the specs (the proxy that recorded reads as much).
const MAX_REPLAYED_BODY: usize = 64 * 1024 * 1024;

/// The recorded answer to a request, else (strict) the vendor's error saying why there is
/// none, else the operation's own answer.
async fn replayed(
    replay: &Replay,
    spec: &kyc_spec::Spec,
    operation_id: &str,
    behaviour: &dyn Behaviour,
    request: Request,
    next: Next,
) -> Response {
    let Some(operation) = spec.operation(operation_id) else {
        return next.run(request).await; // a sandbox-only route
    };
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_REPLAYED_BODY).await else {
        let reason =
            format!("kyc-sandbox --replay: the {operation_id} request body is over 64 MiB");
        return behaviour.not_recorded(operation_id, &reason);
    };
    let path = parts.uri.path();
    let path = path
        .strip_prefix(&format!("/{}", spec.vendor().name))
        .filter(|rest| rest.starts_with('/'))
        .unwrap_or(path);
    let incoming = Incoming {
        path,
        query: parts.uri.query(),
        headers: &parts.headers,
        body: &bytes,
    };
    match replay.answer(spec, operation, &incoming).await {
        Ok(response) => response,
        Err(unmatched) if replay.is_strict() => {
            behaviour.not_recorded(operation_id, &unmatched.reason(operation_id))
        }
        Err(_) => {
            let request = Request::from_parts(parts, axum::body::Body::from(bytes));
            next.run(request).await
        }
    }
}
