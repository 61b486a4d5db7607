"""The Neo4j engine behind the :class:`graphkit.backends.Backend` contract: lookups, paths,
subgraphs and Cypher answered by the server of ``NEO4J_URI`` (see :mod:`graphkit.backends.neo4j`
for connection, loading and exports)."""

from __future__ import annotations

from collections.abc import Iterable

from graphkit.backends import register


@register("neo4j")
class Neo4jBackend:
    """A verified driver for the lifetime of the object (``close()`` or use ``with``)."""

    name = "neo4j"
    query_language = "cypher"
    uses_local_files = False  # the server holds what `graphkit neo4j load` wrote

    def __init__(self, graph=None, conn=None, **_ignored):
        from graphkit.backends.neo4j import Connection

        self.conn = conn or Connection.from_env()
        self.driver = self.conn.driver()
        self.ontology = getattr(graph, "ontology", None)

    def close(self) -> None:
        self.driver.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def find(self, text: str):
        from graphkit.backends.neo4j import find
        from graphkit.lookup import Match

        node = find(self.driver, text, database=self.conn.database)
        return Match(node, node, "", "exact", 100.0, text)

    def paths(self, source, target, f, *, max_hops, limit, shortest_only=False, budget=None):
        from graphkit.backends.neo4j import find_paths

        statuses = f.statuses
        if statuses is None and f.excluded_statuses and f.ranks:
            statuses = frozenset(s for s in f.ranks if s not in f.excluded_statuses)
        found = find_paths(
            self.driver,
            source,
            target,
            max_hops=max_hops,
            directed=f.directed,
            types=f.types,
            statuses=statuses,
            shortest_only=shortest_only,
            limit=limit * 4 if f.as_of or f.max_rank else limit,  # re-checked by the API
            database=self.conn.database,
        )
        return found, False

    def subgraph(self, ids: Iterable[str]):
        from graphkit.backends.neo4j import subgraph

        return subgraph(self.driver, ids, database=self.conn.database)

    def query(self, text, params=None):
        from graphkit.backends.neo4j import run_cypher

        return run_cypher(self.driver, text, params or {}, database=self.conn.database)
