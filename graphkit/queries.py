"""The query library: due-diligence questions in ``queries/`` as SPARQL (``.rq``) and Cypher.

Each question is ``queries/<name>.rq`` plus an equivalent ``queries/<name>.cypher`` that gives
the same rows on the property-graph projection. A header comment describes it::

    # description: Companies that supply or host an agency, with the status of each claim.
    # param: agency:entity = org/ice

A parameter is ``name:kind = default``; kinds are ``entity`` (resolved with
:meth:`graphkit.graph.Graph.find`, so "ICE" works), ``string``, ``int``, and one kind per ontology
property that names its values' concept scheme (``gk:conceptScheme``): ``status``, ``sector``,
``category`` take taxonomy notations such as ``alleged``, ``law-enforcement``,
``face-recognition``. Values are always bound (SPARQL substitutions / Cypher ``$params``), never
spliced. SPARQL variables for parameters must be projected (a pyoxigraph rule).

The query languages of the library are :data:`LANGUAGES` (one file suffix each); an engine runs
the text in its language (:func:`language_of`).

>>> sorted(library())[:2]
['agencies-using-technology', 'claims-by-status']
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphkit.errors import GraphkitError
from graphkit.model import ontology, project_root


@dataclass(frozen=True)
class Kind:
    """A parameter kind: how its text becomes a value (``graph`` resolves entities) and how
    that value is bound in SPARQL (``None``: a literal)."""

    value: Callable[[Any, str], object]
    term: Callable[[object], Any] | None = None
    expects: str = "a value"  # for the error when ``value`` raises ValueError


def _entity_term(v: object):
    from graphkit.sparql import entity_term

    return entity_term(str(v))


#: Parameter kinds that are not taxonomy kinds (those come from the ontology: :func:`kinds`).
BASIC_KINDS: dict[str, Kind] = {
    "entity": Kind(lambda graph, text: graph.find(text), _entity_term),
    "string": Kind(lambda graph, text: text),
    "int": Kind(lambda graph, text: int(text), expects="an integer"),
}

#: Query languages, by name, with the suffixes of their files; the library reads the first
#: suffix of each (the first language's header describes a question, the others' fill in what it
#: lacks), a query file elsewhere (``graphkit viz --query``) may have any of them.
LANGUAGES: dict[str, tuple[str, ...]] = {
    "sparql": (".rq", ".sparql"),
    "cypher": (".cypher", ".cql"),
}


def language_of_file(path: Path | str) -> str | None:
    """The query language of a file, by its suffix (``None`` when no language claims it)."""
    suffix = Path(path).suffix.lower()
    return next((lang for lang, suffixes in LANGUAGES.items() if suffix in suffixes), None)


def taxonomy_kinds() -> dict[str, str]:
    """Parameter kind -> concept scheme IRI: the local name of every ontology property that
    declares ``gk:conceptScheme`` (``status`` -> ``gk:ClaimStatus``)."""
    return {
        re.split(r"[#/]", prop)[-1]: scheme for prop, scheme in ontology().value_schemes.items()
    }


def kinds() -> tuple[str, ...]:
    """Every parameter kind: :data:`BASIC_KINDS` then the taxonomy kinds."""
    return (*BASIC_KINDS, *sorted(taxonomy_kinds()))


class LibraryError(GraphkitError):
    """Unknown question, unknown parameter or a bad header."""


@dataclass(frozen=True)
class Param:
    name: str
    kind: str = "string"
    default: str | None = None


@dataclass
class Question:
    name: str
    description: str
    params: list[Param] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # language -> query text

    @property
    def sparql(self) -> str | None:
        return self.texts.get("sparql")

    @property
    def cypher(self) -> str | None:
        return self.texts.get("cypher")

    @property
    def languages(self) -> list[str]:
        """The languages this question is written in, in :data:`LANGUAGES` order."""
        return [lang for lang in LANGUAGES if lang in self.texts]

    def text(self, engine: str) -> str:
        """The question in the language of ``engine`` (a language or an engine name:
        ``neo4j`` means its Cypher)."""
        language = language_of(engine)
        text = self.texts.get(language)
        if text is None:
            raise LibraryError(f"query {self.name!r} has no {language} version")
        return text


def language_of(engine: str) -> str:
    """The query language of an engine: a name of :data:`LANGUAGES` is itself; ``cypher`` is
    the embedded engine's; any other engine is a backend, whose ``query_language`` it is."""
    if engine in LANGUAGES:
        return engine
    from graphkit import backends

    if engine in backends.names() and backends.factory(engine).query_language:
        return str(backends.factory(engine).query_language)
    raise LibraryError(f"unknown engine {engine!r} (choose from {', '.join(engines())})")


def queries_dir() -> Path:
    return project_root() / "queries"


def library(folder: Path | None = None) -> dict[str, Question]:
    """Every question in ``folder`` (default: the project's ``queries/``), by name."""
    folder = folder or queries_dir()
    out: dict[str, Question] = {}
    for language, suffixes in LANGUAGES.items():
        for path in sorted(folder.glob(f"*{suffixes[0]}")):
            text = path.read_text(encoding="utf-8")
            desc, params = parse_header(text, path)
            q = out.setdefault(path.stem, Question(path.stem, desc, params))
            q.texts[language] = text
            q.description = q.description or desc
            q.params = q.params or params
    return dict(sorted(out.items()))


def parse_header(text: str, path: Path | str = "<query>") -> tuple[str, list[Param]]:
    """``(description, params)`` from leading ``#`` or ``//`` comment lines."""
    desc = ""
    params: list[Param] = []
    for n, line in enumerate(text.splitlines(), 1):
        m = re.match(r"\s*(?:#|//)\s*(description|param)\s*:\s*(.*)$", line)
        if not m:
            continue
        if m.group(1) == "description":
            desc = m.group(2).strip()
            continue
        p = re.fullmatch(r"(\w+)(?:\s*:\s*(\w+))?\s*(?:=\s*(.*))?", m.group(2).strip())
        if not p or (p.group(2) or "string") not in kinds():
            raise LibraryError(f"{path}:{n}: bad param line (expected 'name:kind = default')")
        default = p.group(3).strip() if p.group(3) is not None else None
        params.append(Param(p.group(1), p.group(2) or "string", default))
    return desc, params


def resolve(question: Question, graph, given: dict[str, str]) -> dict[str, object]:
    """Parameter values (defaults filled in, entities resolved to node ids) as Python values."""
    names = {p.name for p in question.params}
    unknown = sorted(set(given) - names)
    if unknown:
        known = ", ".join(sorted(names)) or "none"
        raise LibraryError(f"{question.name} has no parameter {unknown[0]!r} (parameters: {known})")
    out: dict[str, object] = {}
    for p in question.params:
        value: object = given.get(p.name, p.default)
        if value is None:
            raise LibraryError(f"{question.name} needs --param {p.name}=VALUE")
        kind = BASIC_KINDS.get(p.kind)
        if kind is not None:
            try:
                value = kind.value(graph, str(value))
            except ValueError:
                raise LibraryError(
                    f"--param {p.name} must be {kind.expects}, got {value!r}"
                ) from None
        out[p.name] = value
    return out


def sparql_bindings(question: Question, values: dict[str, object]) -> dict[str, object]:
    """Resolved values as RDF terms for :func:`graphkit.sparql.run`."""
    import pyoxigraph as ox

    kind_of = {p.name: p.kind for p in question.params}
    schemes = taxonomy_kinds()
    out = {}
    for name, v in values.items():
        kind = BASIC_KINDS.get(kind_of[name])
        if kind is not None and kind.term is not None:
            out[name] = kind.term(v)
        elif kind_of[name] in schemes:
            concept = ontology().concept(schemes[kind_of[name]], str(v))
            # an unknown notation is bound as text, which matches nothing, as it should
            out[name] = ox.NamedNode(concept.iri) if concept else ox.Literal(str(v))
        else:
            out[name] = ox.Literal(v if isinstance(v, str | int | float | bool) else str(v))
    return out


def run(
    name: str, graph, params: dict[str, str] | None = None, *, engine: str = "sparql"
) -> tuple[list[str], list[list]]:
    """Run library question ``name`` on ``graph`` (a :class:`graphkit.graph.Graph`).

    ``engine`` is ``sparql`` (pyoxigraph), ``cypher`` (embedded Ladybug) or ``neo4j`` (the
    Cypher text on the server of ``NEO4J_URI``, loaded with ``graphkit neo4j load``). All give
    ``(columns, rows)`` with the values of the property-graph projection (ids like
    ``org/ice``, statuses like ``confirmed``, relationship types like ``SUPPLIES``).
    """
    lib = library()
    if name not in lib:
        raise LibraryError(f"no query named {name!r}; `graphkit ask` lists them")
    q = lib[name]
    values = resolve(q, graph, params or {})
    runner = ENGINES.get(engine)
    if runner is None and engine in engines():
        runner = _on_backend(engine)
    if runner is None:
        raise LibraryError(f"unknown engine {engine!r} (choose from {', '.join(engines())})")
    return runner(q, graph, values)


def engines() -> list[str]:
    """The ``engine`` names: those of :data:`ENGINES`, then every registered backend with a
    query language (:mod:`graphkit.backends`), by its name."""
    from graphkit import backends

    extra = [n for n in backends.names() if backends.factory(n).query_language]
    return [*ENGINES, *(n for n in extra if n not in ENGINES)]


def _run_sparql(q: Question, graph, values: dict) -> tuple[list[str], list[list]]:
    from graphkit import sparql

    result = sparql.run(graph.dataset, q.text("sparql"), sparql_bindings(q, values))
    rows = result.rows()
    cols = result.variables or (list(rows[0]) if rows else [])
    return cols, [[r.get(c) for c in cols] for r in rows]


def _on_backend(name: str):
    """A runner that gives the question's text in the backend's language to that backend."""

    def run_on(q: Question, graph, values: dict) -> tuple[list[str], list[list]]:
        from graphkit import backends

        make = backends.factory(name)
        engine = make(graph=graph if make.uses_local_files else None)
        try:
            return engine.query(q.text(name), values)
        finally:
            getattr(engine, "close", lambda: None)()

    return run_on


#: ``--engine`` names that are not backend names: SPARQL on the RDF dataset, and ``cypher`` for
#: the embedded engine. Any backend with a query language is an engine under its own name.
ENGINES = {
    "sparql": _run_sparql,
    "cypher": _on_backend("embedded-cypher"),
}
