//! Stage 2: lower an `openapiv3::OpenAPI` into the IR.
//!
//! Resolves `$ref`s, names every inline schema from where it appears, turns
//! schemas into Rust types, and operations into client methods. Anything
//! that cannot be modelled exactly gets a documented fallback and a warning
//! that names its JSON pointer.

mod operations;
mod pattern;
mod recursion;
mod schema_view;
mod types;

pub use types::UNKNOWN_VARIANT;

use std::collections::BTreeMap;
use std::path::PathBuf;

use openapiv3::{OpenAPI, ReferenceOr};

use crate::diagnostics::{Error, Location, Result, Warning};
use crate::ir::{Api, TypeDef, TypeRef, Usage};
use crate::load::LoadedSpec;
use crate::names::NameScope;

/// Lowers one parsed spec into the IR of module `module`.
pub fn lower(spec: &LoadedSpec, module: &str) -> Result<(Api, Vec<Warning>)> {
    let openapi = &spec.openapi;
    let mut lowerer = Lowerer {
        file: spec.path.clone(),
        doc: openapi,
        nested_refs: &spec.nested_refs,
        nested_types: BTreeMap::new(),
        types: Vec::new(),
        type_names: NameScope::default(),
        component_names: BTreeMap::new(),
        warnings: Vec::new(),
    };
    lowerer.name_components();
    lowerer.lower_components()?;
    let security_schemes = lowerer.lower_security_schemes();
    let operations = lowerer.lower_operations(&security_schemes)?;
    recursion::box_recursive_fields(&mut lowerer.types);

    let info = &openapi.info;
    let mut api = Api {
        module: module.to_string(),
        title: info.title.clone(),
        version: info.version.clone(),
        description: info.description.clone(),
        servers: openapi.servers.iter().map(server_url).collect(),
        types: lowerer.types,
        operations,
        security_schemes,
        usage: Usage::default(),
    };
    api.usage = Usage::of(&api);
    Ok((api, lowerer.warnings))
}

/// A server URL with its variables replaced by their defaults.
fn server_url(server: &openapiv3::Server) -> String {
    let mut url = server.url.clone();
    if let Some(variables) = &server.variables {
        for (name, variable) in variables {
            url = url.replace(&format!("{{{name}}}"), &variable.default);
        }
    }
    url
}

struct Lowerer<'a> {
    file: PathBuf,
    doc: &'a OpenAPI,
    /// Schemas inside components that `$ref`s point at (from the loader).
    nested_refs: &'a BTreeMap<String, openapiv3::Schema>,
    /// The types already made for those references.
    nested_types: BTreeMap<String, TypeRef>,
    types: Vec<TypeDef>,
    type_names: NameScope,
    /// `components.schemas` key → Rust type name.
    component_names: BTreeMap<String, String>,
    warnings: Vec<Warning>,
}

impl<'a> Lowerer<'a> {
    fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.warnings.push(Warning {
            location: Location {
                file: self.file.clone(),
                line_col: None,
                pointer: Some(pointer.to_string()),
            },
            message: message.into(),
        });
    }

    fn error(&self, pointer: &str, message: impl Into<String>) -> Error {
        Error::spec(&self.file, pointer, message)
    }

    /// Follows a local `$ref` to a component of the given kind, through
    /// chains of references, refusing cycles and dangling targets.
    fn resolve<'r, T>(
        &self,
        item: &'r ReferenceOr<T>,
        kind: &str,
        lookup: impl Fn(&str) -> Option<&'r ReferenceOr<T>>,
        pointer: &str,
    ) -> Result<(&'r T, Option<String>)> {
        let mut current = item;
        let mut seen: Vec<String> = Vec::new();
        let mut name = None;
        loop {
            match current {
                ReferenceOr::Item(value) => return Ok((value, name)),
                ReferenceOr::Reference { reference } => {
                    let prefix = format!("#/components/{kind}/");
                    let Some(key) = reference.strip_prefix(&prefix) else {
                        return Err(self.error(
                            pointer,
                            format!(
                                "unsupported $ref `{reference}`: only local references to #/components/{kind}/ are supported here"
                            ),
                        ));
                    };
                    let key = unescape_pointer(key);
                    if seen.contains(&key) {
                        return Err(self.error(
                            pointer,
                            format!(
                                "$ref cycle with nothing to stand on: {} -> {key}",
                                seen.join(" -> ")
                            ),
                        ));
                    }
                    seen.push(key.clone());
                    current = lookup(&key).ok_or_else(|| {
                        self.error(
                            pointer,
                            format!("dangling $ref `{reference}`: no such component"),
                        )
                    })?;
                    name = Some(key);
                }
            }
        }
    }
}

/// Decodes `~1` and `~0` (and percent-escapes) in one JSON-pointer token.
fn unescape_pointer(token: &str) -> String {
    let decoded = percent_encoding::percent_decode_str(token).decode_utf8_lossy();
    decoded.replace("~1", "/").replace("~0", "~")
}
