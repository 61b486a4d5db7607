"""The report as a document: sections of blocks that the Markdown and HTML renderers walk.

What is said, in which order, and which footnotes each statement cites is decided here once;
:mod:`~graphkit.report.render_md` and :mod:`~graphkit.report.render_html` only decide how each
block and span is written. Every statement of fact (a line of a paragraph, list or table that
names an entity or gives a number) ends with its footnote numbers; headings and the header's
metadata (scope, date, fingerprint) do not.

>>> [s.id for s in document(_tiny()).sections]  # an entity without relationships: a short report
['header', 'limits']
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphkit.report import model as M
from graphkit.report import text as T

# -- inline content ----------------------------------------------------------------------------


@dataclass(slots=True)
class Span:
    """A run of text. ``style``: '' plain, 'b' bold, 'i' italic, 'code', 'status' (a claim
    status; ``uncertain`` marks alleged or disputed), 'muted'. ``href``: an http(s) URL or a
    ``#section`` anchor."""

    text: str
    style: str = ""
    href: str | None = None
    uncertain: bool = False


@dataclass(slots=True)
class Cite:
    """Footnote references."""

    notes: tuple[int, ...]


Inline = list  # of Span | Cite


@dataclass(slots=True)
class Line:
    """A sentence, list item or table cell; ``children`` are nested list items."""

    parts: Inline
    children: list[Line] = field(default_factory=list)


# -- blocks ------------------------------------------------------------------------------------


@dataclass
class Para:
    line: Line
    css: str = ""


@dataclass
class Heading:
    text: str
    level: int = 3


@dataclass
class Bullets:
    items: list[Line]
    ordered: bool = False
    css: str = ""


@dataclass
class Table:
    head: list[str]
    rows: list[list[Line]]
    numeric: frozenset[int] = frozenset()  # right-aligned columns


@dataclass
class Figure:
    """A drawing only HTML shows: 'paths' (strongest path per counterpart) or 'chart' (money by
    fiscal year)."""

    kind: str


@dataclass
class Meta:
    """Key/value lines of the header."""

    rows: list[tuple[str, Line]]


@dataclass
class Sources:
    footnotes: list[M.Footnote]


@dataclass
class Section:
    id: str
    title: str | None  # None: the header, without a heading or a table-of-contents entry
    blocks: list


@dataclass
class Document:
    title: str
    sections: list[Section]
    report: M.Report


# -- helpers -----------------------------------------------------------------------------------


def t(text: str, style: str = "", href: str | None = None) -> Span:
    return Span(text, style, href)


def cite(notes) -> Cite:
    """References to ``notes`` (already sorted and distinct where the model keeps them so)."""
    return Cite(tuple(notes))


def href(url: str) -> str | None:
    """``url`` when it is http(s), else None (nothing else becomes a link)."""
    u = str(url).strip()
    return u if u.lower().startswith(("http://", "https://")) else None


class _Words:
    """Statuses that are uncertain (alleged, disputed), from the ontology."""

    def __init__(self):
        from graphkit.model import ontology

        self.uncertain = {s.notation for s in ontology().statuses.values() if s.uncertain}

    def status(self, s: str) -> Span:
        return Span(s, "status", None, s in self.uncertain)


def hop_notes(p: M.Path) -> list[int]:
    return sorted({x for h in p.hops for c in h.claims for x in c.notes})


# -- the document ------------------------------------------------------------------------------


def document(r: M.Report) -> Document:
    """The report as sections of blocks, in reading order (for an entity without any recorded
    relationship, only the header, a sentence saying so, and the limits)."""
    with M.paused_gc():
        return _document(r)


def _document(r: M.Report) -> Document:
    w = _Words()
    sections = [
        Section("header", None, _header(r)),
        Section("summary", "Summary", _summary(r)),
        Section("flags", "Risk flags", _flags(r)),
        Section("exposure", "Exposure", _exposure(r, w)),
        Section("contracts", "Contracts", _contracts(r)),
        Section("scrutiny", "Scrutiny", _scrutiny(r, w)),
        Section("statements", "Statements", _statements(r, w)),
        Section("quality", "Evidence quality", _quality(r, w)),
        Section("limits", "What this report cannot tell you", _limits(r)),
        Section("sources", "Sources", [Sources(r.footnotes)]),
    ]
    if r.empty:  # a short report: who, what was searched, and what that cannot tell
        sections = [s for s in sections if s.id in ("header", "limits")]
    return Document(r.title, sections, r)


def _header(r: M.Report) -> list:
    h = r.header
    rows: list[tuple[str, Line]] = [
        ("Entity", Line([t(h.entity.name), t(" "), t(f"({h.entity.id})", "muted")]))
    ]
    if h.aliases:
        rows.append(("Also known as", Line([t("; ".join(h.aliases))])))
    if h.identifiers:
        ids = ", ".join(f"{k}: {v}" for k, v in h.identifiers.items())
        rows.append(("Identifiers", Line([t(ids)])))
    if h.sectors:
        rows.append(("Sectors", Line([t(", ".join(h.sectors))])))
    fam: Inline = []
    for m in (m for m in h.family if m.relation != "self"):
        via = f" via {', '.join(v.name for v in m.via[:-1])}" if len(m.via) > 1 else ""
        fam += [t("; ")] if fam else []
        fam += [t(f"{m.entity.name} ({m.relation}{via})"), cite(m.notes)]
    if fam:
        rows.append(("Family (OWNS)", Line(fam)))
    if h.part_of:
        rows.append(("Part of", Line([t(", ".join(p.name for p in h.part_of))])))
    rows.append(("Scope", Line([t(T.scope(h))])))
    rows.append(("Generated", Line([t(h.generated)])))
    rows.append(("Input fingerprint", Line([t("sha256 "), t(h.fingerprint, "code")])))
    rows.append(("Input files", Line([t(", ".join(f["name"] for f in h.files))])))
    out: list = [Meta(rows)]
    if r.empty:
        out.append(
            Para(
                Line(
                    [
                        t(
                            f"No relationship of {h.entity.name} is recorded in the input data "
                            f"within this scope ({T.scope(h)}), so there is nothing to report."
                        )
                    ]
                ),
                "empty",
            )
        )
    return out


def _summary(r: M.Report) -> list:
    s = r.summary
    out: list = []
    everyone = sorted({x for e in r.exposure for x in e.notes})
    out.append(Para(Line([t(T.reach_sentence(r)), cite(everyone)])))
    owners = {e.entity.id: e for e in r.exposure if e.owners}
    for gr in s.agencies:
        out.append(Heading(gr.label[:1].upper() + gr.label[1:], 3))
        if not gr.items:
            out.append(Para(Line([t("None reached within this scope.", "muted")])))
            continue
        lines = []
        for it in gr.items:
            e = owners.get(it.entity.id) if it.entity else None
            said: Inline = [t(it.text), cite(it.notes)]
            if e is not None:  # an agency report's vendor with its parents
                said += [t(f" ({T.owned_by(e)})"), cite(e.owner_notes)]
            lines.append(Line(said))
        out.append(Bullets(lines))
    if s.technologies:
        title = "Products and technologies used" if r.header.kind == "agency" else "Technologies"
        out.append(Heading(f"{title}, by category", 3))
        lines = []
        for gr in s.technologies:
            parts: Inline = [t(gr.label, "i"), t(": ")]
            for i, it in enumerate(gr.items):
                parts += ([t(", ")] if i else []) + [t(it.text), cite(it.notes)]
            lines.append(Line(parts))
        out.append(Bullets(lines))
    tot = r.contracts.totals
    out.append(
        Para(
            Line(
                [
                    t("Contracts.", "b"),
                    t(" " + T.totals_sentence(tot)),
                    cite(tot.notes),
                    t(" "),
                    t("Details", href="#contracts"),
                    t("."),
                ]
            )
        )
    )
    stat = ", ".join(f"{g.count} {g.label}" for g in s.claims_by_status)
    out.append(
        Para(
            Line(
                [
                    t("Claims and sources.", "b"),
                    t(
                        f" The report rests on {T.n(s.claims, 'claim')} ({stat or 'none'}) "
                        f"citing {T.n(s.sources, 'distinct source')}, listed under "
                    ),
                    t("Sources", href="#sources"),
                    t("."),
                    cite([f.number for f in r.footnotes]),
                ]
            )
        )
    )
    return out


def _flags(r: M.Report) -> list:
    if not r.flags:
        return [
            Para(
                Line(
                    [
                        t(
                            "No risk flag of the taxonomy is raised by the agency, its vendors "
                            "or the technologies that reach it."
                            if r.header.kind == "agency"
                            else "No risk flag of the taxonomy is raised by the agencies or "
                            "technologies reached."
                        )
                    ]
                )
            )
        ]
    lines = []
    for f in r.flags:
        parts: Inline = [t(f.label, "b"), t(" — " + f.definition + " "), t("Raised by:", "muted")]
        for i, it in enumerate(f.reasons):
            parts += [t("; " if i else " "), t(it.text), cite(it.notes)]
        lines.append(Line(parts))
    return [Bullets(lines, css="flags")]


def _claim(source: str, target: str, c: M.Claim, w: _Words) -> Inline:
    """One claim as a sentence: who does what to whom, status, dates, summary, sources."""
    when = f", {T.dates(c.start, c.end)}" if c.start or c.end else ""
    parts: Inline = [
        t(source, "b"),
        t(" "),
        t(c.type_label, "i"),
        t(" "),
        t(target, "b"),
        t(" ("),
        w.status(c.status),
        t(f"{when})."),
    ]
    if c.summary:
        parts.append(t(" " + " ".join(c.summary.split())))
    if c.contracts:
        parts.append(t(f" Under contract {', '.join(c.contracts)}."))
    parts.append(cite(c.notes))
    return parts


def _exposure(r: M.Report, w: _Words) -> list:
    out: list = [Para(Line([t(T.exposure_intro(r))]))]
    if not r.exposure:
        out.append(Para(Line([t(f"No {T.counterpart_word(r)} reached within this scope.")])))
        return out
    out.append(Figure("paths"))
    for e in r.exposure:
        out.append(Heading(f"{e.entity.name} · {e.group_label}", 3))
        out.append(
            Para(
                Line(
                    [
                        t(T.reached_sentence(r, e) + "; the weakest claim on its strongest "
                          "path is "),
                        w.status(e.strength),
                        t("."),
                        cite(e.notes),
                    ]
                )
            )
        )  # fmt: skip
        if e.owners:
            said = T.owned_by(e)
            said = said[:1].upper() + said[1:] + ("" if said.endswith(".") else ".")
            out.append(Para(Line([t(said), cite(e.owner_notes)])))
        paths = []
        for p in e.paths:
            chain = " → ".join([p.hops[0].source.name, *(h.target.name for h in p.hops)])
            kids = [Line(_claim(h.source.name, h.target.name, c, w)) for h in p.hops
                    for c in h.claims]  # fmt: skip
            for h in p.hops:
                if h.more:
                    kids.append(
                        Line(
                            [
                                t(
                                    f"{T.n(h.more, 'more claim')} for {h.source.name} → "
                                    f"{h.target.name}, not listed.",
                                    "muted",
                                ),
                                cite(h.more_notes),
                            ]
                        )
                    )
            paths.append(
                Line(
                    [t("Path", "b"), t(" (weakest claim "), w.status(p.strength), t("): "),
                     t(chain), cite(hop_notes(p))],
                    kids,
                )
            )  # fmt: skip
        out.append(Bullets(paths, ordered=True, css="paths"))
    return out


def _money_cells(x, keys_counts) -> list[Line]:
    return [Line([t(T.money(getattr(x, k), x.currencies) if n else "—")]) for k, n in keys_counts]


def _contracts(r: M.Report) -> list:
    c = r.contracts
    if not c.items:
        return [Para(Line([t("No contract awards are recorded within this scope.")]))]
    agency = r.header.kind == "agency"
    out: list = [Para(Line([t(T.totals_sentence(c.totals)), cite(c.totals.notes)]))]
    out.append(Figure("chart"))
    party = "Vendor" if agency else "Agency"
    out.append(Heading(f"By {party.lower()} and fiscal year", 3))
    rows = []
    for row in c.rows:
        tt = row.totals
        rows.append(
            [
                Line([t(row.party.name if row.party else "not recorded")]),
                Line([t(T.year(row.fiscal_year))]),
                Line([t(str(tt.contracts))]),
                *_money_cells(
                    tt,
                    (
                        ("obligated", tt.with_obligated),
                        ("current_value", tt.with_current_value),
                        ("potential_value", tt.with_potential_value),
                    ),
                ),
                Line([cite(tt.notes)]),
            ]
        )
    out.append(
        Table(
            [party, "Year", "Contracts", "Obligated", "Current value", "Potential value",
             "Sources"],
            rows,
            frozenset({2, 3, 4, 5}),
        )
    )  # fmt: skip
    out.append(Heading("Awards", 3))
    rows = []
    for k in c.items:
        rec = k.recipient.name if k.recipient else "not recorded"
        who = rec if agency else f"{k.agency.name if k.agency else 'not recorded'} · {rec}"
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
        links: Inline = []
        for u in k.award_links:
            if href(u):
                links += [t("award record", href=href(u)), t(" ")]
        rows.append(
            [
                Line([t(k.piid)]),
                Line([t(k.description or "")]),
                Line([t(who)]),
                Line([t(T.year(k.fiscal_year))]),
                Line([t(amounts)]),
                Line([*links, cite(k.notes)]),
            ]
        )
    out.append(
        Table(
            ["PIID", "Description", "Recipient" if agency else "Agency · recipient", "Year",
             "Amounts", "Award records"],
            rows,
            frozenset(),  # amounts wrap: several measures per award
        )
    )  # fmt: skip
    return out


def _scrutiny(r: M.Report, w: _Words) -> list:
    if not r.scrutiny:
        return [Para(Line([t("No criticism, investigation or shareholder action is recorded.")]))]
    lines = []
    for s in r.scrutiny:
        about = [] if s.about == "family" else [t(" (intermediary)", "muted")]
        parts = _claim(s.actor.name, s.target.name, s.claim, w)
        lines.append(Line(parts[:-1] + about + parts[-1:], [_citation(c, w) for c in s.cites]))
    return [Bullets(lines)]


def _citation(c: M.Citation, w: _Words) -> Line:
    """A statement the scrutiny item cites, as a nested item with its own sources."""
    parts: Inline = [t("Cites "), t(T.citation_text(c), "b"), t(" ("), w.status(c.status), t(").")]
    if c.summary:
        parts.append(t(" " + " ".join(c.summary.split())))
    return Line([*parts, cite(c.notes)])


def _statements(r: M.Report, w: _Words) -> list:
    if not r.statements:
        return [Para(Line([t("No sourced statement about them is recorded.")]))]
    lines = []
    for s in r.statements:
        parts: Inline = [t(T.statement_text(s), "b"), t(" ("), w.status(s.status), t(").")]
        if s.summary:
            parts.append(t(" " + " ".join(s.summary.split())))
        lines.append(Line([*parts, cite(s.notes)]))
    return [Bullets(lines)]


def _quality(r: M.Report, w: _Words) -> list:
    out: list = []
    for key, title in T.QUALITY:
        entries = getattr(r.quality, key)
        out.append(Heading(f"{title}: {len(entries):,}", 3))
        lines = []
        for q in entries:
            st: Inline = [t(" ("), w.status(q.status), t(")")] if q.status else []
            lines.append(Line([t(q.text), *st, cite(q.notes)]))
        if lines:
            out.append(Bullets(lines))
    return out


def _limits(r: M.Report) -> list:
    return [Bullets([Line([t(x.text), cite(x.notes)]) for x in r.limits])]


def _tiny() -> M.Report:
    """A minimal report, for the doctest."""
    ref = M.EntityRef("org/x", "X", "Company")
    h = M.Header(ref, "company", [], {}, [], [M.FamilyMember(ref, "self")])
    tot = M.Totals(0, 0.0, 0.0, 0.0, 0, 0, 0, [], [])
    return M.Report(
        M.SCHEMA_VERSION,
        "Due-diligence report: X",
        h,
        True,
        M.Summary([], 0, 0, [], [], 0, 0),
        [],
        [],
        M.Contracts([], [], [], tot, None),
        [],
        [],
        M.Quality([], [], [], [], []),
        [],
        [],
    )
