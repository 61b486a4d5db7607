"""How query commands read: the shared option bundle, the claim-line renderer, wide tables."""

import io
import json

import pytest
from helpers import MINI
from typer.testing import CliRunner

from graphkit.cli import app
from graphkit.cli.app import COMMANDS
from graphkit.cli.render import claim_line, neighbor_lines, relation, timeline_lines
from graphkit.output import emit

FIX = ["--no-bundled", "--data", str(MINI)]
runner = CliRunner()
HOSTS = "Acme Cloud Ltd. -[HOSTS]-> Borealis Analytics (reported"


def run(*args, columns=100):
    return runner.invoke(app, [*args, *FIX], env={"COLUMNS": str(columns)})


def _command(*path):
    import typer.main

    cmd = typer.main.get_command(app)
    for name in path:
        cmd = cmd.get_command(None, name)
    return cmd


def _options(*path) -> set[str]:
    return {o for p in _command(*path).params for o in getattr(p, "opts", [])}


def test_show_timeline_neighbors_share_one_option_bundle():
    bundle = {"--type", "--status", "--min-status", "--as-of", "--format", "--data", "--bundled"}
    for name in ("show", "timeline", "neighbors"):
        assert bundle <= _options(name), name
        (arg,) = [p for p in _command(name).params if p.param_type_name == "argument"]
        assert arg.name == "entity"


def test_every_claim_reads_the_same_in_show_path_and_timeline():
    show, path, timeline = (
        run("show", "acme-cloud"),
        run("path", "ACL", "FEA"),
        run("timeline", "ACL"),
    )
    for r in (show, path, timeline):
        assert r.exit_code == 0, r.output
        assert HOSTS in r.stdout
    assert relation("A", "T", "B", "x") == "A -[T]-> B (x)"
    c = {"source": "a", "target": "b", "type": "OWNS", "status": "confirmed", "start": "2019"}
    assert claim_line(str.upper, c) == "A -[OWNS]-> B (confirmed, since 2019)"


@pytest.mark.parametrize("name", ["show", "timeline"])
def test_type_and_status_narrow_show_and_timeline(name):
    every = json.loads(run(name, "borealis", "-f", "json").stdout)
    hosts = json.loads(run(name, "borealis", "-f", "json", "--type", "hosts").stdout)
    claims = (lambda x: x["claims"]) if name == "show" else (lambda x: x)
    assert {c["type"] for c in claims(every)} == {"HOSTS", "SUPPLIES"}
    assert {c["type"] for c in claims(hosts)} == {"HOSTS"}
    strong = json.loads(run(name, "borealis", "-f", "json", "--min-status", "confirmed").stdout)
    assert {c["status"] for c in claims(strong)} == {"confirmed"}
    none = json.loads(run(name, "borealis", "-f", "json", "--status", "denied").stdout)
    assert claims(none) == []


def test_neighbors_header_counts_hops_in_words():
    r = run("neighbors", "borealis")
    assert r.stdout.startswith("2 entities within 1 hop of Borealis Analytics:")
    assert "1 hops" not in r.stdout
    rows = [
        {"distance": d, "via": "-[X]->", "name": f"n{d}", "labels": "L", "id": f"i{d}"}
        for d in (1, 2)
    ]
    assert neighbor_lines(rows, w=80) == [
        "1 hop away (1):",
        "  -[X]-> n1 [L]  i1",
        "2 hops away (1):",
        "  -[X]-> n2 [L]  i2",
    ]


def test_timeline_lines_wrap_under_the_date():
    rows = [
        {
            "date": "2019",
            "event": "began",
            "from": "A " * 30,
            "type": "T",
            "to": "B",
            "status": "confirmed",
            "detail": "",
        }
    ]
    lines = timeline_lines(rows, w=60)
    assert lines[0].startswith("2019        began: A A") and len(lines) > 1
    assert all(x.startswith(" " * 12) for x in lines[1:]) and all(len(x) <= 60 for x in lines)


QUERY_COMMANDS = [
    ("path",),
    ("show",),
    ("timeline",),
    ("neighbors",),
    ("search",),
    ("stats",),
    ("validate",),
    ("ask",),
    ("cypher",),
    ("resolve",),
    ("neo4j", "stats"),
]


@pytest.mark.parametrize("path", QUERY_COMMANDS)
def test_every_query_command_prints_table_json_and_csv(path):
    (fmt,) = [p for p in _command(*path).params if "--format" in getattr(p, "opts", [])]
    choices = {getattr(c, "value", c) for c in fmt.type.choices}  # click's Choice, any Typer
    assert {"table", "json", "csv"} <= choices


def test_query_commands_are_all_in_the_registry():
    assert {p[0] for p in QUERY_COMMANDS} <= set(COMMANDS)


# -- wide tables -------------------------------------------------------------------------------

URL = "https://example.org/a/very/long/path/that/must/stay/whole/on/one/line/0123456789"
WIDE = [
    {
        "id": "org/some-long-identifier-that-must-not-break",
        "name": "A name with words " * 3,
        "url": URL,
        "note": "[bold]not markup[/bold]",
    },
]


def _emit(rows, columns: int, monkeypatch) -> str:
    monkeypatch.setenv("COLUMNS", str(columns))
    buf = io.StringIO()
    emit(rows, "table", file=buf)
    return buf.getvalue()


@pytest.mark.parametrize("columns", [60, 80, 120, 200])
def test_tables_never_break_ids_or_urls_and_never_read_markup(columns, monkeypatch):
    out = _emit(WIDE, columns, monkeypatch)
    assert "org/some-long-identifier-that-must-not-break" in out
    assert URL in out
    assert "[bold]not markup[/bold]" in out
    if columns < 200:  # too wide for a table: one "key  value" line per field
        assert out.splitlines()[0].split() == ["id", "org/some-long-identifier-that-must-not-break"]
    else:
        assert all(len(x) <= columns for x in out.splitlines())


def test_a_table_that_fits_wraps_text_at_spaces_only(monkeypatch):
    rows = [
        {"id": f"org/x-{i}", "name": "Federal Enforcement Agency of Somewhere"} for i in range(3)
    ]
    out = _emit(rows, 40, monkeypatch)
    assert "org/x-0" in out and "Enforcement" in out and "Somewhere" in out
    assert all(len(x) <= 40 for x in out.splitlines())


@pytest.mark.parametrize("columns", [80, 120])
def test_search_reads_whole_at_any_width(columns):
    r = runner.invoke(app, ["search", "police"], env={"COLUMNS": str(columns)})
    assert r.exit_code == 0, r.output
    ids = [
        x["id"] for x in json.loads(runner.invoke(app, ["search", "police", "-f", "json"]).stdout)
    ]
    assert ids and all(i in r.stdout for i in ids)
    assert all(len(x) <= columns for x in r.stdout.splitlines())


@pytest.mark.parametrize("columns", [80, 120])
def test_path_lines_fit_the_terminal_except_urls(columns):
    r = runner.invoke(app, ["path", "AWS", "ICE"], env={"COLUMNS": str(columns)})
    assert r.exit_code == 0, r.output
    assert "(1 hop, " in r.stdout and "1 hops" not in r.stdout
    long = [x for x in r.stdout.splitlines() if len(x) > columns]
    assert all(x.strip().startswith("http") and " " not in x.strip() for x in long)


def test_timeline_gives_each_source_its_url_on_its_own_line():
    r = run("timeline", "borealis", columns=60)
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    i = next(n for n, x in enumerate(lines) if x.startswith("2019-05-02  source published:"))
    assert "https://example.org/acme/borealis-migrates" in [x.strip() for x in lines[i:]]
