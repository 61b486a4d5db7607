"""What a view shows: a neighbourhood, the paths between two entities, a query's result, or the
whole graph, filtered by class, relationship type, claim status and date."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np

from graphkit import adjacency as A
from graphkit import paths as P
from graphkit.errors import GraphkitError
from graphkit.model import schema

DEFAULT_MAX_NODES = 500


class EdgeFilter(P.EdgeFilter):
    """:class:`graphkit.paths.EdgeFilter` for pictures: claims are judged exactly as path search
    judges them; structural links (contract awards, which carry no status or dates) are kept
    unless relationship types were named and theirs is not among them."""

    @classmethod
    def picture(cls, f: P.EdgeFilter) -> EdgeFilter:
        return cls(**{x.name: getattr(f, x.name) for x in fields(f)})

    @property
    def active(self) -> bool:
        """Narrower than "everything but denied claims"."""
        return (self.types is not None and not self.flow_only) or any(
            x is not None
            for x in (self.statuses, self.as_of, self.max_rank, self.since, self.until)
        )

    def accepts(self, data) -> bool:
        if "claim" in data:
            return super().accepts(data)
        return self.types is None or self.flow_only or data.get("type") in self.types

    def mask(self, cols) -> np.ndarray:
        """:meth:`accepts` of every edge of :class:`graphkit.columnar.Columns`, as one array."""
        links = ~cols.claim
        if self.types is not None and not self.flow_only:
            links &= np.array([t in self.types for t in cols.types], dtype=bool)[cols.etype]
        return A.edge_mask(cols, self) | links


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
    note: str = ""  # what was followed, for the page and the drawing
    as_of: str | None = None  # claims without dates are marked when a date was asked for


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
    as_of: str | None = None,
    min_status: str | None = None,
    all_relationships: bool = False,
    max_hops: int = 4,
    directed: bool = True,
    limit: int = 20,
) -> Selection:
    """Choose nodes and edges: a neighbourhood, the paths between two entities, the result of a
    query (a file path or the query text, with ``params`` bound), or the whole graph; then filter
    by class (``labels``), relationship type, claim status and date (``since``/``until``, or
    ``as_of``). An empty result is an error, not an empty picture.

    Claims are judged by :class:`graphkit.paths.EdgeFilter` with the graph's defaults: denied
    claims are left out, and paths follow only the relationships that carry technology, data or
    money unless ``types`` are named or ``all_relationships`` is set; the other views show every
    relationship type unless ``types`` are named."""
    if sum(x is not None for x in (focus, path, query)) > 1:
        raise GraphkitError("choose one of focus, path and query")
    base = graph.edge_filter(
        types=types,
        statuses=statuses,
        all_relationships=all_relationships or path is None,
        as_of=as_of,
        min_status=min_status,
    )
    filt = EdgeFilter.picture(
        base.with_(since=P.check_date(since, "--since"), until=P.check_date(until, "--until"))
    )
    schema_labels = set(schema().node_labels)
    wanted = None
    if labels:
        wanted = {_label(lb, schema_labels) for lb in labels}
    cols = graph.columns
    hidden = schema().hidden

    def drawn(lbs: tuple[str, ...]) -> bool:  # a class asked for, or a visible first class
        return bool(wanted & set(lbs)) if wanted else not hidden & set(lbs[:1])

    shown = A.label_mask(cols, drawn)
    node_ok = lambda n: bool(shown[cols.index_of(n)])  # noqa: E731
    edge_ok = filt.mask(cols)
    if path is not None:
        return _select_path(graph, path, filt, node_ok, max_hops, directed, limit)
    if focus is not None:
        center = graph.find(focus)
        ci = cols.index_of(center)
        around = shown.copy()
        around[ci] = True
        view = A.View(cols, filt.with_(directed=False), edge_ok=edge_ok, node_ok=around)
        nodes = {cols.node_id(i) for i in np.flatnonzero(view.levels(ci, depth) != A.INF).tolist()}
        hops = "1 hop" if depth == 1 else f"{depth} hops"
        title = f"{graph.name(center)} and {len(nodes) - 1} entities within {hops}"
        sel = _induced(cols, nodes, edge_ok, title, "focus")
        sel.highlight = {center}
        sel.as_of = filt.as_of
        return sel
    if query is not None:
        from graphkit.viz.query import run_query

        res = run_query(graph, query, query_language, params)
        claims = res.claims
        nodes = {n for n in res.nodes if not wanted or node_ok(n)}
        bound = ", ".join(
            f"{k} = {graph.name(v) if isinstance(v, str) and v in cols else v}"
            for k, v in res.params.items()
        )
        title = f"Query: {res.label}" + (f" ({bound})" if bound else "")
        sel = _induced(cols, nodes, edge_ok, title, "query")
        keys = {k for *_, k in sel.edges}
        for u, v, k in claims:
            if (
                k not in keys
                and bool(edge_ok[_edge_of(cols, u, v, k)])
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
        sel.as_of = filt.as_of
        return sel
    nodes = {cols.node_id(i) for i in np.flatnonzero(shown).tolist()}
    sel = _induced(cols, nodes, edge_ok, "Whole graph", "graph")
    if filt.active:  # drop what the filters cut off entirely
        touched = {n for u, v, _ in sel.edges for n in (u, v)}
        sel.nodes = [n for n in sel.nodes if n in touched]
    if not sel.nodes:
        raise GraphkitError("nothing to draw: no node passes these filters")
    sel.as_of = filt.as_of
    return sel


def _label(text: str, known: set[str]) -> str:
    for lb in known:
        if lb.casefold() == text.strip().casefold():
            return lb
    raise GraphkitError(f"unknown class {text!r}; the ontology defines: {', '.join(sorted(known))}")


def _induced(cols, nodes: set[str], edge_ok: np.ndarray, title: str, mode: str) -> Selection:
    """The accepted edges between ``nodes``, in the order of the networkx graph's edges (its
    nodes in column order, each node's pairs in CSR order, each pair's edges in edge order)."""
    inside = np.zeros(cols.n_nodes, bool)
    inside[[i for i in map(cols.index_of, nodes) if i is not None]] = True
    keep = edge_ok & inside[cols.src] & inside[cols.dst]
    rank = np.empty(len(cols.fwd_pair), np.int64)
    rank[cols.fwd_pair] = np.arange(len(cols.fwd_pair))
    chosen = np.flatnonzero(keep)
    chosen = chosen[np.argsort(rank[cols.pair_of[chosen]], kind="stable")]
    edges = [
        (cols.node_id(int(cols.src[e])), cols.node_id(int(cols.dst[e])), _key(cols, e))
        for e in chosen.tolist()
    ]
    return Selection(sorted(nodes), edges, title, mode)


def _key(cols, e: int) -> str:
    """The edge's key in the networkx graph: its claim or link id."""
    d = cols.edge_data(e)
    return d.get("claim") or d["link"]


def _edge_of(cols, u: str, v: str, key: str) -> int:
    """The index of the edge ``u -> v`` with that key."""
    found = [
        e
        for e in cols.edges_between(cols.index_of(u), cols.index_of(v)).tolist()
        if _key(cols, e) == key
    ]
    if not found:
        raise KeyError((u, v, key))
    return found[0]


def _select_path(graph, ends, filt, node_ok, max_hops, directed, limit) -> Selection:
    """Paths found by :meth:`graphkit.graph.Graph.path` with the same filter; the date window
    (``since``/``until``) then drops the claims outside it, and paths left with an empty hop."""
    a, b = ends
    r = graph.path(
        a,
        b,
        max_hops=max_hops,
        directed=directed,
        types=None if filt.flow_only else filt.types,
        statuses=filt.statuses,
        all_relationships=filt.types is None,
        as_of=filt.as_of,
        min_status=_status_of_rank(graph, filt.max_rank),
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
        near = r.near
        if directed and near.get("undirected_hops"):
            n = near["undirected_hops"]
            hint += f" Ignoring direction (--undirected) there is a path of {n} hop(s)."
        other = near.get("other_relationships")
        if other:
            hint += (
                f" Through other relationships ({', '.join(other['types'])}) there is a path of "
                f"{other['hops']} hop(s): add --all-relationships or --type."
            )
        raise GraphkitError(
            f"no path from {graph.name(r.source)} to {graph.name(r.target)} within {max_hops} "
            f"hops following {filt.describe()}.{hint}"
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
    sel = Selection(nodes, edges, title, "path", hl, paths, hops)
    sel.note = "Following " + filt.describe()
    sel.as_of = filt.as_of
    return sel


def _status_of_rank(graph, rank: int | None) -> str | None:
    if rank is None:
        return None
    return next(s.notation for s in graph.ontology.statuses.values() if s.rank == rank)


def check_size(sel: Selection, max_nodes: int) -> None:
    if len(sel.nodes) > max_nodes:
        raise GraphkitError(
            f"the selection has {len(sel.nodes):,} nodes, more than the limit of {max_nodes:,}. "
            "Narrow it (focus with depth, path, query, or filter by class, relationship type, "
            "status or date) or raise the limit (--max-nodes)."
        )
