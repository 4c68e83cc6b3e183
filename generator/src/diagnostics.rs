//! Errors and warnings, each located in the spec (file plus line or JSON pointer).

use std::fmt;
use std::path::PathBuf;

/// Where in a spec something was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    /// 1-based line and column, when the parser knows them.
    pub line_col: Option<(usize, usize)>,
    /// JSON pointer of the node, e.g. `#/components/schemas/Pet`.
    pub pointer: Option<String>,
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

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "warning: {}: {}", self.location, self.message)
    }
}

/// Everything that can stop generation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: cannot read: {source}")]
    Io {
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
}

impl Error {
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
