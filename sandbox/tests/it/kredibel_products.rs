//! Kredibel's current products beyond their spec scenarios (which `scenarios.rs` walks): the
//! rules the sandbox answers face comparison, text recognition and account screening by, the
//! image errors of every operation that takes an image, and what the spec refuses.
//!
//! Docs: <https://docs.kredibel.io/api-references/face-recognition/face-comparison>,
//! <https://docs.kredibel.io/api-references/text-recognition>,
//! <https://docs.kredibel.io/api-references/account-screening>, each page's "Error 4XX".

use axum::body::Body;
use axum::http::{Method, Request, header};
use kyc_clients::kredibel::types::{
    AccountScreeningResponse, ErrorType, FaceComparisonResponse, KredibelError,
    KredibelErrorDetails, KtpOcrResponse,
};
use kyc_sandbox::samples::Image;
use kyc_sandbox::{SandboxApp, spec};
use serde_json::{Value, json};

use crate::support::{Reply, call, decode, example_with, image_fields, in_process, kredibel_post};

/// The path of a Kredibel operation, from the spec.
fn path(operation_id: &str) -> String {
    spec::kredibel()
        .operation(operation_id)
        .unwrap_or_else(|| panic!("no operation {operation_id}"))
        .path
        .clone()
}

async fn post(app: &SandboxApp, operation_id: &str, body: &Value) -> Reply {
    call(app, kredibel_post(&path(operation_id), body)).await
}

/// The status and `errorType` of an error answer, decoded with the generated type.
fn error_type(reply: &Reply) -> (u16, ErrorType) {
    let error: KredibelError = decode(&reply.body);
    match error.errors {
        Some(KredibelErrorDetails::ErrorReference(reference)) => (
            reply.status.as_u16(),
            reference.error_type.expect("an errorType"),
        ),
        other => panic!("expected an errorType, got {other:?} in {}", reply.body),
    }
}

// Every "Error 4XX" table: invalid_base64_encoding (not charged), and the size limit each
// page states (image_too_large, the biometric page's row, taken by the others).
#[tokio::test]
async fn every_image_field_answers_the_base64_and_size_errors() {
    let app = in_process();
    let spec = spec::kredibel();
    let operations = image_fields(spec);
    assert!(operations.len() >= 9, "{operations:?}");
    for (operation, field, rule) in operations {
        let operation_id = operation.id.as_str();
        let max = rule.max_bytes.expect("every Kredibel image has a maximum");
        let not_base64 = example_with(
            spec,
            operation_id,
            json!({ field: "data:image/png;base64,iVBOR" }),
        );
        let reply = post(&app, operation_id, &not_base64).await;
        assert_eq!(
            error_type(&reply),
            (400, ErrorType::InvalidBase64Encoding),
            "{operation_id}.{field}"
        );
        let large = Image::jpeg(640, 640).base64(max + 1);
        let too_large = example_with(spec, operation_id, json!({ field: large }));
        let reply = post(&app, operation_id, &too_large).await;
        assert_eq!(
            error_type(&reply),
            (413, ErrorType::ImageTooLarge),
            "{operation_id}.{field}"
        );
    }
}

fn face(image: Image) -> String {
    image.base64(40 * 1024)
}

async fn compare(app: &SandboxApp, body: Value) -> (f64, bool) {
    let reply = post(app, "compare_faces", &body).await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.body);
    let answer: FaceComparisonResponse = decode(&reply.body);
    (answer.data.similarity, answer.data.matched)
}

// Face Comparison: "similarity >= 0.80 → match"; `threshold` in the request. The sandbox's
// rule (the spec's description): identical images 1.0, different ones 0.24, a
// `similarity_<digits>` comment 0.<digits>.
#[tokio::test]
async fn face_comparison_follows_the_rule_the_spec_states() {
    let app = in_process();
    let selfie = face(Image::jpeg(640, 640));
    let card = face(Image::png(640, 400));
    let same = json!({"image1": selfie, "image2": selfie});
    assert_eq!(compare(&app, same).await, (1.0, true));
    let different = json!({"image1": selfie, "image2": card});
    assert_eq!(compare(&app, different.clone()).await, (0.24, false));
    let mut lenient = different;
    lenient["threshold"] = json!(0.2);
    assert_eq!(compare(&app, lenient).await, (0.24, true));
    let at_80 = face(Image::jpeg(640, 640).with_trigger("similarity_80"));
    let boundary = json!({"image1": selfie, "image2": at_80});
    assert_eq!(compare(&app, boundary).await, (0.8, true), "0.80 matches");
    let at_79 = face(Image::jpeg(640, 640).with_trigger("similarity_79"));
    let under = json!({"image1": at_79, "image2": selfie});
    assert_eq!(compare(&app, under).await, (0.79, false));
    // The handheld photo holds both faces.
    let reply = post(&app, "compare_handheld_faces", &json!({"image": selfie})).await;
    let answer: FaceComparisonResponse = decode(&reply.body);
    assert_eq!((answer.data.similarity, answer.data.matched), (1.0, true));
}

// Face Comparison's table: JPG/JPEG/PNG only, and thresholds 0–1.
#[tokio::test]
async fn face_comparison_refuses_what_the_spec_refuses() {
    let app = in_process();
    let selfie = face(Image::jpeg(640, 640));
    let svg = Image::svg(640, 640).base64(4 * 1024);
    for (what, body, field) in [
        ("an SVG", json!({"image1": selfie, "image2": svg}), "image2"),
        (
            "a threshold over 1",
            json!({"image1": selfie, "image2": selfie, "threshold": 1.5}),
            "threshold",
        ),
        (
            "model version 3",
            json!({"image1": selfie, "image2": selfie, "modelVersion": 3}),
            "modelVersion",
        ),
    ] {
        let reply = post(&app, "compare_faces", &body).await;
        assert_eq!(reply.status.as_u16(), 400, "{what}: {}", reply.body);
        assert!(
            reply.body["errors"].get(field).is_some(),
            "{what}: {}",
            reply.body
        );
    }
}

// Text Recognition: "card_not_found ... only raised when passCardDetect = false".
#[tokio::test]
async fn a_missing_card_is_an_error_only_without_pass_card_detect() {
    let app = in_process();
    let no_card = Image::jpeg(1024, 768)
        .with_trigger("card_not_found")
        .base64(60 * 1024);
    for operation_id in ["read_ktp", "read_driver_license", "read_passport"] {
        let spec = spec::kredibel();
        let carry_on = example_with(spec, operation_id, json!({"image": no_card}));
        let reply = post(&app, operation_id, &carry_on).await;
        assert_eq!(reply.status.as_u16(), 200, "{operation_id}");
        assert_eq!(reply.body["data"]["information"]["cardDetected"], false);
        let strict = example_with(
            spec,
            operation_id,
            json!({"image": no_card, "passCardDetect": false}),
        );
        let reply = post(&app, operation_id, &strict).await;
        assert_eq!(
            error_type(&reply),
            (422, ErrorType::CardNotFound),
            "{operation_id}"
        );
    }
    // `validateResult` is the KTP page's alone.
    let spec = spec::kredibel();
    let sim = example_with(spec, "read_driver_license", json!({"validateResult": true}));
    let reply = post(&app, "read_driver_license", &sim).await;
    assert_eq!(reply.status.as_u16(), 400, "{}", reply.body);
    let ktp = example_with(spec, "read_ktp", json!({"validateResult": true}));
    let reply = post(&app, "read_ktp", &ktp).await;
    let answer: KtpOcrResponse = decode(&reply.body);
    assert!(answer.data.information.card_detected);
}

async fn screen(app: &SandboxApp, body: Value) -> Reply {
    post(app, "screen_account", &body).await
}

// Account Screening: the parent page's `id`/`score`/`status`, one result per module asked.
#[tokio::test]
async fn a_screening_answers_each_module_asked() {
    let app = in_process();
    let every: Value = spec::kredibel()
        .request_examples("screen_account")
        .into_iter()
        .find(|(name, _)| *name == "every_module")
        .map(|(_, body)| body.clone())
        .expect("the spec's every_module request");
    let reply = screen(&app, every.clone()).await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.body);
    let answer: AccountScreeningResponse = decode(&reply.body);
    assert_eq!(answer.message, "Account Screening - Single.");
    let data = &reply.body["data"];
    for module in ["bank", "phone", "email", "ip"] {
        assert!(data[module].is_object(), "{module} in {data}");
    }
    // The modules' scores (bank 10, phone 5, email -5) and `pass` for a config of your own.
    assert_eq!(
        (&data["score"], &data["status"]),
        (&json!(10.0), &json!("pass"))
    );
    assert_eq!(data["totalCount"], 0, "ASEP SUPRIYADI is on no list");
    assert_eq!(data["bank"]["bankAccount"], every["bankAccount"]);
    let mut rejected = every;
    rejected["configId"] = json!("sandbox_reject");
    let reply = screen(&app, rejected).await;
    assert_eq!(reply.body["data"]["status"], "reject");
    let email_only = screen(&app, json!({"emailAddress": "someone@example.id"})).await;
    assert_eq!(
        email_only.body["data"]["email"]["emailAddress"],
        "someone@example.id"
    );
    assert_eq!(email_only.body["data"]["score"], json!(-5.0));
    assert!(email_only.body["data"].get("bank").is_none());
}

// Watchlist Screening: the page's example for Joko Widodo; nobody else is on the list.
#[tokio::test]
async fn the_watchlist_knows_the_documented_profile_only() {
    let app = in_process();
    let reply = screen(&app, json!({"fullName": "JOKO WIDODO"})).await;
    assert_eq!(reply.body["message"], "Watchlist screening");
    assert_eq!(reply.body["data"]["totalPepCount"], 1);
    assert!(reply.body["data"].get("status").is_none(), "{}", reply.body);
    let other = screen(
        &app,
        json!({"fullName": "Budi Santoso", "country": "Indonesia"}),
    )
    .await;
    let answer: AccountScreeningResponse = decode(&other.body);
    assert_eq!(
        answer.data.total_count.and_then(|count| count.into_typed()),
        Some(0)
    );
    assert_eq!(other.body["data"]["country"], "Indonesia");
}

// Account Screening: "You must define at least one module"; Watchlist: ongoing screening
// needs minSimilarity >= 0.8 and a birth date.
#[tokio::test]
async fn a_screening_without_a_module_or_with_a_bare_ongoing_screening_is_refused() {
    let app = in_process();
    let reply = screen(&app, json!({"configId": "mine"})).await;
    assert_eq!(reply.status.as_u16(), 400);
    assert_eq!(
        reply.body,
        json!({"message": "You must define at least one module."})
    );
    let reply = screen(
        &app,
        json!({"fullName": "Joko Widodo", "ongoingScreening": true, "minSimilarity": 0.9}),
    )
    .await;
    assert_eq!(reply.status.as_u16(), 400);
    assert!(
        reply.body["errors"]["ongoingScreening"].is_array(),
        "{}",
        reply.body
    );
    // The request's own limits: an IPv4 address, a known profile type.
    for body in [
        json!({"ipAddress": "not-an-ip"}),
        json!({"fullName": "x", "profileTypes": ["Terrorist"]}),
    ] {
        let reply = screen(&app, body.clone()).await;
        assert_eq!(reply.status.as_u16(), 400, "{body}: {}", reply.body);
    }
}

// Demography Verification: one rendering's example sends `faceImage`, which is no field of
// this request (copied from the biometric page).
#[tokio::test]
async fn demography_refuses_the_copied_face_image() {
    let app = in_process();
    let body = example_with(
        spec::kredibel(),
        "verify_demography",
        json!({"faceImage": "/9j/4AAQSkZJRg=="}),
    );
    let reply = post(&app, "verify_demography", &body).await;
    assert_eq!(reply.status.as_u16(), 400);
    assert!(
        reply.body["errors"]["faceImage"].is_array(),
        "{}",
        reply.body
    );
}

// Billing / Credit: a GET with the bearer key only.
#[tokio::test]
async fn the_balance_needs_a_key() {
    let app = in_process();
    let request = |key: Option<&str>| {
        let mut builder = Request::builder()
            .method(Method::GET)
            .uri(format!("/kredibel{}", path("get_billing_credit")));
        if let Some(key) = key {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {key}"));
        }
        builder.body(Body::empty()).expect("request")
    };
    let reply = call(&app, request(None)).await;
    assert_eq!(reply.status.as_u16(), 401);
    let reply = call(&app, request(Some("operator-key"))).await;
    assert_eq!(reply.status.as_u16(), 200);
    assert_eq!(reply.body["data"]["amount"], 965_526_063);
}
