"""EFF Atlas of Surveillance exports (built-in mapping ``mappings/atlas.yaml``).

Products are modelled per (vendor, technology), for example "Axon Body-worn Cameras", with
``usedBy`` the agency; rows naming no vendor share one product per technology ("Body-worn Cameras
(vendor not named)"). Technologies map to ``tech:`` concepts through the taxonomy's altLabels.
"""

from __future__ import annotations

from pathlib import Path

from graphkit.importers import ImportResult, detect, import_csv
from graphkit.importers.mapping import Mapping


def mapping_for(path: str | Path) -> Mapping:
    return detect(Path(path), ["atlas"])


def import_atlas(path: str | Path, **kw) -> ImportResult:
    """Import an Atlas of Surveillance CSV; keywords as :func:`import_csv`."""
    return import_csv(path, mapping_for(path), **kw)
