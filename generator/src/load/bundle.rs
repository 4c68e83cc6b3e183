//! Multi-file specs: `$ref`s to other files, resolved into one document.
//!
//! A referenced schema becomes a component (`#/components/schemas/<name>`,
//! named after the fragment's last token, else the file name, made unique),
//! so that the same schema reached by two paths is one type and recursion
//! across files works. Anything else referenced (parameters, responses,
//! path items, and what bundlers resolve beyond the rules: operations,
//! descriptions, extension values) is inlined. Files are read once, must
//! lie inside the root document's folder, and every bundled node remembers
//! the file and pointer it came from, so errors point there.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Map, Value};

use super::locate::locate;
use crate::diagnostics::{Error, Location, Result, Warning, pointer_token};

/// Where a part of the bundled document came from.
#[derive(Clone, Debug)]
pub struct Source {
    /// JSON pointer of the part in the bundle.
    pub bundle_pointer: String,
    pub file: PathBuf,
    /// JSON pointer of the part in its file (`""` for the whole file).
    pub file_pointer: String,
    pub text: Arc<String>,
}

/// What bundling read and bent.
#[derive(Default)]
pub struct Bundled {
    /// The root document, as named: locations in this file with a bundle
    /// pointer are mapped to the file the part came from.
    pub root: PathBuf,
    /// Every file read besides the root, in the order first read.
    pub files: Vec<PathBuf>,
    pub sources: Vec<Source>,
    pub warnings: Vec<Warning>,
}

/// Whether the document has a `$ref` to another file (a cheap walk).
pub fn has_external_refs(value: &Value) -> bool {
    fn walk(value: &Value, own_key: &str, is_example: bool) -> bool {
        match value {
            Value::Object(map) => map.iter().any(|(key, child)| {
                if is_literal_data(key, is_example, false) {
                    return false;
                }
                (key == "$ref" && child.as_str().is_some_and(|r| !r.starts_with('#')))
                    || walk(child, key, own_key == "examples")
            }),
            Value::Array(items) => items.iter().any(|item| walk(item, "", false)),
            _ => false,
        }
    }
    walk(value, "", false)
}

/// Whether the member `key` holds data rather than OpenAPI objects, where
/// a `$ref` key is just data: an `example`, an Example object's `value`,
/// and in a schema its `default`, `enum` and `const`.
fn is_literal_data(key: &str, in_example: bool, in_schema: bool) -> bool {
    key == "example"
        || (in_example && key == "value")
        || (in_schema && matches!(key, "default" | "enum" | "const" | "examples"))
}

/// Whether the node at `pointer` is an entry of an `examples` map.
fn is_example_entry(pointer: &str) -> bool {
    pointer.rsplit('/').nth(1) == Some("examples")
}

/// Resolves every `$ref` to another file in `document` (read from `root`).
pub fn bundle(root: &Path, root_text: &str, document: &mut Value) -> Result<Bundled> {
    let root_file = std::fs::canonicalize(root).map_err(|source| Error::Io {
        path: root.to_path_buf(),
        source,
    })?;
    let folder = root_file.parent().unwrap_or(Path::new("/")).to_path_buf();
    let mut bundler = Bundler {
        root: root.to_path_buf(),
        root_file: root_file.clone(),
        folder,
        documents: HashMap::new(),
        names: HashMap::new(),
        taken: HashSet::new(),
        schemas: Vec::new(),
        inlining: Vec::new(),
        bent: BTreeMap::new(),
        canonical: HashMap::new(),
        nodes_read: count_nodes(document),
        nodes_inlined: 0,
        out: Bundled {
            root: root.to_path_buf(),
            ..Bundled::default()
        },
    };
    // The root as written, for references back into it from other files.
    let root_entry = (Arc::new(document.clone()), Arc::new(root_text.to_string()));
    bundler.documents.insert(root_file.clone(), root_entry);
    bundler.taken.extend(schema_keys(document));
    bundler.name_component_entries(document, &root_file)?;
    bundler.walk(document, &root_file, "#", Slot::Other)?;
    let mut index = 0;
    while index < bundler.schemas.len() {
        let (name, file, fragment) = bundler.schemas[index].clone();
        let mut schema = bundler.target(
            &file,
            &fragment,
            &format!("#/components/schemas/{}", pointer_token(&name)),
        )?;
        let pointer = format!("#/components/schemas/{}", pointer_token(&name));
        bundler.record(&pointer, &file, &fragment);
        bundler.walk(&mut schema, &file, &pointer, Slot::Schema)?;
        insert_schema(document, &name, schema);
        index += 1;
    }
    bundler.report_bent();
    Ok(bundler.out)
}

/// Where a node sits, as far as references are concerned.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// A schema: a `$ref` to another file becomes a component reference.
    Schema,
    /// A map of schemas (`properties`, `components/schemas`).
    SchemaMap,
    /// A list of schemas (`allOf`, `oneOf`, `anyOf`).
    SchemaList,
    /// Anything else: a `$ref` to another file is inlined.
    Other,
}

/// Inlining may copy parts of the files up to this many JSON nodes, or this
/// many times the nodes of every file read if that is more (DigitalOcean's
/// 2,900 files: 75,000 nodes read, 168,000 inlined). A file whose parts
/// refer to other parts several times over, level after level, expands
/// exponentially (eight path items with eight callbacks each, ten deep: a
/// billion copies); past the budget it is refused.
const INLINE_FLOOR: usize = 1_000_000;
const INLINE_FACTOR: usize = 64;

struct Bundler {
    root: PathBuf,
    root_file: PathBuf,
    folder: PathBuf,
    /// Each file read, parsed, with its text.
    documents: HashMap<PathBuf, (Arc<Value>, Arc<String>)>,
    /// (file, fragment) → component name.
    names: HashMap<(PathBuf, String), String>,
    taken: HashSet<String>,
    /// Components to add: (name, file, fragment), in the order named.
    schemas: Vec<(String, PathBuf, String)>,
    /// The inlined references being resolved, to catch cycles.
    inlining: Vec<(PathBuf, String)>,
    /// References resolved where OpenAPI defines none: rule → places.
    bent: BTreeMap<&'static str, Vec<Location>>,
    /// Joined reference paths → their canonical file (thousands of refs
    /// name the same few files; each canonicalization is a walk of the path).
    canonical: HashMap<PathBuf, PathBuf>,
    /// JSON nodes of the files read so far, and of the copies inlined.
    nodes_read: usize,
    nodes_inlined: usize,
    out: Bundled,
}

impl Bundler {
    fn walk(&mut self, node: &mut Value, file: &Path, pointer: &str, slot: Slot) -> Result<()> {
        if let Some(reference) = node.get("$ref").and_then(Value::as_str).map(str::to_string) {
            if slot == Slot::Schema {
                if let Some(local) = self.schema_reference(&reference, file, pointer)? {
                    node["$ref"] = Value::String(local);
                }
                return Ok(());
            }
            if file != self.root_file || !reference.starts_with('#') {
                let (target_file, fragment) = self.split(&reference, file, pointer)?;
                if target_file == self.root_file && reference.starts_with('#') {
                    return Ok(());
                }
                if let Some(rule) = bent_rule(pointer) {
                    self.bend(rule, pointer);
                }
                let key = (target_file.clone(), fragment.clone());
                if self.inlining.contains(&key) {
                    return Err(self.error(pointer, format!("`$ref: {reference}` refers back to itself through other files; only schemas may be recursive")));
                }
                let mut inlined = self.target(&target_file, &fragment, pointer)?;
                self.count_inlined(&inlined, pointer)?;
                self.inlining.push(key);
                self.record(pointer, &target_file, &fragment);
                self.walk(&mut inlined, &target_file, pointer, slot)?;
                self.inlining.pop();
                *node = inlined;
                return Ok(());
            }
        }
        match node {
            Value::Object(map) => {
                let example = is_example_entry(pointer);
                for (key, child) in map.iter_mut() {
                    if is_literal_data(key, example, slot == Slot::Schema) {
                        continue;
                    }
                    let child_pointer = format!("{pointer}/{}", pointer_token(key));
                    if slot == Slot::Schema && key == "discriminator" {
                        self.discriminator_mapping(child, file, &child_pointer)?;
                        continue;
                    }
                    let child_slot = match slot {
                        Slot::SchemaMap => Slot::Schema,
                        _ => child_slot(slot, pointer, key),
                    };
                    self.walk(child, file, &child_pointer, child_slot)?;
                }
            }
            Value::Array(items) => {
                let item_slot = if slot == Slot::SchemaList {
                    Slot::Schema
                } else {
                    Slot::Other
                };
                for (index, item) in items.iter_mut().enumerate() {
                    self.walk(item, file, &format!("{pointer}/{index}"), item_slot)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The component reference replacing a schema's `$ref`, or `None` when
    /// it stays as written (a reference inside the root document).
    fn schema_reference(
        &mut self,
        reference: &str,
        file: &Path,
        pointer: &str,
    ) -> Result<Option<String>> {
        if file == self.root_file && reference.starts_with('#') {
            return Ok(None);
        }
        let (target_file, fragment) = self.split(reference, file, pointer)?;
        if target_file == self.root_file && is_component_schema(&fragment) {
            return Ok(Some(format!("#{fragment}")));
        }
        if !self
            .names
            .contains_key(&(target_file.clone(), fragment.clone()))
        {
            // Checked here, where the reference is written, not when the
            // component is filled in (which only knows the bundle's place).
            self.check_target(&target_file, &fragment, pointer)?;
        }
        let name = self.component_name(&target_file, &fragment);
        Ok(Some(format!(
            "#/components/schemas/{}",
            pointer_token(&name)
        )))
    }

    /// Mapping values of a discriminator that name other files.
    fn discriminator_mapping(
        &mut self,
        node: &mut Value,
        file: &Path,
        pointer: &str,
    ) -> Result<()> {
        let Some(mapping) = node.get_mut("mapping").and_then(Value::as_object_mut) else {
            return Ok(());
        };
        for (key, value) in mapping.iter_mut() {
            if let Some(reference) = value.as_str().map(str::to_string) {
                let here = format!("{pointer}/mapping/{}", pointer_token(key));
                // Bare names (`Dog`) mean a component of the root document.
                if reference.contains('/') || reference.contains('.') || reference.starts_with('#')
                {
                    if let Some(local) = self.schema_reference(&reference, file, &here)? {
                        *value = Value::String(local);
                    }
                }
            }
        }
        Ok(())
    }

    /// Entries of the root's `components/schemas` that are a `$ref` to
    /// another file take their key as name (and their content is inlined
    /// there); `components: {schemas: {$ref: index.yaml}}` is inlined first.
    fn name_component_entries(&mut self, document: &mut Value, root: &Path) -> Result<()> {
        let pointer = "#/components/schemas";
        let Some(schemas) = document
            .get_mut("components")
            .and_then(|c| c.get_mut("schemas"))
        else {
            return Ok(());
        };
        let mut base = root.to_path_buf();
        if let Some(reference) = schemas
            .get("$ref")
            .and_then(Value::as_str)
            .map(str::to_string)
        {
            let (file, fragment) = self.split(&reference, root, pointer)?;
            self.bend("a `$ref` in place of the `components/schemas` map", pointer);
            *schemas = self.target(&file, &fragment, pointer)?;
            self.record(pointer, &file, &fragment);
            base = file;
        }
        let Some(entries) = schemas.as_object_mut() else {
            return Ok(());
        };
        for (name, entry) in entries.iter_mut() {
            let Some(reference) = entry
                .get("$ref")
                .and_then(Value::as_str)
                .map(str::to_string)
            else {
                continue;
            };
            if base == self.root_file && reference.starts_with('#') {
                continue;
            }
            let here = format!("{pointer}/{}", pointer_token(name));
            let (file, fragment) = self.split(&reference, &base, &here)?;
            self.taken.insert(name.clone());
            self.names
                .entry((file.clone(), fragment.clone()))
                .or_insert_with(|| name.clone());
            if self.names[&(file.clone(), fragment.clone())] == *name {
                let mut content = self.target(&file, &fragment, &here)?;
                self.record(&here, &file, &fragment);
                self.walk(&mut content, &file, &here, Slot::Schema)?;
                *entry = content;
            } else {
                let other = self.names[&(file, fragment)].clone();
                *entry = serde_json::json!({"$ref": format!("#/components/schemas/{}", pointer_token(&other))});
            }
        }
        Ok(())
    }

    /// The component name of a schema in another file, named (and queued)
    /// on first sight.
    fn component_name(&mut self, file: &Path, fragment: &str) -> String {
        let key = (file.to_path_buf(), fragment.to_string());
        if let Some(name) = self.names.get(&key) {
            return name.clone();
        }
        let stem = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("Schema");
        let base = fragment
            .rsplit('/')
            .find(|t| !t.is_empty())
            .map(unescape)
            .unwrap_or_else(|| stem.to_string());
        let mut name = base.clone();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        self.taken.insert(name.clone());
        self.names.insert(key, name.clone());
        self.schemas
            .push((name.clone(), file.to_path_buf(), fragment.to_string()));
        name
    }

    /// The file and fragment a reference names, the file confined to the
    /// root document's folder.
    fn split(&mut self, reference: &str, file: &Path, pointer: &str) -> Result<(PathBuf, String)> {
        let (path, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        if path.contains("://") {
            return Err(self.error(pointer, format!("`$ref: {reference}`: references to URLs are not followed; download the file next to the spec")));
        }
        let target = if path.is_empty() {
            file.to_path_buf()
        } else {
            let joined = file.parent().unwrap_or(Path::new(".")).join(path);
            let target = match self.canonical.get(&joined) {
                Some(known) => known.clone(),
                None => {
                    let target = std::fs::canonicalize(&joined).map_err(|err| {
                        self.error(
                            pointer,
                            format!(
                                "`$ref: {reference}`: cannot read `{}`: {err}",
                                joined.display()
                            ),
                        )
                    })?;
                    self.canonical.insert(joined, target.clone());
                    target
                }
            };
            if !target.starts_with(&self.folder) {
                return Err(self.error(pointer, format!("`$ref: {reference}` leaves the spec's folder; only files inside it are read")));
            }
            target
        };
        Ok((target, fragment.to_string()))
    }

    /// A copy of the node at `fragment` in `file`.
    fn target(&mut self, file: &Path, fragment: &str, pointer: &str) -> Result<Value> {
        let (document, _) = self.document(file)?;
        let found = node_at(&document, fragment).cloned();
        found.ok_or_else(|| self.nothing_there(file, fragment, pointer))
    }

    /// Counts a copy about to be inlined at `pointer` against the budget.
    fn count_inlined(&mut self, inlined: &Value, pointer: &str) -> Result<()> {
        self.nodes_inlined += count_nodes(inlined);
        let budget = INLINE_FLOOR.max(INLINE_FACTOR.saturating_mul(self.nodes_read));
        if self.nodes_inlined <= budget {
            return Ok(());
        }
        Err(self.error(
            pointer,
            format!(
                "inlining the `$ref`s to other files would copy more than {budget} JSON nodes: parts that refer to other parts several times over, level after level (only schemas become shared components; other parts are copied wherever they are referenced)"
            ),
        ))
    }

    /// Fails, located at `pointer`, when `fragment` of `file` is not there.
    fn check_target(&mut self, file: &Path, fragment: &str, pointer: &str) -> Result<()> {
        let (document, _) = self.document(file)?;
        match node_at(&document, fragment) {
            Some(_) => Ok(()),
            None => Err(self.nothing_there(file, fragment, pointer)),
        }
    }

    fn nothing_there(&self, file: &Path, fragment: &str, pointer: &str) -> Error {
        self.error(
            pointer,
            format!(
                "this `$ref` points at `#{fragment}` of `{}`, where there is nothing",
                self.display_path(file).display()
            ),
        )
    }

    /// A file, read and parsed once.
    fn document(&mut self, file: &Path) -> Result<(Arc<Value>, Arc<String>)> {
        if let Some(found) = self.documents.get(file) {
            return Ok(found.clone());
        }
        let shown = self.display_path(file);
        let bytes = std::fs::read(file).map_err(|source| Error::Io {
            path: shown.clone(),
            source,
        })?;
        let value = super::parse_value(&shown, &bytes)
            .map_err(|err| err.with_line(&String::from_utf8_lossy(&bytes)))?;
        let entry = (
            Arc::new(value),
            Arc::new(String::from_utf8_lossy(&bytes).into_owned()),
        );
        if file != self.root_file {
            self.out.files.push(file.to_path_buf());
            self.nodes_read += count_nodes(&entry.0);
        }
        self.documents.insert(file.to_path_buf(), entry.clone());
        Ok(entry)
    }

    /// An error at a place of the bundle, located in the file that has it.
    fn error(&self, pointer: &str, message: String) -> Error {
        let mut location = Location {
            file: self.root.clone(),
            line_col: None,
            pointer: Some(pointer.to_string()),
        };
        self.fill_line(&mut location);
        Error::Spec { location, message }
    }

    /// Points a bundle location at the file read so far that has it, with
    /// its line (which marks it as located for good).
    fn fill_line(&self, location: &mut Location) {
        let text = match locate(&self.out, location) {
            Some(text) => text,
            None => match self.documents.get(&self.root_file) {
                Some((_, text)) => text.clone(),
                None => return,
            },
        };
        location.fill_line(&crate::diagnostics::SpecLines::new(&text));
    }

    fn record(&mut self, bundle_pointer: &str, file: &Path, fragment: &str) {
        let text = self
            .documents
            .get(file)
            .map(|(_, text)| text.clone())
            .unwrap_or_default();
        self.out.sources.push(Source {
            bundle_pointer: bundle_pointer.to_string(),
            file: self.display_path(file),
            file_pointer: fragment.to_string(),
            text,
        });
    }

    /// A file as the user named the spec: relative to the root's folder
    /// as given.
    fn display_path(&self, file: &Path) -> PathBuf {
        match file.strip_prefix(&self.folder) {
            Ok(relative) => self.root.parent().unwrap_or(Path::new("")).join(relative),
            Err(_) => file.to_path_buf(),
        }
    }

    /// Counts a place where `rule` is bent; the first is located now, in
    /// the file that has the `$ref` (the others are only counted: locating
    /// each of thousands would read its file's lines each time).
    fn bend(&mut self, rule: &'static str, pointer: &str) {
        let first = !self.bent.contains_key(rule);
        let mut location = Location {
            file: self.root.clone(),
            line_col: None,
            pointer: Some(pointer.to_string()),
        };
        if first {
            self.fill_line(&mut location);
        }
        self.bent.entry(rule).or_default().push(location);
    }

    /// One warning per rule bent, at its first place.
    fn report_bent(&mut self) {
        for (rule, mut places) in std::mem::take(&mut self.bent) {
            let more = if places.len() > 1 {
                format!(" ({} places; this is the first)", places.len())
            } else {
                String::new()
            };
            self.out.warnings.push(Warning {
                location: places.swap_remove(0),
                message: format!(
                    "{rule} is not OpenAPI; resolved as Redocly and swagger-cli do{more}"
                ),
            });
        }
    }
}

/// The node at a fragment (`""` or `"/"`: the whole document), which is
/// percent-encoded like any URI fragment.
/// How many JSON values `value` is made of, itself included.
fn count_nodes(value: &Value) -> usize {
    match value {
        Value::Object(map) => 1 + map.values().map(count_nodes).sum::<usize>(),
        Value::Array(items) => 1 + items.iter().map(count_nodes).sum::<usize>(),
        _ => 1,
    }
}

fn node_at<'v>(document: &'v Value, fragment: &str) -> Option<&'v Value> {
    if fragment.is_empty() || fragment == "/" {
        Some(document)
    } else {
        document.pointer(&percent_encoding::percent_decode_str(fragment).decode_utf8_lossy())
    }
}

/// Where a `$ref` resolves beyond what OpenAPI defines, by its place.
fn bent_rule(pointer: &str) -> Option<&'static str> {
    let tokens: Vec<&str> = pointer.split('/').collect();
    let last = *tokens.last()?;
    const METHODS: &[&str] = &[
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    if tokens.len() == 4 && tokens[1] == "paths" && METHODS.contains(&last) {
        return Some("a `$ref` in place of an operation");
    }
    if matches!(last, "description" | "summary" | "title") {
        return Some("a `$ref` in place of a text");
    }
    if tokens.iter().any(|t| t.starts_with("x-")) {
        return Some("a `$ref` inside an extension (`x-…`)");
    }
    None
}

/// The slot of `key` in a node of slot `slot` at `pointer`.
fn child_slot(slot: Slot, pointer: &str, key: &str) -> Slot {
    if slot == Slot::Schema {
        return match key {
            "items" | "additionalProperties" | "not" => Slot::Schema,
            "properties" => Slot::SchemaMap,
            "allOf" | "oneOf" | "anyOf" => Slot::SchemaList,
            _ => Slot::Other,
        };
    }
    if key == "schema" {
        return Slot::Schema;
    }
    if key == "schemas" && pointer == "#/components" {
        return Slot::SchemaMap;
    }
    Slot::Other
}

fn is_component_schema(fragment: &str) -> bool {
    fragment
        .strip_prefix("/components/schemas/")
        .is_some_and(|name| !name.contains('/'))
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

fn schema_keys(document: &Value) -> Vec<String> {
    document
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn insert_schema(document: &mut Value, name: &str, schema: Value) {
    let Some(root) = document.as_object_mut() else {
        return;
    };
    let components = root
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(components) = components.as_object_mut() {
        let schemas = components
            .entry("schemas")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(schemas) = schemas.as_object_mut() {
            schemas.insert(name.to_string(), schema);
        }
    }
}
