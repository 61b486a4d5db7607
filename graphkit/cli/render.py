"""Terminal text that reads like a citation: one block per claim, one line per source.

A claim block is ``A -[TYPE]-> B (status, dates)``, the summary wrapped to the terminal, the
contracts, then each source as ``title — publisher, date`` with its URL alone on the next line,
never wrapped (so it can be clicked or copied). Data is printed as plain text, never as markup.
"""

from __future__ import annotations

import shutil
import textwrap

from graphkit.output import cell


def width() -> int:
    """The terminal width (``COLUMNS`` wins), at least 60."""
    return max(60, shutil.get_terminal_size((100, 24)).columns)


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 hop``, ``2 hops``, ``1,302 entities``."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def dates(c: dict) -> str:
    start, end = cell(c.get("start")), cell(c.get("end"))
    if start and end:
        return f"{start} – {end}"
    if start:
        return f"since {start}"
    if end:
        return f"until {end}"
    return ""


def wrap(text: str, indent: int, w: int, hang: int = 0) -> list[str]:
    """``text`` wrapped to ``w`` columns after ``indent``; continuation lines indented by
    ``hang`` more. Words are never broken (a URL stays whole)."""
    return textwrap.wrap(
        text,
        width=max(30, w - indent),
        initial_indent="",
        subsequent_indent=" " * hang,
        break_on_hyphens=False,
        break_long_words=False,
    )


def contract_line(k: dict) -> str:
    """``PIID (awarding office; obligated 1,000 USD): description`` for one contract record."""
    amounts = [
        f"{label} {k[key]:,.2f} {k.get('currency', '')}".strip()
        for key, label in (
            ("obligated", "obligated"),
            ("current_value", "current value"),
            ("potential_value", "potential value"),
        )
        if isinstance(k.get(key), int | float)
    ]
    meta = "; ".join(x for x in (k.get("awarding_office"), *amounts) if x)
    desc = k.get("description")
    head = str(k.get("piid", k["id"])) + (f" ({meta})" if meta else "")
    return head + (f": {desc}" if desc else "")


def figures_by_source(ent: dict) -> list[str]:
    """A contract's figures side by side, one row per source: its own (the source that declared
    it), then each evidence its ``gk:ContractRecord`` figures come from (the ``record_K`` lists of
    its node; several values when several records share an evidence), then the figure counted
    by the query library's rule (:func:`graphkit.sources.figures_of`). Empty without records."""
    from graphkit.model import record_key, schema
    from graphkit.sources import figures_of

    keys = [k for k in sorted(schema().record_figures.values())]
    by_source: dict[str, dict[str, list]] = {}
    for k in keys:
        values_key, evidence_key = record_key(k)
        for v, e in zip(ent.get(values_key) or (), ent.get(evidence_key) or ()):
            by_source.setdefault(e, {}).setdefault(k, []).append(v)
    if not by_source:
        return []
    rows = [["own (its evidence above)", *(cell(ent.get(k)) for k in keys)]]
    for e, got in by_source.items():
        rows.append([e, *("; ".join(cell(v) for v in got.get(k, ())) for k in keys)])
    f = figures_of(ent.get("id", ""), ent)
    counted = {k: getattr(f, k, None) for k in keys}
    counted["currency"] = min(
        [x for x in [ent.get("currency"), *(ent.get(record_key("currency")[0]) or ())] if x],
        default=None,
    )
    rows.append(["counted (largest amount, earliest date)", *(cell(counted[k]) for k in keys)])
    head = ["source", *keys]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    line = lambda r: "  " + "  ".join(x.ljust(n) for x, n in zip(r, widths)).rstrip()  # noqa: E731
    table = [line(head), *(line(r) for r in rows)]
    width = shutil.get_terminal_size().columns
    if max(len(x) for x in table) <= width:
        return ["Figures by source:", *table]
    # too wide for the terminal: one block per source, its figures wrapped under it
    out = ["Figures by source:"]
    for r in rows:
        out.append(f"  {r[0]}")
        line_ = "   "
        for pair in [f"{k} {v}" for k, v in zip(keys, r[1:]) if v] or ["(none)"]:
            if len(line_) > 3 and len(line_) + len(pair) + 2 > width:  # a pair is never split
                out.append(line_)  # (the comma says the list goes on)
                line_ = "   "
            line_ += f" {pair},"
        out.append(line_.rstrip(","))
    return out


def source_line(e: dict) -> str:
    """``title — publisher, date`` (a supplied title keeps its brackets)."""
    pub = ", ".join(cell(x) for x in (e.get("publisher"), e.get("published")) if x)
    title = cell(e.get("title")) or e.get("id", "")
    return f"{title} — {pub}" if pub else title


def dataset_line(e: dict) -> str:
    """``source dataset: title — licence terms`` for evidence a bundled source declares, else
    empty (curated evidence names its own publisher)."""
    from graphkit.sources import describe, evidence_sources

    infos = [describe(s) for s in evidence_sources().get(str(e.get("id", "")), ())]
    parts = [f"{i.title} — {i.terms}" if i.terms else i.title for i in infos if i]
    return ("source dataset: " + "; ".join(parts)) if parts else ""


def relation(a: str, type_: str, b: str, meta: str = "") -> str:
    """``A -[TYPE]-> B (meta)``: how every claim or link reads (show, path, timeline)."""
    return f"{a} -[{type_}]-> {b}" + (f" ({meta})" if meta else "")


def claim_meta(c: dict) -> str:
    """``status, dates`` of a claim (``dates unknown`` when it has none and that matters)."""
    meta = ", ".join(x for x in (cell(c.get("status")), dates(c)) if x)
    if c.get("undated"):
        meta += (", " if meta else "") + "dates unknown"
    return meta


def claim_line(name, c: dict) -> str:
    """One claim as a line; ``name`` maps a node id to its name. Source and target are the
    claim's own subject and object."""
    return relation(name(c["source"]), c["type"], name(c["target"]), claim_meta(c))


def claim_block(name, c: dict, *, indent: int = 2, w: int | None = None) -> list[str]:
    """The lines of one claim: head, summary, contracts, sources with URLs on their own line."""
    w = w or width()
    pad = " " * indent
    lines = [pad + x for x in wrap(claim_line(name, c), len(pad), w, hang=4)]
    inner = pad + "  "
    if c.get("summary"):
        lines += [inner + x for x in wrap(str(c["summary"]), len(inner), w)]
    for k in c.get("contract_records", []):
        lines += [inner + x for x in wrap("contract " + contract_line(k), len(inner), w)]
    previous = ""
    for e in c.get("evidence_records", []):
        constructed = (
            " (URL constructed from a pattern, not read)" if e.get("url_constructed") else ""
        )
        lines += [inner + x for x in wrap(f"• {source_line(e)}{constructed}", len(inner), w, 2)]
        if e.get("url"):
            lines.append(f"{inner}  {e['url']}")
        dataset = dataset_line(e)
        if dataset and dataset != previous:  # said once for a run of records from one dataset
            lines += [inner + "  " + x for x in wrap(dataset, len(inner) + 2, w, 2)]
        previous = dataset
    lines.append(f"{inner}claim {c['claim']}")
    return lines


def claim_blocks(name, claims: list[dict], *, indent: int = 2, w: int | None = None) -> list[str]:
    """:func:`claim_block` of each claim, a blank line between them."""
    out: list[str] = []
    for i, c in enumerate(claims):
        out += ([""] if i else []) + claim_block(name, c, indent=indent, w=w)
    return out


def paragraph(text: str, w: int | None = None, indent: int = 0, hang: int = 2) -> list[str]:
    """``text`` wrapped to the terminal, continuation lines indented by ``hang``."""
    pad = " " * indent
    return [pad + x for x in wrap(text, indent, w or width(), hang=hang)]


def timeline_lines(rows: list[dict], w: int | None = None) -> list[str]:
    """``DATE  event: A -[TYPE]-> B (status)``, then the source (title — publisher) and its URL
    under it."""
    w = w or width()
    out = []
    for r in rows:
        head = f"{r['event']}: " + relation(r["from"], r["type"], r["to"], cell(r.get("status")))
        body = wrap(head, 12, w)
        out.append(f"{cell(r['date']) or 'undated':<10}  {body[0]}")
        out += [" " * 12 + x for x in body[1:]]
        if r.get("detail"):
            out += [" " * 14 + x for x in wrap(r["detail"], 14, w)]
        if r.get("url"):
            out.append(" " * 14 + r["url"])  # whole, on its own line
    return out


def neighbor_lines(rows: list[dict], w: int | None = None) -> list[str]:
    """``via NAME [labels]  id`` per neighbour (``via`` is the relationship that reached it,
    e.g. ``<-[HOSTS]-``), under a heading per distance when there are several."""
    w = w or width()
    out: list[str] = []
    distances = sorted({r["distance"] for r in rows})
    for d in distances:
        near = [r for r in rows if r["distance"] == d]
        if len(distances) > 1:
            out.append(f"{plural(d, 'hop')} away ({len(near):,}):")
        for r in near:
            via = f"{r['via']} " if r.get("via") else ""
            line = f"{via}{r['name']} [{cell(r.get('labels'))}]  {r['id']}"
            out += ["  " + x for x in wrap(line, 2, w, hang=4)]
    return out


def echo(lines: list[str]) -> None:
    """Print plain lines (no markup, no wrapping of our own lines)."""
    import sys

    out = sys.stdout
    for line in lines:
        out.write(line + "\n")
