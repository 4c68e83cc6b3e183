#!/usr/bin/env python3
"""Cold build of a downstream crate whose build.rs generates a client: ours against progenitor's.

Writes two fresh crates under target/bench/cold/ that generate a client for the
same spec (default: progenitor-nexus.json of ../shared/corpus, 193 operations)
from `build.rs`, each as its README says:

- ours: `openapi-rustgen-runtime` (one dependency line) and the `openapi-rustgen`
  build-dependency, both by path to this repository;
- peer: progenitor 0.15.1's `build.rs` recipe (`progenitor` + `prettyplease` +
  `syn` + `serde_json` to build, `progenitor-client`, `reqwest`, `serde`,
  `futures`, `chrono`, `uuid`, `base64`, `rand`, ... to run).

Each is built with `cargo build` from an empty target folder (dependencies
fetched beforehand, untimed), `--runs` times, alternating ours and peer. Two TLS
settings: as documented (ours: rustls with ring, the default; the peer: reqwest's
default features) and without TLS on both sides. Prints a Markdown table of
medians and the ratio ours/peer. A report, not a test; standard library only.

    python3 bench/cold_build.py --runs 2
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "target" / "bench" / "cold"

OURS_BUILD_RS = '''fn main() {
    openapi_rustgen::Config::new()
        .spec_as("api.json", "api")
        .generate()
        .unwrap_or_else(|err| panic!("{err}"));
}
'''

PEER_BUILD_RS = '''fn main() {
    let src = "api.json";
    println!("cargo:rerun-if-changed={}", src);
    let file = std::fs::File::open(src).unwrap();
    let spec = serde_json::from_reader(file).unwrap();
    let mut generator = progenitor::Generator::default();

    let tokens = generator.generate_tokens(&spec).unwrap();
    let ast = syn::parse2(tokens).unwrap();
    let content = prettyplease::unparse(&ast);

    let mut out_file = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).to_path_buf();
    out_file.push("codegen.rs");

    std::fs::write(out_file, content).unwrap();
}
'''


def ours_manifest(tls: bool) -> str:
    runtime = REPO / "runtime"
    features = "" if tls else ', default-features = false, features = ["chrono", "uuid"]'
    return (f'[package]\nname = "cold-ours"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n'
            f'[dependencies]\nopenapi-rustgen-runtime = {{ path = "{runtime}"{features} }}\n\n'
            f'[build-dependencies]\nopenapi-rustgen = {{ path = "{REPO / "generator"}" }}\n\n'
            '[workspace]\n')


def peer_manifest(tls: bool) -> str:
    reqwest = ('{ version = "0.13", features = ["json", "query", "stream"] }' if tls else
               '{ version = "0.13", default-features = false, features = ["json", "query", "stream"] }')
    return ('[package]\nname = "cold-peer"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n'
            '[dependencies]\nbase64 = "0.22"\nbytes = "1.9"\n'
            'chrono = { version = "0.4", default-features = false, features = ["serde"] }\n'
            'futures = "0.3"\nfutures-core = "0.3"\nprogenitor-client = "0.15.1"\nrand = "0.8"\n'
            f'regress = "0.10"\nreqwest = {reqwest}\n'
            'serde = { version = "1.0", features = ["derive"] }\nserde_json = "1.0"\n'
            'serde_urlencoded = "0.7"\nuuid = { version = "1.0", features = ["serde", "v4"] }\n\n'
            '[build-dependencies]\nprettyplease = "0.2.22"\nprogenitor = "0.15.1"\n'
            'serde_json = "1.0"\nsyn = "2.0"\n\n[workspace]\n')


def write_crate(tool: str, tls: bool, spec: Path) -> Path:
    crate = WORK / f"{tool}-{'tls' if tls else 'notls'}"
    shutil.rmtree(crate, ignore_errors=True)
    (crate / "src").mkdir(parents=True)
    shutil.copy(spec, crate / "api.json")
    if tool == "ours":
        (crate / "Cargo.toml").write_text(ours_manifest(tls))
        (crate / "build.rs").write_text(OURS_BUILD_RS)
        (crate / "src" / "lib.rs").write_text('include!(concat!(env!("OUT_DIR"), "/api.rs"));\n')
    else:
        (crate / "Cargo.toml").write_text(peer_manifest(tls))
        (crate / "build.rs").write_text(PEER_BUILD_RS)
        (crate / "src" / "lib.rs").write_text('include!(concat!(env!("OUT_DIR"), "/codegen.rs"));\n')
    # The same versions of shared crates on both sides where the lockfile allows.
    shutil.copy(REPO / "Cargo.lock", crate / "Cargo.lock")
    subprocess.run(["cargo", "fetch", "-q"], cwd=crate, check=True)
    return crate


def cold_build(crate: Path) -> float:
    target = crate / "target"
    shutil.rmtree(target, ignore_errors=True)
    env = dict(os.environ, CARGO_TARGET_DIR=str(target), CARGO_INCREMENTAL="0")
    start = time.perf_counter()
    proc = subprocess.run(["cargo", "build", "-q", "--offline"], cwd=crate, env=env,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"cold build of {crate.name} failed:\n{proc.stderr[-3000:]}")
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--spec", type=Path,
                    default=REPO.parent / "shared" / "corpus" / "progenitor-nexus.json")
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--no-tls-only", action="store_true", help="skip the builds with TLS")
    args = ap.parse_args()
    settings = [False] if args.no_tls_only else [True, False]
    rows = []
    for tls in settings:
        crates = {tool: write_crate(tool, tls, args.spec) for tool in ("ours", "peer")}
        times: dict[str, list[float]] = {"ours": [], "peer": []}
        for i in range(args.runs):
            for tool in (("ours", "peer") if i % 2 == 0 else ("peer", "ours")):
                seconds = cold_build(crates[tool])
                times[tool].append(seconds)
                print(f"{tool} {'TLS' if tls else 'no TLS'} run {i + 1}: {seconds:.1f} s",
                      file=sys.stderr)
        rows.append((tls, statistics.median(times["ours"]), statistics.median(times["peer"])))
    print(f"Cold `cargo build` (empty target folder, dependencies fetched) of a build.rs crate "
          f"for {args.spec.name}, median of {args.runs}, alternating; {os.cpu_count()} cores.\n")
    print("| TLS | ours s | progenitor s | ours/progenitor |")
    print("|---|---:|---:|---:|")
    for tls, ours, peer in rows:
        label = ("as documented (ours: rustls + ring; progenitor: reqwest defaults)" if tls
                 else "none on both sides")
        print(f"| {label} | {ours:.1f} | {peer:.1f} | {ours / peer:.2f} |")


if __name__ == "__main__":
    main()
