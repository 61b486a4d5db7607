"""The networkx traversals that :mod:`graphkit.adjacency` replaced, kept for the tests only.

They are the reference the column search is compared with (same nodes, same paths in the same
order, same hop claims, same strongest paths), on the bundled data and generated graphs. The
package itself has one traversal, :mod:`graphkit.adjacency`. The vocabulary (filters, hops,
strengths) is :mod:`graphkit.paths`, re-exported here so tests can use one name for both.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

import networkx as nx

from graphkit.paths import (  # noqa: F401  (re-exported for the tests)
    EdgeFilter,
    Hop,
    Reached,
    SimplePaths,
    bound,
    check_date,
    hop_strength,
    path_strength,
)

Neighbours = Callable[[str], Iterable[str]]


class _OutOfTime(Exception):
    pass


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
