"""Shared fixtures: a real Neo4j server over Bolt for the Neo4j tests.

``neo4j_uri`` is ``NEO4J_URI`` when set (``scripts/test`` starts a server and exports it);
otherwise this session starts one with ``scripts/neo4j-server start`` in a private state folder
and stops it at the end. Under ``CI=true`` a missing server fails the tests, never skips them;
elsewhere they skip, with the reason, only when neither ``NEO4J_URI`` nor Java is available.
The Neo4j tests delete what graphkit loaded into that database (other data is left alone).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVER = ROOT / "scripts" / "neo4j-server"
DEFAULT_PASSWORD = "graphkit-test"  # scripts/neo4j-server's default


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI: the Neo4j tests must run, but {reason}", pytrace=False)
    print(f"\nskipping Neo4j tests: {reason}")
    pytest.skip(f"Neo4j unavailable: {reason}")


@pytest.fixture(scope="session")
def neo4j_uri(tmp_path_factory):
    """Bolt URI of a running Neo4j (NEO4J_URI, or a server started for this session)."""
    if os.environ.get("NEO4J_URI"):
        yield os.environ["NEO4J_URI"]
        return
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        _unavailable("NEO4J_URI is not set and Java (17+) is not installed to start one")
    state = tmp_path_factory.mktemp("neo4j-server")
    try:
        proc = subprocess.run(
            [str(SERVER), "start", str(state)],
            capture_output=True,
            text=True,
            timeout=900,
            env={**os.environ, "NEO4J_PASSWORD": _password()},
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        pytest.fail(f"scripts/neo4j-server start failed: {e}", pytrace=False)
    if proc.returncode != 0 or not proc.stdout.strip():
        pytest.fail(f"scripts/neo4j-server start failed:\n{proc.stderr[-4000:]}", pytrace=False)
    try:
        yield proc.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run([str(SERVER), "stop", str(state)], capture_output=True, timeout=120)


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
    clear(neo4j_driver)
    yield neo4j_driver
    clear(neo4j_driver)
