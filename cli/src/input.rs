//! The values of one command: parameters, the request body (from `--body` and the field
//! flags) and files, read as [`crate::fields`] says and handed to the library.
//!
//! The CLI checks only what it must to build the request (a file that cannot be read, JSON that
//! does not parse, a value of the wrong JSON type); every rule of the spec (lengths, patterns,
//! the 16-digit NIK, image formats, sizes and pixels) is the library's, checked on send.

use std::collections::BTreeMap;
use std::io::{IsTerminal as _, Read as _};

use clap::ArgMatches;
use kyc_spec::validate::{Rule, Validator};
use kyc_spec::{Operation, Spec};
use serde_json::{Map, Number, Value};

use crate::failure::{self, Failure};
use crate::fields::{self, Field, Kind, Place, Scalar};

/// One command's values.
#[derive(Debug, Default)]
pub(crate) struct Input {
    params: BTreeMap<String, String>,
    body: Map<String, Value>,
    files: BTreeMap<String, Vec<u8>>,
    /// What the spec's validator says of each value of the JSON body in the wrong `format`
    /// (`date`, `uuid`, ...), by path: the generated types' parsers (chrono's "trailing
    /// input") do not say which form they expect; the validator does, as the library would.
    formats: BTreeMap<String, String>,
}

impl Input {
    /// Reads the flags of `operation` from `matches`, `--body` and the single-use secret.
    pub(crate) fn read(
        spec: &Spec,
        operation: &Operation,
        matches: &ArgMatches,
    ) -> Result<Self, Failure> {
        let mut input = Input::default();
        let multipart = operation
            .request
            .as_ref()
            .is_some_and(|body| body.media_type != "application/json");
        // Only operations with a request body have `--body`.
        if operation.request.is_some()
            && let Some(path) = matches.get_one::<String>(crate::command::BODY)
        {
            input.body = read_body(path)?;
        }
        for field in fields::fields(spec, operation) {
            let id = field.id();
            if field.place == Place::Parameter {
                if let Some(value) = matches.get_one::<String>(&id) {
                    input.params.insert(field.wire.clone(), value.clone());
                }
                continue;
            }
            if multipart && field.kind == Kind::File && input.body.contains_key(&field.wire) {
                return Err(Failure::refused(
                    &field.wire,
                    "a file: give it with its flag, not in --body",
                ));
            }
            let Some(texts) = matches.get_many::<String>(&id) else {
                continue;
            };
            let texts: Vec<&String> = texts.collect();
            match field.kind {
                Kind::File => {
                    let bytes = read_file(&field, texts[0])?;
                    if multipart {
                        input.files.insert(field.wire.clone(), bytes);
                    } else {
                        let image = kyc_clients::Base64Image::from_bytes(bytes);
                        let encoded = serde_json::to_value(&image)
                            .map_err(|err| Failure::refused(&field.wire, err.to_string()))?;
                        input.body.insert(field.wire.clone(), encoded);
                    }
                }
                Kind::One(scalar) => {
                    let value = scalar_value(&field, scalar, texts[0])?;
                    input.body.insert(field.wire.clone(), value);
                }
                Kind::List(scalar) => {
                    let values = texts
                        .iter()
                        .map(|text| scalar_value(&field, scalar, text))
                        .collect::<Result<_, _>>()?;
                    input.body.insert(field.wire.clone(), Value::Array(values));
                }
                Kind::Json => {
                    let value = serde_json::from_str(texts[0])
                        .map_err(|err| Failure::refused(&field.wire, format!("not JSON: {err}")))?;
                    input.body.insert(field.wire.clone(), value);
                }
            }
        }
        if let Some(secret) = fields::single_use_secret(&spec.vendor().name, &operation.id) {
            let value = single_use_secret(secret)?;
            input.params.insert(secret.parameter.to_string(), value);
        }
        if !multipart && let Some(schema) = spec.request_schema(&operation.id, "application/json") {
            input.formats = Validator::new(spec)
                .value(schema, &Value::Object(input.body.clone()))
                .into_iter()
                .filter(|violation| violation.rule == Rule::Format)
                .map(|violation| (violation.path, violation.message))
                .collect();
        }
        Ok(input)
    }

    /// A parameter's value, by its name on the wire.
    pub(crate) fn param(&self, wire: &str) -> Option<&str> {
        self.params.get(wire).map(String::as_str)
    }

    /// The JSON body as the library's generated request type. A value of the wrong JSON type
    /// (or a missing required field) is refused here, naming the field; the library checks
    /// every other rule on send.
    pub(crate) fn body<T: serde::de::DeserializeOwned>(&self) -> Result<T, Failure> {
        serde_path_to_error::deserialize(Value::Object(self.body.clone())).map_err(|err| {
            let path = err.path().to_string();
            let message = err.inner().to_string();
            let (field, rule) = if let Some(rest) = message.strip_prefix("missing field `") {
                let name = rest.split('`').next().unwrap_or_default();
                (join(&path, name), "required".to_string())
            } else if message.starts_with("unknown field `") {
                // The path already ends with the field's name.
                let expected = message
                    .split_once(", expected ")
                    .map(|(_, e)| format!("; expected {e}"))
                    .unwrap_or_default();
                (path, format!("not a field the spec defines{expected}"))
            } else if let Some(form) = self.formats.get(&path) {
                (path, form.clone())
            } else {
                (path, failure::without_values(&message))
            };
            Failure::Refused {
                field: (!field.is_empty() && field != ".").then_some(field),
                rule,
            }
        })
    }

    /// The body's fields (the text parts of a multipart form).
    pub(crate) fn body_fields(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.body.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// A file given for a multipart part.
    pub(crate) fn file(&self, wire: &str) -> Option<&[u8]> {
        self.files.get(wire).map(Vec::as_slice)
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() || path == "." {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

/// The `--body` file (or stdin for `-`) as a JSON object.
fn read_body(path: &str) -> Result<Map<String, Value>, Failure> {
    let text = if path == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|err| Failure::usage(format!("--body: cannot read stdin: {}", err.kind())))?;
        text
    } else {
        std::fs::read_to_string(path).map_err(|err| {
            Failure::usage(format!("--body: cannot read the file: {}", err.kind()))
        })?
    };
    match serde_json::from_str(&text) {
        Ok(Value::Object(body)) => Ok(body),
        Ok(_) => Err(Failure::usage("--body: not a JSON object")),
        Err(err) => Err(Failure::usage(format!(
            "--body: not JSON: {}",
            failure::without_values(&err.to_string())
        ))),
    }
}

/// A file flag's bytes. The message names the flag, never the path (a file name may be a
/// person's name).
fn read_file(field: &Field, path: &str) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|err| {
        Failure::usage(format!(
            "--{}: cannot read the file: {}",
            field.long,
            err.kind()
        ))
    })
}

fn scalar_value(field: &Field, scalar: Scalar, text: &str) -> Result<Value, Failure> {
    let wrong = |what: &str| Failure::refused(&field.wire, format!("must be {what}"));
    Ok(match scalar {
        Scalar::Text => Value::String(text.to_string()),
        Scalar::Integer => Value::Number(
            text.trim()
                .parse::<i64>()
                .map_err(|_| wrong("a whole number"))?
                .into(),
        ),
        Scalar::Number => text
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| wrong("a number"))?,
        Scalar::Boolean => match text.trim() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(wrong("true or false")),
        },
    })
}

/// A single-use secret from its variable, else from standard input (a prompt on stderr when
/// stdin is a terminal). Never a flag.
fn single_use_secret(secret: &fields::SingleUseSecret) -> Result<String, Failure> {
    let missing = || {
        Failure::usage(format!(
            "no {}: set {} or give it on standard input (never as a flag)",
            secret.parameter, secret.env
        ))
    };
    match std::env::var(secret.env) {
        Ok(value) if !value.trim().is_empty() => return Ok(value.trim().to_string()),
        Ok(_) => return Err(missing()),
        Err(std::env::VarError::NotUnicode(_)) => {
            return Err(Failure::usage(format!("{} is not UTF-8", secret.env)));
        }
        Err(std::env::VarError::NotPresent) => {}
    }
    let stdin = std::io::stdin();
    let mut text = String::new();
    if stdin.is_terminal() {
        eprint!("{} (input is shown): ", secret.parameter);
        stdin
            .read_line(&mut text)
            .map_err(|err| Failure::usage(format!("cannot read stdin: {}", err.kind())))?;
    } else {
        stdin
            .lock()
            .read_to_string(&mut text)
            .map_err(|err| Failure::usage(format!("cannot read stdin: {}", err.kind())))?;
    }
    let value = text.trim();
    if value.is_empty() {
        return Err(missing());
    }
    Ok(value.to_string())
}
