"""Start-up time of ``graphkit --help`` and a cached ``graphkit path AWS ICE``: this tree against
a baseline commit, in one run.

    python scripts/bench_startup.py [--runs 10] [--baseline REV] [--baseline-path DIR] [--path DIR]

Each variant runs ``python -c "from graphkit.cli import main; main()" ARGS`` (what the console
script does, without a shell shim in front) as fresh processes, interleaved round by round so
that all of them see the same machine load; medians of wall time and of CPU time (user + system
of the child; less sensitive to a shared machine), minimum in brackets. The baseline tree is
extracted with ``git archive`` (default: ``7b79d43``, main before typer was pinned below 0.29).
``--baseline-path DIR`` puts DIR before the baseline tree on ``sys.path``: the packages it ran
with, e.g. ``pip install --no-deps --target /tmp/typer-0.29.2 typer==0.29.2``; ``--path DIR``
does the same for this tree.

Floors timed alongside: ``python -c pass``, ``import typer`` (this tree's typer and the
baseline's), ``import numpy``, and ``import typer, numpy`` with one OpenBLAS thread (what every
cached ``path`` must import, the way ``graphkit.cli.main`` runs). Every variant's ``path`` has
its own cache folder, warmed (with the ``.pyc`` files) by one untimed run. Bytecode is written to
a private ``PYTHONPYCACHEPREFIX``, also when the caller set ``PYTHONDONTWRITEBYTECODE`` (as an
installed package has its ``.pyc`` files; without them every start compiles graphkit's modules
again). One row, ``no .pyc``, runs the baseline's cached ``path`` the way earlier measurements
did, with ``PYTHONDONTWRITEBYTECODE=1``: graphkit compiled from source on every start. Last,
the CPU of one cached ``path`` in phases (``time.process_time`` inside the process).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAIN = "from graphkit.cli import main; main()"
BASELINE = "7b79d43"  # main before typer < 0.29 (typer 0.29.2 installed then)


def extract(rev: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "archive", rev, "graphkit", "ontology", "data", "queries", "pyproject.toml"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def child_env(tree: Path, extra: str | None, pycache: Path, cache: Path | None = None) -> dict:
    """The environment of a fresh process that imports graphkit from ``tree`` (``extra`` first
    on ``sys.path``), with bytecode kept under ``pycache``."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE",)}
    env["PYTHONPATH"] = os.pathsep.join([*([extra] if extra else []), str(tree)])
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    env.pop("GRAPHKIT_NO_CACHE", None)
    if cache is not None:
        env["GRAPHKIT_CACHE_DIR"] = str(cache)
    return env


def no_pyc(env: dict) -> dict:
    """``env`` as the earlier measurements ran: ``PYTHONDONTWRITEBYTECODE=1`` and no prefix, so
    graphkit's modules (a source tree without ``__pycache__``) compile on every start, while
    the installed packages read the ``.pyc`` files pip wrote next to them."""
    env = {k: v for k, v in env.items() if k != "PYTHONPYCACHEPREFIX"}
    return env | {"PYTHONDONTWRITEBYTECODE": "1"}


def once(argv: list[str], cwd: Path, env: dict) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one fresh process. It runs in ``cwd``: ``python -c`` puts
    the working directory first on ``sys.path``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    quiet = subprocess.DEVNULL
    subprocess.run(argv, cwd=cwd, env=env, stdout=quiet, stderr=quiet, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def check_tree(name: str, tree: Path, env: dict) -> None:
    code = "import graphkit, typer; print(graphkit.__file__); print(typer.__version__)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tree, env=env, capture_output=True, text=True
    ).stdout.split()
    if len(out) != 2 or not Path(out[0]).resolve().is_relative_to(tree.resolve()):
        raise SystemExit(f"{name}: imports graphkit from {out[:1]}, not from {tree}")
    print(f"{name}: typer {out[1]}")


#: one cached ``path AWS ICE`` in phases; each phase's CPU seconds (``time.process_time``)
PHASES = r"""
import time, sys, json, io, contextlib
p = time.process_time
t = [p()]
import typer, typer.main; t.append(p())
import numpy; t.append(p())
import graphkit.cli, graphkit.cli.core, graphkit.graph, graphkit.lookup, graphkit.cli.render
import graphkit.cache, graphkit.backends.local; t.append(p())
import pyoxigraph; t.append(p())
from graphkit.model import ontology; ontology(); t.append(p())
sys.argv = ["graphkit", "path", "AWS", "ICE"]
with contextlib.redirect_stdout(io.StringIO()):
    try:
        graphkit.cli.main()
    except SystemExit:
        pass
t.append(p())
print(json.dumps(t))
"""
PHASE_NAMES = [
    "interpreter start (to the first line)",
    "import typer",
    "import numpy (one BLAS thread)",
    "import graphkit's modules on the route",
    "import pyoxigraph",
    "ontology() (parse the ontology, SPARQL)",
    "the command: load from the cache, path, print",
]


def breakdown(env: dict, runs: int) -> None:
    """Where a cached ``path AWS ICE`` spends its CPU, in one process per run (medians)."""
    rows = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", PHASES], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if out.returncode:
            raise SystemExit(out.stderr[-2000:])
        t = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append([t[0]] + [b - a for a, b in zip(t, t[1:])])
    print("\nIn-process CPU of a cached path AWS ICE (this tree), medians:")
    for j, name in enumerate(PHASE_NAMES):
        col = [r[j] for r in rows]
        print(f"  {name:50} {1000 * statistics.median(col):6.1f} ms ({1000 * min(col):.1f})")
    total = [sum(r) for r in rows]
    print(f"  {'total to the end of main()':50} {1000 * statistics.median(total):6.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--baseline", default=BASELINE)
    ap.add_argument("--baseline-path", help="a folder put before the baseline tree on sys.path")
    ap.add_argument("--path", help="a folder put before this tree on sys.path")
    args = ap.parse_args()
    py = sys.executable
    path = [py, "-c", MAIN, "path", "AWS", "ICE"]
    with tempfile.TemporaryDirectory() as tmp:
        tmp_ = Path(tmp)
        base = extract(args.baseline, tmp_ / "base")
        pyc = tmp_ / "pyc"
        here = child_env(ROOT, args.path, pyc)
        old = child_env(base, args.baseline_path, pyc)
        b = f"baseline {args.baseline}"
        variants = {
            "python -c pass": ([py, "-c", "pass"], ROOT, here),
            'python -c "import typer" (this tree)': ([py, "-c", "import typer"], ROOT, here),
            f'python -c "import typer" ({b})': ([py, "-c", "import typer"], base, old),
            'python -c "import numpy"': ([py, "-c", "import numpy"], ROOT, here),
            'python -c "import typer, numpy" (one BLAS thread, as the CLI)': (
                [py, "-c", "import typer, numpy"],
                ROOT,
                here | {"OPENBLAS_NUM_THREADS": "1"},
            ),
            f"graphkit --help ({b})": ([py, "-c", MAIN, "--help"], base, old),
            "graphkit --help (this tree)": ([py, "-c", MAIN, "--help"], ROOT, here),
            "graphkit --version (this tree)": ([py, "-c", MAIN, "--version"], ROOT, here),
            f"graphkit path AWS ICE, cached ({b})": (
                path,
                base,
                child_env(base, args.baseline_path, pyc, tmp_ / "cache-base"),
            ),
            f"graphkit path AWS ICE, cached, no .pyc ({b})": (
                path,
                base,
                no_pyc(child_env(base, args.baseline_path, pyc, tmp_ / "cache-base")),
            ),
            "graphkit path AWS ICE, cached (this tree)": (
                path,
                ROOT,
                child_env(ROOT, args.path, pyc, tmp_ / "cache-here"),
            ),
        }
        check_tree("this tree", ROOT, here)
        check_tree(b, base, old)
        for argv, cwd, env in variants.values():  # warm the caches, the .pyc and the file cache
            once(argv, cwd, env)
        times: dict[str, list[tuple[float, float]]] = {k: [] for k in variants}
        loads = [os.getloadavg()[0]]
        for _ in range(args.runs):
            for name, (argv, cwd, env) in variants.items():
                times[name].append(once(argv, cwd, env))
            loads.append(os.getloadavg()[0])
        cached = child_env(ROOT, args.path, pyc, tmp_ / "cache-here")
        cached["OPENBLAS_NUM_THREADS"] = "1"
        report(args.runs, loads, times)
        breakdown(cached, args.runs)


def report(runs: int, loads: list[float], times: dict) -> None:
    print(
        f"{runs} fresh processes each, interleaved; 1-minute load average "
        f"{min(loads):.1f}-{max(loads):.1f}"
    )
    print(f"{'':62} {'wall':>8} {'(min)':>7} {'CPU':>8} {'(min)':>7}")
    for name, ts in times.items():
        wall, cpu = [t[0] for t in ts], [t[1] for t in ts]
        print(
            f"{name:62} {statistics.median(wall):6.3f} s ({min(wall):.3f})"
            f" {statistics.median(cpu):6.3f} s ({min(cpu):.3f})"
        )


if __name__ == "__main__":
    main()
