"""A read-only SPARQL 1.1 Protocol endpoint over the dataset (standard library HTTP server).

- ``GET /sparql?query=...``, ``POST`` form-encoded ``query=...``, or ``POST`` with
  ``Content-Type: application/sparql-query``; ``default-graph-uri`` / ``named-graph-uri``
  select the dataset (else the query's ``FROM``; else the union of all graphs). ``HEAD`` and
  ``OPTIONS`` are answered.
- Results by content negotiation: SPARQL results JSON (default), XML, CSV, TSV; CONSTRUCT and
  DESCRIBE in the RDF formats of :mod:`graphkit.formats` (Turtle by default).
- Updates (``update=``, ``application/sparql-update``, or an update sent as a query) get
  ``403 Forbidden``; syntax errors, ``SERVICE`` (the endpoint never makes requests), queries too
  long or nested too deeply, and a bad ``Content-Length`` get ``400`` with a message.
- Each query runs in a worker process; one that runs longer than ``timeout`` seconds is killed
  (pyoxigraph cannot cancel a query in-thread) and the client gets ``503``; a worker that
  crashes is reported as such (``500``) and replaced. Workers are started with ``spawn`` and
  load the dataset from the same files.
- Abuse limits: each connection's reads time out after ``read_timeout`` seconds, and a request
  must arrive whole within ``request_timeout`` seconds (a client that trickles bytes is cut
  off); at most ``max_connections`` are served at once (more get ``503`` at once).
- No CORS header unless ``cors`` names the one origin (``https://host[:port]``) allowed to read
  results from a browser. Listens on 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import re
import socket
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from graphkit.errors import GraphkitError
from graphkit.formats import FORMATS

#: media type -> SPARQL results format
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
#: media type -> RDF format name, for CONSTRUCT/DESCRIBE (from :data:`graphkit.formats.FORMATS`)
GRAPH_TYPES = {m: f.name for f in FORMATS for m in f.media_types}
MEDIA = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
}
GRAPH_MEDIA = {
    f.name: f.media_type + ("; charset=utf-8" if f.media_type.startswith("text/") else "")
    for f in FORMATS
}
TEXT = "text/plain; charset=utf-8"
METHODS = "GET, HEAD, POST, OPTIONS"
#: Largest request body accepted (bytes).
MAX_BODY = 10_000_000


class ServeError(GraphkitError):
    """A bad server setting (e.g. a ``--cors`` value that is not one origin)."""


def check_origin(origin: str) -> str:
    """``--cors`` value -> the origin as browsers send it; refuses ``*`` and paths."""
    o = origin.strip().rstrip("/").lower()
    if not re.fullmatch(r"https?://[a-z0-9.\-\[\]:]+", o):
        raise ServeError(
            f"--cors {origin!r}: give one origin such as https://example.org or "
            "http://localhost:3000 (no '*', no path)"
        )
    return o


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
    """Worker process: load the dataset, then answer requests forever.

    A request is ``(query, accept, default_graphs, named_graphs)``; the answer
    ``(status, content type, body)``."""
    from graphkit import sparql
    from graphkit.store import Dataset

    ds = Dataset.load(files=[Path(f) for f in files])
    conn.send("ready")
    while True:
        try:
            query, accept, default_graphs, named_graphs = conn.recv()
        except EOFError:
            return
        try:
            result = sparql.run(ds, query, default_graphs=default_graphs, named_graphs=named_graphs)
            if result.kind == "graph":
                fmt = negotiate(accept, GRAPH_TYPES, "ttl")
                conn.send((200, GRAPH_MEDIA[fmt], result.serialize(fmt)))
            else:
                fmt = negotiate(accept, RESULT_TYPES, "json")
                conn.send((200, MEDIA[fmt], result.serialize(fmt)))
        except sparql.QueryError as e:
            code = 403 if isinstance(e, sparql.UpdateRefused) else 400
            conn.send((code, TEXT, f"{e}\n".encode()))
        except GraphkitError as e:
            conn.send((400, TEXT, f"{e}\n".encode()))
        except Exception as e:  # noqa: BLE001  (report, keep serving)
            conn.send((500, TEXT, f"{type(e).__name__}: {e}\n".encode()))


class QueryTimeout(Exception):
    pass


class WorkerCrashed(Exception):
    """The worker process died while answering (e.g. the engine crashed on the query)."""

    def __init__(self, exitcode: int | None):
        super().__init__(f"worker exit code {exitcode}")
        self.exitcode = exitcode


class _Worker:
    def __init__(self, files: list[str]):
        ctx = mp.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, files), daemon=True)
        self.proc.start()
        child.close()
        try:
            ready = self.conn.poll(600) and self.conn.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.kill()
            raise ServeError(
                f"a SPARQL worker failed to load the dataset (exit code {self.proc.exitcode})"
            )

    def ask(self, request: tuple, timeout: float):
        self.conn.send(request)
        if not self.conn.poll(timeout):
            raise QueryTimeout
        return self.conn.recv()

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join(5)
        self.conn.close()


class WorkerPool:
    """Worker processes that each hold the dataset; a stuck or dead worker is replaced."""

    def __init__(self, files: list[Path], size: int = 2):
        self.files = [str(f) for f in files]
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.closed = False
        for _ in range(size):
            self.idle.put(_Worker(self.files))

    def run(
        self,
        query: str,
        accept: str,
        timeout: float,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ):
        """``(status, content type, body)``; raises :class:`QueryTimeout` or
        :class:`WorkerCrashed`."""
        try:
            w = self.idle.get(timeout=timeout)
        except queue.Empty:
            raise QueryTimeout from None
        try:
            out = w.ask((query, accept, default_graphs, named_graphs), timeout)
        except QueryTimeout:
            self._retire(w)
            raise
        except (EOFError, OSError):
            w.proc.join(1)
            code = w.proc.exitcode
            self._retire(w)
            raise WorkerCrashed(code) from None
        self.idle.put(w)
        return out

    def _retire(self, w: _Worker) -> None:
        w.kill()
        threading.Thread(target=self._replace, daemon=True).start()

    def _replace(self) -> None:
        if self.closed:
            return
        try:
            w = _Worker(self.files)
        except (ServeError, OSError):  # shutting down, or the files changed
            return
        if self.closed:
            w.kill()
        else:
            self.idle.put(w)

    def close(self) -> None:
        self.closed = True
        while True:
            try:
                self.idle.get_nowait().kill()
            except queue.Empty:
                return


class BadRequest(Exception):
    """A request the handler answers with an error (400 unless told) and then closes the
    connection."""

    def __init__(self, message: str, code: int = 400):
        super().__init__(message)
        self.code = code


class Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    protocol_version = "HTTP/1.1"
    default_request_version = "HTTP/1.0"  # errors for unparsable lines get a status line too
    head_only = False

    def setup(self) -> None:
        self.timeout = self.server.read_timeout  # type: ignore[misc]  # per socket read/write
        super().setup()

    def handle_one_request(self) -> None:
        """One request, which must arrive whole within the server's ``request_timeout``."""
        self._deadline = threading.Timer(self.server.request_timeout, self._cut_off)
        self._deadline.daemon = True
        self._deadline.start()
        try:
            super().handle_one_request()
        finally:
            self._deadline.cancel()

    def _cut_off(self) -> None:
        """The request did not arrive in time: end reading (the blocked read sees EOF)."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RD)
        except OSError:
            pass

    # -- methods --------------------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802
        self._guard(self._get)

    def do_HEAD(self) -> None:  # noqa: N802
        self._guard(self._get, head_only=True)

    def do_POST(self) -> None:  # noqa: N802
        self._guard(self._post)

    def do_OPTIONS(self) -> None:  # noqa: N802
        """CORS preflight (and plain OPTIONS): the allowed methods; CORS headers only for
        the allowed origin."""
        extra = {"Allow": METHODS}
        if self._allowed_origin():
            extra |= {
                "Access-Control-Allow-Methods": METHODS,
                "Access-Control-Allow-Headers": "Accept, Authorization, Content-Type",
                "Access-Control-Max-Age": "600",
            }
        self.head_only = False
        self._send(204, None, b"", extra)

    def _guard(self, fn, head_only: bool = False) -> None:
        """Run a method; a bad request gets 400, an unexpected error 500 (never a bare
        closed connection). ``head_only``: headers without the body (HEAD)."""
        self.head_only = head_only
        try:
            fn()
        except BadRequest as e:
            self.close_connection = True
            self._send(e.code, TEXT, f"{e}\n".encode(), {"Connection": "close"})
        except (TimeoutError, ConnectionError):
            raise
        except Exception as e:  # noqa: BLE001
            self.log_error("internal error: %r", e)
            self.close_connection = True
            self._send(500, TEXT, b"Internal server error\n", {"Connection": "close"})

    def _get(self) -> None:
        url = urlparse(self.path)
        if url.path not in ("/", "/sparql"):
            return self._send(404, TEXT, b"Not found: use /sparql\n")
        params = self._params(url.query)
        if "update" in params:
            return self._refuse()
        if "query" not in params:
            return self._send(200, TEXT, HELP.encode())
        self._query(params)

    def _post(self) -> None:
        url = urlparse(self.path)
        body = self._body()  # read it even for a 404, so the connection stays in step
        if url.path not in ("/", "/sparql"):
            return self._send(404, TEXT, b"Not found: use /sparql\n")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype == "application/sparql-update":
            return self._refuse()
        if ctype == "application/sparql-query":
            params = self._params(url.query)
            params["query"] = [body]
            return self._query(params)
        if ctype == "application/x-www-form-urlencoded":
            params = self._params(body)
            if "update" in params:
                return self._refuse()
            if "query" in params:
                return self._query(params)
            return self._send(400, TEXT, b"Missing 'query' parameter\n")
        self._send(415, TEXT, b"Unsupported Content-Type\n")

    # -- reading the request ----------------------------------------------------------------

    def _body(self) -> str:
        if self.headers.get("Transfer-Encoding"):
            raise BadRequest("Transfer-Encoding is not supported: send a Content-Length")
        values = self.headers.get_all("Content-Length") or []
        if len(set(values)) > 1:
            raise BadRequest("conflicting Content-Length headers")
        raw = values[0].strip() if values else "0"
        if not (raw.isascii() and raw.isdigit()):
            raise BadRequest(f"bad Content-Length {raw[:40]!r}: expected a number of bytes")
        length = int(raw)
        if length > MAX_BODY:
            raise BadRequest(
                f"request body of {length:,} bytes exceeds the limit of {MAX_BODY:,}", 413
            )
        data = self.rfile.read(length)
        if len(data) < length:
            raise BadRequest("request body shorter than its Content-Length")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("request body is not UTF-8") from None

    @staticmethod
    def _params(qs: str) -> dict[str, list[str]]:
        try:
            return parse_qs(qs, keep_blank_values=True, errors="strict")
        except (UnicodeDecodeError, ValueError):
            raise BadRequest("malformed query string (not UTF-8 percent-encoding)") from None

    # -- answering --------------------------------------------------------------------------

    def _query(self, params: dict[str, list[str]]) -> None:
        from graphkit import sparql

        if len(params["query"]) != 1:
            return self._send(400, TEXT, b"Give exactly one 'query' parameter\n")
        query = params["query"][0]
        self._deadline.cancel()  # the request is in; the query has its own limit
        try:
            sparql.check(query)  # before any worker (the engine) sees it
        except sparql.QueryError as e:
            code = 403 if isinstance(e, sparql.UpdateRefused) else 400
            return self._send(code, TEXT, f"{e}\n".encode())
        dflt, named = params.get("default-graph-uri"), params.get("named-graph-uri")
        try:
            code, ctype, body = self.server.pool.run(
                query, self.headers.get("Accept", ""), self.server.timeout_s, dflt, named
            )
        except QueryTimeout:
            msg = (
                f"Query stopped: it ran longer than the server's limit of "
                f"{self.server.timeout_s:g} s. Add LIMIT or narrow the patterns.\n"
            )
            return self._send(503, TEXT, msg.encode())
        except WorkerCrashed as e:
            msg = (
                f"The query engine crashed on this query ({e}); a new worker is starting. "
                "The query was not answered.\n"
            )
            return self._send(500, TEXT, msg.encode())
        self._send(code, ctype, body)

    def _refuse(self) -> None:
        self._send(403, TEXT, b"SPARQL updates are refused: read-only.\n")

    def _allowed_origin(self) -> str | None:
        origin = (self.headers.get("Origin") or "").strip().lower()
        return origin if self.server.cors and origin == self.server.cors else None

    def _send(self, code: int, ctype: str | None, body: bytes, extra: dict | None = None) -> None:
        self.send_response(code, HTTPStatus(code).phrase)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if self.server.cors:
            self.send_header("Vary", "Origin")
            origin = self._allowed_origin()
            if origin:
                self.send_header("Access-Control-Allow-Origin", origin)
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if not self.head_only:
            self.wfile.write(body)

    def log_message(self, fmt: str, *args) -> None:
        if not self.server.quiet:
            super().log_message(fmt, *args)


HELP = """graphkit SPARQL endpoint (read-only).
GET /sparql?query=...  or POST (application/sparql-query, or form-encoded query=...).
default-graph-uri / named-graph-uri select graphs. Project prefixes (gk:, ido:, status: ...)
are predeclared. SERVICE is refused: the endpoint makes no requests.
"""

_BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Content-Length: 48\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"
    b"Too many open connections; try again in a while\n"
)


class SparqlServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        addr,
        pool: WorkerPool,
        timeout_s: float,
        quiet: bool = False,
        *,
        read_timeout: float = 10,
        request_timeout: float = 30,
        max_connections: int = 32,
        cors: str | None = None,
    ):
        super().__init__(addr, Handler)
        self.pool = pool
        self.timeout_s = timeout_s
        self.quiet = quiet
        self.read_timeout = read_timeout
        self.request_timeout = request_timeout
        self.cors = check_origin(cors) if cors else None
        self._slots = threading.BoundedSemaphore(max_connections)
        self._count = threading.Lock()
        #: connections being served now (at most ``max_connections``)
        self.active = 0

    def _release(self) -> None:
        with self._count:
            self.active -= 1
        self._slots.release()

    def process_request(self, request, client_address) -> None:
        """At most ``max_connections`` at once; one more gets 503 and is closed."""
        if not self._slots.acquire(blocking=False):
            try:
                request.settimeout(1)
                request.sendall(_BUSY)
            except OSError:
                pass
            self.shutdown_request(request)
            return
        with self._count:
            self.active += 1
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._release()

    def handle_error(self, request, client_address) -> None:
        """A client that went away or stalled is not a server error: no traceback."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)

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
    read_timeout: float = 10,
    request_timeout: float = 30,
    max_connections: int = 32,
    cors: str | None = None,
) -> SparqlServer:
    """A server ready for ``serve_forever()``; ``port=0`` picks a free port."""
    origin = check_origin(cors) if cors else None  # before starting any worker
    pool = WorkerPool(files, size=workers)
    try:
        return SparqlServer(
            (host, port),
            pool,
            timeout,
            quiet,
            read_timeout=read_timeout,
            request_timeout=request_timeout,
            max_connections=max_connections,
            cors=origin,
        )
    except OSError:
        pool.close()
        raise
