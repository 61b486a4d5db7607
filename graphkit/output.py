"""Uniform output for every query command: ``table`` (rich), ``json`` or ``csv``.

CSV output is safe to open in a spreadsheet: a text cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return (which Excel, LibreOffice and Google Sheets would run as a
formula, e.g. ``=HYPERLINK("http://x")``) gets a leading ``'``. Numbers are left as they are.
Set ``GRAPHKIT_CSV_RAW=1`` (or pass ``raw=True`` to :func:`emit`) for the cells exactly as they
are in the data, e.g. when another program reads the CSV.
"""

from __future__ import annotations

import csv
import json
import os
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


#: First characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value, *, raw: bool = False) -> str:
    """A value as one CSV cell; text that a spreadsheet would run as a formula gets a ``'``.

    >>> print(csv_cell('=HYPERLINK("http://x")'), csv_cell(-3), csv_cell("-3", raw=True))
    '=HYPERLINK("http://x") -3 -3
    """
    text = cell(value)
    if raw or isinstance(value, int | float) or not text.startswith(FORMULA_PREFIXES):
        return text
    return "'" + text


def csv_raw() -> bool:
    """Is raw CSV output asked for (``GRAPHKIT_CSV_RAW`` set to anything but ``0``/empty)?"""
    return os.environ.get("GRAPHKIT_CSV_RAW", "") not in ("", "0")


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
    raw: bool | None = None,
) -> None:
    """Print ``rows`` (a list of dicts, or one dict shown as key/value pairs).

    ``raw`` (default: :func:`csv_raw`) turns off the CSV formula guard (:func:`csv_cell`).
    """
    fmt = Format(fmt)
    out = file or sys.stdout
    if fmt is Format.json:
        print(to_json(rows), file=out)
        return
    if isinstance(rows, dict):
        rows = [{"key": k, "value": v} for k, v in rows.items()]
    cols = list(columns or _columns(rows))
    if fmt is Format.csv:
        raw = csv_raw() if raw is None else raw
        w = csv.writer(out, lineterminator="\n")
        # csv quotes only the "\n" of the line terminator: a row with a bare "\r" is quoted whole
        quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
        lines: list[list] = [list(cols), *([r.get(c) for c in cols] for r in rows)]
        for row in lines:
            cells = [csv_cell(v, raw=raw) for v in row]
            (quoted if any("\r" in c for c in cells) else w).writerow(cells)
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(file=out, soft_wrap=False, highlight=False)
    grid = [[cell(r.get(c)) for c in cols] for r in rows]
    # Ids, numbers and URLs are never broken: a column of single words (or with a URL) does not
    # wrap, the others wrap at spaces. When the table cannot fit the terminal that way, each
    # row is printed as a block of ``key  value`` lines instead.
    by_column = [[c, *(row[i] for row in grid)] for i, c in enumerate(cols)]
    whole = [
        all(len(x.split()) <= 1 for x in col) or any("://" in x for x in col) for col in by_column
    ]
    need = [
        max(len(x) if keep else _longest_word(x) for x in col)
        for col, keep in zip(by_column, whole)
    ]
    if cols and sum(need) + 3 * len(cols) + 1 > console.width:
        _print_records(cols, grid, console.width, out, title)
        return
    natural = [max(len(x) for x in col) for col in by_column]
    if len(grid) > PLAIN_ROWS and sum(natural) + 2 * len(cols) <= console.width:
        _print_plain(cols, grid, natural, out, title)  # rich takes ~1 ms a row; this, ~1 µs
        return
    # Cells are Text objects: data is never read as Rich markup ("[a title]" stays visible).
    table = Table(title=Text(title) if title else None, show_lines=False, header_style="bold")
    for c, keep in zip(cols, whole):
        table.add_column(Text(c), no_wrap=keep, overflow="fold")
    for row in grid:
        table.add_row(*(Text(x) for x in row))
    console.print(table)


#: Above this many rows a table that fits unwrapped is printed as plain aligned columns.
PLAIN_ROWS = 200


def _print_plain(cols: list[str], grid: list[list[str]], widths: list[int], out, title) -> None:
    """Aligned columns without borders, for long tables that need no wrapping."""
    lines = [title, ""] if title else []
    lines.append("  ".join(c.ljust(w) for c, w in zip(cols, widths)).rstrip())
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(x.ljust(w) for x, w in zip(row, widths)).rstrip() for row in grid]
    out.write("\n".join(lines) + "\n")


def _longest_word(text: str) -> int:
    return max((len(w) for w in text.split()), default=0)


def _print_records(cols: list[str], grid: list[list[str]], width: int, out, title) -> None:
    """Rows too wide for a table: ``key  value`` lines per row, a blank line between rows;
    values wrap at spaces only (a URL or id stays whole on one line)."""
    import textwrap

    key_w = max(len(c) for c in cols)
    lines = [title, ""] if title else []
    for n, row in enumerate(grid):
        if n:
            lines.append("")
        for c, value in zip(cols, row):
            parts = textwrap.wrap(
                value,
                width=max(20, width - key_w - 2),
                break_long_words=False,
                break_on_hyphens=False,
            ) or [""]
            lines.append(f"{c:<{key_w}}  {parts[0]}".rstrip())
            lines += [" " * (key_w + 2) + x for x in parts[1:]]
    out.write("\n".join(lines) + "\n")


def _columns(rows: list[dict]) -> list[str]:
    cols: list[str] = []
    for r in rows:
        cols.extend(k for k in r if k not in cols)
    return cols
