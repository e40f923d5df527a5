//! The OpenAPI 3.0.3 objects: which keywords each has, what value each takes, and which are
//! required. The walker ([`super::Walker`]) reads a spec against these tables.

/// An OpenAPI 3.0 object, as the specification names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Root,
    Info,
    Contact,
    License,
    Server,
    ServerVariable,
    Paths,
    PathItem,
    Operation,
    ExternalDocs,
    Parameter,
    Header,
    RequestBody,
    MediaType,
    Encoding,
    Responses,
    Response,
    Example,
    Link,
    Callback,
    Components,
    SecurityScheme,
    OAuthFlows,
    OAuthFlow,
    SecurityRequirement,
    Tag,
    Schema,
    Discriminator,
    Xml,
}

/// What a keyword's value must be.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Shape {
    /// A string.
    Text,
    /// `true` or `false`.
    Bool,
    /// A number.
    Number,
    /// A whole number ≥ 0 (`minLength`, `maxItems`).
    Count,
    /// Anything (`example`, `default`, an example's `value`): not read further.
    Any,
    /// One of these strings (`in: query`).
    Word(&'static [&'static str]),
    /// An object of this kind.
    Object(Kind),
    /// An object of this kind or a `$ref` to one.
    RefOr(Kind),
    /// A mapping from names to values of this shape.
    Map(&'static Shape),
    /// A list of values of this shape.
    List(&'static Shape),
    /// A non-empty list of values of this shape (`enum`, `allOf`).
    NonEmptyList(&'static Shape),
    /// `true`, `false` or a schema (`additionalProperties`).
    BoolOrSchema,
}

impl Kind {
    /// The object's name in the OpenAPI specification.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Root => "OpenAPI",
            Kind::Info => "Info",
            Kind::Contact => "Contact",
            Kind::License => "License",
            Kind::Server => "Server",
            Kind::ServerVariable => "Server Variable",
            Kind::Paths => "Paths",
            Kind::PathItem => "Path Item",
            Kind::Operation => "Operation",
            Kind::ExternalDocs => "External Documentation",
            Kind::Parameter => "Parameter",
            Kind::Header => "Header",
            Kind::RequestBody => "Request Body",
            Kind::MediaType => "Media Type",
            Kind::Encoding => "Encoding",
            Kind::Responses => "Responses",
            Kind::Response => "Response",
            Kind::Example => "Example",
            Kind::Link => "Link",
            Kind::Callback => "Callback",
            Kind::Components => "Components",
            Kind::SecurityScheme => "Security Scheme",
            Kind::OAuthFlows => "OAuth Flows",
            Kind::OAuthFlow => "OAuth Flow",
            Kind::SecurityRequirement => "Security Requirement",
            Kind::Tag => "Tag",
            Kind::Schema => "Schema",
            Kind::Discriminator => "Discriminator",
            Kind::Xml => "XML",
        }
    }

    /// The object's fixed keywords and their values. Empty for the objects whose keys are
    /// names (paths, status codes, callback expressions, security scheme names).
    pub(crate) fn keywords(self) -> &'static [(&'static str, Shape)] {
        match self {
            Kind::Root => ROOT,
            Kind::Info => INFO,
            Kind::Contact => &[
                ("name", Shape::Text),
                ("url", Shape::Text),
                ("email", Shape::Text),
            ],
            Kind::License => &[("name", Shape::Text), ("url", Shape::Text)],
            Kind::Server => SERVER,
            Kind::ServerVariable => SERVER_VARIABLE,
            Kind::PathItem => PATH_ITEM,
            Kind::Operation => OPERATION,
            Kind::ExternalDocs => &[("description", Shape::Text), ("url", Shape::Text)],
            Kind::Parameter => PARAMETER,
            Kind::Header => &PARAMETER[2..],
            Kind::RequestBody => REQUEST_BODY,
            Kind::MediaType => MEDIA_TYPE,
            Kind::Encoding => ENCODING,
            Kind::Response => RESPONSE,
            Kind::Example => EXAMPLE,
            Kind::Link => LINK,
            Kind::Components => COMPONENTS,
            Kind::SecurityScheme => SECURITY_SCHEME,
            Kind::OAuthFlows => OAUTH_FLOWS,
            Kind::OAuthFlow => OAUTH_FLOW,
            Kind::Tag => TAG,
            Kind::Schema => SCHEMA,
            Kind::Discriminator => &[
                ("propertyName", Shape::Text),
                ("mapping", Shape::Map(&Shape::Text)),
            ],
            Kind::Xml => XML,
            Kind::Paths | Kind::Responses | Kind::Callback | Kind::SecurityRequirement => &[],
        }
    }

    /// The keywords the object must have.
    pub(crate) fn required(self) -> &'static [&'static str] {
        match self {
            Kind::Root => &["openapi", "info", "paths"],
            Kind::Info => &["title", "version"],
            Kind::License | Kind::Tag => &["name"],
            Kind::Server => &["url"],
            Kind::ServerVariable => &["default"],
            Kind::ExternalDocs => &["url"],
            Kind::Operation => &["responses"],
            Kind::Parameter => &["name", "in"],
            Kind::RequestBody => &["content"],
            Kind::Response => &["description"],
            Kind::SecurityScheme => &["type"],
            Kind::OAuthFlow => &["scopes"],
            Kind::Discriminator => &["propertyName"],
            _ => &[],
        }
    }

    /// The value a keyword of this object takes, if it is one of its keywords.
    pub(crate) fn keyword(self, key: &str) -> Option<Shape> {
        self.keywords()
            .iter()
            .find(|(name, _)| *name == key)
            .map(|(_, shape)| *shape)
    }
}

/// The six types of an OpenAPI 3.0 schema.
pub(crate) const TYPES: &[&str] = &["string", "number", "integer", "boolean", "array", "object"];

/// String formats: OpenAPI's own, JSON Schema's, and `ip` (which progenitor also reads).
/// progenitor gives `date`, `date-time`, `uuid` and the IP formats their own Rust types and
/// `byte`/`binary` their own encoding; any other string is a plain `String`.
pub(crate) const STRING_FORMATS: &[&str] = &[
    "date",
    "date-time",
    "time",
    "duration",
    "password",
    "byte",
    "binary",
    "email",
    "idn-email",
    "hostname",
    "idn-hostname",
    "ip",
    "ipv4",
    "ipv6",
    "uri",
    "uri-reference",
    "uri-template",
    "iri",
    "iri-reference",
    "uuid",
    "json-pointer",
    "relative-json-pointer",
    "regex",
];

/// Integer formats progenitor maps to a Rust integer type, the common ones first (a misspelling
/// as close to two of them is read as the more common).
pub(crate) const INTEGER_FORMATS: &[&str] = &[
    "int32", "int64", "int8", "int16", "uint8", "uint16", "uint32", "uint64", "int", "uint",
];

/// Number formats progenitor maps to `f32` / `f64`.
pub(crate) const NUMBER_FORMATS: &[&str] = &["float", "double"];

const SCHEMA_REF: Shape = Shape::RefOr(Kind::Schema);
const TEXT_LIST: Shape = Shape::List(&Shape::Text);

const ROOT: &[(&str, Shape)] = &[
    ("openapi", Shape::Text),
    ("info", Shape::Object(Kind::Info)),
    ("servers", Shape::List(&Shape::Object(Kind::Server))),
    ("paths", Shape::Object(Kind::Paths)),
    ("components", Shape::Object(Kind::Components)),
    (
        "security",
        Shape::List(&Shape::Object(Kind::SecurityRequirement)),
    ),
    ("tags", Shape::List(&Shape::Object(Kind::Tag))),
    ("externalDocs", Shape::Object(Kind::ExternalDocs)),
];

const INFO: &[(&str, Shape)] = &[
    ("title", Shape::Text),
    ("description", Shape::Text),
    ("termsOfService", Shape::Text),
    ("contact", Shape::Object(Kind::Contact)),
    ("license", Shape::Object(Kind::License)),
    ("version", Shape::Text),
];

const SERVER: &[(&str, Shape)] = &[
    ("url", Shape::Text),
    ("description", Shape::Text),
    (
        "variables",
        Shape::Map(&Shape::Object(Kind::ServerVariable)),
    ),
];

const SERVER_VARIABLE: &[(&str, Shape)] = &[
    ("enum", Shape::NonEmptyList(&Shape::Text)),
    ("default", Shape::Text),
    ("description", Shape::Text),
];

const PATH_ITEM: &[(&str, Shape)] = &[
    ("$ref", Shape::Text),
    ("summary", Shape::Text),
    ("description", Shape::Text),
    ("get", Shape::Object(Kind::Operation)),
    ("put", Shape::Object(Kind::Operation)),
    ("post", Shape::Object(Kind::Operation)),
    ("delete", Shape::Object(Kind::Operation)),
    ("options", Shape::Object(Kind::Operation)),
    ("head", Shape::Object(Kind::Operation)),
    ("patch", Shape::Object(Kind::Operation)),
    ("trace", Shape::Object(Kind::Operation)),
    ("servers", Shape::List(&Shape::Object(Kind::Server))),
    ("parameters", Shape::List(&Shape::RefOr(Kind::Parameter))),
];

const OPERATION: &[(&str, Shape)] = &[
    ("tags", TEXT_LIST),
    ("summary", Shape::Text),
    ("description", Shape::Text),
    ("externalDocs", Shape::Object(Kind::ExternalDocs)),
    ("operationId", Shape::Text),
    ("parameters", Shape::List(&Shape::RefOr(Kind::Parameter))),
    ("requestBody", Shape::RefOr(Kind::RequestBody)),
    ("responses", Shape::Object(Kind::Responses)),
    ("callbacks", Shape::Map(&Shape::RefOr(Kind::Callback))),
    ("deprecated", Shape::Bool),
    (
        "security",
        Shape::List(&Shape::Object(Kind::SecurityRequirement)),
    ),
    ("servers", Shape::List(&Shape::Object(Kind::Server))),
];

const STYLES: &[&str] = &[
    "matrix",
    "label",
    "form",
    "simple",
    "spaceDelimited",
    "pipeDelimited",
    "deepObject",
];

/// A Header object is a Parameter object without `name` and `in`: keep those two first.
const PARAMETER: &[(&str, Shape)] = &[
    ("name", Shape::Text),
    ("in", Shape::Word(&["query", "header", "path", "cookie"])),
    ("description", Shape::Text),
    ("required", Shape::Bool),
    ("deprecated", Shape::Bool),
    ("allowEmptyValue", Shape::Bool),
    ("style", Shape::Word(STYLES)),
    ("explode", Shape::Bool),
    ("allowReserved", Shape::Bool),
    ("schema", SCHEMA_REF),
    ("example", Shape::Any),
    ("examples", Shape::Map(&Shape::RefOr(Kind::Example))),
    ("content", Shape::Map(&Shape::Object(Kind::MediaType))),
];

const REQUEST_BODY: &[(&str, Shape)] = &[
    ("description", Shape::Text),
    ("content", Shape::Map(&Shape::Object(Kind::MediaType))),
    ("required", Shape::Bool),
];

const MEDIA_TYPE: &[(&str, Shape)] = &[
    ("schema", SCHEMA_REF),
    ("example", Shape::Any),
    ("examples", Shape::Map(&Shape::RefOr(Kind::Example))),
    ("encoding", Shape::Map(&Shape::Object(Kind::Encoding))),
];

const ENCODING: &[(&str, Shape)] = &[
    ("contentType", Shape::Text),
    ("headers", Shape::Map(&Shape::RefOr(Kind::Header))),
    ("style", Shape::Word(STYLES)),
    ("explode", Shape::Bool),
    ("allowReserved", Shape::Bool),
];

const RESPONSE: &[(&str, Shape)] = &[
    ("description", Shape::Text),
    ("headers", Shape::Map(&Shape::RefOr(Kind::Header))),
    ("content", Shape::Map(&Shape::Object(Kind::MediaType))),
    ("links", Shape::Map(&Shape::RefOr(Kind::Link))),
];

const EXAMPLE: &[(&str, Shape)] = &[
    ("summary", Shape::Text),
    ("description", Shape::Text),
    ("value", Shape::Any),
    ("externalValue", Shape::Text),
];

const LINK: &[(&str, Shape)] = &[
    ("operationRef", Shape::Text),
    ("operationId", Shape::Text),
    ("parameters", Shape::Map(&Shape::Any)),
    ("requestBody", Shape::Any),
    ("description", Shape::Text),
    ("server", Shape::Object(Kind::Server)),
];

const COMPONENTS: &[(&str, Shape)] = &[
    ("schemas", Shape::Map(&SCHEMA_REF)),
    ("responses", Shape::Map(&Shape::RefOr(Kind::Response))),
    ("parameters", Shape::Map(&Shape::RefOr(Kind::Parameter))),
    ("examples", Shape::Map(&Shape::RefOr(Kind::Example))),
    (
        "requestBodies",
        Shape::Map(&Shape::RefOr(Kind::RequestBody)),
    ),
    ("headers", Shape::Map(&Shape::RefOr(Kind::Header))),
    (
        "securitySchemes",
        Shape::Map(&Shape::RefOr(Kind::SecurityScheme)),
    ),
    ("links", Shape::Map(&Shape::RefOr(Kind::Link))),
    ("callbacks", Shape::Map(&Shape::RefOr(Kind::Callback))),
];

const SECURITY_SCHEME: &[(&str, Shape)] = &[
    (
        "type",
        Shape::Word(&["apiKey", "http", "oauth2", "openIdConnect"]),
    ),
    ("description", Shape::Text),
    ("name", Shape::Text),
    ("in", Shape::Word(&["query", "header", "cookie"])),
    ("scheme", Shape::Text),
    ("bearerFormat", Shape::Text),
    ("flows", Shape::Object(Kind::OAuthFlows)),
    ("openIdConnectUrl", Shape::Text),
];

const OAUTH_FLOWS: &[(&str, Shape)] = &[
    ("implicit", Shape::Object(Kind::OAuthFlow)),
    ("password", Shape::Object(Kind::OAuthFlow)),
    ("clientCredentials", Shape::Object(Kind::OAuthFlow)),
    ("authorizationCode", Shape::Object(Kind::OAuthFlow)),
];

const OAUTH_FLOW: &[(&str, Shape)] = &[
    ("authorizationUrl", Shape::Text),
    ("tokenUrl", Shape::Text),
    ("refreshUrl", Shape::Text),
    ("scopes", Shape::Map(&Shape::Text)),
];

const TAG: &[(&str, Shape)] = &[
    ("name", Shape::Text),
    ("description", Shape::Text),
    ("externalDocs", Shape::Object(Kind::ExternalDocs)),
];

const SCHEMA: &[(&str, Shape)] = &[
    ("title", Shape::Text),
    ("multipleOf", Shape::Number),
    ("maximum", Shape::Number),
    ("exclusiveMaximum", Shape::Bool),
    ("minimum", Shape::Number),
    ("exclusiveMinimum", Shape::Bool),
    ("maxLength", Shape::Count),
    ("minLength", Shape::Count),
    ("pattern", Shape::Text),
    ("maxItems", Shape::Count),
    ("minItems", Shape::Count),
    ("uniqueItems", Shape::Bool),
    ("maxProperties", Shape::Count),
    ("minProperties", Shape::Count),
    ("required", Shape::NonEmptyList(&Shape::Text)),
    ("enum", Shape::NonEmptyList(&Shape::Any)),
    ("type", Shape::Word(TYPES)),
    ("allOf", Shape::NonEmptyList(&SCHEMA_REF)),
    ("oneOf", Shape::NonEmptyList(&SCHEMA_REF)),
    ("anyOf", Shape::NonEmptyList(&SCHEMA_REF)),
    ("not", SCHEMA_REF),
    ("items", SCHEMA_REF),
    ("properties", Shape::Map(&SCHEMA_REF)),
    ("additionalProperties", Shape::BoolOrSchema),
    ("description", Shape::Text),
    ("format", Shape::Text),
    ("default", Shape::Any),
    ("nullable", Shape::Bool),
    ("discriminator", Shape::Object(Kind::Discriminator)),
    ("readOnly", Shape::Bool),
    ("writeOnly", Shape::Bool),
    ("xml", Shape::Object(Kind::Xml)),
    ("externalDocs", Shape::Object(Kind::ExternalDocs)),
    ("example", Shape::Any),
    ("deprecated", Shape::Bool),
];

const XML: &[(&str, Shape)] = &[
    ("name", Shape::Text),
    ("namespace", Shape::Text),
    ("prefix", Shape::Text),
    ("attribute", Shape::Bool),
    ("wrapped", Shape::Bool),
];

/// Which schema type a type-specific keyword belongs to (`items` → `array`), for telling a
/// keyword that has no effect on the schema's type.
pub(crate) fn keyword_type(key: &str) -> Option<&'static [&'static str]> {
    Some(match key {
        "properties" | "additionalProperties" | "required" | "minProperties" | "maxProperties" => {
            &["object"]
        }
        "items" | "minItems" | "maxItems" | "uniqueItems" => &["array"],
        "minLength" | "maxLength" | "pattern" => &["string"],
        "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf" => {
            &["integer", "number"]
        }
        _ => return None,
    })
}
