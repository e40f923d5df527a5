//! Iluma callbacks received with `kyc_clients::iluma::callbacks`, from the sandbox's real
//! deliveries: the sandbox `POST`s each result to the URL registered for its product with
//! `X-CALLBACK-TOKEN`, and retries (3 tries in all here) when the receiver does not answer 2XX.
//! Both sides read the callbacks the spec declares: the receiver decodes each delivery into
//! the generated payload type its declaration names.
//!
//! With the `axum` feature the receiver is the library's [`callbacks::router`]; without it, a
//! few lines of axum around [`CallbackVerifier`] doing the same (401 for a token problem, 400
//! for a body problem, 200 after handing the callback on), so every sandbox test runs either
//! way.

use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue};
use kyc_clients::Environment;
use kyc_clients::iluma::callbacks::{
    self, CallbackError, CallbackKind, CallbackVerifier, IlumaCallback,
};
use kyc_clients::iluma::{self, types};
use kyc_sandbox::{RetryPolicy, Sandbox, SandboxConfig};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

const KEY: &str = "iluma_development_callbacks";
const WAIT: Duration = Duration::from_secs(10);

/// The declared callback of this name; panics naming it when the spec declares none.
fn kind(name: &str) -> CallbackKind {
    CallbackKind::named(name).unwrap_or_else(|| panic!("the spec declares no callback `{name}`"))
}

/// A sandbox that retries failed deliveries quickly, and an Iluma client for it.
async fn sandbox() -> (Sandbox, iluma::Client) {
    let config = SandboxConfig::default().with_callback_retry(RetryPolicy {
        attempts: 3,
        initial_backoff: Duration::from_millis(20),
        timeout: Duration::from_secs(2),
    });
    let sandbox = Sandbox::start_with(config).await.unwrap();
    let client =
        iluma::Client::with_api_key(Environment::Custom(sandbox.iluma_url()), KEY).unwrap();
    (sandbox, client)
}

/// A verifier holding the token the sandbox hands out, fetched as a user would.
async fn verifier_for(client: &iluma::Client) -> CallbackVerifier {
    let token = client
        .get_callback_authentication_token()
        .send()
        .await
        .unwrap()
        .into_inner()
        .find_token()
        .expect("the sandbox answers with a token");
    CallbackVerifier::new(token).unwrap()
}

/// The receiver on 127.0.0.1:0: its base URL, and the callbacks its handler was given.
async fn receiver(verifier: CallbackVerifier) -> (String, mpsc::UnboundedReceiver<IlumaCallback>) {
    let (sender, received) = mpsc::unbounded_channel();
    let router = receiver_router(verifier, sender);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (base, received)
}

#[cfg(feature = "axum")]
fn receiver_router(
    verifier: CallbackVerifier,
    sender: mpsc::UnboundedSender<IlumaCallback>,
) -> axum::Router {
    callbacks::router(verifier, move |callback: IlumaCallback| {
        let sender = sender.clone();
        async move {
            let _ = sender.send(callback);
        }
    })
}

#[cfg(not(feature = "axum"))]
fn receiver_router(
    verifier: CallbackVerifier,
    sender: mpsc::UnboundedSender<IlumaCallback>,
) -> axum::Router {
    use std::sync::Arc;

    use axum::body::Bytes;
    use axum::http::StatusCode;
    use axum::routing::post;

    let shared = Arc::new((verifier, sender));
    let route = |kind: Option<CallbackKind>| {
        let shared = Arc::clone(&shared);
        post(move |headers: HeaderMap, body: Bytes| {
            let shared = Arc::clone(&shared);
            async move {
                let (verifier, sender) = &*shared;
                let parsed = match kind {
                    Some(kind) => verifier.parse_as(kind, &headers, &body),
                    None => verifier.parse(&headers, &body),
                };
                match parsed {
                    Ok(callback) => {
                        let _ = sender.send(callback);
                        StatusCode::OK
                    }
                    Err(error) if error.is_unauthorized() => StatusCode::UNAUTHORIZED,
                    Err(_) => StatusCode::BAD_REQUEST,
                }
            }
        })
    };
    let mut router = axum::Router::new().route("/", route(None));
    for kind in CallbackKind::all() {
        router = router.route(&format!("/{}", kind.name()), route(Some(kind)));
    }
    router
}

async fn next(received: &mut mpsc::UnboundedReceiver<IlumaCallback>) -> IlumaCallback {
    tokio::time::timeout(WAIT, received.recv())
        .await
        .expect("a callback within the wait")
        .expect("the receiver is running")
}

fn as_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap()
}

fn individual_request() -> types::builder::IndividualScreeningRequest {
    crate::support::individual_screening()
        .user_id("user-42")
        .given_names("Eko Hadi Salim")
        .nationality("ID")
        .scopes(vec![types::Scope::Pep])
}

#[tokio::test]
async fn individual_screening_callback_on_its_product_path() {
    let (sandbox, client) = sandbox().await;
    let (base, mut received) = receiver(verifier_for(&client).await).await;
    sandbox
        .app()
        .set_callback_url(
            "individual_cft_peps",
            &format!("{base}/individual_cft_peps"),
        )
        .unwrap();

    let screening = client
        .screen_individual()
        .body(individual_request())
        .send()
        .await
        .unwrap()
        .into_inner();

    let callback = next(&mut received).await;
    assert_eq!(callback.kind(), kind("individual_cft_peps"));
    assert_eq!(callback.id(), screening.id.to_string());
    let IlumaCallback::IndividualScreening(delivered) = callback else {
        unreachable!("the kind was checked")
    };
    // The callback carries the same resource the API answered.
    assert_eq!(as_json(&delivered), as_json(&screening));
    let deliveries = sandbox.callbacks().wait_for(1, WAIT).await;
    assert_eq!(deliveries.len(), 1);
    assert!(deliveries[0].delivered);
    assert_eq!(deliveries[0].attempts, 1);
    assert_eq!(deliveries[0].last_status, Some(200));
}

#[tokio::test]
async fn entity_screening_and_ktp_callbacks_on_one_url_are_told_apart() {
    let (sandbox, client) = sandbox().await;
    let (base, mut received) = receiver(verifier_for(&client).await).await;
    for kind in CallbackKind::all() {
        sandbox
            .app()
            .set_callback_url(kind.name(), &format!("{base}/"))
            .unwrap();
    }

    let entity = client
        .screen_entity()
        .body(
            types::builder::EntityScreeningRequest::from(crate::support::example_request::<
                types::EntityScreeningRequest,
            >(
                kyc_sandbox::spec::iluma(),
                "screen_entity",
            ))
            .user_id("company-7")
            .name("intel")
            .business_domicile("US")
            .scopes(vec![types::Scope::Pep, types::Scope::Sanction]),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    let callback = next(&mut received).await;
    assert_eq!(callback.kind(), kind("entity_cft_peps"));
    let IlumaCallback::EntityScreening(delivered) = callback else {
        unreachable!("the kind was checked")
    };
    assert_eq!(as_json(&delivered), as_json(&entity));

    let individual = client
        .screen_individual()
        .body(individual_request())
        .send()
        .await
        .unwrap()
        .into_inner();
    let callback = next(&mut received).await;
    assert_eq!(callback.kind(), kind("individual_cft_peps"));
    assert_eq!(callback.id(), individual.id.to_string());

    let verification = client
        .verify_id_card()
        .name("penito kristian")
        .id_card_number("3275031210930027")
        .birthdate("12-10-1991")
        .birthplace("Ketapang")
        .address("Alinda kencana blok E")
        .selfie(kyc_sandbox::samples::Image::jpeg(600, 600).bytes(150 * 1024))
        .send()
        .await
        .unwrap()
        .into_inner();
    let callback = next(&mut received).await;
    assert_eq!(callback.kind(), kind("id_card_verifications"));
    let IlumaCallback::IdCardVerification(delivered) = callback else {
        unreachable!("the kind was checked")
    };
    assert_eq!(delivered.is_found, Some(true));
    assert_eq!(as_json(&delivered), as_json(&verification));

    let deliveries = sandbox.callbacks().wait_for(3, WAIT).await;
    assert!(deliveries.iter().all(|d| d.delivered && d.attempts == 1));
}

#[tokio::test]
async fn a_wrong_token_gets_401_and_the_sandbox_retries() {
    let (sandbox, client) = sandbox().await;
    // The receiver expects another token than the one the sandbox sends.
    let (base, mut received) =
        receiver(CallbackVerifier::new("not-the-sandbox-token").unwrap()).await;
    sandbox
        .app()
        .set_callback_url(
            "individual_cft_peps",
            &format!("{base}/individual_cft_peps"),
        )
        .unwrap();

    client
        .screen_individual()
        .body(individual_request())
        .send()
        .await
        .unwrap();

    let deliveries = sandbox.callbacks().wait_for(1, WAIT).await;
    assert_eq!(deliveries.len(), 1);
    // Three tries (the configured policy), each refused with 401, none delivered.
    assert_eq!(deliveries[0].attempts, 3);
    assert!(!deliveries[0].delivered);
    assert_eq!(deliveries[0].last_status, Some(401));
    // The handler never saw it.
    assert!(received.try_recv().is_err());
}

/// Sends one raw HTTP/1.1 `POST` and returns the status and body of the answer.
async fn post(base: &str, path: &str, token: Option<&str>, body: &str) -> (u16, String) {
    let address = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).await.unwrap();
    let token = token
        .map(|t| format!("{}: {t}\r\n", callbacks::token_header()))
        .unwrap_or_default();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n{token}Connection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    let status = answer[9..12].parse().unwrap();
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn individual_payload() -> Value {
    json!({
        "id": "cftpi_8a1b4c9e-3f2d-4e6a-9b7c-1d2e3f4a5b6c",
        "created": "2022-02-10T18:55:02.061Z",
        "updated": "2022-02-10T18:55:02.061Z",
        "reference_id": null,
        "user_id": "foo123",
        "given_names": "Eko Hadi Salim",
        "surname": null,
        "nationality": "ID",
        "addresses": [],
        "date_of_birth": null,
        "phone_number": null,
        "email": null,
        "gender": null,
        "scopes": ["PEP"],
        "score_threshold": 90,
        "status": "COMPLETED",
        "results": []
    })
}

fn entity_payload() -> Value {
    json!({
        "id": "cftpi_0f1e2d3c-4b5a-4968-8776-655443322110",
        "created": "2022-02-10T18:55:02.061Z",
        "updated": "2022-02-10T18:55:02.061Z",
        "reference_id": null,
        "user_id": "company-7",
        "name": "intel",
        "business_domicile": null,
        "addresses": null,
        "scopes": ["PEP"],
        "score_threshold": 85,
        "status": "COMPLETED",
        "results": []
    })
}

fn ktp_payload() -> Value {
    json!({
        "id": "idvr_5f6e7d8c-9b0a-4c1d-8e2f-3a4b5c6d7e8f",
        "created": "2022-02-10T18:55:02.061Z",
        "updated": "2022-02-10T18:55:02.061Z",
        "id_card_number": "3275031210930027",
        "name": "penito kristian",
        "status": "COMPLETED",
        "is_found": false
    })
}

#[tokio::test]
async fn the_receiver_answers_401_400_and_200() {
    let token = "a-callback-token-of-48-characters-0123456789abcd";
    let (base, mut received) = receiver(CallbackVerifier::new(token).unwrap()).await;
    let body = individual_payload().to_string();
    let path = "/individual_cft_peps";

    let (status, message) = post(&base, path, None, &body).await;
    assert_eq!(status, 401);
    let (status, _) = post(
        &base,
        path,
        Some("a-callback-token-of-48-characters-0123456789abcX"),
        &body,
    )
    .await;
    assert_eq!(status, 401);
    let (status, _) = post(&base, path, Some("short"), &body).await;
    assert_eq!(status, 401);
    let (status, bad_body) = post(&base, path, Some(token), "{\"id\": \"cftpi_1\", ").await;
    assert_eq!(status, 400);
    // An entity body on the individual path does not fit.
    let (status, _) = post(&base, path, Some(token), &entity_payload().to_string()).await;
    assert_eq!(status, 400);
    let (status, _) = post(&base, "/", Some(token), &json!({"id": "x_1"}).to_string()).await;
    assert_eq!(status, 400);
    assert!(
        received.try_recv().is_err(),
        "no refused callback reaches the handler"
    );

    let (status, _) = post(&base, path, Some(token), &body).await;
    assert_eq!(status, 200);
    assert_eq!(
        next(&mut received).await.kind(),
        kind("individual_cft_peps")
    );
    let (status, _) = post(&base, "/", Some(token), &ktp_payload().to_string()).await;
    assert_eq!(status, 200);
    assert_eq!(
        next(&mut received).await.kind(),
        kind("id_card_verifications")
    );

    // With the library router the answers carry the (harmless) message; never the token.
    for text in [message, bad_body] {
        assert!(!text.contains(token) && !text.contains("cftpi_1"), "{text}");
    }
}

fn headers_with(tokens: &[&str]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for token in tokens {
        headers.append(
            callbacks::token_header(),
            HeaderValue::from_str(token).unwrap(),
        );
    }
    headers
}

#[test]
fn verify_checks_presence_count_and_value() {
    let verifier = CallbackVerifier::new("s3cr3t-token").unwrap();
    assert_eq!(verifier.verify(&headers_with(&["s3cr3t-token"])), Ok(()));
    // Header names are case-insensitive; Iluma writes it in capitals.
    let mut capitals = HeaderMap::new();
    capitals.insert("X-CALLBACK-TOKEN", HeaderValue::from_static("s3cr3t-token"));
    assert_eq!(verifier.verify(&capitals), Ok(()));
    assert_eq!(
        verifier.verify(&HeaderMap::new()),
        Err(CallbackError::MissingToken)
    );
    for wrong in [
        "s3cr3t-tokeN",
        "s3cr3t-toke",
        "s3cr3t-token ",
        "",
        "s3cr3t-tokens3cr3t-token",
    ] {
        assert_eq!(
            verifier.verify(&headers_with(&[wrong])),
            Err(CallbackError::WrongToken),
            "{wrong:?}"
        );
    }
    assert_eq!(
        verifier.verify(&headers_with(&["s3cr3t-token", "s3cr3t-token"])),
        Err(CallbackError::DuplicateToken)
    );
    assert_eq!(
        CallbackVerifier::new("").unwrap_err(),
        CallbackError::EmptyExpectedToken
    );
}

#[test]
fn parse_tells_the_kinds_apart() {
    let verifier = CallbackVerifier::new("t").unwrap();
    let headers = headers_with(&["t"]);
    for (payload, kind) in [
        (individual_payload(), kind("individual_cft_peps")),
        (entity_payload(), kind("entity_cft_peps")),
        (ktp_payload(), kind("id_card_verifications")),
    ] {
        let body = payload.to_string();
        assert_eq!(callbacks::detect_kind(body.as_bytes()), Ok(kind));
        let parsed = verifier.parse(&headers, body.as_bytes()).unwrap();
        assert_eq!(parsed.kind(), kind);
        assert_eq!(parsed.id(), payload["id"].as_str().unwrap());
        assert_eq!(
            verifier
                .parse_as(kind, &headers, body.as_bytes())
                .unwrap()
                .id(),
            parsed.id()
        );
    }
    // An entity screening whose body names it `business_name` (the response table's name).
    let mut business_name = entity_payload();
    business_name.as_object_mut().unwrap().remove("name");
    business_name["business_name"] = json!("intel");
    assert_eq!(
        callbacks::detect_kind(business_name.to_string().as_bytes()),
        Ok(kind("entity_cft_peps"))
    );
}

#[test]
fn parse_errors_say_what_without_the_payload_or_token() {
    let token = "tok-3275031210930027";
    let verifier = CallbackVerifier::new(token).unwrap();
    let headers = headers_with(&[token]);

    // The token is checked before the body is read.
    assert_eq!(
        verifier.parse(&HeaderMap::new(), b"not json").unwrap_err(),
        CallbackError::MissingToken
    );
    let not_json = verifier.parse(&headers, b"{\"id\": \"cftpi_1\", \"given_names\": \"Eko");
    assert!(matches!(
        not_json.as_ref().unwrap_err(),
        CallbackError::NotJson { line: 1, .. }
    ));
    let unknown = verifier.parse(&headers, br#"{"id": "ktp_123", "name": "Eko"}"#);
    assert_eq!(unknown.as_ref().unwrap_err(), &CallbackError::UnknownKind);

    let mut wrong_type = individual_payload();
    wrong_type["score_threshold"] = json!("Eko Hadi Salim");
    let mismatch = verifier
        .parse_as(
            kind("individual_cft_peps"),
            &headers,
            wrong_type.to_string().as_bytes(),
        )
        .unwrap_err();
    assert!(matches!(
        mismatch,
        CallbackError::Mismatch { kind, line: 1, .. } if kind.name() == "individual_cft_peps"
    ));
    let entity_as_ktp = verifier
        .parse_as(
            kind("id_card_verifications"),
            &headers,
            entity_payload().to_string().as_bytes(),
        )
        .unwrap_err();
    assert!(matches!(entity_as_ktp, CallbackError::Mismatch { .. }));

    for error in [
        not_json.unwrap_err(),
        unknown.unwrap_err(),
        mismatch,
        entity_as_ktp,
        CallbackError::WrongToken,
    ] {
        let message = error.to_string();
        for secret in [token, "Eko", "3275031210930027", "ktp_123", "intel"] {
            assert!(!message.contains(secret), "{message}");
        }
    }
    assert!(mismatch.to_string().starts_with(
        "the callback body is not IndividualScreening (the `individual_cft_peps` payload): a field is missing or of the wrong type (line 1, column "
    ));
}

#[test]
fn debug_shows_neither_token_nor_personal_data() {
    let verifier = CallbackVerifier::new("super-secret-token").unwrap();
    assert_eq!(
        format!("{verifier:?}"),
        "CallbackVerifier { token: Secret([redacted]) }"
    );
    let headers = headers_with(&["super-secret-token"]);
    let callback = verifier
        .parse(&headers, ktp_payload().to_string().as_bytes())
        .unwrap();
    let debug = format!("{callback:?}");
    assert_eq!(
        debug,
        "IlumaCallback { kind: CallbackKind(\"id_card_verifications\"), id: \"idvr_5f6e7d8c-9b0a-4c1d-8e2f-3a4b5c6d7e8f\", status: \"COMPLETED\", .. }"
    );
}

#[test]
fn the_kinds_are_the_spec_callbacks() {
    let spec = iluma::spec();
    let declared: Vec<(String, String, String, String)> = spec
        .operations()
        .iter()
        .flat_map(|op| {
            op.callbacks.iter().map(|c| {
                (
                    c.name.clone(),
                    op.id.clone(),
                    c.expression.clone(),
                    c.payload_schema.clone().unwrap_or_default(),
                )
            })
        })
        .collect();
    let kinds: Vec<(String, String, String, String)> = CallbackKind::all()
        .map(|k| {
            (
                k.name().to_string(),
                k.operation_id().to_string(),
                k.expression().to_string(),
                k.payload_schema().to_string(),
            )
        })
        .collect();
    assert_eq!(kinds, declared);
    assert_eq!(
        kind("entity_cft_peps"),
        CallbackKind::of_operation("screen_entity").unwrap()
    );
    assert_eq!(callbacks::token_header(), "X-CALLBACK-TOKEN");
    assert!(CallbackKind::named("nothing").is_none());
}

#[test]
fn detection_reads_the_required_non_null_fields_of_each_payload() {
    // An entity screening without its nullable fields (`business_domicile`, `addresses`) and
    // without `name` (optional: the table calls it `business_name`) is still one.
    let mut bare = entity_payload();
    for field in ["name", "business_domicile", "addresses"] {
        bare.as_object_mut().unwrap().remove(field);
    }
    assert_eq!(
        callbacks::detect_kind(bare.to_string().as_bytes()),
        Ok(kind("entity_cft_peps"))
    );
    // An individual screening has every field an entity one requires, and `given_names`: the
    // more specific payload wins.
    assert_eq!(
        callbacks::detect_kind(individual_payload().to_string().as_bytes()),
        Ok(kind("individual_cft_peps"))
    );
    // A required field present but `null` does not count.
    let mut null_names = individual_payload();
    null_names["given_names"] = Value::Null;
    assert_eq!(
        callbacks::detect_kind(null_names.to_string().as_bytes()),
        Ok(kind("entity_cft_peps"))
    );
    // Not an object at all.
    assert!(matches!(
        callbacks::detect_kind(b"[1, 2]"),
        Err(CallbackError::NotJson { .. })
    ));
}
