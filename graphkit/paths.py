"""Path finding over the projected networkx MultiDiGraph: plain functions, claim edges only.

Only claim edges (those with a ``claim`` property) are followed; evidence and contract nodes are
never path steps. An :class:`EdgeFilter` says which claims a traversal may use: relationship
types, statuses, a date (``as_of``), a minimum strength, and direction. The one filter serves
``path``, ``neighbors``, ``viz`` and reports alike; the commands traverse the columns
(:mod:`graphkit.adjacency`, which answers exactly what the functions here answer). The networkx
traversals below remain as the reference those tests compare against, and for the report's
:func:`strongest_paths` until it moves to the columns.

:meth:`EdgeFilter.make` with an ontology gives the defaults a careful researcher expects: only
the relationship types that carry technology, data or money (the ontology's ``gk:flowsTo``
sub-properties) and no negated (denied) claims. Without an ontology every claim is followed.

>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_edge("a", "b", key="c1", type="HOSTS", claim="c1", status="reported")
'c1'
>>> G.add_edge("b", "c", key="c2", type="SUPPLIES", claim="c2", status="confirmed")
'c2'
>>> shortest_paths(G, "a", "c")
[['a', 'b', 'c']]
>>> shortest_paths(G, "c", "a")
[]
>>> shortest_paths(G, "c", "a", directed=False)
[['c', 'b', 'a']]
>>> simple_paths(G, "a", "c", statuses={"confirmed"})
[]
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graphkit.errors import GraphkitError

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

Neighbours = Callable[[str], Iterable[str]]
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def check_date(text: str | None, option: str = "--as-of") -> str | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (a real month and day; returned unchanged), else
    a clear error.

    >>> check_date("2019-02"), check_date(None)
    ('2019-02', None)
    """
    import datetime as dt

    if text is None:
        return None
    s = str(text).strip()
    ok = bool(_DATE.match(s))
    if ok:
        y, m, d = (s.split("-") + ["01", "01"])[:3]
        try:
            dt.date(int(y), int(m), int(d))
        except ValueError:
            ok = False
    if not ok:
        raise GraphkitError(f"{option} {text!r}: expected a date YYYY, YYYY-MM or YYYY-MM-DD")
    return s


def bound(date, *, low: bool) -> str:
    """``2019`` -> ``2019-01-01`` (low) or ``2019-12-31`` (high); full dates unchanged.

    >>> bound("2019", low=True), bound("2019-06", low=False), bound("2019-06-03", low=False)
    ('2019-01-01', '2019-06-31', '2019-06-03')
    """
    s = str(date)[:10]
    pad = "0000-01-01" if low else "0000-12-31"
    return s + pad[len(s) :] if len(s) < 10 else s


@dataclass(frozen=True)
class EdgeFilter:
    """Which claim edges a traversal follows.

    ``types``/``statuses`` are sets of TYPE names / status notations (``None``: any);
    ``as_of`` keeps claims valid on that date (start <= date <= end; unknown dates kept and
    marked by :meth:`undated`) whose evidence was published by then (``published`` maps a claim
    id to the date of its earliest source, ``None`` when a source is undated);
    ``max_rank`` keeps statuses at least as strong as a status of that rank;
    ``since``/``until`` keep claims whose start..end interval overlaps that window (claims with
    no date at all are left out).
    """

    directed: bool = True
    types: frozenset[str] | None = None
    statuses: frozenset[str] | None = None
    excluded_statuses: frozenset[str] = frozenset()
    as_of: str | None = None
    max_rank: int | None = None
    ranks: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)
    published: Mapping[str, str | None] = field(default_factory=dict, compare=False, repr=False)
    flow_only: bool = False  # for messages: the type set is the ontology's flow default
    since: str | None = None
    until: str | None = None

    @classmethod
    def make(
        cls,
        ontology=None,
        *,
        directed: bool = True,
        types: Iterable[str] | None = None,
        statuses: Iterable[str] | None = None,
        all_relationships: bool = False,
        as_of: str | None = None,
        min_status: str | None = None,
        published: Mapping[str, str | None] | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> EdgeFilter:
        """A filter with the ontology's defaults: flow relationship types only (unless
        ``types`` or ``all_relationships``), negated statuses left out (unless named in
        ``statuses``)."""
        norm = lambda xs, f: frozenset(f(x) for x in xs) if xs else None  # noqa: E731
        types_, statuses_ = norm(types, str.upper), norm(statuses, str.lower)
        flow_only = False
        excluded: frozenset[str] = frozenset()
        ranks: dict[str, int] = {}
        max_rank = None
        if ontology is not None:
            known = set(ontology.rel_types.values())
            for t in types_ or ():
                if t not in known:
                    raise GraphkitError(
                        f"unknown relationship type {t!r}; the ontology defines: "
                        + ", ".join(sorted(known))
                    )
            for s in statuses_ or ():
                if s not in ontology.statuses:
                    raise GraphkitError(
                        f"unknown status {s!r}; statuses: " + ", ".join(sorted(ontology.statuses))
                    )
            if types_ is None and not all_relationships:
                types_, flow_only = frozenset(ontology.flow_types), True
            if statuses_ is None:
                excluded = frozenset(s.notation for s in ontology.statuses.values() if s.negated)
            ranks = {s.notation: s.rank for s in ontology.statuses.values()}
            if min_status is not None:
                st = ontology.status(min_status.lower())
                if st is None:
                    raise GraphkitError(
                        f"unknown status {min_status!r}; from strongest to weakest: "
                        + ", ".join(s.notation for s in ontology.statuses_by_strength())
                    )
                max_rank = st.rank
        return cls(
            directed=directed,
            types=types_,
            statuses=statuses_,
            excluded_statuses=excluded,
            as_of=check_date(as_of),
            max_rank=max_rank,
            ranks=ranks,
            published=published or {},
            flow_only=flow_only,
            since=check_date(since, "--since"),
            until=check_date(until, "--until"),
        )

    @classmethod
    def of(cls, source, **options) -> EdgeFilter:
        """:meth:`make` with the ontology of ``source`` (a :class:`graphkit.graph.Graph` or a
        :class:`graphkit.backends.Backend`: anything with ``ontology`` and ``published()``)
        and, for ``as_of``, the publication dates of its evidence."""
        published = source.published() if options.get("as_of") else None
        return cls.make(source.ontology, published=published, **options)

    def with_(self, **changes) -> EdgeFilter:
        from dataclasses import replace

        return replace(self, **changes)

    def accepts(self, data: Mapping) -> bool:
        if "claim" not in data:
            return False
        status = data.get("status")
        if self.types is not None and data.get("type") not in self.types:
            return False
        if self.statuses is not None and status not in self.statuses:
            return False
        if status in self.excluded_statuses:
            return False
        if self.max_rank is not None and self.ranks.get(str(status), 10**6) > self.max_rank:
            return False
        if self.as_of is not None and not self.valid_on(data, self.as_of):
            return False
        if (self.since or self.until) and not self.overlaps(data):
            return False
        return True

    def overlaps(self, data: Mapping) -> bool:
        """The claim's start..end interval overlaps ``since``..``until``; undated claims do not."""
        start, end = data.get("start"), data.get("end")
        if not start and not end:
            return False
        lo = bound(start or end, low=True)
        hi = bound(end, low=False) if end else "9999"
        if self.until and lo > bound(self.until, low=False):
            return False
        return not (self.since and hi < bound(self.since, low=True))

    def valid_on(self, data: Mapping, date: str) -> bool:
        """Valid on ``date``: start <= date <= end (missing bounds are open), and a source of the
        claim was published by then (or is undated)."""
        start, end = data.get("start"), data.get("end")
        if start and bound(start, low=True) > bound(date, low=False):
            return False
        if end and bound(end, low=False) < bound(date, low=True):
            return False
        first = self.published.get(data.get("claim", ""), None)
        return not (first and bound(first, low=True) > bound(date, low=False))

    @staticmethod
    def undated(data: Mapping) -> bool:
        """A claim with neither start nor end date (kept by ``as_of``, to be marked)."""
        return not data.get("start") and not data.get("end")

    def describe(self) -> str:
        """One line for output: what the traversal followed."""
        parts = []
        if self.flow_only:
            parts.append("relationships that carry technology, data or money")
        elif self.types is not None:
            parts.append("relationship types " + ", ".join(sorted(self.types)))
        else:
            parts.append("all relationship types")
        if self.statuses is not None:
            parts.append("statuses " + ", ".join(sorted(self.statuses)))
        elif self.excluded_statuses:
            parts.append("not " + "/".join(sorted(self.excluded_statuses)))
        if self.max_rank is not None:
            stronger = [s for s, r in sorted(self.ranks.items(), key=lambda x: x[1])]
            parts.append("at least " + stronger[self.max_rank - 1])
        if self.as_of:
            parts.append(f"valid on {self.as_of}")
        if self.since or self.until:
            parts.append(f"active {self.since or '…'} to {self.until or '…'}")
        if not self.directed:
            parts.append("either direction")
        return "; ".join(parts)


def _filters(f: EdgeFilter | None = None, **legacy) -> EdgeFilter:
    """``f``, or a filter from the keyword arguments ``directed``, ``types``, ``statuses``."""
    if f is not None:
        return f
    return EdgeFilter.make(None, **legacy)


def claims_between(G: nx.MultiDiGraph, u: str, v: str, f: EdgeFilter) -> list[dict]:
    """Claim edges joining ``u`` to ``v`` that pass the filter, with their direction."""
    out = [
        {**d, "direction": "forward", "source": u, "target": v}
        for d in (G.get_edge_data(u, v) or {}).values()
        if f.accepts(d)
    ]
    if not f.directed:
        out += [
            {**d, "direction": "backward", "source": v, "target": u}
            for d in (G.get_edge_data(v, u) or {}).values()
            if f.accepts(d)
        ]
    return out


def neighbours(G: nx.MultiDiGraph, f: EdgeFilter, *, reverse: bool = False) -> Neighbours:
    """Successors of a node along accepted claims (predecessors with ``reverse``; both ways
    when the filter is undirected). Answers are remembered for the life of the function, so a
    search that revisits a node filters its edges once."""
    fwd_adj, back_adj = (G.pred, G.succ) if reverse else (G.succ, G.pred)
    accepts = f.accepts
    memo: dict[str, tuple[str, ...]] = {}

    def succ(n: str) -> tuple[str, ...]:
        hit = memo.get(n)
        if hit is not None:
            return hit
        out = [m for m, keyed in fwd_adj[n].items() if any(map(accepts, keyed.values()))]
        if not f.directed:
            seen = set(out)
            out += [
                m
                for m, keyed in back_adj[n].items()
                if m not in seen and any(map(accepts, keyed.values()))
            ]
        memo[n] = found = tuple(out)
        return found

    return succ


def distances(
    G: nx.MultiDiGraph,
    source: str,
    max_hops: int,
    f: EdgeFilter,
    *,
    reverse: bool = False,
    max_nodes: int | None = None,
) -> dict[str, int]:
    """Hop distance from ``source`` to every node reachable within ``max_hops`` (to ``source``
    from every node that reaches it, with ``reverse``); with ``max_nodes``, stop once that many
    nodes are known (the nearest ones)."""
    succ = neighbours(G, f, reverse=reverse)
    dist = {source: 0}
    frontier = [source]
    for depth in range(1, max_hops + 1):
        nxt = []
        for n in frontier:
            for m in succ(n):
                if m not in dist:
                    dist[m] = depth
                    nxt.append(m)
                    if max_nodes is not None and len(dist) >= max_nodes:
                        return dist
        frontier = nxt
    return dist


class SimplePaths(list):
    """A list of paths that knows whether the search stopped at its time budget."""

    partial = False


class _OutOfTime(Exception):
    pass


def _paths_of_length(
    G: nx.MultiDiGraph,
    source: str,
    target: str,
    length: int,
    f: EdgeFilter,
    *,
    limit: int,
    deadline: float | None = None,
    tails_cache: dict | None = None,
) -> list[list[str]]:
    """Simple paths of exactly ``length`` hops, by meeting in the middle: backward partial
    paths of ``length // 2`` hops from the target, joined with forward partial paths of the
    rest from the source. The work grows with the neighbourhoods within half the length of
    either end, not with the whole graph (hubs in a million-claim graph stay cheap)."""
    a = (length + 1) // 2
    b = length - a
    cache = tails_cache if tails_cache is not None else {}
    if b not in cache:
        pred = neighbours(G, f, reverse=True)
        frontier = [[target]]
        for _ in range(b):
            nxt = []
            for rp in frontier:
                for m in pred(rp[-1]):
                    if m not in rp and m != source:
                        nxt.append([*rp, m])
            frontier = nxt
        tails: dict[str, list[list[str]]] = {}
        for rp in frontier:
            tails.setdefault(rp[-1], []).append(rp[::-1])
        cache[b] = tails
    tails = cache[b]
    if not tails:
        return []
    succ = neighbours(G, f)
    out: list[list[str]] = []
    head = [source]
    on = {source}
    steps = [0]

    def walk(node: str, left: int) -> None:
        for m in succ(node):
            if len(out) >= limit:
                return
            steps[0] += 1
            if deadline and steps[0] % 512 == 0 and time.perf_counter() > deadline:
                raise _OutOfTime
            if m in on:
                continue
            if left == 1:
                for tail in tails.get(m, ()):
                    if on.isdisjoint(tail):
                        out.append([*head, *tail])
                        if len(out) >= limit:
                            return
                continue
            if m == target:
                continue
            head.append(m)
            on.add(m)
            walk(m, left - 1)
            head.pop()
            on.discard(m)

    walk(source, a)
    return out


def simple_paths(
    G: nx.MultiDiGraph,
    source: str,
    target: str,
    *,
    max_hops: int = 4,
    limit: int = 50,
    budget: float | None = None,
    f: EdgeFilter | None = None,
    **filters,
) -> SimplePaths:
    """Simple paths of at most ``max_hops`` hops, shortest first, at most ``limit``.

    One length at a time, each by meeting in the middle (see :func:`_paths_of_length`), so a
    pair with no path, or a pair of hubs, is answered from two small neighbourhoods. With
    ``budget`` (seconds) the search stops when it runs out and the result has ``partial=True``.
    """
    f = _filters(f, **filters)
    paths = SimplePaths()
    if source == target or source not in G or target not in G:
        return paths
    deadline = time.perf_counter() + budget if budget else None
    cache: dict = {}
    for length in range(1, max_hops + 1):
        try:
            found = _paths_of_length(
                G,
                source,
                target,
                length,
                f,
                limit=limit - len(paths),
                deadline=deadline,
                tails_cache=cache,
            )
        except _OutOfTime:
            paths.partial = True
            break
        paths.extend(sorted(found))
        if len(paths) >= limit:
            break
    return paths


def shortest_paths(
    G: nx.MultiDiGraph,
    source: str,
    target: str,
    *,
    limit: int = 20,
    max_hops: int | None = None,
    f: EdgeFilter | None = None,
    **filters,
) -> list[list[str]]:
    """All shortest paths (as node lists), at most ``limit``: a bidirectional breadth-first
    search finds the length (``max_hops`` bounds it), then the paths of that length are
    listed by meeting in the middle."""
    f = _filters(f, **filters)
    if source == target or source not in G or target not in G:
        return []
    hops = distance(G, source, target, f, max_hops=max_hops)
    if hops is None:
        return []
    return sorted(_paths_of_length(G, source, target, hops, f, limit=limit))


def distance(
    G: nx.MultiDiGraph, source: str, target: str, f: EdgeFilter, *, max_hops: int | None = None
) -> int | None:
    """Hops of a shortest path (``None``: none within ``max_hops``), by bidirectional
    breadth-first search that always grows the smaller frontier."""
    if source == target:
        return 0
    succ, pred = neighbours(G, f), neighbours(G, f, reverse=True)
    fwd, back = {source: 0}, {target: 0}
    ff, bf = [source], [target]
    depth = 0
    while ff and bf and (max_hops is None or depth < max_hops):
        depth += 1
        grow_fwd = len(ff) <= len(bf)
        step, seen, other, frontier = (succ, fwd, back, ff) if grow_fwd else (pred, back, fwd, bf)
        nxt = []
        for n in frontier:
            for m in step(n):
                if m in other:
                    return seen[n] + 1 + other[m]
                if m not in seen:
                    seen[m] = seen[n] + 1
                    nxt.append(m)
        if grow_fwd:
            ff = nxt
        else:
            bf = nxt
    return None


@dataclass
class Hop:
    """One step of a path: the accepted claims joining ``source`` to ``target`` (each a dict
    with its ``direction``, ``evidence_records`` and ``contract_records``), sorted by type and
    claim id.

    ``claims`` is a plain list; :meth:`lazy` makes a hop whose list is built by a loader on
    first read (the columnar search decodes a step's records only when someone reads them).
    Equality, ``repr`` and pickling read the claims, so a lazy hop equals the eager one.

    >>> h = Hop.lazy("a", "b", lambda: [{"claim": "c1", "type": "HOSTS"}])
    >>> h.loaded, h.claims[0]["claim"], h.loaded
    (False, 'c1', True)
    >>> h == Hop("a", "b", [{"claim": "c1", "type": "HOSTS"}])
    True
    """

    source: str
    target: str
    claims: list[dict] = field(default_factory=list)

    @classmethod
    def lazy(cls, source: str, target: str, load: Callable[[], list[dict]]) -> Hop:
        """A hop whose claims ``load()`` returns when first read."""
        hop = cls(source, target)
        state: Any = hop  # (the loader's two slots are not dataclass fields)
        state._claims, state._load = None, load
        return hop

    @property
    def loaded(self) -> bool:
        """Whether the claims have been built (always true for an eager hop)."""
        return vars(self)["_claims"] is not None

    def __getstate__(self) -> dict:
        return {"source": self.source, "target": self.target, "_claims": self.claims}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, _load=None)


def _hop_claims(self: Any) -> list[dict]:
    if self._claims is None:
        self._claims, self._load = self._load(), None
    return self._claims


def _set_hop_claims(self: Any, claims: list[dict]) -> None:
    self._claims, self._load = claims, None


# ``claims`` stays a dataclass field (in __init__, __eq__, __repr__) read through a property
Hop.claims = property(_hop_claims, _set_hop_claims)  # type: ignore[assignment]


def hops(
    G: nx.MultiDiGraph,
    path: list[str],
    *,
    f: EdgeFilter | None = None,
    records: dict | None = None,
    **filters,
) -> list[Hop]:
    """The claims behind every step of ``path``, with their evidence and contract records.

    With ``f.as_of`` only evidence published by then (or undated) is listed. ``records`` may
    be shared between calls so that a node's record is built once.
    """
    f = _filters(f, **filters)
    cache = records if records is not None else {}

    def record(x: str) -> dict:
        rec = cache.get(x)
        if rec is None:
            rec = cache[x] = {"id": x, **{k: v for k, v in G.nodes[x].items() if k != "labels"}}
        return rec

    out = []
    for u, v in zip(path, path[1:]):
        claims = claims_between(G, u, v, f)
        for c in claims:
            c["evidence_records"] = [record(x) for x in c.get("evidence", []) if x in G]
            c["contract_records"] = [record(x) for x in c.get("contracts", []) if x in G]
            if f.as_of:
                c["evidence_records"] = [
                    e
                    for e in c["evidence_records"]
                    if not e.get("published")
                    or bound(e["published"], low=True) <= bound(f.as_of, low=False)
                ]
                c["undated"] = f.undated(c)
        out.append(Hop(u, v, sorted(claims, key=lambda c: (c["type"], c["claim"]))))
    return out


def hop_strength(hop: Hop, f: EdgeFilter) -> int:
    """A hop is as strong as its strongest claim (one good source suffices)."""
    return min((f.ranks.get(str(c.get("status")), 10**6) for c in hop.claims), default=10**6)


def path_strength(path_hops: list[Hop], f: EdgeFilter) -> int:
    """A path is as strong as its weakest hop (rank: lower is stronger)."""
    return max((hop_strength(h, f) for h in path_hops), default=10**6)


@dataclass
class Reached:
    """The strongest known path to a node: its rank (weakest claim) and its nodes."""

    rank: int
    nodes: list[str]


def strongest_paths(
    G: nx.MultiDiGraph, sources: Iterable[str], f: EdgeFilter, *, max_hops: int
) -> dict[str, Reached]:
    """For every node reachable from ``sources`` within ``max_hops``, the strongest path
    (smallest weakest-claim rank, then fewest hops), by a label-correcting breadth-first search.
    """
    best: dict[str, Reached] = {}
    frontier: dict[str, Reached] = {}
    for s in sources:
        best[s] = frontier[s] = Reached(0, [s])
    for _ in range(max_hops):
        nxt: dict[str, Reached] = {}
        for n, r in frontier.items():
            steps = [(v, d) for _, v, d in G.out_edges(n, data=True)]
            if not f.directed:
                steps += [(u, d) for u, _, d in G.in_edges(n, data=True)]
            for m, d in steps:
                if m in r.nodes or not f.accepts(d):
                    continue
                rank = max(r.rank, f.ranks.get(d.get("status"), 10**6))
                cand = Reached(rank, [*r.nodes, m])
                old = best.get(m)
                if old is None or (rank, len(cand.nodes)) < (old.rank, len(old.nodes)):
                    best[m] = cand
                    prev = nxt.get(m)
                    if prev is None or rank < prev.rank:
                        nxt[m] = cand
        frontier = nxt
    for s in sources:
        best.pop(s, None)
    return best
