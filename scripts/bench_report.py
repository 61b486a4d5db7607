#!/usr/bin/env python
"""Benchmark ``graphkit report`` against the SPARQL queries a researcher would run by hand.

Two cases, each warm (graph loaded and cached, ontology read, one untimed run first):
- the Amazon report on the bundled data;
- a company report on synthetic data (``scripts/generate.py``, default 100,000 claims).

graphkit: build the report (family, exposure with strongest paths, contracts, scrutiny, quality,
footnotes) and render HTML, Markdown and JSON. Baseline, in the same run: the hand-written
SPARQL queries for the same content on the same pyoxigraph dataset (family; 1-, 2- and 3-hop
flows to agencies with each claim's status and source URLs; contracts; scrutiny; source
metadata), rows fetched, nothing rendered. Median of ``--runs``.

    python scripts/bench_report.py                  # bundled + 100k synthetic claims
    python scripts/bench_report.py --claims 10000 --runs 3
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

import graphkit  # noqa: E402
from graphkit import sparql  # noqa: E402
from graphkit.model import full_iri  # noqa: E402
from graphkit.report import build, render  # noqa: E402

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


def case(g, entity: str, runs: int) -> dict:
    def ours():
        r = build(g, entity)
        sizes = {f: len(render(r, f)) for f in ("html", "md", "json")}
        return r, sizes

    t_ours, (r, sizes) = median_time(ours, runs)
    log(f"  report (build + 3 renders): wall {t_ours[0]:.2f} s, CPU {t_ours[1]:.2f} s")
    t_build, _ = median_time(lambda: build(g, entity), runs)
    log(f"  build: wall {t_build[0]:.2f} s, CPU {t_build[1]:.2f} s")
    family = " ".join(f"<{full_iri(m.entity.id)}>" for m in r.header.family)
    ds = g.dataset
    rows, per = 0, {}

    def baseline():
        nonlocal rows
        rows = 0
        frontier, seen = family, set(family.split())
        for name, q in QUERIES.items():
            t = time.perf_counter()
            params = {"e": f"<{full_iri(r.header.entity.id)}>"} if "?e " in q else None
            text = q.replace("%FAMILY%", family).replace("%FROM%", frontier)
            result = sparql.run(ds, text, params).rows()
            n = len(result)
            if "%FROM%" in q:  # the next hop starts from this hop's new targets
                nxt = {f"<{full_iri(x['n1'])}>" for x in result} - seen
                seen |= nxt
                frontier = " ".join(sorted(nxt)) or "<urn:none>"
            rows += n
            per[name] = (time.perf_counter() - t, n)
            log(f"    {name}: {per[name][0]:.2f} s, {n:,} rows")

    t_base, _ = median_time(baseline, runs)
    return {
        "entity": r.header.entity.name,
        "report": t_ours,
        "build": t_build,
        "sizes": sizes,
        "counterparts": len(r.exposure),
        "contracts": len(r.contracts.items),
        "sources": len(r.footnotes),
        "baseline": t_base,
        "rows": rows,
        "per": dict(per),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=int, default=100_000, help="synthetic claims (0: skip)")
    ap.add_argument("--entity", default="Synthetic Company 3", help="company of the synthetic case")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--data", type=Path, help="existing synthetic file (else generated)")
    args = ap.parse_args()
    console = Console(stderr=True)
    results = []
    g = graphkit.load()
    g.dataset  # noqa: B018  (parse the RDF once, outside the timings)
    log("bundled data: Amazon")
    results.append(("bundled data", case(g, "Amazon", args.runs)))
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
        results.append((f"{args.claims:,} synthetic claims", case(syn, args.entity, args.runs)))
    table = Table(title=f"graphkit report vs hand-written SPARQL (median of {args.runs}, warm)")
    for col in ("data", "entity", "approach", "wall s", "CPU s", "what it produces", "speed-up"):
        table.add_column(col)
    for label, res in results:
        what = (
            f"{res['counterparts']} counterparts, {res['contracts']} contracts, "
            f"{res['sources']} sources; HTML {res['sizes']['html']:,} B"
        )
        table.add_row(
            label,
            res["entity"],
            "graphkit report (build + HTML, MD, JSON)",
            f"{res['report'][0]:.3f}",
            f"{res['report'][1]:.3f}",
            what,
            f"{res['baseline'][1] / res['report'][1]:.2f}x (CPU)",
        )
        table.add_row(
            "", "", "  of which build", f"{res['build'][0]:.3f}", f"{res['build'][1]:.3f}", "", ""
        )
        table.add_row(
            "",
            "",
            "hand-written SPARQL (baseline)",
            f"{res['baseline'][0]:.3f}",
            f"{res['baseline'][1]:.3f}",
            f"{len(QUERIES)} queries, {res['rows']:,} rows, unrendered",
            "1.0x",
        )
    Console(width=170).print(table)
    for label, res in results:
        console.print(f"[bold]{label}[/bold] baseline queries:")
        for name, (t, n) in res["per"].items():
            console.print(f"  {name}: {t * 1000:.1f} ms, {n:,} rows")


if __name__ == "__main__":
    main()
