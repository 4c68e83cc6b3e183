//! Arranging generated modules into files: a standalone crate, or the
//! checked-in `generated/` crate of a project (`regenerate` and `check`).

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::diagnostics::{Error, Result, Warning};
use crate::emit::{Features, RUNTIME_SOURCE, RuntimeLocation};
use crate::format::header;
use crate::write::FileSet;
use crate::{ModuleOptions, generate_module, module_name_for};

/// Versions the generated crates depend on; the README says why each is there.
const DEPENDENCIES: &[(&str, &str)] = &[
    ("bytes", "version = \"1.12\", features = [\"serde\"]"),
    ("fastrand", "version = \"2.5\""),
    ("httpdate", "version = \"1.0\""),
    ("percent-encoding", "version = \"2.3\""),
    ("regex", "version = \"1.13\""),
    (
        "reqwest",
        "version = \"0.13.5\", default-features = false, features = [\"json\", \"multipart\", \"rustls\"]",
    ),
    ("serde", "version = \"1.0\", features = [\"derive\"]"),
    ("serde_json", "version = \"1.0\""),
    ("tokio", "version = \"1.54\", features = [\"time\"]"),
];
const CHRONO: (&str, &str) = (
    "chrono",
    "version = \"0.4\", default-features = false, features = [\"serde\", \"std\"]",
);
const UUID: (&str, &str) = ("uuid", "version = \"1\", features = [\"serde\"]");

/// What one run over a set of specs produced.
pub struct CrateOutput {
    pub files: FileSet,
    pub warnings: Vec<Warning>,
}

/// All files of a crate named `package` holding one module per spec.
/// `options` applies to every module (its module name and runtime location
/// are set per spec).
pub fn crate_files(
    package: &str,
    specs: &[PathBuf],
    options: &ModuleOptions,
) -> Result<CrateOutput> {
    let mut files = FileSet::default();
    let mut warnings = Vec::new();
    let mut features = Features::default();
    let mut modules: Vec<(String, String)> = Vec::new();
    for spec in specs {
        let module = module_name_for(spec);
        if module == "runtime" || modules.iter().any(|(m, _)| *m == module) {
            return Err(Error::Usage(format!(
                "{}: module name `{module}` is taken; rename the spec file",
                spec.display()
            )));
        }
        let options = ModuleOptions {
            module: Some(module.clone()),
            runtime: RuntimeLocation::Import("crate::runtime".to_string()),
            ..options.clone()
        };
        let generated = generate_module(spec, &options)?;
        features.chrono |= generated.features.chrono;
        features.uuid |= generated.features.uuid;
        warnings.extend(generated.warnings);
        files
            .files
            .insert(PathBuf::from(format!("src/{module}.rs")), generated.source);
        let title = format!(
            "{} (from `{}`).",
            generated.api.title,
            spec.file_name().unwrap_or_default().to_string_lossy()
        );
        modules.push((module, title));
    }
    files.files.insert(
        PathBuf::from("src/runtime.rs"),
        format!(
            "{}{RUNTIME_SOURCE}",
            header("the generator's client runtime")
        ),
    );
    files
        .files
        .insert(PathBuf::from("src/lib.rs"), lib_rs(package, &modules)?);
    files
        .files
        .insert(PathBuf::from("Cargo.toml"), cargo_toml(package, features));
    Ok(CrateOutput { files, warnings })
}

fn lib_rs(package: &str, modules: &[(String, String)]) -> Result<String> {
    let crate_doc =
        " API clients generated from OpenAPI specs: one module per spec, sharing [`runtime`].";
    let declarations: Vec<TokenStream> = modules
        .iter()
        .map(|(module, title)| {
            let name = format_ident!("{}", module);
            let doc = format!(" {title}");
            // prettyplease, not rustfmt, lays the module out; tell
            // `cargo fmt` to leave it as generated.
            quote! {
                #[doc = #doc]
                #[rustfmt::skip]
                pub mod #name;
            }
        })
        .collect();
    let tokens = quote! {
        #![doc = #crate_doc]
        // Formatted four columns narrower than rustfmt's default, so that
        // it also fits when embedded in a module (see its rustfmt.toml).
        #[rustfmt::skip]
        pub mod runtime;
        #(#declarations)*
    };
    let file: syn::File = syn::parse2(tokens).map_err(|e| Error::InvalidOutput {
        module: package.to_string(),
        message: e.to_string(),
    })?;
    Ok(format!(
        "{}{}",
        header("the specs listed below"),
        prettyplease::unparse(&file)
    ))
}

fn cargo_toml(package: &str, features: Features) -> String {
    let mut dependencies: Vec<(&str, &str)> = DEPENDENCIES.to_vec();
    if features.chrono {
        dependencies.push(CHRONO);
    }
    if features.uuid {
        dependencies.push(UUID);
    }
    dependencies.sort();
    let dependencies: String = dependencies
        .iter()
        .map(|(name, spec)| format!("{name} = {{ {spec} }}\n"))
        .collect();
    format!(
        "# Generated by openapi-rustgen: do not edit by hand, regenerate instead.\n\
         [package]\n\
         name = \"{package}\"\n\
         version = \"0.1.0\"\n\
         edition = \"2024\"\n\
         description = \"API clients generated from OpenAPI specs by openapi-rustgen\"\n\
         publish = false\n\
         \n\
         [dependencies]\n\
         {dependencies}"
    )
}

/// The folder above `start` (or `start` itself) that holds `spec/` and a
/// `Cargo.toml`: the project `regenerate` works on.
pub fn find_project_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join("spec").is_dir() && dir.join("Cargo.toml").is_file())
        .map(Path::to_path_buf)
}

/// Spec files in a folder (`.yaml`, `.yml`, `.json`), sorted by name.
pub fn spec_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut specs: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.is_file()
                && matches!(
                    path.extension().and_then(|e| e.to_str()),
                    Some("yaml" | "yml" | "json")
                )
        })
        .collect();
    specs.sort();
    if specs.is_empty() {
        return Err(Error::Usage(format!(
            "{}: no .yaml, .yml or .json spec files",
            dir.display()
        )));
    }
    Ok(specs)
}

/// One file that is not what generation would write.
#[derive(Debug)]
pub struct Drift {
    pub path: PathBuf,
    /// A unified diff from what is on disk to what would be written.
    pub diff: String,
}

/// Compares generated files with what is below `root`. Stale `.rs` files
/// in `src/` that carry the generated header are reported too.
pub fn drift(files: &FileSet, root: &Path) -> Vec<Drift> {
    let mut drifts = Vec::new();
    for (relative, expected) in &files.files {
        let path = root.join(relative);
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        if actual != *expected {
            let shown = relative.display().to_string();
            let diff = similar::TextDiff::from_lines(&actual, expected)
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{shown}"), &format!("b/{shown}"))
                .to_string();
            drifts.push(Drift { path, diff });
        }
    }
    for stale in stale_files(files, root) {
        let actual = std::fs::read_to_string(&stale).unwrap_or_default();
        let shown = stale
            .strip_prefix(root)
            .unwrap_or(&stale)
            .display()
            .to_string();
        let diff = similar::TextDiff::from_lines(&actual, "")
            .unified_diff()
            .header(&format!("a/{shown}"), "/dev/null")
            .to_string();
        drifts.push(Drift { path: stale, diff });
    }
    drifts
}

/// Generated `.rs` files in `src/` that no spec produces any more.
pub fn stale_files(files: &FileSet, root: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root.join("src")) else {
        return Vec::new();
    };
    let mut stale: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "rs"))
        .filter(|path| {
            let relative = path.strip_prefix(root).unwrap_or(path);
            !files.files.contains_key(relative)
        })
        .filter(|path| {
            std::fs::read_to_string(path)
                .is_ok_and(|text| text.starts_with("// Generated by openapi-rustgen"))
        })
        .collect();
    stale.sort();
    stale
}
