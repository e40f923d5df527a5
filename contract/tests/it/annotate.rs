//! `--format github`: one workflow annotation per change, on the line of the new spec where
//! the change is (for a removal, its nearest surviving parent), checked line by line.

use kyc_contract::annotate::NewSpec;
use kyc_contract::{Report, diff_vendor};

use crate::support::{OK, op, params, parse, req, req_with, resp_with};

/// The annotations of a diff whose new revision is `new.yaml`.
fn github(old: &str, new: &str) -> Vec<String> {
    let new_spec = parse("new.yaml", new);
    let report = Report::new(vec![diff_vendor(
        "new.yaml",
        Some(&parse("old.yaml", old)),
        Some(&new_spec),
    )]);
    crate::support::check_annotations(&report, new, &new_spec);
    report
        .to_github(&[NewSpec {
            file: "new.yaml",
            text: new,
            spec: &new_spec,
        }])
        .lines()
        .map(str::to_string)
        .collect()
}

/// The first annotation of `rule`, cut after its line number (`::error file=…,line=N`).
fn head(annotations: &[String], rule: &str) -> String {
    let line = annotations
        .iter()
        .find(|a| a.contains(&format!(",title={rule}::")))
        .unwrap_or_else(|| panic!("no `{rule}` annotation in {annotations:#?}"));
    line.split(",title=").next().unwrap_or_default().to_string()
}

const OLD_BLOCK: &str = r##"openapi: 3.0.3
info:
  title: Test API
  version: "1"
paths:
  /things/{id}:
    parameters:
      - name: id
        in: path
        required: true
        schema:
          type: string
    get:
      operationId: get_thing
      parameters:
        - name: page
          in: query
          schema:
            type: integer
            maximum: 100
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Thing"
components:
  schemas:
    Thing:
      type: object
      required: [id]
      properties:
        id:
          type: string
        status:
          type: string
          enum: [active, closed, archived]
        note:
          type: string
"##;

/// A block-style spec with one change of each kind of place: a path-level parameter, an
/// operation's parameter, a response schema reached through `$ref`, a removed property.
#[test]
fn block_style_spec_annotates_each_line() {
    let new = OLD_BLOCK
        .replace(
            "        schema:\n          type: string\n    get:",
            "        schema:\n          type: string\n          pattern: \"^[0-9]+$\"\n    get:",
        )
        .replace("operationId: get_thing", "operationId: find_thing")
        .replace("maximum: 100", "maximum: 50")
        .replace(
            "      responses:",
            "        - name: sort\n          in: query\n          schema: {type: string}\n      responses:",
        )
        .replace("[active, closed, archived]", "[active, closed, frozen]")
        .replace("        note:\n          type: string\n", "");
    let annotations = github(OLD_BLOCK, &new);
    let expected = [
        "::error file=new.yaml,line=15,title=operation-id-renamed::Breaking (Rust) in `find_thing` — `operationId` `get_thing` → `find_thing`: the Rust method `Client::get_thing` is now `Client::find_thing` and its builder `builder::GetThing` is now `builder::FindThing` (the request on the wire is unchanged)",
        "::error file=new.yaml,line=13,title=request-constraint-tightened::Breaking (wire) in `find_thing` — path parameter `id`: `pattern` (none) → `^[0-9]+$` (values callers send today may be refused). Generated code: the builder method `id` now takes `FindThingId (validated newtype)` (was `String`)",
        "::error file=new.yaml,line=21,title=request-constraint-tightened::Breaking (wire) in `find_thing` — query parameter `page`: `maximum` `100` → `50` (values callers send today may be refused)",
        "::notice file=new.yaml,line=22,title=request-parameter-added-optional::Compatible in `find_thing` — new optional query parameter `sort` (new builder method `sort`)",
        "::error file=new.yaml,line=42,title=response-enum-value-removed::Breaking (Rust) in `find_thing` — response 200 field `status`: enum value `archived` removed; the wire is fine, but the variant `ThingStatus::Archived` of `ThingStatus` disappears",
        "::error file=new.yaml,line=42,title=response-enum-value-added::Breaking (wire) in `find_thing` — response 200 field `status`: enum value `frozen` added; the generated enum `ThingStatus` is closed, so clients built from the old spec fail to decode a response carrying it",
        "::error file=new.yaml,line=37,title=response-property-removed::Breaking (wire) in `find_thing` — response 200 field `note`: removed (it was optional: clients built from the old spec still decode the response, and callers reading the field get nothing). Generated code: the Rust field `note` disappears (not in the new revision: shown at its nearest surviving parent, `#/components/schemas/Thing/properties`)",
    ];
    assert_eq!(annotations, expected, "{annotations:#?}");
}

/// Representative rules of each class on the rule fixtures (flow-style YAML: the change sits
/// on the line of the schema, parameter list or keyword that holds it).
#[test]
fn rule_fixtures_are_annotated_on_their_lines() {
    const STR: &str = "{type: object, properties: {a: {type: string}}}";
    // Breaking on the wire.
    assert_eq!(
        head(
            &github(
                &params("[{name: q, in: query, schema: {type: string}}]"),
                &params("")
            ),
            "request-parameter-removed"
        ),
        "::error file=new.yaml,line=7"
    );
    assert_eq!(
        head(
            &github(
                &req(STR),
                &req("{type: object, required: [a], properties: {a: {type: string}}}")
            ),
            "request-property-became-required"
        ),
        "::error file=new.yaml,line=12"
    );
    let charged = |b: &str| {
        resp_with(
            r##"{type: object, properties: {code: {$ref: "#/components/schemas/Code"}}}"##,
            &[&format!(
                "Code: {{type: string, enum: [a, b], x-charged: {{a: false, b: {b}}}}}"
            )],
        )
    };
    assert_eq!(
        head(
            &github(&charged("false"), &charged("true")),
            "error-became-charged"
        ),
        "::error file=new.yaml,line=14"
    );
    let with_delete = crate::support::doc(
        &format!(
            "/things:\n  get:\n    operationId: list_things\n    {OK}\n  delete:\n    operationId: delete_things\n    {OK}\n"
        ),
        &["Out: {type: object, properties: {id: {type: string}}}"],
    );
    let without = op(&format!("operationId: list_things\n{OK}"));
    let removed = github(&with_delete, &without);
    assert_eq!(
        head(&removed, "operation-removed"),
        "::error file=new.yaml,line=4"
    );
    assert!(
        removed[0].ends_with("shown at its nearest surviving parent, `#/paths/~1things`)"),
        "{removed:#?}"
    );

    // Breaking for Rust callers.
    assert_eq!(
        head(
            &github(
                &op(&format!("operationId: list_things\n{OK}")),
                &op(&format!("operationId: find_things\n{OK}"))
            ),
            "operation-id-renamed"
        ),
        "::error file=new.yaml,line=6"
    );
    assert_eq!(
        head(
            &github(
                &req_with(STR, &["Code: {type: string, maxLength: 3}"]),
                &req_with(STR, &["CountryCode: {type: string, maxLength: 3}"])
            ),
            "schema-renamed"
        ),
        // The old name is gone: its nearest surviving parent is `schemas:`.
        "::error file=new.yaml,line=11"
    );

    // Compatible.
    assert_eq!(
        head(
            &github(
                &params(""),
                &params("[{name: q, in: query, schema: {type: string}}]")
            ),
            "request-parameter-added-optional"
        ),
        "::notice file=new.yaml,line=7"
    );
    assert_eq!(
        head(
            &github(
                &op(&format!("operationId: list_things\n{OK}")),
                &op(&format!(
                    "operationId: list_things\ndeprecated: true\nx-sunset: \"2026-06-30\"\n{OK}"
                ))
            ),
            "operation-sunset-changed"
        ),
        "::notice file=new.yaml,line=8"
    );
    assert_eq!(
        head(
            &github(
                &req_with(STR, &[]),
                &req_with(STR, &["Extra: {type: string}"])
            ),
            "schema-added"
        ),
        "::notice file=new.yaml,line=14"
    );
}
