//! The README example's two calls (a Kredibel certificate issuance and an Iluma PEP screening)
//! written by hand on reqwest, serde and the other runtime crates `kyc-clients` uses: the
//! baseline `benches/consumer_build.sh` compares a consumer of `kyc-clients` against.

use std::sync::Once;
use std::time::Duration;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use tracing::Instrument as _;

/// What went wrong in a call.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request could not be sent or the answer could not be read.
    #[error("transport: {0}")]
    Transport(#[from] reqwest::Error),
    /// The vendor answered with an error status.
    #[error("{vendor} answered {status}")]
    Status {
        /// Which vendor.
        vendor: &'static str,
        /// The HTTP status.
        status: u16,
        /// The error body, if it was JSON.
        body: Option<serde_json::Value>,
    },
}

/// Kredibel's certificate issuance request.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateIssuanceRequest {
    /// The NIK.
    pub identity_id: String,
    /// The name on the KTP.
    pub full_name: String,
    /// The birth date on the KTP.
    pub birth_date: chrono::NaiveDate,
    /// The holder's email address.
    pub email_address: String,
    /// The holder's phone number.
    pub phone_number: String,
    /// The selfie, base64.
    pub face_image: String,
    /// The KTP photo, base64.
    pub identity_image: String,
}

/// A certificate's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateStatus {
    /// Every check passed.
    Verified,
    /// A check failed; see the reject fields.
    NotVerified,
}

/// Kredibel's certificate issuance answer.
#[derive(Debug, Deserialize)]
pub struct CertificateIssuanceResponse {
    /// The result.
    pub data: CertificateData,
}

/// The certificate.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateData {
    /// The status.
    pub status: CertificateStatus,
    /// The fields that did not match.
    #[serde(default)]
    pub reject_fields: Vec<String>,
}

/// Iluma's screening scopes.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Scope {
    /// Politically exposed persons.
    Pep,
    /// Counter-terrorism financing lists.
    Cft,
}

/// Iluma's individual screening request.
#[derive(Debug, Serialize)]
pub struct IndividualScreeningRequest {
    /// The caller's id for the person.
    pub user_id: String,
    /// The person's given names.
    pub given_names: String,
    /// ISO 3166 alpha-2 nationality.
    pub nationality: String,
    /// What to screen against.
    pub scopes: Vec<Scope>,
}

/// Iluma's individual screening answer.
#[derive(Debug, Deserialize)]
pub struct IndividualScreening {
    /// The screening's id.
    pub id: String,
    /// The profiles matched.
    #[serde(default)]
    pub results: Vec<serde_json::Value>,
    /// When Iluma created it.
    pub created: Option<chrono::DateTime<chrono::Utc>>,
}

/// A client for both vendors.
#[derive(Debug, Clone)]
pub struct Clients {
    http: reqwest::Client,
    kredibel_url: String,
    kredibel_key: String,
    iluma_url: String,
    iluma_key: String,
}

impl Clients {
    /// Clients for the given base URLs and keys.
    pub fn new(
        kredibel_url: &str,
        kredibel_key: String,
        iluma_url: &str,
        iluma_key: String,
    ) -> Result<Self, Error> {
        static PROVIDER: Once = Once::new();
        PROVIDER.call_once(|| {
            let _ = rustls::crypto::ring::default_provider().install_default();
        });
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()?;
        Ok(Self {
            http,
            kredibel_url: kredibel_url.trim_end_matches('/').to_owned(),
            kredibel_key,
            iluma_url: iluma_url.trim_end_matches('/').to_owned(),
            iluma_key,
        })
    }

    /// Issues a certificate.
    pub async fn issue_certificate(
        &self,
        body: &CertificateIssuanceRequest,
    ) -> Result<CertificateIssuanceResponse, Error> {
        let request = self
            .http
            .post(format!("{}/v1/certificate/issuance", self.kredibel_url))
            .bearer_auth(&self.kredibel_key)
            .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
            .json(body);
        send("kredibel", request)
            .instrument(tracing::info_span!(
                "kyc",
                vendor = "kredibel",
                operation = "issue_certificate"
            ))
            .await
    }

    /// Screens one person.
    pub async fn screen_individual(
        &self,
        body: &IndividualScreeningRequest,
    ) -> Result<IndividualScreening, Error> {
        let request = self
            .http
            .post(format!(
                "{}/v0/identity/individual_cft_peps",
                self.iluma_url
            ))
            .basic_auth(&self.iluma_key, Some(""))
            .json(body);
        send("iluma", request)
            .instrument(tracing::info_span!(
                "kyc",
                vendor = "iluma",
                operation = "screen_individual"
            ))
            .await
    }
}

async fn send<T: serde::de::DeserializeOwned>(
    vendor: &'static str,
    request: reqwest::RequestBuilder,
) -> Result<T, Error> {
    let response = request.send().await?;
    let status = response.status();
    tracing::debug!(status = status.as_u16(), "answered");
    if status.is_success() {
        Ok(response.json().await?)
    } else {
        let body = response.json().await.ok();
        Err(Error::Status {
            vendor,
            status: status.as_u16(),
            body,
        })
    }
}

/// The README example: issues a certificate and screens a PEP; returns the certificate's
/// status and how many profiles matched.
pub async fn check(
    clients: &Clients,
    selfie_jpeg: &[u8],
    ktp_jpeg: &[u8],
) -> Result<(CertificateStatus, usize), Box<dyn std::error::Error>> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let issued = clients
        .issue_certificate(&CertificateIssuanceRequest {
            identity_id: "1234567890123456".into(),
            full_name: "ASEP SUPRIYADI".into(),
            birth_date: "1990-07-06".parse()?,
            email_address: "test@email.com".into(),
            phone_number: "621234567890".into(),
            face_image: b64.encode(selfie_jpeg),
            identity_image: b64.encode(ktp_jpeg),
        })
        .await?;
    let screening = clients
        .screen_individual(&IndividualScreeningRequest {
            user_id: "user-42".into(),
            given_names: "Eko Hadi Salim".into(),
            nationality: "ID".into(),
            scopes: vec![Scope::Pep],
        })
        .await?;
    Ok((issued.data.status, screening.results.len()))
}
