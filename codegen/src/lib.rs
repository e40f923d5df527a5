//! Turns the vendor OpenAPI specs in `openapi/` into Rust source.
//!
//! The root `build.rs` calls [`generate`] once per vendor (specs are read by `kyc_spec_load`,
//! which `kyc-contract` uses too, so both read a spec the same way). Before progenitor sees a
//! spec, three layers refuse what would go wrong, each with the file, the place (JSON pointer
//! and line, or the operation) and the fix: `kyc_spec::structure` checks the document against
//! the OpenAPI 3.0 objects (misspelt keywords, unknown types and formats, 3.1 forms), `check`
//! the shapes progenitor cannot generate, and a panic progenitor still raises is narrowed to the
//! schema or operation that causes it. Nothing here edits generated text: what progenitor cannot
//! handle is either removed from the spec before generation against an explicit list
//! ([`VendorSpec::hand_written`]) or refused with a [`SpecError`], and what it should generate
//! otherwise is said through its own settings (replacements) or through the copy of the spec it
//! reads (the tolerant `x-undocumented` bodies).
//!
//! Responses are read tolerantly: enums marked `x-open-enum` get an open type with an
//! `Unknown(String)` variant and `x-undocumented` bodies get optional fields and keep the
//! fields they do not name (module `tolerant`); a response value whose documented form (a
//! format, pattern, length, integer-ness) the vendor may not keep is `Expected<T, Raw>`
//! (module `expected`).
//!
//! What a spec says is read through `kyc-spec` (`$ref`s, `x-pii` marks, the registry); this
//! crate adds only the checks progenitor needs and the generated sources.

mod catalog;
mod check;
mod dispatch;
mod expected;
mod narrow;
mod tolerant;

use std::path::{Path, PathBuf};

pub use catalog::{OperationSummary, operation_summaries, pii_replacements};
pub use dispatch::{dispatch_source, dispatch_source_of};
pub use kyc_spec::{SpecError, SpecErrors};
pub use kyc_spec_load::{load_spec, parse_spec};

/// How one vendor's spec is turned into a client.
#[derive(Debug, Clone)]
pub struct VendorSpec {
    /// Path of the spec file, as it should appear in messages (e.g. `openapi/kredibel.yaml`).
    pub file: PathBuf,
    /// Derives added to every generated type besides `PartialEq`: `schemars::JsonSchema` when
    /// kyc-clients' `schemars` feature is on (build.rs reads `CARGO_FEATURE_SCHEMARS`), so a
    /// consumer's build neither generates nor compiles the schema impls.
    pub derives: Vec<String>,
    /// The `operationId`s that stay in the spec as documentation but are written by hand in
    /// `client/` because progenitor cannot generate them (multipart bodies). Every operation
    /// progenitor cannot generate must be listed, and every listed one must exist, so the spec
    /// and the hand-written code cannot drift apart silently.
    pub hand_written: Vec<String>,
    /// Rust path of the type the generated `Client` carries as `inner` (auth and hooks).
    pub inner_type: String,
    /// Rust path at which the generated `types` module is reachable (`crate::iluma::types`):
    /// the open enums are written there and the generated types name them by this path.
    pub types_path: String,
    /// Schemas whose generated type is replaced by a hand-written one, besides those the
    /// `x-pii` marks replace (see [`pii_replacements`]): `(schema name, Rust path)`. Every
    /// listed schema must exist.
    pub replacements: Vec<(String, String)>,
}

/// What [`generate`] produces for one vendor.
#[derive(Debug)]
pub struct Generated {
    /// The client (`Client`, builders, `types` with the open enums), formatted.
    pub client: String,
    /// The catalog: operation summaries and a by-name registry of the spec's schemas.
    pub catalog: String,
    /// The catalog's `decode`: a JSON value decoded by schema name into its generated type, for
    /// tests and tools. Apart from [`Generated::catalog`] (append it where wanted): it compiles
    /// deserialization from a JSON value for every schema's type, about a quarter of
    /// kyc-clients' compile time, which a client's user does not need.
    pub catalog_decode: String,
    /// The whole spec as JSON, for code that reads it at run time (request validation).
    pub spec_json: String,
}

/// Loads, checks and generates one vendor's client. Every problem names the line of the spec
/// it is about, where it is about one place.
pub fn generate(vendor: &VendorSpec) -> Result<Generated, SpecErrors> {
    kyc_spec_load::load(&vendor.file)
        .and_then(|loaded| generate_from(&vendor.file, &loaded.openapi, vendor))
        .map_err(|mut errors| {
            // Read again only on failure: the checks see the parsed document, not the text.
            if let Ok(text) = std::fs::read_to_string(&vendor.file) {
                errors.locate(&kyc_spec::locate::YamlLines::new(&text));
            }
            errors
        })
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
    let mut problems = Vec::new();
    tolerant::check(&file_label, &document, &mut problems);
    if !problems.is_empty() {
        return Err(SpecErrors(problems));
    }
    let open_enums = tolerant::open_enums(&document);
    let mut vendor = vendor.clone();
    vendor.replacements.extend(catalog::pii_replacements(spec));
    vendor
        .replacements
        .extend(tolerant::replacements(&open_enums, &vendor.types_path));
    // Viewed whole: the hand-written operations decode into the generated types too.
    let (viewed, expected) = expected::response_view(document.clone(), &vendor.types_path);
    vendor.replacements.extend(expected);
    let viewed = kyc_spec_load::typed_from_json(&file_label, &viewed)?;
    let vendor = &vendor;
    let generable =
        tolerant::for_generation(check::without_hand_written(&viewed, &vendor.hand_written));
    let generated = run_progenitor(&file_label, &generable, vendor)?;
    let json_schema = vendor.derives.iter().any(|d| d.ends_with("JsonSchema"));
    let client = tolerant::wrap(&generated, &open_enums, json_schema).map_err(|err| {
        SpecErrors::one(SpecError::general(
            &file_label,
            format!("the open enums do not make valid Rust: {err}"),
            "report this as a kyc-codegen bug; check the `x-open-enum` schemas' names and values",
        ))
    })?;
    let (catalog, catalog_decode) = catalog::catalog_source(
        spec,
        &document,
        &vendor.hand_written,
        &vendor.replacements,
        json_schema,
    );
    // From the JSON value (not the typed document): no second serializer of the whole document.
    let spec_json = document.to_string();
    Ok(Generated {
        client,
        catalog,
        catalog_decode,
        spec_json,
    })
}

/// Settings shared by every vendor: the Builder interface (validated newtypes for constrained
/// strings, builder-style requests), the vendor's extra derives ([`VendorSpec::derives`]), and
/// an inner type through which the hand-written `ClientHooks` apply auth.
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
        .with_derive("PartialEq")
        .with_inner_type(inner)
        .with_timeout(60);
    for derive in &vendor.derives {
        settings.with_derive(derive);
    }
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
    // The checks above refuse every shape known to make progenitor panic; a panic all the same
    // is narrowed to the schemas or operations that cause it.
    let tokens = match narrow::generate(&settings, spec) {
        Ok(Ok(tokens)) => tokens,
        Ok(Err(err)) => {
            return Err(SpecErrors::one(SpecError::general(
                file,
                format!("progenitor could not generate a client: {err}"),
                "the message names the schema or operation; make it a shape progenitor supports \
                 (see README, \"What progenitor cannot generate\")",
            )));
        }
        Err(message) => return Err(narrow::culprits(file, spec, &settings, &message)),
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
