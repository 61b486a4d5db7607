"""The ontology as data: namespaces, and one :class:`Ontology` object read from ``ontology/*.ttl``.

Nothing here lists classes, relationship types, statuses, identifiers or namespaces by hand:
:func:`ontology` reads them (once per process) from the ontology, taxonomy and shapes files, and the
object is passed to whatever needs it (``Graph.ontology``).

>>> o = ontology()
>>> o.rel_types[GK + "supplies"]
'SUPPLIES'
>>> o.labels_of(GK + "Company")
('Company', 'Organization', 'Entity')
>>> sorted(o.flow_types)[:3]
['HOSTS', 'INTEGRATES_WITH', 'OFFERS']
>>> [s.notation for s in o.statuses_by_strength()][:3]
['confirmed', 'ended', 'reported']
>>> o.namespace_of(GK + "Company")
'https://w3id.org/graphkit/id/org/'
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

DCAT = "http://www.w3.org/ns/dcat#"

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
    "risk": TAXONOMY + "risk/",
    "agency-kind": TAXONOMY + "agency-kind/",
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


#: Keys the projection itself sets on nodes and edges; no ontology ``gk:pgKey`` may use them.
RESERVED_KEYS = frozenset(
    {"id", "labels", "type", "source", "target", "claim", "link", "sources", "flow", "negated"}
)

#: Prefix of the keys that carry a contract's ``gk:ContractRecord`` figures on its node (see
#: :func:`record_key`); no ontology ``gk:pgKey`` may start with it.
RECORD_PREFIX = "record_"


def record_key(key: str) -> tuple[str, str]:
    """The two node keys of record figure ``key`` (a ``gk:recordFigure`` property's key):
    ``record_<key>``, the values the contract's records give, and ``record_<key>_evidence``, the
    parallel list of the evidence id of the record each value comes from (records in IRI order).

    >>> record_key("obligated")
    ('record_obligated', 'record_obligated_evidence')
    """
    return f"{RECORD_PREFIX}{key}", f"{RECORD_PREFIX}{key}_evidence"


#: XSD datatypes read as numbers (the one table; the projection, SPARQL and Cypher use it).
XSD_NUMERIC: dict[str, type] = {XSD + t: float for t in ("decimal", "double", "float")} | {
    XSD + t: int
    for t in (
        "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort",
    )
}  # fmt: skip


@dataclass(frozen=True)
class Status:
    """A claim status of the ``gk:ClaimStatus`` scheme."""

    notation: str
    label: str
    rank: int  # strength order, 1 = strongest
    uncertain: bool = False  # alleged, disputed, denied
    negated: bool = False  # denied: no derived triple, not followed unless asked
    definition: str = ""
    default: bool = False  # gk:isDefault: the status of a claim whose source gives none
    iri: str = ""  # the concept's IRI


@dataclass(frozen=True)
class Concept:
    """A SKOS concept of the taxonomy."""

    iri: str
    scheme: str  # scheme IRI
    notation: str
    label: str
    rank: int = 0
    definition: str = ""
    flags: tuple[str, ...] = ()  # gk:raisesFlag -> risk-flag notations
    agency_kind: str | None = None  # gk:agencyKind -> agency-kind notation
    default: bool = False


@dataclass(frozen=True)
class Ontology:
    """Everything the code needs from the ontology, taxonomy and shapes (see ``ontology/``)."""

    class_labels: dict[str, str]  # class IRI -> own label
    superclasses: dict[str, tuple[str, ...]]  # class IRI -> gk superclasses (transitive, ordered)
    rel_types: dict[str, str]  # claim relationship property IRI -> TYPE
    link_types: dict[str, str]  # structural object property IRI -> TYPE
    keys: dict[str, str]  # property IRI -> key on nodes/edges
    functional: frozenset[str]  # single-valued properties
    comments: dict[str, str] = field(default_factory=dict)  # IRI -> rdfs:comment
    rel_labels: dict[str, str] = field(default_factory=dict)  # TYPE -> rdfs:label
    flow_types: frozenset[str] = frozenset()  # TYPEs under gk:flowsTo
    scrutiny_types: frozenset[str] = frozenset()  # TYPEs under gk:scrutinises
    statuses: dict[str, Status] = field(default_factory=dict)  # notation -> Status
    concepts: dict[str, Concept] = field(default_factory=dict)  # concept IRI -> Concept
    identifier_keys: dict[str, str] = field(default_factory=dict)  # key -> property IRI
    blocking: dict[str, tuple[str, ...]] = field(default_factory=dict)  # key -> class IRIs
    namespaces: dict[str, tuple[str, str]] = field(default_factory=dict)  # class -> (ns, prefix)
    captions: dict[str, str] = field(default_factory=dict)  # class IRI -> caption key
    hidden: frozenset[str] = frozenset()  # labels hidden by default in pictures
    datatypes: dict[str, str] = field(default_factory=dict)  # key -> XSD datatype IRI
    super_properties: dict[str, tuple[str, ...]] = field(default_factory=dict)  # rel -> supers
    domains: dict[str, str] = field(default_factory=dict)  # property IRI -> rdfs:domain
    ranges: dict[str, str] = field(default_factory=dict)  # property IRI -> rdfs:range
    value_schemes: dict[str, str] = field(default_factory=dict)  # property -> gk:conceptScheme
    shaped_keys: dict[str, tuple[str, ...]] = field(default_factory=dict)  # class -> shape keys
    record_figures: dict[str, str] = field(default_factory=dict)  # gk:recordFigure IRI -> key
    #: The files that declare targeted SHACL shapes: (path, Turtle text) as read, and their
    #: parsed quads (what :func:`graphkit.validate.load_shapes` compiles; pySHACL parses the text).
    shape_sources: tuple[tuple[str, str], ...] = ()
    shape_quads: tuple = ()

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

    def is_a(self, cls: str, ancestor: str) -> bool:
        """True when ``cls`` is ``ancestor`` or one of its subclasses."""
        return cls == ancestor or ancestor in self.superclasses.get(cls, ())

    def _inherited(self, table: dict, cls: str):
        for c in (cls, *self.superclasses.get(cls, ())):
            if c in table:
                return table[c]
        return None

    def namespace_of(self, cls: str) -> str:
        """Id namespace of a class (``…/id/org/`` for a Company), inherited from superclasses."""
        found = self._inherited(self.namespaces, cls)
        return ID + (found[0] if found else "node/")

    def caption_key(self, labels: tuple[str, ...]) -> str | None:
        """The property key that names a node with these labels when it lacks a name."""
        by_label = {lb: c for c, lb in self.class_labels.items()}
        for lb in labels:
            key = self.captions.get(by_label.get(lb, ""))
            if key:
                return key
        return None

    def status(self, notation: str | None) -> Status | None:
        return self.statuses.get(notation or "")

    def statuses_by_strength(self) -> list[Status]:
        return sorted(self.statuses.values(), key=lambda s: s.rank)

    @property
    def default_status(self) -> Status:
        """The status marked ``gk:isDefault`` (given to a claim whose source names none)."""
        found = [s for s in self.statuses.values() if s.default]
        if len(found) != 1:
            from graphkit.errors import DataError

            raise DataError(f"ontology: {len(found)} statuses carry gk:isDefault (need one)")
        return found[0]

    def strength(self, notation: str | None) -> int:
        """Rank of a status (1 = strongest); unknown statuses rank last."""
        s = self.statuses.get(notation or "")
        return s.rank if s else len(self.statuses) + 1

    def scheme(self, scheme_iri: str) -> list[Concept]:
        """Concepts of one scheme, in rank then notation order."""
        out = [c for c in self.concepts.values() if c.scheme == scheme_iri]
        return sorted(out, key=lambda c: (c.rank, c.notation))

    def concept(self, scheme_iri: str, notation: str) -> Concept | None:
        for c in self.concepts.values():
            if c.scheme == scheme_iri and c.notation == notation:
                return c
        return None

    def keys_of(self, cls: str) -> tuple[str, ...]:
        """Keys of the properties the shapes targeting ``cls`` constrain (for ``gk:Claim``: the
        keys a claim edge may carry besides the projection's own)."""
        return self.shaped_keys.get(cls, ())

    def blocking_keys(self, cls: str) -> tuple[str, ...]:
        """Keys whose disagreement keeps two records of class ``cls`` apart in name matching."""
        return tuple(
            k for k, classes in self.blocking.items() if any(self.is_a(cls, c) for c in classes)
        )

    @property
    def prefixes(self) -> dict[str, str]:
        """:data:`PREFIXES` plus the id prefixes the ontology declares."""
        return {**PREFIXES, **{p: ID + ns for ns, p in self.namespaces.values()}}


#: Older name of :class:`Ontology`.
Schema = Ontology


def _literal_rows(store, query: str):
    return [
        [term.value if term is not None else None for term in row] for row in store.query(query)
    ]


@functools.cache
def ontology() -> Ontology:
    """The project's ontology, taxonomy and shapes (read once per process)."""
    return read_ontology([*ontology_files(), shapes_file()])


def read_ontology(files: list[Path]) -> Ontology:
    """An :class:`Ontology` from these Turtle files; raises :class:`graphkit.errors.DataError`
    when a ``gk:pgKey`` is one of :data:`RESERVED_KEYS`."""
    import pyoxigraph as ox

    from graphkit.errors import DataError

    store = ox.Store()
    shape_sources: list[tuple[str, str]] = []
    shape_quads: list = []
    for path in files:
        text = Path(path).read_text(encoding="utf-8")  # each file read and parsed once
        try:
            quads = list(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE))
        except SyntaxError as e:
            raise DataError(f"{path}: {e}") from None
        store.extend(quads)
        if any(q.predicate.value == SH + "targetClass" for q in quads):
            shape_sources.append((str(path), text))
            shape_quads += quads
    pre = (
        f"PREFIX gk: <{GK}> PREFIX rdfs: <{RDFS}> PREFIX owl: <{OWL}> PREFIX skos: <{SKOS}> "
        f"PREFIX sh: <{SH}> "
    )
    rows = lambda q: _literal_rows(store, pre + q)  # noqa: E731
    class_labels = dict(rows("SELECT ?c ?l WHERE { ?c gk:pgLabel ?l }"))
    parents: dict[str, list[str]] = {}
    for c, p in rows("SELECT ?c ?p WHERE { ?c rdfs:subClassOf ?p }"):
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

    rel_types = dict(
        rows("SELECT ?p ?t WHERE { ?p gk:pgType ?t . ?p rdfs:subPropertyOf+ gk:relationship }")
    )
    link_types = {
        p: t for p, t in rows("SELECT ?p ?t WHERE { ?p gk:pgType ?t }") if p not in rel_types
    }
    keys = dict(rows("SELECT ?p ?k WHERE { ?p gk:pgKey ?k }"))
    clash = sorted(set(keys.values()) & RESERVED_KEYS)
    if clash:
        raise DataError(f"ontology: gk:pgKey {clash[0]!r} is reserved by the projection")
    prefixed = sorted(k for k in keys.values() if k.startswith(RECORD_PREFIX))
    if prefixed:
        raise DataError(
            f"ontology: gk:pgKey {prefixed[0]!r}: keys starting with {RECORD_PREFIX!r} are"
            " reserved for contract records' figures"
        )
    functional = frozenset(r[0] for r in rows("SELECT ?p WHERE { ?p a owl:FunctionalProperty }"))
    comments = dict(rows("SELECT ?x ?c WHERE { ?x rdfs:comment ?c }"))
    labels = dict(rows("SELECT ?x ?l WHERE { ?x rdfs:label ?l }"))

    def under(top: str) -> frozenset[str]:
        found = rows(f"SELECT ?p WHERE {{ ?p rdfs:subPropertyOf+ <{top}> }}")
        return frozenset(rel_types[p] for (p,) in found if p in rel_types)

    statuses = {}
    for c, n, label, rank, unc, neg, d, dflt in rows(
        "SELECT ?c ?n ?l ?r ?u ?x ?d ?f WHERE { ?c skos:inScheme gk:ClaimStatus ;"
        " skos:notation ?n ;"
        " skos:prefLabel ?l ; gk:rank ?r OPTIONAL { ?c gk:uncertain ?u } "
        "OPTIONAL { ?c gk:negated ?x } OPTIONAL { ?c skos:definition ?d } "
        "OPTIONAL { ?c gk:isDefault ?f } }"
    ):
        statuses[n] = Status(
            n, label, int(rank), unc == "true", neg == "true", d or "", dflt == "true", c
        )
    notations = dict(rows("SELECT ?c ?n WHERE { ?c skos:notation ?n }"))
    flags: dict[str, list[str]] = {}
    for c, f in rows("SELECT ?c ?f WHERE { ?c gk:raisesFlag ?f }"):
        flags.setdefault(c, []).append(notations.get(f, f))
    concepts = {}
    for c, scheme, n, label, rank, d, kind, dflt in rows(
        "SELECT ?c ?s ?n ?l ?r ?d ?k ?x WHERE { ?c a skos:Concept ; skos:inScheme ?s ;"
        " skos:notation ?n OPTIONAL { ?c skos:prefLabel ?l } OPTIONAL { ?c gk:rank ?r }"
        " OPTIONAL { ?c skos:definition ?d } OPTIONAL { ?c gk:agencyKind ?k }"
        " OPTIONAL { ?c gk:isDefault ?x } }"
    ):
        concepts[c] = Concept(
            c,
            scheme,
            n,
            label or n,
            int(rank or 0),
            d or "",
            tuple(sorted(flags.get(c, []))),
            notations.get(kind) if kind else None,
            dflt == "true",
        )
    identifier_keys = {
        keys[p]: p for (p,) in rows("SELECT ?p WHERE { ?p a gk:IdentifierProperty }") if p in keys
    }
    blocking: dict[str, tuple[str, ...]] = {}
    for p, c in rows("SELECT ?p ?c WHERE { ?p gk:blocksNameMatchFor ?c }"):
        if p in keys:
            blocking[keys[p]] = (*blocking.get(keys[p], ()), c)
    namespaces = {
        c: (ns, pfx)
        for c, ns, pfx in rows("SELECT ?c ?n ?p WHERE { ?c gk:idNamespace ?n ; gk:idPrefix ?p }")
    }
    captions = {
        c: keys[p] for c, p in rows("SELECT ?c ?p WHERE { ?c gk:captionProperty ?p }") if p in keys
    }
    hidden = frozenset(
        class_labels[c]
        for (c,) in rows("SELECT ?c WHERE { ?c gk:hiddenByDefault true }")
        if c in class_labels
    )
    datatypes: dict[str, str] = {}
    for k, dt in rows(
        "SELECT ?k ?t WHERE { ?p gk:pgKey ?k . "
        "{ ?s sh:path ?p ; sh:datatype ?t } UNION { ?p rdfs:range ?t } }"
    ):
        if dt.startswith(XSD):
            datatypes.setdefault(k, dt)
    shaped: dict[str, tuple[str, ...]] = {}
    for c, k in rows(
        "SELECT DISTINCT ?c ?k WHERE { ?s sh:targetClass ?c ; sh:property/sh:path ?p . "
        "?p gk:pgKey ?k } ORDER BY ?c ?k"
    ):
        shaped[c] = (*shaped.get(c, ()), k)
    supers: dict[str, tuple[str, ...]] = {}
    for p, q in rows(
        "SELECT ?p ?q WHERE { ?p rdfs:subPropertyOf+ ?q . ?q rdfs:subPropertyOf* gk:relationship }"
    ):
        if p in rel_types:
            supers[p] = tuple(sorted({*supers.get(p, ()), q}))
    return Ontology(
        domains=dict(rows("SELECT ?p ?c WHERE { ?p rdfs:domain ?c }")),
        ranges=dict(rows("SELECT ?p ?c WHERE { ?p rdfs:range ?c }")),
        value_schemes=dict(rows("SELECT ?p ?s WHERE { ?p gk:conceptScheme ?s }")),
        shaped_keys=shaped,
        record_figures={
            p: keys[p] for (p,) in rows("SELECT ?p WHERE { ?p gk:recordFigure true }") if p in keys
        },
        shape_sources=tuple(shape_sources),
        shape_quads=tuple(shape_quads),
        super_properties=supers,
        class_labels=class_labels,
        superclasses={c: closure(c) for c in class_labels},
        rel_types=rel_types,
        link_types=link_types,
        keys=keys,
        functional=functional,
        comments=comments,
        rel_labels={t: labels.get(p) or t for p, t in rel_types.items()},
        flow_types=under(GK + "flowsTo"),
        scrutiny_types=under(GK + "scrutinises"),
        statuses=statuses,
        concepts=concepts,
        identifier_keys=identifier_keys,
        blocking=blocking,
        namespaces=namespaces,
        captions=captions,
        hidden=hidden,
        datatypes=datatypes,
    )


#: Older name of :func:`ontology`.
schema = ontology
