"""The renderer registry: format name -> how to turn a :class:`Report` into bytes.

Add a format by adding a module with ``render(report) -> str | bytes`` (or, when it writes the
shared :class:`~graphkit.report.doc.Document`, ``render(report, document=None)``) and one entry
here. :func:`render_all` builds that document once for every format that needs it.

>>> renderer_for("amazon.md").name
'md'
>>> sorted(RENDERERS)
['html', 'json', 'md', 'pdf']
"""

from __future__ import annotations

import importlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from graphkit.errors import GraphkitError
from graphkit.report import doc as D
from graphkit.report.doc import Document
from graphkit.report.model import Report, paused_gc


@dataclass(frozen=True)
class Renderer:
    name: str
    suffixes: tuple[str, ...]
    module: str  # module with ``render(report) -> str | bytes``
    binary: bool = False
    #: ``render`` takes the document model (:func:`graphkit.report.doc.document`) as well
    uses_document: bool = False

    def render(self, report: Report, document: Document | None = None) -> bytes:
        """``report`` in this format; ``document`` (when this format writes the document
        model) saves building it again."""
        fn = importlib.import_module(self.module).render
        out = fn(report, document) if self.uses_document else fn(report)
        return out if isinstance(out, bytes) else out.encode("utf-8")


RENDERERS: dict[str, Renderer] = {
    r.name: r
    for r in (
        Renderer("html", (".html", ".htm"), "graphkit.report.render_html", uses_document=True),
        Renderer("md", (".md", ".markdown"), "graphkit.report.render_md", uses_document=True),
        Renderer("json", (".json",), "graphkit.report.render_json"),
        Renderer("pdf", (".pdf",), "graphkit.report.pdf", binary=True, uses_document=True),
    )
}


def renderer_for(output: str | Path | None = None, fmt: str | None = None) -> Renderer:
    """The renderer named ``fmt``, else the one for ``output``'s suffix, else Markdown."""
    if fmt:
        r = RENDERERS.get(fmt.lower())
        if r is None:
            raise GraphkitError(f"unknown report format {fmt!r} (choose {', '.join(RENDERERS)})")
        return r
    if output is None:
        return RENDERERS["md"]
    suffix = Path(output).suffix.lower()
    for r in RENDERERS.values():
        if suffix in r.suffixes:
            return r
    raise GraphkitError(
        f"{output}: cannot tell the format from the suffix {suffix or '(none)'!r}; "
        f"use --format {'|'.join(RENDERERS)}"
    )


def render(report: Report, fmt: str = "md") -> bytes:
    return renderer_for(fmt=fmt).render(report)


def render_all(report: Report, formats: Iterable[str]) -> dict[str, bytes]:
    """``report`` in each of ``formats``, building the document model that the Markdown, HTML
    and PDF renderers share once.

    >>> from graphkit.report.doc import _tiny
    >>> sorted(render_all(_tiny(), ["md", "json"]))
    ['json', 'md']
    """
    rs = [renderer_for(fmt=f) for f in formats]
    with paused_gc():  # one pause for all: the collector runs once, after the last format
        document = D.document(report) if sum(r.uses_document for r in rs) > 1 else None
        return {r.name: r.render(report, document) for r in rs}


def check_writable(output: str | Path) -> None:
    """Fail early, in one line, when ``output`` cannot be written."""
    out = Path(output)
    parent = out.parent if str(out.parent) else Path(".")
    if out.is_dir():
        raise GraphkitError(f"{out}: is a folder, not a file")
    if not parent.is_dir():
        raise GraphkitError(f"{out}: cannot write: folder {parent} does not exist")
    if not os.access(parent, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise GraphkitError(f"{out}: cannot write: permission denied")


def write(report: Report, output: str | Path, fmt: str | None = None) -> Renderer:
    """Render ``report`` and write it to ``output`` atomically (the format from ``fmt`` or the
    suffix). An unwritable path raises :class:`GraphkitError` with one line."""
    r = renderer_for(output, fmt)
    check_writable(output)
    data = r.render(report)
    out = Path(output)
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{out.name}.", dir=out.parent if str(out.parent) else "."
        )
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, out)
    except OSError as e:
        raise GraphkitError(f"{out}: cannot write: {e.strerror or e}") from None
    return r
