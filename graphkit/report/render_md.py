"""The report as GitHub-flavoured Markdown, with footnotes as ``[^n]``.

Text from the data is escaped so that it cannot open a link, an HTML tag or a table cell.
"""

from __future__ import annotations

import re

from graphkit.report import model as M
from graphkit.report import text as T

_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def esc(s) -> str:
    """Markdown-inert text: specials backslash-escaped, ``<`` and ``>`` as entities (no HTML
    tag can open), line breaks flattened."""
    text = _SPECIAL.sub(r"\\\1", " ".join(str(s).split()))
    return text.replace("<", "&lt;").replace(">", "&gt;")


def notes(ns: list[int]) -> str:
    shown = ns[: T.MAX_NOTES]
    more = len(ns) - len(shown)
    return "".join(f"[^{n}]" for n in shown) + (f" (+{more} more)" if more else "")


def _url(u: str) -> str:
    """A bare URL GitHub autolinks, or escaped text for anything that is not http(s)."""
    u = str(u).strip()
    if re.match(r"^https?://\S+$", u, re.I):
        return "<" + u.replace("<", "%3C").replace(">", "%3E") + ">"
    return esc(u)


def render(r: M.Report) -> str:
    h = r.header
    out: list[str] = [f"# {esc(r.title)}", ""]
    w = out.append
    w(f"- **Entity:** {esc(h.entity.name)} (`{h.entity.id.replace('`', '')}`)")
    if h.aliases:
        w(f"- **Also known as:** {esc('; '.join(h.aliases))}")
    if h.identifiers:
        w(f"- **Identifiers:** {esc(', '.join(f'{k}: {v}' for k, v in h.identifiers.items()))}")
    if h.sectors:
        w(f"- **Sectors:** {esc(', '.join(h.sectors))}")
    fam = [
        f"{esc(m.entity.name)} ({m.relation}){notes(m.notes)}"
        for m in h.family
        if m.relation != "self"
    ]
    if fam:
        w(f"- **Family (OWNS):** {'; '.join(fam)}")
    if h.part_of:
        w(f"- **Part of:** {esc(', '.join(p.name for p in h.part_of))}")
    w(f"- **Scope:** {esc(T.scope(h))}")
    w(f"- **Generated:** {h.generated}")
    w(f"- **Input fingerprint:** sha256 `{h.fingerprint}`")
    w(f"- **Input files:** {esc(', '.join(f['name'] for f in h.files))}")
    w("")
    if r.empty:
        w(
            f"> No relationship of {esc(h.entity.name)} is recorded in the input data within this "
            f"scope ({esc(T.scope(h))}), so there is nothing to report."
        )
        w("")
    _summary(r, w)
    _flags(r, w)
    _exposure(r, w)
    _contracts(r, w)
    _scrutiny(r, w)
    _statements(r, w)
    _quality(r, w)
    w("## What this report cannot tell you")
    w("")
    out.extend(f"- {esc(x)}" for x in r.limits)
    w("")
    w("## Sources")
    w("")
    for f in r.footnotes:
        meta = ", ".join(esc(x) for x in (f.publisher, f.published, f.evidence_type) if x)
        flag = " (URL constructed from a pattern)" if f.constructed else ""
        w(f"[^{f.number}]: **{esc(f.title)}**{'. ' + meta if meta else ''}. {_url(f.url)}{flag}")
    w("")
    return "\n".join(out)


def _summary(r: M.Report, w) -> None:
    s = r.summary
    w("## Summary")
    w("")
    w(
        f"{s.direct + s.indirect} {T.counterpart_word(r)} reached: {s.direct} directly (no other "
        f"organisation in between), {s.indirect} only through others."
    )
    w("")
    for gr in s.agencies:
        w(f"**{esc(gr.label.capitalize())}**")
        w("")
        for it in gr.items:
            w(f"- {esc(it.text)}{notes(it.notes)}")
        w("")
    if s.technologies:
        title = "Products and technologies used" if r.header.kind == "agency" else "Technologies"
        w(f"**{title}, by category**")
        w("")
        for gr in s.technologies:
            items = ", ".join(f"{esc(it.text)}{notes(it.notes)}" for it in gr.items)
            w(f"- *{esc(gr.label)}*: {items}")
        w("")
    t = r.contracts.totals
    w(f"**Contracts.** {esc(T.totals_sentence(t))}{notes(t.notes)}")
    w("")
    stat = ", ".join(f"{g.count} {g.label}" for g in s.claims_by_status)
    w(
        f"**Claims and sources.** The report rests on {T.n(s.claims, 'claim')} ({stat or 'none'}) "
        f"citing {T.n(s.sources, 'distinct source')}, listed under Sources."
    )
    w("")


def _flags(r: M.Report, w) -> None:
    w("## Risk flags")
    w("")
    if not r.flags:
        w("No risk flag of the taxonomy is raised by the agencies or technologies reached.")
        w("")
    for f in r.flags:
        reasons = "; ".join(f"{esc(i.text)}{notes(i.notes)}" for i in f.reasons)
        w(f"- **{esc(f.label)}**: {esc(f.definition)} Raised by: {reasons}")
    w("")


def _exposure(r: M.Report, w) -> None:
    w("## Exposure")
    w("")
    w(esc(T.exposure_intro(r)))
    w("")
    if not r.exposure:
        w(f"No {T.counterpart_word(r)} reached within this scope.")
        w("")
        return
    for e in r.exposure:
        how = "directly" if e.direct else "through " + ", ".join(t.name for t in e.through)
        w(f"### {esc(e.entity.name)} ({esc(e.group_label)})")
        w("")
        w(
            f"Reached {esc(how)}; strongest path **{e.strength}**, {T.n(e.distance, 'hop')}."
            f"{notes(e.notes)}"
        )
        w("")
        for i, p in enumerate(e.paths, 1):
            chain = " → ".join([esc(p.hops[0].source.name), *(esc(h.target.name) for h in p.hops)])
            w(f"{i}. Path ({p.strength}): {chain}")
            for h in p.hops:
                for c in h.claims:
                    w(f"   - {_claim(h.source.name, h.target.name, c)}")
                if h.more:
                    w(f"   - {T.n(h.more, 'more claim')} for this step.")
        w("")


def _claim(source: str, target: str, c: M.Claim) -> str:
    when = f", {esc(T.dates(c.start, c.end))}" if c.start or c.end else ""
    extra = f" Under contract {esc(', '.join(c.contracts))}." if c.contracts else ""
    summ = f" {esc(c.summary)}" if c.summary else ""
    return (
        f"**{esc(source)}** *{esc(c.type_label)}* **{esc(target)}** ({c.status}{when})."
        f"{summ}{extra}{notes(c.notes)}"
    )


def _cell(s) -> str:
    return esc(s)


def _contracts(r: M.Report, w) -> None:
    c = r.contracts
    w("## Contracts")
    w("")
    if not c.items:
        w("No contract awards are recorded within this scope.")
        w("")
        return
    w(f"{esc(T.totals_sentence(c.totals))}{notes(c.totals.notes)}")
    w("")
    party = "Vendor" if r.header.kind == "agency" else "Agency"
    w(f"| {party} | Year | Contracts | Obligated | Current value | Potential value | Sources |")
    w("|---|---|--:|--:|--:|--:|---|")
    for row in c.rows:
        t = row.totals
        amounts = " | ".join(
            esc(T.money(getattr(t, k), t.currencies)) if n else "—"
            for k, n in (
                ("obligated", t.with_obligated),
                ("current_value", t.with_current_value),
                ("potential_value", t.with_potential_value),
            )
        )
        w(
            f"| {_cell(row.party.name if row.party else 'not recorded')} | "
            f"{T.year(row.fiscal_year)} | {t.contracts} | {amounts} | {notes(t.notes)} |"
        )
    w("")
    w("| PIID | Description | Agency · recipient | Year | Amounts | Award records |")
    w("|---|---|---|---|---|---|")
    for k in c.items:
        who = (
            f"{k.agency.name if k.agency else 'not recorded'} · "
            f"{k.recipient.name if k.recipient else 'not recorded'}"
        )
        if k.recipient_parent and k.recipient and k.recipient_parent.id != k.recipient.id:
            who += f" (parent {k.recipient_parent.name})"
        cur = [k.currency] if k.currency else []
        amounts = (
            "; ".join(
                f"{T.MEASURES[key]} {T.money(getattr(k, key), cur)}"
                for key in ("obligated", "current_value", "potential_value")
                if getattr(k, key) is not None
            )
            or "not recorded"
        )
        w(
            f"| {_cell(k.piid)} | {_cell(k.description or '')} | {_cell(who)} | "
            f"{T.year(k.fiscal_year)} | {esc(amounts)} | {notes(k.notes)} |"
        )
    w("")


def _scrutiny(r: M.Report, w) -> None:
    w("## Scrutiny")
    w("")
    if not r.scrutiny:
        w("No criticism, investigation or shareholder action is recorded.")
    for s in r.scrutiny:
        about = " (intermediary)" if s.about != "family" else ""
        w(f"- {_claim(s.actor.name, s.target.name, s.claim)}{about}")
    w("")


def _statements(r: M.Report, w) -> None:
    w("## Statements")
    w("")
    if not r.statements:
        w("No sourced statement about them is recorded.")
    for s in r.statements:
        summ = f" {esc(s.summary)}" if s.summary else ""
        w(f"- **{esc(T.statement_text(s))}** ({s.status}).{summ}{notes(s.notes)}")
    w("")


def _quality(r: M.Report, w) -> None:
    w("## Evidence quality")
    w("")
    for key, title in T.QUALITY:
        entries = getattr(r.quality, key)
        w(f"**{esc(title)}: {len(entries)}**")
        w("")
        for q in entries:
            st = f" ({q.status})" if q.status else ""
            w(f"- {esc(q.text)}{st}{notes(q.notes)}")
        if entries:
            w("")
