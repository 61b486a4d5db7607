"""The report as one self-contained, offline HTML page.

No script at all: a Content-Security-Policy (as strict as ``graphkit viz``'s) forbids every
request, styles are inline, the path drawing and the money chart are inline SVG, and every string
from the data is escaped. Footnote references are plain ``#fn-N`` anchors; a print stylesheet
lays the page out for paper (and for :mod:`graphkit.report.pdf`).
"""

from __future__ import annotations

import functools
import html
import math

from graphkit.report import doc as D
from graphkit.report import model as M
from graphkit.report import text as T

CSP = (
    "default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'"
)

CSS = """
:root { --ink:#1d2329; --muted:#5b6670; --line:#d5dbe1; --accent:#0072B2; --warn:#b35900; }
* { box-sizing: border-box; }
body { font: 15px/1.5 "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: var(--ink);
       max-width: 60rem; margin: 0 auto; padding: 1.5rem 1.5rem 4rem; }
h1 { font-size: 1.7rem; margin: .2rem 0 .6rem; }
h2 { font-size: 1.25rem; margin: 2.2rem 0 .6rem; padding-bottom: .2rem;
     border-bottom: 2px solid var(--line); }
h3 { font-size: 1.02rem; margin: 1.4rem 0 .3rem; }
a { color: #0b5394; }
.muted, .meta { color: var(--muted); }
.meta { font-size: .88rem; }
.meta dt { font-weight: bold; float: left; clear: left; width: 9rem; }
.meta dd { margin: 0 0 .15rem 9.5rem; overflow-wrap: anywhere; }
nav.toc { font-size: .9rem; margin: 1rem 0; display: flex; flex-wrap: wrap; gap: .2rem .9rem; }
nav.toc a { white-space: nowrap; }
sup.fn { font-size: .72em; line-height: 0; white-space: nowrap; }
sup.fn a { text-decoration: none; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; font-size: .9rem; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .45rem; text-align: left;
         vertical-align: top; }
th { background: #f3f6f9; }
td.num, th.num { text-align: right; white-space: nowrap; }
.status { display: inline-block; padding: 0 .35rem; border-radius: .25rem; font-size: .8rem;
          background: #e8f1fa; }
.status.uncertain { background: #fdecd8; color: var(--warn); }
ul.flags { list-style: none; padding: 0; }
ul.flags > li { border-left: 4px solid var(--warn); padding: .2rem .8rem; margin: .6rem 0;
        background: #fffaf4; }
ol.paths > li { margin: .25rem 0 .5rem 0; }
ul.hops { margin: .1rem 0 .8rem; font-size: .9rem; }
ul.hops li { margin-bottom: .25rem; }
.figure { overflow-x: auto; margin: .6rem 0 1rem; }
.figure svg { max-width: 100%; height: auto; }
ol.sources li { margin-bottom: .45rem; overflow-wrap: anywhere; }
ol.sources li:target { background: #fff4c2; }
.empty { font-size: 1.05rem; padding: .8rem 1rem; background: #f3f6f9; border-radius: .3rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  nav.toc { display: none; }
  h2, h3 { break-after: avoid; }
  table, ul.flags > li, ol.paths > li, .figure { break-inside: avoid; }
  a { color: inherit; }
  ol.sources a::after { content: ""; }
  @page { margin: 16mm 14mm; }
}
"""


def esc(s) -> str:
    return html.escape(str(s), quote=True)


def notes(ns) -> str:
    if not ns:
        return ""
    shown = ns[: T.MAX_NOTES]
    more = len(ns) - len(shown)
    links = "".join(f'<a href="#fn-{n}">[{n}]</a>' for n in shown)
    return f'<sup class="fn">{links}{f" +{more} more" if more else ""}</sup>'


_TAGS = {"b": "b", "i": "i", "code": "code"}


_run = functools.lru_cache(maxsize=1 << 16)(esc)  # names, labels and statuses repeat
_notes = functools.lru_cache(maxsize=1 << 16)(notes)  # a claim's notes recur on every path


def inline(parts) -> str:
    out = []
    for p in parts:
        if type(p) is D.Cite:
            out.append(_notes(p.notes))
            continue
        text = _run(p.text)
        if not p.style and not p.href:
            out.append(text)
            continue
        if p.style == "status":
            cls = "status uncertain" if p.uncertain else "status"
            text = f'<span class="{cls}">{text}</span>'
        elif p.style == "muted":
            text = f'<span class="muted">{text}</span>'
        elif p.style in _TAGS:
            text = f"<{_TAGS[p.style]}>{text}</{_TAGS[p.style]}>"
        if p.href and p.href.startswith("#"):
            text = f'<a href="{esc(p.href)}">{text}</a>'
        elif p.href and D.href(p.href):
            text = f'<a href="{esc(D.href(p.href))}" rel="noopener noreferrer">{text}</a>'
        out.append(text)
    return "".join(out)


def render(r: M.Report, document: D.Document | None = None) -> str:
    """The page; ``document`` is ``D.document(r)`` when the caller has already built it."""
    with M.paused_gc():
        return _render(r, document if document is not None else D.document(r))


def _render(r: M.Report, d: D.Document) -> str:
    h = r.header
    out: list[str] = [f"<h1>{esc(d.title)}</h1>"]
    toc = "".join(f'<a href="#{s.id}">{esc(s.title)}</a>' for s in d.sections if s.title)
    for s in d.sections:
        if s.title is None:
            out.extend(_block(b, r) for b in s.blocks)
            out.append(f'<nav class="toc">{toc}</nav>')
            continue
        out.append(f'<section id="{s.id}"><h2>{esc(s.title)}</h2>')
        out.extend(_block(b, r) for b in s.blocks)
        out.append("</section>")
    body = "\n".join(x for x in out if x)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{esc(d.title)}</title><style>{CSS}</style></head>\n<body>\n{body}\n"
        f'<p class="meta">Generated by graphkit on {esc(h.generated)} · input fingerprint '
        f"{esc(h.fingerprint[:16])}…</p>\n</body></html>\n"
    )


def _block(b, r: M.Report) -> str:
    if isinstance(b, D.Meta):
        rows = "".join(f"<dt>{esc(k)}</dt><dd>{inline(v.parts)}</dd>" for k, v in b.rows)
        return f'<dl class="meta">{rows}</dl>'
    if isinstance(b, D.Para):
        cls = f' class="{b.css}"' if b.css else ""
        return f"<p{cls}>{inline(b.line.parts)}</p>"
    if isinstance(b, D.Heading):
        return f"<h{b.level}>{esc(b.text)}</h{b.level}>"
    if isinstance(b, D.Bullets):
        tag = "ol" if b.ordered else "ul"
        cls = f' class="{b.css}"' if b.css else ""
        items = []
        for it in b.items:
            kids = "".join(f"<li>{inline(k.parts)}</li>" for k in it.children)
            kids = f'<ul class="hops">{kids}</ul>' if kids else ""
            items.append(f"<li>{inline(it.parts)}{kids}</li>")
        return f"<{tag}{cls}>" + "\n".join(items) + f"</{tag}>"
    if isinstance(b, D.Table):
        num = b.numeric

        def cell(tag: str, i: int, content: str) -> str:
            return (
                f'<{tag} class="num">{content}</{tag}>' if i in num else f"<{tag}>{content}</{tag}>"
            )

        head = "".join(cell("th", i, esc(x)) for i, x in enumerate(b.head))
        rows = "\n".join(
            "<tr>" + "".join(cell("td", i, inline(c.parts)) for i, c in enumerate(row)) + "</tr>"
            for row in b.rows
        )
        return f"<table><tr>{head}</tr>\n{rows}</table>"
    if isinstance(b, D.Figure):
        svg = path_svg(r) if b.kind == "paths" else bar_chart(r.contracts)
        return f'<div class="figure">{svg}</div>' if svg else ""
    if isinstance(b, D.Sources):
        return _sources(b.footnotes)
    raise TypeError(f"unknown block {type(b).__name__}")


def _sources(footnotes: list[M.Footnote]) -> str:
    out = ['<ol class="sources">']
    for f in footnotes:
        meta = ", ".join(esc(x) for x in (f.publisher, f.published, f.evidence_type) if x)
        href = D.href(f.url)
        link = (
            f'<a href="{esc(href)}" rel="noopener noreferrer">{esc(f.url)}</a>'
            if href
            else esc(f.url)
        )
        flag = (
            " <span class='muted'>(URL constructed from a pattern)</span>" if f.constructed else ""
        )
        out.append(
            f'<li id="fn-{f.number}" value="{f.number}"><b>{esc(f.title)}</b>'
            f"{'. ' + meta if meta else ''}. {link}{flag}</li>"
        )
    out.append("</ol>")
    return "\n".join(out)


# -- drawings --------------------------------------------------------------------------------

_CHAR_W = 7.0


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def path_svg(r: M.Report, max_rows: int = 8) -> str:
    """The strongest path to each counterpart: one row per path, each hop labelled with its
    relationship, status and footnote numbers (the same numbers as the Sources list)."""
    rows = []
    for e in r.exposure[:max_rows]:
        if not e.paths:
            continue
        p = e.paths[0]
        names = [_short(p.hops[0].source.name, 40), *(_short(h.target.name, 40) for h in p.hops)]
        labels = []
        for h in p.hops:
            types = ", ".join(sorted({c.type_label for c in h.claims}))
            ns = sorted({n for c in h.claims for n in c.notes})
            shown = " ".join(f"[{n}]" for n in ns[:6]) + (" …" if len(ns) > 6 else "")
            labels.append((types, f"{h.status} {shown}".strip()))
        rows.append((names, labels))
    pad, box_h, row_h = 16, 36, 78
    parts, width, y = [], 0.0, 20.0
    for names, labels in rows:
        x = float(pad)
        for i, name in enumerate(names):
            wbox = max(90.0, len(name) * _CHAR_W + 20)
            parts.append(
                f'<rect x="{x:.0f}" y="{y:.0f}" width="{wbox:.0f}" height="{box_h}" rx="7" '
                f'fill="#eef4fb" stroke="#0072B2"/><text x="{x + wbox / 2:.0f}" y="{y + 23:.0f}" '
                f'text-anchor="middle">{esc(name)}</text>'
            )
            x += wbox
            if i < len(labels):
                types, note = labels[i]
                gap = max(120.0, max(len(types), len(note)) * _CHAR_W * 0.85 + 30)
                mid = x + gap / 2
                parts.append(
                    f'<line x1="{x + 3:.0f}" y1="{y + 18:.0f}" x2="{x + gap - 5:.0f}" '
                    f'y2="{y + 18:.0f}" stroke="#555" stroke-width="1.5" '
                    'marker-end="url(#gk-arrow)"/>'
                    f'<text x="{mid:.0f}" y="{y + 11:.0f}" text-anchor="middle" font-size="11" '
                    f'font-weight="bold">{esc(types)}</text><text x="{mid:.0f}" y="{y + 33:.0f}" '
                    f'text-anchor="middle" font-size="10" fill="#555">{esc(note)}</text>'
                )
                x += gap
        width = max(width, x + pad)
        y += row_h
    height = y - row_h + box_h + 20 if rows else 40
    width = math.ceil(max(width, 300))
    title = f"Strongest path to each of the first {len(rows)} counterparts"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height:.0f}" viewBox="0 0 {width} {height:.0f}" '
        'font-family="DejaVu Sans, Arial, sans-serif" font-size="12">'
        f'<title>{esc(title)}</title><defs><marker id="gk-arrow" viewBox="0 0 10 10" '
        'refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>' + "".join(parts) + "</svg>"
    )


def bar_chart(c: M.Contracts, max_width: int = 900) -> str:
    """Money by fiscal year (the chart measure) as an SVG bar chart; '' when no year is known.

    Every year between the first and the last is drawn, a year without contracts as an empty
    slot, so that the axis is a time line; the bars narrow to fit ``max_width``. The title says
    how many contracts the chart leaves out (no year or no amount recorded)."""
    key = c.chart_measure
    if not key:
        return ""
    got = {row.fiscal_year: getattr(row.totals, key) for row in c.by_year}
    years = [fy for fy in got if fy is not None]
    if not years:
        return ""
    data = [(fy, got.get(fy)) for fy in range(min(years), max(years) + 1)]
    drawn = sum(1 for k in c.items if k.fiscal_year is not None and getattr(k, key) is not None)
    cur = c.totals.currencies
    peak = max(v or 0.0 for _, v in data) or 1.0
    chart_h, left, bottom = 180, 20, 34
    slot = max(16.0, min(60.0, (max_width - 2 * left) / len(data)))
    bar_w, narrow = slot * 0.76, slot < 40
    top = 92 if narrow else 58  # room for the title, the note and the tallest bar's label
    note = (
        f"{T.n(drawn, 'contract')} of {c.totals.contracts:,} record both a fiscal year and "
        f"this amount; the others are not drawn."
    )
    # wide enough for the note (about 6.3 px per character at 11 px), so it is never cut off
    width = math.ceil(max(left * 2 + len(data) * slot, 320, left * 2 + len(note) * 6.3))
    parts = []
    for i, (fy, v) in enumerate(data):
        x = left + i * slot
        mid = x + bar_w / 2
        h = 0 if not v or v <= 0 else max(2.0, v / peak * chart_h)
        y = top + chart_h - h
        label = "none" if v is None else ("$" if cur == ["USD"] else "") + _compact(v)
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="#0072B2">'
            f"<title>FY{fy}: {esc(T.money(v, cur) if v is not None else 'no contract')}</title>"
            "</rect>"
        )
        if narrow:  # amounts and years written upwards
            parts.append(
                f'<text transform="translate({mid + 3:.1f},{y - 4:.1f}) rotate(-90)" '
                f'font-size="9">{esc(label)}</text>'
                f'<text transform="translate({mid + 3:.1f},{top + chart_h + 30}) rotate(-90)" '
                f'font-size="9">{fy}</text>'
            )
        else:
            parts.append(
                f'<text x="{mid:.1f}" y="{y - 5:.1f}" text-anchor="middle" font-size="10">'
                f"{esc(label)}</text>"
                f'<text x="{mid:.1f}" y="{top + chart_h + 16}" text-anchor="middle" '
                f'font-size="11">FY{fy}</text>'
            )
    title = f"{T.MEASURES[key].capitalize()} by fiscal year"
    height = top + chart_h + bottom
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" '
        'font-family="DejaVu Sans, Arial, sans-serif" font-size="12">'
        f"<title>{esc(title)}. {esc(note)}</title>"
        f'<text x="{left}" y="16" font-weight="bold">{esc(title)}</text>'
        f'<text x="{left}" y="32" font-size="11" fill="#555">{esc(note)}</text>'
        f'<line x1="{left}" y1="{top + chart_h}" x2="{width - left}" y2="{top + chart_h}" '
        'stroke="#888"/>' + "".join(parts) + "</svg>"
    )


def _compact(v: float) -> str:
    for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= div:
            return f"{v / div:.1f}{suffix}"
    return f"{v:.0f}"
