#!/usr/bin/env python3
"""Run openapi-rustgen over every spec of the shared corpus and report.

For each spec in the corpus folder (default: <repo>/../shared/corpus) this
script generates a standalone crate with the release binary, times the
generation (median of --runs), counts the generated lines and checks that
the crate passes `cargo clippy -- -D warnings`.  It prints a Markdown table, a summary
line and, for the crates that do not compile, the first compiler errors
with the offending generated source lines.

All crates are generated under one scratch folder (default
<repo>/target/corpus/) that is made a Cargo workspace of its own, so that
the dependencies are compiled once; every crate is then checked on its own
(`cargo clippy -p NAME -- -D warnings`) so that one failing crate does not
hide the others.

It is a report, not a gate: the exit code is 0 unless the script itself
breaks, or --require-all is given and some spec fails to generate or
compile (exit 1).

Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

SPEC_SUFFIXES = (".json", ".yaml", ".yml")
REPO = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------- processes


@dataclass
class Run:
    code: int | None  # None: timed out
    stdout: str
    stderr: str
    seconds: float


def run(cmd: list[str], cwd: Path | None = None, timeout: float | None = None,
        env: dict[str, str] | None = None) -> Run:
    """Run `cmd` in its own process group; on timeout kill that group only."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=True, text=True, errors="replace",
    )
    try:
        out, err = proc.communicate(timeout=timeout)
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = proc.communicate()
        code = None
    return Run(code, out, err, time.perf_counter() - start)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- helpers


def is_root_document(path: Path) -> bool:
    head = path.read_text(encoding="utf-8", errors="replace")[:4096]
    return re.search(r'^openapi\s*:|"openapi"\s*:', head, re.M) is not None


def crate_name(spec: Path) -> str:
    """A Cargo package name for the spec: `c-` + the sanitized file stem."""
    stem = re.sub(r"[^a-z0-9]+", "-", spec.stem.lower()).strip("-")
    return f"c-{stem or 'spec'}"


def first_error_line(stderr: str) -> str:
    lines = [l.strip() for l in stderr.splitlines() if l.strip()]
    if not lines:
        return "(no message)"
    # A Rust panic: "thread 'main' panicked at FILE:L:C:" then the message.
    for i, line in enumerate(lines):
        if "panicked at" in line:
            msg = lines[i + 1] if i + 1 < len(lines) else ""
            return f"{line} {msg}".strip()
    for line in lines:
        if line.startswith("error"):
            return line
    return lines[0]


def count_warnings(stderr: str) -> int:
    m = re.search(r"^(\d+) warning\(s\)", stderr, re.M)
    if m:
        return int(m.group(1))
    return sum(1 for l in stderr.splitlines() if l.startswith("warning:"))


def count_rs_lines(crate_dir: Path) -> int:
    total = 0
    for path in crate_dir.rglob("*.rs"):
        if "target" in path.relative_to(crate_dir).parts:
            continue
        with open(path, "rb") as f:
            total += sum(1 for _ in f)
    return total


def md_cell(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.replace("|", "\\|").replace("`", "'")


# rustc short format: "path:line:col: error[E0425]: message" (or "error: ...").
SHORT_DIAG = re.compile(r"^(?P<path>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+): "
                        r"(?P<level>error|warning)(?P<code>\[E\d+\])?: (?P<msg>.*)$")


@dataclass
class Diag:
    path: str
    line: int
    col: int
    text: str  # the whole short-format line


def compiler_errors(output: str) -> tuple[list[Diag], list[str]]:
    """Located errors, and other `error…` lines (manifest, resolution…)."""
    located: list[Diag] = []
    other: list[str] = []
    for line in output.splitlines():
        m = SHORT_DIAG.match(line)
        if m:
            if m.group("level") == "error":
                located.append(Diag(m.group("path"), int(m.group("line")),
                                    int(m.group("col")), line.strip()))
        elif line.startswith("error"):
            if line.startswith("error: could not compile"):
                continue
            other.append(line.strip())
    return located, other


def rustc_warning_count(output: str) -> int:
    return sum(1 for l in output.splitlines()
               if (m := SHORT_DIAG.match(l)) and m.group("level") == "warning")


def source_line(root: Path, diag: Diag) -> str | None:
    path = Path(diag.path)
    if not path.is_absolute():
        path = root / path
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for i, text in enumerate(f, 1):
                if i == diag.line:
                    return text.rstrip("\n")
    except OSError:
        return None
    return None


# ---------------------------------------------------------------- the report


@dataclass
class Result:
    spec: Path
    name: str
    crate_dir: Path
    size: int
    generated: bool = False
    gen_error: str = ""
    gen_stderr: str = ""
    warnings: int = 0
    times_ms: list[float] = field(default_factory=list)
    lines: int = 0
    checked: bool = False
    compiles: bool | None = None
    check_error: str = ""
    check_seconds: float | None = None
    check_output: str = ""
    rustc_warnings: int = 0

    @property
    def median_ms(self) -> float | None:
        return statistics.median(self.times_ms) if self.times_ms else None


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus",
                   help="folder of specs (default: <repo>/../shared/corpus)")
    p.add_argument("--scratch", type=Path, default=REPO / "target" / "corpus",
                   help="folder for the generated crates (default: <repo>/target/corpus)")
    p.add_argument("--runs", type=int, default=3, help="generation runs per spec (median)")
    p.add_argument("--only", action="append", default=[], metavar="SUBSTRING",
                   help="only specs whose file name contains SUBSTRING (repeatable)")
    p.add_argument("--no-check", action="store_true", help="skip cargo check")
    p.add_argument("--out", type=Path, help="also write the report to FILE")
    p.add_argument("--timeout", type=float, default=120.0,
                   help="seconds per generation run (default 120)")
    p.add_argument("--check-timeout", type=float, default=3600.0,
                   help="seconds per cargo check (default 3600)")
    p.add_argument("--details", type=int, default=3, metavar="N",
                   help="after the table, list up to N compiler errors per failing crate "
                        "with the offending source line (0: none; default 3)")
    p.add_argument("--require-all", action="store_true",
                   help="exit 1 if any spec fails to generate or compile")
    args = p.parse_args()
    if args.runs < 1:
        p.error("--runs must be at least 1")
    return args


def check_scratch(scratch: Path) -> None:
    for forbidden in ("spec", "generated"):
        bad = (REPO / forbidden).resolve()
        if scratch == bad or bad in scratch.parents:
            sys.exit(f"corpus.py: refusing scratch folder {scratch}: inside {bad}")
    if scratch == REPO or scratch in REPO.parents:
        sys.exit(f"corpus.py: refusing scratch folder {scratch}: it would hold the repository")


def build_generator() -> Path:
    log("building openapi-rustgen (release)…")
    r = run(["cargo", "build", "--release", "-p", "openapi-rustgen-cli"], cwd=REPO)
    if r.code != 0:
        sys.stderr.write(r.stderr)
        sys.exit("corpus.py: cargo build --release -p openapi-rustgen-cli failed")
    meta = run(["cargo", "metadata", "--format-version", "1", "--no-deps"], cwd=REPO)
    target = Path(json.loads(meta.stdout)["target_directory"]) if meta.code == 0 \
        else REPO / "target"
    exe = target / "release" / ("openapi-rustgen" + (".exe" if os.name == "nt" else ""))
    if not exe.is_file():
        sys.exit(f"corpus.py: built binary not found at {exe}")
    return exe


def generate(exe: Path, res: Result, runs: int, timeout: float) -> None:
    if res.crate_dir.exists():
        shutil.rmtree(res.crate_dir)
    cmd = [str(exe), "generate", "--spec", str(res.spec),
           "--crate", str(res.crate_dir), "--name", res.name]
    first: Run | None = None
    for _ in range(runs):
        r = run(cmd, cwd=REPO, timeout=timeout)
        if first is None:
            first = r
        if r.code is None:
            break
        res.times_ms.append(r.seconds * 1000.0)
    assert first is not None
    res.gen_stderr = first.stderr
    if first.code is None:
        res.gen_error = f"error: timed out after {timeout:g} s"
        res.times_ms = []
    elif first.code != 0:
        line = first_error_line(first.stderr)
        if first.code != 2:
            line = f"(exit {first.code}) {line}"
        res.gen_error = line
        res.warnings = count_warnings(first.stderr)
    else:
        res.generated = True
        res.warnings = count_warnings(first.stderr)
        res.lines = count_rs_lines(res.crate_dir)


def write_workspace(scratch: Path, members: list[str]) -> None:
    listed = "".join(f'    "{m}",\n' for m in members)
    (scratch / "Cargo.toml").write_text(
        "# Written by scripts/corpus.py: a workspace of its own for the corpus crates,\n"
        "# so that dependencies build once (and /work/main's workspace is not involved).\n"
        "[workspace]\n"
        'resolver = "3"\n'
        f"members = [\n{listed}]\n"
    )
    lock = scratch / "Cargo.lock"
    main_lock = REPO / "Cargo.lock"
    if not lock.exists() and main_lock.exists():
        # Seed with the main workspace's versions: same dependency versions as
        # the project, and no index update needed when they are cached.
        shutil.copyfile(main_lock, lock)


def cargo_check(scratch: Path, res: Result, timeout: float) -> None:
    env = dict(os.environ)
    env["CARGO_TARGET_DIR"] = str(scratch / "target")
    env.setdefault("CARGO_TERM_COLOR", "never")
    # clippy -D warnings: the generated code must be lint-clean, not only compile.
    r = run(["cargo", "clippy", "-p", res.name, "--message-format=short", "--color=never",
             "--", "-D", "warnings"],
            cwd=scratch, timeout=timeout, env=env)
    res.checked = True
    res.check_seconds = r.seconds
    res.check_output = r.stderr + r.stdout
    res.rustc_warnings = rustc_warning_count(res.check_output)
    if r.code is None:
        res.compiles = False
        res.check_error = f"cargo check timed out after {timeout:g} s"
        return
    res.compiles = r.code == 0
    if not res.compiles:
        located, other = compiler_errors(res.check_output)
        if located:
            res.check_error = located[0].text
        elif other:
            res.check_error = other[0]
        else:
            res.check_error = first_error_line(res.check_output)


def render(results: list[Result], args: argparse.Namespace, scratch: Path) -> str:
    out: list[str] = []
    header = ["spec", "bytes", "result", "warnings", f"gen ms (median of {args.runs})",
              "lines (.rs)", "clippy -D warnings", "clippy s"]
    out.append("| " + " | ".join(header) + " |")
    out.append("|" + "---|" * len(header))
    for r in results:
        result = "ok" if r.generated else md_cell(r.gen_error)
        ms = f"{r.median_ms:.1f}" if r.median_ms is not None else "-"
        lines = str(r.lines) if r.generated else "-"
        if not r.generated or not r.checked:
            compiles = "-"
        elif r.compiles:
            compiles = "yes"
        else:
            compiles = "no: " + md_cell(r.check_error)
        check_s = f"{r.check_seconds:.1f}" if r.check_seconds is not None else "-"
        out.append(f"| {r.spec.name} | {r.size} | {result} | {r.warnings} | {ms} | "
                   f"{lines} | {compiles} | {check_s} |")
    total = len(results)
    n_gen = sum(r.generated for r in results)
    total_ms = sum(r.median_ms or 0.0 for r in results)
    summary = f"{n_gen}/{total} generated"
    if args.no_check:
        summary += ", compile not checked"
    else:
        summary += f", {sum(bool(r.compiles) for r in results)}/{total} pass clippy -D warnings"
    summary += f", total generation time {total_ms:.1f} ms (sum of medians)"
    out.append("")
    out.append(summary)
    warm = min((r for r in results if r.checked), key=lambda r: r.lines, default=None)
    if warm is not None:
        out.append("")
        out.append(f"(`check s` of {warm.spec.name} includes the one-time dependency build.)")

    if args.details > 0:
        failing = [r for r in results if not r.generated or r.compiles is False]
        if failing:
            out.append("")
            out.append("## Failures")
        for r in failing:
            out.append("")
            out.append(f"### {r.spec.name}")
            if not r.generated:
                out.append("")
                out.append("generation failed:")
                out.append("```")
                out.append(r.gen_stderr.strip() or r.gen_error)
                out.append("```")
                continue
            located, other = compiler_errors(r.check_output)
            out.append("")
            out.append(f"cargo clippy -p {r.name}: {len(located) + len(other)} error(s), "
                       f"{r.rustc_warnings} warning(s); first {args.details}:")
            out.append("```")
            for line in other[: args.details]:
                out.append(line)
            for d in located[: max(0, args.details - len(other))]:
                out.append(d.text)
                src = source_line(scratch, d)
                if src is not None:
                    out.append(f"    {d.line:>6} | {src.strip()}")
            if not located and not other:
                out.append(r.check_error)
            out.append("```")
    return "\n".join(out) + "\n"


def main() -> int:
    args = parse_args()
    corpus = args.corpus.resolve()
    scratch = args.scratch.resolve()
    if not corpus.is_dir():
        sys.exit(f"corpus.py: corpus folder not found: {corpus}")
    check_scratch(scratch)

    specs = sorted(p for p in corpus.iterdir()
                   if p.is_file() and p.suffix.lower() in SPEC_SUFFIXES)
    # A folder is a multi-file spec: its root documents (top-level files
    # with an `openapi` field) are generated, the rest is read through them.
    for folder in sorted(p for p in corpus.iterdir() if p.is_dir()):
        specs.extend(sorted(p for p in folder.iterdir()
                            if p.is_file() and p.suffix.lower() in SPEC_SUFFIXES
                            and is_root_document(p)))
    if args.only:
        specs = [p for p in specs if any(s in p.name for s in args.only)]
    if not specs:
        sys.exit(f"corpus.py: no specs in {corpus}"
                 + (f" matching {args.only}" if args.only else ""))

    exe = build_generator()
    scratch.mkdir(parents=True, exist_ok=True)

    results: list[Result] = []
    names: set[str] = set()
    for spec in specs:
        name = crate_name(spec)
        base, i = name, 2
        while name in names:
            name, i = f"{base}-{i}", i + 1
        names.add(name)
        res = Result(spec, name, scratch / name, spec.stat().st_size)
        log(f"generating {spec.name} ({res.size} bytes) …")
        generate(exe, res, args.runs, args.timeout)
        log(f"  {'ok' if res.generated else res.gen_error}"
            + (f", {res.median_ms:.1f} ms" if res.median_ms is not None else ""))
        results.append(res)

    ok = [r for r in results if r.generated]
    write_workspace(scratch, [r.name for r in ok])
    if not args.no_check and ok:
        # The smallest crate first: its check builds the shared dependencies.
        for res in sorted(ok, key=lambda r: r.lines):
            log(f"cargo clippy -p {res.name} ({res.lines} lines) …")
            cargo_check(scratch, res, args.check_timeout)
            log(f"  {'yes' if res.compiles else 'no: ' + res.check_error} "
                f"({res.check_seconds:.1f} s)")

    report = render(results, args, scratch)
    sys.stdout.write(report)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(report)
    if args.require_all and any(not r.generated or (not args.no_check and not r.compiles)
                                for r in results):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
