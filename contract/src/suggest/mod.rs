//! `kyc-contract suggest`: the smallest spec edits that make observed traffic conform.
//!
//! It reads what the validating proxy and the clients found ([`Evidence`]: report lines,
//! `kyc.drift` events, recordings) and edits the spec text where each difference points:
//!
//! | difference (rule) | edit | needs |
//! | --- | --- | --- |
//! | an unlisted enum value (`enum`) | the value added to the enum, listed in `x-undocumented-values` | the value: a drift event's `value`, or a recording (never for an `x-pii` enum) |
//! | an unknown field (`unknown-field`) | the field added as an optional property, `x-undocumented: true`, with the JSON type seen | the type: a recording (without one the property has no `type`) |
//! | a broken `pattern` / `format` | the pattern widened to the documented form or the shapes seen (`(?:old)\|^shape$`), marked `x-undocumented: [pattern]`; without recordings the keyword is removed | the shapes: recordings (masked values keep their shape; an `x-pii` field's shape is generalised: `[0-9]+`) |
//! | a broken length or range | the limit moved to what was seen (lengths of `x-pii` values too), or removed | the values: recordings (never an `x-pii` number) |
//! | a fraction where an integer was documented (`type`) | `type: number` | nothing |
//! | a missing required field (`required`) | the field no longer required | nothing |
//! | an undeclared status (`status`) | the status declared, its body the same as the declared status of its class, `x-undocumented: true` | nothing |
//!
//! Each edit carries its evidence in a `description` (how often, first seen, where). A schema
//! requests use too is never relaxed (the client would send what the vendor only ever
//! answered), except for an enum value; what is not suggested is listed as a note, with why.

pub mod evidence;
mod shapes;
mod yaml;

use std::collections::{BTreeMap, BTreeSet};

use kyc_spec::validate::Validator;
use kyc_spec::{Spec, refs};
use serde_json::Value;

pub use evidence::{Evidence, Observation, Recording};

use crate::Report;
use crate::input::{self, InputError};
use yaml::{YamlText, quoted, scalar};

/// A spec file: its path as the patch names it (`openapi/kredibel.yaml`) and its text.
#[derive(Debug, Clone)]
pub struct SpecText {
    /// The path, relative to where the patch is applied.
    pub file: String,
    /// The text.
    pub text: String,
}

/// One spec file before and after the suggested edits.
#[derive(Debug, Clone)]
pub struct PatchedFile {
    /// The path.
    pub file: String,
    /// The text before.
    pub old: String,
    /// The text after.
    pub new: String,
}

/// What [`suggest`] found.
#[derive(Debug)]
pub struct Suggestion {
    /// The files it changes (only those).
    pub files: Vec<PatchedFile>,
    /// Differences it did not turn into an edit, and why; one sentence each, no value.
    pub notes: Vec<String>,
    /// The contract review of the edits (`kyc-contract diff` of each file before and after).
    pub report: Report,
}

impl Suggestion {
    /// True when nothing is to change.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The edits as one unified diff (`a/<file>`, `b/<file>`), which `git apply` takes.
    pub fn patch(&self) -> String {
        let mut out = String::new();
        for file in &self.files {
            let diff = similar::TextDiff::from_lines(&file.old, &file.new);
            let text = diff
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{}", file.file), &format!("b/{}", file.file))
                .to_string();
            out.push_str(&format!("diff --git a/{0} b/{0}\n", file.file));
            out.push_str(&text);
        }
        out
    }
}

/// What one difference asks of the spec.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Intent {
    AddEnumValue {
        schema: String,
        value: String,
        shared: bool,
    },
    AddProperty {
        object: String,
        name: String,
    },
    Relax {
        schema: String,
        keyword: String,
        pii: bool,
    },
    Unrequire {
        object: String,
        name: String,
    },
    AddStatus {
        operation: String,
        status: u16,
    },
}

/// The evidence behind one intent.
#[derive(Debug, Clone, Default)]
struct Seen {
    count: usize,
    first: Option<(String, String)>,
    values: Vec<Value>,
    /// JSON types named by the evidence itself (a report's `json_type`).
    types: BTreeSet<String>,
}

impl Seen {
    /// One more observation; `first` is when and where it was seen (the time may be empty).
    fn add(&mut self, first: (String, String), values: Vec<Value>) {
        self.count += 1;
        let earlier = match &self.first {
            None => true,
            Some((when, _)) => !first.0.is_empty() && (when.is_empty() || first.0 < *when),
        };
        if earlier {
            self.first = Some(first);
        }
        for value in values {
            if !self.values.contains(&value) {
                self.values.push(value);
            }
        }
    }

    /// `seen 3 times, first 2026-12-07T04:29:29Z (drift.jsonl:4)`.
    fn sentence(&self) -> String {
        let times = if self.count == 1 {
            "once".to_string()
        } else {
            format!("{} times", self.count)
        };
        match &self.first {
            Some((when, source)) if !when.is_empty() => {
                format!("seen {times}, first {when} ({source})")
            }
            Some((_, source)) => format!("seen {times}, first in {source}"),
            None => format!("seen {times}"),
        }
    }
}

/// The smallest edits of `specs` that make the traffic of `evidence` conform (see the
/// [module](self)). The specs are matched to the evidence by vendor (`info.x-vendor`).
pub fn suggest(specs: &[SpecText], evidence: &Evidence) -> Result<Suggestion, InputError> {
    let parsed: Vec<Spec> = specs
        .iter()
        .map(|s| input::parse_text(&s.file, &s.text))
        .collect::<Result<_, _>>()?;
    // What requests use, once per spec: no schema they share is relaxed.
    let requests: Vec<BTreeSet<String>> = parsed.iter().map(request_schemas).collect();
    let mut notes = BTreeSet::new();
    let mut intents: BTreeMap<(usize, Intent), Seen> = BTreeMap::new();
    for observation in evidence.effective() {
        let Some(index) = parsed
            .iter()
            .position(|s| s.vendor().name == observation.vendor)
        else {
            notes.insert(format!(
                "{}: no spec names this vendor; its differences are left out",
                observation.vendor
            ));
            continue;
        };
        let spec = &parsed[index];
        let shown: Vec<&Recording> = evidence
            .recordings
            .iter()
            .filter(|r| r.shows(&observation))
            .collect();
        match plan(spec, &requests[index], &shown, &observation) {
            Ok((intent, values)) => {
                // When and where first: the evidence's own time, else its recording's.
                let first = match &observation.seen_at {
                    Some(when) => (when.clone(), observation.source.clone()),
                    None => shown
                        .iter()
                        .filter_map(|r| {
                            let when = r.value["recorded_at"].as_str()?;
                            Some((when.to_string(), r.file.clone()))
                        })
                        .min()
                        .unwrap_or_else(|| (String::new(), observation.source.clone())),
                };
                let seen = intents.entry((index, intent)).or_default();
                seen.add(first, values);
                seen.types.extend(observation.json_type.clone());
            }
            Err(Some(note)) => {
                notes.insert(note);
            }
            Err(None) => {}
        }
    }
    let mut texts: Vec<YamlText> = specs.iter().map(|s| YamlText::new(&s.text)).collect();
    for ((index, intent), seen) in &intents {
        let spec = &parsed[*index];
        if let Err(note) = apply(spec, &mut texts[*index], intent, seen) {
            notes.insert(note);
        }
    }
    let mut files = Vec::new();
    let mut vendors = Vec::new();
    for ((spec_text, text), old) in specs.iter().zip(&texts).zip(&parsed) {
        let new_text = text.text();
        if new_text == spec_text.text {
            continue;
        }
        let new = input::parse_text(&spec_text.file, &new_text).map_err(|e| InputError {
            file: e.file,
            problem: format!(
                "the suggested edits do not parse (a kyc-contract bug): {}",
                e.problem
            ),
        })?;
        vendors.push(crate::diff_vendor(&spec_text.file, Some(old), Some(&new)));
        files.push(PatchedFile {
            file: spec_text.file.clone(),
            old: spec_text.text.clone(),
            new: new_text,
        });
    }
    Ok(Suggestion {
        files,
        notes: notes.into_iter().collect(),
        report: Report::new(vendors),
    })
}

/// The intent of one observation and the recorded values behind it; `Err` with a note when
/// it asks for no edit or for one this tool does not make (`None`: nothing worth saying).
/// `requests` are the spec's [`request_schemas`]; `shown`, the recordings of the observation.
fn plan(
    spec: &Spec,
    requests: &BTreeSet<String>,
    shown: &[&Recording],
    observation: &Observation,
) -> Result<(Intent, Vec<Value>), Option<String>> {
    let label = format!(
        "{} {}",
        observation.vendor,
        observation.operation.as_deref().unwrap_or("(no operation)")
    );
    if observation.direction != "response" {
        return Err(Some(format!(
            "{label}: request differences ({}) are the caller's to fix, not the spec's: left out",
            observation.rule
        )));
    }
    let Some(operation) = observation
        .operation
        .as_deref()
        .and_then(|id| spec.operation(id))
    else {
        return Err(Some(format!("{label}: no operation of the spec; left out")));
    };
    if observation.rule == "status" {
        if !(100..600).contains(&observation.status) {
            return Err(Some(format!(
                "{label}: an undeclared status with no status number in the evidence; left out"
            )));
        }
        if spec
            .response_key(&operation.id, observation.status)
            .is_some()
        {
            return Err(None); // declared since
        }
        return Ok((
            Intent::AddStatus {
                operation: operation.pointer.clone(),
                status: observation.status,
            },
            Vec::new(),
        ));
    }
    let at = format!("{label} `{}` ({})", observation.path, observation.rule);
    let Some(root) = response_schema_pointer(spec, operation, observation.status) else {
        return Err(Some(format!(
            "{at}: the status has no JSON schema; left out"
        )));
    };
    let document = spec.document();
    let path = yaml::segments(&observation.path);
    let values: Vec<Value> = shown
        .iter()
        .filter_map(|r| r.response_value(&observation.path).cloned())
        .collect();
    match observation.rule.as_str() {
        "enum" => {
            let mut pii = false;
            let schema = descend(document, root, &path, &mut pii).ok_or_else(|| not_found(&at))?;
            if pii {
                return Err(Some(format!(
                    "{at}: the enum is `x-pii`: its values are never suggested; read the vendor's docs"
                )));
            }
            let value = observation
                .value
                .clone()
                .or_else(|| values.iter().find_map(|v| v.as_str().map(str::to_string)))
                .ok_or_else(|| {
                    Some(format!(
                        "{at}: no evidence names the value (give the drift events, or --recordings)"
                    ))
                })?;
            let listed = document.pointer(&schema).map(kyc_spec::enum_strings);
            if listed.is_some_and(|listed| listed.contains(&value.as_str())) {
                return Err(None); // listed since
            }
            let shared = requests.contains(&schema);
            Ok((
                Intent::AddEnumValue {
                    schema,
                    value,
                    shared,
                },
                Vec::new(),
            ))
        }
        "unknown-field" | "required" => {
            let (parent, name) = path.split_at(path.len().saturating_sub(1));
            let name = name.first().cloned().ok_or_else(|| not_found(&at))?;
            let mut pii = false;
            let object = descend(document, root, parent, &mut pii).ok_or_else(|| not_found(&at))?;
            if requests.contains(&object) {
                return Err(Some(shared_note(&at, &object)));
            }
            let node = document.pointer(&object).unwrap_or(&Value::Null);
            let declared = node
                .pointer(&format!("/properties/{}", refs::escape(&name)))
                .is_some();
            let required = node["required"]
                .as_array()
                .is_some_and(|r| r.iter().any(|n| n.as_str() == Some(name.as_str())));
            if (observation.rule == "required" && !required)
                || (observation.rule == "unknown-field" && declared)
            {
                return Err(None); // changed since
            }
            Ok(if observation.rule == "required" {
                (Intent::Unrequire { object, name }, Vec::new())
            } else {
                (Intent::AddProperty { object, name }, values)
            })
        }
        "format" | "pattern" | "minLength" | "maxLength" | "minimum" | "maximum" | "type"
        | "minItems" | "maxItems" | "uniqueItems" => {
            let mut pii = false;
            let schema = descend(document, root, &path, &mut pii).ok_or_else(|| not_found(&at))?;
            if requests.contains(&schema) {
                return Err(Some(shared_note(&at, &schema)));
            }
            let node = document.pointer(&schema).unwrap_or(&Value::Null);
            let conforms = !values.is_empty()
                && values
                    .iter()
                    .all(|v| Validator::new(spec).response().value(node, v).is_empty());
            if conforms {
                return Err(None); // relaxed since
            }
            if observation.rule == "type" && node.get("type") != Some(&Value::from("integer")) {
                return Err(Some(format!(
                    "{at}: a value of another JSON kind is no relaxation; left out"
                )));
            }
            Ok((
                Intent::Relax {
                    schema,
                    keyword: observation.rule.clone(),
                    pii,
                },
                values,
            ))
        }
        _ => Err(Some(format!(
            "{at}: nothing in the spec's schemas to change; left out"
        ))),
    }
}

fn not_found(at: &str) -> Option<String> {
    Some(format!(
        "{at}: the path is not in the response's schema; left out"
    ))
}

fn shared_note(at: &str, schema: &str) -> String {
    format!(
        "{at}: `#{schema}` is also a request schema; relaxing it would let the client send what the vendor only answered. Give the response a schema of its own"
    )
}

/// The pointer of the JSON schema of the response of `operation` covering `status`.
fn response_schema_pointer(
    spec: &Spec,
    operation: &kyc_spec::Operation,
    status: u16,
) -> Option<String> {
    let key = spec.response_key(&operation.id, status)?;
    let document = spec.document();
    let response = deref(
        document,
        format!("{}/responses/{}", operation.pointer, refs::escape(key)),
    )?;
    let content = document.pointer(&response)?.get("content")?.as_object()?;
    let media = content
        .keys()
        .find(|m| *m == "application/json" || m.ends_with("+json"))?;
    deref(
        document,
        format!("{response}/content/{}/schema", refs::escape(media)),
    )
}

/// `pointer` with every `$ref` on the way followed; `None` when a reference points at nothing
/// (or references loop).
fn deref(document: &Value, pointer: String) -> Option<String> {
    let (node, reference) = refs::resolve_reference(document, document.pointer(&pointer)?);
    if refs::reference_of(node).is_some() {
        return None;
    }
    Some(match reference {
        Some(target) => target.strip_prefix('#').unwrap_or(target).to_string(),
        None => pointer,
    })
}

/// The pointer of the schema that describes the body at `path` below the schema at `pointer`
/// (references followed); `pii` is set when an `x-pii` mark covers it.
fn descend(document: &Value, pointer: String, path: &[String], pii: &mut bool) -> Option<String> {
    let pointer = deref(document, pointer)?;
    let node = document.pointer(&pointer)?;
    if node.get("x-pii").is_some() {
        *pii = true;
    }
    let Some((segment, rest)) = path.split_first() else {
        return Some(pointer);
    };
    if node
        .pointer(&format!("/properties/{}", refs::escape(segment)))
        .is_some()
    {
        return descend(
            document,
            format!("{pointer}/properties/{}", refs::escape(segment)),
            rest,
            pii,
        );
    }
    if node.get("items").is_some() && segment.parse::<usize>().is_ok() {
        return descend(document, format!("{pointer}/items"), rest, pii);
    }
    for combinator in ["oneOf", "anyOf", "allOf"] {
        let members = node.get(combinator).and_then(Value::as_array);
        for i in 0..members.map_or(0, Vec::len) {
            let mut inner = *pii;
            if let Some(found) = descend(
                document,
                format!("{pointer}/{combinator}/{i}"),
                path,
                &mut inner,
            ) {
                *pii = inner;
                return Some(found);
            }
        }
    }
    if node
        .get("additionalProperties")
        .is_some_and(Value::is_object)
    {
        return descend(
            document,
            format!("{pointer}/additionalProperties"),
            rest,
            pii,
        );
    }
    None
}

/// Every schema (by pointer, references followed) a request body or parameter uses.
fn request_schemas(spec: &Spec) -> BTreeSet<String> {
    let document = spec.document();
    let mut found = BTreeSet::new();
    for operation in spec.operations() {
        let node = spec.operation_node(operation);
        if let Some(body) = deref(document, format!("{}/requestBody", operation.pointer))
            && let Some(content) = document
                .pointer(&body)
                .and_then(|b| b.get("content"))
                .and_then(Value::as_object)
        {
            for media in content.keys() {
                let at = format!("{body}/content/{}/schema", refs::escape(media));
                collect(document, at, &mut found);
            }
        }
        let count = node
            .get("parameters")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        for i in 0..count {
            if let Some(parameter) =
                deref(document, format!("{}/parameters/{i}", operation.pointer))
            {
                collect(document, format!("{parameter}/schema"), &mut found);
            }
        }
    }
    found
}

fn collect(document: &Value, pointer: String, found: &mut BTreeSet<String>) {
    let Some(pointer) = deref(document, pointer) else {
        return;
    };
    if !found.insert(pointer.clone()) {
        return;
    }
    let Some(node) = document.pointer(&pointer) else {
        return;
    };
    for name in node
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|p| p.keys())
    {
        collect(
            document,
            format!("{pointer}/properties/{}", refs::escape(name)),
            found,
        );
    }
    if node.get("items").is_some() {
        collect(document, format!("{pointer}/items"), found);
    }
    if node
        .get("additionalProperties")
        .is_some_and(Value::is_object)
    {
        collect(document, format!("{pointer}/additionalProperties"), found);
    }
    for combinator in ["oneOf", "anyOf", "allOf"] {
        let count = node
            .get(combinator)
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        for i in 0..count {
            collect(document, format!("{pointer}/{combinator}/{i}"), found);
        }
    }
}

/// Makes one edit in `text`; `Err` with a note when the spec is not written in a way this
/// tool edits (a flow mapping, a `$ref` with siblings to add).
fn apply(spec: &Spec, text: &mut YamlText, intent: &Intent, seen: &Seen) -> Result<(), String> {
    let document = spec.document();
    let evidence = seen.sentence();
    let cannot =
        |what: &str| format!("`{what}` is not written as a block mapping; edit it by hand");
    match intent {
        Intent::AddEnumValue {
            schema,
            value,
            shared,
        } => {
            if !text.is_block_mapping(schema) {
                return Err(cannot(schema));
            }
            let also = if *shared {
                " Requests may send it too: this enum is also a request's."
            } else {
                ""
            };
            text.add_to_list(schema, "enum", value, None);
            text.add_to_list(schema, "x-undocumented-values", value, Some("enum"));
            text.append_description(
                schema,
                &format!(
                    "Undocumented value `{value}`: not in the vendor's docs, {evidence} (kyc-contract suggest).{also}"
                ),
            );
        }
        Intent::AddProperty { object, name } => {
            if !text.is_block_mapping(object) {
                return Err(cannot(object));
            }
            let mut types: BTreeSet<&str> = seen.values.iter().map(kyc_spec::json_type).collect();
            types.extend(seen.types.iter().map(String::as_str));
            let mut lines = vec![format!("{}:", scalar(name))];
            lines.push("  description: |".into());
            let typed = match types
                .iter()
                .copied()
                .filter(|t| *t != "null")
                .collect::<Vec<_>>()[..]
            {
                [one] => Some(one),
                _ => None,
            };
            let kind = match (typed, types.is_empty()) {
                (Some(t), _) => format!("JSON type {t}"),
                (None, true) => "JSON type not recorded".to_string(),
                (None, false) => format!(
                    "JSON types {}",
                    types.iter().copied().collect::<Vec<_>>().join(", ")
                ),
            };
            lines.push(format!(
                "    Undocumented field: not in the vendor's docs, {evidence}, {kind} (kyc-contract suggest). Say what it holds, and mark it `x-pii` if it is personal."
            ));
            match typed {
                Some("array") => {
                    lines.push("  type: array".into());
                    lines.push("  items:".into());
                    lines.push("    description: One item, as the vendor sent it.".into());
                }
                Some(t) => lines.push(format!("  type: {t}")),
                None => {}
            }
            if types.contains("null") {
                lines.push("  nullable: true".into());
            }
            lines.push("  x-undocumented: true".into());
            let properties = format!("{object}/properties");
            if text.is_block_mapping(&properties) {
                text.insert_key(&properties, None, lines);
            } else {
                let mut block = vec!["properties:".to_string()];
                block.extend(lines.into_iter().map(|l| format!("  {l}")));
                text.insert_key(object, None, block);
            }
        }
        Intent::Unrequire { object, name } => {
            if !text.remove_from_list(object, "required", name) {
                return Err(format!("`#{object}` does not list `{name}` as required"));
            }
            text.append_description(
                object,
                &format!(
                    "`{name}` is not required: the vendor left it out, {evidence} (kyc-contract suggest)."
                ),
            );
            let property = format!("{object}/properties/{}", refs::escape(name));
            if text.is_block_mapping(&property)
                && document
                    .pointer(&property)
                    .is_some_and(|p| refs::reference_of(p).is_none())
            {
                text.set_key(&property, "x-undocumented", "true", None);
            }
        }
        Intent::Relax {
            schema,
            keyword,
            pii,
        } => {
            if !text.is_block_mapping(schema) {
                return Err(cannot(schema));
            }
            let node = document.pointer(schema).unwrap_or(&Value::Null);
            relax(text, schema, node, keyword, *pii, seen)?;
        }
        Intent::AddStatus { operation, status } => {
            let responses = format!("{operation}/responses");
            let Some(declared) = document.pointer(&responses).and_then(Value::as_object) else {
                return Err(format!("`#{responses}` is missing"));
            };
            let class = format!("{}XX", status / 100);
            let template = declared
                .keys()
                .find(|k| **k == class)
                .or_else(|| declared.keys().find(|k| k.starts_with(&class[..1])))
                .or_else(|| {
                    declared
                        .keys()
                        .find(|k| k.starts_with('4') || *k == "default")
                });
            let mut lines = vec![format!("{}:", quoted(&status.to_string()))];
            let from = match template {
                Some(key) => format!(" Its body is read as the `{key}` answer's, a guess."),
                None => String::new(),
            };
            lines.push("  description: |".into());
            lines.push(format!(
                "    Undocumented status: not in the vendor's docs, {evidence} (kyc-contract suggest).{from}"
            ));
            lines.push("  x-undocumented: true".into());
            if let Some(key) = template
                && let Some(resolved) =
                    deref(document, format!("{responses}/{}", refs::escape(key)))
                && let Some(response) = document.pointer(&resolved)
            {
                if let Some(charged) = kyc_spec::extensions::response_charged(response) {
                    lines.push(format!("  x-charged: {charged}"));
                }
                if let Some(content) = response.get("content").and_then(Value::as_object) {
                    lines.push("  content:".into());
                    for (media, body) in content {
                        lines.push(format!("    {}:", scalar(media)));
                        if let Some(schema) = body.get("schema") {
                            match refs::reference_of(schema) {
                                Some(target) => {
                                    lines.push("      schema:".into());
                                    lines.push(format!("        $ref: {}", quoted(target)));
                                }
                                None => {
                                    return Err(format!(
                                        "the `{key}` answer's schema is inline; declare HTTP {status} by hand"
                                    ));
                                }
                            }
                        }
                    }
                }
            }
            text.insert_key(&responses, None, lines);
        }
    }
    Ok(())
}

/// Widens or removes `keyword` of the schema at `pointer` (its node `node`) so the values
/// seen pass.
fn relax(
    text: &mut YamlText,
    pointer: &str,
    node: &Value,
    keyword: &str,
    pii: bool,
    seen: &Seen,
) -> Result<(), String> {
    let evidence = seen.sentence();
    let strings: Vec<&str> = seen.values.iter().filter_map(Value::as_str).collect();
    let numbers: Vec<f64> = seen.values.iter().filter_map(Value::as_f64).collect();
    let mark = |text: &mut YamlText, keyword: &str| {
        if !kyc_spec::extensions::is_undocumented(node) {
            text.add_to_list(pointer, "x-undocumented", keyword, None);
        }
    };
    let unmark = |text: &mut YamlText, keyword: &str| {
        text.remove_from_list(pointer, "x-undocumented", keyword);
    };
    let sentence = match keyword {
        "pattern" | "format" => {
            let old = match keyword {
                "pattern" => node
                    .get("pattern")
                    .and_then(Value::as_str)
                    .map(|p| format!("(?:{p})")),
                _ => node
                    .get("format")
                    .and_then(Value::as_str)
                    .and_then(shapes::format_pattern)
                    .map(|p| format!("^(?:{p})$")),
            };
            let described = match keyword {
                "pattern" => "its pattern".to_string(),
                _ => format!(
                    "`format: {}`",
                    node.get("format").and_then(Value::as_str).unwrap_or("?")
                ),
            };
            if keyword == "format" {
                text.remove_key(pointer, "format");
                unmark(text, "format");
            }
            match (old, strings.is_empty()) {
                (Some(old), false) => {
                    let mut seen_shapes: Vec<String> = strings
                        .iter()
                        .map(|s| shapes::shape_pattern(s, pii))
                        .collect();
                    seen_shapes.sort();
                    seen_shapes.dedup();
                    let pattern = format!("{old}|^(?:{})$", seen_shapes.join("|"));
                    text.set_key(pointer, "pattern", &quoted(&pattern), Some("type"));
                    mark(text, "pattern");
                    format!(
                        "Widened from {described} to the shapes the vendor sent, {evidence} (kyc-contract suggest)."
                    )
                }
                _ => {
                    if keyword == "pattern" {
                        text.remove_key(pointer, "pattern");
                        unmark(text, "pattern");
                    }
                    format!(
                        "{described} removed: the vendor sent values that break it, {evidence}; no recording shows their shape (kyc-contract suggest)."
                    )
                }
            }
        }
        "minLength" | "maxLength" if !strings.is_empty() => {
            let lengths = strings.iter().map(|s| s.chars().count());
            let limit = if keyword == "minLength" {
                lengths.min()
            } else {
                lengths.max()
            }
            .unwrap_or_default();
            text.set_key(pointer, keyword, &limit.to_string(), None);
            mark(text, keyword);
            format!(
                "`{keyword}` moved to {limit}, what the vendor sent, {evidence} (kyc-contract suggest)."
            )
        }
        "minimum" | "maximum" if !numbers.is_empty() && !pii => {
            let limit = if keyword == "minimum" {
                numbers.iter().copied().fold(f64::INFINITY, f64::min)
            } else {
                numbers.iter().copied().fold(f64::NEG_INFINITY, f64::max)
            };
            let limit = serde_json::Number::from_f64(limit)
                .map_or_else(|| limit.to_string(), |n| n.to_string());
            text.set_key(pointer, keyword, &limit, None);
            mark(text, keyword);
            format!(
                "`{keyword}` moved to {limit}, what the vendor sent, {evidence} (kyc-contract suggest)."
            )
        }
        "type" => {
            text.set_key(pointer, "type", "number", None);
            if matches!(
                node.get("format").and_then(Value::as_str),
                Some("int32" | "int64")
            ) {
                text.remove_key(pointer, "format");
                unmark(text, "format");
            }
            format!(
                "`type: number`, not `integer`: the vendor sent fractions, {evidence} (kyc-contract suggest)."
            )
        }
        keyword => {
            text.remove_key(pointer, keyword);
            unmark(text, keyword);
            format!(
                "`{keyword}` removed: the vendor sent values that break it, {evidence} (kyc-contract suggest)."
            )
        }
    };
    text.append_description(pointer, &sentence);
    Ok(())
}
