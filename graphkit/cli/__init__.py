"""The ``graphkit`` command line: a thin layer over the Python API.

Every query command takes ``--format table|json|csv`` and ``--data PATH`` (extra RDF files or
folders; ``--no-bundled`` to use only those). Errors print a message and exit non-zero; set
``GRAPHKIT_DEBUG=1`` for a traceback. Commands live in the modules listed in
:data:`graphkit.cli.app.COMMANDS`, each imported only when one of its commands runs.
"""

from __future__ import annotations

import os
import sys

from graphkit.cli.app import app


def main() -> None:
    """Console entry point: unexpected errors print one line unless ``GRAPHKIT_DEBUG`` is set."""
    # No command does linear algebra; OpenBLAS's thread pool, started when numpy is imported,
    # costs ~0.05 CPU seconds per start (BENCHMARKS.md, Start-up). The user's setting wins.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    try:
        app()
    except Exception as e:  # noqa: BLE001
        if os.environ.get("GRAPHKIT_DEBUG"):
            raise
        print(
            f"internal error: {type(e).__name__}: {e} (set GRAPHKIT_DEBUG=1 for details)",
            file=sys.stderr,
        )
        sys.exit(2)


__all__ = ["app", "main"]
