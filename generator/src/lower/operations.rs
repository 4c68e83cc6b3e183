//! Paths and operations → client methods and their request builders.

use openapiv3::{PathItem, ReferenceOr};

use super::Lowerer;
use crate::diagnostics::{Result, pointer_child, pointer_token};
use crate::ir::{
    Method, Operation, ParamLocation, PathPart, SecurityScheme, Server, ServerVariable, TypeRef,
};
use crate::names::{NameScope, pascal_ident, snake_ident, type_ident};

/// Method names the generated `Client` has besides the operations.
const CLIENT_METHODS: &[&str] = &[
    "new",
    "with_base_url",
    "with_http_client",
    "with_timeout",
    "with_deadline",
    "with_idle_timeout",
    "with_max_body_size",
    "with_retry_policy",
    "with_hook",
    "with_idempotency_keys",
    "base_url",
    "core",
    "server_url",
    "default",
    "clone",
    "fmt",
];

/// Methods every type has through the prelude's blanket `Into` and
/// `TryInto`: they take `self`, so `client.into()` would call the trait's
/// method, not an operation's `&self` one. Such an operation's method gets
/// a `call_` prefix (an `into_` name taking `&self` is against clippy's
/// `wrong_self_convention`).
const PRELUDE_BY_VALUE_METHODS: &[&str] = &["into", "try_into"];

/// The method name of an operation.
fn method_name(id: &str) -> String {
    let name = snake_ident(id);
    match PRELUDE_BY_VALUE_METHODS.contains(&name.as_str()) {
        true => format!("call_{name}"),
        false => name,
    }
}

impl<'a> Lowerer<'a> {
    pub(super) fn lower_operations(
        &mut self,
        schemes: &[SecurityScheme],
    ) -> Result<Vec<Operation>> {
        let doc = self.doc;
        let mut method_names = NameScope::default();
        let mut builder_names = NameScope::default();
        for reserved in CLIENT_METHODS {
            method_names.reserve(reserved);
        }
        for scheme in schemes {
            for setter in super::security::setter_names(scheme) {
                method_names.reserve(&setter);
            }
        }
        let mut operations = Vec::new();
        let mut errors = crate::diagnostics::Errors::default();
        for (path, item) in doc.paths.iter() {
            let item_pointer = ["#/paths/", &pointer_token(path)].concat();
            let item: &'a PathItem = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { reference } => {
                    return Err(self.error(
                        &item_pointer,
                        format!("path item $ref `{reference}` is not supported"),
                    ));
                }
            };
            for (verb, method, operation) in methods_of(item) {
                let Some(operation) = operation else { continue };
                let kept = self.options.filter.as_ref().is_none_or(|filter| {
                    filter.keeps(operation.operation_id.as_deref(), path, &operation.tags)
                });
                if !kept {
                    continue;
                }
                let pointer = pointer_child(&item_pointer, verb);
                let Some(parts) = self.parse_path(path, &pointer) else {
                    continue;
                };
                let names = Names {
                    methods: &mut method_names,
                    builders: &mut builder_names,
                };
                let site = OperationSite {
                    path,
                    parts,
                    item,
                    method,
                    pointer: &pointer,
                };
                let lowered = self.lower_operation(site, operation, names, schemes);
                operations.extend(errors.note(lowered));
                if errors.full() {
                    return errors.finish().map(|()| operations);
                }
            }
        }
        errors.finish()?;
        Ok(operations)
    }

    fn lower_operation(
        &mut self,
        site: OperationSite<'a, '_>,
        operation: &'a openapiv3::Operation,
        names: Names<'_>,
        schemes: &[SecurityScheme],
    ) -> Result<Operation> {
        let OperationSite {
            path,
            parts,
            item,
            method,
            pointer,
        } = site;
        let id = match &operation.operation_id {
            Some(id) if !id.trim().is_empty() => id.clone(),
            _ => synthesized_operation_id(method, path),
        };
        let rust_name = names.methods.claim(&method_name(&id));
        let builder_name = names.builders.claim(&pascal_ident(&id));
        let type_base = pascal_ident(&id);
        let params = self.lower_params(item, operation, &parts, &type_base, pointer)?;
        let body = self.lower_body(operation, &type_base, pointer)?;
        let responses = self.lower_responses(operation, &type_base, pointer)?;
        let security = self.operation_security(operation, schemes, pointer);
        let distinct_success: std::collections::BTreeSet<&TypeRef> = responses
            .iter()
            .filter(|r| r.status.is_success())
            .map(|r| &r.ty)
            .collect();
        let success_type = (distinct_success.len() > 1).then(|| {
            self.type_names
                .claim(&type_ident(&format!("{type_base}Response")))
        });
        let mut op = Operation {
            id,
            rust_name,
            builder_name,
            summary: operation.summary.clone(),
            description: operation.description.clone(),
            deprecated: operation.deprecated,
            tags: operation.tags.clone(),
            method,
            path: parts,
            route: path.to_string(),
            pointer: pointer.to_string(),
            params,
            body,
            responses,
            security,
            error: None,
            success_type,
            pagination: None,
        };
        op.pagination = self.detect_pagination(&op, operation);
        let marked = operation.extensions.contains_key("x-dropshot-pagination");
        if marked && op.pagination.is_none() {
            self.warn(
                &format!("{pointer}/x-dropshot-pagination"),
                "`x-dropshot-pagination`, but the response has no items and `next_page` to page with; the operation gets no `pages()`",
            );
        }
        Ok(op)
    }

    /// The one parser of path templates: literal text and `{name}`
    /// placeholders. A malformed template (an unclosed or nested brace, an
    /// empty name) leaves the operation out, with a warning.
    fn parse_path(&mut self, path: &str, pointer: &str) -> Option<Vec<PathPart>> {
        match parse_template(path) {
            Ok(parts) => Some(parts),
            Err(why) => {
                self.warn(
                    pointer,
                    format!("path template `{path}` is malformed ({why}); the operation is left out of the client"),
                );
                None
            }
        }
    }
}

/// Where an operation sits in the spec.
struct OperationSite<'a, 'p> {
    path: &'p str,
    parts: Vec<PathPart>,
    item: &'a PathItem,
    method: Method,
    pointer: &'p str,
}

/// The name scopes operations claim names in.
struct Names<'s> {
    methods: &'s mut NameScope,
    builders: &'s mut NameScope,
}

fn methods_of(item: &PathItem) -> [(&'static str, Method, &Option<openapiv3::Operation>); 8] {
    [
        ("get", Method::Get, &item.get),
        ("put", Method::Put, &item.put),
        ("post", Method::Post, &item.post),
        ("delete", Method::Delete, &item.delete),
        ("options", Method::Options, &item.options),
        ("head", Method::Head, &item.head),
        ("patch", Method::Patch, &item.patch),
        ("trace", Method::Trace, &item.trace),
    ]
}

/// Splits a path template into literals and placeholders.
pub fn parse_template(path: &str) -> std::result::Result<Vec<PathPart>, String> {
    let mut parts = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find(['{', '}']) {
        if rest.as_bytes()[open] == b'}' {
            return Err("a `}` without its `{`".into());
        }
        let literal = &rest[..open];
        if !literal.is_empty() {
            parts.push(PathPart::Literal(literal.to_string()));
        }
        let after = &rest[open + 1..];
        let close = after.find(['{', '}']).ok_or("a `{` without its `}`")?;
        if after.as_bytes()[close] == b'{' {
            return Err("a `{` inside a placeholder".into());
        }
        let name = &after[..close];
        if name.is_empty() {
            return Err("an empty placeholder `{}`".into());
        }
        parts.push(PathPart::Param(name.to_string()));
        rest = &after[close + 1..];
    }
    if !rest.is_empty() {
        parts.push(PathPart::Literal(rest.to_string()));
    }
    Ok(parts)
}

/// A documented, deterministic name for an operation without
/// `operationId`: the method and the path's words, with `{id}` spelled
/// `by_id`. `GET /pets/{petId}/toys` → `get_pets_by_pet_id_toys`.
pub fn synthesized_operation_id(method: Method, path: &str) -> String {
    let mut words = vec![method.as_str().to_ascii_lowercase()];
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => {
                words.push("by".to_string());
                words.push(snake_ident(param));
            }
            None => words.push(snake_ident(segment)),
        }
    }
    words.join("_")
}

/// A server: its URL with every variable replaced by its default, and the
/// variables the client lets users set.
pub(super) fn server(server: &openapiv3::Server) -> Server {
    let mut url = server.url.clone();
    let mut variables = Vec::new();
    let mut names = NameScope::default();
    if let Some(declared) = &server.variables {
        for (name, variable) in declared {
            url = url.replace(&format!("{{{name}}}"), &variable.default);
            variables.push(ServerVariable {
                name: name.clone(),
                rust_name: names.claim(&snake_ident(name)),
                default: variable.default.clone(),
                values: variable.enumeration.clone(),
                doc: variable.description.clone(),
            });
        }
    }
    Server {
        template: server.url.clone(),
        url,
        description: server.description.clone(),
        variables,
    }
}

/// The header name of a documented idempotency key parameter, if an
/// operation has one (`Idempotency-Key`, `X-Idempotency-Key`, ...).
pub(super) fn idempotency_header(operations: &[Operation]) -> Option<String> {
    operations
        .iter()
        .flat_map(|op| &op.params)
        .filter(|p| p.location == ParamLocation::Header)
        .map(|p| p.wire_name.clone())
        .find(|name| {
            let lower = name.to_ascii_lowercase();
            lower == "idempotency-key" || lower.ends_with("-idempotency-key")
        })
}

/// Renames builders named like a type (`buyTickets` with a body schema
/// `BuyTickets`), or like a name the module or Rust's prelude gives
/// (`client`: `Client`, `into`: `Into`), which would shadow it inside
/// `mod builder`: the builder, not the model, gets a `Call` suffix.
pub(super) fn rename_builders_named_like_types(api: &mut crate::ir::Api) {
    let mut names = NameScope::default();
    for def in &api.types {
        names.reserve(&def.name);
    }
    for op in &api.operations {
        names.reserve(&op.builder_name);
    }
    let types: std::collections::BTreeSet<&str> =
        api.types.iter().map(|d| d.name.as_str()).collect();
    let colliding: Vec<usize> = (0..api.operations.len())
        .filter(|&i| {
            let name = api.operations[i].builder_name.as_str();
            types.contains(name) || crate::names::is_reserved_type(name)
        })
        .collect();
    for index in colliding {
        let renamed = names.claim(&format!("{}Call", api.operations[index].builder_name));
        api.operations[index].builder_name = renamed;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthesized_ids() {
        assert_eq!(
            synthesized_operation_id(Method::Get, "/pets/{petId}/toys"),
            "get_pets_by_pet_id_toys"
        );
        assert_eq!(synthesized_operation_id(Method::Post, "/"), "post");
    }

    #[test]
    fn templates_parse_into_literals_and_placeholders() {
        assert_eq!(
            parse_template("/a/{id}/b{x}").unwrap(),
            vec![
                PathPart::Literal("/a/".into()),
                PathPart::Param("id".into()),
                PathPart::Literal("/b".into()),
                PathPart::Param("x".into()),
            ]
        );
        for bad in ["/d/{{id}}", "/d/{id", "/d/id}", "/d/{}"] {
            assert!(parse_template(bad).is_err(), "{bad}");
        }
    }
}
