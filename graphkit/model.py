"""The ontology as data: namespaces, and the property-graph schema read from ``ontology/*.ttl``.

Nothing here lists classes or relationship types by hand; :func:`schema` reads them.

>>> s = schema()
>>> s.rel_types[GK + "supplies"]
'SUPPLIES'
>>> s.labels_of(GK + "Company")
('Company', 'Organization', 'Entity')
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

GK = "https://w3id.org/graphkit/ontology#"
ID = "https://w3id.org/graphkit/id/"
TAXONOMY = "https://w3id.org/graphkit/taxonomy/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"
DCTERMS = "http://purl.org/dc/terms/"
SH = "http://www.w3.org/ns/shacl#"

#: Prefixes predeclared for SPARQL and used when writing Turtle.
PREFIXES: dict[str, str] = {
    "gk": GK,
    "ido": ID + "org/",
    "idp": ID + "product/",
    "idh": ID + "person/",
    "idc": ID + "claim/",
    "ide": ID + "evidence/",
    "idk": ID + "contract/",
    "status": TAXONOMY + "status/",
    "sector": TAXONOMY + "sector/",
    "tech": TAXONOMY + "tech/",
    "evidence-type": TAXONOMY + "evidence-type/",
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "prov": PROV,
    "schema": SCHEMA,
    "dcterms": DCTERMS,
    "org": "http://www.w3.org/ns/org#",
}


def project_root() -> Path:
    """Folder holding ``ontology/`` and ``data/`` (the repository, or the installed package)."""
    here = Path(__file__).resolve().parent
    return here if (here / "ontology").is_dir() else here.parent


def ontology_files() -> list[Path]:
    """The ontology and taxonomy Turtle files (not the SHACL shapes)."""
    folder = project_root() / "ontology"
    return sorted(p for p in folder.glob("*.ttl") if p.name != "shapes.ttl")


def shapes_file() -> Path:
    return project_root() / "ontology" / "shapes.ttl"


def data_dir() -> Path:
    return project_root() / "data"


def short_id(iri: str) -> str:
    """Readable node id: the IRI relative to the id base (``org/amazon``); other IRIs unchanged."""
    return iri[len(ID) :] if iri.startswith(ID) else iri


def full_iri(node_id: str) -> str:
    """Inverse of :func:`short_id`."""
    return node_id if "://" in node_id or node_id.startswith("urn:") else ID + node_id


@dataclass(frozen=True)
class Schema:
    """What the projection needs from the ontology."""

    class_labels: dict[str, str]  # class IRI -> own label
    superclasses: dict[str, tuple[str, ...]]  # class IRI -> gk superclasses (transitive, ordered)
    rel_types: dict[str, str]  # claim relationship property IRI -> TYPE
    link_types: dict[str, str]  # structural object property IRI -> TYPE
    keys: dict[str, str]  # property IRI -> key on nodes/edges
    functional: frozenset[str]  # single-valued properties
    comments: dict[str, str] = field(default_factory=dict)  # IRI -> rdfs:comment
    rel_labels: dict[str, str] = field(default_factory=dict)  # TYPE -> rdfs:label

    def labels_of(self, cls: str) -> tuple[str, ...]:
        """Labels of a node of class ``cls``: its own, then its superclasses'."""
        chain = (cls, *self.superclasses.get(cls, ()))
        return tuple(self.class_labels[c] for c in chain if c in self.class_labels)

    @property
    def rel_type_names(self) -> list[str]:
        return sorted(self.rel_types.values())

    @property
    def node_labels(self) -> list[str]:
        return sorted(self.class_labels.values())

    def rel_iri(self, type_name: str) -> str:
        """Property IRI of a relationship TYPE (``SUPPLIES`` -> ``gk:supplies``)."""
        for iri, t in self.rel_types.items():
            if t == type_name.upper():
                return iri
        raise KeyError(type_name)


def _literal_rows(store, query: str):
    return [
        [term.value if term is not None else None for term in row] for row in store.query(query)
    ]


@functools.cache
def schema() -> Schema:
    """Read the property-graph schema from the ontology files (cached per process)."""
    import pyoxigraph as ox

    store = ox.Store()
    for path in ontology_files():
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    pre = f"PREFIX gk: <{GK}> PREFIX rdfs: <{RDFS}> PREFIX owl: <{OWL}> "
    class_labels = dict(_literal_rows(store, pre + "SELECT ?c ?l WHERE { ?c gk:pgLabel ?l }"))
    parents: dict[str, list[str]] = {}
    for c, p in _literal_rows(store, pre + "SELECT ?c ?p WHERE { ?c rdfs:subClassOf ?p }"):
        parents.setdefault(c, []).append(p)

    def closure(c: str) -> tuple[str, ...]:
        out: list[str] = []
        todo = list(parents.get(c, []))
        while todo:
            p = todo.pop(0)
            if p not in out and p in class_labels:
                out.append(p)
            todo.extend(parents.get(p, []))
        return tuple(out)

    rel_rows = _literal_rows(
        store,
        pre + "SELECT ?p ?t WHERE { ?p gk:pgType ?t . ?p rdfs:subPropertyOf+ gk:relationship }",
    )
    rel_types = dict(rel_rows)
    link_types = {
        p: t
        for p, t in _literal_rows(store, pre + "SELECT ?p ?t WHERE { ?p gk:pgType ?t }")
        if p not in rel_types
    }
    keys = dict(_literal_rows(store, pre + "SELECT ?p ?k WHERE { ?p gk:pgKey ?k }"))
    functional = frozenset(
        r[0] for r in _literal_rows(store, pre + "SELECT ?p WHERE { ?p a owl:FunctionalProperty }")
    )
    comments = dict(_literal_rows(store, pre + "SELECT ?x ?c WHERE { ?x rdfs:comment ?c }"))
    labels = dict(_literal_rows(store, pre + "SELECT ?x ?l WHERE { ?x rdfs:label ?l }"))
    return Schema(
        class_labels=class_labels,
        superclasses={c: closure(c) for c in class_labels},
        rel_types=rel_types,
        link_types=link_types,
        keys=keys,
        functional=functional,
        comments=comments,
        rel_labels={t: labels.get(p, t) for p, t in rel_types.items()},
    )
