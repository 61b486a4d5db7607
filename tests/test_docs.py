"""The generated API reference builds (pdoc) and documents the public API."""

import subprocess
import sys

import pytest

#: the public API, documented (the CLI is documented by its --help)
MODULES = [
    "graphkit",
    "graphkit.graph",
    "graphkit.paths",
    "graphkit.lookup",
    "graphkit.model",
    "graphkit.projection",
    "graphkit.backends",
    "graphkit.exporters",
    "graphkit.store",
    "graphkit.sparql",
    "graphkit.queries",
]


@pytest.mark.slow  # pdoc imports and renders every module (about 10 s of CPU)
def test_api_reference_builds(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "pdoc", "-o", str(tmp_path), *MODULES],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    graph = (tmp_path / "graphkit" / "graph.html").read_text(encoding="utf-8")
    for member in ("Graph.path", "Graph.find", "load", "PathResult"):  # documented, linkable
        assert f'id="{member}"' in graph, member
    assert "trace" in graph and "PathResult" in graph
    assert (tmp_path / "graphkit" / "backends.html").is_file()
    assert (tmp_path / "graphkit" / "paths.html").is_file()


def test_readme_table_names_every_module():
    """The README's "What is in it" tables name every module and package of graphkit."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme.split("## What is in it", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`([\w/.*]+)`", section))
    pkg = root / "graphkit"
    missing = []
    for path in sorted(pkg.rglob("*")):
        rel = path.relative_to(pkg)
        if "__pycache__" in rel.parts or rel.name.startswith("__"):
            continue
        if path.is_dir() and ((path / "__init__.py").is_file() or rel.name == "templates"):
            name = rel.name + "/"
        elif path.suffix == ".py":
            name = path.stem
        else:
            continue
        if name not in named:
            missing.append(str(rel))
    assert not missing, f"README 'What is in it' does not name: {missing}"
