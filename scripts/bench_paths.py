#!/usr/bin/env python3
"""Benchmark: path queries on synthetic graphs, against round one's path search in the same run.

    python scripts/bench_paths.py --sizes 100000,1000000 [--pairs 20] [--seed 7]

For each size: generate synthetic claims (scripts/generate.py), load them (validation off),
draw ``--pairs`` company -> agency pairs at random with a fixed seed from ALL companies and
agencies (so hubs and pairs with no path are in the sample), and time
``Graph.path(a, b, max_hops=4, limit=50)`` (lookup, shortest paths, simple paths, the claims
and evidence of every hop, ranking by strength). Baseline: the simple-path search of round one
(reverse breadth-first distances over the whole graph, then a pruned depth-first search),
loaded from git history, on the same graph and pairs. Prints a table of p50 / p95 / max and
the slowest no-path pair.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROUND_ONE = "8a21927"  # the commit before the meet-in-the-middle search


def round_one_paths():
    """graphkit/paths.py as of round one, imported as a separate module."""
    src = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{ROUND_ONE}:graphkit/paths.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path = Path(tempfile.mkdtemp()) / "paths_round1.py"
    path.write_text(src)
    spec = importlib.util.spec_from_file_location("paths_round1", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["paths_round1"] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000")
    ap.add_argument("--pairs", type=int, default=20)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--skip-baseline-above", type=int, default=10**9)
    args = ap.parse_args()
    import graphkit
    from graphkit import paths as P
    from scripts.generate import generate

    old = round_one_paths()
    rows = []
    for n in [int(x) for x in args.sizes.split(",")]:
        out = Path(tempfile.gettempdir()) / f"graphkit-bench-{n}.nt"
        if not out.is_file():
            generate(n, out, seed=0)
        t0 = time.perf_counter()
        g = graphkit.load([out], bundled=False, validate=False, cache=False)
        load_s = time.perf_counter() - t0
        rnd = random.Random(args.seed)
        companies = sorted(x for x in g.G if x.startswith("org/syn-company"))
        agencies = sorted(x for x in g.G if x.startswith("org/syn-agency"))
        pairs = [(rnd.choice(companies), rnd.choice(agencies)) for _ in range(args.pairs)]
        g.path(*pairs[0])  # warm the lookup index
        new, found, nopath = [], 0, []
        for a, b in pairs:
            s = time.perf_counter()
            r = g.path(a, b, max_hops=4, limit=50)
            dt = time.perf_counter() - s
            new.append(dt)
            found += r.found
            if not r.found:
                nopath.append(dt)
        rows.append((n, "graphkit (meet in the middle)", load_s, new, found, nopath))
        if n <= args.skip_baseline_above:
            f = g.edge_filter()
            base, bfound, bnone = [], 0, []
            for a, b in pairs:
                s = time.perf_counter()
                sp = old.shortest_paths(g.G, a, b, limit=50, types=f.types)
                if sp and len(sp[0]) - 1 <= 4:
                    sp += old.simple_paths(g.G, a, b, max_hops=4, limit=50, types=f.types)
                else:
                    sp = []
                for p in sp[:50]:
                    old.hops(g.G, p, types=f.types)
                dt = time.perf_counter() - s
                base.append(dt)
                bfound += bool(sp)
                if not sp:
                    bnone.append(dt)
            rows.append((n, "round one search (baseline)", load_s, base, bfound, bnone))
        del g
    print(
        "| claims | search | pairs with a path | p50 ms | p95 ms | max ms | "
        "slowest no-path ms |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|")
    for n, name, _load, lat, found, nopath in rows:
        ms = [x * 1000 for x in lat]
        worst_none = f"{max(nopath) * 1000:,.1f}" if nopath else "–"
        print(
            f"| {n:,} | {name} | {found} of {len(lat)} | {statistics.median(ms):,.1f} | "
            f"{pct(ms, 0.95):,.1f} | {max(ms):,.1f} | {worst_none} |"
        )
    _ = P


if __name__ == "__main__":
    main()
