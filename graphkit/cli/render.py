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
    """``1 hop``, ``2 hops``."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


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


def source_line(e: dict) -> str:
    """``title — publisher, date`` (a supplied title keeps its brackets)."""
    pub = ", ".join(cell(x) for x in (e.get("publisher"), e.get("published")) if x)
    title = cell(e.get("title")) or e.get("id", "")
    return f"{title} — {pub}" if pub else title


def claim_block(name, c: dict, *, indent: int = 2, w: int | None = None) -> list[str]:
    """The lines of one claim: head, summary, contracts, sources with URLs on their own line."""
    w = w or width()
    pad = " " * indent
    arrow = f"-[{c['type']}]->"  # source and target are the claim's own subject and object
    meta = ", ".join(x for x in (c.get("status"), dates(c)) if x)
    if c.get("undated"):
        meta += (", " if meta else "") + "dates unknown"
    head = f"{name(c['source'])} {arrow} {name(c['target'])}" + (f" ({meta})" if meta else "")
    lines = [pad + x for x in wrap(head, len(pad), w, hang=4)]
    inner = pad + "  "
    if c.get("summary"):
        lines += [inner + x for x in wrap(str(c["summary"]), len(inner), w)]
    for k in c.get("contract_records", []):
        lines += [inner + x for x in wrap("contract " + contract_line(k), len(inner), w)]
    for e in c.get("evidence_records", []):
        constructed = (
            " (URL constructed from a pattern, not read)" if e.get("url_constructed") else ""
        )
        lines += [inner + x for x in wrap(f"• {source_line(e)}{constructed}", len(inner), w, 2)]
        if e.get("url"):
            lines.append(f"{inner}  {e['url']}")
    lines.append(f"{inner}claim {c['claim']}")
    return lines


def echo(lines: list[str]) -> None:
    """Print plain lines (no markup, no wrapping of our own lines)."""
    import sys

    out = sys.stdout
    for line in lines:
        out.write(line + "\n")
