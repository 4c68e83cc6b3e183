//! Stage 2: lower an `openapiv3::OpenAPI` into the IR.
//!
//! Resolves `$ref`s, names every inline schema from where it appears, turns
//! schemas into Rust types, and operations into client methods. Anything
//! that cannot be modelled exactly gets a documented fallback and a warning
//! that names its JSON pointer.

mod aliases;
mod all_of;
mod enums;
mod errors;
mod layout;
mod objects;
mod operations;
mod pagination;
mod params;
mod pattern;
mod recursion;
mod resolve;
mod responses;
mod schema_view;
mod security;
mod types;
mod unions;

pub use enums::UNKNOWN_VARIANT;
pub use operations::synthesized_operation_id;
pub use pagination::PaginationRule;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use openapiv3::OpenAPI;

use crate::diagnostics::{Error, Location, Result, Warning};
use crate::ir::{Api, Server, TypeDef, TypeId, TypeKind, Usage};
use crate::load::LoadedSpec;
use crate::names::NameScope;

/// What lowering can be asked to leave out or replace.
#[derive(Clone, Debug, Default)]
pub struct LowerOptions {
    /// Keep only the operations this accepts (and the types they use).
    pub filter: Option<OperationFilter>,
    /// Component schemas replaced by an existing Rust type: schema name →
    /// Rust path (such as `my_crate::Money`).
    pub replacements: BTreeMap<String, String>,
    /// Pagination rules for operations no heuristic recognizes.
    pub pagination: Vec<PaginationRule>,
}

/// Which operations to generate: an operation is kept when it matches any
/// rule (a tag, an `operationId`, or a path prefix); with no rule, all are.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OperationFilter {
    pub tags: Vec<String>,
    pub operation_ids: Vec<String>,
    pub path_prefixes: Vec<String>,
}

impl OperationFilter {
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty() && self.operation_ids.is_empty() && self.path_prefixes.is_empty()
    }

    pub fn keeps(&self, id: Option<&str>, path: &str, tags: &[String]) -> bool {
        self.is_empty()
            || tags.iter().any(|t| self.tags.contains(t))
            || id.is_some_and(|id| self.operation_ids.iter().any(|o| o == id))
            || self
                .path_prefixes
                .iter()
                .any(|p| path.starts_with(p.as_str()))
    }
}

/// Lowers one parsed spec into the IR of module `module`.
pub fn lower(spec: &LoadedSpec, module: &str) -> Result<(Api, Vec<Warning>)> {
    lower_with(spec, module, &LowerOptions::default())
}

/// [`lower`], with operations filtered and schemas replaced.
pub fn lower_with(
    spec: &LoadedSpec,
    module: &str,
    options: &LowerOptions,
) -> Result<(Api, Vec<Warning>)> {
    let openapi = &spec.openapi;
    let mut lowerer = Lowerer {
        file: spec.path.clone(),
        doc: openapi,
        nested_refs: &spec.nested_refs,
        not_schemas: &spec.not_schemas,
        nested_at: spec
            .nested_refs
            .keys()
            .filter_map(|reference| {
                let pointer = crate::diagnostics::fragment_pointer(reference)?;
                Some((format!("#{pointer}"), reference.as_str()))
            })
            .collect(),
        options,
        resolved: Default::default(),
        nested_types: BTreeMap::new(),
        nested_in_progress: HashSet::new(),
        types: Vec::new(),
        type_names: NameScope::default(),
        component_ids: BTreeMap::new(),
        patterns: HashMap::new(),
        warnings: Vec::new(),
    };
    lowerer.name_components();
    lowerer.lower_components()?;
    let security_schemes = lowerer.lower_security_schemes();
    let mut operations = lowerer.lower_operations(&security_schemes)?;
    let error_enums = lowerer.share_error_enums(&mut operations);
    let types = lowerer.finish_types()?;
    let idempotency_header = operations::idempotency_header(&operations);
    let servers = lowerer.absolute_servers(&openapi.servers);
    let info = &openapi.info;
    let mut api = Api {
        module: module.to_string(),
        title: info.title.clone(),
        version: info.version.clone(),
        description: info.description.clone(),
        servers,
        types,
        operations,
        security_schemes,
        error_enums,
        idempotency_header,
        usage: Usage::default(),
    };
    operations::rename_builders_named_like_types(&mut api);
    aliases::check_alias_cycles(&api, &spec.path)?;
    warn_long_names(&api, &mut lowerer.warnings, &spec.path);
    if options.filter.is_some() {
        prune_unused_types(&mut api);
    }
    recursion::box_recursive_fields(&mut api.types);
    layout::box_large_variants(&mut api);
    api.usage = Usage::of(&api);
    Ok((api, lowerer.warnings))
}

struct Lowerer<'a> {
    file: PathBuf,
    doc: &'a OpenAPI,
    /// Schemas inside components that `$ref`s point at (from the loader).
    nested_refs: &'a BTreeMap<String, openapiv3::Schema>,
    /// References whose target is no schema, with why (from the loader).
    not_schemas: &'a BTreeMap<String, String>,
    /// The place (a JSON pointer as lowering writes them) of each of those
    /// schemas → the reference, so that the schema met in place is the
    /// same type.
    nested_at: HashMap<String, &'a str>,
    options: &'a LowerOptions,
    /// Component keys that `$ref` chains end at, memoized (see `resolve`).
    resolved: resolve::Memo,
    /// The types already made for references into components.
    nested_types: BTreeMap<String, crate::ir::TypeRef>,
    /// Nested references being lowered: met again inside themselves, they
    /// are a cycle.
    nested_in_progress: HashSet<String>,
    /// The arena: a slot is reserved when a type is named, and filled when
    /// its schema has been lowered.
    types: Vec<Option<TypeDef>>,
    type_names: NameScope,
    /// `components.schemas` key → its type.
    component_ids: BTreeMap<String, TypeId>,
    /// Each `pattern` met, translated (or why it cannot be): a pattern of
    /// a component is met wherever the component is used, and compiling
    /// it to see whether `regex` can was a sixth of lowering a large API.
    patterns: HashMap<String, Result<String, String>>,
    warnings: Vec<Warning>,
}

impl<'a> Lowerer<'a> {
    /// The servers a client can be made for: a relative URL (`/api/v1`, or
    /// `/`) is relative to wherever the document is served, which the
    /// client cannot know, so it gives no default base URL (warned).
    fn absolute_servers(&mut self, servers: &[openapiv3::Server]) -> Vec<Server> {
        let mut absolute = Vec::new();
        for (i, server) in servers.iter().enumerate() {
            let server = operations::server(server);
            if server.url.contains("://") {
                absolute.push(server);
            } else {
                self.warn(
                    &format!("#/servers/{i}"),
                    format!("server `{}` is relative to where the document is served; it gives the client no default base URL (pass the full URL to `Client::with_base_url`)", server.template),
                );
            }
        }
        absolute
    }

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

    /// Reserves the slot of a type to be defined under a fresh name made
    /// from `hint`.
    fn reserve(&mut self, hint: &str, pointer: &str) -> TypeId {
        let name = self.type_names.claim(&crate::names::type_ident(hint));
        self.reserve_named(name, pointer)
    }

    fn reserve_named(&mut self, name: String, pointer: &str) -> TypeId {
        let id = TypeId(self.types.len());
        self.types.push(Some(TypeDef {
            name,
            doc: None,
            pointer: pointer.to_string(),
            // Filled in by `define`; every reserved slot is (see `finish_types`).
            kind: TypeKind::Alias(crate::ir::TypeRef::Json),
        }));
        id
    }

    fn define(&mut self, id: TypeId, doc: Option<String>, kind: TypeKind) {
        if let Some(def) = self.types[id.0].as_mut() {
            def.doc = doc;
            def.kind = kind;
        }
    }

    fn finish_types(&mut self) -> Result<Vec<TypeDef>> {
        std::mem::take(&mut self.types)
            .into_iter()
            .map(|slot| slot.ok_or_else(|| Error::internal("lowering left a type undefined")))
            .collect()
    }
}

/// Names past the identifier limit are cut; each is reported once.
fn warn_long_names(api: &Api, warnings: &mut Vec<Warning>, file: &std::path::Path) {
    let limit = crate::names::MAX_IDENT;
    let mut warn = |pointer: &str, name: &str| {
        warnings.push(Warning {
            location: Location {
                file: file.to_path_buf(),
                line_col: None,
                pointer: Some(pointer.to_string()),
            },
            message: format!(
                "a name of {} characters is cut to {limit} (with a hash that keeps it unique)",
                name.chars().count()
            ),
        });
    };
    for def in &api.types {
        let token = def.pointer.rsplit('/').next().unwrap_or_default();
        if token.len() > limit {
            warn(&def.pointer, token);
        }
        if let crate::ir::TypeKind::Struct(s) = &def.kind {
            for field in s.fields.iter().filter(|f| f.wire_name.len() > limit) {
                warn(&def.pointer, &field.wire_name);
            }
        }
    }
    for op in &api.operations {
        if op.id.len() > limit {
            warn(&op.pointer, &op.id);
        }
        for param in op.params.iter().filter(|p| p.wire_name.len() > limit) {
            warn(&op.pointer, &param.wire_name);
        }
    }
}

/// Drops the types no operation reaches (after an operation filter), and
/// renumbers the rest.
fn prune_unused_types(api: &mut Api) {
    let usage = Usage::of(api);
    let keep: Vec<bool> = (0..api.types.len())
        .map(|i| usage.sent.contains(&TypeId(i)) || usage.received.contains(&TypeId(i)))
        .collect();
    let mut new_ids = vec![None; api.types.len()];
    let mut next = 0;
    for (old, kept) in keep.iter().enumerate() {
        if *kept {
            new_ids[old] = Some(TypeId(next));
            next += 1;
        }
    }
    let types = std::mem::take(&mut api.types);
    api.types = types
        .into_iter()
        .zip(&keep)
        .filter_map(|(def, kept)| kept.then_some(def))
        .collect();
    crate::ir::remap_type_ids(api, &|id| new_ids[id.0].unwrap_or(id));
}
