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
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from graphkit import paths as P
from graphkit.errors import AmbiguousEntity, EntityNotFound, ValidationError
from graphkit.resolve import normalize
from graphkit.store import input_files


def cache_dir() -> Path:
    """``$GRAPHKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/graphkit``, else ``~/.cache/graphkit``.

    Never a shared fixed path: when the folder cannot be created private to the user
    (:func:`graphkit.cache.private_dir`), nothing is cached.
    """
    if os.environ.get("GRAPHKIT_CACHE_DIR"):
        return Path(os.environ["GRAPHKIT_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "graphkit"


def load(
    data: list[str | Path] | tuple = (),
    *,
    bundled: bool = True,
    validate: bool = True,
    cache: bool = True,
    progress: bool = False,
) -> Graph:
    """Load ontology + bundled data + ``data`` files/folders, validate, and project to networkx.

    The projection is cached on disk (:mod:`graphkit.cache`: data only, keyed by the content of
    every input file, verified on read, rebuilt on any problem), together with whether those
    inputs passed validation, so unchanged data is parsed and validated once. Raises
    :class:`graphkit.errors.DataError` or :class:`graphkit.errors.ValidationError`; the
    caller's previous graph is never touched.
    """
    from graphkit import cache as C

    files = input_files(data, bundled=bundled)
    folder = None
    if cache and os.environ.get("GRAPHKIT_NO_CACHE") is None:
        folder = C.private_dir(cache_dir())
    key = C.inputs_key(files)
    with C.gc_paused():
        entry = C.read(folder, key) if folder else None
    dataset = None
    if entry is not None and validate and not entry.validated:
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
        from graphkit.projection import project

        if dataset is None:
            dataset = _parse(files, progress, validate)
        pg = project(dataset)
        if folder:
            _write_cache(folder, key, pg, validated=validate)
        with C.gc_paused():
            G = to_networkx(pg, adopt=True)
    graph = Graph(G, files=files, dataset=dataset)
    try:
        graph.cache_key = key  # the content the graph was built from (embedded Cypher keys on it)
    except AttributeError:
        pass  # a Graph without room for it: embedded Cypher then hashes the projection
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
    source: str
    target: str
    paths: list[list[str]]
    hops: list[list[P.Hop]]
    near: dict = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return bool(self.paths)


class Graph:
    """The projected graph (networkx) with lookup, neighbourhood and path queries."""

    def __init__(self, G: nx.MultiDiGraph, *, files: list[Path] = (), dataset=None):
        self.G = G
        self.files = list(files)
        self._dataset = dataset

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

    def entities(self):
        return (n for n, d in self.G.nodes(data=True) if "Entity" in d["labels"])

    # -- lookup -----------------------------------------------------------------------------

    def find(self, text: str, *, entities_only: bool = False) -> str:
        """Resolve an id, name or alias (case-insensitive) to one node id."""
        from graphkit.model import short_id

        t = text.strip()
        sid = short_id(t)
        if sid in self.G and not (entities_only and "Entity" not in self.G.nodes[sid]["labels"]):
            return sid
        hits = self._match(t, entities_only, str.casefold) or self._match(
            t, entities_only, normalize
        )
        if len(hits) == 1:
            return hits[0]
        if hits:
            raise AmbiguousEntity(text, [(h, self.name(h)) for h in sorted(hits)])
        raise EntityNotFound(text, [f"{r['id']} ({r['name']})" for r in self.search(text, limit=5)])

    def _match(self, text: str, entities_only: bool, norm) -> list[str]:
        """Nodes whose id tail, name, alias or PIID equals ``text`` under ``norm``."""
        want = norm(text)
        hits = []
        for n, d in self.G.nodes(data=True):
            if entities_only and "Entity" not in d["labels"]:
                continue
            names = [d.get("name", ""), *d.get("aliases", []), n.rsplit("/", 1)[-1], d.get("piid")]
            if any(isinstance(x, str) and norm(x) == want for x in names):
                hits.append(n)
        return hits

    def search(self, text: str, *, limit: int = 10, min_score: float = 60) -> list[dict]:
        """Fuzzy name and alias search over entities, best first."""
        from rapidfuzz import fuzz, process, utils

        choices = []
        owners = []
        for n in self.entities():
            d = self.G.nodes[n]
            for label in [d.get("name", n), *d.get("aliases", [])]:
                choices.append(label)
                owners.append(n)
        best: dict[str, dict] = {}
        for label, score, i in process.extract(
            text, choices, scorer=fuzz.WRatio, processor=utils.default_process, limit=None
        ):
            n = owners[i]
            if score >= min_score and (n not in best or score > best[n]["score"]):
                d = self.G.nodes[n]
                best[n] = {
                    "id": n,
                    "name": d.get("name", n),
                    "matched": label,
                    "labels": d["labels"][0],
                    "score": round(score, 1),
                }
        return sorted(best.values(), key=lambda r: (-r["score"], r["name"]))[:limit]

    # -- queries ----------------------------------------------------------------------------

    def show(self, text: str) -> dict:
        """An entity's facts, and every claim it takes part in with its evidence."""
        n = self.find(text)
        f = P.Filters(directed=False)
        claims = []
        for m in sorted(set(self.G.successors(n)) | set(self.G.predecessors(n))):
            for c in P.hops(self.G, [n, m], directed=False)[0].claims:
                claims.append(c)
        links = [
            {"type": d["type"], "source": u, "target": v}
            for u, v, d in [*self.G.out_edges(n, data=True), *self.G.in_edges(n, data=True)]
            if not f.accepts(d)
        ]
        return {"entity": self.node(n), "claims": claims, "links": links}

    def neighbors(
        self, text: str, *, depth: int = 1, directed: bool = False, types=None, statuses=None
    ) -> list[dict]:
        """Entities within ``depth`` claim hops of an entity (both directions by default)."""
        n = self.find(text)
        f = P._filters(directed=directed, types=types, statuses=statuses)
        dist = P.distances(self.G, n, depth, f)
        rows = []
        for m, k in sorted(dist.items(), key=lambda x: (x[1], self.name(x[0]))):
            if m == n:
                continue
            d = self.G.nodes[m]
            rows.append(
                {"id": m, "name": d.get("name", m), "labels": d["labels"][0], "distance": k}
            )
        return rows

    def path(
        self,
        source: str,
        target: str,
        *,
        max_hops: int = 4,
        directed: bool = True,
        types=None,
        statuses=None,
        shortest_only: bool = False,
        limit: int = 50,
    ) -> PathResult:
        """Shortest and all simple paths from ``source`` to ``target`` with evidence per hop."""
        a, b = self.find(source, entities_only=True), self.find(target, entities_only=True)
        filters = dict(directed=directed, types=types, statuses=statuses)
        found = P.shortest_paths(self.G, a, b, limit=limit, **filters)
        if found and len(found[0]) - 1 > max_hops:
            found = []
        if found and not shortest_only:
            extra = P.simple_paths(self.G, a, b, max_hops=max_hops, limit=limit, **filters)
            found += [p for p in extra if p not in found]
        found = found[:limit]
        result = PathResult(a, b, found, [P.hops(self.G, p, **filters) for p in found])
        if not found:
            result.near = self._near(a, b, max_hops, filters)
        return result

    def _near(self, a: str, b: str, max_hops: int, filters: dict) -> dict:
        f = P._filters(**filters)
        reach = P.distances(self.G, a, max_hops, f)
        back = P.distances(self.G.reverse(copy=False), b, max_hops, f)
        names = lambda d: [self.name(n) for n, _ in sorted(d.items(), key=lambda x: x[1])[1:11]]  # noqa: E731
        near = {"reachable_from_source": names(reach), "reaching_target": names(back)}
        if filters.get("directed", True):
            undirected = P.shortest_paths(self.G, a, b, limit=1, **{**filters, "directed": False})
            if undirected:
                near["undirected_hops"] = len(undirected[0]) - 1
        return near

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
