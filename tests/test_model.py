import pyoxigraph as ox
import rdflib

from graphkit.model import GK, ontology_files, schema, shapes_file


def test_ontology_and_shapes_parse_with_both_parsers():
    for f in [*ontology_files(), shapes_file()]:
        assert len(list(ox.parse(path=str(f)))) > 50
        assert len(rdflib.Graph().parse(f, format="turtle")) > 50


def test_schema_is_read_from_the_ontology():
    s = schema()
    assert s.rel_types[GK + "supplies"] == "SUPPLIES"
    assert s.rel_types[GK + "usedBy"] == "USED_BY"
    assert GK + "awardingAgency" not in s.rel_types  # structural link, not a claim type
    assert s.link_types[GK + "awardingAgency"] == "AWARDED_BY"
    assert s.labels_of(GK + "GovernmentAgency") == ("GovernmentAgency", "Organization", "Entity")
    assert s.rel_iri("hosts") == GK + "hosts"


def test_every_relationship_type_is_documented():
    g = rdflib.Graph()
    for f in ontology_files():
        g.parse(f, format="turtle")
    RDFS = rdflib.RDFS
    for iri in schema().rel_types:
        p = rdflib.URIRef(iri)
        for prop in (RDFS.label, RDFS.comment, RDFS.domain, RDFS.range):
            assert g.value(p, prop) is not None, (iri, prop)


def test_taxonomy_maps_atlas_technology_names():
    g = rdflib.Graph().parse(ontology_files()[-1], format="turtle")
    alts = {str(o) for o in g.objects(None, rdflib.SKOS.altLabel)}
    assert {"Automated License Plate Readers", "Body-worn Cameras", "Gunshot Detection"} <= alts
