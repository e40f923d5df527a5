use serde_json::Value;

use super::*;

/// A valid document with one operation and one schema, `S`; cases patch it.
const BASE: &str = r##"openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /things/{id}:
    post:
      operationId: create_thing
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/S"}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/S"}
              example: {name: a}
components:
  schemas:
    S:
      type: object
      required: [name]
      properties:
        name: {type: string, minLength: 1}
        born: {type: string, format: date}
        active: {type: boolean, x-note: [anything, {goes: here}]}
"##;

fn document(yaml: &str) -> Value {
    let value: serde_yaml::Value = serde_yaml::from_str(yaml).unwrap();
    serde_json::to_value(value).unwrap()
}

/// The problems of `BASE` with `from` replaced by `to`, as `(pointer, problem, fix)`.
fn problems_with(from: &str, to: &str) -> Vec<(String, String, String)> {
    assert!(BASE.contains(from), "the base has `{from}`");
    problems("t.yaml", &document(&BASE.replacen(from, to, 1)))
        .into_iter()
        .map(|e| (e.pointer.unwrap_or_default(), e.problem, e.fix))
        .collect()
}

/// The one problem of the patched base: its pointer, and problem and fix as one text.
fn one(from: &str, to: &str) -> (String, String) {
    let found = problems_with(from, to);
    assert_eq!(found.len(), 1, "{found:#?}");
    let (pointer, problem, fix) = found.into_iter().next().unwrap();
    (pointer, format!("{problem} / fix: {fix}"))
}

const S: &str = "/components/schemas/S";
const OP: &str = "/paths/~1things~1{id}/post";

fn assert_mentions(text: &str, needles: &[&str]) {
    for needle in needles {
        assert!(text.contains(needle), "`{needle}` in: {text}");
    }
}

#[test]
fn the_base_and_the_real_specs_have_no_problem() {
    assert_eq!(problems_with("", ""), vec![]);
    for file in ["kredibel.yaml", "iluma.yaml"] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../openapi")
            .join(file);
        let found = problems(file, &document(&std::fs::read_to_string(path).unwrap()));
        assert!(found.is_empty(), "{}", SpecErrors(found));
    }
}

#[test]
fn unknown_types_with_a_suggestion() {
    let (at, text) = one("type: boolean", "type: bolean");
    assert_eq!(at, format!("{S}/properties/active/type"));
    assert_mentions(
        &text,
        &[
            "`type: bolean`",
            "did you mean `boolean`?",
            "`type: boolean`",
        ],
    );
    let (_, text) = one("type: boolean", "type: int");
    assert_mentions(&text, &["`type: integer`", "int64"]);
    let (_, text) = one("type: boolean", "type: whatever");
    assert_mentions(&text, &["not an OpenAPI 3.0 type", "`string`, `number`"]);
}

#[test]
fn formats_that_do_not_fit_the_type() {
    let (at, text) = one("format: date", "format: dat");
    assert_eq!(at, format!("{S}/properties/born/format"));
    assert_mentions(&text, &["did you mean `date`?", "write `format: date`"]);
    let (_, text) = one("format: date", "format: int64");
    assert_mentions(
        &text,
        &["format of `type: integer`", "write `type: integer`"],
    );
    let (_, text) = one("format: date", "format: nik");
    assert_mentions(&text, &["plain string", "`pattern`"]);
    let (_, text) = one("type: boolean,", "type: boolean, format: date,");
    assert_mentions(&text, &["no meaning on a `type: boolean`"]);
    let (_, text) = one("type: string, format: date", "format: date");
    assert_mentions(&text, &["without `type`", "add `type: string`"]);
}

#[test]
fn misspelt_keywords_in_every_object() {
    for (from, to, pointer, meant) in [
        (
            "required: [name]",
            "requried: [name]",
            format!("{S}/requried"),
            "required",
        ),
        (
            "properties:",
            "properites:",
            format!("{S}/properites"),
            "properties",
        ),
        (
            "minLength: 1",
            "minLenght: 1",
            format!("{S}/properties/name/minLenght"),
            "minLength",
        ),
        (
            "type: boolean,",
            "type: boolean, nulable: true,",
            format!("{S}/properties/active/nulable"),
            "nullable",
        ),
        (
            "type: boolean,",
            "type: boolean, enums: [true],",
            format!("{S}/properties/active/enums"),
            "enum",
        ),
        (
            "type: boolean,",
            "type: boolean, descripton: x,",
            format!("{S}/properties/active/descripton"),
            "description",
        ),
        (
            "operationId:",
            "operationID:",
            format!("{OP}/operationID"),
            "operationId",
        ),
        (
            "in: path, required",
            "in: path, requried",
            format!("{OP}/parameters/0/requried"),
            "required",
        ),
        (
            "description: ok",
            "descripton: ok",
            format!("{OP}/responses/200/descripton"),
            "description",
        ),
        (
            "schema: {$ref: \"#/components/schemas/S\"}\n      responses",
            "schemma: {$ref: \"#/components/schemas/S\"}\n      responses",
            format!("{OP}/requestBody/content/application~1json/schemma"),
            "schema",
        ),
        (
            "  required: true\n        content:",
            "  requird: true\n        content:",
            format!("{OP}/requestBody/requird"),
            "required",
        ),
        (
            "    post:",
            "    psot:",
            "/paths/~1things~1{id}/psot".to_string(),
            "post",
        ),
    ] {
        let found = problems_with(from, to);
        let hit = found
            .iter()
            .find(|(at, _, _)| *at == pointer)
            .unwrap_or_else(|| panic!("{pointer} in {found:#?}"));
        assert_mentions(&hit.1, &[&format!("did you mean `{meant}`?")]);
        assert_eq!(hit.2, format!("write `{meant}`"));
    }
}

#[test]
fn keywords_in_the_wrong_place() {
    let (at, text) = one("type: boolean,", "type: boolean, required: true,");
    assert_eq!(at, format!("{S}/properties/active/required"));
    assert_mentions(
        &text,
        &[
            "on the property `active`",
            &format!("object at {S}"),
            "`required: [...]`",
        ],
    );

    let (_, text) = one(
        "born: {type: string, format: date}",
        "born: {type: string, items: {type: string}}",
    );
    assert_mentions(
        &text,
        &["`items` applies to `type: array`", "`type: string`"],
    );
    let (_, text) = one(
        "born: {type: string, format: date}",
        "born: {items: {type: string}}",
    );
    assert_mentions(
        &text,
        &["`items` without `type: array`", "add `type: array`"],
    );
    let (_, text) = one("born: {type: string, format: date}", "born: {type: array}");
    assert_mentions(&text, &["without `items`"]);

    let (at, text) = one(
        "      responses:\n        \"200\":\n          description: ok\n",
        "      responses:\n        \"200\":\n          description: ok\n          example: {}\n",
    );
    assert_eq!(at, format!("{OP}/responses/200/example"));
    assert_mentions(&text, &["belong to its media type"]);

    let (_, text) = one(
        "schema: {type: string}}",
        "schema: {type: string}, format: uuid}",
    );
    assert_mentions(&text, &["belongs to the schema", "under `schema:`"]);

    let (_, text) = one("required: [name]", "required: [nmae]");
    assert_mentions(&text, &["`nmae`", "did you mean `name`?"]);

    let active = "        active: {type: boolean, x-note: [anything, {goes: here}]}\n";
    let (at, text) = one(
        active,
        &format!("{active}      nickname: {{type: string}}\n"),
    );
    assert_eq!(at, format!("{S}/nickname"));
    assert_mentions(&text, &["property schema written beside `properties`"]);
}

#[test]
fn openapi_3_1_forms() {
    let (_, text) = one("type: boolean,", "type: [boolean, \"null\"],");
    assert_mentions(
        &text,
        &["OpenAPI 3.1 form", "`type: boolean` and `nullable: true`"],
    );
    let (at, text) = one("type: boolean,", "type: boolean, examples: [true, false],");
    assert_eq!(at, format!("{S}/properties/active/examples"));
    assert_mentions(&text, &["OpenAPI 3.1", "`example: <value>`"]);
    let (_, text) = one("type: boolean,", "type: boolean, const: true,");
    assert_mentions(&text, &["`enum: [<the value>]`"]);
    let (_, text) = one(
        "minLength: 1",
        "minLength: 1, x-a: 1}\n        count: {type: integer, exclusiveMinimum: 0",
    );
    assert_mentions(
        &text,
        &[
            "`exclusiveMinimum: 0` is the OpenAPI 3.1 form",
            "`minimum: 0` and `exclusiveMinimum: true`",
        ],
    );
}

#[test]
fn values_of_the_wrong_kind() {
    let (at, text) = one("in: path, required: true", "in: path, required: yes");
    assert_eq!(at, format!("{OP}/parameters/0/required"));
    assert_mentions(&text, &["the string \"yes\"", "write `required: true`"]);
    let (_, text) = one("type: boolean,", "type: boolean, enum: yes,");
    assert_mentions(&text, &["`enum` must be a list, found a string"]);
    let (_, text) = one("minLength: 1", "minLength: \"1\"");
    assert_mentions(&text, &["`minLength` must be a whole number"]);
    let (_, text) = one("version: \"1\"", "version: 1");
    assert_mentions(
        &text,
        &[
            "`version` must be a string, found a number",
            "quote the value",
        ],
    );
    let (_, text) = one("in: path", "in: paht");
    assert_mentions(&text, &["did you mean `path`?"]);
    let (_, text) = one("\"200\":", "2xx:");
    assert_mentions(&text, &["not a response status code", "`\"2XX\"`"]);
    let (_, text) = one("schema: {type: string}}", "}");
    assert_mentions(&text, &["neither `schema` nor `content`"]);
    let (_, text) = one("          description: ok\n", "");
    assert_mentions(&text, &["without its required `description`"]);
}

#[test]
fn references_take_nothing_beside_them() {
    let (at, text) = one(
        "schema: {$ref: \"#/components/schemas/S\"}\n              example",
        "schema: {$ref: \"#/components/schemas/S\", nullable: true}\n              example",
    );
    assert_eq!(
        at,
        format!("{OP}/responses/200/content/application~1json/schema/nullable")
    );
    assert_mentions(&text, &["beside `$ref` is ignored", "allOf"]);
}

#[test]
fn extensions_are_never_questioned() {
    let text = BASE
        .replace("paths:", "x-top: {anything: [1]}\npaths:")
        .replace(
            "operationId:",
            "x-whatever: {type: bolean}\n      operationId:",
        );
    assert!(problems("t.yaml", &document(&text)).is_empty());
    let (_, text) = one("type: boolean,", "type: boolean, X-note: 1,");
    assert_mentions(&text, &["write it `x-note`"]);
}

#[test]
fn every_problem_is_reported_with_its_line() {
    let text = BASE
        .replace("type: boolean", "type: bolean")
        .replace("operationId:", "operationID:")
        .replace("format: date", "format: dat");
    let errors = check("t.yaml", &text, &document(&text)).unwrap_err();
    let lines: Vec<_> = errors.0.iter().map(|e| e.line).collect();
    assert_eq!(lines, vec![Some(6), Some(28), Some(29)], "{errors}");
    let shown = errors.to_string();
    assert_mentions(
        &shown,
        &[
            "3 problems",
            "t.yaml:29: at /components/schemas/S/properties/active/type: `type: bolean`",
        ],
    );
}
