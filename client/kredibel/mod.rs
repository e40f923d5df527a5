//! Kredibel: electronic-certificate issuance and biometric verification.
//!
//! Generated from `openapi/kredibel.yaml` at compile time: [`Client`], its request builders
//! ([`builder`]) and every request and response type ([`types`]). Written by hand here: the
//! constructors ([`Client::with_api_key`], [`Client::with_options`]) that apply the spec's
//! auth scheme (`Authorization: Bearer <key>`) and servers, the hooks that validate, authenticate, retry and trace every
//! call (see [`crate::RetryPolicy`] and [`crate::ClientOptions`]), and the typed [`Error`].
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use kyc_clients::{Environment, kredibel::{Client, types}};
//!
//! let client = Client::with_api_key(Environment::Sandbox, "my-sandbox-key")?;
//! let issued = client
//!     .issue_certificate()
//!     .body(
//!         types::CertificateIssuanceRequest::builder()
//!             .identity_id("1234567890123456")
//!             .full_name("ASEP SUPRIYADI")
//!             .birth_date("1990-07-06".parse::<chrono::NaiveDate>()?)
//!             .email_address("test@email.com")
//!             .phone_number("621234567890")
//!             .face_image(std::fs::read("selfie.jpg")?)
//!             .identity_image(std::fs::read("ktp.jpg")?),
//!     )
//!     .send()
//!     .await
//!     .map_err(kyc_clients::kredibel::Error::from)?;
//! println!("{:?}: {:?}", issued.data.status, issued.data.reject_fields);
//! # Ok(())
//! # }
//! ```

use crate::config::{ApiKey, ConfigError, Environment};
use crate::error::{ApiError, VendorError};
use crate::transport::ClientOptions;

crate::vendor_client!("kredibel", "Kredibel");

impl Client {
    /// A client for `environment` that authenticates with `api_key`, with the default
    /// [`ClientOptions`] (retries on, 60 s timeout).
    pub fn with_api_key(
        environment: Environment,
        api_key: impl Into<ApiKey>,
    ) -> Result<Self, ConfigError> {
        Self::with_options(environment, api_key, ClientOptions::default())
    }

    /// A client for `environment` (the spec's server for it, see [`spec`]) that authenticates
    /// with `api_key`.
    pub fn with_options(
        environment: Environment,
        api_key: impl Into<ApiKey>,
        options: ClientOptions,
    ) -> Result<Self, ConfigError> {
        Self::connect(&environment, api_key, &options)
    }
}

/// A Kredibel error kind: the documented `errorType`s, and the other documented error shapes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A documented `errorType` (`invalid_base64_encoding`, `image_too_large`,
    /// `no_face_detected`, `request_error`); never [`types::ErrorType::Unknown`], which is
    /// [`ErrorKind::Unknown`].
    Type(types::ErrorType),
    /// The validation shape: `{"errors": {"<field>": [...]}, "message": "Input payload
    /// validation failed."}`; the fields are in [`ApiError::fields`].
    ValidationFailed,
    /// A 401: the API key is missing or not valid.
    Unauthenticated,
    /// An error with a message (and maybe an `errorId`) but no `errorType`.
    Unspecified,
    /// An `errorType` the spec does not list (yet).
    Unknown(String),
}

impl crate::error::ErrorKind for ErrorKind {
    const VENDOR: &'static str = "kredibel";

    fn code(&self) -> String {
        match self {
            ErrorKind::Type(error_type) => error_type.to_string(),
            ErrorKind::ValidationFailed => "validation_failed".into(),
            ErrorKind::Unauthenticated => "unauthenticated".into(),
            ErrorKind::Unspecified => "error".into(),
            ErrorKind::Unknown(code) => code.clone(),
        }
    }

    fn is_charged(&self) -> bool {
        match self {
            // The biometric page's table, read from the spec's `x-charged`.
            ErrorKind::Type(error_type) => spec()
                .charged("ErrorType", error_type.as_str())
                .unwrap_or(true),
            ErrorKind::ValidationFailed | ErrorKind::Unauthenticated => false,
            ErrorKind::Unspecified | ErrorKind::Unknown(_) => true,
        }
    }

    fn status_charged(status: u16) -> Option<bool> {
        spec().status_charged(status)
    }

    fn operation_charged(operation: &str) -> Option<bool> {
        spec().operation_charged(operation)
    }
}

/// Everything a Kredibel call can fail with. `?` converts the generated methods' errors.
pub type Error = VendorError<ErrorKind>;

fn api_error(body: types::KredibelError, status: u16) -> ApiError<ErrorKind> {
    let (kind, error_id, fields) = match body.errors {
        Some(types::KredibelErrorDetails::ErrorReference(reference)) => (
            match reference.error_type {
                // `ErrorType` is open: a type the spec does not list decodes, as `Unknown`.
                Some(error_type) => kind_of(error_type),
                None if status == 401 => ErrorKind::Unauthenticated,
                None => ErrorKind::Unspecified,
            },
            Some(reference.error_id.to_string()),
            Vec::new(),
        ),
        Some(types::KredibelErrorDetails::ValidationErrors(fields)) => (
            ErrorKind::ValidationFailed,
            None,
            fields.0.keys().cloned().collect(),
        ),
        None if status == 401 => (ErrorKind::Unauthenticated, None, Vec::new()),
        None => (ErrorKind::Unspecified, None, Vec::new()),
    };
    ApiError {
        kind,
        status: Some(status),
        error_id,
        message: crate::error::mask_digit_runs(&body.message),
        fields,
        operation: None,
    }
}

/// The kind an `errorType` names: documented, or `Unknown` keeping its text.
fn kind_of(error_type: types::ErrorType) -> ErrorKind {
    match error_type {
        types::ErrorType::Unknown(error_type) => ErrorKind::Unknown(error_type),
        error_type => ErrorKind::Type(error_type),
    }
}

/// An error body that does not decode as `KredibelError` (no `message`, `errors` of another
/// shape, an `errorId` that is not text): keep what it says. The kind comes from `errorType`
/// whatever the other fields look like, so `is_charged` reads the documented table.
fn lenient_api_error(body: &serde_json::Value) -> Option<ApiError<ErrorKind>> {
    let message = body.get("message").and_then(|m| m.as_str());
    let errors = body.get("errors");
    let field = |key: &str| errors.and_then(|e| e.get(key));
    let error_type = field("errorType").and_then(|t| t.as_str());
    if message.is_none() && error_type.is_none() {
        return None;
    }
    Some(ApiError {
        kind: error_type
            .map(|t| kind_of(types::ErrorType::from(t)))
            .unwrap_or(ErrorKind::Unspecified),
        status: None,
        error_id: field("errorId").map(|id| match id.as_str() {
            Some(text) => text.to_string(),
            None => id.to_string(),
        }),
        message: crate::error::mask_digit_runs(message.unwrap_or_default()),
        fields: Vec::new(),
        operation: None,
    })
}

impl From<progenitor_client::Error<types::KredibelError>> for Error {
    fn from(err: progenitor_client::Error<types::KredibelError>) -> Self {
        crate::error::from_generated(err, api_error, lenient_api_error)
    }
}
