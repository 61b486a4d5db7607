"""Pictures of the graph: an interactive, offline HTML page, and SVG/PNG drawings of paths.

One module per concern: :mod:`~graphkit.viz.selection` (what to show),
:mod:`~graphkit.viz.query` (a query's result as a selection), :mod:`~graphkit.viz.layout`
(positions), :mod:`~graphkit.viz.page` (page data and the HTML template),
:mod:`~graphkit.viz.drawing` (static SVG of paths) and :mod:`~graphkit.viz.chromium` (running
headless Chromium for PNG and PDF).

>>> import graphkit
>>> from graphkit.model import project_root
>>> mini = project_root() / "tests" / "fixtures" / "mini.ttl"
>>> g = graphkit.load([mini], bundled=False, cache=False)
>>> sel = select(g, path=("Acme Cloud Ltd.", "FEA"))
>>> [g.name(n) for n in sel.paths[0]]
['Acme Cloud Ltd.', 'Borealis Analytics', 'Federal Enforcement Agency']
>>> "<svg" in path_svg(g, sel)
True
"""

from graphkit.viz.chromium import CHROMIUM_FLAGS, chromium_path, print_pdf, svg_to_png
from graphkit.viz.drawing import path_svg
from graphkit.viz.layout import layout
from graphkit.viz.page import PALETTE, SHAPES, build_html, embed_json, page_data, styles, write
from graphkit.viz.query import QUERY_LANGUAGES, QUERY_SUFFIXES, run_query
from graphkit.viz.selection import (
    DEFAULT_MAX_NODES,
    EdgeFilter,
    Selection,
    check_size,
    select,
)

__all__ = [
    "CHROMIUM_FLAGS",
    "DEFAULT_MAX_NODES",
    "PALETTE",
    "QUERY_LANGUAGES",
    "QUERY_SUFFIXES",
    "SHAPES",
    "EdgeFilter",
    "Selection",
    "build_html",
    "check_size",
    "chromium_path",
    "embed_json",
    "layout",
    "page_data",
    "path_svg",
    "print_pdf",
    "run_query",
    "select",
    "styles",
    "svg_to_png",
    "write",
]
