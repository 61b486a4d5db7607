"""The RDF dataset: ontology + curated data + user files, in one pyoxigraph store.

Each input file is loaded into a named graph named after the file, so every statement can be
traced to the file it came from. Direct triples (``subject predicate object``) are derived from
claims into the graph :data:`DERIVED`, so plain SPARQL property paths work.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from graphkit.errors import DataError
from graphkit.model import GK, RDF, TAXONOMY, data_dir, ontology_files

DERIVED = GK + "derived"

#: File suffix -> pyoxigraph format name.
RDF_SUFFIXES = {
    ".ttl": "TURTLE",
    ".nt": "N_TRIPLES",
    ".nq": "N_QUADS",
    ".trig": "TRIG",
    ".jsonld": "JSON_LD",
    ".rdf": "RDF_XML",
    ".owl": "RDF_XML",
    ".n3": "N3",
}


def rdf_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand files and folders (recursively) into the RDF files they hold, in a stable order."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.suffix.lower() in RDF_SUFFIXES))
        elif p.is_file():
            if p.suffix.lower() not in RDF_SUFFIXES:
                raise DataError(f"{p}: not an RDF file (expected one of {', '.join(RDF_SUFFIXES)})")
            out.append(p)
        else:
            raise DataError(f"{p}: no such file or folder")
    return out


def input_files(
    data: Iterable[str | Path] = (),
    *,
    bundled: bool = True,
    sources: Iterable[str] | None = None,
) -> list[Path]:
    """Ontology files, then the bundled ``data/`` (unless ``bundled=False``), then ``data``.

    ``sources`` chooses the bundled source datasets (``data/sources/<name>.ttl``, see
    :func:`graphkit.sources.select`): ``None`` loads all, ``[]`` or ``["none"]`` only the
    curated data; ``"curated"`` in the list keeps the curated files, which load by default."""
    files = list(ontology_files())
    if bundled:
        if sources is None:
            files += rdf_files([data_dir()])
        else:
            from graphkit.sources import select

            files += select(sources)
    files += rdf_files(data)
    seen: set[Path] = set()
    return [f for f in files if not (f.resolve() in seen or seen.add(f.resolve()))]


def fingerprint(files: Iterable[Path]) -> str:
    """Changes whenever a file is added, removed, edited or touched."""
    h = hashlib.sha256()
    for f in files:
        st = f.stat()
        h.update(f"{f.resolve()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:24]


@dataclass
class Dataset:
    """An RDF dataset held in a pyoxigraph store, one named graph per input file."""

    store: object
    files: list[Path] = field(default_factory=list)

    @classmethod
    def load(
        cls,
        data: Iterable[str | Path] = (),
        *,
        bundled: bool = True,
        files: list[Path] | None = None,
        progress: bool = False,
    ) -> Dataset:
        """Parse every input file into a new store. On any error nothing is returned.

        Raises :class:`DataError` naming the file (and line) of a syntax error.
        """
        import pyoxigraph as ox

        files = files if files is not None else input_files(data, bundled=bundled)
        store = ox.Store()
        for path in _progress(files, progress, "Parsing"):
            fmt = getattr(ox.RdfFormat, RDF_SUFFIXES[path.suffix.lower()])
            graph = ox.NamedNode(path.resolve().as_uri())
            try:
                quads = fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG)
                store.bulk_load(
                    path=str(path), format=fmt, **({} if quads else {"to_graph": graph})
                )
            except SyntaxError as e:
                raise DataError(_syntax_message(path, e), path=path, line=e.lineno) from None
            except (OSError, ValueError) as e:
                raise DataError(f"{path}: {e}", path=path) from None
        ds = cls(store=store, files=list(files))
        ds.derive()
        return ds

    def derive(self) -> None:
        """Assert ``s p o`` (and ``s q o`` for every super-property ``q`` of ``p`` up to
        ``gk:relationship``, e.g. ``gk:flowsTo``) for every claim whose status is not negated."""
        from graphkit.model import ontology

        onto = ontology()
        pairs = " ".join(
            f"(<{p}> <{q}>)" for p in onto.rel_types for q in (p, *onto.super_properties.get(p, ()))
        )
        negated = " ".join(
            f"<{TAXONOMY}status/{s.notation}>" for s in onto.statuses.values() if s.negated
        )
        self.store.update(
            f"""PREFIX rdf: <{RDF}> PREFIX gk: <{GK}>
            DROP SILENT GRAPH <{DERIVED}> ;
            INSERT {{ GRAPH <{DERIVED}> {{ ?s ?q ?o }} }} WHERE {{
                VALUES (?p ?q) {{ {pairs} }}
                GRAPH ?g1 {{ ?c rdf:subject ?s }} GRAPH ?g2 {{ ?c rdf:predicate ?p }}
                GRAPH ?g3 {{ ?c rdf:object ?o }}
                FILTER NOT EXISTS {{ GRAPH ?g4 {{ ?c gk:status ?st }} VALUES ?st {{ {negated} }} }}
            }}"""
        )

    def query(self, sparql: str, **kwargs):
        """SPARQL over the union of all graphs (pyoxigraph results)."""
        from graphkit.model import PREFIXES

        kwargs.setdefault("prefixes", PREFIXES)
        return self.store.query(sparql, use_default_graph_as_union=True, **kwargs)

    def __len__(self) -> int:
        return len(self.store)

    def file_of(self, iri: str) -> Path | None:
        """The input file that declares ``iri`` (has its ``rdf:type``), else first mentions it."""
        import pyoxigraph as ox

        node = ox.NamedNode(iri)
        for pred in (ox.NamedNode(RDF + "type"), None):
            for q in self.store.quads_for_pattern(node, pred, None, None):
                if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.startswith(
                    "file:"
                ):
                    return _path_of(q.graph_name.value)
        return None

    def to_rdflib(self, *, include_derived: bool = True):
        """The union graph as an ``rdflib.Graph`` (for pySHACL and rdflib's serializers)."""
        import pyoxigraph as ox
        import rdflib

        g = rdflib.Graph()
        data = ox.serialize(self._union(include_derived), format=ox.RdfFormat.N_TRIPLES)
        g.parse(data=data, format="nt")
        return g

    def _union(self, include_derived: bool = True) -> list:
        import pyoxigraph as ox

        derived = ox.NamedNode(DERIVED)
        return list({q.triple for q in self.store if include_derived or q.graph_name != derived})

    def serialize(self, fmt: str, *, include_derived: bool = False) -> bytes:
        """Serialize the union graph: ``ttl``, ``nt`` or ``jsonld``."""
        import pyoxigraph as ox

        from graphkit.model import PREFIXES

        triples = sorted(self._union(include_derived), key=str)
        if fmt == "ttl":
            return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
        if fmt == "nt":
            return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        if fmt == "jsonld":
            import rdflib

            g = rdflib.Graph()
            g.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
            for p, ns in PREFIXES.items():
                g.bind(p, ns)
            return g.serialize(format="json-ld", auto_compact=True).encode()
        raise ValueError(f"unknown RDF format {fmt!r}")


def _path_of(uri: str) -> Path:
    from urllib.parse import unquote, urlparse

    return Path(unquote(urlparse(uri).path))


def _syntax_message(path: Path, e: SyntaxError) -> str:
    msg = str(e.msg if hasattr(e, "msg") else e)
    msg = msg.split(": ", 1)[1] if msg.startswith("Parser error") and ": " in msg else msg
    where = f"{path}:{e.lineno}" + (f":{e.offset}" if e.offset else "") if e.lineno else str(path)
    return f"{where}: syntax error: {msg}"


def _progress(items: list, enabled: bool, label: str):
    if not enabled or len(items) < 2:
        yield from items
        return
    from rich.progress import track

    yield from track(items, description=label, transient=True)
