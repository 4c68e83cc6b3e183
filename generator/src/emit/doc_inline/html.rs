//! HTML in spec text, as rustdoc's `invalid_html_tags` lint reads it: tags
//! are matched over the whole text of an item (as the lint does), and every
//! tag-like `<` that does not pair up becomes `&lt;`; and which lines are
//! HTML blocks, whose text is HTML rather than Markdown.

use super::{code_spans, skip_blanks};

/// HTML elements that take no closing tag (rustdoc's list).
const VOID_ELEMENTS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
    "source", "track", "wbr",
];

/// A tag-like `<` in the text: `<` (or `</`) and an ASCII letter.
struct TagLike {
    line: usize,
    at: usize,
    name: String,
    closing: bool,
    /// The tag is one CommonMark reads as HTML (`None`: it is not), and
    /// whether it ends in `/>`.
    valid: Option<bool>,
}

/// Turns the `<` of every tag that rustdoc would find unclosed, unopened,
/// wrongly self-closed or malformed into `&lt;`, and of every HTML comment
/// that is never closed.
pub(super) fn neutralize_unpaired_tags(lines: &mut [String], code: &[bool], html: &[bool]) {
    let (tags, open_comments) = scan_tags(lines, code, html);
    let mut neutral: Vec<(usize, usize)> = open_comments;
    let mut open: Vec<&TagLike> = Vec::new();
    for tag in &tags {
        match tag.valid {
            None => neutral.push((tag.line, tag.at)),
            Some(self_closing) if !tag.closing => {
                let void = VOID_ELEMENTS.contains(&tag.name.as_str());
                if self_closing && !void {
                    neutral.push((tag.line, tag.at));
                } else if !void {
                    open.push(tag);
                }
            }
            Some(_) => match open.iter().rposition(|o| o.name == tag.name) {
                Some(at) => {
                    neutral.extend(open.drain(at + 1..).map(|o| (o.line, o.at)));
                    open.pop();
                }
                None => neutral.push((tag.line, tag.at)),
            },
        }
    }
    neutral.extend(open.iter().map(|o| (o.line, o.at)));
    // From the end of each line, so that earlier positions stay where they are.
    neutral.sort_unstable_by(|a, b| b.cmp(a));
    for (line, at) in neutral {
        lines[line].replace_range(at..at + 1, "&lt;");
    }
}

/// Every tag-like `<` outside code and comments, in order, and the `<` of
/// comments that never close.
fn scan_tags(
    lines: &[String],
    code: &[bool],
    html: &[bool],
) -> (Vec<TagLike>, Vec<(usize, usize)>) {
    let mut tags = Vec::new();
    let mut open_comments = Vec::new();
    // Where a comment opened on an earlier line ends: (line, byte after `-->`).
    let mut comment_end: Option<(usize, usize)> = None;
    for (n, line) in lines.iter().enumerate() {
        if code[n] {
            continue;
        }
        let mut from = 0;
        if let Some((end_line, end)) = comment_end {
            if end_line > n {
                continue;
            }
            from = end;
            comment_end = None;
        }
        if !line[from..].contains('<') {
            continue;
        }
        let spans = if html[n] {
            Vec::new()
        } else {
            code_spans(line)
        };
        let mut spans = spans.iter().peekable();
        // Looked up once per line: searching ahead from every `<` would be
        // quadratic on hostile text (`<a<a<a...`, `<!--<!--...`).
        let last_gt = line.rfind('>');
        let last_close = line.rfind("-->");
        let mut close_on_later_line = None;
        let bytes = line.as_bytes();
        let mut i = from;
        while i < bytes.len() {
            while spans.next_if(|s| s.start < i).is_some() {}
            if let Some(span) = spans.next_if(|s| s.start == i) {
                i = span.end;
                continue;
            }
            match bytes[i] {
                b'\\' => i += 2,
                b'<' if line[i..].starts_with("<!--") => {
                    if last_close.is_some_and(|close| close >= i + 4) {
                        i += 4 + line[i + 4..].find("-->").map_or(0, |at| at + 3);
                        continue;
                    }
                    let close =
                        *close_on_later_line.get_or_insert_with(|| comment_close(lines, code, n));
                    match close {
                        Some(end) => {
                            comment_end = Some(end);
                            break;
                        }
                        None => {
                            open_comments.push((n, i));
                            i += 4;
                        }
                    }
                }
                b'<' => {
                    let unfinished = last_gt.is_none_or(|gt| gt < i);
                    if let Some(tag) = tag_like(line, n, i, html[n], unfinished) {
                        tags.push(tag);
                    }
                    i += 1;
                }
                _ => i += 1,
            }
        }
    }
    (tags, open_comments)
}

/// Where a comment that goes on past line `n` closes.
fn comment_close(lines: &[String], code: &[bool], n: usize) -> Option<(usize, usize)> {
    (n + 1..lines.len())
        .take_while(|&m| !code[m])
        .find_map(|m| lines[m].find("-->").map(|at| (m, at + 3)))
}

/// The tag at `at` (a `<`). In an HTML block, rustdoc's lint reads any `<`
/// or `</` and an ASCII letter as a tag. In Markdown, only what CommonMark
/// reads as HTML is one (not `<https://x y>` in a link, not an autolink),
/// and a tag not closed on its line may go on over the next (so it is
/// counted, as malformed).
fn tag_like(line: &str, n: usize, at: usize, in_html: bool, unfinished: bool) -> Option<TagLike> {
    let valid = strict_tag(line, at).map(|(_, self_closing)| self_closing);
    if !in_html && valid.is_none() && !unfinished {
        return None;
    }
    let bytes = line.as_bytes();
    let closing = bytes.get(at + 1) == Some(&b'/');
    let start = at + 1 + usize::from(closing);
    if !bytes.get(start)?.is_ascii_alphabetic() {
        return None;
    }
    let name_end = start + name_len(&bytes[start..]);
    Some(TagLike {
        line: n,
        at,
        name: line[start..name_end].to_ascii_lowercase(),
        closing,
        valid,
    })
}

fn name_len(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
        .count()
}

/// A tag at `at` as CommonMark defines raw HTML, within this line: where it
/// ends and whether it is self-closing.
pub(super) fn strict_tag(line: &str, at: usize) -> Option<(usize, bool)> {
    let bytes = line.as_bytes();
    let closing = bytes.get(at + 1) == Some(&b'/');
    if !bytes
        .get(at + 1 + usize::from(closing))?
        .is_ascii_alphabetic()
    {
        return None;
    }
    if closing {
        let i = skip_blanks(bytes, at + 2 + name_len(&bytes[at + 2..]));
        return (bytes.get(i) == Some(&b'>')).then_some((i + 1, false));
    }
    let mut i = at + 1 + name_len(&bytes[at + 1..]);
    loop {
        let spaced = skip_blanks(bytes, i);
        match bytes.get(spaced)? {
            b'>' => return Some((spaced + 1, false)),
            b'/' => return (bytes.get(spaced + 1) == Some(&b'>')).then_some((spaced + 2, true)),
            _ if spaced == i => return None,
            _ => i = attribute_end(bytes, spaced)?,
        }
    }
}

/// The end of an attribute (`name`, `name=value`, `name="value"`) at `i`.
fn attribute_end(bytes: &[u8], i: usize) -> Option<usize> {
    let first = *bytes.get(i)?;
    if !(first.is_ascii_alphabetic() || first == b'_' || first == b':') {
        return None;
    }
    let mut end = i + 1;
    while bytes
        .get(end)
        .is_some_and(|b| b.is_ascii_alphanumeric() || b"_.:-".contains(b))
    {
        end += 1;
    }
    let eq = skip_blanks(bytes, end);
    if bytes.get(eq) != Some(&b'=') {
        return Some(end);
    }
    let value = skip_blanks(bytes, eq + 1);
    match *bytes.get(value)? {
        quote @ (b'"' | b'\'') => {
            let close = bytes[value + 1..].iter().position(|b| *b == quote)?;
            Some(value + 1 + close + 1)
        }
        _ => {
            let len = bytes[value..]
                .iter()
                .take_while(|b| !b" \t\"'=<>`".contains(b))
                .count();
            (len > 0).then_some(value + len)
        }
    }
}

/// The end of an autolink at `at` (`<https://...>`, `<name@example.com>`).
pub(super) fn autolink_end(line: &str, at: usize) -> Option<usize> {
    let rest = &line[at + 1..];
    let close = rest.find(|c: char| c == '>' || c == '<' || c.is_whitespace())?;
    if !rest[close..].starts_with('>') {
        return None;
    }
    let inner = &rest[..close];
    let scheme = inner.split_once(':').map(|(s, _)| s);
    let uri = scheme.is_some_and(|s| {
        (2..=32).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+.-".contains(&b))
    });
    let email = inner.contains('@') && !inner.starts_with('@') && !inner.ends_with('@');
    (uri || email).then_some(at + 1 + close + 1)
}

/// Elements whose tag starts an HTML block (CommonMark's kind 6).
const BLOCK_ELEMENTS: &[&str] = &[
    "address",
    "article",
    "aside",
    "base",
    "basefont",
    "blockquote",
    "body",
    "caption",
    "center",
    "col",
    "colgroup",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "iframe",
    "legend",
    "li",
    "link",
    "main",
    "menu",
    "menuitem",
    "nav",
    "noframes",
    "ol",
    "optgroup",
    "option",
    "p",
    "param",
    "search",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "track",
    "ul",
];

/// Which lines are in HTML blocks, whose text is HTML, not Markdown.
pub(super) fn html_block_lines(lines: &[String], code: &[bool]) -> Vec<bool> {
    let mut html = vec![false; lines.len()];
    // What ends the block the line before was in (`""`: a blank line).
    let mut open: Option<&'static str> = None;
    let mut previous_blank = true;
    for (n, line) in lines.iter().enumerate() {
        if code[n] {
            open = None;
            previous_blank = true;
            continue;
        }
        let blank = line.trim().is_empty();
        if open.is_none() {
            open = html_block_start(line.trim_start(), previous_blank);
        }
        if let Some(end) = open {
            html[n] = true;
            let ends = if end.is_empty() {
                blank
            } else {
                line.to_ascii_lowercase().contains(end)
            };
            if ends {
                open = None;
            }
        }
        previous_blank = blank;
    }
    html
}

/// Whether a line starts an HTML block, and what ends it (`""`: a blank
/// line). A lone tag (kind 7) cannot interrupt a paragraph.
fn html_block_start(trimmed: &str, after_blank: bool) -> Option<&'static str> {
    if !trimmed.starts_with('<') {
        return None;
    }
    let lower = trimmed
        .chars()
        .take(12)
        .collect::<String>()
        .to_ascii_lowercase();
    for (start, end) in [
        ("<script", "</script>"),
        ("<style", "</style>"),
        ("<textarea", "</textarea>"),
    ] {
        let after = lower.as_bytes().get(start.len());
        if lower.starts_with(start) && after.is_none_or(|b| b.is_ascii_whitespace() || *b == b'>') {
            return Some(end);
        }
    }
    for (start, end) in [("<!--", "-->"), ("<?", "?>"), ("<![cdata[", "]]>")] {
        if lower.starts_with(start) {
            return Some(end);
        }
    }
    if lower.starts_with("<!") && lower.as_bytes().get(2)?.is_ascii_alphabetic() {
        return Some(">");
    }
    let bytes = trimmed.as_bytes();
    let name_at = if bytes.get(1) == Some(&b'/') { 2 } else { 1 };
    if !bytes.get(name_at)?.is_ascii_alphabetic() {
        return None;
    }
    let name_end = name_at + name_len(&bytes[name_at..]);
    let name = trimmed[name_at..name_end].to_ascii_lowercase();
    let after = &trimmed[name_end..];
    let block = BLOCK_ELEMENTS.contains(&name.as_str())
        && (after.is_empty() || after.starts_with([' ', '\t', '>']) || after.starts_with("/>"));
    let lone_tag = after_blank
        && strict_tag(trimmed, 0).is_some_and(|(end, _)| trimmed[end..].trim().is_empty());
    (block || lone_tag).then_some("")
}

#[cfg(test)]
mod tests {
    use super::super::tests::rewritten;

    #[test]
    fn tags_that_do_not_pair_up_become_text() {
        assert_eq!(
            rewritten("Name must end in \"_by_<bot username>\"."),
            "Name must end in \"_by_&lt;bot username>\"."
        );
        assert_eq!(
            rewritten("A List<String> of names"),
            "A List&lt;String> of names"
        );
        assert_eq!(rewritten("<p>one\n\n<p>two"), "&lt;p>one\n\n&lt;p>two");
        assert_eq!(rewritten("a </b> c"), "a &lt;/b> c");
        assert_eq!(rewritten("an <x/> here"), "an &lt;x/> here");
        assert_eq!(rewritten("<!-- never closed"), "&lt;!-- never closed");
        // Pairs, void elements, autolinks and comments stay.
        for kept in [
            "<b>bold</b> and <i>it\nspans</i> lines",
            "a<br>b<br/>c <img src=\"x.png\">",
            "<https://example.com> and <me@example.com>",
            "<!-- hidden <x> -->",
            "`List<String>` in code",
            "<a href=\"https://example.com\">link</a>",
        ] {
            assert_eq!(rewritten(kept), kept);
        }
        // The inner tag of a pair closed around it is unclosed.
        assert_eq!(rewritten("<div><span>x</div>"), "<div>&lt;span>x</div>");
    }

    #[test]
    fn html_blocks_are_left_as_html() {
        let block = "<p>Creates a [thing] at https://example.com.</p>\n<p>More</p>";
        assert_eq!(rewritten(block), block);
        // No autolink in HTML: rustdoc reads `<me@...>` there as a tag.
        assert_eq!(
            rewritten("<div>Mail <me@example.com></div>"),
            "<div>Mail &lt;me@example.com></div>"
        );
        // A blank line ends the block: Markdown again.
        assert_eq!(
            rewritten("<div>\nhttps://a.io\n</div>\n\nhttps://b.io"),
            "<div>\nhttps://a.io\n</div>\n\n<https://b.io>"
        );
    }
}
