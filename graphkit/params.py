"""``--param NAME=VALUE``: the one grammar of query parameters (sparql, cypher, ask, viz --query).

``NAME`` is a letter or ``_`` followed by letters, digits or ``_`` (a leading ``?`` or ``$`` is
dropped, so ``?x=1`` and ``$x=1`` bind ``x``); a name may be given once. ``VALUE`` is read by
the first rule that matches it:

==============================  ======================================  =====================
written                         value                                   example
==============================  ======================================  =====================
``"text"`` or ``'text'``        the string between the quotes, as is    ``name='ido:x'``
``true`` / ``false``            a boolean                               ``open=true``
an integer                      an int                                  ``n=3``, ``n=-2``
a decimal                       a float                                 ``x=1.5``, ``x=2e3``
``YYYY-MM-DD``                  a date (checked: ``2020-02-30`` fails)  ``d=2020-06-10``
``<iri>``                       an IRI                                  ``x=<https://a.b/c>``
``prefix:local``                an IRI, for a project prefix            ``x=ido:ice``
``[...]`` or ``{...}``          JSON list or map (Cypher only)          ``ids=["a","b"]``
anything else (also empty)      the string as written                   ``agency=ICE``
==============================  ======================================  =====================

Quote a value to keep it a string (``n='3'``, ``s='true'``). In Cypher an IRI is its text; a
date is a Cypher ``date``; in SPARQL a date is an ``xsd:date`` literal. Where a question declares
its parameters (``# param: agency:entity = org/ice`` in ``queries/`` and ``viz --query`` files)
the declared kind decides instead and the text written is used (see :attr:`Param.text`).
Values are always bound as parameters, never pasted into a query.

>>> {k: p.value for k, p in parse(["n=3", "name='AWS'", "ok=true", "d=2020-06-10"]).items()}
{'n': 3, 'name': 'AWS', 'ok': True, 'd': datetime.date(2020, 6, 10)}
>>> parse(["x=ido:ice"])["x"].value
IRI('https://w3id.org/graphkit/id/org/ice')
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass

from graphkit.errors import GraphkitError

_NAME = re.compile(r"[A-Za-z_]\w*")
_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(?:\d+\.\d*|\.\d+|\d+(?=[eE]))(?:[eE][+-]?\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_BAD_IRI = re.compile(r'[\s<>"{}|\\^`]')


class ParamError(GraphkitError):
    """A malformed ``--param``."""


class IRI(str):
    """A parameter value that is an IRI (bound as an IRI in SPARQL, as its text in Cypher)."""

    def __repr__(self) -> str:
        return f"IRI({str(self)!r})"


@dataclass(frozen=True)
class Param:
    """One parsed ``--param``: ``value`` typed by the grammar, ``text`` as written (unquoted)."""

    name: str
    value: object
    text: str


def parse(pairs: list[str] | tuple[str, ...] | None) -> dict[str, Param]:
    """``["name=value", ...]`` parsed by the grammar above; raises :class:`ParamError`."""
    out: dict[str, Param] = {}
    for pair in pairs or ():
        name, sep, raw = pair.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not _NAME.fullmatch(name):
            raise ParamError(
                f"bad --param {pair!r}: expected name=value (a name of letters, digits, _)"
            )
        if name in out:
            raise ParamError(f"--param {name} is given twice")
        value, text = _value(raw, pair)
        out[name] = Param(name, value, text)
    return out


def values(params: dict[str, Param]) -> dict[str, object]:
    """name -> typed value."""
    return {k: p.value for k, p in params.items()}


def texts(params: dict[str, Param]) -> dict[str, str]:
    """name -> the text written (for parameters whose kind a query declares)."""
    return {k: p.text for k, p in params.items()}


def cypher_values(params: dict[str, Param]) -> dict[str, object]:
    """name -> value for a Cypher ``$name`` (an IRI becomes its text)."""
    return {k: str(p.value) if isinstance(p.value, IRI) else p.value for k, p in params.items()}


def _value(raw: str, pair: str) -> tuple[object, str]:
    if raw[:1] in ("'", '"'):
        if len(raw) < 2 or raw[-1] != raw[0]:
            raise ParamError(f"bad --param {pair!r}: the quote {raw[0]} is not closed")
        return raw[1:-1], raw[1:-1]
    if raw in ("true", "false"):
        return raw == "true", raw
    if _INT.fullmatch(raw):
        return int(raw), raw
    if _FLOAT.fullmatch(raw):
        return float(raw), raw
    if _DATE.fullmatch(raw):
        try:
            return datetime.date.fromisoformat(raw), raw
        except ValueError as e:
            raise ParamError(f"bad --param {pair!r}: {e} (quote it to pass the text)") from None
    if raw.startswith("<") and raw.endswith(">") and len(raw) > 2:
        iri = raw[1:-1]
        if _BAD_IRI.search(iri) or ":" not in iri:
            raise ParamError(f"bad --param {pair!r}: {iri!r} is not an absolute IRI")
        return IRI(iri), raw
    if raw[:1] in ("[", "{"):
        try:
            return json.loads(raw), raw
        except ValueError as e:
            raise ParamError(f"bad --param {pair!r}: not valid JSON ({e})") from None
    prefix, colon, local = raw.partition(":")
    if colon and not local.startswith("//") and re.fullmatch(r"[A-Za-z][\w-]*", prefix):
        from graphkit.model import PREFIXES

        if prefix in PREFIXES and not _BAD_IRI.search(local):
            return IRI(PREFIXES[prefix] + local), raw
    return raw, raw
