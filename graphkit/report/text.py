"""Wording of the report: amounts, dates, scope lines, evidence-quality titles (used by
:mod:`graphkit.report.doc` and the build).

>>> money(1272388.55, ["USD"])
'$1,272,388.55'
>>> money(12.5, ["EUR"])
'12.50 EUR'
"""

from __future__ import annotations

from graphkit.report import model as M

QUALITY = (
    ("single_source", "Claims resting on a single source"),
    ("uncertain", "Claims that are only alleged or disputed"),
    ("undated", "Sources without a publication date"),
    ("supplied_titles", "Sources with a supplied title (in [brackets])"),
    ("constructed_urls", "Sources whose URL was constructed from a pattern"),
)
MAX_NOTES = 12  # footnote numbers shown inline per item before "+N more"
MEASURES = {
    "obligated": "obligated amount",
    "current_value": "current value",
    "potential_value": "potential value",
}


def n(count: int, word: str, plural: str | None = None) -> str:
    """``n(1, "hop")`` -> ``'1 hop'``, ``n(2, "hop")`` -> ``'2 hops'``."""
    return f"{count:,} {word if count == 1 else plural or word + 's'}"


def money(amount: float | None, currencies: list[str] | tuple = ()) -> str:
    if amount is None:
        return "not recorded"
    cur = currencies[0] if len(currencies) == 1 else None
    if cur == "USD":
        return f"${amount:,.2f}"
    return f"{amount:,.2f}" + (f" {cur}" if cur else "")


def year(fy: int | None) -> str:
    return f"FY{fy}" if fy is not None else "year not recorded"


def dates(start: str | None, end: str | None) -> str:
    if start and end:
        return f"{start} to {end}"
    if start:
        return f"since {start}"
    if end:
        return f"until {end}"
    return "dates not recorded"


def scope(h: M.Header) -> str:
    s = f"flows followed up to {n(h.depth, 'hop')}"
    if h.as_of:
        s += f", claims active as of {h.as_of}"
    if h.min_status:
        s += f", claims at least {h.min_status}"
    return s


def counterpart_word(r: M.Report) -> str:
    return "vendors" if r.header.kind == "agency" else "government agencies"


def reach_sentence(r: M.Report) -> str:
    """The summary's first sentence: how many counterparts, directly or through others."""
    s = r.summary
    total = s.direct + s.indirect
    if r.header.kind == "agency":
        return (
            f"{n(total, 'vendor')} whose technology, data or money reaches the agency (or a "
            f"component listed in the header): {s.direct:,} "
            f"{'deals' if s.direct == 1 else 'deal'} with it directly, "
            f"{s.indirect:,} only through other organisations, named with each."
        )
    return (
        f"{n(total, 'government agency', 'government agencies')} reached: {s.direct:,} directly "
        f"(no organisation outside the family in between), {s.indirect:,} only through others."
    )


def reached_sentence(r: M.Report, e: M.Exposure) -> str:
    """``'Reached directly in 1 hop'`` (company report) or ``'Deals with the agency directly
    (1 hop)'`` (agency report)."""
    via = ", ".join(x.name for x in e.through)
    if r.header.kind == "agency":
        if e.direct:
            return f"Deals with the agency directly ({n(e.distance, 'hop')})"
        return f"Reaches the agency through {via} ({n(e.distance, 'hop')})"
    return f"Reached {'directly' if e.direct else 'through ' + via} in {n(e.distance, 'hop')}"


def owned_by(e: M.Exposure) -> str:
    """``'owned by Zenith Holdings'``, or with several, ``'owners up the OWNS chain: A, B'``
    (nearest first)."""
    names = [o.name for o in e.owners]
    if len(names) == 1:
        return f"owned by {names[0]}"
    return "owners up the OWNS chain: " + ", ".join(names)


def strength_phrase(strength: str, hops: int) -> str:
    """``'1 hop, weakest claim confirmed'``: a path is as strong as its weakest claim."""
    return f"{n(hops, 'hop')}, weakest claim {strength}"


def exposure_intro(r: M.Report) -> str:
    if r.header.kind == "agency":
        who = (
            "Every company or other organisation whose technology, data or money reaches the "
            "agency (or a component listed in the header) along recorded claims"
        )
    else:
        who = (
            "Every government agency that technology, data or money from the company and the "
            "family listed in the header reaches along recorded claims"
        )
    return (
        f"{who}, with up to three of its strongest paths. A path is only as strong as its "
        "weakest claim: a path of confirmed claims with one reported claim is a reported path. "
        "Paths are ranked by that weakest claim, then by length."
    )


def statement_text(s: M.Statement) -> str:
    """``Ring LLC — police partnership count: more than 400 police forces (as of 2019-08-28)``."""
    what = s.topic_label or "statement"
    if s.quantity is not None:
        q = f"{s.quantity:,.0f}" if float(s.quantity).is_integer() else f"{s.quantity:,}"
        amount = " ".join(x for x in (s.qualifier, q, s.unit) if x)
        what += f": {amount}"
    when = f" (as of {s.as_of})" if s.as_of else ""
    by = f", stated by {s.stated_by.name}" if s.stated_by else ""
    return f"{s.about.name} — {what}{when}{by}"


def citation_text(c: M.Citation) -> str:
    """``UN Special Rapporteur ... — controls on surveillance technology (as of 2019-06-25)``."""
    who = c.stated_by.name if c.stated_by else "a statement"
    what = f" — {c.topic_label}" if c.topic_label else ""
    when = f" (as of {c.as_of})" if c.as_of else ""
    return f"{who}{what}{when}"


def totals_sentence(t: M.Totals) -> str:
    parts = []
    for key, count in (
        ("obligated", t.with_obligated),
        ("current_value", t.with_current_value),
        ("potential_value", t.with_potential_value),
    ):
        if count:
            amount = money(getattr(t, key), t.currencies)
            parts.append(f"{MEASURES[key]} {amount} (recorded for {count:,} of them)")
    if not t.contracts:
        return "No contract awards are recorded within this scope."
    amounts = "; ".join(parts) if parts else "no amounts recorded"
    return f"{n(t.contracts, 'contract')}: {amounts}."
