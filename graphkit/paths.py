"""Path finding over the projected networkx MultiDiGraph: plain functions, claim edges only.

Only claim edges (those with a ``claim`` property) are followed; evidence and contract nodes are
never path steps. Filters restrict relationship types and claim statuses; ``directed=False``
also follows edges backwards.

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

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import networkx as nx

Neighbours = Callable[[str], Iterable[str]]


@dataclass(frozen=True)
class Filters:
    directed: bool = True
    types: frozenset[str] | None = None
    statuses: frozenset[str] | None = None

    def accepts(self, data: dict) -> bool:
        return (
            "claim" in data
            and (self.types is None or data.get("type") in self.types)
            and (self.statuses is None or data.get("status") in self.statuses)
        )


def _filters(directed=True, types=None, statuses=None) -> Filters:
    norm = lambda xs, f: frozenset(f(x) for x in xs) if xs else None  # noqa: E731
    return Filters(directed, norm(types, str.upper), norm(statuses, str.lower))


def claims_between(G: nx.MultiDiGraph, u: str, v: str, f: Filters) -> list[dict]:
    """Claim edges joining ``u`` to ``v`` that pass the filters, with their direction."""
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


def neighbours(G: nx.MultiDiGraph, f: Filters) -> Neighbours:
    def succ(n: str) -> Iterable[str]:
        seen = set()
        for _, v, d in G.out_edges(n, data=True):
            if v not in seen and f.accepts(d):
                seen.add(v)
                yield v
        if not f.directed:
            for u, _, d in G.in_edges(n, data=True):
                if u not in seen and f.accepts(d):
                    seen.add(u)
                    yield u

    return succ


def distances(G: nx.MultiDiGraph, source: str, max_hops: int, f: Filters) -> dict[str, int]:
    """Hop distance from ``source`` to every node reachable within ``max_hops``."""
    succ = neighbours(G, f)
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
    G: nx.MultiDiGraph, source: str, target: str, *, limit: int = 20, **filters
) -> list[list[str]]:
    """All shortest paths (as node lists), at most ``limit``, by breadth-first search."""
    f = _filters(**filters)
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


def simple_paths(
    G: nx.MultiDiGraph,
    source: str,
    target: str,
    *,
    max_hops: int = 4,
    limit: int = 50,
    **filters,
) -> list[list[str]]:
    """Simple paths of at most ``max_hops`` hops, shortest first, at most ``limit``.

    Searches one length at a time and only steps to nodes that can still reach the target in
    the hops left (distances from a reverse breadth-first search), so the work grows with
    ``limit``, not with the number of paths in a dense graph.
    """
    f = _filters(**filters)
    succ = neighbours(G, f)
    back = distances(G.reverse(copy=False) if f.directed else G, target, max_hops, f)
    paths: list[list[str]] = []
    if source == target or source not in back:
        return paths
    stack = [source]
    on_stack = {source}

    def dfs(node: str, left: int) -> None:
        for m in succ(node):
            if len(paths) >= limit:
                return
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
        dfs(source, length)
        paths[found:] = sorted(paths[found:])
        if len(paths) >= limit:
            break
    return paths


@dataclass
class Hop:
    source: str
    target: str
    claims: list[dict] = field(default_factory=list)


def hops(G: nx.MultiDiGraph, path: list[str], **filters) -> list[Hop]:
    """The claims behind every step of ``path``, with their evidence and contract records."""
    f = _filters(**filters)
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
        out.append(Hop(u, v, sorted(claims, key=lambda c: (c["type"], c["claim"]))))
    return out
