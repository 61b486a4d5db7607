"""The report as one self-contained, offline HTML page.

No script at all: a Content-Security-Policy (as strict as ``graphkit viz``'s) forbids every
request, styles are inline, the path drawing and the money chart are inline SVG, and every string
from the data is escaped. Footnote references are plain ``#fn-N`` anchors; a print stylesheet
lays the page out for paper (and for :mod:`graphkit.report.pdf`).
"""

from __future__ import annotations

import html
import math

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
nav.toc { font-size: .9rem; margin: 1rem 0; }
nav.toc a { margin-right: .9rem; white-space: nowrap; }
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
.flag { border-left: 4px solid var(--warn); padding: .2rem .8rem; margin: .6rem 0;
        background: #fffaf4; }
.path { margin: .25rem 0 .5rem 0; }
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
  table, .flag, .path, figure, .figure { break-inside: avoid; }
  a { color: inherit; }
  ol.sources a::after { content: ""; }
  @page { margin: 16mm 14mm; }
}
"""


def esc(s) -> str:
    return html.escape(str(s), quote=True)


def _href(url: str) -> str | None:
    u = str(url).strip()
    return u if u.lower().startswith(("http://", "https://")) else None


def notes(ns: list[int]) -> str:
    if not ns:
        return ""
    shown = ns[: T.MAX_NOTES]
    more = len(ns) - len(shown)
    links = "".join(f'<a href="#fn-{n}">[{n}]</a>' for n in shown)
    return f'<sup class="fn">{links}{f" +{more} more" if more else ""}</sup>'


def status(s: str, uncertain: set[str]) -> str:
    cls = "status uncertain" if s in uncertain else "status"
    return f'<span class="{cls}">{esc(s)}</span>'


def render(r: M.Report) -> str:
    from graphkit.model import ontology

    unc = {s.notation for s in ontology().statuses.values() if s.uncertain}
    h = r.header
    out: list[str] = []
    w = out.append
    w(f"<h1>{esc(r.title)}</h1>")
    w(_header(r))
    if r.empty:
        w(
            f'<p class="empty">No relationship of {esc(h.entity.name)} is recorded in the input '
            f"data within this scope ({esc(T.scope(h))}), so there is nothing to report.</p>"
        )
    w('<nav class="toc">' + "".join(f'<a href="#{i}">{t}</a>' for i, t in T.SECTIONS) + "</nav>")
    w(_summary(r))
    w(_flags(r))
    w(_exposure(r, unc))
    w(_contracts(r))
    w(_scrutiny(r, unc))
    w(_statements(r, unc))
    w(_quality(r, unc))
    w('<section id="limits"><h2>What this report cannot tell you</h2><ul>')
    out.extend(f"<li>{esc(x)}</li>" for x in r.limits)
    w("</ul></section>")
    w(_sources(r))
    body = "\n".join(out)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{esc(r.title)}</title><style>{CSS}</style></head>\n<body>\n{body}\n"
        f'<p class="meta">Generated by graphkit on {esc(h.generated)} · input fingerprint '
        f"{esc(h.fingerprint[:16])}…</p>\n</body></html>\n"
    )


def _header(r: M.Report) -> str:
    h = r.header
    rows = [("Entity", f"{esc(h.entity.name)} <span class='muted'>({esc(h.entity.id)})</span>")]
    if h.aliases:
        rows.append(("Also known as", esc("; ".join(h.aliases))))
    if h.identifiers:
        rows.append(("Identifiers", esc(", ".join(f"{k}: {v}" for k, v in h.identifiers.items()))))
    if h.sectors:
        rows.append(("Sectors", esc(", ".join(h.sectors))))
    fam = []
    for m in h.family:
        if m.relation == "self":
            continue
        via = f" via {', '.join(v.name for v in m.via[:-1])}" if len(m.via) > 1 else ""
        fam.append(f"{esc(m.entity.name)} ({esc(m.relation)}{esc(via)}){notes(m.notes)}")
    if fam:
        rows.append(("Family (OWNS)", "; ".join(fam)))
    if h.part_of:
        rows.append(("Part of", esc(", ".join(p.name for p in h.part_of))))
    rows.append(("Scope", esc(T.scope(h))))
    rows.append(("Generated", esc(h.generated)))
    rows.append(("Input fingerprint", f"sha256 {esc(h.fingerprint)}"))
    rows.append(("Input files", esc(", ".join(f["name"] for f in h.files))))
    return '<dl class="meta">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>"


def _summary(r: M.Report) -> str:
    s = r.summary
    out = ['<section id="summary"><h2>Summary</h2>']
    word = T.counterpart_word(r)
    total = s.direct + s.indirect
    out.append(
        f"<p>{total} {esc(word)} reached: {s.direct} directly (no other organisation in between), "
        f"{s.indirect} only through others.</p>"
    )
    for gr in s.agencies:
        out.append(f"<h3>{esc(gr.label.capitalize())}</h3><ul>")
        out.extend(f"<li>{esc(it.text)}{notes(it.notes)}</li>" for it in gr.items)
        out.append("</ul>")
    if s.technologies:
        title = "Products and technologies used" if r.header.kind == "agency" else "Technologies"
        out.append(f"<h3>{title}, by category</h3><ul>")
        for gr in s.technologies:
            items = ", ".join(f"{esc(it.text)}{notes(it.notes)}" for it in gr.items)
            out.append(f"<li><b>{esc(gr.label)}</b>: {items}</li>")
        out.append("</ul>")
    t = r.contracts.totals
    out.append(
        f"<p><b>Contracts.</b> {esc(T.totals_sentence(t))}{notes(t.notes)} "
        f'<a href="#contracts">Details</a>.</p>'
    )
    stat = ", ".join(f"{g.count} {esc(g.label)}" for g in s.claims_by_status)
    out.append(
        "<p><b>Claims and sources.</b> The report rests on "
        f"{T.n(s.claims, 'claim')} ({stat or 'none'}) "
        f"citing {T.n(s.sources, 'distinct source')}, listed under "
        '<a href="#sources">Sources</a>.</p>'
    )
    out.append("</section>")
    return "\n".join(out)


def _flags(r: M.Report) -> str:
    out = ['<section id="flags"><h2>Risk flags</h2>']
    if not r.flags:
        out.append(
            "<p>No risk flag of the taxonomy is raised by the agencies or technologies reached.</p>"
        )
    for f in r.flags:
        reasons = "; ".join(f"{esc(i.text)}{notes(i.notes)}" for i in f.reasons)
        out.append(
            f'<div class="flag"><b>{esc(f.label)}</b> — {esc(f.definition)}<br>'
            f"<span class='muted'>Raised by:</span> {reasons}</div>"
        )
    out.append("</section>")
    return "\n".join(out)


def _exposure(r: M.Report, unc: set[str]) -> str:
    out = ['<section id="exposure"><h2>Exposure</h2>', f"<p>{esc(T.exposure_intro(r))}</p>"]
    if not r.exposure:
        out.append(f"<p>No {esc(T.counterpart_word(r))} reached within this scope.</p>")
        out.append("</section>")
        return "\n".join(out)
    out.append(f'<div class="figure">{path_svg(r)}</div>')
    for e in r.exposure:
        how = "directly" if e.direct else "through " + ", ".join(t.name for t in e.through)
        out.append(
            f"<h3>{esc(e.entity.name)} <span class='muted'>· {esc(e.group_label)}</span></h3>"
            f"<p>Reached {esc(how)}; strongest path {status(e.strength, unc)}, "
            f"{T.n(e.distance, 'hop')}.{notes(e.notes)}</p>"
        )
        for i, p in enumerate(e.paths, 1):
            chain = " → ".join([esc(p.hops[0].source.name), *(esc(h.target.name) for h in p.hops)])
            out.append(
                f'<div class="path"><b>Path {i}</b> · {status(p.strength, unc)} · {chain}</div>'
                '<ul class="hops">'
            )
            for h in p.hops:
                for c in h.claims:
                    out.append(f"<li>{_claim(h.source.name, h.target.name, c, unc)}</li>")
                if h.more:
                    out.append(f"<li class='muted'>{T.n(h.more, 'more claim')} for this step.</li>")
            out.append("</ul>")
    out.append("</section>")
    return "\n".join(out)


def _claim(source: str, target: str, c: M.Claim, unc: set[str]) -> str:
    """One claim as a sentence: who does what to whom, status, dates, summary, sources."""
    when = f", {esc(T.dates(c.start, c.end))}" if c.start or c.end else ""
    extra = f" Under contract {esc(', '.join(c.contracts))}." if c.contracts else ""
    summ = f" {esc(c.summary)}" if c.summary else ""
    return (
        f"<b>{esc(source)}</b> <i>{esc(c.type_label)}</i> <b>{esc(target)}</b> "
        f"({status(c.status, unc)}{when}).{summ}{extra}{notes(c.notes)}"
    )


def _contracts(r: M.Report) -> str:
    c = r.contracts
    out = ['<section id="contracts"><h2>Contracts</h2>']
    if not c.items:
        out.append("<p>No contract awards are recorded within this scope.</p></section>")
        return "\n".join(out)
    out.append(f"<p>{esc(T.totals_sentence(c.totals))}{notes(c.totals.notes)}</p>")
    chart = bar_chart(c)
    if chart:
        out.append(f'<div class="figure">{chart}</div>')
    party = "Vendor" if r.header.kind == "agency" else "Agency"
    out.append(
        f"<h3>By {party.lower()} and fiscal year</h3><table><tr><th>{party}</th><th>Year</th>"
        '<th class="num">Contracts</th><th class="num">Obligated</th>'
        '<th class="num">Current value</th><th class="num">Potential value</th>'
        "<th>Sources</th></tr>"
    )
    for row in c.rows:
        t = row.totals
        out.append(
            f"<tr><td>{esc(row.party.name if row.party else 'not recorded')}</td>"
            f"<td>{esc(T.year(row.fiscal_year))}</td><td class='num'>{t.contracts}</td>"
            + "".join(
                f"<td class='num'>{esc(T.money(getattr(t, k), t.currencies) if n else '—')}</td>"
                for k, n in (
                    ("obligated", t.with_obligated),
                    ("current_value", t.with_current_value),
                    ("potential_value", t.with_potential_value),
                )
            )
            + f"<td>{notes(t.notes)}</td></tr>"
        )
    out.append(
        "</table><h3>Awards</h3><table><tr><th>PIID</th><th>Description</th>"
        f"<th>{'Recipient' if r.header.kind == 'agency' else 'Agency · recipient'}</th>"
        "<th>Year</th><th class='num'>Amounts</th><th>Award records</th></tr>"
    )
    for k in c.items:
        who = (
            (k.recipient.name if k.recipient else "not recorded")
            if r.header.kind == "agency"
            else f"{k.agency.name if k.agency else 'not recorded'} · "
            f"{k.recipient.name if k.recipient else 'not recorded'}"
        )
        if k.recipient_parent and k.recipient and k.recipient_parent.id != k.recipient.id:
            who += f" (parent {k.recipient_parent.name})"
        cur = [k.currency] if k.currency else []
        amounts = (
            "<br>".join(
                f"{T.MEASURES[key]}: {esc(T.money(getattr(k, key), cur))}"
                for key in ("obligated", "current_value", "potential_value")
                if getattr(k, key) is not None
            )
            or "not recorded"
        )
        links = " ".join(
            f'<a href="{esc(u)}" rel="noopener noreferrer">award record</a>'
            for u in k.award_links
            if _href(u)
        )
        out.append(
            f"<tr><td>{esc(k.piid)}</td><td>{esc(k.description or '')}</td><td>{esc(who)}</td>"
            f"<td>{esc(T.year(k.fiscal_year))}</td><td class='num'>{amounts}</td>"
            f"<td>{links}{notes(k.notes)}</td></tr>"
        )
    out.append("</table></section>")
    return "\n".join(out)


def _scrutiny(r: M.Report, unc: set[str]) -> str:
    out = ['<section id="scrutiny"><h2>Scrutiny</h2>']
    if not r.scrutiny:
        out.append("<p>No criticism, investigation or shareholder action is recorded.</p>")
    else:
        out.append("<ul>")
        for s in r.scrutiny:
            about = "" if s.about == "family" else " <span class='muted'>(intermediary)</span>"
            out.append(f"<li>{_claim(s.actor.name, s.target.name, s.claim, unc)}{about}</li>")
        out.append("</ul>")
    out.append("</section>")
    return "\n".join(out)


def _statements(r: M.Report, unc: set[str]) -> str:
    out = ['<section id="statements"><h2>Statements</h2>']
    if not r.statements:
        out.append("<p>No sourced statement about them is recorded.</p>")
    else:
        out.append("<ul>")
        for s in r.statements:
            summ = f" {esc(s.summary)}" if s.summary else ""
            out.append(
                f"<li><b>{esc(T.statement_text(s))}</b> ({status(s.status, unc)}).{summ}"
                f"{notes(s.notes)}</li>"
            )
        out.append("</ul>")
    out.append("</section>")
    return "\n".join(out)


def _quality(r: M.Report, unc: set[str]) -> str:
    out = ['<section id="quality"><h2>Evidence quality</h2>']
    for key, title in T.QUALITY:
        entries = getattr(r.quality, key)
        out.append(f"<h3>{esc(title)}: {len(entries)}</h3>")
        if entries:
            out.append("<ul>")
            for q in entries:
                st = f" — {status(q.status, unc)}" if q.status else ""
                out.append(f"<li>{esc(q.text)}{st}{notes(q.notes)}</li>")
            out.append("</ul>")
    out.append("</section>")
    return "\n".join(out)


def _sources(r: M.Report) -> str:
    out = ['<section id="sources"><h2>Sources</h2><ol class="sources">']
    for f in r.footnotes:
        meta = ", ".join(esc(x) for x in (f.publisher, f.published, f.evidence_type) if x)
        href = _href(f.url)
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
    out.append("</ol></section>")
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


def bar_chart(c: M.Contracts) -> str:
    """Money by fiscal year (the chart measure) as an SVG bar chart; '' when no year is known."""
    key = c.chart_measure
    if not key:
        return ""
    data = [(row.fiscal_year, getattr(row.totals, key)) for row in c.by_year]
    data = [(fy, v) for fy, v in data if fy is not None]
    if not data:
        return ""
    cur = c.totals.currencies
    peak = max(v for _, v in data) or 1.0
    bar_w, gap, chart_h, left, bottom = 46, 14, 180, 20, 40
    top = 44  # room for the title and the tallest bar's label
    width = left * 2 + len(data) * (bar_w + gap)
    parts = []
    for i, (fy, v) in enumerate(data):
        h = 0 if v <= 0 else max(2.0, v / peak * chart_h)
        x = left + i * (bar_w + gap)
        y = top + chart_h - h
        label = ("$" if cur == ["USD"] else "") + _compact(v)
        parts.append(
            f'<rect x="{x}" y="{y:.1f}" width="{bar_w}" height="{h:.1f}" fill="#0072B2">'
            f"<title>FY{fy}: {esc(T.money(v, cur))}</title></rect>"
            f'<text x="{x + bar_w / 2}" y="{y - 5:.1f}" text-anchor="middle" font-size="10">'
            f"{esc(label)}</text>"
            f'<text x="{x + bar_w / 2}" y="{top + chart_h + 16}" text-anchor="middle" '
            f'font-size="11">FY{fy}</text>'
        )
    title = f"Contract {T.MEASURES[key]} by fiscal year"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{max(width, 320)}" '
        f'height="{top + chart_h + bottom}" font-family="DejaVu Sans, Arial, sans-serif" '
        f'font-size="12"><title>{esc(title)}</title>'
        f'<text x="{left}" y="16" font-weight="bold">{esc(title)}</text>'
        f'<line x1="{left}" y1="{top + chart_h}" x2="{width - left}" y2="{top + chart_h}" '
        'stroke="#888"/>' + "".join(parts) + "</svg>"
    )


def _compact(v: float) -> str:
    for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= div:
            return f"{v / div:.1f}{suffix}"
    return f"{v:.0f}"
