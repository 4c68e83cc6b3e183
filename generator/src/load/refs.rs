//! Rewrites of `$ref`s in the document tree before the typed decoding:
//! what `openapiv3` cannot follow is inlined, references to references are
//! shortened to the end of their chain, and the schemas that references
//! into the inside of schemas name are decoded for lowering.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::diagnostics::{Error, Result, fragment_pointer};

/// Replaces each response, parameter or request body that `$ref`s a
/// component of another kind or a node elsewhere in the document (which
/// `openapiv3` cannot follow) by the node it points at.
pub(super) fn inline_foreign_refs(
    document: &mut serde_json::Value,
    found: Vec<(String, String, &'static str)>,
) {
    for (pointer, reference, kind) in found {
        let pointer = pointer.trim_start_matches('#');
        // Follow chains of such references, a bounded number of steps.
        let mut target = fragment_pointer(&reference)
            .and_then(|pointer| document.pointer(&pointer))
            .cloned();
        for _ in 0..8 {
            match target
                .as_ref()
                .and_then(|t| t.get("$ref"))
                .and_then(|r| r.as_str())
            {
                Some(next)
                    if next.matches('/').count() > 3 || !next.starts_with("#/components/") =>
                {
                    target = fragment_pointer(next)
                        .and_then(|pointer| document.pointer(&pointer))
                        .cloned();
                }
                _ => break,
            }
        }
        if let (Some(mut target), Some(slot)) = (target, document.pointer_mut(pointer)) {
            // A response needs a description; a request body may lack one.
            if let (Some(object), "responses") = (target.as_object_mut(), kind) {
                object
                    .entry("description")
                    .or_insert_with(|| serde_json::Value::String(String::new()));
            }
            *slot = target;
        }
    }
}

/// A `$ref` into the inside of a schema may land on another `$ref`
/// (`#/components/schemas/A/allOf/0` being `{$ref: B}`): every such
/// reference is rewritten to the one at the end of its chain, so that it
/// means the type `B` and not a schema with nothing in it. Returns the
/// nested references left (those that land on a schema).
pub(super) fn shorten_ref_chains(
    path: &Path,
    document: &mut serde_json::Value,
    nested: Vec<String>,
) -> Result<Vec<String>> {
    let target_ref = |document: &serde_json::Value, reference: &str| {
        fragment_pointer(reference)
            .and_then(|pointer| document.pointer(&pointer))
            .and_then(|target| target.get("$ref"))
            .and_then(|next| next.as_str())
            .map(str::to_string)
    };
    let mut ends: BTreeMap<String, String> = BTreeMap::new();
    for reference in &nested {
        let mut end = reference.clone();
        let mut seen = vec![reference.clone()];
        // A component is where a chain stops: it is a type of its own,
        // even when it is an alias.
        while !is_component_ref(&end) {
            let Some(next) = target_ref(document, &end) else {
                break;
            };
            if seen.contains(&next) {
                seen.push(next);
                return Err(Error::spec(
                    path,
                    reference.clone(),
                    format!("$ref cycle with nothing to stand on: {}", seen.join(" -> ")),
                ));
            }
            seen.push(next.clone());
            end = next;
        }
        let ends_at_schema = is_component_ref(&end) || target_ref(document, &end).is_none();
        if end != *reference && ends_at_schema {
            ends.insert(reference.clone(), end);
        }
    }
    if ends.is_empty() {
        return Ok(nested);
    }
    rewrite_refs(document, &ends);
    Ok(nested
        .into_iter()
        .map(|reference| ends.get(&reference).cloned().unwrap_or(reference))
        .filter(|reference| !is_component_ref(reference))
        .collect())
}

/// `#/components/<kind>/<name>`: a reference to a whole component.
pub(super) fn is_component_ref(reference: &str) -> bool {
    reference.starts_with("#/components/")
        && reference.trim_start_matches("#/").split('/').count() == 3
}

/// Replaces every `$ref` value that is a key of `ends` by its value.
fn rewrite_refs(node: &mut serde_json::Value, ends: &BTreeMap<String, String>) {
    match node {
        serde_json::Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                match value {
                    serde_json::Value::String(reference) if key == "$ref" => {
                        if let Some(end) = ends.get(reference.as_str()) {
                            *reference = end.clone();
                        }
                    }
                    _ => rewrite_refs(value, ends),
                }
            }
        }
        serde_json::Value::Array(items) => {
            items.iter_mut().for_each(|item| rewrite_refs(item, ends))
        }
        _ => {}
    }
}

/// Parses the targets of `$ref`s that point inside a schema component, so
/// lowering can resolve them like components.
pub(super) fn nested_schema_refs(
    document: &serde_json::Value,
    found: Vec<String>,
) -> (
    BTreeMap<String, openapiv3::Schema>,
    BTreeMap<String, String>,
) {
    let mut nested = BTreeMap::new();
    let mut not_schemas = BTreeMap::new();
    for reference in found {
        if nested.contains_key(&reference) {
            continue;
        }
        // Dangling ones are reported where they are used, with a pointer;
        // targets that are not schemas only matter if used as one.
        let Some(target) =
            fragment_pointer(&reference).and_then(|pointer| document.pointer(&pointer))
        else {
            continue;
        };
        match openapiv3::Schema::deserialize(target) {
            Ok(schema) => {
                nested.insert(reference, schema);
            }
            Err(err) => {
                not_schemas.insert(reference, err.to_string());
            }
        }
    }
    (nested, not_schemas)
}
