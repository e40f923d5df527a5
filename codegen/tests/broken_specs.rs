//! A malformed spec fails the build with the file, the place (operation, or JSON pointer and
//! line) and the fix — never a bare panic. Each case is a small spec with one kind of defect;
//! the messages are snapshotted (`snapshots/build-errors/`) so their wording is reviewed like
//! any other output.

use std::path::Path;

use kyc_codegen::{SpecErrors, VendorSpec, generate_from, parse_spec};
use kyc_spec::locate::YamlLines;

const FILE: &str = "openapi/broken.yaml";

/// A valid spec with one operation; cases patch it.
const VALID: &str = r##"
openapi: 3.0.3
info: {title: Broken, version: "1"}
paths:
  /v1/things:
    post:
      operationId: create_thing
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/ThingRequest"}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
        "4XX":
          description: error
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Problem"}
components:
  schemas:
    ThingRequest: {type: object, properties: {name: {type: string}}}
    Thing: {type: object, properties: {id: {type: string}}}
    Problem: {type: object, properties: {message: {type: string}}}
"##;

fn vendor(hand_written: &[&str]) -> VendorSpec {
    VendorSpec {
        file: FILE.into(),
        derives: vec![],
        hand_written: hand_written.iter().map(|s| s.to_string()).collect(),
        inner_type: "()".into(),
        types_path: "crate::broken::types".into(),
        replacements: vec![],
    }
}

/// The errors a build would show: loaded and generated, then located in the text as
/// `kyc_codegen::generate` does.
fn errors_for(text: &str, hand_written: &[&str]) -> SpecErrors {
    let result = parse_spec(FILE, text)
        .and_then(|spec| generate_from(Path::new(FILE), &spec, &vendor(hand_written)));
    match result {
        Ok(_) => panic!("the broken spec generated a client"),
        Err(mut errors) => {
            errors.locate(&YamlLines::new(text));
            errors
        }
    }
}

fn check(case: &str, text: &str, hand_written: &[&str], must_mention: &[&str]) {
    snapshot(case, &errors_for(text, hand_written), must_mention);
}

fn snapshot(case: &str, errors: &SpecErrors, must_mention: &[&str]) {
    let message = errors.to_string();
    assert!(
        message.contains(FILE),
        "{case}: the message names the file:\n{message}"
    );
    assert!(
        message.contains("fix:"),
        "{case}: the message says how to fix it:\n{message}"
    );
    for needle in must_mention {
        assert!(
            message.contains(needle),
            "{case}: the message mentions `{needle}`:\n{message}"
        );
    }
    let mut settings = insta::Settings::clone_current();
    settings
        .set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("../snapshots/build-errors"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(case, message));
}

#[test]
fn the_valid_base_generates() {
    let spec = parse_spec(FILE, VALID).unwrap();
    generate_from(Path::new(FILE), &spec, &vendor(&[])).unwrap();
}

#[test]
fn bad_yaml() {
    check(
        "bad_yaml",
        "openapi: 3.0.3\ninfo:\n  title: [unclosed\n",
        &[],
        &["not valid YAML", "line"],
    );
}

#[test]
fn openapi_3_1_is_refused_with_the_version() {
    check(
        "openapi_3_1",
        &VALID.replace("openapi: 3.0.3", "openapi: 3.1.0"),
        &[],
        &["3.1.0", "3.0.3"],
    );
}

#[test]
fn not_an_openapi_document() {
    check(
        "not_openapi",
        "openapi: 3.0.3\ninfo: {title: x}\n",
        &[],
        &["/info", "without its required `version`", "`paths`"],
    );
}

#[test]
fn missing_operation_id() {
    check(
        "missing_operation_id",
        &VALID.replace("      operationId: create_thing\n", ""),
        &[],
        &["POST /v1/things", "operationId", "post_things"],
    );
}

#[test]
fn operation_id_not_snake_case() {
    check(
        "operation_id_camel_case",
        &VALID.replace("operationId: create_thing", "operationId: createThing"),
        &[],
        &["createThing", "create_thing"],
    );
}

#[test]
fn two_success_types() {
    let text = VALID.replace(
        "        \"4XX\":",
        "        \"201\":\n          description: created\n          content:\n            application/json:\n              schema: {$ref: \"#/components/schemas/ThingRequest\"}\n        \"4XX\":",
    );
    check(
        "two_success_types",
        &text,
        &[],
        &[
            "`create_thing` (POST /v1/things)",
            "2 different success types",
            "200",
            "201",
        ],
    );
}

#[test]
fn two_error_types() {
    let text = VALID.replace(
        "        \"4XX\":",
        "        \"5XX\":\n          description: server\n          content:\n            application/json:\n              schema: {$ref: \"#/components/schemas/Thing\"}\n        \"4XX\":",
    );
    check(
        "two_error_types",
        &text,
        &[],
        &[
            "`create_thing` (POST /v1/things)",
            "2 different error types",
        ],
    );
}

#[test]
fn default_counts_as_success_unless_success_is_2xx() {
    let text = VALID.replace("        \"4XX\":", "        default:");
    check(
        "default_as_second_success",
        &text,
        &[],
        &["`default` counts as a success response", "2XX"],
    );
    // Written `2XX`, the same responses are fine: `default` is then only an error.
    let fixed = text.replace("        \"200\":", "        \"2XX\":");
    let spec = parse_spec(FILE, &fixed).unwrap();
    generate_from(Path::new(FILE), &spec, &vendor(&[])).unwrap();
}

#[test]
fn unknown_ref() {
    check(
        "unknown_ref",
        &VALID.replace(
            "#/components/schemas/Thing\"}",
            "#/components/schemas/Thingy\"}",
        ),
        &[],
        &["#/components/schemas/Thingy", "does not resolve", "Thingy"],
    );
}

#[test]
fn unknown_ref_outside_components() {
    check(
        "unknown_ref_outside_components",
        &VALID
            .replace("#/components/schemas/Thing\"}", "#/definitions/Thing\"}")
            .replace(
                "#/components/schemas/Problem\"}",
                "common.yaml#/components/schemas/Problem\"}",
            ),
        &[],
        &[
            "`$ref: #/definitions/Thing`",
            "`#/components/<section>/<name>`",
            "`$ref: common.yaml#/components/schemas/Problem`",
            "inline the external definition",
        ],
    );
}

#[test]
fn multipart_not_listed_as_hand_written() {
    check(
        "multipart_not_hand_written",
        &VALID.replace("          application/json:\n            schema: {$ref: \"#/components/schemas/ThingRequest\"}", "          multipart/form-data:\n            schema: {$ref: \"#/components/schemas/ThingRequest\"}"),
        &[],
        &["`create_thing`", "multipart/form-data", "hand-written list in build.rs"],
    );
}

#[test]
fn hand_written_operation_missing_from_the_spec() {
    check(
        "hand_written_drift",
        VALID,
        &["verify_thing"],
        &["verify_thing", "no such operation"],
    );
}

#[test]
fn inline_body_schema() {
    check(
        "inline_body_schema",
        &VALID.replace(
            "schema: {$ref: \"#/components/schemas/ThingRequest\"}",
            "schema: {type: object}",
        ),
        &[],
        &["inline", "components/schemas"],
    );
}

#[test]
fn path_parameter_not_declared() {
    check(
        "undeclared_path_parameter",
        &VALID.replace("  /v1/things:", "  /v1/things/{thing_id}:"),
        &[],
        &["{thing_id}", "in: path"],
    );
}

#[test]
fn replacement_of_a_missing_schema() {
    let errors = parse_spec(FILE, VALID)
        .and_then(|spec| {
            let mut vendor = vendor(&[]);
            vendor.replacements = vec![("Person".into(), "crate::Person".into())];
            generate_from(Path::new(FILE), &spec, &vendor)
        })
        .unwrap_err()
        .to_string();
    assert!(
        errors.contains("schema `Person` is replaced by the hand-written `crate::Person`"),
        "{errors}"
    );
    assert!(errors.contains("fix:"), "{errors}");
}

#[test]
fn unknown_pii_kind() {
    check(
        "unknown_pii_kind",
        &VALID.replace(
            "properties: {name: {type: string}}",
            "properties: {name: {type: string, x-pii: fingerprint}}",
        ),
        &[],
        &["x-pii: fingerprint", "nik"],
    );
}

#[test]
fn undocumented_names_a_keyword_the_schema_lacks() {
    check(
        "undocumented_names_a_missing_keyword",
        &VALID.replace(
            "Thing: {type: object, properties: {id: {type: string}}}",
            "Thing:\n      type: object\n      properties:\n        id:\n          type: string\n          format: uuid\n          x-undocumented: [pattern]",
        ),
        &[],
        &["x-undocumented", "pattern", "Thing/properties/id"],
    );
}

#[test]
fn all_problems_are_reported_at_once() {
    let text = VALID
        .replace("      operationId: create_thing\n", "")
        .replace(
            "#/components/schemas/Thing\"}",
            "#/components/schemas/Thingy\"}",
        );
    assert_eq!(errors_for(&text, &[]).0.len(), 2);
}

#[test]
fn the_vendor_specs_generate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for (file, hand_written) in [
        ("openapi/kredibel.yaml", vec![]),
        ("openapi/iluma.yaml", vec!["verify_id_card".to_string()]),
    ] {
        let vendor = VendorSpec {
            file: root.join(file),
            derives: vec!["schemars::JsonSchema".into()],
            hand_written,
            inner_type: "()".into(),
            types_path: "crate::vendor::types".into(),
            replacements: vec![],
        };
        kyc_codegen::generate(&vendor).unwrap_or_else(|e| panic!("{e}"));
    }
}

// The structural check (kyc_spec::structure): the spec read against the OpenAPI 3.0 objects,
// every problem with its JSON pointer, its line and a fix.

#[test]
fn unknown_type() {
    check(
        "unknown_type",
        &VALID.replace(
            "properties: {id: {type: string}}",
            "properties: {id: {type: bolean}}",
        ),
        &[],
        &[
            "openapi/broken.yaml:26: at /components/schemas/Thing/properties/id/type",
            "`type: bolean`",
            "did you mean `boolean`?",
        ],
    );
}

#[test]
fn unknown_format() {
    check(
        "unknown_format",
        &VALID.replace(
            "properties: {id: {type: string}}",
            "properties: {id: {type: string, format: dat}, count: {type: integer, format: int46}}",
        ),
        &[],
        &[
            "/components/schemas/Thing/properties/id/format",
            "did you mean `date`?",
            "/components/schemas/Thing/properties/count/format",
            "did you mean `int64`?",
        ],
    );
}

#[test]
fn misspelt_keywords_are_all_reported() {
    let text = VALID
        .replace("operationId: create_thing", "operationID: create_thing")
        .replace(
            "ThingRequest: {type: object, properties: {name: {type: string}}}",
            "ThingRequest:\n      type: object\n      requried: [name]\n      properties:\n        name: {type: string, minLenght: 1, descripton: The name}\n        kind: {type: string, enums: [a, b], nulable: true}",
        )
        .replace(
            "Problem: {type: object, properties: {message: {type: string}}}",
            "Problem: {type: object, properites: {message: {type: string}}}",
        )
        .replace("          description: error\n", "          descripton: error\n");
    let errors = errors_for(&text, &[]);
    assert_eq!(errors.0.len(), 8, "{errors}");
    snapshot(
        "misspelt_keywords",
        &errors,
        &[
            "did you mean `operationId`?",
            "did you mean `required`?",
            "did you mean `minLength`?",
            "did you mean `description`?",
            "did you mean `enum`?",
            "did you mean `nullable`?",
            "did you mean `properties`?",
        ],
    );
}

#[test]
fn keywords_in_the_wrong_place() {
    let text = VALID
        .replace(
            "properties: {name: {type: string}}",
            "properties: {name: {type: string, required: true}, tags: {items: {type: string}}}",
        )
        .replace(
            "          description: ok\n",
            "          description: ok\n          example: {id: a}\n",
        )
        .replace(
            "      requestBody:",
            "      parameters:\n        - {name: page, in: query, type: integer}\n      requestBody:",
        );
    check(
        "misplaced_keywords",
        &text,
        &[],
        &[
            "`required: true` on the property `name`",
            "`required: [...]` list of the object at /components/schemas/ThingRequest",
            "`items` without `type: array`",
            "belong to its media type",
            "`type` belongs to the schema",
        ],
    );
}

#[test]
fn openapi_3_1_forms_in_a_3_0_spec() {
    check(
        "openapi_3_1_forms",
        &VALID.replace(
            "properties: {id: {type: string}}",
            "properties: {id: {type: [string, \"null\"], examples: [a1, b2]}, kind: {const: thing}}",
        ),
        &[],
        &[
            "`type: string` and `nullable: true`",
            "`example: <value>`",
            "`enum: [<the value>]`",
        ],
    );
}

#[test]
fn values_of_the_wrong_kind() {
    let text = VALID
        .replace(
            "      requestBody:",
            "      parameters:\n        - {name: page, in: query, required: yes, schema: {type: integer}}\n      requestBody:",
        )
        .replace(
            "properties: {id: {type: string}}",
            "properties: {id: {type: string, enum: thing}}",
        );
    check(
        "wrong_value_types",
        &text,
        &[],
        &[
            "`required: yes` is the string \"yes\"",
            "write `required: true`",
            "`enum` must be a list, found a string",
        ],
    );
}

#[test]
fn nothing_beside_a_ref() {
    check(
        "ref_sibling",
        &VALID.replace(
            "schema: {$ref: \"#/components/schemas/Thing\"}",
            "schema: {$ref: \"#/components/schemas/Thing\", nullable: true}",
        ),
        &[],
        &["`nullable` beside `$ref` is ignored", "allOf"],
    );
}

#[test]
fn the_vendor_specs_pass_the_structural_check() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for file in ["openapi/kredibel.yaml", "openapi/iluma.yaml"] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        let value: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        let document = serde_json::to_value(value).unwrap();
        let problems = kyc_spec::structure::problems(file, &document);
        assert!(problems.is_empty(), "{}", SpecErrors(problems));
    }
}

// A panic progenitor still raises names the operation or schema it was generating.

#[test]
fn a_progenitor_panic_names_the_operation() {
    check(
        "progenitor_panic_operation",
        &VALID.replace(
            "            schema: {$ref: \"#/components/schemas/ThingRequest\"}\n",
            "            schema: {$ref: \"#/components/schemas/ThingRequest\"}\n          application/json; charset=utf-8:\n            schema: {$ref: \"#/components/schemas/ThingRequest\"}\n",
        ),
        &[],
        &[
            "openapi/broken.yaml:6: operation `create_thing` (POST /v1/things)",
            "progenitor panicked while generating this operation",
            "more media types",
            "For the maintainers: kyc-codegen",
        ],
    );
}

#[test]
fn a_progenitor_panic_names_the_schema() {
    // A typed document that did not come through the loader (so not through its structural
    // check) reaches progenitor with a type it panics on.
    let text = VALID.replace(
        "properties: {id: {type: string}}",
        "properties: {id: {type: bolean}}",
    );
    let spec: openapiv3::OpenAPI = serde_yaml::from_str(&text).unwrap();
    let mut errors = generate_from(Path::new(FILE), &spec, &vendor(&[])).unwrap_err();
    errors.locate(&YamlLines::new(&text));
    snapshot(
        "progenitor_panic_schema",
        &errors,
        &[
            "openapi/broken.yaml:26: at /components/schemas/Thing",
            "schema `Thing`",
            "invalid type: bolean",
        ],
    );
    assert!(
        !errors.to_string().contains("codegen/src"),
        "the fix does not send the spec author to the generator's sources"
    );
}

#[test]
fn closed_response_enums() {
    // A named enum a response carries, without `x-open-enum`; an inline one; and a mark the
    // generator cannot honour (not an enum, and a value clashing with `Unknown`).
    let text = VALID
        .replace(
            "Thing: {type: object, properties: {id: {type: string}}}",
            "Thing: {type: object, properties: {id: {type: string}, status: {$ref: \"#/components/schemas/Status\"}, kind: {type: string, enum: [a, b]}}}\n    \
             Status: {type: string, enum: [done, failed]}\n    \
             Label: {type: string, x-open-enum: true}\n    \
             Outcome: {type: string, enum: [ok, unknown], x-open-enum: true}",
        );
    check(
        "closed_response_enums",
        &text,
        &[],
        &[
            "/components/schemas/Status",
            "add `x-open-enum: true`",
            "/components/schemas/Thing/properties/kind",
            "move the enum into components/schemas",
            "not a `type: string` enum",
            "`unknown` would be the variant `Unknown`",
        ],
    );
}

#[test]
fn open_enums_generate_into_types() {
    let text = VALID.replace(
        "Thing: {type: object, properties: {id: {type: string}}}",
        "Thing: {type: object, properties: {id: {type: string}, status: {$ref: \"#/components/schemas/Status\"}}}\n    \
         Status: {type: string, enum: [done, in_progress], x-open-enum: true}",
    );
    let spec = parse_spec(FILE, &text).unwrap();
    let generated = generate_from(Path::new(FILE), &spec, &vendor(&[])).unwrap();
    // The open type sits in `types` beside progenitor's, and the struct names it by path.
    assert!(generated.client.contains("pub enum Status {"));
    assert!(generated.client.contains("InProgress,"));
    assert!(generated.client.contains("Unknown(::std::string::String)"));
    assert!(
        generated
            .client
            .contains("pub status: ::std::option::Option<crate::broken::types::Status>"),
        "{}",
        generated.client
    );
}
