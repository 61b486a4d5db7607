"""The embedded engines: networkx (the default) and embedded Cypher (LadybugDB) over the
projection of local files. Both answer lookups and paths from the loaded graph's columns
(:mod:`graphkit.adjacency`; the networkx graph is built only for what needs it); embedded
Cypher adds its query language."""

from __future__ import annotations

from collections.abc import Iterable

from graphkit import adjacency as A
from graphkit.backends import register


@register("networkx")
class NetworkxBackend:
    """Paths, lookups and subgraphs over a loaded :class:`graphkit.graph.Graph`."""

    name = "networkx"
    query_language: str | None = None
    uses_local_files = True  # built from the loaded files (the CLI's --data)

    def __init__(self, graph=None, **_options):
        if graph is None:
            from graphkit.errors import GraphkitError

            raise GraphkitError(f"the {self.name} backend needs a loaded graph (graphkit.load())")
        self.graph = graph

    @property
    def ontology(self):
        return self.graph.ontology

    def published(self):
        return self.graph.published()

    def find(self, text: str):
        return self.graph.lookup(text, entities_only=True)

    def paths(self, source, target, f, *, max_hops, limit, shortest_only=False, budget=5.0):
        return A.find_paths(
            self.graph.adjacency,
            source,
            target,
            f,
            max_hops=max_hops,
            limit=limit,
            shortest_only=shortest_only,
            budget=budget,
        )

    def subgraph(self, ids: Iterable[str]):
        return self.graph.G  # the whole graph is at hand; no copy needed

    def neighbours(self, node: str, f, depth: int) -> dict[str, int]:
        return A.distances(self.graph.adjacency, node, depth, f)

    def query(self, text, params=None):
        raise NotImplementedError("the networkx backend has no query language; use embedded-cypher")


@register("embedded-cypher")
class EmbeddedCypherBackend(NetworkxBackend):
    """networkx for lookups and paths, LadybugDB for read-only Cypher."""

    name = "embedded-cypher"
    query_language = "cypher"

    def query(self, text, params=None):
        from graphkit.backends import embedded_cypher

        return embedded_cypher.run(self.graph, text, params or {})
