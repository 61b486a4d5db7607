"""The columnar path search (graphkit.adjacency) answers exactly what the networkx one
(graphkit.paths) answers: the same paths in the same order, the same distances, the same claims
per hop, on the bundled data and on a generated graph, under several filters."""

import random

import numpy as np
import pytest

import graphkit
from graphkit import adjacency as A
from graphkit import paths as P

FILTERS = {
    "flow (default)": {},
    "all relationships": {"all_relationships": True},
    "undirected": {"directed": False},
    "undirected, all": {"directed": False, "all_relationships": True},
    "as of 2019-06": {"as_of": "2019-06", "all_relationships": True},
    "as of 2021": {"as_of": "2021"},
    "at least reported": {"min_status": "reported", "all_relationships": True},
    "since 2019 until 2020": {"since": "2019", "until": "2020", "all_relationships": True},
}


@pytest.fixture(autouse=True)
def reference_filters_each_node_once(monkeypatch):
    """The networkx reference (graphkit.paths) filters a node's edges afresh in every search;
    a comparison runs many searches with one graph and one filter object, so they share those
    answers (a pure function of graph, filter and direction: the same answers, and ICE's
    thousands of edges are filtered once per filter instead of once per search)."""
    made = {}
    original = P.neighbours

    def neighbours(G, f, *, reverse=False):
        key = (id(G), id(f), reverse)
        if key not in made:
            made[key] = (G, f, original(G, f, reverse=reverse))  # G, f kept: ids stay unique
        return made[key][2]

    monkeypatch.setattr(P, "neighbours", neighbours)


def pairs(g, n: int, seed: int, options: dict) -> list[tuple[str, str]]:
    """Random entity pairs; half of them pairs whose target is within 4 hops of
    the source (so that many have paths)."""
    rnd = random.Random(seed)
    c = g.columns
    f = g.edge_filter(**options)
    ents = sorted(g.entities())
    starts = sorted({c.node_id(i) for i in c.src[c.claim].tolist()})
    out = [tuple(rnd.sample(ents, 2)) for _ in range(n // 2)]
    for _ in range(20 * n):
        if len(out) >= n:
            break
        a = rnd.choice(starts)
        reach = sorted(x for x in A.distances(g.adjacency, a, 4, f) if x != a)
        if reach:
            out.append((a, rnd.choice(reach)))
    return out


def compare(g, options: dict, todo: list[tuple[str, str]]) -> int:
    G, adj = g.G, g.adjacency
    f = g.edge_filter(**options)
    found = 0
    for a, b in todo:
        assert A.distance(adj, a, b, f, max_hops=4) == P.distance(G, a, b, f, max_hops=4), (a, b)
        for limit in (3, 50):
            old = P.shortest_paths(G, a, b, limit=limit, f=f, max_hops=4)
            assert A.shortest_paths(adj, a, b, limit=limit, f=f, max_hops=4) == old, (a, b)
            old_simple = P.simple_paths(G, a, b, max_hops=4, limit=limit, f=f)
            new_simple = A.simple_paths(adj, a, b, max_hops=4, limit=limit, f=f)
            assert new_simple == old_simple, (a, b, limit)
            assert not new_simple.partial
        found += bool(old_simple)
        for p in old_simple[:5]:
            assert A.hops(adj, p, f=f) == P.hops(G, p, f=f)
        for reverse in (False, True):
            assert A.distances(adj, a, 2, f, reverse=reverse) == P.distances(
                G, a, 2, f, reverse=reverse
            )
            assert A.distances(adj, a, 3, f, reverse=reverse, max_nodes=11) == P.distances(
                G, a, 3, f, reverse=reverse, max_nodes=11
            )
    return found


def check_mask(g, options: dict) -> None:
    """The vectorised mask is EdgeFilter.accepts of every edge."""
    f = g.edge_filter(**options)
    c = g.columns
    want = [f.accepts(c.edge_data(e)) for e in range(c.n_edges)]
    assert A.edge_mask(c, f).tolist() == want


@pytest.fixture(scope="module")
def bundled(bundled_graph):
    return bundled_graph  # conftest: loaded once for the session


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    from scripts.generate import generate

    out = tmp_path_factory.mktemp("gen") / "syn-10k.nt"
    generate(10_000, out, seed=0)
    return graphkit.load([out], bundled=False, validate=False, cache=False)


@pytest.mark.parametrize("name", FILTERS)
def test_bundled_paths_are_those_of_the_networkx_search(bundled, name):
    check_mask(bundled, FILTERS[name])
    found = compare(bundled, FILTERS[name], pairs(bundled, 16, 1, FILTERS[name]))
    assert found  # the sample has pairs with paths
    ice, aws = bundled.find("ICE"), bundled.find("AWS")
    compare(bundled, FILTERS[name], [(aws, ice), (ice, aws)])


@pytest.mark.slow
@pytest.mark.parametrize("name", FILTERS)
def test_generated_paths_are_those_of_the_networkx_search(generated, name):
    check_mask(generated, FILTERS[name])
    found = compare(generated, FILTERS[name], pairs(generated, 20, 2, FILTERS[name]))
    assert found


def test_path_result_matches_round_two(bundled):
    """Graph.path (columns) equals the round-two assembly over networkx for the same filter."""
    for a, b in [("AWS", "ICE"), ("Palantir", "ICE"), ("ICE", "AWS")]:
        r = bundled.path(a, b, all_relationships=True)
        f = bundled.edge_filter(all_relationships=True)
        sa, sb = bundled.find(a), bundled.find(b)
        old = P.shortest_paths(bundled.G, sa, sb, limit=50, f=f, max_hops=4)
        if old:
            extra = P.simple_paths(bundled.G, sa, sb, max_hops=4, limit=50, f=f, budget=None)
            old += [p for p in extra if p not in old]
        kept = [p for p in old if all(h.claims for h in P.hops(bundled.G, p, f=f))]
        rank = {tuple(p): (P.path_strength(P.hops(bundled.G, p, f=f), f), len(p), p) for p in kept}
        assert r.paths == sorted(kept, key=lambda p: rank[tuple(p)])[:50]


def test_budget_marks_a_cut_list_partial(generated):
    c = generated.columns
    hub = int(np.bincount(c.src, minlength=c.n_nodes).argmax())
    f = generated.edge_filter(directed=False, all_relationships=True)
    a, b = c.node_id(hub), c.node_id(int(c.dst[0]))
    r = A.simple_paths(generated.adjacency, a, b, max_hops=6, limit=10**6, f=f, budget=1e-9)
    assert r.partial
