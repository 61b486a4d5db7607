import pytest
from helpers import MINI, PREFIXES

from graphkit.projection import project
from graphkit.store import Dataset


def pg():
    return project(Dataset.load([MINI], bundled=False))


def test_nodes_carry_labels_and_properties():
    g = pg()
    acme = g.nodes["org/acme-cloud"]
    assert acme["labels"] == ("Company", "Organization", "Entity")
    assert acme["name"] == "Acme Cloud Ltd." and acme["aliases"] == ["ACL"]
    assert acme["sectors"] == ["cloud-computing"]
    assert g.nodes["contract/FEA001"]["obligated"] == 1250000.5
    assert g.nodes["evidence/acme-blog"]["labels"] == ("Evidence",)


def test_claims_become_edges_with_evidence_and_sources():
    edges = {e[3]["claim"]: e for e in pg().claim_edges()}
    s, t, typ, props = edges["claim/borealis-supplies-fea"]
    assert (s, t, typ) == ("org/borealis", "org/fea", "SUPPLIES")
    assert props["status"] == "confirmed"
    assert props["evidence"] == ["evidence/award-FEA001"]
    assert props["sources"] == ["https://example.org/awards/FEA001"]
    assert props["contracts"] == ["contract/FEA001"]
    assert edges["claim/acme-hosts-borealis"][3]["start"] == "2019"


def test_structural_links_and_idempotence():
    a, b = pg(), pg()
    assert a == b
    links = {(s, t, typ) for s, t, typ, d in a.edges if "link" in d}
    assert ("contract/FEA001", "org/fea", "AWARDED_BY") in links
    assert ("contract/FEA001", "org/borealis", "AWARDED_TO") in links


@pytest.mark.parametrize(
    "sources",
    [["none"], pytest.param(None, marks=pytest.mark.slow)],  # every source: ~8 s of CPU
    ids=["curated", "every-source"],
)
def test_projection_from_the_parser_equals_projection_from_the_store(sources, request):
    """One projection: straight from the files (no store) or from the loaded dataset."""
    from graphkit.projection import project, project_files
    from graphkit.store import Dataset, input_files

    files = input_files(sources=sources)
    if sources is None:  # every source: conftest's session dataset (the same files, parsed once)
        ds = request.getfixturevalue("bundled_dataset")
        assert ds.files == files
    else:
        ds = Dataset.load(files=files)
    a, b = project(ds), project_files(files)
    assert a.nodes == b.nodes

    def norm(pg):
        return sorted((e.source, e.target, e.type, sorted(e.props.items())) for e in pg.edges)

    assert norm(a) == norm(b)


# -- the columns straight from the parser against a reference projection ----------------------


def _reference_projection(triples):
    """The one-pass dict projection as it was before the columns were built straight from the
    parser (a dict per subject and per node and edge): the oracle the streaming route must match."""
    import pyoxigraph as ox

    from graphkit.model import GK, RDF, SKOS, XSD_NUMERIC, schema, short_id
    from graphkit.projection import Edge, PropertyGraph

    sch = schema()
    roles = {RDF + "subject": "subject", RDF + "predicate": "predicate", RDF + "object": "object"}
    keys, links, classes = sch.keys, sch.link_types, sch.class_labels
    types, values, parts, link_pairs, notation = {}, {}, {}, {}, {}
    record_of = {}  # gk:ContractRecord -> its contract
    refs = set()
    for q in triples:
        if not isinstance(q.subject, ox.NamedNode):
            continue
        s, p, o = q.subject.value, q.predicate.value, q.object
        if p == RDF + "type":
            if o.value in classes or o.value == GK + "Claim":
                types.setdefault(s, set()).add(o.value)
        elif p in keys:
            if isinstance(o, ox.Literal):
                v = o.value
                conv = XSD_NUMERIC.get(o.datatype.value)
                try:
                    v = conv(v) if conv else v
                except ValueError:
                    pass
            else:
                v = o.value
                refs.add((s, keys[p], v))
            vals = values.setdefault(s, {}).setdefault(keys[p], [])
            if v not in vals:
                vals.append(v)
        elif p in roles:
            parts.setdefault(s, {})[roles[p]] = o.value
        elif p in links:
            link_pairs.setdefault(p, set()).add((s, o.value))
        elif p == SKOS + "notation":
            notation[s] = o.value
        elif p == GK + "recordOf":
            record_of[s] = o.value

    functional = {k for p, k in keys.items() if p in sch.functional}
    depth = {classes[c]: len(sch.superclasses[c]) for c in classes}

    def finish(s):
        out = {}
        for k, vals in values.get(s, {}).items():
            vals = [notation.get(v) or short_id(v) if (s, k, v) in refs else v for v in vals]
            if k in functional:
                out[k] = vals[0] if len(vals) == 1 else min(vals, key=str)
            else:
                out[k] = sorted(set(vals), key=str) if len(vals) > 1 else vals
        return out

    pg = PropertyGraph()
    for iri in sorted(types):
        own = dict.fromkeys(lb for c in types[iri] if c in classes for lb in sch.labels_of(c))
        if not own:
            continue
        node = {"labels": tuple(sorted(own, key=lambda lb: (-depth.get(lb, 0), lb))), **finish(iri)}
        caption = sch.caption_key(node["labels"])
        node.setdefault("name", str(node.get(caption or "name") or short_id(iri)))
        # the records' figures: record_K values and the parallel evidence, records by IRI
        for k in sorted(sch.record_figures.values()):
            got = []
            for r in sorted(x for x, c in record_of.items() if c == iri):
                rec = finish(r)
                v = rec.get(k)
                if v is None or (sch.datatypes.get(k) in XSD_NUMERIC and isinstance(v, str)):
                    continue
                if sch.datatypes.get(k) in XSD_NUMERIC:
                    v = XSD_NUMERIC[sch.datatypes[k]](v)
                got.append((v, min(rec.get("evidence") or [short_id(r)])))
            if got:
                node[f"record_{k}"] = [v for v, _ in got]
                node[f"record_{k}_evidence"] = [e for _, e in got]
        pg.nodes[short_id(iri)] = node
    for c in sorted(parts):
        part = parts[c]
        rel = sch.rel_types.get(part.get("predicate", ""))
        s, o = short_id(part.get("subject", "")), short_id(part.get("object", ""))
        if GK + "Claim" not in types.get(c, ()) or rel is None:
            continue
        if s not in pg.nodes or o not in pg.nodes:
            continue
        edge = {"claim": short_id(c), **finish(c)}
        negated = getattr(sch.status(edge.get("status")), "negated", False)
        edge["flow"] = rel in sch.flow_types and not negated
        edge["negated"] = negated
        ev = edge.get("evidence", [])
        edge["sources"] = [pg.nodes[e]["url"] for e in ev if "url" in pg.nodes.get(e, {})]
        pg.edges.append(Edge(s, o, rel, edge))
    for pred, rel in sorted(links.items()):
        pairs = {(short_id(a), short_id(b)) for a, b in link_pairs.get(pred, ())}
        for s, o in sorted(pairs):
            if s in pg.nodes and o in pg.nodes:
                pg.edges.append(Edge(s, o, rel, {"link": f"{s}|{rel}|{o}"}))
    return pg


#: statements the fast paths of the projection must treat exactly as the reference does:
#: repeated IRI values (one repeated), a key with a literal and an IRI of the same text, two
#: values of a single-valued key (the smallest wins; 1 and 1.0 are one value), a subject's
#: statements split over the file, a concept named by its notation
CRAFTED = """
ido:a a gk:Company ; schema:name "Zed" , "Alpha" ; skos:altLabel "x" , "x" , "w" .
ido:b a gk:GovernmentAgency ; schema:name "B" .
ide:e1 a gk:Evidence ; schema:url "https://example.org/1" .
ide:e2 a gk:Evidence ; schema:url "https://example.org/2" ; dcterms:issued "2020"^^xsd:gYear .
ide:e3 a gk:Evidence .
idc:c1 a gk:Claim ; rdf:subject ido:a ; rdf:predicate gk:supplies ; rdf:object ido:b ;
    gk:status status:reported ;
    prov:wasDerivedFrom ide:e2 , ide:e1 , ide:e3 , ide:e1 ;
    prov:wasDerivedFrom "https://w3id.org/graphkit/id/evidence/e1" .
idc:c2 a gk:Claim ; rdf:subject ido:a ; rdf:predicate gk:supplies ; rdf:object ido:b ;
    prov:wasDerivedFrom ide:e3 , ide:e2 , ide:e3 ; gk:status status:reported .
idc:c3 a gk:Claim ; rdf:subject ido:b ; rdf:predicate gk:supplies ; rdf:object ido:a ;
    prov:wasDerivedFrom ide:e2 ; gk:status status:reported , status:confirmed .
idk:k1 a gk:Contract ; gk:obligatedAmount "1"^^xsd:integer , "1.0"^^xsd:decimal .
idk:k1-r2 gk:recordOf idk:k1 ; gk:obligatedAmount "7"^^xsd:integer ; gk:startDate "2019-01-02" ;
    prov:wasDerivedFrom ide:e2 , ide:e1 .
idk:k1-r1 a gk:ContractRecord ; gk:recordOf idk:k1 ; gk:currentValue "5.5"^^xsd:decimal ;
    gk:obligatedAmount "x"^^xsd:decimal ; gk:fiscalYear "2020"^^xsd:integer .
ido:b skos:altLabel "Bee" .
idc:c2 gk:startDate "2019" .
ido:a gk:sector sector:s1 , sector:s2 .
sector:s1 skos:notation "one" .
"""


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A generated 10k-claim graph (scripts/generate.py, seed 0), and the same triples in a
    shuffled order (no subject's statements together)."""
    import random
    import subprocess
    import sys
    from pathlib import Path

    folder = tmp_path_factory.mktemp("generated")
    nt = folder / "gen-10k.nt"
    script = Path(__file__).resolve().parent.parent / "scripts" / "generate.py"
    subprocess.run([sys.executable, str(script), "10000", "-o", str(nt)], check=True)
    lines = nt.read_text(encoding="utf-8").splitlines(keepends=True)
    random.Random(1).shuffle(lines)
    shuffled = folder / "gen-10k-shuffled.nt"
    shuffled.write_text("".join(lines), encoding="utf-8")
    crafted = folder / "crafted.ttl"
    head = PREFIXES + "\n".join(
        f"@prefix {p}: <{iri}> ."
        for p, iri in (
            ("idk", "https://w3id.org/graphkit/id/contract/"),
            ("sector", "https://w3id.org/graphkit/taxonomy/sector/"),
            ("xsd", "http://www.w3.org/2001/XMLSchema#"),
            ("skos", "http://www.w3.org/2004/02/skos/core#"),
        )
    )
    crafted.write_text(head + CRAFTED, encoding="utf-8")
    return {"generated-10k": nt, "generated-10k-shuffled": shuffled, "crafted": crafted}


def _entry_bytes(cols, folder) -> bytes:
    from graphkit import cache as C

    path = C.write(folder, "k" * 40, cols, validated=False)
    assert path is not None
    return path.read_bytes()


@pytest.mark.parametrize(
    "which",
    [
        "curated",
        pytest.param("every-source", marks=pytest.mark.slow),
        "generated-10k",
        "generated-10k-shuffled",
        "crafted",
    ],
)
def test_columns_straight_from_the_parser_equal_the_reference_route(which, generated, tmp_path):
    """columns_of_files (no PropertyGraph, no store) gives the cache entry, byte for byte, and
    the networkx graph of the reference dict projection, also when a subject's statements are
    scattered over the file."""
    from graphkit.columnar import from_projection
    from graphkit.graph import to_networkx
    from graphkit.projection import _parse, columns_of_files
    from graphkit.store import input_files

    if which in generated:
        files = input_files([generated[which]], bundled=False)
    else:
        files = input_files(sources=["none"] if which == "curated" else None)
    ref = _reference_projection(_parse(files))
    cols = columns_of_files(files)
    assert cols.n_nodes == len(ref.nodes) > 0 and cols.n_edges == len(ref.edges) > 0
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert _entry_bytes(cols, tmp_path / "a") == _entry_bytes(from_projection(ref), tmp_path / "b")
    got, want = cols.to_networkx(), to_networkx(ref)
    assert list(got.nodes(data=True)) == list(want.nodes(data=True))
    assert list(got.edges(keys=True, data=True)) == list(want.edges(keys=True, data=True))


def test_columns_from_the_store_equal_the_columns_of_its_projection(tmp_path):
    """The validated load's route (the store's quads straight into columns) gives the entry
    of the PropertyGraph projection of the same store."""
    from graphkit.columnar import from_projection
    from graphkit.projection import columns_of
    from graphkit.store import input_files

    ds = Dataset.load(files=input_files(sources=["none"]))
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = _entry_bytes(columns_of(iter(ds.store)), tmp_path / "a")
    assert a == _entry_bytes(from_projection(project(ds)), tmp_path / "b")


def test_claim_edges_say_whether_their_status_is_negated():
    """``negated`` comes from the status's gk:negated flag (denied), ``flow`` is never set on
    a negated claim."""
    from helpers import FIXTURES

    g = project(Dataset.load([MINI, FIXTURES / "mini-extra.ttl"], bundled=False))
    edges = {e[3]["claim"]: e[3] for e in g.claim_edges()}
    assert edges["claim/holdings-owns-nimbus"]["negated"] is True
    assert edges["claim/acme-owns-labs"]["negated"] is False
    assert not any(d["flow"] for d in edges.values() if d["negated"])


def test_contract_records_figures_go_on_the_contract_node(generated):
    """A gk:ContractRecord is no node: its figures become record_K lists on its contract's node
    with the parallel evidence ids (records in IRI order; an ill-typed amount left out)."""
    from graphkit.projection import project_files

    pg = project_files([generated["crafted"]])
    k = pg.nodes["contract/k1"]
    assert "contract/k1-r1" not in pg.nodes and "contract/k1-r2" not in pg.nodes
    assert k["obligated"] == 1
    assert k["record_obligated"] == [7.0] and k["record_obligated_evidence"] == ["evidence/e1"]
    assert k["record_current_value"] == [5.5]
    assert k["record_current_value_evidence"] == ["contract/k1-r1"]  # a record without evidence
    assert k["record_fiscal_year"] == [2020] and k["record_start"] == ["2019-01-02"]
    assert not any(key.startswith("record_") for key in pg.nodes["org/a"])


def test_an_ontology_key_in_the_records_name_space_is_refused(tmp_path):
    from graphkit.errors import DataError
    from graphkit.model import ontology_files, read_ontology

    bad = tmp_path / "bad.ttl"
    bad.write_text(
        '@prefix gk: <https://w3id.org/graphkit/ontology#> .\ngk:x gk:pgKey "record_obligated" .\n',
        encoding="utf-8",
    )
    with pytest.raises(DataError, match="record_obligated"):
        read_ontology([*ontology_files(), bad])
