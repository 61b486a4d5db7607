"""A read-only SPARQL 1.1 Protocol endpoint over the dataset (standard library HTTP server).

- ``GET /sparql?query=...``, ``POST`` form-encoded ``query=...``, or ``POST`` with
  ``Content-Type: application/sparql-query``.
- Results by content negotiation: SPARQL results JSON (default), XML, CSV, TSV; CONSTRUCT and
  DESCRIBE as Turtle (default), N-Triples, JSON-LD or RDF/XML.
- Updates (``update=``, ``application/sparql-update``, or an update sent as a query) get
  ``403 Forbidden``; syntax errors ``400`` with line and column.
- Each query runs in a worker process; one that runs longer than ``timeout`` seconds is killed
  (pyoxigraph cannot cancel a query in-thread) and the client gets ``503`` with a clear message.
  Workers are started with ``spawn`` and load the dataset from the same files.
- Listens on 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

#: media type -> (result format, for graph results?)
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "ttl",
    "application/x-turtle": "ttl",
    "application/n-triples": "nt",
    "text/plain": "nt",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "xml",
}
MEDIA = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
}
GRAPH_MEDIA = {
    "ttl": "text/turtle; charset=utf-8",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "xml": "application/rdf+xml",
}


def negotiate(accept: str, table: dict[str, str], default: str) -> str:
    """The format of the best media type in an ``Accept`` header (highest q, then first)."""
    best, best_q = default, 0.0
    for part in (accept or "").split(","):
        media, *opts = [b.strip() for b in part.split(";")]
        q = 1.0
        for o in opts:
            if o.startswith("q="):
                try:
                    q = float(o[2:])
                except ValueError:
                    q = 0.0
        fmt = table.get(media.lower())
        if fmt and q > best_q:
            best, best_q = fmt, q
    return best


def _worker_main(conn, files: list[str]) -> None:
    """Worker process: load the dataset, then answer ``(query, accept)`` requests forever."""
    from graphkit import sparql
    from graphkit.errors import GraphkitError
    from graphkit.store import Dataset

    ds = Dataset.load(files=[Path(f) for f in files])
    conn.send("ready")
    while True:
        try:
            query, accept = conn.recv()
        except EOFError:
            return
        try:
            result = sparql.run(ds, query)
            if result.kind == "graph":
                fmt = negotiate(accept, GRAPH_TYPES, "ttl")
                conn.send((200, GRAPH_MEDIA[fmt], result.serialize(fmt)))
            else:
                fmt = negotiate(accept, RESULT_TYPES, "json")
                conn.send((200, MEDIA[fmt], result.serialize(fmt)))
        except sparql.QueryError as e:
            code = 403 if "refused" in str(e) else 400
            conn.send((code, "text/plain; charset=utf-8", f"{e}\n".encode()))
        except GraphkitError as e:
            conn.send((400, "text/plain; charset=utf-8", f"{e}\n".encode()))
        except Exception as e:  # noqa: BLE001  (report, keep serving)
            conn.send((500, "text/plain; charset=utf-8", f"{type(e).__name__}: {e}\n".encode()))


class QueryTimeout(Exception):
    pass


class _Worker:
    def __init__(self, files: list[str]):
        ctx = mp.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, files), daemon=True)
        self.proc.start()
        child.close()
        if not self.conn.poll(600) or self.conn.recv() != "ready":
            self.kill()
            raise RuntimeError("SPARQL worker failed to load the dataset")

    def ask(self, query: str, accept: str, timeout: float):
        self.conn.send((query, accept))
        if not self.conn.poll(timeout):
            raise QueryTimeout
        return self.conn.recv()

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join(5)
        self.conn.close()


class WorkerPool:
    """Worker processes that each hold the dataset; a stuck worker is killed and replaced."""

    def __init__(self, files: list[Path], size: int = 2):
        self.files = [str(f) for f in files]
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.closed = False
        for _ in range(size):
            self.idle.put(_Worker(self.files))

    def run(self, query: str, accept: str, timeout: float):
        try:
            w = self.idle.get(timeout=timeout)
        except queue.Empty:
            raise QueryTimeout from None
        try:
            out = w.ask(query, accept, timeout)
        except (QueryTimeout, EOFError, OSError):
            w.kill()
            threading.Thread(target=self._replace, daemon=True).start()
            raise QueryTimeout from None
        self.idle.put(w)
        return out

    def _replace(self) -> None:
        if not self.closed:
            self.idle.put(_Worker(self.files))

    def close(self) -> None:
        self.closed = True
        while True:
            try:
                self.idle.get_nowait().kill()
            except queue.Empty:
                return


class Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802
        url = urlparse(self.path)
        if url.path not in ("/", "/sparql"):
            return self._send(404, "text/plain; charset=utf-8", b"Not found: use /sparql\n")
        params = parse_qs(url.query, keep_blank_values=True)
        if "update" in params:
            return self._refuse()
        if "query" not in params:
            return self._send(200, "text/plain; charset=utf-8", HELP.encode())
        self._query(params["query"][0])

    def do_POST(self) -> None:  # noqa: N802
        url = urlparse(self.path)
        if url.path not in ("/", "/sparql"):
            return self._send(404, "text/plain; charset=utf-8", b"Not found: use /sparql\n")
        length = int(self.headers.get("Content-Length") or 0)
        if length > 10_000_000:
            return self._send(413, "text/plain; charset=utf-8", b"Request too large\n")
        body = self.rfile.read(length).decode("utf-8", "replace")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype == "application/sparql-update":
            return self._refuse()
        if ctype == "application/sparql-query":
            return self._query(body)
        if ctype == "application/x-www-form-urlencoded":
            params = parse_qs(body, keep_blank_values=True)
            if "update" in params:
                return self._refuse()
            if "query" in params:
                return self._query(params["query"][0])
            return self._send(400, "text/plain; charset=utf-8", b"Missing 'query' parameter\n")
        self._send(415, "text/plain; charset=utf-8", b"Unsupported Content-Type\n")

    def _query(self, query: str) -> None:
        try:
            code, ctype, body = self.server.pool.run(
                query, self.headers.get("Accept", ""), self.server.timeout_s
            )
        except QueryTimeout:
            msg = (
                f"Query stopped: it ran longer than the server's limit of "
                f"{self.server.timeout_s:g} s. Add LIMIT or narrow the patterns.\n"
            )
            return self._send(503, "text/plain; charset=utf-8", msg.encode())
        self._send(code, ctype, body)

    def _refuse(self) -> None:
        self._send(403, "text/plain; charset=utf-8", b"SPARQL updates are refused: read-only.\n")

    def _send(self, code: int, ctype: str, body: bytes) -> None:
        self.send_response(code, HTTPStatus(code).phrase)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt: str, *args) -> None:
        if not self.server.quiet:
            super().log_message(fmt, *args)


HELP = """graphkit SPARQL endpoint (read-only).
GET /sparql?query=...  or POST (application/sparql-query, or form-encoded query=...).
Project prefixes (gk:, ido:, status: ...) are predeclared.
"""


class SparqlServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, addr, pool: WorkerPool, timeout_s: float, quiet: bool = False):
        super().__init__(addr, Handler)
        self.pool = pool
        self.timeout_s = timeout_s
        self.quiet = quiet

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()


def make_server(
    files: list[Path],
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    timeout: float = 30,
    workers: int = 2,
    quiet: bool = False,
) -> SparqlServer:
    """A server ready for ``serve_forever()``; ``port=0`` picks a free port."""
    pool = WorkerPool(files, size=workers)
    try:
        return SparqlServer((host, port), pool, timeout, quiet)
    except OSError:
        pool.close()
        raise
