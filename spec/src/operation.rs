//! The operations of a spec, as every consumer needs them: id, method, path, parameters, the
//! request body's schema, the declared statuses, auth, deprecation and callbacks.

use serde_json::Value;

use crate::extensions::{self, Callback};
use crate::refs;
use crate::vendor::{Server, read_servers};

/// HTTP methods in the order OpenAPI lists them on a path item.
pub(crate) const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterLocation {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// A request header.
    Header,
    /// A cookie.
    Cookie,
}

impl ParameterLocation {
    /// The OpenAPI name: `path`, `query`, `header`, `cookie`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Path => "path",
            Self::Query => "query",
            Self::Header => "header",
            Self::Cookie => "cookie",
        }
    }
}

/// One parameter of an operation (path-item parameters included, references followed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parameter {
    /// The name on the wire.
    pub name: String,
    /// Where it goes.
    pub location: ParameterLocation,
    /// Whether the request must carry it.
    pub required: bool,
    /// The component it was referenced from (`MagicReply`), if any.
    pub component: Option<String>,
}

/// An operation's request body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestBody {
    /// The media type (the first one declared).
    pub media_type: String,
    /// The schema's component name, when it is a `$ref` (the specs require one).
    pub schema: Option<String>,
    /// Whether the body is required.
    pub required: bool,
}

/// One operation of a spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The `operationId` (empty when missing: `kyc-codegen` refuses such a spec).
    pub id: String,
    /// The HTTP method, upper case.
    pub method: String,
    /// The path template, e.g. `/v0/identity/individual_cft_peps/{id}`.
    pub path: String,
    /// Path-item and operation parameters, references followed.
    pub parameters: Vec<Parameter>,
    /// The request body, if any.
    pub request: Option<RequestBody>,
    /// The response keys, as written: `"200"`, `"2XX"`, `"404"`, `"default"`.
    pub statuses: Vec<String>,
    /// Whether requests carry the vendor's credentials (the operation's `security`, else the
    /// spec's).
    pub authenticated: bool,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// `x-sunset`: the date the vendor stops serving it, when announced.
    pub sunset: Option<String>,
    /// `externalDocs.url`: the vendor page the operation comes from.
    pub doc_url: Option<String>,
    /// The callbacks the operation declares.
    pub callbacks: Vec<Callback>,
    /// `x-charged` on the operation: `false` when no answer of it is ever billed (a health
    /// check, a balance), `true` when every one may be; `None` when the spec leaves it to the
    /// responses and error codes.
    pub charged: Option<bool>,
    /// The operation's own servers (operation-level, else path-level `servers`): another host
    /// than the spec's, named by their `x-host`. Empty when it uses the spec's servers.
    pub servers: Vec<Server>,
    /// JSON pointer of the operation object in the document.
    pub pointer: String,
}

impl Operation {
    /// Whether the spec declares `status` for this operation, exactly or as a `4XX`-style range.
    pub fn declares(&self, status: u16) -> bool {
        let exact = status.to_string();
        let range = format!("{}XX", status / 100);
        self.statuses.iter().any(|s| *s == exact || *s == range)
    }

    /// Whether a parameter of this name and location exists.
    pub fn has_parameter(&self, name: &str, location: ParameterLocation) -> bool {
        self.parameters
            .iter()
            .any(|p| p.location == location && p.name.eq_ignore_ascii_case(name))
    }

    /// The name of the host the operation is sent to, when it is not the spec's (`x-host` of
    /// its own servers).
    pub fn host(&self) -> Option<&str> {
        self.servers.first().and_then(|s| s.host.as_deref())
    }

    /// `Method path`, as messages name an operation without its id.
    pub fn route(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

pub(crate) fn read_all(document: &Value) -> Vec<Operation> {
    let global_auth = document
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|s| !s.is_empty());
    let mut out = Vec::new();
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let item = refs::resolve(document, item);
        let shared = item.get("parameters");
        for method in METHODS {
            let Some(op) = item.get(method) else {
                continue;
            };
            let pointer = format!("/paths/{}/{method}", refs::escape(path));
            let parameters = shared
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .chain(
                    op.get("parameters")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten(),
                )
                .filter_map(|p| parameter(document, p))
                .collect();
            let request = op
                .get("requestBody")
                .map(|body| refs::resolve(document, body))
                .and_then(|body| {
                    let (media_type, content) = body.get("content")?.as_object()?.iter().next()?;
                    Some(RequestBody {
                        media_type: media_type.clone(),
                        schema: content
                            .get("schema")
                            .and_then(refs::reference_of)
                            .and_then(refs::schema_name)
                            .map(str::to_string),
                        required: body.get("required").and_then(Value::as_bool) == Some(true),
                    })
                });
            let authenticated = match op.get("security").and_then(Value::as_array) {
                Some(security) => !security.is_empty(),
                None => global_auth,
            };
            out.push(Operation {
                id: op
                    .get("operationId")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                parameters,
                request,
                statuses: op
                    .get("responses")
                    .and_then(Value::as_object)
                    .map(|r| r.keys().cloned().collect())
                    .unwrap_or_default(),
                authenticated,
                deprecated: op.get("deprecated").and_then(Value::as_bool) == Some(true),
                sunset: op
                    .get("x-sunset")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                doc_url: op
                    .pointer("/externalDocs/url")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                callbacks: extensions::callbacks(document, op, &pointer),
                charged: op.get("x-charged").and_then(Value::as_bool),
                // Malformed lists are refused with the registry (`VendorInfo`), not here.
                servers: read_servers(op.get("servers"), "")
                    .ok()
                    .filter(|s| !s.is_empty())
                    .or_else(|| read_servers(item.get("servers"), "").ok())
                    .unwrap_or_default(),
                pointer,
            });
        }
    }
    out
}

fn parameter(document: &Value, node: &Value) -> Option<Parameter> {
    let (resolved, component) = refs::resolve_named(document, node);
    let location = match resolved.get("in")?.as_str()? {
        "path" => ParameterLocation::Path,
        "query" => ParameterLocation::Query,
        "header" => ParameterLocation::Header,
        "cookie" => ParameterLocation::Cookie,
        _ => return None,
    };
    Some(Parameter {
        name: resolved.get("name")?.as_str()?.to_string(),
        location,
        required: resolved.get("required").and_then(Value::as_bool) == Some(true),
        component: component.map(str::to_string),
    })
}
