"""Start-up time of ``graphkit --help``: this tree against a baseline commit, in one run.

    python scripts/bench_startup.py [--runs 10] [--baseline REV]

Each variant runs ``python -c "from graphkit.cli import main; main()" --help`` (what the console
script does, without a shell shim in front) as fresh processes, interleaved round by round so
that both see the same machine load; medians of wall time and of CPU time (user + system; less
sensitive to a shared machine), minimum in brackets. The baseline tree is extracted with
``git archive`` (default: ``deb4c90``, the commit before the lazy command registry).
``python -c pass`` and ``import typer`` are timed alongside as floors.
"""

from __future__ import annotations

import argparse
import io
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


def once(argv: list[str], pythonpath: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one fresh process."""
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    quiet = subprocess.DEVNULL
    subprocess.run(argv, cwd=pythonpath, env=env, stdout=quiet, stderr=quiet, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--baseline", default="deb4c90")
    args = ap.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        base = extract(args.baseline, Path(tmp))
        variants = {
            "python -c pass": ([py, "-c", "pass"], ROOT),
            'python -c "import typer"': ([py, "-c", "import typer"], ROOT),
            f"graphkit --help (baseline {args.baseline})": ([py, "-c", MAIN, "--help"], base),
            "graphkit --help (this tree)": ([py, "-c", MAIN, "--help"], ROOT),
            "graphkit --version (this tree)": ([py, "-c", MAIN, "--version"], ROOT),
        }
        for argv, where in variants.values():  # warm the file cache and the .pyc files
            once(argv, where)
        times: dict[str, list[tuple[float, float]]] = {k: [] for k in variants}
        for _ in range(args.runs):
            for name, (argv, where) in variants.items():
                times[name].append(once(argv, where))
    load = os.getloadavg()[0]
    print(f"{args.runs} fresh processes each, interleaved; load average {load:.1f}")
    print(f"{'':45} {'wall':>8} {'(min)':>7} {'CPU':>8} {'(min)':>7}")
    for name, ts in times.items():
        wall, cpu = [t[0] for t in ts], [t[1] for t in ts]
        print(
            f"{name:45} {statistics.median(wall):6.3f} s ({min(wall):.3f})"
            f" {statistics.median(cpu):6.3f} s ({min(cpu):.3f})"
        )


if __name__ == "__main__":
    main()
