//! `generated/` must be exactly what `regenerate` writes from `spec/`.

use openapi_rustgen::ModuleOptions;
use openapi_rustgen::project::{crate_files, drift, spec_files};
use openapi_rustgen_tests::root;

#[test]
fn generated_crate_matches_specs() {
    let specs = spec_files(&root().join("spec")).expect("specs");
    let output =
        crate_files("vendor-clients", &specs, &ModuleOptions::default()).expect("generation");
    let drifts = drift(&output.files, &root().join("generated"));
    let report: String = drifts.iter().map(|d| d.diff.clone()).collect();
    assert!(
        drifts.is_empty(),
        "generated/ is stale; run `cargo run -p openapi-rustgen -- regenerate`:\n{report}"
    );
}

#[test]
fn generation_is_deterministic() {
    let specs = spec_files(&root().join("spec")).expect("specs");
    let first =
        crate_files("vendor-clients", &specs, &ModuleOptions::default()).expect("first run");
    let second =
        crate_files("vendor-clients", &specs, &ModuleOptions::default()).expect("second run");
    assert_eq!(first.files, second.files);
}
