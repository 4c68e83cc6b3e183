//! OpenAPI 3.1 → 3.0, for the common subset, before the typed parse.
//!
//! 3.1 schemas are JSON Schema 2020-12. The parts that have a 3.0 spelling
//! are rewritten (type arrays with `null`, `const`, numeric exclusive
//! bounds, `examples`, `$ref` siblings); keywords without one are dropped
//! with a warning; keywords whose loss would change what a client may send
//! (`$dynamicRef`, `prefixItems`, ...) are refused.

use crate::diagnostics::{fragment_pointer, pointer_token};
use serde_json::{Map, Value};

/// Keywords dropped with a warning: annotations or constraints the client
/// does not need to build requests or decode responses.
const DROPPED: &[&str] = &[
    "$schema",
    "$id",
    "$anchor",
    "$comment",
    "contentMediaType",
    "contentSchema",
    "unevaluatedProperties",
    "unevaluatedItems",
    "propertyNames",
    "dependentRequired",
    "dependentSchemas",
    "if",
    "then",
    "else",
    "minContains",
    "maxContains",
    "contains",
    "patternProperties",
];

/// Keywords that change the shape of data in ways 3.0 cannot say.
const REFUSED: &[&str] = &["$dynamicRef", "$dynamicAnchor", "prefixItems"];

/// Rewrites a 3.1 document in place. Warnings are `(pointer, message)`.
pub fn convert(document: &mut Value) -> Result<Vec<(String, String)>, (String, String)> {
    let mut warnings = Vec::new();
    let Some(root) = document.as_object_mut() else {
        return Ok(warnings);
    };
    root.insert("openapi".into(), Value::String("3.0.3".into()));
    for key in ["webhooks", "jsonSchemaDialect"] {
        if root.remove(key).is_some() {
            warnings.push((
                format!("#/{key}"),
                format!("`{key}` (OpenAPI 3.1) is not used by the client; dropped"),
            ));
        }
    }
    root.entry("paths")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(license) = root
        .get_mut("info")
        .and_then(|i| i.get_mut("license"))
        .and_then(Value::as_object_mut)
    {
        license.remove("identifier");
    }
    add_missing_responses(root);
    walk(document, "#", false, &mut warnings)?;
    Ok(warnings)
}

/// A path item that is a `$ref` into the document (3.1's
/// `#/components/pathItems/...`, or another path) becomes the item it
/// names, its own `summary` and `description` kept: the typed 3.0 model has
/// nowhere to look such items up. A chain is followed a few steps; what is
/// left (a cycle, a dangling target) is reported by lowering, located.
pub(super) fn inline_path_item_refs(document: &mut Value) {
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return;
    };
    let mut resolved = Vec::new();
    for (path, item) in paths.iter().filter(|(_, item)| item.get("$ref").is_some()) {
        let mut target = item.clone();
        for _ in 0..8 {
            let Some(reference) = target.get("$ref").and_then(Value::as_str) else {
                break;
            };
            let Some(found) =
                fragment_pointer(reference).and_then(|pointer| document.pointer(&pointer))
            else {
                break;
            };
            target = found.clone();
        }
        if target.get("$ref").is_some() {
            continue;
        }
        if let (Some(target), Some(own)) = (target.as_object_mut(), item.as_object()) {
            for key in ["summary", "description"] {
                if let Some(value) = own.get(key) {
                    target.insert(key.into(), value.clone());
                }
            }
        }
        resolved.push((path.clone(), target));
    }
    if let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in resolved {
            paths.insert(path, item);
        }
    }
}

/// `responses` is optional in 3.1 (required in 3.0): an operation without
/// it documents no response, which is what an empty map says.
fn add_missing_responses(root: &mut Map<String, Value>) {
    const METHODS: &[&str] = &[
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let path_items = root
        .get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|paths| paths.values_mut());
    for item in path_items.filter_map(Value::as_object_mut) {
        for (method, operation) in item.iter_mut() {
            if let Some(operation) = operation
                .as_object_mut()
                .filter(|_| METHODS.contains(&method.as_str()))
            {
                operation
                    .entry("responses")
                    .or_insert_with(|| Value::Object(Map::new()));
            }
        }
    }
}

/// Visits every node; `schema` says whether this node is a schema object.
fn walk(
    node: &mut Value,
    pointer: &str,
    schema: bool,
    warnings: &mut Vec<(String, String)>,
) -> Result<(), (String, String)> {
    if schema {
        if let Value::Bool(accept) = node {
            // `true` accepts anything; `false` nothing (3.0 has no spelling: `not: {}`).
            *node = if *accept {
                Value::Object(Map::new())
            } else {
                serde_json::json!({"not": {}})
            };
            return Ok(());
        }
        if let Some(object) = node.as_object_mut() {
            convert_schema(object, pointer, warnings)?;
        }
    }
    match node {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                // `additionalProperties: false` (or `true`) is 3.0 as well.
                if schema && key == "additionalProperties" && child.is_boolean() {
                    continue;
                }
                let child_pointer = format!("{pointer}/{}", pointer_token(key));
                let child_is_schema = is_schema_slot(pointer, key, schema);
                if child_is_schema == Slot::Map {
                    if let Some(entries) = child.as_object_mut() {
                        for (name, entry) in entries.iter_mut() {
                            let entry_pointer = format!("{child_pointer}/{}", pointer_token(name));
                            walk(entry, &entry_pointer, true, warnings)?;
                        }
                    }
                } else if child_is_schema == Slot::List {
                    if let Some(items) = child.as_array_mut() {
                        for (i, item) in items.iter_mut().enumerate() {
                            walk(item, &format!("{child_pointer}/{i}"), true, warnings)?;
                        }
                    }
                } else {
                    walk(
                        child,
                        &child_pointer,
                        child_is_schema == Slot::One,
                        warnings,
                    )?;
                }
            }
        }
        Value::Array(items) if !schema => {
            for (i, item) in items.iter_mut().enumerate() {
                walk(item, &format!("{pointer}/{i}"), false, warnings)?;
            }
        }
        _ => {}
    }
    Ok(())
}

#[derive(PartialEq, Eq)]
enum Slot {
    None,
    One,
    Map,
    List,
}

/// Where schemas sit: under `schema` keys and `components/schemas`, and,
/// inside a schema, under the keywords that hold subschemas.
fn is_schema_slot(parent_pointer: &str, key: &str, parent_is_schema: bool) -> Slot {
    if parent_is_schema {
        return match key {
            "items" | "additionalProperties" | "not" => Slot::One,
            // `$defs` stays (3.0 readers ignore it), converted, for `$ref`s
            // into it (`#/components/schemas/Pet/$defs/Tag`).
            "properties" | "$defs" => Slot::Map,
            "allOf" | "oneOf" | "anyOf" => Slot::List,
            _ => Slot::None,
        };
    }
    if key == "schema" {
        return Slot::One;
    }
    if key == "schemas" && parent_pointer == "#/components" {
        return Slot::Map;
    }
    Slot::None
}

fn convert_schema(
    schema: &mut Map<String, Value>,
    pointer: &str,
    warnings: &mut Vec<(String, String)>,
) -> Result<(), (String, String)> {
    for keyword in REFUSED {
        if schema.contains_key(*keyword) {
            return Err((
                format!("{pointer}/{keyword}"),
                format!(
                    "`{keyword}` (JSON Schema 2020-12) has no OpenAPI 3.0 equivalent and cannot be generated"
                ),
            ));
        }
    }
    // Base64 text is what 3.0 calls `format: byte`.
    if let Some(encoding) = schema.remove("contentEncoding") {
        let base64 = matches!(encoding.as_str(), Some("base64" | "base64url"));
        if base64 && !schema.contains_key("format") {
            schema.insert("format".into(), Value::String("byte".into()));
        } else if !base64 {
            warnings.push((
                format!("{pointer}/contentEncoding"),
                format!("`contentEncoding: {encoding}` is not supported; dropped"),
            ));
        }
    }
    for keyword in DROPPED {
        if schema.remove(*keyword).is_some() {
            warnings.push((
                format!("{pointer}/{keyword}"),
                format!("`{keyword}` is not supported; dropped"),
            ));
        }
    }
    // `$ref` siblings are allowed in 3.1; in 3.0 they are ignored. Keep the
    // meaning by wrapping the reference in an allOf when constraints remain.
    if schema.contains_key("$ref") && schema.len() > 1 {
        let reference = schema.remove("$ref").unwrap_or_default();
        let annotations_only = schema.keys().all(|k| {
            matches!(
                k.as_str(),
                "description"
                    | "title"
                    | "summary"
                    | "deprecated"
                    | "readOnly"
                    | "writeOnly"
                    | "example"
                    | "examples"
                    | "default"
            )
        });
        if annotations_only {
            schema.retain(|k, _| k == "description" || k == "title" || k == "default");
            schema.insert(
                "allOf".into(),
                Value::Array(vec![serde_json::json!({"$ref": reference})]),
            );
        } else {
            let mut all_of = vec![serde_json::json!({"$ref": reference})];
            if let Some(Value::Array(existing)) = schema.remove("allOf") {
                all_of.extend(existing);
            }
            schema.insert("allOf".into(), Value::Array(all_of));
        }
    }
    if let Some(Value::Array(types)) = schema.get("type").cloned() {
        let non_null: Vec<Value> = types
            .iter()
            .filter(|t| t.as_str() != Some("null"))
            .cloned()
            .collect();
        if non_null.len() < types.len() {
            schema.insert("nullable".into(), Value::Bool(true));
        }
        match non_null.as_slice() {
            [] => {
                schema.insert("type".into(), Value::String("null".into()));
            }
            [one] => {
                schema.insert("type".into(), one.clone());
            }
            several => {
                schema.remove("type");
                let alternatives = several
                    .iter()
                    .map(|t| serde_json::json!({"type": t}))
                    .collect();
                schema.insert("anyOf".into(), Value::Array(alternatives));
            }
        }
    }
    if let Some(constant) = schema.remove("const") {
        schema.insert("enum".into(), Value::Array(vec![constant]));
    }
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(Value::Number(n)) = schema.get(exclusive).cloned() {
            schema.insert(bound.into(), Value::Number(n));
            schema.insert(exclusive.into(), Value::Bool(true));
        }
    }
    if let Some(Value::Array(examples)) = schema.remove("examples") {
        if let Some(first) = examples.into_iter().next() {
            schema.entry("example").or_insert(first);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::convert;

    #[test]
    fn common_subset_is_rewritten() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1", "license": {"name": "MIT", "identifier": "MIT"}},
            "webhooks": {},
            "components": {"schemas": {
                "A": {"type": ["string", "null"], "examples": ["x"]},
                "B": {"type": "object", "properties": {
                    "n": {"type": "number", "exclusiveMinimum": 0},
                    "c": {"const": "fixed"},
                    "r": {"$ref": "#/components/schemas/A", "description": "with a sibling"},
                    "multi": {"type": ["integer", "string"]}
                }}
            }}
        });
        let warnings = convert(&mut doc).unwrap();
        assert_eq!(doc["openapi"], "3.0.3");
        assert_eq!(
            doc["components"]["schemas"]["A"],
            json!({"type": "string", "nullable": true, "example": "x"})
        );
        let b = &doc["components"]["schemas"]["B"]["properties"];
        assert_eq!(
            b["n"],
            json!({"type": "number", "minimum": 0, "exclusiveMinimum": true})
        );
        assert_eq!(b["c"], json!({"enum": ["fixed"]}));
        assert_eq!(
            b["r"],
            json!({"description": "with a sibling", "allOf": [{"$ref": "#/components/schemas/A"}]})
        );
        assert_eq!(
            b["multi"],
            json!({"anyOf": [{"type": "integer"}, {"type": "string"}]})
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
    }

    #[test]
    fn shapes_without_a_3_0_spelling_are_refused() {
        let mut doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "components": {"schemas": {"T": {"type": "array", "prefixItems": [{"type": "string"}]}}}});
        let (pointer, message) = convert(&mut doc).unwrap_err();
        assert_eq!(pointer, "#/components/schemas/T/prefixItems");
        assert!(message.contains("prefixItems"));
    }
}
