"""The embedded engines: networkx (the default) and embedded Cypher (LadybugDB) over the
projection of local files. Both answer lookups and paths from the networkx graph; embedded
Cypher adds its query language."""

from __future__ import annotations

from collections.abc import Iterable

from graphkit import paths as P
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

    def find(self, text: str):
        return self.graph.lookup(text, entities_only=True)

    def paths(self, source, target, f, *, max_hops, limit, shortest_only=False, budget=5.0):
        G = self.graph.G
        found = P.shortest_paths(G, source, target, limit=limit, f=f, max_hops=max_hops)
        partial = False
        if found and not shortest_only:
            extra = P.simple_paths(
                G, source, target, max_hops=max_hops, limit=limit, f=f, budget=budget
            )
            partial = extra.partial
            found += [p for p in extra if p not in found]
        return found, partial

    def subgraph(self, ids: Iterable[str]):
        return self.graph.G  # the whole graph is at hand; no copy needed

    def neighbours(self, node: str, f, depth: int) -> dict[str, int]:
        return P.distances(self.graph.G, node, depth, f)

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
