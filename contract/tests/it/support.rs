//! Small specs built from YAML fragments, and helpers to diff and assert.

use kyc_contract::annotate::{self, Level, NewSpec};
use kyc_contract::{Class, Report, Rule, diff};

/// Parses a spec the way the tool does (panics with the parser's message: the test data is wrong).
pub(crate) fn parse(label: &str, yaml: &str) -> kyc_spec::Spec {
    kyc_contract::input::parse_text(label, yaml)
        .unwrap_or_else(|err| panic!("test spec does not parse: {err}\n{yaml}"))
}

/// A spec with the given `paths` block and schema lines (each `Name: {...}` in flow style).
pub(crate) fn doc(paths: &str, schemas: &[&str]) -> String {
    let mut out = String::from("openapi: 3.0.3\ninfo: {title: Test API, version: \"1\"}\npaths:\n");
    for line in paths.lines().filter(|l| !l.trim().is_empty()) {
        out.push_str("  ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("components:\n  schemas:\n");
    for schema in schemas {
        out.push_str("    ");
        out.push_str(schema);
        out.push('\n');
    }
    out
}

/// `POST /things` (`create_thing`) whose request body is `Thing`, defined as `thing`.
pub(crate) fn req(thing: &str) -> String {
    req_with(thing, &[])
}

/// Like [`req`], with more schemas.
pub(crate) fn req_with(thing: &str, extra: &[&str]) -> String {
    let mut schemas = vec![
        format!("Thing: {thing}"),
        "Out: {type: object, properties: {id: {type: string}}}".to_string(),
    ];
    schemas.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = schemas.iter().map(String::as_str).collect();
    doc(POST_THINGS, &refs)
}

/// `POST /things` whose 200 response body is `Out`, defined as `out`.
pub(crate) fn resp(out: &str) -> String {
    resp_with(out, &[])
}

/// Like [`resp`], with more schemas.
pub(crate) fn resp_with(out: &str, extra: &[&str]) -> String {
    let mut schemas = vec![
        "Thing: {type: object, properties: {name: {type: string}}}".to_string(),
        format!("Out: {out}"),
    ];
    schemas.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = schemas.iter().map(String::as_str).collect();
    doc(POST_THINGS, &refs)
}

const POST_THINGS: &str = r##"
/things:
  post:
    operationId: create_thing
    requestBody: {required: true, content: {application/json: {schema: {$ref: "#/components/schemas/Thing"}}}}
    responses:
      "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Out"}}}}
"##;

/// `GET /things/{id}` (`get_thing`) with a path parameter `id` and the given extra parameters
/// (a YAML flow list, e.g. `[{name: q, in: query, schema: {type: string}}]`).
pub(crate) fn params(extra: &str) -> String {
    let list = extra
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim();
    let all = if list.is_empty() {
        "[{name: id, in: path, required: true, schema: {type: string}}]".to_string()
    } else {
        format!("[{{name: id, in: path, required: true, schema: {{type: string}}}}, {list}]")
    };
    let paths = format!(
        "/things/{{id}}:\n  get:\n    operationId: get_thing\n    parameters: {all}\n    responses:\n      \"200\": {{description: ok, content: {{application/json: {{schema: {{$ref: \"#/components/schemas/Out\"}}}}}}}}\n"
    );
    doc(
        &paths,
        &["Out: {type: object, properties: {id: {type: string}}}"],
    )
}

/// `GET /things` (`list_things`) with the given operation body lines (indented under `get:`).
pub(crate) fn op(lines: &str) -> String {
    let mut paths = String::from("/things:\n  get:\n");
    for line in lines.lines().filter(|l| !l.trim().is_empty()) {
        paths.push_str("    ");
        paths.push_str(line.trim_start());
        paths.push('\n');
    }
    doc(
        &paths,
        &["Out: {type: object, properties: {id: {type: string}}}"],
    )
}

/// The default `GET /things` responses, for [`op`].
pub(crate) const OK: &str = r##"responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Out"}}}}}"##;

/// Diffs two spec texts.
pub(crate) fn report(old: &str, new: &str) -> Report {
    diff(&parse("old.yaml", old), &parse("new.yaml", new))
}

/// Asserts that the diff has a change by `rule` classified `class`, and that every change is
/// annotated on a line of the new text that writes the node annotated.
pub(crate) fn check(rule: &str, class: Class, old: &str, new: &str) {
    let rule = Rule::from_id(rule).unwrap_or_else(|| panic!("no rule `{rule}` in the catalogue"));
    let new_spec = parse("new.yaml", new);
    let report = diff(&parse("old.yaml", old), &new_spec);
    check_annotations(&report, new, &new_spec);
    let found: Vec<_> = report.changes().filter(|c| c.rule == rule).collect();
    assert!(
        !found.is_empty(),
        "expected a `{}` change, got:\n{}",
        rule.id(),
        report.to_markdown()
    );
    assert!(
        found.iter().any(|c| c.class == class),
        "expected `{}` to be {:?}, got {:?}:\n{}",
        rule.id(),
        class,
        found.iter().map(|c| c.class).collect::<Vec<_>>(),
        report.to_markdown()
    );
}

/// Every change has one annotation, error or notice by its class, on a line of `new` that holds
/// the key of the node annotated (a sequence item's line is not checked for its index).
pub(crate) fn check_annotations(report: &Report, new: &str, new_spec: &kyc_spec::Spec) {
    let annotations = annotate::annotations(
        report,
        &[NewSpec {
            file: &report.vendors[0].file,
            text: new,
            spec: new_spec,
        }],
    );
    assert_eq!(annotations.len(), report.changes().count());
    let lines: Vec<&str> = new.lines().collect();
    for (annotation, change) in annotations.iter().zip(report.changes()) {
        assert_eq!(
            annotation.level == Level::Error,
            change.class.is_breaking(),
            "{annotation}"
        );
        let line = annotation.line.expect("a line in the new spec");
        let written = lines
            .get(line - 1)
            .unwrap_or_else(|| panic!("{annotation}: line {line} is past the end of the new spec"));
        let pointer = annotation.pointer.as_deref().unwrap_or_default();
        let key = pointer.rsplit('/').next().unwrap_or_default();
        let key = key.replace("~1", "/").replace("~0", "~");
        if !key.is_empty() && key.parse::<usize>().is_err() {
            assert!(
                [format!("{key}:"), format!("{key}\":"), format!("{key}':")]
                    .iter()
                    .any(|form| written.contains(form.as_str())),
                "{annotation}: line {line} is `{written}`, which does not write `{key}`"
            );
        }
    }
}

/// A fresh, empty temporary directory for one test.
pub(crate) fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kyc-contract-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a temp dir");
    dir
}

/// The test data folder of the crate.
pub(crate) fn data(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(path)
}
