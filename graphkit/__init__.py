"""graphkit: a knowledge graph of surveillance relationships, with the evidence for every claim.

>>> import graphkit
>>> g = graphkit.load()
>>> [g.name(n) for n in g.path("AWS", "ICE").paths[0]][0]
'Amazon Web Services, Inc.'
"""

from graphkit.errors import (
    AmbiguousEntity,
    DataError,
    EntityNotFound,
    GraphkitError,
    ValidationError,
)
from graphkit.graph import Graph, PathResult, load

__version__ = "0.1.0"


def __getattr__(name: str):
    """Lazy attributes: ``graphkit.report(graph, "Amazon")`` imports the report package on use
    (the package is callable; see :mod:`graphkit.report`)."""
    if name == "report":
        import importlib

        return importlib.import_module("graphkit.report")
    raise AttributeError(f"module 'graphkit' has no attribute {name!r}")


__all__ = [
    "AmbiguousEntity",
    "DataError",
    "EntityNotFound",
    "Graph",
    "GraphkitError",
    "PathResult",
    "ValidationError",
    "load",
    "report",
]
