"""The README's examples run: read-only commands on the bundled data, and the Python snippet."""

import re
import shlex
from pathlib import Path

import pytest

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


def cases() -> list:
    """Each command on the curated data alone (GRAPHKIT_SOURCES=none: well under a second), and
    on every bundled source as the README shows it, which is slow (up to 16 s of CPU: the whole
    store parsed, thousands of rows printed, or its embedded Cypher database built)."""
    out = []
    for line in commands():
        out.append(pytest.param(line, "none", id=f"{line} (curated)"))
        out.append(pytest.param(line, None, marks=[pytest.mark.slow], id=line))
    return out


@pytest.mark.parametrize("line, sources", cases())
def test_readme_command_runs(line, sources, invoke_once):
    env = {"GRAPHKIT_SOURCES": sources} if sources else {}
    r = invoke_once(shlex.split(line)[1:], env=env)  # read-only: other tests may share it
    assert r.exit_code == 0, f"{line}\n{r.output}"


@pytest.mark.slow  # g.at() re-projects the whole graph and its SPARQL dataset (~4 s of CPU)
def test_readme_python_example_runs(capsys):
    [code] = [b for lang, b in BLOCKS if lang == "python"]
    exec(compile(code, "README.md", "exec"), {})
    assert "http" in capsys.readouterr().out


def test_there_are_examples():
    assert len(commands()) >= 8
