"""The RDF dataset: ontology + curated data + user files, in one pyoxigraph store.

Each input file is loaded into a named graph named after the file, so every statement can be
traced to the file it came from (the named graphs of a TriG, N-Quads or JSON-LD file keep their
own names). Direct triples (``subject predicate object``) are derived from claims into the
graph :data:`DERIVED`, so plain SPARQL property paths work. Formats come from
:mod:`graphkit.formats`; RDF/XML entity expansion is bounded (:func:`check_entities`).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from graphkit.errors import DataError
from graphkit.formats import FORMATS, by_name, by_suffix
from graphkit.model import GK, RDF, data_dir, ontology_files
from graphkit.progress import track

if TYPE_CHECKING:
    import pyoxigraph as ox

DERIVED = GK + "derived"

#: File suffix -> pyoxigraph format name (derived from :data:`graphkit.formats.FORMATS`).
RDF_SUFFIXES = {s: f.oxigraph for f in FORMATS for s in f.suffixes}

#: Most characters one RDF/XML entity may expand to, and all of a file's entity references.
MAX_ENTITY_CHARS = 1_000_000
MAX_EXPANSION_CHARS = 16_000_000


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
    :func:`graphkit.sources.select`): ``None`` loads all (or those named in the environment
    variable ``GRAPHKIT_SOURCES``), ``[]`` or ``["none"]`` only the curated data; ``"curated"``
    in the list keeps the curated files, which load by default."""
    files = list(ontology_files())
    if sources is None and os.environ.get("GRAPHKIT_SOURCES"):
        sources = [s.strip() for s in os.environ["GRAPHKIT_SOURCES"].split(",") if s.strip()]
    if bundled:
        if sources is None:
            files += rdf_files([data_dir()])
        else:
            from graphkit.sources import select

            files += select(sources)
    files += rdf_files(data)
    seen: set[Path] = set()
    out: list[Path] = []
    for f in files:
        if f.resolve() not in seen:
            seen.add(f.resolve())
            out.append(f)
    return out


def bundled_digest(files: Iterable[Path]) -> str | None:
    """sha256 over the content of ``files`` when every one is a bundled file (ontology/, data/),
    else ``None``: the key of the validation stamp ``data/validated.sha256``."""
    from graphkit.model import project_root

    root = project_root().resolve()
    h = hashlib.sha256()
    for f in sorted(Path(x).resolve() for x in files):
        try:
            rel = f.relative_to(root)
        except ValueError:
            return None
        if rel.parts[0] not in ("ontology", "data"):
            return None
        h.update(str(rel).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def validation_stamp() -> Path:
    """Where ``scripts/build-data`` records the digest of the bundled files it validated."""
    return data_dir() / "validated.sha256"


def trusted(files: Iterable[Path]) -> bool:
    """True when ``files`` are bundled files whose content was validated as a whole
    (the stamp matches): loading them need not run SHACL again."""
    stamp = validation_stamp()
    digest = bundled_digest(files)
    try:
        return digest is not None and stamp.read_text().split()[0] == digest
    except (OSError, IndexError):
        return False


@dataclass
class Dataset:
    """An RDF dataset held in a pyoxigraph store, one named graph per input file."""

    store: ox.Store
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
        for path in track(files, "Parsing", show=progress):
            fmt = by_suffix(path.suffix)
            if fmt is None:
                raise DataError(
                    f"{path}: not an RDF file (expected one of {', '.join(RDF_SUFFIXES)})"
                )
            graph = ox.NamedNode(path.resolve().as_uri())
            try:
                if fmt.oxigraph == "RDF_XML":
                    check_entities(path)
                # A file's triples (a TriG or N-Quads file's default graph too) go into the
                # file's graph, so they are checked like Turtle's; named graphs keep their names.
                store.bulk_load(path=str(path), format=fmt.ox(), to_graph=graph)
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
        negated = " ".join(f"<{s.iri}>" for s in onto.statuses.values() if s.negated)
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

    def without(self, subjects: set[str]) -> Dataset:
        """A copy without the statements about ``subjects`` (e.g. claims left out for a date),
        its direct triples derived again."""
        import pyoxigraph as ox

        store = ox.Store()
        store.extend(
            q
            for q in self.store
            if not (isinstance(q.subject, ox.NamedNode) and q.subject.value in subjects)
        )
        ds = Dataset(store=store, files=list(self.files))
        ds.derive()
        return ds

    def query(self, sparql: str, **kwargs):
        """SPARQL (pyoxigraph results); the default graph is the union of all graphs unless
        ``kwargs`` say otherwise (see :func:`graphkit.sparql.run` for user queries)."""
        from graphkit.model import PREFIXES

        kwargs.setdefault("prefixes", PREFIXES)
        kwargs.setdefault("use_default_graph_as_union", True)
        return self.store.query(sparql, **kwargs)

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

    def serialize(self, fmt: str, *, include_derived: bool = True) -> bytes:
        """Serialize the union graph: ``ttl``, ``nt`` or ``jsonld``, with the derived direct
        triples (so queries on ``s p o`` and ``gk:flowsTo`` run on the file elsewhere)."""
        import pyoxigraph as ox

        from graphkit.model import PREFIXES

        triples = sorted(self._union(include_derived), key=str)
        if fmt == "jsonld":  # compacted with the project prefixes (rdflib's serializer)
            import rdflib

            g = rdflib.Graph()
            g.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
            for p, ns in PREFIXES.items():
                g.bind(p, ns)
            return g.serialize(format="json-ld", auto_compact=True).encode()
        if fmt not in ("ttl", "nt"):
            raise ValueError(f"unknown RDF format {fmt!r}")
        f = by_name(fmt).ox()
        if f is ox.RdfFormat.TURTLE:
            return ox.serialize(triples, format=f, prefixes=PREFIXES) or b""
        return ox.serialize(triples, format=f) or b""


_ENTITY = re.compile(
    rb"<!ENTITY\s+(%\s*)?([^\s>]+)\s+(?:\"([^\"]*)\"|'([^']*)'|(SYSTEM|PUBLIC)\b)", re.DOTALL
)
_REF = re.compile(rb"&([^\s&;#<>]+);")
_PREDEFINED = {b"amp", b"lt", b"gt", b"quot", b"apos"}


def check_entities(path: Path) -> None:
    """Refuse an RDF/XML file whose entities would expand beyond :data:`MAX_ENTITY_CHARS` each
    or :data:`MAX_EXPANSION_CHARS` in all (nested entities can turn a few hundred bytes into
    gigabytes), and external or parameter entities. Raises :class:`DataError` naming the file
    and the declaration's line; reads the file once, without expanding anything."""
    data = path.read_bytes()
    if b"<!ENTITY" not in data:
        return
    decls = list(_ENTITY.finditer(data))
    values: dict[bytes, bytes] = {}
    for m in decls:
        line = data.count(b"\n", 0, m.start()) + 1
        name = m.group(2).decode("utf-8", "replace")
        if m.group(1) or m.group(5):
            kind = "parameter" if m.group(1) else "external"
            raise DataError(
                f"{path}:{line}: {kind} entity {name!r} is refused (RDF/XML entities must be "
                "plain text declared in the file)",
                path=path,
                line=line,
            )
        values.setdefault(m.group(2), m.group(3) if m.group(3) is not None else m.group(4))
    line_of = {m.group(2): data.count(b"\n", 0, m.start()) + 1 for m in decls}
    size = _entity_sizes(values)
    for name, n in size.items():
        if n > MAX_ENTITY_CHARS:  # (sizes are capped just above the limit)
            raise DataError(
                f"{path}:{line_of[name]}: entity &{name.decode('utf-8', 'replace')}; expands to "
                f"more than the limit of {MAX_ENTITY_CHARS:,} characters (nested entities; "
                "refused to protect memory)",
                path=path,
                line=line_of[name],
            )
    body = data[decls[-1].end() :]
    total = sum(size.get(m.group(1), 0) for m in _REF.finditer(body))
    if total > MAX_EXPANSION_CHARS:
        raise DataError(
            f"{path}: entity references expand to {total:,} characters, more than the "
            f"limit of {MAX_EXPANSION_CHARS:,} (refused to protect memory)",
            path=path,
        )


def _entity_sizes(values: dict[bytes, bytes]) -> dict[bytes, int]:
    """Expanded length of each entity (capped just above the limit; cycles count as over)."""
    cap = MAX_ENTITY_CHARS + 1
    size: dict[bytes, int] = {}
    for root in values:
        stack, onstack = [root], {root}
        while stack:
            name = stack[-1]
            if name in size:
                stack.pop()
                onstack.discard(name)
                continue
            refs = [r for r in _REF.findall(values[name]) if r in values]
            todo = [r for r in refs if r not in size]
            if any(r in onstack for r in todo):  # a cycle: the parser would refuse or loop
                size[name] = cap
                continue
            if todo:
                stack.extend(todo)
                onstack.update(todo)
                continue
            own = len(_REF.sub(b"", values[name]))
            own += sum(1 for r in _REF.findall(values[name]) if r in _PREDEFINED)
            size[name] = min(cap, own + sum(size[r] for r in refs))
    return size


def _path_of(uri: str) -> Path:
    from urllib.parse import unquote, urlparse

    return Path(unquote(urlparse(uri).path))


def _syntax_message(path: Path, e: SyntaxError) -> str:
    msg = str(e.msg if hasattr(e, "msg") else e)
    msg = msg.split(": ", 1)[1] if msg.startswith("Parser error") and ": " in msg else msg
    where = f"{path}:{e.lineno}" + (f":{e.offset}" if e.offset else "") if e.lineno else str(path)
    return f"{where}: syntax error: {msg}"
