//! From a spec scenario to a typed client call and back: the case's JSON request goes through
//! the generated builder of its operation, the answer (or the error body) comes back as JSON,
//! and [`Outcome`] keeps the values at the case's outcome pointers.

use std::fmt;

use kyc_clients::{Error, ResponseValue, iluma, kredibel};
use kyc_spec::example::ExampleRequest;
use kyc_spec::{Scenario, Spec};
use serde::Serialize;
use serde::de::DeserializeOwned;
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

/// `json` as the generated request type `T`.
fn typed<T: DeserializeOwned>(operation_id: &str, json: Value) -> Result<T, String> {
    serde_json::from_value(json)
        .map_err(|error| format!("the {operation_id} request does not decode: {error}"))
}

impl Clients<'_> {
    /// Sends `scenario` through the typed client of its operation: the status and body of the
    /// answer, error answers included; `Err` when the call could not be made.
    pub(crate) async fn send(
        &self,
        spec: &Spec,
        scenario: &Scenario<'_>,
    ) -> Result<(u16, Value), String> {
        let operation_id = scenario.operation_id;
        let magic = scenario.parameter("x-magic-reply").and_then(Value::as_str);
        let request =
            || kyc_sandbox::examples::scenario_request(spec, scenario).map_err(|e| e.to_string());
        let body = || request().map(|r| r.body);
        let id = || {
            scenario
                .parameter("id")
                .or_else(|| spec.parameter_example(operation_id, "id"))
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| format!("{operation_id}: no `id` (case parameter or example)"))
        };
        match operation_id {
            "issue_certificate" => {
                let body: kredibel::types::CertificateIssuanceRequest =
                    typed(operation_id, body()?)?;
                answer(self.kredibel.issue_certificate().body(body).send().await)
            }
            "verify_biometric" => {
                let body: kredibel::types::BiometricVerificationRequest =
                    typed(operation_id, body()?)?;
                answer(self.kredibel.verify_biometric().body(body).send().await)
            }
            "compare_faces" => {
                let body: kredibel::types::FaceComparisonRequest = typed(operation_id, body()?)?;
                answer(self.kredibel.compare_faces().body(body).send().await)
            }
            "compare_handheld_faces" => {
                let body: kredibel::types::HandheldFaceComparisonRequest =
                    typed(operation_id, body()?)?;
                answer(
                    self.kredibel
                        .compare_handheld_faces()
                        .body(body)
                        .send()
                        .await,
                )
            }
            "read_ktp" => {
                let body: kredibel::types::KtpOcrRequest = typed(operation_id, body()?)?;
                answer(self.kredibel.read_ktp().body(body).send().await)
            }
            "read_driver_license" => {
                let body: kredibel::types::DriverLicenseOcrRequest = typed(operation_id, body()?)?;
                answer(self.kredibel.read_driver_license().body(body).send().await)
            }
            "read_passport" => {
                let body: kredibel::types::PassportOcrRequest = typed(operation_id, body()?)?;
                answer(self.kredibel.read_passport().body(body).send().await)
            }
            "screen_account" => {
                let body: kredibel::types::AccountScreeningRequest = typed(operation_id, body()?)?;
                answer(self.kredibel.screen_account().body(body).send().await)
            }
            "get_billing_credit" => answer(self.kredibel.get_billing_credit().send().await),
            "verify_demography" => {
                let body: kredibel::types::DemographyVerificationRequest =
                    typed(operation_id, body()?)?;
                answer(self.kredibel.verify_demography().body(body).send().await)
            }
            "verify_full" => {
                let body: kredibel::types::FullVerificationRequest = typed(operation_id, body()?)?;
                answer(self.kredibel.verify_full().body(body).send().await)
            }
            "get_health" => answer(self.iluma.get_health().send().await),
            "screen_individual" => {
                let body: iluma::types::IndividualScreeningRequest = typed(operation_id, body()?)?;
                let mut call = self.iluma.screen_individual().body(body);
                if let Some(magic) = magic {
                    call = call.x_magic_reply(magic);
                }
                answer(call.send().await)
            }
            "screen_entity" => {
                let body: iluma::types::EntityScreeningRequest = typed(operation_id, body()?)?;
                let mut call = self.iluma.screen_entity().body(body);
                if let Some(magic) = magic {
                    call = call.x_magic_reply(magic);
                }
                answer(call.send().await)
            }
            "get_individual_screening" => {
                let mut call = self.iluma.get_individual_screening().id(id()?);
                if let Some(magic) = magic {
                    call = call.x_magic_reply(magic);
                }
                answer(call.send().await)
            }
            "get_entity_screening" => {
                let mut call = self.iluma.get_entity_screening().id(id()?);
                if let Some(magic) = magic {
                    call = call.x_magic_reply(magic);
                }
                answer(call.send().await)
            }
            "get_cft_pep_listing" => {
                let mut call = self.iluma.get_cft_pep_listing().id(id()?);
                if let Some(magic) = magic {
                    call = call.x_magic_reply(magic);
                }
                answer(call.send().await)
            }
            "verify_id_card" => {
                let mut call = self.ktp_of(&request()?)?;
                if let Some(magic) = magic {
                    call = call.x_magic_reply(magic);
                }
                answer(call.send().await)
            }
            other => Err(format!(
                "the tour has no client call for `{other}`: add one to examples/tour/dispatch.rs"
            )),
        }
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
