#!/usr/bin/env python3
"""Benchmark: start-up from the projection cache vs no cache vs the old pickle cache.

    python scripts/bench_cache.py [--synthetic /tmp/syn100k.nt] [--runs 5] [--baseline REV]

Every figure is the median of ``--runs`` fresh processes, each variant with its own cache
folder warmed by one untimed run:

Figures: wall-clock time of the process, and (for the ``load()`` commands) the seconds spent
inside ``load()``, which leaves out interpreter start and imports.

- ``cache``: this tree (``graphkit.cache``: zlib+JSON, content-hashed key, verified);
- ``no cache``: this tree with ``GRAPHKIT_NO_CACHE=1`` (parse + projection, + SHACL if asked);
- ``pickle``: the tree at ``--baseline`` (default: the commit before ``graphkit/cache.py``
  was added), whose cache pickles the networkx graph; extracted with ``git archive``.

Commands: ``python -c "import graphkit; graphkit.load()"`` and ``graphkit path AWS ICE`` on the
bundled data; with ``--synthetic FILE``, ``graphkit.load([FILE], bundled=False,
validate=False)`` too, plus an in-process breakdown of a cached load (hashing the inputs,
reading + verifying + decoding the entry, building networkx) and the entry sizes.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PATH = (
    "import sys; from graphkit.cli import main; "
    "sys.argv = ['graphkit', 'path', 'AWS', 'ICE']; main()"
)


def baseline_rev() -> str:
    added = subprocess.run(
        ["git", "log", "--diff-filter=A", "--format=%H", "-1", "--", "graphkit/cache.py"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    return f"{added}^" if added else "HEAD"


def extract(rev: str, into: Path) -> Path:
    """The ``graphkit`` package (and what it reads) at ``rev``, in a fresh folder."""
    archive = subprocess.run(
        ["git", "archive", rev, "graphkit", "ontology", "data", "queries", "pyproject.toml"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout  # fmt: skip
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def run_once(code: str, env: dict) -> tuple[float, float | None]:
    """Wall-clock seconds of a fresh process, and the ``load()`` seconds it printed (if any).

    The process runs in the tree it measures: ``python -c`` puts the working directory first on
    ``sys.path``, ahead of ``PYTHONPATH``.
    """
    t = time.perf_counter()
    r = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True,
        cwd=env["PYTHONPATH"],
    )  # fmt: skip
    wall = time.perf_counter() - t
    if r.returncode:
        raise SystemExit(f"failed ({r.returncode}): {code}\n{r.stderr[-2000:]}")
    last = r.stdout.strip().splitlines()[-1:] or [""]
    try:
        return wall, float(last[0])
    except ValueError:
        return wall, None


def compare(code: str, variants: dict, caches: Path, runs: int) -> dict:
    """Warm every variant once, then time them in interleaved rounds (the machine's load
    drifts; interleaving spreads it over all variants alike)."""
    envs = {}
    for name, (tree, extra) in variants.items():
        env = {k: v for k, v in os.environ.items() if k != "GRAPHKIT_NO_CACHE"}
        cache = caches / name.replace(" ", "_").replace("(", "").replace(")", "")
        env |= {"PYTHONPATH": str(tree), "GRAPHKIT_CACHE_DIR": str(cache), **(extra or {})}
        envs[name] = env
        where = subprocess.run(
            [sys.executable, "-c", "import graphkit; print(graphkit.__file__)"],
            env=env, cwd=tree, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
        if not Path(where).resolve().is_relative_to(Path(tree).resolve()):
            raise SystemExit(f"{name}: imports graphkit from {where}, not from {tree}")
        run_once(code, env)
    samples: dict[str, list] = {name: [] for name in variants}
    for _ in range(runs):
        for name, env in envs.items():
            samples[name].append(run_once(code, env))
    out = {}
    for name, xs in samples.items():
        walls = [w for w, _ in xs]
        loads = [x for _, x in xs if x is not None]
        out[name] = {"wall": statistics.median(walls), "wall_min": min(walls)}
        if loads:
            out[name]["load"] = statistics.median(loads)
    return out


def breakdown(tree: Path, cache: Path, synthetic: str) -> dict:
    code = f"""
import json, time, pickle, zlib
from pathlib import Path
from graphkit import cache as C
from graphkit.graph import to_networkx
from graphkit.store import input_files
folder = Path({str(cache)!r})
t0 = time.perf_counter(); files = input_files([{synthetic!r}], bundled=False)
key = C.inputs_key(files); t1 = time.perf_counter()
with C.gc_paused():  # as load() does
    entry = C.read(folder, key); t2 = time.perf_counter()
    G = to_networkx(entry.pg, adopt=True); t3 = time.perf_counter()
size = C.entry_path(folder, key).stat().st_size
raw = len(C.encode(C.read(folder, key).pg))
p = pickle.dumps(G, protocol=pickle.HIGHEST_PROTOCOL)
t4 = time.perf_counter(); pickle.loads(p); t5 = time.perf_counter()
print(json.dumps({{"hash_inputs": t1 - t0, "read_verify_decode": t2 - t1, "networkx": t3 - t2,
    "entry_mb": size / 1e6, "json_mb": raw / 1e6, "nx_pickle_mb": len(p) / 1e6,
    "nx_unpickle": t5 - t4, "nodes": G.number_of_nodes(), "edges": G.number_of_edges()}}))
"""
    env = {**os.environ, "PYTHONPATH": str(tree), "GRAPHKIT_CACHE_DIR": str(cache)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr[-2000:])
    return json.loads(out.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--synthetic", help="an N-Triples file from scripts/generate.py")
    ap.add_argument("--baseline", help="git revision of the pickle-cache baseline")
    args = ap.parse_args()
    rev = args.baseline or baseline_rev()
    work = Path(tempfile.mkdtemp(prefix="bench-cache-"))
    old = extract(rev, work / "old")
    variants = {
        "cache": (ROOT, None),
        "no cache": (ROOT, {"GRAPHKIT_NO_CACHE": "1"}),
        f"pickle ({rev[:12]})": (old, None),
    }
    timed_load = "import time, graphkit; t = time.perf_counter(); graphkit.load({}); "
    timed_load += "print(time.perf_counter() - t)"
    commands = {
        "load() bundled": timed_load.format(""),
        "graphkit path AWS ICE": PATH,
    }
    if args.synthetic:
        commands["load() 100k, validate=False"] = timed_load.format(
            f"[{args.synthetic!r}], bundled=False, validate=False"
        )
    results: dict = {"baseline": rev, "runs": args.runs, "seconds": {}}
    for cname, code in commands.items():
        caches = work / "cache" / cname.replace(" ", "_").replace("/", "_")
        results["seconds"][cname] = r = compare(code, variants, caches, args.runs)
        for vname, x in r.items():
            extra = f"   load() {x['load']:7.3f} s" if "load" in x else ""
            print(f"{cname:30s} {vname:22s} {x['wall']:7.3f} s{extra}", file=sys.stderr, flush=True)
        if args.synthetic and cname.startswith("load() 100k"):
            results["breakdown"] = breakdown(ROOT, caches / "cache", args.synthetic)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
