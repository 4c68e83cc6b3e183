//! `generated/` must be exactly what `regenerate` writes from `spec/`.

use openapi_rustgen::ModuleOptions;
use openapi_rustgen::project::{
    CrateOptions, CrateOutput, RuntimeDependency, crate_files, drift, spec_files,
};
use openapi_rustgen_tests::root;

/// The options `openapi-rustgen regenerate` uses by default.
fn regenerate() -> CrateOutput {
    let specs = spec_files(&root().join("spec")).expect("specs");
    let options = CrateOptions {
        package: "vendor-clients".into(),
        runtime: RuntimeDependency::Path("../runtime".into()),
        tag_features: false,
        mocks: true,
        module: ModuleOptions::default(),
    };
    crate_files(&specs, &options).expect("generation")
}

#[test]
fn generated_crate_matches_specs() {
    let output = regenerate();
    let drifts = drift(&output.files, &root().join("generated"));
    let report: String = drifts.iter().map(|d| d.diff.clone()).collect();
    assert!(
        drifts.is_empty(),
        "generated/ is stale; run `cargo run -p openapi-rustgen-cli -- regenerate`:\n{report}"
    );
}

#[test]
fn generation_is_deterministic() {
    assert_eq!(regenerate().files, regenerate().files);
}
