//! The project's own vendor extensions, read through kyc-spec's typed readers: image limits
//! (`x-image-formats`, `x-min-bytes`, `x-max-bytes`, `x-min-pixels`), `x-pii`, `x-charged`,
//! `x-status` and `x-open-enum`. The client and the sandbox enforce these, so a change to them
//! is judged like a change to a standard keyword rather than left to the reviewer.

use std::collections::BTreeSet;

use heck::ToPascalCase;
use kyc_spec::extensions::{self, is_open_enum};
use kyc_spec::image::ImageFormat;
use kyc_spec::{ImageRule, PiiKind, pii_replacement, refs};
use serde_json::Value;

use super::shown as shown_value;
use super::{Ctx, Direction, Walker, defined_at};
use crate::rules::{Class, Rule};

/// The extensions judged here (or, for `x-open-enum`, with the enum they mark); any other `x-`
/// key is reported as not interpreted.
pub(super) const INTERPRETED: [&str; 8] = [
    "x-image-formats",
    "x-min-bytes",
    "x-max-bytes",
    "x-min-pixels",
    "x-pii",
    "x-charged",
    "x-status",
    "x-open-enum",
];

/// One image limit that moved: the extension (`x-min-pixels.width`), its two values as shown,
/// whether fewer images are valid now, and the images that changed sides.
struct Moved {
    key: &'static str,
    old: String,
    new: String,
    tightened: bool,
    images: String,
}

impl Walker<'_> {
    /// Every vocabulary change between two schemas at the same place.
    pub(super) fn vocabulary(&mut self, ctx: &Ctx, old: &Value, new: &Value, pointer: &str) {
        let start = self.findings.len();
        self.image_limits(ctx, old, new, pointer);
        self.pii(ctx, old, new, pointer);
        self.billing(ctx, old, new, pointer);
        self.openness(ctx, old, new, pointer);
        // A value the typed readers do not read (a format name the image reader does not know,
        // a malformed limit) changed without any verdict: hand it to the reviewer rather than
        // drop it.
        if self.findings.len() == start {
            let changed: Vec<String> = INTERPRETED
                .iter()
                .filter(|key| old.get(**key) != new.get(**key))
                .map(|key| {
                    let (was, is) = (shown_value(old.get(*key)), shown_value(new.get(*key)));
                    format!("`{key}` {was} → {is}")
                })
                .collect();
            if !changed.is_empty() {
                let what = format!(
                    "{} (not interpreted: a value kyc-spec does not read; review by hand)",
                    changed.join("; ")
                );
                self.emit(ctx, Rule::NotInterpreted, "", defined_at(pointer, ""), what);
            }
        }
    }

    fn image_limits(&mut self, ctx: &Ctx, old: &Value, new: &Value, pointer: &str) {
        let (o, n) = (ImageRule::from_schema(old), ImageRule::from_schema(new));
        if o.is_none() && n.is_none() {
            return;
        }
        let (o, n) = (o.unwrap_or_default(), n.unwrap_or_default());
        for moved in moved_limits(&o, &n) {
            let (rule, consequence) = match (ctx.direction, moved.tightened) {
                (Direction::Request, true) => (
                    Rule::RequestImageLimitTightened,
                    format!(
                        "{}, which the old spec allowed, are now refused: before sending by a client built from the new spec, and by the vendor when an older client sends them",
                        moved.images
                    ),
                ),
                (Direction::Request, false) => (
                    Rule::RequestImageLimitRelaxed,
                    format!(
                        "{} are now accepted by the vendor (clients built from the old spec still refuse them before sending)",
                        moved.images
                    ),
                ),
                (Direction::Response, false) => (
                    Rule::ResponseImageLimitRelaxed,
                    format!(
                        "the vendor may now send {}, which the old spec ruled out: callers relying on the documented limit may receive them",
                        moved.images
                    ),
                ),
                (Direction::Response, true) => (
                    Rule::ResponseImageLimitTightened,
                    format!("the vendor no longer sends {}", moved.images),
                ),
            };
            let what = format!(
                "`{}` {} → {}: {consequence}",
                moved.key, moved.old, moved.new
            );
            let keyword = moved.key.split('.').next().unwrap_or(moved.key);
            self.emit(
                ctx,
                rule,
                &format!(".{keyword}"),
                defined_at(pointer, keyword),
                what,
            );
        }
    }

    fn pii(&mut self, ctx: &Ctx, old: &Value, new: &Value, pointer: &str) {
        let (o, n) = (PiiKind::of(old), PiiKind::of(new));
        let change = match (o, n) {
            (None, Some(kind)) => {
                format!("`x-pii: {kind}` added: logs (`privacy::redacted_json`) now mask it")
            }
            (Some(kind), None) => format!(
                "`x-pii: {kind}` removed: logs (`privacy::redacted_json`) no longer mask it"
            ),
            (Some(a), Some(b)) if a != b => format!("`x-pii` `{a}` → `{b}`"),
            _ => return,
        };
        // Only a component schema is replaced by a hand-written type (kyc-codegen's
        // `pii_replacements`); an inline field keeps its generated type.
        let component = refs::schema_name(pointer);
        let rust = |schema: &Value, name: &str| match pii_replacement(schema) {
            Some(path) => path.replace("crate::", "kyc_clients::"),
            None => format!("types::{}", name.to_pascal_case()),
        };
        let types = component.map(|name| (rust(old, name), rust(new, name)));
        let effect = types.filter(|(before, after)| before != after);
        let what = match (&effect, component) {
            (Some((before, after)), _) => format!(
                "{change}; the Rust type `{before}` becomes `{after}`{}",
                if after.starts_with("kyc_clients::") {
                    ", whose `Debug` never prints the value"
                } else {
                    ", whose derived `Debug` prints the value"
                }
            ),
            (None, Some(_)) => format!("{change}; the Rust type does not change"),
            (None, None) => format!(
                "{change}; the Rust type does not change (only a component string schema becomes a hand-written type)"
            ),
        };
        self.emit(
            ctx,
            Rule::PiiMarkChanged,
            ".x-pii",
            defined_at(pointer, "x-pii"),
            what,
        );
        if let (Some((before, after)), Some(finding)) = (effect, self.findings.last_mut()) {
            finding.change.class = Class::BreakingRust;
            finding.change.rust_effect = Some(format!(
                "the type `{before}` is now `{after}` wherever the schema is used"
            ));
        }
    }

    /// `x-charged` and `x-status` of an error-code enum, code by code.
    fn billing(&mut self, ctx: &Ctx, old: &Value, new: &Value, pointer: &str) {
        let codes = |key: &str| -> BTreeSet<String> {
            [old, new]
                .iter()
                .filter_map(|v| v.get(key).and_then(Value::as_object))
                .flat_map(|map| map.keys().cloned())
                .collect()
        };
        if old.get("x-charged") != new.get("x-charged") {
            for code in codes("x-charged") {
                let (was, is) = (
                    extensions::charged(old, &code),
                    extensions::charged(new, &code),
                );
                // The client counts an error as charged unless the spec says it is not.
                let (rule, what) = match (was.unwrap_or(true), is.unwrap_or(true)) {
                    (false, true) => (
                        Rule::ErrorBecameCharged,
                        format!(
                            "error `{code}` is now charged: every call answered with it is billed, a retry on it bills again, and `VendorError::is_charged` says so"
                        ),
                    ),
                    (true, false) => (
                        Rule::ErrorNoLongerCharged,
                        format!(
                            "error `{code}` is no longer charged: calls answered with it cost nothing"
                        ),
                    ),
                    _ if was != is => (
                        Rule::DocumentationChanged,
                        format!(
                            "`x-charged` of `{code}` {}: the billing the client assumes does not change",
                            if is.is_some() {
                                "now stated"
                            } else {
                                "dropped"
                            }
                        ),
                    ),
                    _ => continue,
                };
                self.emit(
                    ctx,
                    rule,
                    ".x-charged",
                    defined_at(pointer, "x-charged"),
                    what,
                );
            }
        }
        if old.get("x-status") != new.get("x-status") {
            for code in codes("x-status") {
                let (rule, what) = match (
                    extensions::status(old, &code),
                    extensions::status(new, &code),
                ) {
                    (Some(a), Some(b)) if a != b => (
                        Rule::ErrorStatusChanged,
                        format!(
                            "error `{code}` now comes with HTTP {b} (was {a}): callers matching on the status see another one"
                        ),
                    ),
                    (None, Some(b)) => (
                        Rule::DocumentationChanged,
                        format!("`x-status` of `{code}` now documented as HTTP {b}"),
                    ),
                    (Some(a), None) => (
                        Rule::DocumentationChanged,
                        format!("`x-status` of `{code}` (HTTP {a}) no longer documented"),
                    ),
                    _ => continue,
                };
                self.emit(
                    ctx,
                    rule,
                    ".x-status",
                    defined_at(pointer, "x-status"),
                    what,
                );
            }
        }
    }

    /// `x-open-enum` set or dropped. A value added to an enum is judged with the enum
    /// ([`Walker::enums`]).
    fn openness(&mut self, ctx: &Ctx, old: &Value, new: &Value, pointer: &str) {
        let (was, is) = (is_open_enum(old), is_open_enum(new));
        if was == is {
            return;
        }
        let (rule, what) = match (ctx.direction, is) {
            (Direction::Response, true) => (
                Rule::ResponseEnumOpened,
                "marked open (`x-open-enum: true`): the vendor may send values the enum does not list, which clients built from the old spec, whose enum is closed, fail to decode",
            ),
            (Direction::Response, false) => (
                Rule::ResponseEnumClosed,
                "no longer marked open (`x-open-enum`): the vendor promises listed values only, and clients built from the new spec fail to decode any other",
            ),
            (Direction::Request, _) => (
                Rule::DocumentationChanged,
                "`x-open-enum` set or dropped: no effect on requests, where the client sends listed values only",
            ),
        };
        self.emit(
            ctx,
            rule,
            ".x-open-enum",
            defined_at(pointer, "x-open-enum"),
            what.into(),
        );
    }
}

/// The limits that moved between two image rules (an absent rule is the default: no limit).
fn moved_limits(old: &ImageRule, new: &ImageRule) -> Vec<Moved> {
    let mut out = Vec::new();
    // x-max-bytes: an upper bound.
    if old.max_bytes != new.max_bytes {
        let tightened = match (old.max_bytes, new.max_bytes) {
            (Some(a), Some(b)) => b < a,
            (a, _) => a.is_none(),
        };
        let (lower, upper) = if tightened {
            (new.max_bytes, old.max_bytes)
        } else {
            (old.max_bytes, new.max_bytes)
        };
        out.push(Moved {
            key: "x-max-bytes",
            old: shown(old.max_bytes),
            new: shown(new.max_bytes),
            tightened,
            images: format!(
                "images larger than {}{}",
                lower.map(size).unwrap_or_default(),
                upper
                    .map(|u| format!(" (up to {})", size(u)))
                    .unwrap_or_default()
            ),
        });
    }
    // x-min-bytes and x-min-pixels: lower bounds.
    let widen = |n: Option<u32>| n.map(|n| n as usize);
    out.extend(lower_bound(
        "x-min-bytes",
        old.min_bytes,
        new.min_bytes,
        "smaller",
        size,
    ));
    out.extend(lower_bound(
        "x-min-pixels.width",
        widen(old.min_width),
        widen(new.min_width),
        "narrower",
        pixels,
    ));
    out.extend(lower_bound(
        "x-min-pixels.height",
        widen(old.min_height),
        widen(new.min_height),
        "shorter",
        pixels,
    ));
    // x-image-formats: no list accepts every format the client reads.
    let accepted = |rule: &ImageRule| -> Vec<ImageFormat> {
        if rule.formats.is_empty() {
            ImageFormat::ALL.to_vec()
        } else {
            rule.formats.clone()
        }
    };
    let (was, is) = (accepted(old), accepted(new));
    let formats = |list: &[ImageFormat]| {
        let names: Vec<&str> = list.iter().map(|f| f.as_str()).collect();
        format!("`[{}]`", names.join(", "))
    };
    let dropped: Vec<ImageFormat> = was.iter().filter(|f| !is.contains(f)).copied().collect();
    let added: Vec<ImageFormat> = is.iter().filter(|f| !was.contains(f)).copied().collect();
    for (list, tightened) in [(dropped, true), (added, false)] {
        if list.is_empty() {
            continue;
        }
        let names: Vec<String> = list.iter().map(|f| format!("`{}`", f.as_str())).collect();
        out.push(Moved {
            key: "x-image-formats",
            old: formats(&old.formats),
            new: formats(&new.formats),
            tightened,
            images: format!("{} images", names.join(", ")),
        });
    }
    out
}

/// A lower bound that moved: a higher one, or a new one, tightens. `comparative` names the
/// images below it (`narrower`), `unit` writes a value (`480 px`).
fn lower_bound(
    key: &'static str,
    was: Option<usize>,
    is: Option<usize>,
    comparative: &str,
    unit: fn(usize) -> String,
) -> Option<Moved> {
    if was == is {
        return None;
    }
    let tightened = match (was, is) {
        (Some(a), Some(b)) => b > a,
        (a, _) => a.is_none(),
    };
    let (higher, lower) = if tightened { (is, was) } else { (was, is) };
    Some(Moved {
        key,
        old: shown(was),
        new: shown(is),
        tightened,
        images: format!(
            "images {comparative} than {}{}",
            higher.map(unit).unwrap_or_default(),
            lower
                .map(|l| format!(" (from {})", unit(l)))
                .unwrap_or_default()
        ),
    })
}

/// A limit as the message shows it: `` `524288` `` or `(none)`.
fn shown(value: Option<usize>) -> String {
    value.map_or_else(|| "(none)".to_string(), |v| format!("`{v}`"))
}

/// A byte count as the vendors write it (KB and MB of 1024).
fn size(bytes: usize) -> String {
    const MB: usize = 1024 * 1024;
    if bytes >= MB && bytes.is_multiple_of(MB) {
        format!("{} MB", bytes / MB)
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

fn pixels(n: usize) -> String {
    format!("{n} px")
}
