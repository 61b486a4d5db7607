"""Exports for Neo4j: ``neo4j-admin database import full`` CSV files and a replayable Cypher
script (the functions live with the Neo4j backend, which owns the scheme they write)."""

from __future__ import annotations

from pathlib import Path

from graphkit.exporters.base import Exporter, ExportError, Written, projection, register


@register
class Neo4jCsv(Exporter):
    name = "neo4j-csv"
    suffix = ""
    media_type = "text/csv"
    description = "CSV files for neo4j-admin import, into a folder (prints the import command)"
    writes_folder = True

    def write(self, source, dest: Path) -> Written:
        from graphkit.backends.neo4j import export_neo4j_csv

        dest = Path(dest)
        if dest.exists() and not dest.is_dir():
            raise ExportError(f"{dest} exists and is not a folder")
        files, command = export_neo4j_csv(projection(source), dest)
        hint = "import into a stopped Neo4j (this REPLACES database neo4j) with:"
        return Written(list(files), note=command, hint=hint)


@register
class Cypher(Exporter):
    name = "cypher"
    suffix = ".cypher"
    media_type = "application/x-cypher-query"
    description = "replayable Cypher script (cypher-shell -f, graphkit cypher --write --file)"

    def chunks(self, source):
        from graphkit.backends.neo4j import export_cypher

        for line in export_cypher(projection(source)):
            yield line.encode()
