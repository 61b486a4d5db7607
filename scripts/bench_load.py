#!/usr/bin/env python3
"""Benchmark: load + projection, peak memory and path latency, against plain rdflib parsing.

    python scripts/bench_load.py [--sizes 10000,100000,1000000] [--baseline-max 100000]

For each size the synthetic generator writes N-Triples; every measurement runs in a fresh
process so peak RSS is its own. graphkit = pyoxigraph parse + projection + networkx build
(SHACL validation off, as for any bulk load; it is timed separately at the smallest size).
Baseline = ``rdflib.Graph().parse`` of the same file. Also: cold start of
``graphkit path AWS ICE`` on the bundled data (fresh process, cached and uncached).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GRAPHKIT = """
import json, os, resource, sys, time
import graphkit
cache = os.environ.get("BENCH_CACHE") == "1"
t0 = time.perf_counter()
g = graphkit.load([sys.argv[1]], bundled=False, validate=False, cache=cache)
t = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"total": t, "rss_mb": rss, "nodes": g.G.number_of_nodes(),
                  "edges": g.G.number_of_edges()}))
os._exit(0)  # skip freeing a big graph at exit (seconds at 1M claims)
"""

OXIGRAPH = """
import json, os, resource, sys, time
import pyoxigraph as ox
t0 = time.perf_counter(); s = ox.Store(); s.load(path=sys.argv[1], format=ox.RdfFormat.N_TRIPLES)
t = time.perf_counter() - t0
print(json.dumps({"total": t, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "triples": len(s)}))
os._exit(0)
"""

RDFLIB = """
import json, resource, sys, time
import rdflib
t0 = time.perf_counter(); g = rdflib.Graph(); g.parse(sys.argv[1], format="nt")
t = time.perf_counter() - t0
print(json.dumps({"total": t, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "triples": len(g)}))
"""

SHACL = """
import json, sys, time
from graphkit.store import Dataset
from graphkit.validate import validate
ds = Dataset.load([sys.argv[1]], bundled=False)
t0 = time.perf_counter(); r = validate(ds)
print(json.dumps({"total": time.perf_counter() - t0, "ok": r.ok}))
"""


def child(code: str, *args: str, timeout: float = 1800, env: dict | None = None) -> dict:
    p = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )
    if p.returncode:
        raise RuntimeError(p.stderr[-2000:])
    return json.loads(p.stdout.strip().splitlines()[-1])


def cold_start(runs: int = 5) -> dict:
    exe = shutil.which("graphkit") or "graphkit"
    out = {}
    with tempfile.TemporaryDirectory() as cache:
        for label, extra in (("cached", {}), ("no cache", {"GRAPHKIT_NO_CACHE": "1"})):
            env = {**os.environ, "GRAPHKIT_CACHE_DIR": cache, **extra}
            subprocess.run([exe, "path", "AWS", "ICE"], env=env, capture_output=True, check=True)
            times = []
            for _ in range(runs):
                t = time.perf_counter()
                subprocess.run(
                    [exe, "path", "AWS", "ICE"], env=env, capture_output=True, check=True
                )
                times.append(time.perf_counter() - t)
            out[label] = statistics.median(times)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument(
        "--baseline-max",
        type=int,
        default=100_000,
        help="largest size at which rdflib also runs",
    )
    args = ap.parse_args()
    from rich.console import Console
    from rich.table import Table

    from scripts.generate import generate

    con = Console(width=160)
    table = Table(
        title="graphkit.load (no validation) vs the raw pyoxigraph parse of the same file"
    )
    for col in ("claims", "triples", "what", "seconds", "peak RSS MB", "x pyoxigraph parse"):
        table.add_column(col, justify="right")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(x) for x in args.sizes.split(",")):
            f = Path(tmp) / f"syn-{n}.nt"
            con.print(f"generating {n:,} claims ...")
            info = generate(n, f, seed=1)
            cache_dir = Path(tmp) / f"cache-{n}"
            runs = {
                "pyoxigraph Store.load (baseline)": child(OXIGRAPH, str(f)),
                "graphkit.load, first run": child(GRAPHKIT, str(f)),
            }
            env = {"BENCH_CACHE": "1", "GRAPHKIT_CACHE_DIR": str(cache_dir)}
            child(GRAPHKIT, str(f), env=env)  # writes the cache entry
            runs["graphkit.load, cached"] = child(GRAPHKIT, str(f), env=env)
            if n <= args.baseline_max:
                runs["rdflib Graph.parse"] = child(RDFLIB, str(f))
            base = runs["pyoxigraph Store.load (baseline)"]["total"]
            for i, (what, r) in enumerate(runs.items()):
                table.add_row(
                    f"{n:,}" if i == 0 else "",
                    f"{info['triples']:,}" if i == 0 else "",
                    what,
                    f"{r['total']:.2f}",
                    f"{r['rss_mb']:,.0f}",
                    f"{r['total'] / base:.2f}",
                )
            if n <= 10_000:  # SHACL once, at a small size (see Validation for more)
                sh = child(SHACL, str(f))
                con.print(f"  SHACL validation at {n:,} claims: {sh['total']:.1f} s")
    con.print(table)
    cs = cold_start()
    cold = Table(
        title="Cold start: `graphkit path AWS ICE` on the bundled data (fresh process, median of 5)"
    )
    cold.add_column("mode")
    cold.add_column("seconds", justify="right")
    for k, v in cs.items():
        cold.add_row(k, f"{v:.2f}")
    con.print(cold)


if __name__ == "__main__":
    main()
