"""Importers on the real files in /work/shared/data (read in place) and on fictional fixtures."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from graphkit.cli import app
from graphkit.errors import DataError
from graphkit.importers import import_csv
from graphkit.importers.atlas import import_atlas
from graphkit.importers.mapping import Mapping
from graphkit.importers.usaspending import import_usaspending, mapping_for
from graphkit.model import GK, ID, PREFIXES, SCHEMA, SKOS, TAXONOMY
from graphkit.sources import curated_files
from graphkit.store import Dataset, input_files
from graphkit.validate import validate

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path("/work/shared/data")
if not SHARED.is_dir():  # CI lays shared/ beside the clone
    SHARED = ROOT.parent / "shared" / "data"
PRIME = SHARED / "usaspending-ice-prime-contracts-mn-recipients-2025-03-21.csv"
SUBAWARDS = SHARED / "usaspending-ice-contract-subawards-since-2020-2025-03-28.csv"
ATLAS = SHARED / "atlas-of-surveillance-sample-100rows.csv"
FIXTURE = ROOT / "tests" / "fixtures" / "usaspending-prime-fictional.csv"
CURATED_FIXTURE = ROOT / "tests" / "fixtures" / "resolve-curated.ttl"
EXAMPLE = ROOT / "docs" / "examples"
NO_DECISIONS = Path("/nonexistent/resolutions.ttl")


def _store(*files: Path) -> ox.Store:
    s = ox.Store()
    for f in files:
        s.load(path=str(f), format=ox.RdfFormat.TURTLE)
    return s


def _rows(store: ox.Store, q: str) -> list[list[str]]:
    return [[t.value for t in r] for r in store.query(q, prefixes=PREFIXES)]


#: Check an import beside the curated data only (fast), or beside every bundled source too
#: (what a user loads; loading every source costs 1-4 s of CPU).
WITH_SOURCES = pytest.mark.parametrize(
    "sources", [["none"], pytest.param(None, marks=pytest.mark.slow)], ids=["curated", "all"]
)


@pytest.fixture(scope="module")
def prime(tmp_path_factory):
    out = tmp_path_factory.mktemp("prime")
    return import_usaspending(PRIME, out_dir=out), out


@pytest.fixture(scope="module")
def atlas(tmp_path_factory):
    out = tmp_path_factory.mktemp("atlas")
    return import_atlas(ATLAS, out_dir=out), out


def test_prime_counts_and_amounts_match_the_csv(prime):
    result, out = prime
    df = _csv(PRIME)
    keys = [r["contract_award_unique_key"] for r in df]
    assert result.rows == result.imported == len(df) == len(set(keys))
    store = _store(result.out, out / "entities.ttl")
    got = {
        k: (c, Decimal(a))
        for k, c, a in _rows(
            store,
            "SELECT ?k ?c ?a WHERE { ?x a gk:Contract ; gk:awardKey ?k ; gk:contractor ?c ;"
            " gk:obligatedAmount ?a }",
        )
    }
    # Awards already curated in data/ are referenced, not declared again.
    curated = [k for k in keys if k not in got and _is_curated_contract(k)]
    assert len(got) + len(curated) == len(df)
    # Exact totals per recipient UEI (csv module + Decimal), mapped to the resolved contractor.
    per_uei: dict[str, Decimal] = defaultdict(Decimal)
    contractor_of_uei: dict[str, set[str]] = defaultdict(set)
    with open(PRIME, newline="", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            key = row["contract_award_unique_key"]
            if key in got:
                per_uei[row["recipient_uei"]] += Decimal(row["total_obligated_amount"])
                contractor_of_uei[row["recipient_uei"]].add(got[key][0])
    assert all(len(c) == 1 for c in contractor_of_uei.values())  # one entity per UEI
    per_contractor: dict[str, Decimal] = defaultdict(Decimal)
    for c, a in got.values():
        per_contractor[c] += a
    expected: dict[str, Decimal] = defaultdict(Decimal)
    for uei, total in per_uei.items():
        expected[next(iter(contractor_of_uei[uei]))] += total
    assert per_contractor == expected
    # the grand total over the file's rows, as floats: an independent check of the sums
    assert float(sum(per_contractor.values())) == pytest.approx(
        sum(float(r["total_obligated_amount"]) for r in df if r["contract_award_unique_key"] in got)
    )


def _is_curated_contract(key: str) -> bool:
    from graphkit.resolve import Resolver
    from graphkit.sources import curated_files

    global _CURATED
    try:
        r = _CURATED
    except NameError:
        r = _CURATED = Resolver(curated_files())
    return r.contract(key) is not None


def test_prime_resolves_agencies_and_west_publishing(prime):
    result, out = prime
    store = _store(result.out)
    agencies = {a for (a,) in _rows(store, "SELECT DISTINCT ?a WHERE { ?k gk:awardingAgency ?a }")}
    assert agencies == {ID + "org/ice"}
    # one claim per West award: imported, or the curated claim on that contract citing the award
    with_curated = _store(result.out, *curated_files())
    west = _rows(
        with_curated,
        """SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c rdf:subject ido:west-publishing ;
             rdf:predicate gk:supplies ; rdf:object ido:ice ; gk:status status:confirmed ;
             gk:underContract ?k ; prov:wasDerivedFrom ?e . ?e schema:url ?u .
             FILTER(STRSTARTS(STR(?e), STR(ide:usaspending-CONT_AWD_))) }""",
    )
    df = _csv(PRIME)
    assert int(west[0][0]) == sum(r["recipient_name"] == "WEST PUBLISHING CORPORATION" for r in df)
    ents = (out / "entities.ttl").read_text()
    assert "WEST PUBLISHING" not in ents  # no second West Publishing entity
    ev = _rows(
        store,
        "SELECT ?u ?p ?t WHERE { ?e schema:url ?u ; dcterms:publisher ?p ; dcterms:title ?t ."
        ' FILTER(CONTAINS(?t, "70CDCR18P00000017")) }',
    )
    assert ev == [
        [
            "https://www.usaspending.gov/award/CONT_AWD_70CDCR18P00000017_7012_-NONE-_-NONE-/",
            "USAspending.gov",
            "USAspending.gov contract award 70CDCR18P00000017",
        ]
    ]


@WITH_SOURCES
def test_path_thomson_reuters_to_ice_runs_through_imported_contracts(prime, sources):
    import graphkit

    _result, out = prime
    # the curated data holds Thomson Reuters -OWNS-> West Publishing
    g = graphkit.load([out], sources=sources, validate=False, cache=False)
    r = g.path("Thomson Reuters", "ICE", max_hops=2)
    via_west = [h for p, h in zip(r.paths, r.hops) if p[1] == "org/west-publishing"]
    assert via_west, r.paths
    assert via_west[0][0].claims[0]["claim"]  # Thomson Reuters -OWNS-> West Publishing
    imported = [c for c in via_west[0][1].claims if c["claim"].startswith("claim/usaspending-")]
    assert imported and all(c["contracts"] and c["sources"] for c in imported)


def test_second_import_is_byte_identical(tmp_path):
    import_usaspending(PRIME, out_dir=tmp_path)
    files = sorted(tmp_path.glob("*.ttl"))
    first = {f.name: f.read_bytes() for f in files}
    again = import_usaspending(PRIME, out_dir=tmp_path)
    assert {f.name: f.read_bytes() for f in sorted(tmp_path.glob("*.ttl"))} == first
    assert again.imported == _count_rows(PRIME)


def test_subawards_flow_sub_to_prime_to_agency(tmp_path):
    assert mapping_for(SUBAWARDS).spec["detect"][0] == "prime_award_unique_key"
    result = import_usaspending(SUBAWARDS, out_dir=tmp_path)
    df = _csv(SUBAWARDS)
    assert result.imported == len(df)
    store = _store(result.out, tmp_path / "entities.ttl")
    # every prime award is a confirmed claim prime -> ICE
    primes = _rows(
        store,
        "SELECT DISTINCT ?c WHERE { ?c rdf:predicate gk:supplies ; rdf:object ido:ice }",
    )
    assert len(primes) == len({r["prime_award_unique_key"] for r in df})
    # every subawardee supplies its prime under the prime contract (one claim per pair and
    # contract, each report as evidence); a company reporting a subaward to itself makes no claim
    reports = _rows(
        store,
        """SELECT (COUNT(DISTINCT ?e) AS ?n) (COUNT(DISTINCT ?c) AS ?claims) WHERE {
            ?c rdf:predicate gk:supplies ; prov:wasDerivedFrom ?e .
            ?e dcterms:type evidence-type:dataset-row }""",
    )
    to_self = sum(r["subawardee_uei"] == r["prime_awardee_uei"] for r in df)
    assert int(reports[0][0]) == len(df) - to_self
    cols = ["subawardee_uei", "prime_awardee_uei", "prime_award_unique_key"]
    pairs = {tuple(r[c] for c in cols) for r in df if r["subawardee_uei"] != r["prime_awardee_uei"]}
    assert int(reports[0][1]) <= len(pairs)


def test_atlas_agencies_technologies_and_links(atlas):
    result, out = atlas
    df = _csv(ATLAS)
    store = _store(result.out, out / "entities.ttl", *_ontology())
    oris = _rows(store, "SELECT DISTINCT ?o WHERE { ?a a gk:GovernmentAgency ; gk:ori ?o }")
    assert {o for (o,) in oris} == {r["NEWAOSNUMBER (ORI9)"][:9] for r in df}
    # technologies: each product's category has the Atlas technology name as a SKOS label
    cats = _rows(
        store,
        """SELECT ?name ?label WHERE { ?p a gk:Product ; schema:name ?name ; gk:category ?c .
            ?c skos:altLabel ?label }""",
    )
    labels: dict[str, set[str]] = defaultdict(set)
    for name, label in cats:
        labels[name].add(label)
    assert labels and all(any(lb in name for lb in lbs) for name, lbs in labels.items())
    assert {lb for lbs in labels.values() for lb in lbs} >= {r["Technology"] for r in df}
    # every usable link of every row is evidence with its source as publisher
    links = {
        (r[f"Link {n}"], r[f"Link {n} Source"])
        for r in df
        for n in (1, 2, 3)
        if r[f"Link {n}"].startswith("http")
    }
    got = set(
        map(tuple, _rows(store, "SELECT ?u ?p WHERE { ?e schema:url ?u ; dcterms:publisher ?p }"))
    )
    assert {u for u, _ in got} == {u for u, _ in links}
    vrsa = "https://www.vrsa.us/body-camera-footage-corroborates-police-accounts-in-woodstock-shooting/"
    assert (vrsa, "Virgina Risk Sharing Association") in got
    assert not any("Reno City Council" == u for u, _ in got)  # a non-URL link is left out
    statuses = _rows(store, "SELECT DISTINCT ?s WHERE { ?c a gk:Claim ; gk:status ?s }")
    assert statuses == [[TAXONOMY + "status/reported"]]
    used_by = _rows(store, "SELECT (COUNT(*) AS ?n) WHERE { ?c rdf:predicate gk:usedBy }")
    # one usedBy claim per distinct (vendor, technology, agency): duplicate rows merge
    assert int(used_by[0][0]) == len(
        {(r["Vendor"], r["Technology"], r["NEWAOSNUMBER (ORI9)"]) for r in df}
    )


def _ontology():
    from graphkit.model import ontology_files

    return ontology_files()


@WITH_SOURCES
def test_atlas_import_passes_shacl(atlas, sources):
    _result, out = atlas
    report = validate(Dataset.load(files=input_files([out], sources=sources)))
    assert report.ok, report.text()


@WITH_SOURCES
def test_usaspending_imports_have_no_dangling_references(prime, sources):
    from graphkit.validate import dangling_references

    _result, out = prime
    assert dangling_references(Dataset.load(files=input_files([out], sources=sources))) == []


def test_bad_row_fails_whole_import_and_keeps_previous_files(tmp_path):
    out = tmp_path / "imports"
    out.mkdir()
    previous = out / "usaspending-usaspending-prime-fictional.ttl"
    previous.write_text("# previous import\n")
    with pytest.raises(DataError) as e:
        import_csv(
            FIXTURE, mapping_for(FIXTURE), out_dir=out, curated=[CURATED_FIXTURE], bundled=False
        )
    [bad, *_] = _bad_amounts(FIXTURE)
    value = _csv(FIXTURE)[bad - 1]["total_obligated_amount"]
    assert f"{FIXTURE}:{bad + 1}: row {bad}:" in str(e.value) and repr(value) in str(e.value)
    assert previous.read_text() == "# previous import\n"
    assert not (out / "entities.ttl").exists()


def test_skip_bad_reports_the_row_and_imports_the_rest(tmp_path):
    r = import_csv(
        FIXTURE,
        mapping_for(FIXTURE),
        out_dir=tmp_path,
        skip_bad=True,
        curated=[CURATED_FIXTURE],
        bundled=False,
    )
    rows, bad = _count_rows(FIXTURE), _bad_amounts(FIXTURE)
    assert (r.rows, r.imported, len(r.skipped)) == (rows, rows - len(bad), len(bad))
    assert f"row {bad[0]}:" in r.skipped[0]
    text = r.out.read_text()
    assert "ido:acme-analytics" in text and "BOREALIS" not in text
    assert '"-2500"^^xsd:decimal' in text and '"2019-01-15"^^xsd:date' in text
    report = validate(Dataset.load([CURATED_FIXTURE, tmp_path], bundled=False))
    assert report.ok, report.text()


def test_cli_import_exit_codes(tmp_path):
    runner = CliRunner()
    args = ["import", "usaspending", str(FIXTURE), "--out", str(tmp_path), "--no-bundled"]
    args += ["--data", str(CURATED_FIXTURE)]
    rows, bad = _count_rows(FIXTURE), _bad_amounts(FIXTURE)
    res = runner.invoke(app, args)
    assert res.exit_code == 1 and f"row {bad[0]}:" in res.output and "Traceback" not in res.output
    res = runner.invoke(app, [*args, "--skip-bad"])
    assert res.exit_code == 0, res.output
    assert f"{rows - len(bad)} of {rows} rows imported" in res.output
    res = runner.invoke(app, ["import", "atlas", str(FIXTURE), "--out", str(tmp_path)])
    assert res.exit_code == 1 and "AOSNUMBER" in res.output


def test_csv_import_with_the_documented_example_mapping(tmp_path):
    runner = CliRunner()
    res = runner.invoke(
        app,
        [
            "import",
            "csv",
            str(EXAMPLE / "vendors.csv"),
            "--mapping",
            str(EXAMPLE / "vendors-mapping.yaml"),
            "--out",
            str(tmp_path),
            "--no-bundled",
            "--data",
            str(CURATED_FIXTURE),
            "--resolutions",
            str(NO_DECISIONS),
        ],
    )
    assert res.exit_code == 0, res.output
    mapping = Mapping.load(EXAMPLE / "vendors-mapping.yaml")
    out = tmp_path / f"{mapping.source}-vendors.ttl"
    store = _store(out, tmp_path / "entities.ttl")
    claims = _rows(store, "SELECT ?s ?o WHERE { ?c rdf:subject ?s ; rdf:object ?o }")
    assert [ID + "org/acme-analytics", ID + "org/fea"] in claims  # resolved to curated ids
    report = validate(Dataset.load([CURATED_FIXTURE, tmp_path], bundled=False))
    assert report.ok, report.text()


def test_mapping_errors_name_the_problem(tmp_path):
    bad = tmp_path / "m.yaml"
    bad.write_text("source: x\nnodes:\n  a: {class: Company, name: '{Nope}'}\n")
    with pytest.raises(DataError, match="Nope"):
        import_csv(EXAMPLE / "vendors.csv", Mapping.load(bad), out_dir=tmp_path)
    bad.write_text("source: x\nnodes:\n  a: {class: Spaceship, name: '{vendor}'}\n")
    with pytest.raises(DataError, match="Spaceship"):
        import_csv(EXAMPLE / "vendors.csv", Mapping.load(bad), out_dir=tmp_path)


_IRI_MAPPING = """source: x
nodes:
  vendor: {class: Company, name: "{vendor}"}
  agency: {class: GovernmentAgency, name: "{agency}"}
  page:
    class: Evidence
    id: "x-{vendor|slug}"
    properties:
      schema:url: {value: "{url}", type: url}
      dcterms:title: "{vendor}"
      dcterms:publisher: x
      dcterms:type: {value: "{kind}", type: iri}
claims:
  - {id: "x-{@subject}", subject: "@vendor", predicate: supplies, object: "@agency",
     evidence: "@page", start: "{start}", end: "{end}"}
"""


def _bad_input(tmp_path, rows: list[list[str]]) -> Path:
    f = tmp_path / "in.csv"
    with open(f, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["vendor", "agency", "url", "kind", "start", "end"])
        w.writerows(rows)
    (tmp_path / "m.yaml").write_text(_IRI_MAPPING)
    return f


_GOOD = ["Acme", "FEA", "https://example.org/a", "evidence-type:news", "2020-01-01", "2021-01-01"]


@pytest.mark.parametrize(
    "kind", ["not an iri", "Government Record", "nope:thing", "http://exa mple.org/x"]
)
def test_iri_column_rejects_a_value_that_is_not_an_iri(tmp_path, kind):
    rows = [_GOOD, ["Borealis", "FEA", "https://example.org/b", kind, "", ""]]
    f = _bad_input(tmp_path, rows)
    m = Mapping.load(tmp_path / "m.yaml")
    with pytest.raises(DataError) as e:
        import_csv(f, m, out_dir=tmp_path / "out", bundled=False)
    assert f"{f}:3: row 2:" in str(e.value) and "not an IRI" in str(e.value)
    r = import_csv(f, m, out_dir=tmp_path / "out", bundled=False, skip_bad=True)
    assert (r.imported, len(r.skipped)) == (len(rows) - 1, 1)
    assert "dcterms:type evidence-type:news" in r.out.read_text()
    Dataset.load([r.out, tmp_path / "out" / "entities.ttl"], bundled=False)  # parses
    args = ["import", "csv", str(f), "--mapping", str(tmp_path / "m.yaml")]
    res = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "cli"), "--no-bundled"])
    assert res.exit_code == 1, res.output
    assert f"{f}:3: row 2:" in res.output and "not an IRI" in res.output
    assert "Traceback" not in res.output and "internal error" not in res.output
    assert not (tmp_path / "cli").exists() or not any((tmp_path / "cli").glob("*.ttl"))


def test_dates_not_dates_reversed_or_future_name_the_line(tmp_path):
    rows = [
        _GOOD,
        ["B", "FEA", "https://example.org/b", "evidence-type:news", "2020-13-45", ""],
        ["C", "FEA", "https://example.org/c", "evidence-type:news", "2021-05-01", "2020-01-01"],
        ["D", "FEA", "https://example.org/d", "evidence-type:news", "2999-01-01", ""],
    ]
    f = _bad_input(tmp_path, rows)
    m = Mapping.load(tmp_path / "m.yaml")
    logged: list[str] = []
    r = import_csv(f, m, out_dir=tmp_path / "out", bundled=False, skip_bad=True, log=logged.append)
    assert r.imported == len(rows) - 1 and len(r.skipped) == 1  # the row that is not a date
    assert f"{f}:3: row 2:" in r.skipped[0] and "not a date: '2020-13-45'" in r.skipped[0]
    text = "\n".join(logged)
    assert f"{f}:4: row 3:" in text and "end date 2020-01-01 before start date 2021-05-01" in text
    assert f"{f}:5: row 4:" in text and "2999-01-01 is in the future" in text
    out = r.out.read_text()
    assert '"2020-01-01"^^xsd:date' not in out.split("idc:x-c")[1].split(" .")[0]
    Dataset.load([r.out, tmp_path / "out" / "entities.ttl"], bundled=False)  # parses


def test_import_file_api_picks_the_mapping(tmp_path):
    import graphkit

    r = graphkit.import_file(SUBAWARDS, out_dir=tmp_path, bundled=False)
    assert r.source == "usaspending" and r.rows == _count_rows(SUBAWARDS)
    r = graphkit.import_file(ATLAS, source="atlas", out_dir=tmp_path, bundled=False)
    assert r.rows == _count_rows(ATLAS)
    with pytest.raises(graphkit.DataError, match="unknown source 'nope'"):
        graphkit.import_file(ATLAS, source="nope", out_dir=tmp_path)
    with pytest.raises(graphkit.DataError, match="header does not look like"):
        graphkit.import_file(ATLAS, source="usaspending", out_dir=tmp_path)
    r = graphkit.import_file(
        EXAMPLE / "vendors.csv",
        mapping=EXAMPLE / "vendors-mapping.yaml",
        out_dir=tmp_path,
        bundled=False,
        curated=[CURATED_FIXTURE],
    )
    assert r.imported == _count_rows(EXAMPLE / "vendors.csv")


def _count_rows(path: Path) -> int:
    return len(_csv(path))


def _bad_amounts(path: Path) -> list[int]:
    """Row numbers (1 = the first data row) whose obligated amount is not a number."""
    return [
        n
        for n, r in enumerate(_csv(path), 1)
        if not re.fullmatch(r"-?\d+(\.\d+)?", r["total_obligated_amount"].replace(",", ""))
    ]


def _csv(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV file as the csv module reads them (every expected count comes from
    here, never typed into a test)."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


assert SKOS and GK and SCHEMA  # namespaces used in SPARQL above


def test_chunked_column_wise_import_matches_a_small_chunk_import(tmp_path, monkeypatch):
    """Templates are rendered column-wise per chunk of rows: the real prime-award file gives the
    same bytes whatever the chunk size (chunk borders inside the file, a chunk of one row)."""
    import graphkit.importers as importers

    outs = []
    for size in (importers.CHUNK, 97, 1):
        monkeypatch.setattr(importers, "CHUNK", size)
        r = import_csv(PRIME, mapping_for(PRIME), out_dir=tmp_path / str(size) / "imports")
        assert r.imported == _count_rows(PRIME)
        outs.append((r.out.read_bytes(), r.entities_file.read_bytes()))
    assert outs[0] == outs[1] == outs[2]


def test_failing_filter_rejects_only_its_row(tmp_path):
    """A template filter that fails on one value (``{start|date}``) rejects that row alone, with
    its number; an empty value falls through to the next alternative, as row by row."""
    mapping = _IRI_MAPPING.replace(
        'dcterms:title: "{vendor}"', 'dcterms:title: ["{start|date}", "{vendor}"]'
    )
    rows = [
        _GOOD,
        ["Borealis", "FEA", "https://example.org/b", "evidence-type:news", "someday", ""],
        ["Cirrus", "FEA", "https://example.org/c", "evidence-type:news", "", ""],
    ]
    f = _bad_input(tmp_path, rows)
    (tmp_path / "m.yaml").write_text(mapping)
    r = import_csv(
        f, Mapping.load(tmp_path / "m.yaml"), out_dir=tmp_path / "o", bundled=False, skip_bad=True
    )
    assert (r.imported, len(r.skipped)) == (len(rows) - 1, 1)
    assert f"{f}:3: row 2:" in r.skipped[0] and "not a date: 'someday'" in r.skipped[0]
    text = r.out.read_text()
    assert f'dcterms:title "{_GOOD[4]}"' in text and 'dcterms:title "Cirrus"' in text


def test_csv_that_is_not_utf8_is_one_clear_error(tmp_path):
    f = _bad_input(tmp_path, [_GOOD])
    f.write_bytes(f.read_bytes() + b"Bor\xffealis,FEA,https://example.org/b,evidence-type:news,,\n")
    args = ["import", "csv", str(f), "--mapping", str(tmp_path / "m.yaml"), "--skip-bad"]
    res = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "out"), "--no-bundled"])
    assert res.exit_code == 1, res.output
    assert res.output.startswith(f"error: {f}:") and "utf-8" in res.output.lower()
    assert len(res.output.strip().splitlines()) == 1 and "Traceback" not in res.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").glob("*.ttl"))
