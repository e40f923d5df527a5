//! `POST /v0/identity/id_card_verifications`, written by hand.
//!
//! The spec keeps this operation (`verify_id_card`) as the contract, but its body is
//! `multipart/form-data`, which progenitor cannot generate. This builder follows the generated
//! ones: it takes the generated, validated types (`Nik`, `KtpDate`, the 2–100 character name),
//! goes through the same `ClientHooks` (so auth and anything else the hooks do apply), and
//! returns the generated response and error types.

use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo, ResponseValue};
use reqwest::multipart::{Form, Part};

use super::{Client, types};

/// The operation id, as in the spec.
const OPERATION_ID: &str = "verify_id_card";

/// A selfie for KTP verification: the file's bytes and the format read from them. `Debug`
/// shows the format and size, never the image.
#[derive(Clone)]
pub struct Selfie {
    bytes: Bytes,
    format: SelfieFormat,
}

/// The image formats Iluma accepts for a selfie (spec: `x-image-formats: [jpeg, png]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelfieFormat {
    /// `image/jpeg`
    Jpeg,
    /// `image/png`
    Png,
}

impl SelfieFormat {
    /// The MIME type sent as the part's `Content-Type`.
    pub fn mime_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
        }
    }

    fn file_name(self) -> &'static str {
        match self {
            Self::Jpeg => "selfie.jpg",
            Self::Png => "selfie.png",
        }
    }

    /// Reads the format from the file's first bytes (its magic number), not from a name.
    fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else {
            None
        }
    }
}

impl Selfie {
    /// Wraps the bytes of a JPEG or PNG file. The bytes are shared, not copied.
    pub fn new(bytes: impl Into<Bytes>) -> Result<Self, String> {
        let bytes = bytes.into();
        let format = SelfieFormat::sniff(&bytes).ok_or_else(|| {
            format!(
                "selfie: the {} bytes given are neither a JPEG nor a PNG image (Iluma accepts only those)",
                bytes.len()
            )
        })?;
        Ok(Self { bytes, format })
    }

    /// The format read from the bytes.
    pub fn format(&self) -> SelfieFormat {
        self.format
    }

    /// The size in bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// True for an empty file (which [`Selfie::new`] refuses, so never).
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

impl std::fmt::Debug for Selfie {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Selfie({:?}, {} bytes)", self.format, self.bytes.len())
    }
}

impl Client {
    /// Verifies a KTP: the NIK, optional card data and a selfie, against Dukcapil.
    ///
    /// Sends a `multipart/form-data` `POST` to `/v0/identity/id_card_verifications`. Written
    /// by hand (see the module docs); it behaves like the generated methods.
    ///
    /// ```no_run
    /// # async fn run(client: kyc_clients::iluma::Client, selfie_jpeg: Vec<u8>) -> Result<(), Box<dyn std::error::Error>> {
    /// let verification = client
    ///     .verify_id_card()
    ///     .name("penito kristian")
    ///     .id_card_number("3275031210930027")
    ///     .birthdate("12-10-1991")
    ///     .selfie(selfie_jpeg)
    ///     .send()
    ///     .await?;
    /// println!("found: {:?}", verification.is_found);
    /// # Ok(())
    /// # }
    /// ```
    pub fn verify_id_card(&self) -> VerifyIdCard<'_> {
        VerifyIdCard::new(self)
    }
}

/// Builder for [`Client::verify_id_card`]. Each setter validates with the generated type; the
/// first error is returned by [`VerifyIdCard::send`] as `Error::InvalidRequest`, before
/// anything is sent.
#[derive(Debug, Clone)]
pub struct VerifyIdCard<'a> {
    client: &'a Client,
    x_magic_reply: Result<Option<types::MagicReply>, String>,
    name: Result<Option<types::IdCardVerificationRequestName>, String>,
    id_card_number: Result<Option<crate::Nik>, String>,
    birthdate: Result<Option<types::KtpDate>, String>,
    birthplace: Option<String>,
    address: Option<String>,
    selfie: Result<Option<Selfie>, String>,
}

impl<'a> VerifyIdCard<'a> {
    /// An empty request on `client`.
    pub fn new(client: &'a Client) -> Self {
        Self {
            client,
            x_magic_reply: Ok(None),
            name: Ok(None),
            id_card_number: Ok(None),
            birthdate: Ok(None),
            birthplace: None,
            address: None,
            selfie: Ok(None),
        }
    }

    /// Sandbox only: the simulated outcome (see [`types::MagicReply`]).
    pub fn x_magic_reply<V>(mut self, value: V) -> Self
    where
        V: TryInto<types::MagicReply>,
    {
        self.x_magic_reply = value
            .try_into()
            .map(Some)
            .map_err(|_| "x_magic_reply: not one of the documented MagicReply values".to_string());
        self
    }

    /// Name as on the KTP, 2 to 100 characters (required).
    pub fn name<V>(mut self, value: V) -> Self
    where
        V: TryInto<types::IdCardVerificationRequestName>,
        V::Error: std::fmt::Display,
    {
        self.name = value.try_into().map(Some).map_err(|e| format!("name: {e}"));
        self
    }

    /// The 16-digit NIK (required).
    pub fn id_card_number<V>(mut self, value: V) -> Self
    where
        V: TryInto<crate::Nik>,
        V::Error: std::fmt::Display,
    {
        self.id_card_number = value
            .try_into()
            .map(Some)
            .map_err(|e| format!("id_card_number: {e}"));
        self
    }

    /// Birth date as on the KTP, `DD-MM-YYYY` (optional).
    pub fn birthdate<V>(mut self, value: V) -> Self
    where
        V: TryInto<types::KtpDate>,
        V::Error: std::fmt::Display,
    {
        self.birthdate = value
            .try_into()
            .map(Some)
            .map_err(|e| format!("birthdate: {e}"));
        self
    }

    /// Birth place as on the KTP (optional).
    pub fn birthplace(mut self, value: impl Into<String>) -> Self {
        self.birthplace = Some(value.into());
        self
    }

    /// Address as on the KTP (optional).
    pub fn address(mut self, value: impl Into<String>) -> Self {
        self.address = Some(value.into());
        self
    }

    /// The selfie file's bytes, JPEG or PNG (required). The format is read from the bytes.
    pub fn selfie(mut self, bytes: impl Into<Bytes>) -> Self {
        self.selfie = Selfie::new(bytes).map(Some);
        self
    }

    /// Builds the multipart form; part names are the spec's `IdCardVerificationRequest`
    /// properties.
    fn form(
        name: types::IdCardVerificationRequestName,
        id_card_number: crate::Nik,
        birthdate: Option<types::KtpDate>,
        birthplace: Option<String>,
        address: Option<String>,
        selfie: Selfie,
    ) -> Result<Form, String> {
        let mut form = Form::new()
            .text("name", String::from(name))
            .text("id_card_number", String::from(id_card_number));
        if let Some(birthdate) = birthdate {
            form = form.text("birthdate", String::from(birthdate));
        }
        if let Some(birthplace) = birthplace {
            form = form.text("birthplace", birthplace);
        }
        if let Some(address) = address {
            form = form.text("address", address);
        }
        let length = selfie.len() as u64;
        let part = Part::stream_with_length(reqwest::Body::from(selfie.bytes), length)
            .file_name(selfie.format.file_name())
            .mime_str(selfie.format.mime_type())
            .map_err(|e| format!("selfie: {e}"))?;
        Ok(form.part("selfie", part))
    }

    /// Sends the request.
    pub async fn send(
        self,
    ) -> Result<ResponseValue<types::IdCardVerification>, Error<types::IlumaError>> {
        let Self {
            client,
            x_magic_reply,
            name,
            id_card_number,
            birthdate,
            birthplace,
            address,
            selfie,
        } = self;
        let x_magic_reply = x_magic_reply.map_err(Error::InvalidRequest)?;
        let name = required(name, "name")?;
        let id_card_number = required(id_card_number, "id_card_number")?;
        let birthdate = birthdate.map_err(Error::InvalidRequest)?;
        let selfie = required(selfie, "selfie")?;
        let form = Self::form(name, id_card_number, birthdate, birthplace, address, selfie)
            .map_err(Error::InvalidRequest)?;

        let url = format!("{}/v0/identity/id_card_verifications", client.baseurl());
        let mut builder = client
            .client()
            .post(url)
            .header(reqwest::header::ACCEPT, "application/json")
            .multipart(form);
        if let Some(value) = x_magic_reply {
            builder = builder.header("x-magic-reply", value.to_string());
        }
        let mut request = builder.build()?;
        let info = OperationInfo {
            operation_id: OPERATION_ID,
        };
        client.pre(&mut request, &info).await?;
        let result = client.exec(request, &info).await;
        client.post(&result, &info).await?;
        let response = result?;
        match response.status().as_u16() {
            200 => ResponseValue::from_response(response).await,
            400..=599 => Err(Error::ErrorResponse(
                ResponseValue::from_response(response).await?,
            )),
            _ => Err(Error::UnexpectedResponse(response)),
        }
    }
}

/// A required field's value, or the error naming it.
fn required<T>(
    value: Result<Option<T>, String>,
    field: &str,
) -> Result<T, Error<types::IlumaError>> {
    value
        .map_err(Error::InvalidRequest)?
        .ok_or_else(|| Error::InvalidRequest(format!("{field}: required")))
}
