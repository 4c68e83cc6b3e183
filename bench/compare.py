#!/usr/bin/env python3
"""Compare two builds of openapi-rustgen on corpus specs, side by side.

For measuring one change to the generator (`bench/run.py` measures against
progenitor). Both binaries run `generate --crate` on each spec, alternating
run by run (the order swapped every round); the report gives the median wall
time of each, their ratio, and with `--instructions` the instruction count of
one run of each under `valgrind --tool=callgrind` (repeatable whatever else
the machine is doing, unlike wall time).

    git worktree add /tmp/before HEAD~1
    (cd /tmp/before && CARGO_TARGET_DIR=/tmp/before-target cargo build --release -p openapi-rustgen-cli)
    cargo build --release -p openapi-rustgen-cli
    python3 bench/compare.py /tmp/before-target/release/openapi-rustgen target/release/openapi-rustgen \\
        --only propolis --only sled-agent --runs 21 --instructions
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


if __name__ == "__main__":
    main()
