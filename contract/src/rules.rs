//! The catalogue of rules: every kind of change `kyc-contract` recognises, its stable id, the
//! class it falls in, and the oasdiff checks it corresponds to.
//!
//! The wire rules follow oasdiff's catalogue of breaking-change checks, restricted to what
//! OpenAPI 3.0 bodies, parameters, headers, responses and security can express, with one
//! deliberate difference: oasdiff's WARN level ("may break") counts as breaking here, because a
//! reviewer of a vendor client would rather read a false alarm than miss a break. The Rust rules
//! are this project's own: they describe what progenitor (Builder interface) and typify generate.

use serde::Serialize;

/// How a change affects existing callers. Ordered from most to least severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    /// An existing client (generated or not) can fail at run time: a request it sends is refused,
    /// or a response it receives no longer decodes or means something else.
    BreakingWire,
    /// The wire still works, but Rust code written against the generated client stops compiling
    /// (a method, type, field or builder argument changes).
    BreakingRust,
    /// Nothing an existing caller does stops working.
    Compatible,
}

impl Class {
    /// The stable identifier used in the JSON report (`breaking-wire`, ...).
    pub fn id(self) -> &'static str {
        match self {
            Class::BreakingWire => "breaking-wire",
            Class::BreakingRust => "breaking-rust",
            Class::Compatible => "compatible",
        }
    }

    /// How the Markdown report labels the class.
    pub fn label(self) -> &'static str {
        match self {
            Class::BreakingWire => "Breaking (wire)",
            Class::BreakingRust => "Breaking (Rust)",
            Class::Compatible => "Compatible",
        }
    }

    /// True for both breaking classes.
    pub fn is_breaking(self) -> bool {
        self != Class::Compatible
    }
}

/// Declares the rule enum and its catalogue in one place, so an id, its class and its
/// description cannot drift apart.
macro_rules! rules {
    ($( $(#[doc = $doc:literal])* $variant:ident = $id:literal, $class:ident, $oasdiff:expr; )*) => {
        /// One kind of change. Its [`Rule::id`] is stable: the JSON report, the README and the
        /// tests refer to rules by it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $( $(#[doc = $doc])* $variant, )*
        }

        impl Rule {
            /// Every rule, in catalogue order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];

            /// The stable kebab-case id.
            pub fn id(self) -> &'static str {
                match self { $(Rule::$variant => $id,)* }
            }

            /// The class a change of this kind has on its own. A wire-compatible change that
            /// also changes a generated Rust type is raised to [`Class::BreakingRust`] in the
            /// report (see [`crate::Change::rust_effect`]).
            pub fn class(self) -> Class {
                match self { $(Rule::$variant => Class::$class,)* }
            }

            /// One sentence saying what the rule detects.
            pub fn description(self) -> &'static str {
                match self { $(Rule::$variant => concat!($($doc, )*),)* }
            }

            /// The oasdiff check ids this rule corresponds to (empty for rules oasdiff lacks).
            pub fn oasdiff(self) -> &'static [&'static str] {
                match self { $(Rule::$variant => $oasdiff,)* }
            }
        }
    };
}

rules! {
    // ---- whole specs and component schemas -------------------------------------------------
    /// A spec file appeared (a new vendor client).
    SpecAdded = "spec-added", Compatible, &[];
    /// A spec file disappeared: every operation of that vendor is gone.
    SpecRemoved = "spec-removed", BreakingWire, &["api-path-removed-without-deprecation"];
    /// A component schema was added (a new type in `types`).
    SchemaAdded = "schema-added", Compatible, &[];
    /// A component schema was removed: its type disappears from `types`.
    SchemaRemoved = "schema-removed", BreakingRust, &["api-schema-removed"];
    /// A component schema reappears under a new name with the same structure: the Rust type is renamed.
    SchemaRenamed = "schema-renamed", BreakingRust, &[];

    // ---- operations -----------------------------------------------------------------------
    /// An operation was added (a new method on `Client`).
    OperationAdded = "operation-added", Compatible, &["endpoint-added"];
    /// An operation (method + path) was removed.
    OperationRemoved = "operation-removed", BreakingWire, &["api-removed-without-deprecation", "api-path-removed-without-deprecation"];
    /// Same method and path, new `operationId`: the Rust method and its builder are renamed.
    OperationIdRenamed = "operation-id-renamed", BreakingRust, &["api-operation-id-removed", "api-operation-id-added"];
    /// An operation was marked deprecated.
    OperationDeprecated = "operation-deprecated", Compatible, &["endpoint-deprecated"];
    /// An `x-sunset` date was announced, moved or withdrawn: the day the vendor stops serving the operation.
    OperationSunsetChanged = "operation-sunset-changed", Compatible, &[];
    /// Descriptions, summaries, titles, examples, tags or external docs changed.
    DocumentationChanged = "documentation-changed", Compatible, &[];
    /// A keyword kyc-contract does not interpret (`readOnly`, `writeOnly`, and `x-` extensions other than the project's vocabulary below) changed: review it by hand.
    NotInterpreted = "not-interpreted", Compatible, &[];

    // ---- security -------------------------------------------------------------------------
    /// An operation that needed no authentication now needs some.
    SecurityRequired = "security-required", BreakingWire, &["api-security-added", "api-global-security-added"];
    /// An accepted security alternative was removed: callers using it are refused.
    SecurityRemoved = "security-removed", BreakingWire, &["api-security-removed", "api-global-security-removed"];
    /// A new security alternative is accepted besides the old ones.
    SecurityAdded = "security-added", Compatible, &["api-security-added", "api-global-security-added"];
    /// An operation needs no authentication any more.
    SecurityNoLongerRequired = "security-no-longer-required", Compatible, &["api-security-removed"];
    /// A security requirement asks for a new scope.
    SecurityScopeAdded = "security-scope-added", BreakingWire, &["api-security-scope-added", "api-global-security-scope-added"];
    /// A security requirement asks for fewer scopes.
    SecurityScopeRemoved = "security-scope-removed", Compatible, &["api-security-scope-removed", "api-global-security-scope-removed"];
    /// A security scheme in use changed how credentials are sent (type, HTTP scheme, key name or location, OAuth flows).
    SecuritySchemeChanged = "security-scheme-changed", BreakingWire, &["api-security-component-type-changed", "api-security-component-oauth-token-url-changed", "api-security-component-oauth-url-changed"];

    // ---- parameters (path, query, header, cookie) ----------------------------------------
    /// A new required parameter: existing callers do not send it.
    ParameterAddedRequired = "request-parameter-added-required", BreakingWire, &["new-required-request-parameter", "new-request-path-parameter", "new-required-request-header-property"];
    /// A new optional parameter (a new builder method).
    ParameterAddedOptional = "request-parameter-added-optional", Compatible, &["new-optional-request-parameter"];
    /// A parameter was removed: callers still send it, and its builder method disappears.
    ParameterRemoved = "request-parameter-removed", BreakingWire, &["request-parameter-removed"];
    /// A parameter was renamed (same location and schema, new name): the wire name and the builder method change.
    ParameterRenamed = "request-parameter-renamed", BreakingWire, &["request-parameter-removed", "new-required-request-parameter"];
    /// An optional parameter became required.
    ParameterBecameRequired = "request-parameter-became-required", BreakingWire, &["request-parameter-became-required", "request-header-property-became-required"];
    /// A required parameter became optional.
    ParameterBecameOptional = "request-parameter-became-optional", Compatible, &["request-parameter-became-optional"];
    /// The default of a parameter was added, changed or removed: callers that omit it get a different behaviour.
    ParameterDefaultChanged = "request-parameter-default-changed", BreakingWire, &["request-parameter-default-value-added", "request-parameter-default-value-changed", "request-parameter-default-value-removed"];

    // ---- request bodies -------------------------------------------------------------------
    /// A required request body was added to an operation that had none.
    RequestBodyAddedRequired = "request-body-added-required", BreakingWire, &["request-body-added-required"];
    /// An optional request body was added.
    RequestBodyAddedOptional = "request-body-added-optional", Compatible, &["request-body-added-optional"];
    /// The request body was removed.
    RequestBodyRemoved = "request-body-removed", BreakingWire, &["request-body-removed"];
    /// An optional request body became required.
    RequestBodyBecameRequired = "request-body-became-required", BreakingWire, &["request-body-became-required"];
    /// A required request body became optional.
    RequestBodyBecameOptional = "request-body-became-optional", Compatible, &["request-body-became-optional"];
    /// The request body accepts a new media type.
    RequestMediaTypeAdded = "request-media-type-added", Compatible, &["request-body-media-type-added"];
    /// The request body no longer accepts a media type.
    RequestMediaTypeRemoved = "request-media-type-removed", BreakingWire, &["request-body-media-type-removed"];
    /// The request body's `$ref` names another schema: the type passed to `.body(...)` changes.
    RequestBodyTypeChanged = "request-body-type-changed", BreakingRust, &[];

    // ---- responses and response headers ---------------------------------------------------
    /// A response status was added.
    ResponseStatusAdded = "response-status-added", Compatible, &["response-success-status-added", "response-non-success-status-added"];
    /// Exact statuses became their range (`200` → `2XX`): every status of the class decodes as
    /// the listed ones did.
    ResponseStatusWidened = "response-status-widened", Compatible, &[];
    /// A range became exact statuses (`2XX` → `200`): the class's other statuses no longer
    /// decode.
    ResponseStatusNarrowed = "response-status-narrowed", BreakingWire, &[];
    /// A response status was removed (callers relied on it being documented and decoded).
    ResponseStatusRemoved = "response-status-removed", BreakingWire, &["response-success-status-removed", "response-non-success-status-removed"];
    /// A response offers a new media type.
    ResponseMediaTypeAdded = "response-media-type-added", Compatible, &["response-media-type-added"];
    /// A response no longer offers a media type.
    ResponseMediaTypeRemoved = "response-media-type-removed", BreakingWire, &["response-media-type-removed"];
    /// The response body's `$ref` names another schema (or the body appeared or disappeared): the type a call returns changes.
    ResponseBodyTypeChanged = "response-body-type-changed", BreakingRust, &[];
    /// A response header was added.
    ResponseHeaderAdded = "response-header-added", Compatible, &["response-header-added"];
    /// A response header was removed.
    ResponseHeaderRemoved = "response-header-removed", BreakingWire, &["required-response-header-removed", "optional-response-header-removed"];
    /// A required response header became optional.
    ResponseHeaderBecameOptional = "response-header-became-optional", BreakingWire, &["response-header-became-optional"];
    /// An optional response header became required.
    ResponseHeaderBecameRequired = "response-header-became-required", Compatible, &[];

    // ---- schemas in requests (bodies, parameters) -----------------------------------------
    /// A request value's type changed (string, integer, object, a composition ...).
    RequestTypeChanged = "request-type-changed", BreakingWire, &["request-body-type-changed", "request-property-type-changed", "request-parameter-type-changed", "request-body-all-of-added", "request-property-all-of-added"];
    /// A request value's type was widened (integer to number): old values stay valid.
    RequestTypeGeneralized = "request-type-generalized", Compatible, &["request-body-type-generalized", "request-property-type-generalized", "request-parameter-type-generalized"];
    /// A request value's `format` was set or changed: the server validates something new.
    RequestFormatChanged = "request-format-changed", BreakingWire, &["request-body-type-changed", "request-property-type-changed", "request-parameter-type-changed"];
    /// A request value's `format` was removed.
    RequestFormatRemoved = "request-format-removed", Compatible, &["request-property-type-generalized"];
    /// A request enum lost a value that callers may send.
    RequestEnumValueRemoved = "request-enum-value-removed", BreakingWire, &["request-body-enum-value-removed", "request-property-enum-value-removed", "request-parameter-enum-value-removed"];
    /// A request enum gained a value.
    RequestEnumValueAdded = "request-enum-value-added", Compatible, &["request-property-enum-value-added", "request-parameter-enum-value-added"];
    /// A free request value became an enum.
    RequestBecameEnum = "request-became-enum", BreakingWire, &["request-body-became-enum", "request-property-became-enum", "request-parameter-became-enum", "request-header-property-became-enum"];
    /// A request enum became a free value.
    RequestEnumRemoved = "request-enum-removed", Compatible, &[];
    /// A request constraint was set or tightened (length, pattern, range, items, multipleOf, uniqueItems).
    RequestConstraintTightened = "request-constraint-tightened", BreakingWire, &["request-property-max-length-decreased", "request-property-max-length-set", "request-property-min-length-increased", "request-property-pattern-added", "request-property-pattern-changed", "request-property-max-decreased", "request-property-max-set", "request-property-min-increased", "request-property-min-set", "request-property-min-items-increased", "request-parameter-max-items-decreased", "request-body-max-length-decreased", "request-parameter-pattern-added", "request-parameter-max-length-decreased", "request-parameter-min-increased"];
    /// A request constraint was removed or widened.
    RequestConstraintRelaxed = "request-constraint-relaxed", Compatible, &["request-property-max-length-increased", "request-property-min-length-decreased", "request-property-pattern-removed", "request-property-max-increased", "request-property-min-decreased", "request-parameter-pattern-removed"];
    /// A request value can no longer be `null`.
    RequestBecameNotNullable = "request-became-not-nullable", BreakingWire, &["request-body-became-not-nullable", "request-property-became-not-nullable", "request-parameter-became-not-nullable"];
    /// A request value may now be `null`.
    RequestBecameNullable = "request-became-nullable", Compatible, &["request-property-became-nullable", "request-parameter-became-nullable"];
    /// A new required request field: existing callers do not send it.
    RequestPropertyAddedRequired = "request-property-added-required", BreakingWire, &["new-required-request-property"];
    /// A new optional request field.
    RequestPropertyAddedOptional = "request-property-added-optional", Compatible, &["new-optional-request-property"];
    /// A request field was removed: callers still send it, and its Rust field disappears.
    RequestPropertyRemoved = "request-property-removed", BreakingWire, &["request-property-removed"];
    /// A request field was renamed (same schema, new name): the JSON name and the Rust field change.
    RequestPropertyRenamed = "request-property-renamed", BreakingWire, &["request-property-removed", "new-required-request-property"];
    /// An optional request field became required.
    RequestPropertyBecameRequired = "request-property-became-required", BreakingWire, &["request-property-became-required"];
    /// A required request field became optional (wire-compatible; `T` becomes `Option<T>` in Rust).
    RequestPropertyBecameOptional = "request-property-became-optional", Compatible, &["request-property-became-optional"];
    /// A request object stopped accepting unknown fields (`additionalProperties: false`).
    RequestAdditionalPropertiesForbidden = "request-additional-properties-forbidden", BreakingWire, &[];
    /// A request object accepts unknown fields now.
    RequestAdditionalPropertiesAllowed = "request-additional-properties-allowed", Compatible, &[];
    /// A `oneOf`/`anyOf` alternative was removed from a request.
    RequestVariantRemoved = "request-variant-removed", BreakingWire, &["request-body-one-of-removed", "request-property-one-of-removed", "request-body-any-of-removed", "request-property-any-of-removed"];
    /// A `oneOf`/`anyOf` alternative was added to a request.
    RequestVariantAdded = "request-variant-added", Compatible, &[];

    // ---- schemas in responses (bodies, headers) -------------------------------------------
    /// A response value's type changed.
    ResponseTypeChanged = "response-type-changed", BreakingWire, &["response-body-type-changed", "response-property-type-changed", "response-header-type-changed", "response-body-type-generalized", "response-property-type-generalized"];
    /// A response value's type was narrowed (number to integer): old clients still decode it.
    ResponseTypeSpecialized = "response-type-specialized", Compatible, &["response-body-type-specialized", "response-property-type-specialized"];
    /// A response value's `format` was removed or changed: old clients may not decode it.
    ResponseFormatChanged = "response-format-changed", BreakingWire, &["response-body-type-changed", "response-property-type-changed"];
    /// A response value's `format` was set.
    ResponseFormatAdded = "response-format-added", Compatible, &["response-property-type-specialized"];
    /// A response enum gained a value: the generated closed enum cannot decode it.
    ResponseEnumValueAdded = "response-enum-value-added", BreakingWire, &["response-property-enum-value-added"];
    /// A response enum marked open (`x-open-enum: true` in the old revision) gained a value: clients built from the old spec decode it as an unlisted value.
    ResponseOpenEnumValueAdded = "response-open-enum-value-added", Compatible, &[];
    /// A response enum was marked open (`x-open-enum: true`): the vendor may send values it does not list, which clients built from the old spec fail to decode.
    ResponseEnumOpened = "response-enum-opened", BreakingWire, &[];
    /// A response enum is no longer marked open: the vendor promises listed values only.
    ResponseEnumClosed = "response-enum-closed", Compatible, &[];
    /// A response enum lost a value: wire-compatible, but the Rust enum variant disappears.
    ResponseEnumValueRemoved = "response-enum-value-removed", BreakingRust, &["response-property-enum-value-removed"];
    /// A free response value became an enum.
    ResponseBecameEnum = "response-became-enum", Compatible, &[];
    /// A response enum became a free value: old clients cannot decode the new values.
    ResponseEnumRemoved = "response-enum-removed", BreakingWire, &[];
    /// A response constraint was removed, widened or changed: the server may send values old clients reject.
    ResponseConstraintRelaxed = "response-constraint-relaxed", BreakingWire, &["response-property-max-length-increased", "response-property-max-length-unset", "response-property-min-length-decreased", "response-property-max-increased", "response-property-min-decreased", "response-property-min-items-decreased", "response-property-pattern-changed", "response-body-max-length-unset"];
    /// A response constraint was set or tightened.
    ResponseConstraintTightened = "response-constraint-tightened", Compatible, &["response-property-pattern-added"];
    /// A response value may now be `null`.
    ResponseBecameNullable = "response-became-nullable", BreakingWire, &["response-body-became-nullable", "response-property-became-nullable", "response-header-became-nullable"];
    /// A response value can no longer be `null`.
    ResponseBecameNotNullable = "response-became-not-nullable", Compatible, &["response-property-became-not-nullable"];
    /// A new response field.
    ResponsePropertyAdded = "response-property-added", Compatible, &["response-optional-property-added", "response-required-property-added"];
    /// A new field in a response object with `additionalProperties: false`: the generated type denies unknown fields, so old clients fail to decode.
    ResponsePropertyAddedToClosedObject = "response-property-added-to-closed-object", BreakingWire, &[];
    /// A response field was removed.
    ResponsePropertyRemoved = "response-property-removed", BreakingWire, &["response-required-property-removed", "response-optional-property-removed"];
    /// A response field was renamed (same schema, new name).
    ResponsePropertyRenamed = "response-property-renamed", BreakingWire, &["response-required-property-removed", "response-optional-property-removed"];
    /// A required response field became optional.
    ResponsePropertyBecameOptional = "response-property-became-optional", BreakingWire, &["response-property-became-optional"];
    /// An optional response field became required (wire-compatible; `Option<T>` becomes `T` in Rust).
    ResponsePropertyBecameRequired = "response-property-became-required", Compatible, &["response-property-became-required"];
    /// A response object may now carry unknown fields (it lost `additionalProperties: false`).
    ResponseAdditionalPropertiesAllowed = "response-additional-properties-allowed", BreakingWire, &[];
    /// A response object no longer carries unknown fields.
    ResponseAdditionalPropertiesForbidden = "response-additional-properties-forbidden", Compatible, &[];
    /// A `oneOf`/`anyOf` alternative was added to a response: old clients cannot decode it.
    ResponseVariantAdded = "response-variant-added", BreakingWire, &["response-body-one-of-added", "response-property-one-of-added"];
    /// A `oneOf`/`anyOf` alternative was removed from a response: the Rust enum variant disappears.
    ResponseVariantRemoved = "response-variant-removed", BreakingRust, &["response-body-one-of-removed", "response-property-one-of-removed"];

    // ---- the project's vocabulary: image limits, personal data, billing, status -------------
    /// An image limit of a request field was set or tightened (`x-max-bytes` down, `x-min-bytes` or `x-min-pixels` up, a format dropped from `x-image-formats`): images callers send today are refused, by the client before sending or by the vendor.
    RequestImageLimitTightened = "request-image-limit-tightened", BreakingWire, &[];
    /// An image limit of a request field was removed or loosened: more images are accepted.
    RequestImageLimitRelaxed = "request-image-limit-relaxed", Compatible, &[];
    /// An image limit of a response field was removed or loosened: the vendor may send images the old spec ruled out.
    ResponseImageLimitRelaxed = "response-image-limit-relaxed", BreakingWire, &[];
    /// An image limit of a response field was set or tightened: the vendor promises narrower images.
    ResponseImageLimitTightened = "response-image-limit-tightened", Compatible, &[];
    /// `x-pii` was added, removed or changed on a schema: what logs and `Debug` mask changes, and a component string schema becomes or stops being a hand-written type (`Nik`, `Base64Image`, `Secret`, `Redacted<T>`), which is breaking for Rust callers.
    PiiMarkChanged = "pii-mark-changed", Compatible, &[];
    /// An error code became charged (`x-charged`): calls answered with it, retries included, now cost money, and `VendorError::is_charged` says so.
    ErrorBecameCharged = "error-became-charged", BreakingWire, &[];
    /// An error code is no longer charged (`x-charged`).
    ErrorNoLongerCharged = "error-no-longer-charged", Compatible, &[];
    /// An error code comes with another HTTP status (`x-status`): callers matching on the status see another one.
    ErrorStatusChanged = "error-status-changed", BreakingWire, &[];

    // ---- callbacks (requests the vendor sends to the caller) --------------------------------
    /// An operation declares a new callback: the vendor sends a new request to the caller.
    CallbackAdded = "callback-added", Compatible, &[];
    /// A callback was removed (or is sent elsewhere): receivers waiting for it never get it.
    CallbackRemoved = "callback-removed", BreakingWire, &[];
    /// A callback carries a new header.
    CallbackHeaderAdded = "callback-header-added", Compatible, &[];
    /// A callback no longer carries a header (`X-CALLBACK-TOKEN`): receivers that check it refuse every callback.
    CallbackHeaderRemoved = "callback-header-removed", BreakingWire, &[];
    /// The vendor no longer accepts an answer status from the receiver: receivers answering it are treated as failed deliveries.
    CallbackAnswerChanged = "callback-answer-changed", BreakingWire, &[];
    /// A callback payload's `$ref` names another schema: the type a receiver parses it into changes.
    CallbackPayloadTypeChanged = "callback-payload-type-changed", BreakingRust, &[];

    // ---- defaults and generated Rust types -------------------------------------------------
    /// The `default` of a schema changed (documentation for the wire; may change the Rust field type).
    DefaultChanged = "default-changed", Compatible, &["request-property-default-value-changed", "response-property-default-value-changed"];
    /// The generated Rust type of a field, parameter or body changed although nothing on the wire did (a `$ref` to a renamed schema, a new validated newtype, an integer width).
    RustTypeChanged = "rust-type-changed", BreakingRust, &[];
}

impl Rule {
    /// Looks a rule up by its id.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|rule| rule.id() == id)
    }

    /// The catalogue as a Markdown table (the `rules` subcommand prints it).
    pub fn catalogue_markdown() -> String {
        let mut out = String::from(
            "| Rule | Class | What it detects | oasdiff checks |\n|---|---|---|---|\n",
        );
        for rule in Rule::ALL {
            let oasdiff = if rule.oasdiff().is_empty() {
                "—".to_string()
            } else {
                rule.oasdiff()
                    .iter()
                    .map(|id| format!("`{id}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            out.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                rule.id(),
                rule.class().label(),
                rule.description().trim(),
                oasdiff
            ));
        }
        out
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}
