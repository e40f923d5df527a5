//! Kredibel beyond its spec scenarios: the email/phone ownership rule, image limits and
//! triggers, and what the client refuses to send (over plain HTTP).

use kyc_clients::kredibel;
use kyc_sandbox::Sandbox;
use kyc_sandbox::samples::Image;
use serde_json::{Value, json};

use super::dispatch::{self, Clients, Outcome, error_code};
use super::raw::raw_post;
use super::{KREDIBEL_KEY, Tour};

/// The certificate example's request for `nik`, with real images.
fn certificate(nik: &str) -> kredibel::types::builder::CertificateIssuanceRequest {
    let spec = kyc_sandbox::spec::kredibel();
    let mut body = dispatch::example(spec, "issue_certificate");
    body["identityId"] = json!(nik);
    match serde_json::from_value::<kredibel::types::CertificateIssuanceRequest>(body) {
        Ok(request) => request.into(),
        Err(error) => panic!("the issue_certificate example does not decode: {error}"),
    }
}

/// What the sandbox adds to Kredibel's documented scenarios.
pub(crate) async fn check(tour: &mut Tour, clients: &Clients<'_>, sandbox: &Sandbox) {
    let issue = |request| async {
        let answer = clients
            .kredibel
            .issue_certificate()
            .body(request)
            .send()
            .await;
        match dispatch::answer(answer) {
            Ok((_, body)) => {
                Outcome::of(200, Some(&body), &["/data/status", "/data/rejectFields"]).to_string()
            }
            Err(problem) => problem,
        }
    };
    let label = "Kredibel certificate: any other NIK (3171234567890001)";
    tour.check(
        label,
        "verified []",
        &issue(certificate("3171234567890001")).await,
    );
    // "must be unique per NIK": a second NIK reusing the first one's email and phone.
    let claim = |nik: &str| {
        certificate(nik)
            .email_address("unique@example.id".to_string())
            .phone_number("6281299990000".to_string())
    };
    let _ = issue(claim("3171234567890002")).await;
    let actual = issue(claim("3171234567890003")).await;
    let label = "Kredibel certificate: contacts of another NIK";
    tour.check(
        label,
        "verified_with_reason [phoneNumber, emailAddress]",
        &actual,
    );

    // The client checks the spec's image limits before sending: these go over plain HTTP.
    let bearer = format!("Bearer {KREDIBEL_KEY}");
    let mut small = dispatch::example(kyc_sandbox::spec::kredibel(), "issue_certificate");
    small["faceImage"] = json!(Image::jpeg(320, 240).base64(120 * 1024));
    let path = "/kredibel/v1/certificate/issuance";
    let (status, answer) = raw_post(sandbox, path, Some(&bearer), &small.to_string()).await;
    tour.check(
        "Kredibel certificate: selfie under 480x640 pixels (raw HTTP)",
        "400 validation: faceImage",
        &kredibel_error(status, &answer),
    );

    let biometric = |image: String| {
        let mut body = dispatch::example(kyc_sandbox::spec::kredibel(), "verify_biometric");
        body["faceImage"] = json!(image);
        async move {
            let request: kredibel::types::BiometricVerificationRequest =
                match serde_json::from_value(body) {
                    Ok(request) => request,
                    Err(error) => return format!("the verify_biometric example: {error}"),
                };
            let answer = clients
                .kredibel
                .verify_biometric()
                .body(request)
                .send()
                .await;
            match dispatch::answer(answer) {
                Ok((status, body)) if status >= 300 => {
                    format!("{status} {}", error_code(&body))
                }
                Ok((status, body)) => {
                    Outcome::of(status, Some(&body), &["/data/response/face"]).to_string()
                }
                Err(problem) => problem,
            }
        }
    };
    for (trigger, expected) in [
        ("no_face_detected", "422 no_face_detected"),
        ("request_error", "424 request_error"),
    ] {
        let image = Image::jpeg(480, 640)
            .with_trigger(trigger)
            .base64(100 * 1024);
        let label = format!("Kredibel biometric: image commented kyc-sandbox:{trigger}");
        tour.check(&label, expected, &biometric(image).await);
    }
    let svg = Image::svg(480, 640).base64(10 * 1024);
    let label = "Kredibel biometric: SVG selfie (JPG, JPEG, PNG, SVG supported)";
    tour.check(label, "face", &biometric(svg).await);

    // What the client refuses to send, straight over HTTP.
    let path = "/kredibel/v1/identity/verification/biometric";
    let large = Image::jpeg(480, 640).base64(1024 * 1024 + 1);
    let raw = [
        ("no API key", None, "{}".to_string(), "401 Unauthenticated."),
        (
            "image that is not base64",
            Some(&bearer),
            json!({"identityId": "1234567890123456", "faceImage": "data:image/png;base64,iVBOR"})
                .to_string(),
            "400 invalid_base64_encoding",
        ),
        (
            "unknown field",
            Some(&bearer),
            json!({"identityId": "1234567890123456", "faceImage": "/9j/", "nickname": "x"})
                .to_string(),
            "400 validation: nickname",
        ),
        (
            "image over 1 MB",
            Some(&bearer),
            json!({"identityId": "1234567890123456", "faceImage": large}).to_string(),
            "413 image_too_large",
        ),
    ];
    for (scenario, auth, body, expected) in raw {
        let (status, answer) = raw_post(sandbox, path, auth.map(String::as_str), &body).await;
        let label = format!("Kredibel biometric: {scenario} (raw HTTP)");
        tour.check(&label, expected, &kredibel_error(status, &answer));
    }
}

/// `status errorType`, `status validation: fields` or `status message` of a Kredibel error.
fn kredibel_error(status: u16, body: &str) -> String {
    let value: Value = serde_json::from_str(body).unwrap_or_default();
    match (&value["errors"]["errorType"], value["errors"].as_object()) {
        (Value::String(kind), _) => format!("{status} {kind}"),
        (_, Some(fields)) => {
            let names: Vec<&str> = fields.keys().map(String::as_str).collect();
            format!("{status} validation: {}", names.join(", "))
        }
        _ => format!(
            "{status} {}",
            value["message"].as_str().unwrap_or("(no message)")
        ),
    }
}
