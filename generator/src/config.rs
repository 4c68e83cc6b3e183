//! `build.rs` entry point, in the style of `prost-build`.

use std::path::PathBuf;

use crate::diagnostics::{Error, Result};
use crate::emit::{Mocks, RuntimeLocation, SerdeDerives, TypeSelector};
use crate::lower::{OperationFilter, PaginationRule};
use crate::pipeline::{ModuleOptions, generate_module};
use crate::write;

/// Generates client modules from a build script:
///
/// ```no_run
/// openapi_rustgen::Config::new()
///     .spec("spec/petstore.yaml")
///     .generate()
///     .expect("client generation");
/// // then, in the crate: mod petstore { include!(concat!(env!("OUT_DIR"), "/petstore.rs")); }
/// ```
///
/// The generated code uses the `openapi-rustgen-runtime` crate (the one
/// dependency the crate needs besides this build-dependency).
#[derive(Clone, Debug, Default)]
pub struct Config {
    specs: Vec<(PathBuf, Option<String>)>,
    out_dir: Option<PathBuf>,
    options: ModuleOptions,
    filter: OperationFilter,
}

impl Config {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a spec; its module is named after the file stem.
    pub fn spec(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.specs.push((path.into(), None));
        self
    }

    /// Adds a spec with an explicit module (and output file) name.
    pub fn spec_as(&mut self, path: impl Into<PathBuf>, module: impl Into<String>) -> &mut Self {
        self.specs.push((path.into(), Some(module.into())));
        self
    }

    /// Where `<module>.rs` files go; `OUT_DIR` by default.
    pub fn out_dir(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Fail instead of warning when a spec needs a fallback.
    pub fn deny_warnings(&mut self, deny: bool) -> &mut Self {
        self.options.deny_warnings = deny;
        self
    }

    /// Which serde traits the types derive ([`SerdeDerives::AsUsed`] by
    /// default: `Serialize` where the client sends a type, `Deserialize`
    /// where it receives one).
    pub fn serde_derives(&mut self, serde: SerdeDerives) -> &mut Self {
        self.options.emit.serde = serde;
        self
    }

    /// How many threads may emit a module (by default one per core for
    /// large APIs; `1` keeps a build script to its own thread).
    pub fn threads(&mut self, threads: usize) -> &mut Self {
        self.options.threads = Some(threads);
        self
    }

    /// The path of the runtime crate in generated code, when it is renamed
    /// in `Cargo.toml` (`::openapi_rustgen_runtime` by default).
    pub fn runtime_path(&mut self, path: impl Into<String>) -> &mut Self {
        self.options.emit.runtime = RuntimeLocation::Crate(path.into());
        self
    }

    /// Adds a derive to every generated type (`"schemars::JsonSchema"`).
    pub fn derive(&mut self, path: impl Into<String>) -> &mut Self {
        self.options
            .emit
            .derives
            .push((TypeSelector::All, path.into()));
        self
    }

    /// Adds a derive to one generated type, by its Rust name.
    pub fn derive_for(
        &mut self,
        type_name: impl Into<String>,
        path: impl Into<String>,
    ) -> &mut Self {
        self.options
            .emit
            .derives
            .push((TypeSelector::Named(type_name.into()), path.into()));
        self
    }

    /// Adds an attribute (written as inside `#[...]`) to every generated type.
    pub fn attribute(&mut self, attribute: impl Into<String>) -> &mut Self {
        self.options
            .emit
            .attributes
            .push((TypeSelector::All, attribute.into()));
        self
    }

    /// Adds an attribute to one generated type, by its Rust name.
    pub fn attribute_for(
        &mut self,
        type_name: impl Into<String>,
        attribute: impl Into<String>,
    ) -> &mut Self {
        self.options
            .emit
            .attributes
            .push((TypeSelector::Named(type_name.into()), attribute.into()));
        self
    }

    /// Uses an existing Rust type (by path) for a component schema (by its
    /// name in `components.schemas`); the schema generates nothing.
    pub fn replace_type(
        &mut self,
        schema: impl Into<String>,
        rust_path: impl Into<String>,
    ) -> &mut Self {
        self.options
            .lower
            .replacements
            .insert(schema.into(), rust_path.into());
        self
    }

    /// Keeps the operations with this tag (with the other `only_*` rules:
    /// those that match any of them), and the types they use.
    pub fn only_tag(&mut self, tag: impl Into<String>) -> &mut Self {
        self.filter.tags.push(tag.into());
        self
    }

    /// Keeps the operation with this `operationId`.
    pub fn only_operation(&mut self, operation_id: impl Into<String>) -> &mut Self {
        self.filter.operation_ids.push(operation_id.into());
        self
    }

    /// Keeps the operations whose path starts with `prefix`.
    pub fn only_path_prefix(&mut self, prefix: impl Into<String>) -> &mut Self {
        self.filter.path_prefixes.push(prefix.into());
        self
    }

    /// Pages an operation (or, with `operation_id` `None`, every operation
    /// that fits) by a cursor field of its response and a query parameter.
    pub fn paginate(&mut self, rule: PaginationRule) -> &mut Self {
        self.options.lower.pagination.push(rule);
        self
    }

    /// Generates a typed `mock` module per client (the crate enables the
    /// runtime's `mock` feature, usually as a dev-dependency feature).
    pub fn mocks(&mut self, mocks: bool) -> &mut Self {
        self.options.emit.mocks = if mocks { Mocks::Always } else { Mocks::None };
        self
    }

    /// Generates every module, then writes them (only the changed ones).
    /// Inside a build script it also prints `cargo:rerun-if-changed` for
    /// every file a spec was read from, and `cargo:warning` for each warning.
    pub fn generate(&self) -> Result<Vec<PathBuf>> {
        let in_build_script = std::env::var_os("OUT_DIR").is_some()
            && std::env::var_os("CARGO_MANIFEST_DIR").is_some();
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or_else(|| {
                    Error::Usage(
                        "no out_dir set and OUT_DIR is not set (not in a build script?)".into(),
                    )
                })?,
        };
        if self.specs.is_empty() {
            return Err(Error::Usage("no spec given: call Config::spec".into()));
        }
        let mut files = write::FileSet::default();
        let mut options = self.options.clone();
        options.lower.filter = (!self.filter.is_empty()).then(|| self.filter.clone());
        for (spec, module) in &self.specs {
            if in_build_script {
                // Before generating, so that a broken spec is watched too.
                println!("cargo:rerun-if-changed={}", spec.display());
            }
            let options = ModuleOptions {
                module: module.clone(),
                ..options.clone()
            };
            let generated = generate_module(spec, &options)?;
            if in_build_script {
                for file in generated.files.iter().skip(1) {
                    println!("cargo:rerun-if-changed={}", file.display());
                }
                for warning in &generated.warnings {
                    // `cargo:warning=` lines are shown as `warning: ...`.
                    println!("cargo:warning={}", warning.without_prefix());
                }
            }
            files.insert(
                PathBuf::from(format!("{}.rs", generated.module)),
                generated.source,
            );
        }
        files.write_all(&out_dir)
    }
}
