//! The inline Markdown of spec text, made safe for rustdoc's lints
//! (`invalid_html_tags`, `bare_urls`, `broken_intra_doc_links`) while it
//! reads the same:
//!
//! - HTML tags that pair up (or are void, like `<br>`) stay HTML; every
//!   other tag-like `<` becomes `&lt;`: a placeholder (`<bot username>`), a
//!   generic (`List<String>`), a `<p>` never closed.
//! - `[` and `]` are escaped unless they make a Markdown link: `[text](url)`,
//!   or a reference to a label the text defines (`[text][1]`, `[1]: url`).
//! - A bare `http(s)://` URL becomes an autolink, `<https://...>`.
//!
//! Code blocks (the `text` fences `docs.rs` writes), code spans, HTML blocks
//! (where brackets and URLs are not Markdown) and link destinations are left
//! as they are. Tags are matched the way rustdoc's lint matches them, over
//! the whole text of an item.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

mod html;

use html::{autolink_end, html_block_lines, neutralize_unpaired_tags, strict_tag};

/// Rewrites the lines of one item's documentation in place.
pub(super) fn rewrite(lines: &mut [String]) {
    if !lines.iter().any(|line| needs_rewrite(line)) {
        return;
    }
    let code = code_lines(lines);
    // HTML blocks as written: rustdoc reads every `<` in them as a tag (no
    // code span, no autolink there). Once tags are made text, a block may
    // be a paragraph again.
    let html = html_block_lines(lines, &code);
    neutralize_unpaired_tags(lines, &code, &html);
    let html = html_block_lines(lines, &code);
    let labels = reference_labels(lines, &code);
    for (i, line) in lines.iter_mut().enumerate() {
        if !code[i] && !html[i] && !is_reference_definition(line) && needs_rewrite(line) {
            *line = markdown_text(line, &labels);
        }
    }
}

/// Whether a line has anything the inline rewrite acts on (most have not).
fn needs_rewrite(line: &str) -> bool {
    line.contains(['[', ']', '<']) || line.contains("http")
}

/// Which lines are inside the `text` code blocks `docs.rs` writes (their
/// fences included).
fn code_lines(lines: &[String]) -> Vec<bool> {
    let mut in_block = false;
    lines
        .iter()
        .map(|line| {
            if in_block {
                in_block = line != "```";
                true
            } else {
                in_block = line == "```text";
                in_block
            }
        })
        .collect()
}

/// The labels of the reference definitions (`[label]: url`), lowercase.
fn reference_labels(lines: &[String], code: &[bool]) -> HashSet<String> {
    lines
        .iter()
        .zip(code)
        .filter(|(line, code)| !**code && is_reference_definition(line))
        .filter_map(|(line, _)| {
            let rest = line.trim_start().strip_prefix('[')?;
            Some(rest[..rest.find("]:")?].to_lowercase())
        })
        .collect()
}

/// `[label]: destination`.
fn is_reference_definition(line: &str) -> bool {
    let trimmed = line.trim_start();
    line.len() - trimmed.len() <= 3
        && trimmed.starts_with('[')
        && trimmed.find("]:").is_some_and(|at| {
            at > 1 && !trimmed[1..at].contains(['[', ']']) && !trimmed[at + 2..].trim().is_empty()
        })
}

/// Byte ranges of the code spans of a line (with their backticks).
pub(super) fn code_spans(line: &str) -> Vec<Range<usize>> {
    let bytes = line.as_bytes();
    let run_at = |i: usize| bytes[i..].iter().take_while(|b| **b == b'`').count();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'`' => {
                let run = run_at(i);
                let mut j = i + run;
                let close = loop {
                    match bytes[j.min(bytes.len())..].iter().position(|b| *b == b'`') {
                        None => break None,
                        Some(at) => {
                            let other = run_at(j + at);
                            if other == run {
                                break Some(j + at + other);
                            }
                            j += at + other;
                        }
                    }
                };
                match close {
                    Some(end) => {
                        spans.push(i..end);
                        i = end;
                    }
                    None => i += run,
                }
            }
            _ => i += 1,
        }
    }
    spans
}

/// A Markdown line with its brackets escaped (but links) and its bare URLs
/// made autolinks; code spans, HTML tags, autolinks and links as they are.
fn markdown_text(line: &str, labels: &HashSet<String>) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    push_markdown(line, labels, false, &mut out);
    out
}

/// Appends `text` rewritten; inside a link's text (`in_link`) no link or
/// autolink may start, so every bracket pair is escaped and URLs stay text.
fn push_markdown(text: &str, labels: &HashSet<String>, in_link: bool, out: &mut String) {
    let spans = code_spans(text);
    let pairs = Pairs::of(text);
    let mut escaped_closers = HashSet::new();
    let mut spans = spans.iter().peekable();
    let mut i = 0;
    while let Some(c) = text[i..].chars().next() {
        while spans.next_if(|s| s.start < i).is_some() {}
        let kept = spans
            .next_if(|s| s.start == i)
            .map(|s| s.end)
            .or_else(|| match c {
                '<' => strict_tag(text, i)
                    .map(|(end, _)| end)
                    .or_else(|| autolink_end(text, i).filter(|_| !in_link))
                    .or_else(|| {
                        text[i..]
                            .find("-->")
                            .filter(|_| text[i..].starts_with("<!--"))
                            .map(|at| i + at + 3)
                    }),
                // The destination of a link whose text began on a line before.
                ']' if !in_link && !escaped_closers.contains(&i) => {
                    inline_destination_end(text, i + 1, &pairs)
                }
                _ => None,
            });
        if let Some(end) = kept {
            out.push_str(&text[i..end]);
            i = end;
            continue;
        }
        if let Some(link) = (c == '[' && !in_link)
            .then(|| link_at(text, i, &pairs, labels))
            .flatten()
        {
            out.push('[');
            match link.text_end {
                Some(text_end) => {
                    push_markdown(&text[i + 1..text_end - 1], labels, true, out);
                    out.push_str(&text[text_end - 1..link.end]);
                }
                None => out.push_str(&text[i + 1..link.end]),
            }
            i = link.end;
            continue;
        }
        match c {
            '\\' => {
                let next = text[i + 1..].chars().next().map_or(0, char::len_utf8);
                out.push_str(&text[i..i + 1 + next]);
                i += 1 + next;
                continue;
            }
            // A pair on this line that is no link; a bracket without its
            // pair on the line may belong to a link over two lines.
            '[' => match pairs.end(i) {
                Some(end) => {
                    escaped_closers.insert(end - 1);
                    out.push_str("\\[");
                }
                None => out.push('['),
            },
            ']' if escaped_closers.contains(&i) || in_link => out.push_str("\\]"),
            'h' if !in_link && starts_url(text, i) => {
                let end = url_end(text, i);
                out.push('<');
                out.push_str(&text[i..end]);
                out.push('>');
                i = end;
                continue;
            }
            _ => out.push(c),
        }
        i += c.len_utf8();
    }
}

/// A Markdown link in a line.
struct Link {
    /// Where its text ends (after the `]`), when the text is to be
    /// rewritten; `None` for a reference by its own label, kept as written.
    text_end: Option<usize>,
    /// Where the whole link ends.
    end: usize,
}

/// The link at `at` (a `[`): `[text](destination)`, or a reference to a
/// defined label (`[text][label]`, `[label][]`, `[label]`).
fn link_at(line: &str, at: usize, pairs: &Pairs, labels: &HashSet<String>) -> Option<Link> {
    let text_end = pairs.end(at)?;
    let rest = &line[text_end..];
    if rest.starts_with('(') {
        let end = inline_destination_end(line, text_end, pairs)?;
        return Some(Link {
            text_end: Some(text_end),
            end,
        });
    }
    let text = &line[at + 1..text_end - 1];
    let defined = |label: &str| labels.contains(&label.to_lowercase());
    if rest.starts_with('[') {
        let label_end = pairs.end(text_end)?;
        let label = &line[text_end + 1..label_end - 1];
        return match label.is_empty() {
            true => defined(text).then_some(Link {
                text_end: None,
                end: label_end,
            }),
            false => defined(label).then_some(Link {
                text_end: Some(text_end),
                end: label_end,
            }),
        };
    }
    defined(text).then_some(Link {
        text_end: None,
        end: text_end,
    })
}

/// The end of `(destination "title")` at `at`, when it is one CommonMark
/// reads as a link's: a destination in `<>` or without spaces (its
/// parentheses balanced), then an optional quoted or parenthesized title.
fn inline_destination_end(line: &str, at: usize, pairs: &Pairs) -> Option<usize> {
    // The link's `)` closes the pair its `(` opens; a longer destination
    // is not taken for one (this bounds the work on hostile text).
    const MAX_DESTINATION: usize = 4096;
    if line.as_bytes().get(at) != Some(&b'(') {
        return None;
    }
    let close = pairs.end(at)?;
    if close - at > MAX_DESTINATION {
        return None;
    }
    let bytes = &line.as_bytes()[..close];
    let start = skip_blanks(bytes, at + 1);
    let mut i = start;
    if bytes.get(i) == Some(&b'<') {
        i += 1 + bytes[i + 1..]
            .iter()
            .position(|b| *b == b'>' || *b == b'<')?;
        if bytes[i] != b'>' {
            return None;
        }
        i += 1;
    } else {
        let mut depth = 0usize;
        while let Some(&b) = bytes.get(i) {
            match b {
                b'\\' => i += 1,
                b'(' => depth += 1,
                b')' if depth == 0 => break,
                b')' => depth -= 1,
                _ if b.is_ascii_whitespace() || b.is_ascii_control() => break,
                _ => {}
            }
            i += 1;
        }
    }
    let after = skip_blanks(bytes, i);
    let end = match bytes.get(after)? {
        b')' => after,
        quote @ (b'"' | b'\'' | b'(') if after > i || i == start => {
            let close = if *quote == b'(' { b')' } else { *quote };
            let title_end = after + 1 + bytes[after + 1..].iter().position(|b| *b == close)?;
            let end = skip_blanks(bytes, title_end + 1);
            (bytes.get(end) == Some(&b')')).then_some(end)?
        }
        _ => return None,
    };
    Some(end + 1)
}

/// Where each bracket and parenthesis of a text closes (the byte after
/// its closer), found in one pass: scanning ahead from each opener would be
/// quadratic on hostile text (`[[[[...`).
struct Pairs(HashMap<usize, usize>);

impl Pairs {
    fn of(text: &str) -> Self {
        let mut ends = HashMap::new();
        let (mut brackets, mut parens) = (Vec::new(), Vec::new());
        let mut escaped = false;
        for (i, b) in text.bytes().enumerate() {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'[' => brackets.push(i),
                b'(' => parens.push(i),
                b']' | b')' => {
                    let open = if b == b']' {
                        brackets.pop()
                    } else {
                        parens.pop()
                    };
                    if let Some(open) = open {
                        ends.insert(open, i + 1);
                    }
                }
                _ => {}
            }
        }
        Pairs(ends)
    }

    /// The end (after the closer) of the pair that opens at `at`.
    fn end(&self, at: usize) -> Option<usize> {
        self.0.get(&at).copied()
    }
}

/// The first position from `i` that is no space or tab.
fn skip_blanks(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(|b| *b == b' ' || *b == b'\t') {
        i += 1;
    }
    i
}

/// Whether a bare URL starts at `at`: `http://` or `https://` and a host
/// (rustdoc finds them inside words too).
fn starts_url(line: &str, at: usize) -> bool {
    let rest = &line[at..];
    ["https://", "http://"]
        .iter()
        .find_map(|scheme| rest.strip_prefix(scheme))
        .is_some_and(|host| host.starts_with(|c: char| c.is_alphanumeric()))
}

/// Where the URL at `at` ends: before a character no autolink holds, and
/// before the punctuation that ends a sentence or closes a parenthesis the
/// URL did not open.
fn url_end(line: &str, at: usize) -> usize {
    let rest = &line[at..];
    let stop = rest
        .find(|c: char| c.is_whitespace() || "<>\"'`\\|[]".contains(c))
        .unwrap_or(rest.len());
    let mut url = &rest[..stop];
    loop {
        let trimmed = url.trim_end_matches(['.', ',', ';', ':', '!', '?', '*', '_', '~']);
        let unbalanced =
            trimmed.ends_with(')') && trimmed.matches('(').count() < trimmed.matches(')').count();
        let trimmed = if unbalanced {
            &trimmed[..trimmed.len() - 1]
        } else {
            trimmed
        };
        if trimmed.len() == url.len() {
            break;
        }
        url = trimmed;
    }
    at + url.len()
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    pub(super) fn rewritten(text: &str) -> String {
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        rewrite(&mut lines);
        lines.join("\n")
    }

    #[test]
    fn brackets_that_are_not_links_are_escaped() {
        assert_eq!(
            rewritten("see [Pet] and [docs](http://x) and `[a]`"),
            "see \\[Pet\\] and [docs](http://x) and `[a]`"
        );
        assert_eq!(
            rewritten("regex [12][0-9]|3[01]"),
            "regex \\[12\\]\\[0-9\\]|3\\[01\\]"
        );
        assert_eq!(
            rewritten("See [the guide][1].\n\n[1]: https://example.com/guide"),
            "See [the guide][1].\n\n[1]: https://example.com/guide"
        );
        assert_eq!(rewritten("a \\[b\\] stays"), "a \\[b\\] stays");
        // A link over two lines.
        let split = "use the [Git Trees\n  API](https://example.com/trees).";
        assert_eq!(rewritten(split), split);
        // Brackets inside a link's text are no links of their own.
        assert_eq!(
            rewritten("Client sample: [[Demo]](https://apis.guru/simple-ui)"),
            "Client sample: [\\[Demo\\]](https://apis.guru/simple-ui)"
        );
        // A destination with a space is none: no link, and the brackets are text.
        assert_eq!(
            rewritten("one [`google.rpc.Status`](https: //github.com/x) per row"),
            "one \\[`google.rpc.Status`\\](https: //github.com/x) per row"
        );
        for kept in [
            "[a](<https://example.com/with space>) and [b](https://x.io \"Title\")",
            "[c](https://example.com/a_(b)) and [d]()",
        ] {
            assert_eq!(rewritten(kept), kept);
        }
    }

    #[test]
    fn bare_urls_become_autolinks() {
        assert_eq!(
            rewritten("Based on https://github.com/mapbox/tilejson-spec/tree/master/2.2.0."),
            "Based on <https://github.com/mapbox/tilejson-spec/tree/master/2.2.0>."
        );
        assert_eq!(
            rewritten("(see http://example.com/a_(b)), or *https://x.io*"),
            "(see <http://example.com/a_(b)>), or *<https://x.io>*"
        );
        for kept in [
            "[https://example.com](https://example.com)",
            "<https://example.com>",
            "`https://example.com`",
            "https:// alone",
        ] {
            assert_eq!(rewritten(kept), kept);
        }
        assert_eq!(rewritten("xhttps://example.com"), "x<https://example.com>");
    }

    #[test]
    fn hostile_text_is_rewritten_whole() {
        // Each of these made a scan ahead from every opener: quadratic, minutes
        // for a 64 KiB description. The results are checked, not timed.
        let n = 20_000;
        let cases = [
            ("[".repeat(n), "[".repeat(n)),
            (
                "](".repeat(n) + &")".repeat(n),
                "](".repeat(n) + &")".repeat(n),
            ),
            ("<a".repeat(n), "&lt;a".repeat(n)),
            ("<!--".repeat(n), "&lt;!--".repeat(n)),
            ("`a` [b] ".repeat(n), "`a` \\[b\\] ".repeat(n)),
        ];
        for (text, expected) in cases {
            assert!(rewritten(&text) == expected, "{}", &text[..8]);
        }
    }

    #[test]
    fn code_blocks_are_left_alone() {
        let block = "```text\n<x> [y] https://example.com\n```";
        assert_eq!(rewritten(block), block);
    }
}
