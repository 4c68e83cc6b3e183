//! Spec descriptions → rustdoc attributes.
//!
//! Spec text is data: it must never become code. Every code block
//! (backtick or tilde fences of any length and info string, indented
//! blocks, HTML `<pre>`) becomes a `text` block, so rustdoc compiles and
//! runs none of them; characters that break compilation or hide text (bare
//! CR, bidirectional controls, other controls) are removed; list and quote
//! continuations are indented, so rustdoc reads them as the author meant
//! (and clippy's `doc_lazy_continuation` is satisfied).

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::doc_inline;

/// Descriptions longer than this are cut (a resource limit: a description of
/// millions of lines would otherwise become as many attributes).
const MAX_DOC_BYTES: usize = 64 * 1024;

/// `#[doc]` lines for the given parts, a blank line between parts.
pub fn doc_attrs<'s>(parts: impl IntoIterator<Item = Option<&'s str>>) -> TokenStream {
    let mut lines: Vec<String> = Vec::new();
    for part in parts.into_iter().flatten() {
        let part = clean_text(part);
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(String::new());
        }
        markdown_lines(cap(part), &mut lines);
    }
    doc_inline::rewrite(&mut lines);
    let mut out = TokenStream::new();
    for line in &lines {
        let text = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        let text = doc_literal(&text);
        out.extend(quote!(#[doc = #text]));
    }
    out
}

/// One `#[doc]` line the generator wrote itself (not spec text), kept as
/// written so that its intra-doc links work; empty for a paragraph break.
pub fn own_line(text: &str) -> TokenStream {
    let text = if text.is_empty() {
        String::new()
    } else {
        format!(" {text}")
    };
    let text = doc_literal(&text);
    quote!(#[doc = #text])
}

/// Spec text set in a line the generator writes, as a Markdown code span:
/// on one line, between more backticks than it has in a row (a space inside
/// when it starts or ends with one), so that nothing in it ends the span.
/// A route, a name or a value with a backtick and a line break in it
/// otherwise ended the span, and its next line could open a code block: a
/// doctest written by the spec.
pub fn code(text: &str) -> String {
    let text = single_line(text);
    if text.is_empty() {
        // The empty string, as JSON writes it.
        return "`\"\"`".to_string();
    }
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Spec text set in a line the generator writes, as prose (a title, a
/// version): on one line, its inline Markdown made safe as descriptions'
/// is (`doc_inline`).
pub fn inline_prose(text: &str) -> String {
    let mut lines = vec![single_line(text)];
    doc_inline::rewrite(&mut lines);
    lines.swap_remove(0)
}

/// Spec text on one line: cleaned, every line break a space.
fn single_line(text: &str) -> String {
    clean_text(text).replace('\n', " ")
}

/// Spec text with line breaks normalized to LF and the characters removed
/// that no Rust source should carry: bidirectional controls (which can make
/// text read differently than it compiles), and control characters but tab.
pub fn clean_text(text: &str) -> String {
    // Most prose is printable ASCII and lines: nothing to do.
    if text
        .bytes()
        .all(|b| b == b'\n' || (b' '..=b'~').contains(&b))
    {
        return text.to_string();
    }
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    text.chars()
        .filter(|&c| c == '\n' || c == '\t' || !(c.is_control() || is_bidi_control(c)))
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect()
}

/// U+202A–U+202E and U+2066–U+2069 (rustc denies them in comments and
/// literals), and the marks U+200E, U+200F, U+061C.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

fn cap(text: &str) -> &str {
    if text.len() <= MAX_DOC_BYTES {
        return text;
    }
    let mut end = MAX_DOC_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// What the line before was part of, for continuation lines.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Container {
    None,
    /// A list item whose content starts at this column.
    ListItem(usize),
    Quote,
}

/// Appends the rustdoc lines of one Markdown text.
fn markdown_lines(text: &str, out: &mut Vec<String>) {
    let lines: Vec<&str> = text.lines().collect();
    let mut container = Container::None;
    let mut previous_blank = true;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some(marker) = fence_marker(trimmed) {
            i = fenced_block(&lines, i, marker, out);
            container = Container::None;
            previous_blank = false;
            continue;
        }
        if trimmed.to_ascii_lowercase().starts_with("<pre") {
            i = pre_block(&lines, i, out);
            container = Container::None;
            previous_blank = false;
            continue;
        }
        if indent >= 4 && previous_blank && container == Container::None && !trimmed.is_empty() {
            i = indented_block(&lines, i, out);
            previous_blank = false;
            continue;
        }
        if trimmed.is_empty() {
            out.push(String::new());
            container = Container::None;
            previous_blank = true;
            i += 1;
            continue;
        }
        if let Some(width) = list_marker_width(trimmed) {
            container = Container::ListItem(width);
            out.push(trimmed.to_string());
        } else if trimmed.starts_with('>') {
            container = Container::Quote;
            out.push(trimmed.to_string());
        } else {
            let continued = match container {
                Container::ListItem(width) if !previous_blank => {
                    format!("{}{}", " ".repeat(width), trimmed)
                }
                Container::Quote if !previous_blank => format!("> {trimmed}"),
                _ => trimmed.to_string(),
            };
            out.push(continued);
        }
        previous_blank = false;
        i += 1;
    }
}

/// A fence's character and length (three or more backticks or tildes).
fn fence_marker(trimmed: &str) -> Option<(char, usize)> {
    let first = trimmed.chars().next()?;
    if first != '`' && first != '~' {
        return None;
    }
    let count = trimmed.chars().take_while(|&c| c == first).count();
    (count >= 3).then_some((first, count))
}

/// A fenced block as a `text` block; returns the index after its end.
fn fenced_block(
    lines: &[&str],
    start: usize,
    (marker, count): (char, usize),
    out: &mut Vec<String>,
) -> usize {
    let indent = lines[start].len() - lines[start].trim_start().len();
    out.push("```text".into());
    let mut i = start + 1;
    while i < lines.len() {
        let trimmed = lines[i].trim();
        let closes = trimmed.chars().all(|c| c == marker) && trimmed.chars().count() >= count;
        if closes && !trimmed.is_empty() {
            i += 1;
            break;
        }
        out.push(code_line(strip_indent(lines[i], indent)));
        i += 1;
    }
    out.push("```".into());
    i
}

/// A `<pre>` block as a `text` block.
fn pre_block(lines: &[&str], start: usize, out: &mut Vec<String>) -> usize {
    out.push("```text".into());
    let mut i = start;
    while let Some(line) = lines.get(i) {
        let mut text = line.to_string();
        if i == start {
            // Drop the opening tag (and attributes).
            if let Some(end) = text.find('>') {
                text = text[end + 1..].to_string();
            }
        }
        let closing = text.to_ascii_lowercase().find("</pre>");
        if let Some(at) = closing {
            text.truncate(at);
        }
        if !(text.trim().is_empty() && (i == start || closing.is_some())) {
            out.push(code_line(&text));
        }
        i += 1;
        if closing.is_some() {
            break;
        }
    }
    out.push("```".into());
    i
}

/// An indented code block as a `text` block.
fn indented_block(lines: &[&str], start: usize, out: &mut Vec<String>) -> usize {
    out.push("```text".into());
    let mut i = start;
    let mut pending_blank = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.trim().is_empty() {
            pending_blank += 1;
            i += 1;
            continue;
        }
        if line.len() - line.trim_start().len() < 4 {
            break;
        }
        for _ in 0..pending_blank {
            out.push(String::new());
        }
        pending_blank = 0;
        out.push(code_line(strip_indent(line, 4)));
        i += 1;
    }
    out.push("```".into());
    // The blank lines after the block still separate it from what follows.
    for _ in 0..pending_blank.min(1) {
        out.push(String::new());
    }
    i
}

fn strip_indent(line: &str, indent: usize) -> &str {
    let spaces = line.len() - line.trim_start().len();
    &line[spaces.min(indent)..]
}

/// A line inside a code block: a line that would close the block early
/// (three backticks) is kept from doing so.
fn code_line(line: &str) -> String {
    let line = line.trim_end();
    if line.trim_start().starts_with("```") {
        format!(" {line}")
    } else {
        line.to_string()
    }
}

/// Where a list item's content starts (`- `, `*   `, `1. `, `12) `), when
/// the line starts one: after the marker and its spaces, or after one space
/// when five or more follow (CommonMark: the rest is an indented code block).
fn list_marker_width(trimmed: &str) -> Option<usize> {
    let bytes = trimmed.as_bytes();
    let marker = match bytes.first()? {
        b'-' | b'*' | b'+' => 1,
        b'0'..=b'9' => {
            let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            let after = *bytes.get(digits)?;
            if digits > 9 || (after != b'.' && after != b')') {
                return None;
            }
            digits + 1
        }
        _ => return None,
    };
    let spaces = bytes[marker..].iter().take_while(|b| **b == b' ').count();
    match spaces {
        0 => None,
        1..=4 => Some(marker + spaces),
        _ => Some(marker + 1),
    }
}

/// The literal of a `#[doc]` attribute: a raw string (`r"..."`, with as
/// many `#` as the text needs), whose value is the text as it stands.
/// `syn` reads a raw string by slicing it, where a cooked one is unescaped
/// character by character, once when parsed and again when `prettyplease`
/// prints it as a `///` line; documentation is a tenth of the output.
/// Text a raw string cannot hold (a carriage return, or another control
/// character but tab, or a `"` followed by 255 `#`, Rust's limit) gets an
/// escaped literal.
pub fn doc_literal(text: &str) -> Literal {
    const MAX_RAW_HASHES: usize = 255;
    // One attribute, one line: a line break here is spec text that got past
    // `code`/`inline_prose`, and its next line could open a code block.
    let single;
    let text = if text.contains(['\n', '\r']) {
        single = text.replace(['\n', '\r'], " ");
        single.as_str()
    } else {
        text
    };
    let hashes = raw_hashes_needed(text);
    if hashes <= MAX_RAW_HASHES && text.chars().all(|c| c == '\t' || !c.is_control()) {
        let hashes = "#".repeat(hashes);
        if let Ok(literal) = format!("r{hashes}\"{text}\"{hashes}").parse::<Literal>() {
            return literal;
        }
    }
    Literal::string(text)
}

/// How many `#` a raw string around `text` needs: one more than the
/// longest run of them after a `"` in the text (none without a `"`).
fn raw_hashes_needed(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut needed = 0;
    for (i, _) in text.match_indices('"') {
        let run = bytes[i + 1..].iter().take_while(|&&b| b == b'#').count();
        needed = needed.max(run + 1);
    }
    needed
}

/// A string literal token, as `Literal::string` makes it. Text that needs
/// no escape (printable ASCII but `"` and `\`, as most prose is) is
/// lexed as it stands, several times faster than escaping it character by
/// character, which counts for the many lines of documentation.
pub fn string_literal(text: &str) -> Literal {
    let plain = text
        .bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\');
    if plain {
        if let Ok(literal) = format!("\"{text}\"").parse::<Literal>() {
            return literal;
        }
    }
    Literal::string(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        markdown_lines(&clean_text(text), &mut out);
        out
    }

    #[test]
    fn spec_text_in_a_code_span_stays_in_it_on_one_line() {
        assert_eq!(code("GET /a"), "`GET /a`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x``"), "``` `x`` ```");
        assert_eq!(code(""), "`\"\"`");
        // A line break and a fence: one line, the fence inside the span.
        assert_eq!(code("q`\n```\nrun()\n```"), "```` q` ``` run() ``` ````");
        for text in ["a`b", "`x``", "q`\n```\nrun()\n```", "\u{202e}`"] {
            let span = code(text);
            let spans = doc_inline::code_spans(&span);
            assert_eq!(spans, vec![0..span.len()], "{span}");
        }
    }

    #[test]
    fn spec_text_in_a_sentence_is_one_line_of_safe_markdown() {
        assert_eq!(
            inline_prose("Demo (https://example.com) [v2] <Beta>"),
            "Demo (<https://example.com>) \\[v2\\] &lt;Beta>"
        );
        assert_eq!(inline_prose("1\n```\nrun()\n```"), "1 ``` run() ```");
    }

    #[test]
    fn a_doc_attribute_is_one_line() {
        for text in ["a\nb", "a\r\nb", "a\rb"] {
            let literal = doc_literal(text);
            let parsed: syn::LitStr = syn::parse2(quote!(#literal)).expect("a string literal");
            assert!(!parsed.value().contains(['\n', '\r']), "{literal}");
        }
    }

    #[test]
    fn doc_literals_hold_the_text_as_it_stands() {
        for text in [
            "",
            " plain prose, with `code` and {braces} and 'quotes'",
            "a \"quote\" and a \\ backslash",
            "ends in a quote\"",
            "\"# and \"### and \"#",
            "r#\"raw\"# inside",
            "##\"",
            "tab\tand unicode \u{2013} dash and \u{301} combining",
            "nul \0 and del \u{7f}",
        ] {
            let literal = doc_literal(text);
            let parsed: syn::LitStr = syn::parse2(quote!(#literal)).expect("a string literal");
            assert_eq!(parsed.value(), text, "{literal}");
            let raw = !text.chars().any(|c| c != '\t' && c.is_control());
            assert_eq!(literal.to_string().starts_with('r'), raw, "{literal}");
        }
        let too_many = format!("\"{}", "#".repeat(255));
        let literal = doc_literal(&too_many);
        assert!(literal.to_string().starts_with('"'), "{literal}");
        let parsed: syn::LitStr = syn::parse2(quote!(#literal)).expect("a string literal");
        assert_eq!(parsed.value(), too_many);
    }

    #[test]
    fn string_literals_are_those_of_the_escaping_constructor() {
        for text in [
            "",
            " plain prose, with `code` and {braces} and 'quotes'",
            "a \"quote\" and a \\ backslash",
            "tab\tand newline\n",
            "unicode \u{2013} dash and \u{301} combining",
            "nul \0 and del \u{7f}",
        ] {
            assert_eq!(
                string_literal(text).to_string(),
                Literal::string(text).to_string(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn every_code_block_becomes_text() {
        let cases = [
            "```\nfn main() {}\n```",
            "```rust\nfn main() {}\n```",
            "````no_run\nfn main() {}\n````",
            "~~~\nstd::fs::write(\"x\", \"\").unwrap();\n~~~",
            "~~~~rust,ignore\nx\n~~~~",
            "intro\n\n    fn main() {}\n    more",
            "<pre>\nfn main() {}\n</pre>",
            "```\nunclosed",
        ];
        for case in cases {
            let out = lines(case);
            let fences: Vec<&String> = out.iter().filter(|l| l.starts_with("```")).collect();
            assert!(!fences.is_empty(), "{case:?}: {out:?}");
            assert!(
                fences.iter().step_by(2).all(|l| *l == "```text"),
                "{case:?}: {out:?}"
            );
            assert_eq!(fences.len() % 2, 0, "{case:?}: {out:?}");
            // Nothing is left indented by four spaces outside a block.
            let mut in_block = false;
            for line in &out {
                if line.starts_with("```") {
                    in_block = !in_block;
                } else if !in_block {
                    assert!(!line.starts_with("    "), "{case:?}: {out:?}");
                }
            }
        }
    }

    #[test]
    fn characters_that_break_compilation_are_removed() {
        let text = clean_text("a\rb\u{202e}c\u{2066}d\0e\r\nf");
        assert_eq!(text, "a\nbcde\nf");
        assert_eq!(clean_text("plain ~ prose\nlines"), "plain ~ prose\nlines");
        assert_eq!(clean_text("a\tb \u{7f}c \u{e9}"), "a b c \u{e9}");
    }

    #[test]
    fn continuations_are_indented() {
        assert_eq!(
            lines("- one\ncontinued\n- two\n\nafter"),
            vec!["- one", "  continued", "- two", "", "after"]
        );
        assert_eq!(lines("> quoted\nlazy"), vec!["> quoted", "> lazy"]);
        // The content of `*   item` starts four columns in (GitHub's docs).
        assert_eq!(
            lines("*   To get a tree, use the [Git Trees\n  API](u)."),
            vec!["*   To get a tree, use the [Git Trees", "    API](u)."]
        );
        assert_eq!(lines("1.  one\ntwo"), vec!["1.  one", "    two"]);
        assert_eq!(lines("12. item\nmore"), vec!["12. item", "    more"]);
    }
}
