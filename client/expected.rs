//! [`Expected`]: a response value in the form the spec documents, or as the vendor sent it.
//!
//! The specs state what the vendors' pages say a value looks like (a UUID, a `YYYY-MM-DD`
//! date, a 16-digit NIK, an id prefix, a whole number), and some of it is inferred from
//! examples. A vendor that answers another form has still run, and maybe billed, the check, so
//! `kyc-codegen` types such response fields `Expected<T, Raw>`: the typed value when it has the
//! documented form, the value as sent when it does not. One `kyc.drift` event names the field
//! and the rule it broke (never the value), and encoding gives the value back unchanged.
//! Requests keep their strict types.

use std::fmt;

use serde::de::{DeserializeOwned, Error as _};

/// A response value that has the documented form (`Typed`), or does not (`Raw`, as sent).
///
/// `Raw` is `String` or `serde_json::Number` (by the value's JSON kind), inside
/// [`crate::Redacted`] when the value is personal, so `Debug` never shows a personal value
/// either way. A value of another JSON kind (an object where a string belongs) still fails
/// the decode.
///
/// ```
/// use kyc_clients::Expected;
///
/// let id: Expected<uuid::Uuid> = serde_json::from_str(r#""8f9efedc-d5bf-11eb-9953-5517feb46cc4""#)?;
/// assert!(id.is_typed());
/// let id: Expected<uuid::Uuid> = serde_json::from_str(r#""hist_0001""#)?;
/// assert_eq!(id.raw().map(String::as_str), Some("hist_0001"));
/// assert_eq!(serde_json::to_string(&id)?, r#""hist_0001""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Expected<T, Raw = String> {
    /// The value, in the documented form.
    Typed(T),
    /// The value as the vendor sent it, which does not have the documented form.
    Raw(Raw),
}

impl<T, Raw> Expected<T, Raw> {
    /// The typed value, when the vendor sent the documented form.
    pub fn typed(&self) -> Option<&T> {
        match self {
            Self::Typed(value) => Some(value),
            Self::Raw(_) => None,
        }
    }

    /// The typed value, when the vendor sent the documented form.
    pub fn into_typed(self) -> Option<T> {
        match self {
            Self::Typed(value) => Some(value),
            Self::Raw(_) => None,
        }
    }

    /// The value as sent, when it does not have the documented form.
    pub fn raw(&self) -> Option<&Raw> {
        match self {
            Self::Typed(_) => None,
            Self::Raw(raw) => Some(raw),
        }
    }

    /// Whether the vendor sent the documented form.
    pub fn is_typed(&self) -> bool {
        matches!(self, Self::Typed(_))
    }
}

impl Expected<i64, serde_json::Number> {
    /// The number, whole or not (a whole number beyond `f64`'s precision is rounded).
    pub fn as_f64(&self) -> f64 {
        match self {
            Self::Typed(value) => *value as f64,
            Self::Raw(raw) => raw.as_f64().unwrap_or(f64::NAN),
        }
    }
}

/// `Typed(a) == a`: compares with a value of the documented form.
impl<T: PartialEq, Raw> PartialEq<T> for Expected<T, Raw> {
    fn eq(&self, other: &T) -> bool {
        self.typed() == Some(other)
    }
}

impl<T, Raw> From<T> for Expected<T, Raw> {
    fn from(value: T) -> Self {
        Self::Typed(value)
    }
}

/// The typed value as its own `Debug` shows it; a raw one as `Raw(..)` (a personal raw value
/// is `Redacted`, which prints `[redacted]`).
impl<T: fmt::Debug, Raw: fmt::Debug> fmt::Debug for Expected<T, Raw> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Typed(value) => value.fmt(f),
            Self::Raw(raw) => f.debug_tuple("Raw").field(raw).finish(),
        }
    }
}

/// The value as it is on the wire, either way: the typed value as the client would send it
/// (a string without its quotes), or the raw value. Not for personal values, whose `Raw` is
/// `Redacted` (no `Display`).
impl<T: serde::Serialize, Raw: fmt::Display> fmt::Display for Expected<T, Raw> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Typed(value) => match serde_json::to_value(value) {
                Ok(serde_json::Value::String(text)) => f.write_str(&text),
                Ok(other) => write!(f, "{other}"),
                Err(_) => Err(fmt::Error),
            },
            Self::Raw(raw) => raw.fmt(f),
        }
    }
}

impl<T: serde::Serialize, Raw: serde::Serialize> serde::Serialize for Expected<T, Raw> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Typed(value) => value.serialize(serializer),
            Self::Raw(raw) => raw.serialize(serializer),
        }
    }
}

impl<'de, T: DeserializeOwned, Raw: DeserializeOwned> serde::Deserialize<'de> for Expected<T, Raw> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        match T::deserialize(&value) {
            Ok(typed) => Ok(Self::Typed(typed)),
            // Another kind of value than `Raw` holds: the typed error says what was expected.
            Err(typed) => Raw::deserialize(value)
                .map(Self::Raw)
                .map_err(|_| D::Error::custom(typed)),
        }
    }
}

#[cfg(feature = "schemars")]
impl<T: schemars::JsonSchema, Raw: schemars::JsonSchema> schemars::JsonSchema for Expected<T, Raw> {
    fn schema_name() -> String {
        format!("Expected_{}", T::schema_name())
    }

    fn is_referenceable() -> bool {
        false
    }

    fn json_schema(generator: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        use schemars::schema::{Schema, SchemaObject, SubschemaValidation};
        let mut raw = generator.subschema_for::<Raw>();
        if let Schema::Object(object) = &mut raw {
            object.metadata().description = Some(
                "The value as sent, when it does not have the documented form (`Raw`).".into(),
            );
        }
        // No description of its own: the field's says what the value is.
        SchemaObject {
            subschemas: Some(Box::new(SubschemaValidation {
                any_of: Some(vec![generator.subschema_for::<T>(), raw]),
                ..Default::default()
            })),
            ..Default::default()
        }
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::Expected;
    use crate::{Nik, Redacted};

    #[test]
    fn typed_when_the_form_holds_raw_when_not_refused_for_another_kind() {
        let nik: Expected<Nik, Redacted<String>> =
            serde_json::from_str(r#""3275031210930027""#).unwrap();
        assert!(nik.is_typed());
        let masked: Expected<Nik, Redacted<String>> =
            serde_json::from_str(r#""327503******0027""#).unwrap();
        assert_eq!(masked.raw().map(|r| r.as_str()), Some("327503******0027"));
        assert_eq!(format!("{masked:?}"), "Raw([redacted])");
        assert_eq!(
            serde_json::to_string(&masked).unwrap(),
            r#""327503******0027""#
        );

        let score: Expected<i64, serde_json::Number> = serde_json::from_str("87.5").unwrap();
        assert_eq!(
            score.raw().map(ToString::to_string).as_deref(),
            Some("87.5")
        );
        assert_eq!(serde_json::to_string(&score).unwrap(), "87.5");
        let score: Expected<i64, serde_json::Number> = serde_json::from_str("87").unwrap();
        assert_eq!(score.typed(), Some(&87));

        let wrong = serde_json::from_str::<Expected<i64, serde_json::Number>>(r#""87""#);
        assert!(wrong.unwrap_err().to_string().contains("expected i64"));
        let wrong = serde_json::from_str::<Expected<uuid::Uuid>>("{}");
        assert!(wrong.is_err());
    }
}
