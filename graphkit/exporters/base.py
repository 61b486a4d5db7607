"""The exporter contract and registry."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from graphkit.errors import GraphkitError


class ExportError(GraphkitError):
    """An export that cannot be written (unknown format, missing folder, wrong source ...)."""


@dataclass
class Written:
    """What an exporter wrote: the files; ``note`` (e.g. a command to run next) goes to
    stdout and ``hint`` (what the note is) to stderr."""

    files: list[Path] = field(default_factory=list)
    note: str | None = None
    hint: str | None = None


class Exporter:
    """One export format. Subclasses set the class attributes and implement :meth:`chunks`
    (file formats) or override :meth:`write` (folder formats).

    ``source`` is a :class:`graphkit.graph.Graph` or a
    :class:`graphkit.projection.PropertyGraph` (RDF formats need a Graph: they serialize its
    dataset).
    """

    name: ClassVar[str]
    suffix: ClassVar[str]  # ".ttl"; "" for folder formats
    media_type: ClassVar[str]
    description: ClassVar[str]
    writes_folder: ClassVar[bool] = False

    def chunks(self, source) -> Iterable[bytes]:
        """The file's bytes, in pieces."""
        raise NotImplementedError

    def serialize(self, source) -> bytes:
        if self.writes_folder:
            raise ExportError(f"{self.name} writes a folder: give one, e.g. `-o out/`")
        return b"".join(self.chunks(source))

    def write(self, source, dest: Path) -> Written:
        """Write to ``dest`` atomically (a temporary file in the same folder, then renamed)."""
        dest = Path(dest)
        if dest.is_dir():
            raise ExportError(f"{dest} is a folder; {self.name} writes one file")
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", dir=dest.parent or ".")
        except OSError as e:
            raise ExportError(f"{dest}: cannot write ({e.strerror})") from None
        try:
            with os.fdopen(fd, "wb") as fh:
                for chunk in self.chunks(source):
                    fh.write(chunk)
            os.chmod(tmp, 0o666 & ~_umask())
            os.replace(tmp, dest)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return Written([dest])


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: Format name -> exporter, in the order the CLI lists them.
EXPORTERS: dict[str, Exporter] = {}


def register(cls: type[Exporter]) -> type[Exporter]:
    """Class decorator: add an exporter to :data:`EXPORTERS`."""
    EXPORTERS[cls.name] = cls()
    return cls


def get(name: str) -> Exporter:
    try:
        return EXPORTERS[name]
    except KeyError:
        raise ExportError(
            f"unknown export format {name!r}; choose one of {', '.join(EXPORTERS)}"
        ) from None


def for_path(path: Path) -> Exporter | None:
    """The exporter whose suffix ``path`` has (``None`` if no file format matches)."""
    suffix = Path(path).suffix.lower()
    return next((e for e in EXPORTERS.values() if e.suffix and e.suffix == suffix), None)


def export(graph, fmt: str, dest: str | Path | None = None) -> bytes | list[Path]:
    """Export ``graph`` as ``fmt``: the bytes when ``dest`` is ``None``, else write ``dest``
    (a file, or a folder for folder formats) and return the files written."""
    exporter = get(fmt)
    if dest is None:
        return exporter.serialize(graph)
    return exporter.write(graph, Path(dest)).files


# -- sources -------------------------------------------------------------------------------------


def projection(source):
    """The :class:`graphkit.projection.PropertyGraph` of a Graph or PropertyGraph."""
    from graphkit.projection import PropertyGraph

    if isinstance(source, PropertyGraph):
        return source
    pg = getattr(source, "pg", None)
    if isinstance(pg, PropertyGraph):
        return pg
    return PropertyGraph.from_networkx(source.G)


def edges_with_keys(pg) -> Iterator[tuple[str, str, str, str, dict]]:
    """``(source, target, key, TYPE, properties)``; the key is the claim id or the link id."""
    for s, t, typ, d in pg.edges:
        yield s, t, d.get("claim") or d.get("link") or f"{s}|{typ}|{t}", typ, d
