//! [`Json`]: a JSON value whose strings borrow from the body they were read from, and the
//! reader that fills it. A request body is mostly one or two base64 images; reading it into a
//! `serde_json::Value` would copy every one of them, so validation reads this instead.
//!
//! [`parse`] tries a reader that finds the end of each string with `memchr` (SIMD) rather than
//! byte by byte. It handles what serde_json writes; anything else (an escape in a string, an
//! unusual number, a deep nesting) makes it step aside for serde_json, which is exact.

use std::borrow::Cow;
use std::fmt;

use serde_json::Number;

use super::{Instance, View};

/// A JSON value whose strings borrow from the request body where they can (a string with an
/// escape is owned). Object fields keep the body's order.
#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(Cow<'a, str>),
    /// An array.
    Array(Vec<Json<'a>>),
    /// An object, fields in the body's order.
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

/// Reads a JSON body, borrowing its strings: the fast reader first, serde_json when it steps
/// aside. The error is serde_json's (it names a line and column, never the content).
pub fn parse(body: &[u8]) -> Result<Json<'_>, serde_json::Error> {
    match fast::parse(body) {
        Some(value) => Ok(value),
        None => serde_json::from_slice(body),
    }
}

type JsonField<'a> = (Cow<'a, str>, Json<'a>);
type FieldOf<'a> = for<'v> fn(&'v JsonField<'a>) -> (&'v str, &'v Json<'a>);

impl<'a> Instance for Json<'a> {
    type Fields<'v>
        = std::iter::Map<std::slice::Iter<'v, JsonField<'a>>, FieldOf<'a>>
    where
        Self: 'v;

    fn view(&self) -> View<'_, Self> {
        match self {
            Json::Null => View::Null,
            Json::Bool(b) => View::Bool(*b),
            Json::Number(n) => View::Number(n),
            Json::String(s) => View::String(s),
            Json::Array(items) => View::Array(items),
            Json::Object(fields) => View::Object(fields.iter().map(json_field as FieldOf<'a>)),
        }
    }
}

fn json_field<'v, 'a>((name, value): &'v JsonField<'a>) -> (&'v str, &'v Json<'a>) {
    (name, value)
}

impl<'de: 'a, 'a> serde::Deserialize<'de> for Json<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for Visitor<'a> {
            type Value = Json<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("JSON")
            }
            fn visit_unit<E>(self) -> Result<Json<'a>, E> {
                Ok(Json::Null)
            }
            fn visit_none<E>(self) -> Result<Json<'a>, E> {
                Ok(Json::Null)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Json<'a>, E> {
                Ok(Json::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Json<'a>, E> {
                Ok(Json::Number(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Json<'a>, E> {
                Ok(Json::Number(v.into()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Json<'a>, E> {
                Ok(Number::from_f64(v).map_or(Json::Null, Json::Number))
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Json<'a>, E> {
                Ok(Json::String(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Json<'a>, E> {
                Ok(Json::String(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Json<'a>, E> {
                Ok(Json::String(Cow::Owned(v)))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Json<'a>, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Json::Array(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Json<'a>, A::Error> {
                let mut fields = Vec::new();
                while let Some((key, value)) = map.next_entry::<Cow<'de, str>, Json<'a>>()? {
                    fields.push((key, value));
                }
                Ok(Json::Object(fields))
            }
        }
        deserializer.deserialize_any(Visitor(std::marker::PhantomData))
    }
}

/// The memchr reader: `None` means "ask serde_json", never "invalid".
mod fast {
    use std::borrow::Cow;

    use super::Json;

    pub(super) fn parse(body: &[u8]) -> Option<Json<'_>> {
        let mut reader = Reader { body, at: 0 };
        let value = reader.value(0)?;
        reader.skip_whitespace();
        (reader.at == body.len()).then_some(value)
    }

    struct Reader<'a> {
        body: &'a [u8],
        at: usize,
    }

    impl<'a> Reader<'a> {
        fn skip_whitespace(&mut self) {
            while self
                .body
                .get(self.at)
                .is_some_and(|b| b.is_ascii_whitespace())
            {
                self.at += 1;
            }
        }

        fn expect(&mut self, byte: u8) -> Option<()> {
            self.skip_whitespace();
            (self.body.get(self.at) == Some(&byte)).then(|| self.at += 1)
        }

        fn value(&mut self, depth: usize) -> Option<Json<'a>> {
            // Request bodies are shallow; a deep one goes to serde_json, which limits depth.
            if depth > 32 {
                return None;
            }
            self.skip_whitespace();
            match *self.body.get(self.at)? {
                b'{' => {
                    self.at += 1;
                    let mut fields = Vec::new();
                    self.skip_whitespace();
                    if self.body.get(self.at) == Some(&b'}') {
                        self.at += 1;
                        return Some(Json::Object(fields));
                    }
                    loop {
                        self.skip_whitespace();
                        let key = self.string()?;
                        self.expect(b':')?;
                        fields.push((key, self.value(depth + 1)?));
                        self.skip_whitespace();
                        match *self.body.get(self.at)? {
                            b',' => self.at += 1,
                            b'}' => {
                                self.at += 1;
                                return Some(Json::Object(fields));
                            }
                            _ => return None,
                        }
                    }
                }
                b'[' => {
                    self.at += 1;
                    let mut items = Vec::new();
                    self.skip_whitespace();
                    if self.body.get(self.at) == Some(&b']') {
                        self.at += 1;
                        return Some(Json::Array(items));
                    }
                    loop {
                        items.push(self.value(depth + 1)?);
                        self.skip_whitespace();
                        match *self.body.get(self.at)? {
                            b',' => self.at += 1,
                            b']' => {
                                self.at += 1;
                                return Some(Json::Array(items));
                            }
                            _ => return None,
                        }
                    }
                }
                b'"' => self.string().map(Json::String),
                b't' => self.literal(b"true", Json::Bool(true)),
                b'f' => self.literal(b"false", Json::Bool(false)),
                b'n' => self.literal(b"null", Json::Null),
                _ => {
                    let start = self.at;
                    while self.body.get(self.at).is_some_and(|b| {
                        matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                    }) {
                        self.at += 1;
                    }
                    let number = serde_json::from_slice(&self.body[start..self.at]).ok()?;
                    Some(Json::Number(number))
                }
            }
        }

        fn literal(&mut self, word: &[u8], value: Json<'a>) -> Option<Json<'a>> {
            let end = self.at + word.len();
            (self.body.get(self.at..end) == Some(word)).then(|| {
                self.at = end;
                value
            })
        }

        /// A string without escapes, borrowed; `None` (fall back) for one with escapes.
        fn string(&mut self) -> Option<Cow<'a, str>> {
            if self.body.get(self.at) != Some(&b'"') {
                return None;
            }
            let start = self.at + 1;
            let length = memchr::memchr2(b'"', b'\\', &self.body[start..])?;
            if self.body[start + length] != b'"' {
                return None;
            }
            let text = &self.body[start..start + length];
            // A raw control character would make this invalid JSON, which this reader does not
            // look for: the bodies it reads are written by serde_json, which escapes them.
            self.at = start + length + 1;
            std::str::from_utf8(text).ok().map(Cow::Borrowed)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Json, fast, parse};

    /// The fast reader agrees with serde_json wherever it answers, and steps aside (for the
    /// serde_json fallback) where it does not.
    #[test]
    fn the_fast_reader_agrees_with_serde_json() {
        let bodies = [
            r#"{"identityId":"1234567890123456","faceImage":"/9j/4AAQSkZJRg=="}"#,
            r#" { "a" : [1, -2.5e3, true, false, null, {"b": []}, {}] } "#,
            r#"{"scopes":["PEP","OTHER"],"score_threshold":90,"nested":{"x":{"y":[[]]}}}"#,
            r#""just a string""#,
            r#"[]"#,
            "{\"name\":\"Nur \u{e9}\u{4e2d}\"}",
        ];
        for body in bodies {
            let fast = fast::parse(body.as_bytes()).unwrap_or_else(|| panic!("read {body}"));
            let exact: Json<'_> = serde_json::from_str(body).unwrap();
            assert_eq!(fast, exact, "{body}");
        }
        let fall_back = [
            r#"{"name":"with \"escaped\" quotes"}"#,
            r#"{"a":1"#,
            r#"{"a":1}}"#,
            r#"{"a" 1}"#,
            r#"[1,]"#,
            r#"{"a":tru}"#,
            r#"{"a":1.2.3}"#,
        ];
        for body in fall_back {
            assert!(fast::parse(body.as_bytes()).is_none(), "{body}");
        }
    }

    #[test]
    fn parse_falls_back_to_serde_json_and_reports_its_errors() {
        let escaped = parse(br#"{"name":"with \"escaped\" quotes"}"#).unwrap();
        assert_eq!(
            escaped,
            Json::Object(vec![(
                "name".into(),
                Json::String("with \"escaped\" quotes".into())
            )])
        );
        assert!(parse(br#"{"a":1"#).is_err());
    }
}
