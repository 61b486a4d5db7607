"""Shared pieces of the command line: common options, the show/timeline/neighbors bundle, errors.

Every query command takes ``--format table|json|csv`` and ``--data PATH`` (extra RDF files or
folders; ``--no-bundled`` to use only those). Errors print a message and exit non-zero; set
``GRAPHKIT_DEBUG=1`` for a traceback.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from graphkit.cli.app import app
from graphkit.errors import GraphkitError
from graphkit.output import Format

FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
DataOpt = Annotated[
    list[Path] | None,
    typer.Option("--data", "-d", metavar="PATH", help="Extra RDF file or folder (repeatable)."),
]
BundledOpt = Annotated[
    bool, typer.Option("--bundled/--no-bundled", help="Include the bundled data/ folder.")
]
SourcesOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--sources",
        help="Bundled source datasets to load, e.g. usaspending-prime-mn,atlas-sample"
        " ('none': curated data only; default: all). See data/sources/.",
    ),
]


def command(*args, on: typer.Typer | None = None, **kwargs):
    """``app.command`` (or ``on.command`` for a sub-app) that turns a :class:`GraphkitError` into
    a message and exit code 1."""

    def wrap(fn):
        @functools.wraps(fn)
        def run(*a, **kw):
            try:
                return fn(*a, **kw)
            except GraphkitError as e:
                if os.environ.get("GRAPHKIT_DEBUG"):
                    raise
                _print_notes()
                typer.echo(f"error: {e}", err=True)
                raise typer.Exit(1) from None
            finally:
                _print_notes()

        return (on or app).command(*args, **kwargs)(run)

    return wrap


_loaded: list = []  # graphs loaded by the running command, whose lookup notes are printed


def _print_notes() -> None:
    """Tell the user (stderr) which entity each partial name was taken for."""
    sys.stdout.flush()
    for g in _loaded:
        for note in g.notes:
            typer.echo(note, err=True)
        g.notes.clear()


def _load(data: list[Path] | None, bundled: bool, sources: list[str] | None = None, **kw):
    from graphkit.graph import load
    from graphkit.progress import wanted

    g = load(data or (), bundled=bundled, sources=_split(sources), progress=wanted(), **kw)
    _loaded[:] = [g]
    return g


def _split(values: list[str] | None) -> list[str] | None:
    """``--type a,b --type c`` -> ``["a", "b", "c"]``."""
    if not values:
        return None
    return [v.strip() for x in values for v in x.split(",") if v.strip()]


ParamOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--param",
        "-p",
        metavar="NAME=VALUE",
        help="Bind a query parameter (repeatable), always as a value: 3 (int), 1.5, true, "
        "2020-06-10 (date), <iri> or prefix:local (IRI), 'quoted' or other text (string). "
        "See graphkit.params.",
    ),
]
DeclaredParamOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--param",
        "-p",
        metavar="NAME=VALUE",
        help="Bind a parameter the query declares ('# param: name:kind = default'; repeatable); "
        "the kind decides the type, entity values take an id, name or alias, 'quoted' values "
        "lose their quotes (grammar: graphkit.params).",
    ),
]

TypeOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--type",
        "-t",
        metavar="TYPES",
        help="Only these relationship types (comma-separated or repeated), e.g. SUPPLIES,HOSTS.",
    ),
]
StatusOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--status",
        "-s",
        metavar="STATUSES",
        help="Only claims with these statuses (comma-separated or repeated), e.g. "
        "confirmed,reported.",
    ),
]
AllRelOpt = Annotated[
    bool,
    typer.Option(
        "--all-relationships",
        help="Also follow relationships that carry no technology, data or money (criticism, "
        "investigation, membership).",
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="DATE",
        help="Only claims valid on DATE (YYYY[-MM[-DD]]: start <= DATE <= end; claims without "
        "dates kept and marked) and sources published by then.",
    ),
]
MinStatusOpt = Annotated[
    str | None,
    typer.Option(
        "--min-status",
        metavar="STATUS",
        help="Only claims at least this strong (confirmed > ended > reported > alleged > "
        "disputed > denied).",
    ),
]

EntityArg = Annotated[str, typer.Argument(help="Id, name, alias or a clear part of one.")]


@dataclass
class EntityQuery:
    """The options ``show``, ``timeline`` and ``neighbors`` share (see :func:`entity_query`)."""

    entity: str
    as_of: str | None = None
    min_status: str | None = None
    type_: list[str] | None = None
    status: list[str] | None = None
    fmt: Format = Format.table
    data: list[Path] | None = None
    bundled: bool = True

    def load(self):
        return _load(self.data, self.bundled)

    @property
    def types(self) -> list[str] | None:
        return _split(self.type_)

    @property
    def statuses(self) -> list[str] | None:
        return _split(self.status)

    @property
    def narrow(self) -> dict:
        """--type, --status and --min-status as the keywords of :meth:`graphkit.Graph.show`."""
        return {"types": self.types, "statuses": self.statuses, "min_status": self.min_status}


#: (name, annotation, default) of each option in :class:`EntityQuery`, in --help order.
_ENTITY_OPTIONS = [
    ("type_", TypeOpt, None),
    ("status", StatusOpt, None),
    ("min_status", MinStatusOpt, None),
    ("as_of", AsOfOpt, None),
    ("fmt", FormatOpt, Format.table),
    ("data", DataOpt, None),
    ("bundled", BundledOpt, True),
]


def entity_query(fn):
    """Give a command the ENTITY argument and the options of :class:`EntityQuery`.

    ``fn(q: EntityQuery, **own_options)``: its own options follow ``q`` in its signature; the
    command's signature (what typer reads) is ENTITY, its own options, then the shared ones.
    """
    own = list(inspect.signature(fn, eval_str=True).parameters.values())[1:]
    kw = inspect.Parameter.KEYWORD_ONLY
    params = [
        inspect.Parameter("entity", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=EntityArg),
        *(p.replace(kind=kw) for p in own),
        *(inspect.Parameter(n, kw, annotation=a, default=d) for n, a, d in _ENTITY_OPTIONS),
    ]
    shared = {"entity", *(n for n, _, _ in _ENTITY_OPTIONS)}

    @functools.wraps(fn)
    def run(*args, **kwargs):
        bound = inspect.Signature(params).bind(*args, **kwargs)
        bound.apply_defaults()
        values = dict(bound.arguments)
        q = EntityQuery(**{k: values.pop(k) for k in shared})
        return fn(q, **values)

    run.__signature__ = inspect.Signature(params)
    run.__annotations__ = {p.name: p.annotation for p in params}
    return run
