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
from typing import NamedTuple, TypedDict, cast

from graphkit.model import GK, RDF, SKOS, XSD_NUMERIC, Schema, schema, short_id

_NUMERIC = XSD_NUMERIC


class NodeRecord(TypedDict, total=False):
    """A node's properties: ``labels`` (most specific first), ``name``, and one key per ontology
    property with a ``gk:pgKey`` (lists for multi-valued properties)."""

    labels: tuple[str, ...]
    name: str


#: Keys the projection itself sets on edges (not ontology keys; see ``model.RESERVED_KEYS``),
#: with the Python type of their values: engines make these columns even when no edge has them.
EDGE_KEYS: dict[str, type] = {
    "claim": str,
    "sources": list,
    "flow": bool,
    "negated": bool,
    "link": str,
}


class Edge(NamedTuple):
    """One edge: a claim (``props["claim"]`` = claim id, plus status, start, end, summary,
    evidence, contracts, sources, flow, negated) or a structural link (``props["link"]``)."""

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

    @classmethod
    def from_networkx(cls, G) -> PropertyGraph:
        """The projection behind a networkx graph in the projection's shape
        (:meth:`graphkit.graph.Graph.G`, a server engine's subgraph): node attributes copied,
        each edge's ``type`` taken out of its properties."""
        return cls(
            nodes={n: cast(NodeRecord, dict(d)) for n, d in G.nodes(data=True)},
            edges=[
                Edge(u, v, d["type"], {k: x for k, x in d.items() if k != "type"})
                for u, v, d in G.edges(data=True)
            ],
        )


def project(dataset, sch: Schema | None = None) -> PropertyGraph:
    """Project a :class:`graphkit.store.Dataset` to a :class:`PropertyGraph`."""
    return project_triples(iter(dataset.store), sch)


def project_files(files, sch: Schema | None = None) -> PropertyGraph:
    """Project RDF files straight from the parser, without building a store: the fast path for
    a load without validation (no SPARQL index, a fraction of the memory)."""
    import pyoxigraph as ox

    from graphkit.errors import DataError
    from graphkit.formats import by_suffix

    def stream():
        for path in files:
            fmt = by_suffix(path.suffix)
            if fmt is None:
                raise DataError(f"{path}: not an RDF file")
            try:
                yield from ox.parse(path=str(path), format=fmt.ox())
            except SyntaxError as e:
                raise DataError(f"{path}:{e.lineno}: syntax error: {e.msg}", path=path) from None

    return project_triples(stream(), sch)


class _Ref(str):
    """An IRI object, named by its notation or short id once every triple is read."""

    __slots__ = ()


def project_triples(triples, sch: Schema | None = None) -> PropertyGraph:
    """The projection of a stream of pyoxigraph triples or quads, in one pass.

    A subject becomes a node when it is typed with an ontology class that has a label, a claim
    edge when typed ``gk:Claim``; properties are the values of ontology properties with a
    ``gk:pgKey`` (single-valued properties keep their smallest value when data gives several).
    """
    import pyoxigraph as ox

    sch = sch or schema()
    rdf_type, claim_cls = RDF + "type", GK + "Claim"
    roles = {RDF + "subject": "subject", RDF + "predicate": "predicate", RDF + "object": "object"}
    notation_p = SKOS + "notation"
    keys, links, classes = sch.keys, sch.link_types, sch.class_labels
    literal, named = ox.Literal, ox.NamedNode
    types: dict[str, set[str]] = {}
    values: dict[str, dict[str, list]] = {}
    parts: dict[str, dict[str, str]] = {}
    link_pairs: dict[str, set[tuple[str, str]]] = {}
    notation: dict[str, str] = {}
    for q in triples:
        subject = q.subject
        if type(subject) is not named:
            continue
        s, p, o = subject.value, q.predicate.value, q.object
        if p == rdf_type:
            c = o.value
            if c in classes or c == claim_cls:
                types.setdefault(s, set()).add(c)
            continue
        key = keys.get(p)
        if key is not None:
            if type(o) is literal:
                conv = _NUMERIC.get(o.datatype.value)
                v = o.value
                if conv is not None:
                    try:
                        v = conv(v)
                    except ValueError:
                        pass  # an ill-typed number stays text (validation reports it)
            else:
                v = _Ref(o.value)
            props = values.setdefault(s, {})
            vals = props.get(key)
            if vals is None:
                props[key] = [v]
            elif v not in vals:
                vals.append(v)
            continue
        role = roles.get(p)
        if role is not None:
            parts.setdefault(s, {})[role] = o.value
        elif p in links:
            link_pairs.setdefault(p, set()).add((s, o.value))
        elif p == notation_p:
            notation[s] = o.value

    functional = {k for p, k in keys.items() if p in sch.functional}

    def finish(props: dict[str, list]) -> dict:
        out = {}
        for k, vals in props.items():
            vals = [notation.get(v) or short_id(v) if type(v) is _Ref else v for v in vals]
            if k in functional:
                out[k] = vals[0] if len(vals) == 1 else min(vals, key=str)
            else:
                out[k] = sorted(set(vals), key=str) if len(vals) > 1 else vals
        return out

    pg = PropertyGraph()
    for iri in sorted(types):
        own = [lb for c in types[iri] if c in classes for lb in sch.labels_of(c)]
        if not own:
            continue
        node: NodeRecord = {  # type: ignore[typeddict-item]
            "labels": tuple(_order(list(dict.fromkeys(own)), sch)),
            **finish(values.get(iri, {})),
        }
        caption = sch.caption_key(node["labels"])
        node.setdefault("name", str(node.get(caption or "name") or short_id(iri)))
        pg.nodes[short_id(iri)] = node

    # Claim edges.
    for c in sorted(parts):
        if claim_cls not in types.get(c, ()):
            continue
        part = parts[c]
        rel = sch.rel_types.get(part.get("predicate", ""))
        s, o = short_id(part.get("subject", "")), short_id(part.get("object", ""))
        if rel is None or s not in pg.nodes or o not in pg.nodes:
            continue  # reported by validation; never a dangling edge
        edge = {"claim": short_id(c), **finish(values.get(c, {}))}
        negated = getattr(sch.status(edge.get("status")), "negated", False)
        edge["flow"] = rel in sch.flow_types and not negated
        edge["negated"] = negated  # the status says the relationship does not hold (gk:negated)
        edge["sources"] = [
            pg.nodes[e].get("url") for e in edge.get("evidence", []) if "url" in pg.nodes.get(e, {})
        ]
        pg.edges.append(Edge(s, o, rel, edge))

    # Structural links.
    for pred, rel in sorted(links.items()):
        pairs = {(short_id(a), short_id(b)) for a, b in link_pairs.get(pred, ())}
        for s, o in sorted(pairs):
            if s in pg.nodes and o in pg.nodes:
                pg.edges.append(Edge(s, o, rel, {"link": f"{s}|{rel}|{o}"}))
    return pg


def _order(labels: list[str], sch: Schema) -> list[str]:
    """Most specific label first (the one with the most superclasses)."""
    depth = {sch.class_labels[c]: len(sch.superclasses[c]) for c in sch.class_labels}
    return sorted(labels, key=lambda lb: (-depth.get(lb, 0), lb))
