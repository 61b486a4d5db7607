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

import numpy as np

from graphkit import adjacency as A
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
    folder = None
    if cache and os.environ.get("GRAPHKIT_NO_CACHE") is None:
        folder = C.private_dir(cache_dir())
    key = C.inputs_key(files, folder)
    entry = C.read(folder, key) if folder else None
    stamped = False  # bundled files validated as a whole at build time (the stamp matches)
    if validate and not (entry is not None and entry.validated) and trusted(files):
        validate, stamped = False, True
        if entry is not None and folder is not None:
            C.mark_validated(folder, key)  # later starts need not hash the files again
    dataset = None
    if entry is not None and folder is not None and validate and not entry.validated:
        dataset = _parse(files, progress, validate)
        C.mark_validated(folder, key)
    cols = entry.cols if entry is not None else None
    if cols is None:
        from graphkit.projection import columns_of, columns_of_files

        if dataset is None and validate:
            dataset = _parse(files, progress, validate)
        # without validation no store is needed: project straight from the parser into the
        # columns (its RDF dataset is parsed on first use, for SPARQL)
        with C.gc_paused():
            if dataset is not None:
                cols = columns_of(iter(dataset.store))
            else:
                cols = columns_of_files(files)
        if folder:
            C.write(folder, key, cols, validated=validate or stamped)
    graph = Graph(columns=cols, files=files, dataset=dataset)
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


def to_networkx(pg, *, adopt: bool = False):
    """A :class:`graphkit.projection.PropertyGraph` as a MultiDiGraph (edge key = claim id);
    each edge's attributes are its properties plus ``type`` (see
    :func:`graphkit.columnar.networkx_of`). ``adopt=True`` hands the projection's own dicts to
    the graph (adding ``type`` to each edge's) instead of copying them: faster, and ``pg`` must
    not be used after.
    """
    from graphkit.columnar import networkx_of

    def edges():
        for s, t, typ, d in pg.edges:
            if adopt:
                d["type"] = typ
                yield s, t, d
            else:
                yield s, t, {"type": typ, **d}

    nodes = pg.nodes.items() if adopt else ((n, dict(d)) for n, d in pg.nodes.items())
    return networkx_of(nodes, edges())


@dataclass
class PathResult:
    """Paths from ``source`` to ``target``, strongest first (then shortest).

    ``hops[i]`` holds the claims (with evidence and contract records) behind each step of
    ``paths[i]`` (paths through the same step share its :class:`graphkit.paths.Hop`, whose
    claims are decoded when first read);
    ``strengths[i]`` is the status of the path's weakest claim; ``partial`` says the
    simple-path search stopped at its time budget; ``filter`` is what was followed.
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
    """The projected graph (:class:`graphkit.columnar.Columns`) with lookup, neighbourhood,
    path and timeline queries; ``G`` is its networkx MultiDiGraph, built on first use (exports,
    drawings, reports and embedded Cypher read it; lookups, paths, ``show`` and ``neighbors``
    do not).

    ``notes`` collects what a lookup wants the user to know (which entity a partial name was
    taken for); the command line prints and clears it.
    """

    def __init__(
        self,
        G=None,
        *,
        files: Iterable[Path] = (),
        dataset=None,
        ontology=None,
        columns=None,
    ):
        if G is None and columns is None:
            raise ValueError("Graph needs a networkx graph or columns")
        self._G = G
        self._cols = columns
        self._adj: A.Adjacency | None = None
        self.files = list(files)
        self._dataset = dataset
        self._ontology = ontology
        self.notes: list[str] = []
        self._index = None
        self.cache_key: str | None = None  # content hash of the inputs (set by load)

    # -- access -----------------------------------------------------------------------------

    @property
    def G(self):
        """The networkx MultiDiGraph (edge key = claim or link id), built on first use."""
        if self._G is None:
            self._G = self.columns.to_networkx()
        return self._G

    @property
    def columns(self):
        """The :class:`graphkit.columnar.Columns` behind lookups and paths."""
        if self._cols is None:
            from graphkit.columnar import from_networkx

            self._cols = from_networkx(self._G)
        return self._cols

    @property
    def adjacency(self) -> A.Adjacency:
        if self._adj is None:
            self._adj = A.Adjacency(self.columns)
        return self._adj

    @property
    def ontology(self):
        if self._ontology is None:
            from graphkit.model import ontology as default_ontology

            self._ontology = default_ontology()
        return self._ontology

    @property
    def dataset(self):
        """The RDF dataset behind this graph (parsed on first use)."""
        if self._dataset is None:
            from graphkit.store import Dataset

            self._dataset = Dataset.load(files=self.files)
        return self._dataset

    def _at(self, node_id: str) -> int:
        i = self.columns.index_of(node_id)
        if i is None:
            raise KeyError(node_id)
        return i

    def __contains__(self, node_id: str) -> bool:
        return self.columns.index_of(node_id) is not None

    def node(self, node_id: str) -> dict:
        return {"id": node_id, **self.columns.node_data(self._at(node_id))}

    def name(self, node_id: str) -> str:
        return self.columns.node_props(self._at(node_id)).get("name", node_id)

    def kind(self, node_id: str) -> str:
        labels = self.columns.node_labels(self._at(node_id))
        return labels[0] if labels else ""

    def entities(self):
        c = self.columns
        return (c.node_id(i) for i in np.flatnonzero(c.entity_mask()).tolist())

    # -- lookup -----------------------------------------------------------------------------

    @property
    def index(self):
        """The entity :class:`graphkit.lookup.NameIndex`: exact keys from the columns' sorted
        table; the entries for partial names are read on the first inexact lookup."""
        if self._index is None:
            from graphkit.lookup import Entry, NameIndex

            c = self.columns

            def entry(node_id: str) -> Entry:
                i = self._at(node_id)
                return _entry(node_id, c.node_labels(i), c.node_props(i))

            def entries() -> list[Entry]:
                return [
                    _entry(c.node_id(i), c.node_labels(i), c.node_props(i))
                    for i in np.flatnonzero(c.entity_mask()).tolist()
                ]

            self._index = NameIndex.prebuilt(
                exact=lambda key: [c.node_id(i) for i in c.fold_lookup(key)],
                entry=entry,
                known=lambda node_id: (i := c.index_of(node_id)) is not None and c.is_entity(i),
                entries=entries,
            )
        return self._index

    def lookup(self, text: str, *, entities_only: bool = False):
        """The :class:`graphkit.lookup.Match` for an id, name, alias or PIID (see
        :mod:`graphkit.lookup`); raises :class:`EntityNotFound` / :class:`AmbiguousEntity`."""
        from graphkit.lookup import Match
        from graphkit.model import short_id

        c = self.columns
        t = text.strip()
        sid = short_id(t)
        i = c.index_of(sid)
        if i is not None and not (entities_only and not c.is_entity(i)):
            return Match(sid, self.name(sid), self.kind(sid), "id", 100.0, sid)
        if not entities_only:
            hits = c.piid_lookup(t.casefold())
            if hits:
                piid = c.node_id(hits[-1])
                return Match(piid, self.name(piid), self.kind(piid), "exact", 100.0, t)
        m = self.index.resolve(t)
        if not m.exact:
            self.notes.append(m.note(text))
        return m

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

    def published(self):
        """Claim id -> publication date of its earliest source (``None`` if a source is
        undated): a mapping over the columns (filters made with it compare a date column)."""
        return self.columns.published()

    def edge_filter(self, **options) -> P.EdgeFilter:
        """The :class:`graphkit.paths.EdgeFilter` with this graph's ontology defaults (flow
        relationships only, no denied claims) and, for ``as_of``, its evidence dates; options
        as :meth:`graphkit.paths.EdgeFilter.make` (``directed``, ``types``, ``statuses``,
        ``all_relationships``, ``as_of``, ``min_status``, ``since``, ``until``)."""
        return P.EdgeFilter.of(self, **options)

    def at(self, date: str) -> Graph:
        """This graph as it stood on ``date``: only claims valid then (start <= date <= end,
        undated claims kept) with a source published by then. Its RDF dataset (for SPARQL) and
        its embedded-Cypher database hold the same claims, so every query engine answers for
        that date."""
        f = self.edge_filter(all_relationships=True, as_of=date).with_(
            excluded_statuses=frozenset()
        )
        c = self.columns
        drop = c.claim & ~A.edge_mask(c, f)
        from graphkit.model import full_iri

        gone = {full_iri(c.edge_json.json(e)["claim"]) for e in np.flatnonzero(drop).tolist()}
        dataset = self.dataset.without(gone) if gone else self.dataset
        return Graph(
            columns=c.without_edges(drop), files=[], dataset=dataset, ontology=self.ontology
        )

    # -- queries ----------------------------------------------------------------------------

    def show(
        self,
        text: str,
        *,
        as_of: str | None = None,
        types: Iterable[str] | None = None,
        statuses: Iterable[str] | None = None,
        min_status: str | None = None,
    ) -> dict:
        """An entity's facts, and every claim it takes part in with its evidence: any
        relationship type and status (denied too) unless ``types``, ``statuses`` or
        ``min_status`` narrow them; with ``as_of`` only claims valid then."""
        n = self.find(text)
        f = self.edge_filter(
            directed=False,
            all_relationships=not types,
            types=types,
            statuses=statuses,
            as_of=as_of,
            min_status=min_status,
        )
        if not statuses:
            f = f.with_(excluded_statuses=frozenset())
        c = self.columns
        i = self._at(n)
        out_pairs, in_pairs = list(c.out_pairs(i)), list(c.in_pairs(i))
        claims = []
        for m in sorted({c.node_id(j) for j, _ in out_pairs + in_pairs}):
            claims.extend(A.hops(self.adjacency, [n, m], f=f)[0].claims)
        claims.sort(key=lambda x: (self.ontology.strength(x.get("status")), x["type"], x["claim"]))
        links = []
        for pairs, outward in ((out_pairs, True), (in_pairs, False)):
            for j, p in pairs:
                for e in c.pair_edge_ids(p).tolist():
                    if not c.claim[e]:
                        m = c.node_id(j)
                        u, v = (n, m) if outward else (m, n)
                        links.append({"type": c.edge_type(e), "source": u, "target": v})
        return {"entity": self.node(n), "claims": claims, "links": links}

    def timeline(self, text: str, *, as_of: str | None = None, **narrow) -> list[dict]:
        """An entity's claims and their sources in date order: one row per dated event
        (claim start or end, source publication); undated claims last. ``narrow``: the
        ``types``, ``statuses`` and ``min_status`` of :meth:`show`."""
        info = self.show(text, as_of=as_of, **narrow)
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

    def neighbors(self, text: str, *, depth: int = 1, **options) -> list[dict]:
        """Entities within ``depth`` claim hops of an entity, with the relationship through
        which each was first reached (both directions and every relationship type by default;
        ``all_relationships=False`` follows only the flow of technology, data or money; other
        options as :meth:`edge_filter`)."""
        n = self.find(text)
        f = self.edge_filter(**{"directed": False, "all_relationships": True, **options})
        adj = self.adjacency
        dist = A.distances(adj, n, depth, f)
        via: dict[str, str] = {}
        for m, k in dist.items():
            if k == 0:
                continue
            for prev, d in dist.items():
                if d != k - 1:
                    continue
                found = A.claims_between(adj, prev, m, f)
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

        search = ("max_hops", "shortest_only", "limit", "budget")
        run = {k: options.pop(k) for k in search if k in options}
        return trace(NetworkxBackend(self), source, target, self.edge_filter(**options), **run)[1]

    def _near(self, a: str, b: str, max_hops: int, f: P.EdgeFilter) -> dict:
        adj = self.adjacency
        reach = A.distances(adj, a, max_hops, f, max_nodes=11)
        back = A.distances(adj, b, max_hops, f, reverse=True, max_nodes=11)
        names = lambda d: [self.name(n) for n, _ in sorted(d.items(), key=lambda x: x[1])[1:11]]  # noqa: E731
        near: dict[str, object] = {
            "reachable_from_source": names(reach),
            "reaching_target": names(back),
        }
        if f.directed and a != b:  # the length of a shortest path is all that is said
            hops = A.distance(adj, a, b, f.with_(directed=False), max_hops=max_hops)
            if hops is not None:
                near["undirected_hops"] = hops
        if f.flow_only:
            wide = f.with_(types=None, flow_only=False)
            other = A.shortest_paths(adj, a, b, limit=1, f=wide, max_hops=max_hops)
            if not other and f.directed:
                other = A.shortest_paths(
                    adj, a, b, limit=1, f=wide.with_(directed=False), max_hops=max_hops
                )
            if other and len(other[0]) - 1 <= max_hops:
                near["other_relationships"] = {
                    "hops": len(other[0]) - 1,
                    "types": sorted(A.step_types(adj, other[0], wide.with_(directed=False))),
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
        c = self.columns
        labels: Counter = Counter()
        for code, count in enumerate(np.bincount(c.node_label, minlength=len(c.labels)).tolist()):
            for lb in c.labels[code]:
                labels[lb] += count
        per_type = np.bincount(c.etype, minlength=len(c.types)).tolist()
        types = {t: k for t, k in zip(c.types, per_type) if k}
        per_status = np.bincount(c.estatus[c.claim], minlength=len(c.statuses)).tolist()
        status = Counter({str(s): k for s, k in zip(c.statuses, per_status) if k})
        sources = {u for e in range(c.n_edges) for u in c.edge_json.json(e).get("sources", [])}
        return {
            "nodes": c.n_nodes,
            "edges": c.n_edges,
            "claims": sum(status.values()),
            "distinct_source_urls": len(sources),
            "files": len(self.files),
            "labels": dict(sorted(labels.items())),
            "relationship_types": dict(sorted(types.items())),
            "statuses": dict(sorted(status.items())),
        }


def _entry(node_id: str, labels, props: dict):
    """The lookup entry of a node (as :func:`graphkit.lookup.entries_from_graph`)."""
    from graphkit.lookup import Entry

    piid = props.get("piid")
    return Entry(
        node_id,
        str(props.get("name", node_id)),
        tuple(a for a in props.get("aliases", ()) if isinstance(a, str)),
        labels[0] if labels else "",
        (piid,) if isinstance(piid, str) else (),
    )


def trace(
    backend,
    source: str,
    target: str,
    f: P.EdgeFilter | None = None,
    *,
    max_hops: int = 4,
    shortest_only: bool = False,
    limit: int = 50,
    budget: float | None = 5.0,
) -> tuple[Graph, PathResult]:
    """Paths from ``source`` to ``target`` on any :class:`graphkit.backends.Backend`, assembled
    into a :class:`PathResult` the same way for every engine: the engine finds the entities and
    candidate paths under the one :class:`graphkit.paths.EdgeFilter` ``f`` (default:
    ``EdgeFilter.of(backend)``, the ontology's defaults); the claims, evidence and strength of
    every hop are read from the engine's graph (the loaded one for a local engine, the subgraph
    of the paths for a server) and checked against ``f``. Returns the graph to read names and
    records from and the result."""
    f = f if f is not None else P.EdgeFilter.of(backend)
    onto = backend.ontology
    ma, mb = backend.find(source), backend.find(target)
    a, b = ma.id, mb.id
    found, partial = backend.paths(
        a, b, f, max_hops=max_hops, limit=limit, shortest_only=shortest_only, budget=budget
    )
    local = backend.graph is not None
    if local:
        view = backend.graph
    else:
        view = Graph(backend.subgraph({a, b, *(n for p in found for n in p)}), ontology=onto)
        if f.as_of:
            f = f.with_(published=view.published())
    adj = view.adjacency
    records: dict = {}
    steps: dict = {}
    # the hops decode their claims when read; each step is counted and ranked from the columns
    hops = [A.hops(adj, p, f=f, records=records, steps=steps, lazy=True) for p in found]
    step = A.step_ranks(adj, steps, f)  # (claims, rank) of each step
    kept = [(p, h) for p, h in zip(found, hops) if all(step[x.source, x.target][0] for x in h)]

    def strength(path_hops: list[P.Hop]) -> int:
        return max((step[h.source, h.target][1] for h in path_hops), default=10**6)

    ranked = sorted(kept, key=lambda ph: (strength(ph[1]), len(ph[0]), ph[0]))[:limit]
    ranks = {s.rank: s.notation for s in onto.statuses.values()}
    result = PathResult(
        a,
        b,
        [p for p, _ in ranked],
        [h for _, h in ranked],
        strengths=[ranks.get(strength(h), "?") for _, h in ranked],
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
