"""The columnar path search (graphkit.adjacency) answers exactly what the networkx one
(graphkit.paths) answers: the same paths in the same order, the same distances, the same claims
per hop, on the bundled data and on a generated graph, under several filters."""

import random

import numpy as np
import pytest
import reference_paths as P

from graphkit import adjacency as A

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
    # pairs decided lazily, a few at a time and then all (remembered ones mixed with new ones),
    # and edges tested in subsets, say what the whole mask says
    view = A.View(c, f)
    every = np.arange(c.n_edges)
    assert view.edges_ok(every[::3]).tolist() == want[::3]
    pair_ok = np.bincount(c.pair_of[np.array(want, bool)], minlength=len(c.fwd_pair)) > 0
    order = np.random.default_rng(0).permutation(len(pair_ok))
    for some in np.array_split(order[: len(pair_ok) // 3], 40):  # small batches: piecemeal
        assert view.pairs_ok(some).tolist() == pair_ok[some].tolist()
    assert view.pairs_ok(np.arange(len(pair_ok))).tolist() == pair_ok.tolist()
    assert view.edge_ok.tolist() == want


@pytest.fixture(scope="module")
def bundled(bundled_graph):
    return bundled_graph  # conftest: loaded once for the session


@pytest.fixture(scope="module")
def generated(generated_10k):
    return generated_10k  # conftest: generated and loaded once for the session


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


def reference_near(g, a: str, b: str, max_hops: int, f) -> dict:
    """What Graph._near said before it was made cheaper: every hint from a full search."""
    adj = g.adjacency
    reach = A.distances(adj, a, max_hops, f, max_nodes=11)
    back = A.distances(adj, b, max_hops, f, reverse=True, max_nodes=11)
    names = lambda d: [g.name(n) for n, _ in sorted(d.items(), key=lambda x: x[1])[1:11]]  # noqa: E731
    near: dict = {"reachable_from_source": names(reach), "reaching_target": names(back)}
    if f.directed:
        undirected = A.shortest_paths(
            adj, a, b, limit=1, f=f.with_(directed=False), max_hops=max_hops
        )
        if undirected and len(undirected[0]) - 1 <= max_hops:
            near["undirected_hops"] = len(undirected[0]) - 1
    if f.flow_only:
        wide = f.with_(types=None, flow_only=False)
        other = A.shortest_paths(adj, a, b, limit=1, f=wide, max_hops=max_hops)
        if not other and f.directed:
            other = A.shortest_paths(
                adj, a, b, limit=1, f=wide.with_(directed=False), max_hops=max_hops
            )
        if other and len(other[0]) - 1 <= max_hops:
            hop_claims = P.hops(g.G, other[0], f=wide.with_(directed=False))
            near["other_relationships"] = {
                "hops": len(other[0]) - 1,
                "types": sorted({c["type"] for h in hop_claims for c in h.claims}),
            }
    return near


@pytest.mark.parametrize(
    "name", ["flow (default)", "as of 2021", "undirected", "since 2019 until 2020"]
)
def test_path_hops_read_lazily_equal_the_eager_records(bundled, name):
    """Graph.path leaves every hop undecoded; read, each equals the eagerly built hop (columns
    and networkx), field by field, and the ranking read from the columns is the one the decoded
    claims give."""
    options = FILTERS[name]
    todo = pairs(bundled, 12, 3, options) + [("AWS", "ICE"), ("Palantir", "ICE"), ("ICE", "AWS")]
    f = bundled.edge_filter(**options)
    ranks = {s.rank: s.notation for s in bundled.ontology.statuses.values()}
    hops_read = 0
    for a, b in todo:
        r = bundled.path(a, b, **options)
        assert r.filter == f
        assert not any(h.loaded for hs in r.hops for h in hs)
        for p, hs, strength in zip(r.paths, r.hops, r.strengths):
            eager = A.hops(bundled.adjacency, p, f=r.filter)
            assert [(h.source, h.target) for h in hs] == list(zip(p, p[1:]))
            assert hs == eager == P.hops(bundled.G, p, f=r.filter)
            for h, e in zip(hs, eager):
                assert h.loaded and h.claims and len(h.claims) == len(e.claims)
                for mine, want in zip(h.claims, e.claims):
                    assert mine.keys() == want.keys()
                    for k in want:
                        assert mine[k] == want[k], (p, k)
                assert A.step_ranks(bundled.adjacency, [(h.source, h.target)], r.filter) == {
                    (h.source, h.target): (len(e.claims), P.hop_strength(e, r.filter))
                }
                hops_read += 1
            assert strength == ranks.get(P.path_strength(eager, r.filter), "?")
        if not r.found:
            assert r.near == reference_near(bundled, r.source, r.target, 4, r.filter)
    assert hops_read  # the sample has paths under every filter


def test_no_path_hints_equal_the_full_search(bundled):
    """The cheaper hints (a distance instead of a path, masks shared between directions) say
    what the full searches said, for pairs with no path under several filters."""
    rnd = random.Random(5)
    ents = sorted(bundled.entities())
    checked = 0
    for options in ({}, {"as_of": "2021"}, {"min_status": "reported"}, {"types": ["SUPPLIES"]}):
        f = bundled.edge_filter(**options)
        for _ in range(40):
            a, b = rnd.sample(ents, 2)
            r = bundled.path(a, b, **options)
            if not r.found:
                checked += 1
                assert r.near == reference_near(bundled, a, b, 4, f), (a, b, options)
    assert checked > 20
