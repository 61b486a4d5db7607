"""Benchmark: USAspending import speed (rows/s) against pandas.read_csv of the same file.

The shared prime-award file (1,369 rows x 286 columns) is replicated to ``--rows`` rows in a temp
folder, each copy with its own award keys and permalinks so that every row is a distinct award.
Baselines in the same run: ``pandas.read_csv`` (the floor: parsing only), ``csv.reader``, and
this checkout's mapping interpreter (``import_csv(..., interpret=True)``, the route the generated
code replaced); ``--before DIR`` also times the importer of another checkout
(``git archive <ref> | tar -x -C DIR``) in a child process on the same file, timing only its
import call.

    python scripts/bench_import.py [--rows 100000] [--repeat 3] [--before DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path("/work/shared/data")
if not SHARED.is_dir():
    SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
PRIME = SHARED / "usaspending-ice-prime-contracts-mn-recipients-2025-03-21.csv"


def replicate(src: Path, dst: Path, rows: int) -> int:
    with open(src, newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        data = list(reader)
    key, link = header.index("contract_award_unique_key"), header.index("usaspending_permalink")
    n = 0
    with open(dst, "w", newline="", encoding="utf-8") as out:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(header)
        copy = 0
        while n < rows:
            for r in data:
                if n >= rows:
                    break
                r = list(r)
                if copy:
                    r[key] = f"{r[key]}_R{copy}"
                    r[link] = f"https://www.usaspending.gov/award/{r[key]}/"
                w.writerow(r)
                n += 1
            copy += 1
    return n


def timed(fn, repeat: int) -> list[tuple[float, float]]:
    """``(wall s, CPU s of this process)`` per run: on a shared machine the CPU time is the
    fairer comparison (every step here is single-threaded)."""
    out = []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        out.append((time.perf_counter() - t, time.process_time() - c))
    return out


CHILD = """
import json, sys, time
from pathlib import Path
from graphkit.importers import import_csv
from graphkit.importers.usaspending import mapping_for
big, out = Path(sys.argv[1]), Path(sys.argv[2])
for f in out.glob("*.ttl"):
    f.unlink()
t, c = time.perf_counter(), time.process_time()
import_csv(big, mapping_for(big), out_dir=out)
print(json.dumps([time.perf_counter() - t, time.process_time() - c]))
"""


def timed_child(tree: Path, big: Path, out: Path, repeat: int) -> list[tuple[float, float]]:
    """The import of the checkout at ``tree``, timed inside a child process (run in ``tree``:
    ``python -c`` puts the working folder first on the path)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    runs = []
    for _ in range(repeat):
        cmd = [sys.executable, "-c", CHILD, str(big), str(out)]
        done = subprocess.run(cmd, env=env, cwd=tree, capture_output=True, text=True, check=True)
        wall, cpu = json.loads(done.stdout.strip().splitlines()[-1])
        runs.append((wall, cpu))
    return runs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--before", type=Path, help="a checkout of the baseline to time as well")
    args = ap.parse_args()

    import pandas as pd

    from graphkit.importers import import_csv
    from graphkit.importers.usaspending import mapping_for

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "prime-replicated.csv"
        n = replicate(PRIME, big, args.rows)
        size = big.stat().st_size / 1e6
        print(f"{n} rows, {size:.0f} MB ({PRIME.name} replicated)", file=sys.stderr)

        def run_import(interpret: bool = False):
            out = Path(tmp) / ("interpreted" if interpret else "imports")
            for f in out.glob("*.ttl"):
                f.unlink()
            import_csv(big, mapping_for(big), out_dir=out, interpret=interpret)

        def run_csv():
            with open(big, newline="", encoding="utf-8") as fh:
                for _ in csv.reader(fh):
                    pass

        results = [
            (
                "pandas.read_csv(dtype=str) (floor)",
                timed(lambda: pd.read_csv(big, dtype=str), args.repeat),
            ),
            ("csv.reader (parse only)", timed(run_csv, args.repeat)),
            (
                "graphkit import, mapping interpreter (interpret=True)",
                timed(lambda: run_import(interpret=True), args.repeat),
            ),
            ("graphkit import usaspending (generated code)", timed(run_import, args.repeat)),
        ]
        same = all(
            (Path(tmp) / "imports" / f.name).read_bytes() == f.read_bytes()
            for f in (Path(tmp) / "interpreted").glob("*.ttl")
            if f.name != "entities.ttl"  # its header names the folder
        )
        print(f"generated output identical to the interpreter's: {same}", file=sys.stderr)
        if args.before:
            before = timed_child(args.before.resolve(), big, Path(tmp) / "before", args.repeat)
            results.insert(2, (f"graphkit import, before ({args.before.name})", before))
        out_size = sum(f.stat().st_size for f in (Path(tmp) / "imports").glob("*.ttl")) / 1e6
    floor = statistics.median(c for _w, c in results[0][1])
    print(
        f"\nUSAspending prime import, {n:,} rows x 286 columns ({size:.0f} MB CSV -> "
        f"{out_size:.0f} MB Turtle), median of {args.repeat}; load average (1, 5, 15 min) "
        f"{', '.join(f'{x:.1f}' for x in load_before)} before, "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} after\n"
    )
    print("| step | median wall s | median CPU s | rows/s (CPU) | x pandas (CPU) |")
    print("|---|---:|---:|---:|---:|")
    for name, times in results:
        wall = statistics.median(w for w, _c in times)
        cpu = statistics.median(c for _w, c in times)
        print(f"| {name} | {wall:.2f} | {cpu:.2f} | {n / cpu:,.0f} | {cpu / floor:.2f} |")


if __name__ == "__main__":
    main()
