"""Importers: CSV files -> Turtle files that the loader reads (``--data imports/``).

One engine (:mod:`graphkit.importers.mapping`) runs declarative mappings; the built-in ones live in
``importers/mappings/*.yaml``. An import writes ``<out>/<source>-<file stem>.ttl`` (contracts,
claims, evidence; replaced whole on every import of that file) and merges the organisations and
products it found into ``<out>/entities.ttl`` (shared by every import in ``<out>``, so an entity
seen in two files is declared once). Both are written to a temporary file and renamed, only after
every row was read: a failed import leaves the previous files as they were.
"""

from __future__ import annotations

import csv
import functools
import gc
import operator
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ParamSpec, TypeVar

from graphkit.errors import DataError
from graphkit.importers.codegen import generate
from graphkit.importers.mapping import (
    CONFLICT,
    CompiledMapping,
    Mapping,
    MappingError,
    RowError,
    merge,
    merge_row,
)
from graphkit.importers.turtle import SEP, TripleSet, read_turtle, write_atomic
from graphkit.progress import bar
from graphkit.resolve import Resolver

MAPPINGS = Path(__file__).parent / "mappings"
ENTITIES = "entities.ttl"
CHUNK = 4096  # rows rendered column-wise at a time

__all__ = ["ImportResult", "MappingError", "builtin", "builtin_names", "import_csv", "import_file"]


def builtin(name: str) -> Mapping:
    """A built-in mapping by stem: ``usaspending-prime``, ``usaspending-subawards``, ``atlas``."""
    return Mapping.load(MAPPINGS / f"{name}.yaml")


@dataclass
class ImportResult:
    source: str
    file: Path
    out: Path
    entities_file: Path
    rows: int = 0
    imported: int = 0
    skipped: list[str] = field(default_factory=list)
    warnings: Counter = field(default_factory=Counter)
    counts: Counter = field(default_factory=Counter)  # class label -> nodes in the output

    def summary(self) -> dict:
        return {
            "source": self.source,
            "file": str(self.file),
            "output": str(self.out),
            "entities": str(self.entities_file),
            "rows": self.rows,
            "imported": self.imported,
            "skipped": len(self.skipped),
            **{k: v for k, v in sorted(self.counts.items())},
        }


def read_header(path: Path) -> list[str]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            return next(csv.reader(fh), [])
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise DataError(f"{path}: cannot read CSV: {e}", path=path) from None


def _records(path: Path) -> Iterator[tuple[int, int, list[str]]]:
    """``(row number, first line, fields)`` per data row; row 1 follows the header."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        next(reader, None)
        line = reader.line_num + 1
        n = 0
        try:
            for rec in reader:
                n += 1
                if rec:
                    yield n, line, rec
                line = reader.line_num + 1
        except csv.Error as e:
            msg = f"{path}:{line}: row {n + 1}: malformed CSV: {e}"
            raise DataError(msg, path=path, line=line) from None
        except UnicodeDecodeError as e:
            raise DataError(f"{path}: not UTF-8 text near row {n + 1}: {e}", path=path) from None


def _chunks(rows: Iterator, size: int) -> Iterator[list]:
    """``rows`` in lists of ``size``; the rows read before a malformed line still come first
    (so a bad row before it is reported as it would be row by row)."""
    chunk: list = []
    try:
        for r in rows:
            chunk.append(r)
            if len(chunk) == size:
                yield chunk
                chunk = []
    except DataError:
        if chunk:
            yield chunk
        raise
    if chunk:
        yield chunk


_record = operator.itemgetter(2)  # the fields of a (row number, line, fields) record


def _count_lines(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))


P = ParamSpec("P")
R = TypeVar("R")


def without_gc(fn: Callable[P, R]) -> Callable[P, R]:
    """``fn`` with the cyclic garbage collector paused: an import makes millions of small
    containers and frees none, so each collection would only re-scan them (a third of the
    import's time)."""

    @functools.wraps(fn)
    def run(*args: P.args, **kw: P.kwargs) -> R:
        collect = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kw)
        finally:
            if collect:
                gc.enable()

    return run


@without_gc
def import_csv(
    path: str | Path,
    mapping: Mapping,
    *,
    out_dir: str | Path = "imports",
    resolver: Resolver | None = None,
    skip_bad: bool = False,
    progress: bool = False,
    curated: list[Path] | None = None,
    bundled: bool = True,
    log: Callable[[str], None] | None = None,
    verbose: bool = False,
    output: str | None = None,
    comment: str = "",
    describe: Callable[[ImportResult, TripleSet], None] | None = None,
    interpret: bool = False,
) -> ImportResult:
    """Import one CSV file with ``mapping``; raise :class:`DataError` on the first bad row unless
    ``skip_bad`` (then bad rows are listed in ``ImportResult.skipped``).

    ``output`` names the Turtle file written in ``out_dir`` (default ``<source>-<file stem>.ttl``);
    ``comment`` replaces its header comment; ``describe(result, triples)`` may add triples (a
    dataset description) before it is written. Rows are rendered by code generated for the
    mapping (:mod:`graphkit.importers.codegen`); ``interpret`` renders them with the mapping
    interpreter instead (the reference the generated code is tested against)."""
    path, out_dir = Path(path), Path(out_dir)
    if not path.is_file():
        raise DataError(f"{path}: no such file", path=path)
    header = read_header(path)
    compiled: CompiledMapping = mapping.compile(header)
    if resolver is None:
        resolver = Resolver.default(out_dir, curated or [], bundled=bundled)
    stem = "".join(c if c.isalnum() or c in "-_." else "-" for c in path.stem)
    out = out_dir / (output or f"{mapping.source}-{stem}.ttl")
    result = ImportResult(mapping.source, path, out, out_dir / ENTITIES)
    main, ents = TripleSet(), TripleSet()
    generated = None if interpret else generate(compiled, resolver)
    functional = compiled.functional
    warnings: Counter = Counter()

    where: list = [None, 0]  # the row's line and number

    def warn(msg: str) -> None:
        line, n = where
        if line is not None and not msg.startswith(CONFLICT):
            msg = f"{path}:{line}: row {n}: {msg}"
        warnings[msg] += 1

    rows = _records(path)
    total = max(_count_lines(path) - 1, 1) if progress else None
    try:
        with bar(f"Importing {path.name} (lines)", total, show=progress) as shown:
            for chunk in _chunks(rows, CHUNK):
                compiled.prepare(list(map(_record, chunk)))  # column-wise rendering
                fast = generated.bind() if generated is not None else None
                made, made_ents = [], []  # the chunk's imported rows' triples, in row order
                for i, (n, line, rec) in enumerate(chunk):
                    where[0], where[1] = line, n
                    try:
                        if fast is not None:
                            m, e = fast(i, rec, warn)
                        else:
                            m, e = compiled.row(rec, resolver, warn, i)
                    except RowError as err:
                        msg = f"{path}:{line}: row {n}: {err}"
                        if not skip_bad:
                            msg += " (use --skip-bad to skip bad rows)"
                            raise DataError(msg, path=path, line=line) from None
                        result.skipped.append(msg)
                        continue
                    made += m
                    if e:
                        made_ents += e
                    compiled.commit()
                    result.imported += 1
                result.rows += len(chunk)
                merge_row(main, made, functional, warn)  # rows merge in order: as row by row
                merge_row(ents, made_ents, functional, warn)
                shown.update(chunk[-1][1])
            shown.update(total or 0)
    finally:
        if generated is not None:
            generated.close()
    result.warnings = warnings
    if result.imported == 0 and result.rows:
        raise DataError(f"{path}: no row could be imported ({len(result.skipped)} bad rows)")
    entities_path = out_dir / ENTITIES
    all_ents = read_turtle(entities_path) if entities_path.is_file() else TripleSet()
    merge(all_ents, ents, compiled.functional)
    for graph in (main, ents):
        for props in graph.data.values():
            for t in props.get("a", ()):
                result.counts[t.split(":", 1)[-1]] += 1
        firsts = Counter(text.partition(SEP)[0] for text in graph.blocks.values())
        for first, k in firsts.items():  # a block's first pair is its one type
            if first.startswith("a "):
                result.counts[first.split(":", 1)[-1]] += k
    skipped = f", {len(result.skipped)} bad rows skipped" if result.skipped else ""
    head = comment or (
        f"Imported by `graphkit import` from {path.name} with the {mapping.source!r} mapping:\n"
        f"{result.imported} of {result.rows} rows{skipped}. Generated file: re-run the import"
        " instead of editing it."
    )
    if describe is not None:
        main.unpack()
        describe(result, main)
    ents_head = (
        f"Organisations and products found by `graphkit import` in the files of {out_dir.name}/;\n"
        "merged on every import (first name kept, other spellings as skos:altLabel)."
    )
    write_atomic(entities_path, all_ents.turtle(ents_head))  # only ever grows: safe first
    write_atomic(out, main.turtle(head))
    if log:
        conflicts = sum(k for msg, k in warnings.items() if msg.startswith(CONFLICT))
        for msg, k in sorted(warnings.items()):
            if verbose or not msg.startswith(CONFLICT):
                log(f"warning: {msg}" + (f" ({k} rows)" if k > 1 else ""))
        if conflicts and not verbose:
            log(
                f"note: in {conflicts} rows a single-valued property (an address, a date) had"
                " another value than in an earlier row; the first was kept (--verbose lists them)"
            )
    return result


def detect(path: Path, names: list[str]) -> Mapping:
    """The built-in mapping among ``names`` whose detect columns are all in the header (the
    one with the most such columns when several are)."""
    header = read_header(path)
    found = [m for m in map(builtin, names) if m.matches(header)]
    if found:
        return max(found, key=lambda m: len(m.spec.get("detect", [])))
    wanted = "; ".join(f"{n}: {', '.join(builtin(n).spec.get('detect', []))}" for n in names)
    raise DataError(f"{path}: header does not look like any of: {wanted}", path=path)


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr)


def builtin_names() -> list[str]:
    """Stems of the built-in mappings (``usaspending-prime``, ``atlas``, ...)."""
    return sorted(p.stem for p in MAPPINGS.glob("*.yaml"))


def import_file(
    path: str | Path,
    source: str | None = None,
    mapping: Mapping | str | Path | None = None,
    out_dir: str | Path = "imports",
    **kw,
) -> ImportResult:
    """Import one CSV file into Turtle files under ``out_dir`` (the Python form of
    ``graphkit import``).

    ``mapping`` is a :class:`Mapping` or the path of a YAML mapping; else ``source`` names a
    built-in mapping (``usaspending-prime``) or a family of them (``usaspending``: the one whose
    detect columns the header has); else every built-in mapping is tried. Other keywords as
    :func:`import_csv`. Raises :class:`DataError` (a :class:`graphkit.GraphkitError`)."""
    path = Path(path)
    if mapping is not None:
        m = mapping if isinstance(mapping, Mapping) else Mapping.load(mapping)
    else:
        names = builtin_names()
        if source is not None:
            names = [n for n in names if n == source or n.startswith(f"{source}-")]
            if not names:
                known = sorted({n.split("-")[0] for n in builtin_names()} | set(builtin_names()))
                raise DataError(f"unknown source {source!r} (one of {', '.join(known)})")
        if not path.is_file():
            raise DataError(f"{path}: no such file", path=path)
        m = detect(path, names)
    return import_csv(path, m, out_dir=out_dir, **kw)
