"""Query commands: ``sparql`` (ad-hoc SPARQL), ``ask`` (the query library), ``serve`` (endpoint)."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from graphkit.cli.common import (
    AsOfOpt,
    BundledOpt,
    DataOpt,
    DeclaredParamOpt,
    FormatOpt,
    ParamOpt,
    _load,
    command,
)
from graphkit.output import Format, emit, to_json


class SparqlFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    tsv = "tsv"


def _display(t) -> str | None:
    """A term for the human table: prefixed name, <iri> or the literal's text."""
    import pyoxigraph as ox

    from graphkit.model import PREFIXES

    if t is None:
        return None
    if isinstance(t, ox.NamedNode):
        best = max(
            ((p, ns) for p, ns in PREFIXES.items() if t.value.startswith(ns)),
            key=lambda x: len(x[1]),
            default=None,
        )
        return f"{best[0]}:{t.value[len(best[1]) :]}" if best else f"<{t.value}>"
    return t.value if isinstance(t, ox.Literal) else str(t)


GraphOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--default-graph",
        help="Use this graph IRI as the default graph (repeatable; the protocol's "
        "default-graph-uri). Without it and without FROM: the union of all graphs.",
    ),
]
NamedGraphOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--named-graph",
        help="Make this graph IRI available to GRAPH (repeatable; named-graph-uri).",
    ),
]


@command()
def sparql(
    query: Annotated[str | None, typer.Argument(help="SPARQL query text.")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="Read the query from a file.")] = None,
    param: ParamOpt = None,
    fmt: Annotated[
        SparqlFormat,
        typer.Option("--format", "-f", help="table, or SPARQL 1.1 results json/csv/tsv."),
    ] = SparqlFormat.table,
    timeout: Annotated[
        float, typer.Option(help="Seconds the query may run before it is stopped.", min=0.1)
    ] = 60.0,
    default_graph: GraphOpt = None,
    named_graph: NamedGraphOpt = None,
    allow_service: Annotated[
        bool,
        typer.Option(
            "--allow-service",
            help="Allow SERVICE <http(s)://...> (federated queries send HTTP requests). Off by "
            "default: SERVICE is refused.",
        ),
    ] = False,
    data: DataOpt = None,
    bundled: BundledOpt = True,
) -> None:
    """Run a read-only SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) on the dataset.

    Project prefixes (gk:, ido:, idp:, status:, sector:, tech:, schema:, ...) are predeclared.
    --param name=value binds ?name as a value (grammar: graphkit.params; <...> and prefix:local
    are IRIs, 'quoted' text a string literal); the variable must be in the SELECT clause.
    CONSTRUCT/DESCRIBE print Turtle (JSON-LD with --format json). FROM / FROM NAMED (or
    --default-graph / --named-graph) select graphs; otherwise the default graph is the union of
    all of them. No query reaches the network: SERVICE is refused unless --allow-service is given.
    """
    from graphkit import params as P
    from graphkit import sparql as sq
    from graphkit.progress import wanted
    from graphkit.store import Dataset

    if query is not None and file is None:
        text = query
    elif query is None and file is not None:
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as e:
            raise sq.QueryError(f"{file}: {e.strerror or e}") from None
        except UnicodeDecodeError as e:
            raise sq.QueryError(
                f"{file}: not UTF-8 text (byte {e.start}: {e.reason}); save the query as UTF-8"
            ) from None
    else:
        raise sq.QueryError("give a QUERY or --file FILE (not both)")
    params = {k: sq.term(v, guess_iri=False) for k, v in P.values(P.parse(param)).items()}
    sq.check(text, allow_service=allow_service)
    ds = Dataset.load(data or (), bundled=bundled, progress=wanted())

    def compute() -> bytes | tuple[list[dict[str, str | None]], list[str]]:
        """The bytes to print, or the rows and columns of the table."""
        import pyoxigraph as ox

        result = sq.run(
            ds,
            text,
            params,
            default_graphs=default_graph,
            named_graphs=named_graph,
            allow_service=allow_service,
        )
        raw = result.raw
        if isinstance(raw, ox.QueryTriples):
            return result.serialize("jsonld" if fmt is SparqlFormat.json else "ttl")
        if fmt is not SparqlFormat.table:
            body = result.serialize(fmt.value)
            return body + b"\n" if fmt is SparqlFormat.json else body
        if isinstance(raw, ox.QueryBoolean):
            return b"true\n" if bool(raw) else b"false\n"
        rows = [{v: _display(sol[v]) for v in result.variables} for sol in raw]
        return rows, result.variables

    value = sq.in_subprocess(compute, timeout)
    out = sys.stdout.buffer
    if isinstance(value, bytes):
        out.write(value)
    else:
        rows, columns = value
        emit(rows, Format.table, columns=columns)
        typer.echo(f"{len(rows)} row(s)", err=True)
    out.flush()


@command()
def ask(
    name: Annotated[str | None, typer.Argument(help="Question to run; omit to list them.")] = None,
    param: DeclaredParamOpt = None,
    engine: Annotated[
        str,
        typer.Option(
            help="sparql (pyoxigraph), cypher (embedded Ladybug) or neo4j (server of NEO4J_URI)."
        ),
    ] = "sparql",
    show: Annotated[bool, typer.Option(help="Print the query text instead of running it.")] = False,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
    data: DataOpt = None,
    bundled: BundledOpt = True,
) -> None:
    """Run a question of the query library (queries/*.rq and *.cypher), or list them.

    Entity parameters take an id, name or alias: graphkit ask vendors-of-agency --param agency=ICE
    (each question declares its parameters' kinds; the value is the text written, unquoted).
    """
    from graphkit import params as P
    from graphkit import queries

    given = P.texts(P.parse(param))
    lib = queries.library()
    if name is None:
        listing = [
            {
                "name": q.name,
                "description": q.description,
                "params": ", ".join(f"{p.name}={p.default}" for p in q.params),
                "engines": ", ".join(q.languages),
            }
            for q in lib.values()
        ]
        emit(listing, fmt)
        return
    if name not in lib:
        raise queries.LibraryError(f"no query named {name!r}; run `graphkit ask` to list them")
    if show:
        typer.echo(lib[name].text(engine))
        return
    g = _load(data, bundled)
    if as_of:
        from graphkit.paths import check_date

        g = g.at(check_date(as_of))  # every engine then sees only the claims valid that day
    cols, rows = queries.run(name, g, given, engine=engine)
    dicts = [dict(zip(cols, r)) for r in rows]
    if fmt is Format.json:
        typer.echo(to_json(dicts))
    else:
        emit(dicts, fmt, columns=cols, title=lib[name].description if fmt is Format.table else None)
    if fmt is Format.table:
        typer.echo(f"{len(rows)} row(s)", err=True)


@command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (0 picks a free one).", min=0)] = 8000,
    timeout: Annotated[float, typer.Option(help="Seconds a query may run.", min=0.1)] = 30,
    workers: Annotated[int, typer.Option(help="Query worker processes.", min=1)] = 2,
    cors: Annotated[
        str | None,
        typer.Option(
            help="Let web pages from this one origin (e.g. http://localhost:3000) read results. "
            "Off by default: no CORS header; '*' is refused.",
        ),
    ] = None,
    read_timeout: Annotated[
        float,
        typer.Option(help="Seconds a connection may stay silent before it is closed.", min=0.1),
    ] = 10,
    max_connections: Annotated[
        int, typer.Option(help="Connections served at once (more get 503).", min=1)
    ] = 32,
    data: DataOpt = None,
    bundled: BundledOpt = True,
) -> None:
    """Serve the dataset as a read-only SPARQL 1.1 Protocol endpoint at /sparql.

    SERVICE is refused (the endpoint makes no requests of its own); default-graph-uri /
    named-graph-uri (or FROM in the query) select graphs.
    """
    from graphkit.serve import check_origin, make_server
    from graphkit.store import Dataset, input_files

    origin = check_origin(cors) if cors else None
    files = input_files(data or (), bundled=bundled)
    Dataset.load(files=files)  # report bad input here, with file and line, before the workers
    server = make_server(
        files,
        host,
        port,
        timeout=timeout,
        workers=workers,
        read_timeout=read_timeout,
        max_connections=max_connections,
        cors=origin,
    )
    h, p = server.socket.getsockname()[:2]
    typer.echo(f"SPARQL endpoint: http://{h}:{p}/sparql (read-only; Ctrl-C stops)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
