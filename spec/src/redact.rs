//! A JSON body with everything personal masked, guided by its schema, for files that outlive
//! the exchange (a proxy's recordings, which the sandbox plays back and tests load as
//! fixtures).
//!
//! What stays is what the schema declares and does not mark `x-pii`: enums, numbers, flags,
//! ids, messages. What is masked keeps its *shape*, so that a recording played back still
//! decodes, and validates, as the real answer did ([`Masker`]):
//! - a value under an `x-pii` mark (the mark covers all below it): a NIK stays 16 digits (a
//!   masked echo keeps its `*`), a date a valid date in the same format, an email an email, a
//!   phone a phone (its country code kept), a name a name-like string of the same lengths and
//!   case, a UUID a UUID, a key its vendor's key prefix and length, a listed value of a
//!   personal enum another listed value; an image (`x-pii: image` or a field with image rules)
//!   a synthetic image ([`crate::image::sample`]) of the same format and pixel size whose byte
//!   size is rounded down to its [size class](size_class);
//! - a field the schema does not declare, and a whole body without a schema, the same way
//!   (strings by character class, numbers digit by digit): a vendor's new field may hold
//!   personal data the spec does not know about yet.
//!
//! Masking is keyed: within one [`Masker`] the same real value always masks the same way (a
//! request's NIK and its echo in the answer stay equal), and the key — random, drawn when the
//! masker is made — is never written or shown, so a masked value cannot be traced back.
//!
//! [`shape`] is the other half: what a value looks like once its personal data is reduced to
//! its shape (kind, character classes, lengths, image format and size class). A real value and
//! its mask have the same shape, whatever the key, which is how the sandbox matches a live
//! request to a recorded one without the recording's key.
//!
//! Stricter than [`PiiKind::mask`], the form logs show (which keeps a NIK's first and last
//! four digits and an email's domain): a file outlives the exchange and travels further, so
//! nothing of a personal value is kept but its shape.

use std::fmt;
use std::hash::{BuildHasher, RandomState};

use serde_json::{Map, Number, Value};

use crate::image::{self, ImageInfo, sample::Image};
use crate::{PiiKind, Spec};

/// How deep a value is followed before the rest is masked whole.
const MAX_DEPTH: usize = 32;

/// Image sizes are rounded down to a multiple of this ([`size_class`]).
const SIZE_CLASS: usize = 1024;

/// Masks personal data with one secret key (see the [module](self)). Make one per recording
/// session: the same value masks the same way within it, and differently in another.
pub struct Masker {
    key: RandomState,
}

impl fmt::Debug for Masker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Masker([key])")
    }
}

impl Default for Masker {
    fn default() -> Self {
        Self::new()
    }
}

impl Masker {
    /// A masker with a fresh random key (std's `RandomState`: SipHash keyed with 128 random
    /// bits from the operating system), never written anywhere.
    pub fn new() -> Self {
        Self {
            key: RandomState::new(),
        }
    }

    /// `value` with everything personal masked, keeping its shape (see the [module](self));
    /// `schema` is the body's schema in `spec` (references followed), `None` when the spec
    /// declares none.
    pub fn redact(&self, spec: &Spec, schema: Option<&Value>, value: &Value) -> Value {
        Walk { spec, leaves: self }.body(schema, value)
    }

    /// An image file's bytes masked: a synthetic image of the same format and pixel size, of
    /// its size class; bytes that are no image, the same number of filler bytes.
    pub fn image_file(&self, bytes: &[u8]) -> Vec<u8> {
        match image::inspect(bytes) {
            Ok(info) => synthetic(&info).bytes(size_class(info.bytes)),
            Err(_) => vec![b'x'; bytes.len()],
        }
    }

    /// Free text (a body that is not JSON, a path segment) masked by character class.
    pub fn text(&self, text: &str) -> String {
        self.string(text, 0)
    }

    /// A stream of keyed pseudo-random numbers for `seed`: the same seed, the same stream.
    fn stream<'a>(&'a self, seed: &'a str) -> impl Iterator<Item = u64> + 'a {
        (0u64..).map(move |i| self.key.hash_one((seed, i)))
    }

    /// A string masked by its shape: a UUID as a UUID, a date as a valid date in its format,
    /// every other character by class (digits, lower- and upper-case letters, name-like),
    /// the first `keep_digits` digits and everything that is neither digit nor letter kept.
    fn string(&self, text: &str, keep_digits: usize) -> String {
        let mut random = self.stream(text);
        if is_uuid(text) {
            return text
                .chars()
                .map(|c| match c {
                    '-' => '-',
                    c if c.is_ascii_uppercase() => hex(random.next().unwrap_or(0), true),
                    _ => hex(random.next().unwrap_or(0), false),
                })
                .collect();
        }
        if let Some(date) = masked_date(text, &mut random) {
            return date;
        }
        let mut out = String::with_capacity(text.len());
        let mut digits = 0;
        let mut vowel_next = false;
        for c in text.chars() {
            let r = random.next().unwrap_or(0);
            if c.is_ascii_digit() {
                digits += 1;
                out.push(if digits <= keep_digits {
                    c
                } else {
                    char::from(b'0' + (r % 10) as u8)
                });
            } else if c.is_alphabetic() {
                // Consonants and vowels in turn: a masked name still reads as a name.
                let letters: &[u8] = if vowel_next {
                    b"aeiou"
                } else {
                    b"bcdfghjklmnprstvwyz"
                };
                vowel_next = !vowel_next;
                let letter = char::from(letters[(r % letters.len() as u64) as usize]);
                out.push(if c.is_uppercase() {
                    letter.to_ascii_uppercase()
                } else {
                    letter
                });
            } else {
                vowel_next = false;
                out.push(c);
            }
        }
        out
    }

    fn number(&self, number: &Number) -> Value {
        let text = number.to_string();
        let (mantissa, exponent) = match text.find(['e', 'E']) {
            Some(at) => text.split_at(at),
            None => (text.as_str(), ""),
        };
        let mut random = self.stream(&text);
        let mut leading = true;
        let masked: String = mantissa
            .chars()
            .map(|c| {
                if !c.is_ascii_digit() {
                    return c;
                }
                let r = random.next().unwrap_or(0);
                // A leading digit stays non-zero, so the number keeps its digit count.
                let digit = if leading && c != '0' {
                    1 + r % 9
                } else {
                    r % 10
                };
                leading = leading && c == '0';
                char::from(b'0' + digit as u8)
            })
            .collect();
        serde_json::from_str(&format!("{masked}{exponent}"))
            .unwrap_or_else(|_| Value::Number(number.clone()))
    }
}

/// What each walk does with the values it masks: [`Masker`] (keyed masks) or [`Shape`]. The
/// walk hands them one string or number at a time ([`each_scalar`]) and every image it reads.
trait Leaves {
    /// A string or number under an `x-pii` mark other than `image`.
    fn pii(&self, spec: &Spec, kind: PiiKind, schema: &Value, value: &Value) -> Value;
    /// A base64 image.
    fn image(&self, info: &ImageInfo) -> String;
    /// A string or number the schema does not declare (or a base64 string that is no image).
    fn undeclared(&self, value: &Value) -> Value;
}

impl Leaves for Masker {
    fn pii(&self, spec: &Spec, kind: PiiKind, schema: &Value, value: &Value) -> Value {
        match value {
            Value::Number(n) if kind == PiiKind::BirthDate => self.date_part(n),
            Value::Number(n) => self.number(n),
            Value::String(text) => Value::String(self.pii_string(spec, kind, schema, text)),
            other => other.clone(),
        }
    }

    fn image(&self, info: &ImageInfo) -> String {
        synthetic(info).base64(size_class(info.bytes))
    }

    fn undeclared(&self, value: &Value) -> Value {
        match value {
            Value::Number(n) => self.number(n),
            Value::String(text) => Value::String(self.string(text, 0)),
            other => other.clone(),
        }
    }
}

impl Masker {
    fn pii_string(&self, spec: &Spec, kind: PiiKind, schema: &Value, text: &str) -> String {
        let listed = crate::enum_strings(schema);
        if listed.contains(&text) {
            // A listed value of a personal enum: another listed value, so it stays valid.
            let r = self.stream(text).next().unwrap_or(0);
            return listed[(r % listed.len() as u64) as usize].to_string();
        }
        match kind {
            PiiKind::Email => match text.rsplit_once('@') {
                Some((local, domain)) => {
                    let labels: Vec<&str> = domain.split('.').collect();
                    let last = labels.len().saturating_sub(1);
                    let domain: Vec<String> = labels
                        .iter()
                        .enumerate()
                        .map(|(i, l)| {
                            if i == last && last > 0 {
                                (*l).to_string()
                            } else {
                                self.string(l, 0)
                            }
                        })
                        .collect();
                    format!("{}@{}", self.string(local, 0), domain.join("."))
                }
                None => self.string(text, 0),
            },
            // The country code (`62`, `+62`) says nothing about the person.
            PiiKind::Phone => self.string(text, 2),
            PiiKind::Secret => {
                let prefix = spec
                    .vendor()
                    .key_prefixes
                    .values()
                    .find(|p| text.starts_with(p.as_str()) && text.len() > p.len());
                match prefix {
                    Some(prefix) => format!("{prefix}{}", self.string(&text[prefix.len()..], 0)),
                    None => self.string(text, 0),
                }
            }
            _ => self.string(text, 0),
        }
    }

    /// A part of a birth date (`{y, m, d}`): a year stays a plausible year, a month a month, a
    /// day a day, 0 (unknown) 0.
    fn date_part(&self, number: &Number) -> Value {
        let Some(n) = number.as_i64() else {
            return self.number(number);
        };
        let r = self.stream(&number.to_string()).next().unwrap_or(0);
        let masked = match n {
            0 => 0,
            1..=12 => 1 + r % 12,
            13..=31 => 13 + r % 16,
            1000..=9999 => 1950 + r % 55,
            _ => return self.number(number),
        };
        Value::from(masked)
    }
}

/// The shape of `value`: what [`Masker::redact`] would keep, with each masked value reduced to
/// its shape (see the [module](self)). A value and any mask of it have the same shape.
pub fn shape(spec: &Spec, schema: Option<&Value>, value: &Value) -> Value {
    Walk {
        spec,
        leaves: &Shape,
    }
    .body(schema, value)
}

/// The shape of an image file's bytes, as [`shape`] gives that of a base64 image.
pub fn image_file_shape(bytes: &[u8]) -> Value {
    Value::String(match image::inspect(bytes) {
        Ok(info) => image_shape(&info),
        Err(_) => format!("[file: {} bytes]", bytes.len()),
    })
}

/// The size a masked image of `bytes` bytes has: rounded down to a multiple of 1 KiB (an
/// image under 1 KiB keeps its size). Rounding down crosses no maximum, and no minimum the
/// specs write: their minimums are multiples of 1 KiB ("100 KB" read as 102,400 bytes).
pub fn size_class(bytes: usize) -> usize {
    if bytes < SIZE_CLASS {
        bytes
    } else {
        bytes / SIZE_CLASS * SIZE_CLASS
    }
}

struct Shape;

impl Leaves for Shape {
    fn pii(&self, _spec: &Spec, kind: PiiKind, schema: &Value, value: &Value) -> Value {
        match value {
            Value::String(text) if crate::enum_strings(schema).contains(&text.as_str()) => {
                Value::String(format!("[{kind}: listed]"))
            }
            // A masked birth-date part may have another digit count (9 can mask to 12).
            Value::Number(_) => Value::String(format!("[{kind}: number]")),
            other => self.undeclared(other),
        }
    }

    fn image(&self, info: &ImageInfo) -> String {
        image_shape(info)
    }

    fn undeclared(&self, value: &Value) -> Value {
        match value {
            Value::Number(n) => Value::String(format!("[number: {}]", classes(&n.to_string()))),
            Value::String(text) if is_uuid(text) => Value::String("[uuid]".into()),
            Value::String(text) => Value::String(format!("[string: {}]", classes(text))),
            other => other.clone(),
        }
    }
}

/// `value` with `leaf` applied to each string and number in it: nulls and flags stay, lists
/// and maps keep their structure.
fn each_scalar(value: &Value, leaf: &impl Fn(&Value) -> Value) -> Value {
    match value {
        Value::Null | Value::Bool(_) => value.clone(),
        Value::Array(items) => items.iter().map(|v| each_scalar(v, leaf)).collect(),
        Value::Object(fields) => fields
            .iter()
            .map(|(k, v)| (k.clone(), each_scalar(v, leaf)))
            .collect(),
        scalar => leaf(scalar),
    }
}

/// `text` with each digit as `9`, each lower-case letter as `a`, each upper-case one as `A`.
fn classes(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            c if c.is_ascii_digit() => '9',
            c if c.is_alphabetic() && c.is_uppercase() => 'A',
            c if c.is_alphabetic() => 'a',
            c => c,
        })
        .collect()
}

fn image_shape(info: &ImageInfo) -> String {
    let (w, h) = info.dimensions().unwrap_or((0, 0));
    format!(
        "[image: {}, {w}x{h}, {} bytes]",
        info.format.as_str(),
        size_class(info.bytes)
    )
}

/// A synthetic image with the format and pixel size of `info` (an SVG without a size gets
/// 1×1; sizes beyond 65,535 pixels are cut there).
fn synthetic(info: &ImageInfo) -> Image {
    let (w, h) = info.dimensions().unwrap_or((1, 1));
    let side = |n: u32| u16::try_from(n).unwrap_or(u16::MAX);
    Image::new(info.format, side(w), side(h))
}

fn is_uuid(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

fn hex(r: u64, upper: bool) -> char {
    let digit = char::from(b"0123456789abcdef"[(r % 16) as usize]);
    if upper {
        digit.to_ascii_uppercase()
    } else {
        digit
    }
}

/// A date written `YYYY-MM-DD` or `DD-MM-YYYY` (with `-`, `/` or `.`), or a bare year, at the
/// start of `text`, as another valid date in the same form; the rest of the text (a time) is
/// kept. `None` when `text` does not start with a date.
fn masked_date(text: &str, random: &mut impl Iterator<Item = u64>) -> Option<String> {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        b.get(range.clone())
            .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
    };
    let separator = |at: usize| matches!(b.get(at), Some(b'-' | b'/' | b'.'));
    let mut draw = || random.next().unwrap_or(0);
    let (year, month, day) = (1950 + draw() % 55, 1 + draw() % 12, 1 + draw() % 28);
    let rest = |at: usize| {
        let tail = &text[at..];
        (tail.is_empty() || !tail.as_bytes()[0].is_ascii_digit()).then_some(tail)
    };
    if digits(0..4) && separator(4) && digits(5..7) && b.get(7) == b.get(4) && digits(8..10) {
        let s = char::from(b[4]);
        return Some(format!("{year:04}{s}{month:02}{s}{day:02}{}", rest(10)?));
    }
    if digits(0..2) && separator(2) && digits(3..5) && b.get(5) == b.get(2) && digits(6..10) {
        let s = char::from(b[2]);
        return Some(format!("{day:02}{s}{month:02}{s}{year:04}{}", rest(10)?));
    }
    if b.len() == 4 && digits(0..4) && (b"19" == &b[..2] || b"20" == &b[..2]) {
        return Some(format!("{year:04}"));
    }
    None
}

/// The schema-guided walk both [`Masker::redact`] and [`shape`] take.
struct Walk<'s, L> {
    spec: &'s Spec,
    leaves: &'s L,
}

impl<L: Leaves> Walk<'_, L> {
    fn body(&self, schema: Option<&Value>, value: &Value) -> Value {
        match schema {
            Some(schema) => self.value(schema, value, 0),
            None => self.undeclared(value),
        }
    }

    fn undeclared(&self, value: &Value) -> Value {
        each_scalar(value, &|v| self.leaves.undeclared(v))
    }

    fn pii(&self, kind: PiiKind, schema: &Value, value: &Value) -> Value {
        each_scalar(value, &|v| self.leaves.pii(self.spec, kind, schema, v))
    }

    fn image(&self, value: &Value) -> Value {
        match value {
            Value::String(text) => match image::inspect_base64(text) {
                Ok(info) => Value::String(self.leaves.image(&info)),
                Err(_) => self.leaves.undeclared(value),
            },
            other => self.undeclared(other),
        }
    }

    fn value(&self, schema: &Value, value: &Value, depth: usize) -> Value {
        let schema = self.spec.resolve(schema);
        if depth > MAX_DEPTH {
            return self.undeclared(value);
        }
        if let Some(kind) = PiiKind::of(schema) {
            return if kind == PiiKind::Image {
                self.image(value)
            } else {
                self.pii(kind, schema, value)
            };
        }
        if image::ImageRule::from_schema(schema).is_some() {
            return self.image(value);
        }
        for combinator in ["oneOf", "anyOf", "allOf"] {
            if let Some(members) = schema.get(combinator).and_then(Value::as_array) {
                // The member the value looks like; none fitting, the value is masked whole.
                return match members.iter().find(|m| self.fits(m, value)) {
                    Some(member) => self.value(member, value, depth + 1),
                    None => self.undeclared(value),
                };
            }
        }
        match value {
            Value::Object(fields) => Value::Object(self.object(schema, fields, depth)),
            Value::Array(items) => match schema.get("items") {
                Some(item) => items
                    .iter()
                    .map(|v| self.value(item, v, depth + 1))
                    .collect(),
                None => self.undeclared(value),
            },
            other => other.clone(),
        }
    }

    fn object(
        &self,
        schema: &Value,
        fields: &Map<String, Value>,
        depth: usize,
    ) -> Map<String, Value> {
        let properties = schema.get("properties").and_then(Value::as_object);
        let additional = schema.get("additionalProperties").filter(|a| a.is_object());
        fields
            .iter()
            .map(|(name, field)| {
                let masked = match properties.and_then(|p| p.get(name)).or(additional) {
                    Some(property) => self.value(property, field, depth + 1),
                    None => self.undeclared(field),
                };
                (name.clone(), masked)
            })
            .collect()
    }

    /// Whether `value` has the `type` of `schema` and, for an object, its required fields.
    fn fits(&self, schema: &Value, value: &Value) -> bool {
        let schema = self.spec.resolve(schema);
        let typed = match schema.get("type").and_then(Value::as_str) {
            Some("string") => value.is_string(),
            Some("integer") => value.is_i64() || value.is_u64(),
            Some("number") => value.is_number(),
            Some("boolean") => value.is_boolean(),
            Some("array") => value.is_array(),
            Some("object") => value.is_object(),
            _ => true,
        };
        let required = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .all(|name| value.get(name).is_some());
        typed && (!value.is_object() || required)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::image::ImageFormat;

    fn demo() -> Spec {
        Spec::from_value(json!({
            "openapi": "3.0.3",
            "info": {"title": "Demo", "version": "1", "x-vendor": "demo"},
            "paths": {},
            "components": {
                "securitySchemes": {"basic": {"type": "http", "scheme": "basic",
                    "x-key-prefixes": {"sandbox": "demo_dev_", "production": "demo_live_"}}},
                "schemas": {
                "Name": {"type": "string", "x-pii": "name"},
                "Gender": {"type": "string", "enum": ["MALE", "FEMALE"], "x-pii": "name"},
                "Person": {
                    "type": "object",
                    "properties": {
                        "nik": {"type": "string", "x-pii": "nik"},
                        "name": {"$ref": "#/components/schemas/Name"},
                        "gender": {"$ref": "#/components/schemas/Gender"},
                        "born": {"type": "string", "x-pii": "birth-date"},
                        "email": {"type": "string", "x-pii": "email"},
                        "phone": {"type": "string", "x-pii": "phone"},
                        "status": {"type": "string", "enum": ["DONE"]},
                        "score": {"type": "number"},
                        "aliases": {"type": "array", "items": {"$ref": "#/components/schemas/Name"}},
                        "address": {"type": "object", "x-pii": "address",
                                    "properties": {"city": {"type": "string"}}},
                        "face": {"type": "string", "format": "byte", "x-max-bytes": 4000000},
                        "key": {"type": "string", "x-pii": "secret"},
                        "year": {"type": "integer", "x-pii": "birth-date"},
                        "when": {"oneOf": [
                            {"type": "string"},
                            {"type": "object", "required": ["y"],
                             "properties": {"y": {"type": "integer"}}}
                        ]}
                    }
                }
            }},
            "security": [{"basic": []}]
        }))
        .unwrap()
    }

    fn person() -> Value {
        json!({
            "nik": "3275031210930027",
            "name": "Eko Hadi Salim",
            "gender": "MALE",
            "born": "12-10-1991",
            "email": "eko.salim@example.co.id",
            "phone": "+6281234567890",
            "status": "DONE",
            "score": 97.5,
            "aliases": ["Eko", "Salim"],
            "address": {"city": "Jakarta", "no": 17},
            "face": Image::jpeg(640, 480).with_comment("a real face").base64(150_000),
            "key": "demo_dev_s3cr3tKEY",
            "year": 1991,
            "when": {"y": 1990, "extra": "Jl. Sudirman"},
            "mother": {"name": "Siti", "age": 70, "id": "8c4d6927-b4e1-428b-b95f-c21b6734b73f"}
        })
    }

    #[test]
    fn masks_keep_each_shape_and_no_value() {
        let spec = demo();
        let masker = Masker::new();
        let schema = spec.schema("Person");
        let real = person();
        let masked = masker.redact(&spec, schema, &real);
        let m = |p: &str| masked.pointer(p).unwrap().clone();
        let nik = m("/nik");
        assert!(
            nik.as_str().unwrap().len() == 16
                && nik.as_str().unwrap().bytes().all(|b| b.is_ascii_digit())
        );
        assert_ne!(nik, real["nik"]);
        let name = m("/name");
        assert_eq!(classes(name.as_str().unwrap()), "Aaa Aaaa Aaaaa");
        assert_ne!(name, real["name"]);
        assert!(["MALE", "FEMALE"].contains(&m("/gender").as_str().unwrap()));
        let born = m("/born");
        let born = born.as_str().unwrap();
        assert_eq!(classes(born), "99-99-9999");
        let (day, month) = (
            born[..2].parse::<u32>().unwrap(),
            born[3..5].parse::<u32>().unwrap(),
        );
        assert!((1..=28).contains(&day) && (1..=12).contains(&month));
        let email = m("/email");
        let email = email.as_str().unwrap();
        assert!(email.ends_with(".id") && email.contains('@') && !email.contains("example"));
        let phone = m("/phone");
        assert!(phone.as_str().unwrap().starts_with("+62"));
        assert_ne!(phone, real["phone"]);
        assert_eq!((m("/status"), m("/score")), (json!("DONE"), json!(97.5)));
        let face = image::inspect_base64(m("/face").as_str().unwrap()).unwrap();
        assert_eq!(
            (face.format, face.dimensions(), face.bytes),
            (ImageFormat::Jpeg, Some((640, 480)), 149_504)
        );
        assert_ne!(m("/face"), real["face"]);
        let key = m("/key");
        assert!(key.as_str().unwrap().starts_with("demo_dev_") && key != real["key"]);
        assert_eq!(
            key.as_str().unwrap().len(),
            real["key"].as_str().unwrap().len()
        );
        let year = m("/year").as_i64().unwrap();
        assert!((1950..2005).contains(&year));
        assert_eq!(classes(m("/address/city").as_str().unwrap()), "Aaaaaaa");
        assert!(m("/address/no").is_i64());
        assert_eq!(m("/when/y"), json!(1990));
        assert_eq!(classes(m("/when/extra").as_str().unwrap()), "Aa. Aaaaaaaa");
        assert!(
            m("/mother/age")
                .as_i64()
                .is_some_and(|n| (10..100).contains(&n))
        );
        assert!(is_uuid(m("/mother/id").as_str().unwrap()));
        assert_ne!(m("/mother/id"), real["mother"]["id"]);
        // No personal value survives anywhere in the text.
        let text = masked.to_string();
        for value in [
            "3275031210930027",
            "Eko",
            "Salim",
            "12-10-1991",
            "eko.salim",
            "81234567890",
            "s3cr3t",
            "Sudirman",
            "Jakarta",
        ] {
            assert!(!text.contains(value), "{value} in {text}");
        }
    }

    #[test]
    fn one_masker_masks_a_value_the_same_way_another_does_not() {
        let spec = demo();
        let schema = spec.schema("Person");
        let masker = Masker::new();
        let once = masker.redact(&spec, schema, &person());
        let again = masker.redact(&spec, schema, &json!({"nik": "3275031210930027"}));
        assert_eq!(once["nik"], again["nik"]);
        let other = Masker::new().redact(&spec, schema, &person());
        assert_ne!(once["nik"], other["nik"]);
        assert_eq!(masker.text("OK"), masker.text("OK"));
    }

    #[test]
    fn a_value_and_its_mask_have_the_same_shape() {
        let spec = demo();
        let schema = spec.schema("Person");
        let real = person();
        let masked = Masker::new().redact(&spec, schema, &real);
        assert_eq!(shape(&spec, schema, &real), shape(&spec, schema, &masked));
        let other = json!({"nik": "327503******0027"});
        let masked_other = Masker::new().redact(&spec, schema, &other);
        assert_eq!(
            masked_other["nik"].as_str().unwrap().matches('*').count(),
            6
        );
        assert_eq!(
            shape(&spec, schema, &other),
            shape(&spec, schema, &masked_other)
        );
        assert_ne!(shape(&spec, schema, &real), shape(&spec, schema, &other));
        let png = Image::png(10, 10).with_comment("me").bytes(5000);
        let masked_png = Masker::new().image_file(&png);
        assert_eq!(image_file_shape(&png), image_file_shape(&masked_png));
        assert_ne!(png, masked_png);
    }

    #[test]
    fn size_classes_round_down_to_a_kib() {
        assert_eq!(size_class(1000), 1000);
        assert_eq!(size_class(102_400), 102_400);
        assert_eq!(size_class(150_000), 149_504);
        assert_eq!(size_class(3_999_999), 3_999_744);
        assert_eq!(size_class(size_class(150_000)), size_class(150_000));
    }
}
