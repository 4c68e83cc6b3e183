//! Stage 5: write files only when their contents changed, each through a
//! temporary file and a rename, so that no reader ever sees half a file and
//! cargo does not rebuild for nothing.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Error, Result};

/// Writes `contents` to `path` unless it already holds exactly that.
/// Returns whether the file changed.
pub fn write_if_changed(path: &Path, contents: &str) -> Result<bool> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    if std::fs::read(path).is_ok_and(|existing| existing == contents.as_bytes()) {
        return Ok(false);
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let temporary = temporary_path(path);
    std::fs::write(&temporary, contents).map_err(io)?;
    std::fs::rename(&temporary, path).map_err(|err| {
        let _ = std::fs::remove_file(&temporary);
        io(err)
    })?;
    Ok(true)
}

fn temporary_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// Files a generation run produces, keyed by path relative to an output root.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileSet {
    pub files: std::collections::BTreeMap<PathBuf, String>,
}

impl FileSet {
    /// Writes every file below `root`; all contents were computed before
    /// the first write, so a failure in generation leaves nothing behind.
    pub fn write_all(&self, root: &Path) -> Result<Vec<PathBuf>> {
        let mut changed = Vec::new();
        for (relative, contents) in &self.files {
            let path = root.join(relative);
            if write_if_changed(&path, contents)? {
                changed.push(path);
            }
        }
        Ok(changed)
    }
}
