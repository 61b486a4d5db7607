import re

import pytest
from helpers import FIXTURES, MINI, PREFIXES, write
from typer.testing import CliRunner

from graphkit.cli import app
from graphkit.store import Dataset, input_files
from graphkit.validate import (
    fast_shacl,
    line_index,
    load_shapes,
    pyshacl_shacl,
    validate,
)

BAD = FIXTURES / "bad-every-constraint.ttl"
#: A CLI problem line: "  file:line: id: message ..." (warnings say so after the id).
LINE = re.compile(r"^  (?P<file>\S+?):(?P<line>\d+): (?P<id>[^:]+(?: under \S+)?): (?P<msg>.+)$")


def report_for(*files, engine="fast"):
    return validate(Dataset.load(list(files), bundled=False), engine=engine)


def cli(*args):
    return CliRunner().invoke(app, ["validate", "--no-bundled", *args])


@pytest.mark.parametrize(
    "sources", [["none"], pytest.param(None, marks=pytest.mark.slow)], ids=["curated", "all"]
)
def test_bundled_data_validates(sources, request):
    if sources is None:  # every source: conftest's session dataset
        ds = request.getfixturevalue("bundled_dataset")
    else:
        ds = Dataset.load(files=input_files(sources=sources))
    report = validate(ds)
    assert report.ok, report.text()


@pytest.mark.usefixtures("rdflib_parses_each_query_once")
def test_bundled_data_same_problems_with_pyshacl():
    # pySHACL checks the core shapes; its SHACL-SPARQL (a query per focus node) takes a minute
    # here, so those run on pyoxigraph for this comparison; the fixtures below run them in pySHACL.
    # The curated data (the bundled sources, 174k triples, take pySHACL about a minute; the fast
    # engine validates them in test_bundled_data_validates).
    ds = Dataset.load(files=input_files(sources=["none"]))
    fast = {p.key() for p in fast_shacl(ds)}
    assert fast == {p.key() for p in pyshacl_shacl(ds, sparql_on_oxigraph=True)}


# pySHACL runs a SPARQL query per focus node: ~4 s of CPU per case, under a second when each
# query is parsed once (conftest)
@pytest.mark.parametrize(
    "files",
    [[MINI, FIXTURES / "mini-extra.ttl", FIXTURES / "resolve-curated.ttl"], [MINI, BAD]],
    ids=["good-fixtures", "bad-every-constraint"],
)
@pytest.mark.usefixtures("rdflib_parses_each_query_once")
def test_fast_engine_reports_exactly_what_pyshacl_reports(files):
    ds = Dataset.load(files, bundled=False)
    fast = sorted((p.key() for p in fast_shacl(ds)), key=repr)
    reference = sorted((p.key() for p in pyshacl_shacl(ds)), key=repr)
    assert fast == reference


def test_bad_fixture_breaks_every_kind_of_constraint():
    problems = fast_shacl(Dataset.load([MINI, BAD], bundled=False))
    components = {p.constraint for p in problems}
    assert components == {
        "MinCount", "MaxCount", "Class", "Node", "Datatype", "NodeKind", "Pattern",
        "MinLength", "SPARQL",
    }  # fmt: skip
    sparql = {c.message for s in load_shapes() for c in s.sparql}
    assert sparql == {p.message for p in problems if p.constraint == "SPARQL"}
    # every nested kind is reached through sh:node: sh:or of datatypes, sh:hasValue, sh:pattern
    nested = {((p.path or "").rsplit("#", 1)[-1].rsplit("/", 1)[-1], p.value) for p in problems}
    assert {("predicate", "https://schema.org/name"), ("issued", "abcd")} <= nested


def test_every_reported_shape_has_a_message():
    """Both engines then print the same text (pySHACL words its own defaults otherwise)."""
    for shape in load_shapes():
        for prop in shape.properties:
            assert prop.message, f"{shape.id} {prop.path} has no sh:message"


def test_fixture_validates():
    assert report_for(MINI).ok


def test_claim_without_evidence_names_file_and_line(tmp_path):
    f = write(
        tmp_path / "c.ttl",
        """
idc:no-evidence a gk:Claim ;
    rdf:subject ido:acme-cloud ; rdf:predicate gk:supplies ; rdf:object ido:fea ;
    gk:status status:reported .
""",
    )
    r = report_for(MINI, f)
    assert not r.ok
    [p] = [p for p in r.problems if "evidence" in p.message]
    assert p.file.endswith("c.ttl") and p.line == 12
    assert "claim/no-evidence" in r.text()


def test_evidence_without_url(tmp_path):
    f = write(
        tmp_path / "e.ttl",
        """
ide:no-url a gk:Evidence ; dcterms:title "T" ; dcterms:publisher "P" ;
    dcterms:type evidence-type:news .
ide:relative a gk:Evidence ; schema:url "/just/a/path" ; dcterms:title "T" ;
    dcterms:publisher "P" ; dcterms:type evidence-type:news .
""",
    )
    r = report_for(MINI, f)
    urls = {p.focus.rsplit("/", 1)[-1] for p in r.problems if "URL" in p.message}
    assert urls == {"no-url", "relative"}


def test_unknown_reference(tmp_path):
    f = write(
        tmp_path / "u.ttl",
        """
idc:dangling a gk:Claim ;
    rdf:subject ido:acme-cloud ; rdf:predicate gk:supplies ; rdf:object ido:nobody ;
    gk:status status:reported ; prov:wasDerivedFrom ide:acme-blog .
""",
    )
    r = report_for(MINI, f)
    assert any("unknown reference to org/nobody" in p.message for p in r.problems)
    assert any(p.line == 12 for p in r.problems)


def test_domain_and_range_come_from_the_ontology(tmp_path):
    f = write(
        tmp_path / "d.ttl",
        """
idc:agency-offers a gk:Claim ;
    rdf:subject ido:fea ; rdf:predicate gk:usedBy ; rdf:object ido:acme-cloud ;
    gk:status status:reported ; prov:wasDerivedFrom ide:acme-blog .
""",
    )
    messages = {p.message for p in report_for(MINI, f).problems}
    assert "The claim's subject does not fit the domain of its relationship type." in messages


# --- line numbers: one index per file ---------------------------------------------------------


def test_line_index_subjects_and_mentions(tmp_path):
    f = tmp_path / "x.ttl"
    f.write_text(
        PREFIXES
        + '''
# ido:in-a-comment a gk:Company .
idc:c a gk:Claim ;
    gk:summary """Mentions ido:in-a-string and
<https://w3id.org/graphkit/id/org/in-a-long-string> on two lines.""" ;
    rdf:subject ido:a ; rdf:object
        ido:b .
ido:b a gk:Company ; gk:amount 12.5 ; schema:name "B. V." .
<https://w3id.org/graphkit/id/org/a> a gk:Company .
PREFIX x: <https://w3id.org/graphkit/id/org/>
x:later a gk:Company .
''',
        encoding="utf-8",
    )
    idx = line_index(f)
    org = "https://w3id.org/graphkit/id/org/"
    assert idx.subjects["https://w3id.org/graphkit/id/claim/c"] == 13
    assert idx.line(org + "b") == 18  # a subject there, though first mentioned on line 17
    assert idx.mentions[org + "b"] == 17
    assert idx.line(org + "a") == 19 and idx.mentions[org + "a"] == 16
    assert idx.line(org + "later") == 21
    for hidden in ("in-a-comment", "in-a-string", "in-a-long-string"):
        assert idx.line(org + hidden) is None


def test_line_index_of_n_triples(tmp_path):
    f = tmp_path / "x.nt"
    s, p = "https://w3id.org/graphkit/id/org/", "https://schema.org/name"
    f.write_text(f'<{s}a> <{p}> "A . <{s}b>" .\n<{s}b> <{p}> "B" .\n', encoding="utf-8")
    assert line_index(f).subjects == {s + "a": 1, s + "b": 2}


def test_many_problems_in_one_file_each_get_their_own_line(tmp_path):
    body = "".join(
        f'ide:e{i} a gk:Evidence ; dcterms:title "T" ; dcterms:publisher "P" ;\n'
        "    dcterms:type evidence-type:news .\n"
        for i in range(50)
    )
    r = report_for(MINI, write(tmp_path / "many.ttl", body))
    lines = {p.focus.rsplit("/e", 1)[-1]: p.line for p in r.problems}
    assert lines == {str(i): 11 + 2 * i for i in range(50)}


# --- TriG and N-Quads ------------------------------------------------------------------------

DANGLING = """idc:dangling a gk:Claim ;
    rdf:subject ido:acme-cloud ; rdf:predicate gk:supplies ; rdf:object ido:nobody ;
    gk:status status:reported ; prov:wasDerivedFrom ide:acme-blog ."""


def test_trig_default_graph_fails_like_turtle(tmp_path):
    ttl = write(tmp_path / "d.ttl", "\n" + DANGLING + "\n")
    trig = write(tmp_path / "d.trig", "\n" + DANGLING + "\n")
    keys = [
        {(p.focus, p.message, p.line, p.constraint) for p in report_for(MINI, f).problems}
        for f in (ttl, trig)
    ]
    assert keys[0] == keys[1]
    assert any(k[3] == "Reference" and k[2] == 12 for k in keys[1])


def test_named_graph_problem_is_attributed_to_its_file(tmp_path):
    # other.ttl also writes the claim as a subject; the claim is declared in the TriG's graph.
    other = write(tmp_path / "other.ttl", '\nidc:in-graph gk:summary "a note" .\n')
    trig = write(
        tmp_path / "g.trig",
        "\n<https://example.org/graph/one> {\n"
        "idc:in-graph a gk:Claim ;\n"
        "    rdf:subject ido:acme-cloud ; rdf:predicate gk:supplies ; rdf:object ido:fea ;\n"
        "    gk:status status:reported .\n}\n",
    )
    r = report_for(MINI, other, trig)
    [p] = [p for p in r.problems if p.focus.endswith("in-graph")]
    assert p.file.endswith("g.trig") and p.line == 13, p


def test_n_quads_named_graph_problem_is_attributed_to_its_file(tmp_path):
    nq = tmp_path / "q.nq"
    ide = "https://w3id.org/graphkit/id/evidence/"
    nq.write_text(
        "# evidence without a URL, in a named graph\n"
        f"<{ide}nq> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        f"<https://w3id.org/graphkit/ontology#Evidence> <https://example.org/g> .\n",
        encoding="utf-8",
    )
    r = report_for(MINI, nq)
    assert {(p.file.rsplit("/", 1)[-1], p.line) for p in r.problems} == {("q.nq", 2)}


# --- bad input is a problem with file:line, never a crash ---------------------------------------

CLAIM = """idc:x a gk:Claim ;
    rdf:subject ido:acme-cloud ; rdf:predicate gk:supplies ; rdf:object ido:fea ;
    gk:status status:reported ;
"""


@pytest.mark.parametrize(
    "extra, message, code",
    [
        ('prov:wasDerivedFrom ide:acme-blog ; gk:startDate "2020" .', "Dates are xsd:date", 1),
        (
            'prov:wasDerivedFrom ide:acme-blog ; gk:startDate "2020-13-45"^^xsd:date .',
            "Dates are xsd:date",
            1,
        ),
        (
            'prov:wasDerivedFrom [ a gk:Evidence ; dcterms:title "T" ] .',
            "not a blank node",
            1,
        ),
        (
            'prov:wasDerivedFrom ide:acme-blog ; gk:startDate "2999-01-01"^^xsd:date .',
            "warning: The date is in the future.",
            0,
        ),
        (
            "prov:wasDerivedFrom ide:acme-blog ;\n"
            '    gk:startDate "2021"^^xsd:gYear ; gk:endDate "2020-12-31"^^xsd:date .',
            "The end date is before the start date.",
            1,
        ),
    ],
    ids=["untyped-date", "invalid-date", "blank-evidence", "future-date", "end-before-start"],
)
def test_bad_values_are_file_line_problems(tmp_path, extra, message, code):
    f = tmp_path / "bad.ttl"
    f.write_text(
        PREFIXES
        + "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n\n"
        + CLAIM
        + "    "
        + extra,
        encoding="utf-8",
    )
    r = cli("--data", str(MINI), "--data", str(f))
    assert r.exit_code == code, r.output
    assert "Traceback" not in r.output and "internal error" not in r.output
    lines = [m.groupdict() for m in map(LINE.match, r.output.splitlines()[1:]) if m]
    assert lines and len(lines) == len(r.output.strip().splitlines()) - 1, r.output
    [hit] = [m for m in lines if message in m["msg"]]
    assert hit["file"].endswith("bad.ttl") and hit["line"] == "13" and hit["id"] == "claim/x"


def test_cli_output_is_one_readable_line_per_problem():
    r = cli("--data", str(MINI), "--data", str(BAD))
    assert r.exit_code == 1
    head, *rest = r.output.strip().splitlines()
    assert re.fullmatch(r"\d+ error\(s\) and \d+ warning\(s\) in \d+ triples:", head)
    assert rest and all(LINE.match(line) for line in rest), r.output
    duns = "bad-every-constraint.ttl:20: org/nameless: A DUNS number is 9 digits. [gk:duns = 12345]"
    assert any(line.endswith(duns) for line in rest), r.output


@pytest.mark.slow  # parses and validates every bundled source again (~4 s of CPU)
def test_cli_on_bundled_data_passes(invoke_once):
    r = invoke_once(["validate"], env={})  # also a README example: run once a session
    assert r.exit_code == 0 and r.output.startswith("OK: "), r.output


@pytest.mark.usefixtures("rdflib_parses_each_query_once")
def test_cli_engine_pyshacl_prints_the_same_report(tmp_path):
    f = write(tmp_path / "e.ttl", '\nide:no-url a gk:Evidence ; dcterms:title "T" .\n')
    fast, ref = (
        cli("--data", str(MINI), "--data", str(f), "--engine", e) for e in ("fast", "pyshacl")
    )
    assert fast.exit_code == ref.exit_code == 1
    assert fast.output == ref.output and "e.ttl:12: evidence/no-url:" in fast.output
    assert cli("--engine", "nope").exit_code == 2


def test_unsupported_shape_constraint_is_refused_by_name(tmp_path):
    from graphkit.errors import DataError

    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix ex: <https://example.org/> .\n"
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ;\n"
        "    sh:property [ sh:path ex:p ; sh:maxLength 3 ] .\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError, match="maxLength"):
        load_shapes(shapes)


def test_cli_json_rows_carry_file_line_and_constraint(tmp_path):
    import json

    f = write(tmp_path / "e.ttl", '\nide:no-url a gk:Evidence ; dcterms:title "T" .\n')
    r = cli("--data", str(MINI), "--data", str(f), "-f", "json")
    assert r.exit_code == 1
    rows = json.loads(r.output)
    assert {(row["line"], row["constraint"], row["path"].rsplit("/", 1)[-1]) for row in rows} == {
        (12, "MinCount", "url"),
        (12, "MinCount", "publisher"),
        (12, "MinCount", "type"),
    }


def test_odd_input_is_reported_never_a_crash(tmp_path):
    """Blank-node claims and lists, odd datatypes, lexical forms no parser would take."""
    f = tmp_path / "odd.ttl"
    f.write_text(
        PREFIXES + "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "[] a gk:Claim ; rdf:subject [ a gk:Company ] ; rdf:predicate gk:supplies ;\n"
        '   rdf:object "x"@en ; gk:startDate "2020-02-30"^^xsd:date ,\n'
        '       "9999999999-01"^^xsd:gYearMonth ;\n'
        '   gk:endDate "-0001"^^xsd:gYear ; prov:wasDerivedFrom ( ido:a ido:b ) .\n'
        'ido:odd a gk:Company ; schema:name "O" ; gk:startDate "x"^^<https://example.org/dt> .\n',
        encoding="utf-8",
    )
    r = cli("--data", str(f))
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output and "internal error" not in r.output
    lines = r.output.strip().splitlines()[1:]
    assert lines and all(line.startswith(f"  {f}") for line in lines), r.output
    assert any("unknown reference to org/a" in line for line in lines)


def test_shapes_are_compiled_from_the_ontology_object(tmp_path):
    """The shapes come from the Ontology's parsed shape files (every file of the ontology that
    declares a targeted shape), not from a second read of shapes.ttl."""
    from graphkit.model import ontology, ontology_files, read_ontology, shapes_file
    from graphkit.validate import compile_shapes

    onto = ontology()
    assert [name for name, _ in onto.shape_sources] == [str(shapes_file())]
    assert onto.shape_sources[0][1] == shapes_file().read_text(encoding="utf-8")
    assert load_shapes() == compile_shapes(onto)
    extra = tmp_path / "more-shapes.ttl"
    extra.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix gk: <https://w3id.org/graphkit/ontology#> .\n"
        "@prefix ex: <https://example.org/> .\n"
        "ex:S a sh:NodeShape ; sh:targetClass gk:Company ;\n"
        '    sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:message "needs ex:p" ] .\n',
        encoding="utf-8",
    )
    both = read_ontology([*ontology_files(), shapes_file(), extra])
    ids = {s.id for s in compile_shapes(both)}
    assert "https://example.org/S" in ids and {s.id for s in load_shapes()} < ids
