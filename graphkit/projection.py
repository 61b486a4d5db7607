"""RDF dataset -> property graph: the one mapping every backend and exporter consumes.

- Node: every IRI typed with an ontology class that has a ``gk:pgLabel``. ``labels`` are its class
  and superclasses (``("Company", "Organization", "Entity")``); properties are the values of the
  ontology properties that carry a ``gk:pgKey`` (single-valued for ``owl:FunctionalProperty``,
  else sorted lists). SKOS concepts become their ``skos:notation``; other IRIs their short id.
- Edge from a claim: ``(subject, object, TYPE, {claim, status, start, end, summary, evidence,
  contracts, sources})`` where TYPE is the ``gk:pgType`` of the claim's relationship.
- Edge from a structural link (``gk:pgType`` on a property that is not a relationship), for
  example ``(contract)-[:AWARDED_BY]->(agency)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple, TypedDict

from graphkit.model import GK, RDF, SKOS, XSD_NUMERIC, Schema, schema, short_id

_NUMERIC = XSD_NUMERIC


class NodeRecord(TypedDict, total=False):
    """A node's properties: ``labels`` (most specific first), ``name``, and one key per ontology
    property with a ``gk:pgKey`` (lists for multi-valued properties)."""

    labels: tuple[str, ...]
    name: str


class Edge(NamedTuple):
    """One edge: a claim (``props["claim"]`` = claim id, plus status, start, end, summary,
    evidence, contracts, sources, flow) or a structural link (``props["link"]``)."""

    source: str
    target: str
    type: str
    props: dict

    @property
    def key(self) -> str:
        """The claim id, or the link id of a structural edge."""
        return self.props.get("claim") or self.props["link"]

    @property
    def is_claim(self) -> bool:
        return "claim" in self.props


@dataclass
class PropertyGraph:
    """Nodes keyed by id; :class:`Edge` records. The one projection every backend, exporter and
    the cache consume; the networkx graph is built from it."""

    nodes: dict[str, NodeRecord] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)

    def claim_edges(self):
        return (e for e in self.edges if e.is_claim)


def project(dataset, sch: Schema | None = None) -> PropertyGraph:
    """Project a :class:`graphkit.store.Dataset` to a :class:`PropertyGraph`."""
    import pyoxigraph as ox

    sch = sch or schema()
    store = dataset.store
    notation = {
        r["c"].value: r["n"].value
        for r in dataset.query(f"SELECT ?c ?n WHERE {{ ?c <{SKOS}notation> ?n }}")
    }

    def value(term):
        if isinstance(term, ox.Literal):
            conv = _NUMERIC.get(term.datatype.value)
            return conv(term.value) if conv else term.value
        return notation.get(term.value) or short_id(term.value)

    # Nodes and their labels.
    labels: dict[str, list[str]] = {}
    rdf_type = ox.NamedNode(RDF + "type")
    for cls in sch.class_labels:
        for q in store.quads_for_pattern(None, rdf_type, ox.NamedNode(cls), None):
            if isinstance(q.subject, ox.NamedNode):
                own = labels.setdefault(q.subject.value, [])
                own.extend(lb for lb in sch.labels_of(cls) if lb not in own)
    claims = {
        q.subject.value
        for q in store.quads_for_pattern(None, rdf_type, ox.NamedNode(GK + "Claim"), None)
    }

    # Properties of nodes and claims.
    props: dict[str, dict] = {}
    for pred, key in sch.keys.items():
        single = pred in sch.functional
        for q in store.quads_for_pattern(None, ox.NamedNode(pred), None, None):
            s = q.subject.value
            if s not in labels and s not in claims:
                continue
            target = props.setdefault(s, {})
            v = value(q.object)
            if single:
                target[key] = v
            else:
                vals = target.setdefault(key, [])
                if v not in vals:
                    vals.append(v)
    for p in props.values():
        for _k, v in p.items():
            if isinstance(v, list):
                v.sort(key=str)

    pg = PropertyGraph()
    for iri in sorted(labels):
        node: NodeRecord = {"labels": tuple(_order(labels[iri], sch)), **props.get(iri, {})}  # type: ignore[typeddict-item]
        caption = sch.caption_key(node["labels"])
        node.setdefault("name", str(node.get(caption or "name") or short_id(iri)))
        pg.nodes[short_id(iri)] = node

    # Claim edges.
    parts: dict[str, dict[str, str]] = {}
    for role in ("subject", "predicate", "object"):
        for q in store.quads_for_pattern(None, ox.NamedNode(RDF + role), None, None):
            if q.subject.value in claims:
                parts.setdefault(q.subject.value, {})[role] = q.object.value
    for c in sorted(parts):
        part = parts[c]
        rel = sch.rel_types.get(part.get("predicate", ""))
        s, o = short_id(part.get("subject", "")), short_id(part.get("object", ""))
        if rel is None or s not in pg.nodes or o not in pg.nodes:
            continue  # reported by validation; never a dangling edge
        edge = {"claim": short_id(c), **props.get(c, {})}
        negated = getattr(sch.status(edge.get("status")), "negated", False)
        edge["flow"] = rel in sch.flow_types and not negated
        edge["sources"] = [
            pg.nodes[e].get("url") for e in edge.get("evidence", []) if "url" in pg.nodes.get(e, {})
        ]
        pg.edges.append(Edge(s, o, rel, edge))

    # Structural links.
    for pred, rel in sorted(sch.link_types.items()):
        pairs = {
            (short_id(q.subject.value), short_id(q.object.value))
            for q in store.quads_for_pattern(None, ox.NamedNode(pred), None, None)
        }
        for s, o in sorted(pairs):
            if s in pg.nodes and o in pg.nodes:
                pg.edges.append(Edge(s, o, rel, {"link": f"{s}|{rel}|{o}"}))
    return pg


def _order(labels: list[str], sch: Schema) -> list[str]:
    """Most specific label first (the one with the most superclasses)."""
    depth = {sch.class_labels[c]: len(sch.superclasses[c]) for c in sch.class_labels}
    return sorted(labels, key=lambda lb: (-depth.get(lb, 0), lb))
