"""Path search over the columnar projection: CSR adjacency, vectorised edge tests per filter.

The package's one traversal. The functions here answer exactly what their namesakes in the
tests' networkx reference (``tests/reference_paths.py``, the round-two search) answer on the
networkx graph (the same paths in the same order; ``tests/test_adjacency.py`` compares them),
but work on :class:`graphkit.columnar.Columns`:

- an :class:`graphkit.paths.EdgeFilter` is tested with numpy (:class:`EdgeTest`: types and
  statuses through their small tables, dates through the integer date columns; the rare edge
  whose dates are not plain ``YYYY[-MM[-DD]]`` values is decided by :meth:`EdgeFilter.accepts`
  on its record) on the edges of the distinct ``(source, target)`` pairs of the CSR rows that
  a search reaches, each pair decided once per filter and remembered (a search near two ends
  never tests the whole graph); :func:`edge_mask` tests every edge at once;
- distances come from a breadth-first search that expands a whole frontier at once (numpy
  gathers over the CSR rows), bidirectional for :func:`distance`, so a pair with no path is
  answered from two frontiers;
- simple paths are listed like the reference ``simple_paths`` (one length at a time, by
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

import functools
import time
from collections.abc import Callable, Iterable

import numpy as np

from graphkit.columnar import IRREGULAR, OPEN_END, Columns, date_code
from graphkit.paths import EdgeFilter, Hop, Reached, SimplePaths, bound

INF = np.iinfo(np.int16).max
_Rows = tuple[np.ndarray, np.ndarray, np.ndarray, int]  # pointers, neighbours, pairs, side


class _OutOfTime(Exception):
    pass


def _unique(a: np.ndarray) -> np.ndarray:
    """The distinct values of ``a``, sorted: ``np.unique`` without importing ``numpy.ma`` (20 ms
    of every start; on a million int32 ids numpy 2.4's ``np.unique`` took 1.2-1.7 s, this 25-45
    ms)."""
    s = np.sort(a)
    return s[np.concatenate(([True], s[1:] != s[:-1]))] if len(s) else s


def edge_mask(cols: Columns, f: EdgeFilter) -> np.ndarray:
    """``f.accepts`` of every edge, as one boolean array."""
    return EdgeTest(cols, f)(None)


class EdgeTest:
    """``f.accepts`` for edges of ``cols`` from the columns: the type and status tables are
    made once; each call tests every edge (``None``) or only the edge indices given."""

    def __init__(self, cols: Columns, f: EdgeFilter):
        self.cols, self.f = cols, f
        self.type_ok = (
            np.array([t in f.types for t in cols.types], dtype=bool)
            if f.types is not None
            else None
        )
        self.status_ok = np.array([_status_ok(f, s) for s in cols.statuses], dtype=bool)

    def __call__(self, edges: np.ndarray | None) -> np.ndarray:
        cols, f = self.cols, self.f
        E = cols.n_edges if edges is None else len(edges)
        if not E:
            return np.zeros(0, bool)
        col = (lambda a: a) if edges is None else (lambda a: a[edges])  # noqa: E731
        mask = col(cols.claim).copy()
        if self.type_ok is not None:
            mask &= self.type_ok[col(cols.etype)]
        if len(self.status_ok):
            mask &= self.status_ok[col(cols.estatus)]
        base = mask.copy()
        odd = np.zeros(E, bool)
        if f.as_of is not None:
            lo, hi = date_code(f.as_of, low=True), date_code(f.as_of, low=False)
            s, end = col(cols.start_lo), col(cols.end_hi)
            mask &= ~((s > 0) & (s > hi)) & ~((end > 0) & (end < lo))
            odd |= (s == IRREGULAR) | (end == IRREGULAR)
            if f.published is cols._published and f.published is not None:
                p = col(cols.pub_lo)
                mask &= ~((p > 0) & (p > hi))
                odd |= p == IRREGULAR
            elif f.published:
                odd |= True  # dates from elsewhere: asked record by record
        if f.since or f.until:
            s, elo, ehi = col(cols.start_lo), col(cols.end_lo), col(cols.end_hi)
            mask &= (s != 0) | (elo != 0)
            first = np.where(s != 0, s, elo)
            last = np.where(ehi != 0, ehi, OPEN_END)
            if f.until:
                mask &= ~(first > date_code(f.until, low=False))
            if f.since:
                mask &= ~(last < date_code(f.since, low=True))
            odd |= (s == IRREGULAR) | (elo == IRREGULAR) | (ehi == IRREGULAR)
        for i in np.flatnonzero(odd & base).tolist():
            e = i if edges is None else int(edges[i])
            mask[i] = f.accepts(cols.edge_data(e))
        return mask


def _status_ok(f: EdgeFilter, status) -> bool:
    if f.statuses is not None and status not in f.statuses:
        return False
    if status in f.excluded_statuses:
        return False
    return not (f.max_rank is not None and f.ranks.get(str(status), 10**6) > f.max_rank)


def label_mask(cols: Columns, pred: Callable[[tuple[str, ...]], bool]) -> np.ndarray:
    """``pred(labels)`` of every node, as one boolean array (``pred`` is asked once per
    distinct label tuple)."""
    table = np.array([bool(pred(lb)) for lb in cols.labels] or [False], dtype=bool)
    return table[cols.node_label] if cols.n_nodes else np.zeros(0, bool)


class View:
    """The adjacency under one filter: accepted edges and pairs, and neighbour lists in the
    order the reference ``neighbours`` gives them (remembered per node).

    ``edge_ok`` replaces the filter's :func:`edge_mask`; ``node_ok`` (a node mask, e.g. from
    :func:`label_mask`) keeps only the edges whose two ends pass it, as a networkx
    ``subgraph_view`` with that node filter would. Such views decide every edge and pair at
    once and are built directly, not through :meth:`Adjacency.view` (which keeps one view per
    filter)."""

    def __init__(
        self,
        cols: Columns,
        f: EdgeFilter,
        like: View | None = None,
        *,
        edge_ok: np.ndarray | None = None,
        node_ok: np.ndarray | None = None,
    ):
        """``like``: a view whose filter differs from ``f`` in direction only (what it has
        decided about edges and pairs, which does not depend on direction, is shared)."""
        self.cols, self.f, self.directed = cols, f, f.directed
        masked = edge_ok is not None or node_ok is not None
        self._masks: _Masks
        self.status_rank: np.ndarray
        if like is not None and not masked:
            self._masks = like._masks
            self.status_rank = like.status_rank
        else:
            self._masks = _Masks(EdgeTest(cols, f), len(cols.fwd_pair))
            #: rank of each status value (as :func:`graphkit.paths.hop_strength` ranks them)
            self.status_rank = np.array(
                [f.ranks.get(str(s), 10**6) for s in cols.statuses] or [10**6], dtype=np.int64
            )
        if masked:
            ok = self.edge_ok if edge_ok is None else edge_ok
            if node_ok is not None:
                ok = ok & node_ok[cols.src] & node_ok[cols.dst]
            self._masks.edge_ok = ok
            self._decide_all()
        self._memo: tuple[dict, dict] = ({}, {})
        self._arrays: tuple[dict, dict] = ({}, {})
        self._levels: dict = {}  # (start, reverse) -> [distances, frontier, depth done]
        self._distance: dict = {}

    @property
    def edge_ok(self) -> np.ndarray:
        """:func:`edge_mask` of the filter (every edge; computed on first use: the search
        itself decides only the pairs it reaches, see :meth:`pairs_ok`)."""
        m = self._masks
        if m.edge_ok is None:
            m.edge_ok = m.test(None)
        return m.edge_ok

    def edges_ok(self, edges: np.ndarray) -> np.ndarray:
        """Whether the filter accepts each of ``edges`` (edge indices)."""
        m = self._masks
        return m.edge_ok[edges] if m.edge_ok is not None else m.test(edges)

    def pairs_ok(self, pairs: np.ndarray) -> np.ndarray:
        """Whether each of ``pairs`` (pair indices) has an accepted edge: decided the first
        time a pair is asked about, from its edges, and remembered."""
        state = self._masks.pair_state
        got = state[pairs]
        todo = got == 0
        if todo.any():
            new = pairs[todo]
            if len(new) > len(state) // 16:
                self._decide_all()
                return state[pairs] == 1
            if len(new) < 1024:
                new = _unique(new)
            else:  # many: mark them, one pass over all pairs (no hashing or sorting)
                seen = np.zeros(len(state), bool)
                seen[new] = True
                new = np.flatnonzero(seen)
            c = self.cols
            starts = c.pair_ptr[new]
            lens = c.pair_ptr[new + 1] - starts  # every pair has at least one edge
            ok = self.edges_ok(c.pair_edges[_ragged(starts, lens)])
            state[new] = np.where(np.logical_or.reduceat(ok, np.cumsum(lens) - lens), 1, 2)
            got = state[pairs]
        return got == 1

    def _decide_all(self) -> None:
        m, c = self._masks, self.cols
        pair_ok = np.bincount(c.pair_of[self.edge_ok], minlength=len(c.fwd_pair)) > 0
        m.pair_state[:] = np.where(pair_ok, 1, 2)
        m.row_ok = (pair_ok[c.fwd_pair], pair_ok[c.rev_pair])

    def _rows(self, reverse: bool) -> tuple[_Rows, _Rows]:
        c = self.cols
        fwd = (c.fwd_ptr, c.fwd_nbr, c.fwd_pair, 0)
        rev = (c.rev_ptr, c.rev_nbr, c.rev_pair, 1)
        return (rev, fwd) if reverse else (fwd, rev)

    def _row_ok(self, pair: np.ndarray, side: int, at) -> np.ndarray:
        """Accepted CSR entries ``at`` (a slice or offsets) of one side's rows."""
        ro = self._masks.row_ok
        return ro[side][at] if ro is not None else self.pairs_ok(pair[at])

    def neighbours(self, n: int, reverse: bool = False) -> tuple[int, ...]:
        memo = self._memo[reverse]
        hit = memo.get(n)
        if hit is not None:
            return hit
        (ptr, nbr, pair, side), (ptr2, nbr2, pair2, side2) = self._rows(reverse)
        lo, hi = ptr[n], ptr[n + 1]
        out = nbr[lo:hi][self._row_ok(pair, side, slice(lo, hi))].tolist()
        if not self.directed:
            lo, hi = ptr2[n], ptr2[n + 1]
            seen = set(out)
            more = nbr2[lo:hi][self._row_ok(pair2, side2, slice(lo, hi))].tolist()
            out += [m for m in more if m not in seen]
        memo[n] = found = tuple(out)
        return found

    def neighbour_array(self, n: int, reverse: bool = False) -> np.ndarray:
        """:meth:`neighbours` as an integer array (remembered per node)."""
        memo = self._arrays[reverse]
        hit = memo.get(n)
        if hit is None:
            if self.directed:
                ptr, nbr, pair, side = self._rows(reverse)[0]
                lo, hi = ptr[n], ptr[n + 1]
                hit = nbr[lo:hi][self._row_ok(pair, side, slice(lo, hi))]
            else:
                hit = np.array(self.neighbours(n, reverse), dtype=np.int64)
            memo[n] = hit
        return hit

    def expand(self, frontier: np.ndarray, reverse: bool = False) -> np.ndarray:
        """Every accepted neighbour of every frontier node (with repeats), in one gather."""
        first, second = self._rows(reverse)
        parts = [self._gather(first, frontier)]
        if not self.directed:
            parts.append(self._gather(second, frontier))
        return np.concatenate(parts) if len(parts) > 1 else parts[0]

    def _gather(self, rows: _Rows, frontier: np.ndarray) -> np.ndarray:
        ptr, nbr, pair, side = rows
        offs = _ragged(ptr[frontier], ptr[frontier + 1] - ptr[frontier])
        if not len(offs):
            return np.zeros(0, np.int32)
        return nbr[offs[self._row_ok(pair, side, offs)]]

    def levels(self, start: int, depth: int, reverse: bool = False) -> np.ndarray:
        """Hop distance from ``start`` (to it, with ``reverse``) of every node within ``depth``
        hops; :data:`INF` beyond. The search is kept and continued when a later call asks for
        more hops, so the array may also hold the exact distances of nodes further out (callers
        compare distances with at most ``depth``)."""
        key = (start, reverse)
        state = self._levels.get(key)
        if state is None:
            if len(self._levels) > 8:
                self._levels.clear()
            dist = np.full(self.cols.n_nodes, INF, np.int16)
            dist[start] = 0
            state = self._levels[key] = [dist, np.array([start], np.int64), 0]
        dist, frontier, done = state
        while done < depth and len(frontier):
            nb = self.expand(frontier, reverse)
            nb = nb[dist[nb] == INF]
            done += 1
            frontier = _distinct(nb, dist, done)
        state[1], state[2] = frontier, done
        return dist

    def distance(self, s: int, t: int, max_hops: int | None) -> int | None:
        """Hops of a shortest path (``None``: none within ``max_hops``): a breadth-first search
        from both ends, whole frontiers at a time, growing the smaller one (answers kept)."""
        key = (s, t, max_hops)
        if key in self._distance:
            return self._distance[key]
        if len(self._distance) > 64:
            self._distance.clear()
        found = self._distance[key] = self._bfs_distance(s, t, max_hops)
        return found

    def _bfs_distance(self, s: int, t: int, max_hops: int | None) -> int | None:
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
                df += 1
                ff = _distinct(nb[fwd[nb] == INF], fwd, df)
            else:
                nb = self.expand(bf, reverse=True)
                meet = fwd[nb]
                if np.any(meet != INF):
                    return db + 1 + int(meet.min())
                db += 1
                bf = _distinct(nb[back[nb] == INF], back, db)
        return None


def _distinct(nb: np.ndarray, dist: np.ndarray, d: int) -> np.ndarray:
    """The distinct nodes of ``nb`` (new ones, sorted), after marking them at distance ``d``
    in ``dist``: a sort for a few nodes, one pass over ``dist`` for many (faster than
    hashing or sorting them)."""
    if len(nb) < 1024:
        out = _unique(nb)
        dist[out] = d
        return out
    dist[nb] = d
    return np.flatnonzero(dist == d)


def _clock(deadline: float | None):
    """A function that raises :class:`_OutOfTime` once ``deadline`` has passed (checked on
    every 64th call)."""
    if not deadline:
        return lambda: None
    calls = [0]

    def check() -> None:
        calls[0] += 1
        if not calls[0] & 63 and time.perf_counter() > deadline:
            raise _OutOfTime

    return check


def _ragged(starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """The indices ``starts[i] .. starts[i] + lens[i] - 1`` for every ``i``, concatenated."""
    total = int(lens.sum())
    if not total:
        return np.zeros(0, np.int64)
    return np.repeat(starts - (np.cumsum(lens) - lens), lens) + np.arange(total)


class _Masks:
    """What a filter has decided: per pair 0 (not yet asked), 1 (an edge accepted) or 2 (none);
    the whole edge mask once something needs it; when a search reaches a large part of the
    graph every pair is decided at once (cheaper per pair than deciding them piecemeal)."""

    __slots__ = ("test", "pair_state", "edge_ok", "row_ok")

    def __init__(self, test: EdgeTest, n_pairs: int):
        self.test = test
        self.pair_state = np.zeros(n_pairs, np.int8)
        self.edge_ok: np.ndarray | None = None
        #: once every pair is decided: accepted per CSR entry, forward and reverse
        self.row_ok: tuple[np.ndarray, np.ndarray] | None = None


class Adjacency:
    """The columns and their filtered views (one per filter, kept for reuse)."""

    def __init__(self, cols: Columns):
        self.cols = cols
        self._views: dict = {}

    def view(self, f: EdgeFilter) -> View:
        hit = self._views.get(self._key(f))
        if hit is not None:
            return hit[1]
        if len(self._views) >= 16:
            self._views.clear()
        twin = self._views.get(self._key(f.with_(directed=not f.directed)))
        v = View(self.cols, f, like=twin[1] if twin is not None else None)
        self._views[self._key(f)] = (f, v)  # the filter is kept: id(f.published) stays its own
        return v

    @staticmethod
    def _key(f: EdgeFilter) -> tuple:
        return (f, id(f.published) if f.published else 0, tuple(sorted(f.ranks.items())))

    def ids(self, path: list[int]) -> list[str]:
        return [self.cols.node_id(i) for i in path]


# -- the functions of graphkit.paths, on columns ------------------------------------------------


def claims_between(adj: Adjacency, u: str, v: str, f: EdgeFilter) -> list[dict]:
    """Claim edges joining ``u`` to ``v`` that pass the filter, with their direction."""
    c = adj.cols
    ui, vi = c.index_of(u), c.index_of(v)
    if ui is None or vi is None:
        return []
    view = adj.view(f)
    fwd, back = _step_edges(c, view, u, v)
    out = [
        {**c.edge_data(e), "direction": "forward", "source": u, "target": v} for e in fwd.tolist()
    ]
    out += [
        {**c.edge_data(e), "direction": "backward", "source": v, "target": u} for e in back.tolist()
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
    """As the reference ``distances`` (the same nodes in the same order)."""
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
    """As the reference ``distance``."""
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
    """The reference ``_paths_of_length`` (same joins, same order) through nodes on some
    walk of at most ``length`` hops only."""
    a = (length + 1) // 2
    b = length - a
    ds = view.levels(s, length - 1, reverse=False)
    dt = view.levels(t, length - 1, reverse=True)
    check = _clock(deadline)
    nbrs = view.neighbour_array
    frontier = [[t]]
    for k in range(1, b + 1):
        nxt = []
        room = length - k
        for rp in frontier:
            check()
            near = nbrs(rp[-1], True)
            for m in near[ds[near] <= room].tolist():  # the source is still within reach
                if m != s and m not in rp:
                    nxt.append([*rp, m])
        frontier = nxt
    tails: dict[int, list[list[int]]] = {}
    for rp in frontier:
        tails.setdefault(rp[-1], []).append(rp[::-1])
    if not tails:
        return []
    has_tail = np.zeros(view.cols.n_nodes, bool)
    has_tail[list(tails)] = True
    out: list[list[int]] = []
    head = [s]
    on = {s}

    def walk(node: int, left: int) -> None:
        check()
        near = nbrs(node)
        if left == 1:  # only neighbours where a tail starts can end a path
            for m in near[has_tail[near]].tolist():
                if len(out) >= limit:
                    return
                if m in on:
                    continue
                for tail in tails[m]:
                    if on.isdisjoint(tail):
                        out.append([*head, *tail])
                        if len(out) >= limit:
                            return
            return
        for m in near[dt[near] <= left - 1 + b].tolist():  # the target is still within reach
            if len(out) >= limit:
                return
            if m in on or m == t:
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
    """As the reference ``simple_paths``: simple paths of at most ``max_hops`` hops,
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
    """As the reference ``shortest_paths``: all shortest paths, at most ``limit``."""
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
    view = adj.view(f)
    out: set[str] = set()
    for u, v in zip(path, path[1:]):
        for e in _step_edges(c, view, u, v):
            out.update(c.types[t] for t in _unique(c.etype[e]).tolist())
    return out


def step_edges(adj: Adjacency, u: str, v: str, f: EdgeFilter) -> tuple[np.ndarray, np.ndarray]:
    """The accepted edges from ``u`` to ``v`` and, when ``f`` is undirected, from ``v`` to
    ``u`` (empty when directed), in projection order: the claims of the step, not decoded."""
    return _step_edges(adj.cols, adj.view(f), u, v)


def _step_edges(c: Columns, view: View, u: str, v: str) -> tuple[np.ndarray, np.ndarray]:
    none = np.zeros(0, np.int32)
    ui, vi = c.index_of(u), c.index_of(v)
    if ui is None or vi is None:
        return none, none
    fwd = c.edges_between(ui, vi)
    back = c.edges_between(vi, ui) if not view.directed else none
    return fwd[view.edges_ok(fwd)], back[view.edges_ok(back)]


def step_ranks(
    adj: Adjacency, steps: Iterable[tuple[str, str]], f: EdgeFilter
) -> dict[tuple[str, str], tuple[int, int]]:
    """``(claims, rank)`` of each step ``(u, v)`` from the columns: how many accepted claims
    join ``u`` to ``v`` and the rank of the strongest (what :func:`graphkit.paths.hop_strength`
    reads from the decoded claims; ``10**6`` for none)."""
    c, view = adj.cols, adj.view(f)
    out: dict[tuple[str, str], tuple[int, int]] = {}
    for u, v in steps:
        if (u, v) in out:
            continue
        fwd, back = _step_edges(c, view, u, v)
        n = len(fwd) + len(back)
        codes = c.estatus[np.concatenate([fwd, back])] if n else None
        out[(u, v)] = (n, int(view.status_rank[codes].min()) if n else 10**6)
    return out


def hops(
    adj: Adjacency,
    path: list[str],
    *,
    f: EdgeFilter,
    records: dict | None = None,
    steps: dict | None = None,
    lazy: bool = False,
) -> list[Hop]:
    """As the reference ``hops``: the claims behind every step, with their evidence and
    contract records (read from the columns). ``records`` (node records) and ``steps`` (the
    :class:`Hop` of each step, one object for every path that takes it: between two hubs a
    step holds thousands of claims) may be shared between calls with the same filter. With
    ``lazy`` each hop decodes its claims when first read (:meth:`Hop.lazy`); count and rank
    them with :func:`step_ranks`."""
    cache = records if records is not None else {}
    result = []
    for u, v in zip(path, path[1:]):
        done = steps.get((u, v)) if steps is not None else None
        if done is not None:
            result.append(done)
            continue
        if lazy:
            hop = Hop.lazy(u, v, functools.partial(_step_claims, adj, u, v, f, cache))
        else:
            hop = Hop(u, v, _step_claims(adj, u, v, f, cache))
        if steps is not None:
            steps[(u, v)] = hop
        result.append(hop)
    return result


def _step_claims(adj: Adjacency, u: str, v: str, f: EdgeFilter, cache: dict) -> list[dict]:
    """The decoded claims of one step (see :func:`hops`); ``cache`` holds node records."""
    c = adj.cols

    def records_of(xs) -> list[dict]:
        out = []
        for x in xs:
            rec = cache.get(x)
            if rec is None:
                i = c.index_of(x)
                if i is None:
                    continue
                rec = cache[x] = {"id": x, **c.node_props(i)}
            out.append(rec)
        return out

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
    return claims


class StepRanks:
    """Under one filter, the rank of every step: the best (lowest) rank of the accepted claims
    joining a pair of nodes, computed for all pairs in one vectorised pass; a step with no
    accepted claim is not one. A claim whose status has no rank counts as 10**6 (as in
    reference ``strongest_paths``)."""

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
    """As the reference ``strongest_paths`` (on ``G``, or on ``G.reverse()`` with
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
