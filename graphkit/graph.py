"""The Python API: load the dataset, then look things up and trace paths.

>>> import graphkit
>>> g = graphkit.load()
>>> g.find("AWS")
'org/amazon-web-services'
>>> result = g.path("AWS", "ICE")
>>> result.found
True
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from graphkit import paths as P
from graphkit.cache import cache_dir
from graphkit.errors import ValidationError
from graphkit.output import cell
from graphkit.store import input_files


def load(
    data: Iterable[str | Path] = (),
    *,
    bundled: bool = True,
    sources: Iterable[str] | None = None,
    validate: bool = True,
    cache: bool = True,
    progress: bool = False,
) -> Graph:
    """Load ontology + bundled data + ``data`` files/folders, validate, and project to networkx.

    ``sources`` chooses the bundled source datasets (``["none"]``: curated data only).

    The projection is cached on disk (:mod:`graphkit.cache`: data only, keyed by the content of
    every input file, verified on read, rebuilt on any problem), together with whether those
    inputs passed validation, so unchanged data is parsed and validated once. Raises
    :class:`graphkit.errors.DataError` or :class:`graphkit.errors.ValidationError`; the
    caller's previous graph is never touched.
    """
    from graphkit import cache as C
    from graphkit.store import trusted

    files = input_files(data, bundled=bundled, sources=sources)
    if validate and trusted(files):
        validate = False  # bundled files validated as a whole at build time (the stamp matches)
    folder = None
    if cache and os.environ.get("GRAPHKIT_NO_CACHE") is None:
        folder = C.private_dir(cache_dir())
    key = C.inputs_key(files)
    with C.gc_paused():
        entry = C.read(folder, key) if folder else None
    dataset = None
    if entry is not None and folder is not None and validate and not entry.validated:
        dataset = _parse(files, progress, validate)
        C.mark_validated(folder, key)
    G = None
    if entry is not None:
        try:
            with C.gc_paused():
                G = to_networkx(entry.pg, adopt=True)
        except (TypeError, KeyError, ValueError, AttributeError, IndexError):
            G = None  # a well-formed entry with a bad shape: rebuilt like any other
    if G is None:
        from graphkit.projection import project, project_files

        if dataset is None and validate:
            dataset = _parse(files, progress, validate)
        # without validation no store is needed: project straight from the parser (its RDF
        # dataset is parsed on first use, for SPARQL)
        pg = project(dataset) if dataset is not None else project_files(files)
        if folder:
            _write_cache(folder, key, pg, validated=validate)
        with C.gc_paused():
            G = to_networkx(pg, adopt=True)
    graph = Graph(G, files=files, dataset=dataset)
    graph.cache_key = key  # the content the graph was built from (embedded Cypher keys on it)
    return graph


def _parse(files: list[Path], progress: bool, validate: bool):
    from graphkit.store import Dataset

    dataset = Dataset.load(files=files, progress=progress)
    if validate:
        from graphkit.validate import validate as check

        report = check(dataset)
        if not report.ok:
            raise ValidationError(report)
    return dataset


def _write_cache(folder: Path, key: str, pg, *, validated: bool) -> None:
    """Store ``pg`` for ``key`` (best effort: caching is an optimisation only)."""
    from graphkit import cache as C

    C.write(folder, key, pg, validated=validated)


def to_networkx(pg, *, adopt: bool = False) -> nx.MultiDiGraph:
    """A :class:`graphkit.projection.PropertyGraph` as a MultiDiGraph (edge key = claim id);
    each edge's attributes are its properties plus ``type``.

    Built directly into networkx's adjacency dicts (the structure ``add_edges_from`` makes,
    several times faster). ``adopt=True`` hands the projection's own dicts to the graph (adding
    ``type`` to each edge's) instead of copying them: faster, and ``pg`` must not be used after.
    """
    G = nx.MultiDiGraph()
    node, succ, pred = G._node, G._succ, G._pred
    for n, d in pg.nodes.items():
        node[n] = d if adopt else dict(d)
        succ[n] = {}
        pred[n] = {}
    for s, t, typ, d in pg.edges:
        if adopt:
            d["type"] = typ
        else:
            d = {"type": typ, **d}
        if s not in node or t not in node:
            G.add_edge(s, t, d.get("claim") or d["link"], **d)
            continue
        keys = succ[s].get(t)
        if keys is None:
            keys = succ[s][t] = pred[t][s] = {}
        keys[d.get("claim") or d["link"]] = d
    nx._clear_cache(G)
    return G


@dataclass
class PathResult:
    """Paths from ``source`` to ``target``, strongest first (then shortest).

    ``hops[i]`` holds the claims (with evidence and contract records) behind each step of
    ``paths[i]``; ``strengths[i]`` is the status of the path's weakest claim; ``partial`` says
    the simple-path search stopped at its time budget; ``filter`` is what was followed.
    """

    source: str
    target: str
    paths: list[list[str]]
    hops: list[list[P.Hop]]
    near: dict = field(default_factory=dict)
    strengths: list[str] = field(default_factory=list)
    partial: bool = False
    filter: P.EdgeFilter | None = None

    @property
    def found(self) -> bool:
        return bool(self.paths)


class Graph:
    """The projected graph (networkx) with lookup, neighbourhood, path and timeline queries.

    ``notes`` collects what a lookup wants the user to know (which entity a partial name was
    taken for); the command line prints and clears it.
    """

    def __init__(
        self, G: nx.MultiDiGraph, *, files: Iterable[Path] = (), dataset=None, ontology=None
    ):
        from graphkit.model import ontology as default_ontology

        self.G = G
        self.files = list(files)
        self._dataset = dataset
        self.ontology = ontology or default_ontology()
        self.notes: list[str] = []
        self._index = None
        self._published: dict[str, str | None] | None = None
        self.cache_key: str | None = None  # content hash of the inputs (set by load)

    # -- access -----------------------------------------------------------------------------

    @property
    def dataset(self):
        """The RDF dataset behind this graph (parsed on first use)."""
        if self._dataset is None:
            from graphkit.store import Dataset

            self._dataset = Dataset.load(files=self.files)
        return self._dataset

    def node(self, node_id: str) -> dict:
        return {"id": node_id, **self.G.nodes[node_id]}

    def name(self, node_id: str) -> str:
        return self.G.nodes[node_id].get("name", node_id)

    def kind(self, node_id: str) -> str:
        labels = self.G.nodes[node_id].get("labels", ())
        return labels[0] if labels else ""

    def entities(self):
        return (n for n, d in self.G.nodes(data=True) if "Entity" in d["labels"])

    # -- lookup -----------------------------------------------------------------------------

    @property
    def index(self):
        """The entity :class:`graphkit.lookup.NameIndex` (built on first use)."""
        if self._index is None:
            from graphkit.lookup import NameIndex, entries_from_graph

            self._index = NameIndex(list(entries_from_graph(self.G)))
        return self._index

    def lookup(self, text: str, *, entities_only: bool = False):
        """The :class:`graphkit.lookup.Match` for an id, name, alias or PIID (see
        :mod:`graphkit.lookup`); raises :class:`EntityNotFound` / :class:`AmbiguousEntity`."""
        from graphkit.lookup import Match
        from graphkit.model import short_id

        t = text.strip()
        sid = short_id(t)
        if sid in self.G and not (entities_only and "Entity" not in self.G.nodes[sid]["labels"]):
            return Match(sid, self.name(sid), self.kind(sid), "id", 100.0, sid)
        if not entities_only:
            piid = self._piids().get(t.casefold())
            if piid:
                return Match(piid, self.name(piid), self.kind(piid), "exact", 100.0, t)
        m = self.index.resolve(t)
        if not m.exact:
            self.notes.append(m.note(text))
        return m

    def _piids(self) -> dict[str, str]:
        if not hasattr(self, "_piid_index"):
            self._piid_index = {
                d["piid"].casefold(): n
                for n, d in self.G.nodes(data=True)
                if isinstance(d.get("piid"), str) and "Entity" not in d["labels"]
            }
        return self._piid_index

    def find(self, text: str, *, entities_only: bool = False) -> str:
        """Resolve an id, name or alias to one node id (see :meth:`lookup`)."""
        return self.lookup(text, entities_only=entities_only).id

    def search(self, text: str, *, limit: int = 10, min_score: float = 50) -> list[dict]:
        """Entities ranked by the lookup's prefix, token and fuzzy scores, best first."""
        return [
            {
                "id": m.id,
                "name": m.name,
                "matched": m.matched,
                "labels": m.kind,
                "how": m.how,
                "score": m.score,
            }
            for m in self.index.candidates(text, limit=limit, min_score=min_score)
        ]

    # -- filters ----------------------------------------------------------------------------

    def published(self) -> dict[str, str | None]:
        """Claim id -> publication date of its earliest source (``None`` if a source is undated)."""
        if self._published is None:
            out: dict[str, str | None] = {}
            for _, _, d in self.G.edges(data=True):
                if "claim" not in d:
                    continue
                dates = [
                    self.G.nodes[e].get("published") for e in d.get("evidence", ()) if e in self.G
                ]
                # the projection stores dcterms:issued as a list of values: take the earliest
                dates = [
                    min(map(str, x)) if isinstance(x, list | tuple) and x else x for x in dates
                ]
                out[d["claim"]] = None if not dates or None in dates else min(map(str, dates))
            self._published = out
        return self._published

    def edge_filter(
        self,
        *,
        directed: bool = True,
        types=None,
        statuses=None,
        all_relationships: bool = False,
        as_of: str | None = None,
        min_status: str | None = None,
    ) -> P.EdgeFilter:
        """The :class:`graphkit.paths.EdgeFilter` with this graph's ontology defaults (flow
        relationships only, no denied claims) and, for ``as_of``, its evidence dates."""
        return P.EdgeFilter.make(
            self.ontology,
            directed=directed,
            types=types,
            statuses=statuses,
            all_relationships=all_relationships,
            as_of=as_of,
            min_status=min_status,
            published=self.published() if as_of else None,
        )

    def at(self, date: str) -> Graph:
        """This graph as it stood on ``date``: only claims valid then (start <= date <= end,
        undated claims kept) with a source published by then. Its RDF dataset (for SPARQL) and
        its embedded-Cypher database hold the same claims, so every query engine answers for
        that date."""
        f = self.edge_filter(all_relationships=True, as_of=date).with_(
            excluded_statuses=frozenset()
        )
        drop = [
            (u, v, k)
            for u, v, k, d in self.G.edges(keys=True, data=True)
            if "claim" in d and not f.accepts(d)
        ]
        G = self.G.copy()
        G.remove_edges_from(drop)
        from graphkit.model import full_iri

        gone = {full_iri(d) for _, _, d in drop}
        dataset = self.dataset.without(gone) if gone else self.dataset
        return Graph(G, files=[], dataset=dataset, ontology=self.ontology)

    # -- queries ----------------------------------------------------------------------------

    def show(self, text: str, *, as_of: str | None = None) -> dict:
        """An entity's facts, and every claim it takes part in (any relationship type) with its
        evidence; with ``as_of`` only claims valid then."""
        n = self.find(text)
        f = self.edge_filter(directed=False, all_relationships=True, as_of=as_of)
        f = f.with_(excluded_statuses=frozenset())
        claims = []
        for m in sorted(set(self.G.successors(n)) | set(self.G.predecessors(n))):
            for c in P.hops(self.G, [n, m], f=f)[0].claims:
                claims.append(c)
        claims.sort(key=lambda c: (self.ontology.strength(c.get("status")), c["type"], c["claim"]))
        links = [
            {"type": d["type"], "source": u, "target": v}
            for u, v, d in [*self.G.out_edges(n, data=True), *self.G.in_edges(n, data=True)]
            if "claim" not in d
        ]
        return {"entity": self.node(n), "claims": claims, "links": links}

    def timeline(self, text: str, *, as_of: str | None = None) -> list[dict]:
        """An entity's claims and their sources in date order: one row per dated event
        (claim start or end, source publication); undated claims last."""
        info = self.show(text, as_of=as_of)
        rows = []
        for c in info["claims"]:
            base = {
                "claim": c["claim"],
                "from": self.name(c["source"]),
                "type": c["type"],
                "to": self.name(c["target"]),
                "status": c.get("status"),
            }
            events = [("start", c.get("start"), ""), ("end", c.get("end"), "")]
            events += [
                (
                    "source",
                    e.get("published"),
                    f"{cell(e.get('title'))} — {cell(e.get('publisher'))}",
                )
                for e in c.get("evidence_records", [])
            ]
            dated = [(k, str(v), what) for k, v, what in events if v]
            if not dated:
                rows.append({"date": None, "event": "undated claim", **base, "detail": ""})
            for kind, date, what in dated:
                event = {"start": "began", "end": "ended", "source": "source published"}[kind]
                rows.append({"date": date, "event": event, **base, "detail": what})
        rows.sort(key=lambda r: (r["date"] is None, P.bound(r["date"] or "9999", low=True)))
        return rows

    def neighbors(
        self,
        text: str,
        *,
        depth: int = 1,
        directed: bool = False,
        types=None,
        statuses=None,
        all_relationships: bool = True,
        as_of: str | None = None,
        min_status: str | None = None,
    ) -> list[dict]:
        """Entities within ``depth`` claim hops of an entity, with the relationship through
        which each was first reached (both directions by default; ``all_relationships=False``
        follows only the flow of technology, data or money)."""
        n = self.find(text)
        f = self.edge_filter(
            directed=directed,
            types=types,
            statuses=statuses,
            all_relationships=all_relationships,
            as_of=as_of,
            min_status=min_status,
        )
        dist = P.distances(self.G, n, depth, f)
        via: dict[str, str] = {}
        for m, k in dist.items():
            if k == 0:
                continue
            for prev, d in dist.items():
                if d != k - 1:
                    continue
                found = P.claims_between(self.G, prev, m, f)
                if found:
                    c = found[0]
                    arrow = (
                        f"-[{c['type']}]->" if c["direction"] == "forward" else f"<-[{c['type']}]-"
                    )
                    via[m] = f"{self.name(prev)} {arrow}" if k > 1 else arrow
                    break
        rows = []
        for m, k in sorted(dist.items(), key=lambda x: (x[1], self.name(x[0]))):
            if m == n:
                continue
            rows.append(
                {
                    "id": m,
                    "name": self.name(m),
                    "labels": self.kind(m),
                    "distance": k,
                    "via": via.get(m, ""),
                }
            )
        return rows

    def path(self, source: str, target: str, **options) -> PathResult:
        """Paths from ``source`` to ``target`` with evidence per hop, strongest first.

        By default only relationships that carry technology, data or money are followed (the
        ontology's ``gk:flowsTo`` types) and denied claims are left out; ``types`` or
        ``all_relationships`` widen that. Options: ``max_hops`` (4), ``directed``, ``types``,
        ``statuses``, ``all_relationships``, ``as_of``, ``min_status``, ``shortest_only``,
        ``limit`` (50), ``budget`` (seconds for the simple-path search; a result cut short has
        ``partial=True``). The same as :func:`trace` with the networkx backend.
        """
        from graphkit.backends.local import NetworkxBackend

        return trace(NetworkxBackend(self), source, target, **options)[1]

    def _near(self, a: str, b: str, max_hops: int, f: P.EdgeFilter) -> dict:
        reach = P.distances(self.G, a, max_hops, f, max_nodes=11)
        back = P.distances(self.G, b, max_hops, f, reverse=True, max_nodes=11)
        names = lambda d: [self.name(n) for n, _ in sorted(d.items(), key=lambda x: x[1])[1:11]]  # noqa: E731
        near: dict[str, object] = {
            "reachable_from_source": names(reach),
            "reaching_target": names(back),
        }
        if f.directed:
            undirected = P.shortest_paths(
                self.G, a, b, limit=1, f=f.with_(directed=False), max_hops=max_hops
            )
            if undirected and len(undirected[0]) - 1 <= max_hops:
                near["undirected_hops"] = len(undirected[0]) - 1
        if f.flow_only:
            wide = f.with_(types=None, flow_only=False)
            other = P.shortest_paths(self.G, a, b, limit=1, f=wide, max_hops=max_hops)
            if not other and f.directed:
                other = P.shortest_paths(
                    self.G, a, b, limit=1, f=wide.with_(directed=False), max_hops=max_hops
                )
            if other and len(other[0]) - 1 <= max_hops:
                hop = P.hops(self.G, other[0], f=wide.with_(directed=False))
                near["other_relationships"] = {
                    "hops": len(other[0]) - 1,
                    "types": sorted({c["type"] for h in hop for c in h.claims}),
                }
        return near

    def export(self, fmt: str, dest: str | Path | None = None):
        """Write this graph in an export format (``ttl``, ``nt``, ``jsonld``, ``graphml``,
        ``gexf``, ``json``, ``neo4j-csv``, ``cypher``; see :mod:`graphkit.exporters`): the bytes,
        or the files written when ``dest`` is given."""
        from graphkit.exporters import export

        return export(self, fmt, Path(dest) if dest is not None else None)

    def stats(self) -> dict:
        """Counts of nodes by label, edges by type and claims by status."""
        labels = Counter(lb for _, d in self.G.nodes(data=True) for lb in d["labels"])
        types = Counter(d["type"] for _, _, d in self.G.edges(data=True))
        status = Counter(d["status"] for _, _, d in self.G.edges(data=True) if "claim" in d)
        sources = {u for _, _, d in self.G.edges(data=True) for u in d.get("sources", [])}
        return {
            "nodes": self.G.number_of_nodes(),
            "edges": self.G.number_of_edges(),
            "claims": sum(status.values()),
            "distinct_source_urls": len(sources),
            "files": len(self.files),
            "labels": dict(sorted(labels.items())),
            "relationship_types": dict(sorted(types.items())),
            "statuses": dict(sorted(status.items())),
        }


def trace(
    backend,
    source: str,
    target: str,
    *,
    max_hops: int = 4,
    directed: bool = True,
    types=None,
    statuses=None,
    all_relationships: bool = False,
    as_of: str | None = None,
    min_status: str | None = None,
    shortest_only: bool = False,
    limit: int = 50,
    budget: float | None = 5.0,
) -> tuple[Graph, PathResult]:
    """Paths from ``source`` to ``target`` on any :class:`graphkit.backends.Backend`, assembled
    into a :class:`PathResult` the same way for every engine: the engine finds the entities and
    candidate paths; the claims, evidence and strength of every hop are read from its subgraph
    and checked against the one :class:`graphkit.paths.EdgeFilter`. Returns the graph to read
    names and records from (the subgraph for a server engine) and the result."""
    from graphkit.backends.local import NetworkxBackend
    from graphkit.model import ontology as default_ontology

    local = isinstance(backend, NetworkxBackend)
    onto = backend.graph.ontology if local else default_ontology()
    ma, mb = backend.find(source), backend.find(target)
    a, b = ma.id, mb.id
    f = P.EdgeFilter.make(
        onto,
        directed=directed,
        types=types,
        statuses=statuses,
        all_relationships=all_relationships,
        as_of=as_of,
        min_status=min_status,
        published=backend.graph.published() if local and as_of else None,
    )
    found, partial = backend.paths(
        a, b, f, max_hops=max_hops, limit=limit, shortest_only=shortest_only, budget=budget
    )
    if local:
        view = backend.graph
    else:
        view = Graph(backend.subgraph({a, b, *(n for p in found for n in p)}), ontology=onto)
        if as_of:
            f = f.with_(published=view.published())
    records: dict = {}
    hops = [P.hops(view.G, p, f=f, records=records) for p in found]
    kept = [(p, h) for p, h in zip(found, hops) if all(x.claims for x in h)]
    ranked = sorted(kept, key=lambda ph: (P.path_strength(ph[1], f), len(ph[0]), ph[0]))[:limit]
    ranks = {s.rank: s.notation for s in onto.statuses.values()}
    result = PathResult(
        a,
        b,
        [p for p, _ in ranked],
        [h for _, h in ranked],
        strengths=[ranks.get(P.path_strength(h, f), "?") for _, h in ranked],
        partial=partial,
        filter=f,
    )
    if not result.found:
        if local:
            result.near = view._near(a, b, max_hops, f)
        elif f.directed:
            back, _ = backend.paths(
                a, b, f.with_(directed=False), max_hops=max_hops, limit=1, shortest_only=True
            )
            if back:
                result.near["undirected_hops"] = len(back[0]) - 1
    return view, result
