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


# -- no network, bounded input, time limit, dataset selection -----------------------------------


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection it receives."""

    def __init__(self):
        import socket
        import threading

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.hits: list[bytes] = []
        self.stop = False
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self):
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            conn.settimeout(1)
            try:
                self.hits.append(conn.recv(4096) or b"<connected>")
            except OSError:
                self.hits.append(b"<connected>")
            conn.close()

    def close(self):
        self.stop = True
        self.thread.join(2)
        self.sock.close()


@pytest.fixture
def listener():
    lst = Listener()
    yield lst
    lst.close()


@pytest.mark.parametrize(
    "q",
    [
        "SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }",
        "SELECT * WHERE { service silent <{url}> { ?s ?p ?o } }",
        "SELECT * WHERE { \\u0053ERVICE <{url}> { ?s ?p ?o } }",  # either reading of \\u
        "SELECT * WHERE { SERVICE ?unbound { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE <file:///etc/passwd> { ?s ?p ?o } }",
    ],
)
def test_service_is_refused_and_the_listener_gets_nothing(listener, tmp_path, q):
    q = q.replace("{url}", listener.url)
    with pytest.raises(sparql.QueryError, match="SERVICE .* is refused"):
        sparql.check(q)
    out = cli("sparql", q)
    assert out.exit_code == 1
    assert len(out.output.strip().splitlines()) == 1 and "is refused" in out.output
    f = tmp_path / "q.rq"
    f.write_text(q)
    out = CliRunner().invoke(app, ["viz", "--query", str(f), "-o", str(tmp_path / "g.html"), *DATA])
    assert out.exit_code == 1 and "is refused" in out.output, out.output
    assert listener.hits == []


def test_allow_service_still_refuses_unbound_and_file_targets():
    for target in ("?x", "<file:/x>", "ex:endpoint"):
        q = f"SELECT * {{ SERVICE {target} {{ ?s ?p ?o }} }}"
        with pytest.raises(sparql.QueryError, match="only a literal <http"):
            sparql.check(q, allow_service=True)
    q = "SELECT * { SERVICE <https://example.org/sparql> { ?s ?p ?o } }"
    assert sparql.check(q, allow_service=True).services == ("<https://example.org/sparql>",)


def test_service_in_strings_iris_and_comments_is_not_a_service():
    q = """SELECT ?service WHERE {  # SERVICE <http://x/>
        ?service <http://x/SERVICE> "SERVICE <http://x/> { }" , '''SERVICE ?x {}''' .
        ?service ex:SERVICE ?o }"""
    assert sparql.shape(q).services == ()
    assert sparql.check(q).has_dataset is False


def test_deep_nesting_and_long_queries_are_refused_before_the_engine(ds):
    deep = "SELECT * WHERE " + "{" * 5000 + "}" * 5000  # segfaults pyoxigraph if it gets there
    with pytest.raises(sparql.QueryError, match="5000 deep, more than the limit of 64"):
        sparql.run(ds, deep)
    out = cli("sparql", deep)
    assert out.exit_code == 1 and "limit of 64" in out.output
    long = "SELECT * WHERE { ?s ?p ?o }" + " " * sparql.MAX_QUERY_CHARS
    with pytest.raises(sparql.QueryError, match="more than the limit of 200,000"):
        sparql.run(ds, long)
    nested = "SELECT * WHERE " + "{" * 60 + "?s ?p ?o" + "}" * 60  # under the limit: runs
    assert sparql.run(ds, nested).rows()


def test_cli_timeout_stops_the_query():
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    out = cli("sparql", slow, "--timeout", "0.5")
    assert out.exit_code == 1
    assert "limit of 0.5 s" in out.output and "Traceback" not in out.output
    out = cli("sparql", "SELECT ?s WHERE { ?s a gk:Product }", "--timeout", "30")
    assert out.exit_code == 0 and "idp:facefinder" in out.stdout


def test_cli_non_utf8_file_is_a_one_line_error(tmp_path):
    f = tmp_path / "latin1.rq"
    f.write_bytes('SELECT * WHERE { ?s ?p "café" }'.encode("latin-1"))
    out = cli("sparql", "--file", str(f))
    assert out.exit_code == 1
    assert out.output.strip().splitlines() == [
        f"error: {f}: not UTF-8 text (byte 27: invalid continuation byte); save the query as UTF-8"
    ]


COUNT = "SELECT (COUNT(*) AS ?n) {} WHERE {{ ?s ?p ?o }}"


def _count(ds, q, **kw):
    return sparql.run(ds, q, **kw).rows()[0]["n"]


def test_from_selects_the_default_graph(ds):
    from graphkit.store import DERIVED

    everything = _count(ds, COUNT.format(""))
    # per claim: its own triple, gk:flowsTo and gk:relationship
    assert _count(ds, COUNT.format(f"FROM <{DERIVED}>")) == 12
    assert everything > 4
    assert _count(ds, COUNT.format(f"FROM NAMED <{DERIVED}>")) == 0  # empty default graph
    by_graph = (
        "SELECT ?g (COUNT(*) AS ?n) FROM NAMED <{}> {{ GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g"
    )
    assert sparql.run(ds, by_graph.format(DERIVED)).rows() == [{"g": DERIVED, "n": 12}]


def test_protocol_graph_parameters_override_from(ds):
    from graphkit.store import DERIVED

    q = COUNT.format("FROM <urn:nothing>")
    assert _count(ds, q) == 0
    assert _count(ds, q, default_graphs=[DERIVED]) == 12  # 4 claims x (own, flowsTo, relationship)
    assert _count(ds, COUNT.format(""), named_graphs=[DERIVED]) == 0
    with pytest.raises(sparql.QueryError, match="not a valid IRI"):
        sparql.run(ds, COUNT.format(""), default_graphs=["not an iri"])
    out = cli("sparql", COUNT.format(""), "--default-graph", DERIVED, "-f", "csv")
    assert out.exit_code == 0 and out.stdout.splitlines() == ["n", "12"]
    out = cli("sparql", COUNT.format(f"FROM <{DERIVED}>"), "-f", "csv")
    assert out.stdout.splitlines() == ["n", "12"]


def test_in_subprocess_returns_raises_and_reports_a_crash():
    import os
    import signal

    assert sparql.in_subprocess(lambda: ("rows", [1, 2]), 10) == ("rows", [1, 2])

    def bad():
        raise sparql.QueryError("bad input")

    with pytest.raises(sparql.QueryError, match="^bad input$"):
        sparql.in_subprocess(bad, 10)
    with pytest.raises(sparql.QueryError, match=r"crashed on this query \(exit code -9\)"):
        sparql.in_subprocess(lambda: os.kill(os.getpid(), signal.SIGKILL), 10)


def test_an_escaped_quote_cannot_hide_a_service():
    """pyoxigraph decodes \\u escapes only inside strings and IRIs; the SPARQL spec decodes them
    everywhere. A SERVICE visible under either reading is refused."""
    q = r'SELECT * WHERE { ?s ?p "x\u0022 . SERVICE <http://evil.example/> { ?a ?b ?c } \u0022" }'
    assert sparql.shape(q).services == ("<http://evil.example/>",)
