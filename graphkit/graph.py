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
import pickle
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from graphkit import paths as P
from graphkit.errors import ValidationError
from graphkit.store import fingerprint, input_files

CACHE_VERSION = "1"


def cache_dir() -> Path:
    """``$GRAPHKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/graphkit``, else ``~/.cache/graphkit``."""
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

    The projection is cached on disk, keyed by every input file's path, size and mtime, so a
    fresh process on unchanged data starts fast. Raises :class:`graphkit.errors.DataError` or
    :class:`graphkit.errors.ValidationError`; the caller's previous graph is never touched.
    """
    files = input_files(data, bundled=bundled)
    key = f"{CACHE_VERSION}-{int(validate)}-{fingerprint(files)}"
    path = cache_dir() / f"{key}.pickle"
    use_cache = cache and os.environ.get("GRAPHKIT_NO_CACHE") is None
    if use_cache and path.is_file():
        try:
            with path.open("rb") as fh:
                return Graph(pickle.load(fh), files=files)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            pass  # a broken cache entry is rebuilt
    from graphkit.projection import project
    from graphkit.store import Dataset

    dataset = Dataset.load(files=files, progress=progress)
    if validate:
        from graphkit.validate import validate as check

        report = check(dataset)
        if not report.ok:
            raise ValidationError(report)
    G = to_networkx(project(dataset))
    graph = Graph(G, files=files, dataset=dataset)
    if use_cache:
        _write_cache(path, G)
    return graph


def _write_cache(path: Path, G: nx.MultiDiGraph) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        week_ago = time.time() - 7 * 86400
        for old in path.parent.glob(f"{CACHE_VERSION}-*.pickle"):
            if old.stat().st_mtime < week_ago:
                old.unlink(missing_ok=True)  # entries for data that has since changed
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(G, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError:
        pass  # caching is an optimisation only


def to_networkx(pg) -> nx.MultiDiGraph:
    """A :class:`graphkit.projection.PropertyGraph` as a MultiDiGraph (edge key = claim id)."""
    G = nx.MultiDiGraph()
    G.add_nodes_from(pg.nodes.items())
    G.add_edges_from(
        (s, t, d.get("claim") or d["link"], {"type": typ, **d}) for s, t, typ, d in pg.edges
    )
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

    def __init__(self, G: nx.MultiDiGraph, *, files: list[Path] = (), dataset=None, ontology=None):
        from graphkit.model import ontology as default_ontology

        self.G = G
        self.files = list(files)
        self._dataset = dataset
        self.ontology = ontology or default_ontology()
        self.notes: list[str] = []
        self._index = None
        self._published: dict[str, str | None] | None = None

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
                ("source", e.get("published"), f"{e.get('title', '')} — {e.get('publisher', '')}")
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

    def path(
        self,
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
    ) -> PathResult:
        """Paths from ``source`` to ``target`` with evidence per hop, strongest first.

        By default only relationships that carry technology, data or money are followed (the
        ontology's ``gk:flowsTo`` types) and denied claims are left out; ``types`` or
        ``all_relationships`` widen that. ``budget`` caps the simple-path search (seconds); a
        result cut short has ``partial=True``.
        """
        a, b = self.find(source, entities_only=True), self.find(target, entities_only=True)
        f = self.edge_filter(
            directed=directed,
            types=types,
            statuses=statuses,
            all_relationships=all_relationships,
            as_of=as_of,
            min_status=min_status,
        )
        found = P.shortest_paths(self.G, a, b, limit=limit, f=f)
        partial = False
        if found and len(found[0]) - 1 > max_hops:
            found = []
        if found and not shortest_only:
            extra = P.simple_paths(self.G, a, b, max_hops=max_hops, limit=limit, f=f, budget=budget)
            partial = extra.partial
            found += [p for p in extra if p not in found]
        hops = [P.hops(self.G, p, f=f) for p in found]
        ranked = sorted(
            zip(found, hops), key=lambda ph: (P.path_strength(ph[1], f), len(ph[0]), ph[0])
        )[:limit]
        ranks = {s.rank: s.notation for s in self.ontology.statuses.values()}
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
            result.near = self._near(a, b, max_hops, f)
        return result

    def _near(self, a: str, b: str, max_hops: int, f: P.EdgeFilter) -> dict:
        reach = P.distances(self.G, a, max_hops, f)
        back = P.distances(self.G, b, max_hops, f, reverse=True)
        names = lambda d: [self.name(n) for n, _ in sorted(d.items(), key=lambda x: x[1])[1:11]]  # noqa: E731
        near = {"reachable_from_source": names(reach), "reaching_target": names(back)}
        if f.directed:
            undirected = P.shortest_paths(self.G, a, b, limit=1, f=f.with_(directed=False))
            if undirected and len(undirected[0]) - 1 <= max_hops:
                near["undirected_hops"] = len(undirected[0]) - 1
        if f.flow_only:
            wide = f.with_(types=None, flow_only=False)
            other = P.shortest_paths(self.G, a, b, limit=1, f=wide)
            if not other and f.directed:
                other = P.shortest_paths(self.G, a, b, limit=1, f=wide.with_(directed=False))
            if other and len(other[0]) - 1 <= max_hops:
                hop = P.hops(self.G, other[0], f=wide.with_(directed=False))
                near["other_relationships"] = {
                    "hops": len(other[0]) - 1,
                    "types": sorted({c["type"] for h in hop for c in h.claims}),
                }
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
