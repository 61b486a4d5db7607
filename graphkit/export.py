"""Exports of the loaded graph: RDF (ttl, nt, jsonld) from the dataset, and property-graph
formats (graphml, gexf, json) from the one projection."""

from __future__ import annotations

import io
import json

import networkx as nx

from graphkit.output import cell

RDF_FORMATS = ("ttl", "nt", "jsonld")
GRAPH_FORMATS = ("graphml", "gexf", "json")
FORMATS = RDF_FORMATS + GRAPH_FORMATS


def export(graph, fmt: str) -> bytes:
    """Serialize ``graph`` (a :class:`graphkit.Graph`) as ``fmt``."""
    if fmt in RDF_FORMATS:
        return graph.dataset.serialize(fmt)
    if fmt == "json":
        data = nx.node_link_data(graph.G, edges="edges")
        return json.dumps(data, indent=1, ensure_ascii=False, default=list).encode()
    if fmt in ("graphml", "gexf"):
        buf = io.BytesIO()
        (nx.write_graphml if fmt == "graphml" else nx.write_gexf)(_scalar_copy(graph.G), buf)
        return buf.getvalue()
    raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")


def _scalar_copy(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """GraphML and GEXF take scalar attributes only: lists become '; '-joined strings."""

    def flat(d: dict) -> dict:
        return {k: v if isinstance(v, int | float | str | bool) else cell(v) for k, v in d.items()}

    H = nx.MultiDiGraph()
    H.add_nodes_from((n, {**flat(d), "label": d.get("name", n)}) for n, d in G.nodes(data=True))
    H.add_edges_from(
        (u, v, k, {**flat(d), "label": d["type"]}) for u, v, k, d in G.edges(keys=True, data=True)
    )
    return H
