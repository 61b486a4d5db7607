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
__all__ = [
    "AmbiguousEntity",
    "DataError",
    "EntityNotFound",
    "Graph",
    "GraphkitError",
    "PathResult",
    "ValidationError",
    "import_file",
    "load",
]


def __getattr__(name: str):
    """Lazy attributes: ``graphkit.import_file`` imports the importers on first use."""
    if name == "import_file":
        from graphkit.importers import import_file

        return import_file
    raise AttributeError(f"module 'graphkit' has no attribute {name!r}")
