//! The command line: exit codes, located errors, and all-or-nothing output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_openapi-rustgen"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run openapi-rustgen")
}

/// `generate --spec SPEC --out OUT`, in `cwd`.
fn generate_file(spec: &Path, out: &Path, cwd: &Path) -> Output {
    run(
        &[
            "generate",
            "--spec",
            spec.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        cwd,
    )
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

const PETS: &str = r##"openapi: 3.0.3
info: {title: Pets, version: "1"}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: "#/components/schemas/Pet"}}}
components:
  schemas:
    Pet: {type: object, properties: {name: {type: string}}}
"##;

#[test]
fn every_subcommand_has_help() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["generate", "regenerate", "check", "diff", "schemas"] {
        let out = run(&[sub, "--help"], dir.path());
        assert!(out.status.success(), "{sub} --help");
        assert!(String::from_utf8_lossy(&out.stdout).contains("Usage"));
    }
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(run(&["generate"], dir.path()).status.code(), Some(2));
    assert_eq!(run(&["no-such-command"], dir.path()).status.code(), Some(2));
    // regenerate outside a project
    assert_eq!(run(&["regenerate"], dir.path()).status.code(), Some(2));
}

#[test]
fn bad_specs_are_located_errors_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &str, &str)] = &[
        (
            "syntax.yaml",
            "openapi: 3.0.3\ninfo: {title: x\n",
            "syntax.yaml:",
        ),
        (
            "syntax.json",
            "{\n  \"openapi\": \"3.0.3\",\n  \"info\": [\n}",
            "syntax.json:4:1",
        ),
        (
            "swagger.yaml",
            "swagger: \"2.0\"\ninfo: {title: x, version: \"1\"}\npaths: {}\n",
            "Swagger",
        ),
        (
            "dangling.yaml",
            &PETS.replace(
                "#/components/schemas/Pet\"",
                "#/components/schemas/Missing\"",
            ),
            "#/paths/~1pets~1{id}/get/responses/200/content/application~1json/schema",
        ),
        (
            "wrong_type.yaml",
            "openapi: 3.0.3\ninfo: {title: x, version: \"1\"}\npaths:\n  /a:\n    get:\n      responses: [1, 2]\n",
            "#/paths/~1a/get/responses",
        ),
        (
            "cycle.yaml",
            "openapi: 3.0.3\ninfo: {title: x, version: \"1\"}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: \"#/components/schemas/B\"}\n    B: {$ref: \"#/components/schemas/A\"}\n",
            "cycle",
        ),
    ];
    for (name, text, expected) in cases {
        let spec = write(dir.path(), name, text);
        let out_file = dir.path().join(format!("{name}.rs"));
        let out = run(
            &[
                "generate",
                "--spec",
                spec.to_str().unwrap(),
                "--out",
                out_file.to_str().unwrap(),
            ],
            dir.path(),
        );
        let message = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{name}: {message}");
        assert!(
            message.contains(expected),
            "{name}: expected `{expected}` in: {message}"
        );
        assert!(!message.contains("panicked"), "{name}: {message}");
        assert!(!out_file.exists(), "{name}: no output on error");
    }
}

#[test]
fn a_failed_crate_generation_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write(
        dir.path(),
        "bad.yaml",
        &PETS.replace("#/components/schemas/Pet\"", "#/components/schemas/Nope\""),
    );
    let crate_dir = dir.path().join("out-crate");
    let out = run(
        &[
            "generate",
            "--spec",
            spec.to_str().unwrap(),
            "--crate",
            crate_dir.to_str().unwrap(),
            "--name",
            "pets",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!crate_dir.exists());
}

#[test]
fn deny_warnings_turns_fallbacks_into_errors() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write(
        dir.path(),
        "odd.yaml",
        &PETS.replace(
            "name: {type: string}",
            "name: {type: string, format: strange}",
        ),
    );
    let out_file = dir.path().join("odd.rs");
    let lenient = generate_file(&spec, &out_file, dir.path());
    assert!(lenient.status.success());
    assert!(stderr(&lenient).contains("#/components/schemas/Pet/properties/name"));
    let strict = run(
        &[
            "generate",
            "--spec",
            spec.to_str().unwrap(),
            "--out",
            out_file.to_str().unwrap(),
            "--deny-warnings",
        ],
        dir.path(),
    );
    assert_eq!(strict.status.code(), Some(2));
}

#[test]
fn regenerate_then_check_then_drift() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join("spec")).unwrap();
    std::fs::write(root.join("Cargo.toml"), "[workspace]\n").unwrap();
    write(&root.join("spec"), "pets.yaml", PETS);
    let nested = root.join("spec");
    // Works from a subfolder too: the project is found upwards.
    assert!(run(&["regenerate"], &nested).status.success());
    assert!(root.join("generated/src/pets.rs").is_file());
    let check = run(&["check"], root);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));

    // A spec change makes check fail with a diff naming the new field.
    write(
        &root.join("spec"),
        "pets.yaml",
        &PETS.replace(
            "name: {type: string}",
            "name: {type: string}, age: {type: integer}",
        ),
    );
    let drift = run(&["check"], root);
    assert_eq!(drift.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&drift.stdout);
    assert!(
        diff.contains("+++ b/src/pets.rs") && diff.contains("+    pub age: Option<i64>,"),
        "{diff}"
    );

    // A removed spec leaves a stale module, which check reports and regenerate removes.
    assert!(run(&["regenerate"], root).status.success());
    write(
        &root.join("spec"),
        "more.yaml",
        &PETS.replace("Pets", "More"),
    );
    assert!(run(&["regenerate"], root).status.success());
    std::fs::remove_file(root.join("spec/more.yaml")).unwrap();
    assert_eq!(run(&["check"], root).status.code(), Some(1));
    assert!(run(&["regenerate"], root).status.success());
    assert!(!root.join("generated/src/more.rs").exists());
    assert_eq!(run(&["check"], root).status.code(), Some(0));
}

#[test]
fn unchanged_files_are_not_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write(dir.path(), "pets.yaml", PETS);
    let out_file = dir.path().join("pets.rs");
    let args = [
        "generate",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out_file.to_str().unwrap(),
    ];
    assert!(run(&args, dir.path()).status.success());
    let first = std::fs::metadata(&out_file).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert!(run(&args, dir.path()).status.success());
    assert_eq!(
        std::fs::metadata(&out_file).unwrap().modified().unwrap(),
        first
    );
}

#[test]
fn diff_exit_codes_and_formats() {
    let dir = tempfile::tempdir().unwrap();
    let old = write(dir.path(), "old.yaml", PETS);
    let grown = write(
        dir.path(),
        "grown.yaml",
        &PETS.replace(
            "name: {type: string}",
            "name: {type: string}, age: {type: integer}",
        ),
    );
    let shrunk = write(
        dir.path(),
        "shrunk.yaml",
        &PETS.replace(
            "properties: {name: {type: string}}",
            "properties: {id: {type: string}}",
        ),
    );
    let args = |new: &Path, extra: &[&str]| {
        let mut v = vec![
            "diff".to_string(),
            old.display().to_string(),
            new.display().to_string(),
        ];
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let run_owned = |v: Vec<String>| {
        run(
            &v.iter().map(String::as_str).collect::<Vec<_>>(),
            dir.path(),
        )
    };
    // A new optional field of a response-only type is not breaking.
    let ok = run_owned(args(&grown, &["--fail-on", "breaking"]));
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("non-breaking"));
    // A removed field is.
    let broken = run_owned(args(
        &shrunk,
        &["--fail-on", "breaking", "--format", "json"],
    ));
    assert_eq!(broken.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&broken.stdout).unwrap();
    assert_eq!(json[0]["breaking"], 1);
    let removed = json[0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "removed")
        .unwrap();
    assert_eq!(removed["rust_item"], "shrunk::Pet::name");
    assert_eq!(removed["location"]["line"], 14);
    // Without --fail-on, the report never fails the run.
    assert_eq!(run_owned(args(&shrunk, &[])).status.code(), Some(0));
    // Usage errors.
    assert_eq!(
        run(&["diff", old.to_str().unwrap()], dir.path())
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        run(&["diff", "--git", "no-such-rev"], dir.path())
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn diff_against_a_git_revision() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args(args)
            .current_dir(root)
            .output()
            .unwrap();
        assert!(status.status.success(), "git {args:?}");
    };
    std::fs::create_dir(root.join("spec")).unwrap();
    write(&root.join("spec"), "pets.yaml", PETS);
    git(&["init", "-q"]);
    git(&["-c", "user.name=t", "-c", "user.email=t@t", "add", "."]);
    git(&[
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@t",
        "commit",
        "-qm",
        "base",
    ]);
    write(
        &root.join("spec"),
        "pets.yaml",
        &PETS.replace("operationId: getPet", "operationId: fetchPet"),
    );
    let out = run(&["diff", "--git", "HEAD", "--fail-on", "breaking"], root);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("`pets::Client::get_pet`") && report.contains("`pets::Client::fetch_pet`"),
        "{report}"
    );
}

#[test]
fn schemas_lists_the_type_of_each_schema_and_how_the_api_uses_it() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write(
        dir.path(),
        "shop.yaml",
        r##"openapi: 3.0.3
info: {title: Shop, version: "1"}
paths:
  /orders:
    post:
      operationId: placeOrder
      requestBody:
        content: {application/json: {schema: {$ref: "#/components/schemas/order"}}}
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: "#/components/schemas/Receipt"}}}
components:
  schemas:
    order:
      type: object
      properties:
        size: {type: string, enum: [small, large]}
        note: {type: string, maxLength: 10}
    Receipt:
      type: object
      properties:
        lines: {type: array, items: {type: object, properties: {sku: {type: string}}}}
    Unused: {oneOf: [{type: string}, {type: integer}]}
"##,
    );
    let out = run(&["schemas", "--spec", spec.to_str().unwrap()], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON object per line"))
        .collect();
    let entry = |pointer: &str| {
        lines
            .iter()
            .find(|l| l["pointer"] == pointer)
            .unwrap_or_else(|| panic!("no {pointer} in {lines:#?}"))
            .clone()
    };
    let order = entry("#/components/schemas/order");
    assert_eq!(
        (
            &order["type"],
            &order["kind"],
            &order["sent"],
            &order["received"]
        ),
        (
            &"Order".into(),
            &"struct".into(),
            &true.into(),
            &false.into()
        )
    );
    let receipt = entry("#/components/schemas/Receipt");
    assert_eq!(
        (&receipt["sent"], &receipt["received"]),
        (&false.into(), &true.into())
    );
    assert_eq!(
        entry("#/components/schemas/order/properties/size")["kind"],
        "enum"
    );
    assert_eq!(entry("#/components/schemas/Unused")["kind"], "union");
    // The inline item type of `lines` is a type of its own, received with its parent.
    let item = lines
        .iter()
        .find(|l| {
            l["pointer"]
                .as_str()
                .unwrap()
                .starts_with("#/components/schemas/Receipt/properties/lines")
        })
        .expect("the inline item type");
    assert_eq!(item["received"], true);
    // Every named type of the module is listed once.
    let mut names: Vec<&str> = lines.iter().map(|l| l["type"].as_str().unwrap()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), lines.len());
}

#[test]
fn binary_lengths_are_checked_where_stated_and_said_where_not() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write(
        dir.path(),
        "files.yaml",
        r##"openapi: 3.0.3
info: {title: Files, version: "1"}
paths:
  /files:
    post:
      operationId: putFile
      requestBody:
        content: {application/json: {schema: {$ref: "#/components/schemas/File"}}}
      responses:
        "204": {description: stored}
components:
  schemas:
    Stamp: {type: string, format: binary, minLength: 2}
    File:
      type: object
      properties:
        data: {type: string, format: binary, maxLength: 8}
        stamp: {$ref: "#/components/schemas/Stamp"}
"##,
    );
    let out_file = dir.path().join("files.rs");
    let out = generate_file(&spec, &out_file, dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let messages = stderr(&out);
    assert!(
        messages.contains(
            "#/components/schemas/Stamp): the constraints of this binary component are not checked"
        ),
        "{messages}"
    );
    assert!(!messages.contains("properties/data"), "{messages}");
    let source = std::fs::read_to_string(&out_file).unwrap();
    assert!(source.contains("runtime::check_max_bytes("), "{source}");
}

#[test]
fn warnings_on_a_json_spec_give_the_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    // Pretty-printed as JSON tools write it: the root `{` alone on the first line.
    let spec = write(
        dir.path(),
        "odd.json",
        r#"{
  "openapi": "3.0.3",
  "info": {"title": "Odd", "version": "1"},
  "paths": {},
  "components": {
    "schemas": {
      "Code": {
        "type": "string",
        "pattern": "^(?!x)[a-z]+$"
      }
    }
  }
}
"#,
    );
    let out = generate_file(&spec, &dir.path().join("odd.rs"), dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let messages = stderr(&out);
    assert!(
        messages.contains("odd.json:9:9 (#/components/schemas/Code/pattern)"),
        "{messages}"
    );
}

#[test]
fn the_media_types_a_warning_names_are_quoted_even_when_empty() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write(
        dir.path(),
        "media.yaml",
        r#"openapi: 3.0.3
info: {title: Media, version: "1"}
paths:
  /recipes:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json: {schema: {type: string}}
            "": {schema: {type: string}}
"#,
    );
    let out = generate_file(&spec, &dir.path().join("media.rs"), dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let messages = stderr(&out);
    assert!(
        messages.contains("the client uses `application/json` and not ``"),
        "{messages}"
    );
}
