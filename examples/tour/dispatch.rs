//! From a spec scenario to a typed client call and back: the case's JSON request goes through
//! the generated builder of its operation, the answer (or the error body) comes back as JSON,
//! and [`Outcome`] keeps the values at the case's outcome pointers.

use std::fmt;

/// Every generated operation by its id (kyc-codegen, written by build.rs).
mod generated {
    include!(concat!(env!("OUT_DIR"), "/kredibel_dispatch.rs"));
    include!(concat!(env!("OUT_DIR"), "/iluma_dispatch.rs"));
}

use kyc_clients::{Error, ResponseValue, iluma, kredibel};
use kyc_spec::example::ExampleRequest;
use kyc_spec::{Scenario, Spec};
use serde::Serialize;
use serde_json::Value;

/// The two clients, pointed at the sandbox.
pub(crate) struct Clients<'a> {
    pub(crate) kredibel: &'a kredibel::Client,
    pub(crate) iluma: &'a iluma::Client,
}

/// The spec's request example of `operation_id` with real images; for a multipart form, its
/// text fields.
pub(crate) fn example(spec: &Spec, operation_id: &str) -> Value {
    match kyc_sandbox::examples::valid_request(spec, operation_id) {
        Ok(request) => request.body,
        Err(error) => panic!("no valid request from the spec: {error}"),
    }
}

impl Clients<'_> {
    /// Sends `scenario` through the typed client of its operation (the builder kyc-codegen
    /// generated, called by `operationId`; the multipart KTP verification through its
    /// hand-written one): the status and body of the answer, error answers included; `Err`
    /// when the call could not be made.
    pub(crate) async fn send(
        &self,
        spec: &Spec,
        scenario: &Scenario<'_>,
    ) -> Result<(u16, Value), String> {
        let operation_id = scenario.operation_id;
        let request =
            || kyc_sandbox::examples::scenario_request(spec, scenario).map_err(|e| e.to_string());
        // The case's parameters, else the spec's examples (a path `id`).
        let operation = spec
            .operation(operation_id)
            .ok_or_else(|| format!("no operation `{operation_id}`"))?;
        let mut parameters: Vec<(&str, String)> = Vec::new();
        for parameter in &operation.parameters {
            let value = scenario
                .parameter(&parameter.name)
                .or_else(|| spec.parameter_example(operation_id, &parameter.name))
                .and_then(Value::as_str);
            if let Some(value) = value {
                parameters.push((parameter.name.as_str(), value.to_string()));
            }
        }
        let parameters: Vec<(&str, &str)> =
            parameters.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let body = match operation.request {
            Some(_) => Some(request()?.body),
            None => None,
        };
        let sent = match spec.vendor().name.as_str() {
            "kredibel" => {
                generated::kredibel::send(self.kredibel, operation_id, &parameters, body).await
            }
            "iluma" => generated::iluma::send(self.iluma, operation_id, &parameters, body).await,
            other => return Err(format!("the tour has no client for the vendor `{other}`")),
        };
        if let Some(sent) = sent {
            return sent;
        }
        // The one operation progenitor cannot generate (multipart), by hand as in the library.
        if operation_id == "verify_id_card" {
            let magic = scenario.parameter("x-magic-reply").and_then(Value::as_str);
            let mut call = self.ktp_of(&request()?)?;
            if let Some(magic) = magic {
                call = call.x_magic_reply(magic);
            }
            return answer(call.send().await);
        }
        Err(format!("no client call for `{operation_id}`"))
    }

    /// The documented KTP verification (the spec's example) for `nik`.
    pub(crate) fn ktp(&self, nik: &str, magic: Option<&str>) -> iluma::VerifyIdCard<'_> {
        let spec = kyc_sandbox::spec::iluma();
        let mut request = match kyc_sandbox::examples::valid_request(spec, "verify_id_card") {
            Ok(request) => request,
            Err(error) => panic!("no valid request from the spec: {error}"),
        };
        request.body["id_card_number"] = Value::String(nik.to_string());
        let mut call = match self.ktp_of(&request) {
            Ok(call) => call,
            Err(problem) => panic!("{problem}"),
        };
        if let Some(magic) = magic {
            call = call.x_magic_reply(magic);
        }
        call
    }

    /// A KTP request on the hand-written multipart builder, field by field.
    fn ktp_of(&self, request: &ExampleRequest) -> Result<iluma::VerifyIdCard<'_>, String> {
        let mut call = self.iluma.verify_id_card();
        for (field, value) in request.body.as_object().into_iter().flatten() {
            let text = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_string);
            call = match field.as_str() {
                "name" => call.name(text),
                "id_card_number" => call.id_card_number(text),
                "birthdate" => call.birthdate(text),
                "birthplace" => call.birthplace(text),
                "address" => call.address(text),
                other => return Err(format!("verify_id_card: no builder method for `{other}`")),
            };
        }
        for file in &request.files {
            call = match file.field.as_str() {
                "selfie" => call.selfie(file.bytes.clone()),
                other => return Err(format!("verify_id_card: no builder method for `{other}`")),
            };
        }
        Ok(call)
    }
}

/// The status and JSON body of an answer, error answers included.
pub(crate) fn answer<T: Serialize, E: Serialize + fmt::Debug>(
    result: Result<ResponseValue<T>, Error<E>>,
) -> Result<(u16, Value), String> {
    let json = |value: Result<Value, serde_json::Error>| {
        value.map_err(|error| format!("the answer does not serialize: {error}"))
    };
    match result {
        Ok(response) => {
            let status = response.status().as_u16();
            Ok((status, json(serde_json::to_value(response.into_inner()))?))
        }
        Err(Error::ErrorResponse(response)) => {
            let status = response.status().as_u16();
            Ok((status, json(serde_json::to_value(response.into_inner()))?))
        }
        Err(Error::InvalidRequest(reason)) => Err(format!("refused by the client: {reason}")),
        Err(other) => Err(format!("client error: {other}")),
    }
}

/// `status code` of an error answer, or what went wrong instead.
pub(crate) fn error_text<E: Serialize + fmt::Debug>(error: Error<E>) -> String {
    match answer::<(), E>(Err(error)) {
        Ok((status, body)) => format!("{status} {}", error_code(&body)),
        Err(problem) => problem,
    }
}

/// The vendor's code in an error body: Iluma's `error_code`, Kredibel's `errorType` or
/// message.
pub(crate) fn error_code(body: &Value) -> String {
    let code = body
        .get("error_code")
        .or_else(|| body.pointer("/errors/errorType"))
        .or_else(|| body.get("message"));
    code.and_then(Value::as_str)
        .unwrap_or("(no code)")
        .to_string()
}

/// The value a secret-bearing generated type carries (its wire form).
pub(crate) fn reveal<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// What a scenario came out as: the status and the values at its outcome pointers, or why
/// there was no answer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Outcome {
    /// An answer.
    Answer {
        /// Its status.
        status: u16,
        /// `(last pointer segment, value)` for each pointer that has a value.
        values: Vec<(String, Value)>,
    },
    /// No answer.
    Failed(String),
}

impl Outcome {
    /// The values of `body` at `pointers` (absent and `null` values left out).
    pub(crate) fn of(status: u16, body: Option<&Value>, pointers: &[&str]) -> Self {
        let values = pointers
            .iter()
            .filter_map(|pointer| {
                let value = body?.pointer(pointer).filter(|v| !v.is_null())?;
                let key = pointer.rsplit('/').next().unwrap_or(pointer);
                Some((key.to_string(), value.clone()))
            })
            .collect();
        Self::Answer { status, values }
    }

    /// Same status and values; numbers compare by value (`100` and `100.0` are one number).
    pub(crate) fn same_as(&self, other: &Self) -> bool {
        match (self, other) {
            (
                Self::Answer { status, values },
                Self::Answer {
                    status: other_status,
                    values: other_values,
                },
            ) => {
                status == other_status
                    && values.len() == other_values.len()
                    && values
                        .iter()
                        .zip(other_values)
                        .all(|((k, v), (ok, ov))| k == ok && same(v, ov))
            }
            _ => false,
        }
    }
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same(a, b))
        }
        (a, b) => a == b,
    }
}

/// A value as the tour shows it: text bare, lists in brackets, whole numbers without `.0`.
fn render(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(render).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
            _ => n.to_string(),
        },
        other => other.to_string(),
    }
}

impl fmt::Display for Outcome {
    /// `not_verified [identityId]`, `COMPLETED is_found`, `!isValid`, `413 FILE_TOO_LARGE`:
    /// the status when not 200, text and lists bare, numbers after their name, a flag by its
    /// name when true and `!name` when false.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (status, values) = match self {
            Self::Failed(problem) => return f.write_str(problem),
            Self::Answer { status, values } => (status, values),
        };
        let mut parts = Vec::new();
        if *status != 200 {
            parts.push(status.to_string());
        }
        for (key, value) in values {
            parts.push(match value {
                Value::String(_) | Value::Array(_) => render(value),
                Value::Bool(true) => key.clone(),
                Value::Bool(false) => format!("!{key}"),
                other => format!("{key} {}", render(other)),
            });
        }
        if parts.is_empty() {
            parts.push("(no outcome)".to_string());
        }
        f.write_str(&parts.join(" "))
    }
}
