//! One pair of spec revisions per rule of the project's vocabulary (image limits, `x-pii`,
//! `x-charged`, `x-status`, `x-open-enum`, `x-sunset`) and per callback rule, each asserting the
//! class of the change it produces; then what the report says about them.

use kyc_contract::{Class, Rule};

use crate::rules::{COMPAT, RUST, WIRE, cases};
use crate::support::{OK, doc, op, report, req, req_with, resp, resp_with};

/// A request (or response) body with one image field `img` carrying the given extensions.
fn image(extensions: &str) -> String {
    format!("{{type: object, properties: {{img: {{type: string, format: byte, {extensions}}}}}}}")
}

const LIMITS: &str = "x-image-formats: [jpeg, png, svg], x-min-bytes: 102400, x-max-bytes: 1048576, x-min-pixels: {width: 480, height: 640}";
const NIK_FIELD: &str =
    r##"{type: object, required: [nik], properties: {nik: {$ref: "#/components/schemas/Nik"}}}"##;
const CODE_FIELD: &str =
    r##"{type: object, properties: {code: {$ref: "#/components/schemas/Code"}}}"##;
const STATUS_FIELD: &str =
    r##"{type: object, properties: {status: {$ref: "#/components/schemas/Status"}}}"##;

cases! {
    // ---- image limits on a request field ---------------------------------------------------
    request_image_max_bytes_lowered: "request-image-limit-tightened" => WIRE,
        req(&image(LIMITS)), req(&image(&LIMITS.replace("x-max-bytes: 1048576", "x-max-bytes: 524288")));
    request_image_min_bytes_raised: "request-image-limit-tightened" => WIRE,
        req(&image(LIMITS)), req(&image(&LIMITS.replace("x-min-bytes: 102400", "x-min-bytes: 204800")));
    request_image_min_pixels_raised: "request-image-limit-tightened" => WIRE,
        req(&image(LIMITS)), req(&image(&LIMITS.replace("width: 480", "width: 640")));
    request_image_format_dropped: "request-image-limit-tightened" => WIRE,
        req(&image(LIMITS)), req(&image(&LIMITS.replace("[jpeg, png, svg]", "[jpeg, png]")));
    request_image_limit_added: "request-image-limit-tightened" => WIRE,
        req(&image("x-image-formats: [jpeg]")), req(&image("x-image-formats: [jpeg], x-max-bytes: 1048576"));
    request_image_limit_loosened: "request-image-limit-relaxed" => COMPAT,
        req(&image(LIMITS)), req(&image(&LIMITS.replace("x-max-bytes: 1048576", "x-max-bytes: 2097152")));

    // ---- image limits on a response field: the reverse, as for any constraint --------------
    response_image_limit_loosened: "response-image-limit-relaxed" => WIRE,
        resp(&image(LIMITS)), resp(&image(&LIMITS.replace("x-max-bytes: 1048576", "x-max-bytes: 2097152")));
    response_image_limit_tightened: "response-image-limit-tightened" => COMPAT,
        resp(&image(LIMITS)), resp(&image(&LIMITS.replace("x-max-bytes: 1048576", "x-max-bytes: 524288")));

    // ---- x-pii -------------------------------------------------------------------------------
    pii_added_to_a_component: "pii-mark-changed" => RUST,
        req_with(NIK_FIELD, &["Nik: {type: string}"]), req_with(NIK_FIELD, &["Nik: {type: string, x-pii: nik}"]);
    pii_removed_from_a_component: "pii-mark-changed" => RUST,
        resp_with(NIK_FIELD, &["Nik: {type: string, x-pii: nik}"]), resp_with(NIK_FIELD, &["Nik: {type: string}"]);
    pii_added_inline: "pii-mark-changed" => COMPAT,
        resp("{type: object, properties: {name: {type: string}}}"), resp("{type: object, properties: {name: {type: string, x-pii: name}}}");

    // ---- x-charged and x-status of an error-code enum ---------------------------------------
    error_became_charged: "error-became-charged" => WIRE,
        resp_with(CODE_FIELD, &["Code: {type: string, enum: [a, b], x-charged: {a: false, b: false}}"]),
        resp_with(CODE_FIELD, &["Code: {type: string, enum: [a, b], x-charged: {a: false, b: true}}"]);
    error_no_longer_charged: "error-no-longer-charged" => COMPAT,
        resp_with(CODE_FIELD, &["Code: {type: string, enum: [a, b], x-charged: {a: true, b: false}}"]),
        resp_with(CODE_FIELD, &["Code: {type: string, enum: [a, b], x-charged: {a: false, b: false}}"]);
    error_status_changed: "error-status-changed" => WIRE,
        resp_with(CODE_FIELD, &["Code: {type: string, enum: [a], x-status: {a: 413}}"]),
        resp_with(CODE_FIELD, &["Code: {type: string, enum: [a], x-status: {a: 400}}"]);

    // ---- x-open-enum ---------------------------------------------------------------------------
    response_open_enum_value_added: "response-open-enum-value-added" => COMPAT,
        resp_with(STATUS_FIELD, &["Status: {type: string, enum: [ok], x-open-enum: true}"]),
        resp_with(STATUS_FIELD, &["Status: {type: string, enum: [ok, pending], x-open-enum: true}"]);
    response_enum_opened: "response-enum-opened" => WIRE,
        resp_with(STATUS_FIELD, &["Status: {type: string, enum: [ok]}"]),
        resp_with(STATUS_FIELD, &["Status: {type: string, enum: [ok], x-open-enum: true}"]);
    response_enum_closed: "response-enum-closed" => COMPAT,
        resp_with(STATUS_FIELD, &["Status: {type: string, enum: [ok], x-open-enum: true}"]),
        resp_with(STATUS_FIELD, &["Status: {type: string, enum: [ok]}"]);

    // ---- deprecation and sunset ---------------------------------------------------------------
    operation_sunset_announced: "operation-sunset-changed" => COMPAT,
        op(&format!("operationId: list_things\n{OK}")),
        op(&format!("operationId: list_things\ndeprecated: true\nx-sunset: \"2026-06-30\"\n{OK}"));

    // ---- callbacks ----------------------------------------------------------------------------
    callback_added: "callback-added" => COMPAT, plain(), callbacks(READY, &[READY_PAYLOAD]);
    callback_removed: "callback-removed" => WIRE, callbacks(READY, &[READY_PAYLOAD]), plain();
    callback_header_added: "callback-header-added" => COMPAT,
        callbacks(READY, &[READY_PAYLOAD]),
        callbacks(&READY.replace("parameters: [", "parameters: [{name: X-Request-Id, in: header, schema: {type: string}}, "), &[READY_PAYLOAD]);
    callback_header_removed: "callback-header-removed" => WIRE,
        callbacks(READY, &[READY_PAYLOAD]),
        callbacks(&READY.replace("X-CALLBACK-TOKEN", "X-Callback-Signature"), &[READY_PAYLOAD]);
    callback_answer_changed: "callback-answer-changed" => WIRE,
        callbacks(READY, &[READY_PAYLOAD]), callbacks(&READY.replace("\"200\"", "\"204\""), &[READY_PAYLOAD]);
    callback_payload_type_changed: "callback-payload-type-changed" => RUST,
        callbacks(READY, &[READY_PAYLOAD]),
        callbacks(&READY.replace("schemas/Ready", "schemas/Done"), &[READY_PAYLOAD, "Done: {type: object, properties: {id: {type: string}}}"]);
}

const READY_PAYLOAD: &str = "Ready: {type: object, required: [id, status], properties: {id: {type: string}, status: {type: string}}}";

/// The `thingReady` callback of `POST /things`: the vendor posts a `Ready` payload with a
/// token header, and expects a 200.
const READY: &str = r##"thingReady:
  "{$request.body#/callback_url}":
    post:
      parameters: [{name: X-CALLBACK-TOKEN, in: header, required: true, schema: {type: string}}]
      requestBody: {required: true, content: {application/json: {schema: {$ref: "#/components/schemas/Ready"}}}}
      responses: {"200": {description: received}}"##;

/// `POST /things` declaring the given callbacks (YAML under `callbacks:`), with extra schemas.
fn callbacks(callbacks: &str, schemas: &[&str]) -> String {
    let mut paths = String::from(
        r##"/things:
  post:
    operationId: create_thing
    requestBody: {required: true, content: {application/json: {schema: {$ref: "#/components/schemas/Thing"}}}}
    responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Out"}}}}}
"##,
    );
    if !callbacks.is_empty() {
        paths.push_str("    callbacks:\n");
        for line in callbacks.lines() {
            paths.push_str("      ");
            paths.push_str(line);
            paths.push('\n');
        }
    }
    let mut all = vec![
        "Thing: {type: object, properties: {callback_url: {type: string}}}",
        "Out: {type: object, properties: {id: {type: string}}}",
    ];
    all.extend_from_slice(schemas);
    doc(&paths, &all)
}

/// `POST /things` without callbacks, `Ready` still defined (so only the callback changes).
fn plain() -> String {
    callbacks("", &[READY_PAYLOAD])
}

/// The changes of a diff as `(rule, class)`, with the Markdown for failure messages.
fn changes(old: &str, new: &str) -> (Vec<(Rule, Class)>, String) {
    let report = report(old, new);
    let found = report.changes().map(|c| (c.rule, c.class)).collect();
    (found, report.to_markdown())
}

/// A callback payload is judged like a response: a field removed breaks receivers, a field
/// added does not, a field's type changing breaks them; each located under the callback.
#[test]
fn callback_payload_fields_are_judged_as_received() {
    let base = callbacks(READY, &[READY_PAYLOAD]);
    let cases = [
        (
            READY_PAYLOAD
                .replace("required: [id, status]", "required: [id]")
                .replace(", status: {type: string}", ""),
            Rule::ResponsePropertyRemoved,
            Class::BreakingWire,
        ),
        (
            READY_PAYLOAD.replace(
                "status: {type: string}}",
                "status: {type: string}, at: {type: string}}",
            ),
            Rule::ResponsePropertyAdded,
            Class::Compatible,
        ),
        (
            READY_PAYLOAD.replace("status: {type: string}", "status: {type: integer}"),
            Rule::ResponseTypeChanged,
            Class::BreakingWire,
        ),
    ];
    for (payload, rule, class) in cases {
        let report = report(&base, &callbacks(READY, &[&payload]));
        let change = report
            .changes()
            .find(|c| c.rule == rule)
            .unwrap_or_else(|| panic!("no `{}`:\n{}", rule.id(), report.to_markdown()));
        assert_eq!(change.class, class, "{}", report.to_markdown());
        assert!(
            change.location.starts_with(
                "paths./things.post.callbacks.thingReady.{$request.body#/callback_url}.post.requestBody"
            ),
            "{}",
            change.location
        );
        assert!(
            change
                .message
                .starts_with("callback `thingReady` payload field `"),
            "{}",
            change.message
        );
    }
}

/// Before kyc-spec's readers, these changes read "Compatible … not interpreted" with exit 0.
#[test]
fn vocabulary_is_never_left_to_the_reviewer() {
    let pairs = [
        (
            req(&image(LIMITS)),
            req(&image(
                &LIMITS.replace("x-max-bytes: 1048576", "x-max-bytes: 524288"),
            )),
        ),
        (
            req_with(NIK_FIELD, &["Nik: {type: string}"]),
            req_with(NIK_FIELD, &["Nik: {type: string, x-pii: nik}"]),
        ),
        (
            resp_with(
                CODE_FIELD,
                &["Code: {type: string, enum: [a], x-charged: {a: false}, x-status: {a: 413}}"],
            ),
            resp_with(
                CODE_FIELD,
                &["Code: {type: string, enum: [a], x-charged: {a: true}, x-status: {a: 400}}"],
            ),
        ),
        (
            resp_with(STATUS_FIELD, &["Status: {type: string, enum: [ok]}"]),
            resp_with(
                STATUS_FIELD,
                &["Status: {type: string, enum: [ok], x-open-enum: true}"],
            ),
        ),
    ];
    for (old, new) in pairs {
        let report = report(&old, &new);
        assert!(
            report.changes().all(|c| c.rule != Rule::NotInterpreted),
            "{}",
            report.to_markdown()
        );
        assert_eq!(report.exit_code(), 1, "{}", report.to_markdown());
    }
}

/// A vocabulary value kyc-spec's readers skip (a format the image reader does not know) still
/// reaches the reviewer.
#[test]
fn unread_vocabulary_values_are_handed_to_the_reviewer() {
    let report = report(
        &req(&image("x-image-formats: [jpeg]")),
        &req(&image("x-image-formats: [jpeg, webp]")),
    );
    let rules: Vec<Rule> = report.changes().map(|c| c.rule).collect();
    assert_eq!(
        rules,
        vec![Rule::NotInterpreted],
        "{}",
        report.to_markdown()
    );
}

/// The report says in plain words what a tightened limit does to callers, with the sizes.
#[test]
fn tightened_image_limits_say_what_callers_see() {
    let old = req(&image(LIMITS));
    let new = req(&image(
        &LIMITS
            .replace("x-max-bytes: 1048576", "x-max-bytes: 524288")
            .replace("width: 480", "width: 640")
            .replace("[jpeg, png, svg]", "[jpeg, png]"),
    ));
    let markdown = report(&old, &new).to_markdown();
    for expected in [
        "`x-max-bytes` `1048576` → `524288`: images larger than 512 KB (up to 1 MB), which the old spec allowed, are now refused: before sending by a client built from the new spec, and by the vendor when an older client sends them",
        "`x-min-pixels.width` `480` → `640`: images narrower than 640 px (from 480 px), which the old spec allowed, are now refused",
        "`x-image-formats` `[jpeg, png, svg]` → `[jpeg, png]`: `svg` images, which the old spec allowed, are now refused",
    ] {
        assert!(
            markdown.contains(expected),
            "missing {expected:?} in:\n{markdown}"
        );
    }
    let loosened = report(&new, &old).to_markdown();
    assert!(
        loosened.contains("images larger than 512 KB (up to 1 MB) are now accepted by the vendor (clients built from the old spec still refuse them before sending)"),
        "{loosened}"
    );
}

/// `x-pii` on a component schema names the Rust type before and after.
#[test]
fn pii_names_the_rust_types() {
    let report = report(
        &req_with(NIK_FIELD, &["Nik: {type: string}"]),
        &req_with(NIK_FIELD, &["Nik: {type: string, x-pii: nik}"]),
    );
    let change = report
        .changes()
        .find(|c| c.rule == Rule::PiiMarkChanged)
        .expect("a pii change");
    assert!(
        change
            .message
            .contains("the Rust type `types::Nik` becomes `kyc_clients::Nik`"),
        "{}",
        change.message
    );
    let (found, markdown) = changes(
        &resp_with(
            CODE_FIELD,
            &["Code: {type: string, format: date, x-pii: birth-date}"],
        ),
        &resp_with(
            CODE_FIELD,
            &["Code: {type: string, format: date, x-pii: name}"],
        ),
    );
    // Both are `Redacted<NaiveDate>`: the mark changed, the type did not.
    assert_eq!(
        found,
        vec![(Rule::PiiMarkChanged, Class::Compatible)],
        "{markdown}"
    );
}

/// A deprecation reports the announced sunset date; moving it reports both dates.
#[test]
fn deprecation_and_sunset_carry_the_date() {
    let plain = op(&format!("operationId: list_things\n{OK}"));
    let sunset = |date: &str| {
        op(&format!(
            "operationId: list_things\ndeprecated: true\nx-sunset: \"{date}\"\n{OK}"
        ))
    };
    let markdown = report(&plain, &sunset("2026-06-30")).to_markdown();
    assert!(
        markdown
            .contains("operation marked deprecated (the vendor stops serving it on 2026-06-30)"),
        "{markdown}"
    );
    assert!(
        markdown.contains("the vendor stops serving the operation on 2026-06-30"),
        "{markdown}"
    );
    let moved = report(&sunset("2026-06-30"), &sunset("2026-03-31")).to_markdown();
    assert!(moved.contains("from 2026-06-30 to 2026-03-31"), "{moved}");
}
