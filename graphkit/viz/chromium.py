"""Finding and running headless Chromium: PNG screenshots of SVG, PDF prints of pages."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from graphkit.errors import GraphkitError


def chromium_path() -> str | None:
    """``$GRAPHKIT_CHROMIUM``, else ``/usr/bin/chromium``, else ``chromium`` on the PATH."""
    for c in (os.environ.get("GRAPHKIT_CHROMIUM"), "/usr/bin/chromium"):
        if c and Path(c).is_file():
            return c
    return shutil.which("chromium") or shutil.which("chromium-browser")


CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
)


def svg_to_png(svg: str, output: str | Path, *, scale: int = 2, timeout: float = 120) -> None:
    """Render ``svg`` to a PNG with headless Chromium (no network, throw-away profile)."""
    exe = _require("PNG output")
    m = re.search(r'width="(\d+)" height="(\d+)"', svg)
    w, h = (int(m.group(1)), int(m.group(2))) if m else (1200, 800)
    out = Path(output).resolve()
    with tempfile.TemporaryDirectory(prefix="graphkit-png-") as tmp:
        page = Path(tmp) / "page.html"
        page.write_text(
            '<!DOCTYPE html><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" '
            "content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            f"<style>html,body{{margin:0;background:#fff}}</style>{svg}",
            encoding="utf-8",
        )
        cmd = [
            exe,
            "--headless",
            *CHROMIUM_FLAGS,
            "--hide-scrollbars",
            f"--user-data-dir={tmp}/profile",
            f"--force-device-scale-factor={scale}",
            f"--window-size={w},{h}",
            f"--screenshot={out}",
            page.as_uri(),
        ]
        _run(cmd, out, "PNG", timeout)


def print_pdf(html_path: str | Path, pdf_path: str | Path, *, timeout: float = 120) -> Path:
    """Print the page at ``html_path`` to ``pdf_path`` with ``chromium --headless
    --print-to-pdf`` (no network, throw-away profile, no header or footer). Returns the PDF path."""
    exe = _require("PDF output")
    src, out = Path(html_path).resolve(), Path(pdf_path).resolve()
    if not src.is_file():
        raise GraphkitError(f"{src}: no such page to print")
    with tempfile.TemporaryDirectory(prefix="graphkit-pdf-") as tmp:
        cmd = [
            exe,
            "--headless",
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp}/profile",
            "--no-pdf-header-footer",
            f"--print-to-pdf={out}",
            src.as_uri(),
        ]
        _run(cmd, out, "PDF", timeout)
    return out


def _require(what: str) -> str:
    exe = chromium_path()
    if exe is None:
        raise GraphkitError(
            f"{what} needs Chromium: install it (Debian: apt-get install chromium) or set "
            "GRAPHKIT_CHROMIUM to its path"
        )
    return exe


def _run(cmd: list[str], out: Path, what: str, timeout: float) -> None:
    out.unlink(missing_ok=True)
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise GraphkitError(f"Chromium failed to render the {what}: {e}") from None
    if proc.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
        tail = (proc.stderr or "").strip().splitlines()[-1:] or ["no output"]
        raise GraphkitError(f"Chromium failed to render the {what}: {tail[0]}")
