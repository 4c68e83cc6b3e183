//! The runtime's sources, for crates that carry a copy of it (no
//! dependency on `openapi-rustgen-runtime`).

/// The runtime crate's manifest (its dependencies and features).
pub const RUNTIME_MANIFEST: &str = include_str!("../../../runtime/Cargo.toml");

/// The runtime's `rust-version`, which every generated crate takes. Written
/// out rather than read from the manifest on every run: parsing it was a
/// tenth of a millisecond, a fiftieth of a small spec's whole run. A test
/// checks that it is the manifest's.
pub const RUNTIME_RUST_VERSION: &str = "1.85";

/// The runtime crate's modules: (file name, source).
pub const RUNTIME_FILES: &[(&str, &str)] = &[
    ("auth.rs", include_str!("../../../runtime/src/auth.rs")),
    ("binary.rs", include_str!("../../../runtime/src/binary.rs")),
    ("body.rs", include_str!("../../../runtime/src/body.rs")),
    ("call.rs", include_str!("../../../runtime/src/call.rs")),
    ("client.rs", include_str!("../../../runtime/src/client.rs")),
    ("de.rs", include_str!("../../../runtime/src/de.rs")),
    ("encode.rs", include_str!("../../../runtime/src/encode.rs")),
    ("error.rs", include_str!("../../../runtime/src/error.rs")),
    ("hooks.rs", include_str!("../../../runtime/src/hooks.rs")),
    ("jsonl.rs", include_str!("../../../runtime/src/jsonl.rs")),
    ("mock.rs", include_str!("../../../runtime/src/mock.rs")),
    (
        "nullable.rs",
        include_str!("../../../runtime/src/nullable.rs"),
    ),
    ("oauth2.rs", include_str!("../../../runtime/src/oauth2.rs")),
    (
        "operation.rs",
        include_str!("../../../runtime/src/operation.rs"),
    ),
    (
        "paginate.rs",
        include_str!("../../../runtime/src/paginate.rs"),
    ),
    (
        "reconnect.rs",
        include_str!("../../../runtime/src/reconnect.rs"),
    ),
    (
        "response.rs",
        include_str!("../../../runtime/src/response.rs"),
    ),
    ("retry.rs", include_str!("../../../runtime/src/retry.rs")),
    ("secret.rs", include_str!("../../../runtime/src/secret.rs")),
    ("sse.rs", include_str!("../../../runtime/src/sse.rs")),
    ("stream.rs", include_str!("../../../runtime/src/stream.rs")),
    ("union.rs", include_str!("../../../runtime/src/union.rs")),
    (
        "validate.rs",
        include_str!("../../../runtime/src/validate.rs"),
    ),
];

/// The runtime's `lib.rs`, which becomes the vendored `runtime/mod.rs`.
const RUNTIME_LIB: &str = include_str!("../../../runtime/src/lib.rs");

/// `runtime/mod.rs`: the runtime's `lib.rs` without its crate-level
/// attributes and docs (inner ones, which a module file may not have after
/// items; the crate's `lib.rs` documents the module instead).
pub fn runtime_mod_rs() -> String {
    let mut out = String::new();
    for line in RUNTIME_LIB.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("//!") || trimmed.starts_with("#![") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.trim_start().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rust_version_is_the_runtime_manifests() {
        let manifest: toml::Table = RUNTIME_MANIFEST.parse().unwrap();
        assert_eq!(
            manifest["package"]["rust-version"].as_str(),
            Some(RUNTIME_RUST_VERSION)
        );
    }

    /// Every module file of the runtime is vendored (a new one must be
    /// added to the list).
    #[test]
    fn the_list_has_every_runtime_module() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime/src");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name != "lib.rs")
            .collect();
        on_disk.sort();
        let listed: Vec<String> = RUNTIME_FILES
            .iter()
            .map(|(name, _)| name.to_string())
            .collect();
        assert_eq!(listed, on_disk);
    }
}
