//! A crate with Cargo features per tag compiles with any one tag on, and
//! with none: every item that names a type is gated at least as tightly as
//! that type (`tests/fixtures/tag_features.yaml`).

use std::path::Path;
use std::process::Command;

fn cargo_check(dir: &Path, target: &Path, features: &[&str]) {
    let mut command = Command::new(env!("CARGO"));
    command
        .args([
            "check",
            "--quiet",
            "--message-format",
            "short",
            "--no-default-features",
        ])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target);
    if !features.is_empty() {
        command.args(["--features", &features.join(",")]);
    }
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && !stderr.contains("warning"),
        "features {features:?}:\n{stderr}"
    );
}

/// The crate `generate --crate` writes for a fixture, with the workspace's
/// lock file.
fn generate_crate(repo: &Path, fixture: &str, krate: &Path, extra: &[&str]) {
    let status = Command::new(env!("CARGO_BIN_EXE_openapi-rustgen"))
        .args(["generate", "--name", "tagged", "--spec"])
        .arg(repo.join("tests/fixtures").join(fixture))
        .arg("--crate")
        .arg(krate)
        .args(extra)
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::copy(repo.join("Cargo.lock"), krate.join("Cargo.lock")).unwrap();
}

/// A target folder of its own: the outer `cargo test` holds the workspace's.
fn target(repo: &Path) -> std::path::PathBuf {
    repo.join("target").join("tag-features-check")
}

#[test]
fn items_several_tags_use_compile_with_exactly_those_tags() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let krate = dir.path().join("shared");
    generate_crate(repo, "tag_features_shared.yaml", &krate, &["--mocks"]);
    // Each tag alone leaves the others' serde imports, scheme statics and
    // the `defaults` module's import out; so does none. The mocks compile
    // with no operation in them too.
    for tags in [
        &[][..],
        &["read"],
        &["write"],
        &["orders"],
        &["read", "write", "orders"],
        &["mock"],
        &["mock", "write"],
    ] {
        cargo_check(&krate, &target(repo), tags);
    }
}

#[test]
fn every_tag_alone_and_none_compile() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let krate = dir.path().join("tagged");
    generate_crate(repo, "tag_features.yaml", &krate, &[]);
    let source = std::fs::read_to_string(krate.join("src/tag_features.rs")).unwrap();
    // The gates of the types no operation reaches, as the fixture says:
    // the `cfg` among the attribute lines right above the type.
    let gate_of = |name: &str| {
        let lines: Vec<&str> = source.lines().collect();
        let at = lines
            .iter()
            .position(|l| {
                l.starts_with(&format!("pub struct {name} "))
                    || l.starts_with(&format!("pub enum {name} "))
            })
            .unwrap();
        lines[..at]
            .iter()
            .rev()
            .take_while(|l| l.starts_with("#[") || l.starts_with("///"))
            .find(|l| l.starts_with("#[cfg("))
            .map(|l| l.to_string())
    };
    let cfg = |text: &str| Some(text.to_string());
    assert_eq!(gate_of("RunEvent"), cfg(r#"#[cfg(feature = "runs")]"#));
    assert_eq!(
        gate_of("RunStepEvent"),
        cfg(r#"#[cfg(all(feature = "runs", feature = "steps"))]"#)
    );
    assert_eq!(gate_of("EventList"), cfg(r#"#[cfg(feature = "steps")]"#));
    assert_eq!(gate_of("EventNode"), cfg(r#"#[cfg(feature = "steps")]"#));
    assert_eq!(
        gate_of("Shared"),
        cfg(r#"#[cfg(any(feature = "runs", feature = "steps"))]"#)
    );
    assert_eq!(gate_of("Standalone"), None, "it names nothing gated");
    // Named only by `RunEvent` (`runs`) and `RunStepEvent` (`runs` and
    // `steps`): needed only when `runs` is on.
    assert_eq!(gate_of("EventKind"), cfg(r#"#[cfg(feature = "runs")]"#));
    // Untagged operations: `/health` is a group of its own; `/runs/latest`
    // is in `runs`, so the method compiles with `runs` alone.
    assert_eq!(gate_of("Health"), cfg(r#"#[cfg(feature = "health")]"#));
    let method_gate = |name: &str| {
        let lines: Vec<&str> = source.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.trim_start().starts_with(&format!("pub fn {name}(")))
            .unwrap();
        lines[..at]
            .iter()
            .rev()
            .map(|l| l.trim_start())
            .take_while(|l| l.starts_with("#[") || l.starts_with("///"))
            .find(|l| l.starts_with("#[cfg("))
            .map(|l| l.to_string())
    };
    assert_eq!(
        method_gate("latest_run"),
        cfg(r#"#[cfg(feature = "runs")]"#)
    );
    let manifest = std::fs::read_to_string(krate.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("health = []"), "{manifest}");

    for tags in [
        &[][..],
        &["runs"],
        &["steps"],
        &["health"],
        &["runs", "steps"],
    ] {
        cargo_check(&krate, &target(repo), tags);
    }
}
