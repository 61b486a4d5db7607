"""The bundled source datasets (data/sources/): reproducible build, provenance, merged facts.

Expected numbers come from the shared CSV files (read with the csv module), never typed in.
Every test here but the source selection reads the whole bundled dataset: marked ``slow``.
"""

from __future__ import annotations

import csv
import hashlib
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from graphkit.errors import DataError
from graphkit.importers.build import build, manifest, sources_dir
from graphkit.model import ID, ontology_files
from graphkit.sources import claims_per_source, curated_files, requires, select
from graphkit.store import Dataset, input_files

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path("/work/shared/data")
if not SHARED.is_dir():  # CI lays shared/ beside the clone
    SHARED = ROOT.parent / "shared" / "data"
BUILT = sources_dir()
SOURCES = {s.name: s for s in manifest()}
DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"


def _csv(name: str) -> list[dict[str, str]]:
    with open(SHARED / SOURCES[name].file, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def _graph(name: str) -> str:
    return (BUILT / f"{name}.ttl").resolve().as_uri()


@pytest.fixture
def dataset(bundled_dataset) -> Dataset:
    """Ontology, curated data and every bundled source, one named graph per file (conftest)."""
    return bundled_dataset


def _rows(ds: Dataset, q: str) -> list[list]:
    return [[t.value if t is not None else None for t in r] for r in ds.query(q)]


@pytest.mark.slow  # converts every shared CSV again (about 15 s of CPU)
def test_rebuild_is_byte_identical(tmp_path):
    """Building again from the shared files gives exactly the committed files."""
    out = tmp_path / "sources"
    build(out, SHARED)
    committed = sorted(p.name for p in BUILT.glob("*.ttl"))
    assert sorted(p.name for p in out.glob("*.ttl")) == committed
    for name in committed:
        assert (out / name).read_bytes() == (BUILT / name).read_bytes(), (
            f"data/sources/{name} differs from a fresh build: run scripts/build-data"
        )


@pytest.mark.slow  # every bundled source (parsed or projected once a session: 2-3 s of CPU)
def test_each_source_describes_itself(dataset):
    """DCAT/VoID description: upstream, commit, licence or rights, retrieval date, checksum of
    the input file, rows read (counted here with the csv module), triples of the file."""
    for name, src in SOURCES.items():
        ds = ID + "source/" + name
        g = _graph(name)
        q = f"""SELECT ?src ?commit ?sum ?rows ?triples ?retrieved ?rights WHERE {{ GRAPH <{g}> {{
            <{ds}> a <{DCAT}Dataset> ; dcterms:source ?src ; gk:sourceCommit ?commit ;
                <{SPDX}checksum> [ <{SPDX}checksumValue> ?sum ] ; gk:rowsRead ?rows ;
                <http://rdfs.org/ns/void#triples> ?triples ;
                <http://purl.org/pav/retrievedOn> ?retrieved ; dcterms:rights ?rights }} }}"""
        (row,) = _rows(dataset, q)
        assert row[0] == src.repository and row[1] == src.commit
        digest = hashlib.sha256((SHARED / src.file).read_bytes()).hexdigest()
        assert row[2] == digest
        assert int(row[3]) == len(_csv(name))
        triples = sum(
            1 for _ in ox.parse(path=str(BUILT / f"{name}.ttl"), format=ox.RdfFormat.TURTLE)
        )
        assert int(row[4]) == triples
        assert row[5] == src.retrieved and row[6]


@pytest.mark.slow  # every bundled source (parsed or projected once a session: 2-3 s of CPU)
def test_spyfiles_say_cc_by_sa(dataset):
    for name in ("spyfiles-companies", "spyfiles-documents"):
        q = f"SELECT ?l WHERE {{ <{ID}source/{name}> dcterms:license ?l }}"
        assert _rows(dataset, q) == [["https://creativecommons.org/licenses/by-sa/4.0/"]]
        head = (BUILT / f"{name}.ttl").read_text(encoding="utf-8")[:2000]
        assert "creativecommons.org/licenses/by-sa/4.0" in head


@pytest.mark.slow  # every bundled source (parsed or projected once a session: 2-3 s of CPU)
def test_minnesota_obligated_sums_per_recipient(dataset):
    """Every recipient of the Minnesota file: the obligated sum of its rows equals the SPARQL sum
    of the USAspending figures (the contracts that file declares plus its records of contracts
    declared before), grouped by the recipient as that file names it (resolved)."""
    g = _graph("usaspending-prime-mn")
    q = f"""SELECT ?key ?r ?v WHERE {{ GRAPH <{g}> {{
        {{ ?k a gk:Contract ; gk:awardKey ?key ; gk:obligatedAmount ?v ; gk:contractor ?r }}
        UNION {{ ?rec gk:recordOf ?k ; gk:awardKey ?key ; gk:obligatedAmount ?v ;
                 gk:contractor ?r }} }} }}"""
    by_key = {}
    graph_sum: dict[str, Decimal] = defaultdict(Decimal)
    for key, r, v in _rows(dataset, q):
        assert key not in by_key, f"award {key} counted twice"
        by_key[key] = r
        graph_sum[r] += Decimal(v)
    csv_sum: dict[str, Decimal] = defaultdict(Decimal)
    entity_of_uei: dict[str, set[str]] = defaultdict(set)
    rows = _csv("usaspending-prime-mn")
    for row in rows:
        entity = by_key[row["contract_award_unique_key"]]
        entity_of_uei[row["recipient_uei"]].add(entity)
        csv_sum[entity] += Decimal(row["total_obligated_amount"] or 0)
    assert len(by_key) == len({r["contract_award_unique_key"] for r in rows})
    assert all(len(e) == 1 for e in entity_of_uei.values()), "one UEI, several entities"
    assert dict(graph_sum) == dict(csv_sum)
    west = sum(
        Decimal(r["total_obligated_amount"] or 0)
        for r in rows
        if r["recipient_uei"] == "L997DB4PEJL8"
    )
    assert graph_sum[ID + "org/west-publishing"] == west


@pytest.mark.slow  # every bundled source (parsed or projected once a session: 2-3 s of CPU)
def test_both_sources_figures_side_by_side(dataset):
    """A curated award keeps Torn Apart's 2018 values and gains the 2025 USAspending values, each
    with its own evidence."""
    piid = "70CDCR18P00000017"
    freezer = next(r for r in _csv("torn-apart-freezer") if r["award_id"] == piid)
    prime = next(r for r in _csv("usaspending-prime-mn") if r["award_id_piid"] == piid)
    q = f"""SELECT ?v ?e WHERE {{ ?rec gk:recordOf idk:{piid} ; gk:currentValue ?v ;
        prov:wasDerivedFrom ?e }}"""
    found = {(Decimal(v), e) for v, e in _rows(dataset, q)}
    assert (
        Decimal(freezer["current_total_value"]),
        ID + "evidence/torn-apart-2018-freezer",
    ) in found
    award_page = ID + "evidence/usaspending-" + prime["contract_award_unique_key"]
    assert (Decimal(prime["current_total_value_of_award"]), award_page) in found


@pytest.mark.slow  # every bundled source (parsed or projected once a session: 2-3 s of CPU)
def test_same_claim_is_more_evidence_not_a_second_claim(dataset):
    """No two claims share subject, predicate, object and contracts; the curated West Publishing
    claim on 70CDCR18P00000017 cites the USAspending award page too."""
    q = """SELECT ?s ?p ?o ?ks (COUNT(?c) AS ?n) WHERE {
        { SELECT ?c ?s ?p ?o (GROUP_CONCAT(STR(?k); separator=" ") AS ?ks) WHERE {
            ?c a gk:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
            OPTIONAL { ?c gk:underContract ?k } } GROUP BY ?c ?s ?p ?o } }
        GROUP BY ?s ?p ?o ?ks HAVING (COUNT(?c) > 1)"""
    assert _rows(dataset, q) == []
    prime = next(
        r for r in _csv("usaspending-prime-mn") if r["award_id_piid"] == "70CDCR18P00000017"
    )
    q = f"""ASK {{ idc:west-publishing-supplies-ice-70CDCR18P00000017
        prov:wasDerivedFrom ide:usaspending-{prime["contract_award_unique_key"]} }}"""
    assert dataset.query(q)


@pytest.mark.slow  # every bundled source (parsed or projected once a session: 2-3 s of CPU)
def test_award_parents_become_reported_owns_claims(dataset):
    """Each parent recorded on a Minnesota award (other than the recipient itself) owns the
    recipient in a reported claim whose evidence is the award record."""
    rows = _csv("usaspending-prime-mn")
    q = """SELECT ?e WHERE { ?c a gk:Claim ; rdf:predicate gk:owns ; gk:status status:reported ;
        prov:wasDerivedFrom ?e }"""
    cited = {e for (e,) in _rows(dataset, q)}
    with_parent = [
        r
        for r in rows
        if r["recipient_parent_name"] and r["recipient_parent_uei"] != r["recipient_uei"]
    ]
    assert with_parent
    pages = {ID + "evidence/usaspending-" + r["contract_award_unique_key"] for r in with_parent}
    assert pages <= cited


@pytest.mark.slow  # every bundled source (parsed or projected once a session: 2-3 s of CPU)
def test_thomson_reuters_reaches_ice_through_west_and_trss(bundled_graph):
    res = bundled_graph.path("Thomson Reuters", "ICE")
    via = {n for p in res.paths for n in p}
    assert "org/west-publishing" in via
    assert "org/thomson-reuters-special-services" in via


@pytest.mark.slow  # every bundled source (parsed or projected once a session: 2-3 s of CPU)
def test_fiscal_year_records_one_per_row(dataset):
    rows = _csv("torn-apart-fiscal-years")
    g = _graph("torn-apart-fiscal-years")
    q = f"""SELECT (COUNT(?rec) AS ?n) (SUM(?v) AS ?total) WHERE {{ GRAPH <{g}> {{
        ?rec a gk:ContractRecord ; gk:fiscalYear ?y ; gk:currentValue ?v }} }}"""
    ((n, total),) = _rows(dataset, q)
    assert int(n) == len(rows)
    assert Decimal(total) == sum(Decimal(r["current_total_value_of_award"]) for r in rows)


@pytest.mark.slow  # every bundled source (parsed or projected once a session: 2-3 s of CPU)
def test_freezer_every_award_is_a_contract_to_ice(dataset):
    rows = _csv("torn-apart-freezer")
    q = """SELECT DISTINCT ?piid WHERE { ?c a gk:Claim ; rdf:predicate gk:supplies ;
        rdf:object ido:ice ; gk:underContract ?k ;
        prov:wasDerivedFrom ide:torn-apart-2018-freezer . ?k gk:piid ?piid }"""
    assert {p for (p,) in _rows(dataset, q)} == {r["award_id"] for r in rows}


@pytest.mark.slow  # every bundled source (parsed or projected once a session: 2-3 s of CPU)
def test_claims_per_source(dataset):
    counts = {c.source: c for c in claims_per_source(dataset)}
    assert set(SOURCES) - {"spyfiles-companies"} <= set(counts)
    total = _rows(dataset, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a gk:Claim }")[0][0]
    assert sum(c.claims for c in counts.values()) == int(total)
    assert counts["curated"].claims > 0
    assert counts["usaspending-prime-mn"].evidence_added > 0  # curated West claims


def test_select_sources():
    files = input_files(sources=["atlas-sample"])
    names = {f.name for f in files}
    assert {"atlas-sample.ttl", "entities.ttl"} <= names
    assert "usaspending-prime-mn.ttl" not in names
    assert {f.name for f in curated_files()} <= names
    none = {f.name for f in input_files(sources=["none"])}
    assert not none & {f"{n}.ttl" for n in SOURCES} and "entities.ttl" not in none
    assert len(input_files(sources=["none"])) == len(ontology_files()) + len(select([]))
    # a source that adds records or evidence to another's contracts and claims loads it too
    needs = {f.name for f in input_files(sources=["usaspending-prime-mn"])}
    assert {f"{n}.ttl" for n in requires("usaspending-prime-mn")} <= needs
    assert "torn-apart-freezer" in requires("usaspending-prime-mn")
    with pytest.raises(DataError, match="unknown source 'nope'"):
        input_files(sources=["nope"])
