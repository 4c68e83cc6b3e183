#!/usr/bin/env python3
"""Benchmark openapi-rustgen against progenitor on the shared OpenAPI corpus.

One run of this script measures both tools on the same specs, alternating
them run by run so that machine noise (a shared 2-core VM) hits both alike:

1. setup: makes sure `cargo-progenitor` 0.15.1 is there (installs it into
   <repo>/target/bench-tools if missing, with its own CARGO_TARGET_DIR under
   /tmp; `--progenitor PATH` uses an existing binary instead) and builds our
   release binary (`cargo build --release -p openapi-rustgen-cli`), then runs a
   copy of it (target/bench/bin/) since the work tree is shared and
   target/release may be rebuilt by someone else mid-run.
2. generation: per spec, one untimed warm-up run of each tool, then --runs
   timed runs of each, alternating ours/peer (the order is swapped every
   round).  Wall time is measured here around posix_spawn + wait4, with no
   wrapper process in the timed span.  The peak memory is read in the
   warm-up run: the child's "Maximum resident set size" from
   `/usr/bin/time -v` when that exists, else `ru_maxrss` of the rusage that
   `os.wait4` returns (both are the largest single process of the child's
   tree that was waited for: for progenitor, itself or its rustfmt child;
   without GNU time the figure includes the Python process the child was
   spawned from).  Output
   lines = lines of every .rs file of the produced crate; operations =
   operation methods (ours: `pub fn` on the client returning a request
   builder; the peer's: `pub async fn`).
3. compile (skipped by --no-compile): for specs both tools generate (with
   --compile-all: also ours alone on the others), the last generated crates
   are copied into one scratch Cargo workspace (<repo>/target/bench/compile,
   its own `[workspace]` Cargo.toml) so dependencies are shared.  Each crate
   is built once untimed (dependencies), then timed --compile-runs times as
   `touch src/lib.rs && CARGO_INCREMENTAL=0 cargo build -p CRATE` (dev
   profile), alternating tools.
4. report: a Markdown table per spec, the failures, a summary (counts,
   geometric means, generation time per MB of spec) and the issue's
   targets.  --out FILE also writes it; the raw figures go to
   <repo>/target/bench/results.json.

It is a benchmark, not a test: nothing in CI runs it; the exit code is 0
unless the script itself cannot run.  Standard library only.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "target" / "bench"
TOOLS = REPO / "target" / "bench-tools"
OURS_BUILT = REPO / "target" / "release" / "openapi-rustgen"
# The work tree is shared: someone may rebuild target/release mid-run, so the
# benchmark runs a copy taken right after our build.
OURS_BIN = BENCH / "bin" / "openapi-rustgen"
PEER_CRATE = "cargo-progenitor"
PEER_VERSION = "0.15.1"
GNU_TIME = "/usr/bin/time"
SPEC_SUFFIXES = (".json", ".yaml", ".yml")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
TOOL_NAMES = {"ours": "openapi-rustgen", "peer": "progenitor"}


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- processes


@dataclass
class Measure:
    code: int | None  # exit code; None = killed on timeout
    wall_s: float
    maxrss_mb: float | None  # largest single process, MiB
    cpu_s: float  # user + sys of the child tree that was waited for
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.code == 0


def kib_to_mb(kib: float) -> float:
    """ru_maxrss / GNU time report KiB; we print MiB, as BASELINE.md does."""
    return kib / 1024.0


def measure(cmd: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None,
            timeout: float | None = None, use_gnu_time: bool = False) -> Measure:
    """Runs `cmd` in its own session; wall clock around spawn + reap.

    The child is started with os.posix_spawn (vfork + exec: no copy of this
    Python process, so the launch costs both tools well under a millisecond)
    and reaped with os.wait4, whose rusage gives its peak RSS and CPU time
    without any extra process.  With use_gnu_time the command is wrapped in
    `/usr/bin/time -v -o FILE` and the RSS is read from FILE (same figure:
    GNU time uses wait4 on its own child), at the cost of one more exec in
    the timed span.
    """
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        out_path, err_path, time_path = (Path(tmp) / n for n in ("out", "err", "time"))
        full = ([GNU_TIME, "-v", "-o", str(time_path)] + cmd) if use_gnu_time else cmd
        program = shutil.which(full[0]) or full[0]
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, str(out_path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
            (os.POSIX_SPAWN_OPEN, 2, str(err_path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
        ]
        child_env = dict(os.environ if env is None else env)
        old_cwd = os.getcwd()
        if cwd is not None:
            os.chdir(cwd)
        try:
            start = time.perf_counter()
            pid = os.posix_spawn(program, full, child_env, file_actions=actions, setsid=True)
        finally:
            os.chdir(old_cwd)
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        try:
            _, status, usage = os.wait4(pid, 0)
        finally:
            if timer:
                timer.cancel()
        wall = time.perf_counter() - start
        returncode = os.waitstatus_to_exitcode(status)
        stdout = out_path.read_text(errors="replace")
        stderr = err_path.read_text(errors="replace")
        rss_kib: float | None = float(usage.ru_maxrss)
        if use_gnu_time:
            report = time_path.read_text(errors="replace") if time_path.exists() else ""
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report)
            rss_kib = float(m.group(1)) if m else None
            # GNU time's own "Command exited with non-zero status" line is in
            # the -o file, not in stderr, so stderr is the tool's alone.
    code = None if timed_out.is_set() else returncode
    return Measure(code, wall, kib_to_mb(rss_kib) if rss_kib is not None else None,
                   usage.ru_utime + usage.ru_stime, stdout, stderr)


def run_checked(cmd: list[str], *, cwd: Path | None = None,
                env: dict[str, str] | None = None) -> None:
    log(f"$ {' '.join(cmd)}")
    subprocess.run(cmd, cwd=cwd, env=env, check=True)


# ---------------------------------------------------------------- helpers


def first_error_line(stderr: str, stdout: str = "") -> str:
    lines = [l.strip() for l in stderr.splitlines() if l.strip()]
    for i, line in enumerate(lines):  # Rust panic: location line, then message
        if "panicked at" in line:
            msg = lines[i + 1] if i + 1 < len(lines) else ""
            loc = re.search(r"panicked at ([^\s]+?):?$", line)
            where = loc.group(1).rsplit("/", 1)[-1] if loc else line
            return f"panic ({where}): {msg}".strip()
    for line in lines:
        if line.startswith("error") or line.startswith("Error"):
            # progenitor ends with a generic "Error: generation experienced
            # errors" on stderr and prints the cause ("gen fail: …") on stdout.
            cause = next((l.strip() for l in stdout.splitlines()
                          if re.search(r"fail|error", l, re.I)), None)
            return f"{line}: {cause}" if cause and "experienced errors" in line else line
    if lines:
        return lines[0]
    out = [l.strip() for l in stdout.splitlines() if l.strip()]
    return out[-1] if out else "(no message)"


def cargo_error_line(output: str) -> str:
    for line in output.splitlines():
        s = line.strip()
        if s.startswith("error") and not s.startswith("error: could not compile"):
            return s
    return first_error_line(output)


def count_rs_lines(crate_dir: Path) -> int:
    total = 0
    for path in crate_dir.rglob("*.rs"):
        if "target" in path.relative_to(crate_dir).parts:
            continue
        with open(path, "rb") as f:
            total += sum(1 for _ in f)
    return total


# An operation method: ours return a request builder, the peer's are `pub async fn`.
OPERATION_METHOD = {
    "ours": re.compile(rb"\bpub\s+fn\s+\w+\(\s*&self[^)]*\)\s*->\s*builder::"),
    "peer": re.compile(rb"\bpub\s+async\s+fn\b"),
}


def count_operation_methods(tool: str, crate_dir: Path) -> int:
    """Operation methods in the crate's .rs files (the API surface)."""
    total = 0
    for path in crate_dir.rglob("*.rs"):
        if "target" in path.relative_to(crate_dir).parts:
            continue
        total += len(OPERATION_METHOD[tool].findall(path.read_bytes()))
    return total


def count_operations(spec: Path) -> int | None:
    """Operations (method entries under `paths`), without a YAML library.

    JSON is parsed; YAML is scanned line by line, which handles the block
    style every YAML spec of the corpus uses (None if it cannot tell)."""
    try:
        if spec.suffix == ".json":
            doc = json.loads(spec.read_bytes())
            return sum(1 for item in (doc.get("paths") or {}).values()
                       if isinstance(item, dict) for k in item if k in HTTP_METHODS)
        lines = spec.read_text(errors="replace").splitlines()
    except (OSError, ValueError):
        return None
    try:
        start = next(i for i, l in enumerate(lines) if re.match(r"^paths:\s*(#.*)?$", l))
    except StopIteration:
        return None
    key = re.compile(r"^( *)(['\"]?)([^'\":#][^:]*?)\2:(\s|$)")
    path_indent = method_indent = None
    count = 0
    for line in lines[start + 1:]:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith(" "):
            break  # next top-level key
        m = key.match(line)
        if not m:
            continue
        ind = len(m.group(1))
        if path_indent is None:
            path_indent = ind
        if ind == path_indent:
            continue
        if method_indent is None and ind > path_indent:
            method_indent = ind
        if ind == method_indent and m.group(3) in HTTP_METHODS:
            count += 1
    return count


def package_name(tool: str, spec: Path) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", spec.stem.lower()).strip("-") or "spec"
    return f"{tool}-{stem}"


def median(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


def geomean(xs: list[float]) -> float | None:
    xs = [x for x in xs if x and x > 0]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def fmt(x: float | None, digits: int = 1, suffix: str = "") -> str:
    return "-" if x is None else f"{x:.{digits}f}{suffix}"


def md_cell(text: str, limit: int = 150) -> str:
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.replace("|", "\\|").replace("`", "'")


# ---------------------------------------------------------------- setup


def peer_installed_version(root: Path) -> str | None:
    """The cargo-progenitor version `cargo install --root root` recorded."""
    meta = root / ".crates2.json"
    try:
        installs = json.loads(meta.read_text()).get("installs", {})
    except (OSError, ValueError):
        return None
    for key in installs:
        parts = key.split()
        if len(parts) >= 2 and parts[0] == PEER_CRATE:
            return parts[1]
    return None


def ensure_peer(explicit: str | None) -> Path:
    if explicit:
        path = Path(explicit).resolve()
        if not os.access(path, os.X_OK):
            sys.exit(f"--progenitor {explicit}: not an executable file")
        return path
    binary = TOOLS / "bin" / PEER_CRATE
    version = peer_installed_version(TOOLS)
    if binary.exists() and version == PEER_VERSION:
        return binary
    log(f"installing {PEER_CRATE} {PEER_VERSION} into {TOOLS} (takes several minutes)")
    env = dict(os.environ)
    env["CARGO_TARGET_DIR"] = str(Path(tempfile.gettempdir()) / "openapi-rustgen-bench-progenitor")
    run_checked(["cargo", "install", PEER_CRATE, "--version", PEER_VERSION, "--locked",
                 "--root", str(TOOLS)], env=env)
    return binary


def build_ours() -> None:
    run_checked(["cargo", "build", "--release", "-p", "openapi-rustgen-cli"], cwd=REPO)


def capture(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


def machine_note(gnu_time: bool = False) -> dict[str, str]:
    free = capture(["free", "-g"]).splitlines()
    mem = next((l.split()[1] for l in free if l.startswith("Mem:")), "?")
    head = capture(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"])
    dirty = capture(["git", "-C", str(REPO), "status", "--porcelain", "--", "generator"])
    return {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "nproc": capture(["nproc"]),
        "mem_gb": mem,
        "rustc": capture(["rustc", "-V"]),
        "commit": head + (" + uncommitted generator/ changes" if dirty else ""),
        "rss_source": "/usr/bin/time -v" if gnu_time else "os.wait4 ru_maxrss",
        "load_start": loadavg(),
    }


def loadavg() -> str:
    """1/5/15-minute load averages: > nproc means other work shared the CPUs."""
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


# ---------------------------------------------------------------- results


@dataclass
class ToolResult:
    ok: bool | None = None  # from the warm-up run, confirmed by the timed runs
    error: str = ""
    times_ms: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    cpu_s: list[float] = field(default_factory=list)
    lines: int | None = None
    pub_async_fn: int | None = None
    compile_ok: bool | None = None
    compile_error: str = ""
    compile_s: list[float] = field(default_factory=list)
    compile_rss_mb: list[float] = field(default_factory=list)

    @property
    def gen_ms(self) -> float | None:
        return median(self.times_ms)

    @property
    def max_rss(self) -> float | None:
        return max(self.rss_mb) if self.rss_mb else None

    @property
    def compile_median(self) -> float | None:
        return median(self.compile_s)


@dataclass
class SpecResult:
    spec: str
    bytes: int
    ops: int | None
    ours: ToolResult = field(default_factory=ToolResult)
    peer: ToolResult = field(default_factory=ToolResult)

    def tool(self, name: str) -> ToolResult:
        return self.ours if name == "ours" else self.peer

    @property
    def both(self) -> bool:
        return bool(self.ours.ok and self.peer.ok)

    @property
    def gen_ratio(self) -> float | None:
        o, p = self.ours.gen_ms, self.peer.gen_ms
        return p / o if self.both and o and p else None

    @property
    def compile_ratio(self) -> float | None:
        o, p = self.ours.compile_median, self.peer.compile_median
        if self.ours.compile_ok and self.peer.compile_ok and o and p:
            return o / p
        return None


# ---------------------------------------------------------------- phases


def gen_command(tool: str, binary: Path, spec: Path, out_dir: Path, name: str) -> list[str]:
    if tool == "ours":
        return [str(binary), "generate", "--spec", str(spec), "--crate", str(out_dir),
                "--name", name]
    return [str(binary), "progenitor", "-i", str(spec), "-o", str(out_dir), "-n", name,
            "-v", "0.1.0"]


def generation_phase(specs: list[Path], bins: dict[str, Path], args) -> list[SpecResult]:
    results = []
    use_time = Path(GNU_TIME).exists() and not args.no_gnu_time
    # A panic with RUST_BACKTRACE set spends time and memory on the backtrace;
    # BASELINE.md measured progenitor's failures with it unset.
    env = {k: v for k, v in os.environ.items()
           if k not in ("RUST_BACKTRACE", "RUST_LIB_BACKTRACE")}
    for spec in specs:
        res = SpecResult(spec.name, spec.stat().st_size, count_operations(spec))
        results.append(res)
        dirs = {t: BENCH / "gen" / t / package_name(t, spec) for t in ("ours", "peer")}

        def once(tool: str, timed: bool) -> None:
            out_dir = dirs[tool]
            shutil.rmtree(out_dir, ignore_errors=True)
            out_dir.parent.mkdir(parents=True, exist_ok=True)
            cmd = gen_command(tool, bins[tool], spec, out_dir, package_name(tool, spec))
            # Memory is read in the untimed warm-up, under GNU time: os.wait4's
            # figure for a posix_spawn'ed child includes the Python process it
            # was cloned from. Timed runs go without the wrapper.
            m = measure(cmd, env=env, timeout=args.timeout, use_gnu_time=use_time and not timed)
            tr = res.tool(tool)
            ok = m.ok and (out_dir / "Cargo.toml").exists()
            if tr.ok is None:
                tr.ok = ok
            elif tr.ok != ok:  # a flaky tool: count it as failing, say so
                tr.error = tr.error or "result differs between runs"
                tr.ok = False
            if not ok and not tr.error:
                tr.error = ("timed out" if m.code is None
                            else first_error_line(m.stderr, m.stdout)
                            + ("" if m.ok else f" (exit {m.code})"))
            if timed:
                tr.times_ms.append(m.wall_s * 1000)
                tr.cpu_s.append(m.cpu_s)
            elif m.maxrss_mb is not None:
                tr.rss_mb.append(m.maxrss_mb)

        order = ["ours", "peer"]
        for tool in order:
            for _ in range(args.warmup):
                once(tool, timed=False)
        for i in range(args.runs):
            for tool in (order if i % 2 == 0 else order[::-1]):
                once(tool, timed=True)
        for tool in order:
            tr = res.tool(tool)
            if tr.ok:
                tr.lines = count_rs_lines(dirs[tool])
                tr.pub_async_fn = count_operation_methods(tool, dirs[tool])
        log(f"gen {spec.name}: ours {'ok' if res.ours.ok else 'FAILED'} "
            f"{fmt(res.ours.gen_ms)} ms, peer {'ok' if res.peer.ok else 'FAILED'} "
            f"{fmt(res.peer.gen_ms)} ms, ratio {fmt(res.gen_ratio, 1, 'x')}")
    return results


WORKSPACE_TABLE = re.compile(r"(?ms)^\[workspace[^\]]*\].*?(?=^\[|\Z)")
RUNTIME_PATH = re.compile(r'path = "[^"]*runtime"')


def compile_phase(specs: list[Path], results: list[SpecResult], args) -> None:
    root = BENCH / "compile"
    root.mkdir(parents=True, exist_ok=True)
    jobs: list[tuple[SpecResult, list[str]]] = []
    for spec, res in zip(specs, results):
        if res.both:
            jobs.append((res, ["ours", "peer"]))
        elif args.compile_all and res.ours.ok:
            jobs.append((res, ["ours"]))
    if not jobs:
        log("compile: no spec to compile")
        return
    members = []
    for (res, tools) in jobs:
        spec = next(s for s in specs if s.name == res.spec)
        for tool in tools:
            name = package_name(tool, spec)
            dst = root / name
            shutil.rmtree(dst, ignore_errors=True)
            shutil.copytree(BENCH / "gen" / tool / name, dst)
            manifest = dst / "Cargo.toml"
            # A member must not declare a workspace of its own, and our
            # crate's relative path to the runtime crate moved with the copy.
            text = WORKSPACE_TABLE.sub("", manifest.read_text())
            text = RUNTIME_PATH.sub(f'path = "{REPO / "runtime"}"', text)
            manifest.write_text(text)
            members.append(name)
    (root / "Cargo.toml").write_text(
        "# Scratch workspace of bench/run.py: the generated crates being timed.\n"
        "[workspace]\nresolver = \"3\"\nmembers = [\n"
        + "".join(f"    \"{m}\",\n" for m in members) + "]\n")

    env = dict(os.environ)
    env.pop("CARGO_TARGET_DIR", None)  # the workspace's own target/
    env["CARGO_INCREMENTAL"] = "0"
    use_time = Path(GNU_TIME).exists() and not args.no_gnu_time

    def build(name: str) -> Measure:
        return measure(["cargo", "build", "-p", name], cwd=root, env=env,
                       timeout=args.compile_timeout, use_gnu_time=use_time)

    for (res, tools) in jobs:
        spec = next(s for s in specs if s.name == res.spec)
        runs = {}
        for tool in tools:  # dependencies (and a first build), untimed
            name = package_name(tool, spec)
            log(f"compile {name}: building dependencies (untimed)")
            m = build(name)
            tr = res.tool(tool)
            tr.compile_ok = m.ok
            if not m.ok:
                tr.compile_error = ("timed out" if m.code is None
                                    else cargo_error_line(m.stderr))
            # A crate that does not compile is timed once, to its error.
            runs[tool] = args.compile_runs if m.ok else 1
        for i in range(args.compile_runs):
            for tool in (tools if i % 2 == 0 else tools[::-1]):
                if i >= runs[tool]:
                    continue
                name = package_name(tool, spec)
                os.utime(root / name / "src" / "lib.rs")  # touch
                m = build(name)
                tr = res.tool(tool)
                if m.ok != tr.compile_ok:
                    tr.compile_ok = False
                    tr.compile_error = tr.compile_error or "result differs between builds"
                tr.compile_s.append(m.wall_s)
                if m.maxrss_mb is not None:
                    tr.compile_rss_mb.append(m.maxrss_mb)
        log(f"compile {res.spec}: ours {fmt(res.ours.compile_median, 2)} s, "
            f"peer {fmt(res.peer.compile_median, 2)} s, ratio {fmt(res.compile_ratio, 2)}")


# ---------------------------------------------------------------- report


def report(results: list[SpecResult], args, machine: dict[str, str], peer_bin: Path,
           compiled: bool) -> str:
    out: list[str] = []
    w = out.append
    w(f"Machine: {machine['nproc']} cores, {machine['mem_gb']} GB RAM, {machine['rustc']}; "
      f"{machine['date']}; our commit {machine['commit']}; peer: {peer_bin.name} "
      f"{PEER_VERSION}; max RSS from {machine['rss_source']}; load average "
      f"{machine['load_start']} at the start, {machine.get('load_end', '?')} at the end.")
    w("")
    w(f"Generation: median of {args.runs} runs per tool (after {args.warmup} untimed warm-up), "
      "alternating ours/peer run by run. Compile: `touch src/lib.rs && CARGO_INCREMENTAL=0 "
      f"cargo build -p CRATE` (dev profile), median of {args.compile_runs}, alternating."
      if compiled else
      f"Generation: median of {args.runs} runs per tool (after {args.warmup} untimed warm-up), "
      "alternating ours/peer run by run. Compile phase not run (--no-compile).")
    w("")
    w("| spec | bytes | ops | ours gen ms | peer gen ms | ratio peer/ours | max RSS MB ours/peer "
      "| .rs lines ours/peer | operation methods ours/peer | compile s ours/peer | compile ratio ours/peer |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    failures: list[str] = []
    for r in results:
        def gen_cell(t: ToolResult, tool: str) -> str:
            if t.ok:
                return fmt(t.gen_ms)
            failures.append(f"- {r.spec}: {TOOL_NAMES[tool]} failed: `{md_cell(t.error, 300)}`")
            return f"FAILED ({fmt(t.gen_ms, 0)} ms to failure)"

        def comp_cell(t: ToolResult) -> str:
            if t.compile_ok is None:
                return "-"
            if t.compile_ok:
                return fmt(t.compile_median, 2)
            return f"no ({fmt(t.compile_median, 1)} to error)"

        def pair(a, b, digits=None) -> str:
            f = (lambda x: "-" if x is None else str(x)) if digits is None else \
                (lambda x: fmt(x, digits))
            return f"{f(a)} / {f(b)}"

        o, p = r.ours, r.peer
        cells = [
            r.spec, str(r.bytes), "?" if r.ops is None else str(r.ops),
            gen_cell(o, "ours"), gen_cell(p, "peer"), fmt(r.gen_ratio, 1, "x"),
            pair(o.max_rss, p.max_rss, 0), pair(o.lines, p.lines),
            pair(o.pub_async_fn, p.pub_async_fn),
            f"{comp_cell(o)} / {comp_cell(p)}", fmt(r.compile_ratio, 2),
        ]
        for tool, t in (("ours", o), ("peer", p)):
            if t.compile_ok is False:
                failures.append(f"- {r.spec}: the crate of {TOOL_NAMES[tool]} does not compile: "
                                f"`{md_cell(t.compile_error, 300)}`")
        w("| " + " | ".join(cells) + " |")
    w("")
    if failures:
        w("Failures (first error line):")
        w("")
        out.extend(failures)
        w("")

    n = len(results)
    both = [r for r in results if r.both]
    w("Summary:")
    w("")
    w(f"- generates: ours {sum(1 for r in results if r.ours.ok)}/{n}, "
      f"progenitor {sum(1 for r in results if r.peer.ok)}/{n}, both {len(both)}/{n}.")
    ratios = [r.gen_ratio for r in both if r.gen_ratio]
    if ratios:
        worst = min(both, key=lambda r: r.gen_ratio or math.inf)
        w(f"- generation speed-up (peer/ours, specs both generate): geometric mean "
          f"{fmt(geomean(ratios), 1, 'x')}, min {fmt(worst.gen_ratio, 1, 'x')} ({worst.spec}), "
          f"max {fmt(max(ratios), 1, 'x')}.")
    cpu = [median(r.peer.cpu_s) / median(r.ours.cpu_s) for r in both
           if r.ours.cpu_s and r.peer.cpu_s and median(r.ours.cpu_s)]
    if cpu:
        w(f"- CPU time (user+sys, child tree) ratio peer/ours: geometric mean "
          f"{fmt(geomean(cpu), 1, 'x')}, min {fmt(min(cpu), 1, 'x')} (less sensitive than wall "
          "time to other load on the machine).")
    mism = [r for r in both if r.ops is not None and r.ours.pub_async_fn is not None
            and r.ours.pub_async_fn != r.peer.pub_async_fn]
    if both:
        w("- API surface (operation methods: ours returning a builder, the peer's `pub async fn`): "
          + ("same count on every spec both generate."
             if not mism else "differs on " + ", ".join(
                 f"{r.spec} ({r.ours.pub_async_fn} vs {r.peer.pub_async_fn}, spec ops {r.ops})"
                 for r in mism) + "."))
    cratios = [r.compile_ratio for r in results if r.compile_ratio]
    if cratios:
        w(f"- compile time (ours/peer): geometric mean {fmt(geomean(cratios), 2)} over "
          f"{len(cratios)} spec(s).")
    w("")
    # Generation time against spec size: is ours about linear?
    sized = sorted((r for r in results if r.ours.ok and r.ours.gen_ms), key=lambda r: r.bytes)
    if sized:
        w("Generation time vs spec size (ms per MB of spec; about constant = linear):")
        w("")
        w("| spec | MB | ours ms | ours ms/MB | peer ms | peer ms/MB |")
        w("|---|---:|---:|---:|---:|---:|")
        for r in sized:
            mb = r.bytes / 1e6
            peer = r.peer.gen_ms if r.peer.ok else None
            w(f"| {r.spec} | {mb:.3f} | {fmt(r.ours.gen_ms)} | {fmt(r.ours.gen_ms / mb, 0)} "
              f"| {fmt(peer)} | {fmt(peer / mb if peer else None, 0)} |")
        big = [r for r in sized if r.bytes >= 100_000]
        if len(big) >= 3:
            xs = [math.log(r.bytes) for r in big]
            ys = [math.log(r.ours.gen_ms) for r in big]
            mx, my = statistics.fmean(xs), statistics.fmean(ys)
            slope = (sum((x - mx) * (y - my) for x, y in zip(xs, ys))
                     / sum((x - mx) ** 2 for x in xs))
            w("")
            w(f"Log-log slope of ours' generation time against spec bytes, specs >= 100 KB "
              f"({len(big)} specs): {slope:.2f} (1.0 = linear; < 1 = fixed costs still "
              f"visible; > 1 = superlinear).")
        w("")

    # The targets.
    w("Targets from the issue:")
    w("")
    n_targets = len(out)
    if both:
        slow = [r for r in both if r.gen_ratio is not None and r.gen_ratio < 10]
        w(f"- ours >= 10x faster than progenitor on every spec both generate: "
          + ("MET" if not slow else "MISSED on " + ", ".join(
              f"{r.spec} ({fmt(r.gen_ratio, 1, 'x')})" for r in slow)) + ".")
    gh = next((r for r in results if "github" in r.spec), None)
    if gh:
        if gh.ours.ok and gh.ours.gen_ms is not None:
            w(f"- {gh.spec} ({gh.bytes / 1e6:.1f} MB) under 1 s: "
              f"{'MET' if gh.ours.gen_ms < 1000 else 'MISSED'} ({fmt(gh.ours.gen_ms, 0)} ms).")
        else:
            w(f"- {gh.spec} under 1 s: MISSED (ours fails on it).")
    for key in ("omicron-nexus", "progenitor-nexus"):
        r = next((r for r in results if key in r.spec), None)
        if r is None:
            continue
        if r.compile_ratio is not None:
            w(f"- {r.spec} compiles in <= half progenitor's time: "
              f"{'MET' if r.compile_ratio <= 0.5 else 'MISSED'} (ratio {r.compile_ratio:.2f}).")
        elif r.ours.compile_ok is False:
            w(f"- {r.spec} compiles in <= half progenitor's time: MISSED (our crate does not "
              "compile).")
        else:
            w(f"- {r.spec} compile target: not measured in this run.")
    if len(out) == n_targets:
        w("- none applies to the specs of this run.")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus",
                    help="folder of specs (default: ../shared/corpus from the repo root)")
    ap.add_argument("--only", action="append", default=[], metavar="SUBSTR",
                    help="only specs whose file name contains SUBSTR (repeatable)")
    ap.add_argument("--runs", type=int, default=5, help="timed generation runs per tool")
    ap.add_argument("--warmup", type=int, default=1, help="untimed generation runs per tool")
    ap.add_argument("--compile-runs", type=int, default=3, help="timed builds per crate")
    ap.add_argument("--no-compile", action="store_true", help="skip the compile phase")
    ap.add_argument("--compile-all", action="store_true",
                    help="also compile our crate for specs progenitor fails on")
    ap.add_argument("--progenitor", metavar="PATH", help="use this cargo-progenitor binary")
    ap.add_argument("--no-build", action="store_true",
                    help="do not rebuild our release binary (use the one in target/release)")
    ap.add_argument("--no-gnu-time", action="store_true",
                    help="read max RSS from os.wait4 even if /usr/bin/time exists")
    ap.add_argument("--timeout", type=float, default=600, help="seconds per generation run")
    ap.add_argument("--compile-timeout", type=float, default=1800, help="seconds per build")
    ap.add_argument("--out", type=Path,
                    help="also write the report (Markdown) here, and the raw figures to the "
                    "same path with a .json suffix")
    args = ap.parse_args()
    if args.runs < 1 or args.compile_runs < 1 or args.warmup < 1:
        ap.error("--runs, --compile-runs and --warmup must be >= 1 (the warm-up reads memory)")

    corpus = args.corpus.resolve()
    specs = sorted((p for p in corpus.iterdir() if p.suffix in SPEC_SUFFIXES),
                   key=lambda p: p.stat().st_size) if corpus.is_dir() else []
    if args.only:
        specs = [s for s in specs if any(o in s.name for o in args.only)]
    if not specs:
        sys.exit(f"no spec in {corpus}" + (f" matching {args.only}" if args.only else ""))

    peer = ensure_peer(args.progenitor)
    if not args.no_build:
        build_ours()
    if not OURS_BUILT.exists():
        sys.exit(f"{OURS_BUILT} is missing: build it or drop --no-build")
    OURS_BIN.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(OURS_BUILT, OURS_BIN)
    machine = machine_note(Path(GNU_TIME).exists() and not args.no_gnu_time)
    log(f"{len(specs)} spec(s) from {corpus}; peer {peer}")

    BENCH.mkdir(parents=True, exist_ok=True)
    results = generation_phase(specs, {"ours": OURS_BIN, "peer": peer}, args)
    if not args.no_compile:
        compile_phase(specs, results, args)

    machine["load_end"] = loadavg()
    text = report(results, args, machine, peer, compiled=not args.no_compile)
    print(text)
    if args.out:
        args.out.write_text(text)
    raw = {"machine": machine, "args": {k: str(v) for k, v in vars(args).items()},
           "results": [asdict(r) for r in results]}
    (BENCH / "results.json").write_text(json.dumps(raw, indent=1) + "\n")
    if args.out:
        args.out.with_suffix(".json").write_text(json.dumps(raw, indent=1) + "\n")


if __name__ == "__main__":
    main()
