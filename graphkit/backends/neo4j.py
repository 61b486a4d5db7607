"""Neo4j backend: load the projection over Bolt, run Cypher, trace paths, export for Neo4j.

What graphkit writes (one scheme for the loader, the ``neo4j-csv`` and the ``cypher`` exports):

- Every projected node, with all its ontology labels (``Company``, ``Organization``, ``Entity``)
  **plus the marker label** ``GraphkitNode``; properties as projected (``id``, ``name``,
  ``aliases`` …), ``None`` dropped, and ``gk_load`` (the load that wrote it: its start time
  in microseconds since the epoch).
- Every claim as a relationship ``(subject)-[:SUPPLIES {claim, status, start, end, summary,
  evidence, contracts, sources, gk_load}]->(object)``; Evidence and Contract are nodes, reached
  through the ids in ``evidence`` / ``contracts``, and contracts are linked with
  ``(:Contract)-[:AWARDED_BY|AWARDED_TO|RECIPIENT_PARENT {link, gk_load}]->(org)``.
- The marker of graphkit data is the label ``GraphkitNode`` on nodes and the property
  ``gk_load`` on nodes and relationships. ``replace=True`` deletes only marked items that the
  current load did not write; other data in the database is never touched (a foreign
  relationship attached to a *removed* graphkit node goes with it, as Neo4j has no dangling edges).

Example Cypher on loaded data::

    MATCH p = (:Entity {name: 'Amazon Web Services, Inc.'})-[:HOSTS|SUPPLIES*1..3]->(:Entity)
    RETURN p
    MATCH (a)-[r:SUPPLIES]->(b) UNWIND r.evidence AS eid MATCH (e:Evidence {id: eid})
    RETURN a.name, b.name, e.title, e.url

Constraints: ``id`` is unique per ontology label and on ``GraphkitNode``; ``claim`` (``link``) is
unique per relationship type, which also lets ``MERGE`` find a relationship through an index.
Labels and relationship types are checked against :func:`graphkit.model.schema` and are the only
text formatted into queries (with the hop bound of path queries, an int); every value is a
query parameter.
"""

from __future__ import annotations

import contextlib
import csv
import json
import math
import os
import re
import shlex
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from graphkit.errors import DataError, GraphkitError
from graphkit.model import schema
from graphkit.projection import PropertyGraph

MARKER = "GraphkitNode"
LOAD_KEY = "gk_load"
DEFAULT_BATCH = 5000
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Neo4jError(GraphkitError):
    """Neo4j is unreachable, refused the login, or rejected a query (message for the user)."""


# -- connection -----------------------------------------------------------------------------


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
        auth = (self.user or "neo4j", self.password) if self.password is not None else None
        with errors(self):
            drv = neo4j.GraphDatabase.driver(
                self.uri,
                auth=auth,
                connection_timeout=10,
                max_transaction_retry_time=10,
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


# -- the projection as Neo4j rows -----------------------------------------------------------


def from_networkx(G) -> PropertyGraph:
    """The :class:`PropertyGraph` behind a graph made by :func:`graphkit.graph.to_networkx`."""
    pg = PropertyGraph()
    pg.nodes = {n: dict(d) for n, d in G.nodes(data=True)}
    pg.edges = [
        (u, v, d["type"], {k: x for k, x in d.items() if k != "type"})
        for u, v, d in G.edges(data=True)
    ]
    return pg


def neo4j_value(v):
    """A projection value as a Neo4j property value, or ``None`` to drop it.

    Neo4j stores scalars and homogeneous lists of scalars; anything else becomes text.
    """
    if v is None:
        return None
    if isinstance(v, bool | int | str):
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else str(v)
    if isinstance(v, list | tuple | set | frozenset):
        items = [x for x in v if x is not None]
        if isinstance(v, set | frozenset):
            items.sort(key=str)
        kinds = {type(x) for x in items}
        if kinds <= {str} or kinds <= {bool} or kinds <= {int} or kinds <= {float}:
            return items
        if kinds <= {int, float}:
            return [float(x) for x in items]
        return [x if isinstance(x, str) else json.dumps(x, default=str) for x in items]
    if isinstance(v, dict):
        return json.dumps(v, default=str, ensure_ascii=False)
    return str(v)


def properties(d: dict) -> dict:
    """Node or edge properties for Neo4j: no ``labels``, no ``None``."""
    out = {}
    for k, v in d.items():
        if k == "labels":
            continue
        val = neo4j_value(v)
        if val is not None:
            out[k] = val
    return out


def _check(names: Iterable[str], allowed: set[str], what: str) -> None:
    for n in names:
        if n not in allowed or not _NAME.match(n):
            raise DataError(f"{what} {n!r} is not defined in the ontology; refusing to load it")


def _ident(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _groups(pg: PropertyGraph):
    """Nodes by label tuple and edges by (type, key property), checked against the ontology."""
    sch = schema()
    labels = set(sch.class_labels.values())
    types = set(sch.rel_types.values()) | set(sch.link_types.values())
    nodes: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for n, d in pg.nodes.items():
        lbs = tuple(d.get("labels") or ())
        if not lbs:
            raise DataError(f"node {n!r} has no label")
        _check(lbs, labels, "label")
        nodes[lbs].append(n)
    edges: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, (s, t, typ, d) in enumerate(pg.edges):
        _check([typ], types, "relationship type")
        key = "claim" if d.get("claim") else "link" if d.get("link") else None
        if key is None:
            raise DataError(f"edge {s} -[{typ}]-> {t} has neither a claim nor a link id")
        edges[(typ, key)].append(i)
    return dict(sorted(nodes.items())), dict(sorted(edges.items())), sorted(labels)


def node_query(lbs: tuple[str, ...], all_labels: list[str]) -> str:
    """``UNWIND $rows`` upsert of nodes that carry exactly the labels ``lbs`` (other ontology
    labels in ``all_labels`` are removed)."""
    add = "".join(":" + _ident(lb) for lb in lbs)
    drop = "".join(":" + _ident(lb) for lb in all_labels if lb not in lbs)
    q = f"UNWIND $rows AS row MERGE (n:{MARKER} {{id: row.id}}) SET n = row.p, n{add}"
    return q + (f" REMOVE n{drop}" if drop else "")


def edge_query(typ: str, key: str) -> str:
    """``UNWIND $rows`` upsert of relationships of type ``typ``, merged on ``key``."""
    return (
        f"UNWIND $rows AS row MATCH (a:{MARKER} {{id: row.s}}) MATCH (b:{MARKER} {{id: row.t}}) "
        f"MERGE (a)-[r:{_ident(typ)} {{{key}: row.k}}]->(b) SET r = row.p"
    )


def moved_query(typ: str, key: str) -> str:
    """Delete relationships whose claim/link id now joins other nodes (so MERGE can recreate)."""
    return (
        f"UNWIND $rows AS row MATCH (x)-[r:{_ident(typ)} {{{key}: row.k}}]->(y) "
        f"USING INDEX SEEK r:{_ident(typ)}({key}) WHERE x.id <> row.s OR y.id <> row.t DELETE r"
    )


def constraint_queries(all_labels: list[str]) -> list[str]:
    """Unique ``id`` per node label; unique claim (or link) id per relationship type.

    The relationship constraints also let ``MERGE`` find a relationship by index instead of
    scanning every relationship between two (possibly very connected) nodes.
    """
    sch = schema()
    rels = [(t, "claim") for t in sorted(sch.rel_types.values())]
    rels += [(t, "link") for t in sorted(sch.link_types.values())]
    return [
        f"CREATE CONSTRAINT IF NOT EXISTS FOR (n:{_ident(lb)}) REQUIRE n.id IS UNIQUE"
        for lb in [MARKER, *all_labels]
    ] + [
        f"CREATE CONSTRAINT IF NOT EXISTS FOR ()-[r:{_ident(t)}]-() REQUIRE r.{key} IS UNIQUE"
        for t, key in rels
    ]


def _batches(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# -- load -----------------------------------------------------------------------------------


@dataclass
class LoadResult:
    nodes: int
    relationships: int
    seconds: float
    removed_nodes: int = 0
    removed_relationships: int = 0
    load_id: int = 0

    @property
    def rate(self) -> float:
        """Relationships per second."""
        return self.relationships / self.seconds if self.seconds else 0.0


def load(
    driver,
    pg: PropertyGraph,
    *,
    database: str | None = None,
    batch_size: int = DEFAULT_BATCH,
    replace: bool = False,
    progress: bool = False,
) -> LoadResult:
    """Upsert ``pg`` into Neo4j: constraints first, then batched ``UNWIND … MERGE``.

    Idempotent: loading the same graph again leaves node and relationship counts unchanged
    (nodes are merged on ``id``, relationships on their claim or link id). With ``replace``,
    graphkit data that this load did not write is deleted afterwards, so a failed load leaves the
    earlier data in place.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be >= 1")
    node_groups, edge_groups, all_labels = _groups(pg)
    load_id = time.time_ns() // 1000  # µs since the epoch: compact, and orders loads
    start = time.perf_counter()
    total = len(pg.nodes) + len(pg.edges)
    with _progress(progress, "Loading into Neo4j", total) as advance, errors():
        with driver.session(database=database) as s:
            for q in constraint_queries(all_labels):
                s.run(q).consume()
            s.run("CALL db.awaitIndexes(300)").consume()
            # On an empty database (count store: instant) skip the checks only re-loads need.
            fresh = s.run(f"MATCH (n:{MARKER}) RETURN count(n) = 0").single()[0]
            for lbs, ids in node_groups.items():
                q = node_query(lbs, [] if fresh else all_labels)
                for chunk in _batches(ids, batch_size):
                    rows = [
                        {"id": n, "p": {**properties(pg.nodes[n]), "id": n, LOAD_KEY: load_id}}
                        for n in chunk
                    ]
                    s.execute_write(_run_rows, q, rows)
                    advance(len(rows))
            for (typ, key), idx in edge_groups.items():
                q, moved = edge_query(typ, key), None if fresh else moved_query(typ, key)
                for chunk in _batches(idx, batch_size):
                    rows = []
                    for i in chunk:
                        src, dst, _, d = pg.edges[i]
                        rows.append(
                            {
                                "s": src,
                                "t": dst,
                                "k": d[key],
                                "p": {**properties(d), LOAD_KEY: load_id},
                            }
                        )
                    s.execute_write(_run_rows, q, rows, moved)
                    advance(len(rows))
            removed = remove(s, keep=load_id) if replace else (0, 0)
    return LoadResult(
        len(pg.nodes), len(pg.edges), time.perf_counter() - start, *removed, load_id=load_id
    )


def _run_rows(tx, query: str, rows: list[dict], first: str | None = None) -> None:
    if first:
        tx.run(first, rows=rows).consume()
    tx.run(query, rows=rows).consume()


def remove(session, *, keep: int | None = None) -> tuple[int, int]:
    """Delete graphkit-loaded data (all of it, or all but load ``keep``); returns counts.

    Only relationships with ``gk_load`` and nodes labelled ``GraphkitNode`` are deleted.
    """
    rels = session.run(
        f"MATCH ()-[r]->() WHERE r.{LOAD_KEY} IS NOT NULL "
        f"AND ($keep IS NULL OR r.{LOAD_KEY} <> $keep) "
        "CALL { WITH r DELETE r } IN TRANSACTIONS OF 10000 ROWS",
        keep=keep,
    ).consume()
    nodes = session.run(
        f"MATCH (n:{MARKER}) WHERE $keep IS NULL OR coalesce(n.{LOAD_KEY} <> $keep, true) "
        "CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS",
        keep=keep,
    ).consume()
    return nodes.counters.nodes_deleted, rels.counters.relationships_deleted


def clear(driver, *, database: str | None = None) -> tuple[int, int]:
    """Delete everything graphkit loaded (nodes, relationships), nothing else."""
    with errors(), driver.session(database=database) as s:
        return remove(s)


def counts(driver, *, database: str | None = None) -> dict:
    """Graphkit-loaded nodes by label and relationships by type (marker excluded)."""
    with errors(), driver.session(database=database, default_access_mode="READ") as s:
        labels = s.run(
            f"MATCH (n:{MARKER}) UNWIND labels(n) AS l WITH l WHERE l <> '{MARKER}' "
            "RETURN l, count(*) AS c ORDER BY l"
        ).values()
        types = s.run(
            f"MATCH ()-[r]->() WHERE r.{LOAD_KEY} IS NOT NULL "
            "RETURN type(r) AS t, count(*) AS c ORDER BY t"
        ).values()
        n = s.run(f"MATCH (n:{MARKER}) RETURN count(n)").single()[0]
    return {
        "nodes": n,
        "relationships": sum(c for _, c in types),
        "labels": dict(labels),
        "relationship_types": dict(types),
    }


@contextlib.contextmanager
def _progress(enabled: bool, label: str, total: int):
    if not enabled:
        yield lambda n: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=False,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


# -- Cypher ---------------------------------------------------------------------------------

_WRITE = re.compile(
    r"(?<![\w.:$])(CREATE|INSERT|MERGE|DELETE|DETACH|NODETACH|SET|REMOVE|DROP|ALTER|RENAME|GRANT"
    r"|DENY|REVOKE|FOREACH|LOAD\s+CSV|IN\s+TRANSACTIONS|(?:START|STOP)\s+DATABASE|TERMINATE"
    r"|ENABLE\s+SERVER|DEALLOCATE|REALLOCATE)(?![\w])",
    re.IGNORECASE,
)


def _code_only(query: str) -> str:
    """``query`` with string literals, quoted names and comments blanked (same length)."""
    out = list(query)
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c in "'\"`":
            j = i + 1
            while j < n and query[j] != c:
                j += 2 if query[j] == "\\" and c != "`" else 1
            for k in range(i, min(j + 1, n)):
                out[k] = " "
            i = j + 1
        elif query.startswith("//", i) or query.startswith("/*", i):
            end = "\n" if query[i + 1] == "/" else "*/"
            j = query.find(end, i + 2)
            j = n if j < 0 else j + len(end)
            for k in range(i, j):
                out[k] = " "
            i = j
        else:
            i += 1
    return "".join(out)


def write_clause(query: str) -> str | None:
    """The first clause in ``query`` that writes (``CREATE``, ``SET`` …), or ``None``.

    >>> write_clause("MATCH (n {name: 'CREATE'}) RETURN n.set // DELETE")
    >>> write_clause("match (n) detach delete n")
    'DETACH'
    """
    m = _WRITE.search(_code_only(query))
    return m.group(1).upper().split()[0] if m else None


def split_statements(script: str) -> list[str]:
    """Statements of a script separated by ``;`` (outside strings, names and comments).

    >>> split_statements("RETURN ';' AS x;\\n// c;\\nRETURN 2;")
    ["RETURN ';' AS x", '// c;\\nRETURN 2']
    """
    code = _code_only(script)
    parts, start = [], 0
    for i, c in enumerate(code):
        if c == ";":
            parts.append(script[start:i])
            start = i + 1
    parts.append(script[start:])
    return [p.strip() for p in parts if _code_only(p).strip()]


def run_cypher(
    driver,
    query: str,
    params: dict | None = None,
    *,
    database: str | None = None,
    write: bool = False,
) -> tuple[list[str], list[list]]:
    """Run one or more ``;``-separated statements; columns and rows of the last.

    Read-only unless ``write``: write clauses are refused before anything is sent, and the
    session runs in read access mode, so the server refuses writes hidden in procedures too.
    """
    import neo4j

    statements = split_statements(query)
    if not statements:
        raise Neo4jError("empty Cypher query")
    if not write:
        for st in statements:
            clause = write_clause(st)
            if clause:
                raise Neo4jError(
                    f"the query writes ({clause}); queries are read-only unless you pass --write"
                )
    mode = neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS
    cols, rows = [], []
    with errors(), driver.session(database=database, default_access_mode=mode) as s:
        for st in statements:
            result = s.run(st, params or {})
            cols = list(result.keys())
            rows = [list(r.values()) for r in result]
    return cols, rows


def plain(v):
    """A Cypher result value as JSON-ready data (nodes, relationships, paths become dicts)."""
    from neo4j.graph import Node, Path, Relationship

    if isinstance(v, Node):
        return {"labels": _labels(v.labels), "properties": plain(dict(v))}
    if isinstance(v, Relationship):
        return {
            "type": v.type,
            "start": _node_key(v.start_node),
            "end": _node_key(v.end_node),
            "properties": plain(dict(v)),
        }
    if isinstance(v, Path):
        return {
            "nodes": [plain(n) for n in v.nodes],
            "relationships": [plain(r) for r in v.relationships],
        }
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [plain(x) for x in v]
    if v is None or isinstance(v, bool | int | float | str):
        return v
    if hasattr(v, "iso_format"):
        return v.iso_format()
    return str(v)


def text(v) -> str:
    """A Cypher result value as one readable table/CSV cell.

    Nodes read ``(:Company {id: 'org/x', name: 'X'})``, paths ``X -[HOSTS]-> Y``.
    """
    from neo4j.graph import Node, Path, Relationship

    if isinstance(v, Node):
        return _node_text(_labels(v.labels), dict(v))
    if isinstance(v, Relationship):
        return f"[:{v.type} {_map_text(_brief(dict(v), ('claim', 'link', 'status')))}]"
    if isinstance(v, Path):
        out = [_name(v.start_node)]
        cur = v.start_node
        for r in v.relationships:
            if r.start_node is not None and r.start_node.element_id == cur.element_id:
                nxt = r.end_node
                out.append(f"-[{r.type}]-> {_name(nxt)}")
            else:
                nxt = r.start_node
                out.append(f"<-[{r.type}]- {_name(nxt)}")
            cur = nxt
        return " ".join(out)
    if isinstance(v, dict):
        if isinstance(v.get("labels"), list | tuple) and "id" in v:  # an embedded-engine node
            return _node_text(list(v["labels"]), v)
        return _map_text(v)
    if isinstance(v, list | tuple):
        return "[" + ", ".join(text(x) for x in v) + "]"
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if hasattr(v, "iso_format"):
        return v.iso_format()
    return str(v)


def _labels(labels) -> list[str]:
    depth = {lb: len(schema().superclasses.get(c, ())) for c, lb in schema().class_labels.items()}
    return sorted((lb for lb in labels if lb != MARKER), key=lambda lb: (-depth.get(lb, -1), lb))


def _node_key(n) -> str | None:
    return None if n is None else n.get("id", n.element_id)


def _name(n) -> str:
    return str(n.get("name") or n.get("id") or n.element_id)


def _brief(d: dict, keys: Iterable[str]) -> dict:
    picked = {k: d[k] for k in keys if k in d}
    return picked or d


def _node_text(labels: list[str], props: dict) -> str:
    head = ":" + labels[0] if labels else ""
    return f"({head} {_map_text(_brief(props, ('id', 'name')))})"


def _map_text(d: dict) -> str:
    return "{" + ", ".join(f"{k}: {cypher_literal(plain(x))}" for k, x in d.items()) + "}"


def parse_params(items: Iterable[str]) -> dict:
    """``["n=3", "name=AWS"]`` -> ``{"n": 3, "name": "AWS"}`` (JSON when valid, else text)."""
    out = {}
    for item in items:
        name, sep, raw = item.partition("=")
        name = name.strip()
        if not sep or not _NAME.match(name):
            raise Neo4jError(f"bad --param {item!r}: use name=value (value as JSON or text)")
        try:
            out[name] = json.loads(raw)
        except ValueError:
            out[name] = raw
    return out


# -- paths ----------------------------------------------------------------------------------


def find(driver, text: str, *, database: str | None = None) -> str:
    """Resolve an id, name, alias or PIID to one loaded entity id, as :meth:`Graph.find` does
    (case-insensitive first, then names compared by :func:`graphkit.resolve.normalize`)."""
    from graphkit.errors import AmbiguousEntity, EntityNotFound
    from graphkit.model import short_id
    from graphkit.resolve import normalize

    t = text.strip()
    ent = f"(n:{MARKER}:Entity)"
    with errors(), driver.session(database=database, default_access_mode="READ") as s:
        hit = s.run(f"MATCH {ent} WHERE n.id = $id RETURN n.id", id=short_id(t)).single()
        if hit:
            return hit[0]
        rows = s.run(
            f"MATCH {ent} WHERE toLower(n.name) = $t OR toLower(n.piid) = $t "
            "OR any(a IN coalesce(n.aliases, []) WHERE toLower(a) = $t) "
            "OR toLower(last(split(n.id, '/'))) = $t RETURN n.id, n.name ORDER BY n.id",
            t=t.casefold(),
        ).values()
        if not rows:
            want = normalize(t)
            everything = s.run(f"MATCH {ent} RETURN n.id, n.name, n.aliases, n.piid").values()
            rows = sorted(
                [i, name]
                for i, name, aliases, piid in everything
                if any(
                    isinstance(x, str) and normalize(x) == want
                    for x in (name, *(aliases or []), i.rsplit("/", 1)[-1], piid)
                )
            )
        if len(rows) == 1:
            return rows[0][0]
        if rows:
            raise AmbiguousEntity(text, [(a, b) for a, b in rows])
        near = s.run(
            f"MATCH {ent} WHERE toLower(n.name) CONTAINS $t "
            "RETURN n.id + ' (' + n.name + ')' ORDER BY n.name LIMIT 5",
            t=t.casefold(),
        ).value()
    raise EntityNotFound(text, near)


def find_paths(
    driver,
    source: str,
    target: str,
    *,
    max_hops: int = 4,
    directed: bool = True,
    types: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
    shortest_only: bool = False,
    limit: int = 50,
    database: str | None = None,
) -> list[list[str]]:
    """Node-id sequences of simple claim paths from ``source`` to ``target`` (ids), shortest
    first — the same sequences as :meth:`graphkit.Graph.path` on the same data."""
    max_hops = int(max_hops)
    if max_hops < 1 or source == target:
        return []
    rel = "|".join(_ident(t) for t in schema().rel_type_names)
    right = ">" if directed else ""
    params = {
        "a": source,
        "b": target,
        "types": sorted({t.upper() for t in types}) if types else None,
        "statuses": sorted({s.lower() for s in statuses}) if statuses else None,
        "limit": int(limit),
    }
    ok = (
        "all(r IN relationships(p) WHERE r.claim IS NOT NULL "
        "AND ($types IS NULL OR type(r) IN $types) "
        "AND ($statuses IS NULL OR r.status IN $statuses))"
    )
    ends = f"MATCH (a:{MARKER} {{id: $a}}), (b:{MARKER} {{id: $b}}) "
    if shortest_only:
        q = (
            ends + f"MATCH p = allShortestPaths((a)-[:{rel}*1..{max_hops}]-{right}(b)) "
            f"WHERE {ok} RETURN DISTINCT [n IN nodes(p) | n.id] AS ids"
        )
    else:
        q = (
            ends + f"MATCH p = (a)-[:{rel}*1..{max_hops}]-{right}(b) WHERE {ok} "
            "AND all(i IN range(0, length(p) - 1) WHERE NOT nodes(p)[i] IN nodes(p)[i + 1..]) "
            "RETURN DISTINCT [n IN nodes(p) | n.id] AS ids"
        )
    with errors(), driver.session(database=database, default_access_mode="READ") as s:
        found = s.run(q, params).value()
    found.sort(key=lambda p: (len(p), p))
    return found[: int(limit)]


def subgraph(driver, ids: Iterable[str], *, database: str | None = None):
    """The loaded nodes ``ids``, the claims among them, their evidence and contracts (networkx)."""
    import networkx as nx

    ids = sorted(set(ids))
    G = nx.MultiDiGraph()
    with errors(), driver.session(database=database, default_access_mode="READ") as s:
        edges = s.run(
            f"MATCH (a:{MARKER})-[r]->(b:{MARKER}) WHERE a.id IN $ids AND b.id IN $ids "
            "AND r.claim IS NOT NULL RETURN a.id, b.id, type(r), properties(r)",
            ids=ids,
        ).values()
        wanted = set(ids) | {
            x for *_, d in edges for key in ("evidence", "contracts") for x in d.get(key, [])
        }
        nodes = s.run(
            f"MATCH (n:{MARKER}) WHERE n.id IN $ids RETURN n.id, labels(n), properties(n)",
            ids=sorted(wanted),
        ).values()
    for n, labels, props in nodes:
        props.pop(LOAD_KEY, None)
        G.add_node(n, labels=tuple(_labels(labels)), **props)
    for a, b, typ, props in edges:
        props.pop(LOAD_KEY, None)
        G.add_edge(a, b, key=props["claim"], type=typ, **props)
    return G


def path(
    conn: Connection | None,
    source: str,
    target: str,
    *,
    max_hops: int = 4,
    directed: bool = True,
    types=None,
    statuses=None,
    shortest_only: bool = False,
    limit: int = 50,
):
    """:meth:`graphkit.Graph.path` answered by Neo4j: ``(graph, PathResult)`` where ``graph``
    holds just the path nodes, claims and evidence (enough to print the result)."""
    from graphkit import paths as P
    from graphkit.graph import Graph, PathResult

    conn = conn or Connection.from_env()
    with connect(conn) as drv:
        db = conn.database
        a, b = find(drv, source, database=db), find(drv, target, database=db)
        filt = dict(directed=directed, types=types, statuses=statuses)
        found = find_paths(
            drv,
            a,
            b,
            max_hops=max_hops,
            shortest_only=shortest_only,
            limit=limit,
            database=db,
            **filt,
        )
        near = {}
        if not found and directed:
            undirected = {**filt, "directed": False}
            back = find_paths(
                drv,
                a,
                b,
                max_hops=max_hops,
                shortest_only=True,
                limit=1,
                database=db,
                **undirected,
            )
            if back:
                near["undirected_hops"] = len(back[0]) - 1
        G = subgraph(drv, {a, b, *(n for p in found for n in p)}, database=db)
    g = Graph(G)
    return g, PathResult(a, b, found, [P.hops(G, p, **filt) for p in found], near)


# -- exports --------------------------------------------------------------------------------


def _csv_type(values: list) -> tuple[str, bool]:
    """neo4j-admin type of a column (``string``, ``long``, ``float``, ``boolean``) and is-array."""
    is_array = any(isinstance(v, list) for v in values)
    flat = [x for v in values for x in (v if isinstance(v, list) else [v])]
    kinds = {type(x) for x in flat}
    if kinds and kinds <= {bool}:
        t = "boolean"
    elif kinds and kinds <= {int}:
        t = "long"
    elif kinds and kinds <= {int, float}:
        t = "float"
    else:
        t = "string"
    return t, is_array


def _csv_cell(v, t: str, is_array: bool, delim: str) -> str:
    if v is None:
        return ""
    items = v if isinstance(v, list) else [v]
    conv = [
        ("true" if x else "false") if t == "boolean" else repr(float(x)) if t == "float" else str(x)
        for x in items
    ]
    return delim.join(conv) if is_array else conv[0]


def _pick_delimiter(pg: PropertyGraph) -> str:
    used = set()
    for d in [*pg.nodes.values(), *(e[3] for e in pg.edges)]:
        for k, v in d.items():
            if k != "labels" and isinstance(v, list | tuple):
                used.update(ch for x in v for ch in str(x))
    for c in ";|¦¤\u001f":
        if c not in used:
            return c
    raise DataError("every candidate array delimiter occurs in the data")


def export_neo4j_csv(
    pg: PropertyGraph, folder: Path, *, database: str = "neo4j"
) -> tuple[list[Path], str]:
    """Write ``neo4j-admin database import full`` CSV files (one per label set and per
    relationship type) into ``folder``; returns the files and the import command."""
    node_groups, edge_groups, _ = _groups(pg)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    delim = _pick_delimiter(pg)
    stamp = time.time_ns() // 1000
    multiline = False
    heads = defaultdict(list)
    for lbs in node_groups:
        heads[lbs[0]].append(lbs)
    files: list[tuple[str, Path]] = []

    def write(path: Path, fixed: list[str], fixed_vals, records: list[dict]) -> None:
        nonlocal multiline
        keys = sorted({k for r in records for k in r})
        specs = {k: _csv_type([r[k] for r in records if k in r]) for k in keys}
        header = fixed + [f"{k}:{t}{'[]' if arr else ''}" for k, (t, arr) in specs.items()]
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(header)
            for fv, r in zip(fixed_vals, records):
                row = [*fv, *(_csv_cell(r.get(k), *specs[k], delim) for k in keys)]
                multiline = multiline or any("\n" in c or "\r" in c for c in row)
                w.writerow(row)

    for lbs, ids in node_groups.items():
        name = lbs[0] if len(heads[lbs[0]]) == 1 else "_".join(lbs)
        p = folder / f"nodes_{name}.csv"
        recs = [{**properties(pg.nodes[n]), LOAD_KEY: stamp} for n in ids]
        for r in recs:
            r.pop("id", None)
        label = ";".join([*lbs, MARKER])
        write(p, ["id:ID", ":LABEL"], [(n, label) for n in ids], recs)
        files.append(("nodes", p))
    per_type = defaultdict(int)
    for typ, _key in edge_groups:
        per_type[typ] += 1
    for (typ, key), idx in edge_groups.items():
        name = typ if per_type[typ] == 1 else f"{typ}_{key}"
        p = folder / f"relationships_{name}.csv"
        recs = [{**properties(pg.edges[i][3]), LOAD_KEY: stamp} for i in idx]
        fixed = [(pg.edges[i][0], pg.edges[i][1], typ) for i in idx]
        write(p, [":START_ID", ":END_ID", ":TYPE"], fixed, recs)
        files.append(("relationships", p))
    parts = ["neo4j-admin", "database", "import", "full", database, "--overwrite-destination"]
    parts += [f"--{kind}={p.resolve()}" for kind, p in files]
    parts.append(f"--array-delimiter={delim}")
    if multiline:
        parts.append("--multiline-fields=true")
    return [p for _, p in files], shlex.join(parts)


def cypher_literal(v) -> str:
    """A Cypher literal for ``v`` (strings single-quoted with every special character escaped).

    >>> cypher_literal(["it's", 'a\\\\b', 1.5, None, {"k`": True}])
    "['it\\\\'s', 'a\\\\\\\\b', 1.5, null, {`k```: true}]"
    """
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            return cypher_literal(str(v))
        return repr(v)
    if isinstance(v, str):
        return (
            "'" + "".join(_ESC.get(c) or (c if c >= " " else f"\\u{ord(c):04x}") for c in v) + "'"
        )
    if isinstance(v, list | tuple):
        return "[" + ", ".join(cypher_literal(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_ident(k)}: {cypher_literal(x)}" for k, x in v.items()) + "}"
    return cypher_literal(str(v))


_ESC = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def export_cypher(pg: PropertyGraph, *, batch_size: int = 500) -> Iterator[str]:
    """A replayable Cypher script (one statement per line, each ending in ``;``): the
    constraints, then ``UNWIND [literal rows] … MERGE`` per batch — the loader's own queries."""
    node_groups, edge_groups, all_labels = _groups(pg)
    stamp = time.time_ns() // 1000
    yield "// graphkit graph. Replay: cypher-shell -f FILE or graphkit cypher --write --file FILE\n"
    for q in constraint_queries(all_labels):
        yield q + ";\n"
    for lbs, ids in node_groups.items():
        q = node_query(lbs, all_labels)
        for chunk in _batches(ids, batch_size):
            rows = [
                {"id": n, "p": {**properties(pg.nodes[n]), "id": n, LOAD_KEY: stamp}} for n in chunk
            ]
            yield q.replace("$rows", cypher_literal(rows), 1) + ";\n"
    for (typ, key), idx in edge_groups.items():
        q = edge_query(typ, key)
        for chunk in _batches(idx, batch_size):
            rows = [
                {"s": s, "t": t, "k": d[key], "p": {**properties(d), LOAD_KEY: stamp}}
                for s, t, _, d in (pg.edges[i] for i in chunk)
            ]
            yield q.replace("$rows", cypher_literal(rows), 1) + ";\n"
