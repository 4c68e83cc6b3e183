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
    for sub in ["generate", "regenerate", "check"] {
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
    let lenient = run(
        &[
            "generate",
            "--spec",
            spec.to_str().unwrap(),
            "--out",
            out_file.to_str().unwrap(),
        ],
        dir.path(),
    );
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
