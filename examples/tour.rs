//! A tour of both vendors' documented sandbox behaviour, run offline:
//!
//! ```text
//! cargo run --example tour
//! ```
//!
//! Starts the `kyc-sandbox` in this process on 127.0.0.1, walks every documented scenario
//! through the generated clients (Kredibel certificate issuance and biometric verification,
//! Iluma screening, KTP verification, health, callbacks, API keys, magic replies and the
//! documented errors), prints each scenario with the outcome the documentation gives and the
//! outcome it got, and exits non-zero if any differ. `RUST_LOG` turns on logs (to stderr).
//!
//! A few error scenarios cannot be produced through the clients, because the clients refuse
//! such requests before sending them (an empty API key, an image that is not JPEG/PNG for a KTP
//! selfie); those are sent as plain HTTP and marked "(raw HTTP)".

use std::fmt::Display;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kyc_clients::iluma::types::{
    EntityScreeningRequest, IndividualScreeningRequest, MagicReply, Scope, ScoreThreshold,
};
use kyc_clients::kredibel::types::{
    BiometricVerificationRequest, CertificateIssuanceRequest, KredibelErrorDetails,
};
use kyc_clients::{Environment, iluma, kredibel};
use kyc_sandbox::samples::Image;
use kyc_sandbox::{FaultRule, RateLimit, Sandbox, SandboxConfig};

/// Any non-empty key works on the Kredibel sandbox.
const KREDIBEL_KEY: &str = "tour-sandbox-key";
/// The public development key printed in Iluma's reference.
const ILUMA_KEY: &str =
    "iluma_development_FX4f0M5sxDgk5qFyZnk60ZengAfA9o31x3ecd29vihjc4VhyJ8FclZhHjjw";

/// One scenario: where it is documented, what the docs say, what the sandbox answered.
struct Row {
    section: &'static str,
    scenario: String,
    expected: String,
    actual: String,
}

#[derive(Default)]
struct Tour {
    rows: Vec<Row>,
}

impl Tour {
    fn check(
        &mut self,
        section: &'static str,
        scenario: impl Into<String>,
        expected: impl Into<String>,
        actual: impl Into<String>,
    ) {
        self.rows.push(Row {
            section,
            scenario: scenario.into(),
            expected: expected.into(),
            actual: actual.into(),
        });
    }

    fn print(&self) -> bool {
        let width = |f: fn(&Row) -> &str, title: &str| {
            self.rows
                .iter()
                .map(|r| f(r).chars().count())
                .chain([title.len()])
                .max()
                .unwrap_or(0)
        };
        let (w_section, w_scenario, w_expected) = (
            width(|r| r.section, "doc section"),
            width(|r| &r.scenario, "scenario"),
            width(|r| &r.expected, "documented outcome"),
        );
        println!(
            "   {:w_section$}  {:w_scenario$}  {:w_expected$}  actual outcome",
            "doc section", "scenario", "documented outcome"
        );
        let mut differing = 0;
        for row in &self.rows {
            let same = row.expected == row.actual;
            differing += usize::from(!same);
            println!(
                "{} {:w_section$}  {:w_scenario$}  {:w_expected$}  {}",
                if same { "ok" } else { "!!" },
                row.section,
                row.scenario,
                row.expected,
                row.actual
            );
        }
        println!();
        println!(
            "{} scenarios: {} as documented, {} differ",
            self.rows.len(),
            self.rows.len() - differing,
            differing
        );
        differing == 0
    }
}

/// The status and body of an error answer, or what went wrong instead.
fn error_status<T: std::fmt::Debug>(error: kyc_clients::Error<T>) -> Result<(u16, T), String> {
    match error {
        kyc_clients::Error::ErrorResponse(response) => {
            let status = response.status().as_u16();
            Ok((status, response.into_inner()))
        }
        kyc_clients::Error::InvalidRequest(reason) => {
            Err(format!("refused by the client: {reason}"))
        }
        other => Err(format!("client error: {other}")),
    }
}

fn kredibel_error(error: kyc_clients::Error<kredibel::types::KredibelError>) -> String {
    let (status, body) = match error_status(error) {
        Ok(answer) => answer,
        Err(description) => return description,
    };
    match body.errors {
        Some(KredibelErrorDetails::ErrorReference(reference)) => format!(
            "{status} {}",
            reference
                .error_type
                .map_or("(no errorType)".to_string(), |t| t.to_string())
        ),
        Some(KredibelErrorDetails::ValidationErrors(fields)) => {
            let mut names: Vec<&String> = fields.keys().collect();
            names.sort();
            format!("{status} validation: {}", join(names))
        }
        None => format!("{status}"),
    }
}

fn iluma_error(error: kyc_clients::Error<iluma::types::IlumaError>) -> String {
    match error_status(error) {
        Ok((status, body)) => format!("{status} {}", body.error_code),
        Err(description) => description,
    }
}

fn join<T: Display>(items: impl IntoIterator<Item = T>) -> String {
    items
        .into_iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn certificate(nik: &str) -> kredibel::types::builder::CertificateIssuanceRequest {
    CertificateIssuanceRequest::builder()
        .identity_id(nik)
        .full_name("ASEP SUPRIYADI".to_string())
        .birth_date(chrono::NaiveDate::from_ymd_opt(1990, 7, 6).expect("a date"))
        .email_address("test@email.com".to_string())
        .phone_number("621234567890".to_string())
        .face_image(Image::jpeg(480, 640).base64(120 * 1024))
        .identity_image(Image::png(640, 400).base64(110 * 1024))
}

async fn kredibel_certificate(tour: &mut Tour, client: &kredibel::Client, sandbox: &Sandbox) {
    const SECTION: &str = "Kredibel certificate issuance";
    let documented = [
        ("All Match", "1234567890123456", "verified []"),
        (
            "Invalid NIK",
            "1234567890111111",
            "not_verified [identityId]",
        ),
        (
            "Invalid Name",
            "1234567890111112",
            "not_verified [fullName]",
        ),
        (
            "Invalid Birth Date",
            "1234567890111113",
            "not_verified [birthDate]",
        ),
        (
            "Invalid Face Image",
            "1234567890111114",
            "not_verified [faceImage]",
        ),
        (
            "Invalid Identity Image",
            "1234567890111115",
            "not_verified [identityImage]",
        ),
        (
            "Invalid Email Address",
            "1234567890111116",
            "verified_with_reason [emailAddress]",
        ),
        (
            "Invalid Phone Number",
            "1234567890111117",
            "verified_with_reason [phoneNumber]",
        ),
        (
            "Invalid Email Address & Phone Number",
            "1234567890111118",
            "verified_with_reason [phoneNumber, emailAddress]",
        ),
        (
            "Liveness Error",
            "1234567890111119",
            "not_verified [liveness_check]",
        ),
        (
            "All Match: any other NIK",
            "3171234567890001",
            "verified []",
        ),
    ];
    for (tab, nik, expected) in documented {
        let actual = match client
            .issue_certificate()
            .body(certificate(nik))
            .send()
            .await
        {
            Ok(response) => format!(
                "{} [{}]",
                response.data.status,
                join(&response.data.reject_fields)
            ),
            Err(error) => kredibel_error(error),
        };
        tour.check(SECTION, format!("{tab} ({nik})"), expected, actual);
    }
    // "must be unique per NIK": a second NIK reusing the first one's email and phone.
    let claim = |nik: &str| {
        certificate(nik)
            .email_address("unique@example.id".to_string())
            .phone_number("6281299990000".to_string())
    };
    let _ = client
        .issue_certificate()
        .body(claim("3171234567890002"))
        .send()
        .await;
    let actual = match client
        .issue_certificate()
        .body(claim("3171234567890003"))
        .send()
        .await
    {
        Ok(response) => format!(
            "{} [{}]",
            response.data.status,
            join(&response.data.reject_fields)
        ),
        Err(error) => kredibel_error(error),
    };
    tour.check(
        SECTION,
        "email and phone already used by another NIK",
        "verified_with_reason [phoneNumber, emailAddress]",
        actual,
    );
    // The client checks the spec's image limits before sending: these go over plain HTTP.
    let small_face = Image::jpeg(320, 240).base64(120 * 1024);
    let card = Image::png(640, 400).base64(110 * 1024);
    let body = format!(
        r#"{{"identityId":"1234567890123456","fullName":"ASEP SUPRIYADI","birthDate":"1990-07-06","emailAddress":"test@email.com","phoneNumber":"621234567890","faceImage":"{small_face}","identityImage":"{card}"}}"#
    );
    let bearer = format!("Bearer {KREDIBEL_KEY}");
    let (status, answer) = raw_post(
        sandbox,
        "/kredibel/v1/certificate/issuance",
        Some(&bearer),
        &body,
    )
    .await;
    let value: serde_json::Value = serde_json::from_str(&answer).unwrap_or_default();
    let fields = value["errors"]
        .as_object()
        .map(|f| join(f.keys()))
        .unwrap_or_default();
    tour.check(
        SECTION,
        "selfie under 480x640 pixels (raw HTTP)",
        "400 validation: faceImage",
        format!("{status} validation: {fields}"),
    );
}

async fn kredibel_biometric(tour: &mut Tour, client: &kredibel::Client, sandbox: &Sandbox) {
    const SECTION: &str = "Kredibel biometric verification";
    let verify = |nik: &'static str, image: String| {
        client
            .verify_biometric()
            .body(
                BiometricVerificationRequest::builder()
                    .identity_id(nik)
                    .face_image(image),
            )
            .send()
    };
    let selfie = || Image::jpeg(480, 640).base64(100 * 1024);
    let documented = [
        (
            "Face Match",
            "1234567890123456",
            "valid, active, face true, similarity 1",
        ),
        (
            "Face Not Match",
            "1234567890111111",
            "valid, active, face false, similarity 0.24",
        ),
        (
            "Wrong Identity",
            "1234567890123444",
            "not valid, not active, response {}",
        ),
    ];
    for (tab, nik, expected) in documented {
        let actual = match verify(nik, selfie()).await {
            Ok(response) => {
                let data = &response.data;
                let validity = format!(
                    "{}valid, {}active",
                    if data.is_valid { "" } else { "not " },
                    if data.is_active { "" } else { "not " }
                );
                match (data.response.face, data.response.face_similarity) {
                    (Some(face), Some(similarity)) => {
                        format!("{validity}, face {face}, similarity {similarity}")
                    }
                    (None, None) => format!("{validity}, response {{}}"),
                    other => format!("{validity}, response {other:?}"),
                }
            }
            Err(error) => kredibel_error(error),
        };
        tour.check(SECTION, format!("{tab} ({nik})"), expected, actual);
    }
    let triggers = [
        (
            "no_face_detected",
            "image commented kyc-sandbox:no_face_detected",
            "422 no_face_detected",
        ),
        (
            "request_error",
            "image commented kyc-sandbox:request_error",
            "424 request_error",
        ),
    ];
    for (trigger, scenario, expected) in triggers {
        let image = Image::jpeg(480, 640)
            .with_trigger(trigger)
            .base64(100 * 1024);
        let actual = match verify("1234567890123456", image).await {
            Ok(_) => "200".to_string(),
            Err(error) => kredibel_error(error),
        };
        tour.check(SECTION, scenario, expected, actual);
    }
    let svg = Image::svg(480, 640).base64(10 * 1024);
    let actual = match verify("1234567890123456", svg).await {
        Ok(response) => format!("200 face {:?}", response.data.response.face),
        Err(error) => kredibel_error(error),
    };
    tour.check(
        SECTION,
        "SVG selfie (JPG, JPEG, PNG, SVG supported)",
        "200 face Some(true)",
        actual,
    );

    // What the client refuses to send, straight over HTTP.
    let raw = [
        (
            "no API key (raw HTTP)",
            None,
            "{}",
            "401 {\"message\":\"Unauthenticated.\"}",
        ),
        (
            "image that is not base64 (raw HTTP)",
            Some(KREDIBEL_KEY),
            r#"{"identityId":"1234567890123456","faceImage":"data:image/png;base64,iVBOR"}"#,
            "400 invalid_base64_encoding",
        ),
        (
            "unknown field (raw HTTP)",
            Some(KREDIBEL_KEY),
            r#"{"identityId":"1234567890123456","faceImage":"/9j/","nickname":"x"}"#,
            "400 validation: nickname",
        ),
    ];
    for (scenario, key, body, expected) in raw {
        let path = "/kredibel/v1/identity/verification/biometric";
        let auth = key.map(|k| format!("Bearer {k}"));
        let (status, body) = raw_post(sandbox, path, auth.as_deref(), body).await;
        let value: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        let actual = match (&value["errors"]["errorType"], value["errors"].as_object()) {
            (serde_json::Value::String(kind), _) => format!("{status} {kind}"),
            (_, Some(fields)) => format!("{status} validation: {}", join(fields.keys())),
            _ => format!("{status} {body}"),
        };
        tour.check(SECTION, scenario, expected, actual);
    }
    let large = Image::jpeg(480, 640).base64(1024 * 1024 + 1);
    let body = format!(r#"{{"identityId":"1234567890123456","faceImage":"{large}"}}"#);
    let (status, answer) = raw_post(
        sandbox,
        "/kredibel/v1/identity/verification/biometric",
        Some(&format!("Bearer {KREDIBEL_KEY}")),
        &body,
    )
    .await;
    let value: serde_json::Value = serde_json::from_str(&answer).unwrap_or_default();
    tour.check(
        SECTION,
        "image over 1 MB (raw HTTP)",
        "413 image_too_large",
        format!(
            "{status} {}",
            value["errors"]["errorType"].as_str().unwrap_or("?")
        ),
    );
}

async fn iluma_screening(tour: &mut Tour, client: &iluma::Client) {
    const SECTION: &str = "Iluma CFT + PEP";
    let individual = IndividualScreeningRequest::builder()
        .given_names("Eko Hadi Salim")
        .user_id("foo123")
        .nationality("ID")
        .score_threshold(ScoreThreshold(90))
        .scopes(vec![Scope::Pep]);
    let screening = client
        .screen_individual()
        .body(individual.clone())
        .send()
        .await;
    let (actual, individual_id) = match screening {
        Ok(response) => {
            let s = response.into_inner();
            let results = join(s.results.iter().map(|r| {
                format!(
                    "{} {} score {} scopes [{}]",
                    r.id,
                    join(&r.names),
                    r.score,
                    join(&r.scopes)
                )
            }));
            (format!("{}: {results}", s.status), Some(s.id.to_string()))
        }
        Err(error) => (iluma_error(error), None),
    };
    tour.check(
        SECTION,
        "individual: Eko Hadi Salim, ID, [PEP], threshold 90",
        "COMPLETED: 2dc667a4-d232-4d51-a561-631ce966fb2c Eko Hadi Salim score 100 scopes [OTHER, PEP]",
        actual,
    );
    let entity = EntityScreeningRequest::builder()
        .name("intel")
        .user_id("foo123")
        .business_domicile("US")
        .score_threshold(ScoreThreshold(95))
        .scopes(vec![Scope::Pep]);
    let (actual, entity_id) = match client.screen_entity().body(entity).send().await {
        Ok(response) => {
            let s = response.into_inner();
            let results = join(
                s.results
                    .iter()
                    .map(|r| format!("{} {} score {}", r.id, join(&r.names), r.score)),
            );
            (format!("{}: {results}", s.status), Some(s.id.to_string()))
        }
        Err(error) => (iluma_error(error), None),
    };
    tour.check(
        SECTION,
        "entity: intel, US, [PEP], threshold 95",
        "COMPLETED: ed84802c-d73d-4d22-8897-5bc771709073 Intel Corp, Intel Corporation score 100",
        actual,
    );
    let actual = match &individual_id {
        Some(id) => match client
            .get_individual_screening()
            .id(id.as_str())
            .send()
            .await
        {
            Ok(response) => format!(
                "{} with {} result(s)",
                response.status,
                response.results.len()
            ),
            Err(error) => iluma_error(error),
        },
        None => "no screening to fetch".into(),
    };
    tour.check(
        SECTION,
        "get individual screening by id",
        "COMPLETED with 1 result(s)",
        actual,
    );
    let actual = match &entity_id {
        Some(id) => match client.get_entity_screening().id(id.as_str()).send().await {
            Ok(response) => format!(
                "{} with {} result(s)",
                response.status,
                response.results.len()
            ),
            Err(error) => iluma_error(error),
        },
        None => "no screening to fetch".into(),
    };
    tour.check(
        SECTION,
        "get entity screening by id",
        "COMPLETED with 1 result(s)",
        actual,
    );
    let actual = match client
        .get_cft_pep_listing()
        .id("2dc667a4-d232-4d51-a561-631ce966fb2c")
        .send()
        .await
    {
        Ok(response) => format!(
            "{} score {:?} born [{}]",
            join(&response.names),
            response.score,
            join(
                response
                    .dates_of_birth
                    .iter()
                    .map(|d| serde_json::to_string(d).unwrap_or_default())
            )
        ),
        Err(error) => iluma_error(error),
    };
    tour.check(
        SECTION,
        "get CFT + PEP record 2dc667a4-...",
        "Eko Hadi Salim score Some(100) born [\"1943-03-11\"]",
        actual,
    );
    let actual = match client
        .get_individual_screening()
        .id("cftpi_00000000-0000-4000-8000-000000000000")
        .send()
        .await
    {
        Ok(_) => "200".into(),
        Err(error) => iluma_error(error),
    };
    tour.check(
        SECTION,
        "unknown screening id",
        "404 DATA_NOT_FOUND",
        actual,
    );
    let actual = match client
        .screen_individual()
        .x_magic_reply(MagicReply::Failed)
        .body(individual)
        .send()
        .await
    {
        Ok(response) => format!(
            "{} {}",
            response.status,
            response
                .failure_reason
                .map_or("-".into(), |r| r.to_string())
        ),
        Err(error) => iluma_error(error),
    };
    tour.check(
        SECTION,
        "x-magic-reply: FAILED",
        "FAILED TEMPORARY_NETWORK_ERROR",
        actual,
    );
}

fn ktp<'a>(client: &'a iluma::Client, nik: &str, selfie: Vec<u8>) -> iluma::VerifyIdCard<'a> {
    client
        .verify_id_card()
        .name("penito kristian")
        .id_card_number(nik)
        .birthdate("12-10-1991")
        .birthplace("Ketapang")
        .address("Alinda kencana blok E")
        .selfie(selfie)
}

fn ktp_outcome(
    result: Result<
        kyc_clients::ResponseValue<iluma::types::IdCardVerification>,
        kyc_clients::Error<iluma::types::IlumaError>,
    >,
) -> String {
    match result {
        Ok(response) => {
            let v = response.into_inner();
            match (v.is_found, v.result, v.failure_reason) {
                (Some(true), Some(result), _) => format!(
                    "{} found, selfie {}, name {}, birthdate {:?}, birthplace {:?}, address {:?}",
                    v.status,
                    result.seflie_score.or(result.selfie_score).unwrap_or(-1.0),
                    result.is_name_match,
                    result.is_birthdate_match,
                    result.is_birthplace_match,
                    result.is_address_match
                ),
                (Some(false), _, _) => format!("{} not found", v.status),
                (_, _, Some(reason)) => format!("{} {reason}", v.status),
                other => format!("{} {other:?}", v.status),
            }
        }
        Err(error) => iluma_error(error),
    }
}

async fn iluma_ktp(tour: &mut Tour, client: &iluma::Client, sandbox: &Sandbox) {
    const SECTION: &str = "Iluma KTP verification";
    let selfie = || Image::jpeg(600, 600).bytes(150 * 1024);
    let found = "COMPLETED found, selfie 100, name true, birthdate Some(true), birthplace Some(true), address Some(true)";
    let documented = [
        (
            "Success (Found) 3275031210930027",
            "3275031210930027",
            found,
        ),
        (
            "Success (Not Found) 3275031210930021",
            "3275031210930021",
            "COMPLETED not found",
        ),
        (
            "Failure: sandbox trigger 3275031210930099",
            "3275031210930099",
            "FAILED TEMPORARY_NETWORK_ERROR",
        ),
    ];
    for (scenario, nik, expected) in documented {
        let actual = ktp_outcome(ktp(client, nik, selfie()).send().await);
        tour.check(SECTION, scenario, expected, actual);
    }
    // The client checks the selfie's type and the spec's limits before sending: these go
    // over plain HTTP.
    let selfies = [
        (
            "selfie over 500 KB",
            Image::jpeg(800, 800),
            500 * 1024 + 1,
            "image/jpeg",
            "413 FILE_TOO_LARGE",
        ),
        (
            "selfie under 100 KB",
            Image::jpeg(800, 800),
            99 * 1024,
            "image/jpeg",
            "413 FILE_TOO_SMALL",
        ),
        (
            "selfie under 500x500 pixels",
            Image::jpeg(400, 400),
            150 * 1024,
            "image/jpeg",
            "400 API_VALIDATION_ERROR",
        ),
        (
            "SVG selfie",
            Image::svg(800, 800),
            150 * 1024,
            "image/svg+xml",
            "415 UNSUPPORTED_CONTENT_TYPE",
        ),
    ];
    for (scenario, image, size, content_type, expected) in selfies {
        let boundary = "tour-boundary";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\npenito kristian\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"id_card_number\"\r\n\r\n3275031210930027\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"selfie\"; filename=\"selfie\"\r\nContent-Type: {content_type}\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(&image.bytes(size));
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let (status, answer) = raw_request(
            sandbox,
            "POST",
            "/iluma/v0/identity/id_card_verifications",
            &[
                ("authorization", basic(ILUMA_KEY)),
                (
                    "content-type",
                    format!("multipart/form-data; boundary={boundary}"),
                ),
            ],
            &body,
        )
        .await;
        let code: serde_json::Value = serde_json::from_str(&answer).unwrap_or_default();
        tour.check(
            SECTION,
            format!("{scenario} (raw HTTP)"),
            expected,
            format!("{status} {}", code["error_code"].as_str().unwrap_or("?")),
        );
    }
}

async fn iluma_magic_replies(tour: &mut Tour, client: &iluma::Client) {
    const SECTION: &str = "Iluma x-magic-reply";
    let selfie = || Image::jpeg(600, 600).bytes(150 * 1024);
    let on_ktp = [
        (
            MagicReply::Completed,
            "COMPLETED found, selfie 100, name true, birthdate Some(true), birthplace Some(true), address Some(true)",
        ),
        (
            MagicReply::CompletedFound,
            "COMPLETED found, selfie 100, name true, birthdate Some(true), birthplace Some(true), address Some(true)",
        ),
        (MagicReply::CompletedNotFound, "COMPLETED not found"),
        (MagicReply::Failed, "FAILED TEMPORARY_NETWORK_ERROR"),
        (MagicReply::ApiValidationError, "400 API_VALIDATION_ERROR"),
        (MagicReply::InvalidApiKey, "401 INVALID_API_KEY"),
        (
            MagicReply::ApiKeyIsNotLiveError,
            "403 API_KEY_IS_NOT_LIVE_ERROR",
        ),
        (MagicReply::FileTooLarge, "413 FILE_TOO_LARGE"),
        (MagicReply::FileTooSmall, "413 FILE_TOO_SMALL"),
        (
            MagicReply::UnsupportedContentType,
            "415 UNSUPPORTED_CONTENT_TYPE",
        ),
        (MagicReply::RateLimitExceeded, "429 RATE_LIMIT_EXCEEDED"),
        (MagicReply::ServerError, "500 SERVER_ERROR"),
        (MagicReply::ServiceUnavailable, "503 SERVICE_UNAVAILABLE"),
    ];
    for (magic, expected) in on_ktp {
        let actual = ktp_outcome(
            ktp(client, "3275031210930027", selfie())
                .x_magic_reply(magic)
                .send()
                .await,
        );
        tour.check(
            SECTION,
            format!("{magic} on KTP verification"),
            expected,
            actual,
        );
    }
    let actual = match client
        .get_cft_pep_listing()
        .id("2dc667a4-d232-4d51-a561-631ce966fb2c")
        .x_magic_reply(MagicReply::DataNotFound)
        .send()
        .await
    {
        Ok(_) => "200".into(),
        Err(error) => iluma_error(error),
    };
    tour.check(
        SECTION,
        "DATA_NOT_FOUND on get CFT + PEP record",
        "404 DATA_NOT_FOUND",
        actual,
    );
    let actual = match client
        .screen_entity()
        .x_magic_reply(MagicReply::Completed)
        .body(
            EntityScreeningRequest::builder()
                .name("intel")
                .user_id("foo123")
                .business_domicile("US")
                .scopes(vec![Scope::Pep]),
        )
        .send()
        .await
    {
        Ok(response) => format!(
            "{} with {} result(s)",
            response.status,
            response.results.len()
        ),
        Err(error) => iluma_error(error),
    };
    tour.check(
        SECTION,
        "COMPLETED on entity screening",
        "COMPLETED with 1 result(s)",
        actual,
    );
}

async fn iluma_platform(tour: &mut Tour, client: &iluma::Client, sandbox: &Sandbox) {
    const SECTION: &str = "Iluma platform";
    let actual = match client.get_health().send().await {
        Ok(health) => health.into_inner().status,
        Err(error) => iluma_error(error),
    };
    tour.check(SECTION, "GET /health", "ok", actual);
    let actual = match client.get_callback_authentication_token().send().await {
        Ok(token) => {
            let token = reveal(&token.into_inner().token);
            format!(
                "{} characters, {} the callbacks' X-CALLBACK-TOKEN",
                token.len(),
                if token == sandbox.app().callback_token() {
                    "equal to"
                } else {
                    "not"
                }
            )
        }
        Err(error) => iluma_error(error),
    };
    tour.check(
        SECTION,
        "callback authentication token",
        "48 characters, equal to the callbacks' X-CALLBACK-TOKEN",
        actual,
    );
    for (scenario, expected) in [
        (
            "Get API Key 5abc, token 123",
            "DEVELOPMENT key iluma_development_[redacted] (the caller's own key)",
        ),
        (
            "Get API Key again with the same token (single use)",
            "404 DATA_NOT_FOUND",
        ),
    ] {
        let actual = match client
            .get_api_keys()
            .business_id("5abc")
            .token("123")
            .send()
            .await
        {
            Ok(keys) => join(
                keys.api_keys
                    .iter()
                    // A key is never printed, not even in part: its prefix, and whether it is
                    // the key the tour authenticates with, say all that the tour checks.
                    .map(|k| {
                        let key = reveal(&k.key);
                        let prefix = key.split_inclusive('_').take(2).collect::<String>();
                        let whose = if key == ILUMA_KEY {
                            "the caller's own key"
                        } else {
                            "another key"
                        };
                        format!("{} key {prefix}[redacted] ({whose})", k.environment)
                    }),
            ),
            Err(error) => iluma_error(error),
        };
        tour.check(SECTION, scenario, expected, actual);
    }
    // The client refuses a live key for a sandbox URL before sending; plain HTTP shows the
    // sandbox's own answer.
    let (status, answer) = raw_request(
        sandbox,
        "GET",
        "/iluma/v1/callback/authentication_tokens",
        &[(
            "authorization",
            basic("iluma_production_not_for_the_sandbox"),
        )],
        b"",
    )
    .await;
    let code: serde_json::Value = serde_json::from_str(&answer).unwrap_or_default();
    let actual = format!("{status} {}", code["error_code"].as_str().unwrap_or("?"));
    tour.check(
        SECTION,
        "a key that is not iluma_development_ (raw HTTP)",
        "401 INVALID_API_KEY",
        actual,
    );
}

/// What a callback receiver saw: the X-CALLBACK-TOKEN of each call.
type Seen = Arc<Mutex<Vec<Option<String>>>>;

async fn callbacks(tour: &mut Tour, client: &iluma::Client, sandbox: &Sandbox) {
    const SECTION: &str = "Iluma callbacks";
    let seen: Seen = Arc::default();
    let router = axum::Router::new()
        .route(
            "/callbacks",
            axum::routing::post(
                |axum::extract::State(seen): axum::extract::State<Seen>,
                 headers: axum::http::HeaderMap| async move {
                    let token = headers
                        .get("x-callback-token")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_string);
                    let mut seen = seen.lock().expect("lock");
                    seen.push(token);
                    // Fails the first delivery, to show the retry.
                    if seen.len() == 1 {
                        axum::http::StatusCode::SERVICE_UNAVAILABLE
                    } else {
                        axum::http::StatusCode::OK
                    }
                },
            ),
        )
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("receiver binds");
    let url = format!("http://{}/callbacks", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    sandbox
        .app()
        .set_callback_url("id_card_verifications", &url)
        .expect("registered");
    let _ = ktp(
        client,
        "3275031210930027",
        Image::jpeg(600, 600).bytes(150 * 1024),
    )
    .send()
    .await;
    let deliveries = sandbox
        .callbacks()
        .wait_for(1, Duration::from_secs(10))
        .await;
    let token = sandbox.app().callback_token();
    let tokens_match = seen
        .lock()
        .expect("lock")
        .iter()
        .all(|t| t.as_deref() == Some(token.as_str()));
    let actual = match deliveries.first() {
        Some(d) => format!(
            "delivered {} after {} attempt(s), token {}",
            d.delivered,
            d.attempts,
            if tokens_match { "matches" } else { "differs" }
        ),
        None => "no delivery".into(),
    };
    tour.check(
        SECTION,
        "KTP result to a receiver that fails once",
        "delivered true after 2 attempt(s), token matches",
        actual,
    );
}

async fn rate_limit_and_faults(tour: &mut Tour) {
    const SECTION: &str = "Sandbox controls";
    let config = SandboxConfig::default()
        .with_rate_limit(RateLimit::per_minute(1))
        .with_fault(FaultRule::status(503).on("get_health").times(1));
    let sandbox = Sandbox::start_with(config).await.expect("sandbox starts");
    // Raw HTTP, so a client's own retry policy does not hide the 429.
    let token = "/iluma/v1/callback/authentication_tokens";
    let auth = [("authorization", basic(ILUMA_KEY))];
    let _ = raw_request(&sandbox, "GET", token, &auth, b"").await;
    let (status, answer) = raw_request(&sandbox, "GET", token, &auth, b"").await;
    let code: serde_json::Value = serde_json::from_str(&answer).unwrap_or_default();
    tour.check(
        SECTION,
        "rate limit 1/min per key, second call (raw HTTP)",
        "429 RATE_LIMIT_EXCEEDED",
        format!("{status} {}", code["error_code"].as_str().unwrap_or("?")),
    );
    let client = iluma::Client::with_api_key(Environment::Custom(sandbox.iluma_url()), ILUMA_KEY)
        .expect("client");
    // The first call meets the burst (or the client retries past it); the next is answered.
    let _ = client.get_health().send().await;
    let actual = match client.get_health().send().await {
        Ok(health) => health.into_inner().status,
        Err(error) => iluma_error(error),
    };
    tour.check(
        SECTION,
        "/health after a 503 burst of 1 (standing fault)",
        "ok",
        actual,
    );
    let counted = sandbox.requests().count("get_health");
    tour.check(
        SECTION,
        "request counter saw every /health call, the 503 included",
        "at least 2",
        if counted >= 2 {
            "at least 2".to_string()
        } else {
            counted.to_string()
        },
    );
    sandbox.shutdown().await;
}

/// The value a secret-bearing generated type carries (its wire form).
fn reveal<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn basic(key: &str) -> String {
    use base64::Engine as _;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{key}:"))
    )
}

async fn raw_post(
    sandbox: &Sandbox,
    path: &str,
    bearer: Option<&str>,
    body: &str,
) -> (u16, String) {
    let mut headers = vec![("content-type", "application/json".to_string())];
    if let Some(value) = bearer {
        headers.push(("authorization", value.to_string()));
    }
    raw_request(sandbox, "POST", path, &headers, body.as_bytes()).await
}

/// One HTTP/1.1 request on its own connection: the status and the body.
async fn raw_request(
    sandbox: &Sandbox,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> (u16, String) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let Ok(mut stream) = tokio::net::TcpStream::connect(sandbox.local_addr()).await else {
        return (0, "cannot connect".into());
    };
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
        sandbox.local_addr(),
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    let mut bytes = request.into_bytes();
    bytes.extend_from_slice(body);
    let mut answer = Vec::new();
    if stream.write_all(&bytes).await.is_err() || stream.read_to_end(&mut answer).await.is_err() {
        return (0, "connection error".into());
    }
    let text = String::from_utf8_lossy(&answer);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_string();
    (status, body)
}

#[tokio::main]
async fn main() -> ExitCode {
    kyc_sandbox::telemetry::init("warn");
    let sandbox = match Sandbox::start().await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!("cannot start the sandbox: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "kyc-sandbox on {} (Kredibel {}, Iluma {})\n",
        sandbox.base_url(),
        sandbox.kredibel_url(),
        sandbox.iluma_url()
    );
    let kredibel =
        kredibel::Client::with_api_key(Environment::Custom(sandbox.kredibel_url()), KREDIBEL_KEY)
            .expect("a valid key and URL");
    let iluma = iluma::Client::with_api_key(Environment::Custom(sandbox.iluma_url()), ILUMA_KEY)
        .expect("a valid key and URL");

    let mut tour = Tour::default();
    kredibel_certificate(&mut tour, &kredibel, &sandbox).await;
    kredibel_biometric(&mut tour, &kredibel, &sandbox).await;
    iluma_screening(&mut tour, &iluma).await;
    iluma_ktp(&mut tour, &iluma, &sandbox).await;
    iluma_magic_replies(&mut tour, &iluma).await;
    iluma_platform(&mut tour, &iluma, &sandbox).await;
    callbacks(&mut tour, &iluma, &sandbox).await;
    rate_limit_and_faults(&mut tour).await;
    let all_documented = tour.print();
    sandbox.shutdown().await;
    if all_documented {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
