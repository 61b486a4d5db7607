"""Exporters: one class per format, one registry (after FollowTheMoney's ``export/``).

Each :class:`Exporter` declares its ``name``, ``suffix``, ``media_type``, ``description`` and
whether it ``writes_folder``; the CLI's ``graphkit export`` builds its choices and help from
:data:`EXPORTERS` and picks the format from the output's suffix when none is given. Adding a
format is one class with ``@register``.

>>> import graphkit
>>> from graphkit.exporters import export
>>> g = graphkit.load(["tests/fixtures/mini.ttl"], bundled=False)
>>> export(g, "graphml")[:38]
b'<?xml version="1.0" encoding="UTF-8"?>'
"""

# isort: off
# Registration order is the order the CLI lists the formats in.
from graphkit.exporters import rdf, propgraph, neo4j  # noqa: F401

# isort: on
from graphkit.exporters.base import (
    EXPORTERS,
    Exporter,
    ExportError,
    Written,
    export,
    for_path,
    get,
    projection,
    register,
)
from graphkit.exporters.propgraph import read_gexf, read_graphml

__all__ = [
    "EXPORTERS",
    "ExportError",
    "Exporter",
    "Written",
    "export",
    "for_path",
    "get",
    "projection",
    "read_gexf",
    "read_graphml",
    "register",
]
