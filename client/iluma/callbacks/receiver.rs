//! The axum receiver (feature `axum`): one route per declared callback and one for all.

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use super::{CallbackError, CallbackKind, CallbackVerifier, IlumaCallback};

/// A receiver for Iluma callbacks (feature `axum`), to nest under any prefix.
///
/// Routes, all `POST`:
/// - `/{name}` for each callback the spec declares ([`CallbackKind::name`]:
///   `/individual_cft_peps`, `/entity_cft_peps`, `/id_card_verifications`): register each as
///   that product's callback URL; the path gives the kind;
/// - `/`: one URL for every product; the kind is read from the body (see the
///   [module docs](super)).
///
/// Each request is [verified](CallbackVerifier::verify): a missing or wrong
/// [token header](super::token_header) gets `401` and the handler is not called; a body that
/// is not a callback gets `400`. Otherwise `handler` receives the [`IlumaCallback`], and its
/// output is the response: `()` answers `200`. Anything but a 2XX is a failed delivery, which
/// the spec expects Iluma to retry (the vendor does not document it), so handle repeats by
/// `id`. The handler runs before the response is sent, so keep it short (queue the work) to
/// stay within the sender's timeout.
///
/// ```no_run
/// # async fn run(verifier: kyc_clients::iluma::callbacks::CallbackVerifier) -> std::io::Result<()> {
/// use kyc_clients::iluma::callbacks::{self, IlumaCallback};
///
/// let app = axum::Router::new().nest(
///     "/iluma",
///     callbacks::router(verifier, |callback: IlumaCallback| async move {
///         println!("{} {}", callback.kind(), callback.id());
///     }),
/// );
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
/// axum::serve(listener, app).await
/// # }
/// ```
pub fn router<H, Fut>(verifier: CallbackVerifier, handler: H) -> Router
where
    H: Fn(IlumaCallback) -> Fut + Send + Sync + 'static,
    Fut: Future + Send + 'static,
    Fut::Output: IntoResponse,
{
    let receiver = Arc::new(Receiver { verifier, handler });
    let route = |kind: Option<CallbackKind>| {
        let receiver = Arc::clone(&receiver);
        post(move |headers: HeaderMap, body: Bytes| {
            let receiver = Arc::clone(&receiver);
            async move { receiver.receive(kind, &headers, &body).await }
        })
    };
    let mut router = Router::new().route("/", route(None));
    for kind in CallbackKind::all() {
        router = router.route(&format!("/{}", kind.name()), route(Some(kind)));
    }
    router
}

struct Receiver<H> {
    verifier: CallbackVerifier,
    handler: H,
}

impl<H, Fut> Receiver<H>
where
    H: Fn(IlumaCallback) -> Fut,
    Fut: Future,
    Fut::Output: IntoResponse,
{
    async fn receive(
        &self,
        kind: Option<CallbackKind>,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Response {
        let parsed = match kind {
            Some(kind) => self.verifier.parse_as(kind, headers, body),
            None => self.verifier.parse(headers, body),
        };
        match parsed {
            Ok(callback) => (self.handler)(callback).await.into_response(),
            Err(error) => error.into_response(),
        }
    }
}

impl IntoResponse for CallbackError {
    /// `401` for authentication failures, `400` for bodies, with the message (which holds
    /// neither the token nor the payload) as plain text.
    fn into_response(self) -> Response {
        let status = if self.is_unauthorized() {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::BAD_REQUEST
        };
        (status, self.to_string()).into_response()
    }
}
