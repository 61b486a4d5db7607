"""RDF exports of the dataset behind a Graph (the curated files plus the user's, no derived
triples): Turtle, N-Triples, JSON-LD."""

from __future__ import annotations

from graphkit.exporters.base import Exporter, ExportError, register


class RdfExporter(Exporter):
    def chunks(self, source):
        dataset = getattr(source, "dataset", None)
        if dataset is None:
            raise ExportError(f"{self.name} needs a graph loaded from RDF (graphkit.load())")
        yield dataset.serialize(self.name)


@register
class Turtle(RdfExporter):
    name = "ttl"
    suffix = ".ttl"
    media_type = "text/turtle"
    description = "RDF Turtle"


@register
class NTriples(RdfExporter):
    name = "nt"
    suffix = ".nt"
    media_type = "application/n-triples"
    description = "RDF N-Triples"


@register
class JsonLd(RdfExporter):
    name = "jsonld"
    suffix = ".jsonld"
    media_type = "application/ld+json"
    description = "RDF JSON-LD"
