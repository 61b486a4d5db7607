"""The report as JSON, valid against ``report.schema.json`` (see :mod:`graphkit.report.model`)."""

from __future__ import annotations

import json

from graphkit.report.model import Report


def render(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
