"""Core query commands: path, show, neighbors, search, stats, validate, export."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from graphkit.cli.common import (
    AllRelOpt,
    AsOfOpt,
    BundledOpt,
    DataOpt,
    EntityQuery,
    FormatOpt,
    MinStatusOpt,
    SourcesOpt,
    StatusOpt,
    TypeOpt,
    _load,
    _split,
    command,
    entity_query,
)
from graphkit.output import Format, cell, emit, to_json


@command()
def path(
    source: Annotated[str, typer.Argument(help="Start entity: id, name, alias or a clear part.")],
    target: Annotated[str, typer.Argument(help="End entity: id, name, alias or a clear part.")],
    max_hops: Annotated[int, typer.Option(help="Longest path to list.", min=1)] = 4,
    undirected: Annotated[bool, typer.Option(help="Ignore relationship direction.")] = False,
    shortest: Annotated[bool, typer.Option(help="Only the shortest paths.")] = False,
    limit: Annotated[int, typer.Option(help="At most this many paths.", min=1)] = 20,
    type_: TypeOpt = None,
    status: StatusOpt = None,
    all_relationships: AllRelOpt = False,
    as_of: AsOfOpt = None,
    min_status: MinStatusOpt = None,
    fmt: FormatOpt = Format.table,
    data: DataOpt = None,
    bundled: BundledOpt = True,
    backend: Annotated[
        str,
        typer.Option(
            help="Engine: networkx (local files, default), embedded-cypher, or neo4j (the server "
            "of NEO4J_URI, NEO4J_PASSWORD…)."
        ),
    ] = "networkx",
) -> None:
    """Trace paths from SOURCE to TARGET, with the claims and evidence behind every hop.

    Follows only relationships that carry technology, data or money (supplies, hosts, offers,
    owns, used by, partners with, integrates with) and leaves out denied claims, unless
    --type, --status or --all-relationships say otherwise. Strongest paths come first: a path is
    as strong as its weakest claim.
    """
    from graphkit import backends
    from graphkit.graph import trace
    from graphkit.paths import EdgeFilter

    if backend not in backends.names():
        raise typer.BadParameter(
            f"choose one of {', '.join(backends.names())}", param_hint="--backend"
        )
    make = backends.factory(backend)
    engine = make(graph=_load(data, bundled) if make.uses_local_files else None)
    try:
        f = EdgeFilter.of(
            engine,
            directed=not undirected,
            types=_split(type_),
            statuses=_split(status),
            all_relationships=all_relationships,
            as_of=as_of,
            min_status=min_status,
        )
        g, r = trace(
            engine, source, target, f, max_hops=max_hops, shortest_only=shortest, limit=limit
        )
    finally:
        getattr(engine, "close", lambda: None)()
    if not make.uses_local_files:
        for note in getattr(engine, "notes", []):
            typer.echo(note, err=True)
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
        "followed": r.filter.describe() if r.filter else None,
        "partial": r.partial,
        "paths": [
            {
                "nodes": [{"id": n, "name": g.name(n)} for n in p],
                "strength": strength,
                "hops": [
                    {"from": h.source, "to": h.target, "claims": [_claim(c) for c in h.claims]}
                    for h in hops
                ],
            }
            for p, hops, strength in zip(r.paths, r.hops, r.strengths or [None] * len(r.paths))
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
        "undated",
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


def print_paths(g, r) -> None:
    from graphkit.cli.render import claim_blocks, echo, paragraph, plural

    a, b = g.name(r.source), g.name(r.target)
    followed = r.filter.describe() if r.filter else ""
    hint = " (--all-relationships for every kind)" if r.filter and r.filter.flow_only else ""
    if not r.found:
        out = paragraph(f"No path from {a} to {b} within these limits.")
        if followed:
            out += paragraph(f"Followed: {followed}{hint}.")
        near = r.near
        if "other_relationships" in near:
            o = near["other_relationships"]
            out += paragraph(
                f"Through other relationships ({', '.join(o['types'])}) there is one of "
                f"{plural(o['hops'], 'hop')}: try --all-relationships"
                + (" --undirected." if "undirected" in o else "."),
                indent=2,
            )
        if "undirected_hops" in near:
            out += paragraph(
                f"Ignoring direction there is one of {plural(near['undirected_hops'], 'hop')}: "
                "try --undirected.",
                indent=2,
            )
        if near.get("reachable_from_source"):
            out += paragraph(f"{a} reaches: " + ", ".join(near["reachable_from_source"]), indent=2)
        if near.get("reaching_target"):
            out += paragraph(
                f"{b} is reached from: " + ", ".join(near["reaching_target"]), indent=2
            )
        echo(out)
        return
    out = paragraph(f"{plural(len(r.paths), 'path')} from {a} to {b}, strongest first")
    if followed:
        out += paragraph(f"Followed: {followed}{hint}.")
    if r.partial:
        out.append("The search stopped at its time budget: the list is partial.")
    for i, (p, hops) in enumerate(zip(r.paths, r.hops), 1):
        strength = r.strengths[i - 1] if r.strengths else ""
        chain = " → ".join(g.name(n) for n in p)
        weakest = f", weakest claim {strength}" if strength else ""
        out.append("")
        out += paragraph(f"Path {i} ({plural(len(p) - 1, 'hop')}{weakest}): {chain}")
        out += claim_blocks(g.name, [c for h in hops for c in h.claims])
    echo(out)


def _entity_facts(ent: dict, w: int) -> list[str]:
    """``Name  [labels]  id`` and one ``key: value`` line per fact (URLs kept whole)."""
    from graphkit.cli.render import figures_by_source, wrap
    from graphkit.model import RECORD_PREFIX

    out = [f"{ent.get('name', ent['id'])}  [{', '.join(ent.get('labels', ()))}]  {ent['id']}"]
    for k, v in ent.items():
        if k in ("id", "name", "labels") or k.startswith(RECORD_PREFIX):
            continue
        out += ["  " + x for x in wrap(f"{k}: {cell(v)}", 2, w, hang=4)]
    figures = figures_by_source(ent)  # a contract's records' figures, one row per source
    return out + ["", *figures] if figures else out


@command()
@entity_query
def show(q: EntityQuery) -> None:
    """An entity's facts, then each of its claims with its sources (title, publisher, date, URL).

    Every relationship type and status is listed (denied claims too) unless --type, --status or
    --min-status narrow it; --as-of keeps the claims valid on that date.
    """
    g = q.load()
    info = g.show(q.entity, as_of=q.as_of, **q.narrow)
    if q.fmt is Format.json:
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
    if q.fmt is Format.csv:
        emit(rows, q.fmt)
        return
    from graphkit.cli.render import claim_blocks, echo, plural, relation, width

    w = width()
    out = _entity_facts(info["entity"], w)
    out.append("")
    when = f" valid on {q.as_of}" if q.as_of else ""
    out.append(f"{plural(len(info['claims']), 'claim')}{when}, strongest first:")
    out += claim_blocks(g.name, info["claims"], w=w)
    if info["links"]:
        out += ["", "Links:"]
        out += [
            "  " + relation(g.name(x["source"]), x["type"], g.name(x["target"]))
            for x in info["links"]
        ]
    echo(out)


@command()
@entity_query
def timeline(q: EntityQuery) -> None:
    """ENTITY's claims and their sources in date order (starts, ends, publications)."""
    g = q.load()
    n = g.find(q.entity)
    rows = g.timeline(n, as_of=q.as_of, **q.narrow)
    claims = {c["claim"]: c for c in g.show(n, as_of=q.as_of, **q.narrow)["claims"]}
    if q.fmt is not Format.table:
        emit(
            rows,
            q.fmt,
            columns=["date", "event", "from", "type", "to", "status", "detail", "claim"],
        )
        return
    from graphkit.cli.render import echo, timeline_lines

    echo(timeline_lines([{**r, "url": _source_url(claims[r["claim"]], r)} for r in rows]))


def _source_url(claim: dict, row: dict) -> str | None:
    """The URL of the source a ``source published`` timeline row names, if it has one."""
    if not row.get("detail"):
        return None
    for e in claim.get("evidence_records", []):
        if cell(e.get("published")) == cell(row["date"]) and row["detail"].startswith(
            cell(e.get("title")) + " — "
        ):
            return e.get("url")
    return None


@command()
@entity_query
def neighbors(
    q: EntityQuery,
    depth: Annotated[int, typer.Option(help="Hops to follow.", min=1)] = 1,
    directed: Annotated[bool, typer.Option(help="Follow relationship direction only.")] = False,
    flow: Annotated[
        bool,
        typer.Option(help="Only relationships that carry technology, data or money."),
    ] = False,
) -> None:
    """Entities within DEPTH claim hops of ENTITY, and the relationship that reaches each.

    Follows every relationship type in both directions and leaves out denied claims, unless
    --flow, --directed, --type, --status or --min-status say otherwise.
    """
    g = q.load()
    n = g.find(q.entity)
    rows = g.neighbors(
        n,
        depth=depth,
        directed=directed,
        types=q.types,
        statuses=q.statuses,
        all_relationships=not flow,
        as_of=q.as_of,
        min_status=q.min_status,
    )
    if q.fmt is not Format.table:
        emit(rows, q.fmt, columns=["id", "name", "labels", "distance", "via"])
        return
    from graphkit.cli.render import echo, neighbor_lines, paragraph, plural

    found = plural(len(rows), "entity", "entities")
    head = f"{found} within {plural(depth, 'hop')} of {g.name(n)}:"
    echo([*paragraph(head), *neighbor_lines(rows)])


@command()
def search(
    text: Annotated[str, typer.Argument(help="Name or alias, fuzzy.")],
    limit: Annotated[int, typer.Option(help="At most this many entities.", min=1)] = 10,
    fmt: FormatOpt = Format.table,
    data: DataOpt = None,
    bundled: BundledOpt = True,
) -> None:
    """Fuzzy search over entity names and aliases."""
    g = _load(data, bundled)
    rows = g.search(text, limit=limit)
    emit(rows, fmt, columns=["id", "name", "matched", "labels", "how", "score"])
    if not rows:
        raise typer.Exit(1)


@command()
def stats(
    fmt: FormatOpt = Format.table,
    data: DataOpt = None,
    bundled: BundledOpt = True,
    sources: SourcesOpt = None,
) -> None:
    """Counts of entities, claims, statuses and relationship types, and claims per source
    (curated data and each bundled source dataset, with its provenance in data/sources/)."""
    from dataclasses import asdict

    from graphkit.sources import claims_per_source

    g = _load(data, bundled, sources)
    s = g.stats()
    per_source = [asdict(c) for c in claims_per_source(g.dataset)]
    if fmt is Format.json:
        typer.echo(to_json({**s, "sources": per_source}))
        return
    words = (lambda k: k.replace("_", " ")) if fmt is Format.table else (lambda k: k)
    rows = [{"what": words(k), "count": v} for k, v in s.items() if not isinstance(v, dict)]
    for group in ("labels", "relationship_types", "statuses"):
        rows += [{"what": f"{words(group)}: {k}", "count": v} for k, v in s[group].items()]
    if fmt is Format.csv:  # one table: the per-source rows carry every provenance field
        rows += [
            {"what": f"claims from source: {c['source']}", "count": c["claims"], **c}
            for c in per_source
        ]
        emit(rows, fmt)
        return
    rows += [
        {"what": f"claims from source: {c['source']}", "count": c["claims"]} for c in per_source
    ]
    emit([{**r, "count": f"{r['count']:,}"} for r in rows], fmt)
    described = [_source_block(c) for c in per_source if c["upstream"] or c["sha256"]]
    if described:  # the curated data has no dataset description: its count is above
        typer.echo()
        emit(described, fmt, title="Bundled source datasets (their descriptions in data/sources/)")


def _source_block(c: dict) -> dict:
    """One source's provenance, for reading: long checksums and commits cut to a prefix."""

    def count(n: int | None) -> str | None:
        return None if n is None else f"{n:,}"

    rows = count(c["rows_imported"])
    if c["rows_read"] is not None and c["rows_read"] != c["rows_imported"]:
        rows = f"{rows} of {count(c['rows_read'])} read"
    return {
        "source": c["source"],
        "title": c["title"],
        "claims": f"{c['claims']:,} declared"
        + (f", and evidence for {c['evidence_added']:,} more" if c["evidence_added"] else ""),
        "licence": c["licence"] or ("none stated" if c["upstream"] else None),
        "rights": c["rights"],
        "upstream": c["upstream"],
        "commit": (c["commit"] or "")[:12] or None,
        "upstream file": c["upstream_path"],
        "retrieved": c["retrieved"],
        "input sha256": f"{c['sha256'][:16]}…" if c["sha256"] else None,
        "rows imported": rows,
    }


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


def _export_help() -> str:
    from graphkit.exporters import EXPORTERS

    return "; ".join(
        f"{e.name}: {e.description}" + ("" if e.writes_folder else f" ({e.suffix})")
        for e in EXPORTERS.values()
    )


@command()
def export(
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="Format (default: from the output's suffix, else ttl). " + _export_help() + ".",
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File or folder (default stdout).")
    ] = None,
    data: DataOpt = None,
    bundled: BundledOpt = True,
    dest: Annotated[Path | None, typer.Argument(help="Same as --output.")] = None,
) -> None:
    """Write the graph as RDF or as a property-graph file (formats: graphkit.exporters)."""
    from graphkit.exporters import EXPORTERS, ExportError, for_path, get

    output = output or dest
    if fmt is None:
        guessed = for_path(output) if output else None
        if output and guessed is None:
            raise ExportError(
                f"cannot tell the format from {output.name!r}: give --format, one of "
                + ", ".join(EXPORTERS)
            )
        fmt = guessed.name if guessed else "ttl"
    exporter = get(fmt)  # an unknown name is a one-line error listing the formats
    if exporter.writes_folder and output is None:
        raise ExportError(f"{fmt} writes a folder: give it, e.g. `export -f {fmt} out/`")
    graph = _load(data, bundled)
    if output is None:
        for chunk in exporter.chunks(graph):
            sys.stdout.buffer.write(chunk)
        return
    written = exporter.write(graph, output)
    for f in written.files:
        size = f"{f.stat().st_size:,} bytes" if f.is_file() else "folder"
        typer.echo(f"wrote {f} ({size})", err=True)
    if written.hint:
        typer.echo(written.hint, err=True)
    if written.note:
        typer.echo(written.note)
