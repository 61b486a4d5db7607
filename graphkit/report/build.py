"""Assemble a :class:`~graphkit.report.model.Report` from a loaded :class:`graphkit.Graph`.

Domain knowledge comes from the ontology (:func:`graphkit.model.ontology`): which relationship
types carry technology, data or money (``gk:flowsTo``) or scrutiny (``gk:scrutinises``), status
strength, which sectors and technology categories raise which risk flags, and how agencies are
grouped. Nothing here lists them.

>>> import graphkit
>>> from graphkit.model import project_root
>>> g = graphkit.load([project_root() / "tests" / "fixtures" / "mini.ttl"], bundled=False)
>>> r = build(g, "Acme Cloud Ltd.")
>>> [(e.entity.name, e.strength) for e in r.exposure]
[('Federal Enforcement Agency', 'reported'), ('River County Police', 'alleged')]
>>> r.footnotes[0].number
1
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import math
import re
import typing
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from graphkit import adjacency as A
from graphkit import paths as P
from graphkit.errors import GraphkitError
from graphkit.model import GK, Ontology
from graphkit.report import model as M
from graphkit.report import text as T

DEFAULT_DEPTH = 3
MAX_PATHS = 3  # strongest paths kept per counterpart ("up to three" in text.py and limits)
MAX_CLAIMS_PER_HOP = 5  # strongest claims listed per step; the rest are counted
#: Summary groups of an agency report (key, label), by whether a vendor reaches it directly.
_VENDOR_GROUPS = {
    True: ("direct", "vendors that deal with the agency directly"),
    False: ("indirect", "reached only through other organisations"),
}
_SUPPLIED = re.compile(r"^\s*\[.*\]\s*$", re.S)


def build(
    graph,
    entity: str,
    *,
    depth: int = DEFAULT_DEPTH,
    as_of: str | None = None,
    min_status: str | None = None,
    generated: dt.datetime | None = None,
) -> M.Report:
    """The due-diligence report about ``entity`` (id, name or alias)."""
    if depth < 1:
        raise GraphkitError("--depth must be at least 1")
    as_of = P.check_date(as_of)
    o = graph.ontology
    node = graph.find(entity, entities_only=True)
    with M.paused_gc():
        return _Builder(graph, o, node, depth, as_of, min_status, generated).run()


# -- traversal (one class; see Reach) --------------------------------------------------------


class EdgeRules:
    """Which claim edges a report follows, as :class:`graphkit.paths.EdgeFilter` objects: flows
    (the ontology's flow types, negated statuses left out, ``as_of``, ``min_status``) and, for
    scrutiny, any relationship type under the same date rule."""

    def __init__(self, graph, as_of: str | None, min_status: str | None):
        self.flow = graph.edge_filter(as_of=as_of, min_status=min_status)
        self.any = graph.edge_filter(all_relationships=True, as_of=as_of)
        self._ranks: dict[int, int | None] = {}  # id(edge record) -> rank (memo)

    def rank(self, d: dict) -> int | None:
        """Strength rank of a followable claim edge, else None (remembered per edge record,
        which lives in the graph as long as the build; an unranked status counts as
        :attr:`graphkit.adjacency.StepRanks.WORST`, as in the path search)."""
        key = id(d)
        got = self._ranks.get(key, False)
        if got is False:
            got = self._ranks[key] = (
                self.flow.ranks.get(d.get("status"), A.StepRanks.WORST)
                if self.flow.accepts(d)
                else None
            )
        return got

    def any_claim(self, d: dict) -> bool:
        """A claim of any type that is in scope (not negated, valid on ``as_of``)."""
        return self.any.accepts(d)


class Reach:
    """Every node reached from ``sources`` along flow claims within ``depth`` hops, with the
    strongest path to it (:func:`graphkit.adjacency.strongest_paths`: a path is as strong as its
    weakest claim; ties go to the shorter), and alternative paths through each last step."""

    def __init__(
        self, graph, sources: Iterable[str], depth: int, rules: EdgeRules, *, upstream: bool
    ):
        self.rules, self.upstream, self.depth = rules, upstream, depth
        self.sources = set(sources)
        self._cols = graph.columns
        self._back: dict[str, dict[str, int]] = {}
        # the column search (graphkit.adjacency): the same paths as the networkx reference in
        # tests/reference_paths.py (tests/test_report.py compares them), several times faster
        self._steps = A.StepRanks(graph.adjacency, rules.flow)
        self.info = A.strongest_paths(
            graph.adjacency,
            sorted(self.sources),
            rules.flow,
            max_hops=depth,
            reverse=upstream,
            ranks=self._steps,
        )

    def _previous(self, n: str) -> dict[str, int]:
        """Nodes one search step before ``n``, with the best rank of the claims joining them."""
        got = self._back.get(n)
        if got is None:
            c = self._cols
            i = c.index_of(n)
            steps = self._steps.steps(i, reverse=not self.upstream) if i is not None else []
            got = self._back[n] = {c.node_id(m): r for m, r in steps}
        return got

    def strongest(self, node: str) -> list[str]:
        """The strongest, shortest path from a source to ``node`` (in search order)."""
        return list(self.info[node].nodes)

    def paths(self, node: str, limit: int) -> list[tuple[int, list[str]]]:
        """Up to ``limit`` strong paths to ``node``, one per last step before it: the strongest
        path to that neighbour plus the step, ranked by strength then length."""
        out = []
        for p, r in self._previous(node).items():
            if p in self.sources:
                prefix, rank = [p], r
            elif p in self.info and len(self.info[p].nodes) - 1 < self.depth:
                prefix = self.strongest(p)
                if node in prefix:
                    continue
                rank = max(r, self.info[p].rank)
            else:
                continue
            out.append((rank, [*prefix, node]))
        out.sort(key=lambda x: (x[0], len(x[1]), x[1]))
        return out[:limit]


# -- the builder --------------------------------------------------------------------------------


class _Builder:
    def __init__(self, graph, o: Ontology, node, depth, as_of, min_status, generated):
        self.g, self.G, self.o, self.node = graph, graph.G, o, node
        self.depth, self.as_of, self.min_status = depth, as_of, min_status
        self.generated = generated or dt.datetime.now(dt.UTC)
        self.rules = EdgeRules(graph, as_of, min_status)
        self.notes: dict[str, int] = {}  # url -> footnote number
        self.note_ev: dict[str, list[str]] = {}  # url -> evidence ids
        self._claims: dict[str, M.Claim] = {}
        self._hops: dict[tuple[str, str], M.Hop] = {}
        self._refs: dict[str, M.EntityRef] = {}
        self._urls: dict[str, str | None] = {}
        self._node = graph.G._node  # node id -> attribute record (networkx's own dict)
        self.claims_used: dict[str, tuple] = {}  # claim id -> (source, target, edge data)
        lb = o.class_labels
        self.AGENCY = lb[GK + "GovernmentAgency"]
        self.PRODUCT = lb[GK + "Product"]
        self.ORG = lb[GK + "Organization"]
        self.OWNS = o.rel_types[GK + "owns"]
        self.OFFERS = o.rel_types[GK + "offers"]
        self.BY = o.link_types[GK + "awardingAgency"]
        self.TO = o.link_types[GK + "contractor"]
        self.PARENT = o.link_types[GK + "contractorParent"]
        self.sectors = {c.notation: c for c in o.scheme(GK + "Sectors")}
        self.categories = {c.notation: c for c in o.scheme(GK + "TechnologyCategories")}
        self.kinds = {c.notation: c for c in o.scheme(GK + "AgencyKinds")}
        self.flag_concepts = {c.notation: c for c in o.scheme(GK + "RiskFlags")}
        self.etypes = {c.notation: c for c in o.scheme(GK + "EvidenceTypes")}

    # -- small helpers -------------------------------------------------------------------------

    def labels(self, n: str) -> tuple:
        return self._node[n].get("labels", ())

    def ref(self, n: str) -> M.EntityRef:
        """The node as report data (one shared object per node)."""
        got = self._refs.get(n)
        if got is None:
            got = self._refs[n] = M.EntityRef(n, self.g.name(n), (self.labels(n) or ("",))[0])
        return got

    def url(self, e: str) -> str | None:
        """The source URL of an evidence node (remembered)."""
        if e in self._urls:
            return self._urls[e]
        d = self._node.get(e)
        url = d.get("url") if d else None
        got = self._urls[e] = url if isinstance(url, str) and url else None
        return got

    def cite_evidence(self, ids: Iterable[str]) -> list[int]:
        out = []
        for e in ids:
            url = self.url(e)
            if url is None:
                continue
            if url not in self.notes:
                self.notes[url] = len(self.notes) + 1
                self.note_ev[url] = []
            if e not in self.note_ev[url]:
                self.note_ev[url].append(e)
            out.append(self.notes[url])
        return sorted(set(out))

    def claim(self, u: str, v: str, d: dict) -> M.Claim:
        """The claim as report data (one shared object per claim)."""
        got = self._claims.get(d["claim"])
        if got is not None:
            return got
        self.claims_used[d["claim"]] = (u, v, d)
        piids = [str(self._node[c].get("piid", c)) for c in d.get("contracts", []) if c in self.G]
        got = self._claims[d["claim"]] = M.Claim(
            d["claim"],
            d["type"],
            self.o.rel_labels.get(d["type"], d["type"]).lower(),
            d.get("status") or "",
            _s(d.get("start")),
            _s(d.get("end")),
            d.get("summary"),
            piids,
            self.cite_evidence(d.get("evidence", [])),
        )
        return got

    def edges_between(self, u: str, v: str, only_flow=True) -> list[dict]:
        out = []
        for d in (self.G.get_edge_data(u, v) or {}).values():
            if only_flow and self.rules.rank(d) is None:
                continue
            out.append(d)
        return sorted(out, key=lambda d: (self.o.strength(d.get("status")), d["claim"]))

    def hop(self, u: str, v: str) -> M.Hop:
        """A step with its strongest claims (at most MAX_CLAIMS_PER_HOP; one object per step)."""
        got = self._hops.get((u, v))
        if got is None:
            edges = self.edges_between(u, v)
            claims = [self.claim(u, v, d) for d in edges[:MAX_CLAIMS_PER_HOP]]
            status = claims[0].status if claims else ""
            rest = [e for d in edges[MAX_CLAIMS_PER_HOP:] for e in d.get("evidence", [])]
            got = M.Hop(
                self.ref(u),
                self.ref(v),
                status,
                claims,
                len(edges) - len(claims),
                self.cite_evidence(rest),
            )
            self._hops[(u, v)] = got
        return got

    def path(self, nodes: list[str]) -> M.Path:
        hops = [self.hop(u, v) for u, v in zip(nodes, nodes[1:])]
        weakest = max((h.status for h in hops), key=self.o.strength)
        return M.Path(weakest, hops)

    # -- sections ------------------------------------------------------------------------------

    def family(self) -> tuple[list[M.FamilyMember], list[M.EntityRef]]:
        """The entity, its owners (companies only) and its subsidiaries through OWNS claims."""
        members = [M.FamilyMember(self.ref(self.node), "self")]
        seen = {self.node}
        owners_shown: list[M.EntityRef] = []
        company = self.AGENCY not in self.labels(self.node)
        relations: tuple[tuple[typing.Literal["subsidiary", "owner"], bool], ...] = (
            ("subsidiary", False),
            ("owner", True),
        )
        for relation, upstream in relations:
            frontier: list[tuple[str, list[M.EntityRef]]] = [(self.node, [])]
            while frontier:
                nxt = []
                for n, chain in frontier:
                    edges = _in_edges(self.G, n) if upstream else _out_edges(self.G, n)
                    for u, v, d in edges:
                        m = u if upstream else v
                        if d.get("type") != self.OWNS or self.rules.rank(d) is None or m in seen:
                            continue
                        if upstream and not company:
                            owners_shown.append(self.ref(m))
                            self.claim(u, v, d)
                            continue
                        seen.add(m)
                        notes = [
                            x for c in self.edges_between(u, v) for x in self.claim(u, v, c).notes
                        ]
                        members.append(
                            M.FamilyMember(self.ref(m), relation, chain, sorted(set(notes)))
                        )
                        nxt.append((m, [*chain, self.ref(m)]))
                frontier = nxt
        return members, owners_shown

    def run(self) -> M.Report:
        o, G = self.o, self.G
        agency_report = self.AGENCY in self.labels(self.node)
        members, part_of = self.family()
        fam = {m.entity.id for m in members}
        # products the family offers count as its own (a path through them is direct)
        own_products = {
            v
            for n in fam
            for _, v, d in _out_edges(G, n)
            if d.get("type") == self.OFFERS and self.rules.rank(d) is not None
        }
        ours = fam | own_products
        reach = Reach(self.g, fam, self.depth, self.rules, upstream=agency_report)
        exposure = []
        for n in reach.info:
            if n in fam:
                continue
            labels = self.labels(n)
            if agency_report:
                if self.ORG not in labels or self.AGENCY in labels:
                    continue
            elif self.AGENCY not in labels:
                continue
            exposure.append(self.exposure(n, reach, ours, agency_report))
        kind_rank = {k.notation: k.rank for k in self.kinds.values()}
        exposure.sort(
            key=lambda e: (
                kind_rank.get(e.group, 0),  # company reports: immigration enforcement first
                o.strength(e.strength),
                e.distance,
                e.entity.name,
            )
        )
        technologies = self.technologies(reach, fam, own_products, agency_report)
        flags = self.flags(exposure, technologies, agency_report, fam)
        contracts = self.contracts(fam, agency_report)
        scrutiny = self.scrutiny(fam, exposure)
        statements = self.statements(fam)
        summary_groups = self.group_exposure(exposure, agency_report)
        tech_groups = technologies
        quality = self.quality()
        by_status = self.by_status()
        footnotes = self.footnotes()
        empty = not self.claims_used and not contracts.items and not statements
        header = self.header(members, part_of, agency_report)
        report = M.Report(
            M.SCHEMA_VERSION,
            f"Due-diligence report: {self.g.name(self.node)}",
            header,
            empty,
            M.Summary(
                summary_groups,
                sum(e.direct for e in exposure),
                sum(not e.direct for e in exposure),
                tech_groups,
                by_status,
                len(self.claims_used),
                len(footnotes),
            ),
            flags,
            exposure,
            contracts,
            scrutiny,
            statements,
            quality,
            [],
            footnotes,
        )
        report.limits = limits(report, o)
        renumber(report)
        return report

    def exposure(self, n, reach, ours: set[str], agency_report) -> M.Exposure:
        """``n`` with its strongest paths; ``ours`` is the family and the products it offers
        (a path through them alone is direct)."""
        paths = [p for _, p in reach.paths(n, MAX_PATHS)] or [reach.strongest(n)]
        if agency_report:  # searched upstream: read each path from vendor to agency
            paths = [list(reversed(p)) for p in paths]
        built = [self.path(p) for p in paths]

        def outside(p: list[str]) -> list[str]:
            return [m for m in p[1:-1] if m not in ours and self.ORG in self.labels(m)]

        through: list[M.EntityRef] = []
        for p in paths:
            for m in outside(p):
                if m not in [t.id for t in through]:
                    through.append(self.ref(m))
        direct = any(not outside(p) for p in paths)
        dist = len(paths[0]) - 1
        notes = sorted({x for h in built[0].hops for c in h.claims for x in c.notes})
        if agency_report:
            group = label = self.labels(n)[0]
            flags = self.entity_flags(n)
        else:
            kind = self.agency_kind(n)
            group, label = kind.notation, kind.label
            flags = self.entity_flags(n)
        strength = built[0].strength if built else ""
        owners, owner_notes = self.owners(n) if agency_report else ([], [])
        return M.Exposure(
            self.ref(n),
            group,
            label,
            direct,
            strength,
            dist,
            through,
            flags,
            built,
            notes,
            owners,
            owner_notes,
        )

    def owners(self, n: str) -> tuple[list[M.EntityRef], list[int]]:
        """``n``'s owners up the OWNS chain (nearest first) and the footnotes of those claims."""
        found: list[M.EntityRef] = []
        notes: set[int] = set()
        seen, frontier = {n}, [n]
        while frontier:
            nxt = []
            for m in frontier:
                for u, v, d in _in_edges(self.G, m):
                    if d.get("type") != self.OWNS or self.rules.rank(d) is None:
                        continue
                    notes.update(self.claim(u, v, d).notes)
                    if u not in seen:
                        seen.add(u)
                        found.append(self.ref(u))
                        nxt.append(u)
            frontier = nxt
        return found, sorted(notes)

    def agency_kind(self, n: str):
        kinds = [
            self.kinds[c.agency_kind]
            for s in self._node[n].get("sectors", [])
            if (c := self.sectors.get(s)) and c.agency_kind in self.kinds
        ]
        if kinds:
            return min(kinds, key=lambda k: (k.rank, k.notation))
        return next(
            (k for k in self.kinds.values() if k.default),
            min(self.kinds.values(), key=lambda k: -k.rank),
        )

    def entity_flags(self, n: str) -> list[str]:
        d = self._node[n]
        concepts = [self.sectors.get(s) for s in d.get("sectors", [])]
        concepts += [self.categories.get(c) for c in d.get("categories", [])]
        return sorted({f for c in concepts if c for f in c.flags})

    def technologies(self, reach, fam, own_products, agency_report) -> list[M.Group]:
        """Company: the products the family offers. Agency: the products reaching it."""
        if agency_report:
            products = {n for n in reach.info if self.PRODUCT in self.labels(n)}
        else:
            products = set(own_products)
        groups: dict[str, list[M.Item]] = defaultdict(list)
        for p in sorted(products, key=self.g.name):
            if agency_report:
                nodes = list(reversed(reach.strongest(p)))
                notes = sorted(
                    {x for h in self.path(nodes).hops for c in h.claims for x in c.notes}
                    if len(nodes) > 1
                    else set()
                )
            else:
                notes = sorted(
                    {
                        x
                        for u, _, d in _in_edges(self.G, p)
                        if u in fam and d.get("type") == self.OFFERS
                        and self.rules.rank(d) is not None
                        for x in self.claim(u, p, d).notes
                    }
                )  # fmt: skip
            cats = self._node[p].get("categories") or [""]
            for c in cats:
                groups[c].append(M.Item(self.ref(p), self.g.name(p), notes))
        out = []
        for c, items in groups.items():
            concept = self.categories.get(c)
            label = concept.label if concept else (c or "uncategorised")
            out.append(M.Group(c, label, items))
        return sorted(out, key=lambda gr: (gr.key == "", gr.label))

    def flags(self, exposure, technologies, agency_report, fam) -> list[M.RiskFlag]:
        reasons: dict[str, list[M.Item]] = defaultdict(list)
        seen: set[tuple[str, str]] = set()

        def add(n: str, notes: list[int], own: bool = False) -> None:
            d = self._node[n]
            for key, table, what in (
                ("sectors", self.sectors, "sector"),
                ("categories", self.categories, "technology category"),
            ):
                for x in d.get(key, []):
                    c = table.get(x)
                    if c is None:
                        continue
                    for f in c.flags:
                        if (f, n) not in seen:
                            seen.add((f, n))
                            if own:  # the subject's own record, shown in the header
                                whose = (
                                    "the subject's own"
                                    if n == self.node
                                    else "a component's (see Family in the header)"
                                )
                                text = f"{whose} {what}: {c.label}"
                                reasons[f].append(M.Item(None, text, notes))
                                continue
                            text = f"{self.g.name(n)}: {what} {c.label}"
                            reasons[f].append(M.Item(self.ref(n), text, notes))

        for e in exposure:
            add(e.entity.id, e.notes)
            for p in e.paths[:1]:
                for h in p.hops:
                    for end in (h.source, h.target):
                        if self.PRODUCT in self.labels(end.id):
                            add(end.id, e.notes)
        for gr in technologies:
            for it in gr.items:
                add(it.entity.id, it.notes)
        if agency_report:
            for n in [self.node, *sorted(fam - {self.node})]:
                add(n, [], own=True)
        out = []
        for notation, items in reasons.items():
            c = self.flag_concepts.get(notation)
            if c is None:
                continue
            out.append(M.RiskFlag(notation, c.label, c.definition, items))
        return sorted(out, key=lambda f: (self.flag_concepts[f.flag].rank, f.flag))

    def group_exposure(self, exposure, agency_report) -> list[M.Group]:
        groups: dict[str, M.Group] = {}
        if not agency_report:  # every kind of agency, so that an empty kind shows as empty
            for k in self.kinds.values():
                groups[k.notation] = M.Group(k.notation, k.label, [])
        for e in exposure:
            if agency_report:  # vendors: who deals with the agency, who only through others
                key, label = _VENDOR_GROUPS[e.direct]
                gr = groups.setdefault(key, M.Group(key, label, []))
            else:
                gr = groups.setdefault(e.group, M.Group(e.group, e.group_label, []))
            via = ", ".join(t.name for t in e.through)
            how = (
                ("directly" + (f" and through {via}" if via else ""))
                if e.direct
                else f"through {via}"
            )
            text = f"{e.entity.name} — {how}; {T.strength_phrase(e.strength, e.distance)}"
            gr.items.append(M.Item(e.entity, text, e.notes))
        if agency_report:
            return [
                groups[k] for k, _ in (_VENDOR_GROUPS[True], _VENDOR_GROUPS[False]) if k in groups
            ]
        order = {k.notation: k.rank for k in self.kinds.values()}
        return sorted(groups.values(), key=lambda gr: (order.get(gr.key, 99), gr.label))

    def contracts(self, fam: set[str], agency_report: bool) -> M.Contracts:
        G = self.G
        ids: set[str] = set()
        wanted = {self.BY} if agency_report else {self.TO, self.PARENT}
        for n in fam:
            for u, _, d in _in_edges(G, n):
                if d.get("type") in wanted:
                    ids.add(u)
        if not agency_report:  # contracts documenting the family's own claims (e.g. resellers)
            for n in fam:
                for _, _, d in _out_edges(G, n):
                    if d.get("contracts") and self.rules.any_claim(d):
                        ids.update(c for c in d.get("contracts", []) if c in G)
        items = [self.contract(c) for c in sorted(ids)]
        if self.as_of:
            year = int(str(self.as_of)[:4])
            items = [c for c in items if c.fiscal_year is None or c.fiscal_year <= year]
        items.sort(key=lambda c: (c.fiscal_year or 0, c.piid))
        cells: dict[tuple, list[M.Contract]] = defaultdict(list)
        years: dict[int | None, list[M.Contract]] = defaultdict(list)
        for c in items:
            party = c.recipient if agency_report else c.agency
            cells[(party.id if party else "", c.fiscal_year)].append(c)
            years[c.fiscal_year].append(c)
        rows = []
        for (pid, fy), cs in sorted(
            cells.items(), key=lambda x: (self.g.name(x[0][0]) if x[0][0] else "", x[0][1] or 0)
        ):
            rows.append(M.ContractRow(self.ref(pid) if pid else None, fy, totals(cs)))
        by_year = [
            M.ContractRow(None, fy, totals(cs))
            for fy, cs in sorted(years.items(), key=lambda x: (x[0] is None, x[0] or 0))
        ]
        grand = totals(items)
        measure = None
        for key, count in (
            ("obligated", grand.with_obligated),
            ("current_value", grand.with_current_value),
            ("potential_value", grand.with_potential_value),
        ):
            if count and any(c.fiscal_year is not None and getattr(c, key) for c in items):
                measure = key
                break
        return M.Contracts(items, rows, by_year, grand, measure)

    def contract(self, c: str) -> M.Contract:
        G = self.G
        d = self._node[c]
        party: dict[str, str] = {}
        for _, v, ed in _out_edges(G, c):
            party.setdefault(ed.get("type"), v)
        from graphkit.sources import figures_of, record_evidence_keys

        # one figure per amount over the contract's own and its records' (other sources'
        # reports): the rule of queries/contracts-by-agency-year.rq, cited to every source
        f = figures_of(c, d)
        ev = list(d.get("evidence", []))
        for key in record_evidence_keys():
            ev += [e for e in d.get(key) or () if e not in ev and e in G]
        links = []
        for e in ev:
            url = self._node[e].get("url") if e in G else None
            if isinstance(url, str) and url not in links:
                links.append(url)
        return M.Contract(
            c,
            str(d.get("piid", c)),
            _s(d.get("description")),
            self.ref(party[self.BY]) if self.BY in party else None,
            self.ref(party[self.TO]) if self.TO in party else None,
            self.ref(party[self.PARENT]) if self.PARENT in party else None,
            f.fiscal_year,
            f.obligated,
            f.current_value,
            f.potential_value,
            _s(d.get("currency")),
            links,
            self.cite_evidence(ev),
        )

    def scrutiny(self, fam: set[str], exposure: list[M.Exposure]) -> list[M.Scrutiny]:
        targets: dict[str, typing.Literal["family", "intermediary"]] = {n: "family" for n in fam}
        for e in exposure:
            for t in e.through:
                targets.setdefault(t.id, "intermediary")
        out = []
        for n, about in targets.items():
            for u, _, d in _in_edges(self.G, n):
                if d.get("type") in self.o.scrutiny_types and self.rules.any_claim(d):
                    claim = self.claim(u, n, d)
                    out.append(M.Scrutiny(self.ref(u), self.ref(n), about, claim, self.cited(u, n)))
        return sorted(
            out,
            key=lambda s: (
                s.about != "family",
                s.claim.start or "9999",
                s.actor.name,
                s.claim.claim,
            ),
        )

    def cited(self, actor: str, target: str) -> list[M.Citation]:
        """Statements that the actor's statements about the target cite (``gk:cites``), such as
        the UN expert in a shareholder proposal's footnote; in scope as :meth:`statements`."""
        G, links = self.G, self.o.link_types
        about, by, cites = (links.get(GK + k) for k in ("about", "statedBy", "cites"))
        if by is None or cites is None:
            return []
        topics = {c.notation: c.label for c in self.o.scheme(GK + "StatementTopics")}
        out: dict[str, M.Citation] = {}
        for s, _, e in _in_edges(G, actor):
            if e.get("type") != by or not self._statement_in_scope(s):
                continue
            said = list(_out_edges(G, s))
            if not any(v == target and d.get("type") == about for _, v, d in said):
                continue
            for _, c, d in said:
                if d.get("type") != cites or c in out or not self._statement_in_scope(c):
                    continue
                cd = self._node[c]
                speaker = next((v for _, v, x in _out_edges(G, c) if x.get("type") == by), None)
                topic = _s(cd.get("topic"))
                out[c] = M.Citation(
                    c,
                    s,
                    self.ref(speaker) if speaker else None,
                    topics.get(topic, topic) if topic else None,
                    _s(cd.get("as_of")),
                    cd.get("status") or "",
                    _s(cd.get("summary")),
                    self.cite_evidence(cd.get("evidence", [])),
                )
        return sorted(out.values(), key=lambda x: (x.as_of or "", x.id))

    def _statement_in_scope(self, s: str) -> bool:
        """A statement whose status is not negated and which is valid on ``as_of`` when given."""
        sd = self._node[s]
        st = self.o.status(sd.get("status"))
        if st is not None and st.negated:
            return False
        when = _s(sd.get("as_of"))
        return not (
            self.as_of and when and P.bound(when, low=True) > P.bound(self.as_of, low=False)
        )

    def statements(self, fam: set[str]) -> list[M.Statement]:
        """Statements ABOUT a family member, valid on ``as_of`` when given."""
        G = self.G
        about = self.o.link_types.get(GK + "about")
        by = self.o.link_types.get(GK + "statedBy")
        if about is None:
            return []
        topics = {c.notation: c for c in self.o.scheme(GK + "StatementTopics")}
        out = []
        for n in fam:
            for s, _, d in _in_edges(G, n):
                if d.get("type") != about:
                    continue
                sd = self._node[s]
                st = self.o.status(sd.get("status"))
                if st is not None and st.negated:
                    continue
                when = _s(sd.get("as_of"))
                if self.as_of and when and P.bound(when, low=True) > P.bound(self.as_of, low=False):
                    continue
                speaker = next((v for _, v, e in _out_edges(G, s) if e.get("type") == by), None)
                topic = _s(sd.get("topic"))
                out.append(
                    M.Statement(
                        s,
                        self.ref(n),
                        self.ref(speaker) if speaker else None,
                        topic,
                        topics[topic].label if topic in topics else topic,
                        _num(sd.get("quantity")),
                        _s(sd.get("qualifier")),
                        _s(sd.get("unit")),
                        when,
                        sd.get("status") or "",
                        _s(sd.get("summary")),
                        self.cite_evidence(sd.get("evidence", [])),
                    )
                )
        return sorted(out, key=lambda x: (x.topic_label or "", x.as_of or "", x.id))

    def quality(self) -> M.Quality:
        q = M.Quality([], [], [], [], [])
        uncertain = {s.notation for s in self.o.statuses.values() if s.uncertain}
        for cid, (u, v, d) in sorted(self.claims_used.items()):
            notes = self._claims[cid].notes  # one footnote per distinct source URL
            single, unsure = len(notes) <= 1, d.get("status") in uncertain
            if not (single or unsure):
                continue
            desc = self._claim_text(u, v, d)
            if single:
                q.single_source.append(M.QualityEntry(desc, cid, d.get("status"), notes))
            if unsure:
                q.uncertain.append(M.QualityEntry(desc, cid, d.get("status"), notes))
        for url, n in sorted(self.notes.items(), key=lambda x: x[1]):
            recs = [self._node[e] for e in self.note_ev[url]]
            title = next((r.get("title") for r in recs if r.get("title")), url)
            if not any(_first(r.get("published")) for r in recs):
                q.undated.append(M.QualityEntry(f"{title}", None, None, [n]))
            if any(isinstance(r.get("title"), str) and _SUPPLIED.match(r["title"]) for r in recs):
                q.supplied_titles.append(M.QualityEntry(f"{title}", None, None, [n]))
            if any(_truthy(r.get("url_constructed")) for r in recs):
                q.constructed_urls.append(M.QualityEntry(f"{title}", None, None, [n]))
        return q

    def _claim_text(self, u: str, v: str, d: dict) -> str:
        return f"{self.ref(u).name} {self._claims[d['claim']].type_label} {self.ref(v).name}"

    def by_status(self) -> list[M.StatusCount]:
        counts = Counter(d.get("status") or "" for _u, _v, d in self.claims_used.values())
        out = []
        for s in sorted(counts, key=self.o.strength):
            st = self.o.status(s)
            out.append(M.StatusCount(s, st.label if st else s, counts[s]))
        return out

    def footnotes(self) -> list[M.Footnote]:
        out = []
        for url, n in sorted(self.notes.items(), key=lambda x: x[1]):
            recs = [self._node[e] for e in self.note_ev[url]]
            if len(recs) == 1:
                rec = recs[0]

                def pick(k, rec=rec):
                    return _first(rec.get(k))
            else:

                def pick(k, recs=recs):
                    return next((_first(r.get(k)) for r in recs if _first(r.get(k))), None)

            et = pick("evidence_type")
            out.append(
                M.Footnote(
                    n,
                    url,
                    str(pick("title") or url),
                    pick("publisher"),
                    pick("published"),
                    self.etypes[et].label if et in self.etypes else et,
                    list(self.note_ev[url]),
                    any(_truthy(r.get("url_constructed")) for r in recs),
                )
            )
        return out

    def header(self, members, part_of, agency_report) -> M.Header:
        d = self._node[self.node]
        ids = {k: str(_first(d[k])) for k in sorted(self.o.identifier_keys) if d.get(k)}
        labels = [self.sectors[s].label if s in self.sectors else s for s in d.get("sectors", [])]
        labels += [
            self.categories[c].label if c in self.categories else c for c in d.get("categories", [])
        ]
        fingerprint, files = fingerprints(self.g.files)
        return M.Header(
            self.ref(self.node),
            "agency" if agency_report else "company",
            sorted(d.get("aliases", [])),
            ids,
            labels,
            members,
            part_of,
            self.generated.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            fingerprint,
            files,
            self.depth,
            self.as_of,
            self.min_status,
        )


def renumber(r: M.Report) -> None:
    """Number the footnotes in reading order (header, summary, flags, exposure, contracts,
    scrutiny, quality), so that a reader meets [1], [2], [3]... in turn."""
    holders: list = []  # every object with notes, once, in reading order
    seen: set[int] = set()

    def visit(x: object) -> None:
        stack: list = [x]
        while stack:
            y = stack.pop()
            if type(y) is list:
                stack.extend(reversed(y))
                continue
            if y is None:
                continue
            note_fields, kids = _PLANS.get(type(y)) or _plan(type(y))
            if not (note_fields or kids) or id(y) in seen:  # a name, or a shared hop or claim
                continue
            seen.add(id(y))
            for f in note_fields:
                holders.append((y, f))
            for n in reversed(kids):
                stack.append(getattr(y, n))

    s = r.summary
    parts: tuple[object, ...] = (
        *(r.header.family, s.agencies, s.technologies, r.contracts.totals, r.flags),
        *(r.exposure, r.contracts, r.scrutiny, r.statements, r.quality, r.limits),
    )
    for part in parts:
        visit(part)
    first_seen = dict.fromkeys(n for h, f in holders for n in getattr(h, f))
    first_seen.update(dict.fromkeys(f.number for f in r.footnotes))
    order = {n: i for i, n in enumerate(first_seen, 1)}
    new_number = order.__getitem__
    # a list shared by several holders (a claim's notes) is renumbered once; the old list is
    # kept with its new one so that its id cannot be reused while the table lives
    renumbered: dict[int, tuple[list[int], list[int]]] = {}
    for h, f in holders:
        old = getattr(h, f)
        got = renumbered.get(id(old))
        if got is None:
            got = renumbered[id(old)] = (old, sorted(map(new_number, old)))
        setattr(h, f, got[1])
    for f in r.footnotes:
        f.number = order[f.number]
    r.footnotes.sort(key=lambda f: f.number)


_PLANS: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def _plan(cls) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A report class's footnote fields (``notes``, ``*_notes``) and its fields that can hold
    report objects (from the type hints, so that strings and numbers are never visited)."""
    got = _PLANS.get(cls)
    if got is None:
        hints = typing.get_type_hints(cls)
        names = [f.name for f in dataclasses.fields(cls)]
        notes = tuple(n for n in names if n == "notes" or n.endswith("_notes"))
        kids = tuple(n for n in names if n not in notes and _holds_dataclass(hints[n]))
        got = _PLANS[cls] = (notes, kids)
    return got


def _holds_dataclass(t) -> bool:
    if dataclasses.is_dataclass(t):
        return True
    return any(_holds_dataclass(a) for a in typing.get_args(t) if a is not type(None))


# -- totals, fingerprints, limits ------------------------------------------------------------


def totals(items: list[M.Contract]) -> M.Totals:
    """Sums over ``items``; amounts that are not recorded are counted as absent."""
    s = lambda k: round(sum(getattr(c, k) or 0.0 for c in items), 2)  # noqa: E731
    n = lambda k: sum(getattr(c, k) is not None for c in items)  # noqa: E731
    return M.Totals(
        len(items),
        s("obligated"),
        s("current_value"),
        s("potential_value"),
        n("obligated"),
        n("current_value"),
        n("potential_value"),
        sorted({c.currency for c in items if c.currency}),
        sorted({x for c in items for x in c.notes}),
    )


_DIGESTS: dict[tuple, tuple[str, str]] = {}


def fingerprints(files: Iterable[Path]) -> tuple[str, list[dict[str, str]]]:
    """sha256 over the content of every input file in load order, and each file's own sha256,
    in one read per file (remembered per path, size and modification time in this process)."""
    files = list(files)
    key = tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files)
    got = _DIGESTS.get(key)
    if got is None:
        whole, each = hashlib.sha256(), []
        for f in files:
            one = hashlib.sha256()
            with open(f, "rb") as fh:
                for block in iter(functools.partial(fh.read, 1 << 20), b""):
                    whole.update(block)
                    one.update(block)
            each.append(one.hexdigest())
        got = _DIGESTS[key] = (whole.hexdigest(), "\0".join(each))
    return got[0], [{"name": f.name, "sha256": d} for f, d in zip(files, got[1].split("\0"))]


def limits(r: M.Report, o: Ontology) -> list[M.Item]:
    """What the report cannot tell: fixed caveats (about the method, citing nothing) plus ones
    computed from this report's data (citing the sources they count)."""

    def say(text: str, notes: Iterable[int] = ()) -> None:
        out.append(M.Item(None, text, sorted(set(notes))))

    out: list[M.Item] = []
    say(
        "It covers only what is recorded in the input files listed in the header; a relationship "
        "that no one documented, or that the curators have not entered, is absent. The absence "
        "of a path is not evidence that no relationship exists."
    )
    say(
        "A path shows that technology, data or money can flow from one party to the next, as "
        "stated by its sources. It does not show how a customer used the technology, whether any "
        "use violated anyone's rights, or what a company knew."
    )
    say(
        "Paths longer than the depth given under Scope in the header are not followed"
        + (", and only claims active on the as-of date are" if r.header.as_of else "")
        + "; claims a party has denied are never followed. Only the strongest paths to each "
        "counterpart are drawn (at most three, one per last step); weaker ones may exist."
    )
    say(
        "Contract amounts are as recorded in the award records. Where several sources report "
        "the same award, the largest amount any of them gives is counted once (award amounts "
        "are cumulative, so that is the latest report; a later de-obligation would be missed), "
        "with the earliest start date and fiscal year. Obligated, current and potential "
        "values are different measures and are summed separately, never mixed; current and "
        "potential values are what an award allows, not what was paid."
    )
    t, items = r.contracts.totals, r.contracts.items
    if t.contracts:
        missing = [c for c in items if c.obligated is None]
        if len(missing) == t.contracts:
            say(
                f"None of the {T.n(t.contracts, 'contract')} in scope records an obligated "
                "amount, so the report cannot say how much money was committed.",
                (x for c in missing for x in c.notes),
            )
        elif missing:
            say(
                f"{len(missing):,} of the {t.contracts:,} contracts in scope record no obligated "
                "amount, so the obligated total understates what was committed.",
                (x for c in missing for x in c.notes),
            )
        no_year = [c for c in items if c.fiscal_year is None]
        if len(no_year) == t.contracts:
            say(
                f"None of the {T.n(t.contracts, 'contract')} in scope records a fiscal year, so "
                "no chart of money over time can be drawn.",
                (x for c in no_year for x in c.notes),
            )
        elif no_year:
            say(
                f"{len(no_year):,} of the {t.contracts:,} contracts in scope record no fiscal "
                "year; they are listed under 'year not recorded' and left out of the chart.",
                (x for c in no_year for x in c.notes),
            )
    weak = [e for e in r.exposure if (s := o.status(e.strength)) and s.uncertain]
    if weak:
        say(
            f"{T.n(len(weak), 'counterpart')} reached only through alleged or disputed claims; "
            "treat those paths as leads to verify, not findings.",
            (x for e in weak for x in e.notes),
        )
    if r.quality.supplied_titles:
        say(
            f"{T.n(len(r.quality.supplied_titles), 'source title')} supplied by the curators "
            "(shown in [brackets]) because the original headline could not be verified.",
            (x for q in r.quality.supplied_titles for x in q.notes),
        )
    if r.empty:
        say(f"No relationship of {r.header.entity.name} is recorded within this scope.")
    return out


# -- graph access ----------------------------------------------------------------------------------


def _out_edges(G, n: str):
    """``G.out_edges(n, data=True)`` of a MultiDiGraph, read from its adjacency dicts (the
    edge views cost more than the edges at 100k claims)."""
    for v, keyed in G._succ[n].items():
        for d in keyed.values():
            yield n, v, d


def _in_edges(G, n: str):
    """``G.in_edges(n, data=True)`` of a MultiDiGraph, read from its adjacency dicts."""
    for u, keyed in G._pred[n].items():
        for d in keyed.values():
            yield u, n, d


# -- value helpers ---------------------------------------------------------------------------------


def _first(v):
    t = type(v)
    if t is list or t is tuple:
        return v[0] if v else None
    return v


def _s(v) -> str | None:
    v = _first(v)
    return None if v is None else str(v)


def _num(v) -> float | None:
    """A finite number, else None (NaN or infinity in the data are not amounts)."""
    v = _first(v)
    try:
        x = None if v is None else float(v)
    except (TypeError, ValueError):
        return None
    return x if x is None or math.isfinite(x) else None


def _year(v) -> int | None:
    v = _first(v)
    m = re.match(r"^\s*(\d{4})", str(v)) if v is not None else None
    return int(m.group(1)) if m else None


def _truthy(v) -> bool:
    v = _first(v)
    return v is True or (isinstance(v, str) and v.strip().lower() in ("true", "1", "yes"))
