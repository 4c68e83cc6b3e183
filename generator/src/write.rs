//! Stage 5: write the output all or nothing, and only what changed.
//!
//! A single file goes through a temporary file and a rename. A set of
//! files (a crate) that does not exist yet is written into a temporary
//! folder that is renamed into place; one that exists is staged next to
//! its files first, with a journal of the renames that commit it, so that a
//! run killed while committing is finished by the next one. Temporaries a
//! killed run left behind are removed. Unchanged files are not touched, so
//! cargo does not rebuild for nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Error, Result};

/// Temporary files and folders end with this.
const TEMPORARY: &str = ".rustgen-tmp";
/// The journal of a commit in progress, in the root of a file set.
const JOURNAL: &str = ".rustgen-journal";

fn write_error(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// A temporary name beside `path`.
fn temporary_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}{TEMPORARY}", std::process::id()))
}

/// Writes `contents` to `path` unless it already holds exactly that.
/// Returns whether the file changed.
pub fn write_if_changed(path: &Path, contents: &str) -> Result<bool> {
    if holds_exactly(path, contents.as_bytes()) {
        return Ok(false);
    }
    if path.is_dir() {
        return Err(Error::Write {
            path: path.to_path_buf(),
            source: std::io::Error::other("a folder is where the file goes"),
        });
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(write_error(parent))?;
        remove_stale_temporaries(parent);
    }
    let temporary = temporary_path(path);
    std::fs::write(&temporary, contents).map_err(|err| {
        let _ = std::fs::remove_file(&temporary);
        write_error(path)(err)
    })?;
    std::fs::rename(&temporary, path).map_err(|err| {
        let _ = std::fs::remove_file(&temporary);
        write_error(path)(err)
    })?;
    Ok(true)
}

/// Whether the file at `path` holds exactly `contents`: its length first,
/// then its bytes block by block, so that an unchanged large module is
/// never read into memory whole.
fn holds_exactly(path: &Path, contents: &[u8]) -> bool {
    use std::io::Read;
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    let same_length = file
        .metadata()
        .is_ok_and(|m| m.is_file() && m.len() == contents.len() as u64);
    if !same_length {
        return false;
    }
    // On the stack: a zeroed heap block of this size costs fresh pages
    // every run, for a comparison that reads a few blocks.
    let mut block = [0; 16 * 1024];
    let mut rest = contents;
    loop {
        match file.read(&mut block) {
            Ok(0) => return rest.is_empty(),
            Ok(n) if rest.starts_with(&block[..n]) => rest = &rest[n..],
            Ok(_) => return false,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}

/// Removes temporaries of earlier runs (killed ones) in a folder.
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let own = format!(".{}{TEMPORARY}", std::process::id());
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') && name.ends_with(TEMPORARY) && !name.ends_with(&own) {
            let path = entry.path();
            if path.is_dir() {
                let _ = std::fs::remove_dir_all(&path);
            } else {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
}

/// Files a generation run produces, keyed by path relative to an output root.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileSet {
    pub files: BTreeMap<PathBuf, String>,
}

impl FileSet {
    pub fn insert(&mut self, relative: PathBuf, contents: String) {
        self.files.insert(relative, contents);
    }

    /// Writes every file below `root`, all or nothing; returns the paths
    /// that changed.
    pub fn write_all(&self, root: &Path) -> Result<Vec<PathBuf>> {
        if let Some(parent) = root.parent().filter(|p| !p.as_os_str().is_empty()) {
            remove_stale_temporaries(parent);
        }
        if !root.exists() {
            return self.write_new(root);
        }
        if !root.is_dir() {
            return Err(Error::Write {
                path: root.to_path_buf(),
                source: std::io::Error::other("a file is where the folder goes"),
            });
        }
        finish_journal(root)?;
        // Temporaries a killed run left, even where nothing changes now.
        let folders: std::collections::BTreeSet<PathBuf> = self
            .files
            .keys()
            .filter_map(|relative| root.join(relative).parent().map(Path::to_path_buf))
            .collect();
        for folder in &folders {
            remove_stale_temporaries(folder);
        }
        self.write_over(root)
    }

    /// A new folder: written whole under a temporary name, then renamed.
    fn write_new(&self, root: &Path) -> Result<Vec<PathBuf>> {
        let staging = temporary_path(root);
        let result = (|| {
            for (relative, contents) in &self.files {
                let path = staging.join(relative);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(write_error(&root.join(relative)))?;
                }
                std::fs::write(&path, contents).map_err(write_error(&root.join(relative)))?;
            }
            std::fs::rename(&staging, root).map_err(write_error(root))
        })();
        if result.is_err() {
            let _ = std::fs::remove_dir_all(&staging);
        }
        result?;
        Ok(self
            .files
            .keys()
            .map(|relative| root.join(relative))
            .collect())
    }

    /// An existing folder: the changed files staged beside their places,
    /// then renamed into them under a journal.
    fn write_over(&self, root: &Path) -> Result<Vec<PathBuf>> {
        let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
        let mut stage = || -> Result<()> {
            for (relative, contents) in &self.files {
                let path = root.join(relative);
                if holds_exactly(&path, contents.as_bytes()) {
                    continue;
                }
                if path.is_dir() {
                    return Err(Error::Write {
                        path,
                        source: std::io::Error::other("a folder is where the file goes"),
                    });
                }
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(write_error(&path))?;
                    remove_stale_temporaries(parent);
                }
                let temporary = temporary_path(&path);
                std::fs::write(&temporary, contents).map_err(write_error(&path))?;
                staged.push((temporary, path));
            }
            Ok(())
        };
        if let Err(err) = stage() {
            for (temporary, _) in &staged {
                let _ = std::fs::remove_file(temporary);
            }
            return Err(err);
        }
        if staged.is_empty() {
            return Ok(Vec::new());
        }
        let journal = root.join(JOURNAL);
        let entries: String = staged
            .iter()
            .map(|(from, to)| format!("{}\t{}\n", from.display(), to.display()))
            .collect();
        write_if_changed(&journal, &entries)?;
        commit(root, &staged)?;
        Ok(staged.into_iter().map(|(_, to)| to).collect())
    }
}

/// Renames the staged files into place, then drops the journal.
fn commit(root: &Path, staged: &[(PathBuf, PathBuf)]) -> Result<()> {
    for (from, to) in staged {
        if from.exists() {
            std::fs::rename(from, to).map_err(write_error(to))?;
        }
    }
    let journal = root.join(JOURNAL);
    std::fs::remove_file(&journal).map_err(write_error(&journal))
}

/// Finishes a commit a killed run left in its journal.
fn finish_journal(root: &Path) -> Result<()> {
    let journal = root.join(JOURNAL);
    let Ok(text) = std::fs::read_to_string(&journal) else {
        return Ok(());
    };
    let staged: Vec<(PathBuf, PathBuf)> = text
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .map(|(from, to)| (PathBuf::from(from), PathBuf::from(to)))
        .collect();
    commit(root, &staged)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_holds_exactly_its_bytes_across_blocks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("module.rs");
        // Past two 64 KiB blocks, so that the last comparison is a partial block.
        let contents: Vec<u8> = (0..150_000u32).map(|i| b'a' + (i % 26) as u8).collect();
        std::fs::write(&path, &contents).unwrap();
        assert!(holds_exactly(&path, &contents));
        let mut late = contents.clone();
        late[140_000] = b'#';
        assert!(!holds_exactly(&path, &late), "a byte in the last block");
        let mut early = contents.clone();
        early[3] = b'#';
        assert!(!holds_exactly(&path, &early), "a byte in the first block");
        assert!(
            !holds_exactly(&path, &contents[..contents.len() - 1]),
            "shorter"
        );
        let mut longer = contents.clone();
        longer.push(b'\n');
        assert!(!holds_exactly(&path, &longer), "longer");
        assert!(
            !holds_exactly(&dir.path().join("absent.rs"), b""),
            "no file"
        );
        assert!(!holds_exactly(dir.path(), b""), "a folder");
    }

    #[test]
    fn an_unchanged_file_is_not_written_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lib.rs");
        assert!(write_if_changed(&path, "fn a() {}\n").unwrap());
        assert!(!write_if_changed(&path, "fn a() {}\n").unwrap());
        assert!(write_if_changed(&path, "fn b() {}\n").unwrap());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "fn b() {}\n");
    }
}
