"""What a view shows: a neighbourhood, the paths between two entities, a query's result, or the
whole graph, filtered by class, relationship type, claim status and date."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from graphkit.errors import GraphkitError
from graphkit.model import schema

DEFAULT_MAX_NODES = 500
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True)
class EdgeFilter:
    """Which edges to keep: relationship types, claim statuses, and a date window.

    Dates are ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``. With a date window a claim is kept when its
    ``start``..``end`` interval overlaps the window; claims with no date at all are left out.
    Statuses and dates apply to claims only; structural links (contracts) pass them.
    """

    types: frozenset[str] | None = None
    statuses: frozenset[str] | None = None
    since: str | None = None
    until: str | None = None

    @classmethod
    def make(cls, types=None, statuses=None, since=None, until=None) -> EdgeFilter:
        for name, d in (("since", since), ("until", until)):
            if d is not None and not _DATE.match(str(d)):
                raise GraphkitError(f"--{name} {d!r}: expected YYYY, YYYY-MM or YYYY-MM-DD")
        norm = lambda xs, f: frozenset(f(x) for x in xs) if xs else None  # noqa: E731
        return cls(norm(types, str.upper), norm(statuses, str.lower), since, until)

    @property
    def active(self) -> bool:
        return any(x is not None for x in (self.types, self.statuses, self.since, self.until))

    def accepts(self, d: dict) -> bool:
        if self.types is not None and d.get("type") not in self.types:
            return False
        if "claim" not in d:
            return True
        if self.statuses is not None and d.get("status") not in self.statuses:
            return False
        if self.since or self.until:
            start, end = d.get("start"), d.get("end")
            if not start and not end:
                return False
            lo, hi = _bound(start or end, low=True), _bound(end, low=False) if end else "9999"
            if self.until and lo > _bound(self.until, low=False):
                return False
            if self.since and hi < _bound(self.since, low=True):
                return False
        return True


def _bound(date, *, low: bool) -> str:
    """``2019`` -> ``2019-01-01`` (low) or ``2019-12-31`` (high); full dates unchanged."""
    s = str(date)[:10]
    pad = "0000-01-01" if low else "0000-12-31"
    return s + pad[len(s) :] if len(s) < 10 else s


@dataclass
class Selection:
    """What a view shows: node ids, edges ``(source, target, key)``, and what to highlight."""

    nodes: list[str]
    edges: list[tuple[str, str, str]]
    title: str
    mode: str = "graph"
    highlight: set[str] = field(default_factory=set)  # node ids and edge keys
    paths: list[list[str]] = field(default_factory=list)
    hops: list = field(default_factory=list)  # per path, the graph's Hop records


def select(
    graph,
    *,
    focus: str | None = None,
    depth: int = 1,
    path: tuple[str, str] | None = None,
    query: str | Path | None = None,
    query_language: str | None = None,
    params: dict[str, str] | None = None,
    labels: Iterable[str] | None = None,
    types: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    max_hops: int = 4,
    directed: bool = True,
    limit: int = 20,
) -> Selection:
    """Choose nodes and edges: a neighbourhood, the paths between two entities, the result of a
    query (a file path or the query text, with ``params`` bound), or the whole graph; then filter
    by class (``labels``), relationship type, claim status and date. An empty result is an
    error, not an empty picture."""
    if sum(x is not None for x in (focus, path, query)) > 1:
        raise GraphkitError("choose one of focus, path and query")
    filt = EdgeFilter.make(types, statuses, since, until)
    schema_labels = set(schema().node_labels)
    wanted = None
    if labels:
        wanted = {_label(lb, schema_labels) for lb in labels}
    G = graph.G
    node_ok = (
        (lambda n: bool(wanted & set(G.nodes[n]["labels"])))
        if wanted
        else (lambda n: not schema().hidden & set(G.nodes[n]["labels"][:1]))
    )
    if path is not None:
        return _select_path(graph, path, filt, node_ok, max_hops, directed, limit)
    if focus is not None:
        center = graph.find(focus)
        dist = _reach(G, center, depth, filt, node_ok)
        nodes = set(dist)
        hops = "1 hop" if depth == 1 else f"{depth} hops"
        title = f"{graph.name(center)} and {len(nodes) - 1} entities within {hops}"
        sel = _induced(G, nodes, filt, title, "focus")
        sel.highlight = {center}
        return sel
    if query is not None:
        from graphkit.viz.query import run_query

        res = run_query(graph, query, query_language, params)
        claims = res.claims
        nodes = {n for n in res.nodes if not wanted or node_ok(n)}
        bound = ", ".join(
            f"{k} = {graph.name(v) if isinstance(v, str) and v in G else v}"
            for k, v in res.params.items()
        )
        title = f"Query: {res.label}" + (f" ({bound})" if bound else "")
        sel = _induced(G, nodes, filt, title, "query")
        keys = {k for *_, k in sel.edges}
        for u, v, k in claims:
            if (
                k not in keys
                and filt.accepts(G.edges[u, v, k])
                and (not wanted or (node_ok(u) and node_ok(v)))
            ):
                sel.edges.append((u, v, k))
                for n in (u, v):
                    if n not in nodes:
                        nodes.add(n)
                        sel.nodes.append(n)
        sel.highlight = {k for *_, k in claims}
        if not sel.nodes:
            given = f" with {bound}" if bound else ""
            raise GraphkitError(
                f"{res.label}: the query{given} names no node or claim to draw"
                + (" with these filters" if filt.active or wanted else "")
            )
        return sel
    nodes = {n for n in G if node_ok(n)}
    sel = _induced(G, nodes, filt, "Whole graph", "graph")
    if filt.active:  # drop what the filters cut off entirely
        touched = {n for u, v, _ in sel.edges for n in (u, v)}
        sel.nodes = [n for n in sel.nodes if n in touched]
    if not sel.nodes:
        raise GraphkitError("nothing to draw: no node passes these filters")
    return sel


def _label(text: str, known: set[str]) -> str:
    for lb in known:
        if lb.casefold() == text.strip().casefold():
            return lb
    raise GraphkitError(f"unknown class {text!r}; the ontology defines: {', '.join(sorted(known))}")


def _reach(G, center: str, depth: int, filt: EdgeFilter, node_ok) -> dict[str, int]:
    """Breadth-first distances over kept edges in both directions (claims and links)."""
    dist = {center: 0}
    frontier = [center]
    for k in range(1, depth + 1):
        nxt = []
        for n in frontier:
            steps = [(v, d) for _, v, d in G.out_edges(n, data=True)]
            steps += [(u, d) for u, _, d in G.in_edges(n, data=True)]
            for m, d in steps:
                if m not in dist and node_ok(m) and filt.accepts(d):
                    dist[m] = k
                    nxt.append(m)
        frontier = nxt
    return dist


def _induced(G, nodes: set[str], filt: EdgeFilter, title: str, mode: str) -> Selection:
    edges = [
        (u, v, k)
        for u, v, k, d in G.edges(keys=True, data=True)
        if u in nodes and v in nodes and filt.accepts(d)
    ]
    return Selection(sorted(nodes), edges, title, mode)


def _select_path(graph, ends, filt, node_ok, max_hops, directed, limit) -> Selection:
    a, b = ends
    r = graph.path(
        a,
        b,
        max_hops=max_hops,
        directed=directed,
        types=filt.types,
        statuses=filt.statuses,
        limit=limit,
    )
    paths, hops = [], []
    for p, hs in zip(r.paths, r.hops):
        for h in hs:
            h.claims = [c for c in h.claims if filt.accepts(c)]
        if all(h.claims for h in hs):
            paths.append(p)
            hops.append(hs)
    if not paths:
        hint = ""
        hops = r.near.get("undirected_hops")
        if directed and hops and hops <= max_hops:
            hint = f" Ignoring direction (--undirected) there is one of {hops} hops."
        raise GraphkitError(
            f"no path from {graph.name(r.source)} to {graph.name(r.target)} "
            f"within {max_hops} hops with these filters.{hint}"
        )
    nodes = sorted({n for p in paths for n in p})
    edges, seen = [], set()
    for hs in hops:
        for h in hs:
            for c in h.claims:
                if c["claim"] not in seen:
                    seen.add(c["claim"])
                    u, v = (
                        (h.source, h.target)
                        if c["direction"] == "forward"
                        else (h.target, h.source)
                    )
                    edges.append((u, v, c["claim"]))
    title = f"Paths from {graph.name(r.source)} to {graph.name(r.target)}"
    hl = {r.source, r.target} | seen
    return Selection(nodes, edges, title, "path", hl, paths, hops)


def check_size(sel: Selection, max_nodes: int) -> None:
    if len(sel.nodes) > max_nodes:
        raise GraphkitError(
            f"the selection has {len(sel.nodes):,} nodes, more than the limit of {max_nodes:,}. "
            "Narrow it (focus with depth, path, query, or filter by class, relationship type, "
            "status or date) or raise the limit (--max-nodes)."
        )
