"""The embedded Cypher engine (Ladybug) over the property-graph projection."""

from __future__ import annotations

import pytest

import graphkit
from graphkit.backends import embedded_cypher as ec
from graphkit.projection import project
from graphkit.store import Dataset

MINI = ["tests/fixtures/mini.ttl"]


@pytest.fixture(scope="module")
def g(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("GRAPHKIT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    yield graphkit.load(MINI, bundled=False, cache=False)
    mp.undo()


def test_run_returns_columns_and_rows(g):
    cols, rows = ec.run(
        g, "MATCH (a)-[r:HOSTS]->(b) RETURN a.name AS host, b.id AS customer, r.status AS s", {}
    )
    assert cols == ["host", "customer", "s"]
    assert rows == [["Acme Cloud Ltd.", "org/borealis", "reported"]]


def test_superclass_labels_and_type_rewrite(g):
    cols, rows = ec.run(
        g, "MATCH (o:Organization)-[r]->(x) RETURN o.id AS org, type(r) AS t ORDER BY org, t", {}
    )
    assert rows == [
        ["org/acme-cloud", "HOSTS"],
        ["org/acme-cloud", "OFFERS"],
        ["org/borealis", "SUPPLIES"],
    ]
    _, rows = ec.run(g, "MATCH (e:Entity) RETURN count(e) AS n", {})
    assert rows == [[5]]
    assert "type(" in ec.rewrite("RETURN 'type(r)' AS s")  # strings are left alone


def test_evidence_join_and_lists(g):
    _, rows = ec.run(
        g,
        "MATCH (a)-[r:SUPPLIES]->(b), (e:Evidence) WHERE e.id IN r.evidence "
        "RETURN r.claim AS c, e.url AS url, r.sources AS sources, r.contracts AS k",
        {},
    )
    assert rows == [
        [
            "claim/borealis-supplies-fea",
            "https://example.org/awards/FEA001",
            ["https://example.org/awards/FEA001"],
            ["contract/FEA001"],
        ]
    ]


def test_contract_structure_and_amounts(g):
    _, rows = ec.run(
        g,
        "MATCH (k:Contract)-[:AWARDED_BY]->(a), (k)-[:AWARDED_TO]->(v) "
        "RETURN k.piid AS piid, a.id AS agency, v.id AS vendor, k.obligated AS amount",
        {},
    )
    assert rows == [["FEA001", "org/fea", "org/borealis", 1250000.5]]


def test_params_bound_not_spliced(g):
    evil = "x'}) DETACH DELETE n //"
    _, rows = ec.run(g, "MATCH (n {id: $id}) RETURN n.name AS name", {"id": evil})
    assert rows == []
    _, rows = ec.run(g, "MATCH (n) RETURN count(n) AS n", {})
    assert rows[0][0] > 0


@pytest.mark.parametrize(
    "q",
    [
        "CREATE (n:Company {id: 'x'})",
        "MATCH (n) DETACH DELETE n",
        "MATCH (n:Company) SET n.name = 'x'",
        "MERGE (n:Company {id: 'x'})",
        "MATCH (n) REMOVE n.name",
        "COPY (MATCH (n) RETURN n.id) TO '/tmp/x.csv'",
        "LOAD FROM '/etc/passwd' RETURN *",
        "match (n) with n delete n",
    ],
)
def test_writes_refused(g, q):
    with pytest.raises(ec.CypherError, match="read-only"):
        ec.run(g, q, {})


def test_database_itself_is_read_only(g):
    conn = ec._connection(g)
    with pytest.raises(RuntimeError, match="read-only"):
        conn.execute("CREATE (n:Company {id: 'sneaky'})")


def test_keywords_inside_strings_are_not_writes(g):
    _, rows = ec.run(g, "MATCH (n) WHERE n.name = 'CREATE SET DELETE' RETURN n.id AS id", {})
    assert rows == []


def test_syntax_error_is_readable(g):
    with pytest.raises(ec.CypherError, match=r"line: 1"):
        ec.run(g, "MATCH (n RETURN n", {})


def test_property_graph_input_gives_same_answer(g):
    pg = project(Dataset.load(MINI, bundled=False))
    q = "MATCH (p:Product)-[r:USED_BY]->(a) RETURN p.name AS p, a.name AS a"
    assert ec.run(pg, q, {}) == ec.run(g, q, {})


def test_backticked_labels_and_variables_are_rewritten_too(g):
    plain = ec.run(g, "MATCH (n:Organization) RETURN count(n) AS n", {})[1]
    assert plain == [[4]]
    assert ec.run(g, "MATCH (n:`Organization`) RETURN count(n) AS n", {})[1] == plain
    assert ec.run(g, "MATCH (`n`:Organization) RETURN count(`n`) AS n", {})[1] == plain
    assert ec.run(g, "MATCH (:`Entity`) RETURN count(*) AS n", {})[1] == [[5]]
    assert ec.rewrite("RETURN '(n:`Organization`)' AS s // (n:Organization)") == (
        "RETURN '(n:`Organization`)' AS s // (n:Organization)"
    )


def test_library_questions_run_on_a_graph_without_claims(g):
    """Edge columns come from the projection's own keys and the ontology's claim shape, not
    from the edges present: every library question runs (no rows) on a graph of one node."""
    from graphkit import queries
    from graphkit.projection import PropertyGraph

    pg = PropertyGraph()
    pg.nodes["org/lone"] = {"labels": ("Company", "Organization", "Entity"), "name": "Lone"}
    for q in queries.library().values():
        values = {
            p.name: "org/lone" if p.kind == "entity" else (1 if p.kind == "int" else "x")
            for p in q.params
        }
        cols, rows = ec.run(pg, q.text("cypher"), values)  # raised "Cannot find property flow"
        assert cols, q.name
        assert all(v in (None, 0, "org/lone", "x", "Lone") for r in rows for v in r), q.name


TRICKY = [
    'a "quoted", comma',
    "line\nbreak\r\nand tab\t",
    "it's [bracketed] {braced} back\\slash",
    "",
    " leading and trailing ",
    "ünïcödé — ✓",
]


@pytest.mark.parametrize("copy_min", [0, 10**9], ids=["bulk-copy", "unwind-create"])
def test_load_round_trips_values_exactly(copy_min, monkeypatch, tmp_path):
    """Both ways of loading a table (COPY from a data frame, UNWIND of bound rows) keep every
    value as it is: quotes, commas, newlines, empty strings, lists, dates, numbers, nulls."""
    monkeypatch.setattr(ec, "COPY_MIN", copy_min)
    monkeypatch.setenv("GRAPHKIT_CACHE_DIR", str(tmp_path))
    pg = project(Dataset.load(MINI, bundled=False))
    org = next(n for n, d in pg.nodes.items() if d["labels"][0] == "Company")
    pg.nodes[org] = {**pg.nodes[org], "name": TRICKY[0], "aliases": list(TRICKY)}
    claim = next(e for e in pg.edges if e.is_claim)
    claim.props.update(summary=TRICKY[1], start="2019-07-01", end=None)
    _, rows = ec.run(pg, "MATCH (n {id: $id}) RETURN n.name AS n, n.aliases AS a", {"id": org})
    assert rows == [[TRICKY[0], TRICKY]]
    _, rows = ec.run(
        pg,
        "MATCH ()-[r]->() WHERE r.claim = $c RETURN r.summary AS s, r.start AS a, r.`end` AS b",
        {"c": claim.props["claim"]},
    )
    assert rows == [[TRICKY[1], "2019-07-01", None]]
    _, rows = ec.run(pg, "MATCH (k:Contract) RETURN k.obligated AS v, k.description AS d", {})
    assert rows == [[1250000.5, None]]
