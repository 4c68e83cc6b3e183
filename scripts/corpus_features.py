#!/usr/bin/env python3
"""What the generator made of each corpus spec: pagination, streams, fallbacks.

Reads the crates that `scripts/corpus.py` generated (its --scratch folder)
and, for each spec of the corpus folder, prints one Markdown row: the
operations, how many of them page and how the pagination was found, the
`x-dropshot-pagination` markers in the spec (each marked operation should
page), the operations whose success is a typed event stream or a JSON Lines
stream, and the schemas typed as `serde_json::Value` (counted from the
generator's warnings, with the release CLI).

    python3 scripts/corpus.py --corpus ../shared/corpus-2 --scratch /tmp/c2
    python3 scripts/corpus_features.py --corpus ../shared/corpus-2 --scratch /tmp/c2

Standard library only.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CLI = REPO / "target" / "release" / "openapi-rustgen"
KINDS = ["x-dropshot-pagination", "cursor field and parameter", "Link header",
         "offset parameter", "page-number parameter"]
SEND = re.compile(r"pub fn send\(\s*self,?\s*\)\s*->\s*runtime::Call<\s*'a,\s*(runtime::\w+)?")


def crate_dir(scratch: Path, spec: Path) -> Path | None:
    """The crate corpus.py wrote for `spec` (named `c-` + the spec's stem, kebab-cased)."""
    stem = re.sub(r"[^a-z0-9]+", "-", spec.stem.lower()).strip("-")
    path = scratch / f"c-{stem}"
    return path if path.is_dir() else None


def dropshot_markers(spec: Path) -> int | None:
    if spec.suffix != ".json":
        return None
    try:
        doc = json.loads(spec.read_text())
    except (OSError, ValueError):
        return None
    return sum(1 for item in doc.get("paths", {}).values() if isinstance(item, dict)
               for op in item.values() if isinstance(op, dict) and "x-dropshot-pagination" in op)


def fallbacks(spec: Path) -> int:
    with tempfile.TemporaryDirectory() as out:
        proc = subprocess.run([str(CLI), "generate", "--spec", str(spec), "--out",
                               str(Path(out) / "client.rs")], capture_output=True, text=True)
    return proc.stderr.count("serde_json::Value")


def specs_of(corpus: Path) -> list[Path]:
    found = sorted(p for p in corpus.iterdir() if p.suffix in (".json", ".yaml", ".yml"))
    # A multi-file tree: the root documents of its sub-folders.
    for sub in sorted(p for p in corpus.iterdir() if p.is_dir()):
        found += sorted(p for p in sub.iterdir() if p.suffix in (".yaml", ".yml", ".json")
                        and "openapi:" in p.read_text(errors="replace")[:2000])
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    ap.add_argument("--scratch", type=Path, required=True, help="corpus.py's --scratch folder")
    args = ap.parse_args()
    print("| spec | operations | paginated | how (count) | dropshot markers | event streams "
          "(reconnecting) | JSON Lines | `Value` fallbacks |")
    print("|---|---:|---:|---|---:|---:|---:|---:|")
    totals: Counter[str] = Counter()
    for spec in specs_of(args.corpus):
        crate = crate_dir(args.scratch, spec)
        if crate is None:
            print(f"| {spec.name} | not generated | | | | | | |")
            continue
        code = "\n".join(p.read_text() for p in sorted((crate / "src").rglob("*.rs"))
                         if p.name != "lib.rs")
        sends = [m.group(1) for m in SEND.finditer(code)]
        how = Counter(re.findall(r"pagination found by: ([^)]*)\)", code))
        paged = sum(how.values())
        events = sends.count("runtime::EventStream")
        lines = sends.count("runtime::JsonLines")
        reconnecting = code.count("pub fn send_reconnecting(")
        markers = dropshot_markers(spec)
        value = fallbacks(spec)
        totals.update(operations=len(sends), paged=paged, events=events, lines=lines, value=value)
        how_text = ", ".join(f"{k} {how[k]}" for k in KINDS if how[k]) or "-"
        print(f"| {spec.name} | {len(sends)} | {paged} | {how_text} | "
              f"{'-' if markers is None else markers} | {events} ({reconnecting}) | {lines} | {value} |")
    print(f"\nTotal: {totals['operations']} operations, {totals['paged']} paginated, "
          f"{totals['events']} event streams, {totals['lines']} JSON Lines streams, "
          f"{totals['value']} `serde_json::Value` fallbacks.")


if __name__ == "__main__":
    main()
