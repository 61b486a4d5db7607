#!/usr/bin/env python3
"""Synthetic graphkit data of any size, in the same model as the curated data (DESIGN §5).

    python scripts/generate.py 100000 -o /tmp/syn-100k.nt [--seed 1]

Writes N-Triples (a subset of Turtle): companies, government agencies, products, evidence,
contracts and ``n_claims`` claims whose relationship types, domains and ranges come from the
ontology. Names and URLs are fictional (``https://example.org/...``). Deterministic per seed.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graphkit.model import DCTERMS, GK, ID, RDF, SCHEMA, XSD, schema  # noqa: E402

PROV = "http://www.w3.org/ns/prov#"
#: Generator tuning, not domain knowledge: how often each relationship type is drawn between
#: which classes. Types, classes, statuses, sectors and categories are checked against (or
#: read from) the ontology.
SHAPES = [
    ("SUPPLIES", "Company", "GovernmentAgency", 5),
    ("SUPPLIES", "Company", "Company", 2),
    ("HOSTS", "Company", "Company", 1),
    ("OFFERS", "Company", "Product", 1),
    ("USED_BY", "Product", "GovernmentAgency", 2),
    ("OWNS", "Company", "Company", 1),
]


def generate(n_claims: int, out: Path, *, seed: int = 0) -> dict:
    """Write ``n_claims`` claims (plus their entities, evidence and contracts) to ``out``."""
    rnd = random.Random(seed)
    sch = schema()
    rel = {t: iri for iri, t in sch.rel_types.items()}
    cls = {label: iri for iri, label in sch.class_labels.items()}
    status_of = {c.notation: c.iri for c in sch.scheme(GK + "ClaimStatus")}
    statuses = sorted(status_of[s.notation] for s in sch.statuses.values() if not s.negated)
    tech = [c.iri for c in sch.scheme(GK + "TechnologyCategories")][:4]
    sectors = [
        c.iri
        for c in sch.scheme(GK + "Sectors")
        if c.agency_kind in ("police", "immigration-enforcement")
    ][:2]
    news = sch.concept(GK + "EvidenceTypes", "news")
    assert news is not None, "the ontology has no evidence type 'news'"
    for typ, a, b, _w in SHAPES:  # every shape respects the ontology's domain and range
        p = rel[typ]
        assert sch.is_a(cls[a], sch.domains[p]) and sch.is_a(cls[b], sch.ranges[p]), typ
    n_org = max(10, n_claims // 8)
    n_agency = max(5, n_claims // 40)
    n_product = max(5, n_claims // 20)
    n_evidence = max(5, n_claims // 3)
    companies = [f"{ID}org/syn-company-{i}" for i in range(n_org)]
    agencies = [f"{ID}org/syn-agency-{i}" for i in range(n_agency)]
    products = [f"{ID}product/syn-product-{i}" for i in range(n_product)]
    evidence = [f"{ID}evidence/syn-evidence-{i}" for i in range(n_evidence)]
    pools = {"Company": companies, "GovernmentAgency": agencies, "Product": products}
    shapes = [(t, pools[a], pools[b], w) for t, a, b, w in SHAPES]
    weights = [s[3] for s in shapes]

    def hub(pool: list[str]) -> str:
        # A few hubs, many small players (roughly Zipf-like).
        return (
            pool[min(len(pool) - 1, int(rnd.paretovariate(1.2)) - 1)]
            if rnd.random() < 0.3
            else rnd.choice(pool)
        )

    lit = lambda v: '"' + v + '"'  # noqa: E731  (generated text never holds quotes)
    typed = lambda v, t: f'"{v}"^^<{XSD}{t}>'  # noqa: E731
    lines: list[str] = []
    add = lambda s, p, o: lines.append(f"<{s}> <{p}> {o} .")  # noqa: E731
    for kind, pool, cls in (
        ("Company", companies, "Company"),
        ("Agency", agencies, "GovernmentAgency"),
        ("Product", products, "Product"),
    ):
        for i, iri in enumerate(pool):
            add(iri, RDF + "type", f"<{GK}{cls}>")
            add(iri, SCHEMA + "name", lit(f"Synthetic {kind} {i}"))
            if cls == "GovernmentAgency":
                sector = rnd.choice(sectors)
                add(iri, GK + "sector", f"<{sector}>")
            if cls == "Product":
                add(iri, GK + "category", f"<{rnd.choice(tech)}>")
    for i, iri in enumerate(evidence):
        add(iri, RDF + "type", f"<{GK}Evidence>")
        add(iri, SCHEMA + "url", lit(f"https://example.org/source/{i}"))
        add(iri, DCTERMS + "title", lit(f"Synthetic source {i}"))
        add(iri, DCTERMS + "publisher", lit(f"Publisher {i % 97}"))
        add(iri, DCTERMS + "type", f"<{news.iri}>")
        add(
            iri,
            DCTERMS + "issued",
            typed(f"{2010 + i % 15}-{1 + i % 12:02d}-{1 + i % 28:02d}", "date"),
        )
    n_contracts = 0
    for i in range(n_claims):
        typ, subjects, objects, _ = rnd.choices(shapes, weights)[0]
        s, o = hub(subjects), hub(objects)
        if s == o:
            o = objects[(objects.index(o) + 1) % len(objects)]
        c = f"{ID}claim/syn-claim-{i}"
        add(c, RDF + "type", f"<{GK}Claim>")
        add(c, RDF + "subject", f"<{s}>")
        add(c, RDF + "predicate", f"<{rel[typ]}>")
        add(c, RDF + "object", f"<{o}>")
        add(c, GK + "status", f"<{rnd.choice(statuses)}>")
        add(c, PROV + "wasDerivedFrom", f"<{rnd.choice(evidence)}>")
        if rnd.random() < 0.3:
            add(c, PROV + "wasDerivedFrom", f"<{rnd.choice(evidence)}>")
        if rnd.random() < 0.5:
            add(c, GK + "startDate", typed(str(2005 + i % 20), "gYear"))
        if typ == "SUPPLIES" and o in agencies and rnd.random() < 0.2:
            k = f"{ID}contract/SYN{i:08d}"
            n_contracts += 1
            add(k, RDF + "type", f"<{GK}Contract>")
            add(k, GK + "piid", lit(f"SYN{i:08d}"))
            add(k, GK + "contractor", f"<{s}>")
            add(k, GK + "awardingAgency", f"<{o}>")
            add(k, GK + "obligatedAmount", typed(f"{rnd.randint(1000, 10**8)}.00", "decimal"))
            add(k, GK + "currency", lit("USD"))
            add(k, PROV + "wasDerivedFrom", f"<{rnd.choice(evidence)}>")
            add(c, GK + "underContract", f"<{k}>")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {
        "claims": n_claims,
        "triples": len(lines),
        "entities": n_org + n_agency + n_product,
        "evidence": n_evidence,
        "contracts": n_contracts,
        "file": str(out),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("claims", type=int)
    ap.add_argument("-o", "--output", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=0)
    info = generate(ap.parse_args().claims, ap.parse_args().output, seed=ap.parse_args().seed)
    print(info)


if __name__ == "__main__":
    main()
