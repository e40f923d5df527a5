//! Hand-written types the generated code uses in place of its own (progenitor replacements,
//! listed in `build.rs`), because a derived `Debug` would print what must never be printed:
//!
//! - [`Nik`] for every `Nik` schema: `Debug` and `Display` show `1234********3456`;
//! - [`Base64Image`] for the Kredibel image schemas: callers give bytes, the wire gets base64
//!   encoded straight into the request body (no intermediate copy), `Debug` shows only the
//!   format and size;
//! - [`Secret`] for Iluma's callback token and API keys, and as [`crate::ApiKey`]: `Debug` and
//!   `Display` show `[redacted]`.
//!
//! Each serializes exactly as the generated type did, so the wire format is unchanged (the
//! example round-trip tests prove it).

use std::borrow::Cow;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;

use crate::privacy::Pii;

/// A 16-digit NIK (Nomor Induk Kependudukan). Checked on construction and when decoded.
/// `Debug` and `Display` mask it; [`Nik::as_str`] gives the digits for the wire.
///
/// The shape is Indonesia's, not a vendor's, so it is checked here without a spec (one `Nik`
/// type serves both vendors and `crate::nik`); a test holds both specs' `Nik` schemas to it,
/// and every request is also validated against the vendor's own schema before sending.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Nik(String);

/// A string that is not 16 ASCII digits. The message gives the length, never the digits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a NIK is exactly 16 digits; this one has {length} characters{}", if *.digits_only { "" } else { ", not all digits" })]
pub struct InvalidNik {
    length: usize,
    digits_only: bool,
}

impl Nik {
    /// Checks and wraps a NIK. Only the shape is checked (the vendors' sandbox NIKs do not
    /// encode a real region or birth date); see [`crate::nik`] to read what a real one encodes.
    pub fn new(nik: impl Into<String>) -> Result<Self, InvalidNik> {
        let nik = nik.into();
        let digits_only = nik.bytes().all(|b| b.is_ascii_digit());
        if nik.len() == 16 && digits_only {
            Ok(Self(nik))
        } else {
            Err(InvalidNik {
                length: nik.chars().count(),
                digits_only,
            })
        }
    }

    /// The 16 digits. Keep them out of logs and messages.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Nik {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Nik({})", Pii::Nik.mask(&self.0))
    }
}

impl fmt::Display for Nik {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&Pii::Nik.mask(&self.0))
    }
}

impl TryFrom<&str> for Nik {
    type Error = InvalidNik;
    fn try_from(value: &str) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl TryFrom<String> for Nik {
    type Error = InvalidNik;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl TryFrom<&String> for Nik {
    type Error = InvalidNik;
    fn try_from(value: &String) -> Result<Self, Self::Error> {
        Self::new(value.as_str())
    }
}

impl From<Nik> for String {
    fn from(value: Nik) -> Self {
        value.0
    }
}

impl std::str::FromStr for Nik {
    type Err = InvalidNik;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl serde::Serialize for Nik {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Nik {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::new(raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Nik {
    fn schema_name() -> String {
        "Nik".into()
    }

    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        schemars::schema::SchemaObject {
            instance_type: Some(schemars::schema::InstanceType::String.into()),
            string: Some(Box::new(schemars::schema::StringValidation {
                min_length: Some(16),
                max_length: Some(16),
                pattern: Some("^[0-9]{16}$".into()),
            })),
            ..Default::default()
        }
        .into()
    }
}

/// An image for a base64 JSON field. Build it from the file's bytes ([`Base64Image::from_bytes`],
/// or `From<Vec<u8>>` / `From<Bytes>`), or from text that is already base64
/// ([`Base64Image::from_base64`], or `TryFrom<String>` / `TryFrom<&str>`).
///
/// It always holds valid base64: text is checked once, when the value is built (or decoded
/// from JSON), so validating a request before each send only reads the image's header.
///
/// From bytes, the base64 is written straight into the request body while it is serialized,
/// so a 4 MB selfie costs its bytes plus the body, with no third copy. `Debug` shows the
/// format and size, never the content.
#[derive(Clone)]
pub struct Base64Image(ImageData);

#[derive(Clone)]
enum ImageData {
    Bytes(Bytes),
    Encoded(String),
}

impl Base64Image {
    /// From the image file's bytes (shared, not copied).
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        Self(ImageData::Bytes(bytes.into()))
    }

    /// From text that is already standard base64 (no `data:` prefix), checked now.
    pub fn from_base64(encoded: impl Into<String>) -> Result<Self, crate::image::ImageError> {
        let encoded = encoded.into();
        crate::image::check_base64(&encoded)?;
        Ok(Self(ImageData::Encoded(encoded)))
    }

    /// Reads an image file.
    pub fn from_path(path: impl AsRef<std::path::Path>) -> std::io::Result<Self> {
        Ok(Self::from_bytes(std::fs::read(path)?))
    }

    /// The base64 text (encoded now when the image was given as bytes).
    pub fn to_base64(&self) -> Cow<'_, str> {
        match &self.0 {
            ImageData::Bytes(bytes) => Cow::Owned(STANDARD.encode(bytes)),
            ImageData::Encoded(text) => Cow::Borrowed(text),
        }
    }

    /// The image's size in bytes (for base64 text, the size it decodes to).
    pub fn decoded_len(&self) -> usize {
        match &self.0 {
            ImageData::Bytes(bytes) => bytes.len(),
            ImageData::Encoded(text) => {
                let padding = text.bytes().rev().take_while(|b| *b == b'=').count().min(2);
                (text.len() / 4 * 3).saturating_sub(padding)
            }
        }
    }

    /// The raw bytes when the image was given as bytes; `None` for base64 text.
    pub fn bytes(&self) -> Option<&Bytes> {
        match &self.0 {
            ImageData::Bytes(bytes) => Some(bytes),
            ImageData::Encoded(_) => None,
        }
    }

    /// The format the first bytes announce, if one the vendors accept.
    fn format_name(&self) -> &'static str {
        let head: Cow<'_, [u8]> = match &self.0 {
            ImageData::Bytes(bytes) => Cow::Borrowed(&bytes[..bytes.len().min(16)]),
            ImageData::Encoded(text) => {
                let prefix = &text.as_bytes()[..text.len().min(24) / 4 * 4];
                Cow::Owned(STANDARD.decode(prefix).unwrap_or_default())
            }
        };
        if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            "jpeg"
        } else if head.starts_with(b"\x89PNG") {
            "png"
        } else if head.starts_with(b"<svg") || head.starts_with(b"<?xml") {
            "svg"
        } else {
            "unknown format"
        }
    }
}

impl fmt::Debug for Base64Image {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Base64Image({}, {} bytes)",
            self.format_name(),
            self.decoded_len()
        )
    }
}

impl PartialEq for Base64Image {
    fn eq(&self, other: &Self) -> bool {
        self.to_base64() == other.to_base64()
    }
}

impl From<Vec<u8>> for Base64Image {
    fn from(bytes: Vec<u8>) -> Self {
        Self::from_bytes(bytes)
    }
}

impl From<Bytes> for Base64Image {
    fn from(bytes: Bytes) -> Self {
        Self::from_bytes(bytes)
    }
}

impl TryFrom<String> for Base64Image {
    type Error = crate::image::ImageError;
    fn try_from(encoded: String) -> Result<Self, Self::Error> {
        Self::from_base64(encoded)
    }
}

impl TryFrom<&str> for Base64Image {
    type Error = crate::image::ImageError;
    fn try_from(encoded: &str) -> Result<Self, Self::Error> {
        Self::from_base64(encoded)
    }
}

/// Writes base64 in chunks, so serializing never holds the whole encoded image at once.
struct Base64Chunks<'a>(&'a [u8]);

impl fmt::Display for Base64Chunks<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // 3 KiB of input is 4 KiB of output, whole base64 groups, so chunks join cleanly.
        let mut buffer = [0u8; 4096];
        for chunk in self.0.chunks(3072) {
            let written = STANDARD
                .encode_slice(chunk, &mut buffer)
                .map_err(|_| fmt::Error)?;
            // base64 output is ASCII.
            f.write_str(std::str::from_utf8(&buffer[..written]).map_err(|_| fmt::Error)?)?;
        }
        Ok(())
    }
}

impl serde::Serialize for Base64Image {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            ImageData::Bytes(bytes) => serializer.collect_str(&Base64Chunks(bytes)),
            ImageData::Encoded(text) => serializer.serialize_str(text),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Base64Image {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Kept as text, checked once (not decoded): the vendors' own base64 is valid.
        Self::from_base64(String::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Base64Image {
    fn schema_name() -> String {
        "Base64Image".into()
    }

    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        schemars::schema::SchemaObject {
            instance_type: Some(schemars::schema::InstanceType::String.into()),
            format: Some("byte".into()),
            ..Default::default()
        }
        .into()
    }
}

/// A secret string: an API key, a callback token. `Debug` and `Display` print `[redacted]`;
/// [`Secret::expose`] gives the value for the wire.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself. Keep the result out of logs and error messages.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for Secret {
    fn from(secret: String) -> Self {
        Self(secret)
    }
}

impl From<&str> for Secret {
    fn from(secret: &str) -> Self {
        Self(secret.to_string())
    }
}

impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Self(String::deserialize(deserializer)?))
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Secret {
    fn schema_name() -> String {
        "Secret".into()
    }

    fn json_schema(generator: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        String::json_schema(generator)
    }
}

/// Personal data (a name, a birth date, an email, a phone number, an address) in a request or
/// a response, and the unknown fields of a tolerantly read body: the value itself for the wire,
/// `[redacted]` for `Debug`. Dereferences to the value.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Redacted<T>(T);

impl<T> Redacted<T> {
    /// Wraps a value.
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The value. Keep it out of logs and messages.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Redacted<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Redacted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<T> From<T> for Redacted<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl From<&str> for Redacted<String> {
    fn from(value: &str) -> Self {
        Self(value.to_string())
    }
}

impl From<&String> for Redacted<String> {
    fn from(value: &String) -> Self {
        Self(value.clone())
    }
}

impl<T: serde::Serialize> serde::Serialize for Redacted<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Redacted<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Self)
    }
}

#[cfg(feature = "schemars")]
impl<T: schemars::JsonSchema> schemars::JsonSchema for Redacted<T> {
    fn schema_name() -> String {
        T::schema_name()
    }

    fn json_schema(generator: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        T::json_schema(generator)
    }

    fn is_referenceable() -> bool {
        T::is_referenceable()
    }
}

#[cfg(test)]
mod tests {
    use kyc_spec::validate::Validator;
    use serde_json::json;

    use super::Nik;

    /// The vendor-neutral NIK rule and both specs' `Nik` schemas give the same verdicts, so a
    /// spec that changed the NIK's shape would fail here rather than disagree at run time.
    #[test]
    fn nik_agrees_with_both_specs() {
        let cases = [
            "1234567890123456",
            "3275031210930027",
            "123456789012345",
            "12345678901234567",
            "12345678901234a6",
            "",
            "١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦",
        ];
        for spec in [crate::kredibel::spec(), crate::iluma::spec()] {
            let schema = spec.schema("Nik").expect("both specs define Nik");
            for nik in cases {
                let by_spec = Validator::new(spec).value(schema, &json!(nik)).is_empty();
                assert_eq!(
                    Nik::new(nik).is_ok(),
                    by_spec,
                    "{}: {} characters",
                    spec.vendor().name,
                    nik.chars().count()
                );
            }
        }
    }
}
