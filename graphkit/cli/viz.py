"""``graphkit viz``: an offline HTML page to explore the graph, or an SVG/PNG drawing of a path."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from graphkit.cli.common import (
    BundledOpt,
    DataOpt,
    DeclaredParamOpt,
    StatusOpt,
    TypeOpt,
    _load,
    _split,
    command,
)


class VizFormat(str, Enum):
    html = "html"
    svg = "svg"
    png = "png"
    json = "json"


@command()
def viz(
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    focus: Annotated[
        str | None, typer.Option(help="Show the neighbourhood of this entity (id, name, alias).")
    ] = None,
    depth: Annotated[int, typer.Option(help="Hops around --focus.", min=1)] = 1,
    path: Annotated[
        tuple[str, str] | None,
        typer.Option(
            help="Show the paths from A to B, highlighted; follows only relationships that carry "
            "technology, data or money unless --type or --all-relationships.",
            metavar="A B",
        ),
    ] = None,
    query: Annotated[
        Path | None,
        typer.Option(
            help="Show the result of a query file: SPARQL SELECT or CONSTRUCT (.rq/.sparql) or "
            "read-only Cypher (.cypher); the ids and claims it returns are drawn.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    param: DeclaredParamOpt = None,
    label: Annotated[
        list[str] | None,
        typer.Option("--label", "-l", help="Only nodes of these classes, e.g. Company,Product."),
    ] = None,
    type_: TypeOpt = None,
    status: StatusOpt = None,
    since: Annotated[
        str | None, typer.Option(help="Only claims active on or after this date (YYYY[-MM[-DD]]).")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Only claims active on or before this date.")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Only claims valid on this date (YYYY[-MM[-DD]]; undated claims kept) whose "
            "evidence was published by then.",
        ),
    ] = None,
    min_status: Annotated[
        str | None,
        typer.Option("--min-status", help="Only claims at least this strong, e.g. reported."),
    ] = None,
    all_relationships: Annotated[
        bool,
        typer.Option(
            "--all-relationships",
            help="--path also follows relationships that carry no technology, data or money "
            "(criticism, investigation, ...); by default it follows only those that do.",
        ),
    ] = False,
    max_hops: Annotated[int, typer.Option(help="Longest path for --path.", min=1)] = 4,
    undirected: Annotated[bool, typer.Option(help="--path ignores direction.")] = False,
    max_nodes: Annotated[
        int, typer.Option(help="Refuse selections larger than this.", min=1)
    ] = 500,
    fmt: Annotated[
        VizFormat,
        typer.Option("--format", "-f", help="html page; svg/png drawing of --path; json data."),
    ] = VizFormat.html,
    title: Annotated[str | None, typer.Option(help="Page title.")] = None,
    data: DataOpt = None,
    bundled: BundledOpt = True,
) -> None:
    """Write an interactive, offline HTML view (or an SVG/PNG of a path) to OUTPUT."""
    from graphkit import progress
    from graphkit import viz as V
    from graphkit.output import to_json

    if sum(x is not None for x in (focus, path, query)) > 1:
        raise typer.BadParameter("use only one of --focus, --path and --query")
    if fmt in (VizFormat.svg, VizFormat.png) and path is None:
        raise typer.BadParameter("svg and png draw a path: add --path A B", param_hint="--format")
    if param and query is None:
        raise typer.BadParameter("--param binds a parameter of --query", param_hint="--param")
    from graphkit import params as P

    params = P.texts(P.parse(param))
    g = _load(data, bundled)
    sel = V.select(
        g,
        focus=focus,
        depth=depth,
        path=path or None,
        query=query,
        params=params,
        labels=_split(label),
        types=_split(type_),
        statuses=_split(status),
        since=since,
        until=until,
        as_of=as_of,
        min_status=min_status,
        all_relationships=all_relationships,
        max_hops=max_hops,
        directed=not undirected,
    )
    V.check_size(sel, max_nodes)
    if fmt is VizFormat.svg:
        output.write_text(V.path_svg(g, sel), encoding="utf-8")
    elif fmt is VizFormat.png:
        V.svg_to_png(V.path_svg(g, sel), output)
    else:
        with progress.status(f"Laying out {len(sel.nodes):,} nodes", show=progress.wanted()):
            positions = V.layout(sel, g)
        if fmt is VizFormat.json:
            output.write_text(to_json(V.page_data(g, sel, positions)), encoding="utf-8")
        else:
            page = V.build_html(g, sel, title=title, positions=positions)
            output.write_text(page, encoding="utf-8")
    if sel.note:
        typer.echo(sel.note, err=True)
    size = output.stat().st_size
    typer.echo(
        f"wrote {output} ({len(sel.nodes):,} nodes, {len(sel.edges):,} edges, {size:,} bytes)",
        err=True,
    )
