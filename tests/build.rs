//! Generates every fixture spec into OUT_DIR so that `fixtures.rs` can
//! `include!` them: compiling this crate proves each fixture's generated
//! code compiles, and the tests there exercise it.

use std::path::Path;

fn main() {
    let dir = Path::new("fixtures");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut config = openapi_rustgen::Config::new();
    let mut specs: Vec<_> = std::fs::read_dir(dir)
        .expect("tests/fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    specs.sort();
    for spec in specs {
        config.spec(spec);
    }
    // A spec split over files.
    config.spec_as(dir.join("multi_file/api.yaml"), "multi_file");
    config.generate().unwrap_or_else(|err| panic!("{err}"));
    // One fixture again with both serde traits on every type, so that round
    // trips through both directions can be tested (and the option compiles).
    openapi_rustgen::Config::new()
        .spec_as(dir.join("naming.yaml"), "naming_both_ways")
        .serde_derives(openapi_rustgen::SerdeDerives::Both)
        .generate()
        .unwrap_or_else(|err| panic!("{err}"));
}
