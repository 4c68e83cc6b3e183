//! `generate`, `regenerate` and `check`.

use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use openapi_rustgen::project::{
    CrateOptions, RuntimeDependency, crate_files, drift, find_project_root, spec_files, stale_files,
};
use openapi_rustgen::{Error, Mocks, RuntimeLocation, generate_module};

use crate::args::{GenerateArgs, ProjectArgs};
use crate::options::{module_options, print_warnings};

pub fn generate(args: GenerateArgs) -> Result<ExitCode, Error> {
    let mut options = module_options(&args.code)?;
    if let Some(out) = &args.out {
        options.module = args.module.clone();
        if let Some(path) = &args.runtime_path {
            options.emit.runtime = RuntimeLocation::Crate(path.clone());
        }
        if args.mocks {
            options.emit.mocks = Mocks::Always;
        }
        let generated = generate_module(&args.spec, &options)?;
        print_warnings(&generated.warnings);
        openapi_rustgen::write::write_if_changed(out, &generated.source)?;
        eprintln!(
            "wrote {} ({} lines)",
            out.display(),
            generated.source.lines().count()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let Some(dir) = args.crate_dir.clone() else {
        return Err(Error::Usage(
            "generate needs --out FILE or --crate DIR".into(),
        ));
    };
    let package = match &args.name {
        Some(name) => name.clone(),
        None => dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| {
                Error::Usage("--name is needed when the crate folder has no name".into())
            })?,
    };
    let runtime = if args.vendor_runtime {
        RuntimeDependency::Vendored
    } else if let Some(version) = &args.runtime_version {
        RuntimeDependency::Version(version.clone())
    } else {
        runtime_dependency(&dir, args.runtime_dir.as_deref())
    };
    let crate_options = CrateOptions {
        package: package.clone(),
        runtime,
        tag_features: !args.no_tag_features,
        mocks: args.mocks,
        module: options,
    };
    let output = crate_files(&[args.spec], &crate_options)?;
    print_warnings(&output.warnings);
    output.files.write_all(&dir)?;
    eprintln!("wrote crate `{package}` in {}", dir.display());
    Ok(ExitCode::SUCCESS)
}

/// The runtime crate as a path dependency: the folder given, or the one
/// this tool was built from when it is still there; a crates.io version
/// otherwise.
fn runtime_dependency(crate_dir: &Path, given: Option<&Path>) -> RuntimeDependency {
    let built_from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime");
    let candidate = given.map(Path::to_path_buf).unwrap_or(built_from);
    let is_runtime = std::fs::read_to_string(candidate.join("Cargo.toml"))
        .is_ok_and(|manifest| manifest.contains("name = \"openapi-rustgen-runtime\""));
    match (is_runtime, candidate.canonicalize()) {
        (true, Ok(runtime)) => {
            RuntimeDependency::Path(relative_to(&runtime, crate_dir).display().to_string())
        }
        _ => RuntimeDependency::Version(env!("CARGO_PKG_VERSION").to_string()),
    }
}

/// `target` as a path from `dir` (which may not exist yet), or absolute.
fn relative_to(target: &Path, dir: &Path) -> PathBuf {
    let absolute = match std::path::absolute(dir) {
        Ok(dir) => dir,
        Err(_) => return target.to_path_buf(),
    };
    // The deepest ancestor that exists, canonical, plus the rest.
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        let Some(parent) = existing.parent() else {
            break;
        };
        rest.push(
            existing
                .file_name()
                .map(|n| n.to_os_string())
                .unwrap_or_default(),
        );
        existing = parent;
    }
    let Ok(mut base) = existing.canonicalize() else {
        return target.to_path_buf();
    };
    base.extend(rest.iter().rev());
    let from: Vec<Component> = base.components().collect();
    let to: Vec<Component> = target.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return target.to_path_buf();
    }
    let mut relative = PathBuf::new();
    for _ in common..from.len() {
        relative.push("..");
    }
    relative.extend(&to[common..]);
    relative
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

pub fn regenerate(args: ProjectArgs, check_only: bool) -> Result<ExitCode, Error> {
    let (spec_dir, out) = project_paths(&args)?;
    let specs = spec_files(&spec_dir)?;
    let runtime = runtime_dependency(&out, None);
    let options = CrateOptions {
        package: args.name.clone(),
        runtime,
        tag_features: args.tag_features,
        mocks: true,
        module: module_options(&args.code)?,
    };
    let output = crate_files(&specs, &options)?;
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
            "{} file(s) in {} differ from what `regenerate` would write; run `cargo run -p openapi-rustgen-cli -- regenerate`",
            drifts.len(),
            out.display()
        );
        return Ok(ExitCode::from(1));
    }
    let changed = output.files.write_all(&out)?;
    for stale in stale_files(&output.files, &out) {
        std::fs::remove_file(&stale).map_err(|source| Error::Write {
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
