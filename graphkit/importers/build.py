"""Build the bundled source datasets (``data/sources/``) from the shared CSV files.

Each source of ``importers/sources.yaml`` is imported with its built-in mapping into
``<out>/<name>.ttl``; organisations and products go to ``<out>/entities.ttl``. Sources are built in
the manifest's order, each resolving onto the curated data and the sources built before it, so the
output depends only on the input files, the mappings, the ontology and the curated data: two
builds are byte-identical. Each file describes itself as a ``dcat:Dataset`` (DCAT + VoID, see
``ontology/sources.ttl``).
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from graphkit.errors import DataError
from graphkit.importers import ENTITIES, ImportResult, builtin, import_csv
from graphkit.importers.turtle import TYPE, TripleSet, iri, literal
from graphkit.model import DCTERMS, GK, PROV, XSD, data_dir, project_root
from graphkit.resolve import Resolver, add_to_store, curated_store, resolutions_file
from graphkit.sources import SOURCE_NS, curated_files

MANIFEST = Path(__file__).parent / "sources.yaml"
DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"
SPDX = "http://spdx.org/rdf/terms#"
PAV = "http://purl.org/pav/"

__all__ = ["Source", "build", "curated_files", "default_input", "manifest", "sources_dir"]


@dataclass(frozen=True)
class Source:
    """One entry of ``sources.yaml``."""

    name: str
    title: str
    file: str
    mapping: str
    creator: str
    repository: str
    path: str
    commit: str
    rights: str
    retrieved: str
    license: str = ""

    @property
    def iri(self) -> str:
        return SOURCE_NS + self.name


def manifest() -> list[Source]:
    """The bundled sources, in build order."""
    return [
        Source(**{k: str(v) for k, v in e.items()}) for e in yaml.safe_load(MANIFEST.read_text())
    ]


def sources_dir() -> Path:
    """``data/sources/``: the built source datasets."""
    return data_dir() / "sources"


def default_input() -> Path:
    """The shared data folder: ``$GRAPHKIT_SHARED_DATA``, else ``../shared/data`` beside the
    project, else ``/work/shared/data``."""
    import os

    if os.environ.get("GRAPHKIT_SHARED_DATA"):
        return Path(os.environ["GRAPHKIT_SHARED_DATA"])
    for p in (project_root().parent / "shared" / "data", Path("/work/shared/data")):
        if p.is_dir():
            return p
    return project_root().parent / "shared" / "data"


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _describe(
    src: Source, description: str, digest: str, declared: dict[str, str], typed: set[str]
):
    """A ``describe`` callback for :func:`import_csv`: the DCAT/VoID description of the file.

    ``declared`` maps the ids that earlier sources declare to the source; a file that refers to
    one (a contract record, more evidence on a claim) ``dcterms:requires`` that source. The
    subjects the file gives a type (its declarations, the description's own) go to ``typed``."""

    def add(result: ImportResult, ts: TripleSet) -> None:
        ds, ck = iri(src.iri), iri(src.iri + "/sha256")
        used = set()
        for s, props in ts.data.items():
            if TYPE not in props and s in declared:
                used.add(declared[s])
            for objs in props.values():
                used.update(
                    declared[o] for o in objs if o in declared and TYPE not in ts.data.get(o, {})
                )
        for name in sorted(used):
            ts.add(ds, iri(DCTERMS + "requires"), iri(SOURCE_NS + name))
        claims = sum(1 for s in ts.subjects() if iri(GK + "Claim") in ts.values(s, TYPE))
        desc = [
            (ds, TYPE, iri(DCAT + "Dataset")),
            (ds, TYPE, iri(VOID + "Dataset")),
            (ds, iri(DCTERMS + "title"), literal(src.title)),
            (ds, iri(DCTERMS + "description"), literal(description)),
            (ds, iri(DCTERMS + "creator"), literal(src.creator)),
            (ds, iri(DCTERMS + "source"), iri(src.repository)),
            (ds, iri(GK + "sourcePath"), literal(src.path)),
            (ds, iri(GK + "sourceCommit"), literal(src.commit)),
            (ds, iri(GK + "inputFile"), literal(src.file)),
            (ds, iri(DCTERMS + "rights"), literal(src.rights)),
            (ds, iri(PAV + "retrievedOn"), literal(src.retrieved, XSD + "date")),
            (ds, iri(SPDX + "checksum"), ck),
            (ck, TYPE, iri(SPDX + "Checksum")),
            (ck, iri(SPDX + "algorithm"), iri(SPDX + "checksumAlgorithm_sha256")),
            (ck, iri(SPDX + "checksumValue"), literal(digest)),
            (ds, iri(GK + "rowsRead"), literal(str(result.rows), XSD + "integer")),
            (ds, iri(GK + "rowsImported"), literal(str(result.imported), XSD + "integer")),
            (ds, iri(GK + "claims"), literal(str(claims), XSD + "integer")),
            (ds, iri(PROV + "wasGeneratedBy"), literal("scripts/build-data")),
        ]
        if src.license:
            desc.append((ds, iri(DCTERMS + "license"), iri(src.license)))
        for t in desc:
            ts.add(*t)
        ts.add(ds, iri(VOID + "triples"), literal(str(len(ts) + 1), XSD + "integer"))
        typed.update(s for s, props in ts.data.items() if TYPE in props)

    return add


def _header(src: Source, result_rows: str = "") -> str:
    lic = f"Licence: {src.license}\n" if src.license else ""
    return (
        f"{src.title}.\n"
        f"Built by scripts/build-data from {src.file} ({src.repository}, {src.path},\n"
        f"commit {src.commit}, retrieved {src.retrieved}) with the {src.mapping!r} mapping.\n"
        f"{lic}Rights: {src.rights}\n"
        "Generated file: edit the mapping or the manifest and rebuild instead of editing it."
    )


def build(
    out_dir: Path | None = None,
    input_dir: Path | None = None,
    *,
    log=None,
    progress: bool = False,
) -> dict[str, ImportResult]:
    """Build every source into ``out_dir`` (default ``data/sources/``), replacing what is there
    only once all were built. Raises :class:`DataError` when an input file is missing or bad."""
    out_dir = Path(out_dir) if out_dir else sources_dir()
    input_dir = Path(input_dir) if input_dir else default_input()
    sources = manifest()
    missing = [s.file for s in sources if not (input_dir / s.file).is_file()]
    if missing:
        raise DataError(f"{input_dir}: missing input file(s): {', '.join(missing)}")
    results: dict[str, ImportResult] = {}
    with tempfile.TemporaryDirectory(prefix=".build-", dir=out_dir.parent) as tmp:
        work = Path(tmp) / "sources"
        work.mkdir()
        # the curated data and each source built so far, parsed once: the resolver of each
        # source reads this store (what it would have loaded from those files, in that order)
        store = curated_store(curated_files())
        declared: dict[str, str] = {}  # Turtle term of an id -> the source declaring it
        for src in sources:
            path = input_dir / src.file
            resolver = Resolver(
                imported=[work / ENTITIES], resolutions=resolutions_file(), store=store
            )
            typed: set[str] = set()
            mapping = builtin(src.mapping)
            result = import_csv(
                path,
                mapping,
                out_dir=work,
                resolver=resolver,
                output=f"{src.name}.ttl",
                comment=_header(src),
                describe=_describe(src, mapping.spec["description"], sha256(path), declared, typed),
                log=log,
                progress=progress,
            )
            results[src.name] = result
            add_to_store(store, result.out)
            for s in sorted(typed):
                declared.setdefault(s, src.name)
        _replace(work, out_dir)
    return results


def _replace(new: Path, out_dir: Path) -> None:
    """Move the built folder over ``out_dir`` (its previous Turtle files are removed)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.ttl"):
        old.unlink()
    for f in sorted(new.glob("*.ttl")):
        shutil.move(str(f), out_dir / f.name)
