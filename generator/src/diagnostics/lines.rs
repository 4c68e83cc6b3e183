//! JSON pointer → line of a YAML or pretty-printed JSON spec, for located
//! messages: each token is a key (or the n-th `-` item) of its parent's
//! block, found by indentation.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use super::unescape_token;

/// The 1-based line of a JSON pointer in YAML or JSON text: each token is
/// looked for as a key (or the n-th `-` item) inside its parent's block;
/// when a token cannot be found, the deepest ancestor found is returned.
pub fn line_of(text: &str, pointer: &str) -> Option<usize> {
    SpecLines::new(text).line_of(pointer)
}

/// A spec's lines, split once for many pointer look-ups.
pub struct SpecLines<'t> {
    lines: Vec<&'t str>,
    /// Each line's indentation, `BLANK` for a line with no key (empty, or
    /// a comment): measured once, since each look-up walks over thousands
    /// of lines of a large spec (trimming each line on every walk was 2-3
    /// ms of a 1 MB spec's run).
    indents: Vec<u32>,
    /// Pointer → its line and indentation (`None`: not there). Every child
    /// of a block is entered when the first one is looked for: looking for
    /// each from the block's start made many messages about one block
    /// (20,000 paths, each warned about) quadratic.
    found: RefCell<HashMap<String, Option<(usize, usize)>>>,
    /// The pointers whose children are in `found`.
    entered: RefCell<HashSet<String>>,
}

/// The indentation of a line with no key to look up in it.
const BLANK: u32 = u32::MAX;

/// How far a line is indented (as `str::trim_start` measures it), or
/// `BLANK`. Spaces and tabs are counted byte by byte; only a line that goes
/// on with other whitespace is trimmed the Unicode way.
fn indent_of(line: &str) -> u32 {
    let ascii = line
        .bytes()
        .take_while(|&b| b == b' ' || b == b'\t')
        .count();
    let (indent, rest) = match line[ascii..].starts_with(char::is_whitespace) {
        true => {
            let rest = line.trim_start();
            (line.len() - rest.len(), rest)
        }
        false => (ascii, &line[ascii..]),
    };
    // A line that only opens or closes a JSON object or array names no key
    // (without this, the `{` of a JSON document was its only top-level
    // line, and no pointer into a JSON spec was ever found).
    let bracket = matches!(rest.trim_end(), "{" | "[" | "}" | "]" | "}," | "],");
    match rest.is_empty() || rest.starts_with('#') || bracket {
        true => BLANK,
        false => u32::try_from(indent).unwrap_or(BLANK),
    }
}

/// The key a line starts with, as YAML or JSON writes it: between quotes,
/// or up to the first `:` that a space or the line's end follows (`/v1/{name}:cancel: x`
/// is `/v1/{name}:cancel`). `None` for a line with no key.
fn natural_key(text: &str) -> Option<&str> {
    for quote in ['"', '\''] {
        if let Some(rest) = text.strip_prefix(quote) {
            let end = rest.find(quote)?;
            let after = rest[end + 1..].trim_start();
            return after.starts_with(':').then_some(&rest[..end]);
        }
    }
    text.match_indices(':')
        .map(|(colon, _)| colon)
        .find(|&colon| {
            let after = &text[colon + 1..];
            after.is_empty() || after.starts_with(char::is_whitespace)
        })
        .map(|colon| text[..colon].trim_end())
}

impl<'t> SpecLines<'t> {
    pub fn new(text: &'t str) -> Self {
        // `str::lines`, with the line ends found in one vectorized pass:
        // searching anew for each end costs more than the short lines of a
        // pretty-printed spec.
        let (mut lines, mut indents) = (Vec::new(), Vec::new());
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', text.as_bytes()) {
            let line = &text[start..end];
            let line = line.strip_suffix('\r').unwrap_or(line);
            lines.push(line);
            indents.push(indent_of(line));
            start = end + 1;
        }
        if start < text.len() {
            let line = &text[start..];
            lines.push(line);
            indents.push(indent_of(line));
        }
        SpecLines {
            lines,
            indents,
            found: Default::default(),
            entered: Default::default(),
        }
    }

    /// See [`line_of`].
    pub fn line_of(&self, pointer: &str) -> Option<usize> {
        let tokens: Vec<String> = pointer
            .trim_start_matches('#')
            .split('/')
            .filter(|t| !t.is_empty())
            .map(unescape_token)
            .collect();
        // The whole document (a file `$ref`'d whole) starts at its first line.
        if tokens.is_empty() {
            return (!self.lines.is_empty()).then_some(1);
        }
        let mut found: Option<usize> = None;
        // The block looked in: after its parent's line, deeper than it.
        let mut block = Block {
            start: 0,
            parent_indent: -1,
        };
        let mut prefix = String::new();
        for token in &tokens {
            let parent_len = prefix.len();
            prefix.push('/');
            prefix.push_str(token);
            if !self.found.borrow().contains_key(&prefix) {
                let parent = &prefix[..parent_len];
                if self.entered.borrow_mut().insert(parent.to_string()) {
                    self.enter_children(parent, block);
                }
                // A key written some other way (`"a" : 1`), or none.
                if !self.found.borrow().contains_key(&prefix) {
                    let hit = self.scan_for(token, block);
                    self.found.borrow_mut().insert(prefix.clone(), hit);
                }
            }
            let Some((line, indent)) = self.found.borrow()[&prefix] else {
                break;
            };
            found = Some(line + 1);
            block = Block {
                start: line + 1,
                parent_indent: indent as isize,
            };
        }
        found
    }

    /// The 1-based line and column of the key or item a pointer names.
    pub fn line_and_column_of(&self, pointer: &str) -> Option<(usize, usize)> {
        let line = self.line_of(pointer)?;
        // A line found names a key, so its indentation was measured.
        Some((line, self.indents[line - 1] as usize + 1))
    }

    /// The lines of a block's children: those at the indentation of its
    /// first line, up to the first line no deeper than its parent.
    fn children(&self, block: Block) -> impl Iterator<Item = (usize, usize, &'t str)> + '_ {
        let mut level: Option<usize> = None;
        self.indents
            .iter()
            .enumerate()
            .skip(block.start)
            .filter(|(_, indent)| **indent != BLANK)
            .map(|(i, &indent)| (i, indent as usize))
            .take_while(move |&(i, indent)| {
                indent as isize > block.parent_indent || i == block.start
            })
            .filter(move |&(_, indent)| indent == *level.get_or_insert(indent))
            .map(|(i, indent)| (i, indent, &self.lines[i][indent..]))
    }

    /// Records the line of every child of the block under `parent`: each
    /// key as it is written, and each `-` item by its number. The first line
    /// of a token wins, as a walk down the block finds it.
    fn enter_children(&self, parent: &str, block: Block) {
        let mut found = self.found.borrow_mut();
        let mut items = 0usize;
        for (i, indent, text) in self.children(block) {
            let item = text.starts_with('-');
            let key = natural_key(text.trim_start_matches("- "))
                // On an item's line a number is the item's, not a key.
                .filter(|key| !(item && key.parse::<usize>().is_ok()));
            let item_number = item.then(|| {
                items += 1;
                (items - 1).to_string()
            });
            for token in key.into_iter().chain(item_number.as_deref()) {
                found
                    .entry([parent, "/", token].concat())
                    .or_insert(Some((i, indent)));
            }
        }
    }

    /// The first child of the block that `token` names, looked for line by
    /// line: a key followed by quotes or spaces before its `:`, or the n-th
    /// `-` item.
    fn scan_for(&self, token: &str, block: Block) -> Option<(usize, usize)> {
        let index: Option<usize> = token.parse().ok();
        let mut items = 0usize;
        for (i, indent, text) in self.children(block) {
            if let Some(n) = index.filter(|_| text.starts_with('-')) {
                if items == n {
                    return Some((i, indent));
                }
                items += 1;
                continue;
            }
            let key = text
                .trim_start_matches("- ")
                .trim_start_matches(['"', '\'']);
            let key_matches = key.starts_with(token)
                && key[token.len()..]
                    .trim_start_matches(['"', '\''])
                    .trim_start()
                    .starts_with(':');
            if key_matches {
                return Some((i, indent));
            }
        }
        None
    }
}

/// Where a block's children are: from line `start`, deeper than
/// `parent_indent` (-1 for the document's top level).
#[derive(Clone, Copy)]
struct Block {
    start: usize,
    parent_indent: isize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_lines_are_the_lines_str_gives() {
        for text in [
            "",
            "a",
            "a\n",
            "a\r\n",
            "a\r",
            "\n\n",
            "a\r\nb\rc\n",
            "\r\n",
            "x\n\r",
            "é\nü\r\n",
        ] {
            let lines = SpecLines::new(text);
            assert_eq!(lines.lines, text.lines().collect::<Vec<_>>(), "{text:?}");
            assert_eq!(lines.indents.len(), lines.lines.len());
        }
    }

    #[test]
    fn indentation_is_measured_as_trim_start_does() {
        assert_eq!(indent_of("    key: 1"), 4);
        assert_eq!(indent_of("\t  key: 1"), 3);
        assert_eq!(
            indent_of("  \u{a0}key: 1"),
            4,
            "a no-break space is whitespace"
        );
        assert_eq!(indent_of("   "), BLANK);
        assert_eq!(indent_of("  # comment"), BLANK);
        assert_eq!(indent_of(""), BLANK);
    }

    #[test]
    fn pointers_are_found_in_yaml_and_in_json() {
        let yaml = "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      # note\n      responses:\n        '200':\n          description: ok\n";
        assert_eq!(line_of(yaml, "#/paths/~1a/get/responses/200"), Some(7));
        let json = "{\n  \"paths\": {\n    \"/a\": {\n      \"get\": {}\n    }\n  },\n  \"components\": {\n    \"schemas\": {\n      \"B\": {}\n    }\n  }\n}";
        assert_eq!(line_of(json, "#/components/schemas/B"), Some(9));
        assert_eq!(line_of(json, "#/paths/~1a/get"), Some(4));
    }

    #[test]
    fn keys_are_found_however_they_are_written() {
        let yaml = "paths:\n  /v1/{name}:cancel:\n    post: {}\n  \"/q\" : {}\n  'x': {}\n  a:b: 1\nlist:\n  - name: first\n  - 0: zero\n  - name: third\ncodes:\n  200: ok\n";
        let lines = SpecLines::new(yaml);
        // A colon inside a key (Google's custom methods).
        assert_eq!(lines.line_of("#/paths/~1v1~1{name}:cancel/post"), Some(3));
        // Quotes and spaces before the colon (found by the line-by-line walk).
        assert_eq!(lines.line_of("#/paths/~1q"), Some(4));
        assert_eq!(lines.line_of("#/paths/x"), Some(5));
        assert_eq!(lines.line_of("#/paths/a:b"), Some(6));
        // Items by number, a number on an item's line being the item's.
        assert_eq!(lines.line_of("#/list/0"), Some(8));
        assert_eq!(lines.line_of("#/list/1"), Some(9));
        assert_eq!(lines.line_of("#/list/2/name"), Some(10));
        assert_eq!(lines.line_of("#/codes/200"), Some(12));
        // Not there: the deepest ancestor that is.
        assert_eq!(lines.line_of("#/paths/nope/get"), Some(1));
        assert_eq!(lines.line_of("#/list/7"), Some(7));
    }

    #[test]
    fn many_look_ups_in_one_block_are_quick() {
        // 50,000 paths, each looked up (a warning on each): from the
        // block's start each time, that was over a billion lines read.
        let count = 50_000;
        let mut yaml = String::from("paths:\n");
        for i in 0..count {
            yaml.push_str(&format!("  /p{i}:\n    get:\n      operationId: op{i}\n"));
        }
        let lines = SpecLines::new(&yaml);
        for i in (0..count).rev() {
            let found = lines.line_of(&format!("#/paths/~1p{i}/get/operationId"));
            assert_eq!(found, Some(4 + 3 * i));
        }
    }
}
