"""The README's examples run: read-only commands on the bundled data, and the Python snippet."""

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graphkit.cli import app

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(\w*)\n(.*?)```", README, flags=re.S)
READ_ONLY = {
    "path",
    "show",
    "neighbors",
    "timeline",
    "search",
    "stats",
    "validate",
    "ask",
    "sparql",
}


def commands() -> list[str]:
    out = []
    for _, block in BLOCKS:
        for line in block.splitlines():
            line = line.split("  #")[0].strip()
            skip = ("|", "my-", "imports/", "neo4j")  # placeholders, or state the test lacks
            if not line.startswith("graphkit ") or any(x in line for x in skip):
                continue
            args = shlex.split(line)[1:]
            if args and args[0] in READ_ONLY:
                out.append(line)
    return out


@pytest.mark.parametrize("line", commands())
def test_readme_command_runs(line):
    r = CliRunner().invoke(app, shlex.split(line)[1:])
    assert r.exit_code == 0, f"{line}\n{r.output}"


def test_readme_python_example_runs(capsys):
    [code] = [b for lang, b in BLOCKS if lang == "python"]
    exec(compile(code, "README.md", "exec"), {})
    assert "http" in capsys.readouterr().out


def test_there_are_examples():
    assert len(commands()) >= 8
