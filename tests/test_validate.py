from helpers import MINI, write

from graphkit.store import Dataset
from graphkit.validate import validate


def report_for(*files):
    return validate(Dataset.load(list(files), bundled=False))


def test_bundled_data_validates():
    report = validate(Dataset.load())
    assert report.ok, report.text()


def test_fixture_validates():
    assert report_for(MINI).ok


def test_claim_without_evidence_names_file_and_line(tmp_path):
    f = write(
        tmp_path / "c.ttl",
        """
idc:no-evidence a gk:Claim ;
    rdf:subject ido:acme-cloud ; rdf:predicate gk:supplies ; rdf:object ido:fea ;
    gk:status status:reported .
""",
    )
    r = report_for(MINI, f)
    assert not r.ok
    [p] = [p for p in r.problems if "evidence" in p.message]
    assert p.file.endswith("c.ttl") and p.line == 12
    assert "claim/no-evidence" in r.text()


def test_evidence_without_url(tmp_path):
    f = write(
        tmp_path / "e.ttl",
        """
ide:no-url a gk:Evidence ; dcterms:title "T" ; dcterms:publisher "P" ;
    dcterms:type evidence-type:news .
ide:relative a gk:Evidence ; schema:url "/just/a/path" ; dcterms:title "T" ;
    dcterms:publisher "P" ; dcterms:type evidence-type:news .
""",
    )
    r = report_for(MINI, f)
    urls = {p.focus.rsplit("/", 1)[-1] for p in r.problems if "URL" in p.message}
    assert urls == {"no-url", "relative"}


def test_unknown_reference(tmp_path):
    f = write(
        tmp_path / "u.ttl",
        """
idc:dangling a gk:Claim ;
    rdf:subject ido:acme-cloud ; rdf:predicate gk:supplies ; rdf:object ido:nobody ;
    gk:status status:reported ; prov:wasDerivedFrom ide:acme-blog .
""",
    )
    r = report_for(MINI, f)
    assert any("unknown reference to org/nobody" in p.message for p in r.problems)
    assert any(p.line == 12 for p in r.problems)


def test_domain_and_range_come_from_the_ontology(tmp_path):
    f = write(
        tmp_path / "d.ttl",
        """
idc:agency-offers a gk:Claim ;
    rdf:subject ido:fea ; rdf:predicate gk:usedBy ; rdf:object ido:acme-cloud ;
    gk:status status:reported ; prov:wasDerivedFrom ide:acme-blog .
""",
    )
    messages = {p.message for p in report_for(MINI, f).problems}
    assert "The claim's subject does not fit the domain of its relationship type." in messages
