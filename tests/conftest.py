"""Shared fixtures: one projection cache for the session, the bundled data (every source, or the
curated part) loaded once, CLI runs that several tests repeat done once (``invoke_once``), the
SHACL-SPARQL of pySHACL parsed once, and one real Neo4j server over Bolt, reused by every Neo4j
test of the session.

Markers (pyproject.toml): ``neo4j``, ``browser``, ``slow``. The development subset is
``pytest -m "not neo4j and not browser and not slow"``; ``scripts/test`` runs everything.

``neo4j_uri`` is ``NEO4J_URI`` when set (``scripts/test`` starts a server and exports it, with
``NEO4J_HOME``); otherwise the first Neo4j test starts one with ``scripts/neo4j-server start``
in a private state folder, and the session stops it at the end. Under ``CI=true`` a missing
server fails the tests, never skips them; elsewhere they skip, with the reason, only when neither
``NEO4J_URI`` nor Java is available. The Neo4j tests delete what graphkit loaded into that
database (other data is left alone). Mark Neo4j tests ``@pytest.mark.neo4j``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVER = ROOT / "scripts" / "neo4j-server"
DEFAULT_PASSWORD = "graphkit-test"  # scripts/neo4j-server's default


@pytest.fixture(scope="session", autouse=True)
def session_cache_dir(tmp_path_factory):
    """One ``GRAPHKIT_CACHE_DIR`` for the whole session (unless the caller set one), so that
    repeated loads of the same files (the bundled data above all) hit the cache. Set in
    ``os.environ``: in-process CLI runs and subprocesses see it too; tests of the cache itself
    point it at their own folder with monkeypatch."""
    if os.environ.get("GRAPHKIT_CACHE_DIR"):
        yield Path(os.environ["GRAPHKIT_CACHE_DIR"])
        return
    folder = tmp_path_factory.mktemp("graphkit-cache")
    os.environ["GRAPHKIT_CACHE_DIR"] = str(folder)
    try:
        yield folder
    finally:
        os.environ.pop("GRAPHKIT_CACHE_DIR", None)


@pytest.fixture(scope="session")
def bundled_graph():
    """``graphkit.load()`` (ontology + every bundled source), loaded once for the session.
    Shared: tests must not change it (load their own graph to do that)."""
    import graphkit

    return graphkit.load()


@pytest.fixture(scope="session")
def curated_graph():
    """``graphkit.load(sources=["none"])`` (ontology + curated data), loaded once for the
    session. Shared: tests must not change it."""
    import graphkit

    return graphkit.load(sources=["none"])


@pytest.fixture(scope="session")
def generated_10k(tmp_path_factory):
    """10,000 synthetic claims (``scripts/generate.py``, seed 0: hubs and pairs without a path),
    loaded once for the session without validation or cache. Shared: tests must not change it."""
    import graphkit
    from scripts.generate import generate

    out = tmp_path_factory.mktemp("gen") / "syn-10k.nt"
    generate(10_000, out, seed=0)
    return graphkit.load([out], bundled=False, validate=False, cache=False)


@pytest.fixture(scope="session")
def bundled_dataset():
    """The RDF dataset of the bundled data (ontology + curated + every source, one named graph
    per file), parsed once for the session. Shared: tests must not change it."""
    from graphkit.store import Dataset, input_files

    return Dataset.load(files=input_files())


@pytest.fixture(scope="session")
def invoke_once():
    """``invoke(args, env=None)``: typer's CliRunner result of ``graphkit <args>``, run once
    per session for each arguments, ``env`` and ``os.environ``. For read-only commands that
    several tests run identically (``graphkit validate`` on every bundled source is one README
    example and one test of the CLI: 3-4 s of CPU each time)."""
    from typer.testing import CliRunner

    from graphkit.cli import app

    done: dict = {}

    def invoke(args, env: dict | None = None):
        here = sorted((k, v) for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST")
        key = (tuple(args), tuple(sorted((env or {}).items())), tuple(here))
        if key not in done:
            done[key] = CliRunner().invoke(app, list(args), env=env)
        return done[key]

    return invoke


_PREPARED: dict = {}  # rdflib queries parsed once a session (rdflib_parses_each_query_once)


@pytest.fixture
def rdflib_parses_each_query_once(monkeypatch):
    """pySHACL (the reference engine of the SHACL comparisons) runs each SHACL-SPARQL
    constraint once per focus node through ``rdflib.Graph.query``, with the same text and other
    bindings, and rdflib parses the text every time (nearly all of pySHACL's time here). In the
    test that asks for this, each text is parsed and translated once a session, as rdflib's own
    ``prepareQuery`` does for a caller that reuses a query: evaluation is unchanged."""
    from rdflib.plugins.sparql import processor

    query = processor.SPARQLProcessor.query

    def query_prepared(self, q, initBindings=None, initNs=None, base=None, DEBUG=False):
        if isinstance(q, str):
            key = (q, base, tuple(sorted((k, str(v)) for k, v in (initNs or {}).items())))
            if key not in _PREPARED:
                _PREPARED[key] = processor.translateQuery(processor.parseQuery(q), base, initNs)
            q = _PREPARED[key]
        return query(self, q, initBindings, initNs, base, DEBUG)

    monkeypatch.setattr(processor.SPARQLProcessor, "query", query_prepared)


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _unavailable(reason: str):
    if _in_ci():
        pytest.fail(f"CI: the Neo4j tests must run, but {reason}", pytrace=False)
    print(f"\nskipping Neo4j tests: {reason}")
    pytest.skip(f"Neo4j unavailable: {reason}")


@dataclass(frozen=True)
class Neo4jServer:
    """The session's server: its Bolt URI and, when known, its ``NEO4J_HOME`` (for --bulk and
    for stopping/starting it through ``home/bin/neo4j``)."""

    uri: str
    home: Path | None


def _relevant(stderr: str, limit: int = 15) -> str:
    """The lines of a failed start worth reading (no JVM warnings)."""
    lines = [ln for ln in stderr.splitlines() if ln.strip() and "warning" not in ln.lower()]
    return "\n".join(lines[-limit:])


def _wait_for_bolt(uri: str, timeout: float) -> None:
    """Until a driver can log in (the launcher prints the URI once Bolt accepts connections;
    this also covers a NEO4J_URI server that is still starting)."""
    import neo4j

    deadline = time.monotonic() + timeout
    while True:
        try:
            with neo4j.GraphDatabase.driver(uri, auth=("neo4j", _password())) as drv:
                drv.verify_connectivity()
            return
        except neo4j.exceptions.AuthError:
            return  # up; the tests report the login problem themselves
        except Exception as e:  # noqa: BLE001 - any failure means "not ready yet"
            if time.monotonic() > deadline:
                pytest.fail(f"Neo4j at {uri} is not reachable: {e}", pytrace=False)
            time.sleep(1)


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory) -> Neo4jServer:
    """The running Neo4j of this session (NEO4J_URI, or one started once and reused)."""
    if os.environ.get("NEO4J_URI"):
        home = os.environ.get("NEO4J_HOME")
        _wait_for_bolt(os.environ["NEO4J_URI"], 120)
        yield Neo4jServer(os.environ["NEO4J_URI"], Path(home) if home else None)
        return
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        _unavailable("NEO4J_URI is not set and Java (17+) is not installed to start one")
    state = tmp_path_factory.mktemp("neo4j-server")
    env = {**os.environ, "NEO4J_PASSWORD": _password()}
    try:
        proc = subprocess.run(
            [str(SERVER), "start", str(state)], capture_output=True, text=True, env=env
        )  # no timeout here: the script's own limit adapts to the machine's load
    except OSError as e:
        pytest.fail(f"scripts/neo4j-server start failed: {e}", pytrace=False)
    if proc.returncode != 0 or not proc.stdout.strip():
        pytest.fail(f"scripts/neo4j-server start failed:\n{_relevant(proc.stderr)}", pytrace=False)
    uri = proc.stdout.strip().splitlines()[-1]
    try:
        _wait_for_bolt(uri, 120)
        yield Neo4jServer(uri, state / "home")
    finally:
        subprocess.run([str(SERVER), "stop", str(state)], capture_output=True, timeout=300)


@pytest.fixture(scope="session")
def neo4j_uri(neo4j_server) -> str:
    """Bolt URI of the session's Neo4j."""
    return neo4j_server.uri


def _password() -> str:
    return os.environ.get("NEO4J_PASSWORD", DEFAULT_PASSWORD)


@pytest.fixture(scope="session")
def neo4j_env(neo4j_uri) -> dict[str, str]:
    """Environment variables that point graphkit at the test server."""
    return {
        "NEO4J_URI": neo4j_uri,
        "NEO4J_USER": os.environ.get("NEO4J_USER", "neo4j"),
        "NEO4J_PASSWORD": _password(),
    }


@pytest.fixture(scope="session")
def neo4j_home(neo4j_server) -> Path:
    """NEO4J_HOME of the session's server (its bin/neo4j stops and starts it)."""
    home = neo4j_server.home
    if home is None or not (home / "bin" / "neo4j").is_file():
        reason = "NEO4J_URI is set without NEO4J_HOME (the server's installation folder)"
        if _in_ci():
            pytest.fail(f"CI: {reason}", pytrace=False)
        pytest.skip(reason)
    return home


@pytest.fixture(scope="session")
def neo4j_driver(neo4j_env):
    """A driver for the test server (database from NEO4J_DATABASE or the server default)."""
    from graphkit.backends.neo4j import Connection

    conn = Connection.from_env(
        uri=neo4j_env["NEO4J_URI"], user=neo4j_env["NEO4J_USER"], password=_password()
    )
    drv = conn.driver()
    yield drv
    drv.close()


@pytest.fixture
def neo4j_clean(neo4j_driver, monkeypatch, neo4j_env):
    """Empty of graphkit data before and after the test; NEO4J_* set in the environment."""
    from graphkit.backends.neo4j import clear

    for k, v in neo4j_env.items():
        monkeypatch.setenv(k, v)
    # the curated data is enough to test the engine, and loads in a fraction of the time
    monkeypatch.setenv("GRAPHKIT_SOURCES", "none")
    clear(neo4j_driver)
    yield neo4j_driver
    clear(neo4j_driver)
