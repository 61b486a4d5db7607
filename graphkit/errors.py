"""Errors that graphkit reports to users as a message, not a traceback."""

from __future__ import annotations

from pathlib import Path


class GraphkitError(Exception):
    """Base class: the message is meant for the user."""


class DataError(GraphkitError):
    """Bad input data: names the file and, when known, the line."""

    def __init__(self, message: str, *, path: Path | None = None, line: int | None = None):
        super().__init__(message)
        self.path = path
        self.line = line


class ValidationError(GraphkitError):
    """The dataset breaks the SHACL shapes or has dangling references."""

    def __init__(self, report):
        super().__init__(report.text())
        self.report = report


class EntityNotFound(GraphkitError):
    def __init__(self, query: str, suggestions: list[str]):
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"No entity matches {query!r}.{hint}")
        self.query = query
        self.suggestions = suggestions


class AmbiguousEntity(GraphkitError):
    def __init__(self, query: str, candidates: list[tuple[str, str]]):
        lines = "\n".join(f"  {cid}  {name}" for cid, name in candidates)
        super().__init__(f"{query!r} matches several entities; use an id:\n{lines}")
        self.query = query
        self.candidates = candidates
