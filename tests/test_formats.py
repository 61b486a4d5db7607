"""The one table of RDF formats agrees with pyoxigraph and has no clashes."""

import pyoxigraph as ox
import pytest

from graphkit import formats
from graphkit.formats import FORMATS


@pytest.mark.parametrize("f", FORMATS, ids=lambda f: f.name)
def test_each_format_matches_pyoxigraph(f):
    fmt = f.ox()
    assert isinstance(fmt, ox.RdfFormat)
    assert f.media_type == fmt.media_type
    assert f.named_graphs == fmt.supports_datasets
    assert f".{fmt.file_extension}" in f.suffixes


def test_names_suffixes_and_media_types_are_unique():
    names = [f.name for f in FORMATS]
    suffixes = [s for f in FORMATS for s in f.suffixes]
    media = [m for f in FORMATS for m in f.media_types]
    assert len(set(names)) == len(names)
    assert len(set(suffixes)) == len(suffixes) and all(s == s.lower() for s in suffixes)
    assert len(set(media)) == len(media)
    assert formats.by_suffix(".TTL") is formats.by_name("ttl")
    assert formats.by_suffix(".csv") is None
    assert set(formats.suffixes()) == set(suffixes)
