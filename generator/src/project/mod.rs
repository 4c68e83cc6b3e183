//! Arranging generated modules into files: a standalone crate, or the
//! checked-in `generated/` crate of a project (`regenerate` and `check`).

mod cargo;
mod vendor;

pub use cargo::RuntimeDependency;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::diagnostics::{Error, Location, Result, Warning};
use crate::emit::{Features, Mocks, RuntimeLocation};
use crate::format::header;
use crate::write::FileSet;
use crate::{ModuleOptions, generate_module, module_name_for};

/// What one run over a set of specs produced.
pub struct CrateOutput {
    pub files: FileSet,
    pub warnings: Vec<Warning>,
    /// Every file the specs were read from.
    pub inputs: Vec<PathBuf>,
}

/// How to make a crate.
#[derive(Clone, Debug)]
pub struct CrateOptions {
    pub package: String,
    pub runtime: RuntimeDependency,
    /// Cargo features per tag (prefixed with the module name when the crate
    /// has several modules).
    pub tag_features: bool,
    /// Typed mocks behind a `mock` feature.
    pub mocks: bool,
    /// Applies to every module (its name, runtime path, gates and mocks
    /// are set per spec).
    pub module: ModuleOptions,
}

/// All files of a crate holding one module per spec.
pub fn crate_files(specs: &[PathBuf], options: &CrateOptions) -> Result<CrateOutput> {
    crate::names::check_crate_name(&options.package)?;
    let mut files = FileSet::default();
    let mut warnings = Vec::new();
    let mut inputs = Vec::new();
    let mut features = Features::default();
    let mut tags: BTreeMap<String, String> = BTreeMap::new();
    let mut modules: Vec<(String, String)> = Vec::new();
    let vendored = options.runtime == RuntimeDependency::Vendored;
    for spec in specs {
        let module = module_name_for(spec);
        if modules.iter().any(|(m, _)| *m == module) {
            return Err(Error::Usage(format!(
                "{}: module name `{module}` is taken by another spec; rename the spec file",
                spec.display()
            )));
        }
        let prefix = (specs.len() > 1).then(|| module.replace('_', "-"));
        let mut module_options = options.module.clone();
        module_options.module = Some(module.clone());
        module_options.emit.runtime = if vendored {
            RuntimeLocation::Vendored("crate::runtime".into())
        } else {
            RuntimeLocation::Crate("::openapi_rustgen_runtime".into())
        };
        module_options.emit.tag_features = options.tag_features.then(|| prefix.unwrap_or_default());
        module_options.emit.mocks = if options.mocks {
            Mocks::Feature("mock".into())
        } else {
            Mocks::None
        };
        let generated = generate_module(spec, &module_options)?;
        features.chrono |= generated.features.chrono;
        features.uuid |= generated.features.uuid;
        tags.extend(generated.tag_features);
        warnings.extend(generated.warnings);
        inputs.extend(generated.files);
        files.insert(PathBuf::from(format!("src/{module}.rs")), generated.source);
        let title = format!(
            "{} (from {}).",
            crate::emit::inline_prose(&generated.api.title),
            crate::emit::code(&spec.file_name().unwrap_or_default().to_string_lossy())
        );
        modules.push((module, title));
    }
    if vendored {
        for (name, source) in vendor::RUNTIME_FILES {
            files.insert(
                PathBuf::from(format!("src/runtime/{name}")),
                source.to_string(),
            );
        }
        files.insert(
            PathBuf::from("src/runtime/mod.rs"),
            vendor::runtime_mod_rs(),
        );
    }
    files.insert(
        PathBuf::from("src/lib.rs"),
        lib_rs(&options.package, &modules, vendored)?,
    );
    let manifest = cargo::Manifest {
        package: &options.package,
        runtime: &options.runtime,
        features,
        tags,
        mocks: options.mocks,
    };
    let cargo_toml = cargo::cargo_toml(&manifest)?;
    if let Some(warning) = too_many_features(cargo_toml.features, specs) {
        warnings.push(warning);
    }
    if let Some(warning) = not_snake_case(&options.package, specs) {
        warnings.push(warning);
    }
    files.insert(PathBuf::from("Cargo.toml"), cargo_toml.text);
    Ok(CrateOutput {
        files,
        warnings,
        inputs,
    })
}

/// crates.io refuses a crate with more than this many features (unless it
/// grants an exception); Cargo itself does not mind.
const CRATES_IO_MAX_FEATURES: usize = 300;

/// A warning when the manifest has more features than crates.io accepts:
/// one per tag adds up on large APIs.
fn too_many_features(count: usize, specs: &[PathBuf]) -> Option<Warning> {
    (count > CRATES_IO_MAX_FEATURES).then(|| Warning {
        location: crate_location(specs),
        message: format!(
            "the crate has {count} Cargo features (one per tag or path group), more than the \
             {CRATES_IO_MAX_FEATURES} crates.io accepts: publishing it needs an exception from \
             crates.io, or generate it with --no-tag-features"
        ),
    })
}

/// A package name with capitals: rustc's `non_snake_case` lint warns about
/// the library's name when the crate is built (`cargo new` warns too).
fn not_snake_case(package: &str, specs: &[PathBuf]) -> Option<Warning> {
    let snake = heck::ToSnakeCase::to_snake_case(package);
    package
        .contains(|c: char| c.is_ascii_uppercase())
        .then(|| Warning {
            location: crate_location(specs),
            message: format!(
                "the crate name `{package}` is not snake_case: rustc warns about it when the \
             crate is built (`non_snake_case`); `{snake}` would not"
            ),
        })
}

/// Where a warning about the crate as a whole points: its (first) spec.
fn crate_location(specs: &[PathBuf]) -> Location {
    Location {
        file: specs.first().cloned().unwrap_or_default(),
        line_col: None,
        pointer: None,
    }
}

fn lib_rs(package: &str, modules: &[(String, String)], vendored: bool) -> Result<String> {
    let crate_doc = " API clients generated from OpenAPI specs: one module per spec.";
    let declarations: Vec<TokenStream> = modules
        .iter()
        .map(|(module, title)| {
            let name = format_ident!("{}", module);
            let doc = format!(" {title}");
            // prettyplease, not rustfmt, lays the module out; tell
            // `cargo fmt` to leave it as generated.
            let doc = crate::emit::doc_literal(&doc);
            quote! {
                #[doc = #doc]
                #[rustfmt::skip]
                pub mod #name;
            }
        })
        .collect();
    let runtime = if vendored {
        quote! {
            /// Support code of the clients (a copy of `openapi-rustgen-runtime`).
            #[rustfmt::skip]
            pub mod runtime;
        }
    } else {
        quote! {
            /// Support code of the clients: errors, credentials, settings, streams.
            pub use openapi_rustgen_runtime as runtime;
        }
    };
    let tokens = quote! {
        #![doc = #crate_doc]
        #runtime
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

/// The folder above `start` (or `start` itself) that holds `spec/` and a
/// `Cargo.toml`: the project `regenerate` works on.
pub fn find_project_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join("spec").is_dir() && dir.join("Cargo.toml").is_file())
        .map(Path::to_path_buf)
}

/// The root documents in a folder (`.yaml`, `.yml`, `.json` files with an
/// `openapi` field, sorted by name): each becomes a module. Other files
/// there are fragments that root documents refer to.
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
        .filter(|path| std::fs::read(path).is_ok_and(|bytes| is_root_document(&bytes)))
        .collect();
    specs.sort();
    if specs.is_empty() {
        return Err(Error::Usage(format!(
            "{}: no OpenAPI document (a .yaml, .yml or .json file with an `openapi` field)",
            dir.display()
        )));
    }
    Ok(specs)
}

/// Whether a file is an OpenAPI document (has a top-level `openapi` or
/// `swagger` field) rather than a fragment. A file that does not parse
/// counts as one, so that its error is reported.
pub fn is_root_document(bytes: &[u8]) -> bool {
    match serde_yaml::from_slice::<serde_yaml::Value>(bytes) {
        Ok(serde_yaml::Value::Mapping(map)) => {
            map.contains_key("openapi") || map.contains_key("swagger")
        }
        Ok(_) => false,
        Err(_) => true,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_features_than_crates_io_accepts_are_warned_about() {
        let specs = [PathBuf::from("api.yaml")];
        assert!(too_many_features(300, &specs).is_none());
        let warning = too_many_features(301, &specs).unwrap();
        assert_eq!(warning.location.file, PathBuf::from("api.yaml"));
        assert!(
            warning.message.contains("301 Cargo features"),
            "{}",
            warning.message
        );
        assert!(too_many_features(0, &specs).is_none());
    }

    #[test]
    fn a_crate_name_rustc_would_warn_about_is_warned_about() {
        let specs = [PathBuf::from("api.yaml")];
        for fine in ["pets", "pet-store", "pet_store2"] {
            assert!(not_snake_case(fine, &specs).is_none(), "{fine}");
        }
        let warning = not_snake_case("PetStore", &specs).unwrap();
        assert!(
            warning.message.contains("`pet_store` would not"),
            "{}",
            warning.message
        );
    }
}
