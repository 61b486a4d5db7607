"""Due-diligence reports: ``graphkit report ENTITY`` and :func:`graphkit.report`.

:func:`report` builds a typed :class:`~graphkit.report.model.Report`; the renderers in
:data:`RENDERERS` (keyed by format name, chosen from a file suffix with :func:`renderer_for`)
turn it into HTML, Markdown, JSON or PDF.
"""

from __future__ import annotations

from graphkit.report.build import DEFAULT_DEPTH, build
from graphkit.report.model import Report, json_schema
from graphkit.report.render import RENDERERS, Renderer, render, renderer_for, write


def report(graph, entity: str, **options) -> Report:
    """The due-diligence report about ``entity`` (see :func:`graphkit.report.build.build`)."""
    return build(graph, entity, **options)


__all__ = [
    "DEFAULT_DEPTH",
    "RENDERERS",
    "Renderer",
    "Report",
    "build",
    "json_schema",
    "render",
    "renderer_for",
    "report",
    "write",
]
