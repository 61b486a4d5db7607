"""A static SVG drawing of the paths in a path selection."""

from __future__ import annotations

import html
import math

from graphkit.errors import GraphkitError
from graphkit.viz.page import _is_web_url
from graphkit.viz.selection import Selection

_CHAR_W = 7.4  # average glyph width at 13px sans-serif, for layout estimates


def _short(text, n: int) -> str:
    s = str(text)
    return s if len(s) <= n else s[: n - 1] + "…"


def path_svg(graph, sel: Selection, *, max_paths: int = 5) -> str:
    """An SVG drawing of the paths in ``sel`` (from ``select(..., path=...)``): one row per path,
    each hop labelled with its relationship type(s), status and numbered sources below."""
    if not sel.paths:
        raise GraphkitError("a static drawing needs a path selection (--path A B)")
    esc = lambda s: html.escape(str(s), quote=True)  # noqa: E731
    refs: dict[str, int] = {}
    rows = []
    for p, hops in list(zip(sel.paths, sel.hops))[:max_paths]:
        names = [_short(graph.name(n), 34) for n in p]
        labels = []
        for h in hops:
            fwd = all(c["direction"] == "forward" for c in h.claims)
            types = ", ".join(sorted({c["type"] for c in h.claims}))
            stat = ", ".join(sorted({c.get("status") or "?" for c in h.claims}))
            nums = []
            for c in h.claims:
                for e in c.get("evidence", []):
                    nums.append(refs.setdefault(e, len(refs) + 1))
            note = stat + (" · " + " ".join(f"[{i}]" for i in sorted(set(nums))) if nums else "")
            labels.append((types, note, fwd))
        rows.append((names, labels))
    pad, box_h, row_h = 24, 40, 110
    out, width = [], 0.0
    y = 70.0
    for names, labels in rows:
        x = float(pad)
        for i, name in enumerate(names):
            w = max(110.0, len(name) * _CHAR_W + 24)
            out.append(
                f'<g class="node"><rect x="{x:.0f}" y="{y:.0f}" width="{w:.0f}" height="{box_h}" '
                f'rx="8" fill="#eef4fb" stroke="#0072B2"/><text x="{x + w / 2:.0f}" '
                f'y="{y + 25:.0f}" text-anchor="middle">{esc(name)}</text></g>'
            )
            x += w
            if i < len(labels):
                types, note, fwd = labels[i]
                gap = max(150.0, max(len(types), len(note)) * _CHAR_W * 0.9 + 40)
                x1, x2 = (x + 4, x + gap - 6) if fwd else (x + gap - 4, x + 6)
                mid = x + gap / 2
                out.append(
                    f'<g class="hop"><line x1="{x1:.0f}" y1="{y + 20:.0f}" x2="{x2:.0f}" '
                    f'y2="{y + 20:.0f}" stroke="#555" stroke-width="1.6" marker-end="url(#arrow)"/>'
                    f'<text class="type" x="{mid:.0f}" y="{y + 12:.0f}" text-anchor="middle" '
                    f'font-size="11" font-weight="bold">{esc(types)}</text>'
                    f'<text class="note" x="{mid:.0f}" y="{y + 36:.0f}" text-anchor="middle" '
                    f'font-size="10" fill="#555">{esc(note)}</text></g>'
                )
                x += gap
        width = max(width, x + pad)
        y += row_h
    y -= row_h - box_h - 40
    G = graph.G
    src_lines = []
    for ev, i in sorted(refs.items(), key=lambda x: x[1]):
        d = G.nodes[ev] if ev in G else {}
        pub = d.get("publisher")
        date = d.get("published")
        meta = ", ".join(str(x[0] if isinstance(x, list) and x else x) for x in (pub, date) if x)
        line = f"[{i}] {_short(d.get('title', ev), 90)}" + (f" — {meta}" if meta else "")
        url = d.get("url")
        src_lines.append((line, url if _is_web_url(url) else None))
    y += 10
    for line, url in src_lines:
        out.append(f'<text class="source" x="{pad}" y="{y:.0f}" font-size="11">{esc(line)}</text>')
        width = max(width, pad * 2 + len(line) * _CHAR_W * 0.85)
        if url:
            y += 15
            out.append(
                f'<text class="url" x="{pad + 24}" y="{y:.0f}" font-size="10" fill="#0b5394">'
                f"{esc(_short(url, 140))}</text>"
            )
            width = max(width, pad * 2 + 24 + min(len(url), 140) * 6.2)
        y += 19
    height = y + pad
    width = math.ceil(max(width, 360))
    title = esc(sel.title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height:.0f}" '
        f'viewBox="0 0 {width} {height:.0f}" font-family="DejaVu Sans, Arial, sans-serif" '
        f'font-size="13"><title>{title}</title><defs><marker id="arrow" viewBox="0 0 10 10" '
        'refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>'
        f'<rect width="100%" height="100%" fill="#ffffff"/>'
        f'<text x="{pad}" y="36" font-size="17" font-weight="bold">{title}</text>'
        + "".join(out)
        + "</svg>\n"
    )
