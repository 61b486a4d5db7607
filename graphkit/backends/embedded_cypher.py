"""Embedded, read-only Cypher over the property-graph projection (LadybugDB, no server).

Mapping (derived from the ontology and the projection, nothing listed by hand):

- One **node table per ontology label** (``Company``, ``GovernmentAgency``, ``Product``,
  ``Evidence``, ``Contract``, ...). A node goes into the table of its most specific label
  (``labels[0]``). Every node table has the same columns: ``id`` (primary key), ``labels``
  (``STRING[]``) and one column per property key of the projection, typed from the data
  (``STRING``, ``INT64``, ``DOUBLE``, ``BOOLEAN`` or ``STRING[]`` for list keys such as
  ``aliases``), so any property can be asked of any node (``NULL`` when absent).
- A contract's records' figures (``record_K`` lists, ``graphkit.projection``) are typed lists
  of K's type (``DOUBLE[]`` for amounts, ``INT64[]`` for fiscal years, ``STRING[]`` for dates),
  with columns made even when no contract has records, so a query can always ask for them.
- One **relationship table per relationship type** (``SUPPLIES``, ``AWARDED_BY``, ...) with the
  edge properties of the projection (``claim``, ``status``, ``start``, ``end``, ``summary``,
  ``evidence``, ``contracts``, ``sources``, ``link``) and one FROM/TO pair per pair of node
  tables the data connects.

The same Cypher text runs here and on Neo4j through a thin rewrite:

- a node pattern with a superclass label (``(o:Organization)``, ``(e:Entity)``) becomes the union
  of that label's table and its subclasses' tables (``(o:Organization:Company:...)``, which
  Ladybug reads as "any of"); so use **one label per node pattern**;
- ``type(r)`` becomes ``label(r)``.

Not rewritten (write them the portable way): list comprehensions and ``reduce`` (use ``UNION``
of fixed-length patterns or ``length(p)``), list indexing (1-based here), ``shortestPath()``,
label predicates in ``WHERE`` (``n:Company``), ``labels(n)``. Always name result columns with
``AS`` so both engines give the same column names, and never reuse a variable's name as an alias
(``RETURN o.id AS o ORDER BY o`` fails here), nor ``UNION`` with a final ``ORDER BY``.

Read-only twice over: write clauses (``CREATE``, ``MERGE``, ``DELETE``, ``SET``, ``REMOVE``,
``DROP``, ``COPY``, ``LOAD``, ``CALL`` ...) are refused before the engine sees them, and the
database is opened with ``read_only=True``. The built database is cached on disk under
``graphkit.cache.cache_dir()/cypher/`` (0700), keyed by the content hash of the input files, and
checked against a stamp holding that key and the database file's SHA-256 before it is opened.

>>> import graphkit
>>> g = graphkit.load(["tests/fixtures/mini.ttl"], bundled=False)
>>> run(g, "MATCH (o:Organization)-[r:SUPPLIES]->(a) RETURN o.name AS v, a.id AS a", {})
(['v', 'a'], [['Borealis Analytics', 'org/fea']])
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import threading
from pathlib import Path

from graphkit.errors import GraphkitError
from graphkit.model import GK, record_key, schema
from graphkit.projection import EDGE_KEYS

MAPPING_VERSION = "5"
BATCH = 5000
COPY_MIN = 100  # rows from which a table is bulk-copied (COPY) rather than created

_OWN_TYPES = {str: "STRING", list: "STRING[]", bool: "BOOLEAN"}  # EDGE_KEYS types -> columns

_lock = threading.Lock()
_open: dict[str, tuple[object, object]] = {}  # database path -> (Database, Connection)


class CypherError(GraphkitError):
    """A Cypher query that cannot run (syntax error, write clause, unknown label ...)."""


def run(graph_or_pg, query: str, params: dict | None = None) -> tuple[list[str], list[list]]:
    """Run a read-only Cypher ``query`` with ``params`` bound as values.

    ``graph_or_pg`` is a :class:`graphkit.graph.Graph` or a
    :class:`graphkit.projection.PropertyGraph`. Returns ``(columns, rows)``.
    """
    refuse_writes(query)
    conn = _connection(graph_or_pg)
    text = rewrite(query)
    try:
        result = conn.execute(text, dict(params or {}))
        if isinstance(result, list):
            result = result[-1]
        columns = list(result.get_column_names())
        rows = [[_value(v) for v in row] for row in result.get_all()]
    except RuntimeError as e:
        raise CypherError(f"Cypher error: {_clean(str(e))}") from None
    return columns, rows


def refuse_writes(query: str) -> None:
    """Raise :class:`CypherError` if ``query`` holds a write (or file/engine) clause."""
    from graphkit.backends.cypher import write_clause

    if clause := write_clause(query):
        raise CypherError(
            f"{clause} is refused: the embedded Cypher engine is read-only "
            "(edit the data files to change the graph)."
        )


def _code_only(query: str) -> str:
    """The query with string literals, backticked names and comments blanked out."""
    return re.sub(
        r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|//[^\n]*|/\*.*?\*/",
        " ",
        query,
        flags=re.DOTALL,
    )


_CYPHER_TOKEN = re.compile(
    r"""(?P<skip>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|//[^\n]*|/\*.*?\*/)
    |(?P<name>`(?:[^`]|``)*`|[^\W\d]\w*)
    |(?P<ws>\s+)
    |(?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)


def rewrite(query: str) -> str:
    """Neo4j Cypher -> Ladybug Cypher: superclass labels to table unions, ``type(r)``.

    Works on tokens, so strings and comments are left alone and a label is found whether it
    is written ``Organization`` or ```Organization``` (and the variable ``n`` or ```n```).
    """
    return _rewrite_code(query, _label_unions(schema()))


def _rewrite_code(query: str, expand: dict[str, str]) -> str:
    toks = [(m.lastgroup or "", m.group()) for m in _CYPHER_TOKEN.finditer(query)]
    code = [i for i, (kind, _) in enumerate(toks) if kind not in ("ws", "skip")]
    out = [text for _, text in toks]

    def at(j: int) -> tuple[str, str]:
        return toks[code[j]] if 0 <= j < len(code) else ("", "")

    for j, i in enumerate(code):
        kind, text = toks[i]
        if kind != "name":
            continue
        if text.lower() == "type" and at(j + 1)[1] == "(" and at(j - 1)[1] not in (".", "$"):
            out[i] = "label"
        elif at(j - 1)[1] == ":" and (
            at(j - 2)[1] == "(" or (at(j - 2)[0] == "name" and at(j - 3)[1] == "(")
        ):  # the first label of a node pattern: (n:Label) or (:Label)
            label = text[1:-1].replace("``", "`") if text.startswith("`") else text
            out[i] = expand.get(label, text)
    return "".join(out)


def _label_unions(sch) -> dict[str, str]:
    """Label -> ``Label:Sub1:Sub2`` for labels that have subclasses."""
    out = {}
    for cls, label in sch.class_labels.items():
        subs = [sch.class_labels[c] for c in sch.class_labels if cls in sch.superclasses[c]]
        if subs:
            out[label] = ":".join([label, *sorted(subs)])
    return out


# -- building the database ---------------------------------------------------------------------


def _connection(graph_or_pg):
    pg, key = _projection_and_key(graph_or_pg)
    with _lock:
        path = _db_path(key)
        if str(path) in _open:
            return _open[str(path)][1]
        import ladybug as lb

        stamp = path.with_name(path.name + ".json")
        if not (path.is_file() and _stamp_ok(stamp, key, path)):
            # missing, swapped, truncated or left by an older build: build it afresh
            path.unlink(missing_ok=True)
            _build(pg, path)
            os.chmod(path, 0o600)
            _write_stamp(stamp, key, path)
        db = lb.Database(str(path), read_only=True)
        conn = lb.Connection(db)
        _open[str(path)] = (db, conn)
        return conn


def _stamp_ok(stamp: Path, key: str, path: Path) -> bool:
    """Does ``stamp`` name ``key`` and the SHA-256 of the database file's bytes?"""
    try:
        want = json.loads(stamp.read_text(encoding="utf-8"))
        return want == {"key": key, "sha256": _digest(path)}
    except (OSError, ValueError):
        return False


def _write_stamp(stamp: Path, key: str, path: Path) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{stamp.name}.", dir=stamp.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"key": key, "sha256": _digest(path)}, fh)
    os.replace(tmp, stamp)


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _projection_and_key(graph_or_pg):
    """The projection and a key naming its content (the inputs' content hash when the graph
    came from :func:`graphkit.load`, else a hash of the projection itself)."""
    from graphkit.projection import PropertyGraph

    if isinstance(graph_or_pg, PropertyGraph):
        pg = graph_or_pg
        h = hashlib.sha256(
            json.dumps([sorted(pg.nodes.items()), pg.edges], default=list, sort_keys=True).encode()
        )
        return pg, f"{MAPPING_VERSION}-pg-{h.hexdigest()[:40]}"
    pg = PropertyGraph.from_networkx(graph_or_pg.G)
    key = getattr(graph_or_pg, "cache_key", None)
    if key:
        return pg, f"{MAPPING_VERSION}-data-{key}"
    return _projection_and_key(pg)


def _db_path(key: str) -> Path:
    """``<cache_dir>/cypher/<key>.lbdb`` in a private (0700) folder; when that folder cannot be
    private, a fresh private temporary folder for this process (never a shared fixed path)."""
    from graphkit.cache import cache_dir, private_dir

    folder = private_dir(cache_dir()) and private_dir(cache_dir() / "cypher")
    if folder is None:
        global _scratch
        if _scratch is None:
            _scratch = tempfile.TemporaryDirectory(prefix="graphkit-cypher-")
        folder = Path(_scratch.name)
    return folder / f"{key}.lbdb"


_scratch: tempfile.TemporaryDirectory | None = None


def _declared_types() -> dict[str, str]:
    """Property key -> column type, from the datatypes the ontology declares (ranges, shapes)."""
    from graphkit.model import XSD_NUMERIC

    kinds = {float: "DOUBLE", int: "INT64"}
    return {
        key: kinds[XSD_NUMERIC[dt]] if dt in XSD_NUMERIC else "STRING"
        for key, dt in schema().datatypes.items()
    }


def _column_types(
    records: list[dict], keys: list[str], list_keys: set[str], own: dict[str, str] | None = None
) -> dict[str, str]:
    """Column type per key: lists, then the ontology's datatypes, then ``own`` (the types the
    projection gives its own keys), then what the values are."""
    types = {}
    declared = {**_declared_types(), **(own or {})}
    listed = {}  # record_K -> K's column type as a list
    for k in schema().record_figures.values():
        values_key, evidence_key = record_key(k)
        listed[values_key] = declared.get(k, "STRING") + "[]"
        listed[evidence_key] = "STRING[]"
    for k in keys:
        vals = [r[k] for r in records if r.get(k) is not None]
        if k in listed:
            types[k] = listed[k]
        elif k in list_keys or any(isinstance(v, list | tuple) for v in vals):
            types[k] = "STRING[]"
        elif k in declared:
            types[k] = declared[k]
        elif vals and all(isinstance(v, bool) for v in vals):
            types[k] = "BOOLEAN"
        elif vals and all(isinstance(v, int) and not isinstance(v, bool) for v in vals):
            types[k] = "INT64"
        elif vals and all(isinstance(v, int | float) and not isinstance(v, bool) for v in vals):
            types[k] = "DOUBLE"
        else:
            types[k] = "STRING"
    return types


def _cast(v, typ: str):
    if v is None:
        return None
    if typ == "STRING[]":
        return [str(x) for x in (v if isinstance(v, list | tuple) else [v])]
    if typ.endswith("[]"):  # numbers: a value of the wrong type (unvalidated data) left out
        got = [_cast(x, typ[:-2]) for x in (v if isinstance(v, list | tuple) else [v])]
        return [x for x in got if x is not None]
    if typ == "STRING":
        return str(v)
    try:
        return {"DOUBLE": float, "INT64": int}.get(typ, lambda x: x)(v)
    except (TypeError, ValueError):
        return None  # a value of the wrong type (unvalidated data) is left out


def _build(pg, path: Path) -> None:
    """Create the tables and load ``pg`` into a new database file at ``path`` (atomically)."""
    import ladybug as lb

    sch = schema()
    key_props = {k: p for p, k in sch.keys.items()}
    list_keys = {k for k, p in key_props.items() if p not in sch.functional}
    records = {x for k in sch.record_figures.values() for x in record_key(k)}
    node_keys = sorted(
        ({"name"} | set(key_props) | records | {k for n in pg.nodes.values() for k in n})
        - {"labels", "id"}
    )
    own = {k: _OWN_TYPES[t] for k, t in EDGE_KEYS.items()}
    edge_keys = sorted(
        (set(own) | set(sch.keys_of(GK + "Claim")) | {k for *_, d in pg.edges for k in d})
        - {"type"}
    )
    ntypes = _column_types(list(pg.nodes.values()), node_keys, list_keys)
    etypes = _column_types([d for *_, d in pg.edges], edge_keys, list_keys, own)
    tables = sorted(set(sch.class_labels.values()))
    table_of = {n: d["labels"][0] for n, d in pg.nodes.items()}
    rel_types = sorted(set(sch.rel_types.values()) | set(sch.link_types.values()))
    pairs: dict[str, set] = {t: set() for t in rel_types}
    for s, t, typ, _ in pg.edges:
        pairs.setdefault(typ, set()).add((table_of[s], table_of[t]))

    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.unlink(missing_ok=True)
    db = lb.Database(str(tmp))
    conn = lb.Connection(db)
    ncols = ", ".join(f"`{k}` {ntypes[k]}" for k in node_keys)
    for t in tables:
        conn.execute(f"CREATE NODE TABLE `{t}`(id STRING PRIMARY KEY, labels STRING[], {ncols})")
    ecols = ", ".join(f"`{k}` {etypes[k]}" for k in edge_keys)
    fallback = "Entity" if "Entity" in tables else tables[0]
    for typ, ps in sorted(pairs.items()):
        ends = ", ".join(f"FROM `{a}` TO `{b}`" for a, b in sorted(ps or {(fallback, fallback)}))
        conn.execute(f"CREATE REL TABLE `{typ}`({ends}, {ecols})")

    # a big table is bulk-copied from an in-memory frame: values reach the engine as typed
    # Python objects, so strings, lists and nulls round-trip exactly with no file format to
    # escape, ~15x cheaper than UNWIND ... CREATE; a small one (a COPY costs ~20 ms however few
    # its rows) is created from a bound list of rows instead
    node_columns = ["id", "labels", *node_keys]
    assign = ", ".join(f"`{k}`: CAST(r.`{k}` AS {ntypes[k]})" for k in node_keys)
    nodes_of: dict[str, list] = {t: [] for t in tables}
    for n, d in pg.nodes.items():
        nodes_of[table_of[n]].append(
            [n, list(d["labels"]), *(_cast(d.get(k), ntypes[k]) for k in node_keys)]
        )
    for t, rows in nodes_of.items():
        copy = f"COPY `{t}` FROM df"
        create = f"UNWIND $rows AS r CREATE (:`{t}` {{id: r.id, labels: r.labels, {assign}}})"
        _load(conn, copy, create, node_columns, rows)
    edge_columns = ["from", "to", *edge_keys]
    eassign = ", ".join(f"`{k}`: CAST(e.`{k}` AS {etypes[k]})" for k in edge_keys)
    groups: dict[tuple, list] = {}
    for s, t, typ, d in pg.edges:
        row = [s, t, *(_cast(d.get(k), etypes[k]) for k in edge_keys)]
        groups.setdefault((typ, table_of[s], table_of[t]), []).append(row)
    for (typ, a, b), rows in sorted(groups.items()):
        copy = f"COPY `{typ}` FROM df (from='{a}', to='{b}')"
        create = (
            f"UNWIND $rows AS e MATCH (x:`{a}`) WHERE x.id = e.`from` "
            f"MATCH (y:`{b}`) WHERE y.id = e.`to` CREATE (x)-[:`{typ}` {{{eassign}}}]->(y)"
        )
        _load(conn, copy, create, edge_columns, rows)
    conn.close()
    db.close()
    os.replace(tmp, path)
    Path(f"{tmp}.wal").unlink(missing_ok=True)


def _load(conn, copy: str, create: str, columns: list[str], rows: list[list]) -> None:
    """Load ``rows`` (values in ``columns`` order): ``copy`` (a ``COPY ... FROM df``) reads them
    as the data frame ``df`` when there are at least :data:`COPY_MIN`, else ``create`` (an
    ``UNWIND $rows ...``) reads them as a list of maps."""
    if len(rows) < COPY_MIN:
        if rows:
            conn.execute(create, {"rows": [dict(zip(columns, r, strict=True)) for r in rows]})
        return
    import pandas as pd

    df = pd.DataFrame(rows, columns=columns, dtype=object)  # noqa: F841 (read by the engine)
    conn.execute(copy)


def _value(v):
    """Engine values as plain Python: nodes and relationships as property dicts."""
    if isinstance(v, dict):
        return {k: _value(x) for k, x in v.items() if not k.startswith("_") and x is not None}
    if isinstance(v, list):
        return [_value(x) for x in v]
    return v


def _clean(msg: str) -> str:
    return msg.replace("`", "").strip()
