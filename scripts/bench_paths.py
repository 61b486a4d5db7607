#!/usr/bin/env python3
"""Benchmark: path queries on synthetic graphs, against round two's search (and round one's) in
the same run.

    python scripts/bench_paths.py --sizes 100000,1000000 [--pairs 20] [--seed 7]

For each size: the synthetic claims of ``scripts/generate.py`` (seed 0) are loaded (validation
off) into a private cache folder and then loaded again from that cache, as a command line
start would; ``--pairs`` company -> agency pairs are drawn at random with a fixed seed from ALL
companies and agencies (so hubs and pairs with no path are in the sample), and
``Graph.path(a, b, max_hops=4, limit=50)`` is timed (lookup, shortest paths, simple paths, the
claims and evidence of every hop, ranking by strength, and for a pair with no path what is
near). Baselines on the same graph and pairs, over the networkx graph built from it:

- round two (``deb4c90``): its ``graphkit/paths.py`` (meet in the middle over networkx, a
  Python filter per edge), assembled as its ``trace`` did (the same steps, including what is
  near for a pair with no path); the column "same paths" says whether it listed the same paths
  in the same order;
- round one (``8a21927``): reverse breadth-first distances over the whole graph, then a pruned
  depth-first search (``--skip-round-one-above`` leaves it out at large sizes);
- ``--baseline REV`` (default ``7b79d43``, the columnar search with hop records built eagerly):
  that revision's whole tree (``git archive``) timed in a child process on the same cache
  entry and pairs, after this tree's run (one graph process computes at a time).

The row "graphkit, every claim read (2nd pass)" runs every query again after the first pass
and reads the claims of every hop of its result (hop records are decoded on first read; the
command line's table, JSON and CSV output read them all).

Prints a table of p50 / p95 / max and the slowest no-path pair.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROUND_ONE = "8a21927"  # the commit before the meet-in-the-middle search
ROUND_TWO = "deb4c90"  # networkx search, before the columnar one
BASELINE = "7b79d43"  # columnar search, hop records built eagerly

_CHILD = """
import json, sys, time
import graphkit
path, pairs = sys.argv[1], json.loads(sys.argv[2])
print("baseline graphkit from", graphkit.__file__, file=sys.stderr)
g = graphkit.load([path], bundled=False, validate=False)
out = []
for a, b in pairs:
    s, c = time.perf_counter(), time.process_time()
    r = g.path(a, b, max_hops=4, limit=50)
    out.append([time.perf_counter() - s, time.process_time() - c, r.paths, r.partial])
print(json.dumps(out))
"""


def tree_of(rev: str) -> Path:
    """The whole tree of ``rev`` (``git archive``) in a temporary folder."""
    dest = Path(tempfile.mkdtemp(prefix=f"bench-paths-{rev}-"))
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


def baseline_run(tree: Path, data: Path, pairs: list) -> list:
    """``Graph.path`` of every pair in a child process running ``tree``'s graphkit (loading
    the cache entry this run wrote): ``[wall s, CPU s, paths, partial]`` per pair."""
    import json

    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(data), json.dumps(pairs)],
        capture_output=True,
        text=True,
        env=env,
        cwd=str(tree),
        check=True,
    )
    print(done.stderr.strip(), file=sys.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def old_paths(rev: str, name: str):
    """graphkit/paths.py as of ``rev``, imported as a separate module."""
    src = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{rev}:graphkit/paths.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path = Path(tempfile.mkdtemp()) / f"{name}.py"
    path.write_text(src)
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


def round_two_path(old, g, G, a: str, b: str, f, max_hops: int = 4, limit: int = 50):
    """Round two's ``trace`` for the networkx backend, step by step, on its own functions."""
    a, b = g.find(a), g.find(b)
    found = old.shortest_paths(G, a, b, limit=limit, f=f, max_hops=max_hops)
    partial = False
    if found:
        extra = old.simple_paths(G, a, b, max_hops=max_hops, limit=limit, f=f, budget=5.0)
        partial = extra.partial
        found += [p for p in extra if p not in found]
    records: dict = {}
    hops = [old.hops(G, p, f=f, records=records) for p in found]
    kept = [(p, h) for p, h in zip(found, hops) if all(x.claims for x in h)]
    ranked = sorted(kept, key=lambda ph: (old.path_strength(ph[1], f), len(ph[0]), ph[0]))
    paths = [p for p, _ in ranked[:limit]]
    if not paths:  # what round two computed for "near"
        old.distances(G, a, max_hops, f, max_nodes=11)
        old.distances(G, b, max_hops, f, reverse=True, max_nodes=11)
        if f.directed:
            old.shortest_paths(G, a, b, limit=1, f=f.with_(directed=False), max_hops=max_hops)
        if f.flow_only:
            wide = f.with_(types=None, flow_only=False)
            other = old.shortest_paths(G, a, b, limit=1, f=wide, max_hops=max_hops)
            if not other and f.directed:
                other = old.shortest_paths(
                    G, a, b, limit=1, f=wide.with_(directed=False), max_hops=max_hops
                )
            if other:
                old.hops(G, other[0], f=wide.with_(directed=False))
    return paths, partial


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000")
    ap.add_argument("--pairs", type=int, default=20)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--skip-round-one-above", type=int, default=100_000)
    ap.add_argument("--baseline", default=BASELINE, help="a revision to time ('' for none)")
    ap.add_argument("--cache-dir", help="a cache folder to reuse (default: a new one)")
    args = ap.parse_args()
    tree = tree_of(args.baseline) if args.baseline else None
    os.environ["GRAPHKIT_CACHE_DIR"] = args.cache_dir or tempfile.mkdtemp(prefix="bench-paths-")
    import graphkit
    from scripts.generate import generate

    r1, r2 = old_paths(ROUND_ONE, "paths_round1"), old_paths(ROUND_TWO, "paths_round2")
    rows = []
    for n in [int(x) for x in args.sizes.split(",")]:
        out = Path(tempfile.gettempdir()) / f"graphkit-bench-{n}.nt"
        if not out.is_file():
            generate(n, out, seed=0)
        graphkit.load([out], bundled=False, validate=False)  # writes the cache entry
        t0 = time.perf_counter()
        g = graphkit.load([out], bundled=False, validate=False)
        load_s = time.perf_counter() - t0
        c = g.columns
        ids = [c.node_id(i) for i in range(c.n_nodes)]
        companies = sorted(x for x in ids if x.startswith("org/syn-company"))
        agencies = sorted(x for x in ids if x.startswith("org/syn-agency"))
        rnd = random.Random(args.seed)
        pairs = [(rnd.choice(companies), rnd.choice(agencies)) for _ in range(args.pairs)]
        gc.collect()  # the previous size's garbage is not collected inside these timings
        new, found, nopath, got, partial, cpu = [], 0, [], [], 0, []
        for a, b in pairs:
            s, sc = time.perf_counter(), time.process_time()
            r = g.path(a, b, max_hops=4, limit=50)
            dt, dc = time.perf_counter() - s, time.process_time() - sc
            new.append(dt)
            cpu.append(dc)
            found += r.found
            partial += r.partial
            got.append(r.paths)
            if not r.found:
                nopath.append(dt)
            print(f"  {a} -> {b}: {dt * 1000:.1f} ms, {len(r.paths)} paths", file=sys.stderr)
        # a second pass (the filters' pair decisions are made by now) that reads every claim
        # of every hop, as the command line's output does; apart from the first pass so that
        # the garbage the records leave is not collected inside the first pass's timings
        full, full_cpu, full_nopath = [], [], []
        gc.collect()
        for a, b in pairs:
            s, sc = time.perf_counter(), time.process_time()
            r = g.path(a, b, max_hops=4, limit=50)
            n_claims = sum(len(h.claims) for hs in r.hops for h in hs)  # decode every hop
            full.append(time.perf_counter() - s)
            full_cpu.append(time.process_time() - sc)
            if not r.found:
                full_nopath.append(full[-1])
            print(
                f"  {a} -> {b}: {full[-1] * 1000:.1f} ms with every claim read "
                f"({n_claims:,} claims over all hops of all paths)",
                file=sys.stderr,
            )
            del r
        rows.append((n, "graphkit (columns, CSR)", load_s, new, found, nopath, "", partial, cpu))
        rows.append(
            (n, "graphkit, every claim read (2nd pass)", load_s, full, found, full_nopath, "",
             partial, full_cpu)
        )  # fmt: skip
        print(f"{n:,}: graphkit done (cached load {load_s:.2f} s)", file=sys.stderr, flush=True)
        if tree is not None:
            got_b = baseline_run(tree, out, pairs)
            base = [x[0] for x in got_b]
            rows.append(
                (n, f"main before ({args.baseline}, eager hop records)", load_s, base,
                 sum(bool(x[2]) for x in got_b), [x[0] for x in got_b if not x[2]],
                 f"{sum(x[2] == mine for x, mine in zip(got_b, got))} of {len(pairs)}",
                 sum(x[3] for x in got_b), [x[1] for x in got_b])
            )  # fmt: skip
            print(f"{n:,}: {args.baseline} done", file=sys.stderr, flush=True)
        t = time.perf_counter()
        G = g.G
        print(f"{n:,}: networkx graph built in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        f = g.edge_filter()
        gc.collect()
        base, bfound, bnone, same, cut, bcpu = [], 0, [], 0, 0, []
        for (a, b), mine in zip(pairs, got):
            s, sc = time.perf_counter(), time.process_time()
            paths, was_cut = round_two_path(r2, g, G, a, b, f)
            cut += was_cut
            dt = time.perf_counter() - s
            bcpu.append(time.process_time() - sc)
            base.append(dt)
            bfound += bool(paths)
            same += paths == mine
            if not paths:
                bnone.append(dt)
        rows.append(
            (n, f"round two ({ROUND_TWO}, networkx)", load_s, base, bfound, bnone,
             f"{same} of {len(pairs)}", cut, bcpu)
        )  # fmt: skip
        print(f"{n:,}: round two done", file=sys.stderr, flush=True)
        if n <= args.skip_round_one_above:
            base, bfound, bnone, bcpu = [], 0, [], []
            for a, b in pairs:
                s, sc = time.perf_counter(), time.process_time()
                sp = r1.shortest_paths(G, a, b, limit=50, types=f.types)
                if sp and len(sp[0]) - 1 <= 4:
                    sp += r1.simple_paths(G, a, b, max_hops=4, limit=50, types=f.types)
                else:
                    sp = []
                for p in sp[:50]:
                    r1.hops(G, p, types=f.types)
                dt = time.perf_counter() - s
                bcpu.append(time.process_time() - sc)
                base.append(dt)
                bfound += bool(sp)
                if not sp:
                    bnone.append(dt)
            rows.append((n, f"round one ({ROUND_ONE})", load_s, base, bfound, bnone, "", 0, bcpu))
        del g, G
    if tree is not None:
        shutil.rmtree(tree, ignore_errors=True)
    print(f"load average {os.getloadavg()[0]:.1f} at the end", file=sys.stderr)
    print(
        "| claims | search | pairs with a path | partial | same paths | p50 ms | p95 ms | "
        "max ms | slowest no-path ms (its CPU ms) | CPU p50 / p95 ms | CPU s (sum) |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, name, _load, lat, nfound, nopath, same, partial, cpu in rows:
        ms = [x * 1000 for x in lat]
        none_cpu = [c for x, c in zip(lat, cpu) if x in nopath]  # the same floats
        worst_none = f"{max(nopath) * 1000:,.1f} ({max(none_cpu) * 1000:,.1f})" if nopath else "–"
        print(
            f"| {n:,} | {name} | {nfound} of {len(lat)} | {partial} | {same or '–'} | "
            f"{statistics.median(ms):,.1f} | {pct(ms, 0.95):,.1f} | {max(ms):,.1f} | "
            f"{worst_none} | {statistics.median(cpu) * 1000:,.1f} / {pct(cpu, 0.95) * 1000:,.1f} | "
            f"{sum(cpu):,.2f} |"
        )


if __name__ == "__main__":
    main()
