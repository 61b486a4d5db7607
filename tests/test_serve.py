"""The SPARQL endpoint, over real HTTP (urllib and SPARQLWrapper) on a free local port."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest

from graphkit.serve import RESULT_TYPES, make_server, negotiate
from graphkit.store import input_files

Q = "SELECT ?n WHERE { ?x a gk:Product ; schema:name ?n }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def url():
    files = input_files(["tests/fixtures/mini.ttl"], bundled=False)
    server = make_server(files, "127.0.0.1", 0, timeout=2, workers=2, quiet=True)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    host, port = server.server_address[:2]
    assert host == "127.0.0.1"
    yield f"http://{host}:{port}/sparql"
    server.shutdown()
    server.server_close()


def fetch(url, data=None, headers=None, method=None):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers.get("Content-Type"), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read().decode()


def get(url, query, accept=""):
    return fetch(f"{url}?{urllib.parse.urlencode({'query': query})}", headers={"Accept": accept})


def test_get_json_by_default(url):
    code, ctype, body = get(url, Q)
    assert code == 200 and ctype.startswith("application/sparql-results+json")
    assert json.loads(body)["results"]["bindings"] == [
        {"n": {"type": "literal", "value": "FaceFinder"}}
    ]


@pytest.mark.parametrize(
    "accept, ctype, needle",
    [
        ("text/csv", "text/csv", "n\r\nFaceFinder"),
        ("text/tab-separated-values", "text/tab-separated-values", '?n\n"FaceFinder"'),
        ("application/sparql-results+xml", "application/sparql-results+xml", "<literal>FaceFinder"),
        (
            "text/csv;q=0.5, application/sparql-results+json",
            "application/sparql-results+json",
            '"FaceFinder"',
        ),
    ],
)
def test_content_negotiation(url, accept, ctype, needle):
    code, got, body = get(url, Q, accept)
    assert code == 200 and got.startswith(ctype)
    assert needle in body


def test_post_sparql_query_and_form(url):
    code, _, body = fetch(
        url, Q.encode(), {"Content-Type": "application/sparql-query", "Accept": "text/csv"}
    )
    assert code == 200 and "FaceFinder" in body
    form = urllib.parse.urlencode({"query": "ASK { ido:acme-cloud gk:hosts ido:borealis }"})
    code, _, body = fetch(url, form.encode(), {"Content-Type": "application/x-www-form-urlencoded"})
    assert code == 200 and json.loads(body)["boolean"] is True


@pytest.mark.parametrize(
    "accept, ctype, needle",
    [
        ("", "text/turtle", 'idp:facefinder schema:name "FaceFinder"'),
        (
            "application/n-triples",
            "application/n-triples",
            '<https://w3id.org/graphkit/id/product/facefinder> <https://schema.org/name> "Face',
        ),
        ("application/ld+json", "application/ld+json", "FaceFinder"),
    ],
)
def test_construct_as_rdf(url, accept, ctype, needle):
    q = "CONSTRUCT { ?x schema:name ?n } WHERE { ?x a gk:Product ; schema:name ?n }"
    code, got, body = get(url, q, accept)
    assert code == 200 and got.startswith(ctype)
    assert needle in body


def test_updates_refused(url):
    assert get(url, "DROP ALL")[0] == 403
    form = urllib.parse.urlencode({"update": "DROP ALL"}).encode()
    assert fetch(url, form, {"Content-Type": "application/x-www-form-urlencoded"})[0] == 403
    assert fetch(url, b"CLEAR ALL", {"Content-Type": "application/sparql-update"})[0] == 403
    assert json.loads(get(url, Q)[2])["results"]["bindings"]  # data still there


def test_syntax_error_is_400_with_position(url):
    code, _, body = get(url, "SELECT ?s WHERE { ?s ?p }")
    assert code == 400 and "line 1, column" in body


def test_injection_through_the_query_string_is_just_a_query(url):
    code, _, body = get(
        url, 'SELECT ?n WHERE { ?x schema:name ?n FILTER(?n = "\\"} ; DROP ALL #") }'
    )
    assert code == 200 and json.loads(body)["results"]["bindings"] == []


def test_slow_query_is_stopped_with_503_and_server_recovers(url):
    code, _, body = get(url, SLOW)
    assert code == 503 and "limit of 2 s" in body
    code, _, _ = get(url, Q)
    assert code == 200


def test_sparqlwrapper_client(url):
    from SPARQLWrapper import JSON, POST, SPARQLWrapper

    sw = SPARQLWrapper(url)
    sw.setQuery("PREFIX gk: <https://w3id.org/graphkit/ontology#> " + Q.replace("gk:", "gk:"))
    sw.setReturnFormat(JSON)
    res = sw.query().convert()
    assert [b["n"]["value"] for b in res["results"]["bindings"]] == ["FaceFinder"]
    sw.setMethod(POST)
    res = sw.query().convert()
    assert res["results"]["bindings"][0]["n"]["value"] == "FaceFinder"


def test_negotiate_picks_highest_q():
    assert negotiate("text/csv;q=0.2, text/tab-separated-values", RESULT_TYPES, "json") == "tsv"
    assert negotiate("*/*", RESULT_TYPES, "json") == "json"
