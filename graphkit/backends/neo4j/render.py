"""Cypher result values as JSON-ready data (:func:`plain`) or one table cell (:func:`text`)."""

from __future__ import annotations

from collections.abc import Iterable

from graphkit.backends.neo4j.export import cypher_literal
from graphkit.backends.neo4j.scheme import MARKER
from graphkit.model import schema


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
        for a, b, r in zip(v.nodes, v.nodes[1:], v.relationships):
            forward = r.start_node is not None and r.start_node.element_id == a.element_id
            out.append(f"-[{r.type}]-> {_name(b)}" if forward else f"<-[{r.type}]- {_name(b)}")
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
