//! A vendor the sandbox serves: a spec (`kyc_spec::Spec`, whose `info.x-vendor` name is also
//! the path prefix, `/kredibel`) plus its behaviour.
//!
//! The behaviour is what the spec cannot say: the hand-written handlers that answer a vendor's
//! documented scenarios, its sandbox-only routes, and the bodies of the sandbox's own answers
//! (injected faults, unknown routes). Kredibel and Iluma have one each ([`builtin`]). A spec
//! with none — added with [`SandboxConfig::with_spec`](crate::SandboxConfig::with_spec) — is
//! served by [`Generic`](crate::generic::Generic), from the spec alone; so is any operation a
//! behaviour has no handler for.

use std::fmt;
use std::sync::Arc;

use axum::response::Response;
use axum::routing::MethodRouter;
use kyc_spec::Spec;

use crate::app::AppState;
use crate::{generic, iluma, kredibel, spec};

/// A sandbox-only route: the name the request counters use, the path, the handler.
pub(crate) type SandboxRoute = (&'static str, &'static str, MethodRouter<AppState>);

/// What a vendor does beyond its spec.
pub(crate) trait Behaviour: Send + Sync + 'static {
    /// The hand-written handler of the operation `operation_id`; `None` serves it generically.
    fn handler(&self, operation_id: &str) -> Option<MethodRouter<AppState>>;

    /// Routes the vendor does not have but its sandbox does.
    fn sandbox_routes(&self) -> Vec<SandboxRoute> {
        Vec::new()
    }

    /// The answer to a path or method the vendor does not serve.
    fn not_found(&self) -> Response;

    /// The answer to an injected fault `status` on `operation_id`.
    fn fault(&self, operation_id: &str, status: u16) -> Response;

    /// The answer to an `x-sandbox-fault` header that cannot be parsed (`reason` says why).
    fn bad_fault_header(&self, operation_id: &str, reason: &str) -> Response;

    /// The answer of `--replay-strict` to a request no recording matches: the vendor's
    /// not-found error, its message `reason`.
    fn not_recorded(&self, operation_id: &str, reason: &str) -> Response;
}

/// A spec and its behaviour.
#[derive(Clone)]
pub(crate) struct Vendor {
    pub(crate) spec: Arc<Spec>,
    pub(crate) behaviour: Arc<dyn Behaviour>,
}

impl Vendor {
    /// A spec served with no hand-written behaviour.
    pub(crate) fn generic(spec: Arc<Spec>) -> Self {
        Self {
            behaviour: Arc::new(generic::Generic::new(spec.clone())),
            spec,
        }
    }

    /// The name, `info.x-vendor` of the spec.
    pub(crate) fn name(&self) -> &str {
        &self.spec.vendor().name
    }

    /// The path prefix the vendor is served under: `/<name>`.
    pub(crate) fn prefix(&self) -> String {
        format!("/{}", self.name())
    }
}

impl fmt::Debug for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Vendor")
            .field("name", &self.name())
            .finish_non_exhaustive()
    }
}

/// The vendors with hand-written behaviour, in the order they are listed and served.
pub(crate) fn builtin() -> Vec<Vendor> {
    vec![
        Vendor {
            spec: spec::kredibel().clone(),
            behaviour: Arc::new(kredibel::Kredibel),
        },
        Vendor {
            spec: spec::iluma().clone(),
            behaviour: Arc::new(iluma::Iluma),
        },
    ]
}
