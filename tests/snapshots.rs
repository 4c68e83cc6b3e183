//! The generated module of every spec in `spec/` and of every fixture in
//! `tests/fixtures/`, as insta snapshots: any change of a spec or of the
//! generator shows up as a readable diff (`cargo insta review`).
//!
//! The runtime is a crate of its own, so each snapshot shows only what its
//! spec produced.

use openapi_rustgen::{ModuleOptions, generate_module};
use openapi_rustgen_tests::{files_in, root};

fn snapshot_dir(dir: &str) {
    let specs = files_in(&root().join(dir), &["yaml", "yml", "json"]);
    assert!(!specs.is_empty(), "no specs in {dir}");
    for spec in specs {
        let generated =
            generate_module(&spec, &ModuleOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        let name = format!("{dir}__{}", generated.module).replace('/', "_");
        let warnings: Vec<String> = generated
            .warnings
            .iter()
            .map(|w| w.message.clone())
            .collect();
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(root().join("tests/snapshots"));
        settings.set_prepend_module_to_snapshot(false);
        settings.set_description(warnings.join("\n"));
        settings.bind(|| insta::assert_snapshot!(name, generated.source));
    }
}

#[test]
fn vendor_specs() {
    snapshot_dir("spec");
}

#[test]
fn fixtures() {
    snapshot_dir("tests/fixtures");
}

#[test]
fn multi_file_fixture() {
    let spec = root().join("tests/fixtures/multi_file/api.yaml");
    let generated =
        generate_module(&spec, &ModuleOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root().join("tests/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!("tests_fixtures__multi_file", generated.source));
}
