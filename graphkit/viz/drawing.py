"""A static SVG drawing of the paths in a path selection.

One row per path (strongest first), every entity's full name (wrapped inside its box), each hop
labelled with its relationship types (``SUPPLIES ×78`` for parallel claims), statuses and the
numbers of its sources, which are listed below. When not every path or source fits, the
drawing says how many it shows ("5 of 6 paths shown").
"""

from __future__ import annotations

import html
import math
from collections import Counter

from graphkit.errors import GraphkitError
from graphkit.viz.page import _is_web_url
from graphkit.viz.selection import Selection

_CHAR_W = 7.4  # average glyph width at 13px sans-serif, for layout estimates
NAME_WIDTH = 24  # characters per line inside a box
MAX_PATHS = 10
MAX_SOURCES = 40


def _short(text, n: int) -> str:
    s = str(text)
    return s if len(s) <= n else s[: n - 1] + "…"


def name_lines(name: str, width: int = NAME_WIDTH) -> list[str]:
    """A name broken into lines of about ``width`` characters; nothing is cut.

    >>> name_lines("U.S. Immigration and Customs Enforcement")
    ['U.S. Immigration and', 'Customs Enforcement']
    """
    out, line = [], ""
    for w in str(name).split():
        if line and len(line) + 1 + len(w) > width:
            out.append(line)
            line = w
        else:
            line = f"{line} {w}" if line else w
    return [*out, line] if line else out or [""]


def ranges(nums: list[int]) -> str:
    """``[1, 2, 3, 7]`` -> ``1–3, 7``.

    >>> ranges([7, 1, 2, 3, 9, 10])
    '1–3, 7, 9–10'
    """
    out: list[tuple[int, int]] = []
    for n in sorted(set(nums)):
        if out and out[-1][1] == n - 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))
    return ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in out)


def _counted(values: list[str]) -> str:
    """``["SUPPLIES"] * 3 + ["HOSTS"]`` -> ``SUPPLIES ×3, HOSTS``."""
    counts = Counter(values)
    return ", ".join(
        f"{v} ×{c}" if c > 1 else v for v, c in sorted(counts.items(), key=lambda x: (-x[1], x[0]))
    )


def path_svg(
    graph, sel: Selection, *, max_paths: int = MAX_PATHS, max_sources: int = MAX_SOURCES
) -> str:
    """An SVG drawing of the paths in ``sel`` (from ``select(..., path=...)``): one row per path,
    each hop labelled with its relationship type(s), status and numbered sources below."""
    if not sel.paths:
        raise GraphkitError("a static drawing needs a path selection (--path A B)")
    esc = lambda s: html.escape(str(s), quote=True)  # noqa: E731
    refs: dict[str, int] = {}
    rows = []
    shown = list(zip(sel.paths, sel.hops))[:max_paths]
    for p, hops in shown:
        names = [name_lines(graph.name(n)) for n in p]
        labels = []
        for h in hops:
            fwd = all(c["direction"] == "forward" for c in h.claims)
            types = _counted([c["type"] for c in h.claims])
            stat = _counted([c.get("status") or "?" for c in h.claims])
            nums = [
                refs.setdefault(e, len(refs) + 1) for c in h.claims for e in c.get("evidence", [])
            ]
            note = stat + (f" · [{ranges(nums)}]" if nums else "")
            labels.append((types, note, fwd))
        rows.append((names, labels))
    pad, line_h, row_gap = 24, 16, 50
    out, width = [], 0.0
    y = 80.0
    for names, labels in rows:
        box_h = max(len(lines) for lines in names) * line_h + 18
        x = float(pad)
        for i, lines in enumerate(names):
            w = max(110.0, max(len(s) for s in lines) * _CHAR_W + 24)
            top = y + (box_h - (len(lines) * line_h + 18)) / 2
            tspans = "".join(
                f'<tspan x="{x + w / 2:.0f}" y="{top + 22 + j * line_h:.0f}">{esc(s)}</tspan>'
                for j, s in enumerate(lines)
            )
            out.append(
                f'<g class="node"><rect x="{x:.0f}" y="{top:.0f}" width="{w:.0f}" '
                f'height="{len(lines) * line_h + 18}" rx="8" fill="#eef4fb" stroke="#0072B2"/>'
                f'<text text-anchor="middle">{tspans}</text></g>'
            )
            x += w
            if i < len(labels):
                types, note, fwd = labels[i]
                gap = max(150.0, max(len(types), len(note)) * _CHAR_W * 0.9 + 40)
                mid_y = y + box_h / 2
                x1, x2 = (x + 4, x + gap - 6) if fwd else (x + gap - 4, x + 6)
                mid = x + gap / 2
                out.append(
                    f'<g class="hop"><line x1="{x1:.0f}" y1="{mid_y:.0f}" x2="{x2:.0f}" '
                    f'y2="{mid_y:.0f}" stroke="#555" stroke-width="1.6" '
                    f'marker-end="url(#arrow)"/><text class="type" x="{mid:.0f}" '
                    f'y="{mid_y - 8:.0f}" text-anchor="middle" font-size="11" '
                    f'font-weight="bold">{esc(types)}</text><text class="note" x="{mid:.0f}" '
                    f'y="{mid_y + 16:.0f}" text-anchor="middle" font-size="10" fill="#555">'
                    f"{esc(note)}</text></g>"
                )
                x += gap
        width = max(width, x + pad)
        y += box_h + row_gap
    y -= row_gap - 30
    G = graph.G
    src_lines = []
    for ev, i in sorted(refs.items(), key=lambda x: x[1])[:max_sources]:
        d = G.nodes[ev] if ev in G else {}
        pub = d.get("publisher")
        date = d.get("published")
        meta = ", ".join(str(x[0] if isinstance(x, list) and x else x) for x in (pub, date) if x)
        line = f"[{i}] {_short(d.get('title', ev), 110)}" + (f" — {meta}" if meta else "")
        url = d.get("url")
        src_lines.append((line, url if _is_web_url(url) else None))
    for line, url in src_lines:
        out.append(f'<text class="source" x="{pad}" y="{y:.0f}" font-size="11">{esc(line)}</text>')
        width = max(width, pad * 2 + len(line) * _CHAR_W * 0.85)
        if url:
            y += 15
            out.append(
                f'<text class="url" x="{pad + 24}" y="{y:.0f}" font-size="10" fill="#0b5394">'
                f"{esc(url)}</text>"
            )
            width = max(width, pad * 2 + 24 + len(url) * 6.2)
        y += 19
    if len(refs) > max_sources:
        more = (
            f"{max_sources} of {len(refs)} sources listed; `graphkit path` or the HTML page "
            "(--format html) lists every one."
        )
        out.append(f'<text class="more" x="{pad}" y="{y:.0f}" font-size="11">{esc(more)}</text>')
        y += 19
    height = y + pad
    width = math.ceil(max(width, 360))
    title = esc(sel.title)
    sub = []
    if len(shown) < len(sel.paths):
        sub.append(f"{len(shown)} of {len(sel.paths)} paths shown (strongest first)")
    else:
        sub.append(f"{len(shown)} path{'s' if len(shown) != 1 else ''}")
    if sel.note:
        sub.append(sel.note.lower() if sel.note.startswith("Following") else sel.note)
    subtitle = esc("; ".join(sub))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height:.0f}" '
        f'viewBox="0 0 {width} {height:.0f}" font-family="DejaVu Sans, Arial, sans-serif" '
        f'font-size="13"><title>{title}</title><defs><marker id="arrow" viewBox="0 0 10 10" '
        'refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>'
        f'<rect width="100%" height="100%" fill="#ffffff"/>'
        f'<text x="{pad}" y="34" font-size="17" font-weight="bold">{title}</text>'
        f'<text class="shown" x="{pad}" y="56" font-size="12" fill="#444">{subtitle}</text>'
        + "".join(out)
        + "</svg>\n"
    )
