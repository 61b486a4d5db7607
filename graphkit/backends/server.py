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
    graph = None  # no local graph: records are read from subgraphs

    def __init__(self, graph=None, conn=None, **_ignored):
        from graphkit.backends.neo4j import Connection

        self.conn = conn or Connection.from_env()
        self.driver = self.conn.driver()
        self._ontology = getattr(graph, "ontology", None)
        self.notes: list[str] = []  # which entity a partial name was taken for

    @property
    def ontology(self):
        if self._ontology is None:
            from graphkit.model import ontology

            self._ontology = ontology()
        return self._ontology

    def published(self) -> None:
        """No local dates: :func:`graphkit.graph.trace` reads them from the subgraph."""
        return None

    def close(self) -> None:
        self.driver.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def find(self, text: str):
        """An exact or normalised match from the server's name index; otherwise the same
        prefix, token and fuzzy rules as every engine (:class:`graphkit.lookup.NameIndex`) over
        the candidates the index finds for the text's words (never a scan of every entity)."""
        from graphkit.backends.neo4j import find
        from graphkit.errors import EntityNotFound
        from graphkit.lookup import Match, NameIndex

        try:
            node = find(self.driver, text, database=self.conn.database)
            return Match(node, node, "", "exact", 100.0, text)
        except EntityNotFound as missing:
            entries = self._candidates(text)
            if not entries:
                raise missing from None
        m = NameIndex(entries).resolve(text)
        self.notes.append(m.note(text))
        return m

    def _candidates(self, text: str):
        """Entities whose normalised name or alias contains one of the text's words."""
        from graphkit.backends.neo4j.connection import errors
        from graphkit.backends.neo4j.lookup import _LUCENE_SPECIAL
        from graphkit.backends.neo4j.scheme import MARKER, NAME_INDEX
        from graphkit.lookup import Entry
        from graphkit.model import ontology
        from graphkit.resolve import normalize

        words = [w for w in normalize(text).split() if len(w) > 1]
        if not words:
            return []
        q = " OR ".join("n\\:*" + _LUCENE_SPECIAL.sub(r"\\\g<0>", w) + "*" for w in words)
        with (
            errors(),
            self.driver.session(database=self.conn.database, default_access_mode="READ") as s,
        ):
            rows = s.run(
                f"CALL db.index.fulltext.queryNodes('{NAME_INDEX}', $q) YIELD node AS n "
                f"WHERE n:{MARKER} RETURN n.id, n.name, n.aliases, labels(n) LIMIT 500",
                q=q,
            ).values()
        depth = {
            lb: len(ontology().superclasses.get(c, ())) for c, lb in ontology().class_labels.items()
        }
        return [
            Entry(
                i,
                str(name or i),
                tuple(a for a in (aliases or []) if isinstance(a, str)),
                max((lb for lb in labels if lb in depth), key=lambda lb: depth[lb], default=""),
            )
            for i, name, aliases, labels in rows
        ]

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
