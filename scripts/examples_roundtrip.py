#!/usr/bin/env python3
"""Decode every valid example of a spec with the generated types, and back.

For specs nobody here has seen: compiling and linting a generated crate says
nothing of whether its types read what a server really sends. Specs carry
examples, and an example that its schema accepts is data the generated type
must accept too. For each spec (a folder of them with --corpus, a seeded
sample with --sample/--seed) this script:

1. generates a crate (`generate --crate --serde-both-ways`, so that every
   type decodes and encodes) and asks `schemas` which Rust type each schema
   became;
2. collects the examples of those schemas: `example` on the schema itself,
   and `example` / `examples` of media types whose schema is a `$ref` to it;
3. keeps the examples its schema accepts, checked by the `jsonschema`
   package (draft 2020-12, formats asserted) after the usual OpenAPI 3.0 to
   JSON Schema conversion (`nullable`, boolean exclusive bounds, references
   to `#/$defs`; `pattern` is not asserted, see LINEAR_VALIDATOR);
4. decodes each from JSON text into its type and encodes it back, in a
   program (`examples/roundtrip.rs`) written into the crate and run with
   cargo;
5. reports per spec: examples kept, **rejected** (a valid example the type
   does not decode: a bug), **invalid back** (the value encoded back breaks
   the schema: a request we would send wrong), and **changed** (decoded and
   valid, but not the same JSON: defaults filled in, numbers reformatted...,
   listed for reading).

It is a report for finding bug classes, not a CI step (it compiles every
crate). The exit code is 0 unless the script itself fails.

    python3 scripts/examples_roundtrip.py --corpus DIR --sample 40 --seed 5 \\
        --scratch /tmp/roundtrip --out /tmp/roundtrip/REPORT.md

Needs the `jsonschema` Python package (and PyYAML for YAML specs).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema

REPO = Path(__file__).resolve().parent.parent
BINARY = REPO / "target" / "release" / "openapi-rustgen"
SUFFIXES = (".json", ".yaml", ".yml")


# ---------------------------------------------------------------- the spec


def load_spec(path: Path):
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".json":
        return json.loads(text)
    import yaml  # only YAML specs need it

    return yaml.safe_load(text)


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def resolve(doc, pointer: str):
    """The node at a `#/...` pointer (percent-decoded), or None."""
    from urllib.parse import unquote

    node = doc
    for token in unquote(pointer.lstrip("#")).split("/")[1:]:
        token = unescape(token)
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


def deref(doc, node, depth: int = 0):
    """Follows `$ref`s of non-schema objects (examples, responses)."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and depth < 20:
        node = resolve(doc, node["$ref"])
        depth += 1
    return node


def to_json_schema(schema):
    """OpenAPI 3.0 Schema Object -> JSON Schema 2020-12 (what the validator reads)."""
    if isinstance(schema, list):
        return [to_json_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    if isinstance(schema.get("$ref"), str):
        ref = schema["$ref"]
        if ref.startswith("#/components/schemas/"):
            ref = "#/$defs/" + ref[len("#/components/schemas/"):]
        return {"$ref": ref}
    out = {}
    for key, value in schema.items():
        if key in ("nullable", "exclusiveMinimum", "exclusiveMaximum") and isinstance(value, bool):
            continue
        if key in ("example", "discriminator", "xml", "externalDocs") or key.startswith("x-"):
            continue
        if key == "properties" and isinstance(value, dict):
            out[key] = {name: to_json_schema(sub) for name, sub in value.items()}
        elif key in ("items", "not", "additionalProperties", "allOf", "anyOf", "oneOf"):
            out[key] = to_json_schema(value)
        else:
            out[key] = value
    for flag, bound, exclusive in (("exclusiveMinimum", "minimum", "exclusiveMinimum"),
                                   ("exclusiveMaximum", "maximum", "exclusiveMaximum")):
        if schema.get(flag) is True and bound in out:
            out[exclusive] = out.pop(bound)
    if schema.get("nullable") is True:
        return {"anyOf": [out, {"type": "null"}]}
    return out


# `pattern` is not asserted: Python's backtracking `re` takes seconds on
# patterns such as `([\\/\\w .-]*)*` that real specs have. Decoding does not
# check patterns either: generated code checks them (with Rust's linear-time
# `regex`) only before sending.
LINEAR_VALIDATOR = jsonschema.validators.extend(
    jsonschema.Draft202012Validator, {"pattern": lambda *_: iter(())})


class Validators:
    """One validator per schema pointer, with every component under `$defs`."""

    def __init__(self, doc):
        self.doc = doc
        schemas = (doc.get("components") or {}).get("schemas") or {}
        self.defs = {name: to_json_schema(s) for name, s in schemas.items()}
        self.cache = {}
        # Checked once: checking each validator's copy of every component
        # against the metaschema made large specs take minutes.
        try:
            jsonschema.Draft202012Validator.check_schema({"$defs": self.defs})
            self.usable = True
        except Exception:
            self.usable = False

    def errors(self, pointer: str, instance) -> list[str] | None:
        """Messages for `instance` against the schema at `pointer`; None if unusable."""
        if pointer not in self.cache:
            self.cache[pointer] = self._build(pointer)
        validator = self.cache[pointer]
        if validator is None:
            return None
        try:
            return [f"at /{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
                    for e in validator.iter_errors(instance)]
        except Exception:  # a pattern Python cannot compile, a reference it cannot follow
            return None

    def _build(self, pointer: str):
        schema = resolve(self.doc, pointer)
        if schema is None or not self.usable:
            return None
        root = to_json_schema(schema)
        root = dict(root) if isinstance(root, dict) else {"allOf": [root]}
        root["$defs"] = self.defs
        try:
            return LINEAR_VALIDATOR(root, format_checker=LINEAR_VALIDATOR.FORMAT_CHECKER)
        except Exception:
            return None


def examples_of(doc, pointers: set[str]):
    """(schema pointer, where, example) for each example of a schema in `pointers`."""
    found = []

    def media(node, where):
        schema = node.get("schema")
        if not (isinstance(schema, dict) and isinstance(schema.get("$ref"), str)):
            return
        target = schema["$ref"]
        if target not in pointers:
            return
        if "example" in node:
            found.append((target, where + "/example", node["example"]))
        examples = node.get("examples")
        if isinstance(examples, dict):
            for name, example in examples.items():
                example = deref(doc, example)
                if isinstance(example, dict) and "value" in example:
                    found.append((target, f"{where}/examples/{name}", example["value"]))

    def walk(node, where, parent_key):
        if isinstance(node, dict):
            if parent_key == "content":
                for media_type, entry in node.items():
                    if isinstance(entry, dict) and "json" in media_type:
                        media(entry, f"{where}/{media_type.replace('/', '~1')}")
            for key, value in node.items():
                if key in ("schema", "schemas", "example", "examples"):
                    continue
                walk(value, f"{where}/{key.replace('~', '~0').replace('/', '~1')}", key)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}", parent_key)

    for pointer in sorted(pointers):
        schema = resolve(doc, pointer)
        if isinstance(schema, dict) and "example" in schema:
            found.append((pointer, pointer + "/example", schema["example"]))
    walk(doc, "#", None)
    return found


# ---------------------------------------------------------------- the crate


PROGRAM = """\
//! Written by scripts/examples_roundtrip.py: decodes each case from JSON text
//! into its generated type and prints it encoded back, one JSON line per case.

use {krate}::runtime::serde::{{Serialize, de::DeserializeOwned}};
use {krate}::runtime::serde_json::{{self, Value, json}};

fn round<T: Serialize + DeserializeOwned>(text: &str) -> Value {{
    // Encoded to text, as a request carries it (`to_value` would widen an `f32`).
    match serde_json::from_str::<T>(text) {{
        Ok(value) => match serde_json::to_string(&value) {{
            Ok(back) => json!({{ "ok": true, "back": serde_json::from_str::<Value>(&back).unwrap() }}),
            Err(err) => json!({{ "ok": false, "encode": err.to_string() }}),
        }},
        Err(err) => json!({{ "ok": false, "decode": err.to_string() }}),
    }}
}}

fn main() {{
    let path = std::env::args().nth(1).expect("the cases file");
    let cases: Vec<(String, String)> =
        serde_json::from_str(&std::fs::read_to_string(path).expect("readable")).expect("cases");
    for (ty, text) in cases {{
        let line = match ty.as_str() {{
{arms}
            other => json!({{ "ok": false, "decode": format!("no type {{other}}") }}),
        }};
        println!("{{line}}");
    }}
}}
"""


@dataclass
class Result:
    spec: str
    generated: bool = False
    examples: int = 0
    valid: int = 0
    rejected: list = field(default_factory=list)
    invalid_back: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    # Keys no schema of the spec declares, dropped on decoding (as they should be).
    undeclared_dropped: int = 0
    error: str = ""


def run(cmd, cwd=None, env=None, timeout=900):
    try:
        return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                              errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(cmd, -1, "", "timed out")


def crate_name(spec: Path, root: Path) -> str:
    rel = spec.relative_to(root).with_suffix("")
    name = re.sub(r"[^a-z0-9]+", "_", str(rel).lower()).strip("_")
    return "rt_" + name[:60]


def same(a, b) -> bool:
    """JSON equality with numbers compared by value (1 == 1.0)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b if isinstance(a, bool) and isinstance(b, bool) else False
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def property_names(doc) -> set[str]:
    """Every key some `properties` of the document declares."""
    names, stack = set(), [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("properties"), dict):
                names.update(node["properties"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return names


def first_difference(a, b, at="") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in b:
                return f"{at}/{k}: dropped"
            if k not in a:
                return f"{at}/{k}: added {json.dumps(b[k])[:60]}"
            if not same(a[k], b[k]):
                return first_difference(a[k], b[k], f"{at}/{k}")
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            if not same(x, y):
                return first_difference(x, y, f"{at}/{i}")
    return f"{at or '/'}: {json.dumps(a)[:60]} -> {json.dumps(b)[:60]}"


def survey(spec: Path, root: Path, scratch: Path, binary: Path, env) -> Result:
    res = Result(str(spec.relative_to(root)))
    name = crate_name(spec, root)
    crate = scratch / "crates" / name
    gen = run([str(binary), "generate", "--spec", str(spec), "--crate", str(crate), "--name", name,
               "--serde-both-ways", "--no-tag-features"])
    if gen.returncode != 0:
        res.error = "generate: " + (gen.stderr.strip().splitlines() or ["?"])[-1][:150]
        return res
    res.generated = True
    listed = run([str(binary), "schemas", "--spec", str(spec), "--serde-both-ways"])
    types = {}
    for line in listed.stdout.splitlines():
        entry = json.loads(line)
        if entry["kind"] != "external":
            types[entry["pointer"]] = entry["type"]
    try:
        doc = load_spec(spec)
    except Exception as err:
        res.error = f"load: {err}"[:150]
        return res
    validators = Validators(doc)
    declared = property_names(doc)
    cases, sites = [], []
    for pointer, where, example in examples_of(doc, set(types)):
        res.examples += 1
        errors = validators.errors(pointer, example)
        if errors is None or errors:
            continue
        res.valid += 1
        cases.append((types[pointer], json.dumps(example)))
        sites.append((pointer, where, example))
    if not cases:
        return res
    module = next(p.stem for p in (crate / "src").glob("*.rs") if p.name != "lib.rs")
    arms = "\n".join(
        f'            "{ty}" => round::<{name}::{module}::{ty}>(&text),'
        for ty in sorted({ty for ty, _ in cases}))
    (crate / "examples").mkdir(exist_ok=True)
    (crate / "examples" / "roundtrip.rs").write_text(PROGRAM.format(krate=name, arms=arms))
    (crate / "cases.json").write_text(json.dumps(cases))
    ran = run(["cargo", "run", "-q", "--example", "roundtrip", "--", "cases.json"], cwd=crate, env=env)
    lines = ran.stdout.splitlines()
    if ran.returncode != 0 or len(lines) != len(cases):
        err = [l for l in ran.stderr.splitlines() if l.startswith("error")][:1]
        res.error = "run: " + (err[0] if err else ran.stderr.strip()[-150:])
        return res
    for (pointer, where, example), line in zip(sites, lines):
        out = json.loads(line)
        if not out["ok"]:
            res.rejected.append((where, out.get("decode") or out.get("encode")))
            continue
        back = out["back"]
        errors = validators.errors(pointer, back)
        if errors:
            res.invalid_back.append((where, errors[0]))
        elif not same(example, back):
            difference = first_difference(example, back)
            dropped = re.fullmatch(r".*/([^/]*): dropped", difference)
            if dropped and dropped.group(1) not in declared:
                res.undeclared_dropped += 1
            else:
                res.changed.append((where, difference))
    return res


def report(results: list[Result], args) -> str:
    lines = ["# Examples decoded and encoded back by the generated types", "",
             f"`python3 scripts/examples_roundtrip.py {' '.join(sys.argv[1:])}`", "",
             "| spec | examples | valid | rejected | invalid back | changed | undeclared keys dropped | note |",
             "|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in results:
        lines.append(f"| {r.spec} | {r.examples} | {r.valid} | {len(r.rejected)} | "
                     f"{len(r.invalid_back)} | {len(r.changed)} | {r.undeclared_dropped} | "
                     f"{r.error.replace('|', '/')} |")
    total = lambda f: sum(f(r) for r in results)
    lines += ["", f"Total: {len(results)} specs, {total(lambda r: r.valid)} valid examples, "
              f"{total(lambda r: len(r.rejected))} rejected, "
              f"{total(lambda r: len(r.invalid_back))} invalid back, "
              f"{total(lambda r: len(r.changed))} changed, "
              f"{total(lambda r: r.undeclared_dropped)} with undeclared keys dropped.", ""]
    for title, pick in (("Rejected", lambda r: r.rejected), ("Invalid back", lambda r: r.invalid_back),
                        ("Changed", lambda r: r.changed)):
        rows = [(r.spec, w, m) for r in results for w, m in pick(r)]
        if rows:
            lines += [f"## {title}", ""]
            lines += [f"- {s} `{w}`: {str(m)[:300]}" for s, w, m in rows[:args.list_limit]]
            lines.append("")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--scratch", type=Path, default=REPO / "target" / "roundtrip")
    ap.add_argument("--binary", type=Path, default=BINARY)
    ap.add_argument("--sample", type=int, help="this many specs, one per vendor folder")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", action="append", default=[], help="specs whose path contains this")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--list-limit", type=int, default=200)
    args = ap.parse_args()
    root = args.corpus.resolve()
    specs = sorted(p for p in root.rglob("*") if p.suffix in SUFFIXES and p.is_file())
    if args.only:
        specs = [p for p in specs if any(o in p.name for o in args.only)]
    if args.sample:
        by_vendor = {}
        for p in specs:
            by_vendor.setdefault(p.relative_to(root).parts[0], []).append(p)
        rng = random.Random(args.seed)
        vendors = sorted(by_vendor)
        rng.shuffle(vendors)
        specs = [rng.choice(by_vendor[v]) for v in vendors[:args.sample]]
    args.scratch.mkdir(parents=True, exist_ok=True)
    (args.scratch / "crates").mkdir(exist_ok=True)
    env = dict(os.environ, CARGO_TARGET_DIR=str(args.scratch / "target"), CARGO_TERM_COLOR="never")
    results = []
    for i, spec in enumerate(specs, 1):
        r = survey(spec, root, args.scratch, args.binary, env)
        results.append(r)
        print(f"[{i}/{len(specs)}] {r.spec}: valid {r.valid}/{r.examples}, rejected "
              f"{len(r.rejected)}, invalid back {len(r.invalid_back)}, changed {len(r.changed)}"
              f"{' ' + r.error if r.error else ''}", file=sys.stderr, flush=True)
    text = report(results, args)
    if args.out:
        args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
