#!/usr/bin/env python3
"""Benchmark: graphkit's Neo4j loaders (online, ``--bulk``) against per-statement MERGE.

    python scripts/bench_neo4j.py [--sizes 10000 100000] [--repeat 3] [--baseline-cap 60]
                                  [--bulk-sizes 100000 1000000]

Synthetic data from ``scripts/generate.py`` (N claims plus their entities, evidence and
contracts) is projected once per size, then loaded into Neo4j by

- **graphkit**: :func:`graphkit.backends.neo4j.load` (``UNWIND $rows … CREATE`` of list rows with
  inline property maps, in batches inside managed write transactions, into a database without
  graphkit data), ``--repeat`` times (median quoted), plus one re-load of the same data
  (``MERGE``; idempotent: nothing changes);
- **bulk** (``--bulk-sizes``; needs ``NEO4J_HOME``, set automatically for the throw-away server):
  :func:`graphkit.backends.neo4j.bulk_load` end to end (CSV export, server stop, ``neo4j-admin``
  import, server start, constraints), once per size, with the time of each stage;
- **baseline**: one ``MERGE`` statement per node and per relationship, each in its own
  auto-commit transaction, with the same constraints/indexes (so only the batching differs).
  It is capped at ``--baseline-cap`` seconds (half for nodes, half for relationships) and its
  rate extrapolated from what it did.

Relationships per second are over the whole load (nodes included). When the server's pid is
known (the throw-away server, or ``NEO4J_PID``), the server's CPU seconds per load are reported
too, with this process's (the client's) CPU seconds: on a shared machine they vary far less
than wall time, and they say whether the server or Python is the bottleneck. The load average
is printed. Uses
``NEO4J_URI`` (and ``NEO4J_USER``/``NEO4J_PASSWORD``) or starts a throw-away server with
``scripts/neo4j-server``. The loaded data is deleted afterwards. Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from graphkit.backends import neo4j as N  # noqa: E402
from graphkit.backends.neo4j import scheme as S  # noqa: E402
from graphkit.projection import PropertyGraph, project  # noqa: E402
from graphkit.store import Dataset  # noqa: E402


def synthetic(n_claims: int, work: Path) -> PropertyGraph:
    from generate import generate

    out = work / f"syn-{n_claims}.nt"
    if not out.exists():
        generate(n_claims, out, seed=1)
    return project(Dataset.load(files=[out]))


def baseline(driver, pg: PropertyGraph, cap: float) -> dict:
    """Per-statement MERGE, one auto-commit transaction each; capped, rates extrapolated."""
    node_groups, edge_groups, all_labels = S._groups(pg)
    with driver.session() as s:
        for q in N.constraint_queries(all_labels):
            s.run(q).consume()
        s.run("CALL db.awaitIndexes(300)").consume()
        done, start, stop = 0, time.perf_counter(), time.perf_counter() + cap / 2
        todo = [(lbs, n) for lbs, ids in node_groups.items() for n in ids]
        for lbs, n in todo:
            labels = "".join(":" + S._ident(lb) for lb in lbs)
            s.run(
                f"MERGE (n:{N.MARKER} {{id: $id}}) SET n += $props, n{labels}",
                id=n,
                props={**N.properties(pg.nodes[n]), N.LOAD_KEY: 0},
            ).consume()
            done += 1
            if time.perf_counter() > stop:
                break
        node_rate = done / (time.perf_counter() - start)
        if done < len(todo):  # finish the nodes quickly (untimed) so relationships can attach
            N.load(driver, PropertyGraph(nodes=pg.nodes, edges=[]))
        edges = [(typ, key, i) for (typ, key), idx in edge_groups.items() for i in idx]
        done, start, stop = 0, time.perf_counter(), time.perf_counter() + cap / 2
        for typ, key, i in edges:
            a, b, _, d = pg.edges[i]
            s.run(
                f"MATCH (a:{N.MARKER} {{id: $a}}) MATCH (b:{N.MARKER} {{id: $b}}) "
                f"MERGE (a)-[r:{S._ident(typ)} {{{key}: $k}}]->(b) SET r += $props",
                a=a,
                b=b,
                k=d[key],
                props={**N.properties(d), N.LOAD_KEY: 0},
            ).consume()
            done += 1
            if time.perf_counter() > stop:
                break
        rel_rate = done / (time.perf_counter() - start)
    seconds = len(pg.nodes) / node_rate + len(pg.edges) / rel_rate
    return {"seconds": seconds, "rate": len(pg.edges) / seconds}


def server(work: Path):
    """``(uri, stop)``: NEO4J_URI, or a throw-away server from scripts/neo4j-server."""
    if os.environ.get("NEO4J_URI"):
        return os.environ["NEO4J_URI"], lambda: None
    state = work / "neo4j"
    script = str(ROOT / "scripts" / "neo4j-server")
    uri = subprocess.run(
        [script, "start", str(state)], check=True, capture_output=True, text=True
    ).stdout.strip()
    os.environ.setdefault("NEO4J_PASSWORD", "graphkit-test")
    os.environ.setdefault("NEO4J_HOME", str(state / "home"))
    os.environ["NEO4J_PID_FILE"] = str(state / "pid")
    return uri, lambda: subprocess.run([script, "stop", str(state)], check=False)


def server_cpu() -> float | None:
    """CPU seconds used so far by the Neo4j server process, if it is known and local."""
    pid = os.environ.get("NEO4J_PID")
    if not pid and os.environ.get("NEO4J_PID_FILE"):
        with contextlib.suppress(OSError):
            pid = Path(os.environ["NEO4J_PID_FILE"]).read_text().strip()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError, TypeError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_load(drv, pg, batch_size):
    """Wall seconds, server CPU seconds (or None), this process's CPU seconds."""
    c, py = server_cpu(), time.process_time()
    r = N.load(drv, pg, batch_size=batch_size)
    after, py = server_cpu(), time.process_time() - py
    return r.seconds, (after - c) if c is not None and after is not None else None, py


def bulk(drv, pg) -> dict:
    """One ``bulk_load`` into the database emptied of graphkit data; seconds by stage."""
    N.clear(drv)  # bulk_load refuses a database that still holds other data
    r = N.bulk_load(N.Connection.from_env(), pg, neo4j_home=Path(os.environ["NEO4J_HOME"]))
    c = N.counts(drv)
    assert (c["nodes"], c["relationships"]) == (len(pg.nodes), len(pg.edges)), c
    N.clear(drv)
    return {"seconds": r.seconds, **r.stages}


def fmt_cpu(x: float | None, rels: int) -> str:
    return "n/a" if x is None else f"{x:.1f} ({rels / x:,.0f} rel/cpu-s)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    ap.add_argument("--bulk-sizes", type=int, nargs="*", default=[])
    ap.add_argument("--repeat", type=int, default=3, help="graphkit loads per size (median)")
    ap.add_argument("--baseline-cap", type=float, default=60.0, help="seconds per size")
    ap.add_argument("--batch-size", type=int, default=N.DEFAULT_BATCH)
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "graphkit-bench")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    uri, stop = server(args.work)
    rows, bulk_rows = [], []
    load_avg = []
    try:
        with N.connect(N.Connection.from_env(uri=uri)) as drv:
            for n in args.sizes:
                t = time.perf_counter()
                pg = synthetic(n, args.work)
                prep = time.perf_counter() - t
                print(f"{n:,} claims: {len(pg.nodes):,} nodes, {len(pg.edges):,} relationships "
                      f"(generated + projected in {prep:.1f} s)", file=sys.stderr)  # fmt: skip
                runs, cpus, pys = [], [], []
                for _ in range(args.repeat):
                    N.clear(drv)
                    load_avg.append(os.getloadavg()[0])
                    sec, cpu, py = timed_load(drv, pg, args.batch_size)
                    runs.append(sec)
                    cpus.append(cpu)
                    pys.append(py)
                    print(f"  graphkit load {sec:.1f} s (server cpu {cpu}, client cpu {py:.1f})",
                          file=sys.stderr)  # fmt: skip
                again = N.load(drv, pg, batch_size=args.batch_size)
                c = N.counts(drv)
                assert (c["nodes"], c["relationships"]) == (len(pg.nodes), len(pg.edges)), c
                N.clear(drv)
                base = baseline(drv, pg, args.baseline_cap)
                print(f"  baseline (extrapolated) {base['seconds']:.0f} s", file=sys.stderr)
                N.clear(drv)
                med = statistics.median(runs)
                known = [x for x in cpus if x is not None]
                rows.append(
                    {
                        "claims": f"{n:,}",
                        "nodes": f"{len(pg.nodes):,}",
                        "relationships": f"{len(pg.edges):,}",
                        "graphkit s (median)": f"{med:.1f}",
                        "graphkit rel/s": f"{len(pg.edges) / med:,.0f}",
                        "server CPU s (median)": fmt_cpu(
                            statistics.median(known) if known else None, len(pg.edges)
                        ),
                        "client CPU s (median)": f"{statistics.median(pys):.1f}",
                        "re-load s": f"{again.seconds:.1f}",
                        "baseline s (extrap.)": f"{base['seconds']:.0f}",
                        "baseline rel/s": f"{base['rate']:,.0f}",
                        "speed-up": f"{base['seconds'] / med:.0f}x",
                    }
                )
            for n in args.bulk_sizes:
                if not os.environ.get("NEO4J_HOME"):
                    print("bulk: NEO4J_HOME is not set; skipped", file=sys.stderr)
                    break
                pg = synthetic(n, args.work)
                load_avg.append(os.getloadavg()[0])
                b = bulk(drv, pg)
                print(f"  bulk {n:,}: {b}", file=sys.stderr)
                bulk_rows.append(
                    {
                        "claims": f"{n:,}",
                        "relationships": f"{len(pg.edges):,}",
                        "end to end s": f"{b['seconds']:.1f}",
                        "rel/s end to end": f"{len(pg.edges) / b['seconds']:,.0f}",
                        **{f"{k} s": f"{b[k]:.1f}" for k in STAGES},
                        "rel/s without stop/start": f"{len(pg.edges) / sum(b[k] for k in ('export', 'import', 'constraints')):,.0f}",  # noqa: E501
                    }
                )
    finally:
        stop()
    for table in (rows, bulk_rows):
        cols = list(table[0]) if table else []
        if not cols:
            continue
        print("| " + " | ".join(cols) + " |")
        print("|" + "---|" * len(cols))
        for r in table:
            print("| " + " | ".join(r[c] for c in cols) + " |")
        print()
    print(
        f"Neo4j {uri}; batch size {args.batch_size}; graphkit median of {args.repeat}; "
        f"baseline = one MERGE per node/relationship in auto-commit transactions, same "
        f"constraints, capped at {args.baseline_cap:.0f} s and extrapolated. 1-minute load "
        f"average during the loads: {min(load_avg, default=0):.1f}-{max(load_avg, default=0):.1f} "
        f"on {os.cpu_count()} CPUs."
    )


STAGES = ("export", "stop", "import", "start", "constraints")


if __name__ == "__main__":
    main()
