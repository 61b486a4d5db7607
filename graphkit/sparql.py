"""Read-only SPARQL over the dataset (pyoxigraph): bound parameters, standard result formats.

User values never enter the query text: :func:`run` binds them with pyoxigraph's
``substitutions`` (SEP-0007), which requires each bound variable to be in the ``SELECT``
projection (or the query to be ``SELECT *`` / ``CONSTRUCT``).

>>> from graphkit.store import Dataset
>>> ds = Dataset.load(["tests/fixtures/mini.ttl"], bundled=False)
>>> r = run(ds, "SELECT ?a ?name WHERE { ?x schema:name ?name ; skos:altLabel ?a }", {"a": "FEA"})
>>> [row["name"] for row in r.rows()]
['Federal Enforcement Agency']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graphkit.errors import GraphkitError
from graphkit.model import GK, PREFIXES, TAXONOMY, full_iri, schema, short_id

#: ``--format`` values: a table for people, the SPARQL 1.1 results formats for programs.
FORMATS = ("table", "json", "csv", "tsv")

_UPDATE = re.compile(
    r"^\s*(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE
)
_PROLOGUE = re.compile(
    r"^\s*(?:#[^\n]*\n|BASE\s*<[^>]*>|PREFIX\s+[\w.-]*:\s*<[^>]*>|\s+)*", re.IGNORECASE
)


class QueryError(GraphkitError):
    """A query that cannot run: syntax error (with line:column), update, bad parameter."""


@dataclass
class Result:
    """A query result: ``kind`` is ``select``, ``ask`` or ``graph`` (CONSTRUCT/DESCRIBE)."""

    kind: str
    raw: object  # pyoxigraph QuerySolutions / QueryBoolean / QueryTriples (single use)
    variables: list[str]

    def rows(self) -> list[dict]:
        """Solutions as dicts of plain values (see :func:`plain`); ASK as ``[{"result": b}]``."""
        if self.kind == "ask":
            return [{"result": bool(self.raw)}]
        if self.kind == "graph":
            return [
                {
                    "subject": plain(t.subject),
                    "predicate": plain(t.predicate),
                    "object": plain(t.object),
                }
                for t in self.raw
            ]
        return [{v: plain(sol[v]) for v in self.variables} for sol in self.raw]

    def serialize(self, fmt: str) -> bytes:
        """SPARQL 1.1 results ``json``/``csv``/``tsv``/``xml``; graphs as ``ttl``/``nt``/``jsonld``
        (any other ``fmt`` for a graph gives Turtle)."""
        import pyoxigraph as ox

        if self.kind == "graph":
            rdf = {"nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}
            rdf |= {"xml": ox.RdfFormat.RDF_XML}
            f = rdf.get(fmt, ox.RdfFormat.TURTLE)
            kw = {"prefixes": PREFIXES} if f is ox.RdfFormat.TURTLE else {}
            return ox.serialize(list(self.raw), format=f, **kw)
        f = getattr(ox.QueryResultsFormat, fmt.upper())
        return self.raw.serialize(format=f)


def query_kind(query: str) -> str:
    """``select``, ``ask``, ``construct``, ``describe`` or ``update`` from the first keyword."""
    body = _PROLOGUE.sub("", query, count=1)
    if _UPDATE.match(body):
        return "update"
    m = re.match(r"\s*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", body, re.IGNORECASE)
    return m.group(1).lower() if m else "unknown"


def refuse_update(query: str) -> None:
    """Raise :class:`QueryError` for a SPARQL Update (graphkit's query commands are read-only)."""
    if query_kind(query) == "update":
        raise QueryError(
            "SPARQL updates (INSERT/DELETE/LOAD/CLEAR/DROP/...) are refused: "
            "graphkit queries are read-only. Edit the data files instead."
        )


def term(value) -> object:
    """A Python value or CLI string as an RDF term for binding.

    ``<iri>`` and ``prefix:local`` (a project prefix) become IRIs; ints and floats typed
    literals; other strings plain literals. pyoxigraph terms pass through.
    """
    import pyoxigraph as ox

    if isinstance(value, ox.NamedNode | ox.Literal | ox.BlankNode):
        return value
    if isinstance(value, bool):
        return ox.Literal(value)
    if isinstance(value, int | float):
        return ox.Literal(value)
    s = str(value)
    if s.startswith("<") and s.endswith(">") and len(s) > 2:
        return _iri(s[1:-1])
    prefix, sep, local = s.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return _iri(PREFIXES[prefix] + local)
    return ox.Literal(s)


def _iri(value: str):
    import pyoxigraph as ox

    try:
        return ox.NamedNode(value)
    except ValueError as e:
        raise QueryError(f"not a valid IRI: {value!r} ({e})") from None


def entity_term(node_id: str):
    """The IRI of a node id (``org/ice``) as a term."""
    return _iri(full_iri(node_id))


def parse_params(pairs: list[str] | None) -> dict[str, str]:
    """``["name=value", ...]`` -> dict; raises :class:`QueryError` on a missing ``=``."""
    out: dict[str, str] = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise QueryError(f"bad --param {pair!r}: expected name=value")
        out[name] = value
    return out


def run(dataset, query: str, params: dict | None = None) -> Result:
    """Run a read-only SPARQL query on ``dataset`` (a :class:`graphkit.store.Dataset`).

    ``params`` maps variable names to values (see :func:`term`); they are bound as values,
    never spliced into the text. Raises :class:`QueryError` with line:column on a syntax error.
    """
    import pyoxigraph as ox

    refuse_update(query)
    subs = {ox.Variable(k): term(v) for k, v in (params or {}).items()}
    try:
        raw = dataset.query(query, substitutions=subs or None)
    except SyntaxError as e:
        raise QueryError(f"SPARQL syntax {_position(e)}") from None
    except RuntimeError as e:  # e.g. a bound variable that is not projected
        msg = str(e)
        if "SELECT projection" in msg:
            msg += " (a --param variable must appear in the SELECT clause, or use SELECT *)"
        raise QueryError(msg) from None
    except OSError as e:
        raise QueryError(f"query failed: {e}") from None
    if isinstance(raw, ox.QueryBoolean):
        return Result("ask", raw, [])
    if isinstance(raw, ox.QueryTriples):
        return Result("graph", raw, [])
    return Result("select", raw, [v.value for v in raw.variables])


def _position(e: SyntaxError) -> str:
    """``error at 3:9: expected ...`` -> ``error at line 3, column 9: expected ...``."""
    msg = str(e.msg if getattr(e, "msg", None) else e)
    m = re.match(r"error at (\d+):(\d+)(?:-\d+:\d+)?: (.*)", msg, re.DOTALL)
    if m:
        return f"error at line {m.group(1)}, column {m.group(2)}: {m.group(3)}"
    return f"error: {msg}"


def plain(t) -> object:
    """An RDF term as the value the property-graph projection would hold.

    Entity IRIs -> short ids (``org/ice``), taxonomy concepts -> their notation (``reported``),
    ontology classes/relationships -> labels/types (``Company``, ``SUPPLIES``), numeric
    literals -> int/float, other literals -> their lexical form.
    """
    import pyoxigraph as ox

    if t is None:
        return None
    if isinstance(t, ox.Literal):
        dt = t.datatype.value.rsplit("#", 1)[-1]
        if dt in ("decimal", "double", "float"):
            return float(t.value)
        if dt in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger"):
            return int(t.value)
        if dt == "boolean":
            return t.value == "true"
        return t.value
    if isinstance(t, ox.NamedNode):
        v = t.value
        if v.startswith(TAXONOMY):
            return v.rsplit("/", 1)[-1]
        if v.startswith(GK):
            s = schema()
            return s.rel_types.get(v) or s.link_types.get(v) or s.class_labels.get(v) or v
        return short_id(v)
    return str(t)
