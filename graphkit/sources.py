"""The bundled source datasets (``data/sources/``): choosing them, counting claims per source
with each dataset's provenance, naming the dataset behind a piece of evidence, and one figure
per contract over the figures every source gives.

Each file of ``data/sources/`` describes itself as a ``dcat:Dataset`` (``ontology/sources.ttl``);
``entities.ttl`` holds the organisations and products all sources share. A claim's source is the
dataset its file describes; a claim declared in a file that describes no dataset is ``curated``.

>>> [s for s in names()][:2]
['torn-apart-freezer', 'torn-apart-fiscal-years']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from graphkit.errors import DataError
from graphkit.model import GK, ID, data_dir

CURATED = "curated"
NONE = "none"
DCAT_DATASET = "http://www.w3.org/ns/dcat#Dataset"
SOURCE_NS = ID + "source/"  #: IRIs of the bundled source datasets
DCTERMS = "http://purl.org/dc/terms/"
ENTITIES = "entities.ttl"

__all__ = [
    "ContractFigures",
    "SourceCount",
    "SourceInfo",
    "claims_per_source",
    "contract_figures",
    "figures_of",
    "record_evidence_keys",
    "curated_files",
    "describe",
    "evidence_sources",
    "names",
    "requires",
    "select",
]


def _dir() -> Path:
    return data_dir() / "sources"


def names() -> list[str]:
    """Names of the bundled sources, in build order (the manifest's)."""
    from graphkit.importers.build import manifest

    built = {p.stem for p in _dir().glob("*.ttl")}
    return [s.name for s in manifest() if s.name in built]


def curated_files() -> list[Path]:
    """The hand-curated Turtle files of ``data/`` (not the built sources, not the reviewer
    decisions in ``resolutions.ttl``)."""
    return sorted(p for p in data_dir().glob("*.ttl") if p.name != "resolutions.ttl")


def select(chosen: Iterable[str]) -> list[Path]:
    """The bundled files to load for ``chosen`` source names (``none`` = no source; ``curated``
    is accepted and always implied): the curated files, the chosen sources and, when any source
    is chosen, the shared ``entities.ttl``. Raises :class:`DataError` naming an unknown source."""
    from graphkit.store import rdf_files

    wanted = {c.strip() for c in chosen if c.strip()} - {CURATED, NONE}
    known = names()
    unknown = sorted(wanted - set(known))
    if unknown:
        raise DataError(
            f"unknown source {unknown[0]!r} (one of {', '.join([*known, CURATED, NONE])})"
        )
    todo = list(wanted)
    while todo:  # the sources a chosen one refers to (dcterms:requires) load with it
        for req in requires(todo.pop()):
            if req not in wanted:
                wanted.add(req)
                todo.append(req)
    sources = _dir().resolve()
    files = [f for f in rdf_files([data_dir()]) if sources not in f.resolve().parents]
    if wanted:
        files.append(_dir() / ENTITIES)
        files += [_dir() / f"{n}.ttl" for n in known if n in wanted]
    return files


_REQUIRES = re.compile(r"^    dcterms:requires (.*?) [;.]$", re.M)


def requires(name: str) -> list[str]:
    """The sources ``name`` refers to: the ``dcterms:requires`` of its dataset description."""
    text = (_dir() / f"{name}.ttl").read_text(encoding="utf-8")
    start = text.find(f"\n<{SOURCE_NS}{name}> a ")
    if start < 0:
        return []
    found = _REQUIRES.search(text[start : text.find("\n\n", start + 1)])
    if not found:
        return []
    return [t.strip().rstrip(">").rsplit("/", 1)[-1] for t in found[1].split(",")]


@dataclass(frozen=True)
class SourceCount:
    """Claims of one source: declared in its file, and curated or other claims it adds
    evidence to; with the provenance its ``dcat:Dataset`` description gives (``None`` for the
    curated data, which has none)."""

    source: str
    title: str
    claims: int
    evidence_added: int
    licence: str | None = None  #: dcterms:license (an IRI)
    rights: str | None = None  #: dcterms:rights (the licence situation in words)
    upstream: str | None = None  #: dcterms:source (the upstream repository)
    commit: str | None = None  #: gk:sourceCommit
    upstream_path: str | None = None  #: gk:sourcePath
    input_file: str | None = None  #: gk:inputFile (in the shared data folder)
    retrieved: str | None = None  #: pav:retrievedOn
    sha256: str | None = None  #: spdx:checksum of the input file
    rows_read: int | None = None  #: gk:rowsRead
    rows_imported: int | None = None  #: gk:rowsImported
    triples: int | None = None  #: void:triples of the file


#: SourceCount field of each property of a dataset description (ontology/sources.ttl).
_PROVENANCE = {
    "http://purl.org/dc/terms/license": "licence",
    "http://purl.org/dc/terms/rights": "rights",
    "http://purl.org/dc/terms/source": "upstream",
    GK + "sourceCommit": "commit",
    GK + "sourcePath": "upstream_path",
    GK + "inputFile": "input_file",
    "http://purl.org/pav/retrievedOn": "retrieved",
    "http://spdx.org/rdf/terms#checksumValue": "sha256",
    GK + "rowsRead": "rows_read",
    GK + "rowsImported": "rows_imported",
    "http://rdfs.org/ns/void#triples": "triples",
}
_INTEGER = {"rows_read", "rows_imported", "triples"}


def _provenance(dataset) -> dict[str, dict]:
    """Graph IRI -> the provenance fields of the dataset its file describes."""
    rows = dataset.store.query(
        f"""SELECT ?g ?p ?o WHERE {{ GRAPH ?g {{ ?ds a <{DCAT_DATASET}> .
            {{ ?ds ?p ?o }} UNION {{ ?ds <http://spdx.org/rdf/terms#checksum> ?sum .
              ?sum ?p ?o }} }} }}"""
    )
    out: dict[str, dict] = {}
    for r in rows:
        key = _PROVENANCE.get(r["p"].value)
        if key is None:
            continue
        value = r["o"].value
        out.setdefault(r["g"].value, {})[key] = int(value) if key in _INTEGER else value
    return out


def claims_per_source(dataset) -> list[SourceCount]:
    """Claims per source of a loaded :class:`graphkit.store.Dataset` (one named graph per
    file), curated first, then the sources in load order."""
    rows = dataset.store.query(
        f"""SELECT ?g ?ds ?title WHERE {{ GRAPH ?g {{ ?ds a <{DCAT_DATASET}>
            OPTIONAL {{ ?ds <http://purl.org/dc/terms/title> ?title }} }} }}"""
    )
    described = {
        r["g"].value: (r["ds"].value, r["title"].value if r["title"] else "") for r in rows
    }
    declared: dict[str, set[str]] = {}
    for r in dataset.store.query(f"SELECT ?g ?c WHERE {{ GRAPH ?g {{ ?c a <{GK}Claim> }} }}"):
        declared.setdefault(r["g"].value, set()).add(r["c"].value)
    owner = {c: g for g, cs in declared.items() for c in cs}
    added: dict[str, set[str]] = {}
    for r in dataset.store.query(
        f"""SELECT ?g ?c WHERE {{ GRAPH ?g {{ ?c <http://www.w3.org/ns/prov#wasDerivedFrom> ?e .
            FILTER NOT EXISTS {{ ?c a <{GK}Claim> }} }} }}"""
    ):
        if r["c"].value in owner:
            added.setdefault(r["g"].value, set()).add(r["c"].value)

    def name(g: str) -> tuple[str, str]:
        if g in described:
            ds, title = described[g]
            return ds.rsplit("/", 1)[-1], title
        return CURATED, "Curated data (data/*.ttl and other files without a dataset description)"

    provenance = _provenance(dataset)
    counts: dict[str, list] = {CURATED: [name("")[1], 0, 0]}
    about: dict[str, dict] = {CURATED: {}}
    order = [CURATED]
    for g in [f.resolve().as_uri() for f in dataset.files]:
        n, title = name(g)
        if n not in counts:
            counts[n] = [title, 0, 0]
            about[n] = provenance.get(g, {}) if g in described else {}
            order.append(n)
        counts[n][1] += len(declared.get(g, ()))
        counts[n][2] += len(added.get(g, ()))
    return [SourceCount(n, *counts[n], **about[n]) for n in order]


@dataclass(frozen=True)
class SourceInfo:
    """A bundled source as its dataset description names it (for a line under its evidence)."""

    source: str
    title: str
    licence: str | None  #: dcterms:license (an IRI), if the dataset states one
    rights: str  #: dcterms:rights

    @property
    def terms(self) -> str:
        """The licence situation in a few words: the rights statement's first clause
        (``CC BY-SA 4.0``, ``No licence stated``)."""
        return re.split(r" \(|;|\. ", self.rights, maxsplit=1)[0].rstrip(".") or (
            self.licence or ""
        )


@cache
def describe(name: str) -> SourceInfo | None:
    """The dataset description of bundled source ``name`` (its file's head, parsed alone)."""
    import pyoxigraph as ox

    path = _dir() / f"{name}.ttl"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    start = text.find(f"\n<{SOURCE_NS}{name}> a ")
    if start < 0:
        return None
    end = text.find("\n\n", start + 1)
    head = text[: end if end > 0 else len(text)]
    found: dict[str, str] = {}
    title = f"{DCTERMS}title"
    for q in ox.parse(head.encode("utf-8"), format=ox.RdfFormat.TURTLE):
        if q.subject.value == SOURCE_NS + name:
            p = q.predicate.value
            key = "title" if p == title else _PROVENANCE.get(p)
            if key in ("title", "licence", "rights"):
                found[key] = q.object.value
    return SourceInfo(name, found.get("title", name), found.get("licence"), found.get("rights", ""))


_EVIDENCE = re.compile(r"^ide:(\S+) a gk:Evidence\b", re.M)


@cache
def evidence_sources() -> dict[str, tuple[str, ...]]:
    """Evidence id (``evidence/...``) -> the bundled sources whose files declare it.

    Scanning the source files takes about 0.2 s, so the answer is kept in the cache folder,
    keyed by each file's name, size and modification time (rebuilt when one changes)."""
    import hashlib
    import json
    import os
    import tempfile

    from graphkit.cache import cache_dir, private_dir

    stats = [(p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(_dir().glob("*.ttl"))]
    stamp = hashlib.sha256(repr(stats).encode()).hexdigest()[:32]
    folder = private_dir(cache_dir())
    memo = folder / f"evidence-sources-{stamp}.json" if folder else None
    if memo is not None:
        try:
            got = json.loads(memo.read_bytes())
            return {k: tuple(v) for k, v in got.items()}
        except (OSError, ValueError, AttributeError):
            pass
    out: dict[str, tuple[str, ...]] = {}
    for name in names():  # (the manifest's order; reading it costs about 0.1 s)
        for m in _EVIDENCE.finditer((_dir() / f"{name}.ttl").read_text(encoding="utf-8")):
            key = f"evidence/{m[1]}"
            out[key] = (*out.get(key, ()), name)
    if memo is not None:
        tmp = None
        try:
            fd, tmp = tempfile.mkstemp(prefix=".evidence-sources.", dir=memo.parent)
            with os.fdopen(fd, "wb") as fh:
                fh.write(json.dumps(out).encode())
            os.replace(tmp, memo)
        except OSError:
            if tmp:
                Path(tmp).unlink(missing_ok=True)
    return out


@dataclass(frozen=True)
class ContractFigures:
    """One figure per amount of a contract over its own values and those of every
    ``gk:ContractRecord`` of it (other sources' figures, ``ontology/sources.ttl``): the largest,
    as ``queries/contracts-by-agency-year.rq`` counts it (award amounts are cumulative, so the
    largest is the latest report), and the earliest start date and fiscal year any gives."""

    contract: str  #: short id (``contract/...``)
    obligated: float | None
    current_value: float | None
    potential_value: float | None
    start: str | None
    fiscal_year: int | None
    records: int  #: distinct evidence of its records that give a figure (other sources' reports)


_FIGURE = {
    GK + "obligatedAmount": "obligated",
    GK + "currentValue": "current_value",
    GK + "potentialValue": "potential_value",
    GK + "startDate": "start",
    GK + "fiscalYear": "fiscal_year",
}


#: How one figure is chosen among the contract's own and its records': amounts are cumulative
#: (the largest is the latest report), dates and fiscal years the earliest any source gives.
_PICK = {"start": min, "fiscal_year": min}


def figures_of(contract: str, node: dict) -> ContractFigures:
    """:class:`ContractFigures` of a contract's property-graph node: its own figures and the
    ``record_K`` lists the projection puts on it (``graphkit.projection``), by the rule of
    :func:`contract_figures` and ``queries/contracts-by-agency-year.rq`` (no RDF needed).

    >>> f = figures_of("contract/k", {"obligated": 5.0, "record_obligated": [9.0, 2.0],
    ...                               "record_obligated_evidence": ["evidence/a", "evidence/b"],
    ...                               "start": "2019-03-01", "record_start": ["2018-01-02"]})
    >>> (f.obligated, f.current_value, f.start, f.records)
    (9.0, None, '2018-01-02', 2)
    """
    from graphkit.model import record_key

    top: dict = {}
    evidence: set[str] = set()
    for key in _FIGURE.values():
        values_key, evidence_key = record_key(key)
        own = node.get(key)
        got = [own] if own is not None else []
        got += node.get(values_key) or []
        evidence.update(node.get(evidence_key) or [])
        if key == "fiscal_year":
            got = [_int(v) for v in got]
        elif key != "start":
            got = [_float(v) for v in got]
        got = [v for v in got if v is not None]
        top[key] = _PICK.get(key, max)(got) if got else None
    if top["start"] is not None:
        top["start"] = str(top["start"])
    return ContractFigures(contract, **top, records=len(evidence))


def record_evidence_keys() -> list[str]:
    """The node keys holding the evidence of a contract's records' figures
    (``record_K_evidence`` for each ``gk:recordFigure`` key K)."""
    from graphkit.model import record_key, schema

    return [record_key(k)[1] for k in sorted(schema().record_figures.values())]


def _float(v) -> float | None:
    try:
        return None if isinstance(v, bool) else float(v)
    except (TypeError, ValueError):
        return None


def _int(v) -> int | None:
    try:
        return None if isinstance(v, bool) else int(str(v)[:4])
    except (TypeError, ValueError):
        return None


def contract_figures(dataset) -> dict[str, ContractFigures]:
    """:class:`ContractFigures` of every contract of a loaded dataset, by short id."""
    from graphkit.model import short_id

    props = " ".join(f"<{p}>" for p in _FIGURE)
    q = f"""SELECT ?k ?f ?p ?v (MIN(STR(?e)) AS ?ev) WHERE {{ ?k a <{GK}Contract> .
        ?f <{GK}recordOf>? ?k . VALUES ?p {{ {props} }} ?f ?p ?v
        OPTIONAL {{ ?f <http://www.w3.org/ns/prov#wasDerivedFrom> ?e }} }} GROUP BY ?k ?f ?p ?v"""
    values: dict[str, dict[str, list]] = {}
    records: dict[str, set[str]] = {}
    for r in dataset.query(q):
        k, key, raw = r["k"].value, _FIGURE[r["p"].value], r["v"].value
        try:
            v = raw if key == "start" else int(raw) if key == "fiscal_year" else float(raw)
        except ValueError:
            continue  # an ill-typed figure (validation reports it)
        if r["f"] != r["k"]:  # a record: counted by its (first) evidence, as on the node
            records.setdefault(k, set()).add(r["ev"].value if r["ev"] else r["f"].value)
        values.setdefault(k, {}).setdefault(key, []).append(v)
    for r in dataset.query(f"SELECT ?k WHERE {{ ?k a <{GK}Contract> }}"):
        values.setdefault(r["k"].value, {})
    out = {}
    for k, got in values.items():
        top = {n: max(got[n]) if n in got else None for n in _FIGURE.values()}
        for n, pick in _PICK.items():
            top[n] = pick(got[n]) if n in got else None
        out[short_id(k)] = ContractFigures(short_id(k), **top, records=len(records.get(k, ())))
    return out
