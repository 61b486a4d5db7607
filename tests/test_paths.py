import pickle
import random

import networkx as nx
import pytest

from graphkit import adjacency as A
from graphkit.columnar import from_networkx
from graphkit.paths import EdgeFilter, Hop


def simple_paths(G, a, b, *, max_hops, limit=50, **options):
    """The package's path search (:mod:`graphkit.adjacency`) over the columns of ``G``."""
    adj = A.Adjacency(from_networkx(G))
    return A.simple_paths(
        adj, a, b, max_hops=max_hops, limit=limit, f=EdgeFilter.make(None, **options)
    )


def shortest_paths(G, a, b, *, limit=20, **options):
    adj = A.Adjacency(from_networkx(G))
    return A.shortest_paths(adj, a, b, limit=limit, f=EdgeFilter.make(None, **options))


def random_graph(seed: int) -> nx.MultiDiGraph:
    rnd = random.Random(seed)
    G = nx.MultiDiGraph()
    for i in range(60):
        u, v = rnd.randrange(25), rnd.randrange(25)
        if u != v:
            status = rnd.choice(["confirmed", "reported"])
            G.add_edge(str(u), str(v), key=i, claim=str(i), type="SUPPLIES", status=status)
    G.add_edge("0", "1", key="link", type="AWARDED_BY", link="x")  # structural: never followed
    return G


@pytest.mark.parametrize("seed", range(20))
def test_simple_paths_match_networkx(seed):
    G = random_graph(seed)
    a, b = random.Random(seed).sample(sorted(G), 2)
    claims_only = nx.DiGraph([(u, v) for u, v, d in G.edges(data=True) if "claim" in d])
    claims_only.add_nodes_from(G)
    ref = sorted(
        map(list, nx.all_simple_paths(claims_only, a, b, cutoff=4)), key=lambda p: (len(p), p)
    )
    assert simple_paths(G, a, b, max_hops=4, limit=10**6) == ref
    assert [len(p) for p in simple_paths(G, a, b, max_hops=4, limit=3)] == [len(p) for p in ref[:3]]
    if ref:
        shortest = [p for p in ref if len(p) == len(ref[0])]
        assert shortest_paths(G, a, b, limit=10**6) == shortest


def test_status_filter_and_direction():
    G = random_graph(1)
    for path in simple_paths(G, "3", "7", max_hops=4, statuses={"confirmed"}, directed=False):
        assert all(
            any(
                d["status"] == "confirmed"
                for d in {**(G.get_edge_data(u, v) or {}), **(G.get_edge_data(v, u) or {})}.values()
            )
            for u, v in zip(path, path[1:])
        )


def test_lazy_hop_loads_once_on_first_read_and_equals_the_eager_hop():
    calls = []

    def load():
        calls.append(1)
        return [{"claim": "c1", "type": "HOSTS", "evidence_records": [{"id": "e1"}]}]

    hop = Hop.lazy("a", "b", load)
    assert not hop.loaded and not calls
    assert hop == Hop("a", "b", load())  # equality reads the claims
    assert hop.loaded and hop.claims[0]["claim"] == "c1" and len(calls) == 2
    hop.claims[0]["note"] = "kept"
    assert hop.claims[0]["note"] == "kept" and len(calls) == 2  # built once, then kept
    hop.claims = []  # a caller may narrow a hop (viz does)
    assert hop.claims == [] and hop == Hop("a", "b")
    again = pickle.loads(pickle.dumps(Hop.lazy("a", "b", load)))  # pickling reads the claims
    assert again.loaded and again.claims[0]["claim"] == "c1"
    assert "claims=[{'claim': 'c1'" in repr(Hop.lazy("a", "b", load))
