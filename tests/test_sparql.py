"""graphkit.sparql and the ``graphkit sparql`` command on the fictional fixture."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from graphkit import sparql
from graphkit.cli import app
from graphkit.store import Dataset

MINI = ["tests/fixtures/mini.ttl"]
DATA = ["--no-bundled", "--data", "tests/fixtures/mini.ttl"]


@pytest.fixture(scope="module")
def ds():
    return Dataset.load(MINI, bundled=False)


def cli(*args):
    return CliRunner().invoke(app, [*args, *DATA])


def test_select_with_bound_param(ds):
    r = sparql.run(
        ds, "SELECT ?a ?name WHERE { ?x skos:altLabel ?a ; schema:name ?name }", {"a": "FEA"}
    )
    assert r.variables == ["a", "name"]
    assert r.rows() == [{"a": "FEA", "name": "Federal Enforcement Agency"}]


def test_iri_param_and_plain_values(ds):
    q = (
        "SELECT ?s ?p ?o ?st WHERE "
        "{ ?c rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; gk:status ?st }"
    )
    rows = sparql.run(ds, q, {"s": "ido:borealis"}).rows()
    assert rows == [{"s": "org/borealis", "p": "SUPPLIES", "o": "org/fea", "st": "confirmed"}]


def test_ask_and_construct(ds):
    assert sparql.run(ds, "ASK { ido:acme-cloud gk:hosts/gk:supplies ido:fea }").rows() == [
        {"result": True}
    ]
    r = sparql.run(ds, "CONSTRUCT { ?s schema:name ?n } WHERE { ?s a gk:Product ; schema:name ?n }")
    assert b'idp:facefinder schema:name "FaceFinder"' in r.serialize("ttl")


def test_injection_is_bound_not_spliced(ds):
    evil = '"} ; DROP ALL #'
    r = sparql.run(ds, "SELECT ?n WHERE { ?x schema:name ?n }", {"n": evil})
    assert r.rows() == []
    assert len(ds) > 0 and sparql.run(ds, "ASK { ?s ?p ?o }").rows() == [{"result": True}]


def test_syntax_error_names_line_and_column(ds):
    with pytest.raises(sparql.QueryError, match=r"line 2, column 10"):
        sparql.run(ds, "SELECT ?s WHERE {\n  ?s ?p }")


@pytest.mark.parametrize(
    "q", ["DROP ALL", "INSERT DATA { ido:a ido:b ido:c }", "PREFIX x: <urn:x>\nCLEAR DEFAULT"]
)
def test_updates_refused(ds, q):
    with pytest.raises(sparql.QueryError, match="refused"):
        sparql.run(ds, q)


def test_unprojected_param_is_a_readable_error(ds):
    with pytest.raises(sparql.QueryError, match="SELECT clause"):
        sparql.run(ds, "SELECT ?n WHERE { ?x schema:name ?n }", {"x": "ido:fea"})


def test_cli_formats():
    q = "SELECT ?n WHERE { ?x a gk:Product ; schema:name ?n }"
    out = cli("sparql", q, "--format", "json")
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["results"]["bindings"][0]["n"]["value"] == "FaceFinder"
    out = cli("sparql", q, "--format", "csv")
    assert out.stdout.splitlines() == ["n", "FaceFinder"]
    out = cli("sparql", q, "--format", "tsv")
    assert out.stdout.splitlines() == ["?n", '"FaceFinder"']
    out = cli("sparql", "SELECT ?s WHERE { ?s a gk:Product }")
    assert "idp:facefinder" in out.stdout


def test_cli_file_and_param(tmp_path):
    f = tmp_path / "q.rq"
    f.write_text("SELECT ?x ?n WHERE { ?x schema:name ?n }\n")
    out = cli("sparql", "--file", str(f), "--param", "x=ido:fea", "--format", "csv")
    assert out.exit_code == 0, out.output
    assert out.stdout.splitlines()[1].endswith(",Federal Enforcement Agency")


def test_cli_errors_exit_nonzero_without_traceback():
    out = cli("sparql", "SELECT ?s WHERE { ?s ?p }")
    assert out.exit_code == 1
    assert "line 1, column" in out.output and "Traceback" not in out.output
    out = cli("sparql", "DELETE WHERE { ?s ?p ?o }")
    assert out.exit_code == 1 and "refused" in out.output
    out = cli("sparql", "SELECT * WHERE { ?s ?p ?o }", "--param", "novalue")
    assert out.exit_code == 1 and "name=value" in out.output
