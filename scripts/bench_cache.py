#!/usr/bin/env python3
"""Benchmark: start-up from the projection cache vs no cache vs a baseline tree's cache.

    python scripts/bench_cache.py [--synthetic /tmp/syn100k.nt] [--runs 5] [--baseline REV]
        [--baseline-path DIR] [--path DIR]

Every figure is the median of ``--runs`` fresh processes, each variant with its own cache
folder warmed by one untimed run:

Figures: wall-clock time of the process, and (for the ``load()`` commands) the seconds spent
inside ``load()``, which leaves out interpreter start and imports.

- ``cache``: this tree (``graphkit.cache``: the columnar projection in one memory-mapped,
  checksummed file; content-hashed key; networkx built only when something needs it);
- ``no cache``: this tree with ``GRAPHKIT_NO_CACHE=1`` (parse + projection, + SHACL if asked);
- ``baseline``: the tree at ``--baseline`` (default ``7b79d43``, main before typer was pinned
  below 0.29; ``deb4c90`` is round two, whose cache is zlib JSON decoded into dicts and then a
  networkx graph), extracted with ``git archive``. ``--baseline-path DIR`` puts DIR before it on
  ``sys.path`` (the packages it ran with, e.g. ``pip install --no-deps --target
  /tmp/typer-0.29.2 typer==0.29.2``); ``--path DIR`` does the same for this tree.

Bytecode is written to a private ``PYTHONPYCACHEPREFIX`` (warmed by the untimed run), also when
the caller set ``PYTHONDONTWRITEBYTECODE``: an installed package has its ``.pyc`` files, and
without them every start compiles graphkit's modules again.

Commands: ``python -c "import graphkit; graphkit.load()"`` and ``graphkit path AWS ICE`` on the
bundled data; with ``--synthetic FILE``, ``graphkit.load([FILE], bundled=False,
validate=False)`` too, plus an in-process breakdown of a cached load (hashing the inputs,
mapping + verifying the entry, building networkx from it) and the entry size.
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
    return "7b79d43"  # main before typer < 0.29 (typer 0.29.2 installed then)


def extract(rev: str, into: Path) -> Path:
    """The ``graphkit`` package (and what it reads) at ``rev``, in a fresh folder."""
    archive = subprocess.run(
        ["git", "archive", rev, "graphkit", "ontology", "data", "queries", "pyproject.toml"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout  # fmt: skip
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def run_once(code: str, env: dict) -> tuple[float, float, float | None]:
    """Wall-clock and CPU (user + system) seconds of a fresh process, and the ``load()``
    seconds it printed (if any). CPU time is the steadier figure on a shared machine.

    The process runs in the tree it measures: ``python -c`` puts the working directory first on
    ``sys.path``, ahead of ``PYTHONPATH``.
    """
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    r = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True,
        cwd=env["PYTHONPATH"].split(os.pathsep)[-1],
    )  # fmt: skip
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if r.returncode:
        raise SystemExit(f"failed ({r.returncode}): {code}\n{r.stderr[-2000:]}")
    last = r.stdout.strip().splitlines()[-1:] or [""]
    try:
        return wall, cpu, float(last[0])
    except ValueError:
        return wall, cpu, None


def compare(code: str, variants: dict, caches: Path, runs: int) -> dict:
    """Warm every variant once, then time them in interleaved rounds (the machine's load
    drifts; interleaving spreads it over all variants alike)."""
    envs = {}
    drop = ("GRAPHKIT_NO_CACHE", "PYTHONDONTWRITEBYTECODE")
    for name, (tree, extra, first) in variants.items():
        env = {k: v for k, v in os.environ.items() if k not in drop}
        cache = caches / name.replace(" ", "_").replace("(", "").replace(")", "")
        search = os.pathsep.join([*([first] if first else []), str(tree)])
        env |= {"PYTHONPATH": search, "GRAPHKIT_CACHE_DIR": str(cache), **(extra or {})}
        env["PYTHONPYCACHEPREFIX"] = str(caches.parent / "pyc")
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
        walls = [w for w, _, _ in xs]
        cpus = [c for _, c, _ in xs]
        loads = [x for _, _, x in xs if x is not None]
        out[name] = {"wall": statistics.median(walls), "wall_min": min(walls)}
        out[name]["cpu"] = statistics.median(cpus)
        if loads:
            out[name]["load"] = statistics.median(loads)
    return out


def breakdown(tree: Path, cache: Path, synthetic: str) -> dict:
    code = f"""
import json, time
from pathlib import Path
from graphkit import cache as C
from graphkit.store import input_files
folder = Path({str(cache)!r})
t0 = time.perf_counter(); files = input_files([{synthetic!r}], bundled=False)
key = C.inputs_key(files, folder); t1 = time.perf_counter()
C.inputs_key(files); t1b = time.perf_counter()
entry = C.read(folder, key); t2 = time.perf_counter()
G = entry.cols.to_networkx(); t3 = time.perf_counter()
size = C.entry_path(folder, key).stat().st_size
print(json.dumps({{"hash_inputs (remembered digests)": t1 - t0,
    "hash_inputs (every byte)": t1b - t1, "map_verify_check": t2 - t1, "networkx": t3 - t2,
    "entry_mb": size / 1e6, "nodes": G.number_of_nodes(), "edges": G.number_of_edges()}}))
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
    ap.add_argument("--baseline", help="git revision of the baseline (default 7b79d43)")
    ap.add_argument("--baseline-path", help="a folder put before the baseline tree on sys.path")
    ap.add_argument("--path", help="a folder put before this tree on sys.path")
    args = ap.parse_args()
    rev = args.baseline or baseline_rev()
    work = Path(tempfile.mkdtemp(prefix="bench-cache-"))
    old = extract(rev, work / "old")
    variants = {
        "cache": (ROOT, None, args.path),
        "no cache": (ROOT, {"GRAPHKIT_NO_CACHE": "1"}, args.path),
        f"baseline ({rev[:12]})": (old, None, args.baseline_path),
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
    loads = [os.getloadavg()[0]]
    for cname, code in commands.items():
        caches = work / "cache" / cname.replace(" ", "_").replace("/", "_")
        results["seconds"][cname] = r = compare(code, variants, caches, args.runs)
        loads.append(os.getloadavg()[0])
        for vname, x in r.items():
            extra = f"   load() {x['load']:7.3f} s" if "load" in x else ""
            print(
                f"{cname:30s} {vname:22s} {x['wall']:7.3f} s (min {x['wall_min']:.3f}, "
                f"cpu {x['cpu']:.3f}){extra}",
                file=sys.stderr,
                flush=True,
            )
        if args.synthetic and cname.startswith("load() 100k"):
            results["breakdown"] = breakdown(ROOT, caches / "cache", args.synthetic)
    results["load_average_1min"] = [min(loads), max(loads)]
    print(f"1-minute load average {min(loads):.1f}-{max(loads):.1f}", file=sys.stderr)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
