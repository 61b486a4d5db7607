"""Due-diligence reports: ``graphkit report ENTITY`` and :func:`graphkit.report`.

:func:`report` builds a typed :class:`~graphkit.report.model.Report`; the renderers in
:data:`RENDERERS` (keyed by format name, chosen from a file suffix with :func:`renderer_for`)
turn it into HTML, Markdown, JSON or PDF.
"""

from __future__ import annotations

import sys
import types

from graphkit.report import render as render_module
from graphkit.report.build import DEFAULT_DEPTH, build
from graphkit.report.model import Report, json_schema
from graphkit.report.render import RENDERERS, Renderer, render, render_all, renderer_for, write


def report(graph, entity: str, **options) -> Report:
    """The due-diligence report about ``entity`` (see :func:`graphkit.report.build.build`)."""
    return build(graph, entity, **options)


class _CallableModule(types.ModuleType):
    """``graphkit.report`` is this package *and* the function: ``graphkit.report(g, "Amazon")``."""

    def __call__(self, graph, entity: str, **options) -> Report:
        return report(graph, entity, **options)


sys.modules[__name__].__class__ = _CallableModule

__all__ = [
    "DEFAULT_DEPTH",
    "RENDERERS",
    "Renderer",
    "Report",
    "build",
    "json_schema",
    "render",
    "render_all",
    "render_module",
    "renderer_for",
    "report",
    "write",
]
