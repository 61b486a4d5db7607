"""graphkit.backends.neo4j and its CLI against a real Neo4j server (see conftest.py)."""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys

import pytest
from helpers import MINI, write
from typer.testing import CliRunner

import graphkit
from graphkit.backends import neo4j as N
from graphkit.backends.neo4j import scheme as S
from graphkit.cli import app
from graphkit.errors import EntityNotFound

pytestmark = pytest.mark.neo4j

FIX = ["--no-bundled", "--data", str(MINI)]
EVIL = "Evil\"}) DETACH DELETE n //`x` {y} \\' ; MATCH (m) DELETE m"
EVIL_TTL = """
ido:evil a gk:Company ;
    schema:name "Evil\\"}) DETACH DELETE n //`x` {y} \\\\' ; MATCH (m) DELETE m" ;
    skos:altLabel "semi;colon", "multi\\nline" .
idc:evil-hosts-borealis a gk:Claim ;
    rdf:subject ido:evil ; rdf:predicate gk:hosts ; rdf:object ido:borealis ;
    gk:status status:alleged ;
    gk:summary "It's \\"quoted\\" and `ticked`." ;
    prov:wasDerivedFrom ide:evil-post .
ide:evil-post a gk:Evidence ;
    schema:url "https://example.org/evil?q='x'&y=\\"z\\"" ;
    dcterms:title "Evil post" ;
    dcterms:publisher "Example {Press}" ;
    dcterms:type evidence-type:news .
"""
runner = CliRunner()


def cli(*args: str, ok: bool = True):
    r = runner.invoke(app, list(args))
    if ok:
        assert r.exit_code == 0, r.output
    return r


def loaded_counts(driver) -> dict:
    c = N.counts(driver)
    return {"labels": c["labels"], "relationship_types": c["relationship_types"]}


def expected_counts(g) -> dict:
    s = g.stats()
    return {"labels": s["labels"], "relationship_types": s["relationship_types"]}


@pytest.fixture
def evil_ttl(tmp_path):
    """An entity, a claim and evidence whose texts are made of Cypher and CSV syntax."""
    skos = "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
    return write(tmp_path / "evil.ttl", skos + EVIL_TTL)


# -- loading -------------------------------------------------------------------------------


def test_load_bundled_counts_match_projection_and_reload_is_idempotent(neo4j_clean):
    g = graphkit.load()
    r = json.loads(cli("neo4j", "load", "-f", "json").stdout)
    assert (r["nodes"], r["relationships"]) == (g.G.number_of_nodes(), g.G.number_of_edges())
    first = loaded_counts(neo4j_clean)
    assert first == expected_counts(g)
    cli("neo4j", "load", "--batch-size", "7")  # many small batches, same result
    assert loaded_counts(neo4j_clean) == first
    stats = json.loads(cli("neo4j", "stats", "-f", "json").stdout)
    assert stats["nodes"] == g.G.number_of_nodes()
    assert stats["relationships"] == g.G.number_of_edges()


def test_properties_round_trip(neo4j_clean):
    g = graphkit.load([MINI], bundled=False)
    N.load(neo4j_clean, N.from_networkx(g.G))
    with neo4j_clean.session() as s:
        node = s.run("MATCH (n:GraphkitNode {id: 'contract/FEA001'}) RETURN n").single()["n"]
        rel = s.run("MATCH ()-[r:SUPPLIES]->() RETURN r").single()["r"]
    assert set(node.labels) == {"Contract", "GraphkitNode"}
    assert node["obligated"] == 1250000.5 and node["evidence"] == ["evidence/award-FEA001"]
    assert "labels" not in node
    assert rel["claim"] == "claim/borealis-supplies-fea" and rel["status"] == "confirmed"
    assert rel["contracts"] == ["contract/FEA001"]
    assert rel["sources"] == ["https://example.org/awards/FEA001"]
    assert "start" not in rel  # None is dropped, not stored


def test_fixture_chain_found_by_cypher_with_evidence_on_every_hop(neo4j_clean):
    cli("neo4j", "load", *FIX)
    assert_chain(neo4j_clean, "org/acme-cloud", "org/fea", ["HOSTS", "SUPPLIES"])


def test_bundled_chain_aws_to_ice(neo4j_clean):
    g = graphkit.load()
    aws, ice = "org/amazon-web-services", "org/ice"
    if aws not in g.G or ice not in g.G:
        pytest.skip("the bundled data does not define org/amazon-web-services and org/ice yet")
    expected = g.path(aws, ice, max_hops=3)
    assert expected.found, "bundled data: AWS and ICE exist but are not connected"
    cli("neo4j", "load")
    paths = assert_chain(neo4j_clean, aws, ice, None)
    assert {tuple(p) for p in paths} == {tuple(p) for p in expected.paths}


def assert_chain(driver, a: str, b: str, types: list[str] | None) -> list[list[str]]:
    """Paths a -> b by Cypher, each hop a claim whose evidence nodes have URLs."""
    cols, rows = N.run_cypher(
        driver,
        "MATCH p = (a:Entity {id: $a})-[*1..3]->(b:Entity {id: $b}) "
        "WHERE all(r IN relationships(p) WHERE r.claim IS NOT NULL) "
        "AND all(i IN range(0, length(p) - 1) WHERE NOT nodes(p)[i] IN nodes(p)[i + 1..]) "
        "RETURN [n IN nodes(p) | n.id] AS ids, "
        "[r IN relationships(p) | [type(r), COUNT { MATCH (e:Evidence) "
        "WHERE e.id IN r.evidence AND e.url STARTS WITH 'http' }]] AS hops",
        {"a": a, "b": b},
    )
    assert cols == ["ids", "hops"] and rows, f"no path {a} -> {b} in Neo4j"
    for ids, hops in rows:
        assert ids[0] == a and ids[-1] == b
        assert all(n >= 1 for _, n in hops), f"a hop without evidence: {hops}"
    if types:
        assert [[t for t, _ in hops] for _, hops in rows] == [types]
    return sorted({tuple(ids) for ids, _ in rows})


def test_hostile_name_is_stored_verbatim_and_runs_nothing(neo4j_clean, evil_ttl):
    g = graphkit.load([MINI, evil_ttl], bundled=False)
    assert g.G.nodes["org/evil"]["name"] == EVIL
    cli("neo4j", "load", "--no-bundled", "--data", str(MINI), "--data", str(evil_ttl))
    assert loaded_counts(neo4j_clean) == expected_counts(g)  # nothing was deleted
    out = cli("cypher", "MATCH (n:Company {name: $n}) RETURN n.name AS name, n.aliases AS a",
              "-p", f"n={EVIL}", "-f", "json").stdout  # fmt: skip
    assert json.loads(out) == [{"name": EVIL, "a": ["multi\nline", "semi;colon"]}]
    path = json.loads(cli("path", "evil", "FEA", "--backend", "neo4j", "-f", "json").stdout)
    assert path["source"]["name"] == EVIL


# -- replace and foreign data ---------------------------------------------------------------


def test_replace_removes_only_stale_graphkit_data(neo4j_clean, evil_ttl):
    with neo4j_clean.session() as s:
        s.run(
            "CREATE (a:Foreign:Company {id: 'org/foreign', name: 'not ours'})"
            "-[:SUPPLIES {claim: 'mine'}]->(b:Foreign {id: 'x'})"
        ).consume()
    try:
        cli("neo4j", "load", "--no-bundled", "--data", str(MINI), "--data", str(evil_ttl))
        with neo4j_clean.session() as s:  # a foreign relationship onto a graphkit node
            s.run(
                "MATCH (f:Foreign {id: 'x'}), (b:GraphkitNode {id: 'org/borealis'}) "
                "CREATE (f)-[:NOTES]->(b)"
            ).consume()
        r = json.loads(cli("neo4j", "load", *FIX, "--replace", "-f", "json").stdout)
        assert r["removed_nodes"] == 2 and r["removed_relationships"] == 1  # evil + post
        assert loaded_counts(neo4j_clean) == expected_counts(graphkit.load([MINI], bundled=False))
        with neo4j_clean.session() as s:
            foreign = s.run(
                "MATCH (a:Foreign)-[r:SUPPLIES]->(b:Foreign) RETURN a.name, r.claim, b.id"
            ).values()
            notes = s.run("MATCH (:Foreign)-[r:NOTES]->(:GraphkitNode) RETURN count(r)").single()
        assert foreign == [["not ours", "mine", "x"]]
        assert notes[0] == 1
        N.clear(neo4j_clean)  # clearing graphkit data also leaves foreign nodes alone
        with neo4j_clean.session() as s:
            assert s.run("MATCH (n:Foreign) RETURN count(n)").single()[0] == 2
            s.run("CREATE (:Foreign:Company {id: 'org/borealis'})").consume()
        r = cli("neo4j", "load", *FIX, ok=False)  # a foreign node holds a graphkit id
        assert r.exit_code == 1 and "constraint" in r.output and "org/borealis" in r.output
        assert N.counts(neo4j_clean)["nodes"] == 0  # the failed first load removed its part
    finally:
        with neo4j_clean.session() as s:
            s.run("MATCH (n:Foreign) DETACH DELETE n").consume()


def test_reload_keeps_user_properties_and_drops_stale_graphkit_ones(neo4j_clean, tmp_path):
    """Only what graphkit wrote changes: a user's property stays, a dropped alias goes."""
    cli("neo4j", "load", *FIX)
    with neo4j_clean.session() as s:
        s.run(
            "MATCH (n:GraphkitNode {id: 'org/acme-cloud'})-[r:HOSTS]->() "
            "SET n.note = 'mine', r.note = 'mine too'"
        ).consume()
    no_alias = write(tmp_path / "mini.ttl", MINI.read_text().replace('skos:altLabel "ACL" ;', ""))
    cli("neo4j", "load", "--no-bundled", "--data", str(no_alias))

    def acme():
        with neo4j_clean.session() as s:
            return s.run(
                "MATCH (n:GraphkitNode {id: 'org/acme-cloud'})-[r:HOSTS]->() "
                "RETURN properties(n) AS n, properties(r) AS r"
            ).single()

    row = acme()
    assert row["n"]["note"] == "mine" and row["r"]["note"] == "mine too"
    assert "aliases" not in row["n"] and row["n"]["name"] == "Acme Cloud Ltd."
    assert "note" not in row["n"]["gk_keys"]
    with pytest.raises(EntityNotFound):  # the lookup index forgot "ACL" too
        N.find(neo4j_clean, "ACL")
    cli("neo4j", "load", *FIX, "--replace")  # replace removes graphkit data only
    row = acme()
    assert row["n"]["note"] == "mine" and row["r"]["note"] == "mine too"
    assert row["n"]["aliases"] == ["ACL"]
    assert N.find(neo4j_clean, "ACL") == "org/acme-cloud"


def test_find_uses_the_name_index(neo4j_clean, evil_ttl):
    cli("neo4j", "load", *FIX, "--data", str(evil_ttl))
    with neo4j_clean.session() as s:
        idx = s.run(
            "SHOW FULLTEXT INDEXES YIELD name, labelsOrTypes, properties, state "
            "WHERE name = 'graphkit_entity_names' RETURN labelsOrTypes, properties, state"
        ).values()
    assert idx == [[["Entity"], ["gk_match"], "ONLINE"]]
    assert N.find(neo4j_clean, "acl") == "org/acme-cloud"  # alias, any case
    assert N.find(neo4j_clean, "ACME CLOUD") == "org/acme-cloud"  # normalised name
    assert N.find(neo4j_clean, EVIL) == "org/evil"  # Lucene syntax in a name is just text
    assert N.find(neo4j_clean, "Semi;Colon") == "org/evil"
    with pytest.raises(EntityNotFound):  # not a Lucene query that matches everything
        N.find(neo4j_clean, 'x" OR *:*')


# -- errors ---------------------------------------------------------------------------------


def graphkit_cli(*args: str, env: dict) -> subprocess.CompletedProcess:
    """The installed console script, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-c", "from graphkit.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("command", [["cypher", "RETURN 1"], ["neo4j", "load", *FIX]])
def test_unreachable_server_and_wrong_password_are_clear_errors(neo4j_env, command):
    bad = {**neo4j_env, "NEO4J_URI": f"bolt://127.0.0.1:{closed_port()}"}
    r = graphkit_cli(*command, env=bad)
    assert r.returncode == 1, r.stderr
    assert "cannot reach Neo4j at bolt://127.0.0.1:" in r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    r = graphkit_cli(*command, env={**neo4j_env, "NEO4J_PASSWORD": "wrong-password"})
    assert r.returncode == 1, r.stderr
    assert "refused the login of user 'neo4j'" in r.stderr
    assert "Traceback" not in r.stderr + r.stdout


@pytest.mark.slow  # restarts the session's server
def test_server_stopped_mid_session_is_a_clear_error(neo4j_home, neo4j_env, neo4j_driver):
    """The session's server, stopped under a connected driver, then started again."""
    admin = neo4j_home / "bin" / "neo4j"
    drv = N.Connection.from_env(
        uri=neo4j_env["NEO4J_URI"], password=neo4j_env["NEO4J_PASSWORD"]
    ).driver()
    N.run_cypher(drv, "RETURN 1")
    stop = subprocess.run([str(admin), "stop"], capture_output=True, text=True, timeout=300)
    assert stop.returncode == 0, stop.stderr
    try:
        with pytest.raises(N.Neo4jError, match="cannot reach Neo4j"):
            N.run_cypher(drv, "RETURN 1")
        r = graphkit_cli("cypher", "RETURN 1", env=neo4j_env)
        assert r.returncode == 1 and "cannot reach Neo4j" in r.stderr
        assert "Traceback" not in r.stderr
    finally:
        start = subprocess.run([str(admin), "start"], capture_output=True, text=True)
        drv.close()
    assert start.returncode == 0, start.stderr
    assert N.run_cypher(neo4j_driver, "RETURN 1 AS x") == (["x"], [[1]])  # same URI again


def test_bad_uri_scheme(neo4j_env):
    r = graphkit_cli("cypher", "RETURN 1", "--uri", "http://127.0.0.1:7474", env=neo4j_env)
    assert r.returncode == 1 and "bad Neo4j URI" in r.stderr
    for uri in ("bolt://[::1:7687", "bolt://localhost:99999", "bolt://"):  # once internal errors
        r = cli("cypher", "RETURN 1", "--uri", uri, ok=False)
        assert r.exit_code == 1 and "bad Neo4j URI" in r.output, r.output


# -- cypher command -------------------------------------------------------------------------


def test_cypher_is_read_only_unless_write(neo4j_clean):
    r = cli("cypher", "MATCH (n) DETACH DELETE n", ok=False)
    assert r.exit_code == 1 and "--write" in r.output and "DETACH" in r.output
    r = cli("cypher", "CALL db.createLabel('GkSneaky')", ok=False)  # a write in a procedure
    assert r.exit_code == 1 and "--write" in r.output
    cli("cypher", "CREATE (:GkTestWrite {v: $v})", "--write", "-p", "v=[1, 2]")
    out = cli("cypher", "MATCH (n:GkTestWrite) RETURN n.v AS v", "-f", "json").stdout
    assert json.loads(out) == [{"v": [1, 2]}]
    cli("cypher", "MATCH (n:GkTestWrite) DELETE n", "--write")


def test_cypher_renders_nodes_relationships_paths(neo4j_clean, tmp_path):
    cli("neo4j", "load", *FIX)
    q = tmp_path / "q.cypher"
    q.write_text(
        "// the chain\nMATCH p = (a {id: $a})-[:HOSTS]->()-[s:SUPPLIES]->(c) "
        "RETURN p, a, s, c.name AS name, size(s.evidence) AS n;\n",
        encoding="utf-8",
    )
    table = cli("cypher", "--file", str(q), "-p", "a=org/acme-cloud", "-f", "csv").stdout
    row = next(csv.DictReader(table.splitlines()))
    assert row["p"] == (
        "Acme Cloud Ltd. -[HOSTS]-> Borealis Analytics -[SUPPLIES]-> Federal Enforcement Agency"
    )
    assert row["a"] == "(:Company {id: 'org/acme-cloud', name: 'Acme Cloud Ltd.'})"
    assert row["s"].startswith("[:SUPPLIES {claim: 'claim/borealis-supplies-fea'")
    assert row["name"] == "Federal Enforcement Agency" and row["n"] == "1"
    data = json.loads(
        cli("cypher", "--file", str(q), "-p", "a=org/acme-cloud", "-f", "json").stdout
    )
    p = data[0]["p"]
    assert [n["properties"]["id"] for n in p["nodes"]] == [
        "org/acme-cloud",
        "org/borealis",
        "org/fea",
    ]
    assert [r["type"] for r in p["relationships"]] == ["HOSTS", "SUPPLIES"]
    assert p["relationships"][1]["start"] == "org/borealis"
    assert data[0]["a"]["labels"] == ["Company", "Organization", "Entity"]
    backwards = cli("cypher", "MATCH p = (:Entity {id: 'org/fea'})<-[:SUPPLIES]-() RETURN p",
                    "-f", "csv").stdout  # fmt: skip
    assert "Federal Enforcement Agency <-[SUPPLIES]- Borealis Analytics" in backwards


def test_cypher_errors_are_messages(neo4j_clean):
    r = cli("cypher", "RETRN 1", ok=False)
    assert r.exit_code == 1 and "Cypher syntax error" in r.output
    r = cli("cypher", "RETURN $x", "-p", "not a param", ok=False)
    assert r.exit_code == 1 and "--param" in r.output


# -- path over Neo4j ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["ACL", "FEA"],
        ["acme cloud", "Federal Enforcement Agency"],  # found through resolve.normalize
        ["FEA", "ACL", "--undirected"],
        ["river-county-police", "ACL", "--undirected", "--max-hops", "2"],
        ["river-county-police", "ACL", "--undirected", "--max-hops", "3"],
        ["ACL", "FEA", "--type", "hosts"],
        ["ACL", "FEA", "--status", "confirmed,reported", "--shortest"],
        ["ACL", "FEA", "--status", "confirmed"],
        ["FEA", "ACL"],
    ],
)
def test_path_neo4j_equals_networkx(neo4j_clean, evil_ttl, args):
    data = [*FIX, "--data", str(evil_ttl)]
    cli("neo4j", "load", *data)
    local = cli("path", *args, *data, "-f", "json", ok=False)
    remote = cli("path", *args, "--backend", "neo4j", "-f", "json", ok=False)
    assert remote.exit_code == local.exit_code
    a, b = json.loads(local.stdout), json.loads(remote.stdout)
    b.pop("near"), a.pop("near")
    assert a == b
    if a["paths"]:  # the printed report too (when nothing is found, hints may differ)
        assert cli("path", *args, *data).stdout == cli("path", *args, "--backend", "neo4j").stdout


def test_path_neo4j_on_bundled_data(neo4j_clean):
    cli("neo4j", "load")
    for a, b in (("AWS", "ICE"), ("ICE", "AWS")):
        local = json.loads(cli("path", a, b, "-f", "json", ok=False).stdout)
        remote = json.loads(cli("path", a, b, "--backend", "neo4j", "-f", "json", ok=False).stdout)
        assert [p["nodes"] for p in local["paths"]] == [p["nodes"] for p in remote["paths"]]


# -- exports --------------------------------------------------------------------------------


def test_export_neo4j_csv_headers_and_rows(tmp_path, evil_ttl):
    out = tmp_path / "csv"
    r = cli("export", "--format", "neo4j-csv", str(out), "--no-bundled", "--data", str(MINI),
            "--data", str(evil_ttl))  # fmt: skip
    cmd = r.stdout.strip()
    assert cmd.startswith("neo4j-admin database import full neo4j ")
    files = {p.name: list(csv.reader(p.open(encoding="utf-8"))) for p in out.iterdir()}
    assert set(files) == {
        "nodes_Company.csv",
        "nodes_Contract.csv",
        "nodes_Evidence.csv",
        "nodes_GovernmentAgency.csv",
        "nodes_Product.csv",
        "relationships_AWARDED_BY.csv",
        "relationships_AWARDED_TO.csv",
        "relationships_HOSTS.csv",
        "relationships_OFFERS.csv",
        "relationships_SUPPLIES.csv",
        "relationships_USED_BY.csv",
    }
    for name in files:
        assert f"--{'nodes' if name.startswith('nodes') else 'relationships'}=" in cmd
        assert str(out / name) in cmd
    company = files["nodes_Company.csv"]
    assert company[0][:2] == ["id:ID", ":LABEL"]
    assert {"aliases:string[]", "name:string", "sectors:string[]", "gk_load:long"} <= set(
        company[0]
    )
    assert len(company) == 1 + 3  # acme, borealis, evil
    rows = {r[0]: dict(zip(company[0], r)) for r in company[1:]}
    assert rows["org/evil"]["name:string"] == EVIL
    assert rows["org/evil"][":LABEL"] == "Company;Organization;Entity;GraphkitNode"
    delim = cmd.split("--array-delimiter=")[1].split()[0].strip("'")
    assert delim != ";"  # an alias contains ';', so another delimiter was chosen
    assert rows["org/evil"]["aliases:string[]"].split(delim) == ["multi\nline", "semi;colon"]
    assert "--multiline-fields=true" in cmd
    contract = files["nodes_Contract.csv"]
    assert "obligated:float" in contract[0] and len(contract) == 2
    hosts = files["relationships_HOSTS.csv"]
    assert hosts[0][:3] == [":START_ID", ":END_ID", ":TYPE"]
    assert {"claim:string", "evidence:string[]", "sources:string[]"} <= set(hosts[0])
    assert len(hosts) == 1 + 2 and {r[2] for r in hosts[1:]} == {"HOSTS"}
    assert len(files["relationships_AWARDED_BY.csv"]) == 2
    assert "link:string" in files["relationships_AWARDED_BY.csv"][0]


def test_export_cypher_script_replays_to_the_same_graph(neo4j_clean, tmp_path, evil_ttl):
    script = tmp_path / "graph.cypher"
    data = ["--no-bundled", "--data", str(MINI), "--data", str(evil_ttl)]
    cli("export", "--format", "cypher", "-o", str(script), *data)
    text = script.read_text(encoding="utf-8")
    assert "CREATE CONSTRAINT IF NOT EXISTS FOR (n:`Company`) REQUIRE n.id IS UNIQUE;" in text
    assert "$" not in text.replace("$rows", "")  # literal values, no parameters
    r = cli("cypher", "--file", str(script), ok=False)
    assert r.exit_code == 1 and "--write" in r.output  # replaying writes
    cli("cypher", "--write", "--file", str(script))
    g = graphkit.load([MINI, evil_ttl], bundled=False)
    assert loaded_counts(neo4j_clean) == expected_counts(g)
    with neo4j_clean.session() as s:
        name, summary = s.run(
            "MATCH (n {id: 'org/evil'})-[r:HOSTS]->() RETURN n.name, r.summary"
        ).single()
    assert name == EVIL and summary == 'It\'s "quoted" and `ticked`.'
    cli("cypher", "--write", "--file", str(script))  # replaying is idempotent too
    assert loaded_counts(neo4j_clean) == expected_counts(g)


# -- pure functions (no server) -------------------------------------------------------------


def test_write_clause_detection():
    assert N.write_clause("MATCH (n) RETURN n") is None
    assert N.write_clause("MATCH (n {name: 'CREATE'}) RETURN n.set AS `DELETE`") is None
    assert N.write_clause("MATCH (n) // SET\nRETURN n /* MERGE */") is None
    assert N.write_clause("match (n) set n.x = 1") == "SET"
    assert N.write_clause("LOAD CSV FROM 'file:///x' AS r RETURN r") == "LOAD"
    assert N.write_clause("MATCH (n) CALL { WITH n DELETE n } IN TRANSACTIONS") == "CALL"
    assert N.write_clause("MATCH (n) WITH n DELETE n") == "DELETE"
    assert N.write_clause("INSERT (:X)") == "INSERT"
    # one guard for both engines: the union of their keywords
    assert N.write_clause("COPY t FROM 'x.csv'") == "COPY"  # embedded engine's file access
    assert N.write_clause("STOP DATABASE neo4j") == "STOP"
    assert N.write_clause("MATCH (n:Create)-[:SET]->(m) RETURN n.delete, $merge") is None


def test_split_statements():
    assert N.split_statements("RETURN ';' AS a; RETURN `x;y`;\n// done;\n") == [
        "RETURN ';' AS a",
        "RETURN `x;y`",
    ]
    # --param values: graphkit.params (tests/test_params.py)


def test_labels_and_types_come_only_from_the_ontology():
    from graphkit.errors import DataError
    from graphkit.projection import PropertyGraph

    bad = PropertyGraph(nodes={"x": {"labels": ("Company`) DETACH DELETE n //",)}})
    with pytest.raises(DataError, match="not defined in the ontology"):
        N.export_cypher(bad).__next__()
    pg = PropertyGraph(
        nodes={"a": {"labels": ("Company",)}, "b": {"labels": ("Company",)}},
        edges=[("a", "b", "DELETES_EVERYTHING", {"claim": "c"})],
    )
    with pytest.raises(DataError, match="relationship type"):
        N.load(None, pg)


def _operators(plan: dict):
    yield plan["operatorType"].split("@")[0]
    for child in plan.get("children", []):
        yield from _operators(child)


def test_fresh_load_queries_stream_without_eager(neo4j_clean):
    """The CREATE queries of a first load must not buffer whole batches (an ``Eager``
    operator, which ``SET n = row.p`` caused); their keys are escaped identifiers."""
    keys = ["id", "name", "odd`key"]
    queries = [
        S.create_nodes_query(("Company", "Organization", "Entity"), keys),
        S.create_edges_query("SUPPLIES", ["claim", "odd`key"]),
    ]
    with neo4j_clean.session() as s:
        for q in queries:
            ops = list(_operators(s.run("EXPLAIN " + q, rows=[]).consume().plan))
            assert "Create" in ops and "Eager" not in ops, (q, ops)  # EagerAggregation is fine
        ids, es = s.run(queries[0], rows=[["org/x", "X", None], ["org/y", None, 1]]).single()
        s.run(queries[1], rows=[[es[0], es[1], "claim/x-y", True]]).consume()
        got = s.run(
            "MATCH (a {id: 'org/x'})-[r:SUPPLIES]->(b {id: 'org/y'}) "
            "RETURN properties(a), properties(b), properties(r)"
        ).values()
        s.run("MATCH (n:GraphkitNode) WHERE n.id IN ['org/x', 'org/y'] DETACH DELETE n").consume()
    assert ids == ["org/x", "org/y"]
    assert got == [[{"id": "org/x", "name": "X"}, {"id": "org/y", "odd`key": 1},
                    {"claim": "claim/x-y", "odd`key": True}]]  # fmt: skip


def test_neo4j_values():
    assert N.properties({"labels": ("A",), "x": None, "l": [1, 2.5], "m": [1, "a"]}) == {
        "l": [1.0, 2.5],
        "m": ["1", "a"],
    }


def test_neo4j_admin_imports_the_csv_export(neo4j_uri, tmp_path, evil_ttl):
    """The printed command, run by Neo4j's own importer (from scripts/neo4j-server's build)."""
    from conftest import SERVER

    lib = SERVER.parent / "neo4j" / "target" / "lib"
    subprocess.run([str(SERVER), "build"], capture_output=True, timeout=900)
    if not lib.is_dir():
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("scripts/neo4j-server build did not produce the Neo4j jars")
        pytest.skip("Neo4j's jars are not built (scripts/neo4j-server build needs Maven)")
    out = tmp_path / "csv"
    r = cli("export", "-f", "neo4j-csv", str(out), *FIX, "--data", str(evil_ttl))
    home = tmp_path / "home"
    (home / "conf").mkdir(parents=True)
    admin = tmp_path / "neo4j-admin"
    admin.write_text(
        "#!/bin/sh\n"
        f'exec java -Xmx512m -cp "{lib}/*" -Dneo4j.home="{home}" org.neo4j.cli.AdminTool "$@"\n'
    )
    admin.chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}", "NEO4J_HOME": str(home),
           "NEO4J_CONF": str(home / "conf")}  # fmt: skip
    done = subprocess.run(
        r.stdout.strip(), shell=True, cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    g = graphkit.load([MINI, evil_ttl], bundled=False)
    props = 0
    for f in out.iterdir():
        rows = list(csv.reader(f.open(encoding="utf-8")))
        head = rows[0]
        keep = [i for i, h in enumerate(head) if not h.startswith(":") or h == ":ID"]
        props += sum(1 for row in rows[1:] for i in keep if row[i] != "")
    summary = done.stdout.split("Imported:")[1]
    assert f"{g.G.number_of_nodes()} nodes" in summary
    assert f"{g.G.number_of_edges()} relationships" in summary
    assert f"{props} properties" in summary


def test_cypher_without_uri_runs_on_the_embedded_engine(monkeypatch):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    q = "MATCH (a:Company)-[:HOSTS]->(b) RETURN a, b.name AS n"
    out = cli("cypher", q, *FIX, "-f", "csv").stdout
    row = next(csv.DictReader(out.splitlines()))
    assert row == {"a": "(:Company {id: 'org/acme-cloud', name: 'Acme Cloud Ltd.'})",
                   "n": "Borealis Analytics"}  # fmt: skip
    r = cli("cypher", "MATCH (n) DETACH DELETE n", *FIX, ok=False)
    assert r.exit_code == 1 and "--write" in r.output


def test_query_library_gives_the_same_rows_on_neo4j_and_embedded(neo4j_clean):
    """Every queries/*.cypher: the same rows on Neo4j as on the embedded engine (and SPARQL)."""
    from test_queries import FILES, canon, params_for

    from graphkit import queries

    g = graphkit.load(FILES, bundled=False, cache=False)
    N.load(neo4j_clean, N.from_networkx(g.G))
    for name, q in sorted(queries.library().items()):
        cols_e, rows_e = queries.run(name, g, params_for(q), engine="cypher")
        cols_n, rows_n = queries.run(name, g, params_for(q), engine="neo4j")
        assert cols_n == cols_e, name
        assert canon(rows_n) == canon(rows_e), name
        assert rows_n, f"{name} returns no rows on the fixture: the comparison would be empty"


# -- bulk load (neo4j-admin) ----------------------------------------------------------------


@pytest.mark.slow  # restarts the session's server
def test_bulk_load_equals_the_online_load(neo4j_clean, neo4j_home):
    """`--bulk` (stop, neo4j-admin import, start, constraints) gives the online loader's graph."""
    g = graphkit.load()
    online = json.loads(cli("neo4j", "load", "-f", "json").stdout)
    counts = loaded_counts(neo4j_clean)
    aws_ice = ("path", "AWS", "ICE", "--backend", "neo4j")
    table, data = cli(*aws_ice).stdout, json.loads(cli(*aws_ice, "-f", "json").stdout)
    found = N.find(neo4j_clean, "Amazon Web Services")
    r = cli("neo4j", "load", "--bulk", "--neo4j-home", str(neo4j_home), ok=False)
    assert r.exit_code == 1 and "holds" in r.output and "online loader" in r.output
    N.clear(neo4j_clean)
    with neo4j_clean.session() as s:
        assert s.run("MATCH (n) RETURN count(n)").single()[0] == 0, "another test left nodes"
    bulk = json.loads(
        cli("neo4j", "load", "--bulk", "--neo4j-home", str(neo4j_home), "-f", "json").stdout
    )
    assert bulk["mode"] == "bulk"
    assert (bulk["nodes"], bulk["relationships"]) == (online["nodes"], online["relationships"])
    assert (bulk["nodes"], bulk["relationships"]) == (g.G.number_of_nodes(), g.G.number_of_edges())
    assert loaded_counts(neo4j_clean) == counts
    assert cli(*aws_ice).stdout == table
    assert json.loads(cli(*aws_ice, "-f", "json").stdout) == data
    assert N.find(neo4j_clean, "Amazon Web Services") == found  # the name index is there too
    with neo4j_clean.session() as s:
        constraints = s.run("SHOW CONSTRAINTS YIELD name RETURN count(*)").single()[0]
    assert constraints >= len(counts["labels"]) + len(counts["relationship_types"])
    json.loads(cli("neo4j", "load", "-f", "json").stdout)  # an online re-load on top is an upsert
    assert loaded_counts(neo4j_clean) == counts


def test_bulk_load_refuses_a_remote_server_and_a_missing_home(neo4j_env, tmp_path):
    r = cli("neo4j", "load", "--bulk", "--neo4j-home", str(tmp_path),
            "--uri", "neo4j+s://db.example.org", ok=False)  # fmt: skip
    assert r.exit_code == 1 and "on this machine" in r.output
    r = cli("neo4j", "load", "--bulk", "--neo4j-home", str(tmp_path),
            "--uri", neo4j_env["NEO4J_URI"], ok=False)  # fmt: skip
    assert r.exit_code == 1 and "bin/neo4j-admin not found" in r.output.replace(str(tmp_path), "")


def test_partial_names_resolve_on_neo4j_as_on_networkx(neo4j_clean):
    """The same lookup rules on every engine: a clear part of a name resolves, and says so."""
    cli("neo4j", "load")
    for text, entity in (("Clearview", "org/clearview-ai"), ("Washington County", None)):
        local = graphkit.load().lookup(text)
        r = graphkit_cli("path", text, "ICE", "--backend", "neo4j", "--undirected", env={})
        assert f", {local.id}] for {text!r}" in r.stderr, r.stderr
        assert entity is None or local.id == entity
