"""Import commands (``graphkit import usaspending|atlas|csv``) and ``graphkit resolve``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from graphkit.cli.common import BundledOpt, DataOpt, FormatOpt, app, command
from graphkit.output import Format, emit

import_app = typer.Typer(
    help="Import a CSV file into Turtle files under imports/ (then use --data imports/).",
    no_args_is_help=True,
)
app.add_typer(import_app, name="import")

FileArg = Annotated[Path, typer.Argument(help="The CSV file to import.")]
OutOpt = Annotated[Path, typer.Option("--out", "-o", help="Folder of the Turtle files written.")]
SkipOpt = Annotated[
    bool,
    typer.Option("--skip-bad", help="Skip bad rows (listed) instead of failing the import."),
]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="List every warning.")]
ResOpt = Annotated[
    Path | None,
    typer.Option(help="Reviewer decisions to apply (default: data/resolutions.ttl)."),
]
RefOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--data", "-d", help="Extra curated RDF file or folder to resolve entities against."
    ),
]


def _run(path: Path, mapping, out, skip_bad, verbose, data, bundled, resolutions) -> None:
    from graphkit.importers import import_csv
    from graphkit.progress import wanted
    from graphkit.resolve import Resolver, resolutions_file
    from graphkit.sources import curated_files
    from graphkit.store import rdf_files

    curated = (curated_files() if bundled else []) + rdf_files(list(data or []))
    resolver = Resolver(curated, [out / "entities.ttl"], resolutions or resolutions_file())
    result = import_csv(
        path,
        mapping,
        out_dir=out,
        skip_bad=skip_bad,
        resolver=resolver,
        progress=wanted(),
        curated=list(data or []),
        bundled=bundled,
        log=lambda m: typer.echo(m, err=True),
        verbose=verbose,
    )
    for msg in result.skipped:
        typer.echo(f"skipped: {msg}", err=True)
    counts = ", ".join(f"{v} {k}" for k, v in sorted(result.counts.items()))
    typer.echo(
        f"{result.imported} of {result.rows} rows imported"
        + (f" ({len(result.skipped)} bad rows skipped)" if result.skipped else "")
        + f": {counts}.\nWrote {result.out} and {result.entities_file}; "
        f"use --data {out}/ to load them."
    )


@command(on=import_app, short_help="USAspending.gov contract downloads (prime awards, subawards).")
def usaspending(
    file: FileArg,
    out: OutOpt = Path("imports"),
    skip_bad: SkipOpt = False,
    verbose: VerboseOpt = False,
    data: RefOpt = None,
    bundled: BundledOpt = True,
    resolutions: ResOpt = None,
) -> None:
    """USAspending.gov contract downloads: prime award summaries or subawards (detected)."""
    from graphkit.importers.usaspending import mapping_for

    _run(file, mapping_for(file), out, skip_bad, verbose, data, bundled, resolutions)


@command(on=import_app)
def atlas(
    file: FileArg,
    out: OutOpt = Path("imports"),
    skip_bad: SkipOpt = False,
    verbose: VerboseOpt = False,
    data: RefOpt = None,
    bundled: BundledOpt = True,
    resolutions: ResOpt = None,
) -> None:
    """An EFF Atlas of Surveillance export."""
    from graphkit.importers.atlas import mapping_for

    _run(file, mapping_for(file), out, skip_bad, verbose, data, bundled, resolutions)


@command(on=import_app, short_help="Any CSV file, with a YAML mapping (docs/mapping.md).")
def csv(
    file: FileArg,
    mapping: Annotated[
        Path, typer.Option("--mapping", "-m", help="YAML mapping (see docs/mapping.md).")
    ],
    out: OutOpt = Path("imports"),
    skip_bad: SkipOpt = False,
    verbose: VerboseOpt = False,
    data: RefOpt = None,
    bundled: BundledOpt = True,
    resolutions: ResOpt = None,
) -> None:
    """Any CSV file, with a declarative YAML mapping of columns to entities, claims, evidence."""
    from graphkit.importers.mapping import Mapping

    _run(file, Mapping.load(mapping), out, skip_bad, verbose, data, bundled, resolutions)


@command()
def resolve(
    same: Annotated[
        tuple[str, str] | None,
        typer.Option("--same", metavar="A B", help="Record that A and B are the same entity."),
    ] = None,
    not_same: Annotated[
        tuple[str, str] | None,
        typer.Option("--not-same", metavar="A B", help="Record that A and B are different."),
    ] = None,
    min_score: Annotated[float, typer.Option(help="Lowest score listed (0-100).")] = 85,
    limit: Annotated[int, typer.Option(help="At most this many pairs.", min=1)] = 100,
    resolutions: Annotated[
        Path | None,
        typer.Option(help="Decisions file (default: data/resolutions.ttl)."),
    ] = None,
    fmt: FormatOpt = Format.table,
    data: DataOpt = None,
    bundled: BundledOpt = True,
) -> None:
    """List likely duplicate entities with a score and the reason, or record a decision."""
    from graphkit.resolve import duplicates, record_decision, resolutions_file
    from graphkit.sources import curated_files
    from graphkit.store import input_files

    path = resolutions or resolutions_file()
    files = [f for f in input_files(data or (), bundled=bundled) if "ontology" not in f.parts]
    curated = curated_files() if bundled else []
    if same and not_same:
        raise typer.BadParameter("use --same or --not-same, not both")
    pair = same or not_same
    if pair:
        a, b = (_entity(x, files) for x in pair)
        cur = _declared(curated)
        typer.echo(record_decision(a, b, bool(same), path, curated=cur) + f" ({path})")
        return
    rows = duplicates(files, resolutions=path, min_score=min_score, curated=curated)[:limit]
    emit(rows, fmt, columns=["score", "a", "a_name", "b", "b_name", "reason"])


def _declared(files: list[Path]) -> set[str]:
    from graphkit.resolve import read_records

    return set(read_records(files, "curated")[0])


def _entity(text: str, files: list[Path]) -> str:
    """An id (``org/acme`` or a full IRI), or a name or alias known in ``files``, found by the
    one entity lookup (:class:`graphkit.lookup.NameIndex`). A decision is recorded only on an
    id or a name equal to the text (after normalisation); a looser match is offered as a
    suggestion."""
    from graphkit.errors import EntityNotFound
    from graphkit.lookup import Entry, NameIndex
    from graphkit.model import full_iri, short_id
    from graphkit.resolve import read_records

    recs, _ = read_records(files, "any")
    index = NameIndex(
        [
            Entry(short_id(i), r.name or short_id(i), tuple(sorted(r.aliases)))
            for i, r in sorted(recs.items())
        ]
    )
    m = index.resolve(text)  # AmbiguousEntity / EntityNotFound as they are
    if m.how not in ("id", "exact", "normalised"):
        raise EntityNotFound(text, [f"{m.id} ({m.name})"])
    return full_iri(m.id)
