//! `openapi-rustgen`: the command-line face of the generator.
//!
//! Exit codes: 0 success, 1 differences found (`check`), 2 bad input or usage.

// mimalloc is much quicker than glibc's malloc at the many small, short-lived
// allocations of token trees; `no_thp` keeps it from asking for transparent
// huge pages, whose faults made some runs several times slower.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use openapi_rustgen::project::{crate_files, drift, find_project_root, spec_files, stale_files};
use openapi_rustgen::{
    Error, ModuleOptions, RuntimeLocation, SerdeDerives, Warning, generate_module,
};

#[derive(Parser)]
#[command(
    name = "openapi-rustgen",
    version,
    about = "Generate async Rust API clients from OpenAPI 3.0 specs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate one spec into a module file (--out) or a standalone crate (--crate).
    Generate(GenerateArgs),
    /// Rewrite the project's generated crate from every spec in its spec folder.
    Regenerate(ProjectArgs),
    /// Exit 1 with a unified diff when the generated crate is not what `regenerate` would write.
    Check(ProjectArgs),
    /// Report what changed in the generated Rust API between two spec versions, breaking or not.
    ///
    /// `diff OLD NEW` compares two files; `diff --git REV [SPEC...]` compares the working tree
    /// with a git revision (every spec in spec/ by default).
    Diff(DiffArgs),
}

#[derive(Args)]
struct DiffArgs {
    /// OLD NEW spec files, or (with --git) the specs to compare.
    paths: Vec<PathBuf>,
    /// Compare the working tree with this git revision.
    #[arg(long, value_name = "REV")]
    git: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "markdown")]
    format: DiffFormat,
    /// Exit 1 when a change of this kind is found.
    #[arg(long, value_enum, default_value = "never")]
    fail_on: FailOn,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum DiffFormat {
    Markdown,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum FailOn {
    Never,
    Breaking,
}

#[derive(Args)]
struct GenerateArgs {
    /// The OpenAPI 3.0 spec (YAML or JSON).
    #[arg(long)]
    spec: PathBuf,
    /// Write one self-contained module file here.
    #[arg(
        long,
        conflicts_with = "crate_dir",
        required_unless_present = "crate_dir"
    )]
    out: Option<PathBuf>,
    /// Write a standalone crate (Cargo.toml + src/) into this folder.
    #[arg(long = "crate", value_name = "DIR")]
    crate_dir: Option<PathBuf>,
    /// Package name of the crate (with --crate).
    #[arg(long, requires = "crate_dir")]
    name: Option<String>,
    /// Module name (with --out); the spec file stem by default.
    #[arg(long)]
    module: Option<String>,
    /// Fail on warnings instead of using the documented fallbacks.
    #[arg(long)]
    deny_warnings: bool,
    /// Derive both Serialize and Deserialize on every type, not only the
    /// direction(s) the API uses it in.
    #[arg(long)]
    serde_both_ways: bool,
}

#[derive(Args)]
struct ProjectArgs {
    /// Folder of specs; `spec/` of the project found from the current folder by default.
    #[arg(long)]
    spec_dir: Option<PathBuf>,
    /// The generated crate's folder; `generated/` beside the spec folder by default.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Package name of the generated crate.
    #[arg(long, default_value = "vendor-clients")]
    name: String,
    /// Fail on warnings instead of using the documented fallbacks.
    #[arg(long)]
    deny_warnings: bool,
    /// Derive both Serialize and Deserialize on every type, not only the
    /// direction(s) the API uses it in.
    #[arg(long)]
    serde_both_ways: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Generate(args) => generate(args),
        Command::Regenerate(args) => regenerate(args, false),
        Command::Check(args) => regenerate(args, true),
        Command::Diff(args) => diff(args),
    };
    let code = match result {
        Ok(code) if code == ExitCode::SUCCESS => 0,
        Ok(_) => 1,
        Err(err) => {
            eprintln!("{err}");
            2
        }
    };
    exit_now(code)
}

/// Ends the process without the exit-time clean-up: everything is written
/// (files are closed, stdout is flushed here, stderr is unbuffered), and
/// the allocator returning every page to the system, or the threads still
/// freeing syntax trees, would only make the caller wait.
fn exit_now(code: u8) -> ExitCode {
    use std::io::Write;
    if std::io::stdout().flush().is_err() {
        return ExitCode::from(2);
    }
    // SAFETY: `_exit` ends the process at once; no Rust code runs after it.
    unsafe { libc::_exit(i32::from(code)) }
}

fn serde_derives(both_ways: bool) -> SerdeDerives {
    if both_ways {
        SerdeDerives::Both
    } else {
        SerdeDerives::AsUsed
    }
}

fn print_warnings(warnings: &[Warning]) {
    for warning in warnings {
        eprintln!("{warning}");
    }
    if !warnings.is_empty() {
        eprintln!(
            "{} warning(s); --deny-warnings turns them into errors",
            warnings.len()
        );
    }
}

fn generate(args: GenerateArgs) -> Result<ExitCode, Error> {
    if let Some(out) = args.out {
        let options = ModuleOptions {
            module: args.module,
            runtime: RuntimeLocation::Embedded,
            deny_warnings: args.deny_warnings,
            serde: serde_derives(args.serde_both_ways),
            threads: None,
        };
        let generated = generate_module(&args.spec, &options)?;
        print_warnings(&generated.warnings);
        openapi_rustgen::write::write_if_changed(&out, &generated.source)?;
        eprintln!(
            "wrote {} ({} lines)",
            out.display(),
            generated.source.lines().count()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let dir = args.crate_dir.expect("clap requires --out or --crate");
    let name = match args.name {
        Some(name) => name,
        None => dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| {
                Error::Usage("--name is needed when the crate folder has no name".into())
            })?,
    };
    let options = ModuleOptions {
        deny_warnings: args.deny_warnings,
        serde: serde_derives(args.serde_both_ways),
        ..ModuleOptions::default()
    };
    let output = crate_files(&name, &[args.spec], &options)?;
    print_warnings(&output.warnings);
    output.files.write_all(&dir)?;
    eprintln!("wrote crate `{name}` in {}", dir.display());
    Ok(ExitCode::SUCCESS)
}

fn project_paths(args: &ProjectArgs) -> Result<(PathBuf, PathBuf), Error> {
    let cwd = std::env::current_dir().map_err(|source| Error::Io {
        path: PathBuf::from("."),
        source,
    })?;
    let root = || {
        find_project_root(&cwd).ok_or_else(|| {
            Error::Usage(format!(
                "no project found from {}: expected a folder with spec/ and Cargo.toml (or pass --spec-dir and --out)",
                cwd.display()
            ))
        })
    };
    let spec_dir = match &args.spec_dir {
        Some(dir) => dir.clone(),
        None => root()?.join("spec"),
    };
    let out = match &args.out {
        Some(dir) => dir.clone(),
        None => spec_dir
            .parent()
            .unwrap_or(Path::new("."))
            .join("generated"),
    };
    Ok((spec_dir, out))
}

fn regenerate(args: ProjectArgs, check_only: bool) -> Result<ExitCode, Error> {
    let (spec_dir, out) = project_paths(&args)?;
    let specs = spec_files(&spec_dir)?;
    let options = ModuleOptions {
        deny_warnings: args.deny_warnings,
        serde: serde_derives(args.serde_both_ways),
        ..ModuleOptions::default()
    };
    let output = crate_files(&args.name, &specs, &options)?;
    print_warnings(&output.warnings);
    if check_only {
        let drifts = drift(&output.files, &out);
        if drifts.is_empty() {
            eprintln!(
                "{} is up to date with {} spec(s) in {}",
                out.display(),
                specs.len(),
                spec_dir.display()
            );
            return Ok(ExitCode::SUCCESS);
        }
        for d in &drifts {
            print!("{}", d.diff);
        }
        eprintln!(
            "{} file(s) in {} differ from what `regenerate` would write; run `cargo run -p openapi-rustgen -- regenerate`",
            drifts.len(),
            out.display()
        );
        return Ok(ExitCode::from(1));
    }
    let changed = output.files.write_all(&out)?;
    for stale in stale_files(&output.files, &out) {
        std::fs::remove_file(&stale).map_err(|source| Error::Io {
            path: stale.clone(),
            source,
        })?;
        eprintln!("removed stale {}", stale.display());
    }
    eprintln!(
        "regenerated {} from {} spec(s): {} file(s) changed",
        out.display(),
        specs.len(),
        changed.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn diff(args: DiffArgs) -> Result<ExitCode, Error> {
    use openapi_rustgen::diff::{Side, compare, to_markdown};
    let module = |path: &Path| openapi_rustgen::module_name_for(path);
    let mut reports = Vec::new();
    match &args.git {
        None => {
            let [old, new] = args.paths.as_slice() else {
                return Err(Error::Usage(
                    "diff takes OLD NEW, or --git REV [SPEC...]".into(),
                ));
            };
            let read = |path: &PathBuf| {
                std::fs::read_to_string(path).map_err(|source| Error::Io {
                    path: path.clone(),
                    source,
                })
            };
            let old_side = Side::from_text(old, &module(new), &read(old)?)?;
            let new_side = Side::from_text(new, &module(new), &read(new)?)?;
            reports.push(compare(&old_side, &new_side));
        }
        Some(rev) => {
            let root = git(&["rev-parse", "--show-toplevel"], None)
                .map(|out| PathBuf::from(out.trim()))
                .ok_or_else(|| Error::Usage("--git needs to run inside a git repository".into()))?;
            let specs = git_specs(&root, rev, &args.paths)?;
            for relative in specs {
                let old_text = git(
                    &["show", &format!("{rev}:{}", relative.display())],
                    Some(&root),
                );
                let new_text = std::fs::read_to_string(root.join(&relative)).ok();
                if old_text.is_none() && new_text.is_none() {
                    return Err(Error::Usage(format!(
                        "{}: not in the working tree nor at {rev}",
                        relative.display()
                    )));
                }
                let name = module(&relative);
                let side = |text: Option<String>| match text {
                    Some(text) => Side::from_text(&relative, &name, &text),
                    None => Ok(Side::empty(&relative, &name)),
                };
                reports.push(compare(&side(old_text)?, &side(new_text)?));
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

/// The specs to compare, relative to the repository root: the ones named,
/// or every spec in spec/ now or at `rev`.
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
    let is_spec = |p: &Path| {
        matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json")
        )
    };
    let mut specs: std::collections::BTreeSet<PathBuf> = std::collections::BTreeSet::new();
    if let Some(listing) = git(
        &["ls-tree", "-r", "--name-only", rev, "--", "spec"],
        Some(root),
    ) {
        specs.extend(listing.lines().map(PathBuf::from).filter(|p| is_spec(p)));
    }
    if let Ok(entries) = std::fs::read_dir(root.join("spec")) {
        specs.extend(
            entries
                .filter_map(|e| e.ok())
                .map(|e| PathBuf::from("spec").join(e.file_name()))
                .filter(|p| is_spec(p)),
        );
    }
    Ok(specs.into_iter().collect())
}
