#!/usr/bin/env python3
"""Benchmark: `graphkit validate` with the fast engine against pySHACL, in the same run.

Data (synthetic, from scripts/generate.py, written as Turtle with prefixes like an import):
  * ``--claims`` clean claims (default 10,000, about 100k triples): no problems;
  * ``--broken-claims`` claims (default 14,000, about 140k triples) with ``--breaks`` triples broken
    (default 345: missing evidence, untyped or impossible dates, unknown references, relative URLs,
    missing names, amounts that are not numbers, end before start), about 470 problems.

Engines: ``fast`` (the default: SPARQL on pyoxigraph) and the baseline, pySHACL on the same shapes
with the SHACL-SPARQL constraints run on pyoxigraph (the previous default; pySHACL alone runs those
as one query per focus node, ``--full-pyshacl`` adds that run, capped by ``--timeout``). Both
include locating every problem (file and line). The old line lookup (each problem rescans its
file) is timed on ``--old-sample`` problems and extrapolated. The CLI row is a fresh
``graphkit validate`` process (start-up, parse, validate, print).

    python scripts/bench_validate.py [--claims 10000] [--broken-claims 14000] [--breaks 300]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graphkit.model import ID, PREFIXES, XSD  # noqa: E402
from scripts.generate import generate  # noqa: E402

GK = PREFIXES["gk"]
PROV = PREFIXES["prov"]
SCHEMA = PREFIXES["schema"]
RDF_TYPE = PREFIXES["rdf"] + "type"


def typed(lexical: str, datatype: str):
    import pyoxigraph as ox

    return ox.Literal(lexical, datatype=ox.NamedNode(XSD + datatype))


def to_turtle(nt: Path, out: Path, breaks: int = 0, seed: int = 1) -> int:
    """``nt`` as Turtle (grouped by subject), with ``breaks`` triples broken; returns triples."""
    import pyoxigraph as ox

    triples = list(ox.parse(path=str(nt), format=ox.RdfFormat.N_TRIPLES))
    rnd = random.Random(seed)
    by_pred: dict[str, list[int]] = {}
    for i, t in enumerate(triples):
        by_pred.setdefault(t.predicate.value, []).append(i)
    drop: set[int] = set()
    kinds = [
        (PROV + "wasDerivedFrom", lambda t: None),  # evidence missing (if it was the only one)
        (GK + "startDate", lambda t: ox.Triple(t.subject, t.predicate, ox.Literal("2020"))),
        (
            GK + "startDate",
            lambda t: ox.Triple(t.subject, t.predicate, typed("2020-13-45", "date")),
        ),
        (
            PREFIXES["rdf"] + "object",
            lambda t: ox.Triple(t.subject, t.predicate, ox.NamedNode(ID + "org/nobody")),
        ),
        (SCHEMA + "url", lambda t: ox.Triple(t.subject, t.predicate, ox.Literal("/relative"))),
        (SCHEMA + "name", lambda t: None),
        (
            GK + "obligatedAmount",
            lambda t: ox.Triple(t.subject, t.predicate, typed("12.5x", "decimal")),
        ),
    ]
    extra = []
    for n in range(breaks):
        pred, fix = kinds[n % len(kinds)]
        pool = by_pred.get(pred, [])
        i = rnd.choice(pool)
        if i in drop:
            continue
        drop.add(i)
        new = fix(triples[i])
        if new is not None:
            extra.append(new)
        if pred == GK + "startDate" and n % 2:  # and an end before the start
            extra.append(
                ox.Triple(
                    triples[i].subject,
                    ox.NamedNode(GK + "endDate"),
                    typed("1999", "gYear"),
                )
            )
    kept = [t for i, t in enumerate(triples) if i not in drop] + extra
    kept.sort(key=lambda t: (str(t.subject), t.predicate.value != RDF_TYPE, str(t.predicate)))
    out.write_bytes(ox.serialize(kept, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES))
    return len(kept)


def old_find_line(path: Path, iri: str) -> int | None:
    """The line lookup before the index (a copy of the old code): rescans the file per IRI."""
    text = path.read_text(encoding="utf-8")
    prefixes = re.findall(r"@prefix\s+([\w-]*):\s*<([^>]*)>", text, re.I)
    names = [f"<{iri}>"] + [f"{p}:{iri[len(ns) :]}" for p, ns in prefixes if iri.startswith(ns)]
    first = None
    for n, line in enumerate(text.splitlines(), 1):
        for name in names:
            if re.search(rf"(^|[\s;,\[(]){re.escape(name)}($|[\s;,.\])])", line):
                if line.lstrip().startswith(name):
                    return n
                first = first or n
    return first


def _run(engine: str, file: str, queue) -> None:
    from graphkit.store import Dataset
    from graphkit.validate import ENGINES, validate

    if engine == "pyshacl-core":
        from graphkit.validate import pyshacl_shacl

        ENGINES[engine] = partial(pyshacl_shacl, sparql_on_oxigraph=True)
    t0 = time.perf_counter()
    ds = Dataset.load([file], bundled=False)
    t1, c1 = time.perf_counter(), time.process_time()
    report = validate(ds, engine=engine)
    t2, c2 = time.perf_counter(), time.process_time()
    foci = [p.focus for p in report.problems]
    queue.put((t1 - t0, t2 - t1, c2 - c1, len(report.problems), foci))


def measure(engine: str, file: Path, timeout: float):
    """(load s, validate s, validate CPU s, problems, foci) in a fresh process, or None."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_run, args=(engine, str(file), queue))
    proc.start()
    try:
        return queue.get(timeout=timeout)
    except Exception:
        return None
    finally:
        proc.kill()
        proc.join()


def cli_seconds(file: Path) -> tuple[float, float]:
    """Wall and CPU seconds of a fresh ``graphkit validate`` process."""
    import resource

    env = dict(os.environ, PYTHONPATH=str(ROOT), GRAPHKIT_NO_CACHE="1")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-c",
            "from graphkit.cli import main; main()",
            "validate",
            "--no-bundled",
            "-d",
            str(file),
        ],  # fmt: skip
        env=env,
        capture_output=True,
        check=False,
    )
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=int, default=10_000)
    ap.add_argument("--broken-claims", type=int, default=14_000)
    ap.add_argument("--breaks", type=int, default=345)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--old-sample", type=int, default=20)
    ap.add_argument("--full-pyshacl", action="store_true")
    args = ap.parse_args()

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cases = []
        for label, n, breaks in (
            (f"{args.claims:,} claims, clean", args.claims, 0),
            (f"{args.broken_claims:,} claims, {args.breaks} triples broken", args.broken_claims,
             args.breaks),
        ):  # fmt: skip
            nt = tmp / f"syn-{n}.nt"
            generate(n, nt, seed=0)
            ttl = tmp / f"syn-{n}-{breaks}.ttl"
            triples = to_turtle(nt, ttl, breaks)
            cases.append((label, ttl, triples))
        engines = [("fast", "fast (default)"), ("pyshacl-core", "pySHACL (baseline)")]
        if args.full_pyshacl:
            engines.append(("pyshacl", "pySHACL incl. SHACL-SPARQL"))
        for label, ttl, triples in cases:
            base = None
            results = []
            for engine, name in engines:
                r = measure(engine, ttl, args.timeout)
                results.append((engine, name, r))
                if engine == "pyshacl-core" and r:
                    base = r[1]
            for engine, name, r in results:
                if r is None:
                    rows.append((label, triples, name, "", f"> {args.timeout:.0f}", "", "", ""))
                    continue
                load, check, cpu, n, foci = r
                speed = f"{base / check:.1f}x" if base and engine != "pyshacl-core" else "1.0x"
                if engine == "pyshacl" and base:
                    speed = f"{base / check:.2f}x"
                rows.append(
                    (label, triples, name, f"{load:.2f}", f"{check:.2f}", f"{cpu:.2f}", n, speed)
                )
                if engine == "fast" and foci:
                    sample = foci[: args.old_sample]
                    t = time.perf_counter()
                    for iri in sample:
                        old_find_line(ttl, iri)
                    per = (time.perf_counter() - t) / len(sample)
                    rows.append(
                        (label, triples, f"old line lookup, {len(foci)} problems (extrapolated "
                         f"from {len(sample)})", "", f"{per * len(foci):.1f}", "", "", "")
                    )  # fmt: skip
            wall, cpu = cli_seconds(ttl)
            rows.append((label, triples, "`graphkit validate` CLI, fast, end to end", "",
                         f"{wall:.2f}", f"{cpu:.2f}", "", ""))  # fmt: skip

    print(
        "| data | triples | engine | load s | validate + locate s | (CPU s) | problems | speed-up |"
        "\n|---|---:|---|---:|---:|---:|---:|---:|"
    )
    for label, triples, name, load, check, cpu, n, speed in rows:
        print(f"| {label} | {triples:,} | {name} | {load} | {check} | {cpu} | {n} | {speed} |")


if __name__ == "__main__":
    main()
