"""Exports for Neo4j: ``neo4j-admin database import full`` CSV files and a Cypher script."""

from __future__ import annotations

import csv
import math
import shlex
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from graphkit.backends.neo4j.scheme import (
    MARKER,
    _batches,
    _groups,
    _ident,
    constraint_queries,
    edge_query,
    edge_row,
    node_query,
    node_row,
)
from graphkit.errors import DataError
from graphkit.projection import PropertyGraph


def _csv_type(values: list) -> tuple[str, bool]:
    """neo4j-admin type of a column (``string``, ``long``, ``float``, ``boolean``) and is-array."""
    kinds: set[type] = set()
    is_array = False
    for v in values:
        if type(v) is list:
            is_array = True
            kinds.update(map(type, v))
        else:
            kinds.add(type(v))
    if kinds and kinds <= {bool}:
        t = "boolean"
    elif kinds and kinds <= {int}:
        t = "long"
    elif kinds and kinds <= {int, float}:
        t = "float"
    else:
        t = "string"
    return t, is_array


def _bool(x) -> str:
    return "true" if x else "false"


def _float(x) -> str:
    return repr(float(x))


def _converter(t: str, is_array: bool, delim: str):
    """Cell text of a column's value (``""`` for none)."""
    one = _bool if t == "boolean" else _float if t == "float" else str
    if is_array:
        return lambda v: "" if v is None else delim.join(map(one, v if type(v) is list else [v]))
    return lambda v: "" if v is None else one(v)


def _pick_delimiter(records: list[dict]) -> str:
    """An array delimiter that no array item in ``records`` contains."""
    items = [x for r in records for v in r.values() if type(v) is list for x in v]
    text = "\x00".join(map(str, items))
    for c in ";|¦¤\u001f":
        if c not in text:
            return c
    raise DataError("every candidate array delimiter occurs in the data")


def _write_csv(path: Path, fixed: list[str], fixed_vals, records: list[dict], delim: str) -> bool:
    """One CSV file; whether a cell holds a line break (neo4j-admin needs to be told)."""
    keys = sorted({k for r in records for k in r})
    specs = {k: _csv_type([r[k] for r in records if k in r]) for k in keys}
    header = fixed + [f"{k}:{t}{'[]' if arr else ''}" for k, (t, arr) in specs.items()]
    convs = [(k, _converter(*specs[k], delim)) for k in keys]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows([*fv, *[c(r.get(k)) for k, c in convs]] for fv, r in zip(fixed_vals, records))
    data = path.read_bytes()  # a line break inside a cell: more lines than rows, or a CR
    return data.count(b"\n") != len(records) + 1 or b"\r" in data


def export_neo4j_csv(
    pg: PropertyGraph, folder: Path, *, database: str = "neo4j", load_id: int | None = None
) -> tuple[list[Path], str]:
    """Write ``neo4j-admin database import full`` CSV files (one per label set and per
    relationship type) into ``folder``; returns the files and the import command.

    The rows carry what the online loader writes (``gk_load`` = ``load_id``, default now)."""
    node_groups, edge_groups, _ = _groups(pg)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.time_ns() // 1000 if load_id is None else load_id
    heads = defaultdict(list)
    for lbs in node_groups:
        heads[lbs[0]].append(lbs)
    # (kind, path, fixed columns, their values, property records)
    plan: list[tuple[str, Path, list[str], list, list[dict]]] = []
    for lbs, ids in node_groups.items():
        name = lbs[0] if len(heads[lbs[0]]) == 1 else "_".join(lbs)
        recs = [node_row(n, pg.nodes[n], stamp)["p"] for n in ids]
        for r in recs:
            r.pop("id", None)
        label = ";".join([*lbs, MARKER])
        fixed: list[tuple[str, ...]] = [(n, label) for n in ids]
        plan.append(("nodes", folder / f"nodes_{name}.csv", ["id:ID", ":LABEL"], fixed, recs))
    per_type: dict[str, int] = defaultdict(int)
    for typ, _key in edge_groups:
        per_type[typ] += 1
    for (typ, key), idx in edge_groups.items():
        name = typ if per_type[typ] == 1 else f"{typ}_{key}"
        recs = [edge_row(pg.edges[i], key, stamp)["p"] for i in idx]
        fixed = [(pg.edges[i][0], pg.edges[i][1], typ) for i in idx]
        path = folder / f"relationships_{name}.csv"
        plan.append(("relationships", path, [":START_ID", ":END_ID", ":TYPE"], fixed, recs))
    delim = _pick_delimiter([r for *_, recs in plan for r in recs])
    multiline = False
    for _kind, path, cols, fixed, recs in plan:
        multiline |= _write_csv(path, cols, fixed, recs, delim)
    parts = ["neo4j-admin", "database", "import", "full", database, "--overwrite-destination"]
    parts += [f"--{kind}={p.resolve()}" for kind, p, *_ in plan]
    parts.append(f"--array-delimiter={delim}")
    if multiline:
        parts.append("--multiline-fields=true")
    return [p for _, p, *_ in plan], shlex.join(parts)


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
            rows = [node_row(n, pg.nodes[n], stamp) for n in chunk]
            yield q.replace("$rows", cypher_literal(rows), 1) + ";\n"
    for (typ, key), idx in edge_groups.items():
        q = edge_query(typ, key)
        for chunk in _batches(idx, batch_size):
            rows = [edge_row(pg.edges[i], key, stamp) for i in chunk]
            yield q.replace("$rows", cypher_literal(rows), 1) + ";\n"
