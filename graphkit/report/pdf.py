"""The report as PDF, printed from its HTML by Debian's headless Chromium (the one ``viz`` uses;
never a downloaded browser) through :func:`graphkit.viz.print_pdf`: a throw-away profile and
the network off."""

from __future__ import annotations

import tempfile
from pathlib import Path

from graphkit.report.doc import Document
from graphkit.report.model import Report


def render(report: Report, document: Document | None = None) -> bytes:
    from graphkit.report.render_html import render as html
    from graphkit.viz import print_pdf

    with tempfile.TemporaryDirectory(prefix="graphkit-report-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html(report, document), encoding="utf-8")
        return print_pdf(page, Path(tmp) / "report.pdf", timeout=180).read_bytes()
