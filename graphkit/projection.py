"""RDF dataset -> property graph: the one mapping every backend and exporter consumes.

- Node: every IRI typed with an ontology class that has a ``gk:pgLabel``. ``labels`` are its class
  and superclasses (``("Company", "Organization", "Entity")``); properties are the values of the
  ontology properties that carry a ``gk:pgKey`` (single-valued for ``owl:FunctionalProperty``,
  else sorted lists). SKOS concepts become their ``skos:notation``; other IRIs their short id.
- Edge from a claim: ``(subject, object, TYPE, {claim, status, start, end, summary, evidence,
  contracts, sources})`` where TYPE is the ``gk:pgType`` of the claim's relationship.
- Edge from a structural link (``gk:pgType`` on a property that is not a relationship), for
  example ``(contract)-[:AWARDED_BY]->(agency)``.
- A ``gk:ContractRecord`` (another source's figures of a contract, ``ontology/sources.ttl``) is no
  node: its figures go on its contract's node as homogeneous lists every engine can store. For
  each ``gk:recordFigure`` property with key K (obligated, current_value, potential_value, start,
  fiscal_year, currency), ``record_K`` holds the values the contract's records give (records in
  IRI order, one value per record that gives it) and ``record_K_evidence`` the parallel evidence
  id of the record each comes from (its first by id). ``model.RECORD_PREFIX`` keeps ontology keys
  out of that name space; :func:`graphkit.sources.figures_of` applies the query library's rule
  (largest amount, earliest date) to a node.

How: one pass over the triples keeps a compact state (:class:`_Collected`: one flat tuple per
subject, one shared object per IRI); then node and edge records are made one at a time, in the
order of their IRIs. :func:`project_triples` gathers them in a :class:`PropertyGraph`;
:func:`columns_of` / :func:`columns_of_files` hand them to :func:`graphkit.columnar.build`, which
encodes each and keeps only bytes and numbers (what a load uses: no dict per node or edge
survives).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple, TypedDict, cast

from graphkit.model import GK, ID, RDF, SKOS, XSD_NUMERIC, Schema, record_key, schema, short_id

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
    return project_triples(_parse(files), sch)


class _Ref(str):
    """An IRI object, named by its notation or short id once every triple is read."""

    __slots__ = ()


# Pseudo-keys in a subject's flat record of ``(key, value)`` pairs (property keys are strings).
_TYPE, _SUBJECT, _PREDICATE, _OBJECT = 0, 1, 2, 3
_NO_URL = object()


def project_triples(triples, sch: Schema | None = None) -> PropertyGraph:
    """The projection of a stream of pyoxigraph triples or quads, in one pass.

    A subject becomes a node when it is typed with an ontology class that has a label, a claim
    edge when typed ``gk:Claim``; properties are the values of ontology properties with a
    ``gk:pgKey`` (single-valued properties keep their smallest value when data gives several).
    """
    pg = PropertyGraph()
    found = _Collected(triples, sch or schema())
    for n, labels, props in found.nodes():
        pg.nodes[n] = {"labels": labels, **props}  # type: ignore[typeddict-item]
    pg.edges.extend(found.edges())
    return pg


def columns_of(triples, sch: Schema | None = None):
    """The projection of a stream of triples or quads as :class:`graphkit.columnar.Columns`:
    each node and edge record is made, encoded and dropped in turn (no :class:`PropertyGraph`),
    so the peak memory is the compact per-subject state of :class:`_Collected` plus the
    columns. The same columns as ``from_projection(project_triples(triples))``."""
    from graphkit.columnar import build

    found = _Collected(triples, sch or schema())
    return build(found.nodes(), found.edges())


def columns_of_files(files, sch: Schema | None = None):
    """:func:`columns_of` RDF files straight from the parser (no store): the load without
    validation."""
    return columns_of(_parse(files), sch)


def _parse(files):
    import pyoxigraph as ox

    from graphkit.errors import DataError
    from graphkit.formats import by_suffix

    for path in files:
        fmt = by_suffix(path.suffix)
        if fmt is None:
            raise DataError(f"{path}: not an RDF file")
        try:
            yield from ox.parse(path=str(path), format=fmt.ox())
        except SyntaxError as e:
            raise DataError(f"{path}:{e.lineno}: syntax error: {e.msg}", path=path) from None


class _Collected:
    """What one pass over the triples keeps, compactly: per subject IRI one flat tuple
    ``(key, value, key, value, ...)`` in stream order (types and claim parts under the
    pseudo-keys ``_TYPE`` .. ``_OBJECT``), every IRI one shared :class:`_Ref` object, the
    structural links and the SKOS notations. Records are made from it one at a time by
    :meth:`nodes` and :meth:`edges` (nodes first: edges need to know them)."""

    def __init__(self, triples, sch: Schema):
        import pyoxigraph as ox

        self.sch = sch
        rdf_type, claim_cls = RDF + "type", GK + "Claim"
        classes = sch.class_labels
        # predicate -> what it feeds, in the order of precedence of the one-pass projection:
        # rdf:type, then ontology keys, then claim parts
        kind: dict[str, object] = {RDF + p: r for p, r in (
            ("subject", _SUBJECT), ("predicate", _PREDICATE), ("object", _OBJECT))}  # fmt: skip
        kind.update(sch.keys)
        kind[rdf_type] = _TYPE
        links, notation_p = sch.link_types, SKOS + "notation"
        literal, named = ox.Literal, ox.NamedNode
        numeric = _NUMERIC
        refs: dict[str, _Ref] = {}
        values: dict[_Ref, tuple] = {}
        nodes: set[_Ref] = set()
        claims: set[_Ref] = set()
        link_pairs: dict[str, set[tuple[str, str]]] = {}
        notation: dict[str, str] = {}
        record_of_p = GK + "recordOf"
        record_of: dict[_Ref, str] = {}  # record -> the contract IRI it describes
        short: dict[str, str] = {}  # short literals (dates, amounts, codes), shared

        cur: _Ref | None = None
        buf: list = []
        for q in triples:
            subject = q.subject
            if type(subject) is not named:
                continue
            s = subject.value
            if s != cur:
                if buf:
                    old = values.get(cur)  # type: ignore[arg-type]
                    values[cur] = tuple(buf) if old is None else old + tuple(buf)  # type: ignore[index]
                    buf = []
                cur = refs.get(s)
                if cur is None:
                    cur = refs[s] = _Ref(s)
            p = q.predicate.value
            k = kind.get(p)
            if k is None:
                if p in links:
                    o = q.object.value
                    link_pairs.setdefault(p, set()).add((cur, refs.get(o) or o))
                elif p == notation_p:
                    notation[cur] = q.object.value
                elif p == record_of_p:
                    record_of[cur] = q.object.value
                continue
            o = q.object
            if type(k) is int:
                v = o.value
                if k is _TYPE:
                    if v in classes:
                        nodes.add(cur)
                        buf.append(k)
                        buf.append(v)
                    if v == claim_cls:
                        claims.add(cur)
                    continue
                r = refs.get(v)  # a claim part: the value as text (shared)
                if r is None:
                    r = refs[v] = _Ref(v)
                buf.append(k)
                buf.append(r)
                continue
            if type(o) is literal:
                v = o.value
                conv = numeric.get(o.datatype.value)
                if conv is not None:
                    try:
                        v = conv(v)
                    except ValueError:
                        pass  # an ill-typed number stays text (validation reports it)
                elif len(v) <= 16:
                    v = short.setdefault(v, v)
            else:
                v = o.value
                r = refs.get(v)
                if r is None:
                    r = refs[v] = _Ref(v)
                v = r
            buf.append(k)
            buf.append(v)
        if buf:
            old = values.get(cur)  # type: ignore[arg-type]
            values[cur] = tuple(buf) if old is None else old + tuple(buf)  # type: ignore[index]
        self.values, self.nodes_, self.claims = values, nodes, claims
        self.link_pairs, self.notation = link_pairs, notation
        self.records: dict[str, list[_Ref]] = {}  # contract IRI -> its records, by IRI
        for r in sorted(record_of):
            self.records.setdefault(record_of[r], []).append(r)
        self.functional = {k for p, k in sch.keys.items() if p in sch.functional}
        self.known: dict[str, object] = {}  # node id -> its url (or _NO_URL), set by nodes()

    def _decode(self, rec: tuple, out: dict) -> tuple[dict, set, dict]:
        """The properties (added to ``out``), classes and claim parts of a subject's flat
        record. Properties: refs named (notation, else short id), duplicates dropped,
        single-valued keys reduced to their smallest value; the common case (each key once) in
        one loop, and so is a multi-valued key whose values are all IRIs (evidence, contracts:
        distinct IRIs may share a name, so they are told apart by name, which gives the same
        sorted list)."""
        notation, functional, base = self.notation, self.functional, ID
        cut = len(base)
        start = len(out)
        types: set = set()
        parts: dict = {}
        more: dict | None = None  # key -> every name so far, when an IRI-valued key repeats
        texts: set | None = None  # multi-valued keys with a literal value (the general path)
        it = iter(rec)
        for k, v in zip(it, it):
            if type(k) is int:
                if k == _TYPE:
                    types.add(v)
                else:
                    parts[k] = v
            elif k in out:
                if type(v) is not _Ref or k in functional or (texts and k in texts):
                    return self._decode_general(rec, dict(list(out.items())[:start]))
                if more is None:
                    more = {}
                names = more.get(k)
                if names is None:
                    names = more[k] = list(out[k])
                names.append(notation.get(v) or (v[cut:] if v.startswith(base) else v))
            elif k in functional:
                if type(v) is _Ref:
                    v = notation.get(v) or (v[cut:] if v.startswith(base) else v)
                out[k] = v
            else:
                if type(v) is _Ref:
                    v = notation.get(v) or (v[cut:] if v.startswith(base) else v)
                else:
                    if texts is None:
                        texts = set()
                    texts.add(k)
                out[k] = [v]
        if more:
            for k, names in more.items():
                out[k] = sorted(set(names), key=str)
        return out, types, parts

    def _decode_general(self, rec: tuple, out: dict) -> tuple[dict, set, dict]:
        props: dict[str, list] = {}
        types: set = set()
        parts: dict = {}
        it = iter(rec)
        for k, v in zip(it, it):
            if type(k) is int:
                if k == _TYPE:
                    types.add(v)
                else:
                    parts[k] = v
                continue
            vals = props.get(k)
            if vals is None:
                props[k] = [v]
            elif v not in vals:
                vals.append(v)
        notation, functional = self.notation, self.functional
        for k, vals in props.items():
            vals = [notation.get(v) or short_id(v) if type(v) is _Ref else v for v in vals]
            if k in functional:
                out[k] = vals[0] if len(vals) == 1 else min(vals, key=str)
            else:
                out[k] = sorted(set(vals), key=str) if len(vals) > 1 else vals
        return out, types, parts

    def nodes(self):
        """``(id, labels, properties without labels)`` of every node, in the order of their
        IRIs; remembers each node's url for the edges' ``sources``."""
        sch, values, known = self.sch, self.values, self.known
        classes = sch.class_labels
        depth = {classes[c]: len(sch.superclasses[c]) for c in classes}
        labels_memo: dict[frozenset, tuple] = {}
        decode = self._decode
        captions: dict[tuple, str | None] = {}
        for iri in sorted(self.nodes_):
            props, types, _ = decode(values[iri], {})
            key = frozenset(types)
            labels = labels_memo.get(key)
            if labels is None:
                own = [lb for c in types if c in classes for lb in sch.labels_of(c)]
                uniq = list(dict.fromkeys(own))
                labels = labels_memo[key] = tuple(
                    sorted(uniq, key=lambda lb: (-depth.get(lb, 0), lb))
                )
            if not labels:
                continue
            if labels not in captions:
                captions[labels] = sch.caption_key(labels)
            caption = captions[labels]
            n = short_id(str(iri))
            props.setdefault("name", str(props.get(caption or "name") or n))
            if iri in self.records:
                self._add_records(self.records[iri], props)
            known[n] = props["url"] if "url" in props else _NO_URL
            yield n, labels, props

    def _add_records(self, records: list, props: dict) -> None:
        """The figures of a contract's records as ``record_K`` / ``record_K_evidence`` lists
        (see the module docstring); an ill-typed number (text) is left out."""
        sch = self.sch
        figures = sorted(sch.record_figures.values())
        numeric = {k: _NUMERIC[dt] for k in figures if (dt := sch.datatypes.get(k)) in _NUMERIC}
        got: dict[str, tuple[list, list]] = {}
        for r in records:
            rec, _, _ = self._decode_general(self.values.get(r, ()), {})
            ev = rec.get("evidence") or [short_id(str(r))]
            first = min(map(str, ev)) if isinstance(ev, list) else str(ev)
            for k in figures:
                v = rec.get(k)
                if isinstance(v, list):
                    v = min(v, key=str) if v else None
                if v is None or isinstance(v, bool) or (k in numeric and isinstance(v, str)):
                    continue
                if k in numeric:  # one type per list (Neo4j stores homogeneous lists only)
                    v = numeric[k](v)
                vals, evs = got.setdefault(k, ([], []))
                vals.append(v)
                evs.append(first)
        for k in figures:
            if k in got:
                key, ev_key = record_key(k)
                props[key], props[ev_key] = got[k]

    def edges(self):
        """Claim edges in the order of the claims' IRIs, then structural links by property and
        pair. Call after :meth:`nodes` has run to its end."""
        sch, values, known = self.sch, self.values, self.known
        rel_types, flow_types = sch.rel_types, sch.flow_types
        decode, status = self._decode, sch.status
        negated_of: dict[str, bool] = {}
        base = ID
        cut = len(base)
        for c in sorted(self.claims):
            cid = c[cut:] if c.startswith(base) else str(c)  # (plain str ids, as short_id)
            edge, _, part = decode(values.get(c, ()), {"claim": cid})
            rel = rel_types.get(part.get(_PREDICATE, ""))
            s, o = part.get(_SUBJECT, ""), part.get(_OBJECT, "")
            s = s[cut:] if s.startswith(base) else str(s)
            o = o[cut:] if o.startswith(base) else str(o)
            if rel is None or s not in known or o not in known:
                continue  # reported by validation; never a dangling edge
            st = edge.get("status")
            try:
                negated = negated_of[st]
            except (KeyError, TypeError):  # (TypeError: a list of statuses, as status() does)
                negated = getattr(status(st), "negated", False)
                if isinstance(st, str):
                    negated_of[st] = negated
            edge["flow"] = rel in flow_types and not negated
            edge["negated"] = negated  # the status says the relationship does not hold
            edge["sources"] = [
                u for e in edge.get("evidence", ()) if (u := known.get(e, _NO_URL)) is not _NO_URL
            ]
            yield Edge(s, o, rel, edge)
        for pred, rel in sorted(sch.link_types.items()):
            got = {(short_id(str(a)), short_id(str(b))) for a, b in self.link_pairs.get(pred, ())}
            for s, o in sorted(got):
                if s in known and o in known:
                    yield Edge(s, o, rel, {"link": f"{s}|{rel}|{o}"})
