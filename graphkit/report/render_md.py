"""The report as GitHub-flavoured Markdown, with footnotes as ``[^n]``: a walk over
:func:`graphkit.report.doc.document`.

Text from the data is escaped so that it cannot open a link, an HTML tag or a table cell.
"""

from __future__ import annotations

import functools
import re

from graphkit.report import doc as D
from graphkit.report import model as M
from graphkit.report import text as T

_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_WS = re.compile(r"\s+")


def esc(s) -> str:
    """Markdown-inert text: specials backslash-escaped, ``<`` and ``>`` as entities (no HTML
    tag can open), line breaks flattened."""
    text = _SPECIAL.sub(r"\\\1", " ".join(str(s).split()))
    return text.replace("<", "&lt;").replace(">", "&gt;")


@functools.lru_cache(maxsize=1 << 16)  # names and labels repeat
def _esc_run(s: str) -> str:
    """Like :func:`esc` for a run inside a line: white space is flattened, not trimmed."""
    text = _SPECIAL.sub(r"\\\1", _WS.sub(" ", s))
    return text.replace("<", "&lt;").replace(">", "&gt;")


@functools.lru_cache(maxsize=1 << 16)  # a claim's notes recur on every path
def _notes(ns: tuple[int, ...]) -> str:
    return notes(ns)


def notes(ns) -> str:
    shown = ns[: T.MAX_NOTES]
    more = len(ns) - len(shown)
    return "".join(f"[^{n}]" for n in shown) + (f" (+{more} more)" if more else "")


def _url(u: str) -> str:
    """A bare URL GitHub autolinks, or escaped text for anything that is not http(s)."""
    u = str(u).strip()
    if re.match(r"^https?://\S+$", u, re.I):
        return "<" + u.replace("<", "%3C").replace(">", "%3E") + ">"
    return esc(u)


_STYLE = {"b": "**{}**", "i": "*{}*", "code": "`{}`"}


def inline(parts) -> str:
    out = []
    for p in parts:
        if type(p) is D.Cite:
            out.append(_notes(p.notes))
        elif not p.style and not p.href:
            out.append(_esc_run(p.text))
        elif p.style == "code":
            out.append(f"`{p.text.replace('`', '')}`")
        elif p.href and p.href.startswith("#"):
            out.append(f"[{_esc_run(p.text)}]({p.href})")
        elif p.href:
            label = _esc_run(p.text)
            out.append(f"[{label}]({_url(p.href)})" if D.href(p.href) else label)
        else:
            text = _esc_run(p.text)
            out.append(_STYLE[p.style].format(text) if p.style in _STYLE and text else text)
    return "".join(out)


def render(r: M.Report, document: D.Document | None = None) -> str:
    """The Markdown; ``document`` is ``D.document(r)`` when the caller has already built it."""
    with M.paused_gc():
        return _render(r, document if document is not None else D.document(r))


def _render(r: M.Report, d: D.Document) -> str:
    out: list[str] = [f"# {esc(d.title)}", ""]
    for s in d.sections:
        if s.title:
            out += [f"## {esc(s.title)}", ""]
        for b in s.blocks:
            _block(b, out)
    return "\n".join(out)


def _block(b, out: list[str]) -> None:
    w = out.append
    if isinstance(b, D.Meta):
        out.extend(f"- **{k}:** {inline(v.parts)}" for k, v in b.rows)
        w("")
    elif isinstance(b, D.Para):
        text = inline(b.line.parts)
        w(f"> {text}" if b.css == "empty" else text)
        w("")
    elif isinstance(b, D.Heading):
        w(f"{'#' * b.level} {esc(b.text)}")
        w("")
    elif isinstance(b, D.Bullets):
        for i, item in enumerate(b.items, 1):
            w(f"{f'{i}.' if b.ordered else '-'} {inline(item.parts)}")
            out.extend(f"   - {inline(k.parts)}" for k in item.children)
        w("")
    elif isinstance(b, D.Table):
        w("| " + " | ".join(esc(h) for h in b.head) + " |")
        w("|" + "|".join("--:" if i in b.numeric else "---" for i in range(len(b.head))) + "|")
        out.extend("| " + " | ".join(inline(c.parts) for c in row) + " |" for row in b.rows)
        w("")
    elif isinstance(b, D.Sources):
        for f in b.footnotes:
            meta = ", ".join(esc(x) for x in (f.publisher, f.published, f.evidence_type) if x)
            flag = " (URL constructed from a pattern)" if f.constructed else ""
            w(
                f"[^{f.number}]: **{esc(f.title)}**{'. ' + meta if meta else ''}. "
                f"{_url(f.url)}{flag}"
            )
        w("")
    # Figure: drawings are for HTML and PDF only
