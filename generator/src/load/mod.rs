//! Stage 1: read a spec file (YAML or JSON) into `openapiv3::OpenAPI`.
//!
//! A scan of the document (`scan.rs`) finds what the typed parse cannot
//! take as it is: the version, references that need inlining or resolving.
//! A plain JSON 3.0 document is then decoded straight into `openapiv3`
//! types; anything else (YAML, 3.1, such references, an error to locate)
//! goes through a `serde_json::Value` tree, which is checked, rewritten
//! and then decoded, so that a type error is reported with its JSON pointer.

mod bundle;
mod convert31;
mod direct;
mod locate;
mod refs;
mod scan;
mod yaml;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::{Error, Location, Result, Warning, pointer_token};

pub use locate::Locator;

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
    /// Such references whose target is there but is no schema, with why.
    pub not_schemas: BTreeMap<String, String>,
    /// The other files of a multi-file spec, and where each bundled part
    /// came from.
    pub bundled: bundle::Bundled,
}

impl LoadedSpec {
    /// Every file the spec was read from, the root first.
    pub fn files(&self) -> Vec<PathBuf> {
        std::iter::once(self.path.clone())
            .chain(self.bundled.files.iter().cloned())
            .collect()
    }

    /// A locator of places in this spec (see `Locator`).
    pub fn locator(&self) -> Locator<'_> {
        Locator::new(&self.bundled, Some(&self.text))
    }

    /// An error of lowering, in the file it came from, with its line.
    pub fn locate_error(&self, err: Error) -> Error {
        let mut locator = self.locator();
        locator.locate_error(err)
    }
}

/// JSON specs above this size are worth a second thread: `components` is
/// decoded beside the rest (`direct.rs`). Measured with `bench/compare.py`
/// (41 runs, alternating) against 64 KiB: 1-4 % quicker on the 10-20 kB
/// Oxide specs (keeper, buildomat, propolis-server).
pub(crate) const LARGE_SPEC_BYTES: usize = 8 * 1024;

/// Reads and parses one spec file.
pub fn load(path: &Path) -> Result<LoadedSpec> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_owned(path, bytes)
}

/// Parses spec text; `path` is only used in messages.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<LoadedSpec> {
    parse_owned(path, bytes.to_vec())
}

/// Parses spec text it owns: a large spec's text is kept, not copied.
fn parse_owned(path: &Path, bytes: Vec<u8>) -> Result<LoadedSpec> {
    let bytes = match looks_like_json(&bytes) {
        true => match parse_plain_json(path, bytes) {
            Ok(loaded) => return Ok(loaded),
            Err(bytes) => bytes,
        },
        false => bytes,
    };
    parse_tree(path, &bytes).map_err(|err| err.with_line(&String::from_utf8_lossy(&bytes)))
}

/// The fast path, for a JSON OpenAPI 3.0 document that needs no rewrite
/// (most specs): a scan of the text for what would need one, and the typed
/// decoding straight from the text. No `serde_json::Value` tree is built.
/// The bytes come back for the general path, which also locates any error.
fn parse_plain_json(path: &Path, bytes: Vec<u8>) -> std::result::Result<LoadedSpec, Vec<u8>> {
    let text = String::from_utf8(bytes).map_err(|err| err.into_bytes())?;
    let openapi = direct::decode(&text, text.len() > LARGE_SPEC_BYTES);
    let Some(openapi) = openapi else {
        return Err(text.into_bytes());
    };
    Ok(LoadedSpec {
        path: path.to_path_buf(),
        openapi,
        warnings: Vec::new(),
        text,
        nested_refs: BTreeMap::new(),
        not_schemas: BTreeMap::new(),
        bundled: bundle::Bundled::default(),
    })
}

/// The general path: the document as a `serde_json::Value` tree, checked,
/// rewritten where needed (3.1, foreign references), then typed.
fn parse_tree(path: &Path, bytes: &[u8]) -> Result<LoadedSpec> {
    let mut value = parse_value(path, bytes)?;
    let bundled = if bundle::has_external_refs(&value) {
        bundle::bundle(path, &String::from_utf8_lossy(bytes), &mut value)?
    } else {
        bundle::Bundled::default()
    };
    let sources = bundle::Bundled {
        root: bundled.root.clone(),
        sources: bundled.sources.clone(),
        ..Default::default()
    };
    parse_bundle(path, bytes, value, bundled).map_err(|err| {
        // Places in other files; the caller gives the root's their lines.
        Locator::new(&sources, None).locate_error(err)
    })
}

/// The document, bundled when it had other files, checked, converted from
/// 3.1 when it is, and typed.
fn parse_bundle(
    path: &Path,
    bytes: &[u8],
    mut value: serde_json::Value,
    mut bundled: bundle::Bundled,
) -> Result<LoadedSpec> {
    let mut warnings = std::mem::take(&mut bundled.warnings);
    if let Some(warning) = info_version_as_text(path, &mut value) {
        warnings.push(warning);
    }
    if check_version(path, &value)? == Version::V3_1 {
        let converted = convert31::convert(&mut value)
            .map_err(|(pointer, message)| Error::spec(path, pointer, message))?;
        warnings.extend(converted.into_iter().map(|(pointer, message)| Warning {
            location: Location {
                file: path.to_path_buf(),
                line_col: None,
                pointer: Some(pointer),
            },
            message,
        }));
    }
    convert31::inline_path_item_refs(&mut value);
    let scan = |value: &serde_json::Value| {
        scan::scan(value).map_err(|err| Error::spec(path, "", err.to_string()))
    };
    let findings = scan(&value)?;
    let inlined = !findings.foreign_refs.is_empty();
    refs::inline_foreign_refs(&mut value, findings.foreign_refs);
    // Inlined nodes may hold more references into components.
    let nested = if inlined {
        scan(&value)?.nested_refs
    } else {
        findings.nested_refs
    };
    let nested = refs::shorten_ref_chains(path, &mut value, nested)?;
    // The plain decoder is twice as fast as the path-tracking one, which
    // runs only to locate an error.
    let openapi = openapiv3::OpenAPI::deserialize(&value)
        .or_else(|_| serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&value));
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
    let (nested_refs, not_schemas) = refs::nested_schema_refs(&value, nested);
    let text = String::from_utf8_lossy(bytes).into_owned();
    let mut loaded = LoadedSpec {
        path: path.to_path_buf(),
        openapi,
        warnings: Vec::new(),
        nested_refs,
        not_schemas,
        text,
        bundled,
    };
    let mut locator = loaded.locator();
    for warning in &mut warnings {
        locator.locate(&mut warning.location);
    }
    loaded.warnings = warnings;
    Ok(loaded)
}

/// Whether the node at `pointer` is where a schema goes.
fn is_schema_place(pointer: &str) -> bool {
    let mut tokens = pointer.rsplit('/');
    let last = tokens.next().unwrap_or_default();
    let parent = tokens.next().unwrap_or_default();
    last == "schema"
        || matches!(parent, "schemas" | "properties")
        || matches!(last, "items" | "not" | "additionalProperties")
}

/// A schema decodes as a whole or not at all (its parts are flattened and
/// untagged), so serde names only the schema: this finds the innermost
/// sub-schema that fails, then the keyword whose removal lets it decode.
fn failing_schema_part(
    schema: &serde_json::Value,
    pointer: String,
    message: String,
) -> (String, String) {
    let fails = |value: &serde_json::Value| {
        openapiv3::Schema::deserialize(value)
            .err()
            .map(|err| err.to_string())
    };
    let Some(object) = schema.as_object() else {
        return (pointer, message);
    };
    let children = object.iter().flat_map(|(key, value)| {
        let at = format!("{pointer}/{}", pointer_token(key));
        let parts: Vec<(String, &serde_json::Value)> = match (key.as_str(), value) {
            ("properties", serde_json::Value::Object(map)) => map
                .iter()
                .map(|(name, part)| (format!("{at}/{}", pointer_token(name)), part))
                .collect(),
            ("allOf" | "oneOf" | "anyOf", serde_json::Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, part)| (format!("{at}/{i}"), part))
                .collect(),
            ("items" | "not" | "additionalProperties", serde_json::Value::Object(_)) => {
                vec![(at, value)]
            }
            _ => Vec::new(),
        };
        parts
    });
    for (at, child) in children {
        if let Some(child_message) = fails(child) {
            return failing_schema_part(child, at, child_message);
        }
    }
    for key in object.keys() {
        let mut without = object.clone();
        without.remove(key);
        if fails(&serde_json::Value::Object(without)).is_none() {
            return (format!("{pointer}/{}", pointer_token(key)), message);
        }
    }
    (pointer, message)
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
                        let key = pointer_token(key);
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
    } else if is_schema_place(&pointer) {
        return failing_schema_part(node, pointer, message);
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
        serde_json::from_slice::<yaml::JsonFromYaml>(bytes)
            .map(|value| value.0)
            .map_err(|err| located(err.line(), err.column(), format!("invalid JSON: {err}")))
    } else {
        let text = std::str::from_utf8(bytes)
            .map_err(|err| Error::spec(path, "", format!("the file is not UTF-8 text: {err}")))?;
        yaml_to_json(text).map_err(|err| match err.location() {
            Some(loc) => located(loc.line(), loc.column(), format!("invalid YAML: {err}")),
            None => Error::spec(path, "", format!("invalid YAML: {err}")),
        })
    }
}

/// YAML text as the JSON tree a JSON parser would read from the same
/// document (integers beyond 64 bits as floats, scalar keys as text).
pub fn yaml_to_json(text: &str) -> std::result::Result<serde_json::Value, serde_yaml::Error> {
    serde_yaml::from_str::<yaml::JsonFromYaml>(text).map(|value| value.0)
}

#[derive(PartialEq, Eq)]
enum Version {
    V3_0,
    V3_1,
}

/// `info.version` written as a number (`version: 1.0`, unquoted YAML, a
/// common slip) is read as its text, with a warning: it is a label, and
/// refusing the document over it helps no one.
fn info_version_as_text(path: &Path, value: &mut serde_json::Value) -> Option<Warning> {
    let version = value.pointer_mut("/info/version")?;
    if !(version.is_number() || version.is_boolean()) {
        return None;
    }
    let text = version.to_string();
    *version = serde_json::Value::String(text.clone());
    Some(Warning {
        location: Location {
            file: path.to_path_buf(),
            line_col: None,
            pointer: Some("#/info/version".into()),
        },
        message: format!(
            "`info.version` is not a string; read as \"{text}\" (quote it to keep it exact)"
        ),
    })
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
    if let Some(number) = object.get("openapi").filter(|v| v.is_number()) {
        return Err(Error::spec(
            path,
            "#/openapi",
            format!(
                "`openapi: {number}` is a number; the version must be a string, such as `openapi: \"3.0.3\"`"
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
                pointer.push_str(&pointer_token(key));
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}
