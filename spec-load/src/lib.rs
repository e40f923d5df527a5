//! Reading a spec file into `openapiv3::OpenAPI` and [`Spec`], checked first by
//! [`kyc_spec::structure`], with messages that point at the line.
//!
//! The YAML half of `kyc-spec` (the one reader of the specs): for `build.rs` through
//! `kyc-codegen`, and for the tools. Everything else a spec says is read by `kyc-spec` itself.

use std::path::Path;

use kyc_spec::{Spec, SpecError, SpecErrors};

/// Reads and parses a spec file (YAML or JSON). The same function serves `build.rs` and
/// `kyc-contract`, so both see a spec the same way.
pub fn load_spec(path: &Path) -> Result<openapiv3::OpenAPI, SpecErrors> {
    let label = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|err| {
        SpecError::general(
            &label,
            format!("cannot read the file: {err}"),
            "check the path; specs live in openapi/ at the repository root",
        )
    })?;
    parse_spec(&label, &text)
}

/// Parses spec text: YAML, then the OpenAPI version, then the structural check
/// ([`kyc_spec::structure`], every problem with its line), then the typed document. `label` names
/// the file in messages.
pub fn parse_spec(label: &str, text: &str) -> Result<openapiv3::OpenAPI, SpecErrors> {
    let value = read_yaml(label, text)?;
    kyc_spec::structure::check(label, text, &to_json(&value))?;
    typed(label, value)
}

/// The YAML value of a 3.0 spec: a YAML syntax error and a wrong version get their own messages.
fn read_yaml(label: &str, text: &str) -> Result<serde_yaml::Value, SpecErrors> {
    // A generic YAML value first, so that a YAML syntax error and an OpenAPI shape error get
    // different messages, and the version is checked before anything fails on 3.1-only
    // keywords with a message that would not say "3.1".
    let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|err| {
        SpecError::general(
            label,
            format!("not valid YAML: {err}"),
            "fix the YAML syntax at the line and column given (indentation, quoting, a tab)",
        )
    })?;
    let version = value
        .get("openapi")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string();
    if !version.starts_with("3.0.") {
        let problem = if version.is_empty() {
            "no `openapi:` version field".to_string()
        } else {
            format!("`openapi: {version}` is not supported")
        };
        return Err(SpecError::general(
            label,
            problem,
            "progenitor reads OpenAPI 3.0.x only: write `openapi: 3.0.3` (and use 3.0 forms: \
             `nullable: true` rather than type arrays, `example` rather than `examples` in schemas)",
        )
        .into());
    }
    Ok(value)
}

/// The typed document. After the structural check this fails only on what it does not cover.
fn typed(label: &str, value: serde_yaml::Value) -> Result<openapiv3::OpenAPI, SpecErrors> {
    serde_yaml::from_value(value).map_err(|err| {
        SpecError::general(
            label,
            format!("not a valid OpenAPI 3.0 document: {err}"),
            "compare the element named with the OpenAPI 3.0.3 specification (a misspelt key, a \
             string where a list is expected, a response code that is not quoted)",
        )
        .into()
    })
}

/// The typed document of a spec held as JSON (the view kyc-codegen edits before generating).
/// Through the YAML value, as a file is read: openapiv3's derived `Deserialize` is the largest
/// generic code of a build script, and one deserializer for it (not serde_json's as well) is
/// compiled once in a consumer's build.
pub fn typed_from_json(
    label: &str,
    document: &serde_json::Value,
) -> Result<openapiv3::OpenAPI, SpecErrors> {
    let value = serde_yaml::to_value(document).map_err(|err| {
        SpecError::general(
            label,
            format!("cannot be read as YAML: {err}"),
            "report this as a kyc-spec-load bug",
        )
    })?;
    typed(label, value)
}

/// The YAML value as JSON, every key as a string (`200:` unquoted is `"200"`), for the
/// structural check, which must see every key as written.
fn to_json(value: &serde_yaml::Value) -> serde_json::Value {
    use serde_json::Value as Json;
    use serde_yaml::Value as Yaml;
    match value {
        Yaml::Null => Json::Null,
        Yaml::Bool(b) => Json::Bool(*b),
        Yaml::Number(n) => n
            .as_u64()
            .map(Json::from)
            .or_else(|| n.as_i64().map(Json::from))
            .or_else(|| {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map(Json::Number)
            })
            .unwrap_or(Json::Null),
        Yaml::String(s) => Json::String(s.clone()),
        Yaml::Sequence(items) => Json::Array(items.iter().map(to_json).collect()),
        Yaml::Mapping(map) => Json::Object(
            map.iter()
                .map(|(key, value)| (key_text(key), to_json(value)))
                .collect(),
        ),
        Yaml::Tagged(tagged) => to_json(&tagged.value),
    }
}

fn key_text(key: &serde_yaml::Value) -> String {
    match key {
        serde_yaml::Value::String(s) => s.clone(),
        serde_yaml::Value::Null => "null".into(),
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::Number(n) => n.to_string(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

/// A spec file read whole: the typed document progenitor generates from, and the [`Spec`]
/// every other reader uses, made from the same parse.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// The typed document.
    pub openapi: openapiv3::OpenAPI,
    /// The same document as the workspace reads it.
    pub spec: Spec,
}

/// Reads a spec file into both views; a missing or malformed registry entry (`x-vendor`,
/// `x-environments`, `x-key-prefixes`) is an error naming its JSON path.
pub fn load(path: &Path) -> Result<LoadedSpec, SpecErrors> {
    let openapi = load_spec(path)?;
    from_openapi(&path.display().to_string(), openapi)
}

/// Like [`load`], from text. `label` names the file in messages.
pub fn parse(label: &str, text: &str) -> Result<LoadedSpec, SpecErrors> {
    from_openapi(label, parse_spec(label, text)?)
}

/// The [`Spec`] view of a parsed document.
pub fn from_openapi(label: &str, openapi: openapiv3::OpenAPI) -> Result<LoadedSpec, SpecErrors> {
    let document = to_document(label, &openapi)?;
    let spec = Spec::from_value(document).map_err(|err| {
        SpecError::general(label, format!("`{}` {}", err.path, err.problem), err.fix)
    })?;
    Ok(LoadedSpec { openapi, spec })
}

/// Parses spec text as [`parse`] does, without requiring the registry entry (see
/// [`Spec::without_registry`]) and without the structural check: for tools that compare
/// revisions of a spec, which may predate both. The build refuses a spec the check finds fault
/// with; comparing one is still useful.
pub fn parse_without_registry(label: &str, text: &str) -> Result<Spec, SpecErrors> {
    let openapi = typed(label, read_yaml(label, text)?)?;
    let document = to_document(label, &openapi)?;
    Ok(Spec::without_registry(document))
}

fn to_document(label: &str, openapi: &openapiv3::OpenAPI) -> Result<serde_json::Value, SpecErrors> {
    serde_json::to_value(openapi).map_err(|err| {
        SpecError::general(
            label,
            format!("cannot be written as JSON: {err}"),
            "report this as a kyc-spec bug",
        )
        .into()
    })
}
