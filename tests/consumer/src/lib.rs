//! The README's "Using the crate" example, compiled and tested: a certificate issuance with
//! Kredibel and a PEP screening with Iluma, through the generated clients. The tests in
//! `tests/` run it against the offline sandbox, the way another project's tests would.

use kyc_clients::{Environment, iluma, kredibel};

/// Where each vendor's client sends its requests.
#[derive(Debug, Clone)]
pub struct Endpoints {
    /// Kredibel's environment.
    pub kredibel: Environment,
    /// Iluma's environment.
    pub iluma: Environment,
}

/// What [`check`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The certificate's status, as Kredibel writes it (`verified`, `not_verified`, ...).
    pub certificate: String,
    /// How many watchlist profiles the screening matched.
    pub possible_matches: usize,
}

/// Issues a certificate for the documented sandbox NIK and screens a documented PEP.
/// `selfie_jpeg` and `ktp_jpeg` are the image files' bytes; the keys come from the caller
/// (in production: `std::env::var("KREDIBEL_KEY")`), never from code.
pub async fn check(
    endpoints: Endpoints,
    kredibel_key: String,
    iluma_key: String,
    selfie_jpeg: Vec<u8>,
    ktp_jpeg: Vec<u8>,
) -> Result<Outcome, Box<dyn std::error::Error>> {
    let kredibel = kredibel::Client::with_api_key(endpoints.kredibel, kredibel_key)?;
    let issued = kredibel
        .issue_certificate()
        .body(
            kredibel::types::CertificateIssuanceRequest::builder()
                .identity_id("1234567890123456")
                .full_name("ASEP SUPRIYADI")
                .birth_date("1990-07-06".parse::<chrono::NaiveDate>()?)
                .email_address("test@email.com")
                .phone_number("621234567890")
                .face_image(selfie_jpeg)
                .identity_image(ktp_jpeg),
        )
        .send()
        .await?;

    let iluma = iluma::Client::with_api_key(endpoints.iluma, iluma_key)?;
    let screening = iluma
        .screen_individual()
        .body(
            iluma::types::IndividualScreeningRequest::builder()
                .user_id("user-42")
                .given_names("Eko Hadi Salim")
                .nationality("ID")
                .scopes(vec![iluma::types::Scope::Pep]),
        )
        .send()
        .await?;

    Ok(Outcome {
        certificate: issued.data.status.to_string(),
        possible_matches: screening.results.len(),
    })
}
