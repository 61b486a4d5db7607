"""Running user Cypher on Neo4j (read-only unless asked); ``--param`` values: graphkit.params."""

from __future__ import annotations

from graphkit.backends.cypher import split_statements, write_clause
from graphkit.backends.neo4j.connection import Neo4jError, errors


def run_cypher(
    driver,
    query: str,
    params: dict | None = None,
    *,
    database: str | None = None,
    write: bool = False,
) -> tuple[list[str], list[list]]:
    """Run one or more ``;``-separated statements; columns and rows of the last.

    Read-only unless ``write``: write clauses are refused before anything is sent, and the
    session runs in read access mode, so the server refuses writes hidden in procedures too.
    """
    import neo4j

    statements = split_statements(query)
    if not statements:
        raise Neo4jError("empty Cypher query")
    if not write:
        for st in statements:
            clause = write_clause(st)
            if clause:
                raise Neo4jError(
                    f"the query writes ({clause}); queries are read-only unless you pass --write"
                )
    mode = neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS
    cols, rows = [], []
    with errors(), driver.session(database=database, default_access_mode=mode) as s:
        for st in statements:
            result = s.run(st, params or {})
            cols = list(result.keys())
            rows = [list(r.values()) for r in result]
    return cols, rows
