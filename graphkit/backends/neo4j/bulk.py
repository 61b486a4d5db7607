"""Bulk loading into an empty, local Neo4j: ``neo4j-admin database import full``.

Steps: refuse unless the server is on this machine and the database holds nothing; write the
``neo4j-csv`` export; stop the server (``NEO4J_HOME/bin/neo4j stop``); import with
``NEO4J_HOME/bin/neo4j-admin database import full``; start the server; create the constraints
and indexes the online loader creates. The result is the graph the online loader writes (same
labels, properties, bookkeeping keys). Its fixed stages (stop, start, JVM start-up, constraints)
make it pay off only for first loads of large graphs; the server is down while the import runs.
"""

from __future__ import annotations

import shlex
import subprocess
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from graphkit.backends.neo4j.connection import Connection, Neo4jError, connect, errors
from graphkit.backends.neo4j.export import export_neo4j_csv
from graphkit.backends.neo4j.load import LoadResult
from graphkit.backends.neo4j.scheme import _groups, constraint_queries
from graphkit.projection import PropertyGraph

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}


@dataclass
class BulkResult(LoadResult):
    """A :class:`LoadResult` with the seconds of each stage (export, stop, import, start,
    constraints)."""

    stages: dict[str, float] = field(default_factory=dict)


def _host(uri: str) -> str:
    try:
        return (urllib.parse.urlsplit(uri).hostname or "").lower()
    except ValueError:
        raise Neo4jError(f"bad Neo4j URI {uri!r}") from None


def _tool(home: Path, name: str) -> Path:
    exe = home / "bin" / name
    if not exe.is_file():
        raise Neo4jError(
            f"--bulk needs the server's installation: {exe} not found "
            "(give --neo4j-home, or NEO4J_HOME, the folder holding bin/neo4j and bin/neo4j-admin)"
        )
    return exe


def _run(argv: list[str], what: str, timeout: float, cwd: Path | None = None) -> str:
    try:
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=timeout, cwd=cwd, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        raise Neo4jError(f"{what} failed: {e}") from None
    if done.returncode != 0:
        lines = (done.stdout + "\n" + done.stderr).splitlines()
        keep = [ln for ln in lines if ln.strip() and "warning" not in ln.lower()][-8:]
        raise Neo4jError(f"{what} failed (exit {done.returncode}): " + " | ".join(keep))
    return done.stdout


def _wait_for_bolt(conn: Connection, timeout: float) -> None:
    """Poll (every 0.2 s) until the server accepts a session."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with connect(conn):
                return
        except Neo4jError:
            if time.monotonic() > deadline:
                raise Neo4jError(
                    f"Neo4j at {conn.uri} did not come back within {timeout:.0f} s after the "
                    "import; start it and run `graphkit neo4j load` (it creates the constraints)"
                ) from None
            time.sleep(0.2)


def bulk_load(
    conn: Connection,
    pg: PropertyGraph,
    *,
    neo4j_home: Path,
    work: Path | None = None,
    timeout: float = 3600,
) -> BulkResult:
    """Load ``pg`` into the EMPTY database of a local server through ``neo4j-admin``.

    ``neo4j_home`` is the server's installation (``bin/neo4j``, ``bin/neo4j-admin``, and its
    ``conf``/``data``); ``work`` a folder for the CSV files (a temporary one by default).
    Refuses a remote server (the import writes the server's files) and a database that holds
    any node (the import replaces the whole database).
    """
    start = time.perf_counter()
    stages: dict[str, float] = {}
    host = _host(conn.uri or "")
    if host not in LOCAL_HOSTS:
        raise Neo4jError(
            f"--bulk writes the server's files, so it needs a server on this machine "
            f"({conn.uri} is not): use the online loader (without --bulk) for remote servers "
            "and clusters"
        )
    home = Path(neo4j_home).expanduser().resolve()
    admin, server = _tool(home, "neo4j-admin"), _tool(home, "neo4j")
    _, _, all_labels = _groups(pg)  # checks labels and types before anything is touched
    database = conn.database or "neo4j"
    load_id = time.time_ns() // 1000
    with connect(conn) as drv, errors(conn), drv.session(database=conn.database) as s:
        n = s.run("MATCH (n) RETURN count(n)").single()[0]
    if n:
        raise Neo4jError(
            f"--bulk replaces the whole database {database!r}, and it holds {n:,} nodes: "
            "use the online loader (without --bulk), or empty the database first"
        )
    with tempfile.TemporaryDirectory(prefix="graphkit-bulk-", dir=work) as tmp:
        t = time.perf_counter()
        _files, command = export_neo4j_csv(
            pg, Path(tmp) / "csv", database=database, load_id=load_id
        )
        argv = shlex.split(command)
        argv[0] = str(admin)
        stages["export"] = time.perf_counter() - t
        t = time.perf_counter()
        _run([str(server), "stop"], f"stopping Neo4j ({server} stop)", 600)
        stages["stop"] = time.perf_counter() - t
        t = time.perf_counter()
        try:
            _run(argv, "neo4j-admin database import full", timeout, cwd=Path(tmp))
        finally:
            stages["import"] = time.perf_counter() - t
            t = time.perf_counter()
            _run([str(server), "start"], f"starting Neo4j ({server} start)", 900)
            _wait_for_bolt(conn, 900)
            stages["start"] = time.perf_counter() - t
    t = time.perf_counter()
    with connect(conn) as drv, errors(conn), drv.session(database=conn.database) as s:
        for q in constraint_queries(all_labels):
            s.run(q).consume()
        s.run("CALL db.awaitIndexes(3600)").consume()
    stages["constraints"] = time.perf_counter() - t
    seconds = time.perf_counter() - start
    return BulkResult(len(pg.nodes), len(pg.edges), seconds, load_id=load_id, stages=stages)
