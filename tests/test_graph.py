import os
import re
import time

import pytest
from helpers import MINI, write

import graphkit
from graphkit.errors import AmbiguousEntity, EntityNotFound, ValidationError


@pytest.fixture
def mini():
    return graphkit.load([MINI], bundled=False)


def test_find_by_id_name_alias_case_insensitive(mini):
    assert mini.find("org/acme-cloud") == "org/acme-cloud"
    assert mini.find("https://w3id.org/graphkit/id/org/acme-cloud") == "org/acme-cloud"
    assert mini.find("acme cloud ltd.") == "org/acme-cloud"
    assert mini.find("acl") == "org/acme-cloud"
    assert mini.find("FEA") == "org/fea"


def test_unknown_entity_suggests(mini):
    with pytest.raises(EntityNotFound) as e:
        mini.find("Acme Bank Holdings")
    assert "org/acme-cloud" in str(e.value)  # ranked by the same fuzzy search
    with pytest.raises(EntityNotFound):
        mini.find("zzqx")


@pytest.mark.parametrize(
    "text, expected, how",
    [
        ("Acme Clod", "org/acme-cloud", "fuzzy"),  # a typo with one clear best match
        ("Acme", "org/acme-cloud", "prefix"),
        ("river police", "org/river-county-police", "token"),
        ("Federal", "org/fea", "prefix"),
    ],
)
def test_partial_names_resolve_and_say_which(mini, text, expected, how):
    m = mini.lookup(text)
    assert (m.id, m.how) == (expected, how)
    assert mini.notes and expected in mini.notes[-1] and text in mini.notes[-1]


def test_ambiguous_name_lists_candidates(tmp_path):
    f = write(
        tmp_path / "twins.ttl",
        """
ido:twin-a a gk:Company ; schema:name "Twin" .
ido:twin-b a gk:Company ; schema:name "twin" .
""",
    )
    g = graphkit.load([MINI, f], bundled=False)
    with pytest.raises(AmbiguousEntity) as e:
        g.find("TWIN")
    assert {c for c, _ in e.value.candidates} == {"org/twin-a", "org/twin-b"}


def test_path_with_evidence_on_every_hop(mini):
    r = mini.path("Acme Cloud Ltd.", "FEA")
    assert r.paths[0] == ["org/acme-cloud", "org/borealis", "org/fea"]
    for hop in r.hops[0]:
        assert hop.claims and all(c["evidence_records"] for c in hop.claims)
        assert all(
            e["url"].startswith("https://") for c in hop.claims for e in c["evidence_records"]
        )


def test_no_path_says_what_is_near(mini):
    r = mini.path("FEA", "Acme Cloud")
    assert not r.found
    assert r.near["undirected_hops"] == 2
    assert mini.path("FEA", "Acme Cloud", directed=False).found


def test_filters_by_type_and_status(mini):
    assert not mini.path("ACL", "FEA", statuses=["confirmed"]).found
    assert mini.path("ACL", "FEA", statuses=["confirmed", "reported"]).found
    assert not mini.path("ACL", "FEA", types=["SUPPLIES"]).found


def test_aws_reaches_ice_through_vendors_with_evidence(bundled_graph):
    r = bundled_graph.path("AWS", "ICE", max_hops=3)
    assert r.found
    via = {tuple(p) for p in r.paths}
    assert ("org/amazon-web-services", "org/palantir", "org/ice") in via
    for hops in r.hops:
        for hop in hops:
            for c in hop.claims:
                assert c["evidence_records"], c["claim"]
                assert all(e["url"].startswith("http") for e in c["evidence_records"])


def test_show_and_neighbors(mini):
    info = mini.show("Borealis Analytics")
    assert {c["claim"] for c in info["claims"]} == {
        "claim/acme-hosts-borealis",
        "claim/borealis-supplies-fea",
    }
    assert {x["type"] for x in info["links"]} == {"AWARDED_TO"}
    rows = mini.neighbors("ACL", depth=2)
    assert {r["id"]: r["distance"] for r in rows}["org/fea"] == 2


def test_queries_from_the_cache_do_not_build_networkx(tmp_path):
    """find, path, show and neighbors read the columns; networkx is neither built nor imported
    (a fresh process, so that no other test has imported it)."""
    import subprocess
    import sys

    code = f"""
import sys, graphkit
for _ in range(2):  # the second load is served from the cache
    g = graphkit.load([{str(MINI)!r}], bundled=False)
assert g.path("Acme Cloud Ltd.", "FEA").found and g.find("FEA") == "org/fea"
assert g.show("Borealis Analytics")["claims"] and g.neighbors("ACL", depth=2)
assert not g.path("FEA", "Acme Cloud").found
print(g._G is None, "networkx" in sys.modules)
"""
    env = {**os.environ, "GRAPHKIT_CACHE_DIR": str(tmp_path / "cache")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "False"]


def test_search_is_fuzzy(mini):
    assert mini.search("borealis analytcs")[0]["id"] == "org/borealis"


def test_stats(mini):
    s = mini.stats()
    assert s["claims"] == 4 and s["statuses"] == {"alleged": 1, "confirmed": 2, "reported": 1}


def test_cache_is_invalidated_when_a_file_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHKIT_CACHE_DIR", str(tmp_path / "cache"))
    f = write(tmp_path / "extra.ttl", 'ido:new-co a gk:Company ; schema:name "New Co" .\n')
    g1 = graphkit.load([MINI, f], bundled=False)
    assert len(list((tmp_path / "cache").glob("*.gkpg"))) == 1
    assert graphkit.load([MINI, f], bundled=False).G.nodes["org/new-co"]["name"] == "New Co"
    write(f, 'ido:new-co a gk:Company ; schema:name "Renamed Co" .\n')
    os.utime(f, (time.time() + 5, time.time() + 5))
    g2 = graphkit.load([MINI, f], bundled=False)
    assert g2.G.nodes["org/new-co"]["name"] == "Renamed Co"
    assert g1.G.nodes["org/new-co"]["name"] == "New Co"


def test_failed_load_leaves_previous_graph_intact(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("GRAPHKIT_CACHE_DIR", str(cache))
    g = graphkit.load([MINI], bundled=False)
    before, paths = g.stats(), g.path("ACL", "FEA").paths
    entries = {p.name: p.read_bytes() for p in cache.glob("*.gkpg")}
    assert len(entries) == 1
    bad = write(
        tmp_path / "bad.ttl",
        """
idc:broken a gk:Claim ; rdf:subject ido:acme-cloud ; rdf:predicate gk:hosts ;
    rdf:object ido:fea ; gk:status status:reported .
""",
    )
    with pytest.raises(ValidationError) as e:
        graphkit.load([MINI, bad], bundled=False)
    assert re.search(r"bad\.ttl:\d+: claim/broken: ", str(e.value))  # the problem is located
    # the failure cached nothing that a later load would serve (the cache holds exactly what
    # it held before), so it fails again
    assert {p.name: p.read_bytes() for p in cache.glob("*.gkpg")} == entries
    with pytest.raises(ValidationError):
        graphkit.load([MINI, bad], bundled=False)
    # the graph loaded before still answers as before, and the good data still loads
    assert g.stats() == before and g.path("ACL", "FEA").paths == paths
    assert "claim/broken" not in {k for *_, k in g.G.edges(keys=True)}
    assert graphkit.load([MINI], bundled=False).stats() == before


def test_show_narrows_by_type_status_and_strength(bundled_graph):
    """Graph.show lists every claim by default (criticism too) and narrows like the CLI's
    --type/--status/--min-status."""
    g = bundled_graph
    every = g.show("Palantir")["claims"]
    assert {"CRITICISES", "OFFERS"} <= {c["type"] for c in every}
    offers = g.show("Palantir", types=["offers"])["claims"]
    assert offers and {c["type"] for c in offers} == {"OFFERS"}
    assert len(offers) == sum(c["type"] == "OFFERS" for c in every)
    strong = g.show("Palantir", min_status="confirmed")["claims"]
    assert strong and all(c["status"] == "confirmed" for c in strong)
    reported = g.show("Palantir", statuses=["reported"])["claims"]
    expected = {c["claim"] for c in every if c["status"] == "reported"}
    assert {c["claim"] for c in reported} == expected
    rows = g.timeline("Palantir", types=["OFFERS"])
    assert rows and {r["type"] for r in rows} == {"OFFERS"}
