#!/usr/bin/env python3
"""SPARQL speed: pyoxigraph (graphkit's engine) against rdflib's default store, same data, same run.

    python scripts/bench_sparql.py                 # 100k and 1M triples
    python scripts/bench_sparql.py --sizes 100000 --repeat 5 --timeout 60

Data comes from ``scripts/generate.py`` (synthetic, graphkit model). pyoxigraph loads the generated
N-Triples through :meth:`graphkit.store.Dataset.load` (one named graph, plus deriving the direct
triples from claims); rdflib parses the same file with the direct triples already appended (so it
does less work). pyoxigraph times are medians of ``--repeat`` runs. Each rdflib query runs once in
its own subprocess (parse first, untimed), killed ``--timeout`` seconds after the query started;
a query that hits Python's recursion limit is reported as ``RecursionError``.
"""

from __future__ import annotations

import argparse
import json
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from generate import generate  # noqa: E402

from graphkit.model import PREFIXES  # noqa: E402

PRE = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())

#: name -> query. The same text runs on both engines.
QUERIES = {
    "2-hop join + FILTER": """
        SELECT ?vendor ?customer ?agency WHERE {
          ?vendor gk:supplies ?customer .
          ?customer gk:supplies ?agency .
          ?agency gk:sector sector:immigration-enforcement ; schema:name ?n .
          FILTER(STRENDS(?n, "7"))
        }""",
    "property path supplies+ (COUNT DISTINCT)": """
        SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ido:syn-company-0 gk:supplies+ ?x }""",
    "ASK supplies+": """
        ASK { ido:syn-company-1 gk:supplies+ ido:syn-agency-3 }""",
    "aggregate: claims by type and status": """
        SELECT ?p ?s (COUNT(?c) AS ?n) WHERE { ?c rdf:predicate ?p ; gk:status ?s }
        GROUP BY ?p ?s ORDER BY DESC(?n)""",
}

RDFLIB_CHILD = r"""
import sys, time, rdflib
sys.setrecursionlimit(int(sys.argv[3]))
t = time.perf_counter()
g = rdflib.Graph(); g.parse(sys.argv[1], format="nt")
print("parsed", time.perf_counter() - t, flush=True)
q = open(sys.argv[2]).read()
t = time.perf_counter()
try:
    r = g.query(q)
    n = 1 if r.type == "ASK" else len(list(r))
    print("done", time.perf_counter() - t, n, flush=True)
except RecursionError:
    print("recursion", time.perf_counter() - t, flush=True)
"""


def with_direct_triples(src: Path, dst: Path) -> None:
    """Copy ``src`` and append ``s p o`` for every claim (what graphkit derives at load)."""
    parts: dict[str, dict[str, str]] = {}
    rdf = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    with src.open() as fh, dst.open("w") as out:
        for line in fh:
            out.write(line)
            s, p, o = line.rstrip(" .\n").split(" ", 2)
            for role in ("subject", "predicate", "object"):
                if p == f"{rdf}{role}>":
                    parts.setdefault(s, {})[role] = o
        for d in parts.values():
            out.write(f"{d['subject']} {d['predicate']} {d['object']} .\n")


def ox_load(path: Path):
    from graphkit.store import Dataset

    t = time.perf_counter()
    ds = Dataset.load(files=[path])
    return time.perf_counter() - t, ds


def ox_query(ds, q: str) -> tuple[float, int]:
    t = time.perf_counter()
    r = ds.query(q)
    n = 1 if isinstance(r, bool) or type(r).__name__ == "QueryBoolean" else len(list(r))
    return time.perf_counter() - t, n


def rdflib_query(path: Path, q: str, timeout: float, recursion: int) -> tuple[float | None, str]:
    """(parse seconds, result text) for one query in a subprocess."""
    with tempfile.NamedTemporaryFile("w", suffix=".rq", delete=False) as fh:
        fh.write(PRE + q)
    p = subprocess.Popen(
        [sys.executable, "-c", RDFLIB_CHILD, str(path), fh.name, str(recursion)],
        stdout=subprocess.PIPE,
        text=True,
    )
    parse_s = None
    try:
        line = p.stdout.readline().split()
        if not line or line[0] != "parsed":
            return None, "parse failed"
        parse_s = float(line[1])
        ready, _, _ = select.select([p.stdout], [], [], timeout)
        if not ready:
            return parse_s, f"> {timeout:g} s"
        line = p.stdout.readline().split()
        if not line:
            return parse_s, "crashed"
        if line[0] == "recursion":
            return parse_s, f"RecursionError after {float(line[1]):.1f} s"
        return parse_s, f"{float(line[1]) * 1000:,.0f} ms ({line[2]} rows)"
    finally:
        p.kill()
        p.wait()
        Path(fh.name).unlink(missing_ok=True)


def speedup(ox_s: float, rd: str, timeout: float) -> str:
    """rdflib time / pyoxigraph time, from the rdflib result text."""
    word = rd.split()[0].replace(",", "")
    if rd.startswith(">"):
        return f"> {timeout / ox_s:,.0f}x"
    if rd.startswith("RecursionError"):
        return "rdflib fails"
    try:
        return f"{float(word) / 1000 / ox_s:,.0f}x"
    except ValueError:
        return "-"


def fmt_ms(s: float) -> str:
    return f"{s * 1000:,.1f} ms" if s < 10 else f"{s:,.1f} s"


def bench(triples: int, args, workdir: Path) -> list[tuple[str, str, str, str]]:
    claims = max(100, round(triples / 11))
    raw = workdir / f"syn-{triples}.nt"
    generate(claims, raw, seed=1)
    full = workdir / f"syn-{triples}-direct.nt"
    with_direct_triples(raw, full)
    n = sum(1 for _ in full.open())
    label = f"{n:,} triples ({claims:,} claims)"
    print(f"\n{label}", file=sys.stderr, flush=True)
    rows = []
    loads = []
    ds = None
    for _ in range(args.repeat):
        dt, ds = ox_load(raw)
        loads.append(dt)
    rd_parse = []
    results = {}
    for name, q in QUERIES.items():
        times = []
        rows_n = 0
        for _ in range(args.repeat):
            dt, rows_n = ox_query(ds, q)
            times.append(dt)
        parse_s, rd = rdflib_query(full, q, args.timeout, args.recursion)
        if parse_s:
            rd_parse.append(parse_s)
        med = statistics.median(times)
        results[name] = (f"{fmt_ms(med)} ({rows_n} rows)", rd, speedup(med, rd, args.timeout))
        print(f"  {name}: {results[name]}", file=sys.stderr, flush=True)
    rd_load = fmt_ms(statistics.median(rd_parse)) if rd_parse else "failed"
    ox_load_s = statistics.median(loads)
    rd_load_s = statistics.median(rd_parse) if rd_parse else None
    ratio = f"{rd_load_s / ox_load_s:,.0f}x" if rd_load_s else "-"
    rows.append((label, "load (parse)", fmt_ms(ox_load_s), rd_load, ratio))
    for name, (a, b, c) in results.items():
        rows.append((label, name, a, b, c))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--repeat", type=int, default=5, help="pyoxigraph runs per measurement")
    ap.add_argument("--timeout", type=float, default=60, help="rdflib seconds per query")
    ap.add_argument("--recursion", type=int, default=1000, help="rdflib's recursion limit")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            rows += bench(size, args, Path(tmp))
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    head = ("data", "measure", "pyoxigraph (median)", "rdflib default store (baseline)", "speed-up")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
