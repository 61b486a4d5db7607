"""Validation: the SHACL shapes of ``ontology/shapes.ttl`` plus reference checks.

Every problem names the file and line where its subject is declared, so a curator can jump there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from graphkit.model import ID, RDF, SH, shapes_file, short_id


@dataclass(frozen=True)
class Problem:
    message: str
    focus: str
    path: str | None = None
    value: str | None = None
    file: str | None = None
    line: int | None = None
    severity: str = "Violation"

    def text(self) -> str:
        where = f"{self.file}:{self.line}" if self.file and self.line else (self.file or "?")
        detail = f" [{short_id(self.path)}" if self.path else ""
        detail += f" = {short_id(self.value)}]" if self.value else ("]" if self.path else "")
        return f"{where}: {short_id(self.focus)}: {self.message}{detail}"


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    checked: int = 0  # triples checked

    @property
    def ok(self) -> bool:
        return not any(p.severity == "Violation" for p in self.problems)

    def text(self) -> str:
        if self.ok and not self.problems:
            return (
                f"OK: {self.checked} triples conform to the SHACL shapes; no dangling references."
            )
        head = f"{len(self.problems)} problem(s) in {self.checked} triples:"
        return "\n".join([head, *(f"  {p.text()}" for p in self.problems)])

    def rows(self) -> list[dict]:
        return [p.__dict__ for p in self.problems]


def validate(dataset, *, shacl: bool = True) -> Report:
    """Check ``dataset`` against the shapes and for references to undeclared ids."""
    problems = dangling_references(dataset)
    graph = None
    if shacl:
        graph = dataset.to_rdflib(include_derived=False)
        shapes, sparql_constraints = _shapes()
        problems += _shacl(graph, shapes)
        problems += _sparql_constraints(dataset, sparql_constraints)
    located = [_locate(dataset, p) for p in problems]
    located.sort(key=lambda p: (p.file or "", p.line or 0, p.focus, p.message))
    return Report(problems=located, checked=len(graph) if graph is not None else len(dataset))


def dangling_references(dataset) -> list[Problem]:
    """Objects under the id namespace that no file declares (no ``rdf:type``)."""
    from graphkit.store import DERIVED

    rows = dataset.query(
        f"""SELECT DISTINCT ?s ?p ?o WHERE {{
            GRAPH ?g {{ ?s ?p ?o }}
            FILTER(?g != <{DERIVED}> && isIRI(?o) && STRSTARTS(STR(?o), "{ID}"))
            FILTER NOT EXISTS {{ ?o <{RDF}type> ?t }}
        }}"""
    )
    return [
        Problem(
            message=f"unknown reference to {short_id(r['o'].value)} (no file declares it)",
            focus=r["s"].value,
            path=r["p"].value,
        )
        for r in rows
    ]


def _shapes():
    """The shapes graph without its SHACL-SPARQL constraints, and those constraints.

    pySHACL runs a SPARQL query per focus node (30 s for 2k claims); the same SELECTs run once
    over the whole dataset on pyoxigraph take milliseconds, so :func:`_sparql_constraints`
    evaluates them with ``$this`` left unbound, restricted to the shape's target class.
    """
    import rdflib

    shapes = rdflib.Graph().parse(shapes_file(), format="turtle")
    sh = rdflib.Namespace(SH)
    constraints = []
    for shape, node in list(shapes.subject_objects(sh.sparql)):
        constraints.append(
            (
                str(shapes.value(shape, sh.targetClass)),
                str(shapes.value(node, sh.message)),
                str(shapes.value(node, sh.select)),
            )
        )
        shapes.remove((shape, sh.sparql, node))
    return shapes, constraints


def _sparql_constraints(dataset, constraints) -> list[Problem]:
    out = []
    for target, message, select in constraints:
        body = select.replace("$this", "?this")
        where = body.index("{", body.index("WHERE"))
        query = (
            body[: where + 1]
            + f" ?this <{RDF}type>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* <{target}> ."
            + body[where + 1 :]
        )
        results = dataset.query(query)
        has_value = "value" in [v.value for v in results.variables]
        for row in results:
            value = row["value"] if has_value else None
            out.append(
                Problem(
                    message=message,
                    focus=row["this"].value,
                    value=value.value if value is not None else None,
                )
            )
    return out


def _shacl(graph, shapes) -> list[Problem]:
    import pyshacl
    import rdflib

    _conforms, results, _text = pyshacl.validate(
        graph, shacl_graph=shapes, inference="none", allow_warnings=True
    )
    sh = rdflib.Namespace(SH)
    out = []
    for r in results.subjects(rdflib.RDF.type, sh.ValidationResult):

        def one(p, r=r):
            v = results.value(r, p)
            return None if v is None else str(v)

        out.append(
            Problem(
                message=one(sh.resultMessage) or "constraint violated",
                focus=one(sh.focusNode) or "?",
                path=one(sh.resultPath)
                if isinstance(results.value(r, sh.resultPath), rdflib.URIRef)
                else None,
                value=one(sh.value),
                severity=(one(sh.resultSeverity) or "#Violation").rsplit("#", 1)[-1],
            )
        )
    return out


def _locate(dataset, problem: Problem) -> Problem:
    path = dataset.file_of(problem.focus)
    if path is None:
        return problem
    from dataclasses import replace

    return replace(problem, file=str(_rel(path)), line=find_line(path, problem.focus))


def _rel(path: Path) -> Path:
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


_PREFIX = re.compile(r"@prefix\s+([\w-]*):\s*<([^>]*)>", re.I)


def find_line(path: Path, iri: str) -> int | None:
    """Line where ``iri`` is first written in subject position (else first mentioned)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    names = [f"<{iri}>"] + [
        f"{p}:{iri[len(ns) :]}" for p, ns in _PREFIX.findall(text) if iri.startswith(ns) and ns
    ]
    first = None
    for n, line in enumerate(text.splitlines(), 1):
        for name in names:
            if re.search(rf"(^|[\s;,\[(]){re.escape(name)}($|[\s;,.\])])", line):
                if line.lstrip().startswith(name):
                    return n
                first = first or n
    return first
