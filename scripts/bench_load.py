#!/usr/bin/env python3
"""Benchmark: load, cached load and peak memory at 10k / 100k / 1M claims, against the raw
pyoxigraph parse and against a baseline revision's load (default ``7b79d43``, the load before
the columns were built straight from the parser) in the same run.

    python scripts/bench_load.py [--sizes 10000,100000,1000000] [--baseline 7b79d43]

The synthetic input is written first, by ``scripts/generate.py`` in a process of its own; then
every measurement runs in a fresh child that reports its own peak resident memory
(``VmHWM`` from ``/proc/self/status``, which starts afresh at ``exec``; ``ru_maxrss`` does not,
so a child forked from a big parent would report the parent's peak) and its own CPU seconds
(user + system, ``os.times``; steadier than wall time on a shared machine).

Rows per size:

- ``pyoxigraph Store.load`` of the N-Triples file (the floor: parsing alone);
- ``baseline, first run`` / ``baseline, cached``: ``graphkit.load(validate=False)`` of the
  baseline revision (extracted with ``git archive``); the first run writes its cache entry;
- ``graphkit, first run`` / ``graphkit, cached``: this tree;
- ``graphkit, cached + networkx``: a cached load that then builds ``Graph.G`` (what an export,
  a drawing or a report pays).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "7b79d43"

PEAK = """
def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024

def cpu_s():
    t = os.times()
    return t.user + t.system
"""

GRAPHKIT = (
    PEAK
    + """
import json, os, sys, time
t0 = time.perf_counter()
import graphkit
g = graphkit.load([sys.argv[1]], bundled=False, validate=False)
t = time.perf_counter() - t0
out = {"total": t}
if os.environ.get("BENCH_NX") == "1":
    n = g.G.number_of_nodes()
    out["total"] = time.perf_counter() - t0
out["rss_mb"] = peak_mb()
out["cpu"] = cpu_s()
print(json.dumps(out))
os._exit(0)  # skip freeing a big graph at exit (seconds at 1M claims)
"""
)

OXIGRAPH = (
    PEAK
    + """
import json, os, sys, time
t0 = time.perf_counter()
import pyoxigraph as ox
s = ox.Store(); s.load(path=sys.argv[1], format=ox.RdfFormat.N_TRIPLES)
t = time.perf_counter() - t0
print(json.dumps({"total": t, "rss_mb": peak_mb(), "cpu": cpu_s(), "triples": len(s)}))
os._exit(0)
"""
)


def child(code: str, *args: str, tree: Path = ROOT, env: dict | None = None) -> dict:
    """Run ``code`` in a fresh interpreter that imports graphkit from ``tree``."""
    e = {**os.environ, "PYTHONPATH": str(tree), **(env or {})}
    e.pop("GRAPHKIT_NO_CACHE", None)
    p = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=3600,
        cwd=tree, env=e,
    )  # fmt: skip
    if p.returncode:
        raise RuntimeError(p.stderr[-2000:])
    return json.loads(p.stdout.strip().splitlines()[-1])


def extract(rev: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "archive", rev, "graphkit", "ontology", "data", "queries", "pyproject.toml"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout  # fmt: skip
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--baseline", default=BASELINE, help="git revision of the baseline")
    ap.add_argument("--inputs", default=tempfile.gettempdir(), help="where inputs are kept")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    old = extract(args.baseline, work / "old")
    rows = []
    for n in (int(x) for x in args.sizes.split(",")):
        f = Path(args.inputs) / f"graphkit-bench-{n}.nt"
        if not f.is_file():
            print(f"generating {n:,} claims ...", file=sys.stderr, flush=True)
            subprocess.run(
                [sys.executable, str(ROOT / "scripts" / "generate.py"), str(n), "-o", str(f)],
                check=True,
            )
        runs: dict[str, dict] = {}
        runs["pyoxigraph Store.load (floor)"] = base = child(OXIGRAPH, str(f))
        for name, tree in ((f"baseline ({args.baseline})", old), ("graphkit", ROOT)):
            env = {"GRAPHKIT_CACHE_DIR": str(work / f"cache-{n}-{tree.name}")}
            runs[f"{name}, first run (writes the cache)"] = child(
                GRAPHKIT, str(f), tree=tree, env=env
            )
            runs[f"{name}, cached"] = child(GRAPHKIT, str(f), tree=tree, env=env)
            if tree == ROOT:
                runs[f"{name}, cached + networkx"] = child(
                    GRAPHKIT, str(f), tree=tree, env={**env, "BENCH_NX": "1"}
                )
        for what, r in runs.items():
            rows.append(
                (n, base["triples"], what, r, r["total"] / base["total"], r["cpu"] / base["cpu"])
            )
            print(
                f"{n:>9,} {what:45s} {r['total']:8.2f} s {r['cpu']:8.2f} cpu s"
                f" {r['rss_mb']:8,.0f} MB  {os.getloadavg()[0]:.1f} load",
                file=sys.stderr,
                flush=True,
            )
    print(
        "| claims | triples | what | seconds | CPU seconds | peak RSS MB | x parse (wall)"
        " | x parse (CPU) |"
    )
    print("|---:|---:|---|---:|---:|---:|---:|---:|")
    last = None
    for n, triples, what, r, x, xc in rows:
        head = (f"{n:,}", f"{triples:,}") if n != last else ("", "")
        last = n
        print(
            f"| {head[0]} | {head[1]} | {what} | {r['total']:.2f} | {r['cpu']:.2f}"
            f" | {r['rss_mb']:,.0f} | {x:.2f} | {xc:.2f} |"
        )


if __name__ == "__main__":
    main()
