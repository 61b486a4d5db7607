"""Core query commands: path, show, neighbors, search, stats, validate, export."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from graphkit.cli.common import (
    BundledOpt,
    DataOpt,
    FormatOpt,
    StatusOpt,
    TypeOpt,
    _load,
    _split,
    command,
)
from graphkit.output import Format, cell, emit, to_json


@command()
def path(
    source: Annotated[str, typer.Argument(help="Start entity: id, name or alias.")],
    target: Annotated[str, typer.Argument(help="End entity: id, name or alias.")],
    max_hops: Annotated[int, typer.Option(help="Longest path to list.", min=1)] = 4,
    undirected: Annotated[bool, typer.Option(help="Ignore relationship direction.")] = False,
    shortest: Annotated[bool, typer.Option(help="Only the shortest paths.")] = False,
    limit: Annotated[int, typer.Option(help="At most this many paths.", min=1)] = 20,
    type_: TypeOpt = None,
    status: StatusOpt = None,
    fmt: FormatOpt = Format.table,
    data: DataOpt = None,
    bundled: BundledOpt = True,
    backend: Annotated[
        str,
        typer.Option(
            help="networkx (local files) or neo4j (server from NEO4J_URI, NEO4J_PASSWORD…)."
        ),
    ] = "networkx",
) -> None:
    """Trace paths from SOURCE to TARGET, with the claims and evidence behind every hop."""
    opts = dict(
        max_hops=max_hops,
        directed=not undirected,
        types=_split(type_),
        statuses=_split(status),
        shortest_only=shortest,
        limit=limit,
    )
    if backend == "neo4j":
        from graphkit.backends.neo4j import path as neo4j_path

        g, r = neo4j_path(None, source, target, **opts)
    elif backend == "networkx":
        g = _load(data, bundled)
        r = g.path(source, target, **opts)
    else:
        raise typer.BadParameter("choose networkx or neo4j", param_hint="--backend")
    if fmt is Format.json:
        typer.echo(to_json(path_json(g, r)))
    elif fmt is Format.csv:
        emit(path_rows(g, r), fmt)
    else:
        print_paths(g, r)
    if not r.found:
        raise typer.Exit(1)


def path_json(g, r) -> dict:
    return {
        "source": g.node(r.source),
        "target": g.node(r.target),
        "paths": [
            {
                "nodes": [{"id": n, "name": g.name(n)} for n in p],
                "hops": [
                    {"from": h.source, "to": h.target, "claims": [_claim(c) for c in h.claims]}
                    for h in hops
                ],
            }
            for p, hops in zip(r.paths, r.hops)
        ],
        "near": r.near,
    }


def _claim(c: dict) -> dict:
    keep = (
        "claim",
        "type",
        "direction",
        "source",
        "target",
        "status",
        "start",
        "end",
        "summary",
        "contracts",
    )
    return {
        **{k: c[k] for k in keep if k in c},
        "evidence": c.get("evidence_records", []),
        "contract_records": c.get("contract_records", []),
    }


def path_rows(g, r) -> list[dict]:
    rows = []
    for i, hops in enumerate(r.hops, 1):
        for j, h in enumerate(hops, 1):
            for c in h.claims:
                for e in c.get("evidence_records") or [{}]:
                    rows.append(
                        {
                            "path": i,
                            "hop": j,
                            "from": g.name(c["source"]),
                            "type": c["type"],
                            "to": g.name(c["target"]),
                            "status": c.get("status"),
                            "start": c.get("start"),
                            "end": c.get("end"),
                            "claim": c["claim"],
                            "evidence_title": e.get("title"),
                            "publisher": e.get("publisher"),
                            "published": e.get("published"),
                            "url": e.get("url"),
                        }
                    )
    return rows


def contract_line(k: dict) -> str:
    """``PIID (awarding office; obligated 1,000 USD): description`` for one contract record."""
    amounts = [
        f"{label} {k[key]:,.2f} {k.get('currency', '')}".strip()
        for key, label in (
            ("obligated", "obligated"),
            ("current_value", "current value"),
            ("potential_value", "potential value"),
        )
        if isinstance(k.get(key), int | float)
    ]
    meta = "; ".join(x for x in (k.get("awarding_office"), *amounts) if x)
    desc = k.get("description")
    head = k.get("piid", k["id"]) + (f" ({meta})" if meta else "")
    return head + (f": {desc}" if desc else "")


def print_paths(g, r) -> None:
    from rich.console import Console
    from rich.markup import escape

    con = Console(soft_wrap=True, highlight=False)
    a, b = g.name(r.source), g.name(r.target)
    if not r.found:
        con.print(f"No path from {escape(a)} to {escape(b)} with these options.")
        near = r.near
        if "undirected_hops" in near:
            con.print(
                f"  Ignoring direction there is one of {near['undirected_hops']} hops: "
                "try --undirected."
            )
        if near.get("reachable_from_source"):
            con.print(f"  {escape(a)} reaches: " + escape(", ".join(near["reachable_from_source"])))
        if near.get("reaching_target"):
            con.print(
                f"  {escape(b)} is reached from: " + escape(", ".join(near["reaching_target"]))
            )
        return
    con.print(f"[bold]{len(r.paths)} path(s) from {escape(a)} to {escape(b)}[/bold]")
    for i, (p, hops) in enumerate(zip(r.paths, r.hops), 1):
        chain = " → ".join(g.name(n) for n in p)
        con.print(f"\n[bold]Path {i}[/bold] ({len(p) - 1} hops): {escape(chain)}")
        for h in hops:
            for c in h.claims:
                arrow = f"-[{c['type']}]->" if c["direction"] == "forward" else f"<-[{c['type']}]-"
                when = "–".join(x for x in (cell(c.get("start")), cell(c.get("end"))) if x)
                meta = ", ".join(x for x in (c.get("status"), when) if x)
                con.print(
                    f"  {escape(g.name(h.source))} {escape(arrow)} {escape(g.name(h.target))}"
                    f"  [dim]({escape(meta)}; claim {escape(c['claim'])})[/dim]"
                )
                if c.get("summary"):
                    con.print(f"      {escape(c['summary'])}")
                for k in c.get("contract_records", []):
                    con.print(f"      contract {escape(contract_line(k))}")
                for e in c.get("evidence_records", []):
                    src = ", ".join(cell(x) for x in (e.get("publisher"), e.get("published")) if x)
                    con.print(f"      • {escape(cell(e.get('title')))} — {escape(src)}")
                    con.print(f"        {escape(cell(e.get('url')))}")


@command()
def show(
    entity: Annotated[str, typer.Argument(help="Id, name or alias.")],
    fmt: FormatOpt = Format.table,
    data: DataOpt = None,
    bundled: BundledOpt = True,
) -> None:
    """An entity's facts, its claims and their evidence."""
    g = _load(data, bundled)
    info = g.show(entity)
    if fmt is Format.json:
        typer.echo(to_json(info))
        return
    rows = [
        {
            "claim": c["claim"],
            "from": g.name(c["source"]),
            "type": c["type"],
            "to": g.name(c["target"]),
            "status": c.get("status"),
            "dates": "–".join(x for x in (cell(c.get("start")), cell(c.get("end"))) if x),
            "sources": c.get("sources", []),
        }
        for c in info["claims"]
    ]
    if fmt is Format.csv:
        emit(rows, fmt)
        return
    ent = {k: v for k, v in info["entity"].items()}
    emit(ent, fmt, title=ent.get("name"))
    if rows:
        emit(rows, fmt, title="Claims")
    if info["links"]:
        emit(
            [
                {"type": x["type"], "from": g.name(x["source"]), "to": g.name(x["target"])}
                for x in info["links"]
            ],
            fmt,
            title="Links",
        )


@command()
def neighbors(
    entity: Annotated[str, typer.Argument(help="Id, name or alias.")],
    depth: Annotated[int, typer.Option(help="Hops to follow.", min=1)] = 1,
    directed: Annotated[bool, typer.Option(help="Follow relationship direction only.")] = False,
    type_: TypeOpt = None,
    status: StatusOpt = None,
    fmt: FormatOpt = Format.table,
    data: DataOpt = None,
    bundled: BundledOpt = True,
) -> None:
    """Entities within DEPTH claim hops of ENTITY."""
    g = _load(data, bundled)
    rows = g.neighbors(
        entity, depth=depth, directed=directed, types=_split(type_), statuses=_split(status)
    )
    emit(rows, fmt, columns=["id", "name", "labels", "distance"])


@command()
def search(
    text: Annotated[str, typer.Argument(help="Name or alias, fuzzy.")],
    limit: Annotated[int, typer.Option(min=1)] = 10,
    fmt: FormatOpt = Format.table,
    data: DataOpt = None,
    bundled: BundledOpt = True,
) -> None:
    """Fuzzy search over entity names and aliases."""
    g = _load(data, bundled)
    rows = g.search(text, limit=limit)
    emit(rows, fmt, columns=["id", "name", "matched", "labels", "score"])
    if not rows:
        raise typer.Exit(1)


@command()
def stats(fmt: FormatOpt = Format.table, data: DataOpt = None, bundled: BundledOpt = True) -> None:
    """Counts of entities, claims, statuses and relationship types."""
    s = _load(data, bundled).stats()
    if fmt is Format.json:
        typer.echo(to_json(s))
        return
    rows = [{"what": k, "count": v} for k, v in s.items() if not isinstance(v, dict)]
    for group in ("labels", "relationship_types", "statuses"):
        rows += [{"what": f"{group}: {k}", "count": v} for k, v in s[group].items()]
    emit(rows, fmt)


@command()
def validate(
    fmt: FormatOpt = Format.table,
    data: DataOpt = None,
    bundled: BundledOpt = True,
    engine: Annotated[
        str,
        typer.Option(
            help="SHACL engine: fast (graphkit's, on pyoxigraph) or pyshacl (the slow reference)."
        ),
    ] = "fast",
) -> None:
    """Check the dataset against the SHACL shapes and for dangling references.

    Prints one line per problem, ``file:line: id: message [property = value]``; exits 1 when
    there is an error (warnings, such as a date in the future, alone exit 0).
    """
    from graphkit.store import Dataset
    from graphkit.validate import ENGINES
    from graphkit.validate import validate as check

    if engine not in ENGINES:
        raise typer.BadParameter(
            f"{engine!r} is not one of {', '.join(ENGINES)}", param_hint="--engine"
        )
    report = check(Dataset.load(data or (), bundled=bundled), engine=engine)
    if fmt is Format.table:
        typer.echo(report.text(), err=not report.ok)
    else:
        emit(
            report.rows(),
            fmt,
            columns=["file", "line", "focus", "message", "path", "value", "severity", "constraint"],
        )
    if not report.ok:
        raise typer.Exit(1)


@command()
def export(
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="ttl, nt, jsonld, graphml, gexf, json, cypher, or neo4j-csv (into a folder).",
        ),
    ] = "ttl",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File (default stdout).")
    ] = None,
    data: DataOpt = None,
    bundled: BundledOpt = True,
    dest: Annotated[Path | None, typer.Argument(help="Same as --output.")] = None,
) -> None:
    """Write the graph as RDF or as a property-graph file."""
    from graphkit.export import FORMATS
    from graphkit.export import export as do_export

    if fmt in ("neo4j-csv", "cypher"):
        from graphkit.cli.neo4j import export_neo4j

        return export_neo4j(_load(data, bundled), fmt, output or dest)
    output = output or dest
    if fmt not in FORMATS:
        formats = ", ".join((*FORMATS, "cypher", "neo4j-csv"))
        raise typer.BadParameter(f"choose one of {formats}", param_hint="--format")
    blob = do_export(_load(data, bundled), fmt)
    if output:
        output.write_bytes(blob)
        typer.echo(f"wrote {output} ({len(blob):,} bytes)", err=True)
    else:
        sys.stdout.buffer.write(blob)
