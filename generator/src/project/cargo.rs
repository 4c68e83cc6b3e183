//! The `Cargo.toml` of a generated crate, written through a TOML
//! serializer (no name or path can add a table or a key).

use std::collections::BTreeMap;

use toml::{Table, Value};

use super::vendor::{RUNTIME_MANIFEST, RUNTIME_RUST_VERSION};
use crate::diagnostics::{Error, Result};
use crate::emit::Features;

/// How a generated crate gets its runtime.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuntimeDependency {
    /// `openapi-rustgen-runtime` at this path.
    Path(String),
    /// `openapi-rustgen-runtime` of this version, from crates.io.
    Version(String),
    /// A copy in `src/runtime/`: the crate depends on what the runtime does.
    Vendored,
}

/// What the manifest needs to know.
pub struct Manifest<'a> {
    pub package: &'a str,
    pub runtime: &'a RuntimeDependency,
    pub features: Features,
    /// Cargo features per tag (feature → tag), all on by default.
    pub tags: BTreeMap<String, String>,
    pub mocks: bool,
}

/// Runtime features a generated crate passes through (TLS, HTTP/2, tracing).
const PASSED_THROUGH: &[&str] = &["rustls", "rustls-aws-lc", "native-tls", "http2", "tracing"];

/// A rendered manifest.
pub struct CargoToml {
    pub text: String,
    /// How many entries its `[features]` table has (`default` included).
    pub features: usize,
}

pub fn cargo_toml(manifest: &Manifest<'_>) -> Result<CargoToml> {
    let mut package = Table::new();
    package.insert("name".into(), manifest.package.into());
    package.insert("version".into(), "0.1.0".into());
    package.insert("edition".into(), "2024".into());
    // The generated code builds with what the runtime builds with (and clippy
    // then suggests nothing newer).
    package.insert("rust-version".into(), RUNTIME_RUST_VERSION.into());
    package.insert(
        "description".into(),
        "API clients generated from OpenAPI specs by openapi-rustgen".into(),
    );
    package.insert("publish".into(), false.into());
    let mut features = Table::new();
    let mut default: Vec<Value> = vec!["rustls".into()];
    let mut dependencies = Table::new();
    match manifest.runtime {
        RuntimeDependency::Vendored => {
            let runtime_manifest: Table = RUNTIME_MANIFEST
                .parse()
                .map_err(|e| Error::internal(&format!("the runtime's manifest: {e}")))?;
            let deps = runtime_manifest
                .get("dependencies")
                .and_then(Value::as_table)
                .cloned()
                .unwrap_or_default();
            dependencies.extend(deps);
            let runtime_features = runtime_manifest
                .get("features")
                .and_then(Value::as_table)
                .cloned()
                .unwrap_or_default();
            for (name, value) in runtime_features {
                if name != "default" {
                    features.insert(name, value);
                }
            }
        }
        runtime => {
            let mut runtime_dep = Table::new();
            match runtime {
                RuntimeDependency::Path(path) => {
                    runtime_dep.insert("path".into(), path.as_str().into())
                }
                RuntimeDependency::Version(version) => {
                    runtime_dep.insert("version".into(), version.as_str().into())
                }
                RuntimeDependency::Vendored => None,
            };
            runtime_dep.insert("default-features".into(), false.into());
            let mut needed: Vec<Value> = Vec::new();
            if manifest.features.chrono {
                needed.push("chrono".into());
            }
            if manifest.features.uuid {
                needed.push("uuid".into());
            }
            runtime_dep.insert("features".into(), Value::Array(needed));
            dependencies.insert("openapi-rustgen-runtime".into(), Value::Table(runtime_dep));
            for name in PASSED_THROUGH {
                features.insert(
                    (*name).into(),
                    Value::Array(vec![format!("openapi-rustgen-runtime/{name}").into()]),
                );
            }
            if manifest.mocks {
                features.insert(
                    "mock".into(),
                    Value::Array(vec!["openapi-rustgen-runtime/mock".into()]),
                );
            }
        }
    }
    if manifest.runtime == &RuntimeDependency::Vendored {
        if manifest.features.chrono {
            default.push("chrono".into());
        }
        if manifest.features.uuid {
            default.push("uuid".into());
        }
    }
    for feature in manifest.tags.keys() {
        features.insert(feature.clone(), Value::Array(Vec::new()));
        default.push(feature.as_str().into());
    }
    features.insert("default".into(), Value::Array(default));
    let feature_count = features.len();
    let mut root = Table::new();
    root.insert("package".into(), Value::Table(package));
    root.insert("dependencies".into(), Value::Table(dependencies));
    root.insert("features".into(), Value::Table(features));
    let text = toml::to_string(&root).map_err(|e| Error::internal(&format!("Cargo.toml: {e}")))?;
    Ok(CargoToml {
        text: format!(
            "# Generated by openapi-rustgen: do not edit by hand, regenerate instead.\n{text}"
        ),
        features: feature_count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_feature_count_is_that_of_the_written_table() {
        let tags: BTreeMap<String, String> = (0..5)
            .map(|n| (format!("tag-{n}"), format!("Tag {n}")))
            .collect();
        for runtime in [
            RuntimeDependency::Vendored,
            RuntimeDependency::Path("../runtime".into()),
        ] {
            let manifest = Manifest {
                package: "api",
                runtime: &runtime,
                features: Features::default(),
                tags: tags.clone(),
                mocks: true,
            };
            let written = cargo_toml(&manifest).unwrap();
            let table: Table = written.text.parse().unwrap();
            let features = table["features"].as_table().unwrap();
            assert_eq!(written.features, features.len(), "{runtime:?}");
            assert!(features.contains_key("tag-4") && features.contains_key("default"));
        }
    }
}
