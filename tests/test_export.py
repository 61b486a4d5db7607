"""graphkit.exporters: the registry, the API, the CLI, and lossless round trips."""

import io
import json
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
import rdflib
from helpers import MINI, write
from typer.testing import CliRunner

import graphkit
from graphkit.cli import app
from graphkit.exporters import EXPORTERS, ExportError, export, projection, read_gexf, read_graphml

NAME = "Tricky\r\"Co\"; <&> 'x'\tend"
ALIASES = ["semi;colon", "multi\r\nline", 'quote "x"', "[bracket, list]", '=HYPERLINK("http://x")']
TRICKY = f"""
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
ido:tricky a gk:Company ;
    schema:name {json.dumps(NAME)} ;
    skos:altLabel {", ".join(json.dumps(a) for a in ALIASES)} .
idc:tricky-hosts-borealis a gk:Claim ;
    rdf:subject ido:tricky ; rdf:predicate gk:hosts ; rdf:object ido:borealis ;
    gk:status status:alleged ;
    gk:summary "Line one\\r\\nline two; \\"quoted\\"" ;
    prov:wasDerivedFrom ide:tricky-post .
ide:tricky-post a gk:Evidence ;
    schema:url "https://example.org/tricky?q='x'&y=\\"z\\"" ;
    dcterms:title "Tricky post" ;
    dcterms:publisher "Example Press" ;
    dcterms:type evidence-type:news .
"""


@pytest.fixture(scope="module")
def g(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("export")
    f = write(tmp / "tricky.ttl", TRICKY)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GRAPHKIT_CACHE_DIR", str(tmp / "cache"))
        return graphkit.load([MINI, f], bundled=False)


def plain(d: dict) -> dict:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}


def expected(g):
    pg = projection(g)
    nodes = {n: plain(d) for n, d in pg.nodes.items()}
    edges = {
        (s, t, d.get("claim") or d["link"]): {"type": typ, **plain(d)} for s, t, typ, d in pg.edges
    }
    return nodes, edges


def contents(G):
    nodes = {n: dict(d) for n, d in G.nodes(data=True)}
    edges = {(u, v, k): dict(d) for u, v, k, d in G.edges(keys=True, data=True)}
    return nodes, edges


def test_the_tricky_values_are_in_the_projection(g):
    d = g.G.nodes["org/tricky"]
    assert d["name"] == NAME and sorted(d["aliases"]) == sorted(ALIASES)
    assert "\r" in g.G.edges["org/tricky", "org/borealis", "claim/tricky-hosts-borealis"]["summary"]


def test_graphml_round_trip_keeps_every_attribute(g):
    blob = export(g, "graphml")
    assert contents(read_graphml(io.BytesIO(blob))) == expected(g)
    raw = nx.read_graphml(io.BytesIO(blob), force_multigraph=True, edge_key_type=str)
    assert raw.nodes["org/tricky"]["name"] == NAME  # \r is not turned into \n
    assert json.loads(raw.nodes["org/tricky"]["aliases"]) == sorted(ALIASES, key=str)
    assert {d["type"] for *_, d in raw.edges(data=True)} >= {"HOSTS", "SUPPLIES", "AWARDED_BY"}
    assert {"evidence", "sources"} <= set(json.loads(raw.graph["graphkit_json"])["edge"])


def test_gexf_round_trip_keeps_every_attribute(g):
    blob = export(g, "gexf")
    assert contents(read_gexf(io.BytesIO(blob))) == expected(g)
    raw = nx.read_gexf(io.BytesIO(blob), version="1.3")
    (hosts,) = [d for u, v, d in raw.edges(data=True) if (u, v) == ("org/tricky", "org/borealis")]
    assert hosts["rel_type"] == "HOSTS"  # GEXF's own `type` is directed/undirected
    assert hosts["summary"] == 'Line one\r\nline two; "quoted"'
    assert json.loads(raw.nodes["org/tricky"]["aliases"]) == sorted(ALIASES, key=str)


def test_gexf_follows_the_1_3_grammar(g):
    """The rules of gephi/gexf 1.3/gexf.rnc that a careless writer breaks."""
    root = ET.fromstring(export(g, "gexf"))
    ns = "{http://gexf.net/1.3}"
    assert root.tag == f"{ns}gexf" and root.get("version") == "1.3"
    graph = root.find(f"{ns}graph")
    assert [c.tag for c in graph] == [f"{ns}attributes"] * 2 + [f"{ns}nodes", f"{ns}edges"]
    types = {"integer", "long", "double", "float", "boolean", "liststring", "string", "anyURI"}
    decl = {}
    for attrs in graph.findall(f"{ns}attributes"):
        for a in attrs:
            assert a.get("type") in types
            decl[(attrs.get("class"), a.get("id"))] = a.get("title")
    assert ("edge", "rel_type") in {(c, t) for (c, _), t in decl.items()}
    allowed = {"id", "type", "label", "source", "target", "weight", "kind"}
    for e in graph.iter(f"{ns}edge"):
        assert set(e.attrib) <= allowed and e.get("type") in (None, "directed")
        assert " " not in e.get("kind")  # xsd:token
        for v in e.iter(f"{ns}attvalue"):
            assert ("edge", v.get("for")) in decl
    for n in graph.iter(f"{ns}node"):
        assert set(n.attrib) <= {"id", "label", "pid"}
        assert n.get("label") == " ".join(n.get("label").split())  # xsd:token


def test_node_link_json_round_trip(g):
    data = json.loads(export(g, "json"))
    G = nx.node_link_graph(data, edges="edges")
    assert contents(G) == expected(g)


def test_igraph_reads_the_graphml(g, tmp_path):
    igraph = pytest.importorskip("igraph")
    path = tmp_path / "g.graphml"
    export(g, "graphml", path)
    ig = igraph.Graph.Read_GraphML(str(path))
    names = dict(zip(ig.vs["id"], ig.vs["name"]))
    assert names["org/tricky"] == NAME
    assert ig.ecount() == g.G.number_of_edges()
    assert "HOSTS" in ig.es["type"]
    summaries = [s for s in ig.es["summary"] if s and s.startswith("Line one")]
    assert summaries == ['Line one\r\nline two; "quoted"']
    tricky = ig.vs.find(id="org/tricky")
    assert json.loads(tricky["aliases"]) == sorted(ALIASES, key=str)


def test_rdf_exports_parse(g):
    ttl = rdflib.Graph().parse(data=export(g, "ttl"), format="turtle")
    assert len(ttl) > 700
    assert len(rdflib.Graph().parse(data=export(g, "nt"), format="nt")) == len(ttl)
    assert len(rdflib.Graph().parse(data=export(g, "jsonld"), format="json-ld")) == len(ttl)
    assert rdflib.Literal(NAME) in set(ttl.objects())


# -- registry, API, CLI ---------------------------------------------------------------------------


def test_registry_describes_every_format():
    assert list(EXPORTERS) == [
        "ttl",
        "nt",
        "jsonld",
        "graphml",
        "gexf",
        "json",
        "neo4j-csv",
        "cypher",
    ]
    for name, e in EXPORTERS.items():
        assert e.name == name and e.media_type and e.description
        assert bool(e.suffix) != e.writes_folder


def test_export_api(g, tmp_path):
    out = tmp_path / "g.gexf"
    assert export(g, "gexf", out) == [out] and out.read_bytes() == export(g, "gexf")
    files = export(g, "neo4j-csv", tmp_path / "csv")
    assert {p.name for p in files} >= {"nodes_Company.csv", "relationships_HOSTS.csv"}
    with pytest.raises(ExportError, match="writes a folder"):
        export(g, "neo4j-csv")
    with pytest.raises(ExportError, match="unknown export format 'xml'"):
        export(g, "xml")
    pg = projection(g)  # a bare projection exports as a property graph, not as RDF
    assert export(pg, "graphml") == export(g, "graphml")
    with pytest.raises(ExportError, match="needs a graph loaded from RDF"):
        export(pg, "ttl")
    assert b"MERGE" in export(g, "cypher")


FIX = ["--no-bundled", "--data", str(MINI)]


def test_cli_format_follows_the_suffix(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHKIT_CACHE_DIR", str(tmp_path / "cache"))
    run = CliRunner().invoke
    for name in ("g.gexf", "g.graphml", "g.jsonld", "g.cypher"):
        r = run(app, ["export", *FIX, "-o", str(tmp_path / name)])
        assert r.exit_code == 0, r.output
    assert (tmp_path / "g.gexf").read_bytes().startswith(b"<?xml")
    assert b"<gexf" in (tmp_path / "g.gexf").read_bytes()
    assert b"<graphml" in (tmp_path / "g.graphml").read_bytes()
    assert json.loads((tmp_path / "g.jsonld").read_bytes())
    r = run(app, ["export", *FIX, "-o", str(tmp_path / "g.xyz")])
    assert r.exit_code == 1 and "give --format" in r.output
    r = run(app, ["export", *FIX, "-f", "neo4j-csv"])
    assert r.exit_code == 1 and "writes a folder" in r.output
    r = run(app, ["export", *FIX, "-o", str(tmp_path / "missing" / "g.ttl")])
    assert r.exit_code == 1 and "cannot write" in r.output
    r = run(app, ["export", "--help"])
    assert all(name in r.output for name in EXPORTERS)
