"""Progress on stderr for long steps (parse, import, Neo4j load, layout): one reporter for all.

Shown only when asked: the Python API shows nothing unless a function gets ``progress=True``;
the command line asks when stderr is a terminal, or always with ``GRAPHKIT_PROGRESS=1`` (never
with ``GRAPHKIT_PROGRESS=0``), see :func:`wanted`. On a terminal it is a rich bar that disappears
when the step ends; otherwise (a log file, CI) a plain line every few seconds and one at the
end. Nothing is ever written to stdout.

>>> with bar("Parsing", total=3, show=False) as p:
...     p.advance(3)
>>> p.done
3
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from typing import TextIO, TypeVar

T = TypeVar("T")

#: Seconds between the plain lines written when stderr is not a terminal.
INTERVAL = 5.0


def wanted() -> bool:
    """Whether a command should show progress: ``GRAPHKIT_PROGRESS`` (1/0) if set, else
    whether stderr is a terminal."""
    env = os.environ.get("GRAPHKIT_PROGRESS", "").strip().lower()
    if env in ("1", "true", "yes", "on"):
        return True
    if env in ("0", "false", "no", "off"):
        return False
    return sys.stderr.isatty()


class Reporter:
    """Counts work done towards ``total`` (None: unknown) and shows it if ``show``."""

    def __init__(self, label: str, total: int | None, show: bool, file: TextIO | None = None):
        self.label, self.total, self.show, self.done = label, total, show, 0
        self._file = file
        self._rich = None
        self._start = self._last = time.monotonic()
        if show and self.file.isatty():
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._rich = Progress(
                TextColumn("{task.description}", markup=False),  # a file name is not markup
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=Console(file=self.file),
                transient=True,
            )
            self._task = self._rich.add_task(label, total=total)
            self._rich.start()

    @property
    def file(self) -> TextIO:
        return self._file or sys.stderr  # looked up late: tests and redirections replace it

    def advance(self, n: int = 1) -> None:
        self.update(self.done + n)

    def update(self, done: int) -> None:
        self.done = done
        if not self.show:
            return
        if self._rich is not None:
            self._rich.update(self._task, completed=done)
            return
        now = time.monotonic()
        if now - self._last >= INTERVAL:
            self._last = now
            self._line(f"{self._count()} ({now - self._start:.0f} s)")

    def close(self) -> None:
        if self._rich is not None:
            self._rich.stop()
        elif self.show:
            self._line(f"{self._count()}, done in {time.monotonic() - self._start:.1f} s")

    def _count(self) -> str:
        if self.total:
            return f"{self.done:,} of {self.total:,} ({100 * self.done / self.total:.0f}%)"
        return f"{self.done:,}"

    def _line(self, text: str) -> None:
        print(f"{self.label}: {text}", file=self.file, flush=True)


@contextlib.contextmanager
def bar(
    label: str, total: int | None = None, *, show: bool, file: TextIO | None = None
) -> Iterator[Reporter]:
    """A :class:`Reporter` for the ``with`` block; it is closed (the bar removed) at the end."""
    reporter = Reporter(label, total, show, file)
    try:
        yield reporter
    finally:
        reporter.close()


def track(items: list[T], label: str, *, show: bool) -> Iterator[T]:
    """Yield ``items``, advancing a reporter by one for each (none for fewer than two)."""
    if not show or len(items) < 2:
        yield from items
        return
    with bar(label, len(items), show=True) as p:
        for item in items:
            yield item
            p.advance()


@contextlib.contextmanager
def status(text: str, *, show: bool) -> Iterator[None]:
    """A spinner with ``text`` on a terminal (a line elsewhere) while a step of unknown length
    runs."""
    if not show:
        yield
        return
    if not sys.stderr.isatty():
        print(f"{text}…", file=sys.stderr, flush=True)
        yield
        return
    from rich.console import Console
    from rich.text import Text

    with Console(stderr=True).status(Text(text)):  # the text is never read as markup
        yield
