"""graphkit viz: selection, escaping, static drawings, and the page in a real headless Chromium.

Browser tests drive Debian's Chromium (``/usr/bin/chromium``, or ``$GRAPHKIT_CHROMIUM``) through
Playwright with every non-file request aborted and counted. With ``CI=true`` they fail when
Chromium is missing; elsewhere they are skipped with the reason.
"""

from __future__ import annotations

import json
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


@pytest.fixture(scope="module")
def mini():
    return graphkit.load([MINI], bundled=False, cache=False)


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
    root = ET.parse(out).getroot()
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "HOSTS" in texts and "SUPPLIES" in texts
    assert "Borealis Analytics" in texts and "Federal Enforcement Agency" in texts
    assert any("https://example.org/awards/FEA001" in (t or "") for t in texts)
    assert run("--format", "svg", "-o", str(out)).exit_code != 0  # needs --path
    evil_svg = V.path_svg(evil, V.select(evil, path=(XSS_NAME, "org/target")))
    names = [t.text for t in ET.fromstring(evil_svg).iter("{http://www.w3.org/2000/svg}text")]
    assert XSS_NAME in names  # shown as text, parsed as text


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


def test_page_draws_offline_without_errors(mini_page):
    shot = mini_page.page.locator("#gk-network canvas").screenshot()
    assert _non_white_pixels(shot) > 2000
    assert mini_page.errors == []
    assert mini_page.remote == []
    legend = mini_page.page.locator("#gk-classes").inner_text()
    assert "Company" in legend and "GovernmentAgency" in legend


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
