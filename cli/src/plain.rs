//! The specs' descriptions are CommonMark (rustdoc and the docs render them); a terminal does
//! not, so `--help` shows them as plain text: emphasis and code spans without their marks,
//! backslash escapes resolved, links as `text (url)`, headings without their `#`s. Lists,
//! paragraphs and line breaks stay as written. The inline subset the specs use, not a full
//! CommonMark reader.

/// `markdown` as plain text. Inline markup may span the lines of a paragraph, not paragraphs.
pub(crate) fn plain(markdown: &str) -> String {
    markdown
        .split("\n\n")
        .map(|paragraph| {
            let lines: Vec<&str> = paragraph.split('\n').map(heading).collect();
            inline(&lines.join("\n"))
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// A line without its ATX heading marks (`## Title` → `Title`).
fn heading(line: &str) -> &str {
    let trimmed = line.trim_start();
    let hashes = trimmed.chars().take_while(|c| *c == '#').count();
    match trimmed[hashes..].strip_prefix(' ') {
        Some(title) if (1..=6).contains(&hashes) => title,
        _ => line,
    }
}

/// One paragraph's inline markup resolved.
fn inline(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            // `\[` is `[`: a backslash escapes ASCII punctuation only.
            '\\' if chars.get(i + 1).is_some_and(char::is_ascii_punctuation) => {
                out.push(chars[i + 1]);
                i += 2;
            }
            // A code span: its text as is, markup inside it included.
            '`' => {
                let ticks = run(&chars, i, '`');
                match find_run(&chars, i + ticks, '`', ticks) {
                    Some(end) => {
                        out.extend(&chars[i + ticks..end]);
                        i = end + ticks;
                    }
                    None => {
                        out.extend(&chars[i..i + ticks]);
                        i += ticks;
                    }
                }
            }
            // `*em*` and `**strong**`: the marks go when a closing run of the same length
            // follows on the line; a lone `*` (a footnote mark, `5 * 3`) stays.
            '*' => {
                let stars = run(&chars, i, '*');
                let opens = chars.get(i + stars).is_some_and(|n| !n.is_whitespace());
                match find_run(&chars, i + stars, '*', stars).filter(|_| opens) {
                    Some(end) => {
                        out.push_str(&inline(&chars[i + stars..end].iter().collect::<String>()));
                        i = end + stars;
                    }
                    None => {
                        out.extend(&chars[i..i + stars]);
                        i += stars;
                    }
                }
            }
            // `[text](url)` → `text (url)`; the URL alone when it is the text.
            '[' => match link(&chars, i) {
                Some((text, url, next)) => {
                    let text = inline(&text);
                    if text == url {
                        out.push_str(&url);
                    } else {
                        out.push_str(&format!("{text} ({url})"));
                    }
                    i = next;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            },
            // `<https://…>` → the URL.
            '<' => match autolink(&chars, i) {
                Some((url, next)) => {
                    out.push_str(&url);
                    i = next;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            },
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// How many `mark`s start at `at`.
fn run(chars: &[char], at: usize, mark: char) -> usize {
    chars[at..].iter().take_while(|c| **c == mark).count()
}

/// The start of the next run of exactly `len` `mark`s from `from`.
fn find_run(chars: &[char], from: usize, mark: char, len: usize) -> Option<usize> {
    let mut i = from;
    while i < chars.len() {
        if chars[i] == mark {
            let found = run(chars, i, mark);
            if found == len && i > from {
                return Some(i);
            }
            i += found;
        } else {
            i += 1;
        }
    }
    None
}

/// `[text](url)` at `at`: its text, its URL and the index after it.
fn link(chars: &[char], at: usize) -> Option<(String, String, usize)> {
    let close = at + chars[at..].iter().position(|c| *c == ']')?;
    if chars.get(close + 1) != Some(&'(') {
        return None;
    }
    let end = close + 2 + chars[close + 2..].iter().position(|c| *c == ')')?;
    let text: String = chars[at + 1..close].iter().collect();
    let url: String = chars[close + 2..end].iter().collect();
    (!url.is_empty() && !url.contains(char::is_whitespace)).then_some((text, url, end + 1))
}

/// `<scheme://…>` at `at`: the URL and the index after it.
fn autolink(chars: &[char], at: usize) -> Option<(String, usize)> {
    let end = at + chars[at..].iter().position(|c| *c == '>')?;
    let url: String = chars[at + 1..end].iter().collect();
    let looks_like_url = url.split_once("://").is_some_and(|(scheme, rest)| {
        !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphabetic()) && !rest.is_empty()
    });
    (looks_like_url && !url.contains(char::is_whitespace)).then_some((url, end + 1))
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn emphasis_escapes_and_code_lose_their_marks() {
        assert_eq!(
            plain(
                "**Deprecated by the vendor**: filed under \"Identity Verification\n\\[Deprecated\\]\". Prefer `issue_certificate`."
            ),
            "Deprecated by the vendor: filed under \"Identity Verification\n[Deprecated]\". Prefer issue_certificate."
        );
        assert_eq!(plain("a *word* and **two words**"), "a word and two words");
        assert_eq!(
            plain("**The token is\nsingle use**: save it.\n\nA * here\n\nand * there"),
            "The token is\nsingle use: save it.\n\nA * here\n\nand * there"
        );
        assert_eq!(plain("``a `tick` inside``"), "a `tick` inside");
        assert_eq!(plain("`**not bold**`"), "**not bold**");
    }

    #[test]
    fn links_read_as_text_and_url() {
        assert_eq!(
            plain("see [the reference](https://docs.iluma.ai/#cft-pep-individual)."),
            "see the reference (https://docs.iluma.ai/#cft-pep-individual)."
        );
        assert_eq!(
            plain("(<https://docs.kredibel.io/responses-and-errors>)"),
            "(https://docs.kredibel.io/responses-and-errors)"
        );
        assert_eq!(
            plain("[https://docs.iluma.ai](https://docs.iluma.ai)"),
            "https://docs.iluma.ai"
        );
    }

    #[test]
    fn what_is_not_markup_stays() {
        for text in [
            "5 * 3 and a lone * mark",
            "score_threshold and x-magic-reply",
            "a < b > c",
            "[0] is the first item",
            "- a list item\n- another",
            "\\d{16} is not an escape",
        ] {
            assert_eq!(plain(text), text);
        }
        assert_eq!(plain("## Heading\ntext"), "Heading\ntext");
    }
}
