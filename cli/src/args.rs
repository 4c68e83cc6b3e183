//! The command line, as clap parses it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "openapi-rustgen",
    version,
    about = "Generate async Rust API clients from OpenAPI 3.0 and 3.1 specs"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
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
    /// Print, as JSON lines, the Rust type each schema of a spec becomes (for tools and
    /// scripts: its JSON pointer, type name, kind, and whether the API sends or receives it).
    Schemas(SchemasArgs),
}

#[derive(Args)]
pub struct SchemasArgs {
    /// The OpenAPI spec (YAML or JSON).
    #[arg(long)]
    pub spec: PathBuf,
    #[command(flatten)]
    pub code: CodeArgs,
}

/// Options of the generated code, shared by every command that generates.
#[derive(Args, Clone, Default)]
pub struct CodeArgs {
    /// Fail on warnings instead of using the documented fallbacks.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Derive both Serialize and Deserialize on every type, not only the
    /// direction(s) the API uses it in.
    #[arg(long)]
    pub serde_both_ways: bool,
    /// Add a derive to every type (repeatable), e.g. `schemars::JsonSchema`.
    #[arg(long, value_name = "PATH")]
    pub derive: Vec<String>,
    /// Add a derive to one type: `TypeName=path::Derive` (repeatable).
    #[arg(long, value_name = "TYPE=PATH")]
    pub derive_for: Vec<String>,
    /// Add an attribute (as inside `#[...]`) to every type (repeatable).
    #[arg(long, value_name = "ATTRIBUTE")]
    pub attribute: Vec<String>,
    /// Use an existing Rust type for a component schema: `Schema=path::Type` (repeatable).
    #[arg(long, value_name = "SCHEMA=PATH")]
    pub replace: Vec<String>,
    /// Keep only operations with this tag (repeatable; with the other --only-* flags,
    /// those matching any).
    #[arg(long, value_name = "TAG")]
    pub only_tag: Vec<String>,
    /// Keep only the operation with this operationId (repeatable).
    #[arg(long, value_name = "ID")]
    pub only_operation: Vec<String>,
    /// Keep only operations whose path starts with this (repeatable).
    #[arg(long, value_name = "PREFIX")]
    pub only_path: Vec<String>,
    /// Threads to generate with (by default one per core for large specs).
    #[arg(long)]
    pub threads: Option<usize>,
}

#[derive(Args)]
#[command(group = clap::ArgGroup::new("output").required(true).args(["out", "crate_dir"]))]
pub struct GenerateArgs {
    /// The OpenAPI spec (YAML or JSON; other files it refers to are read too).
    #[arg(long)]
    pub spec: PathBuf,
    /// Write one module file here (it uses the `openapi-rustgen-runtime` crate).
    #[arg(long, conflicts_with = "crate_dir")]
    pub out: Option<PathBuf>,
    /// Write a standalone crate (Cargo.toml + src/) into this folder.
    #[arg(long = "crate", value_name = "DIR")]
    pub crate_dir: Option<PathBuf>,
    /// Package name of the crate (with --crate); the folder's name by default.
    #[arg(long, requires = "crate_dir")]
    pub name: Option<String>,
    /// Module name (with --out); the spec file stem by default.
    #[arg(long, conflicts_with = "crate_dir")]
    pub module: Option<String>,
    /// The runtime crate's path in generated code (with --out), if it is renamed.
    #[arg(long, value_name = "PATH", conflicts_with = "crate_dir")]
    pub runtime_path: Option<String>,
    /// Depend on the runtime crate at this folder (with --crate; found automatically in
    /// this repository, else a crates.io version is used).
    #[arg(long, value_name = "DIR", requires = "crate_dir", conflicts_with_all = ["runtime_version", "vendor_runtime"])]
    pub runtime_dir: Option<PathBuf>,
    /// Depend on this crates.io version of the runtime crate (with --crate).
    #[arg(
        long,
        value_name = "VERSION",
        requires = "crate_dir",
        conflicts_with = "vendor_runtime"
    )]
    pub runtime_version: Option<String>,
    /// Put a copy of the runtime in the crate (`src/runtime/`): no dependency on ours.
    #[arg(long, requires = "crate_dir")]
    pub vendor_runtime: bool,
    /// No Cargo feature per tag in the crate (with --crate).
    #[arg(long, requires = "crate_dir")]
    pub no_tag_features: bool,
    /// Typed mock servers: a `mock` module (with --crate, behind the `mock` feature).
    #[arg(long)]
    pub mocks: bool,
    #[command(flatten)]
    pub code: CodeArgs,
}

#[derive(Args)]
pub struct ProjectArgs {
    /// Folder of specs; `spec/` of the project found from the current folder by default.
    #[arg(long)]
    pub spec_dir: Option<PathBuf>,
    /// The generated crate's folder; `generated/` beside the spec folder by default.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Package name of the generated crate.
    #[arg(long, default_value = "vendor-clients")]
    pub name: String,
    /// A Cargo feature per tag (named `<module>-<tag>`).
    #[arg(long)]
    pub tag_features: bool,
    #[command(flatten)]
    pub code: CodeArgs,
}

#[derive(Args)]
pub struct DiffArgs {
    /// OLD NEW spec files, or (with --git) the specs to compare.
    pub paths: Vec<PathBuf>,
    /// Compare the working tree with this git revision.
    #[arg(long, value_name = "REV")]
    pub git: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "markdown")]
    pub format: DiffFormat,
    /// Exit 1 when a change of this kind is found.
    #[arg(long, value_enum, default_value = "never")]
    pub fail_on: FailOn,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum DiffFormat {
    Markdown,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Never,
    Breaking,
}
