"""The projection in columns: numpy arrays for structure, one JSON record per node and edge for
properties, decoded only when a record is read.

A :class:`Columns` holds what path search, lookups and hop records need without building a
networkx graph or a dict per record:

- nodes (in projection order, index ``i``): ``node_label`` (an index into the table of label
  tuples), ids and properties as :class:`Blob` records (UTF-8 id; JSON of the properties without
  ``labels``), ``node_order`` (the permutation that sorts the ids, for lookup by bisection);
- edges (in projection order): ``src``/``dst`` node indices, ``etype`` and ``estatus`` (indices
  into the tables of types and status values), ``claim`` (a claim, not a structural link), the
  dates that filters compare (:func:`date_code`: ``start`` low bound, ``end`` low and high
  bounds, ``pub``: the earliest publication of the claim's sources) and the properties as JSON;
- the adjacency in compressed sparse rows (:mod:`graphkit.adjacency` reads it): distinct
  ``(src, dst)`` pairs in the order networkx lists them (the first edge of a pair decides), per
  node forward (``fwd_*``) and reverse (``rev_*``), and every pair's edges in projection order;
- the lookup tables: entity names, aliases, PIIDs and id tails casefolded and sorted (``fold``),
  and the PIIDs of contract records (``piid``), so an exact lookup is a bisection, not a scan.

:func:`build` makes the columns from records streamed one at a time (the load straight from
the parser, :func:`graphkit.projection.columns_of_files`), :func:`from_projection` from a
:class:`graphkit.projection.PropertyGraph`.
:func:`to_arrays` / :func:`from_arrays` turn it into named numeric arrays and back (the cache
stores those, see :mod:`graphkit.cache`); :func:`from_arrays` checks every shape and index range,
so a damaged entry raises ``ValueError`` instead of answering wrongly.

>>> from graphkit.projection import Edge, PropertyGraph
>>> pg = PropertyGraph(
...     nodes={"a": {"labels": ("Company", "Entity"), "name": "A"},
...            "b": {"labels": ("Company", "Entity"), "name": "B", "aliases": ["Bee"]}},
...     edges=[Edge("a", "b", "SUPPLIES", {"claim": "c1", "status": "reported"})])
>>> cols = from_projection(pg)
>>> cols.index_of("b"), cols.node_props(1)["aliases"], cols.edge_data(0)["type"]
(1, ['Bee'], 'SUPPLIES')
>>> [cols.node_id(i) for i in cols.fold_lookup("bee")]
['b']
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
#: date codes: no value (a falsy one), and a value whose bound is not ``YYYY-MM-DD`` (filters
#: decide those edges in Python from the record, exactly as :class:`graphkit.paths.EdgeFilter`)
ABSENT, IRREGULAR = 0, -1
OPEN_END = 9999_0000  # "9999": the upper bound of a claim with no end (as EdgeFilter.overlaps)


def date_code(value, *, low: bool) -> int:
    """``YYYYMMDD`` of :func:`graphkit.paths.bound` of ``value``, :data:`ABSENT` for a falsy
    value, :data:`IRREGULAR` when the bound is not a plain date. Codes compare as the bounds do.

    >>> date_code("2019-06", low=False), date_code(None, low=True), date_code("n/a", low=True)
    (20190631, 0, -1)
    """
    if not value:
        return ABSENT
    s = str(value)[:10]
    if len(s) < 10:
        s += ("0000-01-01" if low else "0000-12-31")[len(s) :]
    if not _DAY.fullmatch(s):
        return IRREGULAR
    return int(s[:4] + s[5:7] + s[8:10])


class Blob:
    """Variable-length records in one byte array: record ``i`` is ``data[start[i]:end[i]]``."""

    __slots__ = ("data", "start", "end")

    def __init__(self, data: np.ndarray, start: np.ndarray, end: np.ndarray):
        self.data, self.start, self.end = data, start, end

    @classmethod
    def of(cls, records: Iterable[bytes]) -> Blob:
        parts = list(records)
        lens = np.fromiter((len(p) for p in parts), dtype=np.int64, count=len(parts))
        end = np.cumsum(lens, dtype=np.int64)
        data = np.frombuffer(b"".join(parts), dtype=np.uint8) if parts else np.zeros(0, np.uint8)
        return cls(data, end - lens, end)

    def __len__(self) -> int:
        return len(self.start)

    def raw(self, i: int) -> bytes:
        return self.data[self.start[i] : self.end[i]].tobytes()

    def text(self, i: int) -> str:
        return self.raw(i).decode()

    def json(self, i: int):
        return _decode(self.data[self.start[i] : self.end[i]].tobytes().decode())

    def take(self, idx: np.ndarray) -> Blob:
        """The records ``idx`` (sharing the bytes)."""
        return Blob(self.data, self.start[idx], self.end[idx])


_decode = json.JSONDecoder().decode
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _encoder():
    """``_ENCODER.encode`` without building a new C encoder per call (what ``encode`` does):
    the same text (the same options; records never hold cycles), a fraction of the cost."""
    from json import encoder as je

    make = je.c_make_encoder
    if make is None:  # no C accelerator: the plain encoder
        return _ENCODER.encode
    enc = make(None, _ENCODER.default, je.encode_basestring, None, ":", ",", False, False, True)
    join = "".join
    return lambda value: join(enc(value, 0))


def _dumps(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass
class Columns:
    """A projected graph in columns (see the module docstring)."""

    labels: list[tuple[str, ...]]
    types: list[str]
    statuses: list  # status values as the projection has them (None for none)
    node_label: np.ndarray
    node_ids: Blob
    node_order: np.ndarray
    node_sorted: np.ndarray  # the ids in node_order, as fixed-width bytes (for searchsorted)
    node_json: Blob
    src: np.ndarray
    dst: np.ndarray
    etype: np.ndarray
    estatus: np.ndarray
    claim: np.ndarray
    start_lo: np.ndarray
    end_lo: np.ndarray
    end_hi: np.ndarray
    pub_lo: np.ndarray
    edge_json: Blob
    fwd_ptr: np.ndarray
    fwd_nbr: np.ndarray
    fwd_pair: np.ndarray
    rev_ptr: np.ndarray
    rev_nbr: np.ndarray
    rev_pair: np.ndarray
    pair_ptr: np.ndarray
    pair_edges: np.ndarray
    pair_of: np.ndarray
    fold_keys: Blob
    fold_node: np.ndarray
    piid_keys: Blob
    piid_node: np.ndarray
    _ids: dict = field(default_factory=dict, repr=False)
    _index_memo: dict = field(default_factory=dict, repr=False)
    _edge_memo: dict = field(default_factory=dict, repr=False)
    _node_memo: dict = field(default_factory=dict, repr=False)
    _published: object = field(default=None, repr=False)
    _entity: np.ndarray | None = field(default=None, repr=False)

    # -- sizes and ids ----------------------------------------------------------------------

    @property
    def n_nodes(self) -> int:
        return len(self.node_label)

    @property
    def n_edges(self) -> int:
        return len(self.src)

    def node_id(self, i: int) -> str:
        s = self._ids.get(i)
        if s is None:
            s = self._ids[i] = self.node_ids.text(i)
        return s

    def index_of(self, node_id: str) -> int | None:
        """The index of ``node_id`` (``None``: no such node): a binary search over the sorted
        ids (``node_sorted``), answers remembered."""
        memo = self._index_memo
        if node_id in memo:
            return memo[node_id]
        key = node_id.encode()
        found = None
        srt = self.node_sorted
        if len(srt) and len(key) <= srt.dtype.itemsize and b"\0" not in key:
            pos = int(np.searchsorted(srt, key))
            if pos < len(srt) and srt[pos] == key:
                found = int(self.node_order[pos])
        if len(memo) > 200_000:
            memo.clear()
        memo[node_id] = found
        return found

    def __contains__(self, node_id: str) -> bool:
        return self.index_of(node_id) is not None

    # -- records ----------------------------------------------------------------------------

    def node_labels(self, i: int) -> tuple[str, ...]:
        return self.labels[int(self.node_label[i])]

    def node_props(self, i: int) -> dict:
        """The node's properties without ``labels`` (a new dict; its values are shared)."""
        memo = self._node_memo
        d = memo.get(i)
        if d is None:
            d = self.node_json.json(i)
            if len(memo) > 200_000:
                memo.clear()
            memo[i] = d
        return dict(d)

    def node_data(self, i: int) -> dict:
        """The node's attributes as the networkx graph has them (``labels`` first)."""
        return {"labels": self.node_labels(i), **self.node_props(i)}

    def edge_type(self, e: int) -> str:
        return self.types[int(self.etype[e])]

    def edge_data(self, e: int) -> dict:
        """The edge's attributes as the networkx graph has them (properties, then ``type``): a
        new dict each time (its values are shared, as networkx shares its edge dicts')."""
        memo = self._edge_memo
        d = memo.get(e)
        if d is None:
            d = self.edge_json.json(e)
            d["type"] = self.types[int(self.etype[e])]
            if len(memo) > 200_000:
                memo.clear()
            memo[e] = d
        return dict(d)

    def is_entity(self, i: int) -> bool:
        return bool(self.entity_mask()[i])

    def entity_mask(self) -> np.ndarray:
        if self._entity is None:
            table = np.array(["Entity" in lb for lb in self.labels] or [False], dtype=bool)
            self._entity = table[self.node_label] if len(self.labels) else np.zeros(0, bool)
        return self._entity

    def pair_edge_ids(self, p: int) -> np.ndarray:
        return self.pair_edges[self.pair_ptr[p] : self.pair_ptr[p + 1]]

    def edges_between(self, u: int, v: int) -> np.ndarray:
        """Edge indices from ``u`` to ``v`` in projection order."""
        lo, hi = int(self.fwd_ptr[u]), int(self.fwd_ptr[u + 1])
        hit = np.flatnonzero(self.fwd_nbr[lo:hi] == v)
        if not len(hit):
            return np.zeros(0, np.int32)
        return self.pair_edge_ids(int(self.fwd_pair[lo + hit[0]]))

    def out_pairs(self, i: int) -> Iterator[tuple[int, int]]:
        """``(neighbour, pair)`` of the node's outgoing pairs, in networkx order."""
        lo, hi = int(self.fwd_ptr[i]), int(self.fwd_ptr[i + 1])
        return zip(self.fwd_nbr[lo:hi].tolist(), self.fwd_pair[lo:hi].tolist())

    def in_pairs(self, i: int) -> Iterator[tuple[int, int]]:
        lo, hi = int(self.rev_ptr[i]), int(self.rev_ptr[i + 1])
        return zip(self.rev_nbr[lo:hi].tolist(), self.rev_pair[lo:hi].tolist())

    # -- lookup -----------------------------------------------------------------------------

    def fold_lookup(self, key: str) -> list[int]:
        """Entity indices with a name, alias, PIID or id tail equal to ``key`` (casefolded)."""
        return _table_lookup(self.fold_keys, self.fold_node, key)

    def piid_lookup(self, key: str) -> list[int]:
        """Indices of non-entity nodes (contracts) with that PIID (casefolded)."""
        return _table_lookup(self.piid_keys, self.piid_node, key)

    def published(self) -> Published:
        """Claim id -> the date of its earliest source (``None``: a source is undated), as
        :meth:`graphkit.graph.Graph.published`; filters made with it use the ``pub_lo`` column."""
        if self._published is None:
            self._published = Published(self)
        return self._published  # type: ignore[return-value]

    # -- other forms ------------------------------------------------------------------------

    def to_networkx(self):
        """The networkx MultiDiGraph of :func:`graphkit.graph.to_networkx` (edge key = claim or
        link id), built by :func:`networkx_of`."""
        ids = [self.node_id(i) for i in range(self.n_nodes)]
        labels, types = self.labels, self.types
        nodes = (
            (n, {"labels": labels[lb], **self.node_json.json(i)})
            for i, (n, lb) in enumerate(zip(ids, self.node_label.tolist()))
        )

        def edges():
            for e, (s, t, ty) in enumerate(
                zip(self.src.tolist(), self.dst.tolist(), self.etype.tolist())
            ):
                d = self.edge_json.json(e)
                d["type"] = types[ty]
                yield ids[s], ids[t], d

        return networkx_of(nodes, edges())

    def without_edges(self, drop: np.ndarray) -> Columns:
        """The same nodes without the edges where ``drop`` is true (order kept, so the adjacency
        is the one networkx has after removing those edges)."""
        keep = np.flatnonzero(~drop)
        parts: dict[str, Any] = dict(
            src=self.src[keep],
            dst=self.dst[keep],
            etype=self.etype[keep],
            estatus=self.estatus[keep],
            claim=self.claim[keep],
            start_lo=self.start_lo[keep],
            end_lo=self.end_lo[keep],
            end_hi=self.end_hi[keep],
            pub_lo=self.pub_lo[keep],
            edge_json=self.edge_json.take(keep),
        )
        adj = build_adjacency(parts["src"], parts["dst"], self.n_nodes)
        return Columns(
            labels=self.labels,
            types=self.types,
            statuses=self.statuses,
            node_label=self.node_label,
            node_ids=self.node_ids,
            node_order=self.node_order,
            node_sorted=self.node_sorted,
            node_json=self.node_json,
            fold_keys=self.fold_keys,
            fold_node=self.fold_node,
            piid_keys=self.piid_keys,
            piid_node=self.piid_node,
            **parts,
            **adj,
        )


def _table_lookup(keys: Blob, nodes: np.ndarray, key: str) -> list[int]:
    k = key.encode()

    class _Keys:
        def __len__(self):
            return len(keys)

        def __getitem__(self, i):
            return keys.raw(i)

    seq = _Keys()
    lo = bisect.bisect_left(seq, k)  # type: ignore[call-overload]
    out = []
    while lo < len(keys) and keys.raw(lo) == k:
        out.append(int(nodes[lo]))
        lo += 1
    return out


class Published(Mapping):
    """Claim id -> earliest source date, computed on first use from the records (the vectorised
    filter reads the ``pub_lo`` column instead and never builds this dict)."""

    def __init__(self, cols: Columns):
        self.cols = cols
        self._map: dict | None = None

    def _dict(self) -> dict:
        if self._map is None:
            c = self.cols
            has = {c.node_id(i): c.node_props(i).get("published") for i in range(c.n_nodes)}
            out: dict[str, str | None] = {}
            for e in np.flatnonzero(c.claim).tolist():
                d = c.edge_json.json(e)
                out[d["claim"]] = _first_of(d.get("evidence", ()), has)
            self._map = out
        return self._map

    def __getitem__(self, key):
        return self._dict()[key]

    def __iter__(self):
        return iter(self._dict())

    def __len__(self) -> int:
        return int(self.cols.claim.sum())


def _first_of(evidence, published: Mapping[str, object]):
    """The earliest publication date of ``evidence`` (node ids; only those that are nodes),
    ``None`` when there is none or one is undated: :meth:`graphkit.graph.Graph.published` for
    one claim."""
    dates = [published[e] for e in evidence if e in published]
    dates = [min(map(str, x)) if isinstance(x, list | tuple) and x else x for x in dates]
    return None if not dates or None in dates else min(map(str, dates))


# -- building -----------------------------------------------------------------------------------


def build_adjacency(src: np.ndarray, dst: np.ndarray, n: int) -> dict[str, Any]:
    """Forward and reverse CSR over distinct ``(src, dst)`` pairs, each node's pairs in order of
    their first edge (the order of networkx's ``succ``/``pred`` dicts), and every pair's edges
    in edge order."""
    E = len(src)
    key = src.astype(np.int64) * max(n, 1) + dst.astype(np.int64)
    uniq, first, pair_of = np.unique(key, return_index=True, return_inverse=True)
    P = len(uniq)
    psrc, pdst = uniq // max(n, 1), uniq % max(n, 1)
    fwd_pair = np.lexsort((first, psrc)).astype(np.int32)
    rev_pair = np.lexsort((first, pdst)).astype(np.int32)
    fwd_ptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(psrc, minlength=n)[:n], out=fwd_ptr[1:])
    rev_ptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(pdst, minlength=n)[:n], out=rev_ptr[1:])
    pair_of = pair_of.reshape(-1).astype(np.int32)
    pair_edges = np.argsort(pair_of, kind="stable").astype(np.int32)
    pair_ptr = np.zeros(P + 1, np.int64)
    np.cumsum(np.bincount(pair_of, minlength=P), out=pair_ptr[1:])
    if E == 0:
        pair_of = np.zeros(0, np.int32)
    return dict(
        fwd_ptr=fwd_ptr,
        fwd_nbr=pdst[fwd_pair].astype(np.int32),
        fwd_pair=fwd_pair,
        rev_ptr=rev_ptr,
        rev_nbr=psrc[rev_pair].astype(np.int32),
        rev_pair=rev_pair,
        pair_ptr=pair_ptr,
        pair_edges=pair_edges,
        pair_of=pair_of,
    )


def from_projection(pg) -> Columns:
    """The columns of a :class:`graphkit.projection.PropertyGraph`."""
    nodes = pg.nodes.items()
    return build(
        ((n, d["labels"], {k: v for k, v in d.items() if k != "labels"}) for n, d in nodes),
        iter(pg.edges),
    )


def from_networkx(G) -> Columns:
    """The columns of a networkx graph in the projection's shape (a server engine's subgraph);
    edges in ``G.edges`` order."""
    return build(
        (
            (n, tuple(d.get("labels", ())), {k: v for k, v in d.items() if k != "labels"})
            for n, d in G.nodes(data=True)
        ),
        ((u, v, d.get("type", ""), d) for u, v, d in G.edges(data=True)),
    )


class _Records:
    """Records appended as bytes into one growing buffer (no list of ``bytes`` objects)."""

    __slots__ = ("data", "end")

    def __init__(self):
        from array import array

        self.data, self.end = bytearray(), array("q")

    def add(self, rec: bytes) -> None:
        self.data += rec
        self.end.append(len(self.data))

    def blob(self) -> Blob:
        end = np.frombuffer(self.end, dtype=np.int64) if len(self.end) else np.zeros(0, np.int64)
        data = np.frombuffer(self.data, dtype=np.uint8) if self.data else np.zeros(0, np.uint8)
        start = np.concatenate([np.zeros(1, np.int64), end[:-1]]) if len(end) else end
        return Blob(data, start, end)


def build(node_iter, edge_iter) -> Columns:
    """The columns of ``(id, labels, properties)`` nodes, then ``(source, target, type,
    properties)`` edges (every endpoint a node). Both are consumed one record at a time: each
    record is encoded as it comes and only numbers and bytes are kept (typed ``array`` buffers,
    one byte buffer per record kind), so the caller may make records lazily and drop them."""
    from array import array

    dumps = _encoder()
    label_table: dict[tuple, int] = {}
    index: dict[str, int] = {}
    node_label = array("i")
    node_recs = _Records()
    published: dict[str, object] = {}  # node id -> its "published" value (evidence dates)
    fold: list[tuple[str, int]] = []
    piids: list[tuple[str, int]] = []
    for i, (n, labels, props) in enumerate(node_iter):
        labels = tuple(labels)
        node_label.append(label_table.setdefault(labels, len(label_table)))
        index[n] = i
        published[n] = props.get("published")
        node_recs.add(dumps(props).encode())
        piid = props.get("piid")
        if "Entity" in labels:
            tail = n.rsplit("/", 1)[-1]
            aliases = [a for a in props.get("aliases", ()) if isinstance(a, str)]
            extra = [piid] if isinstance(piid, str) else []
            for lab in (str(props.get("name", n)), *aliases, *extra, tail):
                if lab:
                    fold.append((lab.casefold(), i))
        elif isinstance(piid, str):
            piids.append((piid.casefold(), i))
    src, dst, etype, estatus = array("i"), array("i"), array("i"), array("i")
    start_lo, end_lo, end_hi, pub_lo = array("i"), array("i"), array("i"), array("i")
    claim = bytearray()
    type_table: dict[str, int] = {}
    status_table: dict[object, int] = {}
    status_values: list = []
    edge_recs = _Records()
    lows: dict = {}
    highs: dict = {}

    def low(v) -> int:
        try:
            return lows[v]
        except KeyError:
            code = lows[v] = date_code(v, low=True)
            return code
        except TypeError:  # an unhashable value (a list): irregular anyway
            return date_code(v, low=True)

    def high(v) -> int:
        try:
            return highs[v]
        except KeyError:
            code = highs[v] = date_code(v, low=False)
            return code
        except TypeError:
            return date_code(v, low=False)

    for s, t, typ, d in edge_iter:
        src.append(index[s])  # the projection never has a dangling edge
        dst.append(index[t])
        etype.append(type_table.setdefault(typ, len(type_table)))
        st = d.get("status")
        k = st if isinstance(st, str) else json.dumps(st, sort_keys=True) + "\0"
        code = status_table.get(k)
        if code is None:
            code = status_table[k] = len(status_values)
            status_values.append(st)
        estatus.append(code)
        if "claim" in d:
            claim.append(1)
            start, end = d.get("start"), d.get("end")
            start_lo.append(low(start) if start else ABSENT)
            if end:
                end_lo.append(low(end))
                end_hi.append(high(end))
            else:
                end_lo.append(0)
                end_hi.append(0)
            ev = d.get("evidence", ())
            first = published.get(ev[0]) if len(ev) == 1 else None  # the common case
            if type(first) is not str:
                first = _first_of(ev, published)
            pub_lo.append(low(first) if first else ABSENT)
        else:
            claim.append(0)
            for a in (start_lo, end_lo, end_hi, pub_lo):
                a.append(0)
        edge_recs.add(dumps(d).encode())
    encoded = [n.encode() for n in index]  # the ids in node order (dicts keep it)
    del published, index

    def as_array(xs, dt) -> np.ndarray:
        return np.frombuffer(xs, dtype=dt) if len(xs) else np.zeros(0, dt)

    src_a, dst_a = as_array(src, np.int32), as_array(dst, np.int32)
    order = sorted(range(len(encoded)), key=encoded.__getitem__)
    width = max((len(x) for x in encoded), default=1)
    node_sorted = np.array([encoded[i] for i in order], dtype=f"S{max(width, 1)}")
    fold.sort()
    piids.sort()
    return Columns(
        labels=list(label_table),
        types=list(type_table),
        statuses=status_values,
        node_label=as_array(node_label, np.int32),
        node_ids=Blob.of(encoded),
        node_order=np.array(order, dtype=np.int32),
        node_sorted=node_sorted,
        node_json=node_recs.blob(),
        src=src_a,
        dst=dst_a,
        etype=as_array(etype, np.int32),
        estatus=as_array(estatus, np.int32),
        claim=as_array(claim, np.bool_),
        start_lo=as_array(start_lo, np.int32),
        end_lo=as_array(end_lo, np.int32),
        end_hi=as_array(end_hi, np.int32),
        pub_lo=as_array(pub_lo, np.int32),
        edge_json=edge_recs.blob(),
        fold_keys=Blob.of(k.encode() for k, _ in fold),
        fold_node=np.array([i for _, i in fold], dtype=np.int32),
        piid_keys=Blob.of(k.encode() for k, _ in piids),
        piid_node=np.array([i for _, i in piids], dtype=np.int32),
        **build_adjacency(src_a, dst_a, len(encoded)),
    )


# -- arrays (the cache's form) ------------------------------------------------------------------

_ARRAYS = (
    "node_label", "node_order", "node_sorted", "src", "dst", "etype", "estatus", "claim",
    "start_lo", "end_lo", "end_hi", "pub_lo", "fwd_ptr", "fwd_nbr", "fwd_pair", "rev_ptr",
    "rev_nbr", "rev_pair", "pair_ptr", "pair_edges", "pair_of", "fold_node", "piid_node",
)  # fmt: skip
_BLOBS = ("node_ids", "node_json", "edge_json", "fold_keys", "piid_keys")


def to_arrays(cols: Columns) -> dict[str, np.ndarray]:
    """Named numeric arrays (no objects) that :func:`from_arrays` turns back into ``cols``;
    the tables (labels, types, statuses) travel as JSON bytes in ``meta``."""
    meta = {"labels": cols.labels, "types": cols.types, "statuses": cols.statuses}
    out = {"meta": np.frombuffer(_dumps(meta), dtype=np.uint8)}
    for name in _ARRAYS:
        out[name] = np.ascontiguousarray(getattr(cols, name))
    for name in _BLOBS:
        b: Blob = getattr(cols, name)
        if len(b) and not (b.start[0] == 0 and np.array_equal(b.start[1:], b.end[:-1])):
            b = Blob.of(b.raw(i) for i in range(len(b)))  # a subset: pack its records
        out[f"{name}.data"] = b.data
        out[f"{name}.end"] = np.ascontiguousarray(b.end, dtype=np.int64)
    return out


def from_arrays(arrays: Mapping[str, np.ndarray]) -> Columns:
    """The inverse of :func:`to_arrays`; raises ``ValueError`` on any inconsistency (a wrong
    length, an index out of range, offsets out of order)."""
    try:
        meta = json.loads(bytes(arrays["meta"]))
        labels = [tuple(str(x) for x in lb) for lb in meta["labels"]]
        types = [str(t) for t in meta["types"]]
        statuses = list(meta["statuses"])
        kw: dict[str, Any] = {name: arrays[name] for name in _ARRAYS}
        for name in _BLOBS:
            data, end = arrays[f"{name}.data"], arrays[f"{name}.end"]
            start = np.concatenate([np.zeros(1, np.int64), end[:-1]]) if len(end) else end
            if len(end) and (end[-1] != len(data) or np.any(end < start) or start[0] != 0):
                raise ValueError(f"{name}: bad offsets")
            kw[name] = Blob(data, start, end)
    except (KeyError, TypeError, AttributeError) as e:
        raise ValueError(f"bad columns: {e}") from None
    n, E = len(kw["node_label"]), len(kw["src"])
    P = len(kw["fwd_nbr"])

    def check(ok: bool, what: str) -> None:
        if not ok:
            raise ValueError(f"bad columns: {what}")

    def in_range(a: np.ndarray, hi: int) -> bool:
        return not len(a) or (int(a.min()) >= 0 and int(a.max()) < hi)

    node_cols = ("node_order", "node_sorted", "node_ids", "node_json")
    check(all(len(kw[k]) == n for k in node_cols), "node lengths")
    check(kw["node_sorted"].dtype.kind == "S", "sorted ids")
    edge_cols = ("dst", "etype", "estatus", "claim", "start_lo", "end_lo", "end_hi", "pub_lo")
    check(all(len(kw[k]) == E for k in (*edge_cols, "edge_json")), "edge lengths")
    check(len(kw["pair_edges"]) == E and len(kw["pair_of"]) == E, "pair lengths")
    check(all(len(kw[k]) == P for k in ("fwd_pair", "rev_nbr", "rev_pair")), "pair lengths")
    check(len(kw["pair_ptr"]) == P + 1, "pair pointers")
    check(len(kw["fwd_ptr"]) == n + 1 and len(kw["rev_ptr"]) == n + 1, "row pointers")
    for name, hi in (
        ("node_label", len(labels)), ("node_order", n), ("src", n), ("dst", n),
        ("etype", len(types)), ("estatus", len(statuses)), ("fwd_nbr", n), ("rev_nbr", n),
        ("fwd_pair", P), ("rev_pair", P), ("pair_edges", E), ("pair_of", P),
        ("fold_node", n), ("piid_node", n),
    ):  # fmt: skip
        check(in_range(kw[name], hi), f"{name} out of range")
    for name, total in (("fwd_ptr", P), ("rev_ptr", P), ("pair_ptr", E)):
        a = kw[name]
        check(a[0] == 0 and a[-1] == total and not np.any(np.diff(a) < 0), f"{name} order")
    check(len(kw["fold_keys"]) == len(kw["fold_node"]), "fold table")
    check(len(kw["piid_keys"]) == len(kw["piid_node"]), "piid table")
    return Columns(labels=labels, types=types, statuses=statuses, **kw)


def networkx_of(nodes: Iterable[tuple[str, dict]], edges: Iterable[tuple[str, str, dict]]):
    """A networkx MultiDiGraph from ``(id, attributes)`` nodes and ``(source, target,
    attributes)`` edges (``type`` included), keyed by claim or link id and built straight into
    networkx's adjacency dicts (the structure ``add_edges_from`` makes, several times faster).
    The attribute dicts are adopted, not copied."""
    import networkx as nx

    G = nx.MultiDiGraph()
    node, succ, pred = G._node, G._succ, G._pred
    for n, d in nodes:
        node[n] = d
        succ[n] = {}
        pred[n] = {}
    for s, t, d in edges:
        if s not in node or t not in node:
            G.add_edge(s, t, d.get("claim") or d["link"], **d)
            continue
        keys = succ[s].get(t)
        if keys is None:
            keys = succ[s][t] = pred[t][s] = {}
        keys[d.get("claim") or d["link"]] = d
    nx._clear_cache(G)
    return G
