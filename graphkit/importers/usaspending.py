"""USAspending.gov contract downloads: prime award summaries and subawards.

Both are built-in mappings (``mappings/usaspending-prime.yaml``, ``usaspending-subawards.yaml``);
which one applies is detected from the header.
"""

from __future__ import annotations

from pathlib import Path

from graphkit.importers import ImportResult, detect, import_csv
from graphkit.importers.mapping import Mapping

KINDS = ["usaspending-prime", "usaspending-subawards"]


def mapping_for(path: str | Path) -> Mapping:
    """The prime-award or the subaward mapping, by the file's header."""
    return detect(Path(path), KINDS)


def import_usaspending(path: str | Path, **kw) -> ImportResult:
    """Import a USAspending contracts download; keywords as :func:`import_csv`."""
    return import_csv(path, mapping_for(path), **kw)
