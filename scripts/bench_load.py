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
import json, random, resource, statistics, sys, time
from graphkit.store import Dataset, input_files
from graphkit.projection import project
from graphkit.graph import Graph, to_networkx
f = sys.argv[1]
t0 = time.perf_counter(); ds = Dataset.load([f], bundled=False); t1 = time.perf_counter()
pg = project(ds); t2 = time.perf_counter()
G = to_networkx(pg); t3 = time.perf_counter()
g = Graph(G)
rnd = random.Random(1)
companies = [n for n in G if n.startswith("org/syn-company")]
agencies = [n for n in G if n.startswith("org/syn-agency")]
lat = []
for _ in range(20):
    a, b = rnd.choice(companies[:200]), rnd.choice(agencies)
    s = time.perf_counter(); g.path(a, b, max_hops=4, limit=50); lat.append(time.perf_counter() - s)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"parse": t1 - t0, "project": t2 - t1, "networkx": t3 - t2, "total": t3 - t0,
                  "rss_mb": rss, "path_ms": statistics.median(lat) * 1000,
                  "triples": len(ds), "nodes": G.number_of_nodes(), "edges": G.number_of_edges()}))
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
        default=1_000_000,
        help="largest size at which the rdflib baseline runs",
    )
    args = ap.parse_args()
    from rich.console import Console
    from rich.table import Table

    from scripts.generate import generate

    con = Console(width=160)
    table = Table(title="Load + projection (graphkit) vs rdflib.Graph().parse (baseline)")
    for col in (
        "claims",
        "triples",
        "engine",
        "parse s",
        "project s",
        "networkx s",
        "total s",
        "peak RSS MB",
        "path query ms (median of 20)",
        "speed-up",
    ):
        table.add_column(col, justify="right")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(x) for x in args.sizes.split(",")):
            f = Path(tmp) / f"syn-{n}.nt"
            con.print(f"generating {n:,} claims ...")
            info = generate(n, f, seed=1)
            con.print(f"  {info['triples']:,} triples; running graphkit ...")
            gk = child(GRAPHKIT, str(f))
            base = None
            if n <= args.baseline_max:
                con.print("  running rdflib baseline ...")
                base = child(RDFLIB, str(f))
            table.add_row(
                f"{n:,}",
                f"{info['triples']:,}",
                "graphkit",
                f"{gk['parse']:.2f}",
                f"{gk['project']:.2f}",
                f"{gk['networkx']:.2f}",
                f"{gk['total']:.2f}",
                f"{gk['rss_mb']:,.0f}",
                f"{gk['path_ms']:.1f}",
                f"{base['total'] / gk['total']:.1f}x" if base else "",
            )
            if base:
                table.add_row(
                    "",
                    "",
                    "rdflib parse",
                    "",
                    "",
                    "",
                    f"{base['total']:.2f}",
                    f"{base['rss_mb']:,.0f}",
                    "",
                    "1.0x",
                )
            if n == min(int(x) for x in args.sizes.split(",")):
                sh = child(SHACL, str(f))
                con.print(f"  SHACL validation (pySHACL) at {n:,} claims: {sh['total']:.1f} s")
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
