"""The report as JSON, valid against ``report.schema.json`` (see :mod:`graphkit.report.model`).

Compact (one line, the C encoder: a 100k-claim report is tens of megabytes); pipe it through
``python -m json.tool`` or ``jq`` to read it. The encoder walks the report's dataclasses
itself (each one's fields are its instance dictionary), which gives the same text as
``json.dumps(report.to_dict())`` without building the intermediate dictionaries.
"""

from __future__ import annotations

import json

from graphkit.report.model import Report, paused_gc


def _fields(o) -> dict:
    try:
        return o.__dict__  # a report dataclass: exactly its fields, in order
    except AttributeError:
        raise TypeError(f"{type(o).__name__} is not JSON serialisable") from None


def render(report: Report) -> str:
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
