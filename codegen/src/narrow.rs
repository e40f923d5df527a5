//! When progenitor panics on a spec the checks passed: which operation or schema it was
//! generating.
//!
//! progenitor reports some shapes it does not support with a panic (`todo!`), whose message
//! rarely names where in the spec it was. After a whole-spec run panics, each component schema
//! is generated alone (the other schemas stubbed as "any value"), then, if the schemas are
//! fine, each operation alone; every part that panics on its own is named with progenitor's
//! message. This runs only after a failure, so the extra generations cost nothing otherwise.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind};

use kyc_spec::{SpecError, SpecErrors, refs};

use crate::check::{operation_label, operations};

thread_local! {
    /// Whether a panic on this thread is an expected one, caught by [`generate`].
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs progenitor on `spec`; a panic is caught and returned as its message.
pub(crate) fn generate(
    settings: &progenitor::GenerationSettings,
    spec: &OpenAPI,
) -> Result<Result<proc_macro2::TokenStream, progenitor::Error>, String> {
    // The panic hook is process-wide: keep it printing every other panic (a failing test's, on
    // another thread), and silence only the ones caught here.
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    QUIET.with(|quiet| quiet.set(true));
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        progenitor::Generator::new(settings).generate_tokens(spec)
    }));
    QUIET.with(|quiet| quiet.set(false));
    outcome.map_err(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "no message".to_string())
    })
}

/// The parts of `spec` progenitor panics on, once a whole-spec run panicked with `message`.
pub(crate) fn culprits(
    file: &str,
    spec: &OpenAPI,
    settings: &progenitor::GenerationSettings,
    message: &str,
) -> SpecErrors {
    let panics = |spec: &OpenAPI| generate(settings, spec).err();
    let mut found = Vec::new();
    let mut components_only = spec.clone();
    components_only.paths.paths.clear();
    if panics(&components_only).is_some() {
        let names: Vec<String> = spec
            .components
            .iter()
            .flat_map(|c| c.schemas.keys().cloned())
            .collect();
        for name in names {
            if let Some(message) = panics(&only_schema(&components_only, &name)) {
                found.push(SpecError::at(
                    file,
                    format!("/components/schemas/{}", refs::escape(&name)),
                    format!("progenitor panicked while generating the schema `{name}`: {message}"),
                    FIX,
                ));
            }
        }
    } else {
        for (path, method, op, _) in operations(spec) {
            if let Some(message) = panics(&only_operation(spec, path, method)) {
                found.push(SpecError {
                    pointer: Some(format!("/paths/{}/{method}", refs::escape(path))),
                    ..SpecError::operation(
                        file,
                        operation_label(method, path, op),
                        format!("progenitor panicked while generating this operation: {message}"),
                        FIX,
                    )
                });
            }
        }
    }
    if found.is_empty() {
        found.push(SpecError::general(
            file,
            format!(
                "progenitor panicked while generating the client: {message} (no single schema \
                 or operation panics alone)"
            ),
            "the message names what progenitor stopped on: change it in the spec to a shape \
             progenitor supports (see README, \"What progenitor cannot generate\"). For the \
             maintainers: kyc-codegen does not check this shape yet and should learn to.",
        ));
    }
    SpecErrors(found)
}

const FIX: &str = "change it in the spec to a shape progenitor supports (see README, \"What \
                   progenitor cannot generate\"); progenitor's message says what it stopped on. \
                   For the maintainers: kyc-codegen does not check this shape yet and should \
                   learn to, so that it is refused with a message before progenitor runs.";

/// `spec` with every component schema but `name` stubbed as "any value", so that only `name`
/// (and what it holds inline) is really generated.
fn only_schema(spec: &OpenAPI, name: &str) -> OpenAPI {
    let mut spec = spec.clone();
    if let Some(components) = &mut spec.components {
        for (other, schema) in &mut components.schemas {
            if other != name {
                *schema = ReferenceOr::Item(Schema {
                    schema_data: Default::default(),
                    schema_kind: SchemaKind::Any(Default::default()),
                });
            }
        }
    }
    spec
}

/// `spec` with only the operation `method path` (and every component).
fn only_operation(spec: &OpenAPI, path: &str, method: &str) -> OpenAPI {
    let mut spec = spec.clone();
    spec.paths.paths.retain(|p, _| p == path);
    for item in spec.paths.paths.values_mut() {
        if let ReferenceOr::Item(item) = item {
            for (name, op) in [
                ("get", &mut item.get),
                ("put", &mut item.put),
                ("post", &mut item.post),
                ("delete", &mut item.delete),
                ("options", &mut item.options),
                ("head", &mut item.head),
                ("patch", &mut item.patch),
                ("trace", &mut item.trace),
            ] {
                if name != method {
                    *op = None;
                }
            }
        }
    }
    spec
}
