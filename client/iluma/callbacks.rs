//! Receiving Iluma callbacks safely. Written by hand; the callbacks and their payload types
//! come from the spec.
//!
//! `openapi/iluma.yaml` declares, on each operation whose result Iluma delivers by callback, an
//! OpenAPI `callbacks` entry: its name (the product's resource name, e.g.
//! `individual_cft_peps`), the payload schema (a generated type in [`types`]), the
//! `X-CALLBACK-TOKEN` header and the expected answer (any 2XX). [`CallbackKind`] is one of
//! those declarations, read from the embedded spec; the header name is the spec's too.
//!
//! Iluma `POST`s each result to the URL registered for its product, with `X-CALLBACK-TOKEN` set
//! to the token that
//! [`get_callback_authentication_token`](super::Client::get_callback_authentication_token)
//! returns. A receiver must check that header before trusting the body, and check it in
//! constant time, so that response timing tells a forger nothing about the token.
//!
//! - [`CallbackVerifier`] holds the expected token (as a [`Secret`]: `Debug` never shows it),
//!   [`verify`](CallbackVerifier::verify)s the header and [`parse`](CallbackVerifier::parse)s
//!   the body into the generated payload type, as an [`IlumaCallback`].
//! - With the `axum` feature, `router` is a ready receiver: `401` for a missing or wrong
//!   token, `400` for a body that is not a callback, and otherwise whatever the user's async
//!   handler answers (`200` for `()`).
//!
//! **Telling the callbacks apart.** Iluma registers one URL per product, and the body is the
//! resource itself (the same JSON the API returns), with no envelope naming its kind. So:
//! - the reliable way is the URL: mount one path per product and parse with
//!   [`CallbackVerifier::parse_as`] (`router` does this for `/{name}`, each
//!   [`CallbackKind::name`]);
//! - [`CallbackVerifier::parse`] (and `router`'s `/`) detect it from the body
//!   ([`detect_kind`]): the candidates are the callbacks whose payload schema's required,
//!   non-nullable properties are all in the body with a value; of several, the one that
//!   requires the most (an individual screening has every required field of an entity
//!   screening, and `given_names` besides).
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
//! let answer = client.get_callback_authentication_token().send().await?.into_inner();
//! // The body's shape is a guess of the spec (`x-undocumented`): `find_token` also finds a
//! // token the vendor names otherwise.
//! let token = answer.find_token().ok_or("no callback token in the answer")?;
//! let verifier = CallbackVerifier::new(token)?;
//! # let (headers, body) = (reqwest::header::HeaderMap::new(), Vec::<u8>::new());
//! // In the HTTP handler of the callback URL registered for individual screenings:
//! match verifier.parse(&headers, &body)? {
//!     IlumaCallback::IndividualScreening(screening) => println!("{} results", screening.results.len()),
//!     other => println!("unexpected {}", other.kind()),
//! }
//! # Ok(())
//! # }
//! ```

mod declared;
#[cfg(feature = "axum")]
mod receiver;

use std::collections::BTreeMap;
use std::fmt;

use reqwest::header::HeaderMap;
use serde::de::IgnoredAny;
use subtle::{ConditionallySelectable as _, ConstantTimeEq as _};

use self::declared::{Declared, declarations};
use super::types;
use crate::Secret;
#[cfg(feature = "axum")]
pub use receiver::router;

/// The header that carries the callback token, as the spec declares it (`X-CALLBACK-TOKEN`;
/// header names are case-insensitive).
pub fn token_header() -> &'static str {
    &declarations().token_header
}

/// One of the callbacks the spec declares: a product whose results Iluma delivers by callback.
/// `Display` and `Debug` show its [name](CallbackKind::name).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CallbackKind(usize);

impl CallbackKind {
    /// Every declared callback, in the spec's order.
    pub fn all() -> impl Iterator<Item = Self> {
        (0..declarations().callbacks.len()).map(Self)
    }

    /// The callback of this name (`individual_cft_peps`, `entity_cft_peps`,
    /// `id_card_verifications`).
    pub fn named(name: &str) -> Option<Self> {
        Self::all().find(|kind| kind.name() == name)
    }

    /// The callback `operation_id` declares (`screen_individual`, ...), if it declares one.
    pub fn of_operation(operation_id: &str) -> Option<Self> {
        Self::all().find(|kind| kind.operation_id() == operation_id)
    }

    fn declared(self) -> &'static Declared {
        &declarations().callbacks[self.0]
    }

    /// The callback's name in the spec: the product's resource name in Iluma's paths, which is
    /// also the path `router` mounts it on.
    pub fn name(self) -> &'static str {
        &self.declared().name
    }

    /// The operation that sends it.
    pub fn operation_id(self) -> &'static str {
        &self.declared().operation_id
    }

    /// Where it is sent: the spec's URL expression (here, a description of the URL registered
    /// for the product).
    pub fn expression(self) -> &'static str {
        &self.declared().expression
    }

    /// The payload's schema, which is also its type in [`types`] (`IndividualScreening`).
    pub fn payload_schema(self) -> &'static str {
        &self.declared().payload_schema
    }
}

impl fmt::Display for CallbackKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Debug for CallbackKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CallbackKind").field(&self.name()).finish()
    }
}

/// [`IlumaCallback`], with one variant per payload type: the variant, the generated type and
/// the spec's schema share one name, which is how a declared callback finds its variant.
macro_rules! payloads {
    ($($(#[$doc:meta])* $name:ident),+ $(,)?) => {
        /// A verified, parsed callback: its payload, as the generated type the spec names.
        /// `Debug` shows the kind, id and status only: the payloads hold names, NIKs and birth
        /// dates.
        #[derive(Clone)]
        #[non_exhaustive]
        pub enum IlumaCallback {
            $($(#[$doc])* $name(types::$name),)+
        }

        impl IlumaCallback {
            /// The payload schema's name (= the generated type's).
            pub fn payload_schema(&self) -> &'static str {
                match self {
                    $(Self::$name(_) => stringify!($name),)+
                }
            }

            /// Iluma's id of the resource (`cftpi_...`, `idvr_...`), as sent.
            pub fn id(&self) -> &str {
                match self {
                    $(Self::$name(payload) => match &payload.id {
                        $crate::Expected::Typed(id) => id.as_str(),
                        $crate::Expected::Raw(id) => id.as_str(),
                    },)+
                }
            }

            fn status(&self) -> String {
                // A KTP verification's `status` is optional (not in the reference's table).
                match self {
                    $(Self::$name(payload) => serde_json::to_value(&payload.status)
                        .ok()
                        .and_then(|status| status.as_str().map(str::to_string))
                        .unwrap_or_else(|| "(none)".into()),)+
                }
            }

            /// Decodes `body` as the payload type named `schema`; `None` for a schema no
            /// variant holds.
            fn decode(schema: &str, body: &[u8]) -> Option<Result<Self, serde_json::Error>> {
                match schema {
                    $(stringify!($name) => Some(serde_json::from_slice(body).map(Self::$name)),)+
                    _ => None,
                }
            }
        }
    };
}

payloads! {
    /// An individual screening's result (`individual_cft_peps`).
    IndividualScreening,
    /// An entity screening's result (`entity_cft_peps`).
    EntityScreening,
    /// A KTP verification's result (`id_card_verifications`).
    IdCardVerification,
}

impl IlumaCallback {
    /// Which declared callback it is: the one whose payload is this variant's type (the spec
    /// gives each callback its own payload schema; a test holds it to that).
    pub fn kind(&self) -> CallbackKind {
        let schema = self.payload_schema();
        CallbackKind::all()
            .find(|kind| kind.payload_schema() == schema)
            .expect("every variant is decoded for a declared callback of its schema")
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

    /// Checks that `headers` carry exactly one [token header](token_header), equal to the
    /// expected token (compared in constant time; see the [module docs](self)).
    pub fn verify(&self, headers: &HeaderMap) -> Result<(), CallbackError> {
        let mut values = headers.get_all(&declarations().token_header_name).iter();
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

    /// Verifies the token, then parses `body` as the payload of `kind`.
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

/// The kind of a callback body, read from which of the declared payloads it can be (see the
/// [module docs](self)). Reads the body's top-level keys and whether each is `null`, nothing
/// else.
pub fn detect_kind(body: &[u8]) -> Result<CallbackKind, CallbackError> {
    // `None` for a `null` value; the values themselves are skipped, not kept.
    let fields: BTreeMap<String, Option<IgnoredAny>> =
        serde_json::from_slice(body).map_err(|e| CallbackError::NotJson {
            line: e.line(),
            column: e.column(),
        })?;
    let has_value = |property: &String| matches!(fields.get(property), Some(Some(_)));
    let candidates: Vec<CallbackKind> = CallbackKind::all()
        .filter(|kind| kind.declared().required.iter().all(has_value))
        .collect();
    // The most specific: the candidate whose required set holds every other candidate's.
    let requires_all_of = |kind: CallbackKind, other: CallbackKind| {
        let required = &kind.declared().required;
        other
            .declared()
            .required
            .iter()
            .all(|p| required.contains(p))
    };
    candidates
        .iter()
        .copied()
        .find(|&kind| {
            candidates.iter().all(|&other| {
                other == kind || (requires_all_of(kind, other) && !requires_all_of(other, kind))
            })
        })
        .ok_or(CallbackError::UnknownKind)
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
    IlumaCallback::decode(kind.payload_schema(), body)
        .ok_or(CallbackError::UnsupportedPayload { kind })?
        .map_err(fail)
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
    /// The body is none of the declared callbacks' payloads: it lacks a required field of each
    /// (or two fit equally well).
    UnknownKind,
    /// The body is JSON but not the payload of `kind`: a field is missing or of the wrong type.
    Mismatch {
        /// The kind it was parsed as.
        kind: CallbackKind,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
    },
    /// The spec declares `kind` with a payload schema [`IlumaCallback`] has no variant for
    /// (this crate's tests refuse such a spec).
    UnsupportedPayload {
        /// The callback.
        kind: CallbackKind,
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
        let header = token_header();
        match self {
            Self::EmptyExpectedToken => f.write_str("the expected callback token is empty"),
            Self::MissingToken => write!(f, "the callback has no {header} header"),
            Self::DuplicateToken => {
                write!(f, "the callback has more than one {header} header")
            }
            Self::WrongToken => write!(f, "the callback's {header} is not the expected token"),
            Self::NotJson { line, column } => write!(
                f,
                "the callback body is not valid JSON (line {line}, column {column})"
            ),
            Self::UnknownKind => {
                f.write_str("the callback body is the payload of none of Iluma's callbacks (")?;
                for (i, kind) in CallbackKind::all().enumerate() {
                    let separator = if i == 0 { "" } else { ", " };
                    write!(f, "{separator}{kind}: {}", kind.payload_schema())?;
                }
                f.write_str("): it lacks a required field of each")
            }
            Self::Mismatch { kind, line, column } => write!(
                f,
                "the callback body is not {} (the `{kind}` payload): a field is missing or of the wrong type (line {line}, column {column})",
                kind.payload_schema()
            ),
            Self::UnsupportedPayload { kind } => write!(
                f,
                "the `{kind}` callback's payload schema {} has no type in this client",
                kind.payload_schema()
            ),
        }
    }
}

impl std::error::Error for CallbackError {}

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

    #[test]
    fn every_declared_payload_has_its_variant_and_its_own_schema() {
        let mut schemas: Vec<&str> = CallbackKind::all()
            .map(CallbackKind::payload_schema)
            .collect();
        assert_eq!(schemas.len(), 3, "individual, entity, KTP");
        for kind in CallbackKind::all() {
            // `{}` fails to decode but is recognised: the variant exists.
            assert!(
                IlumaCallback::decode(kind.payload_schema(), b"{}").is_some(),
                "{kind}: payload {} has no IlumaCallback variant",
                kind.payload_schema()
            );
        }
        schemas.sort_unstable();
        schemas.dedup();
        assert_eq!(
            schemas.len(),
            3,
            "two callbacks share a payload: IlumaCallback::kind needs the kind carried"
        );
    }
}
