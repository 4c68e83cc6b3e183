//! `diff`: two spec files, or the working tree against a git revision
//! (whose `spec/` folder is exported whole, so multi-file specs compare).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use openapi_rustgen::Error;
use openapi_rustgen::diff::{Side, compare, to_markdown};

use crate::args::{DiffArgs, DiffFormat, FailOn};

pub fn diff(args: DiffArgs) -> Result<ExitCode, Error> {
    let module = |path: &Path| openapi_rustgen::module_name_for(path);
    let mut reports = Vec::new();
    match &args.git {
        None => {
            let [old, new] = args.paths.as_slice() else {
                return Err(Error::Usage(
                    "diff takes OLD NEW, or --git REV [SPEC...]".into(),
                ));
            };
            let old_side = Side::from_file(old, &module(new))?;
            let new_side = Side::from_file(new, &module(new))?;
            reports.push(compare(&old_side, &new_side));
        }
        Some(rev) => {
            let root = git(&["rev-parse", "--show-toplevel"], None)
                .map(|out| PathBuf::from(out.trim()))
                .ok_or_else(|| Error::Usage("--git needs to run inside a git repository".into()))?;
            let specs = git_specs(&root, rev, &args.paths)?;
            let old_tree = export(&root, rev, &specs)?;
            for relative in specs {
                let old_file = old_tree.path().join(&relative);
                let new_file = root.join(&relative);
                let name = module(&relative);
                let side = |file: &Path| {
                    if file.is_file() {
                        Side::from_file(file, &name)
                    } else {
                        Ok(Side::empty(&name))
                    }
                };
                if !old_file.is_file() && !new_file.is_file() {
                    return Err(Error::Usage(format!(
                        "{}: not in the working tree nor at {rev}",
                        relative.display()
                    )));
                }
                let mut report = compare(&side(&old_file)?, &side(&new_file)?);
                // The old side is read from a temporary copy: name it as the repository does.
                report.old = if old_file.is_file() {
                    format!("{rev}:{}", relative.display())
                } else {
                    String::new()
                };
                report.new = if new_file.is_file() {
                    relative.display().to_string()
                } else {
                    String::new()
                };
                for change in &mut report.changes {
                    if let Ok(inside) = change.location.file.strip_prefix(old_tree.path()) {
                        change.location.file = PathBuf::from(format!("{rev}:{}", inside.display()));
                    } else if let Ok(inside) = change.location.file.strip_prefix(&root) {
                        change.location.file = inside.to_path_buf();
                    }
                }
                reports.push(report);
            }
        }
    }
    match args.format {
        DiffFormat::Markdown => print!("{}", to_markdown(&reports)),
        DiffFormat::Json => {
            let json =
                serde_json::to_string_pretty(&reports).map_err(|e| Error::Usage(e.to_string()))?;
            println!("{json}");
        }
    }
    let breaking = reports.iter().any(|r| r.breaking > 0);
    Ok(if args.fail_on == FailOn::Breaking && breaking {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The folders of `specs` at `rev`, in a temporary folder.
fn export(root: &Path, rev: &str, specs: &[PathBuf]) -> Result<tempfile::TempDir, Error> {
    let dir = tempfile::tempdir().map_err(|source| Error::Write {
        path: std::env::temp_dir(),
        source,
    })?;
    let mut folders: Vec<String> = specs
        .iter()
        .map(|s| {
            s.parent()
                .map(|p| p.display().to_string())
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| ".".into())
        })
        .collect();
    folders.sort();
    folders.dedup();
    for folder in folders {
        let listing = git(
            &["ls-tree", "-r", "--name-only", rev, "--", &folder],
            Some(root),
        )
        .unwrap_or_default();
        for file in listing.lines() {
            let Some(content) = git_bytes(&["show", &format!("{rev}:{file}")], root) else {
                continue;
            };
            let path = dir.path().join(file);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|source| Error::Write {
                    path: parent.to_path_buf(),
                    source,
                })?;
            }
            std::fs::write(&path, content).map_err(|source| Error::Write { path, source })?;
        }
    }
    Ok(dir)
}

/// Runs git and returns its stdout when it succeeds.
fn git(args: &[&str], cwd: Option<&Path>) -> Option<String> {
    let mut command = std::process::Command::new("git");
    command.args(args);
    if let Some(dir) = cwd {
        command.current_dir(dir);
    }
    let output = command.output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

fn git_bytes(args: &[&str], cwd: &Path) -> Option<Vec<u8>> {
    let output = std::process::Command::new("git")
        .args(args)
        .current_dir(cwd)
        .output()
        .ok()?;
    output.status.success().then_some(output.stdout)
}

/// The specs to compare, relative to the repository root: the ones named,
/// or every root spec in spec/ now or at `rev`.
fn git_specs(root: &Path, rev: &str, named: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    if git(
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
        Some(root),
    )
    .is_none()
    {
        return Err(Error::Usage(format!("unknown git revision `{rev}`")));
    }
    let cwd = std::env::current_dir().map_err(|source| Error::Io {
        path: PathBuf::from("."),
        source,
    })?;
    if !named.is_empty() {
        return named
            .iter()
            .map(|p| {
                let absolute = if p.is_absolute() {
                    p.clone()
                } else {
                    cwd.join(p)
                };
                let absolute = absolute.canonicalize().unwrap_or(absolute);
                let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
                absolute
                    .strip_prefix(&root)
                    .map(Path::to_path_buf)
                    .map_err(|_| {
                        Error::Usage(format!("{}: not inside the repository", p.display()))
                    })
            })
            .collect();
    }
    let mut specs: std::collections::BTreeSet<PathBuf> = std::collections::BTreeSet::new();
    if let Some(listing) = git(&["ls-tree", "--name-only", rev, "--", "spec/"], Some(root)) {
        for file in listing.lines() {
            let is_root = git_bytes(&["show", &format!("{rev}:{file}")], root)
                .is_some_and(|bytes| openapi_rustgen::project::is_root_document(&bytes));
            if is_root {
                specs.insert(PathBuf::from(file));
            }
        }
    }
    if let Ok(current) = openapi_rustgen::project::spec_files(&root.join("spec")) {
        specs.extend(
            current
                .iter()
                .filter_map(|p| p.strip_prefix(root).ok().map(Path::to_path_buf)),
        );
    }
    Ok(specs.into_iter().collect())
}
