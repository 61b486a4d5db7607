"""Loading the projection into Neo4j (online, over Bolt), removing it, counting it."""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass

from graphkit.backends.neo4j.connection import errors
from graphkit.backends.neo4j.scheme import (
    DEFAULT_BATCH,
    LOAD_KEY,
    MARKER,
    _batches,
    _groups,
    constraint_queries,
    edge_query,
    moved_query,
    node_query,
    properties,
)
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
