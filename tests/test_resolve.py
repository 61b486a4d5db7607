"""Entity resolution: normalisation, identifiers, curated aliases, reviewer decisions."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from graphkit.cli import app
from graphkit.importers import import_csv
from graphkit.importers.usaspending import mapping_for
from graphkit.model import GK, ID, data_dir
from graphkit.resolve import (
    Decisions,
    Resolver,
    add_to_store,
    curated_store,
    duplicates,
    normalize,
)
from graphkit.sources import curated_files
from graphkit.store import rdf_files

ROOT = Path(__file__).resolve().parents[1]
CURATED = ROOT / "tests" / "fixtures" / "resolve-curated.ttl"
FIXTURE = ROOT / "tests" / "fixtures" / "usaspending-prime-fictional.csv"
ORG = ID + "org/"


@pytest.mark.parametrize(
    ("name", "norm"),
    [
        ("WEST PUBLISHING CORPORATION", "west publishing"),
        ("West Publishing Corp.", "west publishing"),
        ("Acme, L.L.C.", "acme"),
        ("THE MITRE CORPORATION", "mitre"),
        ("Department of Homeland Security (DHS)", "department of homeland security"),
        ("THOMSON REUTERS (MARKETS) LLC", "thomson reuters markets"),  # not the parent
        ("Sheriff’s Office", "sheriffs office"),
        ("Company", "company"),
        ("JOHNS HOPKINS UNIVERSITY, THE", "johns hopkins university"),
        (
            "ESCAL INSTITUTE OF ADVANCED TECHNOLOGIES, INC., THE",
            "escal institute of advanced technologies",
        ),
    ],
)
def test_normalize(name, norm):
    assert normalize(name) == norm


def test_resolver_identifiers_names_and_blocking(tmp_path):
    r = Resolver([CURATED], [], None)
    company, agency = GK + "Company", GK + "GovernmentAgency"
    by_uei = r.resolve(company, "Totally Different Name", {"uei": "acmeuei00001"})
    assert by_uei == ORG + "acme-analytics"
    assert r.resolve(company, "ACME HOLDINGS CORPORATION") == ORG + "acme-holdings"
    assert r.resolve(agency, "Department of Example Affairs (DEA)") == ORG + "dea-affairs"
    assert r.resolve(agency, "FEA") == ORG + "fea"  # curated alias
    # a company never merges into an agency of the same name
    assert r.resolve(company, "Federal Enforcement Agency") != ORG + "fea"
    # agency names repeat across states: a different state is a different agency
    other = r.resolve(agency, "River County Sheriff's Office", attrs={"state": "WA"})
    assert other == ORG + "river-county-sheriffs-office"
    assert r.resolve(agency, "River County Sheriff's Office", attrs={"state": "OR"}) == (
        ORG + "river-county-sheriff"
    )
    # new entities are stable within a run and get distinct ids
    a = r.resolve(company, "Nova Widgets Inc", {"uei": "NOVA00000001"})
    assert r.resolve(company, "NOVA WIDGETS", {"uei": "NOVA00000001"}) == a == ORG + "nova-widgets"


@pytest.mark.parametrize(
    "sources", [["none"], pytest.param(None, marks=pytest.mark.slow)], ids=["curated", "all"]
)
def test_real_agency_and_west_publishing_names_resolve_to_curated_ids(sources):
    """Against the curated data (quick) and against every bundled source too, whose imported
    names compete (slow: ~2 s of CPU)."""
    if sources is None:
        files = rdf_files([data_dir()])
    else:
        from graphkit.sources import curated_files

        files = curated_files()
    r = Resolver(files, [], None)
    agency = GK + "GovernmentAgency"
    # spellings used in the shared USAspending downloads
    assert r.resolve(agency, "U.S. Immigration and Customs Enforcement") == ORG + "ice"
    assert r.resolve(agency, "U.S. IMMIGRATION AND CUSTOMS ENFORCEMENT") == ORG + "ice"
    assert r.resolve(agency, "Department of Homeland Security") == ORG + "dhs"
    assert r.resolve(agency, "Department of Homeland Security (DHS)") == ORG + "dhs"
    assert r.resolve(GK + "Company", "WEST PUBLISHING CORPORATION") == ORG + "west-publishing"


def _import(out: Path, decisions: Path):
    resolver = Resolver([CURATED], [out / "entities.ttl"], decisions)
    return import_csv(FIXTURE, mapping_for(FIXTURE), out_dir=out, resolver=resolver, skip_bad=True)


def test_same_and_not_same_decisions_apply_on_later_imports(tmp_path):
    out, decisions = tmp_path / "imports", tmp_path / "resolutions.ttl"
    _import(out, decisions)
    ents = (out / "entities.ttl").read_text()
    assert "ido:acme-holdings" not in ents  # curated, by normalised name
    runner = CliRunner()
    common = [
        "--no-bundled",
        "--data",
        str(CURATED),
        "--data",
        str(out),
        "--resolutions",
        str(decisions),
    ]
    # reviewer: the parent is NOT the curated Acme Holdings
    res = runner.invoke(
        app, ["resolve", "--not-same", "ACME HOLDINGS CORPORATION", "org/acme-holdings", *common]
    )
    assert res.exit_code == 1  # the name only resolves to the curated entity yet
    res = runner.invoke(
        app, ["resolve", "--not-same", "org/acme-analytics", "org/acme-holdings", *common]
    )
    assert res.exit_code == 0, res.output
    assert Decisions.load(decisions).apart(ORG + "acme-analytics", ORG + "acme-holdings")
    # a new company is merged into the curated one by a --same decision
    (out / "extra.ttl").write_text(
        "@prefix gk: <https://w3id.org/graphkit/ontology#> .\n"
        "@prefix schema: <https://schema.org/> .\n"
        "<https://w3id.org/graphkit/id/org/acme-holdings-2> a gk:Company ;"
        ' schema:name "Acme Hldgs" .\n'
    )
    res = runner.invoke(app, ["resolve", "--same", "org/acme-holdings-2", "Acme Holdings", *common])
    assert res.exit_code == 0, res.output
    assert "org/acme-holdings-2 owl:sameAs org/acme-holdings" in res.output
    d = Decisions.load(decisions)
    assert d.canonical(ORG + "acme-holdings-2") == ORG + "acme-holdings"
    r = Resolver([CURATED], [out / "extra.ttl"], decisions)
    assert r.resolve(GK + "Company", "Acme Hldgs") == ORG + "acme-holdings"


def test_duplicates_lists_scores_and_reasons(tmp_path):
    f = tmp_path / "dups.ttl"
    f.write_text(
        "@prefix gk: <https://w3id.org/graphkit/ontology#> .\n"
        "@prefix schema: <https://schema.org/> .\n"
        "@prefix ido: <https://w3id.org/graphkit/id/org/> .\n"
        'ido:a1 a gk:Company ; schema:name "Acme Analytics Corp" ; gk:uei "ACMEUEI00001" .\n'
        'ido:z1 a gk:Company ; schema:name "Zeta Sensors LLC" .\n'
        'ido:z2 a gk:Company ; schema:name "ZETA SENSORS, INC." .\n'
        'ido:w1 a gk:Company ; schema:name "Wombat Data Systems" .\n'
        'ido:w2 a gk:Company ; schema:name "Wombat Data System" .\n'
    )
    rows = duplicates([CURATED, f], resolutions=None, min_score=80, curated=[CURATED])
    pairs = {(r["a"], r["b"]): r for r in rows}
    assert pairs[("org/a1", "org/acme-analytics")]["score"] == 100
    assert "UEI" in pairs[("org/a1", "org/acme-analytics")]["reason"]
    assert pairs[("org/z1", "org/z2")]["score"] == 95
    assert 80 <= pairs[("org/w1", "org/w2")]["score"] < 100
    assert rows == sorted(rows, key=lambda r: -r["score"])
    decisions = tmp_path / "res.ttl"
    d = Decisions()
    d.different.add(frozenset((ID + "org/z1", ID + "org/z2")))
    d.save(decisions)
    rows = duplicates([CURATED, f], resolutions=decisions, min_score=80)
    assert ("org/z1", "org/z2") not in {(r["a"], r["b"]) for r in rows}
    res = CliRunner().invoke(
        app,
        [
            "resolve",
            "--no-bundled",
            "--data",
            str(CURATED),
            "--data",
            str(f),
            "--resolutions",
            str(decisions),
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0 and '"reason"' in res.output


SUBAWARDS = Path("/work/shared/data/usaspending-ice-contract-subawards-since-2020-2025-03-28.csv")
if not SUBAWARDS.is_file():
    SUBAWARDS = ROOT.parent / "shared" / "data" / SUBAWARDS.name


def test_same_name_other_uei_is_another_legal_entity():
    """A name match is refused when the UEIs differ (the ontology's gk:blocksNameMatchFor); a
    record matched by name adopts the row's UEI, so a later registration stays apart."""
    r = Resolver([CURATED], [], None)
    company = GK + "Company"
    a = r.resolve(company, "DELOITTE CONSULTING LLP", {"uei": "CKV2L9GZKJK3"})
    b = r.resolve(company, "DELOITTE CONSULTING LLP", {"uei": "GT54N467W2C6"})
    assert a != b
    assert r.resolve(company, "Deloitte Consulting", {"uei": "CKV2L9GZKJK3"}) == a
    no_uei = r.resolve(company, "Zephyr Widgets")
    assert r.resolve(company, "ZEPHYR WIDGETS INC", {"uei": "ZEPH00000001"}) == no_uei
    assert r.resolve(company, "Zephyr Widgets, Inc.", {"uei": "ZEPH00000002"}) != no_uei


def test_resolve_does_not_propose_distinct_deloitte_entities(tmp_path):
    """The real subaward file: DELOITTE CONSULTING LLP and DELOITTE TOUCHE TOHMATSU LIMITED are
    never proposed as one entity, and every pair proposed for a reason 'same normalised name'
    has no disagreeing identifier."""
    out = tmp_path / "imports"
    import_csv(SUBAWARDS, mapping_for(SUBAWARDS), out_dir=out, bundled=False)
    rows = duplicates(rdf_files([out]), resolutions=None, min_score=85)
    names = [{r["a_name"].upper(), r["b_name"].upper()} for r in rows]
    assert {"DELOITTE CONSULTING LLP", "DELOITTE TOUCHE TOHMATSU LIMITED"} not in names
    assert not any("but a different" in r["reason"] for r in rows)


def test_numbered_names_are_not_proposed_as_duplicates(tmp_path):
    f = tmp_path / "numbered.ttl"
    f.write_text(
        "@prefix gk: <https://w3id.org/graphkit/ontology#> .\n"
        "@prefix schema: <https://schema.org/> .\n"
        "@prefix ido: <https://w3id.org/graphkit/id/org/> .\n"
        'ido:c9 a gk:Company ; schema:name "Callyo 2009" .\n'
        'ido:c10 a gk:Company ; schema:name "Callyo 2010" .\n'
        'ido:v1 a gk:Company ; schema:name "Veteran Technology Partners" .\n'
        'ido:v2 a gk:Company ; schema:name "VETERAN TECHNOLOGY PARTNERS II LLC" .\n'
        'ido:t1 a gk:Company ; schema:name "Thermo Fisher Scientific" .\n'
        'ido:t2 a gk:Company ; schema:name "Thermo Fischer Scientific" .\n'
    )
    pairs = {(r["a"], r["b"]) for r in duplicates([f], resolutions=None, min_score=80)}
    assert ("org/t1", "org/t2") in pairs
    assert ("org/c10", "org/c9") not in pairs and ("org/v1", "org/v2") not in pairs


def test_resolve_on_the_bundled_data_never_pairs_distinct_legal_entities():
    """The real bundled files, at a low threshold: a pair proposed by name never has records
    that disagree on a blocking property of the ontology (UEI, DUNS, state, ...), so DELOITTE
    CONSULTING LLP is never proposed = DELOITTE TOUCHE TOHMATSU LIMITED, although the latter
    carries the former's name as an alias."""
    from graphkit.model import short_id
    from graphkit.resolve import read_records
    from graphkit.store import input_files

    files = [f for f in input_files() if "ontology" not in f.parts]
    recs, _ = read_records(files, "any")
    deloitte = [r for r in recs.values() if r.name == "DELOITTE CONSULTING LLP" and "uei" in r.ids]
    tohmatsu = [r for r in recs.values() if r.name == "DELOITTE TOUCHE TOHMATSU LIMITED"]
    assert deloitte and tohmatsu  # the case is in the data ...
    assert normalize("DELOITTE CONSULTING LLP") in tohmatsu[0].names  # ... with the alias
    assert all(d.ids["uei"] != tohmatsu[0].ids["uei"] for d in deloitte)
    rows = duplicates(files, resolutions=None, min_score=50)
    assert any(r["reason"].startswith("same normalised name") for r in rows)
    assert any(r["reason"].startswith("similar names") for r in rows)
    by_short = {short_id(k): r for k, r in recs.items()}
    for row in rows:
        a, b = by_short[row["a"]], by_short[row["b"]]
        if row["score"] < 100:  # a name match
            assert not Resolver._blocked(a, b.ids, b.attrs), row
            assert not Resolver._blocked(b, a.ids, a.attrs), row
    pairs = {frozenset((r["a"], r["b"])) for r in rows}
    for d in deloitte:
        assert frozenset((short_id(d.iri), short_id(tohmatsu[0].iri))) not in pairs


def test_name_index_pairs_equal_and_similar_names():
    from graphkit.lookup import Entry, NameIndex

    idx = NameIndex(
        [
            Entry("org/z1", "Zeta Sensors LLC"),
            Entry("org/z2", "Acme", ("ZETA SENSORS, INC.",)),
            Entry("org/t1", "Thermo Fisher Scientific"),
            Entry("org/t2", "Thermo Fischer Scientific"),
            Entry("org/c9", "Callyo 2009"),
            Entry("org/c10", "Callyo 2010"),
        ]
    )
    got = {(p.a, p.b): p for p in idx.pairs(min_score=80)}
    assert got[("org/z1", "org/z2")].how == "normalised"
    assert got[("org/z1", "org/z2")].b_label == "ZETA SENSORS, INC."  # matched by its alias
    assert got[("org/t1", "org/t2")].how == "fuzzy" and 80 <= got[("org/t1", "org/t2")].score < 100
    assert ("org/c10", "org/c9") not in got  # numbers differ


def test_resolve_records_decisions_only_on_ids_or_equal_names(tmp_path):
    """`resolve --same` finds its arguments with the entity lookup: an id or a name equal after
    normalisation is used; a merely similar name is refused with the suggestion."""
    decisions = tmp_path / "res.ttl"
    common = ["--no-bundled", "--data", str(CURATED), "--resolutions", str(decisions)]
    runner = CliRunner()
    res = runner.invoke(
        app, ["resolve", "--not-same", "Acme Holdings Corp.", "org/acme-analytics", *common]
    )
    assert res.exit_code == 0, res.output
    assert Decisions.load(decisions).apart(ORG + "acme-holdings", ORG + "acme-analytics")
    res = runner.invoke(app, ["resolve", "--same", "Acme Hold", "org/acme-analytics", *common])
    assert res.exit_code == 1
    assert "acme-holdings" in res.output and "Traceback" not in res.output


def test_resolver_over_a_store_built_file_by_file_equals_one_over_the_files():
    """The build loads the curated data once and adds each source as it is built: a resolver
    over that store knows exactly what one that parses all those files knows."""
    first, *rest = [*curated_files(), *sorted((data_dir() / "sources").glob("[ae]*.ttl"))]
    store = curated_store([first])
    for f in rest:
        add_to_store(store, f)
    a, b = Resolver(store=store), Resolver([first, *rest])
    assert a.records == b.records and len(a.records) > 1000
    assert a.claims == b.claims and len(a.claims) > 200
    assert a.curated_contracts == b.curated_contracts and a.curated_contracts
    assert a.by_name == b.by_name and a.by_id == b.by_id
