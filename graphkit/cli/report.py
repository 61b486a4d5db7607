"""``graphkit report ENTITY``: a due-diligence report as HTML, Markdown, JSON or PDF."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from graphkit.cli.common import BundledOpt, DataOpt, _load, command


@command()
def report(
    entity: Annotated[str, typer.Argument(help="Company or agency: id, name or alias.")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (format from its suffix)."),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help="html | md | json | pdf (default: from -o, else md to stdout)."
        ),
    ] = None,
    depth: Annotated[int, typer.Option(help="Longest path followed, in hops (at least 1).")] = 3,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Only claims active on this date (YYYY[-MM[-DD]])."),
    ] = None,
    min_status: Annotated[
        str | None,
        typer.Option(
            "--min-status", help="Follow only claims at least this strong, e.g. reported."
        ),
    ] = None,
    data: DataOpt = None,
    bundled: BundledOpt = True,
) -> None:
    """Write a due-diligence report: the family, the agencies its technology reaches (or an
    agency's vendors), contracts, scrutiny, evidence quality and numbered sources."""
    from graphkit.errors import GraphkitError
    from graphkit.report import build, render_module, renderer_for, write
    from graphkit.report.model import paused_gc

    if depth < 1:  # before the data is loaded
        raise GraphkitError("--depth must be at least 1")
    r = renderer_for(output, fmt)
    if output is None and r.binary:
        raise GraphkitError(f"--format {r.name} writes a binary file: add -o FILE")
    if output is not None:
        render_module.check_writable(output)
    # one report from freshly loaded data: the cyclic collector would only walk the loaded
    # graph and the report's acyclic objects again and again (a fifth of the time at 100k
    # claims); paused for the command, as it was afterwards
    with paused_gc():
        g = _load(data, bundled)
        rep = build(g, entity, depth=depth, as_of=as_of, min_status=min_status)
        if output is None:
            sys.stdout.write(r.render(rep).decode("utf-8"))
            return
        write(rep, output, r.name)
    typer.echo(
        f"wrote {output} ({len(rep.exposure)} counterpart(s), {len(rep.contracts.items)} "
        f"contract(s), {len(rep.footnotes)} source(s), {output.stat().st_size:,} bytes)",
        err=True,
    )
