"""The report as JSON, valid against ``report.schema.json`` (see :mod:`graphkit.report.model`).

Compact (one line: a 100k-claim report is tens of megabytes); pipe it through ``python -m
json.tool`` or ``jq`` to read it. The encoder walks the report's dataclasses itself (each one's
fields are its instance dictionary), which gives the same text as
``json.dumps(report.to_dict(), separators=(",", ":"), ensure_ascii=False)`` without building the
intermediate dictionaries: orjson when it is installed (it encodes dataclasses natively, ten
times faster at 100k claims; the same bytes), else the standard library's C encoder calling
back for each dataclass.
"""

from __future__ import annotations

import json

from graphkit.report.model import Report, paused_gc

try:
    import orjson
except ImportError:  # pragma: no cover - the standard library does the same, slower
    orjson = None  # type: ignore[assignment]


def _fields(o) -> dict:
    try:
        return o.__dict__  # a report dataclass: exactly its fields, in order
    except AttributeError:
        raise TypeError(f"{type(o).__name__} is not JSON serialisable") from None


def render(report: Report) -> str | bytes:
    if orjson is not None:
        return orjson.dumps(report) + b"\n"
    with paused_gc():
        text = json.dumps(
            report,
            default=_fields,
            ensure_ascii=False,
            allow_nan=False,
            separators=(",", ":"),
            check_circular=False,  # a report is a tree with shared leaves, never a cycle
        )
    return text + "\n"
