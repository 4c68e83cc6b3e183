//! Errors and warnings, each located in the spec (file plus line or JSON pointer).

use std::fmt;
use std::path::PathBuf;

/// Escapes one token of a JSON pointer (`~` → `~0`, `/` → `~1`).
pub fn pointer_token(token: &str) -> String {
    if !token.contains(['~', '/']) {
        return token.to_string();
    }
    token.replace('~', "~0").replace('/', "~1")
}

/// `parent/child`: a JSON pointer one level down (`child` escaped, or a
/// keyword). Concatenated rather than `format!`ted, which costs several
/// times more; lowering makes thousands of these.
pub fn pointer_child(parent: &str, child: &str) -> String {
    [parent, "/", child].concat()
}

/// Decodes one token of a JSON pointer (`~1` → `/`, `~0` → `~`).
pub fn unescape_token(token: &str) -> String {
    if !token.contains('~') {
        return token.to_string();
    }
    token.replace("~1", "/").replace("~0", "~")
}

/// Decodes one token of a JSON pointer written in a `$ref`'s URI fragment:
/// percent-escapes first, then the pointer escapes.
pub fn fragment_token(token: &str) -> String {
    unescape_token(&percent_encoding::percent_decode_str(token).decode_utf8_lossy())
}

/// The JSON pointer a local `$ref` (`#/paths/~1pets~1%7Bid%7D/get`) names,
/// without the `#`: a URI fragment is percent-encoded (RFC 6901, section 6),
/// so it is decoded before its tokens are read. `None` for a reference to
/// another file.
pub fn fragment_pointer(reference: &str) -> Option<String> {
    let fragment = reference.strip_prefix('#')?;
    Some(
        percent_encoding::percent_decode_str(fragment)
            .decode_utf8_lossy()
            .into_owned(),
    )
}

/// Where in a spec something was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    /// 1-based line and column, when the parser knows them.
    pub line_col: Option<(usize, usize)>,
    /// JSON pointer of the node, e.g. `#/components/schemas/Pet`.
    pub pointer: Option<String>,
}

impl Location {
    /// Fills in the line from the JSON pointer, when it is not known yet.
    pub fn fill_line(&mut self, lines: &SpecLines<'_>) {
        if self.line_col.is_none() {
            if let Some(line) = self.pointer.as_deref().and_then(|p| lines.line_of(p)) {
                // A line found names a key, so its indentation was measured.
                let column = lines.indents[line - 1] as usize + 1;
                self.line_col = Some((line, column));
            }
        }
    }
}

/// As JSON: `{file, line, column, pointer}` (`null` where unknown).
impl serde::Serialize for Location {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("Location", 4)?;
        out.serialize_field("file", &self.file.display().to_string())?;
        out.serialize_field("line", &self.line_col.map(|(line, _)| line))?;
        out.serialize_field("column", &self.line_col.map(|(_, column)| column))?;
        out.serialize_field("pointer", &self.pointer)?;
        out.end()
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some((line, col)) = self.line_col {
            write!(f, ":{line}:{col}")?;
        }
        if let Some(pointer) = &self.pointer {
            write!(f, " ({pointer})")?;
        }
        Ok(())
    }
}

/// A warning: the spec was modelled with a documented fallback.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    pub location: Location,
    pub message: String,
}

impl Warning {
    /// The warning without its `warning:` prefix (for `cargo:warning=`,
    /// which adds its own).
    pub fn without_prefix(&self) -> String {
        format!("{}: {}", self.location, self.message)
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "warning: {}: {}", self.location, self.message)
    }
}

/// Everything that can stop generation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("error: {}: cannot read: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("error: {}: cannot write: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("error: {location}: {message}")]
    Spec { location: Location, message: String },
    #[error("error: {count} warning(s) denied by --deny-warnings:\n{list}")]
    DeniedWarnings { count: usize, list: String },
    #[error("error: generated code for {module} does not parse as Rust: {message}")]
    InvalidOutput { module: String, message: String },
    #[error("error: {0}")]
    Usage(String),
    #[error("error: internal error in the generator ({0}); please report it with the spec")]
    Internal(String),
    /// Several errors of one document, each on its own line.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Several(Vec<Error>),
}

/// At most this many errors of one document are reported.
pub const MAX_ERRORS: usize = 50;

/// Collects the errors of independent parts of a document, so that all of
/// them are reported, not only the first.
#[derive(Default)]
pub struct Errors(Vec<Error>);

impl Errors {
    /// The value, or `None` with the error kept.
    pub fn note<T>(&mut self, result: Result<T>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(err) => {
                self.0.push(err);
                None
            }
        }
    }

    /// Whether the limit is reached (the caller stops).
    pub fn full(&self) -> bool {
        self.0.len() >= MAX_ERRORS
    }

    /// `Ok` when nothing failed, the one error, or all of them.
    pub fn finish(mut self) -> Result<()> {
        match self.0.len() {
            0 => Ok(()),
            1 => Err(self.0.remove(0)),
            _ => Err(Error::Several(self.0)),
        }
    }
}

impl Error {
    /// Adds the line of the error's JSON pointer in `text` (the spec).
    pub fn with_line(mut self, text: &str) -> Self {
        match &mut self {
            Error::Spec { location, .. } => location.fill_line(&SpecLines::new(text)),
            Error::Several(errors) => {
                let lines = SpecLines::new(text);
                for err in errors {
                    if let Error::Spec { location, .. } = err {
                        location.fill_line(&lines);
                    }
                }
            }
            _ => {}
        }
        self
    }

    /// A bug of the generator: what went wrong, for the report.
    pub fn internal(what: &str) -> Self {
        Error::Internal(what.to_string())
    }

    pub fn spec(
        file: &std::path::Path,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Error::Spec {
            location: Location {
                file: file.to_path_buf(),
                line_col: None,
                pointer: Some(pointer.into()),
            },
            message: message.into(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

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
    /// Pointer prefix → its line and indentation (`None`: not found).
    memo: std::cell::RefCell<std::collections::HashMap<String, Option<(usize, usize)>>>,
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
            memo: Default::default(),
        }
    }

    /// See [`line_of`].
    pub fn line_of(&self, pointer: &str) -> Option<usize> {
        let lines = &self.lines;
        let tokens: Vec<String> = pointer
            .trim_start_matches('#')
            .split('/')
            .filter(|t| !t.is_empty())
            .map(unescape_token)
            .collect();
        // The whole document (a file `$ref`'d whole) starts at its first line.
        if tokens.is_empty() {
            return (!lines.is_empty()).then_some(1);
        }
        let mut found: Option<usize> = None;
        let (mut start, mut end) = (0usize, lines.len());
        let mut parent_indent: isize = -1;
        // Pointers of one spec share long prefixes: each prefix is looked
        // up once (the memo maps a prefix to its line and indentation).
        let mut prefix = String::new();
        for token in &tokens {
            prefix.push('/');
            prefix.push_str(token);
            if let Some(known) = self.memo.borrow().get(&prefix) {
                let Some((line, indent)) = *known else { break };
                found = Some(line + 1);
                start = line + 1;
                parent_indent = indent as isize;
                continue;
            }
            let index: Option<usize> = token.parse().ok();
            let mut hit = None;
            let mut item_count = 0usize;
            let mut child_indent: Option<usize> = None;
            let indents = self.indents.iter().enumerate().take(end).skip(start);
            for (i, &indent) in indents {
                if indent == BLANK {
                    continue;
                }
                let indent = indent as usize;
                if (indent as isize) <= parent_indent && i > start {
                    break;
                }
                let level = *child_indent.get_or_insert(indent);
                if indent != level {
                    continue;
                }
                let trimmed = &lines[i][indent..];
                let key = trimmed
                    .trim_start_matches("- ")
                    .trim_start_matches(['"', '\'']);
                let key_matches = key.starts_with(token.as_str())
                    && key[token.len()..]
                        .trim_start_matches(['"', '\''])
                        .trim_start()
                        .starts_with(':');
                if let Some(n) = index.filter(|_| trimmed.starts_with('-')) {
                    if item_count == n {
                        hit = Some((i, indent));
                        break;
                    }
                    item_count += 1;
                } else if key_matches {
                    hit = Some((i, indent));
                    break;
                }
            }
            self.memo.borrow_mut().insert(prefix.clone(), hit);
            let Some((line, indent)) = hit else { break };
            found = Some(line + 1);
            start = line + 1;
            parent_indent = indent as isize;
            end = lines.len();
        }
        found
    }
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
}
