"""The report as PDF, printed from its HTML by Debian's headless Chromium (the one ``viz`` uses;
never a downloaded browser), with a throw-away profile and the network off."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from graphkit.errors import GraphkitError
from graphkit.report.model import Report


def render(report: Report) -> bytes:
    from graphkit.report.render_html import render as html
    from graphkit.viz import CHROMIUM_FLAGS, chromium_path

    exe = chromium_path()
    if exe is None:
        raise GraphkitError(
            "PDF output needs Chromium: install it (Debian: apt-get install chromium) or set "
            "GRAPHKIT_CHROMIUM to its path; --format html needs nothing."
        )
    with tempfile.TemporaryDirectory(prefix="graphkit-pdf-") as tmp:
        page, out = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        page.write_text(html(report), encoding="utf-8")
        cmd = [
            exe,
            "--headless",
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp}/profile",
            "--no-pdf-header-footer",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise GraphkitError(f"Chromium failed to print the PDF: {e}") from None
        if proc.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
            tail = (proc.stderr or "").strip().splitlines()[-1:] or ["no output"]
            raise GraphkitError(f"Chromium failed to print the PDF: {tail[0]}")
        return out.read_bytes()
