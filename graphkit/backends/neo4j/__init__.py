"""Neo4j backend: load the projection over Bolt, run Cypher, trace paths, export for Neo4j.

Modules, by concern: :mod:`.connection` (connecting, error messages), :mod:`.scheme` (labels,
rows, upsert queries, constraints), :mod:`.load` (online loading, counts, clearing),
:mod:`.bulk` (``neo4j-admin`` import into an empty local database), :mod:`.cypher` (user
queries; the write guard and statement splitter are :mod:`graphkit.backends.cypher`),
:mod:`.render` (result values as data or text), :mod:`.lookup` (entity lookup, paths,
subgraphs), :mod:`.export` (``neo4j-csv``, ``cypher``). Every public name is importable from
this package.

What graphkit writes (one scheme for the loader, the ``neo4j-csv`` and the ``cypher`` exports):

- Every projected node, with all its ontology labels (``Company``, ``Organization``, ``Entity``)
  **plus the marker label** ``GraphkitNode``; properties as projected (``id``, ``name``,
  ``aliases`` …), ``None`` dropped, and ``gk_load`` (the load that wrote it: its start time
  in microseconds since the epoch).
- Every claim as a relationship ``(subject)-[:SUPPLIES {claim, status, start, end, summary,
  evidence, contracts, sources, gk_load}]->(object)``; Evidence and Contract are nodes, reached
  through the ids in ``evidence`` / ``contracts``, and contracts are linked with
  ``(:Contract)-[:AWARDED_BY|AWARDED_TO|RECIPIENT_PARENT {link, gk_load}]->(org)``.
- Bookkeeping: ``gk_keys`` lists the property keys graphkit wrote on a node or relationship
  (a re-load sets those and removes the ones the data no longer has; properties you add stay);
  ``gk_match`` holds an entity's lookup keys (case-folded and normalised name, aliases, PIID,
  id), indexed by the full-text index ``graphkit_entity_names`` that :func:`find` queries.
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
Labels and relationship types are checked against :func:`graphkit.model.schema`; they, property
keys (escaped identifiers, in the loader's ``CREATE`` queries) and the hop bound of path queries
(an int) are the only text formatted into queries; every value is a query parameter.
"""

from graphkit.backends.cypher import split_statements, write_clause
from graphkit.backends.neo4j.bulk import BulkResult, bulk_load
from graphkit.backends.neo4j.connection import Connection, Neo4jError, connect, errors
from graphkit.backends.neo4j.cypher import run_cypher
from graphkit.backends.neo4j.export import cypher_literal, export_cypher, export_neo4j_csv
from graphkit.backends.neo4j.load import LoadResult, clear, counts, load, remove
from graphkit.backends.neo4j.lookup import find, find_paths, subgraph
from graphkit.backends.neo4j.render import plain, text
from graphkit.backends.neo4j.scheme import (
    DEFAULT_BATCH,
    LOAD_KEY,
    MARKER,
    constraint_queries,
    edge_query,
    from_networkx,
    moved_query,
    neo4j_value,
    node_query,
    properties,
)

__all__ = [
    "BulkResult",
    "DEFAULT_BATCH",
    "LOAD_KEY",
    "MARKER",
    "Connection",
    "LoadResult",
    "Neo4jError",
    "bulk_load",
    "clear",
    "connect",
    "constraint_queries",
    "counts",
    "cypher_literal",
    "edge_query",
    "errors",
    "export_cypher",
    "export_neo4j_csv",
    "find",
    "find_paths",
    "from_networkx",
    "load",
    "moved_query",
    "neo4j_value",
    "node_query",
    "plain",
    "properties",
    "remove",
    "run_cypher",
    "split_statements",
    "subgraph",
    "text",
    "write_clause",
]
