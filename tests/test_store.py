import pytest
from helpers import MINI, write

from graphkit.errors import DataError
from graphkit.store import DERIVED, Dataset


def test_loads_each_file_into_its_own_graph():
    ds = Dataset.load([MINI], bundled=False)
    graphs = {q.graph_name.value for q in ds.store if hasattr(q.graph_name, "value")}
    assert any(g.endswith("/mini.ttl") for g in graphs)
    assert any(g.endswith("/graphkit.ttl") for g in graphs)


def test_direct_triples_are_derived_from_claims():
    ds = Dataset.load([MINI], bundled=False)
    assert ds.query("ASK { ido:acme-cloud gk:hosts/gk:supplies ido:fea }")
    q = "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{}> {{ ?s {} ?o }} }}"
    count = lambda p: int(next(iter(ds.query(q.format(DERIVED, p))))["n"].value)  # noqa: E731
    assert count("gk:relationship") == 4  # one per claim of the fixture
    assert count("gk:flowsTo") == 4  # the fixture's claims all carry technology or money
    # super-property triples make flow paths one property path
    assert ds.query("ASK { ido:acme-cloud gk:flowsTo+ ido:fea }")


def test_denied_claims_get_no_direct_triple(tmp_path):
    f = write(
        tmp_path / "denied.ttl",
        """
idc:x a gk:Claim ; rdf:subject ido:acme-cloud ; rdf:predicate gk:supplies ;
    rdf:object ido:river-county-police ; gk:status status:denied ;
    prov:wasDerivedFrom ide:acme-blog .
""",
    )
    ds = Dataset.load([MINI, f], bundled=False)
    assert not ds.query("ASK { ido:acme-cloud gk:supplies ido:river-county-police }")


def test_malformed_turtle_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix a: <http://x/> .\na:b a:c a:d .\na:e a:f "unterminated .\n')
    with pytest.raises(DataError) as e:
        Dataset.load([bad], bundled=False)
    assert str(bad) in str(e.value) and ":3" in str(e.value)
    assert e.value.line == 3


def test_missing_and_non_rdf_inputs_are_reported(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        Dataset.load([tmp_path / "nope.ttl"], bundled=False)
    (tmp_path / "x.csv").write_text("a,b\n")
    with pytest.raises(DataError, match="not an RDF file"):
        Dataset.load([tmp_path / "x.csv"], bundled=False)


def test_serializations_round_trip():
    import rdflib

    ds = Dataset.load([MINI], bundled=False)
    for fmt, parser in (("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")):
        g = rdflib.Graph().parse(data=ds.serialize(fmt), format=parser)
        assert len(g) == len(ds.to_rdflib(include_derived=False)), fmt
