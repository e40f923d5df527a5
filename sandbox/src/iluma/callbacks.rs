//! Iluma callbacks: results delivered by `POST` to a URL registered per product, with the
//! token header (the value `GET /v1/callback/authentication_tokens` returns), and retried
//! with a doubling backoff when the receiver fails.
//!
//! What is sent comes from the spec: `openapi/iluma.yaml` declares a `callbacks` entry on each
//! operation whose result Iluma delivers ([`declared_callbacks`]): its name is the product a
//! URL is registered under, the payload schema is the operation's own response (so the
//! sandbox sends the resource it answered, as JSON), and the header name is the declared one.
//! The retry policy is the sandbox's choice ([`RetryPolicy`]): the vendor documents none.
//!
//! Registering is sandbox-only (the real vendor does it through its dashboard and support):
//! `POST /iluma/_sandbox/callback_urls/{product}` with `{"url": "http://..."}`, or
//! [`SandboxApp::set_callback_url`](crate::SandboxApp::set_callback_url); `DELETE` on the same
//! path unregisters. Deliveries go over plain HTTP: the sandbox calls receivers on the local
//! machine, and needs no TLS stack for that.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderName, Method, Uri, header};
use axum::response::{IntoResponse, Response};
use http_body_util::Full;
use hyper_util::rt::TokioIo;
use serde::{Deserialize, Serialize};
use tokio::net::TcpStream;
use tokio::sync::Notify;

use super::{accept, errors};
use crate::app::AppState;
use crate::body;
use crate::config::RetryPolicy;

/// Deliveries kept in the log before the oldest are forgotten.
const MAX_LOGGED: usize = 1_000;

/// A callback the spec declares, as the sandbox sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredCallback {
    /// The callback's name, which is the product its URL is registered under
    /// (`individual_cft_peps`, `entity_cft_peps`, `id_card_verifications`).
    pub name: String,
    /// The operation whose result it delivers (`screen_individual`, ...).
    pub operation_id: String,
    /// The payload's schema: the operation's `200` body.
    pub payload_schema: String,
    /// The header that carries the token, as the spec writes it (`X-CALLBACK-TOKEN`).
    pub token_header: String,
}

/// Every callback `openapi/iluma.yaml` declares, in the spec's order.
pub fn declared_callbacks() -> &'static [DeclaredCallback] {
    static DECLARED: OnceLock<Vec<DeclaredCallback>> = OnceLock::new();
    DECLARED.get_or_init(|| {
        crate::spec::iluma()
            .operations()
            .iter()
            .flat_map(|operation| {
                operation.callbacks.iter().filter_map(|callback| {
                    Some(DeclaredCallback {
                        name: callback.name.clone(),
                        operation_id: operation.id.clone(),
                        payload_schema: callback.payload_schema.clone()?,
                        token_header: callback.headers.first()?.clone(),
                    })
                })
            })
            .collect()
    })
}

/// The declared callback named `name`.
fn declared(name: &str) -> Option<&'static DeclaredCallback> {
    declared_callbacks().iter().find(|c| c.name == name)
}

/// A callback URL the sandbox cannot deliver to, or a product the spec declares no callback
/// for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("callback URL: {0}")]
pub struct CallbackUrlError(&'static str);

/// One delivery, after its last try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackDelivery {
    /// The callback's name (the product it was registered under).
    pub product: String,
    /// The operation whose result it delivered.
    pub operation_id: String,
    /// Where it was sent.
    pub url: String,
    /// The id of the delivered resource (`cftpi_...`, `idvr_...`).
    pub resource_id: String,
    /// Tries made.
    pub attempts: u32,
    /// Whether a try got a 2XX.
    pub delivered: bool,
    /// The status of the last try, if the receiver answered at all.
    pub last_status: Option<u16>,
}

/// The deliveries made so far, shared with every clone.
#[derive(Debug, Clone, Default)]
pub struct CallbackLog {
    inner: Arc<LogInner>,
}

#[derive(Debug, Default)]
struct LogInner {
    deliveries: Mutex<VecDeque<CallbackDelivery>>,
    changed: Notify,
}

impl CallbackLog {
    /// Every finished delivery, oldest first.
    pub fn deliveries(&self) -> Vec<CallbackDelivery> {
        self.lock().iter().cloned().collect()
    }

    /// Waits until at least `count` deliveries have finished, or `timeout`; returns them.
    pub async fn wait_for(&self, count: usize, timeout: Duration) -> Vec<CallbackDelivery> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let changed = self.inner.changed.notified();
            let deliveries = self.deliveries();
            if deliveries.len() >= count {
                return deliveries;
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                return self.deliveries();
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<CallbackDelivery>> {
        self.inner
            .deliveries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn push(&self, delivery: CallbackDelivery) {
        {
            let mut deliveries = self.lock();
            if deliveries.len() >= MAX_LOGGED {
                deliveries.pop_front();
            }
            deliveries.push_back(delivery);
        }
        self.inner.changed.notify_waiters();
    }
}

/// The registered URLs, the token and the delivery log.
#[derive(Debug)]
pub(crate) struct Callbacks {
    token: String,
    /// Registered URLs, by callback name.
    urls: Mutex<HashMap<&'static str, Uri>>,
    log: CallbackLog,
}

impl Callbacks {
    pub(crate) fn new(token: String) -> Self {
        Self {
            token,
            urls: Mutex::default(),
            log: CallbackLog::default(),
        }
    }

    pub(crate) fn token(&self) -> &str {
        &self.token
    }

    pub(crate) fn log(&self) -> CallbackLog {
        self.log.clone()
    }

    fn urls(&self) -> std::sync::MutexGuard<'_, HashMap<&'static str, Uri>> {
        self.urls
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn set_url(&self, product: &str, url: &str) -> Result<(), CallbackUrlError> {
        let Some(callback) = declared(product) else {
            return Err(CallbackUrlError(
                "the spec declares no callback of that name",
            ));
        };
        let uri: Uri = url
            .parse()
            .map_err(|_| CallbackUrlError("not a valid URL"))?;
        if uri.scheme_str() != Some("http") {
            return Err(CallbackUrlError(
                "the sandbox delivers over http:// only (receivers run locally)",
            ));
        }
        if uri.host().is_none_or(str::is_empty) {
            return Err(CallbackUrlError("no host"));
        }
        self.urls().insert(&callback.name, uri);
        Ok(())
    }

    fn remove_url(&self, product: &str) -> bool {
        self.urls().remove(product).is_some()
    }

    /// Delivers `resource`, the `200` body `operation_id` answered, to the URL of each callback
    /// the operation declares that has one registered, in the background.
    pub(crate) fn deliver<T: Serialize>(
        &self,
        operation_id: &str,
        resource_id: &str,
        resource: &T,
        policy: RetryPolicy,
    ) {
        for callback in declared_callbacks()
            .iter()
            .filter(|c| c.operation_id == operation_id)
        {
            let Some(uri) = self.urls().get(callback.name.as_str()).cloned() else {
                continue;
            };
            let Ok(header) = HeaderName::from_bytes(callback.token_header.as_bytes()) else {
                continue;
            };
            let Ok(payload) = serde_json::to_vec(resource) else {
                return;
            };
            self.send(
                callback,
                Target { uri, header },
                Bytes::from(payload),
                resource_id,
                policy,
            );
        }
    }

    /// Sends one callback with retries, in a background task, and logs the outcome.
    fn send(
        &self,
        callback: &'static DeclaredCallback,
        target: Target,
        payload: Bytes,
        resource_id: &str,
        policy: RetryPolicy,
    ) {
        let token = self.token.clone();
        let log = self.log.clone();
        let resource_id = resource_id.to_string();
        tokio::spawn(async move {
            let mut backoff = policy.initial_backoff;
            let mut last_status = None;
            let mut attempts = 0;
            let mut delivered = false;
            while attempts < policy.attempts.max(1) {
                if attempts > 0 {
                    tokio::time::sleep(backoff).await;
                    backoff = backoff.saturating_mul(2);
                }
                attempts += 1;
                let outcome = tokio::time::timeout(
                    policy.timeout,
                    post_once(&target, &token, payload.clone()),
                )
                .await;
                if let Ok(Ok(status)) = outcome {
                    last_status = Some(status);
                    if (200..300).contains(&status) {
                        delivered = true;
                        break;
                    }
                }
            }
            tracing::debug!(callback = %callback.name, attempts, delivered, "callback");
            log.push(CallbackDelivery {
                product: callback.name.clone(),
                operation_id: callback.operation_id.clone(),
                url: target.uri.to_string(),
                resource_id,
                attempts,
                delivered,
                last_status,
            });
        });
    }
}

/// Where one callback goes: the registered URL and the spec's token header.
#[derive(Debug)]
struct Target {
    uri: Uri,
    header: HeaderName,
}

/// One `POST` of the callback; the receiver's status.
async fn post_once(target: &Target, token: &str, payload: Bytes) -> Result<u16, String> {
    let uri = &target.uri;
    let host = uri.host().unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port = uri.port_u16().unwrap_or(80);
    let stream = TcpStream::connect((host, port))
        .await
        .map_err(|e| e.to_string())?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(connection);
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let authority = uri.authority().map_or(host, |a| a.as_str());
    let request = hyper::Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::HOST, authority)
        .header(header::CONTENT_TYPE, "application/json")
        .header(&target.header, token)
        .body(Full::new(payload))
        .map_err(|e| e.to_string())?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| e.to_string())?;
    Ok(response.status().as_u16())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Registration {
    url: String,
}

#[derive(Serialize)]
struct Registered<'a> {
    product: &'a str,
    url: Option<&'a str>,
}

/// `POST /_sandbox/callback_urls/{product}` with `{"url": "http://..."}`.
pub(crate) async fn set_url(
    State(app): State<AppState>,
    Path(product): Path<String>,
    request: Request,
) -> Response {
    if let Err(response) = accept(&app, request.headers(), "", &[]) {
        return *response;
    }
    let Some(callback) = declared(&product) else {
        return errors::not_found();
    };
    let (parts, request_body) = request.into_parts();
    let bytes = match body::read_limited(request_body, &parts.headers, 4096).await {
        Ok(bytes) => bytes,
        Err(_) => return errors::invalid_field("body", "The body could not be read."),
    };
    let Ok(registration) = serde_json::from_slice::<Registration>(&bytes) else {
        return errors::invalid_field("url", "Send {\"url\": \"http://...\"}.");
    };
    match app
        .iluma
        .callbacks
        .set_url(&callback.name, &registration.url)
    {
        Ok(()) => Json(Registered {
            product: &callback.name,
            url: Some(&registration.url),
        })
        .into_response(),
        Err(error) => errors::invalid_field("url", &error.to_string()),
    }
}

/// `DELETE /_sandbox/callback_urls/{product}`.
pub(crate) async fn remove_url(
    State(app): State<AppState>,
    Path(product): Path<String>,
    headers: axum::http::HeaderMap,
) -> Response {
    if let Err(response) = accept(&app, &headers, "", &[]) {
        return *response;
    }
    match declared(&product) {
        Some(callback) if app.iluma.callbacks.remove_url(&callback.name) => Json(Registered {
            product: &callback.name,
            url: None,
        })
        .into_response(),
        _ => errors::not_found(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_declared_callback_delivers_its_operations_response() {
        let declared = declared_callbacks();
        let spec = crate::spec::iluma();
        let in_spec: usize = spec
            .document()
            .pointer("/paths")
            .and_then(serde_json::Value::as_object)
            .into_iter()
            .flatten()
            .flat_map(|(_, item)| item.as_object().into_iter().flatten())
            .filter_map(|(_, op)| op.get("callbacks")?.as_object())
            .map(serde_json::Map::len)
            .sum();
        assert_eq!(
            declared.len(),
            in_spec,
            "a callback the sandbox cannot read"
        );
        assert!(!declared.is_empty());
        let kyc = spec;
        for callback in declared {
            // The sandbox sends the resource it answered: the payload must be that schema.
            let response = kyc
                .operation(&callback.operation_id)
                .and_then(|op| {
                    let key = kyc.response_key(&op.id, 200)?;
                    kyc.operation_node(op)
                        .get("responses")?
                        .get(key)?
                        .pointer("/content/application~1json/schema/$ref")
                })
                .and_then(serde_json::Value::as_str);
            assert_eq!(
                response,
                Some(format!("#/components/schemas/{}", callback.payload_schema).as_str()),
                "{}: the callback payload is not the operation's 200 body; build it in deliver()",
                callback.name
            );
            assert_eq!(callback.token_header, "X-CALLBACK-TOKEN");
        }
    }

    #[test]
    fn only_declared_products_take_a_url() {
        let callbacks = Callbacks::new("t".into());
        assert!(
            callbacks
                .set_url("individual_cft_peps", "http://127.0.0.1:9/hook")
                .is_ok()
        );
        assert_eq!(
            callbacks.set_url("nothing", "http://127.0.0.1:9/hook"),
            Err(CallbackUrlError(
                "the spec declares no callback of that name"
            ))
        );
        assert!(callbacks.remove_url("individual_cft_peps"));
        assert!(!callbacks.remove_url("individual_cft_peps"));
    }
}
