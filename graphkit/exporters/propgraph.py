"""Property-graph file formats: GraphML, GEXF 1.3 and node-link JSON, written from the
projection so that they read back without loss.

How values are written (every node and edge property, nothing dropped):

- **Types.** A key whose values are all booleans, all integers or all numbers gets the format's
  boolean, long or double type; one whose values are all text gets string; anything else
  (lists such as ``labels``, ``aliases``, ``evidence``, or mixed types) is written as **JSON text**.
  Dates stay the ISO 8601 text of the data (``2021-03-04``, ``2021-03``, ``2021``): neither
  GraphML nor GEXF 1.3 has an attribute type for dates.
- **GraphML** has no list type. JSON-text keys are named in the graph's ``graphkit_json`` data
  (a JSON object ``{"node": [...], "edge": [...]}``); :func:`read_graphml` decodes them.
- **GEXF 1.3** lists are ``liststring`` attributes whose value is a JSON array
  (``["a", "b; c"]``, the bracketed list form of GEXF 1.3, with JSON quoting so that a value
  may hold commas, semicolons and quotes). ``type`` is GEXF's directed/undirected slot, so the
  relationship type is the attribute ``rel_type`` (also the edge's ``label`` and ``kind``, which
  Gephi shows); keys that the GEXF readers fill themselves (``label``, ``id``) are written as
  ``gk_label``/``gk_id``. :func:`read_gexf` undoes both.
- **Characters.** ``\\r``, ``\\n`` and tabs are written as character references where XML would
  otherwise normalise them, so a value read back is the value written. The only change: control
  characters that XML 1.0 cannot hold at all (U+0000-U+0008, U+000B, U+000C, U+000E-U+001F)
  become U+FFFD.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from graphkit.exporters.base import Exporter, edges_with_keys, projection, register

GEXF_RENAMES = {"type": "rel_type", "label": "gk_label", "id": "gk_id"}
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_ATTR = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;",
     "\t": "&#9;"}
)  # fmt: skip
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


def attr(value: str) -> str:
    """Text as an XML attribute value (without the quotes)."""
    return _BAD_XML.sub("\ufffd", value).translate(_ATTR)


def text(value: str) -> str:
    """Text as XML element content."""
    return _BAD_XML.sub("\ufffd", value).translate(_TEXT)


def kind_of(values: Iterable) -> str:
    """``boolean``, ``long``, ``double``, ``string`` or ``json`` for a key's values."""
    kinds = {type(v) for v in values}
    if kinds <= {bool}:
        return "boolean"
    if kinds <= {int}:
        return "long"
    if kinds <= {int, float}:
        return "double"
    if kinds <= {str}:
        return "string"
    return "json"


def lexical(value, kind: str) -> str:
    if kind == "json":
        return json.dumps(value, ensure_ascii=False)
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "double":
        return repr(float(value))
    return str(value)


def _batched(lines: Iterable[str], size: int = 5000):
    """Encoded chunks of ``size`` lines each (the writers stream; a file is never held whole)."""
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= size:
            yield "".join(batch).encode()
            batch = []
    if batch:
        yield "".join(batch).encode()


def _ids(kinds: dict[str, str], prefix: str) -> dict[str, str]:
    return {k: f"{prefix}{i}" for i, k in enumerate(kinds)}


def _schema(records: Iterable[dict]) -> dict[str, str]:
    values: dict[str, list] = {}
    for d in records:
        for k, v in d.items():
            if v is not None:
                values.setdefault(k, []).append(v)
    return {k: kind_of(vs) for k, vs in sorted(values.items())}


# -- GraphML ------------------------------------------------------------------------------------


@register
class GraphML(Exporter):
    name = "graphml"
    suffix = ".graphml"
    media_type = "application/graphml+xml"
    description = "GraphML (yEd, Cytoscape, networkx, igraph); lists as JSON text"

    def chunks(self, source):
        pg = projection(source)
        nkinds = _schema(pg.nodes.values())
        ekinds = _schema({"type": typ, **d} for *_, typ, d in pg.edges)
        gtype = {"boolean": "boolean", "long": "long", "double": "double"}
        nid, eid = _ids(nkinds, "n"), _ids(ekinds, "e")
        out = [
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
            'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
            '<key id="g0" for="graph" attr.name="graphkit_json" attr.type="string"/>\n'
        ]
        for ids, kinds, dom in ((nid, nkinds, "node"), (eid, ekinds, "edge")):
            for k, kind in kinds.items():
                out.append(
                    f'<key id="{ids[k]}" for="{dom}" attr.name="{attr(k)}" '
                    f'attr.type="{gtype.get(kind, "string")}"/>\n'
                )
        jsonkeys = {
            "node": [k for k, v in nkinds.items() if v == "json"],
            "edge": [k for k, v in ekinds.items() if v == "json"],
        }
        out.append('<graph id="graphkit" edgedefault="directed">\n')
        out.append(f'<data key="g0">{text(json.dumps(jsonkeys))}</data>\n')
        yield "".join(out).encode()

        def data(d: dict, ids: dict, kinds: dict) -> str:
            return "".join(
                f'<data key="{ids[k]}">{text(lexical(v, kinds[k]))}</data>'
                for k, v in d.items()
                if v is not None
            )

        def lines():
            for n, d in pg.nodes.items():
                yield f'<node id="{attr(n)}">{data(d, nid, nkinds)}</node>\n'
            for s, t, key, typ, d in edges_with_keys(pg):
                yield (
                    f'<edge id="{attr(key)}" source="{attr(s)}" target="{attr(t)}">'
                    f"{data({'type': typ, **d}, eid, ekinds)}</edge>\n"
                )
            yield "</graph>\n</graphml>\n"

        yield from _batched(lines())


def read_graphml(path):
    """Read a graphkit GraphML file with networkx, decoding its JSON-text keys: a MultiDiGraph
    keyed by claim id, with the attributes the projection had (lists as lists)."""
    import networkx as nx

    G = nx.read_graphml(path, force_multigraph=True, edge_key_type=str)
    keys = json.loads(G.graph.pop("graphkit_json", "{}"))
    for k in keys.get("node", []):
        for _, d in G.nodes(data=True):
            if k in d:
                d[k] = json.loads(d[k])
    for k in keys.get("edge", []):
        for *_, d in G.edges(data=True):
            if k in d:
                d[k] = json.loads(d[k])
    return G


# -- GEXF ---------------------------------------------------------------------------------------


@register
class Gexf(Exporter):
    name = "gexf"
    suffix = ".gexf"
    media_type = "application/gexf+xml"
    description = "GEXF 1.3 (Gephi); relationship type as rel_type, lists as liststring"

    def chunks(self, source):
        pg = projection(source)
        rn = lambda k: GEXF_RENAMES.get(k, k)  # noqa: E731
        nkinds = {rn(k): v for k, v in _schema(pg.nodes.values()).items()}
        ekinds = {
            rn(k): v for k, v in _schema({"type": typ, **d} for *_, typ, d in pg.edges).items()
        }
        gtype = {"boolean": "boolean", "long": "long", "double": "double", "string": "string"}

        nid, eid = _ids(nkinds, "n"), _ids(ekinds, "e")
        out = [
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<gexf xmlns="http://gexf.net/1.3" version="1.3">\n'
            "<meta><creator>graphkit</creator></meta>\n"
            '<graph defaultedgetype="directed" idtype="string">\n'
        ]
        for ids, kinds, cls in ((nid, nkinds, "node"), (eid, ekinds, "edge")):
            out.append(f'<attributes class="{cls}">\n')
            for k, kind in kinds.items():
                out.append(
                    f'<attribute id="{ids[k]}" title="{attr(k)}" '
                    f'type="{gtype.get(kind, "liststring")}"/>\n'
                )
            out.append("</attributes>\n")
        out.append(f'<nodes count="{len(pg.nodes)}">\n')
        yield "".join(out).encode()

        def values(d: dict, ids: dict, kinds: dict) -> str:
            cells = "".join(
                f'<attvalue for="{ids[rn(k)]}" value="{attr(lexical(v, kinds[rn(k)]))}"/>'
                for k, v in d.items()
                if v is not None
            )
            return f"<attvalues>{cells}</attvalues>" if cells else ""

        def lines():
            for n, d in pg.nodes.items():
                label = " ".join(str(d.get("name", n)).split())  # xsd:token
                cells = values(d, nid, nkinds)
                yield f'<node id="{attr(n)}" label="{attr(label)}">{cells}</node>\n'
            yield f'</nodes>\n<edges count="{len(pg.edges)}">\n'
            for s, t, key, typ, d in edges_with_keys(pg):
                yield (
                    f'<edge id="{attr(key)}" source="{attr(s)}" target="{attr(t)}" '
                    f'label="{attr(typ)}" kind="{attr(typ)}">'
                    f"{values({'type': typ, **d}, eid, ekinds)}</edge>\n"
                )
            yield "</edges>\n</graph>\n</gexf>\n"

        yield from _batched(lines())


def read_gexf(path):
    """Read a graphkit GEXF file with networkx and undo graphkit's encoding: the attributes the
    projection had (``type`` back from ``rel_type``, lists from their JSON text)."""
    import io
    import xml.etree.ElementTree as ET

    import networkx as nx

    blob = path.read() if hasattr(path, "read") else open(path, "rb").read()  # noqa: SIM115
    ns = "{http://gexf.net/1.3}"
    lists = {
        (a.get("class"), x.get("title"))
        for a in ET.fromstring(blob).iter(f"{ns}attributes")
        for x in a.iter(f"{ns}attribute")
        if x.get("type") == "liststring"
    }
    G = nx.read_gexf(io.BytesIO(blob), version="1.3")
    back = {v: k for k, v in GEXF_RENAMES.items()}
    H = nx.MultiDiGraph()
    for n, d in G.nodes(data=True):
        H.add_node(n, **_ungexf(d, back, {t for c, t in lists if c == "node"}))
    for u, v, d in G.edges(data=True):
        d = dict(d)
        key = d.pop("id", None)
        H.add_edge(u, v, key, **_ungexf(d, back, {t for c, t in lists if c == "edge"}))
    return H


def _ungexf(d: dict, back: dict, lists: set[str]) -> dict:
    return {
        back.get(k, k): json.loads(v) if k in lists else v
        for k, v in d.items()
        if k not in ("label", "id")  # filled by the reader from the element itself
    }


# -- node-link JSON -----------------------------------------------------------------------------


@register
class NodeLink(Exporter):
    name = "json"
    suffix = ".json"
    media_type = "application/json"
    description = "node-link JSON (networkx node_link_graph, d3)"

    def chunks(self, source):
        import networkx as nx

        G = getattr(source, "G", None)
        if G is None:
            from graphkit.graph import to_networkx

            G = to_networkx(projection(source))
        data = nx.node_link_data(G, edges="edges")
        yield json.dumps(data, indent=1, ensure_ascii=False, default=list).encode()
