"""The query library: every question gives the expected rows, the same on SPARQL and Cypher."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import graphkit
from graphkit import queries
from graphkit.cli import app

FILES = ["tests/fixtures/mini.ttl", "tests/fixtures/mini-extra.ttl"]
DATA = ["--no-bundled", "-d", FILES[0], "-d", FILES[1]]
#: Parameters that fit the fictional fixture (entities by name or alias, to exercise find()).
PARAMS = {
    "agency": "FEA",
    "company": "Acme Holdings",
    "entity": "Borealis Analytics",
    "category": "face-recognition",
    "sector": "immigration-enforcement",
    "status": "alleged",
}


@pytest.fixture(scope="module")
def g():
    return graphkit.load(FILES, bundled=False, cache=False)


def params_for(q):
    return {p.name: PARAMS[p.name] for p in q.params}


def canon(rows):
    """Rows as sorted tuples, numbers compared as floats (engines type sums differently)."""

    def v(x):
        return round(float(x), 6) if isinstance(x, int | float) and not isinstance(x, bool) else x

    return sorted((tuple(v(x) for x in r) for r in rows), key=repr)


def test_library_has_ten_questions_with_both_engines_and_headers():
    lib = queries.library()
    assert len(lib) >= 10
    for q in lib.values():
        assert q.sparql and q.cypher, q.name
        assert q.description, q.name
        for text in (q.sparql, q.cypher):
            assert queries.parse_header(text)[1] == q.params, q.name


@pytest.mark.parametrize("name", sorted(queries.library()))
def test_sparql_and_cypher_give_the_same_rows(g, name):
    q = queries.library()[name]
    cols_s, rows_s = queries.run(name, g, params_for(q), engine="sparql")
    cols_c, rows_c = queries.run(name, g, params_for(q), engine="cypher")
    assert cols_s == cols_c
    assert rows_s, f"{name} returns no rows on the fixture: extend mini-extra.ttl"
    assert canon(rows_s) == canon(rows_c)


EXPECTED = {
    "vendors-of-agency": [
        (
            "org/fea",
            "org/borealis",
            "Borealis Analytics",
            "SUPPLIES",
            "confirmed",
            "claim/borealis-supplies-fea",
        ),
        (
            "org/fea",
            "org/nimbus-data",
            "Nimbus Data",
            "SUPPLIES",
            "alleged",
            "claim/nimbus-supplies-fea",
        ),
    ],
    "subsidiaries": [
        ("org/acme-holdings", "org/acme-cloud", "Acme Cloud Ltd.", 1),
        ("org/acme-holdings", "org/acme-labs", "Acme Labs", 2),
    ],
    "contracts-by-agency-year": [
        # FEA001: its record's larger amounts and start; FEA002: its own larger amount
        ("org/fea", "2020", "USD", 1, 1500000.0, 1600000.0, 0),
        ("org/fea", "2021", "USD", 2, 250000.25, 0, 500000.0),
    ],
    "paths-to-immigration-enforcement": [
        (
            "org/acme-holdings",
            "immigration-enforcement",
            "org/fea",
            "Federal Enforcement Agency",
            3,
            "org/acme-holdings > org/acme-cloud > org/borealis > org/fea",
        ),
        (
            "org/acme-holdings",
            "immigration-enforcement",
            "org/fea",
            "Federal Enforcement Agency",
            3,
            "org/acme-holdings > org/acme-cloud > product/facefinder > org/fea",
        ),
    ],
    "claims-by-status": [
        (
            "alleged",
            "claim/facefinder-used-by-river",
            "product/facefinder",
            "USED_BY",
            "org/river-county-police",
            1,
        ),
        ("alleged", "claim/nimbus-supplies-fea", "org/nimbus-data", "SUPPLIES", "org/fea", 2),
    ],
    "products-of-company": [
        ("org/acme-holdings", "product/acme-vision", "Acme Vision", None, None, None),
    ],
    "entities-by-sector": [
        ("immigration-enforcement", "org/fea", "Federal Enforcement Agency"),
    ],
    "agencies-using-technology": [
        (
            "face-recognition",
            "org/fea",
            "Federal Enforcement Agency",
            "product/facefinder",
            "FaceFinder",
            "reported",
        ),
        (
            "face-recognition",
            "org/river-county-police",
            "River County Police",
            "product/facefinder",
            "FaceFinder",
            "alleged",
        ),
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_expected_rows(g, name):
    q = queries.library()[name]
    _, rows = queries.run(name, g, params_for(q))
    assert canon(rows) == canon(EXPECTED[name])


def test_single_source_claims_exclude_multi_sourced(g):
    _, rows = queries.run("single-source-claims", g)
    claims = {r[0] for r in rows}
    assert "claim/borealis-supplies-fea" in claims
    assert "claim/nimbus-supplies-fea" not in claims  # two pieces of evidence
    assert len(claims) == 9


def test_denied_claims_stay_out_of_paths_and_ownership(g):
    """The denied OWNS claim is left out on both engines (Cypher by the projection's
    ``negated`` edge key, SPARQL by the derived triples), the others are followed."""
    for engine in ("sparql", "cypher"):
        _, rows = queries.run("subsidiaries", g, {"company": "Acme Holdings"}, engine=engine)
        assert {r[1] for r in rows} == {"org/acme-cloud", "org/acme-labs"}, engine


@pytest.mark.parametrize("engine", ["sparql", "cypher"])
@pytest.mark.parametrize("evil", ['"} ; DROP ALL #', "x'}) DETACH DELETE n //"])
def test_params_are_bound_not_spliced(g, engine, evil):
    cols, rows = queries.run("claims-by-status", g, {"status": evil}, engine=engine)
    assert rows == []
    _, again = queries.run("claims-by-status", g, {"status": "alleged"}, engine=engine)
    assert len(again) == 2  # nothing was deleted


def test_unknown_entity_and_param_are_clear_errors(g):
    with pytest.raises(graphkit.errors.EntityNotFound):
        queries.run("vendors-of-agency", g, {"agency": "No Such Agency"})
    with pytest.raises(queries.LibraryError, match="no parameter 'agencyy'"):
        queries.run("vendors-of-agency", g, {"agencyy": "FEA"})


def test_bad_header_names_file_and_line(tmp_path):
    (tmp_path / "x.rq").write_text("# description: d\n# param: a:color = red\nSELECT * {}\n")
    with pytest.raises(queries.LibraryError, match=r"x.rq:2"):
        queries.library(tmp_path)


def test_cli_lists_and_runs():
    r = CliRunner().invoke(app, ["ask", "--format", "json"])
    listed = {q["name"]: q for q in json.loads(r.stdout)}
    assert listed["vendors-of-agency"]["params"] == "agency=org/ice"
    for engine in ("sparql", "cypher"):
        r = CliRunner().invoke(
            app,
            [
                "ask",
                "vendors-of-agency",
                "--param",
                "agency=FEA",
                "--engine",
                engine,
                "--format",
                "csv",
                *DATA,
            ],
        )
        assert r.exit_code == 0, r.output
        assert r.stdout.splitlines()[1].startswith("org/fea,org/borealis,Borealis Analytics")
    r = CliRunner().invoke(app, ["ask", "vendors-of-agency", "--param", "agency=Nobody", *DATA])
    assert r.exit_code == 1 and "No entity matches" in r.output


def test_cli_unknown_question():
    r = CliRunner().invoke(app, ["ask", "no-such-question", *DATA])
    assert r.exit_code == 1 and "graphkit ask" in r.output


@pytest.fixture(scope="module")
def exported(g, tmp_path_factory):
    """The fixture graph written as Turtle by graphkit and read back by rdflib (once)."""
    import rdflib

    path = tmp_path_factory.mktemp("export") / "graph.ttl"
    path.write_bytes(g.dataset.serialize("ttl"))
    return rdflib.Graph().parse(path, format="turtle")


@pytest.mark.parametrize("name", sorted(queries.library()))
def test_every_rq_runs_unchanged_on_rdflib_against_an_exported_file(g, exported, name):
    """A portable library: each .rq declares its prefixes and gives the same rows on rdflib's
    SPARQL engine over `graphkit export -f ttl` as on graphkit (pyoxigraph)."""
    import rdflib

    from graphkit.sparql import plain

    q = queries.library()[name]
    other = exported
    bindings = queries.sparql_bindings(q, queries.resolve(q, g, params_for(q)))
    init = {
        k: rdflib.URIRef(v.value) if type(v).__name__ == "NamedNode" else rdflib.Literal(v.value)
        for k, v in bindings.items()
    }
    result = other.query(q.sparql, initBindings=init)  # no predeclared prefixes here
    cols = [str(v) for v in result.vars]

    def value(term):
        if term is None:
            return None
        if isinstance(term, rdflib.Literal):
            import pyoxigraph as ox

            dt = ox.NamedNode(str(term.datatype)) if term.datatype else None
            return plain(ox.Literal(str(term), datatype=dt) if dt else ox.Literal(str(term)))
        import pyoxigraph as ox

        return plain(ox.NamedNode(str(term)))

    rows = [[value(row[c]) for c in cols] for row in result]
    cols_s, rows_s = queries.run(name, g, params_for(q), engine="sparql")
    assert cols == cols_s
    assert canon(rows) == canon(rows_s)


@pytest.mark.parametrize("engine", ["sparql", "cypher"])
def test_ask_as_of_sees_only_claims_valid_then(engine):
    curated = {"GRAPHKIT_SOURCES": "none"}  # a small graph: each date builds its own Cypher db
    r = CliRunner().invoke(
        app,
        ["ask", "vendors-of-agency", "-p", "agency=ICE", "--engine", engine, "-f", "json"],
        env=curated,
    )
    now = {row["claim"] for row in json.loads(r.stdout)}
    r = CliRunner().invoke(
        app,
        [
            "ask",
            "vendors-of-agency",
            "-p",
            "agency=ICE",
            "--engine",
            engine,
            "-f",
            "json",
            "--as-of",
            "2016-01-01",
        ],
        env=curated,
    )
    then = {row["claim"] for row in json.loads(r.stdout)}
    # LexisNexis's contract began in March 2021: not a vendor on 1 January 2016
    assert "claim/lexisnexis-risk-solutions-supplies-ice" in now - then
    assert then < now


def _minnesota_rows() -> list[dict[str, str]]:
    import csv
    from pathlib import Path

    from graphkit.importers.build import manifest

    shared = Path("/work/shared/data")
    if not shared.is_dir():  # CI lays shared/ beside the clone
        shared = Path(__file__).resolve().parents[2] / "shared" / "data"
    (src,) = [s for s in manifest() if s.name == "usaspending-prime-mn"]
    with open(shared / src.file, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.slow  # the bundled dataset (parsed once a session: 2-3 s of CPU)
def test_contract_totals_match_the_minnesota_award_file_per_recipient(bundled_graph):
    """contracts-by-agency-year's obligated totals, restricted to each Minnesota recipient (the
    contracts whose contractor it is), equal the sum of that recipient's rows in the award file
    (csv module), plus what other sources give for ICE contracts the file does not list: an award
    the file and Torn Apart or the curated data both describe counts once, an amount only the
    file's gk:ContractRecord carries counts (West Publishing: $49.18M, not $21.13M)."""
    from collections import defaultdict
    from decimal import Decimal

    from graphkit.model import ID
    from graphkit.sparql import run

    text = queries.library()["contracts-by-agency-year"].sparql
    edits = [  # the same query, grouped by contractor as well
        ("gk:awardingAgency ?agency .", "gk:awardingAgency ?agency ; gk:contractor ?recipient ."),
        ("SELECT ?agency ?year", "SELECT ?recipient ?agency ?year"),
        ("GROUP BY ?agency ?year", "GROUP BY ?recipient ?agency ?year"),
    ]
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    ds = bundled_graph.dataset
    import pyoxigraph as ox

    ice = {"agency": ox.NamedNode(ID + "org/ice")}
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for r in run(ds, text, ice).rows():
        totals[r["recipient"]] += Decimal(str(r["obligated"]))

    # The contract (or record) each row of the file became, and its contractor.
    q = f"""PREFIX gk: <https://w3id.org/graphkit/ontology#>
        SELECT ?key ?k ?r WHERE {{ ?f gk:recordOf? ?k ; gk:awardKey ?key .
        ?k a gk:Contract ; gk:awardingAgency <{ID}org/ice> ; gk:contractor ?r }}"""
    of_key = {r["key"]: (r["k"], r["r"]) for r in run(ds, q).rows()}
    rows = _minnesota_rows()
    expected: dict[str, Decimal] = defaultdict(Decimal)
    listed = set()
    for row in rows:
        contract, recipient = of_key[row["contract_award_unique_key"]]
        listed.add(contract)
        expected[recipient] += Decimal(row["total_obligated_amount"] or 0)
    # ICE contracts of those recipients the file does not list: their own largest figure.
    q = f"""PREFIX gk: <https://w3id.org/graphkit/ontology#>
        SELECT ?k ?r (MAX(?o) AS ?ob) WHERE {{ ?k a gk:Contract ; gk:awardingAgency <{ID}org/ice> ;
        gk:contractor ?r . ?f gk:recordOf? ?k ; gk:obligatedAmount ?o }} GROUP BY ?k ?r"""
    others = 0
    for r in run(ds, q).rows():
        if r["r"] in expected and r["k"] not in listed:
            expected[r["r"]] += Decimal(str(r["ob"]))
            others += 1
    assert len(expected) > 10
    got = {r: totals[r] for r in expected}
    assert got == dict(expected), f"{others} contracts of other sources"
    west = sum(
        Decimal(r["total_obligated_amount"] or 0)
        for r in rows
        if r["recipient_uei"] == "L997DB4PEJL8"
    )
    assert west > 49_000_000 and totals["org/west-publishing"] >= west


def test_taxonomy_kinds_come_from_the_ontology(g):
    """A taxonomy parameter binds the IRI of the concept with that notation in the scheme the
    ontology names for the kind (gk:conceptScheme); an unknown notation binds text."""
    from graphkit.model import GK, TAXONOMY

    assert queries.taxonomy_kinds() == {
        "status": GK + "ClaimStatus",
        "sector": GK + "Sectors",
        "category": GK + "TechnologyCategories",
    }
    assert set(queries.kinds()) == {"entity", "string", "int", "status", "sector", "category"}
    q = queries.library()["agencies-using-technology"]
    bound = queries.sparql_bindings(q, queries.resolve(q, g, {"category": "face-recognition"}))
    assert bound["category"].value == TAXONOMY + "tech/face-recognition"
    bound = queries.sparql_bindings(q, queries.resolve(q, g, {"category": "no-such-thing"}))
    assert type(bound["category"]).__name__ == "Literal"


def test_question_texts_by_language_and_engine(tmp_path):
    """Files are read by the LANGUAGES suffixes; an engine's text is that of its language."""
    (tmp_path / "both.rq").write_text("# description: from rq\nSELECT * {}\n")
    (tmp_path / "both.cypher").write_text("// description: from cypher\nRETURN 1\n")
    (tmp_path / "only.cypher").write_text("// description: o\nRETURN 2\n")
    lib = queries.library(tmp_path)
    assert lib["both"].languages == ["sparql", "cypher"]
    assert lib["both"].description == "from rq"
    assert lib["only"].languages == ["cypher"]
    assert lib["both"].text("sparql").startswith("# description: from rq")
    for engine in ("cypher", "embedded-cypher", "neo4j"):
        assert lib["only"].text(engine).endswith("RETURN 2\n"), engine
    with pytest.raises(queries.LibraryError, match="'only' has no sparql version"):
        lib["only"].text("sparql")
    with pytest.raises(queries.LibraryError, match="unknown engine 'gremlin'"):
        lib["only"].text("gremlin")


def test_cli_listing_names_the_languages_of_each_question():
    r = CliRunner().invoke(app, ["ask", "--format", "json"])
    listed = {q["name"]: q for q in json.loads(r.stdout)}
    assert listed["subsidiaries"]["engines"] == "sparql, cypher"


def test_parameter_kinds_convert_their_text(g, tmp_path):
    """Each kind of BASIC_KINDS turns the text into its value; a bad int is a clear error."""
    (tmp_path / "k.rq").write_text(
        "# description: kinds\n# param: n:int = 3\n# param: who:entity = FEA\n"
        "# param: s:string = x\nSELECT * {}\n"
    )
    q = queries.library(tmp_path)["k"]
    assert queries.resolve(q, g, {}) == {"n": 3, "who": "org/fea", "s": "x"}
    with pytest.raises(queries.LibraryError, match="--param n must be an integer, got 'three'"):
        queries.resolve(q, g, {"n": "three"})
    bound = queries.sparql_bindings(q, queries.resolve(q, g, {}))
    assert bound["who"].value.endswith("/id/org/fea") and bound["n"].value == "3"


def test_query_files_name_their_language_by_suffix():
    from graphkit.viz import QUERY_SUFFIXES

    assert queries.language_of_file("q.RQ") == queries.language_of_file("a/q.sparql") == "sparql"
    assert queries.language_of_file("q.cql") == queries.language_of_file("q.cypher") == "cypher"
    assert queries.language_of_file("q.txt") is None
    assert QUERY_SUFFIXES == {
        ".rq": "sparql",
        ".sparql": "sparql",
        ".cypher": "cypher",
        ".cql": "cypher",
    }


def test_queries_name_no_status_but_through_parameters_or_flags():
    """A question filters on the ontology's flags (gk:negated, the projection's ``negated`` and
    ``flow``) or a bound parameter, never on a status notation written into its text."""
    from graphkit.model import schema

    notations = [s.notation for s in schema().statuses.values()]
    for q in queries.library().values():
        for language, text in q.texts.items():
            body = "\n".join(
                line for line in text.splitlines() if not line.lstrip().startswith(("#", "//"))
            )
            for n in notations:
                for written in (f"'{n}'", f'"{n}"', f"status:{n}", f"status/{n}"):
                    assert written not in body, (q.name, language, written)


@pytest.mark.slow  # the bundled graph (loaded once a session) into the embedded Cypher engine
def test_contracts_by_agency_year_cypher_twin_equals_the_sparql_on_the_bundled_data(bundled_graph):
    """The Cypher twin sees each contract's records through the record_K lists of its node and
    gives the SPARQL version's rows on every bundled source (records included)."""
    name = "contracts-by-agency-year"
    cols_s, rows_s = queries.run(name, bundled_graph, {"agency": "ICE"}, engine="sparql")
    cols_c, rows_c = queries.run(name, bundled_graph, {"agency": "ICE"}, engine="cypher")
    assert cols_s == cols_c
    a, b = canon(rows_s), canon(rows_c)
    assert len(a) > 10 and len(a) == len(b)
    for x, y in zip(a, b):  # amounts summed in another order: equal to the cent
        assert x[:3] == y[:3] and x[3:] == pytest.approx(y[3:], abs=0.005)
    obligated = cols_s.index("obligated")
    assert sum(float(r[obligated]) for r in rows_c) > 300_000_000  # records' figures included
