"""Path search over the columnar projection: CSR adjacency, one vectorised edge mask per filter.

The functions here answer exactly what their namesakes in :mod:`graphkit.paths` answer on the
networkx graph (the same paths in the same order; ``tests/test_adjacency.py`` compares them),
but work on :class:`graphkit.columnar.Columns`:

- an :class:`graphkit.paths.EdgeFilter` becomes a boolean mask over all edges, computed once
  per filter with numpy (types and statuses through their small tables, dates through the
  integer date columns; the rare edge whose dates are not plain ``YYYY[-MM[-DD]]`` values is
  decided by :meth:`EdgeFilter.accepts` on its record), then a mask over the distinct
  ``(source, target)`` pairs of the CSR rows;
- distances come from a breadth-first search that expands a whole frontier at once (numpy
  gathers over the CSR rows), bidirectional for :func:`distance`, so a pair with no path is
  answered from two frontiers;
- simple paths are listed like :func:`graphkit.paths.simple_paths` (one length at a time, by
  meeting in the middle, in the same neighbour order, so a ``limit`` cuts the same list), but a
  step only enters a node from which the other end is still within reach (its distance to the
  target, or from the source, fits the hops left), so the search never walks into dead ends.

>>> from graphkit.columnar import from_projection
>>> from graphkit.projection import Edge, PropertyGraph
>>> from graphkit.paths import EdgeFilter
>>> pg = PropertyGraph(
...     nodes={n: {"labels": ("Company",), "name": n} for n in "abc"},
...     edges=[Edge("a", "b", "HOSTS", {"claim": "c1", "status": "reported"}),
...            Edge("b", "c", "SUPPLIES", {"claim": "c2", "status": "confirmed"})])
>>> adj = Adjacency(from_projection(pg))
>>> f = EdgeFilter()
>>> shortest_paths(adj, "a", "c", f=f), shortest_paths(adj, "c", "a", f=f)
([['a', 'b', 'c']], [])
>>> distance(adj, "c", "a", f.with_(directed=False))
2
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import numpy as np

from graphkit.columnar import IRREGULAR, OPEN_END, Columns, date_code
from graphkit.paths import EdgeFilter, Hop, Reached, SimplePaths, bound

INF = np.iinfo(np.int16).max
_Rows = tuple[np.ndarray, np.ndarray, np.ndarray]  # row pointers, neighbours, accepted


class _OutOfTime(Exception):
    pass


def edge_mask(cols: Columns, f: EdgeFilter) -> np.ndarray:
    """``f.accepts`` of every edge, as one boolean array."""
    E = cols.n_edges
    if not E:
        return np.zeros(0, bool)
    mask = cols.claim.copy()
    if f.types is not None:
        mask &= np.array([t in f.types for t in cols.types], dtype=bool)[cols.etype]
    mask &= np.array([_status_ok(f, s) for s in cols.statuses], dtype=bool)[cols.estatus]
    base = mask.copy()
    odd = np.zeros(E, bool)
    if f.as_of is not None:
        lo, hi = date_code(f.as_of, low=True), date_code(f.as_of, low=False)
        s, end = cols.start_lo, cols.end_hi
        mask &= ~((s > 0) & (s > hi)) & ~((end > 0) & (end < lo))
        odd |= (s == IRREGULAR) | (end == IRREGULAR)
        if f.published is cols._published and f.published is not None:
            p = cols.pub_lo
            mask &= ~((p > 0) & (p > hi))
            odd |= p == IRREGULAR
        elif f.published:
            odd |= True  # dates from elsewhere: asked record by record
    if f.since or f.until:
        s, elo, ehi = cols.start_lo, cols.end_lo, cols.end_hi
        mask &= (s != 0) | (elo != 0)
        first = np.where(s != 0, s, elo)
        last = np.where(ehi != 0, ehi, OPEN_END)
        if f.until:
            mask &= ~(first > date_code(f.until, low=False))
        if f.since:
            mask &= ~(last < date_code(f.since, low=True))
        odd |= (s == IRREGULAR) | (elo == IRREGULAR) | (ehi == IRREGULAR)
    for e in np.flatnonzero(odd & base).tolist():
        mask[e] = f.accepts(cols.edge_data(e))
    return mask


def _status_ok(f: EdgeFilter, status) -> bool:
    if f.statuses is not None and status not in f.statuses:
        return False
    if status in f.excluded_statuses:
        return False
    return not (f.max_rank is not None and f.ranks.get(str(status), 10**6) > f.max_rank)


class View:
    """The adjacency under one filter: accepted edges and pairs, and neighbour lists in the
    order :func:`graphkit.paths.neighbours` gives them (remembered per node)."""

    def __init__(self, cols: Columns, f: EdgeFilter):
        self.cols, self.f, self.directed = cols, f, f.directed
        self.edge_ok = edge_mask(cols, f)
        pair_ok = np.bincount(cols.pair_of[self.edge_ok], minlength=len(cols.fwd_pair)) > 0
        self.fwd_ok = pair_ok[cols.fwd_pair]
        self.rev_ok = pair_ok[cols.rev_pair]
        self._memo: tuple[dict, dict] = ({}, {})
        self._levels: dict = {}

    def _rows(self, reverse: bool) -> tuple[_Rows, _Rows]:
        c = self.cols
        fwd = (c.fwd_ptr, c.fwd_nbr, self.fwd_ok)
        rev = (c.rev_ptr, c.rev_nbr, self.rev_ok)
        return (rev, fwd) if reverse else (fwd, rev)

    def neighbours(self, n: int, reverse: bool = False) -> tuple[int, ...]:
        memo = self._memo[reverse]
        hit = memo.get(n)
        if hit is not None:
            return hit
        (ptr, nbr, ok), (ptr2, nbr2, ok2) = self._rows(reverse)
        lo, hi = ptr[n], ptr[n + 1]
        out = nbr[lo:hi][ok[lo:hi]].tolist()
        if not self.directed:
            lo, hi = ptr2[n], ptr2[n + 1]
            seen = set(out)
            out += [m for m in nbr2[lo:hi][ok2[lo:hi]].tolist() if m not in seen]
        memo[n] = found = tuple(out)
        return found

    def expand(self, frontier: np.ndarray, reverse: bool = False) -> np.ndarray:
        """Every accepted neighbour of every frontier node (with repeats), in one gather."""
        rows = self._rows(reverse)
        (p1, n1, ok1), (p2, n2, ok2) = rows
        parts = [_gather(p1, n1, ok1, frontier)]
        if not self.directed:
            parts.append(_gather(p2, n2, ok2, frontier))
        return np.concatenate(parts) if len(parts) > 1 else parts[0]

    def levels(self, start: int, depth: int, reverse: bool = False) -> np.ndarray:
        """Hop distance from ``start`` (to it, with ``reverse``) of every node within ``depth``
        hops; :data:`INF` elsewhere."""
        key = (start, depth, reverse)
        hit = self._levels.get(key)
        if hit is not None:
            return hit
        dist = np.full(self.cols.n_nodes, INF, np.int16)
        dist[start] = 0
        frontier = np.array([start], np.int64)
        for d in range(1, depth + 1):
            nb = self.expand(frontier, reverse)
            nb = nb[dist[nb] == INF]
            if not len(nb):
                break
            frontier = np.unique(nb)
            dist[frontier] = d
        if len(self._levels) > 8:
            self._levels.clear()
        self._levels[key] = dist
        return dist

    def distance(self, s: int, t: int, max_hops: int | None) -> int | None:
        """Hops of a shortest path (``None``: none within ``max_hops``): a breadth-first search
        from both ends, whole frontiers at a time, growing the smaller one."""
        if s == t:
            return 0
        n = self.cols.n_nodes
        fwd = np.full(n, INF, np.int16)
        back = np.full(n, INF, np.int16)
        fwd[s], back[t] = 0, 0
        ff, bf = np.array([s], np.int64), np.array([t], np.int64)
        df = db = 0
        while len(ff) and len(bf) and (max_hops is None or df + db < max_hops):
            if len(ff) <= len(bf):
                nb = self.expand(ff, reverse=False)
                meet = back[nb]
                if np.any(meet != INF):
                    return df + 1 + int(meet.min())
                ff = np.unique(nb[fwd[nb] == INF])
                df += 1
                fwd[ff] = df
            else:
                nb = self.expand(bf, reverse=True)
                meet = fwd[nb]
                if np.any(meet != INF):
                    return db + 1 + int(meet.min())
                bf = np.unique(nb[back[nb] == INF])
                db += 1
                back[bf] = db
        return None


def _gather(ptr: np.ndarray, nbr: np.ndarray, ok: np.ndarray, frontier: np.ndarray) -> np.ndarray:
    starts = ptr[frontier]
    lens = ptr[frontier + 1] - starts
    total = int(lens.sum())
    if not total:
        return np.zeros(0, np.int32)
    offs = np.repeat(starts - (np.cumsum(lens) - lens), lens) + np.arange(total)
    return nbr[offs[ok[offs]]]


class Adjacency:
    """The columns and their filtered views (one per filter, kept for reuse)."""

    def __init__(self, cols: Columns):
        self.cols = cols
        self._views: dict = {}

    def view(self, f: EdgeFilter) -> View:
        key = (f, id(f.published) if f.published else 0, tuple(sorted(f.ranks.items())))
        hit = self._views.get(key)
        if hit is not None:
            return hit[1]
        if len(self._views) >= 16:
            self._views.clear()
        v = View(self.cols, f)
        self._views[key] = (f, v)  # the filter is kept so that id(f.published) stays its own
        return v

    def ids(self, path: list[int]) -> list[str]:
        return [self.cols.node_id(i) for i in path]


# -- the functions of graphkit.paths, on columns ------------------------------------------------


def claims_between(adj: Adjacency, u: str, v: str, f: EdgeFilter) -> list[dict]:
    """Claim edges joining ``u`` to ``v`` that pass the filter, with their direction."""
    c = adj.cols
    ui, vi = c.index_of(u), c.index_of(v)
    if ui is None or vi is None:
        return []
    ok = adj.view(f).edge_ok
    out = [
        {**c.edge_data(e), "direction": "forward", "source": u, "target": v}
        for e in c.edges_between(ui, vi).tolist()
        if ok[e]
    ]
    if not f.directed:
        out += [
            {**c.edge_data(e), "direction": "backward", "source": v, "target": u}
            for e in c.edges_between(vi, ui).tolist()
            if ok[e]
        ]
    return out


def distances(
    adj: Adjacency,
    source: str,
    max_hops: int,
    f: EdgeFilter,
    *,
    reverse: bool = False,
    max_nodes: int | None = None,
) -> dict[str, int]:
    """As :func:`graphkit.paths.distances` (the same nodes in the same order)."""
    view = adj.view(f)
    s = adj.cols.index_of(source)
    if s is None:
        raise KeyError(source)
    dist = {s: 0}
    frontier = [s]
    done = False
    for depth in range(1, max_hops + 1):
        nxt = []
        for n in frontier:
            for m in view.neighbours(n, reverse):
                if m not in dist:
                    dist[m] = depth
                    nxt.append(m)
                    if max_nodes is not None and len(dist) >= max_nodes:
                        done = True
                        break
            if done:
                break
        if done:
            break
        frontier = nxt
    return {adj.cols.node_id(n): d for n, d in dist.items()}


def distance(
    adj: Adjacency, source: str, target: str, f: EdgeFilter, *, max_hops: int | None = None
) -> int | None:
    """As :func:`graphkit.paths.distance`."""
    if source == target:
        return 0
    s, t = adj.cols.index_of(source), adj.cols.index_of(target)
    if s is None or t is None:
        return None
    return adj.view(f).distance(s, t, max_hops)


def _paths_of_length(
    view: View,
    s: int,
    t: int,
    length: int,
    *,
    limit: int,
    deadline: float | None = None,
) -> list[list[int]]:
    """:func:`graphkit.paths._paths_of_length` (same joins, same order) through nodes on some
    walk of at most ``length`` hops only."""
    a = (length + 1) // 2
    b = length - a
    ds = view.levels(s, length - 1, reverse=False)
    dt = view.levels(t, length - 1, reverse=True)
    steps = 0
    frontier = [[t]]
    for k in range(1, b + 1):
        nxt = []
        room = length - k
        for rp in frontier:
            for m in view.neighbours(rp[-1], True):
                steps += 1
                if deadline and steps % 512 == 0 and time.perf_counter() > deadline:
                    raise _OutOfTime
                if m != s and ds[m] <= room and m not in rp:
                    nxt.append([*rp, m])
        frontier = nxt
    tails: dict[int, list[list[int]]] = {}
    for rp in frontier:
        tails.setdefault(rp[-1], []).append(rp[::-1])
    if not tails:
        return []
    out: list[list[int]] = []
    head = [s]
    on = {s}
    count = [steps]
    succ = view.neighbours

    def walk(node: int, left: int) -> None:
        for m in succ(node):
            if len(out) >= limit:
                return
            count[0] += 1
            if deadline and count[0] % 512 == 0 and time.perf_counter() > deadline:
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
            if m == t or dt[m] > left - 1 + b:
                continue
            head.append(m)
            on.add(m)
            walk(m, left - 1)
            head.pop()
            on.discard(m)

    walk(s, a)
    return out


def simple_paths(
    adj: Adjacency,
    source: str,
    target: str,
    *,
    max_hops: int = 4,
    limit: int = 50,
    budget: float | None = None,
    f: EdgeFilter,
) -> SimplePaths:
    """As :func:`graphkit.paths.simple_paths`: simple paths of at most ``max_hops`` hops,
    shortest first, at most ``limit``; ``partial=True`` when ``budget`` seconds ran out."""
    paths = SimplePaths()
    c = adj.cols
    s, t = c.index_of(source), c.index_of(target)
    if source == target or s is None or t is None:
        return paths
    deadline = time.perf_counter() + budget if budget else None
    view = adj.view(f)
    shortest = view.distance(s, t, max_hops)
    if shortest is None:
        return paths
    for length in range(shortest, max_hops + 1):
        try:
            found = _paths_of_length(
                view, s, t, length, limit=limit - len(paths), deadline=deadline
            )
        except _OutOfTime:
            paths.partial = True
            break
        paths.extend(sorted(adj.ids(p) for p in found))
        if len(paths) >= limit:
            break
    return paths


def shortest_paths(
    adj: Adjacency,
    source: str,
    target: str,
    *,
    limit: int = 20,
    max_hops: int | None = None,
    f: EdgeFilter,
) -> list[list[str]]:
    """As :func:`graphkit.paths.shortest_paths`: all shortest paths, at most ``limit``."""
    c = adj.cols
    s, t = c.index_of(source), c.index_of(target)
    if source == target or s is None or t is None:
        return []
    view = adj.view(f)
    hops_ = view.distance(s, t, max_hops)
    if hops_ is None:
        return []
    return sorted(adj.ids(p) for p in _paths_of_length(view, s, t, hops_, limit=limit))


def find_paths(
    adj: Adjacency,
    source: str,
    target: str,
    f: EdgeFilter,
    *,
    max_hops: int,
    limit: int,
    shortest_only: bool = False,
    budget: float | None = 5.0,
) -> tuple[list[list[str]], bool]:
    """The shortest paths, then the other simple paths (as the networkx backend lists them),
    and whether the list is partial."""
    found = shortest_paths(adj, source, target, limit=limit, f=f, max_hops=max_hops)
    partial = False
    if found and not shortest_only:
        extra = simple_paths(
            adj, source, target, max_hops=max_hops, limit=limit, f=f, budget=budget
        )
        partial = extra.partial
        found += [p for p in extra if p not in found]
    return found, partial


def step_types(adj: Adjacency, path: list[str], f: EdgeFilter) -> set[str]:
    """The relationship types of the accepted claims along ``path`` (what
    ``{c["type"] for h in hops(adj, path, f=f) for c in h.claims}`` gives, without reading a
    record)."""
    c = adj.cols
    ok = adj.view(f).edge_ok
    out: set[str] = set()
    for u, v in zip(path, path[1:]):
        ui, vi = c.index_of(u), c.index_of(v)
        if ui is None or vi is None:
            continue
        pairs = [(ui, vi), (vi, ui)] if not f.directed else [(ui, vi)]
        for x, y in pairs:
            e = c.edges_between(x, y)
            out.update(c.types[t] for t in np.unique(c.etype[e[ok[e]]]).tolist())
    return out


def hops(
    adj: Adjacency,
    path: list[str],
    *,
    f: EdgeFilter,
    records: dict | None = None,
    steps: dict | None = None,
) -> list[Hop]:
    """As :func:`graphkit.paths.hops`: the claims behind every step, with their evidence and
    contract records (read from the columns). ``records`` (node records) and ``steps`` (the
    :class:`Hop` of each step, one object for every path that takes it: between two hubs a
    step holds thousands of claims) may be shared between calls with the same filter."""
    c = adj.cols
    cache = records if records is not None else {}

    def record(x: str, i: int) -> dict:
        rec = cache.get(x)
        if rec is None:
            rec = cache[x] = {"id": x, **c.node_props(i)}
        return rec

    def records_of(xs) -> list[dict]:
        out = []
        for x in xs:
            rec = cache.get(x)
            if rec is None:
                i = c.index_of(x)
                if i is None:
                    continue
                rec = record(x, i)
            out.append(rec)
        return out

    result = []
    for u, v in zip(path, path[1:]):
        done = steps.get((u, v)) if steps is not None else None
        if done is not None:
            result.append(done)
            continue
        claims = claims_between(adj, u, v, f)
        for cl in claims:
            cl["evidence_records"] = records_of(cl.get("evidence", []))
            cl["contract_records"] = records_of(cl.get("contracts", []))
            if f.as_of:
                cl["evidence_records"] = [
                    e
                    for e in cl["evidence_records"]
                    if not e.get("published")
                    or bound(e["published"], low=True) <= bound(f.as_of, low=False)
                ]
                cl["undated"] = f.undated(cl)
        claims.sort(key=lambda x: (x["type"], x["claim"]))
        hop = Hop(u, v, claims)
        if steps is not None:
            steps[(u, v)] = hop
        result.append(hop)
    return result


class StepRanks:
    """Under one filter, the rank of every step: the best (lowest) rank of the accepted claims
    joining a pair of nodes, computed for all pairs in one vectorised pass; a step with no
    accepted claim is not one. A claim whose status has no rank counts as 10**6 (as in
    :func:`graphkit.paths.strongest_paths`)."""

    WORST = 10**6

    def __init__(self, adj: Adjacency, f: EdgeFilter):
        c = self.cols = adj.cols
        self.directed = f.directed
        ok = adj.view(f).edge_ok
        worst = self.WORST
        status_rank = np.array([f.ranks.get(s, worst) for s in c.statuses] or [worst], np.int64)
        self.pair_rank = np.full(len(c.fwd_nbr), worst + 1, np.int64)
        np.minimum.at(self.pair_rank, c.pair_of[ok], status_rank[c.estatus[ok]])
        self._memo: tuple[dict, dict] = ({}, {})

    def steps(self, n: int, reverse: bool = False) -> list[tuple[int, int]]:
        """``(neighbour, rank)`` of every step out of node ``n`` (into it, with ``reverse``;
        both ways when the filter is undirected), in networkx's neighbour order."""
        memo = self._memo[reverse]
        got = memo.get(n)
        if got is None:
            c, worst, got = self.cols, self.WORST, []
            fwd, rev = (c.fwd_ptr, c.fwd_nbr, c.fwd_pair), (c.rev_ptr, c.rev_nbr, c.rev_pair)
            rows = [rev, fwd] if reverse else [fwd, rev]
            for ptr, nbr, pair in rows[:1] if self.directed else rows:
                lo, hi = int(ptr[n]), int(ptr[n + 1])
                pr = self.pair_rank[pair[lo:hi]]
                keep = pr <= worst
                got += zip(nbr[lo:hi][keep].tolist(), pr[keep].tolist())
            memo[n] = got
        return got


def strongest_paths(
    adj: Adjacency,
    sources: Iterable[str],
    f: EdgeFilter,
    *,
    max_hops: int,
    reverse: bool = False,
    ranks: StepRanks | None = None,
) -> dict[str, Reached]:
    """As :func:`graphkit.paths.strongest_paths` (on ``G``, or on ``G.reverse()`` with
    ``reverse``): for every node reachable from ``sources`` within ``max_hops``, the strongest
    path (smallest weakest-claim rank, then fewest hops), the same path in the same order.

    A step's rank is the best rank of its accepted claims (:class:`StepRanks`; pass ``ranks``
    to share one between searches with the same filter); the search visits the frontier and
    each node's pairs in networkx order, so ties go to the same path as on networkx."""
    c = adj.cols
    sr = ranks if ranks is not None else StepRanks(adj, f)

    def steps(n: int) -> list[tuple[int, int]]:
        return sr.steps(n, reverse)

    best: dict[int, tuple[int, list[int]]] = {}
    frontier: dict[int, tuple[int, list[int]]] = {}
    starts = []
    for s in sources:
        i = c.index_of(s)
        if i is not None:
            starts.append(i)
            best[i] = frontier[i] = (0, [i])
    for _ in range(max_hops):
        nxt: dict[int, tuple[int, list[int]]] = {}
        for n, (r_rank, r_nodes) in frontier.items():
            for m, step in steps(n):
                if m in r_nodes:
                    continue
                rank = r_rank if r_rank >= step else step
                old = best.get(m)
                if old is None or (rank, len(r_nodes) + 1) < (old[0], len(old[1])):
                    cand = (rank, [*r_nodes, m])
                    best[m] = cand
                    prev = nxt.get(m)
                    if prev is None or rank < prev[0]:
                        nxt[m] = cand
        frontier = nxt
    for i in starts:
        best.pop(i, None)
    node_id = c.node_id
    return {
        node_id(m): Reached(rank, [node_id(x) for x in nodes]) for m, (rank, nodes) in best.items()
    }
