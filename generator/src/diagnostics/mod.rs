//! Errors and warnings, each located in the spec (file plus line or JSON pointer).

mod lines;

use std::fmt;
use std::path::PathBuf;

pub use lines::{SpecLines, line_of};

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
            let pointer = self.pointer.as_deref();
            self.line_col = pointer.and_then(|p| lines.line_and_column_of(p));
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
