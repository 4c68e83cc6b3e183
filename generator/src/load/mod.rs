//! Stage 1: read a spec file (YAML or JSON) into `openapiv3::OpenAPI`.
//!
//! Parsing goes through `serde_json::Value` first so that the version can be
//! checked before the typed parse, and so that a type error can be reported
//! with the JSON pointer where it happened.

mod convert31;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::{Error, Location, Result, Warning};

/// A parsed spec and where it came from.
pub struct LoadedSpec {
    pub path: PathBuf,
    pub openapi: openapiv3::OpenAPI,
    /// What a 3.1 → 3.0 conversion dropped.
    pub warnings: Vec<Warning>,
    /// The spec's text, to turn JSON pointers into line numbers.
    pub text: String,
    /// Schemas that `$ref`s reach inside a component (such as
    /// `#/components/schemas/Tag/allOf/0`), keyed by the reference.
    pub nested_refs: BTreeMap<String, openapiv3::Schema>,
}

/// Reads and parses one spec file.
/// Specs above this size are worth a second thread: their typed document
/// is decoded beside the JSON tree, and both are freed off the main thread
/// (see `crate::drop_later`).
pub(crate) const LARGE_SPEC_BYTES: usize = 64 * 1024;

pub fn load(path: &Path) -> Result<LoadedSpec> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse(path, &bytes)
}

/// Parses spec text; `path` is only used in messages.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<LoadedSpec> {
    parse_located(path, bytes).map_err(|err| err.with_line(&String::from_utf8_lossy(bytes)))
}

fn parse_located(path: &Path, bytes: &[u8]) -> Result<LoadedSpec> {
    // A large JSON spec is also decoded straight into `openapiv3` types on a
    // second thread while this one builds the JSON tree that the checks and
    // rewrites below need; that decoding is used when nothing was rewritten.
    std::thread::scope(|scope| {
        let direct = (bytes.len() > LARGE_SPEC_BYTES && looks_like_json(bytes))
            .then(|| scope.spawn(|| serde_json::from_slice::<openapiv3::OpenAPI>(bytes).ok()));
        let direct = move || direct.and_then(|handle| handle.join().ok().flatten());
        parse_tree(path, bytes, direct)
    })
}

fn parse_tree(
    path: &Path,
    bytes: &[u8],
    direct: impl FnOnce() -> Option<openapiv3::OpenAPI>,
) -> Result<LoadedSpec> {
    let mut value = parse_value(path, bytes)?;
    let mut warnings = Vec::new();
    let mut rewritten = false;
    if check_version(path, &value)? == Version::V3_1 {
        rewritten = true;
        let converted = convert31::convert(&mut value)
            .map_err(|(pointer, message)| Error::spec(path, pointer, message))?;
        warnings = converted
            .into_iter()
            .map(|(pointer, message)| Warning {
                location: Location {
                    file: path.to_path_buf(),
                    line_col: None,
                    pointer: Some(pointer),
                },
                message,
            })
            .collect();
    }
    rewritten |= inline_cross_kind_refs(&mut value);
    let direct = direct().filter(|_| !rewritten);
    // The plain decoder is twice as fast as the path-tracking one, which
    // runs only to locate an error.
    let openapi = match direct {
        Some(openapi) => Ok(openapi),
        None => openapiv3::OpenAPI::deserialize(&value)
            .or_else(|_| serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&value)),
    };
    let openapi = openapi.map_err(|err| {
        let (pointer, message) =
            refine(&value, path_to_pointer(err.path()), err.inner().to_string());
        Error::Spec {
            location: Location {
                file: path.to_path_buf(),
                line_col: None,
                pointer: Some(pointer),
            },
            message: format!("not a valid OpenAPI 3.0 document here: {message}"),
        }
    })?;
    let nested_refs = nested_schema_refs(&value);
    if bytes.len() > LARGE_SPEC_BYTES {
        crate::drop_later(value);
    }
    let text = String::from_utf8_lossy(bytes).into_owned();
    if !warnings.is_empty() {
        let lines = crate::diagnostics::SpecLines::new(&text);
        for warning in &mut warnings {
            warning.location.fill_line(&lines);
        }
    }
    Ok(LoadedSpec {
        path: path.to_path_buf(),
        openapi,
        warnings,
        nested_refs,
        text,
    })
}

/// A response, parameter or request body may `$ref` a component of another
/// kind (say a response pointing into `requestBodies`) or a node anywhere
/// in the document; `openapiv3` only follows its own kind, so such
/// references are replaced by the node they point at. Returns whether any
/// was.
fn inline_cross_kind_refs(document: &mut serde_json::Value) -> bool {
    fn collect(
        value: &serde_json::Value,
        pointer: &str,
        expected: Option<&str>,
        out: &mut Vec<(String, String, &'static str)>,
    ) {
        let Some(map) = value.as_object() else {
            if let (Some(items), Some("parameters")) = (value.as_array(), expected) {
                for (i, item) in items.iter().enumerate() {
                    collect_item(item, &format!("{pointer}/{i}"), "parameters", out);
                }
            }
            return;
        };
        for (key, child) in map {
            let child_pointer = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
            match key.as_str() {
                "responses" if child.is_object() => {
                    for (code, response) in child.as_object().into_iter().flatten() {
                        let at = format!(
                            "{child_pointer}/{}",
                            code.replace('~', "~0").replace('/', "~1")
                        );
                        collect_item(response, &at, "responses", out);
                        collect(response, &at, None, out);
                    }
                }
                "parameters" if child.is_array() => {
                    collect(child, &child_pointer, Some("parameters"), out)
                }
                "requestBody" => {
                    collect_item(child, &child_pointer, "requestBodies", out);
                    collect(child, &child_pointer, None, out);
                }
                // Schemas resolve their own references (see nested refs).
                "schema" | "schemas" | "properties" | "items" | "allOf" | "oneOf" | "anyOf" => {}
                _ => collect(child, &child_pointer, None, out),
            }
        }
    }
    fn collect_item(
        item: &serde_json::Value,
        pointer: &str,
        kind: &'static str,
        out: &mut Vec<(String, String, &'static str)>,
    ) {
        if let Some(reference) = item.get("$ref").and_then(|r| r.as_str()) {
            if !reference.starts_with(&format!("#/components/{kind}/"))
                || reference.matches('/').count() > 3
            {
                out.push((pointer.to_string(), reference.to_string(), kind));
            }
        }
    }
    let mut found = Vec::new();
    collect(document, "", None, &mut found);
    let rewritten = !found.is_empty();
    for (pointer, reference, kind) in found {
        // Follow chains of such references, a bounded number of steps.
        let mut target = document.pointer(reference.trim_start_matches('#')).cloned();
        for _ in 0..8 {
            match target
                .as_ref()
                .and_then(|t| t.get("$ref"))
                .and_then(|r| r.as_str())
            {
                Some(next)
                    if next.matches('/').count() > 3 || !next.starts_with("#/components/") =>
                {
                    target = document.pointer(next.trim_start_matches('#')).cloned();
                }
                _ => break,
            }
        }
        if let (Some(mut target), Some(slot)) = (target, document.pointer_mut(&pointer)) {
            // A response needs a description; a request body may lack one.
            if let (Some(object), "responses") = (target.as_object_mut(), kind) {
                object
                    .entry("description")
                    .or_insert_with(|| serde_json::Value::String(String::new()));
            }
            *slot = target;
        }
    }
    rewritten
}

/// Finds `$ref`s that point inside a schema component and parses their
/// targets, so lowering can resolve them like components.
fn nested_schema_refs(document: &serde_json::Value) -> BTreeMap<String, openapiv3::Schema> {
    fn walk<'v>(value: &'v serde_json::Value, found: &mut Vec<&'v str>) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::String(reference)) = map.get("$ref") {
                    // `#/components/<kind>/<name>` is a component; anything
                    // deeper or elsewhere is a pointer into the document.
                    let tokens: Vec<&str> = reference.trim_start_matches("#/").split('/').collect();
                    let component = tokens.len() == 3 && tokens[0] == "components";
                    if reference.starts_with("#/") && !component {
                        found.push(reference);
                    }
                }
                map.values().for_each(|v| walk(v, found));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(document, &mut found);
    let mut nested = BTreeMap::new();
    for reference in found {
        if nested.contains_key(reference) {
            continue;
        }
        // Dangling ones are reported where they are used, with a pointer;
        // targets that are not schemas only matter if used as one.
        let Some(target) = document.pointer(&reference[1..]) else {
            continue;
        };
        if let Ok(schema) = serde_json::from_value::<openapiv3::Schema>(target.clone()) {
            nested.insert(reference.to_string(), schema);
        }
    }
    nested
}

/// serde loses the path inside `#[serde(flatten)]` maps (paths, response
/// codes), so an error there is re-located by parsing each entry alone.
fn refine(document: &serde_json::Value, pointer: String, message: String) -> (String, String) {
    fn first_failing<T: serde::de::DeserializeOwned>(
        map: &serde_json::Map<String, serde_json::Value>,
        base: &str,
    ) -> Option<(String, String)> {
        // `$ref` entries are checked where they point; untagged enums
        // would hide the inner path, so entries are parsed as items.
        let is_ref = |v: &serde_json::Value| v.get("$ref").is_some();
        map.iter()
            .filter(|(key, v)| !key.starts_with("x-") && !is_ref(v))
            .find_map(|(key, value)| {
                serde_path_to_error::deserialize::<_, T>(value)
                    .err()
                    .map(|err| {
                        let inner = path_to_pointer(err.path());
                        let key = key.replace('~', "~0").replace('/', "~1");
                        (
                            format!("{base}/{key}{}", &inner[1..]),
                            err.inner().to_string(),
                        )
                    })
            })
    }
    let Some(node) = document.pointer(&pointer[1..]) else {
        return (pointer, message);
    };
    let Some(map) = node.as_object() else {
        return (pointer, message);
    };
    let found = if pointer == "#/paths" {
        first_failing::<openapiv3::PathItem>(map, &pointer)
    } else if pointer.ends_with("/responses") {
        first_failing::<openapiv3::Response>(map, &pointer)
    } else {
        None
    };
    match found {
        // One more level: an operation's responses are flattened too.
        Some((inner, inner_message)) if inner != pointer => {
            let (deeper, deeper_message) = refine(document, inner.clone(), inner_message.clone());
            if deeper == inner {
                (inner, inner_message)
            } else {
                (deeper, deeper_message)
            }
        }
        _ => (pointer, message),
    }
}

fn looks_like_json(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{')
}

fn parse_value(path: &Path, bytes: &[u8]) -> Result<serde_json::Value> {
    let looks_like_json = looks_like_json(bytes);
    let located = |line: usize, column: usize, message: String| Error::Spec {
        location: Location {
            file: path.to_path_buf(),
            line_col: Some((line, column)),
            pointer: None,
        },
        message,
    };
    if looks_like_json {
        serde_json::from_slice(bytes)
            .map_err(|err| located(err.line(), err.column(), format!("invalid JSON: {err}")))
    } else {
        let text = std::str::from_utf8(bytes)
            .map_err(|err| Error::spec(path, "", format!("the file is not UTF-8 text: {err}")))?;
        serde_yaml::from_str(text).map_err(|err| match err.location() {
            Some(loc) => located(loc.line(), loc.column(), format!("invalid YAML: {err}")),
            None => Error::spec(path, "", format!("invalid YAML: {err}")),
        })
    }
}

#[derive(PartialEq, Eq)]
enum Version {
    V3_0,
    V3_1,
}

fn check_version(path: &Path, value: &serde_json::Value) -> Result<Version> {
    let Some(object) = value.as_object() else {
        return Err(Error::spec(path, "", "the document is not a mapping"));
    };
    if let Some(swagger) = object.get("swagger") {
        return Err(Error::spec(
            path,
            "#/swagger",
            format!(
                "Swagger {swagger} documents are not supported; convert the spec to OpenAPI 3.0 first (for example with swagger2openapi)"
            ),
        ));
    }
    match object.get("openapi").and_then(|v| v.as_str()) {
        Some(version) if version.starts_with("3.0.") => Ok(Version::V3_0),
        Some(version) if version.starts_with("3.1.") => Ok(Version::V3_1),
        Some(version) => Err(Error::spec(
            path,
            "#/openapi",
            format!(
                "OpenAPI version {version} is not supported; 3.0.x is, and the common subset of 3.1.x"
            ),
        )),
        None => Err(Error::spec(
            path,
            "",
            "missing `openapi` version field: this does not look like an OpenAPI document",
        )),
    }
}

/// Turns serde_path_to_error's path into a JSON pointer such as `#/paths/~1a/get`.
fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::from("#");
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } => {
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}
