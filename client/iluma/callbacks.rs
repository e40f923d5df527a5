//! Receiving Iluma callbacks safely. Written by hand; the payload types are the generated ones.
//!
//! Iluma delivers results by `POST`ing them to a URL registered per product, with the header
//! `X-CALLBACK-TOKEN` set to the token that
//! [`get_callback_authentication_token`](super::Client::get_callback_authentication_token)
//! returns. A receiver must check that header before trusting the body, and check it in
//! constant time, so that response timing tells a forger nothing about the token.
//!
//! - [`CallbackVerifier`] holds the expected token (as a [`Secret`]: `Debug` never shows it),
//!   [`verify`](CallbackVerifier::verify)s the header and [`parse`](CallbackVerifier::parse)s
//!   the body into the generated types, as an [`IlumaCallback`].
//! - With the `axum` feature, `router` is a ready receiver: `401` for a missing or wrong
//!   token, `400` for a body that is not a callback, and otherwise whatever the user's async
//!   handler answers (`200` for `()`).
//!
//! **Telling the three callbacks apart.** Iluma registers one URL per product, and the body
//! is the resource itself (the same JSON the API returns), with no envelope naming its kind.
//! Both screening kinds have `cftpi_` ids; KTP verifications have `idvr_` ids. So:
//! - the reliable way is the URL: mount one path per product and parse with
//!   [`CallbackVerifier::parse_as`] (`router` does this for `/{product}`, the product's
//!   [`resource_name`](CallbackKind::resource_name));
//! - [`CallbackVerifier::parse`] (and `router`'s `/`) detect it from the body: an `idvr_` id
//!   is a KTP verification; a `cftpi_` id with a non-null `given_names` (required for
//!   individuals, absent for entities) is an individual screening, otherwise an entity one.
//!
//! **Constant time.** The received value is compared byte by byte with the expected token,
//! cycled to the received length, folding every difference (and whether the lengths differ)
//! into one [`subtle::Choice`]: the time taken depends only on the length of the received
//! value, which its sender already knows, and neither on the expected token's content nor on
//! its length. No hash is needed, so no hashing crate is pulled in.
//!
//! Errors never contain the token, the received header value or the payload: only what kind
//! of problem it is and, for JSON that does not fit, the line and column.
//!
//! ```no_run
//! # async fn run(client: kyc_clients::iluma::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use kyc_clients::iluma::callbacks::{CallbackVerifier, IlumaCallback};
//!
//! let token = client.get_callback_authentication_token().send().await?.into_inner().token;
//! let verifier = CallbackVerifier::new(token)?;
//! # let (headers, body) = (reqwest::header::HeaderMap::new(), Vec::<u8>::new());
//! // In the HTTP handler of the callback URL registered for individual screenings:
//! match verifier.parse(&headers, &body)? {
//!     IlumaCallback::IndividualScreening(screening) => println!("{} results", screening.results.len()),
//!     other => println!("unexpected {:?}", other.kind()),
//! }
//! # Ok(())
//! # }
//! ```

use std::fmt;

use reqwest::header::HeaderMap;
use serde::Deserialize;
use serde::de::IgnoredAny;
use subtle::{ConditionallySelectable as _, ConstantTimeEq as _};

use super::types;
use crate::Secret;

/// The header that carries the callback token (header names are case-insensitive; Iluma
/// writes it `X-CALLBACK-TOKEN`).
pub const CALLBACK_TOKEN_HEADER: &str = "x-callback-token";

/// The products whose results Iluma delivers by callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallbackKind {
    /// Individual CFT + PEP screening: [`types::IndividualScreening`].
    IndividualScreening,
    /// Entity CFT + PEP screening: [`types::EntityScreening`].
    EntityScreening,
    /// KTP biometric verification: [`types::IdCardVerification`].
    IdCardVerification,
}

impl CallbackKind {
    /// Every kind.
    pub const ALL: [Self; 3] = [
        Self::IndividualScreening,
        Self::EntityScreening,
        Self::IdCardVerification,
    ];

    /// The product's resource name in Iluma's paths (`individual_cft_peps`, `entity_cft_peps`,
    /// `id_card_verifications`), which is also the path `router` mounts it on.
    pub fn resource_name(self) -> &'static str {
        match self {
            Self::IndividualScreening => "individual_cft_peps",
            Self::EntityScreening => "entity_cft_peps",
            Self::IdCardVerification => "id_card_verifications",
        }
    }

    /// The kind with this resource name.
    pub fn from_resource_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.resource_name() == name)
    }

    fn describe(self) -> &'static str {
        match self {
            Self::IndividualScreening => "an individual screening",
            Self::EntityScreening => "an entity screening",
            Self::IdCardVerification => "a KTP verification",
        }
    }
}

impl fmt::Display for CallbackKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.resource_name())
    }
}

/// A verified, parsed callback. `Debug` shows the kind, id and status only: the payloads hold
/// names, NIKs and birth dates.
#[derive(Clone)]
pub enum IlumaCallback {
    /// An individual screening's result.
    IndividualScreening(types::IndividualScreening),
    /// An entity screening's result.
    EntityScreening(types::EntityScreening),
    /// A KTP verification's result.
    IdCardVerification(types::IdCardVerification),
}

impl IlumaCallback {
    /// Which product it is.
    pub fn kind(&self) -> CallbackKind {
        match self {
            Self::IndividualScreening(_) => CallbackKind::IndividualScreening,
            Self::EntityScreening(_) => CallbackKind::EntityScreening,
            Self::IdCardVerification(_) => CallbackKind::IdCardVerification,
        }
    }

    /// Iluma's id of the resource (`cftpi_...`, `idvr_...`).
    pub fn id(&self) -> &str {
        match self {
            Self::IndividualScreening(s) => &s.id,
            Self::EntityScreening(s) => &s.id,
            Self::IdCardVerification(v) => &v.id,
        }
    }

    fn status(&self) -> String {
        match self {
            Self::IndividualScreening(s) => s.status.to_string(),
            Self::EntityScreening(s) => s.status.to_string(),
            Self::IdCardVerification(v) => v.status.to_string(),
        }
    }
}

impl fmt::Debug for IlumaCallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IlumaCallback")
            .field("kind", &self.kind())
            .field("id", &self.id())
            .field("status", &self.status())
            .finish_non_exhaustive()
    }
}

/// Checks `X-CALLBACK-TOKEN` against the expected token and parses callbacks. `Debug` never
/// shows the token.
#[derive(Clone)]
pub struct CallbackVerifier {
    token: Secret,
}

impl fmt::Debug for CallbackVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackVerifier")
            .field("token", &self.token)
            .finish()
    }
}

impl CallbackVerifier {
    /// A verifier expecting `token`, the value
    /// [`get_callback_authentication_token`](super::Client::get_callback_authentication_token)
    /// returns. An empty token is refused: it would let any empty header through.
    pub fn new(token: impl Into<Secret>) -> Result<Self, CallbackError> {
        let token = token.into();
        if token.expose().is_empty() {
            return Err(CallbackError::EmptyExpectedToken);
        }
        Ok(Self { token })
    }

    /// Checks that `headers` carry exactly one `X-CALLBACK-TOKEN`, equal to the expected token
    /// (compared in constant time; see the [module docs](self)).
    pub fn verify(&self, headers: &HeaderMap) -> Result<(), CallbackError> {
        let mut values = headers.get_all(CALLBACK_TOKEN_HEADER).iter();
        let Some(value) = values.next() else {
            return Err(CallbackError::MissingToken);
        };
        if values.next().is_some() {
            return Err(CallbackError::DuplicateToken);
        }
        if constant_time_eq(value.as_bytes(), self.token.expose().as_bytes()) {
            Ok(())
        } else {
            Err(CallbackError::WrongToken)
        }
    }

    /// Verifies the token, then parses `body`, telling the kind from the body (see the
    /// [module docs](self)). Prefer [`CallbackVerifier::parse_as`] when the URL says the kind.
    pub fn parse(&self, headers: &HeaderMap, body: &[u8]) -> Result<IlumaCallback, CallbackError> {
        self.verify(headers)?;
        decode(detect_kind(body)?, body)
    }

    /// Verifies the token, then parses `body` as a callback of `kind`.
    pub fn parse_as(
        &self,
        kind: CallbackKind,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<IlumaCallback, CallbackError> {
        self.verify(headers)?;
        decode(kind, body)
    }
}

/// The kind of a callback body, from its `id` prefix and fields (see the
/// [module docs](self)). Reads only those fields.
pub fn detect_kind(body: &[u8]) -> Result<CallbackKind, CallbackError> {
    #[derive(Deserialize)]
    struct Probe {
        #[serde(default)]
        id: Option<String>,
        // Null and absent both read as `None`: entities have no given names.
        #[serde(default)]
        given_names: Option<IgnoredAny>,
    }
    let probe: Probe = serde_json::from_slice(body).map_err(|e| CallbackError::NotJson {
        line: e.line(),
        column: e.column(),
    })?;
    match probe.id.as_deref() {
        Some(id) if id.starts_with("idvr_") => Ok(CallbackKind::IdCardVerification),
        Some(id) if id.starts_with("cftpi_") => Ok(if probe.given_names.is_some() {
            CallbackKind::IndividualScreening
        } else {
            CallbackKind::EntityScreening
        }),
        _ => Err(CallbackError::UnknownKind),
    }
}

fn decode(kind: CallbackKind, body: &[u8]) -> Result<IlumaCallback, CallbackError> {
    let fail = |e: serde_json::Error| {
        if e.is_data() {
            CallbackError::Mismatch {
                kind,
                line: e.line(),
                column: e.column(),
            }
        } else {
            CallbackError::NotJson {
                line: e.line(),
                column: e.column(),
            }
        }
    };
    Ok(match kind {
        CallbackKind::IndividualScreening => {
            IlumaCallback::IndividualScreening(serde_json::from_slice(body).map_err(fail)?)
        }
        CallbackKind::EntityScreening => {
            IlumaCallback::EntityScreening(serde_json::from_slice(body).map_err(fail)?)
        }
        CallbackKind::IdCardVerification => {
            IlumaCallback::IdCardVerification(serde_json::from_slice(body).map_err(fail)?)
        }
    })
}

/// Whether `given` equals `expected`, in time that depends only on `given.len()`.
///
/// Every byte of `given` is compared with the expected byte at the same position, the expected
/// token being cycled when `given` is longer; the index wraps with a constant-time select
/// rather than `%` or a branch. Differences and the length comparison are folded into one
/// [`subtle::Choice`], read once at the end.
fn constant_time_eq(given: &[u8], expected: &[u8]) -> bool {
    if expected.is_empty() {
        // `CallbackVerifier::new` refuses an empty token; this keeps the function total.
        return given.is_empty();
    }
    let mut equal = given.len().ct_eq(&expected.len());
    // `subtle` selects between u64s (not usizes); a slice length always fits one.
    let expected_len = expected.len() as u64;
    let mut at = 0u64;
    for byte in given {
        equal &= byte.ct_eq(&expected[at as usize]);
        let next = at + 1;
        at = u64::conditional_select(&next, &0, next.ct_eq(&expected_len));
    }
    equal.into()
}

/// A callback that was refused, or a verifier that could not be built. The message never
/// contains the token, the received header value or the payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallbackError {
    /// [`CallbackVerifier::new`] was given an empty token.
    EmptyExpectedToken,
    /// No `X-CALLBACK-TOKEN` header.
    MissingToken,
    /// More than one `X-CALLBACK-TOKEN` header.
    DuplicateToken,
    /// An `X-CALLBACK-TOKEN` that is not the expected token.
    WrongToken,
    /// The body is not JSON (or is cut short).
    NotJson {
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
    },
    /// The body's `id` is neither a screening's (`cftpi_`) nor a KTP verification's (`idvr_`).
    UnknownKind,
    /// The body is JSON but not a callback of `kind`: a field is missing or of the wrong type.
    Mismatch {
        /// The kind it was parsed as.
        kind: CallbackKind,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
    },
}

impl CallbackError {
    /// Whether the callback failed authentication (missing, duplicate or wrong token): a
    /// receiver answers `401 Unauthorized`. Otherwise the body was at fault: `400`.
    pub fn is_unauthorized(&self) -> bool {
        matches!(
            self,
            Self::MissingToken | Self::DuplicateToken | Self::WrongToken
        )
    }
}

impl fmt::Display for CallbackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmptyExpectedToken => f.write_str("the expected callback token is empty"),
            Self::MissingToken => f.write_str("the callback has no X-CALLBACK-TOKEN header"),
            Self::DuplicateToken => {
                f.write_str("the callback has more than one X-CALLBACK-TOKEN header")
            }
            Self::WrongToken => {
                f.write_str("the callback's X-CALLBACK-TOKEN is not the expected token")
            }
            Self::NotJson { line, column } => write!(
                f,
                "the callback body is not valid JSON (line {line}, column {column})"
            ),
            Self::UnknownKind => f.write_str(
                "the callback body is no Iluma callback: its `id` starts with neither `cftpi_` (screening) nor `idvr_` (KTP verification)",
            ),
            Self::Mismatch { kind, line, column } => write!(
                f,
                "the callback body is not {}: a field is missing or of the wrong type (line {line}, column {column})",
                kind.describe()
            ),
        }
    }
}

impl std::error::Error for CallbackError {}

#[cfg(feature = "axum")]
pub use receiver::router;

#[cfg(feature = "axum")]
mod receiver {
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
    /// - `/individual_cft_peps`, `/entity_cft_peps`, `/id_card_verifications`: one per product
    ///   (register each as that product's callback URL); the path gives the kind;
    /// - `/`: one URL for every product; the kind is read from the body (see the
    ///   [module docs](super)).
    ///
    /// Each request is [verified](CallbackVerifier::verify): a missing or wrong
    /// `X-CALLBACK-TOKEN` gets `401` and the handler is not called; a body that is not a
    /// callback gets `400`. Otherwise `handler` receives the [`IlumaCallback`], and its output
    /// is the response: `()` answers `200`; a `5XX` makes Iluma retry. The handler runs before
    /// the response is sent, so keep it short (queue the work) to stay within the sender's
    /// timeout.
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
        for kind in CallbackKind::ALL {
            router = router.route(&format!("/{}", kind.resource_name()), route(Some(kind)));
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_eq_is_equality() {
        let token = b"0123456789abcdef";
        assert!(constant_time_eq(token, token));
        assert!(!constant_time_eq(b"0123456789abcdeF", token));
        assert!(!constant_time_eq(b"X123456789abcdef", token));
        assert!(!constant_time_eq(b"0123456789abcde", token), "prefix");
        assert!(!constant_time_eq(b"0123456789abcdef0", token), "longer");
        // The expected token repeated: equal bytes where compared, lengths differ.
        assert!(!constant_time_eq(
            b"0123456789abcdef0123456789abcdef",
            token
        ));
        assert!(!constant_time_eq(b"", token));
        assert!(constant_time_eq(b"", b""));
        assert!(!constant_time_eq(b"a", b""));
    }
}
