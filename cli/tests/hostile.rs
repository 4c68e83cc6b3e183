//! Hostile and malformed input to the command line: each case once failed
//! (a panic, a broken crate, an injected manifest, a silent choice, an
//! unhelpful message); each must now give a located message and exit 2, or
//! a warning and code that builds.

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

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";

/// Runs `generate --out` on `text`; the exit code and stderr.
fn generate(text: &str) -> (Option<i32>, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "api.yaml", text);
    let out = run(
        &["generate", "--spec", "api.yaml", "--out", "api.rs"],
        dir.path(),
    );
    (out.status.code(), stderr(&out), dir)
}

#[test]
fn cycles_of_pure_aliases_are_located_errors() {
    for schemas in [
        "    A: {allOf: [{$ref: '#/components/schemas/B'}]}\n    B: {allOf: [{$ref: '#/components/schemas/A'}]}\n",
        "    A: {oneOf: [{$ref: '#/components/schemas/A'}]}\n",
        "    A: {anyOf: [{$ref: '#/components/schemas/B'}]}\n    B: {$ref: '#/components/schemas/A'}\n",
    ] {
        let (code, err, dir) = generate(&format!("{HEAD}components:\n  schemas:\n{schemas}"));
        assert_eq!(code, Some(2), "{err}");
        assert!(
            err.contains("api.yaml:") && err.contains("#/components/schemas/"),
            "{err}"
        );
        assert!(err.contains("refer to each other"), "{err}");
        assert!(!dir.path().join("api.rs").exists(), "nothing written");
    }
}

#[test]
fn cycles_through_lists_and_references_into_schemas_are_located_errors_not_crashes() {
    let cases = [
        // An alias that holds itself only through a list: no Rust alias can.
        (
            "    A: {type: array, items: {$ref: '#/components/schemas/A'}}\n",
            "only through lists or maps",
        ),
        // The same, reached by a reference into the inside of a schema.
        (
            "    A:\n      type: object\n      properties:\n        x: {type: array, items: {$ref: '#/components/schemas/A/properties/x'}}\n",
            "only through lists or maps",
        ),
        // References into schemas that are references to each other.
        (
            "    A:\n      type: object\n      properties:\n        x: {$ref: '#/components/schemas/A/properties/y'}\n        y: {$ref: '#/components/schemas/A/properties/x'}\n",
            "$ref cycle with nothing to stand on",
        ),
    ];
    for (schemas, expected) in cases {
        let (code, err, dir) = generate(&format!("{HEAD}components:\n  schemas:\n{schemas}"));
        assert_eq!(code, Some(2), "{err}");
        assert!(
            err.contains("api.yaml:") && err.contains("#/components/schemas/A"),
            "{err}"
        );
        assert!(err.contains(expected), "{err}");
        assert!(!dir.path().join("api.rs").exists(), "nothing written");
    }
}

#[test]
fn a_reference_to_something_that_is_no_schema_says_so() {
    let schemas = "    A:\n      type: object\n      definitions:\n        kind: {type: {enum: [a, b]}}\n      properties:\n        kind: {$ref: '#/components/schemas/A/definitions/kind'}\n";
    let (code, err, _dir) = generate(&format!("{HEAD}components:\n  schemas:\n{schemas}"));
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("(#/components/schemas/A/properties/kind)"),
        "{err}"
    );
    assert!(
        err.contains(
            "`#/components/schemas/A/definitions/kind` points at something that is not a schema"
        ),
        "{err}"
    );
}

#[test]
fn an_invalid_keyword_deep_in_a_schema_is_named_by_its_own_pointer() {
    let schemas = "    Pick:\n      type: object\n      properties:\n        timecode: {type: string, pattern: 0}\n";
    let (code, err, _dir) = generate(&format!("{HEAD}components:\n  schemas:\n{schemas}"));
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("(#/components/schemas/Pick/properties/timecode/pattern)"),
        "{err}"
    );
    assert!(err.contains("api.yaml:9:"), "the line that has it: {err}");
}

#[test]
fn a_version_written_as_a_number_says_so() {
    let (code, err, _dir) = generate("openapi: 3.0\ninfo: {title: t, version: '1'}\npaths: {}\n");
    assert_eq!(code, Some(2));
    assert!(
        err.contains("is a number") && err.contains("#/openapi"),
        "{err}"
    );
}

#[test]
fn duplicate_keys_are_refused_not_overwritten() {
    let (code, err, _dir) = generate(&format!("{HEAD}paths: {{}}\n"));
    assert_eq!(code, Some(2));
    assert!(err.contains("duplicate key `paths`"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "api.json",
        r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}, "info": {}}"#,
    );
    let out = run(
        &["generate", "--spec", "api.json", "--out", "api.rs"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("duplicate key `info`"),
        "{}",
        stderr(&out)
    );
    // Deep inside, in a small document and in one large enough to be
    // decoded on two threads (the key seventeenth in its mapping there).
    let filler: String = (0..2000)
        .map(|i| {
            format!(
                r#""S{i}": {{"type": "string", "description": "{}"}},"#,
                "d".repeat(40)
            )
        })
        .collect();
    let keys: String = (0..16).map(|i| format!(r#""k{i}": {{}},"#)).collect();
    for (name, filler) in [("small.json", ""), ("large.json", filler.as_str())] {
        let text = format!(
            r#"{{"openapi": "3.0.3", "info": {{"title": "t", "version": "1"}}, "paths": {{}},
              "components": {{"schemas": {{{filler} "Pet": {{"type": "object", "properties": {{
                {keys} "name": {{"type": "string"}}, "name": {{"type": "integer"}}}}}}}}}}}}"#
        );
        write(dir.path(), name, &text);
        let out = run(&["generate", "--spec", name, "--out", "api.rs"], dir.path());
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("duplicate key `name`"),
            "{name}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn malformed_path_templates_are_warned_about_and_left_out() {
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /d/{{id}}:\n    get:\n      operationId: bad\n      responses: {'204': {description: ok}}\n  /e/{id:\n    get:\n      operationId: bad2\n      responses: {'204': {description: ok}}\n";
    let (code, err, dir) = generate(text);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(err.matches("is malformed").count(), 2, "{err}");
    let source = std::fs::read_to_string(dir.path().join("api.rs")).unwrap();
    assert!(
        !source.contains("fn bad"),
        "no operation from a malformed template"
    );
}

#[test]
fn spec_files_named_like_crate_files_make_crates_with_other_module_names() {
    for stem in ["lib", "main", "mod", "build", "runtime"] {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &format!("{stem}.yaml"), HEAD);
        let out = run(
            &[
                "generate",
                "--spec",
                &format!("{stem}.yaml"),
                "--crate",
                "client",
                "--name",
                "client",
            ],
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(0), "{stem}: {}", stderr(&out));
        let src = dir.path().join("client/src");
        assert!(
            !src.join("main.rs").exists(),
            "{stem}: a main.rs makes a binary target"
        );
        let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
        assert!(!lib.contains(&format!("pub mod {stem};")), "{stem}: {lib}");
        let module = std::fs::read_dir(&src)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .find(|n| n.starts_with(stem) && n != "lib.rs");
        let module =
            module.unwrap_or_else(|| panic!("{stem}: no module file in {}", src.display()));
        let name = module.trim_end_matches(".rs");
        assert!(lib.contains(&format!("pub mod {name};")), "{stem}: {lib}");
    }
}

#[test]
fn crate_names_are_checked_so_the_manifest_cannot_be_injected() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "api.yaml", HEAD);
    for name in [
        "a\"\n[build-dependencies]\nevil = \"1\"",
        "fn",
        "9lives",
        "white space",
        &"x".repeat(65),
    ] {
        let out = run(
            &[
                "generate", "--spec", "api.yaml", "--crate", "c", "--name", name,
            ],
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(2), "{name:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("is not a valid crate name"),
            "{}",
            stderr(&out)
        );
        assert!(!dir.path().join("c").exists(), "{name:?}: nothing written");
    }
}

#[test]
fn huge_names_are_capped_and_kept_unique() {
    let dir = tempfile::tempdir().unwrap();
    let long = "X".repeat(100_000);
    let spec = serde_json::json!({
        "openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
        "components": {"schemas": {
            long.clone(): {"type": "object", "properties": {"y".repeat(100_000): {"type": "string"}}},
            format!("{long}Z"): {"type": "string"},
        }}
    });
    write(dir.path(), "api.json", &spec.to_string());
    let out = run(
        &["generate", "--spec", "api.json", "--out", "api.rs"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning:"),
        "a warning for each capped name"
    );
    let source = std::fs::read_to_string(dir.path().join("api.rs")).unwrap();
    let idents: Vec<&str> = source
        .lines()
        .filter_map(|l| {
            l.strip_prefix("pub struct ")
                .or_else(|| l.strip_prefix("pub type "))
        })
        .map(|l| l.split([' ', '<', '=']).next().unwrap())
        .collect();
    assert!(idents.len() >= 3, "{idents:?}");
    assert!(idents.iter().all(|i| i.len() <= 64), "{idents:?}");
    let mut unique = idents.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), idents.len(), "{idents:?}");
}

#[test]
fn messages_say_what_is_missing_and_what_failed() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "api.yaml", HEAD);
    // Neither output flag: both are named.
    let out = run(&["generate", "--spec", "api.yaml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--out") && stderr(&out).contains("--crate"),
        "{}",
        stderr(&out)
    );
    // A spec that is not there: an `error:` line that says read.
    let out = run(
        &["generate", "--spec", "missing.yaml", "--out", "x.rs"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("error: ") && stderr(&out).contains("cannot read"),
        "{}",
        stderr(&out)
    );
    // A folder where the output file goes: it says write, and where.
    std::fs::create_dir(dir.path().join("taken.rs")).unwrap();
    let out = run(
        &["generate", "--spec", "api.yaml", "--out", "taken.rs"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("taken.rs") && stderr(&out).contains("cannot write"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_stale_temporary_from_a_killed_run_is_cleaned_up() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "api.yaml", HEAD);
    let out = run(
        &[
            "generate", "--spec", "api.yaml", "--crate", "c", "--name", "c",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // What a run killed between writing and renaming leaves behind.
    write(
        &dir.path().join("c/src"),
        ".lib.rs.4242.rustgen-tmp",
        "half",
    );
    let out = run(
        &[
            "generate", "--spec", "api.yaml", "--crate", "c", "--name", "c",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("c/src"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("rustgen-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn specs_that_cannot_mean_what_they_say_are_warned_about_where_they_say_it() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
    let dir = tempfile::tempdir().unwrap();
    let spec = fixtures.join("hostile.yaml");
    let out = run(
        &[
            "generate",
            "--spec",
            spec.to_str().unwrap(),
            "--out",
            "api.rs",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    for expected in [
        "(#/components/schemas/Item/properties/step/multipleOf): `multipleOf` must be greater than 0",
        "(#/components/schemas/Item/properties/range): `minimum` is greater than `maximum`",
        "(#/components/schemas/Item/properties/big/enum/1): enum value 1e+20 does not fit in an i64",
        "parameter `Content-Length` is a header the client does not take from parameters",
        "parameter `Host` is a header the client does not take from parameters",
        "parameter `Authorization` is a header the client does not take from parameters",
        "path template `/bad/{{id}}` is malformed",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in:\n{err}");
    }
    // Each warning once, each with its line.
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("warning: ")).collect();
    let mut unique = lines.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), lines.len(), "{err}");
    assert!(lines.iter().all(|l| l.contains("hostile.yaml:")), "{err}");
    // The framing and auth headers never became setters.
    let source = std::fs::read_to_string(dir.path().join("api.rs")).unwrap();
    for setter in ["fn content_length(", "fn host(", "fn authorization("] {
        assert!(!source.contains(setter), "{setter}");
    }
}

#[test]
fn every_broken_component_and_operation_is_reported_each_located() {
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200':\n          description: ok\n          content: {application/json: {schema: {$ref: '#/components/schemas/Gone'}}}\ncomponents:\n  schemas:\n    A: {type: object, properties: {x: {$ref: '#/components/schemas/N1'}}}\n    B: {type: object, properties: {y: {$ref: '#/components/schemas/N2'}}}\n";
    let (code, err, dir) = generate(text);
    assert_eq!(code, Some(2), "{err}");
    for (line, what) in [("api.yaml:13:", "N1"), ("api.yaml:14:", "N2")] {
        assert!(
            err.lines()
                .any(|l| l.starts_with("error: ") && l.contains(line) && l.contains(what)),
            "{what} in:\n{err}"
        );
    }
    assert!(!dir.path().join("api.rs").exists());
}

/// Writes `files` (relative path, text) under a fresh folder's `spec/`.
fn spec_tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join("spec").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

#[test]
fn every_refused_reference_across_files_exits_2_naming_the_file_and_line_that_has_it() {
    let root = format!(
        "{}components:\n  schemas:\n    Pet: {{$ref: 'schemas/pet.yaml'}}\n",
        HEAD
    );
    let outside = std::env::temp_dir().join("openapi-rustgen-outside.yaml");
    std::fs::write(&outside, "type: string\n").unwrap();
    let absolute = format!(
        "type: object\nproperties:\n  x: {{$ref: '{}'}}\n",
        outside.display()
    );
    let cases: [(&str, String, &str); 6] = [
        (
            "leaves the spec's folder",
            "type: object\nproperties:\n  x: {$ref: '../../outside.yaml'}\n".into(),
            "",
        ),
        ("leaves the spec's folder", absolute, ""),
        (
            "references to URLs are not followed",
            "type: object\nproperties:\n  x: {$ref: 'https://example.com/x.yaml'}\n".into(),
            "",
        ),
        (
            "cannot read",
            "type: object\nproperties:\n  x: {$ref: 'missing.yaml'}\n".into(),
            "",
        ),
        (
            "where there is nothing",
            "type: object\nproperties:\n  x: {$ref: 'other.yaml#/Nope'}\n".into(),
            "Other: {type: string}\n",
        ),
        (
            "refer to each other",
            "allOf:\n  - $ref: 'other.yaml'\n".into(),
            "allOf:\n  - $ref: 'pet.yaml'\n",
        ),
    ];
    for (expected, pet, other) in cases {
        let dir = spec_tree(&[
            ("api.yaml", &root),
            ("schemas/pet.yaml", &pet),
            ("schemas/other.yaml", other),
        ]);
        std::fs::write(dir.path().join("outside.yaml"), "type: string\n").unwrap();
        let out = run(
            &["generate", "--spec", "spec/api.yaml", "--out", "api.rs"],
            dir.path(),
        );
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{expected}: {err}");
        assert!(err.contains(expected), "{expected}: {err}");
        // The file that has the reference, with a line, and nothing written.
        assert!(
            err.contains("schemas/pet.yaml:") || err.contains("schemas/other.yaml:"),
            "{expected}: {err}"
        );
        assert!(
            !dir.path().join("api.rs").exists(),
            "{expected}: nothing written"
        );
    }
    std::fs::remove_file(outside).ok();
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_spec_folder_is_refused() {
    let dir = spec_tree(&[(
        "api.yaml",
        &format!("{HEAD}components:\n  schemas:\n    Pet: {{$ref: 'schemas/pet.yaml'}}\n"),
    )]);
    let secret = dir.path().join("secret.yaml");
    std::fs::write(&secret, "type: string\n").unwrap();
    std::fs::create_dir_all(dir.path().join("spec/schemas")).unwrap();
    std::os::unix::fs::symlink(&secret, dir.path().join("spec/schemas/pet.yaml")).unwrap();
    let out = run(
        &["generate", "--spec", "spec/api.yaml", "--out", "api.rs"],
        dir.path(),
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("leaves the spec's folder"), "{err}");
    assert!(err.contains("api.yaml:"), "{err}");
}

/// Runs the tool in `cwd`, killed if it has not ended within `limit`: the
/// exit code (`None` when killed) and stderr.
fn run_within(args: &[&str], cwd: &Path, limit: std::time::Duration) -> (Option<i32>, String) {
    // A file, not a pipe: thousands of warnings must not block the child.
    let log_path = cwd.join("stderr.txt");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_openapi-rustgen"))
        .args(args)
        .current_dir(cwd)
        .stderr(log)
        .spawn()
        .expect("run openapi-rustgen");
    let started = std::time::Instant::now();
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if started.elapsed() > limit {
            child.kill().unwrap();
            child.wait().unwrap();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    (code, std::fs::read_to_string(log_path).unwrap())
}

/// `generate --out` on `text`, within `limit` (see `run_within`).
fn generate_within(
    text: &str,
    limit: std::time::Duration,
) -> (Option<i32>, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "api.yaml", text);
    let args = ["generate", "--spec", "api.yaml", "--out", "api.rs"];
    let (code, err) = run_within(&args, dir.path(), limit);
    (code, err, dir)
}

/// `components.schemas` of `count` schemas named by `schema(i)`.
fn schemas(count: usize, schema: impl Fn(usize) -> String) -> String {
    let mut text = format!("{HEAD}components:\n  schemas:\n");
    for i in 0..count {
        text.push_str(&schema(i));
    }
    text
}

fn reference(name: &str) -> String {
    format!("{{$ref: '#/components/schemas/{name}'}}")
}

#[test]
fn allof_members_reached_many_ways_are_walked_once() {
    // Generous: each case takes milliseconds; walking every path took
    // billions of steps, and a chain through unions overflowed the stack.
    let limit = std::time::Duration::from_secs(60);
    // The same member listed eight times, eleven levels deep (8^11 paths).
    let listed_eight_times = schemas(12, |i| match i {
        11 => "    S11: {type: object, properties: {x: {type: string}}}\n".to_string(),
        _ => format!(
            "    S{i}:\n      allOf: [{}]\n      properties: {{p{i}: {{type: string}}}}\n",
            vec![reference(&format!("S{}", i + 1)); 8].join(", ")
        ),
    });
    // Two distinct members that both allOf the next level (2^25 paths).
    let diamonds = schemas(26, |i| match i {
        25 => "    S25: {type: object, properties: {x: {type: string}}}\n".to_string(),
        _ => {
            let next = reference(&format!("S{}", i + 1));
            format!(
                "    S{i}: {{allOf: [{}, {}]}}\n    A{i}: {{allOf: [{next}], properties: {{a{i}: {{type: string}}}}}}\n    B{i}: {{allOf: [{next}], properties: {{b{i}: {{type: string}}}}}}\n",
                reference(&format!("A{i}")),
                reference(&format!("B{i}")),
            )
        }
    });
    for (spec, fields) in [(&listed_eight_times, 11), (&diamonds, 50)] {
        let (code, err, dir) = generate_within(spec, limit);
        assert_eq!(code, Some(0), "{err}");
        let source = std::fs::read_to_string(dir.path().join("api.rs")).unwrap();
        let s0 = &source[source.find("pub struct S0 {").expect("S0 is a struct")..];
        let s0 = &s0[..s0.find('}').unwrap()];
        // Every level's properties and the last one's `x`, each once.
        assert_eq!(s0.matches("pub ").count(), 1 + fields + 1, "{s0}");
        assert_eq!(s0.matches("pub x:").count(), 1, "{s0}");
    }
    // Unions and allOf in turn, each alternative reached two ways; and a
    // chain of them 3,000 long.
    let alternating = schemas(21, |i| match i {
        20 => "    S20: {type: object, properties: {x: {type: string}}}\n".to_string(),
        _ => {
            let next = reference(&format!("S{}", i + 1));
            let other = reference(&format!("T{i}"));
            format!(
                "    S{i}: {{allOf: [{}, {}]}}\n    U{i}: {{oneOf: [{next}, {other}]}}\n    V{i}: {{oneOf: [{other}, {next}]}}\n    T{i}: {{allOf: [{next}], properties: {{t: {{type: string}}}}}}\n",
                reference(&format!("U{i}")),
                reference(&format!("V{i}")),
            )
        }
    });
    let long_chain = schemas(3001, |i| match i {
        3000 => "    S3000: {type: object}\n".to_string(),
        _ => format!(
            "    S{i}: {{allOf: [{}], properties: {{p: {{type: string}}}}}}\n    U{i}: {{oneOf: [{}, {{type: object, properties: {{q: {{type: string}}}}}}]}}\n",
            reference(&format!("U{i}")),
            reference(&format!("S{}", i + 1)),
        ),
    });
    for spec in [&alternating, &long_chain] {
        let (code, err, dir) = generate_within(spec, limit);
        assert_eq!(code, Some(0), "{err}");
        assert!(dir.path().join("api.rs").exists());
    }
}

#[test]
fn parts_of_other_files_that_refer_to_each_other_many_times_over_are_refused_not_expanded() {
    // Each path item's eight callbacks are the next file's path item, ten
    // files deep: inlined, a billion copies (it took gigabytes, then hung).
    let mut files = vec![(
        "api.yaml".to_string(),
        HEAD.replace("paths: {}", "paths:\n  /a: {$ref: 'p0.yaml'}"),
    )];
    for i in 0..10 {
        let callbacks: String = (0..8)
            .map(|j| {
                format!(
                    "    cb{j}:\n      '{{$request.body#/u{j}}}': {{$ref: 'p{}.yaml'}}\n",
                    i + 1
                )
            })
            .collect();
        files.push((
            format!("p{i}.yaml"),
            format!(
                "post:\n  responses:\n    '200': {{description: ok}}\n  callbacks:\n{callbacks}"
            ),
        ));
    }
    files.push((
        "p10.yaml".to_string(),
        "post:\n  responses:\n    '200': {description: ok}\n".to_string(),
    ));
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let dir = spec_tree(&files);
    let args = ["generate", "--spec", "spec/api.yaml", "--out", "api.rs"];
    let (code, err) = run_within(&args, dir.path(), std::time::Duration::from_secs(60));
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("would copy more than 1000000 JSON nodes"),
        "{err}"
    );
    // Located in the file with the reference that went over.
    assert!(
        err.contains(".yaml:") && err.contains("/callbacks/cb"),
        "{err}"
    );
    assert!(!dir.path().join("api.rs").exists());
}
