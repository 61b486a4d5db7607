#!/usr/bin/env python
"""Benchmark ``graphkit report`` against the SPARQL queries a researcher would run by hand.

Two cases, each warm (graph loaded and cached, ontology read, one untimed run first):
- the Amazon report on the bundled data;
- a company report on synthetic data (``scripts/generate.py``, default 100,000 claims).

graphkit, three measures: the build alone (family, exposure with strongest paths, contracts,
scrutiny, quality, footnotes); build + HTML, what ``graphkit report X -o x.html`` does; build +
HTML, Markdown and JSON (:func:`graphkit.report.render_all`, the document model built once).
With ``--before DIR`` (an extracted older tree, e.g. ``git archive 7b79d43``) the same three
measures run on that tree's code in a child process, in the same run. Baseline, in the same
run: the hand-written SPARQL queries for the same content on the same pyoxigraph dataset
(family; 1-, 2- and 3-hop flows to agencies with each claim's status and source URLs;
contracts; scrutiny; source metadata), rows fetched, nothing rendered. Median of ``--runs``.
The baseline runs in a forked process that is stopped after ``--timeout`` seconds (a hop from
a hub can run for many minutes); the table then says which query it was stuck in.

    python scripts/bench_report.py                  # bundled + 100k synthetic claims
    python scripts/bench_report.py --claims 10000 --runs 3
    python scripts/bench_report.py --data /tmp/graphkit-bench-100000.nt --before /tmp/gk-7b79d43
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

import graphkit  # noqa: E402
from graphkit import sparql  # noqa: E402
from graphkit.model import full_iri  # noqa: E402

#: One hop of flows from the nodes in %FROM%, per claim with its status and source URLs. A
#: researcher runs it once per hop, pasting the previous hop's targets into VALUES.
HOP = """SELECT ?n0 ?n1 ?c ?p ?status ?url ?agency WHERE {
      VALUES ?n0 { %FROM% }
      ?n0 gk:flowsTo ?n1 .
      ?c rdf:subject ?n0 ; rdf:object ?n1 ; rdf:predicate ?p ; gk:status ?status .
      ?p rdfs:subPropertyOf gk:flowsTo .
      OPTIONAL { ?c prov:wasDerivedFrom/schema:url ?url }
      BIND(EXISTS { ?n1 a gk:GovernmentAgency } AS ?agency) }"""

QUERIES = {
    "family (owners and subsidiaries)": """
        SELECT DISTINCT ?e ?m WHERE { { ?e gk:owns+ ?m } UNION { ?m gk:owns+ ?e } }""",
    "flows, hop 1 (claims, status, sources)": HOP,
    "flows, hop 2": HOP,
    "flows, hop 3": HOP,
    "contracts of the family": """
        SELECT ?k ?agency ?fy ?obl ?cur ?pot ?url WHERE { VALUES ?m { %FAMILY% }
          ?k gk:contractor|gk:contractorParent ?m .
          OPTIONAL { ?k gk:awardingAgency ?agency } OPTIONAL { ?k gk:fiscalYear ?fy }
          OPTIONAL { ?k gk:obligatedAmount ?obl } OPTIONAL { ?k gk:currentValue ?cur }
          OPTIONAL { ?k gk:potentialValue ?pot }
          OPTIONAL { ?k prov:wasDerivedFrom/schema:url ?url } }""",
    "scrutiny of the family": """
        SELECT ?actor ?p ?status ?url WHERE { VALUES ?m { %FAMILY% }
          ?c rdf:subject ?actor ; rdf:predicate ?p ; rdf:object ?m ; gk:status ?status .
          ?p rdfs:subPropertyOf* gk:scrutinises .
          OPTIONAL { ?c prov:wasDerivedFrom/schema:url ?url } }""",
    "source metadata (title, publisher, date)": """
        SELECT DISTINCT ?ev ?url ?title ?pub ?date WHERE { VALUES ?m { %FAMILY% }
          { ?c rdf:subject ?m } UNION { ?c rdf:object ?m }
          ?c prov:wasDerivedFrom ?ev . ?ev schema:url ?url .
          OPTIONAL { ?ev dcterms:title ?title } OPTIONAL { ?ev dcterms:publisher ?pub }
          OPTIONAL { ?ev dcterms:issued ?date } }""",
}


def speedup(res: dict, key: str) -> str:
    """Baseline time over ours (CPU; wall when the baseline was stopped)."""
    if res["baseline"] is None:
        return f"> {res['timeout'] / res[key][0]:.0f}x (wall; baseline stopped)"
    return f"{res['baseline'][1] / res[key][1]:.2f}x (CPU)"


def median_time(fn, runs: int) -> tuple[tuple[float, float], object]:
    """Median wall-clock and CPU seconds of ``runs`` calls after one warm-up call."""
    fn()  # warm
    wall, cpu, out = [], [], None
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return (statistics.median(wall), statistics.median(cpu)), out


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def graphkit_times(g, entity: str, runs: int) -> dict:
    """The three graphkit measures (see the module docstring) on the code imported as
    ``graphkit``: works on this tree and on older ones (``--before``) alike."""
    from graphkit.report import build, render

    try:
        from graphkit.report import render_all
    except ImportError:  # before the shared document model: each format builds its own

        def render_all(r, formats):
            return {f: render(r, f) for f in formats}

    out = {}
    out["build"], r = median_time(lambda: build(g, entity), runs)
    log(f"  build: wall {out['build'][0]:.2f} s, CPU {out['build'][1]:.2f} s")
    out["html"], _ = median_time(lambda: render_all(build(g, entity), ["html"]), runs)
    log(f"  build + HTML: wall {out['html'][0]:.2f} s, CPU {out['html'][1]:.2f} s")

    def three():
        rep = build(g, entity)
        return rep, {f: len(x) for f, x in render_all(rep, ["html", "md", "json"]).items()}

    out["all"], (r, sizes) = median_time(three, runs)
    log(f"  build + HTML, MD, JSON: wall {out['all'][0]:.2f} s, CPU {out['all'][1]:.2f} s")
    out.update(
        sizes=sizes,
        entity=r.header.entity.name,
        counterparts=len(r.exposure),
        contracts=len(r.contracts.items),
        sources=len(r.footnotes),
        family=[m.entity.id for m in r.header.family],
        subject=r.header.entity.id,
    )
    return out


_BEFORE = """
import json, sys
sys.path.insert(0, sys.argv[1])
sys.path.insert(1, sys.argv[2])
import graphkit
from bench_report import graphkit_times
from pathlib import Path
data = sys.argv[3]
g = graphkit.load() if data == "-" else graphkit.load([Path(data)], bundled=False, validate=False)
print(json.dumps(graphkit_times(g, sys.argv[4], int(sys.argv[5]))))
"""


def before_times(tree: Path, data: Path | None, entity: str, runs: int) -> dict:
    """:func:`graphkit_times` on the code of ``tree`` (a child process with that tree first on
    ``sys.path``; the data loaded there from the same files)."""
    import json
    import os
    import subprocess

    log(f"  {tree}, in a child process:")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    args = [str(tree), str(Path(__file__).parent), str(data or "-"), entity, str(runs)]
    done = subprocess.run(
        [sys.executable, "-c", _BEFORE, *args], env=env, stdout=subprocess.PIPE, check=True
    )
    return json.loads(done.stdout.decode().strip().splitlines()[-1])


def case(g, entity: str, runs: int, timeout: float, before: Path | None, data: Path | None) -> dict:
    res = graphkit_times(g, entity, runs)
    family = " ".join(f"<{full_iri(m)}>" for m in res["family"])
    subject = f"<{full_iri(res['subject'])}>"
    log(f"  baseline (hand-written SPARQL, in a forked process, stopped after {timeout:.0f} s):")
    first = baseline_run(g.dataset, family, subject, timeout)  # warm-up, or the only run
    if first["stopped"]:
        t_base, per, rows, stopped = None, first["per"], first["rows"], first["stopped"]
    else:
        runs_ = [baseline_run(g.dataset, family, subject, timeout) for _ in range(runs)]
        t_base = (
            statistics.median(x["wall"] for x in runs_),
            statistics.median(x["cpu"] for x in runs_),
        )
        per, rows, stopped = runs_[-1]["per"], runs_[-1]["rows"], None
    res.update(
        baseline=t_base,
        rows=rows,
        per=dict(per),
        stopped=stopped,
        timeout=timeout,
        # like for like: this tree and the older one each in a fresh child process holding
        # only its own copy of the data (the collector's full passes walk every object alive)
        now_child=before_times(ROOT, data, entity, runs) if before else None,
        before=before_times(before, data, entity, runs) if before else None,
    )
    return res


def _baseline(ds, family: str, subject: str, conn) -> None:
    """The hand-written queries, one after another; reports each one's time and rows as it
    finishes (so that a run stopped by the timeout still tells how far it got)."""
    frontier, seen = family, set(family.split())
    for name, q in QUERIES.items():
        t, c = time.perf_counter(), time.process_time()
        params = {"e": subject} if "?e " in q else None
        text = q.replace("%FAMILY%", family).replace("%FROM%", frontier)
        result = sparql.run(ds, text, params).rows()
        if "%FROM%" in q:  # the next hop starts from this hop's new targets
            nxt = {f"<{full_iri(x['n1'])}>" for x in result} - seen
            seen |= nxt
            frontier = " ".join(sorted(nxt)) or "<urn:none>"
        conn.send((name, time.perf_counter() - t, time.process_time() - c, len(result)))
    conn.send(None)


def baseline_run(ds, family: str, subject: str, timeout: float) -> dict:
    """One run of the baseline in a forked child (it shares the parsed dataset), stopped after
    ``timeout`` seconds: pyoxigraph cannot interrupt a query in the same process."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_baseline, args=(ds, family, subject, child), daemon=True)
    start = time.perf_counter()
    proc.start()
    child.close()
    per: dict[str, tuple[float, int]] = {}
    wall = cpu = 0.0
    rows, stopped = 0, None
    while True:
        left = timeout - (time.perf_counter() - start)
        if left <= 0 or not parent.poll(left):
            name = next((n for n in QUERIES if n not in per), "?")
            stopped = f"{name} did not finish in {timeout:.0f} s"
            proc.kill()
            break
        msg = parent.recv()
        if msg is None:
            break
        name, w, c, n = msg
        per[name] = (w, n)
        wall, cpu, rows = wall + w, cpu + c, rows + n
        log(f"    {name}: {w:.2f} s, {n:,} rows")
    proc.join()
    if stopped:
        log(f"    stopped: {stopped}")
    return {"wall": wall, "cpu": cpu, "rows": rows, "per": per, "stopped": stopped}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=int, default=100_000, help="synthetic claims (0: skip)")
    ap.add_argument("--entity", default="Synthetic Company 3", help="company of the synthetic case")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--data", type=Path, help="existing synthetic file (else generated)")
    ap.add_argument(
        "--timeout", type=float, default=120.0, help="seconds before the baseline is stopped"
    )
    ap.add_argument(
        "--before", type=Path, help="an older tree (extracted) to measure in the same run"
    )
    args = ap.parse_args()
    console = Console(stderr=True)
    results = []
    g = graphkit.load()
    g.dataset  # noqa: B018  (parse the RDF once, outside the timings)
    log("bundled data: Amazon")
    results.append(("bundled data", case(g, "Amazon", args.runs, args.timeout, args.before, None)))
    if args.claims:
        path = args.data
        if path is None:
            from scripts.generate import generate

            path = Path(tempfile.gettempdir()) / f"graphkit-syn-{args.claims}.nt"
            if not path.exists():
                console.print(f"generating {args.claims:,} claims -> {path}")
                generate(args.claims, path)
        console.print(f"loading {path} (validation off: the benchmark is about the report)")
        syn = graphkit.load([path], bundled=False, validate=False)
        syn.dataset  # noqa: B018
        log(f"{args.claims:,} synthetic claims: {args.entity}")
        results.append(
            (
                f"{args.claims:,} synthetic claims",
                case(syn, args.entity, args.runs, args.timeout, args.before, path),
            )
        )
    table = Table(title=f"graphkit report vs hand-written SPARQL (median of {args.runs}, warm)")
    for col in ("data", "entity", "approach", "wall s", "CPU s", "what it produces", "speed-up"):
        table.add_column(col)
    measures = (
        ("build", "build"),
        ("html", "build + HTML (graphkit report X -o x.html)"),
        ("all", "build + HTML, MD, JSON"),
    )
    for label, res in results:
        what = (
            f"{res['counterparts']:,} counterparts, {res['contracts']:,} contracts, "
            f"{res['sources']:,} sources; HTML {res['sizes']['html']:,} B"
        )
        for i, (key, name) in enumerate(measures):
            t = res[key]
            table.add_row(
                label if i == 0 else "",
                res["entity"] if i == 0 else "",
                f"graphkit report: {name}",
                f"{t[0]:.3f}",
                f"{t[1]:.3f}",
                what if i == 0 else "",
                speedup(res, key),
            )
        if res["before"]:
            b, now = res["before"], res["now_child"]
            for key, name in measures:
                table.add_row(
                    "", "", f"child process, this tree: {name}", f"{now[key][0]:.3f}",
                    f"{now[key][1]:.3f}", "", "",
                )  # fmt: skip
            for key, name in measures:
                ratio = f"this tree {b[key][1] / now[key][1]:.2f}x faster (CPU, children)"
                table.add_row(
                    "", "", f"child process, {args.before.name}: {name}", f"{b[key][0]:.3f}",
                    f"{b[key][1]:.3f}", "", ratio,
                )  # fmt: skip
        base = res["baseline"]
        table.add_row(
            "",
            "",
            "hand-written SPARQL (baseline)",
            f"{base[0]:.3f}" if base else f"> {args.timeout:.0f} (stopped)",
            f"{base[1]:.3f}" if base else "—",
            f"{len(QUERIES)} queries, {res['rows']:,} rows, unrendered"
            + (f"; {res['stopped']}" if res["stopped"] else ""),
            "1.0x",
        )
    Console(width=170).print(table)
    for label, res in results:
        console.print(f"[bold]{label}[/bold] baseline queries:")
        for name, (t, n) in res["per"].items():
            console.print(f"  {name}: {t * 1000:.1f} ms, {n:,} rows")


if __name__ == "__main__":
    main()
