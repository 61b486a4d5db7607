"""Neo4j commands: ``graphkit neo4j load|stats|clear`` and ``graphkit cypher``.

Connection: ``--uri/--user/--password/--database`` or ``NEO4J_URI``, ``NEO4J_USER``,
``NEO4J_PASSWORD``, ``NEO4J_DATABASE``. ``graphkit cypher`` without a URI runs on the embedded
engine over the local files instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from graphkit.cli.common import BundledOpt, DataOpt, FormatOpt, ParamOpt, _load, app, command
from graphkit.errors import GraphkitError
from graphkit.output import Format, emit, to_json

neo4j_app = typer.Typer(
    help="Load the graph into a Neo4j server and manage what graphkit loaded there.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(neo4j_app, name="neo4j")

UriOpt = Annotated[
    str | None,
    typer.Option("--uri", envvar="NEO4J_URI", help="Bolt URI, e.g. bolt://localhost:7687."),
]
UserOpt = Annotated[str, typer.Option("--user", envvar="NEO4J_USER", help="Neo4j user.")]
PasswordOpt = Annotated[
    str | None,
    typer.Option(
        "--password",
        envvar="NEO4J_PASSWORD",
        help="Password (prefer NEO4J_PASSWORD).",
        show_default=False,
    ),
]
DatabaseOpt = Annotated[
    str | None,
    typer.Option("--database", envvar="NEO4J_DATABASE", help="Database (server default if unset)."),
]


def _conn(uri, user, password, database):
    from graphkit.backends.neo4j import Connection

    return Connection(uri, user or "neo4j", password, database)


@command(
    "load",
    on=neo4j_app,
    short_help="Load the graph into Neo4j (online, or --bulk into an empty database).",
)
def load_cmd(
    uri: UriOpt = None,
    user: UserOpt = "neo4j",
    password: PasswordOpt = None,
    database: DatabaseOpt = None,
    batch_size: Annotated[int, typer.Option(help="Rows per write transaction.", min=1)] = 20000,
    replace: Annotated[
        bool, typer.Option(help="Afterwards delete graphkit data this load did not write.")
    ] = False,
    bulk: Annotated[
        bool,
        typer.Option(
            help="Into an EMPTY database of a server on this machine: stop it, run "
            "neo4j-admin database import full, start it, create the constraints "
            "(needs --neo4j-home)."
        ),
    ] = False,
    neo4j_home: Annotated[
        Path | None,
        typer.Option(
            "--neo4j-home",
            envvar="NEO4J_HOME",
            help="With --bulk: the server's installation folder (bin/neo4j, bin/neo4j-admin).",
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
    data: DataOpt = None,
    bundled: BundledOpt = True,
) -> None:
    """Load (upsert) the graph into Neo4j: batched MERGE (CREATE into an empty database), then
    constraints. Safe to re-run; only properties graphkit wrote change. --bulk: see below."""
    from graphkit.backends.neo4j import LoadResult, bulk_load, connect, from_networkx, load
    from graphkit.progress import wanted

    if bulk and replace:
        raise GraphkitError("--bulk loads into an empty database: --replace does not apply")
    if bulk and neo4j_home is None:
        raise GraphkitError(
            "--bulk needs the server's installation folder: --neo4j-home DIR or NEO4J_HOME"
        )
    pg = from_networkx(_load(data, bundled).G)
    conn = _conn(uri, user, password, database)
    r: LoadResult
    if bulk and neo4j_home is not None:
        r = bulk_load(conn, pg, neo4j_home=neo4j_home)
    else:
        with connect(conn) as drv:
            r = load(
                drv,
                pg,
                database=database,
                batch_size=batch_size,
                replace=replace,
                progress=wanted(),
            )
    emit(
        {
            "uri": conn.uri,
            "mode": "bulk" if bulk else "online",
            "nodes": r.nodes,
            "relationships": r.relationships,
            "removed_nodes": r.removed_nodes,
            "removed_relationships": r.removed_relationships,
            "seconds": round(r.seconds, 2),
            "relationships_per_second": round(r.rate),
            "load_id": r.load_id,
            **{f"{k}_seconds": round(v, 2) for k, v in getattr(r, "stages", {}).items()},
        },
        fmt,
    )


@command("stats", on=neo4j_app)
def stats_cmd(
    uri: UriOpt = None,
    user: UserOpt = "neo4j",
    password: PasswordOpt = None,
    database: DatabaseOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Counts of graphkit-loaded nodes by label and relationships by type."""
    from graphkit.backends.neo4j import connect, counts

    with connect(_conn(uri, user, password, database)) as drv:
        c = counts(drv, database=database)
    if fmt is Format.json:
        typer.echo(to_json(c))
        return
    rows = [{"what": k, "count": c[k]} for k in ("nodes", "relationships")]
    for group in ("labels", "relationship_types"):
        rows += [{"what": f"{group}: {k}", "count": v} for k, v in c[group].items()]
    emit(rows, fmt)


@command("clear", on=neo4j_app, short_help="Delete everything graphkit loaded, nothing else.")
def clear_cmd(
    uri: UriOpt = None,
    user: UserOpt = "neo4j",
    password: PasswordOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Delete everything graphkit loaded (label GraphkitNode, property gk_load); nothing else."""
    from graphkit.backends.neo4j import clear, connect

    with connect(_conn(uri, user, password, database)) as drv:
        nodes, rels = clear(drv, database=database)
    typer.echo(f"deleted {nodes:,} nodes and {rels:,} relationships loaded by graphkit", err=True)


@command()
def cypher(
    query: Annotated[str | None, typer.Argument(help="Cypher query (or use --file).")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="Read the query (or ;-separated script) here.")
    ] = None,
    param: ParamOpt = None,
    write: Annotated[bool, typer.Option(help="Allow queries that change the database.")] = False,
    fmt: FormatOpt = Format.table,
    uri: UriOpt = None,
    user: UserOpt = "neo4j",
    password: PasswordOpt = None,
    database: DatabaseOpt = None,
    data: DataOpt = None,
    bundled: BundledOpt = True,
) -> None:
    """Run Cypher on Neo4j (--uri / NEO4J_URI) or, without a URI, on the embedded engine.

    Read-only unless --write. Parameters: --param name=value, used in the query as $name
    (grammar: graphkit.params; also JSON lists and maps, e.g. ids='["org/ice"]' in the shell).
    """
    from graphkit import params as P
    from graphkit.backends.cypher import split_statements, write_clause
    from graphkit.backends.neo4j import Neo4jError, connect, plain, run_cypher, text

    if query is not None and file is None:
        script = query
    elif query is None and file is not None:
        try:
            script = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise GraphkitError(f"cannot read {file}: {e}") from None
    else:
        raise GraphkitError("give a query or --file FILE (not both)")
    params = P.cypher_values(P.parse(param))
    statements = split_statements(script)
    if not statements:
        raise GraphkitError("empty Cypher query")
    if not write:
        for st in statements:
            if clause := write_clause(st):
                raise Neo4jError(
                    f"refusing to run a query that writes ({clause}); queries are read-only "
                    "unless you pass --write"
                )
    if uri:
        with connect(_conn(uri, user, password, database)) as drv:
            cols, rows = run_cypher(drv, script, params, database=database, write=write)
    else:
        from graphkit import backends

        engine = backends.get("embedded-cypher", graph=_load(data, bundled))
        cols, rows = [], []
        for st in statements:
            cols, rows = engine.query(st, params)
    cols = list(cols)
    records = [dict(zip(cols, r)) for r in rows]
    if fmt is Format.json:
        typer.echo(to_json([{c: plain(r.get(c)) for c in cols} for r in records]))
    else:
        emit([{c: text(r.get(c)) for c in cols} for r in records], fmt, columns=cols)
