"""A query's result as nodes and claims to draw: SPARQL (pyoxigraph) or embedded Cypher."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from graphkit import queries
from graphkit.errors import DataError, GraphkitError
from graphkit.model import short_id
from graphkit.queries import Question

#: A query runner gets the graph, the query text, its header (a :class:`graphkit.queries.Question`)
#: and the resolved parameter values, and returns node ids and claim edges
#: ``(source, target, claim key)``. Register another language here.
QueryRunner = Callable[[object, str, Question, dict], tuple[set[str], list[tuple[str, str, str]]]]
QUERY_LANGUAGES: dict[str, QueryRunner] = {}
#: File suffix -> query language (from :data:`graphkit.queries.LANGUAGES`).
QUERY_SUFFIXES = {sfx: lang for lang, sfxs in queries.LANGUAGES.items() for sfx in sfxs}


@dataclass
class QueryResult:
    """What a query names: node ids, claim edges, a label for the page and the bound values."""

    nodes: set[str]
    claims: list[tuple[str, str, str]]
    label: str
    params: dict[str, object] = field(default_factory=dict)


def run_query(
    graph, query: str | Path, language: str | None = None, params: dict[str, str] | None = None
) -> QueryResult:
    """Run a query file (or text) with ``params`` bound (the header's ``# param:`` defaults fill
    the rest; entity parameters accept names) and return what it names."""
    label = "inline query"
    if isinstance(query, Path) or (
        isinstance(query, str) and "\n" not in query and Path(query).is_file()
    ):
        path = Path(query)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise DataError(f"{path}: cannot read query: {e}", path=path) from None
        language = language or queries.language_of_file(path) or "sparql"
        label = path.name
    else:
        text, path = str(query), None
    language = (language or "sparql").lower()
    runner = QUERY_LANGUAGES.get(language)
    if runner is None:
        raise GraphkitError(
            f"{label}: {language} queries are not supported by viz yet "
            f"(supported: {', '.join(sorted(QUERY_LANGUAGES))})"
        )
    desc, declared = queries.parse_header(text, path or label)
    question = Question(label, desc, declared)
    try:
        values = queries.resolve(question, graph, params or {})
    except queries.LibraryError as e:
        hint = "" if declared else " (declare it in the header: # param: name:kind = default)"
        raise GraphkitError(f"{e}{hint}") from None
    try:
        nodes, claims = runner(graph, text, question, values)
    except SyntaxError as e:
        where = f"{path}:{e.lineno}" if path and e.lineno else (str(path) if path else label)
        raise DataError(
            f"{where}: query syntax error: {e.msg or e}", path=path, line=e.lineno
        ) from None
    return QueryResult(nodes, claims, label, values)


_SEPARATORS = re.compile(r"[\s,;|<>]+")


class _Named:
    """Node and claim ids named by result values: a value that is an id, or text whose
    whitespace- or arrow-separated tokens are ids (a path written as ``org/a > org/b``)."""

    def __init__(self, graph):
        self.G = graph.G
        self.claim_index = {k: (u, v) for u, v, k in graph.G.edges(keys=True)}
        self.nodes: set[str] = set()
        self.claims: list[tuple[str, str, str]] = []

    def add(self, value: str) -> None:
        whole = value in self.G or value in self.claim_index or len(value) > 2000
        for tok in [value] if whole else _SEPARATORS.split(value):
            if tok in self.G:
                self.nodes.add(tok)
            elif tok in self.claim_index:
                self.claims.append((*self.claim_index[tok], tok))


def _sparql(graph, text: str, question: Question, values: dict):
    """SELECT: every IRI (or literal node id) in the results names a node or a claim.
    CONSTRUCT/DESCRIBE: the subjects and objects of the triples do."""
    import pyoxigraph as ox

    from graphkit import sparql

    shape = sparql.check(text)  # read-only, no SERVICE, bounded nesting and length
    subs = {ox.Variable(k): t for k, t in queries.sparql_bindings(question, values).items()}
    try:
        result = graph.dataset.query(
            text,
            substitutions=subs or None,
            use_default_graph_as_union=not shape.has_dataset,
        )
    except RuntimeError as e:  # a bound variable that is not projected
        raise GraphkitError(
            f"{question.name}: {e} (a parameter must appear in the SELECT clause)"
        ) from None
    except (ValueError, OSError) as e:
        raise GraphkitError(f"query failed: {e}") from None
    if isinstance(result, ox.QueryBoolean):
        raise GraphkitError("an ASK query has no nodes to draw: use SELECT or CONSTRUCT")
    terms: list = []
    if isinstance(result, ox.QuerySolutions):
        variables = result.variables
        for sol in result:
            terms.extend(sol[v] for v in variables)
    else:
        for t in result:
            terms.extend((t.subject, t.object))
    named = _Named(graph)
    for term in terms:
        if isinstance(term, ox.NamedNode):
            named.add(short_id(term.value))
        elif isinstance(term, ox.Literal):
            named.add(term.value)
    return named.nodes, named.claims


QUERY_LANGUAGES["sparql"] = _sparql


def _cypher(graph, text: str, question: Question, values: dict):
    """Embedded Cypher (read-only): every value that is a node id or a claim id names one;
    lists (e.g. ``r.evidence``) are searched too."""
    from graphkit import backends

    _cols, rows = backends.get("embedded-cypher", graph=graph).query(text, values)
    named = _Named(graph)
    todo = [v for row in rows for v in row]
    while todo:
        v = todo.pop()
        if isinstance(v, list | tuple):
            todo.extend(v)
        elif isinstance(v, dict):
            todo.extend(v.values())
        elif isinstance(v, str):
            named.add(v)
    return named.nodes, named.claims


QUERY_LANGUAGES["cypher"] = _cypher
