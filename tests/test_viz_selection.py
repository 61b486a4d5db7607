"""graphkit.viz.selection on columns (a node mask and a picture edge mask over
graphkit.adjacency) chooses exactly what the networkx selection of round three chose: the same
nodes, the same edges in the same order, the same title, for neighbourhoods (``focus``) and
the whole graph, under several filters, on the bundled data and on a generated 10k graph.

The reference below is the round-three code: a networkx ``subgraph_view`` with the node
predicate, ``reference_paths.distances`` over it, and every edge of the networkx graph
judged by ``EdgeFilter.accepts``."""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pytest
import reference_paths as P

import graphkit
from graphkit import adjacency as A
from graphkit import viz as V
from graphkit.model import schema
from graphkit.viz.selection import EdgeFilter

FILTERS = {
    "defaults": {},
    "companies and agencies": {"labels": ["Company", "GovernmentAgency"]},
    "flow types named": {"types": ["supplies", "hosts"]},
    "confirmed or reported": {"statuses": ["confirmed", "reported"]},
    "at least reported": {"min_status": "reported"},
    "as of 2019-06": {"as_of": "2019-06"},
    "since 2019 until 2020": {"since": "2019", "until": "2020"},
    "until 2015, products": {"until": "2015", "labels": ["Product", "Company"]},
}


def reference(graph, *, focus=None, depth=1, labels=None, since=None, until=None, **options):
    """Round three's selection (networkx): nodes, edges, title."""
    base = graph.edge_filter(all_relationships=True, **options)
    filt = EdgeFilter.picture(
        base.with_(since=P.check_date(since, "--since"), until=P.check_date(until, "--until"))
    )
    known = set(schema().node_labels)
    wanted = {lb for lb in known for x in labels or () if lb.casefold() == x.casefold()}
    G = graph.G
    node_ok = (
        (lambda n: bool(wanted & set(G.nodes[n]["labels"])))
        if wanted
        else (lambda n: not schema().hidden & set(G.nodes[n]["labels"][:1]))
    )

    def induced(nodes):
        return [
            (u, v, k)
            for u, v, k, d in G.edges(keys=True, data=True)
            if u in nodes and v in nodes and filt.accepts(d)
        ]

    if focus is not None:
        center = graph.find(focus)
        view = nx.subgraph_view(G, filter_node=lambda n: n == center or node_ok(n))
        nodes = set(P.distances(view, center, depth, filt.with_(directed=False)))
        hops = "1 hop" if depth == 1 else f"{depth} hops"
        title = f"{graph.name(center)} and {len(nodes) - 1} entities within {hops}"
        return sorted(nodes), induced(nodes), title
    nodes = {n for n in G if node_ok(n)}
    edges = induced(nodes)
    if filt.active:
        touched = {n for u, v, _ in edges for n in (u, v)}
        nodes = {n for n in nodes if n in touched}
    return sorted(nodes), edges, "Whole graph"


def same(graph, **options) -> V.Selection | None:
    try:
        want = reference(graph, **options)
    except graphkit.GraphkitError:
        want = None
    if want is None or not want[0]:
        with pytest.raises(graphkit.GraphkitError):
            V.select(graph, **options)
        return None
    sel = V.select(graph, **options)
    assert (sel.nodes, sel.edges, sel.title) == want, options
    return sel


def centres(graph, n: int, seed: int) -> list[str]:
    """Entities with claims (half of them among the busiest), as ids."""
    c = graph.columns
    busy = np.bincount(np.concatenate([c.src[c.claim], c.dst[c.claim]]), minlength=c.n_nodes)
    ents = np.flatnonzero(c.entity_mask() & (busy > 0))
    top = ents[np.argsort(-busy[ents], kind="stable")][: n // 2]
    rnd = random.Random(seed)
    return [c.node_id(int(i)) for i in [*top, *rnd.sample(sorted(ents.tolist()), n - n // 2)]]


@pytest.fixture(scope="module")
def bundled(bundled_graph):
    return bundled_graph  # conftest: loaded once for the session


@pytest.fixture(scope="module")
def generated(generated_10k):
    return generated_10k  # conftest: generated and loaded once for the session


@pytest.mark.parametrize("name", FILTERS)
def test_bundled_selections_are_those_of_the_networkx_selection(bundled, name):
    options = FILTERS[name]
    drawn = 0
    for focus in ["ICE", "AWS", "Palantir", *centres(bundled, 6, 1)]:
        for depth in (1, 2):
            sel = same(bundled, focus=focus, depth=depth, **options)
            drawn += sel is not None and len(sel.edges) > 0
    assert drawn  # the comparison saw pictures with edges
    same(bundled, **options)


@pytest.mark.slow
@pytest.mark.parametrize("name", FILTERS)
def test_generated_selections_are_those_of_the_networkx_selection(generated, name):
    options = FILTERS[name]
    drawn = 0
    for focus in centres(generated, 6, 2):
        for depth in (1, 2):
            sel = same(generated, focus=focus, depth=depth, **options)
            drawn += sel is not None and len(sel.edges) > 0
    assert drawn
    same(generated, **options)


def test_node_mask_cuts_a_neighbourhood(bundled):
    """A view whose node mask drops a node never reaches past it."""
    c = bundled.columns
    ice = c.index_of(bundled.find("ICE"))
    f = bundled.edge_filter(directed=False, all_relationships=True)
    full = A.View(c, f).levels(ice, 1)
    first = np.flatnonzero((full != A.INF) & (np.arange(c.n_nodes) != ice))
    assert len(first)
    keep = np.ones(c.n_nodes, bool)
    keep[first[0]] = False
    cut = A.View(c, f, node_ok=keep).levels(ice, 1)
    assert cut[first[0]] == A.INF
    assert (cut != A.INF).sum() == (full != A.INF).sum() - 1
    only = A.label_mask(c, lambda lbs: "Company" in lbs)
    assert only.dtype == bool and len(only) == c.n_nodes
    assert all("Company" in c.node_labels(i) for i in np.flatnonzero(only).tolist())
