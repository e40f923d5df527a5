//! The one reader of the vendor specs in `openapi/`.
//!
//! Every crate of the workspace asks this one for what a spec says: the vendor registry
//! ([`VendorInfo`]: servers per environment, auth scheme, key prefixes), `$ref` resolution,
//! the operation list, the typed vendor extensions ([`extensions`]) and the image-header reader
//! ([`image`]) that checks the specs' image limits, and [`validate`]: values checked against
//! the specs' schemas, the one walk the client and the sandbox share; [`redact`]: a body with its personal data
//! masked, for files that outlive an exchange. Nothing here is generated.
//!
//! The run-time part reads a spec as JSON (`build.rs` embeds it so) and depends on
//! `serde_json`, plus `regress` and `memchr` for validation (the default `validate` feature);
//! reading YAML files and the typed `openapiv3` view sit behind the `load` feature, for build
//! scripts and tools.

mod error;
pub mod example;
mod examples;
pub mod extensions;
pub mod image;
#[cfg(feature = "load")]
pub mod load;
#[cfg(feature = "load")]
pub mod locate;
mod operation;
pub mod redact;
pub mod refs;
mod replacement;
mod route;
mod scenario;
mod spec;
#[cfg(feature = "load")]
pub mod structure;
#[cfg(feature = "validate")]
pub mod validate;
mod vendor;

pub use error::{SpecError, SpecErrors};
pub use extensions::{Callback, ImageRule, PiiKind};
pub use operation::{Operation, Parameter, ParameterLocation, RequestBody};
pub use replacement::{pii_replacement, refuses_values_of_its_kind};
pub use scenario::{Scenario, ScenarioError};
pub use spec::{Spec, SpecShapeError, enum_strings};
pub use vendor::{AuthScheme, Environment, Server, VendorInfo, server_for};
