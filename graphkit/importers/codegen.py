"""Generated row renderers: a mapping's per-row work as one Python function, compiled once.

:meth:`CompiledMapping.row <graphkit.importers.mapping.CompiledMapping.row>` interprets the
mapping for every row (loops over node specs, properties and claims, with type tests on each
value). :func:`generate` writes that work out for one compiled mapping as straight-line Python
source (one block per node and per claim, each property unrolled) and compiles it once per import;
the import then calls the generated function per row. It does exactly what the interpreter does,
in the same order (so the same row fails with the same message and the same warnings are given):

- entities (organisations, products), nodes with a template naming another node or linking
  to a repeated node, and claims with several evidence or contract nodes are handed to the
  interpreter's own methods;
- every other node and claim is emitted by generated code as one Turtle block, its predicates
  already in the order :meth:`TripleSet.body <graphkit.importers.turtle.TripleSet.body>` writes
  them (see ``TripleSet.blocks``), instead of ``(predicate, object)`` pairs merged into dicts;
  each property's ``"predicate term"`` lines, the ids and the literals are made once per chunk
  of rows, column by column;
- a row where a value converts with a warning or an error, and the first :data:`SPARSE` nodes
  of a spec in a chunk, are emitted by the interpreter;
- a chunk in which a template's filter failed (a bad date, ...) is interpreted row by row
  (``bind`` returns None), as the interpreter raises such errors only where they are reached.

The generated source holds only identifiers, integers and keywords: every constant (predicate and
class terms, messages, node names) and every object it reads (templates, columns, the resolver)
is passed in through the namespace it is executed in, and the row's values are arguments. Nothing
from a mapping file or a CSV file becomes code.
"""

from __future__ import annotations

import itertools
import operator
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
    FILTERS,
    Alternatives,
    ClaimSpec,
    Node,
    NodeSpec,
    Prop,
    RowError,
    Template,
    _typed,
    claim_dates,
)
from graphkit.importers.turtle import _BY_NAMESPACE, _CONTROL, _LOCAL, SEP, TYPE, iri, literal
from graphkit.model import ID

if TYPE_CHECKING:
    from graphkit.importers.mapping import CompiledMapping
    from graphkit.resolve import Resolver

__all__ = ["Generated", "generate"]

_MISSING = object()

#: Nodes of a spec emitted by the interpreter in a chunk before its columns are converted.
SPARSE = 32


def _claim_dates(local: str, st: str, et: str, warn, today: str, memo: dict) -> tuple:
    """``(SEP + "gk:startDate term", SEP + "gk:endDate term")`` of a claim (either empty), from
    the interpreter's :func:`claim_dates` (same errors and warnings); remembered in ``memo`` by
    ``(st, et)`` when it gave no warning."""
    warned: list[str] = []

    def note(message: str) -> None:
        warned.append(message)
        warn(message)

    start, end = claim_dates(local, st, et, note, today)
    out = (
        f"{SEP}{_DATE_PROPS['startDate']} {_typed(*start)}" if start else "",
        f"{SEP}{_DATE_PROPS['endDate']} {_typed(*end)}" if end else "",
    )
    if not warned:
        memo[(st, et)] = out
    return out


def _lines(m: CompiledMapping, spec: NodeSpec, props: list[Prop], runs: list[list[int]]):
    """For the chunk last prepared: ``(runs, bad)``. Each run (indices into ``props``, whose
    predicates are consecutive in the written order) gives per row its properties'
    ``SEP + "predicate term"`` joined (empty where none has a plain term); ``bad`` holds the
    rows where some property needs the interpreter (a warning, an error, a required value
    missing)."""
    lines_by_prop: list[list[str]] = []
    bad: set[int] = set()
    for p in props:
        assert p.value is not None and p.value.col is not None  # see _blockable and bind
        col, lines, memo = p.value.col, p.lines, p.memo
        head = f"{SEP}{p.term} "
        if p.type == "string":  # the common case: a plain literal, no warning possible
            lines_by_prop.append(_literals(head, col))
            if p.required and "" in col:
                bad.update(i for i, v in enumerate(col) if not v)
            continue
        distinct = set(col)
        new = distinct.difference(lines)
        new.discard("")
        for v in new:
            hit = memo.get(v) or m._convert(p, v, spec.name)
            if hit.__class__ is str:
                lines[v] = head + hit
            else:
                lines[v] = ""
                p.bad.add(v)
        lines_by_prop.append(list(map(lines.get, col, itertools.repeat(""))))  # type: ignore[arg-type]
        if p.bad and not p.bad.isdisjoint(distinct):
            bad.update(i for i, v in enumerate(col) if v in p.bad)
        if p.required and "" in distinct:
            bad.update(i for i, v in enumerate(col) if not v)
    out = []
    for run in runs:
        if len(run) == 1:
            out.append(lines_by_prop[run[0]])
        else:
            out.append(list(map("".join, zip(*(lines_by_prop[j] for j in run)))))
    return tuple(out), bad


_SAFE_BYTES = bytes(sorted(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-"))
_NOT_CONTROL = bytes(b for b in range(256) if not _CONTROL.match(chr(b)))


def _all_safe(text: str) -> bool:
    """Whether ``text`` holds only the characters of a local name (``[A-Za-z0-9_.-]``): a
    byte-table deletion, much faster than a regular-expression search over a column."""
    return text.isascii() and not text.encode("ascii").translate(None, _SAFE_BYTES)


def _no_control(text: str) -> bool:
    """Whether ``text`` holds no character that a Turtle literal escapes (see
    ``turtle.literal``); in UTF-8 those are single bytes below 0x80."""
    return not text.encode("utf-8", "surrogatepass").translate(None, _NOT_CONTROL)


def _literals(head: str, col: list[str]) -> list[str]:
    """``head`` + each value as a Turtle string literal, by row ("" where empty)."""
    if _no_control("".join(col)):  # nothing to escape
        quote = head + '"'
        if all(col):  # no empty value: joined in C
            add, n = operator.add, len(col)
            return list(
                map(add, map(add, itertools.repeat(quote, n), col), itertools.repeat('"', n))
            )
        return [f'{quote}{v}"' if v else "" for v in col]
    return [head + literal(v) if v else "" for v in col]


def _ids(m: CompiledMapping, spec: NodeSpec, col: list[str]) -> tuple[list, list, list]:
    """For the chunk last prepared: a node's local names, IRIs and Turtle terms by row (its
    one namespace; see :func:`_makeable`)."""
    return _ids_in(m._ns(spec.classes[0][0]), col)


def _ids_in(ns: str, col: list[str]) -> tuple[list, list, list]:
    """Local names (``col`` made safe), IRIs in ``ns`` and their Turtle terms, by row. One
    regular-expression search over the whole column decides whether any value needs a change
    (award keys and the like never do)."""
    locs = col if _all_safe("".join(col)) else [_SAFE.sub("-", v) for v in col]
    iris = [ns + x for x in locs]
    prefix = _BY_NAMESPACE.get(ns)
    if prefix is None:
        return locs, iris, [iri(x) for x in iris]
    head = prefix + ":"
    if locs is col:  # safe characters only: a local name unless empty, or "." or "-" first,
        text = "\n" + "\n".join(col) + "\n"  # or "." last
        if not any(x in text for x in ("\n\n", "\n.", "\n-", ".\n")):
            return locs, iris, [head + x for x in locs]
    match = _LOCAL.match
    return locs, iris, [head + x if match(x) else iri(ns + x) for x in locs]


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


def _prior(m: CompiledMapping, name: str, k: int) -> int | None:
    """The index of the only node spec called ``name`` when it comes before spec ``k`` (the
    node ``nodes[name]`` then holds when spec ``k`` is made), else None."""
    j = _single(m, name)
    return j if j is not None and j < k else None


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


def _makeable(m: CompiledMapping, spec: NodeSpec) -> bool:
    """Whether generated code makes ``spec``'s nodes: not an entity, one namespace for all its
    classes, no property whose bad value drops the node, every template from columns only."""
    if spec.entity or spec.drop or spec.id is None:
        return False
    if len({m._ns(c) for c, _w in spec.classes}) != 1:
        return False
    alts = [spec.id, spec.when, spec.unless, spec.existing_contract]
    alts += [w for _c, w in spec.classes]
    return all(a is None or a.static for a in alts)


def _claim_blockable(m: CompiledMapping, c: ClaimSpec) -> bool:
    """Whether generated code emits ``c``'s claims: at most one evidence and one contract node,
    dates and summary from columns only (the id may name ``@subject`` / ``@object``)."""
    for names in (c.contracts, c.evidence):
        if len(names) > 1 or any(_single(m, r) is None for r in names):
            return False
    return all(a is None or a.static for a in (c.start, c.end, c.summary))


def _pair_only(a: Alternatives) -> bool:
    """Whether ``a`` renders from ``@subject`` and ``@object`` only (no column, no other node):
    the same pair then always gives the same id."""
    return all(
        isinstance(part, str) or part[0] in ("subject", "object")
        for t in a.templates
        for part in t.parts
    )


class Generated:
    """The generated renderer of one compiled mapping (and the resolver of the import)."""

    def __init__(self, m: CompiledMapping, resolver: Resolver):
        self.mapping = m
        self.source, ns = _generate(m, resolver)
        code = compile(self.source, "<graphkit generated mapping>", "exec")
        exec(code, ns)  # noqa: S102 - source built from the mapping's structure only, see module
        self._ns = ns
        self._bind: Callable[[], Callable | None] = ns["bind"]  # type: ignore[assignment]

    def close(self) -> None:
        """Drop the namespace (it and the generated functions refer to each other: without
        this the mapping's memos would wait for the cyclic garbage collector)."""
        self._ns.clear()

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
    out.ns.update(
        {
            "RowError": RowError,
            "M": m,
            "RES": resolver,
            "MAKE": m._make,
            "EMIT": m._emit,
            "CLAIM_ROWS": m._claim_rows,
            "LINES": _lines,
            "LITERALS": _literals,
            "INT": int,
            "SPARSE": SPARSE,
            "IDS": _ids,
            "IDS_IN": _ids_in,
            "NODE": Node,
            "MADE": m._made,
            "EMITTED": m._emitted,
            "MISSING": _MISSING,
            "STR": str,
            "BOOL": FILTERS["bool"],
            "DATES": _claim_dates,
            "DMEMO": {},
            "JOIN": "".join,
            "E": "",
            "SAFE_SUB": _SAFE.sub,
            "IRI": iri,
            "LIT": literal,
            "RES_CLAIM": resolver.claim,
            "RES_CONTRACT": resolver.contract,
            "FS": frozenset,
            "EMPTY_FS": frozenset(),
        }
    )
    dash, claim_ns, derived, empty = c("-"), c(ID + "claim/"), c(_DERIVED), c("")
    no_evidence = c(" has no evidence (no usable source URL)")
    checked: list[object] = []  # alternatives and templates whose chunk column the code reads

    def col(a: Alternatives | Template) -> str:
        """The name of ``a``'s column of rendered values in this chunk (checked in bind)."""
        if not any(x is a for x in checked):
            checked.append(a)
        return f"col{next(n for n, x in enumerate(checked) if x is a)}"

    body = _Source()
    b = body.__call__
    b(1, "def row(i, r, warn):")
    b(2, f"if len(r) != {c(len(m.header))}:")
    b(3, f"raise RowError({c(f'expected {len(m.header)} fields, found ')} + STR(len(r)))")
    b(2, "M._i = i")
    if m.key is not None:
        key = f"{col(m.key)}[i]" if m.key.static else f"{c(m.key)}.at(i, r, {{}})"
        b(2, f"if not {key}:")
        b(3, f"raise RowError({c('the row key is empty')})")
    b(2, "M._warn = warn")
    b(2, "pending = []")
    b(2, "M._pending = pending")
    b(2, "nodes = {}")
    b(2, "main = []")
    b(2, "ents = []")
    # -- making the nodes, in spec order (as CompiledMapping.row and _make) --
    for k, spec in enumerate(m.nodes):
        sp, nm = c(spec, "spec"), c(spec.name, "name")
        b(2, f"skip{k} = False")
        if spec.cols is not None:  # an entity made of columns only: made once per values
            b(2, f"key = ({c(id(spec))}, keys{k}[i])")
            b(2, f"n{k} = MADE.get(key, MISSING)")
            b(2, f"if n{k} is MISSING:")
            b(3, f"n{k} = MADE[key] = MAKE({sp}, r, {{}}, RES)")
            b(2, f"if n{k} is not None:")
            if spec.distinct_from:
                df = c(spec.distinct_from, "name")
                j = _prior(m, spec.distinct_from, k)
                if j is not None:
                    b(3, f"if n{j} is not None and n{j}.iri == n{k}.iri:")
                else:
                    b(3, f"if any(x.iri == n{k}.iri for x in nodes.get({df}, ())):")
                b(4, f"n{k} = None")
                b(3, "elif key in EMITTED:")
            else:
                b(3, "if key in EMITTED:")
            b(4, f"skip{k} = True")
            b(3, "else:")
            b(4, "pending.append(key)")
        elif not _makeable(m, spec):
            b(2, f"n{k} = MAKE({sp}, r, nodes, RES)")
        else:
            _make_code(m, spec, k, b, c, col)
        b(2, f"if n{k} is not None:")
        if _single(m, spec.name) == k:
            b(3, f"nodes[{nm}] = [n{k}]")
        else:
            b(3, f"nodes.setdefault({nm}, []).append(n{k})")
        if spec.required:
            b(2, "else:")
            b(3, f"raise RowError({c(f'required {spec.name!r} is missing')})")
    # -- emitting them, in the same order --
    blockprops: list[Prop] = []  # converted by value where the interpreter emits their node
    for k, spec in enumerate(m.nodes):
        b(2, f"if n{k} is not None and n{k}.declare and not skip{k}:")
        if not _blockable(m, spec):
            b(3, f"EMIT(n{k}, r, nodes, {'ents' if spec.entity else 'main'}, warn)")
            continue
        cols = [p for p in spec.props if p.ref is None]
        for p in cols:
            assert p.value is not None  # see _blockable
            col(p.value)  # its column must be rendered in this chunk
        refs: list[tuple[str, int | str]] = []
        for p in spec.props:
            if p.ref is not None:
                t = _single(m, p.ref)
                refs.append(
                    (p.term, f"({c(f'{SEP}{p.term} ')} + n{t}.term) if n{t} is not None else E")
                )
        # the written order: runs of column properties between the links to other nodes
        order: list[tuple[str, int | str]] = [(p.term, cols.index(p)) for p in cols]
        order = sorted(order + refs, key=lambda x: x[0])
        runs: list[list[int]] = []
        exprs = [f"{c({x: f'{TYPE} {iri(x)}' for x, _w in spec.classes})}[n{k}.cls]"]
        for _t, x in order:
            if isinstance(x, int):
                if not runs or not exprs[-1].startswith("R["):
                    exprs.append(f"R[{len(runs)}][i]")
                    runs.append([])
                runs[-1].append(x)
            else:
                exprs.append(x)
        # the first SPARSE nodes of a chunk are emitted by the interpreter: a node made on few
        # rows (a record of a known contract) is not worth converting whole columns for
        b(3, f"L = TL[{k}]")
        b(3, "if L.__class__ is INT:")
        lines = f"LINES(M, {c(spec, 'spec')}, {c(cols)}, {c(runs)})"
        b(4, f"L = TL[{k}] = L + 1 if L < SPARSE else {lines}")
        blockprops += cols
        b(3, "if L.__class__ is INT or i in L[1]:")
        b(4, f"EMIT(n{k}, r, nodes, main, warn)")
        b(3, "else:")
        b(4, "R = L[0]")
        b(4, f"main.append((n{k}.term, JOIN(({', '.join(exprs)},))))")
    # -- claims --
    for ci, cl in enumerate(m.claims):
        if not _claim_blockable(m, cl):
            b(2, f"CLAIM_ROWS({c(cl, 'claim')}, r, nodes, main, RES)")
            continue
        subs = [k for r in cl.subjects for k, n in enumerate(m.nodes) if n.name == r]
        objs = [k for r in cl.objects for k, n in enumerate(m.nodes) if n.name == r]
        ev = _single(m, cl.evidence[0]) if cl.evidence else None
        ct = _single(m, cl.contracts[0]) if cl.contracts else None
        if len(subs) == 1 and len(objs) == 1:  # one pair at most
            b(2, f"s, o = n{subs[0]}, n{objs[0]}")
            b(2, "if s is not None and o is not None and s.iri != o.iri:")
            d = 3
        else:
            b(2, f"subs = [x for x in ({''.join(f'n{k}, ' for k in subs)}) if x is not None]")
            b(2, f"objs = [x for x in ({''.join(f'n{k}, ' for k in objs)}) if x is not None]")
            b(2, "for s in subs:")
            b(3, "for o in objs:")
            b(4, "if s.iri == o.iri:")
            b(5, "continue")
            d = 4
        if cl.id.static:  # made safe, as an IRI and as a term once per chunk
            b(d, f"C = CL[{ci}]")
            b(d, "if C is None:")
            b(d + 1, f"C = CL[{ci}] = IDS_IN({claim_ns}, {col(cl.id)})")
            b(d, "local = C[0][i]")
        else:
            at = f"{c(cl.id)}.at(i, r, {{**nodes, {c('subject')}: [s], {c('object')}: [o]}})"
            if _pair_only(cl.id):  # the same pair, the same id: rendered once per pair
                memo = c({}, "idmemo")
                b(d, f"local = {memo}.get((s.iri, o.iri))")
                b(d, "if local is None:")
                b(d + 1, f"local = {memo}[(s.iri, o.iri)] = SAFE_SUB({dash}, {at})")
            else:
                b(d, f"local = SAFE_SUB({dash}, {at})")
        b(d, "if not local:")
        b(d + 1, f"raise RowError({c(f'claim id {cl.id.templates[0].parts} renders empty')})")
        if ev is None:
            b(d, f"raise RowError({c('claim ')} + local + {no_evidence})")
            continue
        b(d, f"if n{ev} is None:")
        b(d + 1, f"raise RowError({c('claim ')} + local + {no_evidence})")
        kset = "EMPTY_FS"
        if ct is not None:
            kset = f"FS((n{ct}.iri,)) if n{ct} is not None else EMPTY_FS"
        b(d, "lid = C[1][i]" if cl.id.static else f"lid = {claim_ns} + local")
        b(d, f"full, known = RES_CLAIM((s.iri, {c(cl.predicate)}, o.iri, {kset}), lid)")
        b(d, "if known or full != lid:")
        b(d + 1, f"main.append((IRI(full), [({derived}, n{ev}.term)]))")
        b(d, "else:")
        d += 1
        parts = [
            (TYPE, c(f"{TYPE} {_CLAIM}")),
            (_SUBJECT, f"{c(f'{SEP}{_SUBJECT} ')} + s.term"),
            (_PREDICATE, c(f"{SEP}{_PREDICATE} {cl.term}")),
            (_OBJECT, f"{c(f'{SEP}{_OBJECT} ')} + o.term"),
            (_STATUS, c(f"{SEP}{_STATUS} {cl.status_term}")),
        ]
        if cl.start or cl.end:
            st = f"{col(cl.start)}[i]" if cl.start else empty
            et = f"{col(cl.end)}[i]" if cl.end else empty
            b(d, f"st, et = {st}, {et}")
            b(d, f"ds, de = DMEMO.get((st, et)) or DATES(local, st, et, warn, {c(m.today)}, DMEMO)")
            parts += [(_DATE_PROPS["startDate"], "ds"), (_DATE_PROPS["endDate"], "de")]
        if cl.summary:
            b(d, f"S = SL[{ci}]")  # the chunk's summary lines, made on first use
            b(d, "if S is None:")
            b(d + 1, f"S = SL[{ci}] = LITERALS({c(f'{SEP}{_SUMMARY} ')}, {col(cl.summary)})")
            parts.append((_SUMMARY, "S[i]"))
        if ct is not None:
            under = f"({c(f'{SEP}{_UNDER} ')} + n{ct}.term) if n{ct} is not None else E"
            parts.append((_UNDER, under))
        parts.append((_DERIVED, f"{c(f'{SEP}{_DERIVED} ')} + n{ev}.term"))
        term = "C[2][i]" if cl.id.static else "IRI(full)"
        b(d, f"main.append(({term}, JOIN(({_sorted(parts)},))))")
    b(2, "return main, ents")
    b(1, "return row")
    # bind(): per chunk, the columns the row function reads; None: interpret this chunk
    out(0, "def bind():")
    for n, a in enumerate(checked):
        out(1, f"col{n} = {c(a, 'alt')}.col")
        out(1, f"if col{n} is None:")
        out(2, "return None")
    for k, spec in enumerate(m.nodes):
        if spec.cols is not None:
            out(1, f"keys{k} = {c(spec, 'spec')}.keys")
    out(1, f"for p in {c(blockprops)}:")
    out(2, "p.outs = None")
    count = c(len(m.nodes))
    out(1, f"TL = [0] * {count}")  # per node: uses so far, then its property lines (_lines)
    out(1, f"IL = [0] * {count}")  # per node: uses so far, then its ids (see _ids)
    out(1, f"CL = [None] * {c(len(m.claims))}")
    out(1, f"SL = [None] * {c(len(m.claims))}")  # per claim: its ids (see _ids_in)
    out.lines += body.lines
    return "\n".join(out.lines) + "\n", out.ns


def _sorted(parts: list[tuple[str, str]]) -> str:
    """The expressions of ``parts`` (``(predicate term, expression)``, the type first) in the
    order :meth:`TripleSet.body` writes predicates: the type first, then sorted."""
    first, rest = parts[0], sorted(parts[1:], key=lambda x: x[0])
    return ", ".join(x for _t, x in [first, *rest])


def _make_code(m: CompiledMapping, spec: NodeSpec, k: int, b, c, col) -> None:
    """Code making node ``k`` (not an entity) as ``CompiledMapping._make`` does."""
    assert spec.id is not None  # see _makeable
    b(2, f"n{k} = None")
    depth = 2
    if spec.when_known:
        wk = c(spec.when_known, "name")
        j = _prior(m, spec.when_known, k)
        if j is not None:
            b(depth, f"if n{j} is not None and not n{j}.declare:")
        else:
            b(depth, f"if any(not x.declare for x in nodes.get({wk}, ())):")
        depth += 1
    if spec.when:
        b(depth, f"if BOOL({col(spec.when)}[i], {c('')}):")
        depth += 1
    if spec.unless:
        b(depth, f"if not BOOL({col(spec.unless)}[i], {c('')}):")
        depth += 1
    conds = []
    for cls, when in spec.classes:
        conds.append((c(cls), None if when is None else f"BOOL({col(when)}[i], {c('')})"))
    if conds[0][1] is None:
        b(depth, f"cls = {conds[0][0]}")
    else:
        b(depth, "cls = None")
        for n, (cls, cond) in enumerate(conds):
            kw = "if" if n == 0 else "elif"
            b(depth, f"{kw} {cond}:" if cond else "else:")
            b(depth + 1, f"cls = {cls}")
            if cond is None:
                break
        b(depth, "if cls is not None:")
        depth += 1
    idcol, sp = col(spec.id), c(spec, "spec")
    b(depth, f"I = IL[{k}]")  # the chunk's ids, once the node was made SPARSE times in it
    b(depth, "if I.__class__ is INT:")
    b(depth + 1, f"I = IL[{k}] = I + 1 if I < SPARSE else IDS(M, {sp}, {idcol})")
    b(depth, "if I.__class__ is INT:")
    b(depth + 1, f"loc = SAFE_SUB({c('-')}, {idcol}[i])")
    b(depth + 1, "if loc:")
    b(depth + 2, f"n{k} = NODE({c(m._ns(spec.classes[0][0]))} + loc, cls, True, {sp})")
    b(depth, "elif I[0][i]:")
    b(depth + 1, f"n{k} = NODE(I[1][i], cls, True, {sp}, I[2][i])")
    if spec.existing_contract:
        b(depth, f"if n{k} is not None:")
        depth += 1
        col(spec.existing_contract)  # None in a chunk where one of its filters failed
        for n, t in enumerate(spec.existing_contract.templates):
            b(depth, f"found = RES_CONTRACT({col(t)}[i])")
            b(depth, "if found:")
            b(depth + 1, f"n{k} = NODE(found, cls, False, {c(spec, 'spec')})")
            if n < len(spec.existing_contract.templates) - 1:
                b(depth, "else:")
                depth += 1
    if spec.distinct_from:
        df = c(spec.distinct_from, "name")
        j = _prior(m, spec.distinct_from, k)
        if j is not None:
            b(2, f"if n{k} is not None and n{j} is not None and n{j}.iri == n{k}.iri:")
        else:
            b(2, f"if n{k} is not None and any(x.iri == n{k}.iri for x in nodes.get({df}, ())):")
        b(3, f"n{k} = None")
