"""Path finding over the projected networkx MultiDiGraph: plain functions, claim edges only.

Only claim edges (those with a ``claim`` property) are followed; evidence and contract nodes are
never path steps. An :class:`EdgeFilter` says which claims a traversal may use: relationship
types, statuses, a date (``as_of``), a minimum strength, and direction. The one filter and the
one traversal serve ``path``, ``neighbors``, ``viz`` and reports alike.

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

import networkx as nx

from graphkit.errors import GraphkitError

Neighbours = Callable[[str], Iterable[str]]
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def check_date(text: str | None, option: str = "--as-of") -> str | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (returned unchanged), else a clear error."""
    if text is None:
        return None
    s = str(text).strip()
    if not _DATE.match(s):
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
    ``max_rank`` keeps statuses at least as strong as a status of that rank.
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
        )

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
        if self.max_rank is not None and self.ranks.get(status, 10**6) > self.max_rank:
            return False
        if self.as_of is not None and not self.valid_on(data, self.as_of):
            return False
        return True

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
        if not self.directed:
            parts.append("either direction")
        return "; ".join(parts)


Filters = EdgeFilter  # older name


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
    when the filter is undirected)."""
    fwd, back = (G.in_edges, G.out_edges) if reverse else (G.out_edges, G.in_edges)

    def succ(n: str) -> Iterable[str]:
        seen = set()
        for a, b, d in fwd(n, data=True):
            m = a if reverse else b
            if m not in seen and f.accepts(d):
                seen.add(m)
                yield m
        if not f.directed:
            for a, b, d in back(n, data=True):
                m = b if reverse else a
                if m not in seen and f.accepts(d):
                    seen.add(m)
                    yield m

    return succ


def distances(
    G: nx.MultiDiGraph, source: str, max_hops: int, f: EdgeFilter, *, reverse: bool = False
) -> dict[str, int]:
    """Hop distance from ``source`` to every node reachable within ``max_hops`` (to ``source``
    from every node that reaches it, with ``reverse``)."""
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
        frontier = nxt
    return dist


def shortest_paths(
    G: nx.MultiDiGraph,
    source: str,
    target: str,
    *,
    limit: int = 20,
    f: EdgeFilter | None = None,
    **filters,
) -> list[list[str]]:
    """All shortest paths (as node lists), at most ``limit``, by breadth-first search."""
    f = _filters(f, **filters)
    succ = neighbours(G, f)
    preds: dict[str, list[str]] = {source: []}
    frontier = [source]
    while frontier and target not in preds:
        level: dict[str, list[str]] = {}
        for n in frontier:
            for m in succ(n):
                if m not in preds:
                    level.setdefault(m, []).append(n)
        preds.update(level)
        frontier = list(level)
    if target not in preds or source == target:
        return []
    paths: list[list[str]] = []

    def walk(node: str, tail: list[str]) -> None:
        if len(paths) >= limit:
            return
        if node == source:
            paths.append([source, *tail])
            return
        for p in preds[node]:
            walk(p, [node, *tail])

    walk(target, [])
    return sorted(paths)


class SimplePaths(list):
    """A list of paths that knows whether the search stopped at its time budget."""

    partial = False


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

    Searches one length at a time and only steps to nodes that can still reach the target in
    the hops left (distances from a reverse breadth-first search), so the work grows with
    ``limit``, not with the number of paths in a dense graph. With ``budget`` (seconds) the
    search stops when it runs out and the result has ``partial=True``.
    """
    f = _filters(f, **filters)
    succ = neighbours(G, f)
    back = distances(G, target, max_hops, f, reverse=True)
    paths = SimplePaths()
    if source == target or source not in back:
        return paths
    deadline = time.perf_counter() + budget if budget else None
    stack = [source]
    on_stack = {source}
    steps = [0]

    class _Stop(Exception):
        pass

    def dfs(node: str, left: int) -> None:
        for m in succ(node):
            if len(paths) >= limit:
                return
            steps[0] += 1
            if deadline and steps[0] % 256 == 0 and time.perf_counter() > deadline:
                raise _Stop
            if m == target:
                if left == 1:
                    paths.append([*stack, m])
                continue
            if m in on_stack or back.get(m, max_hops + 1) > left - 1:
                continue
            stack.append(m)
            on_stack.add(m)
            dfs(m, left - 1)
            stack.pop()
            on_stack.discard(m)

    for length in range(back[source], max_hops + 1):
        found = len(paths)
        try:
            dfs(source, length)
        except _Stop:
            paths.partial = True
            paths[found:] = sorted(paths[found:])
            break
        paths[found:] = sorted(paths[found:])
        if len(paths) >= limit:
            break
    return paths


@dataclass
class Hop:
    source: str
    target: str
    claims: list[dict] = field(default_factory=list)


def hops(
    G: nx.MultiDiGraph, path: list[str], *, f: EdgeFilter | None = None, **filters
) -> list[Hop]:
    """The claims behind every step of ``path``, with their evidence and contract records.

    With ``f.as_of`` only evidence published by then (or undated) is listed.
    """
    f = _filters(f, **filters)
    out = []
    for u, v in zip(path, path[1:]):
        claims = claims_between(G, u, v, f)
        for c in claims:
            for key in ("evidence", "contracts"):
                c[f"{key.rstrip('s')}_records"] = [
                    {"id": x, **{k: val for k, val in G.nodes[x].items() if k != "labels"}}
                    for x in c.get(key, [])
                    if x in G
                ]
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
    return min((f.ranks.get(c.get("status"), 10**6) for c in hop.claims), default=10**6)


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
