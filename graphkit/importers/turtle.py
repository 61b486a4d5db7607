"""Deterministic Turtle output for importers: terms as strings, sorted, written atomically.

>>> g = TripleSet()
>>> g.add(iri("https://w3id.org/graphkit/id/org/acme"), iri(SCHEMA + "name"), literal("Acme"))
True
>>> print(g.body())
ido:acme schema:name "Acme" .
<BLANKLINE>
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from graphkit.model import PREFIXES, RDF, SCHEMA, XSD

__all__ = ["SCHEMA", "SEP", "TripleSet", "iri", "literal", "read_turtle", "write_atomic"]

_LOCAL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
# Longest namespace first, so ``idk:`` wins over a shorter prefix of the same IRI.
_NAMESPACES = sorted(((ns, p) for p, ns in PREFIXES.items()), key=lambda x: -len(x[0]))
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_CONTROL = re.compile(r'[\\"\n\r\t\x00-\x1f\x7f]')
TYPE = "a"
SEP = " ;\n    "  # between the predicate-object pairs of a subject's block
_XSD_STRING = XSD + "string"


_BY_NAMESPACE = dict(_NAMESPACES)
_SPLIT_ONLY = all(ns[-1] in "/#" for ns, _p in _NAMESPACES)


@functools.lru_cache(maxsize=1 << 17)
def iri(value: str) -> str:
    """An IRI as Turtle: a prefixed name where possible, else ``<...>`` (memoised)."""
    if _SPLIT_ONLY:  # a local name holds no "/" or "#": the namespace ends at the last one
        cut = max(value.rfind("/"), value.rfind("#")) + 1
        prefix = _BY_NAMESPACE.get(value[:cut])
        if prefix is not None and _LOCAL.match(value[cut:]):
            return f"{prefix}:{value[cut:]}"
    else:  # pragma: no cover - every namespace of model.PREFIXES ends in / or #
        for ns, prefix in _NAMESPACES:
            if value.startswith(ns) and _LOCAL.match(value[len(ns) :]):
                return f"{prefix}:{value[len(ns) :]}"
    return "<" + value.replace(">", "%3E").replace(" ", "%20") + ">"


def literal(value: str, datatype: str | None = None) -> str:
    """A literal as Turtle; ``datatype`` is a full IRI (plain strings need none)."""
    text = (
        _CONTROL.sub(lambda m: _ESCAPES.get(m[0], f"\\u{ord(m[0]):04X}"), value)
        if _CONTROL.search(value)
        else value
    )
    if datatype and datatype != _XSD_STRING:
        return f'"{text}"^^{iri(datatype)}'
    return f'"{text}"'


class TripleSet:
    """Triples as rendered Turtle terms: ``subject -> predicate -> {objects}``.

    ``blocks`` holds subjects added whole as one Turtle block (``"p o ;\\n    p o"``, predicates
    distinct and in the written order, see :mod:`graphkit.importers.codegen`): they are written
    as they are and become ``data`` entries only when something is added to them
    (:meth:`unpack`)."""

    def __init__(self) -> None:
        self.data: dict[str, dict[str, set[str]]] = {}
        self.blocks: dict[str, str] = {}

    def unpack(self, s: str | None = None) -> None:
        """Move the block of ``s`` (every block, when None) into ``data``."""
        if s is None:
            for s in list(self.blocks):
                self.unpack(s)
            return
        text = self.blocks.pop(s, None)
        if text is not None:
            self.data[s] = {p: {o} for p, o in split_block(text)}

    def add(self, s: str, p: str, o: str) -> bool:
        """Add one triple; False if it was there already."""
        if s in self.blocks:
            self.unpack(s)
        objs = self.data.setdefault(s, {}).setdefault(p, set())
        if o in objs:
            return False
        objs.add(o)
        return True

    def values(self, s: str, p: str) -> set[str]:
        if s in self.blocks:
            return {o for q, o in split_block(self.blocks[s]) if q == p}
        return self.data.get(s, {}).get(p, set())

    def update(self, other: TripleSet) -> None:
        self.unpack()
        other.unpack()
        for s, props in other.data.items():
            mine = self.data.setdefault(s, {})
            for p, objs in props.items():
                mine.setdefault(p, set()).update(objs)

    def __len__(self) -> int:
        n = sum(len(o) for props in self.data.values() for o in props.values())
        return n + sum(text.count(SEP) + 1 for text in self.blocks.values())

    def subjects(self) -> Iterable[str]:
        return [*self.data, *self.blocks] if self.blocks else self.data.keys()

    def body(self) -> str:
        """All triples as Turtle statements, subjects, predicates and objects sorted."""
        out = []
        data, blocks = self.data, self.blocks
        orders: dict[tuple[str, ...], list[str]] = {}  # predicates as met -> as written
        for s in sorted([*data, *blocks]) if blocks else sorted(data):
            props = data.get(s)
            if props is None:
                out.append(f"{s} {blocks[s]} .\n")
                continue
            keys = tuple(props)
            preds = orders.get(keys)
            if preds is None:
                preds = orders[keys] = sorted(keys)
                if TYPE in props:  # "a" first
                    preds.remove(TYPE)
                    preds.insert(0, TYPE)
            lines = [
                f"{p} {next(iter(objs)) if len(objs) == 1 else ', '.join(sorted(objs))}"
                for p in preds
                if (objs := props[p])
            ]
            if lines:
                out.append(f"{s} " + SEP.join(lines) + " .\n")
        return "\n".join(out)

    def turtle(self, header: str = "") -> str:
        comment = "".join(f"# {line}\n".replace("# \n", "#\n") for line in header.splitlines())
        prefixes = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
        return f"{comment}{prefixes}\n{self.body()}"


def split_block(text: str) -> list[tuple[str, str]]:
    """The ``(predicate, object)`` pairs of a block of :attr:`TripleSet.blocks` (a literal
    holds no raw newline and a predicate no space, so both splits are exact)."""
    return [tuple(x.split(" ", 1)) for x in text.split(SEP)]  # type: ignore[misc]


def read_turtle(path: Path) -> TripleSet:
    """Parse a Turtle file (for example a previous import) back into a :class:`TripleSet`."""
    import pyoxigraph as ox

    ts = TripleSet()
    for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        ts.add(
            _term(t.subject),
            TYPE if t.predicate.value == RDF + "type" else _term(t.predicate),
            _term(t.object),
        )
    return ts


def _term(term) -> str:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return iri(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return literal(term.value) + "@" + term.language
        return literal(term.value, term.datatype.value)
    return f"_:{term.value}"


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
