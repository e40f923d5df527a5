//! Realistic vendor variations of the documented responses, answered by a stub vendor on
//! 127.0.0.1:0 to the generated clients: each must decode (an error body: as a typed error,
//! of the `Unknown` kind when its code is not listed), emit exactly its `kyc.drift` events,
//! and a decoded body must encode back to what the vendor sent. The variations: unlisted enum
//! values, unknown fields, other shapes of the guessed bodies, and values that break their
//! documented form (an id that is not a UUID or has another prefix, a masked NIK, an ISO 3166-2
//! country, a date or timestamp in another form, a fraction where an integer was assumed, a
//! personal value breaking its pattern), which decode `Raw` in an `Expected` while the
//! conforming ones stay `Typed`. The request side stays strict: an unlisted value of an open
//! enum is refused before sending.

use kyc_clients::{Environment, iluma, kredibel};
use serde_json::{Value, json};

use crate::support::{CaptureServer, json_differences, synthetic_jpeg};

const KREDIBEL_KEY: &str = "kredibel-test-key";
const ILUMA_KEY: &str = "iluma_development_test-key";
const A_KEY: &str = "iluma_production_0variation0key0not0real0";

/// The operation a variation answers.
#[derive(Debug, Clone, Copy)]
enum Call {
    IssueCertificate,
    VerifyBiometric,
    ScreenIndividual,
    GetIndividualScreening,
    GetHealth,
    GetCallbackToken,
    GetApiKeys,
    VerifyIdCard,
}

/// A decoded answer, typed.
#[derive(Debug)]
enum Decoded {
    Certificate(kredibel::types::CertificateIssuanceResponse),
    Biometric(kredibel::types::BiometricVerificationResponse),
    Screening(iluma::types::IndividualScreening),
    Health(iluma::types::Health),
    Token(iluma::types::CallbackAuthenticationToken),
    Keys(iluma::types::ApiKeySet),
    IdCard(iluma::types::IdCardVerification),
}

impl Decoded {
    fn to_json(&self) -> Value {
        match self {
            Decoded::Certificate(v) => serde_json::to_value(v),
            Decoded::Biometric(v) => serde_json::to_value(v),
            Decoded::Screening(v) => serde_json::to_value(v),
            Decoded::Health(v) => serde_json::to_value(v),
            Decoded::Token(v) => serde_json::to_value(v),
            Decoded::Keys(v) => serde_json::to_value(v),
            Decoded::IdCard(v) => serde_json::to_value(v),
        }
        .expect("a decoded answer encodes")
    }
}

/// A call that failed with the vendor's error body, as the typed error reads it.
#[derive(Debug)]
struct Refusal {
    /// The kind's code (`ErrorKind::code`).
    code: String,
    /// Whether the kind is the `Unknown` (or, for a body of another shape, `Unspecified`) one.
    unlisted: bool,
    status: Option<u16>,
    /// `is_charged()` of the typed error.
    charged: bool,
}

type Outcome = Result<Decoded, Refusal>;

/// One vendor variation.
struct Variation {
    name: &'static str,
    call: Call,
    status: u16,
    /// The body; a JSON string here is sent as `text/plain` text, not as JSON.
    body: Value,
    /// What must hold of the outcome (beyond decoding and encoding back unchanged).
    check: fn(&Outcome),
    /// The `kyc.drift` events the call must emit: `(what differed, JSON path)`, in any order;
    /// a value that breaks its documented form is `unexpected <rule>` (`unexpected pattern`).
    drift: &'static [(&'static str, &'static str)],
}

fn certificate(status: &str, reject: Value) -> Value {
    json!({
        "message": "Certificate electronic verification has been done",
        "data": {
            "id": "8c4d6927-b4e1-428b-b95f-c21b6734b73f",
            "status": status,
            "rejectFields": reject,
            "referenceId": "ref_certel#e87c8bc2-5d10-455b-98a0-187d60f72873"
        }
    })
}

fn screening(status: &str, results: Option<Value>) -> Value {
    let mut body = json!({
        "created": "2022-02-10T18:55:02.061Z",
        "updated": "2022-02-10T18:55:02.840Z",
        "id": "cftpi_05e27fc2-ac76-4307-9f46-36179abb7a6d",
        "reference_id": null,
        "user_id": "foo123",
        "phone_number": "+6281234567890",
        "email": "eko@example.com",
        "addresses": [{"street_line1": "Jalan Merdeka 17", "city": "Bandung", "category": "HOME"}],
        "scopes": ["PEP"],
        "score_threshold": 90,
        "status": status,
        "given_names": "Eko Hadi Salim",
        "surname": "Salim",
        "nationality": "ID",
        "date_of_birth": "1943-03-11",
        "gender": "MALE"
    });
    if let Some(results) = results {
        body["results"] = results;
    }
    body
}

fn decoded(outcome: &Outcome) -> &Decoded {
    match outcome {
        Ok(decoded) => decoded,
        Err(refusal) => panic!("the answer did not decode: {refusal:?}"),
    }
}

fn refusal(outcome: &Outcome) -> &Refusal {
    match outcome {
        Err(refusal) => refusal,
        Ok(decoded) => panic!("an error answer decoded as a success: {decoded:?}"),
    }
}

fn variations() -> Vec<Variation> {
    vec![
        Variation {
            name: "certificate rejectFields with an unlisted value (\"example if nik\")",
            call: Call::IssueCertificate,
            status: 200,
            body: certificate("not_verified", json!(["nik", "fullName"])),
            check: |outcome| {
                let Decoded::Certificate(c) = decoded(outcome) else {
                    panic!()
                };
                use kredibel::types::RejectField;
                assert_eq!(
                    c.data.reject_fields,
                    vec![RejectField::Unknown("nik".into()), RejectField::FullName]
                );
                assert!(!c.data.reject_fields[0].is_known());
                assert_eq!(c.data.reject_fields[0].as_str(), "nik");
            },
            drift: &[("unknown enum value", "/data/rejectFields/0")],
        },
        Variation {
            name: "certificate status with a new value",
            call: Call::IssueCertificate,
            status: 200,
            body: certificate("pending_review", json!([])),
            check: |outcome| {
                let Decoded::Certificate(c) = decoded(outcome) else {
                    panic!()
                };
                assert_eq!(
                    c.data.status,
                    kredibel::types::CertificateStatus::Unknown("pending_review".into())
                );
                assert_eq!(c.data.status.to_string(), "pending_review");
            },
            drift: &[("unknown enum value", "/data/status")],
        },
        Variation {
            name: "certificate answered 201 (the docs: any 2XX is success)",
            call: Call::IssueCertificate,
            status: 201,
            body: certificate("verified", json!([])),
            check: |outcome| {
                let Decoded::Certificate(c) = decoded(outcome) else {
                    panic!()
                };
                assert_eq!(c.data.status, kredibel::types::CertificateStatus::Verified);
            },
            // `2XX` is declared: no drift.
            drift: &[],
        },
        Variation {
            name: "certificate with fields the spec does not know",
            call: Call::IssueCertificate,
            status: 202,
            body: {
                let mut body = certificate("verified", json!([]));
                body["data"]["certificateUrl"] = json!("https://example.com/cert/1");
                body["requestId"] = json!("r-1");
                body
            },
            // Decodes; unknown fields are dropped by the generated type (documented bodies are
            // not kept whole), so this one does not encode back unchanged (see below).
            check: |outcome| {
                let Decoded::Certificate(c) = decoded(outcome) else {
                    panic!()
                };
                assert_eq!(c.data.status, kredibel::types::CertificateStatus::Verified);
            },
            drift: &[
                ("unknown field", "/data/certificateUrl"),
                ("unknown field", "/requestId"),
            ],
        },
        Variation {
            name: "screening status not listed (still running, result by callback)",
            call: Call::ScreenIndividual,
            status: 200,
            body: screening("IN_PROGRESS", None),
            check: |outcome| {
                let Decoded::Screening(s) = decoded(outcome) else {
                    panic!()
                };
                assert_eq!(
                    s.status,
                    iluma::types::ScreeningStatus::Unknown("IN_PROGRESS".into())
                );
                assert!(s.results.is_empty());
            },
            drift: &[("unknown enum value", "/status")],
        },
        Variation {
            name: "screening PENDING (this spec's guess, listed)",
            call: Call::GetIndividualScreening,
            status: 200,
            body: screening("PENDING", None),
            check: |outcome| {
                let Decoded::Screening(s) = decoded(outcome) else {
                    panic!()
                };
                assert_eq!(s.status, iluma::types::ScreeningStatus::Pending);
            },
            drift: &[],
        },
        Variation {
            name: "a result's scopes hold a value not in the enum",
            call: Call::ScreenIndividual,
            status: 200,
            body: screening(
                "COMPLETED",
                Some(json!([{
                    "id": "2dc667a4-d232-4d51-a561-631ce966fb2c",
                    "names": ["Eko Hadi Salim"],
                    "score": 100,
                    "scopes": ["OTHER", "ADVERSE_MEDIA"],
                    "nationalities": ["ID"],
                    "dates_of_birth": ["1943-03-11", {"y": 1943, "m": 3, "d": 0}]
                }])),
            ),
            check: |outcome| {
                let Decoded::Screening(s) = decoded(outcome) else {
                    panic!()
                };
                use iluma::types::Scope;
                assert_eq!(
                    s.results[0].scopes,
                    vec![Scope::Other, Scope::Unknown("ADVERSE_MEDIA".into())]
                );
            },
            drift: &[("unknown enum value", "/results/0/scopes/1")],
        },
        Variation {
            name: "/health shaped otherwise than the guess",
            call: Call::GetHealth,
            status: 200,
            body: json!({"healthy": true, "version": "2.3.1"}),
            check: |outcome| {
                let Decoded::Health(h) = decoded(outcome) else {
                    panic!()
                };
                assert_eq!(h.status, None);
                assert_eq!(h.extra["healthy"].as_bool(), Some(true));
            },
            drift: &[
                ("missing guessed field", "/status"),
                ("unknown field", "/healthy"),
                ("unknown field", "/version"),
            ],
        },
        Variation {
            name: "callback token under another name",
            call: Call::GetCallbackToken,
            status: 200,
            body: json!({"callback_token": "3f1c2bd4a5e6470f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d"}),
            check: |outcome| {
                let Decoded::Token(t) = decoded(outcome) else {
                    panic!()
                };
                assert!(t.token.is_none());
                assert_eq!(
                    t.find_token().map(|s| s.expose().to_string()).as_deref(),
                    Some("3f1c2bd4a5e6470f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d")
                );
            },
            drift: &[
                ("missing guessed field", "/token"),
                ("unknown field", "/callback_token"),
            ],
        },
        Variation {
            name: "Get API Key body of another shape: the single-use keys are kept",
            call: Call::GetApiKeys,
            status: 200,
            body: json!({
                "business_id": "5abc",
                "keys": {"development": ILUMA_KEY, "production": A_KEY},
                "created": "2024-01-01T00:00:00Z"
            }),
            check: |outcome| {
                let Decoded::Keys(k) = decoded(outcome) else {
                    panic!()
                };
                assert!(k.api_keys.is_empty());
                let mut keys: Vec<(String, String)> = k
                    .keys_by_prefix()
                    .into_iter()
                    .map(|(env, key)| (env.as_str().to_string(), key.expose().to_string()))
                    .collect();
                keys.sort();
                assert_eq!(
                    keys,
                    vec![
                        ("production".to_string(), A_KEY.to_string()),
                        ("sandbox".to_string(), ILUMA_KEY.to_string()),
                    ]
                );
            },
            drift: &[
                ("missing guessed field", "/api_keys"),
                ("unknown field", "/keys"),
                ("unknown field", "/created"),
            ],
        },
        Variation {
            name: "Get API Key with a key renamed inside the guessed list",
            call: Call::GetApiKeys,
            status: 200,
            body: json!({
                "business_id": "5abc",
                "api_keys": [{"type": "PRODUCTION", "secret": A_KEY}]
            }),
            check: |outcome| {
                let Decoded::Keys(k) = decoded(outcome) else {
                    panic!()
                };
                assert_eq!(k.api_keys[0].key, None);
                assert_eq!(k.keys_by_prefix()[0].1.expose(), A_KEY);
            },
            drift: &[
                ("missing guessed field", "/api_keys/0/environment"),
                ("missing guessed field", "/api_keys/0/key"),
                ("unknown field", "/api_keys/0/type"),
                ("unknown field", "/api_keys/0/secret"),
            ],
        },
        Variation {
            name: "KTP answer with a reference id, no status or result yet",
            call: Call::VerifyIdCard,
            status: 200,
            body: json!({
                "id": "idvr_c2b7a96a-9dc2-491e-b274-71c84b6e25d1",
                "created": "2022-03-21T12:24:42.480Z",
                "updated": "2022-03-21T12:24:42.480Z",
                "id_card_number": "3275031210930027",
                "name": "penito kristian"
            }),
            check: |outcome| {
                let Decoded::IdCard(v) = decoded(outcome) else {
                    panic!()
                };
                assert_eq!(v.status, None);
                assert_eq!(v.is_found, None);
                assert!(v.result.is_none());
            },
            drift: &[],
        },
        Variation {
            name: "KTP verification with a new failure reason",
            call: Call::VerifyIdCard,
            status: 200,
            body: json!({
                "id": "idvr_c2b7a96a-9dc2-491e-b274-71c84b6e25d2",
                "created": "2022-03-21T12:24:42.480Z",
                "updated": "2022-03-21T12:24:42.480Z",
                "id_card_number": "3275031210930021",
                "name": "penito kristian",
                "status": "FAILED",
                "failure_reason": "DUKCAPIL_TIMEOUT"
            }),
            check: |outcome| {
                let Decoded::IdCard(v) = decoded(outcome) else {
                    panic!()
                };
                assert_eq!(
                    v.failure_reason,
                    Some(iluma::types::FailureReason::Unknown(
                        "DUKCAPIL_TIMEOUT".into()
                    ))
                );
            },
            drift: &[("unknown enum value", "/failure_reason")],
        },
        Variation {
            name: "Kredibel errorType not listed",
            call: Call::IssueCertificate,
            status: 422,
            body: json!({
                "errors": {"errorId": "0b8f4a5e-7c1d-4b2a-9d3e-5f6a7b8c9d0e", "errorType": "face_too_small"},
                "message": "Face is too small."
            }),
            check: |outcome| {
                let r = refusal(outcome);
                assert_eq!((r.code.as_str(), r.unlisted), ("face_too_small", true));
                assert_eq!(r.status, Some(422));
            },
            drift: &[("unknown enum value", "/errors/errorType")],
        },
        Variation {
            name: "Iluma error_code not listed",
            call: Call::ScreenIndividual,
            status: 400,
            body: json!({"error_code": "QUOTA_EXCEEDED", "message": "Monthly quota exceeded"}),
            check: |outcome| {
                let r = refusal(outcome);
                assert_eq!((r.code.as_str(), r.unlisted), ("QUOTA_EXCEEDED", true));
                assert_eq!(r.status, Some(400));
            },
            drift: &[("unknown enum value", "/error_code")],
        },
        Variation {
            name: "Iluma error body shaped otherwise than the guess",
            call: Call::GetHealth,
            status: 503,
            body: json!({"code": 503, "detail": "maintenance"}),
            check: |outcome| {
                let r = refusal(outcome);
                assert_eq!((r.code.as_str(), r.unlisted), ("error", true));
                assert_eq!(r.status, Some(503));
            },
            drift: &[
                ("missing guessed field", "/error_code"),
                ("missing guessed field", "/message"),
                ("unknown field", "/code"),
                ("unknown field", "/detail"),
            ],
        },
        // Values that break their documented form: decoded `Raw`, reported by path and rule.
        Variation {
            name: "ids that are not UUIDs or carry another prefix (certificate)",
            call: Call::IssueCertificate,
            status: 200,
            body: {
                let mut body = certificate("verified", json!([]));
                body["data"]["id"] = json!("hist_20240131_0001");
                body["data"]["referenceId"] = json!("REF-CERTEL-0001");
                body
            },
            check: |outcome| {
                let Decoded::Certificate(c) = decoded(outcome) else {
                    panic!()
                };
                assert_eq!(
                    c.data.id.raw().map(String::as_str),
                    Some("hist_20240131_0001")
                );
                assert_eq!(c.data.reference_id.to_string(), "REF-CERTEL-0001");
                assert!(!c.data.reference_id.is_typed());
                assert_eq!(c.data.status, kredibel::types::CertificateStatus::Verified);
            },
            drift: &[
                ("unexpected format", "/data/id"),
                ("unexpected pattern", "/data/referenceId"),
            ],
        },
        Variation {
            name: "a screening id with another prefix; the timestamps still typed",
            call: Call::GetIndividualScreening,
            status: 200,
            body: {
                let mut body = screening("COMPLETED", Some(json!([])));
                body["id"] = json!("cftp_05e27fc2-ac76-4307-9f46-36179abb7a6d");
                body
            },
            check: |outcome| {
                let Decoded::Screening(s) = decoded(outcome) else {
                    panic!()
                };
                assert_eq!(
                    s.id.to_string(),
                    "cftp_05e27fc2-ac76-4307-9f46-36179abb7a6d"
                );
                assert!(!s.id.is_typed());
                assert!(s.created.is_typed() && s.updated.is_typed());
            },
            drift: &[("unexpected pattern", "/id")],
        },
        Variation {
            name: "a KTP verification id with another prefix, and a masked NIK echo",
            call: Call::VerifyIdCard,
            status: 200,
            body: json!({
                "id": "ktp_c2b7a96a-9dc2-491e-b274-71c84b6e25d1",
                "created": "2022-03-21T12:24:42.480Z",
                "updated": "2022-03-21T12:24:42.480Z",
                "id_card_number": "327503******0027",
                "name": "penito kristian",
                "status": "COMPLETED",
                "is_found": true
            }),
            check: |outcome| {
                let Decoded::IdCard(v) = decoded(outcome) else {
                    panic!()
                };
                assert_eq!(v.id.to_string(), "ktp_c2b7a96a-9dc2-491e-b274-71c84b6e25d1");
                let nik = v
                    .id_card_number
                    .raw()
                    .expect("a masked NIK is kept as sent");
                assert_eq!(nik.as_str(), "327503******0027");
                assert_eq!(format!("{:?}", v.id_card_number), "Raw([redacted])");
            },
            drift: &[
                ("unexpected pattern", "/id"),
                ("unexpected pattern", "/id_card_number"),
            ],
        },
        Variation {
            name: "a masked NIK and a history id of another shape (biometric)",
            call: Call::VerifyBiometric,
            status: 200,
            body: json!({
                "message": "Identity biometric verification succeeded.",
                "data": {
                    "id": "bio-0001",
                    "identityId": "123456******3456",
                    "isValid": true,
                    "isActive": true,
                    "response": {"face": true, "faceSimilarity": 0.93}
                }
            }),
            check: |outcome| {
                let Decoded::Biometric(b) = decoded(outcome) else {
                    panic!()
                };
                assert_eq!(b.data.id.raw().map(String::as_str), Some("bio-0001"));
                assert!(b.data.identity_id.raw().is_some());
                assert_eq!(b.data.response.face_similarity, Some(0.93));
            },
            drift: &[
                ("unexpected format", "/data/id"),
                ("unexpected pattern", "/data/identityId"),
            ],
        },
        Variation {
            name: "countries in ISO 3166-2, as the reference says (ID-JK)",
            call: Call::ScreenIndividual,
            status: 200,
            body: {
                let mut body = screening("COMPLETED", Some(json!([])));
                body["addresses"] = json!([
                    {"country": "ID-JK", "city": "Bandung", "category": "HOME"},
                    {"country": "ID", "category": "WORK"}
                ]);
                body
            },
            check: |outcome| {
                let Decoded::Screening(s) = decoded(outcome) else {
                    panic!()
                };
                let addresses = s.addresses.as_deref().unwrap_or_default();
                let country = |i: usize| addresses[i].country.as_ref().unwrap();
                assert!(country(0).raw().is_some(), "ID-JK is kept as sent");
                assert_eq!(country(1).typed().map(|c| c.as_str()), Some("ID"));
                assert_eq!(format!("{:?}", country(0)), "Raw([redacted])");
            },
            drift: &[("unexpected pattern", "/addresses/0/country")],
        },
        Variation {
            name: "dates and timestamps echoed in other forms",
            call: Call::GetIndividualScreening,
            status: 200,
            body: {
                let mut body = screening(
                    "COMPLETED",
                    Some(json!([{
                        "id": "rec-1", "score": 90, "names": ["Eko Hadi Salim"],
                        "scopes": ["PEP"], "dates_of_birth": ["1943"]
                    }])),
                );
                body["created"] = json!("2022-02-10 18:55:02");
                body["updated"] = json!("2022-02-10");
                body["date_of_birth"] = json!("1943-03-11T00:00:00Z");
                body
            },
            check: |outcome| {
                let Decoded::Screening(s) = decoded(outcome) else {
                    panic!()
                };
                assert_eq!(
                    s.created.raw().map(String::as_str),
                    Some("2022-02-10 18:55:02")
                );
                assert_eq!(s.updated.to_string(), "2022-02-10");
                let birth = s.date_of_birth.as_ref().unwrap();
                assert!(birth.raw().is_some());
                assert_eq!(format!("{birth:?}"), "Raw([redacted])");
            },
            drift: &[
                ("unexpected format", "/created"),
                ("unexpected format", "/updated"),
                ("unexpected format", "/date_of_birth"),
                ("unexpected pattern", "/results/0/dates_of_birth/0"),
            ],
        },
        Variation {
            name: "fractions where whole numbers were assumed",
            call: Call::ScreenIndividual,
            status: 200,
            body: {
                let mut body = screening(
                    "COMPLETED",
                    Some(json!([
                        {"id": "rec-1", "score": 87.5, "names": ["Eko Hadi Salim"], "scopes": ["PEP"]},
                        {"id": "rec-2", "score": 86, "names": ["Eko Salim"], "scopes": ["PEP"]}
                    ])),
                );
                body["score_threshold"] = json!(85.5);
                body
            },
            check: |outcome| {
                let Decoded::Screening(s) = decoded(outcome) else {
                    panic!()
                };
                assert_eq!(s.score_threshold.as_f64(), 85.5);
                assert_eq!(
                    s.results[0].score.raw().map(ToString::to_string).as_deref(),
                    Some("87.5")
                );
                assert_eq!(s.results[1].score, 86);
            },
            drift: &[
                ("unexpected type", "/score_threshold"),
                ("unexpected type", "/results/0/score"),
            ],
        },
        Variation {
            name: "a documented errorType with an errorId that is not a UUID (charged)",
            call: Call::VerifyBiometric,
            status: 422,
            body: json!({
                "errors": {"errorId": "err-20240131-42", "errorType": "no_face_detected"},
                "message": "No face was detected from the input image or the input image is blurry."
            }),
            check: |outcome| {
                let r = refusal(outcome);
                assert_eq!((r.code.as_str(), r.unlisted), ("no_face_detected", false));
                assert!(r.charged, "the biometric page bills no_face_detected");
            },
            drift: &[("unexpected format", "/errors/errorId")],
        },
        Variation {
            name: "a documented errorType with a numeric errorId (not charged)",
            call: Call::IssueCertificate,
            status: 413,
            body: json!({
                "errors": {"errorId": 4711, "errorType": "image_too_large"},
                "message": "Input image is greater than the maximum size allowed."
            }),
            check: |outcome| {
                let r = refusal(outcome);
                assert_eq!((r.code.as_str(), r.unlisted), ("image_too_large", false));
                assert!(!r.charged);
            },
            // Not the documented shape at all (`errorId` of another kind): an error the client
            // still reads by its `errorType`, no drift it could name.
            drift: &[],
        },
        Variation {
            name: "a personal value breaking its pattern: a year-only KTP birth date",
            call: Call::VerifyIdCard,
            status: 200,
            body: json!({
                "id": "idvr_c2b7a96a-9dc2-491e-b274-71c84b6e25d3",
                "created": "2022-03-21T12:24:42.480Z",
                "updated": "2022-03-21T12:24:42.480Z",
                "id_card_number": "3275031210930027",
                "name": "penito kristian",
                "birthdate": "1990",
                "status": "COMPLETED",
                "is_found": true
            }),
            check: |outcome| {
                let Decoded::IdCard(v) = decoded(outcome) else {
                    panic!()
                };
                assert!(v.id_card_number.is_typed());
                assert_eq!(v.birthdate.as_deref().map(String::as_str), Some("1990"));
            },
            drift: &[("unexpected pattern", "/birthdate")],
        },
        Variation {
            name: "a personal value breaking its pattern: a KTP birth date echoed YYYY-MM-DD",
            call: Call::VerifyIdCard,
            status: 200,
            body: json!({
                "id": "idvr_c2b7a96a-9dc2-491e-b274-71c84b6e25d4",
                "created": "2022-03-21T12:24:42.480Z",
                "updated": "2022-03-21T12:24:42.480Z",
                "id_card_number": "3275031210930027",
                "name": "penito kristian",
                "birthdate": "1990-10-12",
                "status": "COMPLETED",
                "is_found": true
            }),
            check: |outcome| {
                decoded(outcome);
            },
            drift: &[("unexpected pattern", "/birthdate")],
        },
        Variation {
            name: "a plain-text 200 OK from /health (a free operation)",
            call: Call::GetHealth,
            status: 200,
            body: json!("OK"),
            check: |outcome| {
                let Decoded::Health(h) = decoded(outcome) else {
                    panic!()
                };
                assert_eq!(h.status, None);
                assert!(h.extra.is_empty());
            },
            drift: &[("not json", "")],
        },
    ]
}

fn kredibel_refusal(error: kredibel::Error) -> Refusal {
    let status = error.status();
    let charged = error.is_charged();
    match error.kind() {
        Some(kind) => Refusal {
            code: kyc_clients::ErrorKind::code(kind),
            unlisted: matches!(
                kind,
                kredibel::ErrorKind::Unknown(_) | kredibel::ErrorKind::Unspecified
            ),
            status,
            charged,
        },
        None => panic!("not a typed vendor error: {error}"),
    }
}

fn iluma_refusal(error: iluma::Error) -> Refusal {
    let status = error.status();
    let charged = error.is_charged();
    match error.kind() {
        Some(kind) => Refusal {
            code: kyc_clients::ErrorKind::code(kind),
            unlisted: matches!(
                kind,
                iluma::ErrorKind::Unknown(_) | iluma::ErrorKind::Unspecified
            ),
            status,
            charged,
        },
        None => panic!("not a typed vendor error: {error}"),
    }
}

async fn send(call: Call, kredibel: &kredibel::Client, iluma: &iluma::Client) -> Outcome {
    match call {
        Call::IssueCertificate => {
            let body: kredibel::types::CertificateIssuanceRequest =
                crate::support::example_request(kyc_sandbox::spec::kredibel(), "issue_certificate");
            kredibel
                .issue_certificate()
                .body(body)
                .send()
                .await
                .map(|r| Decoded::Certificate(r.into_inner()))
                .map_err(|e| kredibel_refusal(e.into()))
        }
        Call::VerifyBiometric => kredibel
            .verify_biometric()
            .body(
                kredibel::types::BiometricVerificationRequest::builder()
                    .identity_id("1234567890123456")
                    .face_image(synthetic_jpeg(640, 640, 150 * 1024)),
            )
            .send()
            .await
            .map(|r| Decoded::Biometric(r.into_inner()))
            .map_err(|e| kredibel_refusal(e.into())),
        Call::ScreenIndividual => iluma
            .screen_individual()
            .body(crate::support::individual_screening())
            .send()
            .await
            .map(|r| Decoded::Screening(r.into_inner()))
            .map_err(|e| iluma_refusal(e.into())),
        Call::GetIndividualScreening => iluma
            .get_individual_screening()
            .id("cftpi_05e27fc2-ac76-4307-9f46-36179abb7a6d")
            .send()
            .await
            .map(|r| Decoded::Screening(r.into_inner()))
            .map_err(|e| iluma_refusal(e.into())),
        Call::GetHealth => iluma
            .get_health()
            .send()
            .await
            .map(|r| Decoded::Health(r.into_inner()))
            .map_err(|e| iluma_refusal(e.into())),
        Call::GetCallbackToken => iluma
            .get_callback_authentication_token()
            .send()
            .await
            .map(|r| Decoded::Token(r.into_inner()))
            .map_err(|e| iluma_refusal(e.into())),
        Call::GetApiKeys => iluma
            .get_api_keys()
            .business_id("5abc")
            .token("123")
            .send()
            .await
            .map(|r| Decoded::Keys(r.into_inner()))
            .map_err(|e| iluma_refusal(e.into())),
        Call::VerifyIdCard => iluma
            .verify_id_card()
            .name("penito kristian")
            .id_card_number("3275031210930027")
            .selfie(synthetic_jpeg(640, 640, 150 * 1024))
            .send()
            .await
            .map(|r| Decoded::IdCard(r.into_inner()))
            .map_err(|e| iluma_refusal(e.into())),
    }
}

/// Strings of a body that are personal data or secrets: none may show in `Debug`.
const PERSONAL: &[&str] = &[
    "Eko Hadi Salim",
    "Salim",
    "+6281234567890",
    "eko@example.com",
    "Jalan Merdeka 17",
    "Bandung",
    "1943-03-11",
    "1943",
    "3275031210930027",
    "penito kristian",
    "3f1c2bd4a5e6470f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d",
    ILUMA_KEY,
    A_KEY,
    "327503******0027",
    "123456******3456",
    "ID-JK",
    "1943-03-11T00:00:00Z",
    "1990-10-12",
];

#[tokio::test]
async fn every_vendor_variation_decodes() {
    let server = CaptureServer::start().await;
    let (kredibel, iluma) = server.clients(KREDIBEL_KEY, ILUMA_KEY);
    let (drift, _guard) = crate::drift::capture();
    let mut failures = Vec::new();
    let table = variations();
    assert!(table.len() >= 13, "the issue's table has 13 variations");
    for variation in &table {
        match &variation.body {
            Value::String(text) => server.reply_text(variation.status, text),
            body => server.reply_with(variation.status, body.clone()),
        }
        let outcome = send(variation.call, &kredibel, &iluma).await;
        let events = drift.take();
        let mut reported: Vec<(String, String)> = events
            .iter()
            .map(|e| match e["difference"].as_str() {
                "unexpected value" => (format!("unexpected {}", e["rule"]), e["path"].clone()),
                difference => (difference.to_string(), e["path"].clone()),
            })
            .collect();
        reported.sort();
        let mut expected: Vec<(String, String)> = variation
            .drift
            .iter()
            .map(|(what, path)| (what.to_string(), path.to_string()))
            .collect();
        expected.sort();
        if reported != expected {
            failures.push(format!(
                "{}: drift events {reported:?}, expected {expected:?}",
                variation.name
            ));
        }
        let events_text = format!("{events:?}");
        for value in PERSONAL {
            if events_text.contains(value) {
                failures.push(format!(
                    "{}: a drift event shows a personal value of {} characters",
                    variation.name,
                    value.len()
                ));
            }
        }
        if let Err(panic) =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (variation.check)(&outcome)))
        {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failures.push(format!("{}: {message}", variation.name));
            continue;
        }
        if let (Ok(decoded), false) = (&outcome, variation.body.is_string()) {
            // Encoded back unchanged: open enums keep unlisted values, undocumented bodies
            // keep unknown fields. Documented bodies drop fields the spec does not know.
            let documented = matches!(
                decoded,
                Decoded::Certificate(_)
                    | Decoded::Biometric(_)
                    | Decoded::Screening(_)
                    | Decoded::IdCard(_)
            );
            let reencoded = decoded.to_json();
            let differences: Vec<String> = json_differences(&variation.body, &reencoded, "")
                .into_iter()
                .filter(|d| !(documented && d.contains("lost in the round trip")))
                .collect();
            if !differences.is_empty() {
                failures.push(format!(
                    "{}: not encoded back unchanged: {}",
                    variation.name,
                    differences.join("; ")
                ));
            }
            let debug = format!("{decoded:?}");
            for value in PERSONAL {
                if debug.contains(value) {
                    failures.push(format!(
                        "{}: Debug shows a personal value of {} characters",
                        variation.name,
                        value.len()
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn open_enums_round_trip_and_compare_by_value() {
    use iluma::types::Scope;
    let unlisted: Scope = serde_json::from_value(json!("ADVERSE_MEDIA")).unwrap();
    assert_eq!(unlisted, Scope::Unknown("ADVERSE_MEDIA".into()));
    assert_eq!(
        serde_json::to_value(&unlisted).unwrap(),
        json!("ADVERSE_MEDIA")
    );
    assert!(!unlisted.is_known());
    // A listed value built by hand as `Unknown` is the listed one.
    assert_eq!(Scope::Unknown("PEP".into()), Scope::Pep);
    assert_eq!("SANCTION".parse::<Scope>().unwrap(), Scope::Sanction);
    assert_eq!(Scope::Other.as_ref(), "OTHER");
    assert_eq!(Scope::VALUES, ["PEP", "SANCTION", "OTHER"]);
    // Only strings decode.
    assert!(serde_json::from_value::<Scope>(json!(3)).is_err());
}

/// Requests stay strict: an open enum can carry an unlisted value, and the client refuses to
/// send it (the request validator checks enums against the spec).
#[tokio::test]
async fn an_unlisted_value_is_never_sent() {
    let server = CaptureServer::start().await;
    let iluma =
        iluma::Client::with_api_key(Environment::Custom(server.base_url.clone()), ILUMA_KEY)
            .unwrap();
    let error = iluma
        .screen_individual()
        .body(
            crate::support::individual_screening()
                .scopes(vec![iluma::types::Scope::Unknown("ADVERSE_MEDIA".into())]),
        )
        .send()
        .await
        .map_err(iluma::Error::from)
        .expect_err("refused before sending");
    match error {
        iluma::Error::Invalid { field, reason } => {
            assert_eq!(field.as_deref(), Some("scopes[0]"), "{reason}");
            assert!(reason.contains("PEP"), "{reason}");
        }
        other => panic!("expected a refusal before sending, got {other}"),
    }
    assert!(
        server.requests.lock().unwrap().is_empty(),
        "nothing may be sent"
    );
}

/// Every value a spec marks `x-undocumented-values` is one of its enum's values, and the enum
/// is open (a guess the vendor may name otherwise).
#[test]
fn undocumented_values_are_listed_in_open_enums() {
    let mut seen = 0;
    for vendor in crate::support::vendors() {
        let document = serde_json::to_value(&vendor.spec).unwrap();
        for (name, schema) in document["components"]["schemas"].as_object().unwrap() {
            let Some(values) = schema.get("x-undocumented-values") else {
                continue;
            };
            assert!(
                kyc_spec::extensions::is_open_enum(schema),
                "{}: {name} has guessed values but is not open",
                vendor.file
            );
            for value in values.as_array().unwrap() {
                seen += 1;
                assert!(
                    schema["enum"].as_array().unwrap().contains(value),
                    "{}: {name}: {value} is not in the enum",
                    vendor.file
                );
            }
        }
    }
    assert!(seen >= 2);
}

/// "May have been billed" only where a charge is possible: an answer of a free operation
/// (`x-charged: false`: health, callback token, API keys) that does not decode says nothing of
/// billing; a screening's does.
#[tokio::test]
async fn only_a_paid_operation_may_have_been_billed() {
    let server = CaptureServer::start().await;
    let (_, iluma) = server.clients(KREDIBEL_KEY, ILUMA_KEY);
    for operation in [
        "get_health",
        "get_callback_authentication_token",
        "get_api_keys",
    ] {
        assert_eq!(
            iluma::spec().operation_charged(operation),
            Some(false),
            "{operation}"
        );
    }
    server.reply_with(200, json!({"status": {"up": true}}));
    let health = iluma.get_health().send().await.unwrap_err();
    let kyc_clients::Error::InvalidResponsePayload(decode) = &health else {
        panic!("{health:?}")
    };
    assert!(!decode.may_be_charged());
    assert!(!health.to_string().contains("billed"), "{health}");
    assert!(!iluma::Error::from(health).is_charged());

    server.reply_with(200, json!({"id": {"not": "an id"}}));
    let screening = iluma
        .screen_individual()
        .body(crate::support::individual_screening())
        .send()
        .await
        .unwrap_err();
    assert!(
        screening
            .to_string()
            .ends_with("the call may have been billed"),
        "{screening}"
    );
    assert!(iluma::Error::from(screening).is_charged());
}
