//! `POST /v0/identity/id_card_verifications`, written by hand.
//!
//! The spec keeps this operation (`verify_id_card`) as the contract, but its body is
//! `multipart/form-data`, which progenitor cannot generate. This builder follows the generated
//! ones: the NIK is a validated [`crate::Nik`], every field is checked against the spec's
//! `IdCardVerificationRequest` before anything is sent (name 2–100 characters, `DD-MM-YYYY`
//! birth date, the selfie's format, size and pixels),
//! goes through the same `ClientHooks` (so auth and anything else the hooks do apply), and
//! returns the generated response and error types.

use crate::{ClientHooks, ClientInfo, Error, OperationInfo, ResponseValue};
use bytes::{BufMut, Bytes, BytesMut};
use serde_json::{Map, Value};

use super::{Client, types};
use crate::Redacted;
use crate::image::{self, ImageFormat};
use kyc_spec::validate::Validator;

/// The operation id, as in the spec.
const OPERATION_ID: &str = "verify_id_card";

/// A selfie for KTP verification: the file's bytes and the format read from them. `Debug`
/// shows the format and size, never the image.
#[derive(Clone)]
pub struct Selfie {
    bytes: Bytes,
    format: ImageFormat,
}

impl Selfie {
    /// Wraps the bytes of an image file (shared, not copied). The format is read from the
    /// bytes; whether Iluma accepts it (and its size) is checked against the spec on send.
    pub fn new(bytes: impl Into<Bytes>) -> Result<Self, String> {
        let bytes = bytes.into();
        let info = image::inspect(&bytes).map_err(|err| format!("selfie: {err}"))?;
        Ok(Self {
            bytes,
            format: info.format,
        })
    }

    /// The format read from the bytes.
    pub fn format(&self) -> ImageFormat {
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
        write!(
            f,
            "Selfie({}, {} bytes)",
            self.format.as_str(),
            self.bytes.len()
        )
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
    name: Option<Redacted<String>>,
    id_card_number: Result<Option<crate::Nik>, String>,
    birthdate: Option<Redacted<String>>,
    birthplace: Option<Redacted<String>>,
    address: Option<Redacted<String>>,
    selfie: Result<Option<Selfie>, String>,
}

impl<'a> VerifyIdCard<'a> {
    /// An empty request on `client`.
    pub fn new(client: &'a Client) -> Self {
        Self {
            client,
            x_magic_reply: Ok(None),
            name: None,
            id_card_number: Ok(None),
            birthdate: None,
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
    pub fn name(mut self, value: impl Into<String>) -> Self {
        self.name = Some(Redacted::new(value.into()));
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
    pub fn birthdate(mut self, value: impl Into<String>) -> Self {
        self.birthdate = Some(Redacted::new(value.into()));
        self
    }

    /// Birth place as on the KTP (optional).
    pub fn birthplace(mut self, value: impl Into<String>) -> Self {
        self.birthplace = Some(Redacted::new(value.into()));
        self
    }

    /// Address as on the KTP (optional).
    pub fn address(mut self, value: impl Into<String>) -> Self {
        self.address = Some(Redacted::new(value.into()));
        self
    }

    /// The selfie file's bytes, JPEG or PNG (required). The format is read from the bytes.
    pub fn selfie(mut self, bytes: impl Into<Bytes>) -> Self {
        self.selfie = Selfie::new(bytes).map(Some);
        self
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
        let id_card_number = required(id_card_number, "id_card_number")?;
        let selfie = required(selfie, "selfie")?;

        // Part names are the properties of the spec's `IdCardVerificationRequest`.
        let mut fields = Map::new();
        fields.insert(
            "id_card_number".into(),
            Value::String(id_card_number.as_str().into()),
        );
        for (field, value) in [
            ("name", name),
            ("birthdate", birthdate),
            ("birthplace", birthplace),
            ("address", address),
        ] {
            if let Some(value) = value {
                fields.insert(field.into(), Value::String(value.into_inner()));
            }
        }
        if let Some(violation) = Validator::new(super::spec())
            .first_only()
            .request_multipart(OPERATION_ID, &fields, &[("selfie", &selfie.bytes)])
            .into_iter()
            .next()
        {
            return Err(Error::InvalidRequest(violation.to_string()));
        }
        let (content_type, body) = multipart_body(&fields, &selfie);

        let url = format!("{}/v0/identity/id_card_verifications", client.baseurl());
        let mut builder = client
            .client()
            .post(url)
            .header(reqwest::header::ACCEPT, "application/json")
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body);
        if let Some(value) = x_magic_reply {
            builder = builder.header("x-magic-reply", value.to_string());
        }
        let mut request = builder.build()?;
        let info = OperationInfo {
            operation_id: OPERATION_ID,
        };
        // Validation ran above on the fields themselves; the hook adds auth (it skips bodies
        // that are not JSON).
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
// The error type is the one every generated method returns (large, see `crate::call::pre`).
#[allow(clippy::result_large_err)]
fn required<T>(
    value: Result<Option<T>, String>,
    field: &str,
) -> Result<T, Error<types::IlumaError>> {
    value
        .map_err(Error::InvalidRequest)?
        .ok_or_else(|| Error::InvalidRequest(format!("{field}: required")))
}

/// Encodes the form as `multipart/form-data` in one buffer (a selfie is at most 500 KB), so
/// the request can be sent again by the retry policy — a streamed form could not.
fn multipart_body(fields: &Map<String, Value>, selfie: &Selfie) -> (String, Bytes) {
    let boundary = format!(
        "kyc-clients-{:016x}{:016x}",
        fastrand::u64(..),
        fastrand::u64(..)
    );
    let mut body = BytesMut::with_capacity(selfie.len() + 1024);
    for (name, value) in fields {
        let text = value.as_str().unwrap_or_default();
        body.put_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
                .as_bytes(),
        );
        body.put_slice(text.as_bytes());
        body.put_slice(b"\r\n");
    }
    let extension = match selfie.format {
        ImageFormat::Png => "png",
        ImageFormat::Jpeg => "jpg",
        ImageFormat::Svg => "svg",
    };
    body.put_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"selfie\"; filename=\"selfie.{extension}\"\r\nContent-Type: {}\r\n\r\n",
            selfie.format.mime_type()
        )
        .as_bytes(),
    );
    body.put_slice(&selfie.bytes);
    body.put_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (
        format!("multipart/form-data; boundary={boundary}"),
        body.freeze(),
    )
}
