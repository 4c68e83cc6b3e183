#!/usr/bin/env python3
"""Compare two builds of openapi-rustgen on corpus specs, side by side.

For measuring one change to the generator (`bench/run.py` measures against
progenitor). Both binaries run `generate --crate` on each spec, alternating
run by run (the order swapped every round); the report gives the median wall
time of each, their ratio, and with `--instructions` the instruction count of
one run of each under `valgrind --tool=callgrind` (repeatable whatever else
the machine is doing, unlike wall time), and with `--compile-runs N` the
compile time of each binary's crate (`touch src/lib.rs && CARGO_INCREMENTAL=0
cargo build`, dev, dependencies built once untimed, each side with a target
folder of its own under target/bench/compare/), alternating, median of N.

    git worktree add /tmp/before HEAD~1
    (cd /tmp/before && CARGO_TARGET_DIR=/tmp/before-target cargo build --release -p openapi-rustgen-cli)
    cargo build --release -p openapi-rustgen-cli
    python3 bench/compare.py /tmp/before-target/release/openapi-rustgen target/release/openapi-rustgen \\
        --only propolis --only sled-agent --runs 21 --instructions
    python3 bench/compare.py BEFORE AFTER --only nexus --runs 3 --compile-runs 3
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run_once(binary: Path, spec: Path, out: Path, env: dict[str, str]) -> float:
    shutil.rmtree(out, ignore_errors=True)
    argv = [str(binary), "generate", "--spec", str(spec), "--crate", str(out), "--name", "bench"]
    quiet = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
             (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)]
    started = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, env, file_actions=quiet)
    _, status, _ = os.wait4(pid, 0)
    elapsed = (time.perf_counter() - started) * 1000
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{binary} failed on {spec.name}")
    return elapsed


def instructions(binary: Path, spec: Path, out: Path) -> int | None:
    if shutil.which("valgrind") is None:
        return None
    shutil.rmtree(out, ignore_errors=True)
    with tempfile.TemporaryDirectory() as scratch:
        result = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={scratch}/out",
             str(binary), "generate", "--spec", str(spec), "--crate", str(out), "--name", "bench"],
            capture_output=True, text=True)
    found = re.search(r"Collected : (\d+)", result.stderr)
    return int(found.group(1)) if found else None


def build(crate: Path, target: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(["cargo", "build", "-q"], cwd=crate, capture_output=True, text=True,
                            env={**env, "CARGO_TARGET_DIR": str(target), "CARGO_INCREMENTAL": "0"})
    if result.returncode != 0:
        raise SystemExit(f"cargo build in {crate} failed:\n{result.stderr[-3000:]}")
    return time.perf_counter() - started


def compile_times(binaries: list[Path], spec: Path, runs: int, env: dict[str, str]) -> list[float]:
    """Median compile time of each binary's crate of `spec`, alternating."""
    base = REPO / "target" / "bench" / "compare"
    sides = []
    for side, binary in zip(("before", "after"), binaries):
        crate, target = base / side, base / f"target-{side}"
        shutil.rmtree(crate, ignore_errors=True)
        subprocess.run([str(binary), "generate", "--spec", str(spec), "--crate", str(crate),
                        "--name", f"bench-{side}"], check=True, capture_output=True, env=env)
        shutil.copy(REPO / "Cargo.lock", crate / "Cargo.lock")
        manifest = crate / "Cargo.toml"
        if "[workspace]" not in manifest.read_text():  # not a member of ours
            manifest.write_text(manifest.read_text() + "\n[workspace]\n")
        build(crate, target, env)  # dependencies, untimed
        sides.append((crate, target))
    times: list[list[float]] = [[], []]
    for round_ in range(runs):
        for i in ((0, 1) if round_ % 2 == 0 else (1, 0)):
            crate, target = sides[i]
            (crate / "src" / "lib.rs").touch()
            times[i].append(build(crate, target, env))
    return [statistics.median(t) for t in times]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("before", type=Path, help="the first binary (the baseline)")
    p.add_argument("after", type=Path, help="the second binary")
    p.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    p.add_argument("--only", action="append", default=[], metavar="SUBSTRING",
                   help="specs whose file name contains SUBSTRING (repeatable; default: all)")
    p.add_argument("--runs", type=int, default=15, help="timed runs per binary and spec")
    p.add_argument("--instructions", action="store_true",
                   help="also count instructions of one run each (valgrind)")
    p.add_argument("--compile-runs", type=int, default=0,
                   help="also time compiling each binary's crate, N runs each (default: 0, not)")
    args = p.parse_args()

    specs = sorted(s for s in args.corpus.iterdir()
                   if s.suffix in (".json", ".yaml", ".yml")
                   and (not args.only or any(o in s.name for o in args.only)))
    if not specs:
        raise SystemExit(f"no spec matches in {args.corpus}")
    binaries = [args.before.resolve(), args.after.resolve()]
    # As in bench/run.py: a panic's backtrace would cost time.
    env = {k: v for k, v in os.environ.items() if k != "RUST_BACKTRACE"}
    print(f"before: {binaries[0]}\nafter:  {binaries[1]}\n"
          f"median of {args.runs} runs each, alternating; ratio = before / after (> 1: after is faster)\n")
    header = "| spec | before ms | after ms | ratio |"
    rule = "|---|---:|---:|---:|"
    if args.instructions:
        header += " before Minstr | after Minstr | ratio |"
        rule += "---:|---:|---:|"
    print(header)
    print(rule)
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "crate"
        for spec in specs:
            times: list[list[float]] = [[], []]
            for round_ in range(args.runs + 1):
                order = (0, 1) if round_ % 2 == 0 else (1, 0)
                for i in order:
                    elapsed = run_once(binaries[i], spec, out, env)
                    if round_ > 0:  # the first round warms the page cache
                        times[i].append(elapsed)
            before, after = (statistics.median(t) for t in times)
            row = f"| {spec.name} | {before:.2f} | {after:.2f} | {before / after:.3f} |"
            if args.instructions:
                counts = [instructions(b, spec, out) for b in binaries]
                if None in counts:
                    row += " - | - | - |"
                else:
                    row += f" {counts[0] / 1e6:.1f} | {counts[1] / 1e6:.1f} | {counts[0] / counts[1]:.3f} |"
            print(row, flush=True)
    if args.compile_runs:
        print(f"\ncompile: median of {args.compile_runs}, alternating; ratio = after / before "
              f"(< 1: after compiles faster)\n")
        print("| spec | before s | after s | ratio |")
        print("|---|---:|---:|---:|")
        for spec in specs:
            before, after = compile_times(binaries, spec, args.compile_runs, env)
            print(f"| {spec.name} | {before:.2f} | {after:.2f} | {after / before:.3f} |", flush=True)


if __name__ == "__main__":
    main()
