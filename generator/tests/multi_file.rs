//! Specs split over files: `$ref`s to relative files are resolved, confined
//! to the spec's folder, and errors point into the file that has them.

use std::path::{Path, PathBuf};

use openapi_rustgen::{Error, ModuleOptions, generate_module};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/multi_file/api.yaml")
}

/// A spec tree in a temporary folder: (relative path, text) pairs, the
/// first being the root document.
fn tree(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let root = dir.path().join(files[0].0);
    (dir, root)
}

fn spec_error(root: &Path) -> (PathBuf, Option<usize>, String) {
    match generate_module(root, &ModuleOptions::default()) {
        Ok(_) => panic!("{} should be refused", root.display()),
        Err(Error::Spec { location, message }) => (
            location.file,
            location.line_col.map(|(line, _)| line),
            message,
        ),
        Err(other) => panic!("expected a located spec error, got {other}"),
    }
}

const ROOT: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: 'schemas/a.yaml'}\n";

#[test]
fn the_fixture_tree_becomes_one_module_with_one_type_per_schema() {
    let generated =
        generate_module(&fixture(), &ModuleOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let source = &generated.source;
    // `pet.yaml` is reached from four places and is one type; the component
    // that is a file keeps its key; a fragment names its type.
    assert_eq!(source.matches("pub struct Pet {").count(), 1);
    for name in [
        "pub struct Owner {",
        "pub struct Tag {",
        "pub struct Problem {",
    ] {
        assert!(source.contains(name), "{name} missing");
    }
    // Recursion across files (pet → owner → pet, pet → pet) is boxed or in a Vec.
    assert!(source.contains("pub friends: Option<Vec<Pet>>"));
    assert!(source.contains("Box<Pet>") || source.contains("Box<Owner>"));
    for method in ["pub fn list_pets(", "pub fn create_pet(", "pub fn get_pet("] {
        assert!(source.contains(method), "{method} missing");
    }
    // Every file read is an input (for rerun-if-changed), each once.
    let mut files: Vec<String> = generated
        .files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "api.yaml",
            "create_pet.yaml",
            "owner.yaml",
            "params.yaml",
            "pet.yaml",
            "pets.yaml",
            "responses.yaml",
            "texts.yaml"
        ]
    );
    // The rules bent (an operation and a text by `$ref`) are warned about
    // where the `$ref` is written.
    let operation = generated
        .warnings
        .iter()
        .find(|w| w.message.contains("in place of an operation"))
        .expect("a warning for the operation `$ref`");
    assert!(
        operation.location.file.ends_with("paths/pets.yaml"),
        "{:?}",
        operation.location
    );
    assert_eq!(operation.location.line_col.map(|(line, _)| line), Some(14));
}

#[test]
fn a_ref_out_of_the_spec_folder_is_refused_where_it_is_written() {
    let (dir, _) = tree(&[("outside.yaml", "type: string\n")]);
    let inner = dir.path().join("spec");
    std::fs::create_dir_all(inner.join("schemas")).unwrap();
    std::fs::write(inner.join("api.yaml"), ROOT).unwrap();
    std::fs::write(
        inner.join("schemas/a.yaml"),
        "type: object\nproperties:\n  x: {$ref: '../../outside.yaml'}\n",
    )
    .unwrap();
    let (file, line, message) = spec_error(&inner.join("api.yaml"));
    assert!(message.contains("leaves the spec's folder"), "{message}");
    assert!(file.ends_with("schemas/a.yaml"), "{}", file.display());
    assert_eq!(line, Some(3));
}

#[test]
fn a_missing_file_or_fragment_is_a_located_error() {
    let (_dir, root) = tree(&[("api.yaml", ROOT)]);
    let (file, line, message) = spec_error(&root);
    assert!(message.contains("cannot read"), "{message}");
    assert!(file.ends_with("api.yaml"));
    assert_eq!(line, Some(12));
    let (_dir, root) = tree(&[
        (
            "api.yaml",
            &ROOT.replace("schemas/a.yaml", "schemas/a.yaml#/Nope"),
        ),
        ("schemas/a.yaml", "A: {type: string}\n"),
    ]);
    let (_, _, message) = spec_error(&root);
    assert!(
        message.contains("#/Nope") && message.contains("nothing"),
        "{message}"
    );
}

#[test]
fn a_syntax_or_type_error_in_a_referenced_file_points_into_it() {
    let (_dir, root) = tree(&[
        ("api.yaml", ROOT),
        ("schemas/a.yaml", "type: object\nproperties: [unclosed\n"),
    ]);
    let (file, line, message) = spec_error(&root);
    assert!(
        file.ends_with("schemas/a.yaml"),
        "{} {message}",
        file.display()
    );
    assert!(message.contains("invalid YAML"), "{message}");
    assert!(line.is_some());
    let (_dir, root) = tree(&[
        ("api.yaml", ROOT),
        (
            "schemas/a.yaml",
            "type: object\nproperties:\n  x: {type: object, required: 5}\n",
        ),
    ]);
    // The typed decoder names the schema, not the keyword: the file is right.
    let (file, _, message) = spec_error(&root);
    assert!(
        file.ends_with("schemas/a.yaml"),
        "{} {message}",
        file.display()
    );
    assert!(message.contains("invalid type: integer `5`"), "{message}");
}

#[test]
fn non_schema_refs_that_loop_across_files_are_refused() {
    let root =
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    $ref: 'a.yaml'\n";
    let (_dir, root) = tree(&[
        ("api.yaml", root),
        ("a.yaml", "$ref: 'b.yaml'\n"),
        ("b.yaml", "$ref: 'a.yaml'\n"),
    ]);
    let (_, _, message) = spec_error(&root);
    assert!(message.contains("refers back to itself"), "{message}");
}

#[test]
fn schemas_with_the_same_name_in_two_files_get_distinct_types() {
    let root = ROOT.replace(
        "schema: {$ref: 'schemas/a.yaml'}",
        "schema: {type: object, properties: {one: {$ref: 'one/item.yaml'}, two: {$ref: 'two/item.yaml'}}}",
    );
    let (_dir, root) = tree(&[
        ("api.yaml", &root),
        (
            "one/item.yaml",
            "type: object\nproperties: {a: {type: string}}\n",
        ),
        (
            "two/item.yaml",
            "type: object\nproperties: {b: {type: integer}}\n",
        ),
    ]);
    let generated =
        generate_module(&root, &ModuleOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    assert!(generated.source.contains("pub struct Item {"));
    assert!(generated.source.contains("pub struct Item2 {"));
}

#[test]
fn a_ref_key_inside_example_data_is_data() {
    // Real specs (GitHub's) show SCIM payloads whose members are `$ref`s.
    let root = ROOT.replace(
        "schema: {$ref: 'schemas/a.yaml'}",
        "schema: {$ref: 'schemas/a.yaml'}\n              example: {members: [{$ref: 'https://example.com/Users/1'}]}\n              examples:\n                one: {value: {$ref: '../../elsewhere.json'}}",
    );
    let (_dir, root) = tree(&[
        ("api.yaml", &root),
        (
            "schemas/a.yaml",
            "type: object\nproperties:\n  d: {type: object, default: {$ref: 'not-a-file'}}\n",
        ),
    ]);
    let generated =
        generate_module(&root, &ModuleOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        generated.source.contains("pub struct A {"),
        "{}",
        generated.source
    );
}
