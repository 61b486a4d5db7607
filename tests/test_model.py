import pyoxigraph as ox
import pytest
import rdflib

from graphkit.model import GK, ontology_files, schema, shapes_file


def test_ontology_and_shapes_parse_with_both_parsers():
    for f in [*ontology_files(), shapes_file()]:
        assert len(list(ox.parse(path=str(f)))) > 20
        assert len(rdflib.Graph().parse(f, format="turtle")) > 20


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


def test_an_ontology_key_may_not_collide_with_a_reserved_key(tmp_path):
    from graphkit.errors import DataError
    from graphkit.model import ontology_files, read_ontology, shapes_file

    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix gk: <https://w3id.org/graphkit/ontology#> .\n"
        '<https://example.org/kind> gk:pgKey "type" .\n'
    )
    with pytest.raises(DataError, match="'type' is reserved"):
        read_ontology([*ontology_files(), shapes_file(), bad])


def test_a_claim_with_a_dcterms_type_does_not_break_stats(tmp_path):
    from helpers import MINI, write

    import graphkit

    f = write(
        tmp_path / "typed.ttl",
        "idc:acme-hosts-borealis dcterms:type\n"
        "    <https://w3id.org/graphkit/taxonomy/evidence-type/news> .\n",
    )
    g = graphkit.load([MINI, f], bundled=False, cache=False, validate=False)
    assert g.stats()["relationship_types"]["HOSTS"] == 1


def test_id_prefixes_are_those_the_ontology_declares():
    """PREFIXES (needed before the ontology is read: SPARQL, Turtle output) repeats the id
    namespaces of gk:idNamespace / gk:idPrefix; they must not drift apart."""
    from graphkit.model import ID, PREFIXES

    declared = {p: ID + ns for ns, p in schema().namespaces.values()}
    in_python = {p: ns for p, ns in PREFIXES.items() if ns.startswith(ID)}
    assert declared and in_python == declared


def test_the_default_status_is_the_one_the_taxonomy_marks(tmp_path):
    """gk:isDefault on a status concept names the default; none or two is an ontology error."""
    from graphkit.errors import DataError
    from graphkit.model import read_ontology

    assert schema().default_status.notation == "reported"
    taxonomy = next(f for f in ontology_files() if f.name == "taxonomy.ttl")
    others = [f for f in ontology_files() if f != taxonomy]
    text = taxonomy.read_text(encoding="utf-8")
    moved = tmp_path / "taxonomy.ttl"
    moved.write_text(
        text.replace("    gk:isDefault true ;\n", "", 1).replace(
            'skos:notation "alleged" ;', 'skos:notation "alleged" ; gk:isDefault true ;'
        ),
        encoding="utf-8",
    )
    assert read_ontology([*others, moved]).default_status.notation == "alleged"
    both = tmp_path / "both.ttl"
    both.write_text(
        text.replace('skos:notation "alleged" ;', 'skos:notation "alleged" ; gk:isDefault true ;')
    )
    with pytest.raises(DataError, match="2 statuses carry gk:isDefault"):
        _ = read_ontology([*others, both]).default_status


def test_properties_name_the_concept_scheme_of_their_values():
    assert schema().value_schemes == {
        GK + "status": GK + "ClaimStatus",
        GK + "sector": GK + "Sectors",
        GK + "category": GK + "TechnologyCategories",
    }


def test_a_broken_ontology_file_is_a_data_error_naming_it(tmp_path):
    from graphkit.errors import DataError
    from graphkit.model import read_ontology

    bad = tmp_path / "broken.ttl"
    bad.write_text("@prefix gk: <https://w3id.org/graphkit/ontology#> .\ngk:x gk:y .\n")
    with pytest.raises(DataError, match="broken.ttl"):
        read_ontology([*ontology_files(), bad])


def test_statuses_carry_their_concept_iri():
    """Status.iri is the concept's IRI (store.derive leaves out claims whose status IRI is a
    negated one), the same concept as the taxonomy's."""
    s = schema()
    for st in s.statuses.values():
        assert s.concepts[st.iri].notation == st.notation
        assert s.concepts[st.iri].scheme == GK + "ClaimStatus"
    assert [st.notation for st in s.statuses.values() if st.negated] == ["denied"]
