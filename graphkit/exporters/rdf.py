"""RDF exports of the dataset behind a Graph (the curated files plus the user's, no derived
triples): Turtle, N-Triples, JSON-LD."""

from __future__ import annotations

from graphkit.exporters.base import Exporter, ExportError, register
from graphkit.formats import by_name


class RdfExporter(Exporter):
    """An RDF syntax of :data:`graphkit.formats.FORMATS`: suffix and media type come from
    that table (subclasses name the format and describe it)."""

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        f = by_name(cls.name)
        cls.suffix, cls.media_type = f.suffixes[0], f.media_type

    def chunks(self, source):
        dataset = getattr(source, "dataset", None)
        if dataset is None:
            raise ExportError(f"{self.name} needs a graph loaded from RDF (graphkit.load())")
        yield dataset.serialize(self.name)


@register
class Turtle(RdfExporter):
    name = "ttl"
    description = "RDF Turtle"


@register
class NTriples(RdfExporter):
    name = "nt"
    description = "RDF N-Triples"


@register
class JsonLd(RdfExporter):
    name = "jsonld"
    description = "RDF JSON-LD"
