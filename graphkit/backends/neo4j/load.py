"""Loading the projection into Neo4j (online, over Bolt), removing it, counting it."""

from __future__ import annotations

import time
from dataclasses import dataclass

from graphkit.backends.neo4j.connection import errors
from graphkit.backends.neo4j.scheme import (
    DEFAULT_BATCH,
    LOAD_KEY,
    MARKER,
    _batches,
    _groups,
    columns,
    constraint_queries,
    create_edges_query,
    create_nodes_query,
    edge_query,
    edge_row,
    moved_query,
    node_query,
    node_row,
)
from graphkit.progress import bar
from graphkit.projection import PropertyGraph


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
    """Upsert ``pg`` into Neo4j in batched ``UNWIND`` write transactions.

    Idempotent: loading the same graph again leaves node and relationship counts unchanged
    (nodes are merged on ``id``, relationships on their claim or link id), and only the
    properties graphkit owns change (see :func:`node_query`). Into a database without graphkit
    data the load is ``CREATE`` only, with the constraints (but the one on ``GraphkitNode.id``
    its look-ups need) built afterwards, in one pass. With ``replace``, graphkit data that this
    load did not write is deleted afterwards, so a failed load leaves the earlier data in place.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be >= 1")
    node_groups, edge_groups, all_labels = _groups(pg)
    load_id = time.time_ns() // 1000  # µs since the epoch: compact, and orders loads
    start = time.perf_counter()
    total = len(pg.nodes) + len(pg.edges)
    constraints = constraint_queries(all_labels)
    with bar("Loading into Neo4j", total, show=progress) as shown, errors():
        advance = shown.advance
        with driver.session(database=database) as s:
            # On an empty database (count store: instant) skip the checks only re-loads need.
            fresh = s.run(f"MATCH (n:{MARKER}) RETURN count(n) = 0").single()[0]
            for q in constraints[:1] if fresh else constraints:
                s.run(q).consume()
            s.run("CALL db.awaitIndexes(300)").consume()
            if fresh:
                try:
                    _create(s, pg, node_groups, edge_groups, load_id, batch_size, advance)
                    for q in constraints[1:]:
                        s.run(q).consume()
                    s.run("CALL db.awaitIndexes(300)").consume()
                except BaseException:
                    remove(s, only=load_id)  # e.g. a foreign node holds a graphkit id
                    raise
            else:
                _merge(s, pg, node_groups, edge_groups, all_labels, load_id, batch_size, advance)
            removed = remove(s, keep=load_id) if replace else (0, 0)
    return LoadResult(
        len(pg.nodes), len(pg.edges), time.perf_counter() - start, *removed, load_id=load_id
    )


def _create(s, pg, node_groups, edge_groups, load_id, batch_size, advance) -> None:
    """Fresh load: ``CREATE`` from list rows; relationships between the nodes' ``elementId``s."""
    element: dict[str, str] = {}  # node id -> elementId
    for lbs, ids in node_groups.items():
        props = [node_row(n, pg.nodes[n], load_id)["p"] for n in ids]
        keys = columns(props)
        q = create_nodes_query(lbs, keys)
        for chunk in _batches(props, batch_size):
            rows = [list(map(p.get, keys)) for p in chunk]
            ids_, eids = s.execute_write(_run_rows, q, rows)[0]
            element.update(zip(ids_, eids))
            advance(len(rows))
    for (typ, key), idx in edge_groups.items():
        props = [edge_row(pg.edges[i], key, load_id)["p"] for i in idx]
        keys = columns(props)
        q = create_edges_query(typ, keys)
        for lo in range(0, len(idx), batch_size):
            rows = [
                [element[pg.edges[i][0]], element[pg.edges[i][1]], *map(p.get, keys)]
                for i, p in zip(idx[lo : lo + batch_size], props[lo : lo + batch_size])
            ]
            s.execute_write(_run_rows, q, rows)
            advance(len(rows))


def _merge(s, pg, node_groups, edge_groups, all_labels, load_id, batch_size, advance) -> None:
    """Re-load: ``MERGE`` on ``id`` and on the claim/link id (see :func:`node_query`)."""
    for lbs, ids in node_groups.items():
        q = node_query(lbs, all_labels)
        for chunk in _batches(ids, batch_size):
            rows = [node_row(n, pg.nodes[n], load_id) for n in chunk]
            s.execute_write(_run_rows, q, rows)
            advance(len(rows))
    for (typ, key), idx in edge_groups.items():
        q, moved = edge_query(typ, key), moved_query(typ, key)
        for chunk in _batches(idx, batch_size):
            rows = [edge_row(pg.edges[i], key, load_id) for i in chunk]
            s.execute_write(_run_rows, q, rows, moved)
            advance(len(rows))


def _run_rows(tx, query: str, rows: list, first: str | None = None) -> list:
    """Run ``first`` (if any) and ``query`` over ``rows``; the rows ``query`` returns."""
    if first:
        tx.run(first, rows=rows).consume()
    return tx.run(query, rows=rows).values()


def remove(session, *, keep: int | None = None, only: int | None = None) -> tuple[int, int]:
    """Delete graphkit-loaded data (all of it, all but load ``keep``, or only load ``only``);
    returns counts of nodes and relationships.

    Only relationships with ``gk_load`` and nodes labelled ``GraphkitNode`` are deleted.
    """
    rels = session.run(
        f"MATCH ()-[r]->() WHERE r.{LOAD_KEY} IS NOT NULL "
        f"AND ($keep IS NULL OR r.{LOAD_KEY} <> $keep) "
        f"AND ($only IS NULL OR r.{LOAD_KEY} = $only) "
        "CALL { WITH r DELETE r } IN TRANSACTIONS OF 10000 ROWS",
        keep=keep,
        only=only,
    ).consume()
    nodes = session.run(
        f"MATCH (n:{MARKER}) WHERE ($keep IS NULL OR coalesce(n.{LOAD_KEY} <> $keep, true)) "
        f"AND ($only IS NULL OR n.{LOAD_KEY} = $only) "
        "CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS",
        keep=keep,
        only=only,
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
