//! One error type per vendor that a caller can `match` on: [`crate::kredibel::Error`] and
//! [`crate::iluma::Error`], both a [`VendorError`] over the vendor's documented error kinds.
//!
//! The generated methods return [`crate::Error<ErrorBody>`]; `?` (or `.map_err(
//! kredibel::Error::from)`) turns that into the vendor's error, which knows whether the call
//! was billed ([`VendorError::is_charged`], from the docs' tables) and whether sending it again
//! is safe ([`VendorError::is_retryable`]). `Display` and `Debug` never contain personal data,
//! keys, URLs or bodies: they name the kind, status, fields and error id. The vendor's own
//! message, free text that may echo what was sent, is only in [`ApiError::message`] (with
//! digit runs masked), which neither prints.

use std::fmt;

use crate::DecodeError;

/// What a vendor's error kind knows about itself.
pub trait ErrorKind: fmt::Debug + Clone + PartialEq {
    /// The vendor's name, for messages.
    const VENDOR: &'static str;
    /// The kind as the vendor writes it (`no_face_detected`, `RATE_LIMIT_EXCEEDED`).
    fn code(&self) -> String;
    /// Whether the vendor bills a call that ended in this error, by its kind alone (the spec's
    /// `x-charged` on the error codes).
    fn is_charged(&self) -> bool;
    /// Whether the vendor bills any answer with this HTTP status, when the spec says (its
    /// `x-charged` on the 429 and 5XX responses; see `kyc_spec::Spec::status_charged`).
    fn status_charged(status: u16) -> Option<bool>;
    /// Whether the vendor bills any answer of this operation, when the spec says (its
    /// `x-charged` on the operation: `false` for a health check, a balance, a token).
    fn operation_charged(_operation: &str) -> Option<bool> {
        None
    }
}

/// An error body the vendor sent, decoded. `Debug` shows the message's length only.
#[derive(Clone, PartialEq)]
pub struct ApiError<K> {
    /// The documented kind, or the kind's `Unknown` variant.
    pub kind: K,
    /// The HTTP status (`None` only for an `ApiError` built by hand).
    pub status: Option<u16>,
    /// The vendor's id for this error (Kredibel `errorId`), to quote to its support.
    pub error_id: Option<String>,
    /// The vendor's message, with digit runs that could be a NIK or phone number masked. Free
    /// text that may echo a name sent: neither `Display` nor `Debug` shows it.
    pub message: String,
    /// For validation errors: the names of the fields the vendor refused.
    pub fields: Vec<String>,
    /// The operation (`operationId`) that answered with the error, when known.
    pub operation: Option<&'static str>,
}

impl<K: fmt::Debug> fmt::Debug for ApiError<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("kind", &self.kind)
            .field("status", &self.status)
            .field("error_id", &self.error_id)
            .field(
                "message",
                &format_args!("[{} chars]", self.message.chars().count()),
            )
            .field("fields", &self.fields)
            .field("operation", &self.operation)
            .finish()
    }
}

/// An error from a call to one vendor. `Display` and `Debug` show no value, body, header or
/// URL.
#[non_exhaustive]
pub enum VendorError<K> {
    /// The vendor answered with an error.
    Api(ApiError<K>),
    /// Refused before sending: a field breaks a documented limit, or the request could not be
    /// built. Nothing left the machine; nothing was billed.
    Invalid {
        /// The field (JSON path) at fault, when one is named.
        field: Option<String>,
        /// What is wrong: the rule and the value's size or shape, never the value.
        reason: String,
    },
    /// No usable response: connection, TLS, timeout, or a body cut off. The error carries no
    /// URL.
    Transport(reqwest::Error),
    /// A response whose body did not match the spec: the operation, path and what was
    /// expected, and the body for a caller who asks ([`DecodeError::raw_body`]).
    Decode(DecodeError),
    /// A status the spec does not document for this operation.
    UnexpectedStatus(u16),
}

impl<K: ErrorKind> VendorError<K> {
    /// The HTTP status, if a response was received.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api(api) => api.status,
            Self::Decode(decode) => Some(decode.status()),
            Self::UnexpectedStatus(status) => Some(*status),
            Self::Transport(err) => err.status().map(|s| s.as_u16()),
            Self::Invalid { .. } => None,
        }
    }

    /// The documented error kind, when the vendor answered with an error body.
    pub fn kind(&self) -> Option<&K> {
        match self {
            Self::Api(api) => Some(&api.kind),
            _ => None,
        }
    }

    /// The vendor's id for this error, when it gave one.
    pub fn error_id(&self) -> Option<&str> {
        match self {
            Self::Api(api) => api.error_id.as_deref(),
            _ => None,
        }
    }

    /// Whether this call may have been billed, as the specs say: never for an operation
    /// marked free (`x-charged: false` on the operation), else by the status when its response
    /// is marked (`x-charged: false` on 429 and 5XX), else by the error kind (Kredibel charges
    /// `no_face_detected`); a request refused before sending or that never connected costs
    /// nothing. An unknown error kind, a timeout or an undecodable answer count as charged,
    /// because nothing says they were not.
    pub fn is_charged(&self) -> bool {
        match self {
            Self::Api(api) if api.operation.and_then(K::operation_charged) == Some(false) => false,
            Self::Api(api) => api
                .status
                .and_then(K::status_charged)
                .unwrap_or_else(|| api.kind.is_charged()),
            Self::Invalid { .. } => false,
            Self::Transport(err) => !err.is_connect(),
            Self::Decode(decode) => decode.may_be_charged(),
            Self::UnexpectedStatus(status) => K::status_charged(*status).unwrap_or(true),
        }
    }

    /// Whether sending the same request again is safe and may succeed: an answer the spec
    /// says is never billed (429, 5XX), or a connection that failed before the request was
    /// sent.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Transport(err) => err.is_connect(),
            _ => self.status().and_then(K::status_charged) == Some(false),
        }
    }
}

impl<K: ErrorKind> fmt::Display for VendorError<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let vendor = K::VENDOR;
        match self {
            Self::Api(api) => {
                write!(f, "{vendor}: {}", api.kind.code())?;
                if let Some(status) = api.status {
                    write!(f, " (HTTP {status})")?;
                }
                if !api.fields.is_empty() {
                    write!(f, " [fields: {}]", api.fields.join(", "))?;
                }
                if let Some(id) = &api.error_id {
                    write!(f, " [error id {id}]")?;
                }
                Ok(())
            }
            Self::Invalid {
                field: Some(field),
                reason,
            } => {
                write!(f, "{vendor}: refused before sending: {field}: {reason}")
            }
            Self::Invalid {
                field: None,
                reason,
            } => {
                write!(f, "{vendor}: refused before sending: {reason}")
            }
            Self::Transport(err) => write!(f, "{vendor}: {}", crate::call::Transport(err)),
            // It names the vendor itself.
            Self::Decode(decode) => write!(f, "{decode}"),
            Self::UnexpectedStatus(status) => {
                write!(
                    f,
                    "{vendor}: HTTP {status}, a status the spec does not document here"
                )
            }
        }
    }
}

impl<K: ErrorKind> fmt::Debug for VendorError<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api(api) => f.debug_tuple("Api").field(api).finish(),
            Self::Invalid { field, reason } => f
                .debug_struct("Invalid")
                .field("field", field)
                .field("reason", reason)
                .finish(),
            Self::Transport(err) => f
                .debug_tuple("Transport")
                .field(&crate::call::Transport(err).to_string())
                .finish(),
            Self::Decode(decode) => f.debug_tuple("Decode").field(decode).finish(),
            Self::UnexpectedStatus(status) => {
                f.debug_tuple("UnexpectedStatus").field(status).finish()
            }
        }
    }
}

impl<K: ErrorKind> std::error::Error for VendorError<K> {}

/// Masks runs of 8 or more digits (a NIK, a phone number) in text the vendor wrote.
pub(crate) fn mask_digit_runs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= 8 {
            out.push_str(&"*".repeat(run.len()));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// The parts of [`crate::Error`] that do not depend on the vendor's error body.
pub(crate) fn from_generated<B, K: ErrorKind>(
    err: crate::Error<B>,
    api: impl FnOnce(B, u16) -> ApiError<K>,
    lenient: impl FnOnce(&serde_json::Value) -> Option<ApiError<K>>,
) -> VendorError<K> {
    use crate::Error as E;
    match err {
        E::ErrorResponse(response) => {
            let status = response.status().as_u16();
            let operation = response.operation().map(|(_, operation)| operation);
            let mut api = api(response.into_inner(), status);
            api.operation = operation;
            VendorError::Api(api)
        }
        E::InvalidRequest(message) => {
            // The validator writes `field: reason`; builder conversions write a sentence.
            match message.split_once(": ") {
                Some((field, reason)) if !field.contains(' ') => VendorError::Invalid {
                    field: Some(field.to_string()),
                    reason: reason.to_string(),
                },
                _ => VendorError::Invalid {
                    field: None,
                    reason: message,
                },
            }
        }
        E::CommunicationError(err) => VendorError::Transport(err.without_url()),
        // An error body with, say, an error type the spec does not list yet: keep what it
        // says rather than failing to decode it. Only for error statuses: a success body that
        // happens to carry a `message` is not an error.
        E::InvalidResponsePayload(decode) => Some(decode.status())
            .filter(|status| *status >= 400)
            .and_then(|status| {
                let value = serde_json::from_slice(decode.raw_body()).ok()?;
                let mut api = lenient(&value)?;
                api.status = Some(status);
                api.operation = decode.operation();
                Some(VendorError::Api(api))
            })
            .unwrap_or(VendorError::Decode(decode)),
        E::UnexpectedResponse(response) => {
            VendorError::UnexpectedStatus(response.status().as_u16())
        }
    }
}
