"""graphkit: a knowledge graph of surveillance relationships, with the evidence for every claim.

>>> import graphkit
>>> g = graphkit.load()
>>> [g.name(n) for n in g.path("AWS", "ICE").paths[0]][0]
'Amazon Web Services, Inc.'

Names are imported on first use (``graphkit --help`` must not pay for networkx).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.2.0"

#: public name -> module that defines it
_EXPORTS = {
    "AmbiguousEntity": "graphkit.errors",
    "DataError": "graphkit.errors",
    "EntityNotFound": "graphkit.errors",
    "GraphkitError": "graphkit.errors",
    "ValidationError": "graphkit.errors",
    "Graph": "graphkit.graph",
    "PathResult": "graphkit.graph",
    "load": "graphkit.graph",
    "Ontology": "graphkit.model",
    "ontology": "graphkit.model",
    "EdgeFilter": "graphkit.paths",
    "Match": "graphkit.lookup",
    "import_file": "graphkit.importers",
    "report": "graphkit.report",
}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # pragma: no cover
    from graphkit.errors import (  # noqa: F401
        AmbiguousEntity,
        DataError,
        EntityNotFound,
        GraphkitError,
        ValidationError,
    )
    from graphkit.graph import Graph, PathResult, load  # noqa: F401
    from graphkit.importers import import_file  # noqa: F401
    from graphkit.lookup import Match  # noqa: F401
    from graphkit.model import Ontology, ontology  # noqa: F401
    from graphkit.paths import EdgeFilter  # noqa: F401


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'graphkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
