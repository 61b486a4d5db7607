"""Uniform output for every query command: ``table`` (rich), ``json`` or ``csv``."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable
from enum import Enum


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


def cell(value) -> str:
    """A value as one table or CSV cell (lists joined with '; ')."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(cell(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def to_json(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=_default)


def _default(o):
    if isinstance(o, set | frozenset | tuple):
        return sorted(o) if isinstance(o, set | frozenset) else list(o)
    if hasattr(o, "__dict__"):
        return o.__dict__
    return str(o)


def emit(
    rows: list[dict] | dict,
    fmt: Format | str,
    *,
    columns: Iterable[str] | None = None,
    title: str | None = None,
    file=None,
) -> None:
    """Print ``rows`` (a list of dicts, or one dict shown as key/value pairs)."""
    fmt = Format(fmt)
    out = file or sys.stdout
    if fmt is Format.json:
        print(to_json(rows), file=out)
        return
    if isinstance(rows, dict):
        rows = [{"key": k, "value": v} for k, v in rows.items()]
    cols = list(columns or _columns(rows))
    if fmt is Format.csv:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(cols)
        for r in rows:
            w.writerow([cell(r.get(c)) for c in cols])
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # Cells are Text objects: data is never read as Rich markup ("[a title]" stays visible).
    table = Table(title=Text(title) if title else None, show_lines=False, header_style="bold")
    for c in cols:
        table.add_column(Text(c), overflow="fold")
    for r in rows:
        table.add_row(*(Text(cell(r.get(c))) for c in cols))
    Console(file=out, soft_wrap=False, highlight=False).print(table)


def _columns(rows: list[dict]) -> list[str]:
    cols: list[str] = []
    for r in rows:
        cols.extend(k for k in r if k not in cols)
    return cols
