//! What every call returns: [`ResponseValue`] on success, [`Error`] otherwise.
//!
//! The generated code reaches its run-time support through the path `progenitor_client`, which
//! in this crate names the crate itself (see `lib.rs`): these two types replace
//! `progenitor_client`'s own, whose `Display` and `Debug` print the raw body of an answer that
//! did not decode and the response (with its URL, whose query can hold a single-use token) of
//! an undeclared status. Here neither ever shows a response body, a header value or a URL:
//! an error says the vendor, the operation, the status, and for a decode failure the JSON path
//! and what was expected ([`DecodeError`]). The body of an answer that did not decode stays
//! reachable, but only by asking for it ([`DecodeError::raw_body`]).

use std::fmt;
use std::ops::{Deref, DerefMut};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use crate::call::CallContext;
use crate::decode::DecodeError;

/// A decoded answer: the body as its generated type, with the status and headers.
///
/// `Debug` shows the body's own `Debug` (personal data in the generated types is redacted by
/// their field types, see [`crate::privacy`]); it never shows the headers.
pub struct ResponseValue<T> {
    inner: T,
    status: StatusCode,
    headers: HeaderMap,
    call: Option<CallContext>,
}

impl<T: DeserializeOwned> ResponseValue<T> {
    /// Decodes an answer the hooks have already read in full (`crate::call::exec`). A body
    /// that does not decode is a [`DecodeError`] naming the path and what was expected.
    // Public for a vendor crate's generated code (`crate::vendor`).
    #[doc(hidden)]
    pub async fn from_response<E>(mut response: reqwest::Response) -> Result<Self, Error<E>> {
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let call = response.extensions().get::<CallContext>().copied();
        let body = response.bytes().await?;
        match serde_json::from_slice(&body) {
            Ok(inner) => Ok(Self {
                inner,
                status,
                headers,
                call,
            }),
            // Decoded a second time, with the path tracked, only on failure: the success path
            // pays nothing for the error message.
            Err(_) => Err(Error::InvalidResponsePayload(DecodeError::new::<T>(
                call, status, body,
            ))),
        }
    }
}

impl<T> ResponseValue<T> {
    /// A value from its parts, for test fixtures.
    pub fn new(inner: T, status: StatusCode, headers: HeaderMap) -> Self {
        Self {
            inner,
            status,
            headers,
            call: None,
        }
    }

    /// The decoded body.
    pub fn into_inner(self) -> T {
        self.inner
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `Content-Length` header, when present and a number.
    pub fn content_length(&self) -> Option<u64> {
        self.headers
            .get(reqwest::header::CONTENT_LENGTH)?
            .to_str()
            .ok()?
            .parse()
            .ok()
    }

    /// The vendor (`kredibel`, `iluma`) and operation id of the call that answered, when it
    /// went through a vendor client.
    pub fn operation(&self) -> Option<(&'static str, &'static str)> {
        self.call.map(|call| (call.vendor.name(), call.operation))
    }
}

impl<T> Deref for ResponseValue<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T> DerefMut for ResponseValue<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.inner
    }
}

impl<T> AsRef<T> for ResponseValue<T> {
    fn as_ref(&self) -> &T {
        &self.inner
    }
}

impl<T: fmt::Debug> fmt::Debug for ResponseValue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

/// Everything a generated (or the hand-written multipart) method can fail with; `E` is the
/// vendor's error body. `?` into [`crate::kredibel::Error`] / [`crate::iluma::Error`] gives the
/// typed error (the kind, whether it was billed, whether to retry).
///
/// `Display` and `Debug` name the vendor, operation, status, field path and rule, never a
/// value: no response body, header value, URL or vendor message. Safe to `?` into
/// `Box<dyn std::error::Error>` and log.
#[non_exhaustive]
pub enum Error<E = ()> {
    /// Refused before sending: a field breaks the spec (`field: rule`, from
    /// `kyc_spec::validate`) or the request could not be built. Nothing was sent.
    InvalidRequest(String),
    /// No usable answer: connection, TLS, timeout, a body cut off. The error carries no URL.
    CommunicationError(reqwest::Error),
    /// A documented error answer, decoded into the vendor's error body. Its `Debug` here shows
    /// the status only; the body is read through [`ResponseValue::into_inner`].
    ErrorResponse(ResponseValue<E>),
    /// An answer whose body does not match the spec.
    InvalidResponsePayload(DecodeError),
    /// An answer with a status the spec does not declare for the operation. Its body is
    /// unread; the response carries no URL.
    UnexpectedResponse(reqwest::Response),
}

impl<E> Error<E> {
    /// The HTTP status, when an answer was received.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::InvalidRequest(_) => None,
            Error::CommunicationError(err) => err.status(),
            Error::ErrorResponse(value) => Some(value.status()),
            Error::InvalidResponsePayload(decode) => StatusCode::from_u16(decode.status()).ok(),
            Error::UnexpectedResponse(response) => Some(response.status()),
        }
    }

    /// `(vendor, operation id)` of the call, when known.
    fn call(&self) -> Option<CallContext> {
        match self {
            Error::ErrorResponse(value) => value.call,
            Error::UnexpectedResponse(response) => {
                response.extensions().get::<CallContext>().copied()
            }
            Error::InvalidRequest(_)
            | Error::CommunicationError(_)
            | Error::InvalidResponsePayload(_) => None,
        }
    }
}

impl<E> From<reqwest::Error> for Error<E> {
    fn from(err: reqwest::Error) -> Self {
        // A request that could not be built, or a transport failure: either way the URL (and
        // its query) goes.
        Error::CommunicationError(err.without_url())
    }
}

impl<E> From<reqwest::header::InvalidHeaderValue> for Error<E> {
    fn from(_: reqwest::header::InvalidHeaderValue) -> Self {
        Error::InvalidRequest("a header parameter is not a valid HTTP header value".into())
    }
}

impl<E> From<std::convert::Infallible> for Error<E> {
    fn from(never: std::convert::Infallible) -> Self {
        match never {}
    }
}

/// `vendor operation: ` before a message, when the call is known.
struct Prefix(Option<CallContext>);

impl fmt::Display for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(call) => write!(f, "{} {}: ", call.vendor.name(), call.operation),
            None => Ok(()),
        }
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix = Prefix(self.call());
        match self {
            Error::InvalidRequest(reason) => {
                write!(f, "refused before sending (nothing sent): {reason}")
            }
            Error::CommunicationError(err) => write!(f, "{}", crate::call::Transport(err)),
            Error::ErrorResponse(value) => write!(
                f,
                "{prefix}the vendor answered HTTP {} with an error (its kind: convert into the vendor's `Error`)",
                value.status().as_u16()
            ),
            Error::InvalidResponsePayload(decode) => decode.fmt(f),
            Error::UnexpectedResponse(response) => write!(
                f,
                "{prefix}HTTP {}, a status the spec does not declare for this operation",
                response.status().as_u16()
            ),
        }
    }
}

impl<E> fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let call = self.call();
        let mut debug = |variant: &str, status: Option<StatusCode>| {
            let mut s = f.debug_struct(variant);
            if let Some(call) = call {
                s.field("vendor", &call.vendor.name())
                    .field("operation", &call.operation);
            }
            if let Some(status) = status {
                s.field("status", &status.as_u16());
            }
            s.finish()
        };
        match self {
            Error::InvalidRequest(reason) => f.debug_tuple("InvalidRequest").field(reason).finish(),
            Error::CommunicationError(err) => f
                .debug_tuple("CommunicationError")
                .field(&crate::call::Transport(err).to_string())
                .finish(),
            Error::ErrorResponse(value) => debug("ErrorResponse", Some(value.status())),
            Error::InvalidResponsePayload(decode) => f
                .debug_tuple("InvalidResponsePayload")
                .field(decode)
                .finish(),
            Error::UnexpectedResponse(response) => {
                debug("UnexpectedResponse", Some(response.status()))
            }
        }
    }
}

impl<E> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            // Without its URL (see `From<reqwest::Error>`), reqwest's chain names what failed.
            Error::CommunicationError(err) => Some(err),
            // Not serde's error: its message quotes the value it choked on.
            _ => None,
        }
    }
}
