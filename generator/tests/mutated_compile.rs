//! Mutated specs whose generation succeeds give code that compiles, not only
//! code that parses: a fixed sample (the same every run) goes into one crate,
//! a module per mutation, checked with `cargo check`.

mod common;

use std::path::Path;
use std::process::Command;

use common::{Edit, mutate, seeds};
use openapi_rustgen::{ModuleOptions, generate_from_bytes};
use serde_json::{Value, json};

/// Mutations in the sample.
const SAMPLES: usize = 16;

/// A small deterministic generator (xorshift64*): the sample must not change
/// between runs, or a failure could not be reproduced.
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as usize
    }

    fn edit(&mut self) -> Edit {
        let values = [
            Value::Null,
            json!(true),
            json!(-7),
            json!("x y"),
            json!({"$ref": "#/components/schemas/Nope"}),
            json!({"type": "object", "properties": {"self": {"type": "string"}}}),
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}]}),
            json!({"allOf": [{"type": "string", "minLength": 2}, {"maxLength": 3}]}),
            json!([]),
            json!({}),
        ];
        match self.next() % 3 {
            0 => Edit::Remove,
            1 => Edit::Replace(values[self.next() % values.len()].clone()),
            _ => Edit::Graft(self.next()),
        }
    }
}

#[test]
fn a_sample_of_mutated_outputs_compiles() {
    let seeds = seeds();
    let mut draw = Draw(0x9e37_79b9_7f4a_7c15);
    let mut modules = Vec::new();
    let mut attempts = 0;
    while modules.len() < SAMPLES && attempts < 50 * SAMPLES {
        attempts += 1;
        let (path, original) = &seeds[draw.next() % seeds.len()];
        let edits: Vec<(usize, Edit)> = (0..1 + draw.next() % 3)
            .map(|_| (draw.next(), draw.edit()))
            .collect();
        let mut doc = original.clone();
        mutate(&mut doc, &edits);
        let bytes = serde_json::to_vec(&doc).unwrap();
        if let Ok(generated) = generate_from_bytes(
            &path.with_extension("json"),
            &bytes,
            &ModuleOptions::default(),
        ) {
            modules.push((path.clone(), edits, generated.source));
        }
    }
    assert_eq!(modules.len(), SAMPLES, "too few mutations generate");

    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir(&src).unwrap();
    let mut lib = String::new();
    for (i, (path, edits, source)) in modules.iter().enumerate() {
        std::fs::write(src.join(format!("m{i}.rs")), source).unwrap();
        lib.push_str(&format!(
            "/// {} with {edits:?}\npub mod m{i};\n",
            path.file_name()
                .unwrap()
                .to_string_lossy()
                .replace(['\r', '\n'], " ")
        ));
    }
    std::fs::write(src.join("lib.rs"), lib).unwrap();
    let runtime = repo.join("runtime");
    std::fs::write(
        dir.path().join("Cargo.toml"),
        format!(
            "[package]\nname = \"mutated\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\nopenapi-rustgen-runtime = {{ path = {:?}, features = [\"chrono\", \"uuid\"] }}\n\n\
             [workspace]\n",
            runtime.display().to_string()
        ),
    )
    .unwrap();
    // The workspace's versions, so that nothing new is fetched or built.
    std::fs::copy(repo.join("Cargo.lock"), dir.path().join("Cargo.lock")).unwrap();
    // A target folder of its own: the outer `cargo test` holds the workspace's.
    let output = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--message-format", "short"])
        .current_dir(dir.path())
        .env(
            "CARGO_TARGET_DIR",
            repo.join("target").join("mutated-check"),
        )
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "a mutated spec's output does not compile:\n{}",
        stderr
            .lines()
            .filter(|l| l.contains("error"))
            .take(20)
            .collect::<Vec<_>>()
            .join("\n")
    );
}
