//! Every example in the hand-maintained OpenAPI specs (`spec/*.yaml`) must match the schema
//! it is attached to.
//!
//! The test walks each spec and collects every `example` / `examples` entry attached to a
//! media type, a parameter, a header or a schema, together with the schema that governs it.
//! That schema is converted from OpenAPI 3.0 to JSON Schema draft 2020-12 with the minimal,
//! documented conversion (see [`to_json_schema`]) and checked with the `jsonschema` crate,
//! format assertions included. A failure lists every offending (file, JSON pointer, message).
//!
//! The specs are found in `<workspace root>/spec`, where the workspace root is the parent of
//! this crate's manifest directory; `SPEC_ROOT` overrides that (used to run this file from a
//! scratch crate outside the workspace).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

const HTTP_METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One example found in a spec, with the (OpenAPI) schema it must satisfy.
struct ExampleSite {
    /// JSON pointer of the example value inside the spec.
    pointer: String,
    /// The governing OpenAPI 3.0 schema (possibly a `$ref`).
    schema: Value,
    /// The example value itself.
    example: Value,
}

/// A problem found while collecting or checking examples.
struct Failure {
    file: String,
    pointer: String,
    message: String,
}

fn workspace_root() -> PathBuf {
    if let Some(root) = std::env::var_os("SPEC_ROOT") {
        return PathBuf::from(root);
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the test crate lives one directory below the workspace root")
        .to_path_buf()
}

/// All `spec/*.yaml` files, sorted, as (display name, parsed document).
fn load_specs() -> Vec<(String, Value)> {
    let dir = workspace_root().join("spec");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|p| p.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no spec/*.yaml found in {}",
        dir.display()
    );
    files
        .into_iter()
        .map(|path| {
            let name = format!("spec/{}", path.file_name().unwrap().to_string_lossy());
            (name, load_spec(&path))
        })
        .collect()
}

fn load_spec(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let yaml: serde_yaml::Value = serde_yaml::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not valid YAML: {e}", path.display()));
    yaml_to_json(yaml)
}

/// serde_yaml -> serde_json, turning non-string mapping keys (e.g. an unquoted `200:`) into
/// strings the way OpenAPI tooling reads them.
fn yaml_to_json(value: serde_yaml::Value) -> Value {
    use serde_yaml::Value as Y;
    match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                json!(i)
            } else if let Some(u) = n.as_u64() {
                json!(u)
            } else {
                n.as_f64().map_or(Value::Null, |f| json!(f))
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let key = match yaml_to_json(k) {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    (key, yaml_to_json(v))
                })
                .collect(),
        ),
        Y::Tagged(tagged) => yaml_to_json(tagged.value),
    }
}

/// RFC 6901 escaping of one reference token.
fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn child(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape_token(token))
}

fn is_ref(value: &Value) -> bool {
    value.get("$ref").is_some()
}

/// Resolves a local `#/...` reference against the document.
fn resolve_local<'a>(doc: &'a Value, reference: &str) -> Result<&'a Value, String> {
    let pointer = reference
        .strip_prefix('#')
        .ok_or_else(|| format!("only local references are supported, found `{reference}`"))?;
    doc.pointer(pointer)
        .ok_or_else(|| format!("unresolvable reference `{reference}`"))
}

// ---------------------------------------------------------------------------------------
// Collecting examples
// ---------------------------------------------------------------------------------------

/// Walks the document and returns every example with its governing schema. Every example
/// is reported once, at the place where it is written: `$ref`'d parameters, responses,
/// request bodies and schemas are visited under `components`, not at each use. Examples
/// written as `$ref` to `#/components/examples/...` are resolved at the media type or
/// parameter that uses them, because that is where their schema is known.
fn collect_examples(doc: &Value) -> (Vec<ExampleSite>, Vec<(String, String)>) {
    let mut walker = Walker {
        doc,
        sites: Vec::new(),
        problems: Vec::new(),
    };
    walker.document();
    (walker.sites, walker.problems)
}

struct Walker<'a> {
    doc: &'a Value,
    sites: Vec<ExampleSite>,
    /// (pointer, message) for examples that cannot be checked.
    problems: Vec<(String, String)>,
}

impl Walker<'_> {
    fn document(&mut self) {
        let doc = self.doc;
        if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
            for (path, item) in paths {
                let item_ptr = child("/paths", path);
                if is_ref(item) {
                    continue;
                }
                self.parameters(item.get("parameters"), &child(&item_ptr, "parameters"));
                for method in HTTP_METHODS {
                    if let Some(op) = item.get(*method) {
                        self.operation(op, &child(&item_ptr, method));
                    }
                }
            }
        }
        let Some(components) = doc.get("components") else {
            return;
        };
        if let Some(schemas) = components.get("schemas").and_then(Value::as_object) {
            for (name, schema) in schemas {
                self.schema(schema, &child("/components/schemas", name));
            }
        }
        if let Some(params) = components.get("parameters").and_then(Value::as_object) {
            for (name, param) in params {
                self.parameter(param, &child("/components/parameters", name));
            }
        }
        if let Some(headers) = components.get("headers").and_then(Value::as_object) {
            for (name, header) in headers {
                self.parameter(header, &child("/components/headers", name));
            }
        }
        if let Some(bodies) = components.get("requestBodies").and_then(Value::as_object) {
            for (name, body) in bodies {
                self.request_body(body, &child("/components/requestBodies", name));
            }
        }
        if let Some(responses) = components.get("responses").and_then(Value::as_object) {
            for (name, response) in responses {
                self.response(response, &child("/components/responses", name));
            }
        }
    }

    fn operation(&mut self, op: &Value, ptr: &str) {
        self.parameters(op.get("parameters"), &child(ptr, "parameters"));
        if let Some(body) = op.get("requestBody") {
            self.request_body(body, &child(ptr, "requestBody"));
        }
        if let Some(responses) = op.get("responses").and_then(Value::as_object) {
            for (status, response) in responses {
                self.response(response, &child(&child(ptr, "responses"), status));
            }
        }
    }

    fn parameters(&mut self, params: Option<&Value>, ptr: &str) {
        if let Some(params) = params.and_then(Value::as_array) {
            for (i, param) in params.iter().enumerate() {
                self.parameter(param, &child(ptr, &i.to_string()));
            }
        }
    }

    /// A Parameter Object or a Header Object.
    fn parameter(&mut self, param: &Value, ptr: &str) {
        if is_ref(param) {
            return;
        }
        if let Some(content) = param.get("content") {
            self.content(content, &child(ptr, "content"));
        }
        let schema = param.get("schema");
        if let Some(schema) = schema {
            self.schema(schema, &child(ptr, "schema"));
        }
        self.attached_examples(param, schema, ptr);
    }

    fn request_body(&mut self, body: &Value, ptr: &str) {
        if is_ref(body) {
            return;
        }
        if let Some(content) = body.get("content") {
            self.content(content, &child(ptr, "content"));
        }
    }

    fn response(&mut self, response: &Value, ptr: &str) {
        if is_ref(response) {
            return;
        }
        if let Some(headers) = response.get("headers").and_then(Value::as_object) {
            for (name, header) in headers {
                self.parameter(header, &child(&child(ptr, "headers"), name));
            }
        }
        if let Some(content) = response.get("content") {
            self.content(content, &child(ptr, "content"));
        }
    }

    fn content(&mut self, content: &Value, ptr: &str) {
        let Some(media_types) = content.as_object() else {
            return;
        };
        for (media_type, media) in media_types {
            let media_ptr = child(ptr, media_type);
            let schema = media.get("schema");
            if let Some(schema) = schema {
                self.schema(schema, &child(&media_ptr, "schema"));
            }
            self.attached_examples(media, schema, &media_ptr);
        }
    }

    /// `example` and `examples` of a media type, parameter or header.
    fn attached_examples(&mut self, owner: &Value, schema: Option<&Value>, ptr: &str) {
        let mut found = Vec::new();
        if let Some(example) = owner.get("example") {
            found.push((child(ptr, "example"), example.clone()));
        }
        if let Some(examples) = owner.get("examples").and_then(Value::as_object) {
            for (name, entry) in examples {
                let entry_ptr = child(&child(ptr, "examples"), name);
                let resolved = match entry.get("$ref").and_then(Value::as_str) {
                    Some(reference) => match resolve_local(self.doc, reference) {
                        Ok(target) => target,
                        Err(message) => {
                            self.problems.push((entry_ptr, message));
                            continue;
                        }
                    },
                    None => entry,
                };
                if let Some(value) = resolved.get("value") {
                    found.push((child(&entry_ptr, "value"), value.clone()));
                } else if resolved.get("externalValue").is_some() {
                    self.problems.push((
                        entry_ptr,
                        "externalValue examples are not checked by this test; inline the example"
                            .to_owned(),
                    ));
                }
            }
        }
        for (pointer, example) in found {
            match schema {
                Some(schema) => self.sites.push(ExampleSite {
                    pointer,
                    schema: schema.clone(),
                    example,
                }),
                None => self.problems.push((
                    pointer,
                    "example has no schema to be checked against".to_owned(),
                )),
            }
        }
    }

    /// A Schema Object: its own `example`, then every subschema.
    fn schema(&mut self, schema: &Value, ptr: &str) {
        if is_ref(schema) || !schema.is_object() {
            return;
        }
        if let Some(example) = schema.get("example") {
            self.sites.push(ExampleSite {
                pointer: child(ptr, "example"),
                schema: schema.clone(),
                example: example.clone(),
            });
        }
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                self.schema(property, &child(&child(ptr, "properties"), name));
            }
        }
        for keyword in ["items", "additionalProperties", "not"] {
            if let Some(sub) = schema.get(keyword) {
                self.schema(sub, &child(ptr, keyword));
            }
        }
        for keyword in ["allOf", "anyOf", "oneOf"] {
            if let Some(subs) = schema.get(keyword).and_then(Value::as_array) {
                for (i, sub) in subs.iter().enumerate() {
                    self.schema(sub, &child(&child(ptr, keyword), &i.to_string()));
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// OpenAPI 3.0 Schema Object -> JSON Schema draft 2020-12
// ---------------------------------------------------------------------------------------

/// Minimal conversion of an OpenAPI 3.0 Schema Object to JSON Schema draft 2020-12:
///
/// * `nullable: true` wraps the schema as `anyOf: [<schema>, {type: null}]`;
/// * boolean `exclusiveMinimum` / `exclusiveMaximum` become the numeric draft 2020-12 form;
/// * `$ref: #/components/schemas/X` becomes `$ref: #/$defs/X`, and, as OpenAPI 3.0
///   requires, the siblings of a `$ref` are ignored;
/// * OpenAPI-only keywords are dropped: `example`, `discriminator`, `xml`, `externalDocs`
///   and every `x-*` extension. Everything else (including `format`, `readOnly` and
///   `writeOnly`) is kept as is.
fn to_json_schema(schema: &Value) -> Result<Value, String> {
    let Some(object) = schema.as_object() else {
        // `additionalProperties: true/false`.
        return Ok(schema.clone());
    };
    if let Some(reference) = object.get("$ref") {
        let reference = reference
            .as_str()
            .ok_or_else(|| "`$ref` is not a string".to_owned())?;
        let name = reference
            .strip_prefix("#/components/schemas/")
            .ok_or_else(|| format!("unsupported schema reference `{reference}`"))?;
        return Ok(json!({ "$ref": format!("#/$defs/{name}") }));
    }
    let mut out = Map::new();
    let mut nullable = false;
    let mut exclusive_minimum = false;
    let mut exclusive_maximum = false;
    for (keyword, value) in object {
        match keyword.as_str() {
            "nullable" => nullable = value.as_bool() == Some(true),
            "exclusiveMinimum" => exclusive_minimum = value.as_bool() == Some(true),
            "exclusiveMaximum" => exclusive_maximum = value.as_bool() == Some(true),
            "example" | "discriminator" | "xml" | "externalDocs" => {}
            k if k.starts_with("x-") => {}
            "properties" => {
                let mut properties = Map::new();
                for (name, property) in value.as_object().into_iter().flatten() {
                    properties.insert(name.clone(), to_json_schema(property)?);
                }
                out.insert(keyword.clone(), Value::Object(properties));
            }
            "items" | "not" | "additionalProperties" => {
                out.insert(keyword.clone(), to_json_schema(value)?);
            }
            "allOf" | "anyOf" | "oneOf" => {
                let subs = value
                    .as_array()
                    .ok_or_else(|| format!("`{keyword}` is not an array"))?
                    .iter()
                    .map(to_json_schema)
                    .collect::<Result<Vec<_>, _>>()?;
                out.insert(keyword.clone(), Value::Array(subs));
            }
            _ => {
                out.insert(keyword.clone(), value.clone());
            }
        }
    }
    let bounds = [
        (exclusive_minimum, "minimum", "exclusiveMinimum"),
        (exclusive_maximum, "maximum", "exclusiveMaximum"),
    ];
    for (exclusive, inclusive_keyword, exclusive_keyword) in bounds {
        if let Some(bound) = out.get(inclusive_keyword).filter(|_| exclusive).cloned() {
            out.remove(inclusive_keyword);
            out.insert(exclusive_keyword.to_owned(), bound);
        }
    }
    let converted = Value::Object(out);
    Ok(if nullable {
        json!({ "anyOf": [converted, { "type": "null" }] })
    } else {
        converted
    })
}

/// Builds a validator for `schema`, with every `components.schemas` entry of `doc` available
/// under `$defs` so that references resolve.
fn validator_for(doc: &Value, schema: &Value) -> Result<jsonschema::Validator, String> {
    let mut defs = Map::new();
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, component) in schemas {
            let converted =
                to_json_schema(component).map_err(|e| format!("components.schemas.{name}: {e}"))?;
            defs.insert(name.clone(), converted);
        }
    }
    let mut root = match to_json_schema(schema)? {
        Value::Object(map) => map,
        other => {
            let mut map = Map::new();
            map.insert("allOf".to_owned(), json!([other]));
            map
        }
    };
    root.insert(
        "$schema".to_owned(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    root.insert("$defs".to_owned(), Value::Object(defs));
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&Value::Object(root))
        .map_err(|e| format!("schema does not compile: {e}"))
}

/// Validator messages for `instance` against `schema` (empty when valid).
fn validate(doc: &Value, schema: &Value, instance: &Value) -> Result<Vec<String>, String> {
    let validator = validator_for(doc, schema)?;
    Ok(validator
        .iter_errors(instance)
        .map(|error| {
            let at = error.instance_path().to_string();
            let at = if at.is_empty() {
                "(root)".to_owned()
            } else {
                at
            };
            format!("at {at}: {error}")
        })
        .collect())
}

/// Collects and checks every example of one spec document.
fn check_document(file: &str, doc: &Value) -> (usize, Vec<Failure>) {
    let (sites, problems) = collect_examples(doc);
    let mut failures: Vec<Failure> = problems
        .into_iter()
        .map(|(pointer, message)| Failure {
            file: file.to_owned(),
            pointer,
            message,
        })
        .collect();
    for site in &sites {
        match validate(doc, &site.schema, &site.example) {
            Ok(messages) => failures.extend(messages.into_iter().map(|message| Failure {
                file: file.to_owned(),
                pointer: site.pointer.clone(),
                message,
            })),
            Err(message) => failures.push(Failure {
                file: file.to_owned(),
                pointer: site.pointer.clone(),
                message,
            }),
        }
    }
    (sites.len(), failures)
}

fn report(failures: &[Failure]) -> String {
    let mut text = String::new();
    for failure in failures {
        let _ = writeln!(
            text,
            "  {} #{}\n      {}",
            failure.file, failure.pointer, failure.message
        );
    }
    text
}

fn spec(name: &str) -> Value {
    let path = workspace_root().join("spec").join(name);
    load_spec(&path)
}

/// JSON pointers of every `x-transcription-note` in a spec. Example payloads (`example`
/// values and `examples.*.value`) are skipped; keys under `properties` are property names,
/// not keywords.
fn transcription_note_pointers(node: &Value, pointer: &str, out: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                let here = child(pointer, key);
                match key.as_str() {
                    "x-transcription-note" => out.push(if pointer.is_empty() {
                        "/".to_owned()
                    } else {
                        pointer.to_owned()
                    }),
                    "example" => {}
                    "examples" => {
                        for (name, entry) in value.as_object().into_iter().flatten() {
                            if entry.get("x-transcription-note").is_some() {
                                out.push(child(&here, name));
                            }
                        }
                    }
                    "properties" => {
                        for (name, property) in value.as_object().into_iter().flatten() {
                            transcription_note_pointers(property, &child(&here, name), out);
                        }
                    }
                    _ => transcription_note_pointers(value, &here, out),
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                transcription_note_pointers(item, &child(pointer, &i.to_string()), out);
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------

#[test]
fn every_spec_example_matches_its_schema() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for (file, doc) in load_specs() {
        let (count, mut found) = check_document(&file, &doc);
        checked += count;
        failures.append(&mut found);
    }
    assert!(checked > 0, "no examples were found in spec/*.yaml");
    assert!(
        failures.is_empty(),
        "{} example problem(s) in spec/*.yaml:\n{}",
        failures.len(),
        report(&failures)
    );
}

/// Guards the walker: each kind of example location used by the specs must be found, so a
/// regression in the walk cannot make the main test pass vacuously.
#[test]
fn walker_finds_each_kind_of_example() {
    let expectations: &[(&str, &str)] = &[
        // Media type example in an operation's request body.
        (
            "cinnox.yaml",
            "/paths/~1apps~1{appID}~1management~1update_externalcontact~1{contactID}/put/requestBody/content/application~1json/examples/levelAndType/value",
        ),
        // Media type example in a reusable response.
        (
            "cinnox.yaml",
            "/components/responses/BadRequest/content/application~1json/examples/error/value",
        ),
        // Parameter example in components.
        ("cinnox.yaml", "/components/parameters/AppId/example"),
        // Schema property example.
        (
            "cinnox.yaml",
            "/components/schemas/ExternalContactPhone/properties/phone/example",
        ),
        // Path-level parameter example.
        (
            "zingle.yaml",
            "/paths/~1services~1{service_id}~1contacts~1{contact_id}/parameters/0/example",
        ),
        // Media type example in an operation's response.
        (
            "zingle.yaml",
            "/paths/~1services~1{service_id}~1contacts~1{contact_id}/put/responses/200/content/application~1json/examples/updatedContact/value",
        ),
    ];
    for (file, pointer) in expectations {
        let doc = spec(file);
        let (sites, problems) = collect_examples(&doc);
        assert!(
            problems.is_empty(),
            "{file}: unexpected problems {problems:?}"
        );
        assert!(
            sites.iter().any(|site| site.pointer == *pointer),
            "{file}: the walker did not find the example at {pointer}; found: {:#?}",
            sites.iter().map(|s| &s.pointer).collect::<Vec<_>>()
        );
    }
}

/// Negative checks: the validator must reject examples that break the spec's schemas, so the
/// main test can fail.
#[test]
fn wrong_examples_are_rejected() {
    // Enum, E.164 pattern and DD/MM/YYYY pattern, through a $ref into components.
    let cinnox = spec("cinnox.yaml");
    let request = json!({ "$ref": "#/components/schemas/ExternalContactRequest" });
    let wrong = json!({
        "level": "Boss",
        "phones": [{ "type": "Mobile", "phone": "85294667788" }],
        "birthDate": "1990-12-31"
    });
    let messages = validate(&cinnox, &request, &wrong).expect("schema compiles");
    for path in ["/level", "/phones/0/phone", "/birthDate"] {
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with(&format!("at {path}:"))),
            "expected an error at {path}, got {messages:#?}"
        );
    }
    let documented = json!({ "level": "Primary", "type": "Lead" });
    assert_eq!(
        validate(&cinnox, &request, &documented).unwrap(),
        Vec::<String>::new()
    );

    // nullable is honoured only where declared, and formats are asserted.
    let zingle = spec("zingle.yaml");
    let contact = json!({ "$ref": "#/components/schemas/Contact" });
    let accepted =
        json!({ "notes": null, "assigned_to_team_id": "bf5c8s4e-b4f5-4382-9f3a-9ees5eedaef1" });
    assert_eq!(
        validate(&zingle, &contact, &accepted).unwrap(),
        Vec::<String>::new()
    );
    let not_nullable = json!({ "is_starred": null });
    assert!(
        !validate(&zingle, &contact, &not_nullable)
            .unwrap()
            .is_empty()
    );
    let not_a_uuid = json!({ "service_id": "bf5c8s4e-b4f5-4382-9f3a-9ees5eedaef1" });
    assert!(!validate(&zingle, &contact, &not_a_uuid).unwrap().is_empty());

    // Integer enum.
    let crm = spec("crm_contacts.yaml");
    let priority = json!({ "$ref": "#/components/schemas/ContactPriority" });
    assert!(!validate(&crm, &priority, &json!(6)).unwrap().is_empty());
    assert!(validate(&crm, &priority, &json!(5)).unwrap().is_empty());

    // End to end: a spec whose documented example is broken makes the main check fail, at
    // the example's pointer.
    let mut broken = spec("zingle.yaml");
    let pointer = "/paths/~1services~1{service_id}~1contacts~1{contact_id}/put/responses/200/content/application~1json/examples/updatedContact/value";
    *broken
        .pointer_mut(&format!("{pointer}/result/created_at"))
        .expect("documented response example has result.created_at") = json!("yesterday");
    let (_, failures) = check_document("spec/zingle.yaml (mutated)", &broken);
    assert_eq!(failures.len(), 1, "{}", report(&failures));
    assert_eq!(failures[0].pointer, pointer);
    assert!(
        failures[0].message.starts_with("at /result/created_at:"),
        "{}",
        failures[0].message
    );
}

/// spec/README.md is the reviewer's index of transcription decisions: every
/// `x-transcription-note` must be listed there under its file and JSON pointer.
#[test]
fn readme_lists_every_transcription_note() {
    let readme_path = workspace_root().join("spec").join("README.md");
    let readme = std::fs::read_to_string(&readme_path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", readme_path.display()));
    let mut missing = Vec::new();
    for (file, doc) in load_specs() {
        let heading = format!("### {file}");
        let Some(start) = readme.find(&heading) else {
            missing.push(format!("{file}: no `{heading}` section"));
            continue;
        };
        let section = &readme[start + heading.len()..];
        let section = &section[..section.find("\n### ").unwrap_or(section.len())];
        let mut pointers = Vec::new();
        transcription_note_pointers(&doc, "", &mut pointers);
        for pointer in pointers {
            if !section.contains(&format!("`{pointer}`")) {
                missing.push(format!("{file}: `{pointer}`"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "spec/README.md does not list these transcription notes:\n  {}",
        missing.join("\n  ")
    );
}
