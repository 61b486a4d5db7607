"""The report as JSON, valid against ``report.schema.json`` (see :mod:`graphkit.report.model`).

Compact (one line, the C encoder: a 100k-claim report is tens of megabytes); pipe it through
``python -m json.tool`` or ``jq`` to read it.
"""

from __future__ import annotations

import json

from graphkit.report.model import Report


def render(report: Report) -> str:
    text = json.dumps(report.to_dict(), ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text + "\n"
