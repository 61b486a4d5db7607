"""The one ``--param`` grammar (graphkit/params.py) and its use by sparql, cypher, ask, viz."""

import datetime
import json

import pytest
from helpers import MINI
from typer.testing import CliRunner

from graphkit import params as P
from graphkit.cli import app

DATA = ["--no-bundled", "--data", str(MINI)]
runner = CliRunner()


def cli(*args):
    return runner.invoke(app, [*args, *DATA])


@pytest.mark.parametrize(
    "written, value",
    [
        ("n=3", 3),
        ("n=-2", -2),
        ("x=1.5", 1.5),
        ("x=2e3", 2000.0),
        ("ok=true", True),
        ("ok=false", False),
        ("d=2020-06-10", datetime.date(2020, 6, 10)),
        ("s=AWS", "AWS"),
        ("s=", ""),
        ("s='3'", "3"),
        ('s="true"', "true"),
        ("s='ido:ice'", "ido:ice"),
        ("s=a=b", "a=b"),
        ("s=http://example.org/x", "http://example.org/x"),  # a URL as text, not a prefix
        ("s=nope:x", "nope:x"),  # not a project prefix
        ("ids=[1, 2]", [1, 2]),
        ('m={"a": [1]}', {"a": [1]}),
        ("?v=1", 1),
        ("$v=1", 1),
    ],
)
def test_grammar(written, value):
    (p,) = P.parse([written]).values()
    assert p.value == value and type(p.value) is type(value)


def test_iris():
    got = P.values(P.parse(["a=<https://example.org/x>", "b=ido:ice", "c=status:confirmed"]))
    assert got == {
        "a": "https://example.org/x",
        "b": "https://w3id.org/graphkit/id/org/ice",
        "c": "https://w3id.org/graphkit/taxonomy/status/confirmed",
    }
    assert all(isinstance(v, P.IRI) for v in got.values())
    assert P.cypher_values(P.parse(["b=ido:ice"])) == {"b": "https://w3id.org/graphkit/id/org/ice"}
    assert type(P.cypher_values(P.parse(["b=ido:ice"]))["b"]) is str


def test_text_is_as_written_without_quotes():
    assert P.texts(P.parse(["a=007", "b='x y'", "c=ido:ice"])) == {
        "a": "007",
        "b": "x y",
        "c": "ido:ice",
    }


@pytest.mark.parametrize(
    "written, message",
    [
        ("novalue", "expected name=value"),
        ("1bad=2", "expected name=value"),
        ("=2", "expected name=value"),
        ("s='open", "not closed"),
        ('s="open', "not closed"),
        ("d=2020-02-30", "2020-02-30"),
        ("x=<not an iri>", "not an absolute IRI"),
        ("x=<relative>", "not an absolute IRI"),
        ("ids=[1, 2", "not valid JSON"),
    ],
)
def test_malformed_params_are_one_clear_error(written, message):
    with pytest.raises(P.ParamError, match=message):
        P.parse([written])


def test_a_name_given_twice_is_an_error():
    with pytest.raises(P.ParamError, match="given twice"):
        P.parse(["a=1", "a=2"])


# -- the commands: one grammar, values bound, malformed params exit 1 with one line -------------


@pytest.mark.parametrize(
    "cmd",
    [
        ["sparql", "SELECT ?x WHERE { ?x ?p ?o }"],
        ["cypher", "RETURN $x AS x"],
        ["ask", "vendors-of-agency"],
        ["viz", "--query", "queries/vendors-of-agency.rq", "-o", "/tmp/never-written.html"],
    ],
)
@pytest.mark.parametrize("bad", ["novalue", "x='open", "d=2020-13-01"])
def test_every_command_reports_a_malformed_param_in_one_line(cmd, bad):
    r = cli(*cmd, "--param", bad)
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output
    errors = [line for line in r.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "--param" in errors[0]


def test_sparql_binds_typed_values():
    q = "SELECT ?n ?d ?s ?i WHERE {}"
    r = cli(
        "sparql",
        q,
        "-p",
        "n=3",
        "-p",
        "d=2020-06-10",
        "-p",
        "s='ido:x'",
        "-p",
        "i=ido:x",
        "-f",
        "json",
    )
    assert r.exit_code == 0, r.output
    (row,) = json.loads(r.stdout)["results"]["bindings"]
    assert row["n"]["datatype"].endswith("#integer") and row["n"]["value"] == "3"
    assert row["d"]["datatype"].endswith("#date") and row["d"]["value"] == "2020-06-10"
    assert row["s"] == {"type": "literal", "value": "ido:x"}  # quoted: a string, not an IRI
    assert row["i"] == {"type": "uri", "value": "https://w3id.org/graphkit/id/org/x"}


def test_sparql_param_matches_data_only_as_a_value():
    q = "SELECT ?x ?n WHERE { ?x schema:name ?n }"
    r = cli("sparql", q, "-p", "x=ido:fea", "-f", "csv")
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[1].endswith(",Federal Enforcement Agency")
    evil = "n='\"} ; DROP ALL #'"
    r = cli("sparql", "SELECT ?n WHERE { ?x schema:name ?n }", "-p", evil, "-f", "csv")
    assert r.exit_code == 0 and r.stdout.splitlines() == ["n"]


def test_cypher_binds_typed_values_on_the_embedded_engine():
    r = cli(
        "cypher",
        "RETURN $n + 1 AS n, $s AS s, $ok AS ok, $ids AS ids, $d AS d",
        *("-p", "n=41", "-p", "s='41'", "-p", "ok=true", "-p", "ids=[1,2]", "-p", "d=2020-06-10"),
        "-f",
        "json",
    )
    assert r.exit_code == 0, r.output
    (row,) = json.loads(r.stdout)
    assert row["n"] == 42 and row["s"] == "41" and row["ok"] is True and row["ids"] == [1, 2]
    assert row["d"] == "2020-06-10"


def test_ask_and_viz_take_the_text_for_declared_kinds(tmp_path):
    r = cli("ask", "vendors-of-agency", "-p", "agency='FEA'", "-f", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)
    out = tmp_path / "v.json"
    r = cli(
        "viz",
        "--query",
        "queries/vendors-of-agency.rq",
        "-p",
        "agency=FEA",
        "-o",
        str(out),
        "-f",
        "json",
    )
    assert r.exit_code == 0, r.output
    assert any(n["id"] == "org/fea" for n in json.loads(out.read_text())["nodes"])
