//! Turns the vendor OpenAPI specs in `openapi/` into Rust source.
//!
//! The root `build.rs` calls [`generate`] once per vendor (specs are read by `kyc_spec::load`,
//! which `kyc-contract` uses too, so both read a spec the same way). Nothing here edits generated text: what
//! progenitor cannot handle is either removed from the spec before generation against an explicit
//! list ([`VendorSpec::hand_written`]) or refused with a [`SpecError`] that names the file, the
//! operation and the fix — progenitor itself would panic on several of these shapes.
//!
//! What a spec says is read through `kyc-spec` (`$ref`s, `x-pii` marks, the registry); this
//! crate adds only the checks progenitor needs and the generated sources.

mod catalog;
mod check;

use std::path::{Path, PathBuf};

pub use catalog::{OperationSummary, operation_summaries, pii_replacements};
pub use kyc_spec::load::{load_spec, parse_spec};
pub use kyc_spec::{SpecError, SpecErrors};

/// How one vendor's spec is turned into a client.
#[derive(Debug, Clone)]
pub struct VendorSpec {
    /// Path of the spec file, as it should appear in messages (e.g. `openapi/kredibel.yaml`).
    pub file: PathBuf,
    /// The `operationId`s that stay in the spec as documentation but are written by hand in
    /// `client/` because progenitor cannot generate them (multipart bodies). Every operation
    /// progenitor cannot generate must be listed, and every listed one must exist, so the spec
    /// and the hand-written code cannot drift apart silently.
    pub hand_written: Vec<String>,
    /// Rust path of the type the generated `Client` carries as `inner` (auth and hooks).
    pub inner_type: String,
    /// Schemas whose generated type is replaced by a hand-written one, besides those the
    /// `x-pii` marks replace (see [`pii_replacements`]): `(schema name, Rust path)`. Every
    /// listed schema must exist.
    pub replacements: Vec<(String, String)>,
}

/// What [`generate`] produces for one vendor.
#[derive(Debug)]
pub struct Generated {
    /// The progenitor client (`Client`, builders, `types`), formatted.
    pub client: String,
    /// The catalog: operation summaries and a by-name registry of the spec's schemas.
    pub catalog: String,
    /// The whole spec as JSON, for code that reads it at run time (request validation).
    pub spec_json: String,
}

/// Loads, checks and generates one vendor's client.
pub fn generate(vendor: &VendorSpec) -> Result<Generated, SpecErrors> {
    let loaded = kyc_spec::load::load(&vendor.file)?;
    generate_from(&vendor.file, &loaded.openapi, vendor)
}

/// Like [`generate`], from an already parsed spec. `file` is only used in messages.
pub fn generate_from(
    file: &Path,
    spec: &openapiv3::OpenAPI,
    vendor: &VendorSpec,
) -> Result<Generated, SpecErrors> {
    let file_label = file.display().to_string();
    let as_json_failed = |err: serde_json::Error| {
        SpecErrors::one(SpecError::general(
            &file_label,
            format!("cannot be written as JSON: {err}"),
            "report this as a kyc-codegen bug",
        ))
    };
    // The JSON view kyc-spec reads (refs, x-pii); progenitor takes the typed one.
    let document = serde_json::to_value(spec).map_err(as_json_failed)?;
    check::check(
        &file_label,
        spec,
        &document,
        &vendor.hand_written,
        &vendor.replacements,
    )?;
    let mut vendor = vendor.clone();
    vendor.replacements.extend(catalog::pii_replacements(spec));
    let vendor = &vendor;
    let generable = check::without_hand_written(spec, &vendor.hand_written);
    let client = run_progenitor(&file_label, &generable, vendor)?;
    let catalog =
        catalog::catalog_source(spec, &document, &vendor.hand_written, &vendor.replacements);
    let spec_json = serde_json::to_string(spec).map_err(as_json_failed)?;
    Ok(Generated {
        client,
        catalog,
        spec_json,
    })
}

/// Settings shared by every vendor: the Builder interface (validated newtypes for constrained
/// strings, builder-style requests), `JsonSchema` on every type for the schema snapshots, and an
/// inner type through which the hand-written `ClientHooks` apply auth.
fn settings(vendor: &VendorSpec) -> Result<progenitor::GenerationSettings, SpecErrors> {
    let inner: proc_macro2::TokenStream = vendor.inner_type.parse().map_err(|_| {
        SpecErrors::one(SpecError::general(
            vendor.file.display().to_string(),
            format!("inner type `{}` is not a Rust path", vendor.inner_type),
            "pass a type path such as `crate::kredibel::Auth` in build.rs",
        ))
    })?;
    let mut settings = progenitor::GenerationSettings::new();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Merged)
        .with_derive("schemars::JsonSchema")
        .with_derive("PartialEq")
        .with_inner_type(inner)
        .with_timeout(60);
    for (schema, rust_path) in &vendor.replacements {
        settings.with_replacement(schema, rust_path, std::iter::empty());
    }
    Ok(settings)
}

fn run_progenitor(
    file: &str,
    spec: &openapiv3::OpenAPI,
    vendor: &VendorSpec,
) -> Result<String, SpecErrors> {
    let settings = settings(vendor)?;
    // The checks above refuse every shape known to make progenitor panic; this catch is the
    // backstop for shapes nobody has met yet, so the build still fails with a sentence.
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let outcome = std::panic::catch_unwind(|| {
        let mut generator = progenitor::Generator::new(&settings);
        generator.generate_tokens(spec)
    });
    std::panic::set_hook(previous_hook);

    let tokens = match outcome {
        Ok(Ok(tokens)) => tokens,
        Ok(Err(err)) => {
            return Err(SpecErrors::one(SpecError::general(
                file,
                format!("progenitor could not generate a client: {err}"),
                "the message names the schema or operation; make it a shape progenitor supports \
                 (see README, \"What progenitor cannot generate\")",
            )));
        }
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "no message".to_string());
            return Err(SpecErrors::one(SpecError::general(
                file,
                format!("progenitor panicked while generating the client: {message}"),
                "this spec uses a shape progenitor does not support and kyc-codegen does not \
                 check for yet; simplify the operation it names, and add a check in \
                 codegen/src/check.rs so the next person gets a clear message",
            )));
        }
    };
    let ast: syn::File = syn::parse2(tokens).map_err(|err| {
        SpecErrors::one(SpecError::general(
            file,
            format!("progenitor produced code that does not parse: {err}"),
            "report this as a progenitor bug; the spec is probably fine",
        ))
    })?;
    Ok(prettyplease::unparse(&ast))
}
