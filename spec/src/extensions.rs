//! The project's vendor extensions, read in one place. Each is documented in the README
//! ("How the specs are written"); a consumer asks here rather than reading the key itself.
//!
//! | extension | on | read by |
//! | --- | --- | --- |
//! | `x-image-formats`, `x-min-bytes`, `x-max-bytes`, `x-min-pixels` | an image field | [`ImageRule::from_schema`] |
//! | `x-pii` | a schema holding personal data or a secret | [`PiiKind::of`], [`pii_paths`] |
//! | `x-charged` | an error-code enum (a map: code to bool) | [`charged`] |
//! | `x-charged` | a response object (a bool: every answer under it) | [`response_charged`] |
//! | `x-status` | an error-code enum | [`status`] |
//! | `x-threshold` | a score property | [`threshold`] |
//! | `x-undocumented` | anything the vendor docs do not show | [`is_undocumented`] |
//! | `x-open-enum` | a response enum the vendor may extend | [`is_open_enum`] |
//! | `x-sunset` | an operation | [`crate::Operation::sunset`] |

use std::fmt;

use serde_json::Value;

pub use crate::image::ImageRule;
use crate::refs;

/// What kind of personal data or secret an `x-pii` mark says a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PiiKind {
    /// `nik`: a 16-digit national identity number.
    Nik,
    /// `name`: a person's or company's name.
    Name,
    /// `birth-date`.
    BirthDate,
    /// `email`.
    Email,
    /// `phone`.
    Phone,
    /// `address`.
    Address,
    /// `image`: a face or identity-card photo.
    Image,
    /// `secret`: an API key, a token.
    Secret,
    /// `bank-account`: a bank account number.
    BankAccount,
    /// `document-number`: the number of an identity document other than a KTP (a driving
    /// licence, a passport).
    DocumentNumber,
    /// `ip-address`: an IP address a person used.
    IpAddress,
    /// `personal`: other personal data (religion, marital status, occupation; a value of a
    /// shape the vendor does not document).
    Personal,
}

impl PiiKind {
    /// Every kind, in the order above.
    pub const ALL: [Self; 12] = [
        Self::Nik,
        Self::Name,
        Self::BirthDate,
        Self::Email,
        Self::Phone,
        Self::Address,
        Self::Image,
        Self::Secret,
        Self::BankAccount,
        Self::DocumentNumber,
        Self::IpAddress,
        Self::Personal,
    ];

    /// The name `x-pii` uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Nik => "nik",
            Self::Name => "name",
            Self::BirthDate => "birth-date",
            Self::Email => "email",
            Self::Phone => "phone",
            Self::Address => "address",
            Self::Image => "image",
            Self::Secret => "secret",
            Self::BankAccount => "bank-account",
            Self::DocumentNumber => "document-number",
            Self::IpAddress => "ip-address",
            Self::Personal => "personal",
        }
    }

    /// The Rust variant name (`BirthDate`), as generated code writes it.
    pub fn variant_name(self) -> &'static str {
        match self {
            Self::Nik => "Nik",
            Self::Name => "Name",
            Self::BirthDate => "BirthDate",
            Self::Email => "Email",
            Self::Phone => "Phone",
            Self::Address => "Address",
            Self::Image => "Image",
            Self::Secret => "Secret",
            Self::BankAccount => "BankAccount",
            Self::DocumentNumber => "DocumentNumber",
            Self::IpAddress => "IpAddress",
            Self::Personal => "Personal",
        }
    }

    /// Reads an `x-pii` name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The masked form of one value of this kind, as logs and snapshots show it: enough to tell
    /// records apart, too little to identify anyone. A NIK keeps its first and last four digits
    /// (`1234********3456`), an email its domain, a phone its first two (country code) and last
    /// two digits, a bank account its last two; a name, an image or a document number only its
    /// length; a birth date, an address, an IP address, other personal data or a secret
    /// nothing.
    pub fn mask(self, value: &str) -> String {
        let chars = value.chars().count();
        match self {
            Self::Nik if chars == 16 && value.is_ascii() => {
                format!("{}********{}", &value[..4], &value[12..])
            }
            Self::Nik => format!("[nik: {chars} chars]"),
            Self::Name => format!("[name: {chars} chars]"),
            Self::BirthDate => "[birth date]".to_string(),
            Self::Email => match value.rsplit_once('@') {
                Some((_, domain)) => format!("***@{domain}"),
                None => format!("[email: {chars} chars]"),
            },
            Self::Phone if chars > 6 && value.is_ascii() => {
                format!(
                    "{}{}{}",
                    &value[..2],
                    "*".repeat(chars - 4),
                    &value[chars - 2..]
                )
            }
            Self::Phone => format!("[phone: {chars} chars]"),
            Self::Address => "[address]".to_string(),
            Self::Image => format!("[image: {chars} chars]"),
            Self::Secret => "[redacted]".to_string(),
            Self::BankAccount if chars > 6 && value.is_ascii() => {
                format!("{}{}", "*".repeat(chars - 2), &value[chars - 2..])
            }
            Self::BankAccount => format!("[bank account: {chars} chars]"),
            Self::DocumentNumber => format!("[document number: {chars} chars]"),
            Self::IpAddress => "[ip address]".to_string(),
            Self::Personal => "[personal]".to_string(),
        }
    }

    /// The `x-pii` mark of a schema node (not following references). An unknown name reads as
    /// [`PiiKind::Secret`], the safest: `kyc-codegen` refuses such a spec at build time anyway.
    pub fn of(schema: &Value) -> Option<Self> {
        let name = schema.get("x-pii")?.as_str()?;
        Some(Self::parse(name).unwrap_or(Self::Secret))
    }
}

impl fmt::Display for PiiKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where personal data sits in values of `schema`: `(path, kind)` with paths written
/// `data.identityId`, `results[].names`, sorted; `*` is every field of a map, and `*-a,b` every
/// field but `a` and `b`: the fields an `x-undocumented` body carries that its guess does not
/// name, which may hold anything (a key, a name) and count as secrets. A value marked `x-pii`
/// is masked whole, so nothing below a mark is listed.
pub fn pii_paths(document: &Value, schema: &Value) -> Vec<(String, PiiKind)> {
    let mut out = Vec::new();
    walk_pii(document, schema, "", 0, &mut out);
    out.sort();
    out.dedup();
    out
}

fn walk_pii(
    document: &Value,
    schema: &Value,
    path: &str,
    depth: usize,
    out: &mut Vec<(String, PiiKind)>,
) {
    // The vendor specs have no recursive schemas; the bound keeps a future one from looping.
    if depth > 16 {
        return;
    }
    let schema = refs::resolve(document, schema);
    if let Some(kind) = PiiKind::of(schema) {
        out.push((path.to_string(), kind));
        return;
    }
    let join = |name: &str| {
        if path.is_empty() {
            name.to_string()
        } else {
            format!("{path}.{name}")
        }
    };
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            walk_pii(document, property, &join(name), depth + 1, out);
        }
        if is_undocumented(schema) {
            let named: Vec<&str> = properties.keys().map(String::as_str).collect();
            out.push((join(&format!("*-{}", named.join(","))), PiiKind::Secret));
        }
    }
    if let Some(items) = schema.get("items") {
        walk_pii(document, items, &format!("{path}[]"), depth + 1, out);
    }
    if let Some(Value::Object(_) | Value::Bool(true)) = schema.get("additionalProperties") {
        walk_pii(
            document,
            &schema["additionalProperties"],
            &join("*"),
            depth + 1,
            out,
        );
    }
    for combinator in ["oneOf", "anyOf", "allOf"] {
        for member in schema
            .get(combinator)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            walk_pii(document, member, path, depth + 1, out);
        }
    }
}

/// `x-charged` of an error-code schema: whether the vendor bills an error of `code`.
pub fn charged(schema: &Value, code: &str) -> Option<bool> {
    schema.get("x-charged")?.get(code)?.as_bool()
}

/// `x-charged` of a response object: whether the vendor bills any answer it describes
/// (`false` on the 429 and 5XX responses: the request was refused before a check ran).
pub fn response_charged(response: &Value) -> Option<bool> {
    response.get("x-charged")?.as_bool()
}

/// `x-status` of an error-code schema: the HTTP status an error of `code` comes with.
pub fn status(schema: &Value, code: &str) -> Option<u16> {
    schema
        .get("x-status")?
        .get(code)?
        .as_u64()
        .and_then(|s| u16::try_from(s).ok())
}

/// `x-threshold` of a score property: the score at or above which the vendor calls it a match.
pub fn threshold(property: &Value) -> Option<f64> {
    property.get("x-threshold")?.as_f64()
}

/// `x-undocumented: true`: the vendor docs do not show this; the spec chose it.
pub fn is_undocumented(node: &Value) -> bool {
    node.get("x-undocumented").and_then(Value::as_bool) == Some(true)
}

/// `x-open-enum: true` on an enum schema: the vendor may send values the enum does not list,
/// and a client decodes them rather than failing (the response side only: a client still sends
/// listed values alone).
pub fn is_open_enum(schema: &Value) -> bool {
    schema.get("x-open-enum").and_then(Value::as_bool) == Some(true)
}

/// One callback an operation declares (OpenAPI `callbacks`): a request the vendor sends to a
/// URL the caller registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callback {
    /// The callback's name in the operation's `callbacks` map.
    pub name: String,
    /// The URL expression it is sent to (`{$request.body#/callback_url}` or a fixed
    /// description of the dashboard URL).
    pub expression: String,
    /// The HTTP method (upper case).
    pub method: String,
    /// The payload's schema name.
    pub payload_schema: Option<String>,
    /// The request headers it carries (`X-CALLBACK-TOKEN`).
    pub headers: Vec<String>,
    /// The statuses the receiver is expected to answer with.
    pub statuses: Vec<String>,
    /// JSON pointer of the callback's operation object.
    pub pointer: String,
}

pub(crate) fn callbacks(
    document: &Value,
    operation: &Value,
    operation_pointer: &str,
) -> Vec<Callback> {
    let mut out = Vec::new();
    let Some(map) = operation.get("callbacks").and_then(Value::as_object) else {
        return out;
    };
    for (name, callback) in map {
        let Some(expressions) = callback.as_object() else {
            continue;
        };
        for (expression, item) in expressions {
            let Some(item) = item.as_object() else {
                continue;
            };
            for (method, op) in item {
                if !crate::operation::METHODS.contains(&method.as_str()) {
                    continue;
                }
                let payload_schema = op
                    .pointer("/requestBody/content/application~1json/schema")
                    .and_then(refs::reference_of)
                    .and_then(refs::schema_name)
                    .map(str::to_string);
                let headers = op
                    .get("parameters")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    // Header parameters may be shared (`$ref: #/components/parameters/...`).
                    .map(|p| refs::resolve(document, p))
                    .filter(|p| p.get("in").and_then(Value::as_str) == Some("header"))
                    .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_string))
                    .collect();
                let statuses = op
                    .get("responses")
                    .and_then(Value::as_object)
                    .map(|r| r.keys().cloned().collect())
                    .unwrap_or_default();
                out.push(Callback {
                    name: name.clone(),
                    expression: expression.clone(),
                    method: method.to_ascii_uppercase(),
                    payload_schema,
                    headers,
                    statuses,
                    pointer: format!(
                        "{operation_pointer}/callbacks/{}/{}/{method}",
                        refs::escape(name),
                        refs::escape(expression)
                    ),
                });
            }
        }
    }
    out
}
