"""Generated row renderers: a mapping's per-row work as one Python function, compiled once.

:meth:`CompiledMapping.row <graphkit.importers.mapping.CompiledMapping.row>` interprets the
mapping for every row (loops over node specs, properties and claims, with type tests on each
value). :func:`generate` writes that work out for one compiled mapping as straight-line Python
source (one block per node and per claim, each property unrolled) and compiles it once per import;
the import then calls the generated function per row. It does exactly what the interpreter does,
in the same order (so the same row fails with the same message and the same warnings are given):

- entities (organisations, products), nodes whose properties refer to other nodes, and claims
  with several evidence or contract nodes are handed to the interpreter's own methods;
- every other node and claim is emitted by generated code as one Turtle block, its predicates
  already in the order :meth:`TripleSet.body <graphkit.importers.turtle.TripleSet.body>` writes
  them (see ``TripleSet.blocks``), instead of ``(predicate, object)`` pairs merged into dicts;
- a chunk in which a template's filter failed (a bad date, ...) is interpreted row by row
  (``bind`` returns None), as the interpreter raises such errors only where they are reached.

The generated source holds only identifiers, integers and keywords: every constant (predicate and
class terms, messages, node names) and every object it reads (templates, columns, the resolver)
is passed in through the namespace it is executed in, and the row's values are arguments. Nothing
from a mapping file or a CSV file becomes code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from graphkit.importers.mapping import (
    _ALT,
    _CLAIM,
    _DATE_PROPS,
    _DERIVED,
    _NAME,
    _OBJECT,
    _PREDICATE,
    _SAFE,
    _STATUS,
    _SUBJECT,
    _SUMMARY,
    _UNDER,
    Alternatives,
    ClaimSpec,
    NodeSpec,
    RowError,
    _cached_date,
    _typed,
)
from graphkit.importers.turtle import SEP, TYPE, iri, literal
from graphkit.model import ID

if TYPE_CHECKING:
    from graphkit.importers.mapping import CompiledMapping
    from graphkit.resolve import Resolver

__all__ = ["Generated", "generate"]

_MISSING = object()


def _hit(key: str, h: tuple, warn: Callable[[str], None]) -> str | None:
    """``"predicate object"`` of a converted value that came with a warning or an error."""
    term, msg, err = h
    if err is not None:
        raise RowError(err)
    if msg is not None:
        warn(msg)
    return key + term if term else None


def _claim_dates(local: str, st: str, et: str, warn, today: str) -> tuple[str | None, str | None]:
    """``("gk:startDate term", "gk:endDate term")`` of a claim (either None), as the
    interpreter's ``_claim_rows`` makes them (same errors and warnings)."""
    dates = {}
    for name, text in (("startDate", st), ("endDate", et)):
        if text:
            try:
                dates[name] = _cached_date(text)
            except RowError as e:
                raise RowError(f"claim {name}: {e}") from None
    start, end = dates.get("startDate"), dates.get("endDate")
    if start and end and end[0] < start[0]:
        warn(
            f"claim {local}: end date {end[0]} before start date {start[0]}; end date left out"
        )
        end = None
    if start and start[0][:10] > today:
        warn(f"claim {local}: start date {start[0]} is in the future")
    return (
        f"{_DATE_PROPS['startDate']} {_typed(*start)}" if start else None,
        f"{_DATE_PROPS['endDate']} {_typed(*end)}" if end else None,
    )


class _Source:
    """Lines of generated source and the namespace of the constants they name."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.ns: dict[str, object] = {}
        self._ids: dict[int, str] = {}

    def const(self, obj: object, hint: str = "k") -> str:
        """A fresh identifier naming ``obj`` in the namespace (one per object)."""
        name = self._ids.get(id(obj))
        if name is None or self.ns.get(name) is not obj:
            name = f"{hint}{len(self.ns)}"
            self.ns[name] = obj
            self._ids[id(obj)] = name
        return name

    def __call__(self, depth: int, line: str) -> None:
        self.lines.append("    " * depth + line)


def _single(m: CompiledMapping, name: str) -> int | None:
    """The index of the only node spec called ``name``, else None (a repeated node)."""
    found = [k for k, n in enumerate(m.nodes) if n.name == name]
    return found[0] if len(found) == 1 else None


def _blockable(m: CompiledMapping, spec: NodeSpec) -> bool:
    """Whether generated code emits ``spec``'s nodes as Turtle blocks: not an entity, every
    property a column-wise value or a link to a node that is never repeated, no two properties
    with the same predicate, no name or altLabel (merged specially)."""
    if spec.entity:
        return False
    terms = [p.term for p in spec.props]
    if len(set(terms)) != len(terms) or _NAME in terms or _ALT in terms:
        return False
    for p in spec.props:
        if p.ref is not None:
            if _single(m, p.ref) is None:
                return False
        elif p.value is None or not p.value.static:
            return False
    return True


def _claim_blockable(m: CompiledMapping, c: ClaimSpec) -> bool:
    """Whether generated code emits ``c``'s claims: at most one evidence and one contract node,
    dates and summary from columns only (the id may name ``@subject`` / ``@object``)."""
    for names in (c.contracts, c.evidence):
        if len(names) > 1 or any(_single(m, r) is None for r in names):
            return False
    return all(a is None or a.static for a in (c.start, c.end, c.summary))


class Generated:
    """The generated renderer of one compiled mapping (and the resolver of the import)."""

    def __init__(self, m: CompiledMapping, resolver: Resolver):
        self.mapping = m
        self.source, ns = _generate(m, resolver)
        code = compile(self.source, "<graphkit generated mapping>", "exec")
        exec(code, ns)  # noqa: S102 - source built from the mapping's structure only, see module
        self._bind: Callable[[], Callable | None] = ns["bind"]  # type: ignore[assignment]

    def bind(self) -> Callable | None:
        """The row function ``(i, fields, warn) -> (main, entities)`` for the chunk last given
        to ``CompiledMapping.prepare``; None when the chunk must be interpreted."""
        return self._bind()


def generate(m: CompiledMapping, resolver: Resolver) -> Generated:
    """Generate and compile the row renderer of ``m`` (see the module docstring)."""
    return Generated(m, resolver)


def _generate(m: CompiledMapping, resolver: Resolver) -> tuple[str, dict]:
    out = _Source()
    c = out.const
    ns = out.ns
    for name, obj in {
        "RowError": RowError,
        "M": m,
        "RES": resolver,
        "MAKE": m._make,
        "EMIT": m._emit,
        "CLAIM_ROWS": m._claim_rows,
        "TERMS": m._terms,
        "MADE": m._made,
        "EMITTED": m._emitted,
        "MISSING": _MISSING,
        "STR": str,
        "HIT": _hit,
        "DATES": _claim_dates,
        "JOIN": SEP.join,
        "SAFE_SUB": _SAFE.sub,
        "IRI": iri,
        "LIT": literal,
        "RES_CLAIM": resolver.claim,
        "FS": frozenset,
        "EMPTY_FS": frozenset(),
    }.items():
        ns[name] = obj
    dash, claim_ns, derived = c("-"), c(ID + "claim/"), c(_DERIVED)
    empty_msg, width_msg = c("the row key is empty"), c(
        f"expected {len(m.header)} fields, found "
    )
    width = c(len(m.header))
    # bind(): per chunk, the columns the row function reads; None: interpret this chunk
    out(0, "def bind():")
    checked: list[Alternatives] = []

    def col(a: Alternatives) -> str:
        """The name of ``a``'s column of rendered values in this chunk (checked in bind)."""
        if a not in checked:
            checked.append(a)
        return f"col{checked.index(a)}"

    body = _Source()  # the row function, written after bind's checks are known
    b = body.__call__
    b(1, "def row(i, r, warn):")
    b(2, f"if len(r) != {width}:")
    b(3, f"raise RowError({width_msg} + STR(len(r)))")
    b(2, "M._i = i")
    if m.key is not None:
        key = col(m.key) if m.key.static else None
        if key is not None:
            b(2, f"if not {key}[i]:")
        else:
            b(2, f"if not {c(m.key)}.at(i, r, {{}}):")
        b(3, f"raise RowError({empty_msg})")
    b(2, "M._warn = warn")
    b(2, "pending = []")
    b(2, "M._pending = pending")
    b(2, "nodes = {}")
    b(2, "main = []")
    b(2, "ents = []")
    # -- making the nodes, in spec order (as CompiledMapping.row) --
    for k, spec in enumerate(m.nodes):
        sp, nm = c(spec, "spec"), c(spec.name, "name")
        b(2, f"skip{k} = False")
        if spec.cols is None:
            b(2, f"n{k} = MAKE({sp}, r, nodes, RES)")
        else:
            b(2, f"key = ({c(id(spec))}, keys{k}[i])")
            b(2, f"n{k} = MADE.get(key, MISSING)")
            b(2, f"if n{k} is MISSING:")
            b(3, f"n{k} = MADE[key] = MAKE({sp}, r, {{}}, RES)")
            b(2, f"if n{k} is not None:")
            if spec.distinct_from:
                df = c(spec.distinct_from, "name")
                b(3, f"if any(x.iri == n{k}.iri for x in nodes.get({df}, ())):")
                b(4, f"n{k} = None")
                b(3, "elif key in EMITTED:")
            else:
                b(3, "if key in EMITTED:")
            b(4, f"skip{k} = True")
            b(3, "else:")
            b(4, "pending.append(key)")
        b(2, f"if n{k} is None:")
        if spec.required:
            b(3, f"raise RowError({c(f'required {spec.name!r} is missing')})")
        else:
            b(3, "pass")
        b(2, "else:")
        b(3, f"nodes.setdefault({nm}, []).append(n{k})")
    # -- emitting them, in the same order --
    for k, spec in enumerate(m.nodes):
        sp = c(spec, "spec")
        b(2, f"if n{k} is not None and n{k}.declare and not skip{k}:")
        if not _blockable(m, spec):
            b(3, f"EMIT(n{k}, r, nodes, {'ents' if spec.entity else 'main'}, warn)")
            continue
        cols = [p for p in spec.props if p.ref is None]
        for p in cols:
            assert p.value is not None  # see _blockable
            col(p.value)  # its column must be rendered in this chunk
        b(3, f"T = TL[{k}]")
        b(3, "if T is None:")
        b(4, f"T = TL[{k}] = tuple(TERMS(p, {c(spec.name, 'name')}) for p in {c(cols)})")
        parts = [("a", f"{c({x: f'{TYPE} {iri(x)}' for x, _w in spec.classes})}[n{k}.cls]")]
        for j, p in enumerate(spec.props):
            pk = c(f"{p.term} ")
            if p.ref is not None:
                t = _single(m, p.ref)
                b(3, f"v{j} = ({pk} + n{t}.term) if n{t} is not None else None")
            else:
                b(3, f"h = T[{cols.index(p)}][i]")
                if p.required:
                    b(3, "if h is None:")
                    b(4, f"raise RowError({c(f'{spec.name}: {p.term} is empty')})")
                b(3, "if h.__class__ is STR:")
                b(4, f"v{j} = {pk} + h")
                b(3, "elif h is None:")
                b(4, f"v{j} = None")
                b(3, "else:")
                b(4, f"v{j} = HIT({pk}, h, warn)")
            parts.append((p.term, f"v{j}"))
        first, rest = parts[0], sorted(parts[1:])  # "a" first, as TripleSet.body writes
        terms = ", ".join(x for _t, x in [first, *rest])
        b(3, f"main.append((n{k}.term, JOIN(filter(None, ({terms},)))))")
    # -- claims --
    for cl in m.claims:
        cs = c(cl, "claim")
        if not _claim_blockable(m, cl):
            b(2, f"CLAIM_ROWS({cs}, r, nodes, main, RES)")
            continue
        subs = [k for r in cl.subjects for k, n in enumerate(m.nodes) if n.name == r]
        objs = [k for r in cl.objects for k, n in enumerate(m.nodes) if n.name == r]
        ev = _single(m, cl.evidence[0]) if cl.evidence else None
        ct = _single(m, cl.contracts[0]) if cl.contracts else None
        b(2, f"subs = [x for x in ({''.join(f'n{k}, ' for k in subs)}) if x is not None]")
        b(2, f"objs = [x for x in ({''.join(f'n{k}, ' for k in objs)}) if x is not None]")
        b(2, "for s in subs:")
        b(3, "for o in objs:")
        b(4, "if s.iri == o.iri:")
        b(5, "continue")
        if cl.id.static:
            b(4, f"local = SAFE_SUB({dash}, {col(cl.id)}[i])")
        else:
            ctx = f"{{**nodes, {c('subject')}: [s], {c('object')}: [o]}}"
            b(4, f"local = SAFE_SUB({dash}, {c(cl.id)}.at(i, r, {ctx}))")
        b(4, "if not local:")
        b(5, f"raise RowError({c(f'claim id {cl.id.templates[0].parts} renders empty')})")
        if ev is None:
            b(4, f"raise RowError({c('claim ')} + local + {c(' has no evidence (no usable source URL)')})")
            continue
        b(4, f"if n{ev} is None:")
        b(5, f"raise RowError({c('claim ')} + local + {c(' has no evidence (no usable source URL)')})")
        kset = f"FS((n{ct}.iri,)) if n{ct} is not None else EMPTY_FS" if ct is not None else "EMPTY_FS"
        b(4, f"lid = {claim_ns} + local")
        b(4, f"full, known = RES_CLAIM((s.iri, {c(cl.predicate)}, o.iri, {kset}), lid)")
        b(4, "if known or full != lid:")
        b(5, f"main.append((IRI(full), [({derived}, n{ev}.term)]))")
        b(5, "continue")
        parts = [
            (TYPE, c(f"{TYPE} {_CLAIM}")),
            (_SUBJECT, f"{c(_SUBJECT + ' ')} + s.term"),
            (_PREDICATE, c(f"{_PREDICATE} {cl.term}")),
            (_OBJECT, f"{c(_OBJECT + ' ')} + o.term"),
            (_STATUS, c(f"{_STATUS} {cl.status_term}")),
        ]
        if cl.start or cl.end:
            st = f"{col(cl.start)}[i]" if cl.start else c("")
            et = f"{col(cl.end)}[i]" if cl.end else c("")
            b(4, f"st, et = {st}, {et}")
            b(4, "if st or et:")
            b(5, f"ds, de = DATES(local, st, et, warn, {c(m.today)})")
            b(4, "else:")
            b(5, "ds = de = None")
            parts += [(_DATE_PROPS["startDate"], "ds"), (_DATE_PROPS["endDate"], "de")]
        if cl.summary:
            b(4, f"sm = {col(cl.summary)}[i]")
            parts.append((_SUMMARY, f"({c(_SUMMARY + ' ')} + LIT(sm)) if sm else None"))
        if ct is not None:
            parts.append((_UNDER, f"({c(_UNDER + ' ')} + n{ct}.term) if n{ct} is not None else None"))
        parts.append((_DERIVED, f"{c(_DERIVED + ' ')} + n{ev}.term"))
        first, rest = parts[0], sorted(parts[1:])
        terms = ", ".join(x for _t, x in [first, *rest])
        b(4, f"main.append((IRI(full), JOIN(filter(None, ({terms},)))))")
    b(2, "return main, ents")
    b(1, "return row")
    # bind's body: read this chunk's columns; give up (interpret) when one is not column-wise
    for n, a in enumerate(checked):
        out(1, f"col{n} = {c(a, 'alt')}.col")
        out(1, f"if col{n} is None:")
        out(2, "return None")
    for k, spec in enumerate(m.nodes):
        if spec.cols is not None:
            out(1, f"keys{k} = {c(spec, 'spec')}.keys")
    out(1, f"TL = [None] * {c(len(m.nodes))}")
    out.lines += body.lines
    ns.update(body.ns)
    return "\n".join(out.lines) + "\n", ns
