"""graphkit viz: selection, escaping, static drawings, and the page in a real headless Chromium.

Browser tests drive Debian's Chromium (``/usr/bin/chromium``, or ``$GRAPHKIT_CHROMIUM``) through
Playwright with every non-file request aborted and counted. With ``CI=true`` they fail when
Chromium is missing; elsewhere they are skipped with the reason.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import re
import struct
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

import graphkit
from graphkit import viz as V
from graphkit.cli import app
from graphkit.errors import DataError, GraphkitError

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini.ttl"
XSS_NAME = "<img src=x onerror=alert(1)>"
CHROMIUM = V.chromium_path() or "/usr/bin/chromium"
IN_CI = os.environ.get("CI", "").lower() == "true"
FLAGS = list(V.CHROMIUM_FLAGS)

XSS_TTL = """\
@prefix gk: <https://w3id.org/graphkit/ontology#> .
@prefix ido: <https://w3id.org/graphkit/id/org/> .
@prefix idc: <https://w3id.org/graphkit/id/claim/> .
@prefix ide: <https://w3id.org/graphkit/id/evidence/> .
@prefix status: <https://w3id.org/graphkit/taxonomy/status/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix dcterms: <http://purl.org/dc/terms/> .

ido:evil a gk:Company ; schema:name "<img src=x onerror=alert(1)>" .
ido:target a gk:GovernmentAgency ; schema:name "Target </script><script>window.__xss=2</script>" .
ide:evil-source a gk:Evidence ;
    schema:url "https://example.org/evil?a=1&b=<2>" ;
    dcterms:title "<b onmouseover=alert(3)>headline</b>" ;
    dcterms:publisher "\\"><svg onload=alert(4)>" .
ide:js-source a gk:Evidence ;
    schema:url "javascript:window.__xss=5" ;
    dcterms:title "javascript link" .
idc:evil-supplies-target a gk:Claim ;
    rdf:subject ido:evil ; rdf:predicate gk:supplies ; rdf:object ido:target ;
    gk:status status:alleged ;
    gk:summary "<iframe src=https://tracker.example/></iframe>" ;
    prov:wasDerivedFrom ide:evil-source, ide:js-source .
"""


PREFIXES = XSS_TTL.split("\n\n")[0] + "\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n\n"
SOURCE = """@prefix evidence-type: <https://w3id.org/graphkit/taxonomy/evidence-type/> .
ide:test-source a gk:Evidence ; schema:url "https://example.org/test-source" ;
    dcterms:title "A test source" ; dcterms:publisher "Example Press" ;
    dcterms:type evidence-type:news .
"""


def _ttl(entities: dict[str, tuple[str, str]], claims: list[tuple[str, str, str, str]]) -> str:
    """Turtle for entities ``{key: (class, name)}`` and claims ``(subject, predicate, object,
    status)``, every claim citing one source."""
    out = [PREFIXES, SOURCE]
    for key, (cls, name) in entities.items():
        out.append(f'ido:{key} a gk:{cls} ; schema:name "{name}" .\n')
    for i, (a, pred, b, status) in enumerate(claims):
        out.append(
            f"idc:c{i}-{a}-{b} a gk:Claim ; rdf:subject ido:{a} ; rdf:predicate gk:{pred} ;\n"
            f"    rdf:object ido:{b} ; gk:status status:{status} ;\n"
            "    prov:wasDerivedFrom ide:test-source .\n"
        )
    return "".join(out)


def _load(tmp_path_factory, name: str, ttl: str, *, with_mini: bool = False):
    path = tmp_path_factory.mktemp(name) / f"{name}.ttl"
    path.write_text(ttl, encoding="utf-8")
    return graphkit.load([MINI, path] if with_mini else [path], bundled=False, cache=False)


LONG_NAME = "Department of Exceptionally Long Names for Testing the Wrapping of Boxes"


@pytest.fixture(scope="module")
def mini():
    return graphkit.load([MINI], bundled=False, cache=False)


@pytest.fixture(scope="module")
def bundled(curated_graph):
    return curated_graph  # the curated data (conftest): pages small enough to look at


@pytest.fixture(scope="module")
def parallel(tmp_path_factory):
    """Mini plus a vendor with three claims on the same agency (two SUPPLIES, one HOSTS) and a
    critic of that vendor."""
    ttl = _ttl(
        {
            "par-vendor": ("Company", "Parallel Vendor"),
            "par-critic": ("CivilSocietyOrganization", "Parallel Critics"),
        },
        [
            ("par-vendor", "supplies", "fea", "confirmed"),
            ("par-vendor", "supplies", "fea", "reported"),
            ("par-vendor", "hosts", "fea", "confirmed"),
            ("par-critic", "criticises", "par-vendor", "confirmed"),
        ],
    )
    return _load(tmp_path_factory, "parallel", ttl, with_mini=True)


@pytest.fixture(scope="module")
def six_paths(tmp_path_factory):
    """Six two-hop paths from one company to an agency with a long name."""
    mids = {f"mid{i}": ("Company", f"Intermediary {i}") for i in range(1, 7)}
    ttl = _ttl(
        {"six-src": ("Company", "Six Source Holdings"), "six-dst": ("GovernmentAgency", LONG_NAME)}
        | mids,
        [("six-src", "supplies", m, "confirmed") for m in mids]
        + [(m, "supplies", "six-dst", "confirmed") for m in mids],
    )
    return _load(tmp_path_factory, "six", ttl)


@pytest.fixture(scope="module")
def forty(tmp_path_factory):
    """Forty entities: an agency, twelve vendors supplying it, each reselling to two others."""
    ents = {"hub": ("GovernmentAgency", "Forty Test Agency")}
    claims = []
    for i in range(1, 13):
        ents[f"v{i}"] = ("Company", f"Vendor {i} Example Corporation")
        claims.append((f"v{i}", "supplies", "hub", "confirmed"))
    for i in range(1, 28):
        ents[f"r{i}"] = ("Company", f"Reseller {i} Ltd")
        claims.append((f"r{i}", "supplies", f"v{(i % 12) + 1}", "reported"))
    assert len(ents) == 40
    return _load(tmp_path_factory, "forty", _ttl(ents, claims))


@pytest.fixture(scope="module")
def evil(tmp_path_factory):
    path = tmp_path_factory.mktemp("xss") / "xss.ttl"
    path.write_text(XSS_TTL, encoding="utf-8")
    # validate=False: the javascript: URL is hostile input that SHACL would reject.
    return graphkit.load([MINI, path], bundled=False, validate=False, cache=False)


def run(*args: str):
    return CliRunner().invoke(app, ["viz", "--no-bundled", "-d", str(MINI), *args])


# -- selection --------------------------------------------------------------------------------


def test_whole_graph_hides_evidence_nodes_and_keeps_contracts(mini):
    sel = V.select(mini)
    assert "org/acme-cloud" in sel.nodes and "contract/FEA001" in sel.nodes
    assert not [n for n in sel.nodes if n.startswith("evidence/")]
    assert len(sel.edges) == 6


def test_focus_depth_follows_claims_and_links(mini):
    one = V.select(mini, focus="Borealis Analytics", depth=1)
    assert set(one.nodes) == {"org/borealis", "org/acme-cloud", "org/fea", "contract/FEA001"}
    assert one.highlight == {"org/borealis"}
    two = V.select(mini, focus="Borealis Analytics", depth=2)
    assert "product/facefinder" in two.nodes and "org/river-county-police" not in two.nodes


def test_path_selection_highlights_hops(mini):
    sel = V.select(mini, path=("ACL", "FEA"))
    assert sel.paths == [["org/acme-cloud", "org/borealis", "org/fea"]]
    assert {k for *_, k in sel.edges} == {
        "claim/acme-hosts-borealis",
        "claim/borealis-supplies-fea",
    }
    assert "claim/borealis-supplies-fea" in sel.highlight
    with pytest.raises(GraphkitError, match="no path"):
        V.select(mini, path=("FEA", "ACL"))


def test_filters_by_class_type_status_and_date(mini):
    assert {mini.G.nodes[n]["labels"][0] for n in V.select(mini, labels=["company"]).nodes} == {
        "Company"
    }
    confirmed = V.select(mini, statuses=["confirmed"])
    assert {mini.G.edges[e].get("status") for e in confirmed.edges} <= {"confirmed", None}
    assert "org/river-county-police" not in confirmed.nodes
    assert {e[2] for e in V.select(mini, types=["hosts"]).edges} == {"claim/acme-hosts-borealis"}
    dated = V.select(mini, since="2019-06", until="2020")
    assert [e[2] for e in dated.edges if "claim/" in e[2]] == ["claim/acme-hosts-borealis"]
    assert V.select(mini, until="2018").edges == [e for e in dated.edges if "|" in e[2]]
    with pytest.raises(GraphkitError, match="YYYY"):
        V.select(mini, since="last year")
    with pytest.raises(GraphkitError, match="unknown class"):
        V.select(mini, labels=["Spaceship"])


def test_sparql_select_construct_and_errors(mini, tmp_path):
    q = tmp_path / "vendors.rq"
    q.write_text("SELECT ?v ?c WHERE { ?v gk:supplies ?c }")
    sel = V.select(mini, query=q)
    assert set(sel.nodes) == {"org/borealis", "org/fea"}
    assert [e[2] for e in sel.edges if e[2].startswith("claim/")] == ["claim/borealis-supplies-fea"]
    c = tmp_path / "hosting.sparql"
    c.write_text("CONSTRUCT { ?a gk:hosts ?b } WHERE { ?a gk:hosts ?b }")
    assert set(V.select(mini, query=c).nodes) == {"org/acme-cloud", "org/borealis"}
    claims = tmp_path / "claims.rq"
    claims.write_text("SELECT ?c WHERE { ?c gk:status status:alleged }")
    assert set(V.select(mini, query=claims).nodes) == {
        "product/facefinder",
        "org/river-county-police",
    }
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT ?x WHERE {\n  ?x ?y \n")
    with pytest.raises(DataError, match=re.escape(str(bad))):
        V.select(mini, query=bad)
    ask = tmp_path / "ask.rq"
    ask.write_text("ASK { ?a ?b ?c }")
    with pytest.raises(GraphkitError, match="ASK"):
        V.select(mini, query=ask)
    cy = tmp_path / "q.cypher"
    cy.write_text(
        "MATCH (v:Company)-[r:SUPPLIES]->(a:GovernmentAgency) "
        "RETURN v.id AS vendor, r.claim AS claim, a.id AS agency"
    )
    sel = V.select(mini, query=cy)
    assert set(sel.nodes) == {"org/borealis", "org/fea"}
    assert [e[2] for e in sel.edges if e[2].startswith("claim/")] == ["claim/borealis-supplies-fea"]
    cy.write_text("MATCH (n:Company) CREATE (m:Company {id: 'x'}) RETURN n.id AS id")
    with pytest.raises(GraphkitError):
        V.select(mini, query=cy)


def test_class_styles_come_from_the_ontology():
    from graphkit.model import schema

    classes, edge_colors = V.styles()
    assert set(classes) == set(schema().node_labels)
    assert set(schema().rel_type_names) <= set(edge_colors)


# -- HTML without a browser -------------------------------------------------------------------


def test_page_is_self_contained_and_escapes_data(evil):
    page = V.build_html(evil, V.select(evil))
    assert XSS_NAME not in page and "<iframe" not in page and "<svg onload" not in page
    assert page.count("</script") == 3  # the template's three scripts: data cannot close one
    start = page.index('id="gk-data">') + len('id="gk-data">')
    end = page.index("</script>", start)
    data = json.loads(page[start:end])
    assert data["details"]["org/evil"]["name"] == XSS_NAME
    markup = page[:start] + page[end:]  # everything but the data: no remote resource
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", markup, re.I)
    assert "javascript:window" not in page  # the unsafe evidence URL was dropped
    assert "Content-Security-Policy" in page and "connect-src &#x27;none&#x27;" in page


def test_json_embedding_escapes_closing_tags():
    text = V.embed_json({"a": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text


# -- CLI --------------------------------------------------------------------------------------


def test_cli_html_and_max_nodes(tmp_path):
    out = tmp_path / "g.html"
    r = run("-o", str(out))
    assert r.exit_code == 0, r.output
    assert out.read_text().startswith("<!DOCTYPE html>")
    r = run("--max-nodes", "3", "-o", str(tmp_path / "big.html"))
    assert r.exit_code == 1
    assert "more than the limit of 3" in r.output and "Traceback" not in r.output
    assert not (tmp_path / "big.html").exists()
    r = run("--focus", "Borealis", "--path", "ACL", "FEA", "-o", str(out))
    assert r.exit_code != 0 and "only one of" in r.output
    q = tmp_path / "q.rq"
    q.write_text("SELECT ?s WHERE { ?s gk:hosts ?o }")
    r = run("--query", str(q), "--format", "json", "-o", str(tmp_path / "q.json"))
    assert r.exit_code == 0, r.output
    data = json.loads((tmp_path / "q.json").read_text())
    assert [n["id"] for n in data["nodes"]] == ["org/acme-cloud"]
    r = run("--focus", "Nobody Inc", "-o", str(out))
    assert r.exit_code == 1 and "No entity matches" in r.output


def test_svg_path_drawing_has_hop_labels(tmp_path, evil):
    out = tmp_path / "p.svg"
    r = run("--path", "ACL", "FEA", "--format", "svg", "-o", str(out))
    assert r.exit_code == 0, r.output
    texts = _svg_texts(out.read_text())
    assert "HOSTS" in texts and "SUPPLIES" in texts
    assert "Borealis Analytics" in texts and "Federal Enforcement Agency" in texts
    assert any("https://example.org/awards/FEA001" in (t or "") for t in texts)
    assert run("--format", "svg", "-o", str(out)).exit_code != 0  # needs --path
    evil_svg = V.path_svg(evil, V.select(evil, path=(XSS_NAME, "org/target")))
    assert XSS_NAME in _svg_texts(evil_svg)  # shown as text, parsed as text


def _svg_texts(svg: str) -> list[str]:
    """The text of every ``<text>`` element, its ``<tspan>`` lines joined by spaces."""
    ns = "{http://www.w3.org/2000/svg}"
    return [
        " ".join(x.strip() for x in t.itertext() if x.strip())
        for t in ET.fromstring(svg).iter(f"{ns}text")
    ]


def test_static_drawing_shows_every_path_or_says_how_many(six_paths):
    sel = V.select(six_paths, path=("Six Source Holdings", "org/six-dst"))
    assert len(sel.paths) == 6
    texts = _svg_texts(V.path_svg(six_paths, sel))
    assert texts[1].startswith("6 paths")  # title, then the line saying what is shown
    assert sum(t.startswith("Intermediary ") for t in texts) == 6
    assert texts.count(LONG_NAME) == 6  # the full name, wrapped but never cut
    texts = _svg_texts(V.path_svg(six_paths, sel, max_paths=5))
    assert texts[1].startswith("5 of 6 paths shown")
    assert sum(t.startswith("Intermediary ") for t in texts) == 5


def test_parallel_claims_are_one_line_listing_every_claim(parallel):
    sel = V.select(parallel, focus="Parallel Vendor")
    data = V.page_data(parallel, sel)
    between = [
        lk for lk in data["links"] if {lk["from"], lk["to"]} == {"org/par-vendor", "org/fea"}
    ]
    assert len(between) == 1
    claims = {e["id"] for e in data["edges"] if e["from"] == "org/par-vendor"}
    assert len(claims) == 3 and set(between[0]["members"]) == claims
    assert len(data["links"]) == len(
        {tuple(sorted((lk["from"], lk["to"]))) for lk in data["links"]}
    )


def _assert_clear_layout(graph, sel):
    """Label boxes do not overlap; no line passes within 12 px of a node it does not join."""
    from graphkit.viz.layout import caption, label_box, wrap_label

    pos = V.layout(sel, graph)
    box = {n: label_box(wrap_label(caption(n, graph.G.nodes[n]))) for n in sel.nodes}
    for a, b in itertools.combinations(sel.nodes, 2):
        (xa, ya), (xb, yb) = pos[a], pos[b]
        apart_x = abs(xa - xb) >= (box[a][0] + box[b][0]) / 2
        apart_y = abs(ya - yb) >= (box[a][1] + box[b][1]) / 2
        assert apart_x or apart_y, (a, b)
    for u, v, _ in sel.edges:
        (x1, y1), (x2, y2) = pos[u], pos[v]
        for n in sel.nodes:
            if n in (u, v):
                continue
            (x, y), dx, dy = pos[n], x2 - x1, y2 - y1
            t = ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)
            if 0.05 < t < 0.95:
                assert math.hypot(x - x1 - t * dx, y - y1 - t * dy) > 12, (u, v, n)


def test_layout_keeps_labels_apart_and_lines_off_nodes(forty, bundled):
    _assert_clear_layout(forty, V.select(forty))
    # layered: the direct AWS -> ICE line skips a layer of intermediaries
    sel = V.select(bundled, path=("AWS", "ICE"))
    assert ["org/amazon-web-services", "org/ice"] in sel.paths and len(sel.paths) > 2
    _assert_clear_layout(bundled, sel)


def test_as_of_keeps_valid_claims_and_marks_undated_ones(mini):
    data = V.page_data(mini, V.select(mini, focus="Borealis", as_of="2019-06"))
    claims = {e["id"]: e for e in data["edges"] if "claim" in e}
    assert claims["claim/borealis-supplies-fea"]["undated"] is True  # no dates: kept, marked
    assert data["as_of"] == "2019-06"
    assert all(
        e["undated"] is False for e in V.page_data(mini, V.select(mini))["edges"] if "claim" in e
    )
    before = V.select(mini, focus="Borealis", as_of="2018")  # hosting starts 2019
    assert "claim/acme-hosts-borealis" not in {k for *_, k in before.edges}


def test_above_150_nodes_hubs_and_highlights_keep_their_labels(tmp_path_factory):
    from graphkit.viz.page import LABEL_HUBS

    ents = {"hub": ("GovernmentAgency", "Big Agency")}
    claims = []
    for i in range(160):
        ents[f"b{i}"] = ("Company", f"Company {i}")
        claims.append((f"b{i}", "supplies", "hub" if i < 60 else f"b{i % 60}", "confirmed"))
    g = _load(tmp_path_factory, "big", _ttl(ents, claims))
    data = V.page_data(g, V.select(g, focus="Big Agency", depth=2), positions={})
    pinned = {n["id"] for n in data["nodes"] if n["pin"]}
    assert len(data["nodes"]) == 161 and len(pinned) == LABEL_HUBS
    assert "org/hub" in pinned and "org/b100" not in pinned  # a hub, and a leaf
    small = V.page_data(g, V.select(g, focus="Company 100"), positions={})
    assert all(n["pin"] for n in small["nodes"])


def test_query_ids_inside_text_name_nodes(mini, tmp_path):
    q = tmp_path / "chain.rq"
    q.write_text('SELECT ?path WHERE { BIND("org/acme-cloud > org/borealis > org/fea" AS ?path) }')
    assert set(V.select(mini, query=q).nodes) == {"org/acme-cloud", "org/borealis", "org/fea"}
    c = tmp_path / "chain.cypher"
    c.write_text("RETURN 'org/acme-cloud > org/borealis, not an id' AS path")
    assert set(V.select(mini, query=c).nodes) == {"org/acme-cloud", "org/borealis"}


VENDORS = ROOT / "queries" / "vendors-of-agency"


def test_query_param_binds_and_header_default_applies(mini, tmp_path):
    for suffix in (".rq", ".cypher"):
        sel = V.select(mini, query=VENDORS.with_suffix(suffix), params={"agency": "FEA"})
        assert set(sel.nodes) == {"org/borealis", "org/fea"}, suffix
        assert "Federal Enforcement Agency" in sel.title
        with pytest.raises(GraphkitError, match="no parameter 'agenc'"):
            V.select(mini, query=VENDORS.with_suffix(suffix), params={"agenc": "FEA"})
    q = tmp_path / "hosted.rq"
    q.write_text(
        "# param: client:entity = Borealis\n"
        "SELECT ?vendor ?client WHERE { ?vendor gk:hosts|gk:supplies ?client }"
    )
    assert set(V.select(mini, query=q).nodes) == {"org/acme-cloud", "org/borealis"}
    chosen = V.select(mini, query=q, params={"client": "FEA"})
    assert set(chosen.nodes) == {"org/borealis", "org/fea"}


def test_cli_param_and_empty_query_result(tmp_path):
    out = tmp_path / "v.json"
    r = run(
        "--query",
        str(VENDORS.with_suffix(".cypher")),
        "--param",
        "agency=FEA",
        "-f",
        "json",
        "-o",
        str(out),
    )
    assert r.exit_code == 0, r.output
    assert {n["id"] for n in json.loads(out.read_text())["nodes"]} == {"org/borealis", "org/fea"}
    empty = tmp_path / "empty.html"
    r = run(
        "--query",
        str(VENDORS.with_suffix(".rq")),
        "-p",
        "agency=River County Police",
        "-o",
        str(empty),
    )
    assert r.exit_code == 1, r.output
    assert "names no node or claim" in r.output and "Traceback" not in r.output
    assert not empty.exists()
    r = run("--param", "agency=FEA", "-o", str(empty))
    assert r.exit_code != 0 and "--param binds a parameter of --query" in r.output


def test_path_follows_flow_relationships_unless_asked(parallel):
    with pytest.raises(GraphkitError, match="technology, data or money.*--all-relationships"):
        V.select(parallel, path=("Parallel Critics", "FEA"))
    sel = V.select(parallel, path=("Parallel Critics", "FEA"), all_relationships=True)
    assert sel.paths == [["org/par-critic", "org/par-vendor", "org/fea"]]
    assert len(sel.edges) == 4  # the criticism and the three parallel claims
    assert V.select(parallel, path=("Parallel Critics", "FEA"), types=["criticises", "hosts"]).paths
    # the neighbourhood view shows every relationship type, through the same filter
    assert "org/par-critic" in V.select(parallel, focus="Parallel Vendor").nodes
    assert (
        "org/par-critic"
        not in V.select(parallel, focus="Parallel Vendor", types=["supplies"]).nodes
    )


# -- in the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).is_file():
        msg = f"Chromium not found at {CHROMIUM} (apt-get install chromium, or GRAPHKIT_CHROMIUM)"
        if IN_CI:
            pytest.fail(msg)
        pytest.skip(msg)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


class Page:
    """A page opened with the network blocked; records console errors, dialogs and requests."""

    def __init__(self, browser, path: Path):
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.remote: list[str] = []
        self.page = browser.new_page(viewport={"width": 1280, "height": 800})
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.route("**/*", self._route)
        self.page.goto(path.as_uri())
        self.page.wait_for_selector("body[data-ready='1']", timeout=30_000)

    def _dialog(self, d):
        self.dialogs.append(d.message)
        d.dismiss()

    def _route(self, route):
        if route.request.url.split(":", 1)[0] in ("file", "data", "blob"):
            route.continue_()
        else:
            self.remote.append(route.request.url)
            route.abort()

    def click_node(self, node_id: str) -> None:
        x, y = self.page.evaluate(
            """id => { const p = gkNetwork.getPositions([id])[id];
                       const d = gkNetwork.canvasToDOM(p);
                       const c = document.querySelector('#gk-network canvas');
                       const r = c.getBoundingClientRect();
                       return [d.x + r.left, d.y + r.top]; }""",
            node_id,
        )
        self.page.mouse.click(x, y)

    def close(self):
        self.page.close()


def _non_white_pixels(png: bytes) -> int:
    """Count non-white pixels of an 8-bit RGB(A) PNG (what Chromium screenshots are)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos : pos + 8])
        body = png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, _, depth, color = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and color in (2, 6)
            bpp = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride = zlib.decompress(idat), width * bpp
    prev, count = bytearray(stride), 0
    for i in range(0, len(raw), stride + 1):
        f, line = raw[i], bytearray(raw[i + 1 : i + 1 + stride])
        for j in range(stride):
            a = line[j - bpp] if j >= bpp else 0
            b, c = prev[j], prev[j - bpp] if j >= bpp else 0
            if f == 1:
                line[j] = (line[j] + a) & 255
            elif f == 2:
                line[j] = (line[j] + b) & 255
            elif f == 3:
                line[j] = (line[j] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[j] = (line[j] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        count += sum(1 for k in range(0, stride, bpp) if min(line[k : k + 3]) < 235)
        prev = line
    return count


@pytest.fixture(scope="module")
def mini_page(browser, mini, tmp_path_factory):
    out = tmp_path_factory.mktemp("viz") / "mini.html"
    V.write(mini, out)
    page = Page(browser, out)
    yield page
    page.close()


@pytest.mark.browser
def test_page_draws_offline_without_errors(mini_page):
    shot = mini_page.page.locator("#gk-network canvas").screenshot()
    assert _non_white_pixels(shot) > 2000
    assert mini_page.errors == []
    assert mini_page.remote == []
    legend = mini_page.page.locator("#gk-classes").inner_text()
    assert "Company" in legend and "GovernmentAgency" in legend


@pytest.mark.browser
def test_clicking_a_node_shows_its_evidence_links(mini_page):
    mini_page.click_node("org/borealis")
    panel = mini_page.page.locator("#gk-panel")
    panel.locator("h2", has_text="Borealis Analytics").wait_for()
    links = panel.locator("a")
    hrefs = {links.nth(i).get_attribute("href") for i in range(links.count())}
    assert "https://example.org/awards/FEA001" in hrefs
    assert "https://example.org/acme/borealis-migrates" in hrefs
    assert "Example Spending Office" in panel.inner_text()
    assert panel.locator("a", has_text="Award FEA001").get_attribute("rel") == "noopener noreferrer"
    assert mini_page.remote == [] and mini_page.errors == []


@pytest.mark.browser
def test_controls_hide_classes_and_statuses(mini_page):
    p = mini_page.page
    visible = "() => gkNodes.get({filter: n => !n.hidden}).length"
    visible_edges = "() => gkEdges.get({filter: e => !e.hidden}).length"
    before = p.evaluate(visible)
    p.locator("#gk-classes input[data-key='GovernmentAgency']").uncheck()
    assert p.evaluate(visible) == before - 2
    p.locator("#gk-classes input[data-key='GovernmentAgency']").check()
    assert p.evaluate(visible) == before
    edges = p.evaluate(visible_edges)
    p.locator("#gk-statuses input[data-key='alleged']").uncheck()
    assert p.evaluate(visible_edges) == edges - 1


@pytest.mark.browser
def test_xss_name_is_text_and_runs_nothing(browser, evil, tmp_path):
    out = tmp_path / "evil.html"
    V.write(evil, out)
    page = Page(browser, out)
    try:
        page.click_node("org/evil")
        panel = page.page.locator("#gk-panel")
        panel.locator("h2").wait_for()
        assert panel.locator("h2").inner_text() == XSS_NAME
        page.page.locator(".gk-claim .gk-rel").first.click()
        text = panel.inner_text()
        assert "<iframe src=https://tracker.example/></iframe>" in text
        assert "<b onmouseover=alert(3)>headline</b>" in text
        page.page.wait_for_timeout(300)
        dom = page.page.evaluate(
            """() => ({img: document.querySelectorAll('img, iframe, svg, b').length,
                        js: document.querySelectorAll('a[href^="javascript"]').length,
                        links: [...document.querySelectorAll('#gk-panel a[href]')].map(a => a.href),
                        xss: window.__xss || 0})"""
        )
        assert dom == {
            "img": 0,
            "js": 0,
            "links": ["https://example.org/evil?a=1&b=%3C2%3E"],
            "xss": 0,
        }
        assert page.dialogs == [] and page.remote == [] and page.errors == []
    finally:
        page.close()


@pytest.mark.browser
def test_png_path_drawing(tmp_path):
    if V.chromium_path() is None:
        if IN_CI:
            pytest.fail("Chromium is needed for PNG output")
        pytest.skip("Chromium not found (apt-get install chromium, or GRAPHKIT_CHROMIUM)")
    out = tmp_path / "p.png"
    r = run("--path", "ACL", "FEA", "--format", "png", "-o", str(out))
    assert r.exit_code == 0, r.output
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert _non_white_pixels(data) > 1000


LABEL_INK = """async () => {
  const canvas = document.querySelector('#gk-network canvas');
  const ctx = canvas.getContext('2d');
  const ratio = canvas.width / canvas.clientWidth;
  const ids = gkNodes.getIds();
  const W = canvas.clientWidth, H = canvas.clientHeight;
  const regions = {};
  for (const id of ids) {  // below the node's shape, as wide as its label
    const box = gkNetwork.getBoundingBox(id);
    const pos = gkNetwork.getPositions([id])[id];
    const a = gkNetwork.canvasToDOM({x: box.left, y: pos.y + gkNodes.get(id).size});
    const b = gkNetwork.canvasToDOM({x: box.right, y: box.bottom});
    regions[id] = [a.x, a.y, b.x - a.x, b.y - a.y];
  }
  function ink() {  // dark grey pixels: label text, not the coloured shapes and lines
    const out = {};
    for (const id of ids) {
      const [x, y, w, h] = regions[id];
      const inside = x >= 0 && y >= 0 && x + w <= W && y + h <= H;
      if (w < 2 || h < 2 || !inside) {
        out[id] = -1;
        continue;
      }
      const d = ctx.getImageData(Math.round(x * ratio), Math.round(y * ratio),
                                 Math.round(w * ratio), Math.round(h * ratio)).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) {
        const grey = Math.abs(d[i] - d[i + 1]) < 20 && Math.abs(d[i + 1] - d[i + 2]) < 20;
        if (d[i + 3] > 160 && d[i] < 120 && grey) n++;  // the background is transparent
      }
      out[id] = n;
    }
    return out;
  }
  const shown = ink();
  const drawn = new Promise(r => gkNetwork.once('afterDrawing', r));
  gkNodes.update(ids.map(id => ({id: id, label: ''})));
  await drawn;
  return {shown: shown, blank: ink(), px: gkLabelSize() * gkNetwork.getScale()};
}"""


@pytest.mark.browser
def test_every_label_is_drawn_on_a_40_node_page(browser, forty, tmp_path):
    out = tmp_path / "forty.html"
    sel = V.write(forty, out)
    assert len(sel.nodes) == 40
    page = Page(browser, out)
    try:
        ink = page.page.evaluate(LABEL_INK)
        assert page.errors == []
    finally:
        page.close()
    assert ink["px"] >= 11.5  # on-screen label size at the default zoom
    missing = {n: (ink["shown"][n], ink["blank"][n]) for n in sel.nodes}
    missing = {n: v for n, v in missing.items() if v[0] < 0 or v[0] - v[1] < 20}
    assert missing == {}  # every label region inside the view and inked by its label


@pytest.mark.browser
def test_cypher_and_sparql_query_pages_show_the_same_nodes(browser, bundled, tmp_path):
    ids = {}
    for suffix in (".rq", ".cypher"):
        out = tmp_path / f"vendors{suffix}.html"
        V.write(bundled, out, query=VENDORS.with_suffix(suffix))  # header default: ICE
        page = Page(browser, out)
        try:
            ids[suffix] = sorted(page.page.evaluate("() => gkNodes.getIds()"))
            assert page.errors == [] and page.remote == []
        finally:
            page.close()
    assert ids[".rq"] == ids[".cypher"]
    agencies = [n for n in ids[".rq"] if "GovernmentAgency" in bundled.G.nodes[n]["labels"]]
    assert agencies == ["org/ice"] and len(ids[".rq"]) > 3


EDGE_MIDDLE = """id => {
  const e = gkEdges.get(id);
  const p = gkNetwork.getPositions([e.from, e.to]);
  const a = p[e.from], b = p[e.to];
  const m = gkNetwork.canvasToDOM({x: (a.x + b.x) / 2, y: (a.y + b.y) / 2});
  const r = document.querySelector('#gk-network canvas').getBoundingClientRect();
  return [m.x + r.left, m.y + r.top];
}"""


@pytest.mark.browser
def test_parallel_claims_are_one_line_with_a_count_listed_on_click(browser, parallel, tmp_path):
    out = tmp_path / "parallel.html"
    V.write(parallel, out, focus="Parallel Vendor")
    page = Page(browser, out)
    try:
        lines = page.page.evaluate(
            """() => gkEdges.get().filter(e => [e.from, e.to].sort().join(' ') ===
                 'org/fea org/par-vendor').map(e => ({id: e.id, label: e.label, count: e.count}))"""
        )
        assert len(lines) == 1
        assert lines[0]["count"] == 3 and lines[0]["label"] == "SUPPLIES ×2 · HOSTS"
        page.page.mouse.click(*page.page.evaluate(EDGE_MIDDLE, lines[0]["id"]))
        panel = page.page.locator("#gk-panel")
        panel.locator(".gk-claim").first.wait_for()
        assert panel.locator(".gk-claim").count() == 3
        rels = panel.locator(".gk-claim .gk-rel").all_inner_texts()
        assert sorted(r.split("—")[1].split("→")[0] for r in rels) == [
            "HOSTS",
            "SUPPLIES",
            "SUPPLIES",
        ]
        assert "3 relationships" in panel.inner_text()
        assert page.errors == []
    finally:
        page.close()


@pytest.mark.browser
def test_print_pdf(tmp_path):
    if V.chromium_path() is None:
        if IN_CI:
            pytest.fail("Chromium is needed for PDF output")
        pytest.skip("Chromium not found (apt-get install chromium, or GRAPHKIT_CHROMIUM)")
    page = tmp_path / "report.html"
    page.write_text("<!DOCTYPE html><meta charset='utf-8'><h1>Report</h1><p>Text.</p>")
    pdf = V.print_pdf(page, tmp_path / "report.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 500
    with pytest.raises(GraphkitError, match="no such page"):
        V.print_pdf(tmp_path / "missing.html", tmp_path / "x.pdf")
