//! A JSON spec is decoded straight into typed form when a scan of its
//! text finds nothing to rewrite; YAML (and anything the scan flags) goes
//! through a JSON tree first. Both ways must give the same module: every
//! fixture, written as JSON, small and padded past the size from which the
//! typed decoding runs on a second thread.

use std::path::Path;

use openapi_rustgen::{ModuleOptions, generate_from_bytes};

fn fixtures() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
    let mut specs: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    specs.sort();
    assert!(specs.len() >= 5, "fixtures missing in {}", dir.display());
    specs
}

/// The module without its header line (which names the spec file) and the
/// warnings as pointer + message (their lines differ between the files).
fn generate(name: &str, bytes: &[u8]) -> (String, Vec<String>) {
    let options = ModuleOptions {
        module: Some("fixture".into()),
        ..Default::default()
    };
    let generated = generate_from_bytes(Path::new(name), bytes, &options)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let source = generated
        .source
        .split_once('\n')
        .map(|(_, rest)| rest.to_string())
        .unwrap_or_default();
    let warnings = generated
        .warnings
        .iter()
        .map(|w| format!("{:?} {}", w.location.pointer, w.message))
        .collect();
    (source, warnings)
}

#[test]
fn every_fixture_generates_the_same_from_json_as_from_yaml() {
    for spec in fixtures() {
        let yaml = std::fs::read(&spec).expect("read");
        // As a JSON parser reads it (`serde_yaml` alone refuses integers
        // beyond 64 bits, which JSON reads as floats).
        let text = std::str::from_utf8(&yaml).expect("UTF-8");
        let mut document = openapi_rustgen::load::yaml_to_json(text).expect("yaml");
        let name = spec.file_stem().unwrap().to_string_lossy().into_owned();
        let expected = generate(&format!("{name}.yaml"), &yaml);

        let small = serde_json::to_vec_pretty(&document).expect("json");
        assert_eq!(
            generate(&format!("{name}.json"), &small),
            expected,
            "{name} as JSON"
        );

        // An extension is allowed at the top level and changes nothing.
        document
            .as_object_mut()
            .expect("a mapping")
            .insert("x-padding".into(), "x".repeat(80 * 1024).into());
        let large = serde_json::to_vec_pretty(&document).expect("json");
        assert_eq!(
            generate(&format!("{name}.json"), &large),
            expected,
            "{name} as JSON past 64 KB"
        );
    }
}

/// References to a component of another kind, which `openapiv3` cannot
/// follow, and none into the inside of anything, so that only these send
/// the JSON form through the tree.
const FOREIGN_REFS: &str = r##"
openapi: 3.0.3
info: {title: Foreign references, version: "1"}
paths:
  /things/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    get:
      operationId: getThing
      responses:
        "200": {$ref: "#/components/requestBodies/Thing"}
    put:
      operationId: putThing
      requestBody: {$ref: "#/components/responses/Thing"}
      responses:
        "204": {description: Stored.}
components:
  requestBodies:
    Thing:
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Thing"}
  responses:
    Thing:
      description: A thing.
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Thing"}
  schemas:
    Thing:
      type: object
      properties:
        name: {type: string}
"##;

#[test]
fn references_across_component_kinds_resolve_from_json_too() {
    let expected = generate("foreign.yaml", FOREIGN_REFS.as_bytes());
    assert!(expected.0.contains("pub fn put_thing("));
    // The optional body (a `requestBodies` reference) is a builder setter.
    assert!(
        expected
            .0
            .contains("pub fn body(mut self, value: impl Into<Thing>)"),
        "{}",
        expected.0
    );
    let document: serde_json::Value = serde_yaml::from_str(FOREIGN_REFS).expect("yaml");
    let json = serde_json::to_vec(&document).expect("json");
    assert_eq!(generate("foreign.json", &json), expected);
}
