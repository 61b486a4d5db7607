"""Validation: the SHACL shapes of ``ontology/shapes.ttl`` plus reference checks.

Two engines check the shapes (:data:`ENGINES`): ``fast``, the default, reads each property of a
shape once from pyoxigraph's indexes and checks it in Python, and runs each SHACL-SPARQL constraint
once over the whole dataset; ``pyshacl`` runs pySHACL, the reference that the tests compare ``fast``
against. Every problem names the file and line where its subject is written, from one index per
file (:func:`line_index`), built once however many problems the file has.

Literal values: ``fast`` checks the lexical form of xsd:date (a real calendar day) and xsd:decimal
(as rdflib does); other datatypes only by name, as pySHACL does. The shapes add patterns where more
is needed (gYear, gYearMonth, amounts), so both engines report the same problems.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from graphkit.model import ID, RDF, RDFS, SH, XSD, Ontology, ontology, read_ontology, short_id


@dataclass(frozen=True)
class Problem:
    message: str
    focus: str  # an IRI, or "_:id" for a blank node
    path: str | None = None
    value: str | None = None  # an IRI, a literal's lexical form or "_:id"
    file: str | None = None
    line: int | None = None
    severity: str = "Violation"  # or "Warning", "Info"
    constraint: str | None = None  # SHACL component ("MinCount", "SPARQL", ...) or "Reference"
    under: str | None = None  # for a blank-node focus: the node that refers to it

    def text(self) -> str:
        where = f"{self.file}:{self.line}" if self.file and self.line else (self.file or "?")
        focus = short_id(self.focus)
        if self.focus.startswith("_:"):
            focus = "blank node" + (f" under {short_id(self.under)}" if self.under else "")
        value = None if self.value in (None, self.focus) else _term_text(self.value)
        path = _term_text(self.path) if self.path else None
        detail = f" [{path} = {value}]" if path and value is not None else ""
        detail = detail or (f" [{path}]" if path else (f" [{value}]" if value is not None else ""))
        level = "" if self.severity == "Violation" else f"{self.severity.lower()}: "
        return f"{where}: {focus}: {level}{self.message}{detail}"

    def key(self) -> tuple:
        """What two engines must agree on (blank node ids differ between stores)."""
        blank = lambda s: "_:" if s and s.startswith("_:") else s  # noqa: E731
        return (
            blank(self.focus),
            self.path,
            blank(self.value),
            self.constraint,
            self.message,
            self.severity,
        )


def _term_text(term: str) -> str:
    """An id (``org/acme``), a prefixed name (``gk:startDate``), "blank node" or a literal."""
    from graphkit.model import PREFIXES

    if term.startswith(ID):
        return short_id(term)
    if term.startswith("_:"):
        return "blank node"
    for prefix, ns in PREFIXES.items():
        if term.startswith(ns) and "/" not in term[len(ns) :] and "#" not in term[len(ns) :]:
            return f"{prefix}:{term[len(ns) :]}"
    return term


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    checked: int = 0  # triples checked

    @property
    def ok(self) -> bool:
        return not any(p.severity == "Violation" for p in self.problems)

    def text(self) -> str:
        if not self.problems:
            return (
                f"OK: {self.checked} triples conform to the SHACL shapes; no dangling references."
            )
        errors = sum(p.severity == "Violation" for p in self.problems)
        head = (
            f"{errors} error(s) and {len(self.problems) - errors} warning(s) "
            f"in {self.checked} triples:"
        )
        return "\n".join([head, *(f"  {p.text()}" for p in self.problems)])

    def rows(self) -> list[dict]:
        return [p.__dict__ for p in self.problems]


def validate(dataset, *, shacl: bool = True, engine: str = "fast") -> Report:
    """Check ``dataset`` against the shapes (with ``engine``) and for undeclared ids."""
    try:
        run = ENGINES[engine]
    except KeyError:
        raise ValueError(f"unknown validation engine {engine!r}") from None
    problems = dangling_references(dataset)
    if shacl:
        problems += run(dataset)
    locate = Locator(dataset)
    located = sorted(
        {locate(p) for p in problems},
        key=lambda p: (p.file or "", p.line or 0, p.focus, p.message, p.path or "", p.value or ""),
    )
    return Report(problems=located, checked=_count_triples(dataset))


def _count_triples(dataset) -> int:
    import pyoxigraph as ox

    from graphkit.store import DERIVED

    derived = sum(
        1 for _ in dataset.store.quads_for_pattern(None, None, None, ox.NamedNode(DERIVED))
    )
    return len(dataset.store) - derived


def dangling_references(dataset) -> list[Problem]:
    """Objects under the id namespace that no file declares (no ``rdf:type``)."""
    import pyoxigraph as ox

    from graphkit.store import DERIVED

    store, derived = dataset.store, ox.NamedNode(DERIVED)
    rdf_type = ox.NamedNode(RDF + "type")
    declared = {_key(q.subject) for q in store.quads_for_pattern(None, rdf_type, None)}
    seen = set()
    out = []
    quads = (
        q
        for g in store.named_graphs()
        if g != derived
        for q in store.quads_for_pattern(None, None, None, g)
    )
    for q in quads:
        o = q.object
        if type(o) is not ox.NamedNode:
            continue
        iri = o.value
        if iri.startswith(ID) and iri not in declared and (q.subject, q.predicate, o) not in seen:
            seen.add((q.subject, q.predicate, o))
            out.append(
                Problem(
                    message=f"unknown reference to {short_id(o.value)} (no file declares it)",
                    focus=_str(q.subject),
                    path=q.predicate.value,
                    constraint="Reference",
                )
            )
    return out


# --- the shapes -------------------------------------------------------------------------------

#: SHACL terms the fast engine understands; any other sh: predicate in a shape is refused.
_KNOWN = {
    "type", "targetClass", "property", "path", "message", "severity", "name", "description",
    "minCount", "maxCount", "class", "node", "or", "datatype", "nodeKind", "pattern", "flags",
    "minLength", "hasValue", "sparql", "prefixes", "select", "declare", "prefix", "namespace",
}  # fmt: skip


@dataclass(frozen=True)
class SparqlConstraint:
    message: str
    select: str
    prefixes: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Shape:
    """A node shape (``path`` is None) or a property shape, with its constraints in order."""

    id: str
    path: str | None = None
    targets: tuple[str, ...] = ()
    message: str | None = None
    severity: str = "Violation"
    constraints: tuple[tuple[str, Any], ...] = ()  # (component, parameter)
    properties: tuple[Shape, ...] = ()
    sparql: tuple[SparqlConstraint, ...] = ()


@cache
def load_shapes(path: Path | None = None) -> tuple[Shape, ...]:
    """The targeted shapes of the project's :class:`graphkit.model.Ontology` (read once), or
    of the ontology read from the shapes file ``path``, compiled."""
    return compile_shapes(ontology() if path is None else read_ontology([path]))


def compile_shapes(onto: Ontology) -> tuple[Shape, ...]:
    """The targeted shapes of ``onto`` (its ``shape_quads``), compiled."""
    import pyoxigraph as ox

    from graphkit.errors import DataError

    path = ", ".join(name for name, _ in onto.shape_sources) or "shapes"
    graph: dict = {}
    for t in onto.shape_quads:
        graph.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(t.object)
    sh = lambda name: SH + name  # noqa: E731
    one = lambda node, name: (graph.get(node, {}).get(sh(name)) or [None])[0]  # noqa: E731

    def items(node) -> list:
        out = []
        while node is not None and node.value != RDF + "nil":
            out.append(one_rdf(node, "first"))
            node = one_rdf(node, "rest")
        return out

    def one_rdf(node, name):
        return (graph.get(node, {}).get(RDF + name) or [None])[0]

    def prefixes(node) -> tuple:
        return tuple(
            (one(d, "prefix").value, one(d, "namespace").value)
            for d in graph.get(node, {}).get(sh("declare"), [])
        )

    def shape(node) -> Shape:
        props = graph.get(node, {})
        unknown = [p for p in props if p.startswith(SH) and p[len(SH) :] not in _KNOWN]
        if unknown:
            raise DataError(f"{path}: the fast validator does not support {', '.join(unknown)}")
        path_node = one(node, "path")
        if path_node is not None and not isinstance(path_node, ox.NamedNode):
            raise DataError(f"{path}: the fast validator supports only IRIs as sh:path")
        constraints: list[tuple[str, Any]] = []
        lo, hi = one(node, "minCount"), one(node, "maxCount")
        if lo is not None or hi is not None:
            constraints.append(
                ("Count", (int(lo.value) if lo else None, int(hi.value) if hi else None))
            )
        for name, component in (("class", "Class"), ("datatype", "Datatype")):
            constraints += [(component, o.value) for o in props.get(sh(name), [])]
        constraints += [("NodeKind", o.value) for o in props.get(sh("nodeKind"), [])]
        constraints += [("HasValue", o) for o in props.get(sh("hasValue"), [])]
        flags = one(node, "flags")
        constraints += [
            ("Pattern", re.compile(o.value, _re_flags(flags.value if flags else "")))
            for o in props.get(sh("pattern"), [])
        ]
        constraints += [("MinLength", int(o.value)) for o in props.get(sh("minLength"), [])]
        constraints += [("Node", shape(o)) for o in props.get(sh("node"), [])]
        constraints += [("Or", tuple(shape(m) for m in items(o))) for o in props.get(sh("or"), [])]
        message, severity = one(node, "message"), one(node, "severity")
        return Shape(
            id=_str(node),
            path=path_node.value if path_node is not None else None,
            targets=tuple(o.value for o in props.get(sh("targetClass"), [])),
            message=message.value if message is not None else None,
            severity=severity.value.rsplit("#", 1)[-1] if severity is not None else "Violation",
            constraints=tuple(constraints),
            properties=tuple(shape(o) for o in props.get(sh("property"), [])),
            sparql=tuple(
                SparqlConstraint(
                    message=(one(s, "message") or ox.Literal("SPARQL constraint violated")).value,
                    select=one(s, "select").value,
                    prefixes=sum((prefixes(p) for p in graph[s].get(sh("prefixes"), [])), ()),
                )
                for s in props.get(sh("sparql"), [])
            ),
        )

    return tuple(shape(node) for node, props in graph.items() if props.get(sh("targetClass")))


def _re_flags(flags: str) -> int:
    table = {"i": re.I, "m": re.M, "s": re.S, "x": re.X}
    out = 0
    for f in flags:
        out |= table.get(f, 0)
    return out


# --- the fast engine: SPARQL on pyoxigraph ------------------------------------------------------


def _str(term) -> str:
    """An RDF term as the string a :class:`Problem` holds."""
    import pyoxigraph as ox

    return "_:" + term.value if isinstance(term, ox.BlankNode) else term.value


def _key(term) -> str:
    """A node's key in the fast engine's dicts (hashing pyoxigraph terms is slow)."""
    kind = type(term).__name__
    if kind == "NamedNode":
        return term.value
    return "_:" + term.value if kind == "BlankNode" else str(term)


def _is_date(lex: str) -> bool:
    m = re.fullmatch(r"-?(\d{4,})-(\d\d)-(\d\d)(Z|[+-]\d\d:\d\d)?", lex)
    if not m:
        return False
    try:
        datetime.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return False
    return True


def _is_decimal(lex: str) -> bool:
    try:
        Decimal(lex)  # as lax as rdflib, which pySHACL relies on; shapes add sh:pattern
    except InvalidOperation:
        return False
    return True


#: Datatype -> check of a literal's lexical form (others are accepted as rdflib does).
LEXICAL_CHECKS: dict[str, Callable[[str], bool]] = {
    XSD + "date": _is_date,
    XSD + "decimal": _is_decimal,
}


def _datatype_ok(term, datatype: str) -> bool:
    import pyoxigraph as ox

    if not isinstance(term, ox.Literal):
        return False
    if datatype == RDFS + "Literal":
        return True
    if term.datatype.value != datatype:
        return False
    check = LEXICAL_CHECKS.get(datatype)
    return check is None or check(term.value)


_NODE_KINDS = {
    "IRI": ("NamedNode",),
    "BlankNode": ("BlankNode",),
    "Literal": ("Literal",),
    "BlankNodeOrIRI": ("BlankNode", "NamedNode"),
    "BlankNodeOrLiteral": ("BlankNode", "Literal"),
    "IRIOrLiteral": ("NamedNode", "Literal"),
}


def _value_check(component: str, param, term) -> bool | None:
    """Whether ``term`` passes a value constraint checked in Python (None: not such a one)."""
    import pyoxigraph as ox

    if component == "Datatype":
        return _datatype_ok(term, param)
    if component == "NodeKind":
        return type(term).__name__ in _NODE_KINDS[param.rsplit("#", 1)[-1]]
    if component == "Pattern":
        return not isinstance(term, ox.BlankNode) and param.search(term.value) is not None
    if component == "MinLength":
        return not isinstance(term, ox.BlankNode) and len(term.value) >= param
    return None


@dataclass(frozen=True)
class _Result:
    focus: object  # pyoxigraph term
    value: object | None
    component: str


class _Fast:
    """Evaluates shapes over the data graphs (every graph but the derived one).

    Core constraints run in Python over pyoxigraph's indexes (one scan per property and per
    class, cached); SHACL-SPARQL constraints run once each as SPARQL over the whole dataset.
    """

    def __init__(self, dataset):
        import pyoxigraph as ox

        from graphkit.store import DERIVED

        self.store = dataset.store
        self.derived = ox.NamedNode(DERIVED)
        self.graphs = [g for g in self.store.named_graphs() if g != self.derived]
        self._values: dict[str, dict] = {}
        self._instances: dict[str, dict] = {}
        self._subclasses: dict | None = None

    def select(self, query: str, **kwargs):
        """SPARQL over the union of all graphs: twice as fast as naming the data graphs.

        The union also holds the derived direct triples (``s gk:supplies o``); a SHACL-SPARQL
        constraint that matched those predicates would see more than pySHACL (none does).
        """
        return self.store.query(query, use_default_graph_as_union=True, **kwargs)

    def values(self, path: str) -> dict:
        """Subject key -> its distinct objects for ``path`` (one index scan per graph)."""
        if path not in self._values:
            import pyoxigraph as ox

            out: dict = {}
            pred, named = ox.NamedNode(path), ox.NamedNode
            filled = False  # a second graph with this property: drop repeated values
            for g in self.graphs:
                quads = self.store.quads_for_pattern(None, pred, None, g)
                seen = len(out)
                for q in quads:
                    s = q.subject
                    key = s.value if type(s) is named else "_:" + s.value
                    objects = out.get(key)
                    if objects is None:
                        out[key] = [q.object]
                    elif not filled or q.object not in objects:
                        objects.append(q.object)
                filled = filled or len(out) > seen
            self._values[path] = out
        return self._values[path]

    def instances(self, cls: str) -> dict:
        """SHACL instances of ``cls`` (``rdf:type/rdfs:subClassOf*``): key -> term."""
        if cls not in self._instances:
            import pyoxigraph as ox

            if self._subclasses is None:
                self._subclasses = {}
                for s, supers in self.values(RDFS + "subClassOf").items():
                    for o in supers:
                        self._subclasses.setdefault(_key(o), set()).add(s)
            closure: set[str] = set()
            todo = [cls]
            while todo:
                c = todo.pop()
                if c not in closure:
                    closure.add(c)
                    todo += self._subclasses.get(c, ())
            found: dict = {}
            for c in closure:
                for g in self.graphs:
                    for q in self.store.quads_for_pattern(
                        None, ox.NamedNode(RDF + "type"), ox.NamedNode(c), g
                    ):
                        found[_key(q.subject)] = q.subject
            self._instances[cls] = found
        return self._instances[cls]

    def problems(self, shapes: Iterable[Shape]) -> list[Problem]:
        out: list[Problem] = []
        for shape in shapes:
            focus = {}
            for target in shape.targets:
                focus.update(self.instances(target))
            for sub in (shape, *shape.properties):
                for r in self.results(sub, focus):
                    out.append(
                        Problem(
                            message=sub.message or f"{r.component} constraint violated",
                            focus=_str(r.focus),
                            path=sub.path,
                            value=None if r.value is None else _str(r.value),
                            severity=sub.severity,
                            constraint=r.component,
                        )
                    )
            for c in shape.sparql:
                out += self.sparql(shape, c, focus)
        return list(dict.fromkeys(out))  # one problem per (focus, path, value), as in SHACL

    def results(self, shape: Shape, focus: dict) -> list[_Result]:
        """Violations of ``shape``'s own constraints by the ``focus`` nodes (key -> term)."""
        values = self.values(shape.path) if shape.path else None
        pairs = None
        out: list[_Result] = []
        for component, param in shape.constraints:
            if component == "Count":
                lo, hi = param
                for k, f in focus.items():
                    n = len(values.get(k, ())) if values is not None else 1
                    if lo is not None and n < lo:
                        out.append(_Result(f, None, "MinCount"))
                    elif hi is not None and n > hi:
                        out.append(_Result(f, None, "MaxCount"))
                continue
            if component == "HasValue":
                for k, f in focus.items():
                    if param not in (values.get(k, ()) if values is not None else (f,)):
                        out.append(_Result(f, None, "HasValue"))
                continue
            if pairs is None:
                pairs = (
                    [(f, v) for k, f in focus.items() for v in values.get(k, ())]
                    if values is not None
                    else [(f, f) for f in focus.values()]
                )
            if component == "Class":
                members = self.instances(param)
                out += [_Result(f, v, "Class") for f, v in pairs if _key(v) not in members]
            elif component in ("Node", "Or"):
                nodes = {_key(v): v for _f, v in pairs}
                failing = None
                for member in param if component == "Or" else (param,):
                    bad = self.failing(member, nodes)
                    failing = bad if failing is None else failing & bad
                out += [_Result(f, v, component) for f, v in pairs if _key(v) in (failing or ())]
            else:
                out += [
                    _Result(f, v, component)
                    for f, v in pairs
                    if not _value_check(component, param, v)
                ]
        return out

    def failing(self, shape: Shape, nodes: dict) -> set:
        """The keys of the ``nodes`` that do not conform to ``shape``."""
        bad = {_key(r.focus) for r in self.results(shape, nodes)}
        for prop in shape.properties:
            bad |= {_key(r.focus) for r in self.results(prop, nodes)}
        return bad

    def sparql(self, shape: Shape, c: SparqlConstraint, focus: dict | None = None) -> list:
        """A SHACL-SPARQL constraint, run once with ``$this`` unbound, kept for target nodes."""
        if focus is None:
            focus = {}
            for target in shape.targets:
                focus.update(self.instances(target))
        query = re.sub(r"\$this\b", "?this", c.select)
        out = []
        for row in self.select(query, prefixes=dict(c.prefixes)):
            this = row["this"]
            if _key(this) not in focus:
                continue
            value, path = _binding(row, "value"), _binding(row, "path")
            out.append(
                Problem(
                    message=c.message,
                    focus=_str(this),
                    path=path.value if path is not None else None,
                    value=_str(value if value is not None else this),
                    severity=shape.severity,
                    constraint="SPARQL",
                )
            )
        return list(dict.fromkeys(out))  # a row per match; SHACL reports each problem once


def _binding(row, name: str):
    try:
        return row[name]
    except (KeyError, IndexError):
        return None


def fast_shacl(dataset) -> list[Problem]:
    """The shapes, checked with SPARQL on pyoxigraph: a few queries per shape, whole dataset."""
    return _Fast(dataset).problems(load_shapes())


# --- the reference engine: pySHACL --------------------------------------------------------------


def pyshacl_shacl(dataset, *, sparql_on_oxigraph: bool = False) -> list[Problem]:
    """The shapes, checked with pySHACL (the reference; slow on big data).

    ``sparql_on_oxigraph`` runs the SHACL-SPARQL constraints on pyoxigraph instead (graphkit's
    validator before the fast engine; pySHACL runs one query per focus node).
    """
    import logging

    import pyshacl
    import rdflib

    term_log = logging.getLogger("rdflib.term")
    level, normalize = term_log.level, rdflib.NORMALIZE_LITERALS
    term_log.setLevel(logging.CRITICAL)  # ill-typed literals are reported below, not logged
    rdflib.NORMALIZE_LITERALS = False  # check values as written ("2020-W01-1", not "2019-12-30")
    try:
        graph = dataset.to_rdflib(include_derived=False)
        shapes = rdflib.Graph()
        for name, turtle in ontology().shape_sources:  # the text the Ontology read, not the file
            shapes.parse(data=turtle, format="turtle", publicID=Path(name).resolve().as_uri())
        extra: list[Problem] = []
        if sparql_on_oxigraph:
            sh = rdflib.Namespace(SH)
            for shape, node in list(shapes.subject_objects(sh.sparql)):
                shapes.remove((shape, sh.sparql, node))
            fast = _Fast(dataset)
            for node_shape in load_shapes():
                for c in node_shape.sparql:
                    extra += fast.sparql(node_shape, c)
        _conforms, results, _text = pyshacl.validate(
            graph, shacl_graph=shapes, inference="none", allow_warnings=True
        )
    finally:
        term_log.setLevel(level)
        rdflib.NORMALIZE_LITERALS = normalize
    if not isinstance(results, rdflib.Graph):  # pySHACL refused the shapes
        from graphkit.errors import GraphkitError

        raise GraphkitError(f"pySHACL: {_text}")
    sh = rdflib.Namespace(SH)

    def text(node) -> str | None:
        if node is None:
            return None
        return "_:" + str(node) if isinstance(node, rdflib.BNode) else str(node)

    out = []
    nested = set(results.objects(None, sh.detail))  # why a sh:node value failed
    for r in results.subjects(rdflib.RDF.type, sh.ValidationResult):
        if r in nested:
            continue
        path = results.value(r, sh.resultPath)
        component = str(results.value(r, sh.sourceConstraintComponent) or "")
        out.append(
            Problem(
                message=str(results.value(r, sh.resultMessage) or "constraint violated"),
                focus=text(results.value(r, sh.focusNode)) or "?",
                path=str(path) if isinstance(path, rdflib.URIRef) else None,
                value=text(results.value(r, sh.value)),
                severity=str(results.value(r, sh.resultSeverity) or "#Violation").rsplit("#")[-1],
                constraint=component.rsplit("#", 1)[-1].removesuffix("ConstraintComponent"),
            )
        )
    return out + extra


#: Validation engines by name (``graphkit validate --engine``).
ENGINES: dict[str, Callable[..., list[Problem]]] = {"fast": fast_shacl, "pyshacl": pyshacl_shacl}


# --- where problems are written ----------------------------------------------------------------


class Locator:
    """Adds file and line to problems: the file whose graph declares the focus, the line where
    that file first writes it as a subject (else first mentions it). One index per file."""

    def __init__(self, dataset):
        self.dataset = dataset
        self.order = {f.resolve().as_uri(): i for i, f in enumerate(dataset.files)}
        self.by_graph = {f.resolve().as_uri(): f for f in dataset.files}
        self._named: dict[str, Path] | None = None
        self._lines: dict[Path, LineIndex] = {}

    def __call__(self, problem: Problem) -> Problem:
        import pyoxigraph as ox

        focus = problem.focus
        term = ox.BlankNode(focus[2:]) if focus.startswith("_:") else _named_node(focus)
        if term is None:
            return problem
        under = None
        for _ in range(8):  # a blank node: the IRI that refers to it (through nested ones)
            if not isinstance(term, ox.BlankNode):
                break
            parent = next(iter(self.dataset.store.quads_for_pattern(None, None, term)), None)
            if parent is None:
                break  # a blank node nothing refers to: its file, without a line
            term = parent.subject
            under = _str(term) if isinstance(term, ox.NamedNode) else None
        path = self.file_of(term)
        if path is None:
            return replace(problem, under=under)
        line = self.lines(path).line(term.value) if isinstance(term, ox.NamedNode) else None
        return replace(problem, file=str(_rel(path)), line=line, under=under)

    def file_of(self, term) -> Path | None:
        import pyoxigraph as ox

        store = self.dataset.store

        def first(quads) -> Path | None:
            files = {f for q in quads if (f := self.graph_file(q.graph_name)) is not None}
            rank = lambda f: self.order.get(f.resolve().as_uri(), 1 << 30)  # noqa: E731
            return min(files, key=rank, default=None)

        for pattern in ((term, ox.NamedNode(RDF + "type"), None), (term, None, None)):
            found = first(store.quads_for_pattern(*pattern))
            if found is not None:
                return found
        return first(store.quads_for_pattern(None, None, term))

    def graph_file(self, graph) -> Path | None:
        """The input file a graph came from: its own graph, or a named graph of a TriG/N-Quads."""
        name = getattr(graph, "value", None)
        if name is None:
            return None
        if name in self.by_graph:
            return self.by_graph[name]
        if self._named is None:
            self._named = _named_graphs(self.dataset.files)
        return self._named.get(name)

    def lines(self, path: Path) -> LineIndex:
        if path not in self._lines:
            self._lines[path] = line_index(path)
        return self._lines[path]


def _named_node(iri: str):
    import pyoxigraph as ox

    try:
        return ox.NamedNode(iri)
    except ValueError:
        return None


def _named_graphs(files: Iterable[Path]) -> dict[str, Path]:
    """Named graph -> the TriG or N-Quads file that holds it (the first one)."""
    import pyoxigraph as ox

    from graphkit.store import RDF_SUFFIXES

    out: dict[str, Path] = {}
    for f in files:
        fmt = RDF_SUFFIXES.get(f.suffix.lower())
        if fmt not in ("TRIG", "N_QUADS"):
            continue
        try:
            for q in ox.parse(path=str(f), format=getattr(ox.RdfFormat, fmt)):
                if isinstance(q.graph_name, ox.NamedNode):
                    out.setdefault(q.graph_name.value, f)
        except (OSError, SyntaxError, ValueError):
            continue
    return out


def _rel(path: Path) -> Path:
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


@dataclass
class LineIndex:
    """Per file: IRI -> first line where it is a subject; IRI -> first line where it appears.

    ``subjects`` is built in one line-by-line pass; ``mentions`` (a full tokenisation, needed
    only for an id that the file never writes as a subject) on first use.
    """

    path: Path | None = None
    subjects: dict[str, int] = field(default_factory=dict)
    _mentions: dict[str, int] | None = None

    @property
    def mentions(self) -> dict[str, int]:
        if self._mentions is None:
            self._mentions = _mentions(self.path) if self.path else {}
        return self._mentions

    def line(self, iri: str) -> int | None:
        return self.subjects.get(iri) or self.mentions.get(iri)


_PREFIX_LINE = re.compile(r"\s*(?:@prefix|(?i:prefix))\s+([A-Za-z_][\w.-]*)?:\s*<([^>]*)>")
_FIRST = re.compile(
    r"\s*(<[^<>\"{}|^`\\\s]*>|(?:[A-Za-z_][\w.-]*)?:(?:[\w%:-](?:[\w.%:-]*[\w%:-])?)?)"
)
_SPECIAL = re.compile(r"\"\"\"|\'\'\'|[\"'<#]")
_SHORT = {q: re.compile(q + r"(?:[^" + q + r"\\\n]|\\.)*" + q) for q in "\"'"}


def _code(line: str) -> tuple[str, str | None]:
    """``line`` without strings, IRIs and comments; and the long-string quote left open."""
    out, i = [], 0
    while True:
        m = _SPECIAL.search(line, i)
        if m is None:
            out.append(line[i:])
            return "".join(out), None
        out.append(line[i : m.start()])
        tok = m.group()
        if tok == "#":
            return "".join(out), None
        if len(tok) == 3:
            end = line.find(tok, m.end())
            if end < 0:
                return "".join(out), tok
            i = end + 3
        elif tok == "<":
            end = line.find(">", m.end())
            i = end + 1 if end >= 0 else len(line)
        else:
            short = _SHORT[tok].match(line, m.start())
            i = short.end() if short else len(line)
        out.append("_")


def line_index(path: Path) -> LineIndex:
    """Subjects of a Turtle, TriG, N-Triples or N-Quads file in one pass (others: empty).

    A subject is the first term of the first line of a statement (the line after one that ends
    with ``.``, ``{`` or ``}``, strings and comments aside), as Turtle is written.
    """
    index = LineIndex(path=path)
    if path.suffix.lower() not in (".ttl", ".trig", ".nt", ".nq", ".n3"):
        index._mentions = {}
        return index
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        index._mentions = {}
        return index
    prefixes: dict[str, str] = {}
    subjects = index.subjects
    expect = True  # the next term starts a statement
    open_quote = None  # inside a long string
    for n, line in enumerate(text.split("\n"), 1):
        if open_quote:
            end = line.find(open_quote)
            if end < 0:
                continue
            line, open_quote = line[end + 3 :], None
        elif expect:
            d = _PREFIX_LINE.match(line)
            if d:
                prefixes[d[1] or ""] = d[2]
                continue
            m = _FIRST.match(line)
            if m:
                iri = _resolve(m[1], prefixes)
                if iri is not None and iri not in subjects:
                    subjects[iri] = n
        if '"' in line or "'" in line or "#" in line:
            code, open_quote = _code(line)
            code = code.rstrip()
        else:
            code = line.rstrip()  # nothing to take out (an IRI does not end a line with ".")
        if code:
            expect = not open_quote and code[-1] in ".{}"
    return index


def _resolve(token: str, prefixes: dict[str, str]) -> str | None:
    if token.startswith("<"):
        return token[1:-1]
    prefix, local = token.split(":", 1)
    return None if prefix == "_" else (prefixes[prefix] + local if prefix in prefixes else None)


_TOKENS = re.compile(
    r'(?P<str>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\')'
    r"|(?P<comment>#[^\n]*)"
    r'|(?P<iri><[^<>"{}|^`\\\s]*>)'
    r"|(?P<dir>@prefix|@base|(?i:prefix|base)(?=\s))"
    r"|(?P<pn>(?:[A-Za-z_][\w.-]*)?:(?:[\w%:-](?:[\w.%:-]*[\w%:-])?)?)"
    r"|(?P<num>[+-]?\d+\.\d+(?:[eE][+-]?\d+)?)"
    r"|(?P<punct>[.;,\[\](){}])"
    r"|(?P<word>[^\s.;,\[\](){}<>\"'#]+)"
)


def _mentions(path: Path) -> dict[str, int]:
    """IRI -> first line where the file writes it, strings and comments aside (all tokens)."""
    mentions: dict[str, int] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return mentions
    prefixes: dict[str, str] = {}
    line, last = 1, 0
    directive = None  # "prefix" while reading a prefix declaration
    pending = None  # the prefix name being declared
    for m in _TOKENS.finditer(text):
        kind = m.lastgroup
        if kind == "comment":
            continue
        start = m.start()
        line += text.count("\n", last, start)
        last = start
        token = m.group()
        if kind == "dir":
            directive = "prefix" if token.lower().lstrip("@") == "prefix" else "base"
            continue
        if directive:
            if kind == "pn" and directive == "prefix":
                pending = token[:-1] if token.endswith(":") else token.split(":", 1)[0]
            elif kind == "iri":
                if directive == "prefix" and pending is not None:
                    prefixes[pending] = token[1:-1]
                directive = pending = None
            continue
        if kind == "punct":
            continue
        iri = None
        if kind == "iri":
            iri = token[1:-1]
        elif kind == "pn":
            prefix, local = token.split(":", 1)
            if prefix != "_" and prefix in prefixes:
                iri = prefixes[prefix] + local
        if iri is not None:
            mentions.setdefault(iri, line)
        if kind == "str":
            line += token.count("\n")
            last = m.end()
    return mentions


def find_line(path: Path, iri: str) -> int | None:
    """Line where ``iri`` is first written in subject position (else first mentioned)."""
    return line_index(path).line(iri)
