//! The one reader of the vendor specs in `openapi/`.
//!
//! Every crate of the workspace asks this one for what a spec says: the vendor registry
//! ([`VendorInfo`]: servers per environment, auth scheme, key prefixes), `$ref` resolution,
//! the operation list, the typed vendor extensions ([`extensions`]) and the image-header reader
//! ([`image`]) that checks the specs' image limits, and [`validate`]: values checked against
//! the specs' schemas, the one walk the client and the sandbox share; [`redact`]: a body with its personal data
//! masked, for files that outlive an exchange. Nothing here is generated.
//!
//! It reads a spec as JSON (`build.rs` embeds it so) and depends on `serde_json`, plus `regress`
//! and `memchr` for validation (the default `validate` feature). Reading YAML files into the
//! typed `openapiv3` view is the crate `kyc-spec-load`, for build scripts and tools: kept out,
//! a consumer's build compiles this crate once for its build script and its run time.

mod error;
pub mod example;
mod examples;
pub mod extensions;
pub mod image;
pub mod locate;
mod operation;
pub mod redact;
pub mod refs;
mod replacement;
mod route;
mod scenario;
mod spec;
pub mod structure;
#[cfg(feature = "validate")]
pub mod validate;
mod vendor;

pub use error::{SpecError, SpecErrors};
pub use extensions::{Callback, ImageRule, PiiKind};
pub use operation::{Operation, Parameter, ParameterLocation, RequestBody};
pub use replacement::{pii_replacement, pii_type, refuses_values_of_its_kind};
pub use scenario::{Scenario, ScenarioError};
pub use spec::{Spec, SpecShapeError, enum_strings, json_type};
pub use vendor::{AuthScheme, Environment, Server, VendorInfo, server_for};
