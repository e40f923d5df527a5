//! Where a node of a spec file is written: JSON pointer → 1-based line of the YAML text.
//!
//! Messages about a spec (the contract report's annotations, a structural check) name a node
//! by its JSON pointer; a reviewer wants the line. [`YamlLines`] scans the text once and
//! records, for every mapping key and sequence item, the line it starts on. It is a small
//! hand-written scanner, not a YAML parser: the text has already been parsed (by
//! `serde_yaml`, in `kyc-spec-load`), so it only needs to follow the structure — block mappings
//! and sequences (`- name: x` items included), flow collections (`[jpeg, png]`, `{width: 1}`,
//! over several lines too, so JSON specs work as well), quoted keys (`"200":`), block scalars
//! (`|`, `>-`), multi-line plain and quoted scalars, comments, anchors and tags. What it does
//! not follow (merge keys, `?` complex keys) is found through its nearest recorded ancestor.
//!
//! `kyc-contract suggest`, which must also know where a node *ends* to edit it, reads the text
//! with `saphyr` (a YAML parser that keeps spans). This scanner stays: the locator sits in the
//! build-time graph of every crate that depends on `kyc-clients` (`kyc-codegen` names spec lines
//! in build errors), where a YAML library would add its crates (`saphyr`, `saphyr-parser`,
//! `hashlink`, `ordered-float`, `arraydeque`, `encoding_rs`: 7 s of CPU in a debug build,
//! measured) to every consumer's build, for line numbers this scanner already finds.

use std::collections::HashMap;

use crate::refs;

/// The line of every mapping key and sequence item of one YAML text, by JSON pointer.
#[derive(Debug, Clone, Default)]
pub struct YamlLines {
    lines: HashMap<String, usize>,
}

/// Where [`YamlLines::locate`] found a pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// 1-based line of the node's key (or of its `- ` for a sequence item).
    pub line: usize,
    /// The pointer of the node found: the one asked for, or its deepest recorded ancestor.
    pub pointer: String,
    /// True when the node asked for was found itself, not an ancestor.
    pub exact: bool,
}

impl YamlLines {
    /// Scans `text` (YAML or JSON). Never fails: a construct the scanner does not follow leaves
    /// its nodes unrecorded, and [`YamlLines::locate`] falls back to their ancestors.
    pub fn new(text: &str) -> Self {
        let mut scanner = Scanner {
            lines: text.lines().collect(),
            row: 0,
            found: HashMap::new(),
        };
        scanner.document();
        Self {
            lines: scanner.found,
        }
    }

    /// The line of exactly this node (`/paths/~1v1~1x/post`, `#` first or not), if recorded.
    pub fn line(&self, pointer: &str) -> Option<usize> {
        self.lines.get(normalize(pointer)).copied()
    }

    /// The line of the node, or of its deepest ancestor recorded; the document root (line 1 of
    /// an empty text) when nothing on the way is.
    pub fn locate(&self, pointer: &str) -> Located {
        let wanted = normalize(pointer);
        let mut current = wanted;
        loop {
            if let Some(&line) = self.lines.get(current) {
                return Located {
                    line,
                    pointer: current.to_string(),
                    exact: current == wanted,
                };
            }
            match current.rfind('/') {
                Some(cut) => current = &current[..cut],
                None => {
                    return Located {
                        line: 1,
                        pointer: String::new(),
                        exact: wanted.is_empty(),
                    };
                }
            }
        }
    }

    /// How many nodes were recorded (the root included).
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// True when nothing was recorded (an empty or comment-only text).
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

fn normalize(pointer: &str) -> &str {
    pointer.strip_prefix('#').unwrap_or(pointer)
}

/// The kind of place a node starts in, which decides what may start there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// After `key:` on the key's line: a scalar or flow collection, or (below) a block node.
    MapValue,
    /// After `- `, or at the start of a line: a block mapping or sequence may start here too.
    Block,
}

struct Scanner<'a> {
    lines: Vec<&'a str>,
    /// The line being read (0-based).
    row: usize,
    found: HashMap<String, usize>,
}

impl Scanner<'_> {
    fn record(&mut self, pointer: &str, row: usize) {
        self.found.entry(pointer.to_string()).or_insert(row + 1);
    }

    fn bytes(&self, row: usize) -> &[u8] {
        self.lines.get(row).map_or(&[][..], |l| l.as_bytes())
    }

    /// The indentation of a line with content; `None` for blank and comment-only lines.
    fn indent(&self, row: usize) -> Option<usize> {
        let line = self.bytes(row);
        let spaces = line.iter().take_while(|&&b| b == b' ').count();
        let rest = skip_blanks(line, spaces);
        (rest < line.len() && line[rest] != b'#').then_some(spaces)
    }

    /// The first line with content at or after `row`.
    fn next_content(&self, mut row: usize) -> Option<usize> {
        while row < self.lines.len() {
            if self.indent(row).is_some() {
                return Some(row);
            }
            row += 1;
        }
        None
    }

    fn document(&mut self) {
        // Directives and document markers before the root node.
        while let Some(row) = self.next_content(self.row) {
            let line = self.lines[row].trim_end();
            if line.starts_with('%') || line == "---" {
                self.row = row + 1;
            } else {
                break;
            }
        }
        let Some(row) = self.next_content(self.row) else {
            return;
        };
        self.record("", row);
        self.row = row;
        let col = self.indent(row).unwrap_or(0);
        self.node("", col, -1, Place::Block);
    }

    /// Reads the node starting at column `col` of the current line. Lines that continue it must
    /// be indented deeper than `owner` (the indentation of the mapping or sequence holding it).
    /// Leaves `self.row` on the first line after the node.
    fn node(&mut self, pointer: &str, col: usize, owner: isize, place: Place) {
        let row = self.row;
        let line = self.bytes(row);
        let col = skip_properties(line, skip_blanks(line, col));
        if col >= line.len() || line[col] == b'#' {
            // Nothing more on this line: the value is the block below, if any.
            self.row = row + 1;
            self.block_below(pointer, owner, place == Place::MapValue);
            return;
        }
        if place == Place::Block && is_sequence_item(line, col) {
            self.sequence(pointer, col);
            return;
        }
        if place == Place::Block && key_at(line, col).is_some() {
            self.mapping(pointer, col);
            return;
        }
        match line[col] {
            b'[' | b'{' => {
                let (end_row, _) = self.flow(pointer, row, col);
                self.row = end_row + 1;
            }
            b'"' | b'\'' => {
                let (end_row, _) = self.quoted(row, col);
                self.row = end_row + 1;
            }
            b'|' | b'>' => {
                self.row = row + 1;
                self.skip_deeper(owner, true);
            }
            _ => {
                self.row = row + 1;
                self.skip_deeper(owner, false);
            }
        }
    }

    /// After a key (or `- `) with nothing on its line: a block node on the next lines, deeper
    /// than `owner` — or, for a mapping value, a sequence at the key's own indentation.
    fn block_below(&mut self, pointer: &str, owner: isize, map_value: bool) {
        let Some(row) = self.next_content(self.row) else {
            return;
        };
        let Some(indent) = self.indent(row) else {
            return;
        };
        let deeper = indent as isize > owner;
        let compact =
            map_value && indent as isize == owner && is_sequence_item(self.bytes(row), indent);
        if deeper || compact {
            self.row = row;
            self.node(pointer, indent, owner, Place::Block);
        }
    }

    /// Skips the lines of a scalar that continues below its first line: lines indented deeper
    /// than `owner`. Block scalars keep comment-like and blank lines; a plain scalar ends at a
    /// comment.
    fn skip_deeper(&mut self, owner: isize, block_scalar: bool) {
        while self.row < self.lines.len() {
            let line = self.bytes(self.row);
            let spaces = line.iter().take_while(|&&b| b == b' ').count();
            let blank = skip_blanks(line, spaces) >= line.len();
            let deeper = spaces as isize > owner;
            let comment = !blank && line[skip_blanks(line, spaces)] == b'#';
            if blank || (deeper && (block_scalar || !comment)) {
                self.row += 1;
            } else {
                break;
            }
        }
    }

    /// A block mapping whose keys sit at column `indent`, the first on the current line.
    fn mapping(&mut self, pointer: &str, indent: usize) {
        loop {
            let row = self.row;
            let line = self.bytes(row);
            match key_at(line, indent) {
                Some((key, after)) => {
                    let child = format!("{pointer}/{}", refs::escape(&key));
                    self.record(&child, row);
                    self.node(&child, after, indent as isize, Place::MapValue);
                }
                // A line the scanner does not read as a key (`? complex`): step over it.
                None => self.row = row + 1,
            }
            match self.next_content(self.row) {
                Some(next)
                    if self.indent(next) == Some(indent)
                        && !is_sequence_item(self.bytes(next), indent) =>
                {
                    self.row = next;
                }
                _ => return,
            }
        }
    }

    /// A block sequence whose `- ` sit at column `indent`, the first on the current line.
    fn sequence(&mut self, pointer: &str, indent: usize) {
        let mut index = 0;
        loop {
            let row = self.row;
            let child = format!("{pointer}/{index}");
            self.record(&child, row);
            self.node(&child, indent + 1, indent as isize, Place::Block);
            index += 1;
            match self.next_content(self.row) {
                Some(next)
                    if self.indent(next) == Some(indent)
                        && is_sequence_item(self.bytes(next), indent) =>
                {
                    self.row = next;
                }
                _ => return,
            }
        }
    }

    /// A flow collection starting with `[` or `{` at (`row`, `col`), possibly over several
    /// lines. Returns the position just after its closing bracket.
    fn flow(&mut self, pointer: &str, row: usize, col: usize) -> (usize, usize) {
        let is_map = self.bytes(row)[col] == b'{';
        let close = if is_map { b'}' } else { b']' };
        let (mut row, mut col) = (row, col + 1);
        let mut index = 0;
        loop {
            (row, col) = self.flow_blanks(row, col);
            let Some(&byte) = self.bytes(row).get(col) else {
                return (row, col); // end of text: unterminated, nothing more to record
            };
            if byte == close {
                return (row, col + 1);
            }
            if byte == b',' {
                col += 1;
                continue;
            }
            let start_row = row;
            let child = if is_map {
                let (key, end) = self.flow_scalar(row, col);
                if end == (row, col) && byte != b':' {
                    col += 1; // a stray indicator (`{a: 1]`): step over it rather than loop
                    continue;
                }
                let child = format!("{pointer}/{}", refs::escape(&key));
                self.record(&child, start_row);
                (row, col) = self.flow_blanks(end.0, end.1);
                if self.bytes(row).get(col) == Some(&b':') {
                    (row, col) = self.flow_blanks(row, col + 1);
                } else {
                    continue; // a key without a value (`{a, b}`)
                }
                child
            } else {
                let child = format!("{pointer}/{index}");
                index += 1;
                self.record(&child, start_row);
                child
            };
            let before = (row, col);
            (row, col) = self.flow_value(&child, row, col);
            if (row, col) == before {
                col += 1; // a stray indicator: step over it rather than loop
            }
        }
    }

    /// One value inside a flow collection; returns the position after it.
    fn flow_value(&mut self, pointer: &str, row: usize, col: usize) -> (usize, usize) {
        match self.bytes(row).get(col) {
            Some(b'[' | b'{') => self.flow(pointer, row, col),
            Some(b',' | b']' | b'}') | None => (row, col),
            Some(_) => {
                let (_, end) = self.flow_scalar(row, col);
                let (next_row, next_col) = self.flow_blanks(end.0, end.1);
                // `[key: value]`: a single-pair mapping inside a sequence; its value follows.
                if self.bytes(next_row).get(next_col) == Some(&b':') {
                    let (r, c) = self.flow_blanks(next_row, next_col + 1);
                    return self.flow_value(pointer, r, c);
                }
                end
            }
        }
    }

    /// A scalar inside a flow collection (quoted or plain), its text, and the position after it.
    fn flow_scalar(&self, row: usize, col: usize) -> (String, (usize, usize)) {
        let line = self.bytes(row);
        if matches!(line.get(col), Some(b'"' | b'\'')) {
            let (end_row, end_col) = self.quoted(row, col);
            let text = if end_row == row {
                unquote(&self.lines[row][col..end_col])
            } else {
                String::new()
            };
            return (text, (end_row, end_col));
        }
        let mut end = col;
        while end < line.len() {
            let b = line[end];
            let next = line.get(end + 1).copied();
            let ends_key = b == b':' && next.is_none_or(|n| b" \t,[]{}".contains(&n));
            let comment = b == b'#' && end > col && matches!(line[end - 1], b' ' | b'\t');
            if b",[]{}".contains(&b) || ends_key || comment {
                break;
            }
            end += 1;
        }
        let text = self.lines[row][col..end].trim().to_string();
        (text, (row, end))
    }

    /// Skips blanks, line ends and comments inside a flow collection.
    fn flow_blanks(&self, mut row: usize, mut col: usize) -> (usize, usize) {
        while row < self.lines.len() {
            let line = self.bytes(row);
            col = skip_blanks(line, col);
            if col < line.len() && line[col] != b'#' {
                return (row, col);
            }
            row += 1;
            col = 0;
        }
        (row, 0)
    }

    /// A quoted scalar opening at (`row`, `col`), possibly over several lines; returns the
    /// position just after its closing quote (the end of the text if there is none).
    fn quoted(&self, mut row: usize, col: usize) -> (usize, usize) {
        let quote = self.bytes(row)[col];
        let mut col = col + 1;
        while row < self.lines.len() {
            let line = self.bytes(row);
            while col < line.len() {
                let b = line[col];
                if quote == b'"' && b == b'\\' {
                    col += 2;
                } else if b == quote {
                    if quote == b'\'' && line.get(col + 1) == Some(&b'\'') {
                        col += 2; // '' is an escaped quote
                    } else {
                        return (row, col + 1);
                    }
                } else {
                    col += 1;
                }
            }
            row += 1;
            col = 0;
        }
        (row, 0)
    }
}

fn skip_blanks(line: &[u8], mut col: usize) -> usize {
    while col < line.len() && matches!(line[col], b' ' | b'\t') {
        col += 1;
    }
    col
}

/// Skips node properties (`&anchor`, `!tag`) and the blanks after them.
fn skip_properties(line: &[u8], mut col: usize) -> usize {
    while col < line.len() && matches!(line[col], b'&' | b'!') {
        while col < line.len() && !matches!(line[col], b' ' | b'\t') {
            col += 1;
        }
        col = skip_blanks(line, col);
    }
    col
}

/// True when a sequence item (`-` then a blank or the line end) starts at `col`.
fn is_sequence_item(line: &[u8], col: usize) -> bool {
    line.get(col) == Some(&b'-') && line.get(col + 1).is_none_or(|b| matches!(b, b' ' | b'\t'))
}

/// The block mapping key starting at `col` (plain or quoted, followed by `:` and a blank or the
/// line end), and the column just after its colon.
fn key_at(line: &[u8], col: usize) -> Option<(String, usize)> {
    let text = std::str::from_utf8(line).ok()?;
    let first = *line.get(col)?;
    let is_colon = |at: usize| {
        line.get(at) == Some(&b':') && line.get(at + 1).is_none_or(|b| matches!(b, b' ' | b'\t'))
    };
    match first {
        b'"' | b'\'' => {
            let mut end = col + 1;
            while end < line.len() {
                if first == b'"' && line[end] == b'\\' {
                    end += 2;
                    continue;
                }
                if line[end] == first {
                    if first == b'\'' && line.get(end + 1) == Some(&b'\'') {
                        end += 2;
                        continue;
                    }
                    break;
                }
                end += 1;
            }
            let after = skip_blanks(line, end + 1);
            is_colon(after).then(|| (unquote(&text[col..=end.min(line.len() - 1)]), after + 1))
        }
        b'[' | b'{' | b'#' | b'?' | b'|' | b'>' | b'*' | b'&' | b'!' => None,
        _ => {
            let mut end = col;
            while end < line.len() {
                if line[end] == b'#' && end > col && matches!(line[end - 1], b' ' | b'\t') {
                    return None; // a comment before any `: `: a plain scalar
                }
                if is_colon(end) {
                    return Some((text[col..end].trim_end().to_string(), end + 1));
                }
                end += 1;
            }
            None
        }
    }
}

/// The text of a quoted scalar written on one line, quotes included in `quoted`.
fn unquote(quoted: &str) -> String {
    let inner = |q: char| {
        quoted
            .strip_prefix(q)
            .map(|s| s.strip_suffix(q).unwrap_or(s))
    };
    if let Some(s) = inner('\'') {
        return s.replace("''", "'");
    }
    let Some(s) = inner('"') else {
        return quoted.to_string();
    };
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(decoded) => out.push(decoded),
                    None => out.push_str(&hex),
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str, pointer: &str) -> Option<usize> {
        YamlLines::new(text).line(pointer)
    }

    const SPEC: &str = r##"# A comment before the root
openapi: 3.0.3
info:
  title: Test   # trailing comment
  description: |
    Block scalar with a line that looks like a key:
      fake: value
    # and one that looks like a comment

  version: "1"
paths:
  /v1/certificate/issuance:
    post:
      tags: [certificate, identity]
      parameters:
        - name: page
          in: query
          schema: {type: integer,
            minimum: 1}
        -
          name: "x-trace"
          in: header
      requestBody:
        content:
          application/json:
            schema:
              $ref: "#/components/schemas/Req"
      responses:
        "200":
          description: >-
            folded
            text
        '404': {description: "not: found, really"}
components:
  schemas:
    FaceImage:
      type: string
      x-image-formats: [jpeg, png]
      x-min-pixels: {width: 1, height: 1}
      x-max-bytes: 1048576
      enum:
      - a
      - "b"
      example: a plain scalar
        that continues
    Anchored: &anchor
      type: object
    Tagged: !!map
      k: v
"##;

    #[test]
    fn block_mappings_comments_and_block_scalars() {
        assert_eq!(line(SPEC, ""), Some(2));
        assert_eq!(line(SPEC, "/openapi"), Some(2));
        assert_eq!(line(SPEC, "/info/title"), Some(4));
        assert_eq!(line(SPEC, "/info/description"), Some(5));
        assert_eq!(line(SPEC, "/info/description/fake"), None);
        assert_eq!(line(SPEC, "/info/version"), Some(10));
        assert_eq!(
            line(SPEC, "#/paths/~1v1~1certificate~1issuance/post"),
            Some(13)
        );
    }

    #[test]
    fn sequences_and_flow_collections() {
        let post = "/paths/~1v1~1certificate~1issuance/post";
        assert_eq!(line(SPEC, &format!("{post}/tags")), Some(14));
        assert_eq!(line(SPEC, &format!("{post}/tags/1")), Some(14));
        assert_eq!(line(SPEC, &format!("{post}/parameters/0")), Some(16));
        assert_eq!(line(SPEC, &format!("{post}/parameters/0/name")), Some(16));
        assert_eq!(line(SPEC, &format!("{post}/parameters/0/in")), Some(17));
        assert_eq!(
            line(SPEC, &format!("{post}/parameters/0/schema/type")),
            Some(18)
        );
        assert_eq!(
            line(SPEC, &format!("{post}/parameters/0/schema/minimum")),
            Some(19)
        );
        assert_eq!(line(SPEC, &format!("{post}/parameters/1")), Some(20));
        assert_eq!(line(SPEC, &format!("{post}/parameters/1/name")), Some(21));
        assert_eq!(line(SPEC, &format!("{post}/parameters/1/in")), Some(22));
        assert_eq!(
            line(
                SPEC,
                &format!("{post}/requestBody/content/application~1json/schema/$ref")
            ),
            Some(27)
        );
    }

    #[test]
    fn quoted_keys_and_flow_values_with_indicators() {
        let responses = "/paths/~1v1~1certificate~1issuance/post/responses";
        assert_eq!(line(SPEC, &format!("{responses}/200")), Some(29));
        assert_eq!(
            line(SPEC, &format!("{responses}/200/description")),
            Some(30)
        );
        assert_eq!(line(SPEC, &format!("{responses}/404")), Some(33));
        assert_eq!(
            line(SPEC, &format!("{responses}/404/description")),
            Some(33)
        );
        assert_eq!(line(SPEC, "/components"), Some(34));
    }

    #[test]
    fn extensions_compact_sequences_plain_scalars_anchors_and_tags() {
        let face = "/components/schemas/FaceImage";
        assert_eq!(line(SPEC, &format!("{face}/x-image-formats")), Some(38));
        assert_eq!(line(SPEC, &format!("{face}/x-image-formats/1")), Some(38));
        assert_eq!(line(SPEC, &format!("{face}/x-min-pixels/height")), Some(39));
        assert_eq!(line(SPEC, &format!("{face}/x-max-bytes")), Some(40));
        assert_eq!(line(SPEC, &format!("{face}/enum/0")), Some(42));
        assert_eq!(line(SPEC, &format!("{face}/enum/1")), Some(43));
        assert_eq!(line(SPEC, &format!("{face}/example")), Some(44));
        assert_eq!(line(SPEC, "/components/schemas/Anchored/type"), Some(47));
        assert_eq!(line(SPEC, "/components/schemas/Tagged/k"), Some(49));
    }

    #[test]
    fn missing_nodes_fall_back_to_the_deepest_ancestor() {
        let lines = YamlLines::new(SPEC);
        let found = lines.locate("#/components/schemas/FaceImage/x-min-bytes");
        assert_eq!(
            found,
            Located {
                line: 36,
                pointer: "/components/schemas/FaceImage".into(),
                exact: false
            }
        );
        let exact = lines.locate("/components/schemas/FaceImage/x-max-bytes");
        assert!(exact.exact);
        assert_eq!(exact.line, 40);
        let root = lines.locate("/nothing/here");
        assert_eq!(
            (root.line, root.pointer.as_str(), root.exact),
            (2, "", false)
        );
        assert_eq!(YamlLines::new("").locate("/a").line, 1);
    }

    #[test]
    fn json_text_over_several_lines() {
        let json = "{\n  \"openapi\": \"3.0.3\",\n  \"paths\": {\n    \"/a\": {\n      \"get\": {\"operationId\": \"x\"}\n    }\n  },\n  \"tags\": [\n    {\"name\": \"t\"}\n  ]\n}\n";
        assert_eq!(line(json, "/openapi"), Some(2));
        assert_eq!(line(json, "/paths/~1a/get/operationId"), Some(5));
        assert_eq!(line(json, "/tags/0/name"), Some(9));
    }

    #[test]
    fn malformed_text_does_not_hang() {
        for text in [
            "a: {b: 1]",
            "a: [1}",
            "a: \"open",
            "- - - x",
            "a: {",
            "? complex\n: v",
            "{: x}",
        ] {
            let _ = YamlLines::new(text);
        }
    }
}
