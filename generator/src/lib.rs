//! Generates async Rust API clients from OpenAPI 3.0 and 3.1 specs.
//!
//! The pipeline ([`pipeline`]), one module per stage: [`load`] (YAML/JSON,
//! one file or many → `openapiv3`), [`lower`] (→ [`ir`]), [`emit`] (IR →
//! tokens), [`format`] (tokens → formatted source), [`write`] (atomic,
//! only-if-changed writes). [`project`] arranges modules into files and
//! crates; [`Config`] is the `build.rs` entry point; [`diff`] compares two
//! versions of a spec as Rust APIs.

mod config;
pub mod diagnostics;
pub mod diff;
pub mod emit;
mod features;
pub mod format;
pub mod ir;
pub mod load;
pub mod lower;
mod names;
mod parallel;
pub mod pipeline;
pub mod project;
pub mod write;

pub use config::Config;
pub use diagnostics::{Error, Result, Warning};
pub use emit::{EmitOptions, Features, Mocks, RuntimeLocation, SerdeDerives, TypeSelector};
pub use lower::{LowerOptions, OperationFilter, PaginationRule};
pub use pipeline::{
    GeneratedModule, ModuleOptions, generate_from_bytes, generate_module, module_name_for,
};
