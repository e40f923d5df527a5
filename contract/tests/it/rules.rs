//! One pair of spec revisions per rule, each asserting the class of the change it produces.
//!
//! Where the class differs from the rule's own (a wire-compatible change that also changes a
//! generated Rust type is breaking for Rust callers), the case says so and a sibling case shows
//! the same rule staying compatible when the Rust type does not move.

use kyc_contract::{Class, Rule, diff_vendor};

use crate::support::{OK, op, params, parse, req, req_with, resp, resp_with};

pub(crate) const WIRE: Class = Class::BreakingWire;
pub(crate) const RUST: Class = Class::BreakingRust;
pub(crate) const COMPAT: Class = Class::Compatible;

/// Declares one test per case and the list of rule ids the cases cover.
macro_rules! cases {
    ($( $name:ident: $rule:literal => $class:ident, $old:expr, $new:expr; )*) => {
        $(
            #[test]
            fn $name() {
                crate::support::check($rule, $class, &$old, &$new);
            }
        )*
        /// Every rule id some case above exercises.
        pub(crate) const COVERED: &[&str] = &[$($rule),*];
    };
}
pub(crate) use cases;

const STR: &str = "{type: object, properties: {a: {type: string}}}";
const STR_REQ: &str = "{type: object, required: [a], properties: {a: {type: string}}}";

cases! {
    // ---- component schemas ----------------------------------------------------------------
    schema_added: "schema-added" => COMPAT, req(STR), req_with(STR, &["Extra: {type: string}"]);
    schema_removed: "schema-removed" => RUST, req_with(STR, &["Extra: {type: string}"]), req(STR);
    schema_renamed: "schema-renamed" => RUST,
        req_with(STR, &["Code: {type: string, maxLength: 3}"]),
        req_with(STR, &["CountryCode: {type: string, maxLength: 3}"]);

    // ---- operations -----------------------------------------------------------------------
    operation_added: "operation-added" => COMPAT, op(LIST), two_operations();
    operation_removed: "operation-removed" => WIRE, two_operations(), op(LIST);
    operation_id_renamed: "operation-id-renamed" => RUST,
        op(&format!("operationId: list_things\n{OK}")),
        op(&format!("operationId: find_things\n{OK}"));
    operation_deprecated: "operation-deprecated" => COMPAT,
        op(&format!("operationId: list_things\n{OK}")),
        op(&format!("operationId: list_things\ndeprecated: true\n{OK}"));
    documentation_changed: "documentation-changed" => COMPAT,
        op(&format!("operationId: list_things\nsummary: List things\n{OK}")),
        op(&format!("operationId: list_things\nsummary: List every thing\n{OK}"));
    not_interpreted: "not-interpreted" => COMPAT,
        resp("{type: object, properties: {score: {type: number, x-threshold: 0.7}}}"),
        resp("{type: object, properties: {score: {type: number, x-threshold: 0.8}}}");

    // ---- security -------------------------------------------------------------------------
    security_required: "security-required" => WIRE, secured(""), secured("security: [{bearer: []}]");
    security_removed: "security-removed" => WIRE,
        secured("security: [{bearer: []}, {key: []}]"), secured("security: [{bearer: []}]");
    security_added: "security-added" => COMPAT,
        secured("security: [{bearer: []}]"), secured("security: [{bearer: []}, {key: []}]");
    security_no_longer_required: "security-no-longer-required" => COMPAT,
        secured("security: [{bearer: []}]"), secured("");
    security_scope_added: "security-scope-added" => WIRE,
        secured("security: [{oauth: [read]}]"), secured("security: [{oauth: [read, write]}]");
    security_scope_removed: "security-scope-removed" => COMPAT,
        secured("security: [{oauth: [read, write]}]"), secured("security: [{oauth: [read]}]");
    security_scheme_changed: "security-scheme-changed" => WIRE,
        secured("security: [{bearer: []}]"),
        secured("security: [{bearer: []}]").replace("bearer: {type: http, scheme: bearer}", "bearer: {type: http, scheme: basic}");

    // ---- parameters -----------------------------------------------------------------------
    parameter_added_required: "request-parameter-added-required" => WIRE,
        params(""), params("[{name: q, in: query, required: true, schema: {type: string}}]");
    parameter_added_optional: "request-parameter-added-optional" => COMPAT,
        params(""), params("[{name: q, in: query, schema: {type: string}}]");
    parameter_removed: "request-parameter-removed" => WIRE,
        params("[{name: q, in: query, schema: {type: string}}]"), params("");
    parameter_renamed: "request-parameter-renamed" => WIRE,
        params("[{name: q, in: query, schema: {type: string}}]"),
        params("[{name: query, in: query, schema: {type: string}}]");
    path_parameter_renamed: "request-parameter-renamed" => WIRE,
        params(""), params("").replace("/things/{id}", "/things/{thingId}").replace("name: id,", "name: thingId,");
    parameter_became_required: "request-parameter-became-required" => WIRE,
        params("[{name: q, in: query, schema: {type: string}}]"),
        params("[{name: q, in: query, required: true, schema: {type: string}}]");
    parameter_became_optional: "request-parameter-became-optional" => COMPAT,
        params("[{name: q, in: query, required: true, schema: {type: string}}]"),
        params("[{name: q, in: query, schema: {type: string}}]");
    parameter_default_changed: "request-parameter-default-changed" => WIRE,
        params("[{name: limit, in: query, schema: {type: integer, default: 10}}]"),
        params("[{name: limit, in: query, schema: {type: integer, default: 50}}]");
    parameter_pattern_added: "request-constraint-tightened" => WIRE,
        params("[{name: q, in: query, schema: {type: string}}]"),
        params("[{name: q, in: query, schema: {type: string, pattern: \"^[a-z]+$\"}}]");
    parameter_newtype_removed: "request-constraint-relaxed" => RUST,
        params("[{name: q, in: query, schema: {type: string, maxLength: 8}}]"),
        params("[{name: q, in: query, schema: {type: string}}]");

    // ---- request bodies -------------------------------------------------------------------
    request_body_added_required: "request-body-added-required" => WIRE,
        op(&format!("operationId: list_things\n{OK}")),
        op(&format!("operationId: list_things\nrequestBody: {BODY_REQUIRED}\n{OK}"));
    request_body_added_optional: "request-body-added-optional" => COMPAT,
        op(&format!("operationId: list_things\n{OK}")),
        op(&format!("operationId: list_things\nrequestBody: {BODY_OPTIONAL}\n{OK}"));
    request_body_removed: "request-body-removed" => WIRE,
        op(&format!("operationId: list_things\nrequestBody: {BODY_REQUIRED}\n{OK}")),
        op(&format!("operationId: list_things\n{OK}"));
    request_body_became_required: "request-body-became-required" => WIRE,
        op(&format!("operationId: list_things\nrequestBody: {BODY_OPTIONAL}\n{OK}")),
        op(&format!("operationId: list_things\nrequestBody: {BODY_REQUIRED}\n{OK}"));
    request_body_became_optional: "request-body-became-optional" => COMPAT,
        op(&format!("operationId: list_things\nrequestBody: {BODY_REQUIRED}\n{OK}")),
        op(&format!("operationId: list_things\nrequestBody: {BODY_OPTIONAL}\n{OK}"));
    request_media_type_added: "request-media-type-added" => COMPAT,
        req(STR), req(STR).replace(r##"{application/json: {schema: {$ref: "#/components/schemas/Thing"}}}"##, r##"{application/json: {schema: {$ref: "#/components/schemas/Thing"}}, application/xml: {schema: {$ref: "#/components/schemas/Thing"}}}"##);
    request_media_type_removed: "request-media-type-removed" => WIRE,
        req(STR).replace(r##"{application/json: {schema: {$ref: "#/components/schemas/Thing"}}}"##, r##"{application/json: {schema: {$ref: "#/components/schemas/Thing"}}, application/xml: {schema: {$ref: "#/components/schemas/Thing"}}}"##), req(STR);
    request_body_type_changed: "request-body-type-changed" => RUST,
        req(STR),
        req_with(STR, &["NewThing: {type: object, properties: {a: {type: string}}}"]).replace("schemas/Thing\"}}}}", "schemas/NewThing\"}}}}");

    // ---- responses ------------------------------------------------------------------------
    response_status_added: "response-status-added" => COMPAT,
        resp(STR), resp(STR).replace("responses:\n", "responses:\n        \"404\": {description: not found}\n");
    response_status_widened: "response-status-widened" => COMPAT,
        resp(STR), resp(STR).replace("\"200\": {description: ok", "\"2XX\": {description: ok");
    response_status_narrowed: "response-status-narrowed" => WIRE,
        resp(STR).replace("\"200\": {description: ok", "\"2XX\": {description: ok"), resp(STR);
    response_status_removed: "response-status-removed" => WIRE,
        resp(STR).replace("responses:\n", "responses:\n        \"404\": {description: not found}\n"), resp(STR);
    response_media_type_added: "response-media-type-added" => COMPAT,
        resp(STR), resp(STR).replace(r##"{application/json: {schema: {$ref: "#/components/schemas/Out"}}}"##, r##"{application/json: {schema: {$ref: "#/components/schemas/Out"}}, application/xml: {schema: {$ref: "#/components/schemas/Out"}}}"##);
    response_media_type_removed: "response-media-type-removed" => WIRE,
        resp(STR).replace(r##"{application/json: {schema: {$ref: "#/components/schemas/Out"}}}"##, r##"{application/json: {schema: {$ref: "#/components/schemas/Out"}}, application/xml: {schema: {$ref: "#/components/schemas/Out"}}}"##), resp(STR);
    response_body_type_changed: "response-body-type-changed" => RUST,
        resp(STR), resp_with(STR, &["Result: {type: object, properties: {a: {type: string}}}"]).replace("schemas/Out\"}}}}", "schemas/Result\"}}}}");
    response_header_added: "response-header-added" => COMPAT, headers(""), headers("X-Rate: {schema: {type: integer}}");
    response_header_removed: "response-header-removed" => WIRE, headers("X-Rate: {schema: {type: integer}}"), headers("");
    response_header_became_optional: "response-header-became-optional" => WIRE,
        headers("X-Rate: {required: true, schema: {type: integer}}"), headers("X-Rate: {schema: {type: integer}}");
    response_header_became_required: "response-header-became-required" => COMPAT,
        headers("X-Rate: {schema: {type: integer}}"), headers("X-Rate: {required: true, schema: {type: integer}}");
    response_header_type_changed: "response-type-changed" => WIRE,
        headers("X-Rate: {schema: {type: integer}}"), headers("X-Rate: {schema: {type: string}}");

    // ---- request schemas ------------------------------------------------------------------
    request_type_changed: "request-type-changed" => WIRE,
        req("{type: object, properties: {a: {type: string}}}"), req("{type: object, properties: {a: {type: integer}}}");
    request_type_generalized: "request-type-generalized" => RUST,
        req("{type: object, properties: {a: {type: integer}}}"), req("{type: object, properties: {a: {type: number}}}");
    request_format_changed: "request-format-changed" => WIRE,
        req("{type: object, properties: {a: {type: string}}}"), req("{type: object, properties: {a: {type: string, format: email}}}");
    request_format_removed: "request-format-removed" => COMPAT,
        req("{type: object, properties: {a: {type: string, format: email}}}"), req("{type: object, properties: {a: {type: string}}}");
    request_format_removed_changes_type: "request-format-removed" => RUST,
        req("{type: object, properties: {a: {type: string, format: date}}}"), req("{type: object, properties: {a: {type: string}}}");
    request_enum_value_removed: "request-enum-value-removed" => WIRE,
        req("{type: object, properties: {a: {type: string, enum: [x, y]}}}"), req("{type: object, properties: {a: {type: string, enum: [x]}}}");
    request_enum_value_added: "request-enum-value-added" => COMPAT,
        req("{type: object, properties: {a: {type: string, enum: [x]}}}"), req("{type: object, properties: {a: {type: string, enum: [x, y]}}}");
    request_became_enum: "request-became-enum" => WIRE,
        req("{type: object, properties: {a: {type: string}}}"), req("{type: object, properties: {a: {type: string, enum: [x]}}}");
    request_enum_removed: "request-enum-removed" => RUST,
        req("{type: object, properties: {a: {type: string, enum: [x]}}}"), req("{type: object, properties: {a: {type: string}}}");
    request_max_length_decreased: "request-constraint-tightened" => WIRE,
        req("{type: object, properties: {a: {type: string, maxLength: 10}}}"), req("{type: object, properties: {a: {type: string, maxLength: 5}}}");
    request_minimum_set: "request-constraint-tightened" => WIRE,
        req("{type: object, properties: {a: {type: number}}}"), req("{type: object, properties: {a: {type: number, minimum: 1}}}");
    request_max_length_increased: "request-constraint-relaxed" => COMPAT,
        req("{type: object, properties: {a: {type: string, maxLength: 5}}}"), req("{type: object, properties: {a: {type: string, maxLength: 10}}}");
    request_became_not_nullable: "request-became-not-nullable" => WIRE,
        req("{type: object, properties: {a: {type: string, nullable: true}}}"), req("{type: object, properties: {a: {type: string}}}");
    request_became_nullable_required: "request-became-nullable" => RUST,
        req("{type: object, required: [a], properties: {a: {type: string}}}"), req("{type: object, required: [a], properties: {a: {type: string, nullable: true}}}");
    request_became_nullable_optional: "request-became-nullable" => COMPAT,
        req("{type: object, properties: {a: {type: string}}}"), req("{type: object, properties: {a: {type: string, nullable: true}}}");
    request_property_added_required: "request-property-added-required" => WIRE,
        req(STR), req("{type: object, required: [b], properties: {a: {type: string}, b: {type: integer}}}");
    request_property_added_optional: "request-property-added-optional" => COMPAT,
        req(STR), req("{type: object, properties: {a: {type: string}, b: {type: integer}}}");
    request_property_removed: "request-property-removed" => WIRE,
        req("{type: object, properties: {a: {type: string}, b: {type: integer}}}"), req(STR);
    request_property_renamed: "request-property-renamed" => WIRE,
        req("{type: object, properties: {a: {type: string}, b: {type: integer}}}"), req("{type: object, properties: {a: {type: string}, count: {type: integer}}}");
    request_property_became_required: "request-property-became-required" => WIRE, req(STR), req(STR_REQ);
    request_property_became_optional: "request-property-became-optional" => RUST, req(STR_REQ), req(STR);
    request_array_became_optional: "request-property-became-optional" => COMPAT,
        req("{type: object, required: [a], properties: {a: {type: array, items: {type: string}}}}"),
        req("{type: object, properties: {a: {type: array, items: {type: string}}}}");
    request_additional_properties_forbidden: "request-additional-properties-forbidden" => WIRE,
        req(STR), req("{type: object, additionalProperties: false, properties: {a: {type: string}}}");
    request_additional_properties_allowed: "request-additional-properties-allowed" => COMPAT,
        req("{type: object, additionalProperties: false, properties: {a: {type: string}}}"), req(STR);
    request_variant_removed: "request-variant-removed" => WIRE,
        req_with(r##"{oneOf: [{$ref: "#/components/schemas/A"}, {$ref: "#/components/schemas/B"}]}"##, &[VARIANT_A, VARIANT_B]),
        req_with(r##"{oneOf: [{$ref: "#/components/schemas/A"}]}"##, &[VARIANT_A, VARIANT_B]);
    request_variant_added: "request-variant-added" => COMPAT,
        req_with(r##"{oneOf: [{$ref: "#/components/schemas/A"}]}"##, &[VARIANT_A, VARIANT_B]),
        req_with(r##"{oneOf: [{$ref: "#/components/schemas/A"}, {$ref: "#/components/schemas/B"}]}"##, &[VARIANT_A, VARIANT_B]);
    request_all_of_part_added: "request-type-changed" => WIRE,
        req_with(r##"{allOf: [{$ref: "#/components/schemas/A"}]}"##, &[VARIANT_A, VARIANT_B]),
        req_with(r##"{allOf: [{$ref: "#/components/schemas/A"}, {$ref: "#/components/schemas/B"}]}"##, &[VARIANT_A, VARIANT_B]);

    // ---- response schemas -----------------------------------------------------------------
    response_type_changed: "response-type-changed" => WIRE,
        resp("{type: object, properties: {a: {type: string}}}"), resp("{type: object, properties: {a: {type: integer}}}");
    response_type_specialized: "response-type-specialized" => RUST,
        resp("{type: object, properties: {a: {type: number}}}"), resp("{type: object, properties: {a: {type: integer}}}");
    response_format_changed: "response-format-changed" => WIRE,
        resp("{type: object, properties: {a: {type: string, format: email}}}"), resp("{type: object, properties: {a: {type: string}}}");
    response_format_added: "response-format-added" => COMPAT,
        resp("{type: object, properties: {a: {type: string}}}"), resp("{type: object, properties: {a: {type: string, format: email}}}");
    response_format_added_changes_type: "response-format-added" => RUST,
        resp("{type: object, properties: {a: {type: string}}}"), resp("{type: object, properties: {a: {type: string, format: uuid}}}");
    response_enum_value_added: "response-enum-value-added" => WIRE,
        resp_with(STATUS_REF, &["Status: {type: string, enum: [ok]}"]), resp_with(STATUS_REF, &["Status: {type: string, enum: [ok, pending]}"]);
    response_enum_value_removed: "response-enum-value-removed" => RUST,
        resp_with(STATUS_REF, &["Status: {type: string, enum: [ok, pending]}"]), resp_with(STATUS_REF, &["Status: {type: string, enum: [ok]}"]);
    response_became_enum: "response-became-enum" => RUST,
        resp("{type: object, properties: {a: {type: string}}}"), resp("{type: object, properties: {a: {type: string, enum: [x]}}}");
    response_enum_removed: "response-enum-removed" => WIRE,
        resp("{type: object, properties: {a: {type: string, enum: [x]}}}"), resp("{type: object, properties: {a: {type: string}}}");
    response_max_length_increased: "response-constraint-relaxed" => WIRE,
        resp("{type: object, properties: {a: {type: string, maxLength: 5}}}"), resp("{type: object, properties: {a: {type: string, maxLength: 10}}}");
    response_pattern_changed: "response-constraint-relaxed" => WIRE,
        resp("{type: object, properties: {a: {type: string, pattern: \"^a\"}}}"), resp("{type: object, properties: {a: {type: string, pattern: \"^b\"}}}");
    response_max_length_decreased: "response-constraint-tightened" => COMPAT,
        resp("{type: object, properties: {a: {type: string, maxLength: 10}}}"), resp("{type: object, properties: {a: {type: string, maxLength: 5}}}");
    response_pattern_added_newtype: "response-constraint-tightened" => RUST,
        resp("{type: object, properties: {a: {type: string}}}"), resp("{type: object, properties: {a: {type: string, pattern: \"^a\"}}}");
    response_became_nullable: "response-became-nullable" => WIRE,
        resp("{type: object, properties: {a: {type: string}}}"), resp("{type: object, properties: {a: {type: string, nullable: true}}}");
    response_became_not_nullable_required: "response-became-not-nullable" => RUST,
        resp("{type: object, required: [a], properties: {a: {type: string, nullable: true}}}"), resp("{type: object, required: [a], properties: {a: {type: string}}}");
    response_became_not_nullable_optional: "response-became-not-nullable" => COMPAT,
        resp("{type: object, properties: {a: {type: string, nullable: true}}}"), resp("{type: object, properties: {a: {type: string}}}");
    response_property_added: "response-property-added" => COMPAT,
        resp(STR), resp("{type: object, properties: {a: {type: string}, b: {type: integer}}}");
    response_property_added_to_closed_object: "response-property-added-to-closed-object" => WIRE,
        resp("{type: object, additionalProperties: false, properties: {a: {type: string}}}"),
        resp("{type: object, additionalProperties: false, properties: {a: {type: string}, b: {type: integer}}}");
    response_property_removed: "response-property-removed" => WIRE,
        resp("{type: object, properties: {a: {type: string}, b: {type: integer}}}"), resp(STR);
    response_property_renamed: "response-property-renamed" => WIRE,
        resp("{type: object, required: [b], properties: {a: {type: string}, b: {type: integer}}}"),
        resp("{type: object, required: [total], properties: {a: {type: string}, total: {type: integer}}}");
    response_property_became_optional: "response-property-became-optional" => WIRE, resp(STR_REQ), resp(STR);
    response_property_became_required: "response-property-became-required" => RUST, resp(STR), resp(STR_REQ);
    response_array_became_required: "response-property-became-required" => COMPAT,
        resp("{type: object, properties: {a: {type: array, items: {type: string}}}}"),
        resp("{type: object, required: [a], properties: {a: {type: array, items: {type: string}}}}");
    response_additional_properties_allowed: "response-additional-properties-allowed" => WIRE,
        resp("{type: object, additionalProperties: false, properties: {a: {type: string}}}"), resp(STR);
    response_additional_properties_forbidden: "response-additional-properties-forbidden" => COMPAT,
        resp(STR), resp("{type: object, additionalProperties: false, properties: {a: {type: string}}}");
    response_variant_added: "response-variant-added" => WIRE,
        resp_with(r##"{oneOf: [{$ref: "#/components/schemas/A"}]}"##, &[VARIANT_A, VARIANT_B]),
        resp_with(r##"{oneOf: [{$ref: "#/components/schemas/A"}, {$ref: "#/components/schemas/B"}]}"##, &[VARIANT_A, VARIANT_B]);
    response_variant_removed: "response-variant-removed" => RUST,
        resp_with(r##"{anyOf: [{$ref: "#/components/schemas/A"}, {$ref: "#/components/schemas/B"}]}"##, &[VARIANT_A, VARIANT_B]),
        resp_with(r##"{anyOf: [{$ref: "#/components/schemas/A"}]}"##, &[VARIANT_A, VARIANT_B]);
    response_array_items_enum_added: "response-enum-value-added" => WIRE,
        resp("{type: object, properties: {tags: {type: array, items: {type: string, enum: [a]}}}}"),
        resp("{type: object, properties: {tags: {type: array, items: {type: string, enum: [a, b]}}}}");

    // ---- defaults and generated types -----------------------------------------------------
    default_changed: "default-changed" => COMPAT,
        resp("{type: object, properties: {n: {type: integer, default: 1}}}"), resp("{type: object, properties: {n: {type: integer, default: 2}}}");
    default_added_changes_field_type: "default-changed" => RUST,
        req("{type: object, properties: {n: {type: integer}}}"), req("{type: object, properties: {n: {type: integer, default: 2}}}");
    rust_type_changed_by_ref: "rust-type-changed" => RUST,
        resp_with(r##"{type: object, properties: {id: {$ref: "#/components/schemas/Nik"}}}"##, &["Nik: {type: string}", "NationalId: {type: string}"]),
        resp_with(r##"{type: object, properties: {id: {$ref: "#/components/schemas/NationalId"}}}"##, &["Nik: {type: string}", "NationalId: {type: string}"]);
    rust_type_changed_by_integer_bounds: "response-constraint-tightened" => RUST,
        resp("{type: object, required: [n], properties: {n: {type: integer}}}"), resp("{type: object, required: [n], properties: {n: {type: integer, minimum: 1}}}");
}

const LIST: &str = r##"operationId: list_things
responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Out"}}}}}"##;

/// `GET /things` and `DELETE /things`.
fn two_operations() -> String {
    crate::support::doc(
        &format!(
            "/things:\n  get:\n    operationId: list_things\n    {OK}\n  delete:\n    operationId: delete_things\n    {OK}\n"
        ),
        &["Out: {type: object, properties: {id: {type: string}}}"],
    )
}

const BODY_REQUIRED: &str = r##"{required: true, content: {application/json: {schema: {$ref: "#/components/schemas/Out"}}}}"##;
const BODY_OPTIONAL: &str =
    r##"{content: {application/json: {schema: {$ref: "#/components/schemas/Out"}}}}"##;
const VARIANT_A: &str = "A: {type: object, properties: {a: {type: string}}}";
const VARIANT_B: &str = "B: {type: object, properties: {b: {type: integer}}}";
const STATUS_REF: &str =
    r##"{type: object, properties: {status: {$ref: "#/components/schemas/Status"}}}"##;

/// `GET /things` with the given top-level `security` line and three schemes defined.
fn secured(security: &str) -> String {
    let mut spec = op(&format!("operationId: list_things\n{OK}"));
    spec.push_str(
        "  securitySchemes:\n    bearer: {type: http, scheme: bearer}\n    key: {type: apiKey, in: header, name: X-Api-Key}\n    oauth: {type: oauth2, flows: {clientCredentials: {tokenUrl: \"https://auth.example/token\", scopes: {read: Read, write: Write}}}}\n",
    );
    spec.push_str(security);
    spec.push('\n');
    spec
}

/// `GET /things` whose 200 response has the given header lines.
fn headers(headers: &str) -> String {
    let block = if headers.is_empty() {
        String::new()
    } else {
        format!(", headers: {{{headers}}}")
    };
    op(&format!(
        "operationId: list_things\nresponses: {{\"200\": {{description: ok{block}, content: {{application/json: {{schema: {{$ref: \"#/components/schemas/Out\"}}}}}}}}}}"
    ))
}

#[test]
fn spec_added_and_removed() {
    let spec = parse("spec.yaml", &req(STR));
    let added = diff_vendor("openapi/new.yaml", None, Some(&spec));
    assert_eq!(added.changes.len(), 1);
    assert_eq!(added.changes[0].rule, Rule::SpecAdded);
    assert_eq!(added.changes[0].class, Class::Compatible);
    assert!(
        added.changes[0].message.contains("`create_thing`"),
        "{}",
        added.changes[0].message
    );

    let removed = diff_vendor("openapi/old.yaml", Some(&spec), None);
    assert_eq!(removed.changes.len(), 1);
    assert_eq!(removed.changes[0].rule, Rule::SpecRemoved);
    assert_eq!(removed.changes[0].class, Class::BreakingWire);
}

/// Every rule in the catalogue has at least one case above (or in `spec_added_and_removed`).
#[test]
fn every_rule_has_a_case() {
    let missing: Vec<&str> = Rule::ALL
        .iter()
        .map(|r| r.id())
        .filter(|id| {
            !COVERED.contains(id)
                && !crate::vocabulary::COVERED.contains(id)
                && !["spec-added", "spec-removed"].contains(id)
        })
        .collect();
    assert!(missing.is_empty(), "rules without a test case: {missing:?}");
}

/// The case pairs themselves are valid: identical revisions report nothing.
#[test]
fn identical_revisions_report_nothing() {
    for spec in [
        req(STR),
        resp(STR),
        params("[{name: q, in: query, schema: {type: string}}]"),
        secured("security: [{bearer: []}]"),
        headers("X-Rate: {schema: {type: integer}}"),
    ] {
        let report = crate::support::report(&spec, &spec);
        assert_eq!(report.changes().count(), 0, "{}", report.to_markdown());
        assert_eq!(report.exit_code(), 0);
    }
}

/// One schema used in a request and in a response: widening it is compatible for the request
/// and breaking for the response, and both are reported.
#[test]
fn shared_schema_is_judged_per_direction() {
    let spec = |max: u32| {
        crate::support::doc(
            r##"
/things:
  post:
    operationId: create_thing
    requestBody: {required: true, content: {application/json: {schema: {$ref: "#/components/schemas/Thing"}}}}
    responses:
      "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Thing"}}}}
"##,
            &[
                r##"Thing: {type: object, properties: {code: {$ref: "#/components/schemas/Code"}}}"##,
                &format!("Code: {{type: string, maxLength: {max}}}"),
            ],
        )
    };
    let report = crate::support::report(&spec(5), &spec(10));
    let found: Vec<(Rule, Class)> = report.changes().map(|c| (c.rule, c.class)).collect();
    assert_eq!(
        found,
        vec![
            (Rule::RequestConstraintRelaxed, Class::Compatible),
            (Rule::ResponseConstraintRelaxed, Class::BreakingWire),
        ],
        "{}",
        report.to_markdown()
    );
    let change = report.changes().next().unwrap();
    assert_eq!(
        change.defined_at.as_deref(),
        Some("#/components/schemas/Code/maxLength")
    );
    assert_eq!(
        change.location,
        "paths./things.post.requestBody.content.application/json.schema.properties.code.maxLength"
    );
}

/// A recursive schema is walked once per operation and direction, not forever.
#[test]
fn recursive_schema_terminates() {
    let tree = |extra: &str| {
        resp_with(
            r##"{type: object, properties: {root: {$ref: "#/components/schemas/Node"}}}"##,
            &[&format!(
                r##"Node: {{type: object, properties: {{name: {{type: string{extra}}}, children: {{type: array, items: {{$ref: "#/components/schemas/Node"}}}}}}}}"##
            )],
        )
    };
    let report = crate::support::report(&tree(""), &tree(", maxLength: 10"));
    let rules: Vec<Rule> = report.changes().map(|c| c.rule).collect();
    assert_eq!(
        rules,
        vec![Rule::ResponseConstraintTightened],
        "{}",
        report.to_markdown()
    );
    // maxLength turns `String` into a validated newtype: breaking for Rust callers.
    assert_eq!(report.changes().next().unwrap().class, Class::BreakingRust);
}

/// A field removed from a response breaks the wire and Rust code alike: the change says what
/// the old revision knew (required or not), names the Rust field that disappears, and the
/// verdict counts it for Rust callers too.
#[test]
fn removed_response_field_counts_for_rust_callers_and_says_whether_it_was_required() {
    let old = resp(
        "{type: object, required: [a, b], properties: {a: {type: string}, b: {type: integer}}}",
    );
    let report = crate::support::report(&old, &resp(STR_REQ));
    let change = report.changes().next().expect("one change");
    assert_eq!(
        (change.rule, change.class),
        (Rule::ResponsePropertyRemoved, WIRE)
    );
    assert!(
        change.message.ends_with(
            "removed (it was required: clients built from the old spec fail to decode a response without it)"
        ),
        "{}",
        change.message
    );
    assert_eq!(
        change.rust_effect.as_deref(),
        Some("the Rust field `b` disappears")
    );
    assert_eq!(
        report.verdict(),
        "**Breaking** — 1 breaking on the wire, 1 breaking for Rust callers (1 of them also on the wire), 0 compatible"
    );
    let counts = report.counts();
    assert_eq!(
        (
            counts.breaking_wire,
            counts.breaking_rust,
            counts.breaking_wire_and_rust
        ),
        (1, 0, 1)
    );
    let optional = crate::support::report(
        &resp("{type: object, properties: {a: {type: string}, b: {type: integer}}}"),
        &resp(STR),
    );
    let change = optional.changes().next().expect("one change");
    assert!(
        change.message.contains("it was optional"),
        "{}",
        change.message
    );
}
