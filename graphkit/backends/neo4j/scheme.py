"""graphkit's data scheme in Neo4j: labels, rows, upsert queries, constraints.

Labels and relationship types are checked against :func:`graphkit.model.schema`; they and
property keys (escaped identifiers) are the only text formatted into queries; every value is a
query parameter.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from graphkit.errors import DataError
from graphkit.model import schema
from graphkit.projection import Edge, PropertyGraph

MARKER = "GraphkitNode"
LOAD_KEY = "gk_load"
#: The property keys graphkit wrote on a node or relationship (a reload removes only these).
OWNED_KEY = "gk_keys"
#: Lookup keys of an entity (``c:`` + case-folded, ``n:`` + normalised name, alias, PIID, id).
MATCH_KEY = "gk_match"
#: Graphkit's own bookkeeping properties (hidden when graphkit reads nodes back).
INTERNAL = (LOAD_KEY, OWNED_KEY, MATCH_KEY)
#: Full-text index (keyword analyser: whole values) over ``gk_match`` of ``Entity`` nodes.
NAME_INDEX = "graphkit_entity_names"
ENTITY = "Entity"
DEFAULT_BATCH = 20000
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def from_networkx(G) -> PropertyGraph:
    """The :class:`PropertyGraph` behind a graph made by :func:`graphkit.graph.to_networkx`
    (:meth:`PropertyGraph.from_networkx`)."""
    return PropertyGraph.from_networkx(G)


def neo4j_value(v):
    """A projection value as a Neo4j property value, or ``None`` to drop it.

    Neo4j stores scalars and homogeneous lists of scalars; anything else becomes text.
    """
    t = type(v)
    if t is str or t is int or t is bool or v is None:
        return v
    if t is list and all(type(x) is str for x in v):  # the common list: no copy needed
        return v
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


def properties(d: Mapping[str, Any]) -> dict[str, Any]:
    """Node or edge properties for Neo4j: no ``labels``, no ``None``."""
    out = {}
    for k, v in d.items():
        t = type(v)
        if t is str or t is int or t is bool:  # the common case, inline
            out[k] = v
        elif k != "labels" and (val := neo4j_value(v)) is not None:
            out[k] = val
    out.pop("labels", None)
    return out


_SORTED_KEYS: dict[tuple[str, ...], list[str]] = {}


def _owned(p: dict) -> list[str]:
    """``sorted(p)``, shared between rows with the same keys (most rows of a group)."""
    k = tuple(p)
    got = _SORTED_KEYS.get(k)
    if got is None:
        got = _SORTED_KEYS[k] = sorted(k)
    return got


def match_keys(node_id: str, d: Mapping[str, Any]) -> list[str]:
    """The lookup keys of an entity: what :func:`graphkit.backends.neo4j.find` matches on."""
    from graphkit.resolve import normalize

    keys = set()
    names = [d.get("name"), *(d.get("aliases") or ()), d.get("piid"), node_id.rsplit("/", 1)[-1]]
    for x in names:
        if isinstance(x, str) and x.strip():
            keys.add("c:" + x.strip().casefold())
            if norm := normalize(x):
                keys.add("n:" + norm)
    return sorted(keys)


def node_row(node_id: str, d: Mapping[str, Any], load_id: int) -> dict:
    """The loader's row for one node: ``{"id", "p"}`` with graphkit's bookkeeping properties."""
    p = {**properties(d), "id": node_id, LOAD_KEY: load_id}
    if ENTITY in (d.get("labels") or ()):
        p[MATCH_KEY] = match_keys(node_id, d)
    p[OWNED_KEY] = _owned(p)
    return {"id": node_id, "p": p}


def edge_row(e: Edge, key: str, load_id: int) -> dict:
    """The loader's row for one relationship: ``{"s", "t", "k", "p"}`` (``k``: its ``key``
    property, the claim or link id)."""
    p = {**properties(e.props), LOAD_KEY: load_id}
    p[OWNED_KEY] = _owned(p)
    return {"s": e.source, "t": e.target, "k": e.props[key], "p": p}


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
    for n, rec in pg.nodes.items():
        lbs = tuple(rec.get("labels") or ())
        if not lbs:
            raise DataError(f"node {n!r} has no label")
        nodes[lbs].append(n)
    for lbs in nodes:  # each distinct label set once
        _check(lbs, labels, "label")
    edges: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, (s, t, typ, d) in enumerate(pg.edges):
        key = "claim" if d.get("claim") else "link" if d.get("link") else None
        if key is None:
            raise DataError(f"edge {s} -[{typ}]-> {t} has neither a claim nor a link id")
        edges[(typ, key)].append(i)
    _check({typ for typ, _ in edges}, types, "relationship type")
    return dict(sorted(nodes.items())), dict(sorted(edges.items())), sorted(labels)


def node_query(lbs: tuple[str, ...], all_labels: list[str]) -> str:
    """``UNWIND $rows`` upsert of nodes that carry exactly the ontology labels ``lbs`` (other
    ontology labels in ``all_labels`` are removed).

    Only graphkit's properties change: ``SET n += row.p``, and the keys graphkit wrote last time
    (``gk_keys``) that the new row lacks are removed; a property a user added stays.
    """
    add = "".join(":" + _ident(lb) for lb in lbs)
    drop = "".join(":" + _ident(lb) for lb in all_labels if lb not in lbs)
    q = f"UNWIND $rows AS row MERGE (n:{MARKER} {{id: row.id}}) " + _drop_stale("n")
    q += f"SET n += row.p, n{add}"
    return q + (f" REMOVE n{drop}" if drop else "")


def columns(props: Iterable[dict]) -> list[str]:
    """The sorted union of the keys of ``props``: the columns of :func:`create_nodes_query` and
    :func:`create_edges_query` rows."""
    keys: set[str] = set()
    for p in props:
        keys.update(p)
    return sorted(keys)


def _inline(keys: list[str], first: int) -> str:
    return ", ".join(f"{_ident(k)}: row[{i}]" for i, k in enumerate(keys, first))


def create_nodes_query(lbs: tuple[str, ...], keys: list[str]) -> str:
    """Into a database without graphkit data: ``CREATE`` nodes labelled ``lbs`` from list rows
    (the values of ``keys`` in order, ``null`` for a missing one: Neo4j stores no null);
    returns one record: the rows' ``id``s and the ``elementId``s of their nodes, as two lists
    (a record per node costs the client more than the server spends creating it).

    The properties are an inline map, not ``SET n = row.p``: setting a map makes the planner
    buffer every row before writing (an ``Eager`` operator), which cost about a third of the
    server's time. Property keys are escaped identifiers; values stay parameters.
    """
    add = "".join(":" + _ident(lb) for lb in lbs)
    return (
        f"UNWIND $rows AS row CREATE (n:{MARKER}{add} {{{_inline(keys, 0)}}}) "
        f"RETURN collect(row[{keys.index('id')}]) AS ids, collect(elementId(n)) AS es"
    )


def create_edges_query(typ: str, keys: list[str]) -> str:
    """Into a database without graphkit data: ``CREATE`` relationships of type ``typ`` from list
    rows ``[start elementId, end elementId, *values of keys]`` (no index look-up, no ``Eager``:
    see :func:`create_nodes_query`)."""
    return (
        "UNWIND $rows AS row MATCH (a) WHERE elementId(a) = row[0] "
        "MATCH (b) WHERE elementId(b) = row[1] "
        f"CREATE (a)-[r:{_ident(typ)} {{{_inline(keys, 2)}}}]->(b)"
    )


def _drop_stale(v: str) -> str:
    return (
        f"FOREACH (k IN [k IN coalesce({v}.{OWNED_KEY}, []) WHERE NOT k IN keys(row.p)] "
        f"| SET {v}[k] = null) "
    )


def edge_query(typ: str, key: str) -> str:
    """``UNWIND $rows`` upsert of relationships of type ``typ``, merged on ``key``; like
    :func:`node_query`, only graphkit's properties change."""
    return (
        f"UNWIND $rows AS row MATCH (a:{MARKER} {{id: row.s}}) MATCH (b:{MARKER} {{id: row.t}}) "
        f"MERGE (a)-[r:{_ident(typ)} {{{key}: row.k}}]->(b) " + _drop_stale("r") + "SET r += row.p"
    )


def moved_query(typ: str, key: str) -> str:
    """Delete relationships whose claim/link id now joins other nodes (so MERGE can recreate)."""
    return (
        f"UNWIND $rows AS row MATCH (x)-[r:{_ident(typ)} {{{key}: row.k}}]->(y) "
        f"USING INDEX SEEK r:{_ident(typ)}({key}) WHERE x.id <> row.s OR y.id <> row.t DELETE r"
    )


def constraint_queries(all_labels: list[str]) -> list[str]:
    """Unique ``id`` per node label (``GraphkitNode`` first); unique claim (or link) id per
    relationship type; the full-text name index of :func:`find`.

    The relationship constraints also let ``MERGE`` find a relationship by index instead of
    scanning every relationship between two (possibly very connected) nodes.
    """
    sch = schema()
    rels = [(t, "claim") for t in sorted(sch.rel_types.values())]
    rels += [(t, "link") for t in sorted(sch.link_types.values())]
    return (
        [
            f"CREATE CONSTRAINT IF NOT EXISTS FOR (n:{_ident(lb)}) REQUIRE n.id IS UNIQUE"
            for lb in [MARKER, *all_labels]
        ]
        + [
            f"CREATE CONSTRAINT IF NOT EXISTS FOR ()-[r:{_ident(t)}]-() REQUIRE r.{key} IS UNIQUE"
            for t, key in rels
        ]
        + [
            f"CREATE FULLTEXT INDEX {NAME_INDEX} IF NOT EXISTS FOR (n:{ENTITY}) "
            f"ON EACH [n.{MATCH_KEY}] OPTIONS {{indexConfig: {{`fulltext.analyzer`: 'keyword'}}}}"
        ]
    )


def _batches(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
