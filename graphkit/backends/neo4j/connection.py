"""Connecting to Neo4j and turning driver exceptions into one-line messages."""

from __future__ import annotations

import contextlib
import os
import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass

from graphkit.backends.neo4j.scheme import NAME_INDEX
from graphkit.errors import GraphkitError


class Neo4jError(GraphkitError):
    """Neo4j is unreachable, refused the login, or rejected a query (message for the user)."""


@dataclass(frozen=True)
class Connection:
    """Where and how to connect (:meth:`from_env` reads ``NEO4J_URI``, ``NEO4J_USER``,
    ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``)."""

    uri: str | None = None
    user: str | None = None
    password: str | None = None
    database: str | None = None

    @classmethod
    def from_env(cls, uri=None, user=None, password=None, database=None) -> Connection:
        env = os.environ.get
        return cls(
            uri or env("NEO4J_URI"),
            user or env("NEO4J_USER") or "neo4j",
            password if password is not None else env("NEO4J_PASSWORD"),
            database or env("NEO4J_DATABASE") or None,
        )

    def driver(self):
        """An open, verified :class:`neo4j.Driver` (close it, or use :func:`connect`)."""
        import neo4j

        if not self.uri:
            raise Neo4jError("no Neo4j server given: pass --uri or set NEO4J_URI")
        if not re.match(r"^(bolt|neo4j)(\+s|\+ssc)?://", self.uri):
            raise Neo4jError(
                f"bad Neo4j URI {self.uri!r}: use bolt://HOST:PORT or neo4j://HOST:PORT "
                "(+s or +ssc for TLS)"
            )
        try:  # a malformed host or port is a message, not a driver traceback
            parts = urllib.parse.urlsplit(self.uri)
            _ = parts.port
            if not parts.hostname:
                raise ValueError("no host")
        except ValueError as e:
            raise Neo4jError(f"bad Neo4j URI {self.uri!r}: {e}") from None
        auth = (self.user or "neo4j", self.password) if self.password is not None else None
        with errors(self):
            drv = neo4j.GraphDatabase.driver(
                self.uri,
                auth=auth,
                connection_timeout=10,
                max_transaction_retry_time=10,
                liveness_check_timeout=0,  # a restarted server: no stale pooled connection
                notifications_min_severity="OFF",
            )
            try:
                drv.verify_connectivity()
            except BaseException:
                drv.close()
                raise
        return drv


@contextlib.contextmanager
def connect(conn: Connection | None = None) -> Iterator:
    """``with connect() as driver:`` — a verified driver, closed afterwards."""
    conn = conn or Connection.from_env()
    drv = conn.driver()
    try:
        yield drv
    finally:
        drv.close()


@contextlib.contextmanager
def errors(conn: Connection | None = None):
    """Turn driver exceptions into :class:`Neo4jError` with a message that says what to do."""
    from neo4j import exceptions as E

    where = conn.uri if conn else "the Neo4j server"
    try:
        yield
    except (E.AuthError, E.Forbidden) as e:
        user = conn.user if conn else "neo4j"
        if isinstance(e, E.AuthError):
            raise Neo4jError(
                f"Neo4j at {where} refused the login of user {user!r}: wrong user or password "
                "(--user/--password or NEO4J_USER/NEO4J_PASSWORD)"
            ) from None
        raise Neo4jError(f"Neo4j at {where} forbids this for {user!r}: {e.message}") from None
    except (E.ServiceUnavailable, E.SessionExpired, OSError) as e:
        raise Neo4jError(
            f"cannot reach Neo4j at {where}: {_first_line(e)} "
            "(is the server running? check --uri or NEO4J_URI)"
        ) from None
    except E.ConfigurationError as e:
        raise Neo4jError(f"bad Neo4j connection settings for {where}: {e}") from None
    except E.ConstraintError as e:
        raise Neo4jError(f"Neo4j constraint violated: {e.message}") from None
    except E.CypherSyntaxError as e:
        raise Neo4jError(f"Cypher syntax error: {e.message}") from None
    except E.Neo4jError as e:
        if e.code == "Neo.ClientError.Statement.AccessMode":
            raise Neo4jError(
                f"the query tried to write, and queries are read-only unless you pass --write "
                f"({e.message})"
            ) from None
        if NAME_INDEX in (e.message or ""):  # loaded before the name index existed
            raise Neo4jError(
                f"the graph in Neo4j has no name index ({NAME_INDEX}): run "
                "`graphkit neo4j load` again to add it"
            ) from None
        raise Neo4jError(f"Neo4j error {e.code}: {e.message}") from None
    except E.DriverError as e:
        raise Neo4jError(f"Neo4j driver error ({where}): {_first_line(e)}") from None
    except ValueError as e:
        if "uri" in str(e).lower() or "scheme" in str(e).lower():
            raise Neo4jError(f"bad Neo4j URI {where!r}: {e}") from None
        raise


def _first_line(e: BaseException) -> str:
    lines = str(e).strip().splitlines()
    return lines[-1] if lines else type(e).__name__
