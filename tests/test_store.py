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
        assert len(g) == len(ds.to_rdflib(include_derived=True)), fmt


RDFXML = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
{entities}
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
<rdf:Description rdf:about="http://example.org/s"><ex:p>{body}</ex:p></rdf:Description>
</rdf:RDF>
"""


def _bomb(path, levels=9):
    """Nested entities: a few hundred bytes that expand to 10**levels characters."""
    ents = ['<!ENTITY a0 "xxxxxxxxxx">'] + [
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, levels)
    ]
    path.write_text(RDFXML.format(entities="\n".join(ents), body=f"&a{levels - 1};"))
    return path


def test_rdfxml_entity_expansion_is_refused_before_parsing(tmp_path):
    from typer.testing import CliRunner

    from graphkit.cli import app

    bomb = _bomb(tmp_path / "bomb.rdf")
    assert bomb.stat().st_size < 800  # expands to 1,000,000,000 characters if parsed
    with pytest.raises(DataError) as e:
        Dataset.load([bomb], bundled=False)
    assert str(e.value) == (
        f"{bomb}:9: entity &a6; expands to more than the limit of 1,000,000 characters "
        "(nested entities; refused to protect memory)"
    )
    out = CliRunner().invoke(app, ["sparql", "ASK {}", "--no-bundled", "--data", str(bomb)])
    assert out.exit_code == 1 and out.output.count("\n") == 1 and "limit of" in out.output


def test_rdfxml_many_references_and_external_entities_are_refused(tmp_path):
    from graphkit import store

    many = tmp_path / "many.rdf"
    big = "y" * 100_000
    refs = "&big;" * (store.MAX_EXPANSION_CHARS // len(big) + 1)
    many.write_text(RDFXML.format(entities=f'<!ENTITY big "{big}">', body=refs))
    with pytest.raises(DataError, match=r"references expand to 16,100,000 characters"):
        Dataset.load([many], bundled=False)
    ext = tmp_path / "ext.rdf"
    ext.write_text(RDFXML.format(entities='<!ENTITY e SYSTEM "file:///etc/passwd">', body="&e;"))
    with pytest.raises(DataError, match=r"ext.rdf:3: external entity 'e' is refused"):
        Dataset.load([ext], bundled=False)
    loop = tmp_path / "loop.rdf"
    loop.write_text(RDFXML.format(entities='<!ENTITY a "&b;">\n<!ENTITY b "&a;">', body="&a;"))
    with pytest.raises(DataError, match="limit of"):
        Dataset.load([loop], bundled=False)


def test_rdfxml_small_entities_still_load(tmp_path):
    import pyoxigraph as ox

    ok = tmp_path / "ok.rdf"
    ents = '<!ENTITY ex "http://example.org/">\n<!ENTITY hi "hello &amp; &ex;">'
    ok.write_text(
        RDFXML.format(entities=ents, body="&hi;").replace('"http://example.org/s"', '"&ex;s"')
    )
    ds = Dataset.load([ok], bundled=False)
    objs = [
        q.object.value
        for q in ds.store.quads_for_pattern(ox.NamedNode("http://example.org/s"), None, None, None)
    ]
    assert objs == ["hello & http://example.org/"]


def test_every_rdf_format_of_the_table_loads_into_the_files_graph(tmp_path):
    """One triple in each format; a TriG/N-Quads default graph also lands in the file's graph."""
    import pyoxigraph as ox

    from graphkit.formats import FORMATS
    from graphkit.store import RDF_SUFFIXES

    t = ox.Triple(
        ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"), ox.Literal("o")
    )
    files = []
    for f in FORMATS:
        path = tmp_path / f"one{f.suffixes[0]}"
        path.write_bytes(ox.serialize([t], format=f.ox()))
        files.append(path)
    assert set(RDF_SUFFIXES) == {s for f in FORMATS for s in f.suffixes}
    ds = Dataset.load(files, bundled=False)
    graphs = {q.graph_name.value for q in ds.store.quads_for_pattern(t.subject, None, None, None)}
    assert graphs == {p.resolve().as_uri() for p in files}


def test_bundled_data_carries_a_current_validation_stamp():
    """`graphkit.load()` skips SHACL for the bundled files only while the stamp written by
    scripts/build-data matches their content (test_validate checks they do validate)."""
    from graphkit.store import input_files, trusted

    assert trusted(input_files()), "bundled data changed: run scripts/build-data to re-validate"
    assert not trusted(input_files([MINI]))  # any file of the user's is validated
