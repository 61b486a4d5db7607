import pytest
from helpers import MINI

from graphkit.projection import project
from graphkit.store import Dataset


def pg():
    return project(Dataset.load([MINI], bundled=False))


def test_nodes_carry_labels_and_properties():
    g = pg()
    acme = g.nodes["org/acme-cloud"]
    assert acme["labels"] == ("Company", "Organization", "Entity")
    assert acme["name"] == "Acme Cloud Ltd." and acme["aliases"] == ["ACL"]
    assert acme["sectors"] == ["cloud-computing"]
    assert g.nodes["contract/FEA001"]["obligated"] == 1250000.5
    assert g.nodes["evidence/acme-blog"]["labels"] == ("Evidence",)


def test_claims_become_edges_with_evidence_and_sources():
    edges = {e[3]["claim"]: e for e in pg().claim_edges()}
    s, t, typ, props = edges["claim/borealis-supplies-fea"]
    assert (s, t, typ) == ("org/borealis", "org/fea", "SUPPLIES")
    assert props["status"] == "confirmed"
    assert props["evidence"] == ["evidence/award-FEA001"]
    assert props["sources"] == ["https://example.org/awards/FEA001"]
    assert props["contracts"] == ["contract/FEA001"]
    assert edges["claim/acme-hosts-borealis"][3]["start"] == "2019"


def test_structural_links_and_idempotence():
    a, b = pg(), pg()
    assert a == b
    links = {(s, t, typ) for s, t, typ, d in a.edges if "link" in d}
    assert ("contract/FEA001", "org/fea", "AWARDED_BY") in links
    assert ("contract/FEA001", "org/borealis", "AWARDED_TO") in links


@pytest.mark.parametrize(
    "sources",
    [["none"], pytest.param(None, marks=pytest.mark.slow)],  # every source: ~8 s of CPU
    ids=["curated", "every-source"],
)
def test_projection_from_the_parser_equals_projection_from_the_store(sources):
    """One projection: straight from the files (no store) or from the loaded dataset."""
    from graphkit.projection import project, project_files
    from graphkit.store import Dataset, input_files

    files = input_files(sources=sources)
    a, b = project(Dataset.load(files=files)), project_files(files)
    assert a.nodes == b.nodes

    def norm(pg):
        return sorted((e.source, e.target, e.type, sorted(e.props.items())) for e in pg.edges)

    assert norm(a) == norm(b)


def test_claim_edges_say_whether_their_status_is_negated():
    """``negated`` comes from the status's gk:negated flag (denied), ``flow`` is never set on
    a negated claim."""
    from helpers import FIXTURES

    g = project(Dataset.load([MINI, FIXTURES / "mini-extra.ttl"], bundled=False))
    edges = {e[3]["claim"]: e[3] for e in g.claim_edges()}
    assert edges["claim/holdings-owns-nimbus"]["negated"] is True
    assert edges["claim/acme-owns-labs"]["negated"] is False
    assert not any(d["flow"] for d in edges.values() if d["negated"])
