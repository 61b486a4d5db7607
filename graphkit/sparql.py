"""Read-only SPARQL over the dataset (pyoxigraph): bound parameters, standard result formats.

User values never enter the query text: :func:`run` binds them with pyoxigraph's
``substitutions`` (SEP-0007), which requires each bound variable to be in the ``SELECT``
projection (or the query to be ``SELECT *`` / ``CONSTRUCT``).

Every query passes :func:`check` before the engine sees it: updates are refused, the text may
be at most :data:`MAX_QUERY_CHARS` long and nest ``{ ( [`` at most :data:`MAX_NESTING` deep
(deeper nesting crashes the parser), and ``SERVICE`` (federation: the engine would send HTTP
requests) is refused unless the caller opts in. The dataset follows the SPARQL 1.1 specs:
``FROM`` / ``FROM NAMED`` in the query, or the protocol's ``default-graph-uri`` /
``named-graph-uri`` (which win over the query's), select graphs; only when neither is given is
the default graph the union of all graphs.

>>> from graphkit.store import Dataset
>>> ds = Dataset.load(["tests/fixtures/mini.ttl"], bundled=False)
>>> r = run(ds, "SELECT ?a ?name WHERE { ?x schema:name ?name ; skos:altLabel ?a }", {"a": "FEA"})
>>> [row["name"] for row in r.rows()]
['Federal Enforcement Agency']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from graphkit.errors import GraphkitError
from graphkit.model import GK, PREFIXES, TAXONOMY, XSD, XSD_NUMERIC, full_iri, schema, short_id

if TYPE_CHECKING:  # pragma: no cover
    import pyoxigraph as ox

T = TypeVar("T")

#: ``--format`` values: a table for people, the SPARQL 1.1 results formats for programs.
FORMATS = ("table", "json", "csv", "tsv")

_UPDATE = re.compile(
    r"^\s*(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE
)
_PROLOGUE = re.compile(
    r"^\s*(?:#[^\n]*\n|BASE\s*<[^>]*>|PREFIX\s+[\w.-]*:\s*<[^>]*>|\s+)*", re.IGNORECASE
)


#: Longest query text accepted (characters).
MAX_QUERY_CHARS = 200_000
#: Deepest nesting of ``{``, ``(`` and ``[`` accepted (pyoxigraph segfaults near 5000).
MAX_NESTING = 64


class QueryError(GraphkitError):
    """A query that cannot run: syntax error (with line:column), update, bad parameter."""


class UpdateRefused(QueryError):
    """A SPARQL Update sent to a read-only command (the endpoint answers 403)."""


class QueryTimeout(QueryError):
    """A query that ran longer than its time limit (it was stopped)."""


# -- reading the query text (outside strings, IRIs and comments) -------------------------------

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKEN = re.compile(
    r"""(?P<ws>\s+)
    |(?P<comment>\#[^\n\r]*)
    |(?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
        |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    |(?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
    |(?P<var>[?$]\w*)
    |(?P<pname>(?:[^\W\d]|_)[\w.-]*:(?:[\w.:%-]|\\.)*|:(?:[\w.:%-]|\\.)*)
    |(?P<word>[^\W\d]\w*)
    |(?P<open>[{(\[])
    |(?P<close>[})\]])
    |(?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)


def tokens(query: str) -> Iterator[tuple[str, str]]:
    """``(kind, text)`` for each token of the query's code; whitespace and comments skipped.

    Kinds: ``string``, ``iri``, ``var``, ``pname``, ``word`` (keywords), ``open``, ``close``,
    ``other``. Like pyoxigraph, ``\\uXXXX`` escapes count only inside strings and IRIs.
    """
    for m in _TOKEN.finditer(query):
        kind = m.lastgroup
        if kind is not None and kind not in ("ws", "comment"):
            yield kind, m.group()


@dataclass(frozen=True)
class Shape:
    """What :func:`check` learnt about a query's text."""

    services: tuple[str, ...]  # the target of each SERVICE (``<iri>``, ``?var``, ``p:x``)
    has_dataset: bool  # a FROM or FROM NAMED clause
    depth: int  # deepest nesting of { ( [


def shape(query: str) -> Shape:
    """The :class:`Shape` of ``query`` (a lexical scan, no parsing).

    ``services`` also lists any SERVICE that appears once ``\\uXXXX`` escapes are decoded
    everywhere (the SPARQL spec's reading, which pyoxigraph does not follow), so neither
    reading can hide one.
    """
    services, has_dataset, deepest = _scan(query)
    decoded = _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), query)
    if decoded != query:
        services += [t for t in _scan(decoded)[0] if t not in services]
    return Shape(tuple(services), has_dataset, deepest)


def _scan(query: str) -> tuple[list[str], bool, int]:
    services: list[str] = []
    has_dataset = False
    depth = deepest = 0
    expect_target = False
    for kind, text in tokens(query):
        word = text.upper() if kind == "word" else ""
        if expect_target:
            if word == "SILENT":
                continue
            services.append(text)
            expect_target = False
        if kind == "open":
            depth += 1
            deepest = max(deepest, depth)
        elif kind == "close":
            depth = max(depth - 1, 0)
        elif word == "SERVICE":
            expect_target = True
        elif word == "FROM":
            has_dataset = True
    if expect_target:
        services.append("")
    return services, has_dataset, deepest


def check(query: str, *, allow_service: bool = False) -> Shape:
    """Refuse, before the engine sees it, a query that is an update, too long, nested too
    deeply, or uses ``SERVICE`` (unless ``allow_service``; even then only to an
    ``<http(s)://...>`` IRI). Returns the query's :class:`Shape`."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(
            f"the query is {len(query):,} characters long, more than the limit of "
            f"{MAX_QUERY_CHARS:,}"
        )
    refuse_update(query)
    sh = shape(query)
    if sh.depth > MAX_NESTING:
        raise QueryError(
            f"the query nests brackets {sh.depth} deep, more than the limit of {MAX_NESTING}"
        )
    for target in sh.services:
        shown = target or "(nothing)"
        if not allow_service:
            raise QueryError(
                f"SERVICE {shown} is refused: graphkit queries do not reach the network "
                "(federated queries need the explicit --allow-service option)"
            )
        if not re.fullmatch(r"<https?://[^>]+>", target):
            raise QueryError(
                f"SERVICE {shown} is refused: --allow-service allows only a literal "
                "<http://...> or <https://...> endpoint IRI"
            )
    return sh


@dataclass
class Result:
    """A query result: ``kind`` is ``select``, ``ask`` or ``graph`` (CONSTRUCT/DESCRIBE)."""

    kind: str
    raw: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples  # single use
    variables: list[str]

    def rows(self) -> list[dict]:
        """Solutions as dicts of plain values (see :func:`plain`); ASK as ``[{"result": b}]``."""
        import pyoxigraph as ox

        raw = self.raw
        if isinstance(raw, ox.QueryBoolean):
            return [{"result": bool(raw)}]
        if isinstance(raw, ox.QueryTriples):
            return [
                {
                    "subject": plain(t.subject),
                    "predicate": plain(t.predicate),
                    "object": plain(t.object),
                }
                for t in raw
            ]
        return [{v: plain(sol[v]) for v in self.variables} for sol in raw]

    def serialize(self, fmt: str) -> bytes:
        """SPARQL 1.1 results ``json``/``csv``/``tsv``/``xml``; graphs in an RDF format of
        :mod:`graphkit.formats` by name (``ttl``, ``nt``, ``jsonld``, ``xml`` ...; any other
        ``fmt`` for a graph gives Turtle)."""
        import pyoxigraph as ox

        from graphkit import formats

        raw = self.raw
        if isinstance(raw, ox.QueryTriples):
            try:
                f = formats.by_name(fmt).ox()
            except KeyError:
                f = ox.RdfFormat.TURTLE
            out = ox.serialize(list(raw), format=f, prefixes=PREFIXES)
        else:
            out = raw.serialize(format=getattr(ox.QueryResultsFormat, fmt.upper()))
        assert out is not None  # pyoxigraph returns the bytes when given no output
        return out


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
        raise UpdateRefused(
            "SPARQL updates (INSERT/DELETE/LOAD/CLEAR/DROP/...) are refused: "
            "graphkit queries are read-only. Edit the data files instead."
        )


def term(value, *, guess_iri: bool = True) -> object:
    """A Python value as an RDF term for binding.

    :class:`graphkit.params.IRI` becomes an IRI; a date an ``xsd:date`` literal; bools, ints
    and floats typed literals; other strings plain literals, except that with ``guess_iri`` (the
    Python API's default) a string written ``<iri>`` or ``prefix:local`` (a project prefix) is
    an IRI. ``graphkit sparql --param`` values come typed from :mod:`graphkit.params` and are
    bound with ``guess_iri=False``. pyoxigraph terms pass through.
    """
    import datetime

    import pyoxigraph as ox

    from graphkit.params import IRI

    if isinstance(value, ox.NamedNode | ox.Literal | ox.BlankNode):
        return value
    if isinstance(value, IRI):
        return _iri(str(value))
    if isinstance(value, bool | int | float):
        return ox.Literal(value)
    if isinstance(value, datetime.date):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    if isinstance(value, list | dict):
        raise QueryError("a JSON list or map cannot be bound in SPARQL (Cypher only)")
    s = str(value)
    if guess_iri and s.startswith("<") and s.endswith(">") and len(s) > 2:
        return _iri(s[1:-1])
    prefix, sep, local = s.partition(":")
    if guess_iri and sep and prefix in PREFIXES and not local.startswith("//"):
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


def run(
    dataset,
    query: str,
    params: dict | None = None,
    *,
    default_graphs: list[str] | None = None,
    named_graphs: list[str] | None = None,
    allow_service: bool = False,
) -> Result:
    """Run a read-only SPARQL query on ``dataset`` (a :class:`graphkit.store.Dataset`).

    ``params`` maps variable names to values (see :func:`term`); they are bound as values,
    never spliced into the text. ``default_graphs`` / ``named_graphs`` are the protocol's
    ``default-graph-uri`` / ``named-graph-uri`` IRIs: given either, they define the dataset
    (over any FROM in the query); with neither and no FROM, the default graph is the union of
    all graphs. The query first passes :func:`check`. Raises :class:`QueryError` with
    line:column on a syntax error.
    """
    import pyoxigraph as ox

    sh = check(query, allow_service=allow_service)
    subs = {ox.Variable(k): term(v) for k, v in (params or {}).items()}
    kw: dict = {"use_default_graph_as_union": False}
    if default_graphs is not None or named_graphs is not None:
        kw["default_graph"] = [_iri(g) for g in default_graphs or []]
        kw["named_graphs"] = [_iri(g) for g in named_graphs or []]
    elif not sh.has_dataset:
        kw["use_default_graph_as_union"] = True
    try:
        raw = dataset.query(query, substitutions=subs or None, **kw)
    except SyntaxError as e:
        raise QueryError(f"SPARQL syntax {_position(e)}") from None
    except RuntimeError as e:  # e.g. a bound variable that is not projected
        msg = str(e)
        if "SELECT projection" in msg:
            msg += " (a --param variable must appear in the SELECT clause, or use SELECT *)"
        raise QueryError(msg) from None
    except (OSError, ValueError) as e:
        raise QueryError(f"query failed: {e}") from None
    if isinstance(raw, ox.QueryBoolean):
        return Result("ask", raw, [])
    if isinstance(raw, ox.QueryTriples):
        return Result("graph", raw, [])
    return Result("select", raw, [v.value for v in raw.variables])


def in_subprocess(fn: Callable[[], T], timeout: float) -> T:
    """``fn()`` computed in a forked child process that is killed after ``timeout`` seconds.

    pyoxigraph cannot cancel a query in-thread, so a query with a time limit runs (and its
    lazy results are read) in a child that shares the loaded store by ``fork``. ``fn`` must
    return a picklable value; a :class:`GraphkitError` it raises is raised here. Raises
    :class:`QueryTimeout` when the limit passes and :class:`QueryError` if the child dies.
    Where ``fork`` is not available the call runs in-process, without a limit.
    """
    import multiprocessing as mp

    if "fork" not in mp.get_all_start_methods():
        return fn()
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)

    def main() -> None:
        out: tuple[str, object]
        try:
            out = ("ok", fn())
        except GraphkitError as e:
            out = ("error", e)
        except Exception as e:  # noqa: BLE001  (reported by the parent)
            out = ("crash", f"{type(e).__name__}: {e}")
        try:
            child.send(out)
        except Exception as e:  # noqa: BLE001  (e.g. an unpicklable value)
            child.send(("crash", f"{type(e).__name__}: {e}"))
        child.close()

    proc = ctx.Process(target=main, daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(timeout):
            raise QueryTimeout(
                f"query stopped: it ran longer than the limit of {timeout:g} s "
                "(raise it with --timeout, or add LIMIT / narrow the patterns)"
            )
        kind, value = parent.recv()
    except (EOFError, OSError):
        proc.join(5)
        raise QueryError(
            f"the query engine crashed on this query (exit code {proc.exitcode})"
        ) from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        parent.close()
    if kind == "error":
        raise value
    if kind == "crash":
        raise QueryError(f"the query failed: {value}")
    return value


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
        dt = t.datatype.value
        conv = XSD_NUMERIC.get(dt)  # numbers as the projection converts them
        if conv is not None:
            try:
                return conv(t.value)
            except ValueError:
                return t.value  # an ill-typed number stays text, as in the projection
        if dt == XSD + "boolean":
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
