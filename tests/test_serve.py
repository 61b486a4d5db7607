"""The SPARQL endpoint, over real HTTP (urllib and SPARQLWrapper) on a free local port."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from graphkit.serve import RESULT_TYPES, make_server, negotiate
from graphkit.store import DERIVED, input_files

Q = "SELECT ?n WHERE { ?x a gk:Product ; schema:name ?n }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


ORIGIN = "http://app.example:3000"


def _start(**kw):
    files = input_files(["tests/fixtures/mini.ttl"], bundled=False)
    server = make_server(files, "127.0.0.1", 0, quiet=True, **kw)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def url():
    server = _start(timeout=2, workers=2, read_timeout=1, cors=ORIGIN)
    host, port = server.server_address[:2]
    assert host == "127.0.0.1"
    yield f"http://{host}:{port}/sparql"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def small():
    """Default CORS (none), one worker, at most 2 connections, reads time out after 1 s and a
    request must arrive within 1.5 s."""
    server = _start(timeout=5, workers=1, read_timeout=1, request_timeout=1.5, max_connections=2)
    yield server
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


# -- hardening ----------------------------------------------------------------------------------


def raw(url, data: bytes) -> bytes:
    """Send raw bytes, return everything the server sends back before it closes."""
    p = urllib.parse.urlparse(url)
    with socket.create_connection((p.hostname, p.port), timeout=10) as s:
        s.sendall(data)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
            if b"\r\n\r\n" in out and b"Connection: close" not in out:
                break
        return out


def test_service_through_serve_reaches_no_listener(url):
    from test_sparql import Listener

    lst = Listener()
    try:
        for q in (
            f"SELECT * WHERE {{ SERVICE <{lst.url}> {{ ?s ?p ?o }} }}",
            "SELECT * WHERE { SERVICE ?x { ?s ?p ?o } }",
            "SELECT * WHERE { SERVICE <file:///etc/passwd> { ?s ?p ?o } }",
        ):
            code, _, body = get(url, q)
            assert code == 400 and "is refused" in body
            code, _, body = fetch(url, q.encode(), {"Content-Type": "application/sparql-query"})
            assert code == 400 and "is refused" in body
    finally:
        lst.close()
    assert lst.hits == []


def test_deep_nesting_is_400_and_the_workers_survive(url):
    code, _, body = get(url, "SELECT * WHERE " + "{" * 5000 + "}" * 5000)
    assert code == 400 and "more than the limit of 64" in body
    assert get(url, Q)[0] == 200


@pytest.mark.parametrize("length", ["-1", "abc", "1e3", "5, 6"])
def test_bad_content_length_is_400(url, length):
    req = (
        "POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        f"Content-Length: {length}\r\n\r\nASK {{}}"
    )
    out = raw(url, req.encode())
    assert out.startswith(b"HTTP/1.1 400 ") and b"Content-Length" in out.split(b"\r\n\r\n")[1]


@pytest.mark.parametrize(
    "request_bytes, status",
    [
        (b"GARBAGE\r\n\r\n", b"400"),
        (b"GET /sparql?query=%ff HTTP/1.1\r\nHost: x\r\n\r\n", b"400"),
        (
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            b"400",
        ),
        (b"GET /sparql HTTP/7.0\r\n\r\n", b"505"),
    ],
)
def test_malformed_requests_get_a_response(url, request_bytes, status):
    out = raw(url, request_bytes)
    assert out.startswith(b"HTTP/1.") and status in out[:20]


def test_head_and_options(url):
    code, ctype, body = fetch(f"{url}?{urllib.parse.urlencode({'query': Q})}", method="HEAD")
    assert code == 200 and ctype.startswith("application/sparql-results+json") and body == ""
    req = urllib.request.Request(url, method="OPTIONS")
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.status == 204 and r.headers["Allow"] == "GET, HEAD, POST, OPTIONS"
        assert r.headers["Access-Control-Allow-Origin"] is None  # no Origin: no CORS


def test_cors_preflight_and_request_for_the_allowed_origin_only(url):
    pre = {
        "Origin": ORIGIN,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }
    with urllib.request.urlopen(urllib.request.Request(url, headers=pre, method="OPTIONS")) as r:
        assert r.status == 204
        assert r.headers["Access-Control-Allow-Origin"] == ORIGIN
        assert "POST" in r.headers["Access-Control-Allow-Methods"]
        assert "Authorization" in r.headers["Access-Control-Allow-Headers"]
    headers = {
        "Origin": ORIGIN,
        "Authorization": "Bearer x",
        "Content-Type": "application/sparql-query",
    }
    req = urllib.request.Request(url, data=Q.encode(), headers=headers)
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.status == 200 and r.headers["Access-Control-Allow-Origin"] == ORIGIN
        assert "FaceFinder" in r.read().decode()
    other = {**pre, "Origin": "http://evil.example"}
    with urllib.request.urlopen(urllib.request.Request(url, headers=other, method="OPTIONS")) as r:
        assert r.headers["Access-Control-Allow-Origin"] is None
    req = urllib.request.Request(f"{url}?{urllib.parse.urlencode({'query': Q})}", headers=other)
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.status == 200 and r.headers["Access-Control-Allow-Origin"] is None


def test_no_cors_header_by_default(small):
    host, port = small.server_address[:2]
    req = urllib.request.Request(f"http://{host}:{port}/sparql", headers={"Origin": ORIGIN})
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.status == 200 and r.headers["Access-Control-Allow-Origin"] is None


@pytest.mark.parametrize("cors", ["*", "http://a.example/path", "null"])
def test_cors_takes_one_origin(cors):
    from graphkit.serve import ServeError

    with pytest.raises(ServeError, match="give one origin"):
        make_server([], port=0, cors=cors)


def _stalled(url, data: bytes = b"GET /sparql?query=ASK") -> socket.socket:
    p = urllib.parse.urlparse(url)
    s = socket.create_connection((p.hostname, p.port), timeout=10)
    s.sendall(data)
    return s


def test_stalled_connections_are_closed_while_queries_still_work(url):
    stalled = [_stalled(url), _stalled(url, b""), _stalled(url, b"POST /sparql HTTP/1.1\r\n")]
    assert get(url, Q)[0] == 200
    for s in stalled:  # the server closes each after its 1 s read timeout, without a reply
        assert s.recv(1024) == b""
        s.close()


def test_a_trickled_request_is_cut_off(small):
    import select

    host, port = small.server_address[:2]
    s = _stalled(f"http://{host}:{port}/sparql", b"GET /sparql?query=")
    ended = False
    for _ in range(30):  # one byte every 0.2 s never trips the 1 s read timeout; 6 s in all
        try:
            s.sendall(b"A")
        except OSError:  # reset: the server closed it
            ended = True
            break
        if select.select([s], [], [], 0.2)[0]:
            data = s.recv(4096)
            ended = data == b"" or data.startswith(b"HTTP/1.")
            break
    s.close()
    assert ended  # the 1.5 s request deadline closed it


@pytest.fixture
def two_slots():
    """At most 2 connections, held for up to 5 s by a client that sends nothing more (long
    enough that a slow machine cannot free a slot before the test's third request)."""
    server = _start(timeout=5, workers=1, read_timeout=5, request_timeout=6, max_connections=2)
    yield server
    server.shutdown()
    server.server_close()


def test_connections_are_bounded(two_slots):
    small = two_slots
    host, port = small.server_address[:2]
    base = f"http://{host}:{port}/sparql"
    stalled = [_stalled(base), _stalled(base)]
    deadline = time.monotonic() + 30
    while small.active < 2 and time.monotonic() < deadline:  # readiness: both accepted
        time.sleep(0.01)
    assert small.active == 2
    out = raw(base, b"GET /sparql HTTP/1.1\r\nHost: x\r\n\r\n")
    assert out.startswith(b"HTTP/1.1 503 ") and b"Too many open connections" in out
    for s in stalled:
        assert s.recv(1024) == b""  # closed after the read timeout
        s.close()
    deadline = time.monotonic() + 30  # the slots are released right after the close
    while True:
        code = fetch(f"{base}?{urllib.parse.urlencode({'query': Q})}")[0]
        if code == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert code == 200


def test_crashed_worker_is_reported_as_a_crash_and_replaced(small):
    host, port = small.server_address[:2]
    base = f"http://{host}:{port}/sparql"
    for w in list(small.pool.idle.queue):
        w.proc.kill()
        w.proc.join(5)
    code, _, body = get(base, Q)
    assert code == 500 and "crashed" in body and "exit code -9" in body
    code, _, body = get(base, Q)  # waits for the replacement worker (up to the 5 s limit)
    assert code == 200 and "FaceFinder" in body


def test_dataset_selection_by_protocol_and_from(url):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def n(query, **params):
        qs = urllib.parse.urlencode({"query": query, **params})
        code, _, body = fetch(f"{url}?{qs}", headers={"Accept": "text/csv"})
        assert code == 200, body
        return int(body.split()[1])

    everything = n(count)
    assert everything > 4
    assert n(count, **{"default-graph-uri": DERIVED}) == DERIVED_TRIPLES
    assert n(count.replace("WHERE", f"FROM <{DERIVED}> WHERE")) == DERIVED_TRIPLES
    assert n(count, **{"named-graph-uri": DERIVED}) == 0  # named only: empty default graph
    g = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert n(g, **{"named-graph-uri": DERIVED}) == DERIVED_TRIPLES
    form = urllib.parse.urlencode({"query": count, "default-graph-uri": DERIVED}).encode()
    code, _, body = fetch(
        url, form, {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"}
    )
    assert code == 200 and body.split()[1] == str(DERIVED_TRIPLES)
    code, _, body = fetch(
        f"{url}?{urllib.parse.urlencode({'default-graph-uri': DERIVED})}",
        count.encode(),
        {"Content-Type": "application/sparql-query", "Accept": "text/csv"},
    )
    assert code == 200 and body.split()[1] == str(DERIVED_TRIPLES)


#: the fixture's 4 claims, each derived as its own triple, gk:flowsTo and gk:relationship
DERIVED_TRIPLES = 12


def test_rdflib_sparqlstore_named_graph_view_sees_only_that_graph(url):
    import rdflib
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    derived = rdflib.Graph(store=SPARQLStore(url), identifier=rdflib.URIRef(DERIVED))
    assert len(list(derived.triples((None, None, None)))) == DERIVED_TRIPLES
    assert len(list(rdflib.Graph(store=SPARQLStore(url)).triples((None, None, None)))) > 4
