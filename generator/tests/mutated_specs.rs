//! Property test: random mutations of real specs through the whole
//! pipeline never panic, and whatever is generated parses as Rust.

mod common;

use common::{Edit, mutate, seeds};
use openapi_rustgen::{ModuleOptions, generate_from_bytes};
use proptest::prelude::*;
use serde_json::Value;

fn edit_strategy() -> impl Strategy<Value = Edit> {
    let scalar = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "[a-zA-Z0-9_#/{}. -]{0,12}".prop_map(Value::String),
        // Text that would end a code span or open a code block in a doc line.
        "[a-z`~\n ]{0,12}".prop_map(Value::String),
        Just(Value::String("x`\n```\nfn main() {}\n```".into())),
        Just(Value::String("#/components/schemas/Nope".into())),
        Just(serde_json::json!({"$ref": "#/components/schemas/Nope"})),
        Just(serde_json::json!({"type": "object", "properties": {"self": {"type": "string"}}})),
        Just(serde_json::json!({"oneOf": [{"type": "string"}, {"type": "integer"}]})),
        Just(serde_json::json!([])),
        Just(serde_json::json!({})),
    ];
    prop_oneof![
        Just(Edit::Remove),
        scalar.prop_map(Edit::Replace),
        any::<usize>().prop_map(Edit::Graft)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn mutated_specs_never_panic(seed in any::<usize>(), edits in prop::collection::vec((any::<usize>(), edit_strategy()), 1..6)) {
        let seeds = seeds();
        let (path, original) = &seeds[seed % seeds.len()];
        let mut doc = original.clone();
        mutate(&mut doc, &edits);
        let bytes = serde_json::to_vec(&doc).unwrap();
        let result = std::panic::catch_unwind(|| generate_from_bytes(&path.with_extension("json"), &bytes, &ModuleOptions::default()));
        let outcome = result.map_err(|_| format!("panic on a mutation of {}: {}", path.display(), String::from_utf8_lossy(&bytes)))
            .map_err(TestCaseError::fail)?;
        if let Ok(generated) = outcome {
            prop_assert!(syn::parse_file(&generated.source).is_ok(), "output does not parse");
            prop_assert!(no_code_block_but_text(&generated.source), "a doc runs code");
        }
    }
}

/// Whether every doc comment is a `///` line and every code block in one is a
/// `text` block: spec text never becomes a doctest.
fn no_code_block_but_text(source: &str) -> bool {
    let mut open = false;
    for line in source.lines().map(str::trim_start) {
        if line.starts_with("/**") || line.starts_with("/*!") {
            return false;
        }
        let Some(doc) = line.strip_prefix("///") else {
            continue;
        };
        let doc = doc.trim();
        if doc.starts_with("```") || doc.starts_with("~~~") {
            if !open && doc != "```text" {
                return false;
            }
            open = !open;
        }
    }
    !open
}
