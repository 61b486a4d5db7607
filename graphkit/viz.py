"""Pictures of the graph: an interactive, offline HTML page, and SVG/PNG drawings of paths.

The page is one self-contained file: vis-network (the copy that ships with pyvis) and our own
script and styles are inlined, a Content-Security-Policy forbids every remote request and every
script but ours, and all data travels as JSON that the page renders with ``textContent``.

>>> import graphkit
>>> from graphkit.model import project_root
>>> mini = project_root() / "tests" / "fixtures" / "mini.ttl"
>>> g = graphkit.load([mini], bundled=False, cache=False)
>>> sel = select(g, path=("Acme Cloud Ltd.", "FEA"))
>>> [g.name(n) for n in sel.paths[0]]
['Acme Cloud Ltd.', 'Borealis Analytics', 'Federal Enforcement Agency']
>>> "<svg" in path_svg(g, sel)
True
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from graphkit.errors import DataError, GraphkitError
from graphkit.model import schema, short_id

DEFAULT_MAX_NODES = 500
#: Colour-blind-friendly palette (Okabe-Ito, then Paul Tol's muted), assigned in ontology order.
PALETTE = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#882255", "#117733",
    "#332288", "#999933", "#44AA99", "#AA4499", "#661100", "#6699CC",
)  # fmt: skip
SHAPES = ("dot", "square", "diamond", "triangle", "star", "triangleDown", "hexagon")
_TEMPLATES = Path(__file__).parent / "templates"
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


# -- selection ---------------------------------------------------------------------------------


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
    query (a file path or the query text), or the whole graph; then filter by class (``labels``),
    relationship type, claim status and date."""
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
        title = f"{graph.name(center)} and {len(nodes) - 1} entities within {depth} hop(s)"
        sel = _induced(G, nodes, filt, title, "focus")
        sel.highlight = {center}
        return sel
    if query is not None:
        nodes, claims, label = run_query(graph, query, query_language)
        nodes = {n for n in nodes if not wanted or node_ok(n)}
        sel = _induced(G, nodes, filt, f"Query: {label}", "query")
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
        return sel
    nodes = {n for n in G if node_ok(n)}
    sel = _induced(G, nodes, filt, "Whole graph", "graph")
    if filt.active:  # drop what the filters cut off entirely
        touched = {n for u, v, _ in sel.edges for n in (u, v)}
        sel.nodes = [n for n in sel.nodes if n in touched]
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


# -- queries -----------------------------------------------------------------------------------

#: A query runner gets the graph and the query text and returns node ids and claim edges
#: ``(source, target, claim key)``. Register another language (e.g. Cypher) here.
QueryRunner = Callable[[object, str], tuple[set[str], list[tuple[str, str, str]]]]
QUERY_LANGUAGES: dict[str, QueryRunner] = {}
QUERY_SUFFIXES = {".rq": "sparql", ".sparql": "sparql", ".cypher": "cypher", ".cql": "cypher"}


def run_query(graph, query: str | Path, language: str | None = None):
    """Run a query file (or text) and return ``(node ids, claim edges, label)``."""
    label = "inline query"
    if isinstance(query, Path) or (
        isinstance(query, str) and "\n" not in query and Path(query).is_file()
    ):
        path = Path(query)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise DataError(f"{path}: cannot read query: {e}", path=path) from None
        language = language or QUERY_SUFFIXES.get(path.suffix.lower(), "sparql")
        label = path.name
    else:
        text, path = str(query), None
    language = (language or "sparql").lower()
    runner = QUERY_LANGUAGES.get(language)
    if runner is None:
        raise GraphkitError(
            f"{label}: {language} queries are not supported by viz yet "
            f"(supported: {', '.join(sorted(QUERY_LANGUAGES))})"
        )
    try:
        nodes, claims = runner(graph, text)
    except SyntaxError as e:
        where = f"{path}:{e.lineno}" if path and e.lineno else (str(path) if path else label)
        raise DataError(
            f"{where}: query syntax error: {e.msg or e}", path=path, line=e.lineno
        ) from None
    return nodes, claims, label


def _sparql(graph, text: str):
    """SELECT: every IRI (or literal node id) in the results names a node or a claim.
    CONSTRUCT/DESCRIBE: the subjects and objects of the triples do."""
    import pyoxigraph as ox

    from graphkit import sparql

    shape = sparql.check(text)  # SERVICE, updates, deep nesting: refused before the engine
    try:
        result = graph.dataset.query(text, use_default_graph_as_union=not shape.has_dataset)
    except (ValueError, OSError) as e:
        raise GraphkitError(f"query failed: {e}") from None
    if isinstance(result, ox.QueryBoolean):
        raise GraphkitError("an ASK query has no nodes to draw: use SELECT or CONSTRUCT")
    terms = []
    if isinstance(result, ox.QuerySolutions):
        variables = result.variables
        for sol in result:
            terms.extend(sol[v] for v in variables)
    else:
        for t in result:
            terms.extend((t.subject, t.object))
    claim_index = {k: (u, v) for u, v, k in graph.G.edges(keys=True)}
    nodes, claims = set(), []
    for term in terms:
        if isinstance(term, ox.NamedNode | ox.Literal):
            sid = short_id(term.value)
            if sid in graph.G:
                nodes.add(sid)
            elif sid in claim_index:
                claims.append((*claim_index[sid], sid))
    return nodes, claims


QUERY_LANGUAGES["sparql"] = _sparql


def _cypher(graph, text: str):
    """Embedded Cypher (read-only): every value that is a node id or a claim id names one;
    lists (e.g. ``r.evidence``) are searched too."""
    from graphkit.backends import embedded_cypher

    _cols, rows = embedded_cypher.run(graph, text, {})
    claim_index = {k: (u, v) for u, v, k in graph.G.edges(keys=True)}
    nodes, claims = set(), []
    todo = [v for row in rows for v in row]
    while todo:
        v = todo.pop()
        if isinstance(v, list | tuple):
            todo.extend(v)
        elif isinstance(v, dict):
            todo.extend(v.values())
        elif isinstance(v, str) and v in graph.G:
            nodes.add(v)
        elif isinstance(v, str) and v in claim_index:
            claims.append((*claim_index[v], v))
    return nodes, claims


QUERY_LANGUAGES["cypher"] = _cypher


# -- size, layout, page data ----------------------------------------------------------------------


def check_size(sel: Selection, max_nodes: int) -> None:
    if len(sel.nodes) > max_nodes:
        raise GraphkitError(
            f"the selection has {len(sel.nodes):,} nodes, more than the limit of {max_nodes:,}. "
            "Narrow it (focus with depth, path, query, or filter by class, relationship type, "
            "status or date) or raise the limit (--max-nodes)."
        )


def layout(sel: Selection, *, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Positions in page pixels: layered left-to-right for paths, force-directed otherwise."""
    if sel.paths:
        return _layered(sel.paths)
    return _spring(sel.nodes, [(u, v) for u, v, _ in sel.edges], seed=seed)


def _layered(paths: list[list[str]]) -> dict[str, tuple[float, float]]:
    layer: dict[str, int] = {}
    for p in paths:
        for i, n in enumerate(p[:-1]):
            layer[n] = min(layer.get(n, i), i)
    target = paths[0][-1]
    layer[target] = max(len(p) for p in paths) - 1  # the target always ends the picture
    rows: dict[int, list[str]] = {}
    for n, i in sorted(layer.items(), key=lambda x: (x[1], x[0])):
        rows.setdefault(i, []).append(n)
    pos = {}
    last = max(rows)
    for i, ns in rows.items():
        # Keep middle layers off the centre line, where edges that skip a layer run.
        shift = 70.0 if 0 < i < last and len(ns) % 2 else 0.0
        for j, n in enumerate(ns):
            pos[n] = (i * 260.0, (j - (len(ns) - 1) / 2) * 140.0 + shift)
    return pos


def _spring(nodes: list[str], edges: list[tuple[str, str]], seed: int = 7):
    """Fruchterman-Reingold in numpy (float32), with weak gravity so components stay close."""
    import numpy as np

    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    idx = {v: i for i, v in enumerate(nodes)}
    pairs = [(idx[a], idx[b]) for a, b in edges if a != b]
    u = np.array([a for a, _ in pairs], dtype=np.int64)
    v = np.array([b for _, b in pairs], dtype=np.int64)
    pos = np.random.default_rng(seed).random((n, 2)).astype(np.float32)
    k = np.float32(1.0 / math.sqrt(n))
    iterations = 100 if n <= 300 else 60
    t = 0.1
    dt = t / (iterations + 1)
    for _ in range(iterations):
        dx = pos[:, 0, None] - pos[None, :, 0]
        dy = pos[:, 1, None] - pos[None, :, 1]
        d2 = dx * dx + dy * dy
        np.maximum(d2, 1e-6, out=d2)
        rep = (k * k) / d2
        disp = np.stack([(dx * rep).sum(1), (dy * rep).sum(1)], 1)
        if len(pairs):
            e = pos[u] - pos[v]
            f = e * ((np.sqrt((e * e).sum(1)) + 1e-9) / k)[:, None]
            np.add.at(disp, u, -f)
            np.add.at(disp, v, f)
        disp -= (pos - 0.5) * (0.05 * n * k)
        length = np.sqrt((disp * disp).sum(1)) + 1e-9
        pos += disp * (np.minimum(length, t) / length)[:, None]
        t -= dt
    pos -= pos.mean(0)
    span = float(np.abs(pos).max()) or 1.0
    scale = 120.0 * math.sqrt(n) + 150.0
    return {
        nid: (float(x) / span * scale, float(y) / span * scale) for nid, (x, y) in zip(nodes, pos)
    }


def styles() -> tuple[dict[str, dict], dict[str, str]]:
    """Colour and shape per node class, colour per edge type; keyed by the ontology's names."""
    sch = schema()
    classes = {
        lb: {"color": PALETTE[i % len(PALETTE)], "shape": SHAPES[i % len(SHAPES)]}
        for i, lb in enumerate(sch.node_labels)
    }
    types = [*sch.rel_type_names, *sorted(set(sch.link_types.values()))]
    links = set(sch.link_types.values())
    edge_colors = {
        t: "#9a9a9a" if t in links else PALETTE[(i * 5 + 3) % len(PALETTE)]
        for i, t in enumerate(types)
    }
    return classes, edge_colors


def page_data(graph, sel: Selection, positions: dict | None = None) -> dict:
    """Everything the page shows, as plain JSON-able data."""
    G = graph.G
    sch = schema()
    class_style, edge_colors = styles()
    dashed = {s.notation for s in sch.statuses.values() if s.uncertain}
    positions = positions if positions is not None else layout(sel)
    degree = Counter(n for u, v, _ in sel.edges for n in (u, v))
    evidence_ids: set[str] = set()
    contract_ids: set[str] = set()
    comments = {lb: sch.comments.get(c, "") for c, lb in sch.class_labels.items()}

    nodes, details = [], {}
    for n in sel.nodes:
        d = G.nodes[n]
        cls = d["labels"][0]
        style = class_style.get(cls, {"color": "#777777", "shape": "dot"})
        x, y = positions.get(n, (0.0, 0.0))
        name = str(d.get("name", n))
        nodes.append(
            {
                "id": n,
                "label": name if len(name) <= 40 else name[:39] + "…",
                "x": round(x, 1),
                "y": round(y, 1),
                "cls": cls,
                "color": style["color"],
                "shape": style["shape"],
                "size": round(10 + min(16, 3 * math.sqrt(degree[n])), 1),
                "hl": n in sel.highlight,
            }
        )
        props = [[k, _plain(v)] for k, v in sorted(d.items()) if k not in ("labels", "name")]
        details[n] = {"name": name, "labels": list(d["labels"]), "props": props}
        evidence_ids.update(d.get("evidence", []))
        if "Evidence" in d["labels"]:
            evidence_ids.add(n)

    pair_count: Counter = Counter()
    edges = []
    for u, v, k in sel.edges:
        d = G.edges[u, v, k]
        pair = tuple(sorted((u, v)))
        nth = pair_count[pair]
        pair_count[pair] += 1
        typ = d["type"]
        e = {
            "id": k,
            "from": u,
            "to": v,
            "type": typ,
            "color": edge_colors.get(typ, "#777777"),
            "hl": k in sel.highlight,
            "curve": round(0.18 * nth, 2) if nth else 0,
        }
        if "claim" in d:
            e.update(
                claim=d["claim"],
                status=d.get("status"),
                start=_plain(d.get("start")),
                end=_plain(d.get("end")),
                summary=d.get("summary"),
                evidence=list(d.get("evidence", [])),
                contracts=list(d.get("contracts", [])),
                dashes=d.get("status") in dashed,
                verb=sch.rel_labels.get(typ, typ),
            )
            evidence_ids.update(e["evidence"])
            contract_ids.update(e["contracts"])
        else:
            e.update(dashes=True, verb=typ.replace("_", " ").lower())
        edges.append(e)

    evidence = {}
    for ev in sorted(evidence_ids):
        if ev in G:
            rec = {k: _plain(v) for k, v in G.nodes[ev].items() if k != "labels"}
            if not _is_web_url(rec.get("url")):
                rec.pop("url", None)
            if not _is_web_url(rec.get("archive_url")):
                rec.pop("archive_url", None)
            evidence[ev] = rec
    contracts = {
        c: {k: _plain(v) for k, v in G.nodes[c].items() if k != "labels"}
        for c in sorted(contract_ids)
        if c in G
    }
    present = Counter(nd["cls"] for nd in nodes)
    statuses = sorted({e["status"] for e in edges if e.get("status")})
    return {
        "title": sel.title,
        "mode": sel.mode,
        "classes": [
            {"label": lb, **class_style.get(lb, {}), "count": c, "comment": comments.get(lb, "")}
            for lb, c in sorted(present.items())
        ],
        "types": [
            {"type": t, "color": edge_colors.get(t, "#777777"), "count": c}
            for t, c in sorted(Counter(e["type"] for e in edges).items())
        ],
        "statuses": [
            {"status": s, "dashed": s in dashed, "count": c}
            for s, c in sorted(Counter(e.get("status") for e in edges if e.get("status")).items())
        ]
        if statuses
        else [],
        "nodes": nodes,
        "edges": edges,
        "details": details,
        "evidence": evidence,
        "contracts": contracts,
        "options": _vis_options(len(nodes), len(edges)),
    }


def _plain(v):
    """JSON-safe scalar or list (tuples become lists, numbers stay numbers)."""
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    if v is None or isinstance(v, bool | int | float | str):
        return v
    return str(v)


def _is_web_url(u) -> bool:
    return isinstance(u, str) and re.match(r"^https?://[^\s]+$", u, re.I) is not None


def _vis_options(n_nodes: int, n_edges: int) -> dict:
    big = n_nodes > 300 or n_edges > 900
    return {
        "autoResize": True,
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "interaction": {
            "hover": True,
            "tooltipDelay": 120,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "multiselect": False,
            "navigationButtons": False,
        },
        "nodes": {
            "borderWidth": 1,
            "font": {"size": 13, "strokeWidth": 3, "strokeColor": "#ffffff"},
            "scaling": {"label": {"drawThreshold": 7}},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.55}},
            "font": {"size": 10, "align": "middle", "color": "#444444", "strokeWidth": 3},
            "smooth": False,
            "selectionWidth": 2,
            "scaling": {"label": {"drawThreshold": 7}},
        },
    }


# -- HTML ----------------------------------------------------------------------------------------


def _vis_assets() -> tuple[str, str]:
    """vis-network 9.1.2 as shipped inside the pyvis package (JS, CSS)."""
    import pyvis

    lib = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
    return (lib / "vis-network.min.js").read_text("utf-8"), (lib / "vis-network.css").read_text(
        "utf-8"
    )


def embed_json(data) -> str:
    """JSON that is safe inside ``<script type="application/json">`` (no ``</``, ``<!--``)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(ch, esc)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def build_html(graph, sel: Selection, *, title: str | None = None, positions=None) -> str:
    """A self-contained HTML page for ``sel``: no remote resource, every data string escaped."""
    data = page_data(graph, sel, positions)
    if title:
        data["title"] = title
    vis_js, vis_css = _vis_assets()
    own_js = (_TEMPLATES / "viz.js").read_text("utf-8")
    own_css = (_TEMPLATES / "viz.css").read_text("utf-8")
    for code in (vis_js, own_js, vis_css, own_css):
        if "</script" in code.lower() or "</style" in code.lower():
            raise GraphkitError("an inlined asset contains a closing tag")  # pragma: no cover
    csp = (
        "default-src 'none'; "
        f"script-src {_sha256(vis_js)} {_sha256(own_js)}; "
        "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; "
        "connect-src 'none'; base-uri 'none'; form-action 'none'"
    )
    values = {
        "csp": html.escape(csp, quote=True),
        "title": html.escape(data["title"]),
        "data": embed_json(data),
        "vis_js": vis_js,
        "vis_css": vis_css,
        "js": own_js,
        "css": own_css,
    }
    template = (_TEMPLATES / "viz.html").read_text("utf-8")
    return re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], template)


def write(
    graph, output: str | Path, *, max_nodes: int = DEFAULT_MAX_NODES, title=None, **how
) -> Selection:
    """Select (see :func:`select`), check the size and write the page to ``output``."""
    sel = select(graph, **how)
    check_size(sel, max_nodes)
    Path(output).write_text(build_html(graph, sel, title=title), encoding="utf-8")
    return sel


# -- static drawings -----------------------------------------------------------------------------

_CHAR_W = 7.4  # average glyph width at 13px sans-serif, for layout estimates


def _short(text, n: int) -> str:
    s = str(text)
    return s if len(s) <= n else s[: n - 1] + "…"


def path_svg(graph, sel: Selection, *, max_paths: int = 5) -> str:
    """An SVG drawing of the paths in ``sel`` (from ``select(..., path=...)``): one row per path,
    each hop labelled with its relationship type(s), status and numbered sources below."""
    if not sel.paths:
        raise GraphkitError("a static drawing needs a path selection (--path A B)")
    esc = lambda s: html.escape(str(s), quote=True)  # noqa: E731
    refs: dict[str, int] = {}
    rows = []
    for p, hops in list(zip(sel.paths, sel.hops))[:max_paths]:
        names = [_short(graph.name(n), 34) for n in p]
        labels = []
        for h in hops:
            fwd = all(c["direction"] == "forward" for c in h.claims)
            types = ", ".join(sorted({c["type"] for c in h.claims}))
            stat = ", ".join(sorted({c.get("status") or "?" for c in h.claims}))
            nums = []
            for c in h.claims:
                for e in c.get("evidence", []):
                    nums.append(refs.setdefault(e, len(refs) + 1))
            note = stat + (" · " + " ".join(f"[{i}]" for i in sorted(set(nums))) if nums else "")
            labels.append((types, note, fwd))
        rows.append((names, labels))
    pad, box_h, row_h = 24, 40, 110
    out, width = [], 0.0
    y = 70.0
    for names, labels in rows:
        x = float(pad)
        for i, name in enumerate(names):
            w = max(110.0, len(name) * _CHAR_W + 24)
            out.append(
                f'<g class="node"><rect x="{x:.0f}" y="{y:.0f}" width="{w:.0f}" height="{box_h}" '
                f'rx="8" fill="#eef4fb" stroke="#0072B2"/><text x="{x + w / 2:.0f}" '
                f'y="{y + 25:.0f}" text-anchor="middle">{esc(name)}</text></g>'
            )
            x += w
            if i < len(labels):
                types, note, fwd = labels[i]
                gap = max(150.0, max(len(types), len(note)) * _CHAR_W * 0.9 + 40)
                x1, x2 = (x + 4, x + gap - 6) if fwd else (x + gap - 4, x + 6)
                mid = x + gap / 2
                out.append(
                    f'<g class="hop"><line x1="{x1:.0f}" y1="{y + 20:.0f}" x2="{x2:.0f}" '
                    f'y2="{y + 20:.0f}" stroke="#555" stroke-width="1.6" marker-end="url(#arrow)"/>'
                    f'<text class="type" x="{mid:.0f}" y="{y + 12:.0f}" text-anchor="middle" '
                    f'font-size="11" font-weight="bold">{esc(types)}</text>'
                    f'<text class="note" x="{mid:.0f}" y="{y + 36:.0f}" text-anchor="middle" '
                    f'font-size="10" fill="#555">{esc(note)}</text></g>'
                )
                x += gap
        width = max(width, x + pad)
        y += row_h
    y -= row_h - box_h - 40
    G = graph.G
    src_lines = []
    for ev, i in sorted(refs.items(), key=lambda x: x[1]):
        d = G.nodes[ev] if ev in G else {}
        pub = d.get("publisher")
        date = d.get("published")
        meta = ", ".join(str(x[0] if isinstance(x, list) and x else x) for x in (pub, date) if x)
        line = f"[{i}] {_short(d.get('title', ev), 90)}" + (f" — {meta}" if meta else "")
        url = d.get("url")
        src_lines.append((line, url if _is_web_url(url) else None))
    y += 10
    for line, url in src_lines:
        out.append(f'<text class="source" x="{pad}" y="{y:.0f}" font-size="11">{esc(line)}</text>')
        width = max(width, pad * 2 + len(line) * _CHAR_W * 0.85)
        if url:
            y += 15
            out.append(
                f'<text class="url" x="{pad + 24}" y="{y:.0f}" font-size="10" fill="#0b5394">'
                f"{esc(_short(url, 140))}</text>"
            )
            width = max(width, pad * 2 + 24 + min(len(url), 140) * 6.2)
        y += 19
    height = y + pad
    width = math.ceil(max(width, 360))
    title = esc(sel.title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height:.0f}" '
        f'viewBox="0 0 {width} {height:.0f}" font-family="DejaVu Sans, Arial, sans-serif" '
        f'font-size="13"><title>{title}</title><defs><marker id="arrow" viewBox="0 0 10 10" '
        'refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>'
        f'<rect width="100%" height="100%" fill="#ffffff"/>'
        f'<text x="{pad}" y="36" font-size="17" font-weight="bold">{title}</text>'
        + "".join(out)
        + "</svg>\n"
    )


def chromium_path() -> str | None:
    """``$GRAPHKIT_CHROMIUM``, else ``/usr/bin/chromium``, else ``chromium`` on the PATH."""
    for c in (os.environ.get("GRAPHKIT_CHROMIUM"), "/usr/bin/chromium"):
        if c and Path(c).is_file():
            return c
    return shutil.which("chromium") or shutil.which("chromium-browser")


CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
)


def svg_to_png(svg: str, output: str | Path, *, scale: int = 2) -> None:
    """Render ``svg`` to a PNG with headless Chromium (no network, throw-away profile)."""
    exe = chromium_path()
    if exe is None:
        raise GraphkitError(
            "PNG output needs Chromium: install it (Debian: apt-get install chromium) or set "
            "GRAPHKIT_CHROMIUM to its path; SVG output (--format svg) needs nothing."
        )
    m = re.search(r'width="(\d+)" height="(\d+)"', svg)
    w, h = (int(m.group(1)), int(m.group(2))) if m else (1200, 800)
    out = Path(output).resolve()
    with tempfile.TemporaryDirectory(prefix="graphkit-png-") as tmp:
        page = Path(tmp) / "page.html"
        page.write_text(
            '<!DOCTYPE html><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" '
            "content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            f"<style>html,body{{margin:0;background:#fff}}</style>{svg}",
            encoding="utf-8",
        )
        cmd = [
            exe,
            "--headless",
            *CHROMIUM_FLAGS,
            "--hide-scrollbars",
            f"--user-data-dir={tmp}/profile",
            f"--force-device-scale-factor={scale}",
            f"--window-size={w},{h}",
            f"--screenshot={out}",
            page.as_uri(),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise GraphkitError(f"Chromium failed to render the PNG: {e}") from None
        if proc.returncode != 0 or not out.is_file():
            tail = (proc.stderr or "").strip().splitlines()[-1:] or ["no output"]
            raise GraphkitError(f"Chromium failed to render the PNG: {tail[0]}")
