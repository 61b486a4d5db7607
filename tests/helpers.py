"""Shared test helpers (fixtures with fictional names live in tests/fixtures/)."""

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini.ttl"

PREFIXES = """@prefix gk: <https://w3id.org/graphkit/ontology#> .
@prefix ido: <https://w3id.org/graphkit/id/org/> .
@prefix idc: <https://w3id.org/graphkit/id/claim/> .
@prefix ide: <https://w3id.org/graphkit/id/evidence/> .
@prefix status: <https://w3id.org/graphkit/taxonomy/status/> .
@prefix evidence-type: <https://w3id.org/graphkit/taxonomy/evidence-type/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
"""


def write(path: Path, body: str) -> Path:
    path.write_text(PREFIXES + body, encoding="utf-8")
    return path
