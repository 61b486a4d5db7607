"""The curated data (data/*.ttl): every claim and statement is sourced, dates read from URLs
match the URL, and the claims of the 2020 Amazon proposal are in the graph with their sources."""

import re
from pathlib import Path

import pytest

from graphkit.store import Dataset

DATA = Path(__file__).resolve().parent.parent / "data"
CURATED = sorted(DATA.glob("*.ttl"))


@pytest.fixture(scope="module")
def curated():
    assert {p.name for p in CURATED} >= {"amazon-proposal.ttl", "ring-police-partnerships.ttl"}
    return Dataset.load(CURATED, bundled=False)


def rows(ds, sparql):
    result = ds.query("PREFIX topic: <https://w3id.org/graphkit/taxonomy/topic/>\n" + sparql)
    names = [v.value for v in result.variables]
    return [{k: v.value for k, v in zip(names, r) if v is not None} for r in result]


def test_every_claim_and_statement_has_read_evidence(curated):
    unsourced = rows(
        curated,
        """
        SELECT ?x WHERE {
          { ?x a gk:Claim } UNION { ?x a gk:Statement }
          FILTER NOT EXISTS { ?x prov:wasDerivedFrom ?e . ?e schema:url ?u ; dcterms:title ?t ;
                                  dcterms:publisher ?p ; gk:accessed ?a }
        }""",
    )
    assert unsourced == []


def test_dates_read_from_urls_are_in_the_url(curated):
    found = rows(
        curated,
        """
        SELECT ?e ?url ?d WHERE {
          ?e gk:issuedFromUrl true ; schema:url ?url ; dcterms:issued ?d
        }""",
    )
    assert len(found) >= 10
    for r in found:
        year, *rest = r["d"].split("-")
        # /2019/11/19/, /2019/11/, -2021-9 or /20190731/: the date's parts in order, separated
        # by / or - or not at all, month and day with or without a leading zero
        pattern = r"[/-]?".join([year, *(f"0?{int(p)}" for p in rest)])
        assert re.search(rf"(^|[/-]){pattern}([/-]|$)", r["url"]), (r["e"], r["url"], r["d"])


def test_evidence_urls_carry_no_tracking_parameters(curated):
    urls = [r["u"] for r in rows(curated, "SELECT ?u WHERE { ?e a gk:Evidence ; schema:url ?u }")]
    tracked = [u for u in urls if re.search(r"[?&](utm_|link_id=|source=email|language=)", u)]
    assert tracked == []


def test_proposals_ring_count_is_sourced_before_the_vote(curated):
    # the proposal says Ring partners with "over 600" police departments; the annual meeting
    # voted on 27 May 2020
    counts = rows(
        curated,
        """
        SELECT ?s ?q ?d WHERE {
          ?s a gk:Statement ; gk:about ido:ring ; gk:topic topic:police-partnership-count ;
             gk:quantity ?q ; gk:asOf ?d
        }""",
    )
    before_vote = [r for r in counts if float(r["q"]) >= 600 and r["d"] <= "2020-05-27"]
    assert before_vote, counts


def test_ring_named_partner_agencies_are_law_enforcement(curated):
    partners = rows(
        curated,
        """
        SELECT ?a ?sector WHERE {
          ?c a gk:Claim ; rdf:subject ido:ring ; rdf:predicate gk:partnersWith ; rdf:object ?a .
          OPTIONAL { ?a gk:sector ?sector }
        }""",
    )
    assert len({r["a"] for r in partners}) >= 12
    assert all(r.get("sector", "").endswith("/law-enforcement") for r in partners), partners


def test_supplied_titles_are_wholly_bracketed(curated):
    # a title we could not read is supplied in brackets, never a headline with a bracketed part
    found = rows(
        curated,
        """
        SELECT ?e ?t WHERE { ?e a gk:Evidence ; dcterms:title ?t
                             FILTER(STRSTARTS(?t, "[") || STRENDS(?t, "]")) }""",
    )
    assert found
    for r in found:
        assert r["t"].startswith("[") and r["t"].endswith("]"), r["e"]


def test_statements_about_no_entity_are_cited_and_name_their_speaker(curated):
    # a statement with no gk:about (a UN expert's call on the whole surveillance industry) is
    # kept only because a statement about an entity cites it: no orphan, no invented subject
    loose = rows(
        curated,
        """
        SELECT ?s ?by ?citer WHERE {
          ?s a gk:Statement . FILTER NOT EXISTS { ?s gk:about ?x }
          OPTIONAL { ?s gk:statedBy ?by }
          OPTIONAL { ?citer gk:cites ?s ; gk:about ?y }
        }""",
    )
    assert loose and all(r.get("by") and r.get("citer") for r in loose), loose
    rapporteur = "https://w3id.org/graphkit/id/org/un-special-rapporteur-freedom-of-expression"
    assert rapporteur in {r["by"] for r in loose}
    claims = rows(curated, f"SELECT ?c WHERE {{ ?c rdf:subject <{rapporteur}> }}")
    assert claims == []  # it names no company: no claim that it criticises one
