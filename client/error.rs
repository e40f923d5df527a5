//! One error type per vendor that a caller can `match` on: [`crate::kredibel::Error`] and
//! [`crate::iluma::Error`], both a [`VendorError`] over the vendor's documented error kinds.
//!
//! The generated methods return `progenitor_client::Error<ErrorBody>`; `?` (or `.map_err(
//! kredibel::Error::from)`) turns that into the vendor's error, which knows whether the call
//! was billed ([`VendorError::is_charged`], from the docs' tables) and whether sending it again
//! is safe ([`VendorError::is_retryable`]). `Display` never contains personal data, keys or
//! URLs: vendor messages are included with long digit runs masked.

use std::fmt;

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
}

/// An error body the vendor sent, decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError<K> {
    /// The documented kind, or the kind's `Unknown` variant.
    pub kind: K,
    /// The HTTP status; `None` only when the body could not be decoded as the spec says.
    pub status: Option<u16>,
    /// The vendor's id for this error (Kredibel `errorId`), to quote to its support.
    pub error_id: Option<String>,
    /// The vendor's message, with digit runs that could be a NIK or phone number masked.
    pub message: String,
    /// For validation errors: the names of the fields the vendor refused.
    pub fields: Vec<String>,
}

/// An error from a call to one vendor.
#[derive(Debug)]
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
    /// No usable response: connection, TLS, timeout, or a body cut off.
    Transport(reqwest::Error),
    /// A response whose body did not match the spec.
    Decode {
        /// The HTTP status, when known.
        status: Option<u16>,
        /// What did not match (from serde; names fields, not values).
        detail: String,
    },
    /// A status the spec does not document for this operation.
    UnexpectedStatus(u16),
}

impl<K: ErrorKind> VendorError<K> {
    /// The HTTP status, if a response was received.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api(api) => api.status,
            Self::Decode { status, .. } => *status,
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

    /// Whether this call may have been billed, as the specs say: by the status when its
    /// response is marked (`x-charged: false` on 429 and 5XX), else by the error kind (Kredibel
    /// charges `no_face_detected`); a request refused before sending or that never connected
    /// costs nothing. An unknown error kind, a timeout or an undecodable answer count as
    /// charged, because nothing says they were not.
    pub fn is_charged(&self) -> bool {
        match self {
            Self::Api(api) => api
                .status
                .and_then(K::status_charged)
                .unwrap_or_else(|| api.kind.is_charged()),
            Self::Invalid { .. } => false,
            Self::Transport(err) => !err.is_connect(),
            Self::Decode { status, .. } => status.and_then(K::status_charged).unwrap_or(true),
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
                write!(f, ": {}", api.message)?;
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
            Self::Decode {
                status: Some(status),
                detail,
            } => write!(
                f,
                "{vendor}: the HTTP {status} answer does not match the spec: {detail}"
            ),
            Self::Decode {
                status: None,
                detail,
            } => {
                write!(f, "{vendor}: the answer does not match the spec: {detail}")
            }
            Self::UnexpectedStatus(status) => {
                write!(
                    f,
                    "{vendor}: HTTP {status}, a status the spec does not document here"
                )
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

/// The parts of `progenitor_client::Error` that do not depend on the vendor's error body.
pub(crate) fn from_generated<B, K: ErrorKind>(
    err: progenitor_client::Error<B>,
    api: impl FnOnce(B, u16) -> ApiError<K>,
    lenient: impl FnOnce(&serde_json::Value) -> Option<ApiError<K>>,
) -> VendorError<K> {
    use progenitor_client::Error as E;
    match err {
        E::ErrorResponse(response) => {
            let status = response.status().as_u16();
            VendorError::Api(api(response.into_inner(), status))
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
        E::CommunicationError(err) | E::ResponseBodyError(err) | E::InvalidUpgrade(err) => {
            VendorError::Transport(err.without_url())
        }
        E::InvalidResponsePayload(bytes, err) => {
            // An error body with, say, an error type the spec does not list yet: keep what it
            // says rather than failing to decode it.
            serde_json::from_slice::<serde_json::Value>(&bytes)
                .ok()
                .and_then(|value| lenient(&value))
                .map(VendorError::Api)
                .unwrap_or_else(|| VendorError::Decode {
                    status: None,
                    detail: err.to_string(),
                })
        }
        E::UnexpectedResponse(response) => {
            VendorError::UnexpectedStatus(response.status().as_u16())
        }
        E::Custom(message) => VendorError::Invalid {
            field: None,
            reason: message,
        },
    }
}
