import io
import json

import networkx as nx
import pytest
import rdflib
from helpers import MINI

import graphkit
from graphkit.export import export


@pytest.fixture(scope="module")
def mini():
    return graphkit.load([MINI], bundled=False)


def test_rdf_exports_parse(mini):
    assert len(rdflib.Graph().parse(data=export(mini, "ttl"), format="turtle")) > 700
    assert len(rdflib.Graph().parse(data=export(mini, "jsonld"), format="json-ld")) > 700


def test_graph_exports_keep_nodes_and_edges(mini):
    n, m = mini.G.number_of_nodes(), mini.G.number_of_edges()
    g = nx.read_graphml(io.BytesIO(export(mini, "graphml")))
    assert (g.number_of_nodes(), g.number_of_edges()) == (n, m)
    assert g.nodes["org/acme-cloud"]["labels"] == "Company; Organization; Entity"
    g = nx.read_gexf(io.BytesIO(export(mini, "gexf")))
    assert (g.number_of_nodes(), g.number_of_edges()) == (n, m)
    data = json.loads(export(mini, "json"))
    assert len(data["nodes"]) == n and len(data["edges"]) == m
