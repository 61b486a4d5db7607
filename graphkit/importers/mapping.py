"""The import engine: a declarative YAML mapping turns CSV rows into entities, claims, evidence.

The built-in importers (``usaspending``, ``atlas``) are mappings in ``importers/mappings/``; a
user writes their own for any table (see ``docs/mapping.md``). Per row, every node of the mapping
is rendered from its templates (``"{Column|filter}"``); organisations and products are resolved by
:mod:`graphkit.resolve`; claims link nodes and cite evidence nodes.

>>> t = Template.compile("{Agency|slug}-{State|lower}", ["Agency", "State"])
>>> t.render(["Rockford Police Department", "IL"], {})
'rockford-police-department-il'
>>> parse_date("12/22/17"), parse_date("2022-09-30"), parse_date("2016")
(('2017-12-22', 'date'), ('2022-09-30', 'date'), ('2016', 'gYear'))
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urlparse

import yaml

from graphkit.errors import DataError
from graphkit.importers.turtle import TYPE, TripleSet, iri, literal, split_block
from graphkit.model import GK, ID, PREFIXES, RDF, SCHEMA, SKOS, TAXONOMY, XSD, schema
from graphkit.resolve import Resolver, slug

PROV = PREFIXES["prov"]
_PLACEHOLDER = re.compile(r"\{([^{}|]+)((?:\|[^{}|]*)*)\}")
_URL = re.compile(r"^https?://[^\s/?#]+\.[^\s/?#]+([/?#][^\s]*)?$")
_DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")
_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")
_FALSE = {"", "f", "false", "no", "n", "0", "none", "null", "nan"}


#: Prefix of warnings about a second value of a single-valued property.
CONFLICT = "differing values: "
_NAME, _ALT = iri(SCHEMA + "name"), iri(SKOS + "altLabel")
_CLAIM, _STATUS, _SUMMARY, _UNDER = (
    iri(GK + x) for x in ("Claim", "status", "summary", "underContract")
)
_SUBJECT, _PREDICATE, _OBJECT = (iri(RDF + x) for x in ("subject", "predicate", "object"))
_DERIVED = iri(PREFIXES["prov"] + "wasDerivedFrom")
_DATE_PROPS = {x: iri(GK + x) for x in ("startDate", "endDate")}


_EDGE = re.compile(r"\x00\s")


def _padded(col) -> bool:
    """Whether some value of ``col`` may begin or end with white space (a quick test over the
    joined column; a NUL inside a value only makes it say yes)."""
    text = "\x00" + "\x00".join(col) + "\x00"
    return _EDGE.search(text) is not None or _EDGE.search(text[::-1]) is not None


class RowError(ValueError):
    """A row that cannot be imported; the message says which column and value."""


class MappingError(DataError):
    """The mapping file itself is wrong."""


# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------


def parse_date(text: str) -> tuple[str, str]:
    """``(lexical form, XSD type)`` of a date: ISO, ``M/D/YY[YY]`` (US), ``YYYY-MM`` or ``YYYY``.

    Times after the date are ignored. Two-digit years follow POSIX ``%y``: 69-99 are 19xx.
    """
    s = text.strip().split(" ")[0].split("T")[0]
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", s):
            return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat(), "date"
        if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})", s):
            y = int(m[3])
            y = y if len(m[3]) == 4 else (1900 + y if y >= 69 else 2000 + y)
            return dt.date(y, int(m[1]), int(m[2])).isoformat(), "date"
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", s):
            return f"{int(m[1]):04d}-{int(m[2]):02d}", "gYearMonth" if 1 <= int(m[2]) <= 12 else ""
        if m := re.fullmatch(r"(\d{1,2})/(\d{4})", s):
            return f"{int(m[2]):04d}-{int(m[1]):02d}", "gYearMonth" if 1 <= int(m[1]) <= 12 else ""
        if re.fullmatch(r"\d{4}", s):
            return s, "gYear"
    except ValueError:
        pass
    raise RowError(f"not a date: {text!r}")


@functools.lru_cache(maxsize=1 << 16)
def _cached_date(text: str) -> tuple[str, str]:
    return parse_date(text)


def claim_dates(local: str, st: str, et: str, warn, today: str) -> tuple:
    """A claim's ``(start, end)`` dates (each ``(lexical, datatype)`` or ``None``) from the
    texts ``st`` and ``et``: a date that is not one is a :class:`RowError`; an end before the
    start is left out and a start in the future kept, each with a warning through ``warn``."""
    dates = {}
    for name, text in (("startDate", st), ("endDate", et)):
        if text:
            try:
                dates[name] = _cached_date(text)
            except RowError as e:
                raise RowError(f"claim {name}: {e}") from None
    start, end = dates.get("startDate"), dates.get("endDate")
    if start and end and end[0] < start[0]:
        warn(f"claim {local}: end date {end[0]} before start date {start[0]}; end date left out")
        end = None
    if start and start[0][:10] > today:
        warn(f"claim {local}: start date {start[0]} is in the future")
    return start, end


@functools.lru_cache(maxsize=1 << 16)
def _typed(lex: str, typ: str) -> str:
    return literal(lex, XSD + typ)


@functools.lru_cache(maxsize=1 << 16)
def _decimal_term(text: str) -> str:
    return literal(parse_decimal(text), XSD + "decimal")


@functools.lru_cache(maxsize=1 << 12)
def _integer_term(text: str) -> str:
    if not re.fullmatch(r"-?\d+", text):
        raise RowError(f"not an integer: {text!r}")
    return literal(str(int(text)), XSD + "integer")


@functools.lru_cache(maxsize=1 << 16)
def _date_term(text: str) -> tuple[str, str]:
    """``(Turtle literal, lexical form)`` of a date value (memoised: dates repeat)."""
    lex, typ = parse_date(text)
    if not typ:
        raise RowError(f"not a date: {text!r}")
    return literal(lex, XSD + typ), lex


def _today() -> str:
    return dt.date.today().isoformat()


def parse_decimal(text: str) -> str:
    s = text.strip().replace(",", "").replace("$", "")
    if not _DECIMAL.match(s):
        raise RowError(f"not a number: {text!r}")
    return s


def _money(v: str) -> str:
    try:
        d = Decimal(parse_decimal(v))
    except (RowError, InvalidOperation):
        return v
    return f"{d:,.2f}".removesuffix(".00")


def _map(arg: str, v: str) -> str:
    table = dict(kv.split("=", 1) for kv in arg.split(";") if "=" in kv)
    return table.get(v, table.get("*", v))


#: Template filters: ``{Column|name}`` or ``{Column|name:argument}``.
FILTERS: dict[str, Callable[[str, str], str]] = {
    "slug": lambda v, a: slug(v),
    "lower": lambda v, a: v.lower(),
    "upper": lambda v, a: v.upper(),
    "title": lambda v, a: v.title(),
    "slice": lambda v, a: v[slice(*(int(x) if x else None for x in a.split(":")))],
    "map": lambda v, a: _map(a, v),
    "bool": lambda v, a: "true" if v.strip().casefold() not in _FALSE else "",
    "host": lambda v, a: (urlparse(v).hostname or "").removeprefix("www."),
    "money": lambda v, a: _money(v),
    "date": lambda v, a: parse_date(v)[0] if v else "",
}


@dataclass
class Template:
    """A compiled ``"text {Column|filter} text"``; empty when any placeholder is empty."""

    parts: list  # str | (column index or "@node", [(filter, arg)])

    @classmethod
    def compile(cls, text: str, header: list[str]) -> Template:
        parts: list = []
        pos = 0
        index = {h: i for i, h in enumerate(header)}
        for m in _PLACEHOLDER.finditer(text):
            parts.append(text[pos : m.start()])
            name = m[1].strip()
            filters = []
            for f in m[2].split("|")[1:]:
                fname, _, arg = f.partition(":")
                if fname.strip() not in FILTERS:
                    raise MappingError(f"unknown filter {fname!r} in {text!r}")
                filters.append((FILTERS[fname.strip()], arg))
            if name.startswith("@"):
                parts.append((name[1:], filters))
            elif name in index:
                parts.append((index[name], filters))
            else:
                raise MappingError(f"column {name!r} (in {text!r}) is not in the file's header")
            pos = m.end()
        parts.append(text[pos:])
        return cls([p for p in parts if p != ""])

    def __post_init__(self) -> None:
        self.render = self._compiled()
        self.static = all(isinstance(p, str) or isinstance(p[0], int) for p in self.parts)
        self.col: list[str] | None = None  # this chunk's values, by row (see prepare)
        self.errs: dict[int, str] = {}  # row -> why a filter failed, in this chunk

    def _compiled(self):
        """The fastest renderer for this shape: a constant, one plain column, or the general one."""
        parts = self.parts
        if all(isinstance(p, str) for p in parts):
            const = "".join(parts).strip()
            return lambda row, nodes: const
        if len(parts) == 1 and isinstance(parts[0][0], int) and not parts[0][1]:
            i = parts[0][0]
            return lambda row, nodes: row[i].strip()
        return self._render

    def columns(self) -> list[int]:
        return [p[0] for p in self.parts if isinstance(p, tuple) and isinstance(p[0], int)]

    def _render(self, row: list[str], nodes: dict) -> str:
        out = []
        for p in self.parts:
            if isinstance(p, str):
                out.append(p)
                continue
            key, filters = p
            if isinstance(key, int):
                v = row[key].strip()
            else:
                inst = nodes.get(key)
                v = inst[0].local if inst else ""
            for f, arg in filters:
                if not v:
                    break
                v = f(v, arg)
            if not v:
                return ""
            out.append(v)
        return "".join(out).strip()

    def prepare(self, cols: dict[int, list[str]], n: int) -> None:
        """Render this template for a chunk of ``n`` rows at once, column by column (each
        filter runs once per distinct value); :meth:`at` then reads row ``i``."""
        self.errs = {}
        if not self.static:
            self.col = None
            return
        parts = self.parts
        if all(isinstance(p, str) for p in parts):
            self.col = ["".join(parts).strip()] * n
            return
        pcols: list = []
        for p in parts:
            if isinstance(p, str):
                pcols.append(itertools.repeat(p, n))
                continue
            key, filters = p
            raw = cols[key]
            if not filters:
                pcols.append(cols[~key])  # the column stripped (see CompiledMapping.prepare)
                continue
            memo: dict[str, str] = {}
            bad: dict[str, str] = {}
            for v in set(raw):  # each filter runs once per distinct value
                try:
                    memo[v] = self._filtered(v.strip(), filters)
                except RowError as e:
                    memo[v], bad[v] = "", str(e)
            if bad:
                self.errs = {i: bad[v] for i, v in enumerate(raw) if v in bad}
            pcols.append(list(map(memo.__getitem__, raw)))
        if len(pcols) == 1:
            c = pcols[0]
            self.col = c if not parts[0][1] else list(map(str.strip, c))
        elif all(all(c) for p, c in zip(parts, pcols) if not isinstance(p, str)):
            self.col = list(map(str.strip, map("".join, zip(*pcols))))  # no value is empty
        else:
            self.col = ["".join(t).strip() if all(t) else "" for t in zip(*pcols)]

    @staticmethod
    def _filtered(v: str, filters) -> str:
        for f, arg in filters:
            if not v:
                break
            v = f(v, arg)
        return v

    def at(self, i: int, row: list[str], nodes: dict) -> str:
        """The rendered value of row ``i`` of the prepared chunk (``row`` is its fields)."""
        col = self.col
        if col is None:
            return self.render(row, nodes)
        if self.errs and i in self.errs:
            raise RowError(self.errs[i])
        return col[i]


class Alternatives:
    """One template or a list: the first that renders non-empty."""

    def __init__(self, spec, header: list[str]):
        specs = spec if isinstance(spec, list) else [spec]
        self.templates = [Template.compile(str(s), header) for s in specs]
        self.render: Callable[[list[str], dict], str] = (
            self.templates[0].render if len(self.templates) == 1 else self._first
        )
        self.static = all(t.static for t in self.templates)
        self.col: list[str] | None = None

    def _first(self, row, nodes) -> str:
        for t in self.templates:
            v = t.render(row, nodes)
            if v:
                return v
        return ""

    def prepare(self, cols: dict[int, list[str]], n: int) -> None:
        """Render a chunk of rows column-wise (see :meth:`Template.prepare`)."""
        for t in self.templates:
            t.prepare(cols, n)
        ts = self.templates
        if not self.static or any(t.errs for t in ts):
            self.col = None  # row by row: a failing filter raises only where it is reached
        elif len(ts) == 1 or all(ts[0].col):  # type: ignore[arg-type]  # the first always renders
            self.col = ts[0].col
        else:
            self.col = [next(filter(None, t), "") for t in zip(*(t.col for t in ts))]

    def at(self, i: int, row: list[str], nodes: dict) -> str:
        col = self.col
        return col[i] if col is not None else self.render(row, nodes)


# ---------------------------------------------------------------------------------------------
# The mapping
# ---------------------------------------------------------------------------------------------


@functools.cache
def _concepts() -> dict[tuple[str, str], str]:
    """``(scheme, casefolded notation / prefLabel / altLabel) -> concept IRI`` (taxonomy)."""
    import pyoxigraph as ox

    from graphkit.model import ontology_files

    store = ox.Store()
    for p in ontology_files():
        store.load(path=str(p), format=ox.RdfFormat.TURTLE)
    out: dict[tuple[str, str], str] = {}
    for pred in ("notation", "prefLabel", "altLabel"):
        for q in store.quads_for_pattern(None, ox.NamedNode(SKOS + pred), None, None):
            subject, obj = q.subject, q.object
            if not isinstance(subject, ox.NamedNode) or not isinstance(obj, ox.Literal):
                continue
            c = subject.value
            if c.startswith(TAXONOMY):
                scheme = c[len(TAXONOMY) :].split("/", 1)[0]
                out.setdefault((scheme, obj.value.strip().casefold()), c)
    return out


def concept(scheme: str, label: str) -> str | None:
    """The taxonomy concept of ``scheme`` whose notation, prefLabel or altLabel is ``label``."""
    return _concepts().get((scheme, label.strip().casefold()))


def expand(curie: str) -> str:
    if "://" in curie:
        return curie
    prefix, _, local = curie.partition(":")
    if prefix not in PREFIXES or not local:
        raise MappingError(
            f"unknown property or prefix {curie!r} (use one of {', '.join(PREFIXES)})"
        )
    return PREFIXES[prefix] + local


_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")


def _checked_iri(text: str) -> str:
    """``text`` (a full IRI or a known prefix's CURIE) as a full IRI; :class:`RowError` if it
    is not one (a name, a value with spaces, an unknown prefix)."""
    try:
        full = expand(text.strip())
    except MappingError:
        raise RowError(f"not an IRI: {text!r} (unknown prefix or no prefix)") from None
    if not _IRI.match(full):
        raise RowError(f"not an IRI: {text!r}")
    return full


@functools.cache
def _record_classes() -> frozenset[str]:
    """Classes of the ontology that are not property-graph nodes (``gk:ContractRecord``)."""
    import pyoxigraph as ox

    from graphkit.model import OWL, ontology_files

    store = ox.Store()
    for p in ontology_files():
        store.load(path=str(p), format=ox.RdfFormat.TURTLE)
    q = store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(OWL + "Class"))
    subjects = (x.subject for x in q)
    return frozenset(
        s.value for s in subjects if isinstance(s, ox.NamedNode) and s.value.startswith(GK)
    )


def _class_iri(label: str) -> str:
    by_label = {v: k for k, v in schema().class_labels.items()}
    if label in by_label:
        return by_label[label]
    full = expand(label) if ":" in label else GK + label
    if full in _record_classes() and full not in (GK + "Claim", GK + "Entity"):
        return full
    if full not in schema().class_labels:
        raise MappingError(f"unknown class {label!r} (one of {', '.join(sorted(by_label))})")
    return full


#: A converted value: its Turtle term, or ``(term or None, warning, error)``.
Outcome = str | tuple[str | None, str | None, str | None]


@dataclass
class Prop:
    pred: str  # full IRI
    value: Alternatives | None
    ref: str | None  # node name for links
    type: str = "string"
    required: bool = False
    invalid: str = "error"  # unparseable value: error (bad row) | skip (leave out) | drop (node)
    future: bool = False  # a date after today is expected (an end date), not warned about

    def __post_init__(self) -> None:
        self.term = iri(self.pred)  # the predicate as Turtle
        self.memo: dict[str, Outcome] = {}  # see _value
        self.lines: dict[str, str | None] = {}  # "predicate term" by value (see codegen)
        self.bad: set[str] = set()  # values that convert with a warning or an error
        # this chunk's memo entries by row (None: empty value); False: not converted yet;
        # None: not convertible column-wise (the value refers to a node)
        self.outs: list[Outcome | None] | bool | None = None


@dataclass
class NodeSpec:
    name: str
    classes: list[tuple[str, Alternatives | None]]  # (class IRI, when)
    entity: bool
    id: Alternatives | None
    label: Alternatives | None
    ids: dict[str, Alternatives]
    props: list[Prop]
    when: Alternatives | None
    unless: Alternatives | None
    required: bool
    distinct_from: str | None
    existing_contract: Alternatives | None
    when_known: str | None = None  # made only when this node is a known (not declared) one
    blocking: list = field(default_factory=list)  # (blocking key, Prop) of an entity
    drop: list = field(default_factory=list)  # props whose bad value drops the node
    cols: list[int] | None = None  # columns of an entity made of columns only (made once)
    keys: list[tuple[str, ...]] | None = None  # their values, by row of the chunk


@dataclass
class ClaimSpec:
    id: Alternatives
    subjects: list[str]
    predicate: str
    objects: list[str]
    status: str
    start: Alternatives | None
    end: Alternatives | None
    summary: Alternatives | None
    contracts: list[str]
    evidence: list[str]

    def __post_init__(self) -> None:
        self.term, self.status_term = iri(self.predicate), iri(self.status)
        alts = (self.id, self.start, self.end, self.summary)
        self.static = all(a is None or a.static for a in alts)  # refers to no @node


@dataclass
class Node:
    iri: str
    cls: str
    declare: bool
    spec: NodeSpec
    term: str = ""  # as Turtle (made from iri when not given)

    def __post_init__(self) -> None:
        if not self.term:
            self.term = iri(self.iri)

    @property
    def local(self) -> str:
        return self.iri.rsplit("/", 1)[-1]


def _refs(v) -> list[str]:
    vals = v if isinstance(v, list) else [v]
    out = []
    for x in vals:
        if not (isinstance(x, str) and x.startswith("@")):
            raise MappingError(f"expected a node reference like '@recipient', got {x!r}")
        out.append(x[1:])
    return out


@dataclass
class Mapping:
    """A parsed mapping, compiled against one CSV header."""

    source: str
    spec: dict
    path: Path | None = None
    header: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, path: str | Path) -> Mapping:
        path = Path(path)
        try:
            spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as e:
            raise MappingError(f"{path}: cannot read mapping: {e}", path=path) from None
        if not isinstance(spec, dict) or "source" not in spec or "nodes" not in spec:
            raise MappingError(f"{path}: a mapping needs 'source' and 'nodes'", path=path)
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", str(spec["source"])):
            raise MappingError(f"{path}: source must be lowercase letters, digits, hyphens")
        return cls(str(spec["source"]), spec, path)

    def matches(self, header: list[str]) -> bool:
        return all(c in header for c in self.spec.get("detect", []))

    def compile(self, header: list[str]) -> CompiledMapping:
        where = f"{self.path}: " if self.path else ""
        missing = [c for c in self.spec.get("detect", []) if c not in header]
        if missing:
            raise MappingError(f"{where}the file lacks the column(s) {', '.join(missing)}")
        try:
            return CompiledMapping(self, header)
        except MappingError as e:
            raise MappingError(f"{where}{e}", path=self.path) from None


class CompiledMapping:
    """Renders rows into triples."""

    def __init__(self, mapping: Mapping, header: list[str]):
        self.mapping = mapping
        self.header = header
        spec = mapping.spec
        self.key = Alternatives(spec.get("key", ""), header) if spec.get("key") else None
        self.nodes: list[NodeSpec] = []
        for name, ns in (spec.get("nodes") or {}).items():
            for n in ns.get("repeat", [None]):
                self.nodes.append(self._node(name, ns, header, n))
        names = {n.name for n in self.nodes}
        for n in self.nodes:
            if n.when_known and n.when_known not in names:
                raise MappingError(
                    f"node {n.name!r}: when_known names unknown node {n.when_known!r}"
                )
        self.claims = [self._claim(c, header, names) for c in spec.get("claims") or []]
        for n in self.nodes:
            for p in n.props:
                if p.ref and p.ref not in names:
                    raise MappingError(f"node {n.name!r} links to unknown node {p.ref!r}")
        self.today = _today()
        self.sch = schema()
        self._ns = functools.lru_cache(maxsize=None)(self.sch.namespace_of)
        for n in self.nodes:
            for p in n.props:
                key = self.sch.keys.get(p.pred)
                if key in self.sch.blocking and p.value:
                    n.blocking.append((key, p))
                if p.invalid == "drop" and p.value:
                    n.drop.append(p)
        for n in self.nodes:
            n.cols = self._cacheable(n)
        self._made: dict[tuple, Node | None] = {}
        self._emitted: set[tuple] = set()
        self._pending: list[tuple] = []
        self.functional = {iri(p) for p in self.sch.functional} | {
            iri(RDF + x) for x in ("subject", "predicate", "object")
        }
        alts: list[Alternatives | None] = [self.key]
        for n in self.nodes:
            alts += [n.id, n.label, n.when, n.unless, n.existing_contract, *n.ids.values()]
            alts += [w for _c, w in n.classes] + [p.value for p in n.props]
        for c in self.claims:
            alts += [c.id, c.start, c.end, c.summary]
        self._alts = [a for a in alts if a is not None]
        self._cols = sorted({i for a in self._alts for t in a.templates for i in t.columns()})

    def prepare(self, rows: list[list[str]]) -> None:
        """Render every template of the mapping for a chunk of rows, column by column; then
        :meth:`row` ``(rows[i], ..., i)`` reads the rendered values."""
        width = len(self.header)
        blank = [""] * width
        if set(map(len, rows)) != {width}:
            rows = [r if len(r) == width else blank for r in rows]  # row() rejects those
        cols: dict[int, list[str]] = {}
        if self._cols:
            get = operator.itemgetter(*self._cols, self._cols[0])  # always a tuple
            for i, col in zip(self._cols, zip(*map(get, rows))):
                cols[i] = col  # type: ignore[assignment]  # a tuple: read only
        self.prepare_columns(cols, len(rows))

    def prepare_columns(self, cols: dict[int, list[str]], n: int) -> None:
        """:meth:`prepare` for a chunk of ``n`` rows given as its columns (``cols[i]``: the
        values of column ``i`` by row, for every column a template reads)."""
        for i in self._cols:
            col = cols[i]
            cols[~i] = list(map(str.strip, col)) if _padded(col) else col
        for a in self._alts:
            a.prepare(cols, n)
        for node in self.nodes:  # the values an entity made of columns only is made from
            if node.cols is not None:
                node.keys = list(zip(*(cols[c] for c in node.cols))) if node.cols else [()] * n
        for node in self.nodes:
            for p in node.props:  # converted on first use in this chunk (see _emit)
                p.outs = None if p.value is None or p.value.col is None else False

    def _terms(self, p: Prop, name: str) -> list[Outcome | None]:
        """The :data:`Outcome` of ``p`` for each row of the chunk, None where empty; each
        distinct value converted once (see :meth:`_convert`)."""
        assert p.value is not None and p.value.col is not None  # see prepare
        memo, col = p.memo, p.value.col
        for v in set(col).difference(memo):  # values not seen before, each once
            if v:
                memo[v] = self._convert(p, v, name)
        return [memo.get(v) for v in col]  # "" -> None

    @staticmethod
    def _sub(v, n):
        if n is None:
            return v
        if isinstance(v, str):
            return v.replace("$n", str(n))
        if isinstance(v, list):
            return [CompiledMapping._sub(x, n) for x in v]
        if isinstance(v, dict):
            return {k: CompiledMapping._sub(x, n) for k, x in v.items()}
        return v

    def _node(self, name: str, raw: dict, header, n) -> NodeSpec:
        ns = self._sub(raw, n)

        def alt(key):
            return Alternatives(ns[key], header) if ns.get(key) not in (None, "") else None

        if "class" not in ns:
            raise MappingError(f"node {name!r} needs a class")
        classes: list[tuple[str, Alternatives | None]] = []
        for c in ns["class"] if isinstance(ns["class"], list) else [ns["class"]]:
            if isinstance(c, dict):
                classes.append((_class_iri(c["class"]), Alternatives(c["when"], header)))
            else:
                classes.append((_class_iri(c), None))
        entity = all(GK + "Entity" in (c, *schema().superclasses.get(c, ())) for c, _ in classes)
        if not entity and "id" not in ns:
            raise MappingError(f"node {name!r} ({ns['class']}) needs an id template")
        if entity and "name" not in ns:
            raise MappingError(f"node {name!r} ({ns['class']}) needs a name template")
        props = []
        for curie, v in (ns.get("properties") or {}).items():
            pred = expand(curie)
            if isinstance(v, str) and v.startswith("@"):
                props.append(Prop(pred, None, v[1:]))
                continue
            d = v if isinstance(v, dict) else {"value": v}
            typ = str(d.get("type", "string"))
            if typ not in ("string", "decimal", "integer", "date", "url") and not (
                typ.startswith("concept:") or typ == "iri"
            ):
                raise MappingError(f"node {name!r}: unknown type {typ!r} of {curie}")
            invalid = str(d.get("invalid", "error"))
            if invalid not in ("error", "skip", "drop"):
                raise MappingError(f"node {name!r}: invalid: must be error, skip or drop")
            alts = Alternatives(d["value"], header)
            props.append(
                Prop(pred, alts, None, typ, bool(d.get("required")), invalid, bool(d.get("future")))
            )
        return NodeSpec(
            name=name,
            classes=classes,
            entity=entity,
            id=alt("id"),
            label=alt("name"),
            ids={k: Alternatives(v, header) for k, v in (ns.get("ids") or {}).items()},
            props=props,
            when=alt("when"),
            unless=alt("unless"),
            required=bool(ns.get("required")),
            distinct_from=ns.get("distinct_from"),
            existing_contract=alt("existing_contract"),
            when_known=ns.get("when_known"),
        )

    def _claim(self, c: dict, header, names: set[str]) -> ClaimSpec:
        def alt(key):
            return Alternatives(c[key], header) if c.get(key) else None

        for key in ("id", "subject", "predicate", "object", "evidence"):
            if key not in c:
                raise MappingError(f"a claim needs {key!r}: {c}")
        pred = str(c["predicate"])
        rels = schema().rel_types
        full = expand(pred) if ":" in pred else GK + pred
        if full not in rels:
            try:
                full = schema().rel_iri(pred)
            except KeyError:
                known = ", ".join(sorted(k.rsplit("#", 1)[-1] for k in rels))
                raise MappingError(f"unknown relationship {pred!r} (one of {known})") from None
        status = str(c.get("status", schema().default_status.notation))
        status_iri = concept("status", status)
        if status_iri is None:
            raise MappingError(f"unknown claim status {status!r}")
        spec = ClaimSpec(
            id=Alternatives(c["id"], header),
            subjects=_refs(c["subject"]),
            predicate=full,
            objects=_refs(c["object"]),
            status=status_iri,
            start=alt("start"),
            end=alt("end"),
            summary=alt("summary"),
            contracts=_refs(c.get("contracts", [])),
            evidence=_refs(c["evidence"]),
        )
        for r in [*spec.subjects, *spec.objects, *spec.contracts, *spec.evidence]:
            if r not in names:
                raise MappingError(f"claim {c['id']!r} refers to unknown node {r!r}")
        return spec

    # -- per row ------------------------------------------------------------------------------

    def row(self, row: list[str], resolver: Resolver, warn: Callable[[str], None], i: int = -1):
        """``(main triples, entity triples)`` of one row; raises :class:`RowError`. ``i`` is
        the row's index in the chunk given to :meth:`prepare` (-1: render it on its own)."""
        if len(row) != len(self.header):
            raise RowError(f"expected {len(self.header)} fields, found {len(row)}")
        if i < 0:
            self.prepare([row])
            i = 0
        self._i = i
        if self.key is not None and not self.key.at(i, row, {}):
            raise RowError("the row key is empty")
        nodes: dict[str, list[Node]] = {}
        self._warn = warn
        self._pending = []
        skip: set[int] = set()  # ids of nodes emitted by an earlier row with the same values
        for spec in self.nodes:
            if spec.cols is None:
                node = self._make(spec, row, nodes, resolver)
            else:  # an entity made of columns only: made and emitted once per distinct values
                key = (id(spec), spec.keys[i])  # type: ignore[index]  # set by prepare
                if key in self._made:
                    node = self._made[key]
                else:
                    node = self._made[key] = self._make(spec, row, {}, resolver)
                if node is not None:
                    if spec.distinct_from and any(
                        n.iri == node.iri for n in nodes.get(spec.distinct_from, [])
                    ):
                        node = None
                    elif key in self._emitted:
                        skip.add(id(node))
                    else:
                        self._pending.append(key)
            if node is None:
                if spec.required:
                    raise RowError(f"required {spec.name!r} is missing")
                continue
            nodes.setdefault(spec.name, []).append(node)
        main, ents = RowTriples(), RowTriples()
        for insts in nodes.values():
            for node in insts:
                if node.declare and id(node) not in skip:
                    self._emit(node, row, nodes, ents if node.spec.entity else main, warn)
        for c in self.claims:
            self._claim_rows(c, row, nodes, main, resolver)
        return main, ents

    def commit(self) -> None:
        """The last row was imported: its entities need not be emitted again."""
        self._emitted.update(self._pending)
        self._pending = []

    def _cacheable(self, spec: NodeSpec) -> list[int] | None:
        """Columns an entity node depends on, when it depends on nothing else and can warn about
        nothing (string properties only); else None."""
        if not spec.entity or spec.when_known or spec.drop:
            return None
        alts = [spec.label, spec.id, spec.when, spec.unless, *spec.ids.values()]
        alts += [w for _c, w in spec.classes]
        for p in spec.props:
            if p.ref or p.type != "string":
                return None
            alts.append(p.value)
        cols: set[int] = set()
        for alt in alts:
            for t in alt.templates if alt is not None else ():
                for part in t.parts:
                    if isinstance(part, tuple):
                        if not isinstance(part[0], int):
                            return None
                        cols.add(part[0])
        return sorted(cols)

    def _make(self, spec: NodeSpec, row, nodes, resolver: Resolver) -> Node | None:
        if spec.when_known and not any(not n.declare for n in nodes.get(spec.when_known, [])):
            return None
        if spec.when and not FILTERS["bool"](spec.when.at(self._i, row, nodes), ""):
            return None
        if spec.unless and FILTERS["bool"](spec.unless.at(self._i, row, nodes), ""):
            return None
        cls = None
        for c, when in spec.classes:
            if when is None or FILTERS["bool"](when.at(self._i, row, nodes), ""):
                cls = c
                break
        if cls is None:
            return None
        if spec.entity:
            assert spec.label is not None  # an entity needs a name (see _node)
            name = spec.label.at(self._i, row, nodes)
            if not name:
                return None
            ids = {k: a.at(self._i, row, nodes) for k, a in spec.ids.items()}
            attrs = {key: p.value.at(self._i, row, nodes) for key, p in spec.blocking}
            hint = spec.id.at(self._i, row, nodes) if spec.id else ""
            node_iri = resolver.resolve(cls, name, ids, attrs, hint)
            node = Node(node_iri, cls, not resolver.is_curated(node_iri), spec)
        else:
            assert spec.id is not None  # a node that is not an entity needs an id (see _node)
            local = _SAFE.sub("-", spec.id.at(self._i, row, nodes))
            if not local:
                return None
            node = Node(self._ns(cls) + local, cls, True, spec)
            if spec.existing_contract:
                for t in spec.existing_contract.templates:  # award key, then PIID, ...
                    found = resolver.contract(t.at(self._i, row, nodes))
                    if found:
                        node = Node(found, cls, False, spec)
                        break
        if spec.distinct_from and any(n.iri == node.iri for n in nodes.get(spec.distinct_from, [])):
            return None
        for p in spec.drop:
            if text := p.value.at(self._i, row, nodes):
                dropped: list[str] = []
                if self._value(p, text, node, dropped.append) is None:
                    self._warn(f"{dropped[0].replace('left out', 'source left out')}")
                    return None
        return node

    def _emit(self, node: Node, row, nodes, out: RowTriples, warn) -> None:
        s = node.term
        pairs = [(TYPE, iri(node.cls))]
        add = pairs.append
        i = self._i
        spec = node.spec
        if spec.entity:
            assert spec.label is not None
            add((_NAME, literal(spec.label.at(i, row, nodes))))
            for k, a in spec.ids.items():
                v = a.at(i, row, nodes)
                if v:
                    add((iri(GK + k), literal(v.upper() if k != "wikidata" else v)))
        for p in spec.props:
            if p.ref:
                for target in nodes.get(p.ref, ()):
                    add((p.term, target.term))
                continue
            outs = p.outs
            if outs is False:
                outs = p.outs = self._terms(p, spec.name)
            if isinstance(outs, list):  # converted column-wise
                hit = outs[i]
                if isinstance(hit, str):  # the common case: a term
                    add((p.term, hit))
                    continue
                if hit is None:  # empty
                    if p.required:
                        raise RowError(f"{spec.name}: {p.term} is empty")
                    continue
                term, msg, err = hit
                if err is not None:
                    raise RowError(err)
                if msg is not None:
                    warn(msg)
                if term:
                    add((p.term, term))
                continue
            assert p.value is not None  # a property that is not a link has a value
            text = p.value.at(i, row, nodes)
            if not text:
                if p.required:
                    raise RowError(f"{spec.name}: {p.term} is empty")
                continue
            if obj := self._value(p, text, node, warn):
                add((p.term, obj))
        out.append((s, pairs))

    def _value(self, p: Prop, text: str, node: Node, warn) -> str | None:
        """The Turtle term of ``text`` as ``p``'s type, or None (left out, with a warning);
        raises :class:`RowError`. Converted once per distinct value of the property."""
        hit = p.memo.get(text)
        if hit is None:
            hit = p.memo[text] = self._convert(p, text, node.spec.name)
        if isinstance(hit, str):
            return hit
        term, msg, err = hit
        if err is not None:
            raise RowError(err)
        if msg is not None:
            warn(msg)
        return term

    def _convert(self, p: Prop, text: str, name: str) -> Outcome:
        """The Turtle term of one value of ``p``, or ``(term or None, warning, error)`` when
        there is something to say (see :meth:`_value`)."""
        try:
            if p.type == "string":
                return literal(text)
            if p.type == "decimal":
                return _decimal_term(text)
            if p.type == "integer":
                return _integer_term(text)
            if p.type == "date":
                term, lex = _date_term(text)
                if not p.future and lex[:10] > self.today:
                    return term, f"{name} {iri(p.pred)}: {lex} is in the future", None
                return term
            if p.type == "url":
                if not _URL.match(text):
                    raise RowError(f"not an absolute http(s) URL: {text!r}")
                return literal(text)
            if p.type == "iri":
                return iri(_checked_iri(text))
            scheme = p.type.split(":", 1)[1]
            c = concept(scheme, text)
            if c is None:
                msg = f"{name} {iri(p.pred)}: {text!r} is not in the {scheme} taxonomy; left out"
                return None, msg, None
            return iri(c)
        except RowError as e:
            where = f"{name} {iri(p.pred)}"
            if p.invalid != "error":
                return None, f"{where}: {e}; left out", None
            return None, None, f"{where}: {e}"

    def _claim_rows(self, c: ClaimSpec, row, nodes, out: RowTriples, resolver: Resolver) -> None:
        subjects = [n for r in c.subjects for n in nodes.get(r, [])]
        objects = [n for r in c.objects for n in nodes.get(r, [])]
        evidence = [n for r in c.evidence for n in nodes.get(r, [])]
        for s in subjects:
            for o in objects:
                if s.iri == o.iri:
                    continue
                ctx = nodes if c.static else {**nodes, "subject": [s], "object": [o]}
                local = _SAFE.sub("-", c.id.at(self._i, row, ctx))
                if not local:
                    raise RowError(f"claim id {c.id.templates[0].parts} renders empty")
                if not evidence:
                    raise RowError(f"claim {local} has no evidence (no usable source URL)")
                contracts = [n for r in c.contracts for n in nodes.get(r, [])]
                key = (s.iri, c.predicate, o.iri, frozenset(k.iri for k in contracts))
                full, known = resolver.claim(key, ID + "claim/" + local)
                cid = iri(full)
                if known or full != ID + "claim/" + local:  # a known claim: more evidence
                    out.append((cid, [(_DERIVED, e.term) for e in evidence]))
                    continue
                pairs = [
                    (TYPE, _CLAIM),
                    (_SUBJECT, s.term),
                    (_PREDICATE, c.term),
                    (_OBJECT, o.term),
                    (_STATUS, c.status_term),
                ]
                add = pairs.append
                start, end = claim_dates(
                    local,
                    c.start.at(self._i, row, ctx) if c.start else "",
                    c.end.at(self._i, row, ctx) if c.end else "",
                    self._warn,
                    self.today,
                )
                for name, got in (("startDate", start), ("endDate", end)):
                    if got:
                        add((_DATE_PROPS[name], _typed(*got)))
                if c.summary and (text := c.summary.at(self._i, row, ctx)):
                    add((_SUMMARY, literal(text)))
                for k in contracts:
                    add((_UNDER, k.term))
                for ev in evidence:
                    add((_DERIVED, ev.term))
                out.append((cid, pairs))


class RowTriples(list):
    """The triples of one row as ``(subject, [(predicate, object), ...])`` blocks, in the order
    the mapping makes them (merged by :func:`merge_row`); generated code (see
    :mod:`graphkit.importers.codegen`) may give a block as one Turtle string instead."""

    def add(self, s: str, p: str, o: str) -> None:
        self.append((s, [(p, o)]))


def merge_row(into: TripleSet, new: list, functional: set[str], warn=None) -> None:
    """:func:`merge` for one row's triples: the first value of a single-valued property wins (a
    later name becomes a ``skos:altLabel``)."""
    name, alt = _NAME, _ALT
    data, blocks = into.data, into.blocks
    for s, pairs in new:
        props = data.get(s)
        if props is None:
            if pairs.__class__ is str:  # a whole block (see codegen): kept as it is when new
                block = blocks.get(s)
                if block is None:
                    blocks[s] = pairs
                    continue
                if block == pairs:  # the same triples again: nothing to add
                    continue
            if s in blocks:  # a block met before: now merged
                into.unpack(s)
                props = data[s]
        if pairs.__class__ is str:
            pairs = split_block(pairs)
        if props is None:  # a new subject (the common case): one value per predicate
            fresh = {p: {o} for p, o in pairs}
            if len(fresh) == len(pairs) and alt not in fresh:
                data[s] = fresh
                continue
            props = data[s] = {}
        for p, o in pairs:
            have = props.get(p)
            if have is None:
                props[p] = {o}
                if p == name and o in props.get(alt, ()):
                    props[alt].discard(o)
                continue
            if o in have:
                continue
            if p in functional:
                if p == name:
                    props.setdefault(alt, set()).add(o)
                elif warn:
                    warn(f"{CONFLICT}{s} {p}: kept {min(have)}, ignored {o}")
                continue
            if p == alt and o in props.get(name, ()):
                continue
            have.add(o)


def merge(into: TripleSet, new: TripleSet, functional: set[str], warn=None) -> None:
    """Add ``new`` to ``into``; a second value of a single-valued property is dropped (a second
    name becomes a ``skos:altLabel``)."""
    name, alt = iri(SCHEMA + "name"), iri(SKOS + "altLabel")
    into.unpack()
    new.unpack()
    for s, props in new.data.items():
        mine = into.data.setdefault(s, {})
        for p, objs in props.items():
            have = mine.setdefault(p, set())
            if p not in functional or (not have and len(objs) == 1):
                have.update(objs)
                continue
            for o in sorted(objs):
                if o in have:
                    continue
                if p in functional and have:
                    if p == name:
                        if o not in have:
                            mine.setdefault(alt, set()).add(o)
                    elif warn:
                        warn(f"{CONFLICT}{s} {p}: kept {min(have)}, ignored {o}")
                    continue
                have.add(o)
        names = mine.get(name, set())
        if alt in mine:
            mine[alt] -= names
