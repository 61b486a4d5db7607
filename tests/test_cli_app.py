"""The command registry (graphkit/cli/app.py): lazy loading, help for every command and option."""

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from graphkit.cli import app
from graphkit.cli.app import COMMANDS, load_all

runner = CliRunner()


def _click_commands(cmd, prefix: tuple = ()):
    """``(path, command)`` for ``cmd`` and every command under it (typer's own click classes:
    duck-typed, the groups have ``list_commands``)."""
    yield prefix, cmd
    if hasattr(cmd, "list_commands"):
        for name in cmd.list_commands(None):
            yield from _click_commands(cmd.get_command(None, name), (*prefix, name))


def test_top_level_help_lists_every_command_with_its_one_line_help():
    r = runner.invoke(app, ["--help"], env={"COLUMNS": "100"})
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    for entry in COMMANDS.values():
        assert any(line.split() == [entry.name, *entry.help.split()] for line in lines), entry.name
    assert "--version" in r.stdout


def test_help_imports_no_command_module():
    code = (
        "import sys\n"
        "sys.argv = ['graphkit', '--help']\n"
        "from graphkit.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('graphkit.')))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "path" in r.stdout and "neighbors" in r.stdout
    loaded = eval(r.stdout.strip().splitlines()[-1])  # noqa: S307 (our own repr of a list)
    assert loaded == ["graphkit.cli", "graphkit.cli.app"]
    for heavy in ("networkx", "pyoxigraph", "rich", "graphkit.output"):
        assert heavy not in r.stdout


def test_path_from_the_cache_imports_neither_pydantic_nor_networkx(bundled_graph):
    """``graphkit path AWS ICE`` once the bundled data is cached (``bundled_graph`` cached it in
    the session's cache folder), in a fresh process: typer without pydantic (typer 0.29 imports
    it as soon as a command runs; pyproject.toml pins typer below 0.29), the columns without
    networkx, plain text without rich, and no projection (the cache was read)."""
    code = (
        "import sys\n"
        "sys.argv = ['graphkit', 'path', 'AWS', 'ICE']\n"
        "from graphkit.cli import main\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "print(sorted(sys.modules))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "Amazon Web Services, Inc." in r.stdout
    loaded = set(eval(r.stdout.strip().splitlines()[-1]))  # noqa: S307 (our own repr of a list)
    assert "graphkit.cli.core" in loaded and "graphkit.projection" not in loaded
    assert {m.split(".")[0] for m in loaded}.isdisjoint({"pydantic", "networkx", "rich"})


def test_registry_and_registered_commands_agree():
    load_all()
    from typer.main import get_command_name

    registered = {i.name or get_command_name(i.callback.__name__) for i in app.registered_commands}
    registered |= {g.name for g in app.registered_groups}
    assert registered == set(COMMANDS)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_help_works_and_every_option_has_help(name):
    r = runner.invoke(app, [name, "--help"], env={"COLUMNS": "100"})
    assert r.exit_code == 0, r.output
    assert "Usage: " in r.stdout and "Traceback" not in r.output
    group = __import__("typer").main.get_command(app)
    top = group.get_command(None, name)
    assert top.short_help == COMMANDS[name].help
    checked = 0
    for path, cmd in _click_commands(top, (name,)):
        assert cmd.help, f"{' '.join(path)} has no help text"
        text = sub_help(path)
        for p in cmd.params:
            if p.param_type_name == "option":
                assert p.help, f"{' '.join(path)} {p.opts[0]} has no help text"
                assert p.opts[0] in text, f"{' '.join(path)}: {p.opts[0]} not in --help"
                checked += 1
    assert checked


def sub_help(path: tuple) -> str:
    r = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "100"})
    assert r.exit_code == 0, r.output
    return r.stdout


@pytest.mark.parametrize("module", ["graphkit", "graphkit.cli"])
def test_version_from_python_m(module):
    r = subprocess.run(
        [sys.executable, "-m", module, "--version"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0 and r.stdout.startswith("graphkit ")


def test_unknown_command_is_a_one_line_error():
    r = runner.invoke(app, ["nosuch"])
    assert r.exit_code == 2 and "No such command" in r.output and "Traceback" not in r.output
    r = runner.invoke(app, ["shwo", "x"])
    assert r.exit_code == 2 and "Did you mean 'show'?" in r.output
