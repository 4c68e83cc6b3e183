#!/usr/bin/env python3
"""Compile time of a generated crate with every tag feature on, against one tag.

Generates the crate of each spec given (default: openai-openapi.yaml of
../shared/corpus-2) with the release CLI (`generate --crate`: a Cargo feature per
tag, all on by default) into target/bench/tags/, builds its dependencies once
(untimed), then times `touch src/lib.rs && CARGO_INCREMENTAL=0 cargo build`
with the default features and with `--no-default-features --features rustls,TAG`
for the tag given (default: the tag with the fewest operations), alternating,
`--runs` times each. Prints a Markdown table of medians and the ratio.
A report, not a test; standard library only.

    python3 bench/tag_features.py --runs 2
    python3 bench/tag_features.py --spec ../shared/corpus-2/cloudflare-openapi.json --tag zones
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "target" / "bench" / "tags"
CLI = REPO / "target" / "release" / "openapi-rustgen"


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{proc.stderr[-3000:]}")
    return time.perf_counter() - start


def smallest_tag(source: str, tags: list[str]) -> str:
    """The tag whose feature gates the fewest operations (`#[cfg(feature = "TAG")]` on methods)."""
    counts = {tag: len(re.findall(rf'#\[cfg\(feature = "{re.escape(tag)}"\)\]\s*(?:#\[inline\]\s*)?pub fn', source))
              for tag in tags}
    return min((t for t in tags if counts[t] > 0), key=lambda t: counts[t], default=tags[0])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--spec", type=Path,
                    default=REPO.parent / "shared" / "corpus-2" / "openai-openapi.yaml")
    ap.add_argument("--tag", help="the one tag to enable (default: the smallest)")
    ap.add_argument("--runs", type=int, default=2)
    args = ap.parse_args()
    run(["cargo", "build", "--release", "-q", "-p", "openapi-rustgen-cli"], cwd=REPO)
    crate = WORK / "tags-client"
    shutil.rmtree(crate, ignore_errors=True)
    WORK.mkdir(parents=True, exist_ok=True)
    run([str(CLI), "generate", "--spec", str(args.spec.resolve()), "--crate", str(crate),
         "--name", "tags-client"], cwd=REPO)
    manifest = (crate / "Cargo.toml").read_text()
    if "[workspace]" not in manifest:
        # A workspace of its own: target/ sits inside this repository's workspace.
        (crate / "Cargo.toml").write_text(manifest + "\n[workspace]\n")
    default = re.search(r'^default = \[(.*)\]$', manifest, re.M)
    if not default:
        sys.exit("the crate has no tag features")
    features = [f.strip().strip('"') for f in default.group(1).split(",")]
    tags = [f for f in features if f != "rustls"]
    source = "\n".join(p.read_text() for p in (crate / "src").glob("*.rs"))
    tag = args.tag or smallest_tag(source, tags)
    env = dict(os.environ, CARGO_INCREMENTAL="0", CARGO_TARGET_DIR=str(WORK / "target"))
    shutil.copy(REPO / "Cargo.lock", crate / "Cargo.lock")
    variants = {
        "all features": ["cargo", "build", "-q"],
        f"one tag (`{tag}`)": ["cargo", "build", "-q", "--no-default-features",
                               "--features", f"rustls,{tag}"],
    }
    for cmd in variants.values():  # dependencies and a first build, untimed
        run(cmd, cwd=crate, env=env)
    times: dict[str, list[float]] = {name: [] for name in variants}
    names = list(variants)
    for i in range(args.runs):
        for name in (names if i % 2 == 0 else names[::-1]):
            os.utime(crate / "src" / "lib.rs")
            times[name].append(run(variants[name], cwd=crate, env=env))
            print(f"{name} run {i + 1}: {times[name][-1]:.1f} s", file=sys.stderr)
    lines = sum(1 for p in (crate / "src").glob("*.rs") for _ in p.open())
    all_s = statistics.median(times[names[0]])
    one_s = statistics.median(times[names[1]])
    print(f"{args.spec.name}: {lines} generated lines, {len(tags)} tag features; `touch src/lib.rs && "
          f"CARGO_INCREMENTAL=0 cargo build` (dev), median of {args.runs}, alternating.\n")
    print("| features | build s |\n|---|---:|")
    print(f"| {names[0]} | {all_s:.1f} |\n| {names[1]} | {one_s:.1f} |")
    print(f"\nOne tag / all features: {one_s / all_s:.2f}")


if __name__ == "__main__":
    main()
