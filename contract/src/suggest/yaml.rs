//! Line edits of a YAML spec at the nodes a JSON pointer names, with the spans `saphyr` keeps:
//! every edit replaces, inserts or deletes whole lines of the node concerned, so comments,
//! order and every other line stay as written.
//!
//! The hand-written scanner of `kyc_spec::locate` knows the line a node *starts* on; an edit
//! also needs where it *ends* (a block scalar, a nested mapping), which saphyr's spans give.
//! Each edit parses the text afresh, so edits compose.

use saphyr::{LoadableYamlNode, MarkedYamlOwned};

/// A spec's text as lines, edited one change at a time.
#[derive(Debug, Clone)]
pub(crate) struct YamlText {
    lines: Vec<String>,
    trailing_newline: bool,
}

/// Where a mapping key and its value are, as 0-based line numbers.
#[derive(Debug, Clone, Copy)]
struct Entry {
    /// The key's line.
    key_line: usize,
    /// The key's column.
    indent: usize,
    /// The last line of the value (trailing blank and comment lines excluded).
    last_line: usize,
}

impl YamlText {
    pub(crate) fn new(text: &str) -> Self {
        Self {
            lines: text.lines().map(str::to_string).collect(),
            trailing_newline: text.ends_with('\n'),
        }
    }

    pub(crate) fn text(&self) -> String {
        let mut text = self.lines.join("\n");
        if self.trailing_newline {
            text.push('\n');
        }
        text
    }

    fn parse(&self) -> Option<MarkedYamlOwned> {
        MarkedYamlOwned::load_from_str(&self.text())
            .ok()?
            .into_iter()
            .next()
    }

    /// The node at `pointer` (a JSON pointer into the document), references not followed.
    fn node<'a>(root: &'a MarkedYamlOwned, pointer: &str) -> Option<&'a MarkedYamlOwned> {
        let mut node = root;
        for segment in segments(pointer) {
            node = child(node, &segment)?.1;
        }
        Some(node)
    }

    /// The key `key` of the mapping at `pointer`.
    fn entry(&self, pointer: &str, key: &str) -> Option<Entry> {
        let root = self.parse()?;
        let (key_node, value) = child(Self::node(&root, pointer)?, key)?;
        self.entry_at(key_node, value)
    }

    /// Where the mapping entry of `key` and `value` is written.
    fn entry_at(&self, key: &MarkedYamlOwned, value: &MarkedYamlOwned) -> Option<Entry> {
        let key_line = key.span.start.line().checked_sub(1)?;
        Some(Entry {
            key_line,
            indent: key.span.start.col(),
            last_line: self.last_line(key_line, value),
        })
    }

    /// The last line of a node starting on or after `first`: saphyr's span ends where the next
    /// token starts, so blank and comment lines before it are not the node's.
    fn last_line(&self, first: usize, node: &MarkedYamlOwned) -> usize {
        let end = node.span.end;
        let (end_line, end_col) = (end.line().saturating_sub(1), end.col());
        let text_before = self
            .lines
            .get(end_line)
            .map(|l| l.chars().take(end_col).all(char::is_whitespace))
            .unwrap_or(true);
        let mut last = if text_before && end_line > first {
            end_line - 1
        } else {
            end_line.min(self.lines.len().saturating_sub(1))
        };
        while last > first && is_blank_or_comment(&self.lines[last]) {
            last -= 1;
        }
        last.max(first)
    }

    /// The keys of the mapping at `pointer`, with their entries, in order.
    fn entries(&self, pointer: &str) -> Option<Vec<(String, Entry)>> {
        let root = self.parse()?;
        let node = Self::node(&root, pointer)?;
        let map = node.data.as_mapping()?;
        Some(
            map.iter()
                .filter_map(|(k, v)| Some((key_text(k)?, self.entry_at(k, v)?)))
                .collect(),
        )
    }

    /// The items of the sequence under `key` of the mapping at `pointer`, as text, whether
    /// the sequence is written in flow style on the key's line, and where the entry is.
    fn list(&self, pointer: &str, key: &str) -> Option<(Vec<String>, bool, Entry)> {
        let root = self.parse()?;
        let (key_node, value) = child(Self::node(&root, pointer)?, key)?;
        let entry = self.entry_at(key_node, value)?;
        let items = value
            .data
            .as_sequence()?
            .iter()
            .filter_map(scalar_text)
            .collect();
        let line = &self.lines[entry.key_line];
        let flow = line.contains('[') && entry.last_line == entry.key_line;
        Some((items, flow, entry))
    }

    /// The scalar at `pointer`, as text.
    pub(crate) fn scalar(&self, pointer: &str) -> Option<String> {
        let root = self.parse()?;
        scalar_text(Self::node(&root, pointer)?)
    }

    /// Whether the node at `pointer` exists and is a block mapping (whose keys can be edited
    /// line by line).
    pub(crate) fn is_block_mapping(&self, pointer: &str) -> bool {
        let Some(entries) = self.entries(pointer) else {
            return false;
        };
        let Some((_, first)) = entries.first() else {
            return false;
        };
        !self.lines[first.key_line][..first.indent].contains('{')
    }

    /// Adds `value` to the sequence under `key` of the mapping at `pointer`, creating the key
    /// (after the entry `after`, else at the end of the mapping) when it is missing.
    pub(crate) fn add_to_list(
        &mut self,
        pointer: &str,
        key: &str,
        value: &str,
        after: Option<&str>,
    ) -> bool {
        match self.list(pointer, key) {
            Some((mut items, true, entry)) => {
                if items.iter().any(|i| i == value) {
                    return true;
                }
                items.push(value.to_string());
                self.lines[entry.key_line] = flow_list(entry.indent, key, &items);
                true
            }
            Some((items, false, entry)) => {
                if items.iter().any(|i| i == value) {
                    return true;
                }
                let last = &self.lines[entry.last_line];
                let dash = last.find('-').unwrap_or(entry.indent + 2);
                self.lines.insert(
                    entry.last_line + 1,
                    format!("{}- {}", " ".repeat(dash), scalar(value)),
                );
                true
            }
            None => self.insert_key(
                pointer,
                after,
                vec![flow_list(0, key, &[value.to_string()])],
            ),
        }
    }

    /// Removes `value` from the sequence under `key`; the key goes when the list is empty.
    pub(crate) fn remove_from_list(&mut self, pointer: &str, key: &str, value: &str) -> bool {
        let Some((items, flow, entry)) = self.list(pointer, key) else {
            return false;
        };
        let rest: Vec<String> = items.iter().filter(|i| *i != value).cloned().collect();
        if rest.len() == items.len() {
            return false;
        }
        if rest.is_empty() {
            self.lines.drain(entry.key_line..=entry.last_line);
        } else if flow {
            self.lines[entry.key_line] = flow_list(entry.indent, key, &rest);
        } else {
            let position = items.iter().position(|i| i == value).unwrap_or(0);
            // Block items are one line each in the specs; the n-th `- ` line below the key.
            let item_lines: Vec<usize> = (entry.key_line + 1..=entry.last_line)
                .filter(|&l| self.lines[l].trim_start().starts_with("- "))
                .collect();
            match item_lines.get(position) {
                Some(&line) => {
                    self.lines.remove(line);
                }
                None => return false,
            }
        }
        true
    }

    /// Deletes the entry `key` of the mapping at `pointer` (all its lines).
    pub(crate) fn remove_key(&mut self, pointer: &str, key: &str) -> bool {
        match self.entry(pointer, key) {
            Some(entry) => {
                self.lines.drain(entry.key_line..=entry.last_line);
                true
            }
            None => false,
        }
    }

    /// Sets `key: value` (a one-line scalar, written as given) in the mapping at `pointer`:
    /// replaces the entry, or adds it after `after` (else at the end).
    pub(crate) fn set_key(
        &mut self,
        pointer: &str,
        key: &str,
        value: &str,
        after: Option<&str>,
    ) -> bool {
        match self.entry(pointer, key) {
            Some(entry) => {
                let line = format!("{}{key}: {value}", " ".repeat(entry.indent));
                self.lines.splice(entry.key_line..=entry.last_line, [line]);
                true
            }
            None => self.insert_key(pointer, after, vec![format!("{key}: {value}")]),
        }
    }

    /// Inserts `lines` (written at column 0, indented here to the mapping's keys) as entries
    /// of the mapping at `pointer`, after the entry `after` or else after the last entry.
    pub(crate) fn insert_key(
        &mut self,
        pointer: &str,
        after: Option<&str>,
        lines: Vec<String>,
    ) -> bool {
        let Some(entries) = self.entries(pointer) else {
            return false;
        };
        let Some((_, last)) = entries.last() else {
            return false;
        };
        let anchor = after
            .and_then(|a| entries.iter().find(|(k, _)| k == a))
            .map_or(*last, |(_, e)| *e);
        let indent = " ".repeat(last.indent);
        let at = anchor.last_line + 1;
        let lines: Vec<String> = lines
            .into_iter()
            .map(|l| {
                if l.is_empty() {
                    l
                } else {
                    format!("{indent}{l}")
                }
            })
            .collect();
        self.lines.splice(at..at, lines);
        true
    }

    /// Appends `sentence` as a paragraph of the `description` of the mapping at `pointer`,
    /// turning a one-line description into a block scalar, or adding a description first in
    /// the mapping when it has none.
    pub(crate) fn append_description(&mut self, pointer: &str, sentence: &str) -> bool {
        let Some(entry) = self.entry(pointer, "description") else {
            let Some(entries) = self.entries(pointer) else {
                return false;
            };
            let Some((_, first)) = entries.first() else {
                return false;
            };
            let indent = " ".repeat(first.indent);
            let lines = [
                format!("{indent}description: |"),
                format!("{indent}  {sentence}"),
            ];
            self.lines.splice(first.key_line..first.key_line, lines);
            return true;
        };
        let key_line = &self.lines[entry.key_line];
        let after_colon = key_line
            .split_once("description:")
            .map_or("", |(_, rest)| rest.trim());
        let block = after_colon.starts_with('|') || after_colon.starts_with('>');
        if block && entry.last_line > entry.key_line {
            let content = &self.lines[entry.key_line + 1];
            let indent = content.len() - content.trim_start().len();
            let indent = " ".repeat(indent);
            let lines = [String::new(), format!("{indent}{sentence}")];
            let at = entry.last_line + 1;
            self.lines.splice(at..at, lines);
            return true;
        }
        let Some(old) = self.scalar(&format!("{pointer}/description")) else {
            return false;
        };
        let key_indent = " ".repeat(entry.indent);
        let content_indent = " ".repeat(entry.indent + 2);
        let mut lines = vec![format!("{key_indent}description: |")];
        lines.extend(old.lines().map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{content_indent}{l}")
            }
        }));
        lines.push(String::new());
        lines.push(format!("{content_indent}{sentence}"));
        self.lines.splice(entry.key_line..=entry.last_line, lines);
        true
    }
}

/// The child of a mapping (by key) or a sequence (by index): the key node (the item itself for
/// a sequence) and the value.
fn child<'a>(
    node: &'a MarkedYamlOwned,
    segment: &str,
) -> Option<(&'a MarkedYamlOwned, &'a MarkedYamlOwned)> {
    if let Some(map) = node.data.as_mapping() {
        return map
            .iter()
            .find(|(k, _)| key_text(k).as_deref() == Some(segment));
    }
    let item = node
        .data
        .as_sequence()?
        .get(segment.parse::<usize>().ok()?)?;
    Some((item, item))
}

fn key_text(key: &MarkedYamlOwned) -> Option<String> {
    scalar_text(key)
}

fn scalar_text(node: &MarkedYamlOwned) -> Option<String> {
    if let Some(text) = node.data.as_str() {
        return Some(text.to_string());
    }
    if let Some(n) = node.data.as_integer() {
        return Some(n.to_string());
    }
    if let Some(b) = node.data.as_bool() {
        return Some(b.to_string());
    }
    node.data.as_floating_point().map(|f| f.to_string())
}

fn is_blank_or_comment(line: &str) -> bool {
    let trimmed = line.trim_start();
    trimmed.is_empty() || trimmed.starts_with('#')
}

/// The segments of a JSON pointer, unescaped.
pub(crate) fn segments(pointer: &str) -> Vec<String> {
    pointer
        .strip_prefix('#')
        .unwrap_or(pointer)
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// `key: [a, b]` at `indent`.
fn flow_list(indent: usize, key: &str, items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|i| scalar(i)).collect();
    format!("{}{key}: [{}]", " ".repeat(indent), items.join(", "))
}

/// `text` as a YAML scalar: plain when it reads back as the same string, else double-quoted.
pub(crate) fn scalar(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))
        && text.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && !matches!(
            text.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        );
    if plain {
        text.to_string()
    } else {
        quoted(text)
    }
}

/// `text` double-quoted, `\` and `"` escaped.
pub(crate) fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
components:
  schemas:
    # A comment that stays.
    Status:
      type: string
      description: The status.
      enum: [a, b]
      x-open-enum: true
    Field:
      type: string
      description: |
        A field.
      enum:
        - x
        - y

    Object:
      type: object
      required: [id, name]
      properties:
        id:
          type: string
          format: uuid
        name:
          type: string
";

    #[test]
    fn lists_grow_and_shrink_in_their_own_style() {
        let mut yaml = YamlText::new(TEXT);
        assert!(yaml.add_to_list("/components/schemas/Status", "enum", "new value", None));
        assert!(yaml.add_to_list("/components/schemas/Field", "enum", "z", None));
        assert!(yaml.add_to_list(
            "/components/schemas/Field",
            "x-undocumented-values",
            "z",
            Some("enum")
        ));
        assert!(yaml.remove_from_list("/components/schemas/Object", "required", "id"));
        let text = yaml.text();
        assert!(
            text.contains("      enum: [a, b, \"new value\"]\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "        - y\n        - z\n      x-undocumented-values: [z]\n\n    Object:"
            ),
            "{text}"
        );
        assert!(text.contains("      required: [name]\n"), "{text}");
        assert!(text.contains("    # A comment that stays.\n"));
    }

    #[test]
    fn descriptions_gain_a_paragraph_and_keys_come_and_go() {
        let mut yaml = YamlText::new(TEXT);
        assert!(yaml.append_description("/components/schemas/Status", "Seen twice."));
        assert!(yaml.append_description("/components/schemas/Field", "Seen once."));
        assert!(yaml.append_description("/components/schemas/Object/properties/id", "Not a UUID."));
        assert!(yaml.remove_key("/components/schemas/Object/properties/id", "format"));
        assert!(yaml.set_key(
            "/components/schemas/Object/properties/id",
            "pattern",
            &quoted("^[a-z]+$"),
            Some("type")
        ));
        let text = yaml.text();
        assert!(
            text.contains(
                "      description: |\n        The status.\n\n        Seen twice.\n      enum"
            ),
            "{text}"
        );
        assert!(
            text.contains("        A field.\n\n        Seen once.\n      enum:"),
            "{text}"
        );
        assert!(
            text.contains("        id:\n          description: |\n            Not a UUID.\n          type: string\n          pattern: \"^[a-z]+$\"\n        name:"),
            "{text}"
        );
    }

    #[test]
    fn scalars_are_quoted_when_yaml_would_read_them_otherwise() {
        assert_eq!(scalar("nik"), "nik");
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(scalar("2XX"), "\"2XX\"");
        assert_eq!(quoted("a\"b\\"), "\"a\\\"b\\\\\"");
    }
}
