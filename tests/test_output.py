"""graphkit.output: CSV cells that a spreadsheet would run as formulas are neutralised."""

import csv
import io

from helpers import MINI, write
from typer.testing import CliRunner

from graphkit.cli import app
from graphkit.output import emit

EVIL = '=HYPERLINK("http://x")'
ROWS = [
    {"name": EVIL, "n": -3, "f": 1.5},
    {"name": "+1", "n": 2, "f": -0.5},
    {"name": "-x", "n": 0, "f": 0.0},
    {"name": "@SUM(A1)", "n": 1, "f": 2.0},
    {"name": "\tx", "n": 1, "f": 2.0},
    {"name": "\rx", "n": 1, "f": 2.0},
    {"name": 'plain; with "quotes"', "n": 1, "f": 2.0},
]


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def render(**kw) -> str:
    buf = io.StringIO()
    emit(ROWS, "csv", file=buf, **kw)
    return buf.getvalue()


def test_formula_prefixes_are_neutralised(monkeypatch):
    monkeypatch.delenv("GRAPHKIT_CSV_RAW", raising=False)
    got = rows_of(render())
    assert got[0] == ["name", "n", "f"]
    assert [r[0] for r in got[1:]] == [
        "'" + EVIL, "'+1", "'-x", "'@SUM(A1)", "'\tx", "'\rx", 'plain; with "quotes"'
    ]  # fmt: skip
    assert [r[1] for r in got[1:3]] == ["-3", "2"]  # numbers stay numbers
    assert got[2][2] == "-0.5"


def test_raw_output_by_option_and_environment(monkeypatch):
    monkeypatch.delenv("GRAPHKIT_CSV_RAW", raising=False)
    assert rows_of(render(raw=True))[1][0] == EVIL
    monkeypatch.setenv("GRAPHKIT_CSV_RAW", "1")
    assert rows_of(render())[1][0] == EVIL
    monkeypatch.setenv("GRAPHKIT_CSV_RAW", "0")
    assert rows_of(render())[1][0] == "'" + EVIL


def test_cli_csv_of_data_holding_a_formula(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("GRAPHKIT_CSV_RAW", raising=False)
    f = write(
        tmp_path / "evil.ttl",
        'ido:evil-co a gk:Company ; schema:name "=HYPERLINK(\\"http://x\\")" .\n',
    )
    args = ["search", "HYPERLINK", "--no-bundled", "--data", str(MINI), "--data", str(f)]
    r = CliRunner().invoke(app, [*args, "-f", "csv"])
    assert r.exit_code == 0, r.output
    got = {row[0]: row for row in rows_of(r.stdout)}
    assert got["org/evil-co"][1] == "'" + EVIL
    monkeypatch.setenv("GRAPHKIT_CSV_RAW", "1")
    r = CliRunner().invoke(app, [*args, "-f", "csv"])
    assert {row[0]: row for row in rows_of(r.stdout)}["org/evil-co"][1] == EVIL


def test_long_tables_print_as_plain_aligned_columns(monkeypatch):
    """Past PLAIN_ROWS rows a table that fits is written without rich (whose per-row cost made
    `ask` on the bundled data take seconds); every row is there, markup-looking data verbatim."""
    from graphkit import output

    monkeypatch.setenv("COLUMNS", "160")
    n = output.PLAIN_ROWS + 50
    rows = [{"id": f"org/v-{i}", "name": f"[Vendor] {i}", "amount": i * 10} for i in range(n)]
    buf = io.StringIO()
    emit(rows, "table", file=buf)
    lines = buf.getvalue().splitlines()
    assert lines[0].split() == ["id", "name", "amount"]
    assert len(lines) == n + 2
    assert lines[2 + 7].split() == ["org/v-7", "[Vendor]", "7", "70"]
    assert len({line.index("[Vendor]") for line in lines[2:]}) == 1  # one aligned column
