//! Iluma callbacks: results delivered by `POST` to a URL registered per product, with the
//! `X-CALLBACK-TOKEN` header (the value `GET /v1/callback/authentication_tokens` returns), and
//! retried with a doubling backoff when the receiver fails.
//!
//! Registering is sandbox-only (the real vendor does it through its dashboard and support):
//! `POST /iluma/_sandbox/callback_urls/{product}` with `{"url": "http://..."}`, or
//! [`SandboxApp::set_callback_url`](crate::SandboxApp::set_callback_url); `DELETE` on the same
//! path unregisters. Deliveries go over plain HTTP: the sandbox calls receivers on the local
//! machine, and needs no TLS stack for that.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{Method, Uri, header};
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

/// The header that carries the callback token.
pub const CALLBACK_TOKEN_HEADER: &str = "x-callback-token";

/// Deliveries kept in the log before the oldest are forgotten.
const MAX_LOGGED: usize = 1_000;

/// A product whose results are delivered by callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallbackProduct {
    /// Individual CFT + PEP screenings (`individual_cft_peps`).
    IndividualScreening,
    /// Entity CFT + PEP screenings (`entity_cft_peps`).
    EntityScreening,
    /// KTP verifications (`id_card_verifications`).
    IdCardVerification,
}

impl CallbackProduct {
    /// Every product.
    pub const ALL: [Self; 3] = [
        Self::IndividualScreening,
        Self::EntityScreening,
        Self::IdCardVerification,
    ];

    /// The product's name in the registration path: the resource name of its endpoint.
    pub fn name(self) -> &'static str {
        match self {
            Self::IndividualScreening => "individual_cft_peps",
            Self::EntityScreening => "entity_cft_peps",
            Self::IdCardVerification => "id_card_verifications",
        }
    }

    /// The product with this name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }
}

impl fmt::Display for CallbackProduct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A callback URL the sandbox cannot deliver to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("callback URL: {0}")]
pub struct CallbackUrlError(&'static str);

/// One delivery, after its last try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackDelivery {
    /// The product.
    pub product: CallbackProduct,
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
    urls: Mutex<HashMap<CallbackProduct, Uri>>,
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

    fn urls(&self) -> std::sync::MutexGuard<'_, HashMap<CallbackProduct, Uri>> {
        self.urls
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn set_url(
        &self,
        product: CallbackProduct,
        url: &str,
    ) -> Result<(), CallbackUrlError> {
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
        self.urls().insert(product, uri);
        Ok(())
    }

    fn remove_url(&self, product: CallbackProduct) -> bool {
        self.urls().remove(&product).is_some()
    }

    /// Delivers `resource` to the URL of `product`, if one is registered, in the background.
    pub(crate) fn deliver<T: Serialize>(
        &self,
        product: CallbackProduct,
        resource_id: &str,
        resource: &T,
        policy: RetryPolicy,
    ) {
        let Some(uri) = self.urls().get(&product).cloned() else {
            return;
        };
        let Ok(payload) = serde_json::to_vec(resource) else {
            return;
        };
        let token = self.token.clone();
        let log = self.log.clone();
        let resource_id = resource_id.to_string();
        tokio::spawn(async move {
            let payload = Bytes::from(payload);
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
                let outcome =
                    tokio::time::timeout(policy.timeout, post_once(&uri, &token, payload.clone()))
                        .await;
                if let Ok(Ok(status)) = outcome {
                    last_status = Some(status);
                    if (200..300).contains(&status) {
                        delivered = true;
                        break;
                    }
                }
            }
            tracing::debug!(product = %product, attempts, delivered, "callback");
            log.push(CallbackDelivery {
                product,
                url: uri.to_string(),
                resource_id,
                attempts,
                delivered,
                last_status,
            });
        });
    }
}

/// One `POST` of the callback; the receiver's status.
async fn post_once(uri: &Uri, token: &str, payload: Bytes) -> Result<u16, String> {
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
        .header(CALLBACK_TOKEN_HEADER, token)
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
    let Some(product) = CallbackProduct::from_name(&product) else {
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
    match app.iluma.callbacks.set_url(product, &registration.url) {
        Ok(()) => Json(Registered {
            product: product.name(),
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
    match CallbackProduct::from_name(&product) {
        Some(product) if app.iluma.callbacks.remove_url(product) => Json(Registered {
            product: product.name(),
            url: None,
        })
        .into_response(),
        _ => errors::not_found(),
    }
}
