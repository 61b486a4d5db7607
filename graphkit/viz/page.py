"""The interactive page: plain JSON data for a selection, inlined into a self-contained HTML
template (vis-network, our script and styles; a Content-Security-Policy forbids every remote
request and every script but ours; data strings reach the DOM only as text)."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
from collections import Counter
from pathlib import Path

from graphkit.errors import GraphkitError
from graphkit.model import schema
from graphkit.viz.layout import caption, layout, wrap_label
from graphkit.viz.selection import DEFAULT_MAX_NODES, Selection, check_size, select

#: Colour-blind-friendly palette (Okabe-Ito, then Paul Tol's muted), assigned in ontology order.
PALETTE = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#882255", "#117733",
    "#332288", "#999933", "#44AA99", "#AA4499", "#661100", "#6699CC",
)  # fmt: skip
SHAPES = ("dot", "square", "diamond", "triangle", "star", "triangleDown", "hexagon")
_TEMPLATES = Path(__file__).parent.parent / "templates"


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


#: Up to this many nodes every label is drawn at default zoom; above it only the hubs (the
#: ``LABEL_HUBS`` best connected), highlighted, selected and searched nodes keep theirs.
LABEL_ALL_UP_TO = 150
LABEL_HUBS = 40


def page_data(graph, sel: Selection, positions: dict | None = None) -> dict:
    """Everything the page shows, as plain JSON-able data.

    ``edges`` are the claims (and structural links) one by one; ``links`` are what is drawn:
    one line per pair of nodes, listing its claims as ``members``.
    """
    G = graph.G
    sch = schema()
    class_style, edge_colors = styles()
    dashed = {s.notation for s in sch.statuses.values() if s.uncertain}
    positions = positions if positions is not None else layout(sel, graph)
    degree = Counter(n for u, v, _ in sel.edges for n in (u, v))
    pairs = {tuple(sorted((u, v))) for u, v, _ in sel.edges if u != v}
    spread = Counter(n for pair in pairs for n in pair)
    if len(sel.nodes) <= LABEL_ALL_UP_TO:
        pinned = set(sel.nodes)
    else:
        hubs = sorted(sel.nodes, key=lambda n: (-spread[n], n))[:LABEL_HUBS]
        pinned = set(hubs) | (set(sel.nodes) & sel.highlight)
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
                "label": wrap_label(caption(n, d)),
                "x": round(x, 1),
                "y": round(y, 1),
                "cls": cls,
                "color": style["color"],
                "shape": style["shape"],
                "size": round(10 + min(16, 3 * math.sqrt(degree[n])), 1),
                "hl": n in sel.highlight,
                "pin": n in pinned,
            }
        )
        props = [[k, _plain(v)] for k, v in sorted(d.items()) if k not in ("labels", "name")]
        details[n] = {"name": name, "labels": list(d["labels"]), "props": props}
        evidence_ids.update(d.get("evidence", []))
        if "Evidence" in d["labels"]:
            evidence_ids.add(n)

    edges = []
    groups: dict[tuple[str, str], list[dict]] = {}
    for u, v, k in sel.edges:
        d = G.edges[u, v, k]
        typ = d["type"]
        e = {
            "id": k,
            "from": u,
            "to": v,
            "type": typ,
            "color": edge_colors.get(typ, "#777777"),
            "hl": k in sel.highlight,
        }
        a, b = sorted((u, v))
        groups.setdefault((a, b), []).append(e)
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
                undated=bool(sel.as_of) and not d.get("start") and not d.get("end"),
                verb=sch.rel_labels.get(typ, typ),
            )
            evidence_ids.update(e["evidence"])
            contract_ids.update(e["contracts"])
        else:
            e.update(dashes=True, verb=typ.replace("_", " ").lower())
        edges.append(e)
    links = [_link(members) for members in groups.values()]

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
        "links": links,
        "details": details,
        "evidence": evidence,
        "contracts": contracts,
        "options": _vis_options(len(nodes), len(links)),
        "note": sel.note,
        "as_of": sel.as_of,
    }


def _link(members: list[dict]) -> dict:
    """One drawn line for the claims between two nodes: drawn from the first claim's source,
    with an arrow at each end some claim points to, coloured by the most frequent type."""
    first = members[0]
    a, b = first["from"], first["to"]
    ends = {"to" if e["to"] == b else "from" for e in members}
    typ = Counter(e["type"] for e in members).most_common(1)[0][0]
    link_id = first["id"] if len(members) == 1 else f"link:{first['id']}"
    for e in members:
        e["link"] = link_id
    return {
        "id": link_id,
        "from": a,
        "to": b,
        "arrows": sorted(ends, reverse=True),
        "color": next(e["color"] for e in members if e["type"] == typ),
        "dashes": all(e.get("dashes") for e in members),
        "hl": any(e["hl"] for e in members),
        "members": [e["id"] for e in members],
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
            # line labels (relationship types) wait for a closer zoom when there are many
            "scaling": {"label": {"drawThreshold": 7 if n_edges <= 30 else 10}},
        },
    }


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
