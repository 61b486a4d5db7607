"""Entity lookup, path search and subgraphs answered by Neo4j (as :meth:`Graph.path` does)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from graphkit.backends.neo4j.connection import errors
from graphkit.backends.neo4j.render import _labels
from graphkit.backends.neo4j.scheme import ENTITY, INTERNAL, MARKER, MATCH_KEY, NAME_INDEX, _ident
from graphkit.model import schema


def find(driver, text: str, *, database: str | None = None) -> str:
    """Resolve an id, name, alias or PIID to one loaded entity id, as :meth:`Graph.find` does
    (case-insensitive first, then names compared by :func:`graphkit.resolve.normalize`).

    Looks up the loader's full-text index of ``gk_match`` keys (never a scan of every entity);
    when nothing matches, suggests up to five entities with a key that contains ``text``.
    """
    from graphkit.errors import AmbiguousEntity, EntityNotFound
    from graphkit.model import short_id
    from graphkit.resolve import normalize

    t = text.strip()
    exact, norm = "c:" + t.casefold(), "n:" + normalize(t)
    with errors(), driver.session(database=database, default_access_mode="READ") as s:
        hit = s.run(
            f"MATCH (n:{MARKER}:{ENTITY}) WHERE n.id = $id RETURN n.id", id=short_id(t)
        ).single()
        if hit:
            return hit[0]
        terms = [_lucene_term(k) for k in (exact, norm) if len(k) > 2]
        rows = (
            s.run(
                f"CALL db.index.fulltext.queryNodes('{NAME_INDEX}', $q) YIELD node AS n "
                f"WHERE n:{MARKER} RETURN n.id, n.name, $exact IN n.{MATCH_KEY} ORDER BY n.id",
                q=" OR ".join(terms),
                exact=exact,
            ).values()
            if terms
            else []
        )
        best = [r[:2] for r in rows if r[2]] or [r[:2] for r in rows]
        if len(best) == 1:
            return best[0][0]
        if best:
            raise AmbiguousEntity(text, [(a, b) for a, b in best])
        near = (
            s.run(
                f"CALL db.index.fulltext.queryNodes('{NAME_INDEX}', $q) YIELD node AS n "
                f"WHERE n:{MARKER} RETURN n.id + ' (' + n.name + ')' AS s ORDER BY s LIMIT 5",
                q="c\\:*" + _LUCENE_SPECIAL.sub(r"\\\g<0>", t.casefold()) + "*",
            ).value()
            if t
            else []
        )
    raise EntityNotFound(text, near)


_LUCENE_SPECIAL = re.compile(r'[+\-&|!(){}\[\]^"~*?:\\/\s]')


def _lucene_term(value: str) -> str:
    """``value`` as one quoted Lucene term (the keyword analyser matches it whole)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


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
        for k in INTERNAL:
            props.pop(k, None)
        G.add_node(n, labels=tuple(_labels(labels)), **props)
    for a, b, typ, props in edges:
        for k in INTERNAL:
            props.pop(k, None)
        G.add_edge(a, b, key=props["claim"], type=typ, **props)
    return G
