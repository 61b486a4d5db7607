"""The ``graphkit`` command line: a thin layer over the Python API.

Every query command takes ``--format table|json|csv`` and ``--data PATH`` (extra RDF files or
folders; ``--no-bundled`` to use only those). Errors print a message and exit non-zero; set
``GRAPHKIT_DEBUG=1`` for a traceback. Each module of this package registers its commands on
:data:`app` when imported.
"""

from __future__ import annotations

import os
import sys

import typer

# Further command modules register here, one import per line:
from graphkit.cli import (
    core,  # noqa: F401  (registers commands)
    imports,  # noqa: F401,E402
    neo4j,  # noqa: F401,E402
    report,  # noqa: F401,E402
    sparql,  # noqa: F401,E402
    viz,  # noqa: F401,E402
)
from graphkit.cli.common import app


def main() -> None:
    """Console entry point: unexpected errors print one line unless ``GRAPHKIT_DEBUG`` is set."""
    try:
        app()
    except Exception as e:  # noqa: BLE001
        if os.environ.get("GRAPHKIT_DEBUG"):
            raise
        typer.echo(
            f"internal error: {type(e).__name__}: {e} (set GRAPHKIT_DEBUG=1 for details)", err=True
        )
        sys.exit(2)


__all__ = ["app", "main"]
