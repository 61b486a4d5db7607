"""Graph engines behind one contract, picked by name from one registry.

A :class:`Backend` answers the questions every command asks of a graph: find an entity, list
paths between two entities under an :class:`graphkit.paths.EdgeFilter`, give the subgraph of
some nodes (their claims, evidence and contracts, as a networkx graph in the projection's
shape), the neighbourhood of a node, and run a query in its own language. Engines that hold
data of their own (Neo4j) also load, clear and count.

:func:`graphkit.api.path` assembles a :class:`graphkit.graph.PathResult` the same way for every
engine, so ``networkx`` and ``neo4j`` agree by construction, not only because a test compares
them. Adding an engine is one module with a class and one :func:`register` call.

>>> sorted(names())
['embedded-cypher', 'neo4j', 'networkx']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Protocol, TypeVar, runtime_checkable

from graphkit.errors import GraphkitError

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

    from graphkit.graph import Graph
    from graphkit.lookup import Match
    from graphkit.model import Ontology
    from graphkit.paths import EdgeFilter


@runtime_checkable
class Backend(Protocol):
    """What every engine provides."""

    name: str
    #: the query language of :meth:`query` (``cypher``), or ``None``
    query_language: str | None
    #: True when built from the loaded local files (needs a :class:`graphkit.graph.Graph`)
    uses_local_files: bool
    #: the loaded graph a local engine answers from (records are read from it), else ``None``
    graph: Graph | None

    def __init__(self, graph: Graph | None = None, **options) -> None:
        """Made from the loaded graph (engines with ``uses_local_files``) and options of
        their own (a server's connection)."""

    @property
    def ontology(self) -> Ontology:
        """The ontology of the engine's data (filters take their defaults from it)."""

    def published(self) -> Mapping[str, str | None] | None:
        """Claim id -> earliest publication date of its sources, for ``as_of`` filters;
        ``None`` when the engine reads them from the subgraph of its paths instead."""

    def find(self, text: str) -> Match:
        """The one entity ``text`` names (id, name, alias, clear part), or a clear error."""

    def paths(
        self,
        source: str,
        target: str,
        f: EdgeFilter,
        *,
        max_hops: int,
        limit: int,
        shortest_only: bool = False,
        budget: float | None = 5.0,
    ) -> tuple[list[list[str]], bool]:
        """Node-id sequences of simple paths (shortest first) and whether the list is partial."""

    def subgraph(self, ids: Iterable[str]) -> nx.MultiDiGraph:
        """The nodes ``ids``, the claims among them, and their evidence and contract nodes."""

    def query(self, text: str, params: dict | None = None) -> tuple[list[str], list[list]]:
        """Run a read-only query in :attr:`query_language`: ``(columns, rows)``."""


#: name -> the engine's class (made with ``graph=None, **options``)
BACKENDS: dict[str, type[Backend]] = {}
B = TypeVar("B", bound=type)


def register(name: str) -> Callable[[B], B]:
    """Class decorator: ``@register("networkx")``."""

    def add(cls: B) -> B:
        BACKENDS[name] = cls
        return cls

    return add


def names() -> list[str]:
    _builtins()
    return sorted(BACKENDS)


def factory(name: str) -> type[Backend]:
    """The registered class of a backend."""
    _builtins()
    found = BACKENDS.get(name)
    if found is None:
        raise GraphkitError(f"unknown backend {name!r}; choose one of {', '.join(names())}")
    return found


def get(name: str, **options) -> Backend:
    """A backend by name (``networkx``, ``embedded-cypher``, ``neo4j``)."""
    return factory(name)(**options)


def _builtins() -> None:
    """Register the built-in engines (their modules import their heavy libraries lazily)."""
    if "networkx" not in BACKENDS:
        from graphkit.backends import local  # noqa: F401  (registers networkx, embedded-cypher)
    if "neo4j" not in BACKENDS:
        from graphkit.backends import server  # noqa: F401  (registers neo4j)
