"""The RDF formats graphkit reads and writes: one table, used by the loader, the ``sparql``
command's results and the endpoint's content negotiation.

>>> by_suffix(".owl").name, by_name("nt").media_type
('xml', 'application/n-triples')
>>> sorted(f.name for f in FORMATS if f.named_graphs)
['jsonld', 'nq', 'trig']
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RdfFormat:
    """One RDF syntax."""

    name: str  # graphkit's short name (``--format``, ``Dataset.serialize``)
    suffixes: tuple[str, ...]  # file suffixes, lower case
    oxigraph: str  # the ``pyoxigraph.RdfFormat`` member
    media_types: tuple[str, ...]  # accepted media types; the first is the one sent
    named_graphs: bool  # the syntax can hold named graphs (a dataset), not only triples

    @property
    def media_type(self) -> str:
        return self.media_types[0]

    def ox(self):
        """The ``pyoxigraph.RdfFormat``."""
        import pyoxigraph

        return getattr(pyoxigraph.RdfFormat, self.oxigraph)


FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat("ttl", (".ttl",), "TURTLE", ("text/turtle", "application/x-turtle"), False),
    RdfFormat("nt", (".nt",), "N_TRIPLES", ("application/n-triples", "text/plain"), False),
    RdfFormat("nq", (".nq",), "N_QUADS", ("application/n-quads",), True),
    RdfFormat("trig", (".trig",), "TRIG", ("application/trig",), True),
    RdfFormat("jsonld", (".jsonld",), "JSON_LD", ("application/ld+json",), True),
    RdfFormat("xml", (".rdf", ".owl"), "RDF_XML", ("application/rdf+xml",), False),
    RdfFormat("n3", (".n3",), "N3", ("text/n3",), False),
)

_BY_NAME = {f.name: f for f in FORMATS}
_BY_SUFFIX = {s: f for f in FORMATS for s in f.suffixes}


def by_name(name: str) -> RdfFormat:
    """The format called ``name`` (``ttl``, ``nt``, ...); ``KeyError`` if there is none."""
    return _BY_NAME[name]


def by_suffix(suffix: str) -> RdfFormat | None:
    """The format of a file suffix (``.ttl``; any case), or ``None``."""
    return _BY_SUFFIX.get(suffix.lower())


def suffixes() -> tuple[str, ...]:
    """Every file suffix graphkit reads as RDF."""
    return tuple(_BY_SUFFIX)
