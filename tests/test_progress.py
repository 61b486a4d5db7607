"""The one progress reporter (graphkit/progress.py) and the commands that use it."""

import io
import shutil

import pytest
from helpers import MINI
from typer.testing import CliRunner

from graphkit import progress
from graphkit.cli import app
from graphkit.store import Dataset


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("value, expected", [("1", True), ("yes", True), ("0", False)])
def test_wanted_follows_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv("GRAPHKIT_PROGRESS", value)
    assert progress.wanted() is expected


def test_not_wanted_when_stderr_is_not_a_terminal(monkeypatch):
    monkeypatch.delenv("GRAPHKIT_PROGRESS", raising=False)
    assert progress.wanted() is False  # pytest captures stderr: not a terminal


def test_hidden_reporter_prints_nothing_and_still_counts(capsys):
    with progress.bar("Parsing", 10, show=False) as p:
        p.advance(4)
        p.update(7)
    assert p.done == 7
    assert capsys.readouterr() == ("", "")


def test_plain_lines_off_a_terminal_go_to_stderr_only(capsys, monkeypatch):
    monkeypatch.setattr(progress, "INTERVAL", 0.0)
    with progress.bar("Importing x.csv", 4, show=True) as p:
        p.advance(2)
        p.advance(2)
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert lines[0].startswith("Importing x.csv: 2 of 4 (50%)")
    assert lines[-1].startswith("Importing x.csv: 4 of 4 (100%), done in ")


def test_a_bar_on_a_terminal_is_drawn_and_then_removed():
    tty = Tty()
    with progress.bar("Loading into Neo4j", 3, show=True, file=tty) as p:
        p.advance(3)
    assert "Loading into Neo4j" in tty.getvalue()


def test_track_yields_every_item():
    assert list(progress.track([1, 2, 3], "x", show=False)) == [1, 2, 3]


def test_dataset_load_reports_parsing_when_asked(capsys, tmp_path):
    other = tmp_path / "b.ttl"
    shutil.copy(MINI, other)
    ds = Dataset.load([MINI, other], bundled=False, progress=True)
    n = len(ds.files)  # the ontology files and the two given
    assert n >= 2
    out, err = capsys.readouterr()
    assert out == "" and f"Parsing: {n} of {n} (100%), done in" in err


def test_import_command_reports_progress_on_stderr_when_asked(tmp_path):
    from pathlib import Path

    shared = Path(__file__).resolve().parents[1].parent / "shared" / "data"
    atlas = sorted(shared.glob("*atlas*.csv"))
    if not atlas:
        pytest.skip("no Atlas CSV in the shared data")
    r = CliRunner().invoke(
        app,
        ["import", "atlas", str(atlas[0]), "--out", str(tmp_path), "--skip-bad"],
        env={"GRAPHKIT_PROGRESS": "1"},
    )
    assert r.exit_code == 0, r.output
    assert f"Importing {atlas[0].name} (lines): " in r.stderr
    assert "Importing" not in r.stdout
