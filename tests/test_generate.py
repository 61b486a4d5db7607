"""scripts/generate.py: synthetic data in the model of the curated data, valid by the shapes."""

from __future__ import annotations

import graphkit
from graphkit.model import schema
from scripts.generate import generate


def test_generated_data_validates_and_uses_ontology_concepts(tmp_path):
    out = tmp_path / "syn.nt"
    info = generate(300, out, seed=0)
    g = graphkit.load([out], bundled=False, cache=False)  # raises on any SHACL violation
    claims = [d for *_, d in g.G.edges(data=True) if "claim" in d]
    assert len(claims) == info["claims"] == 300
    sch = schema()
    used = {d["status"] for d in claims}
    assert used and used <= {s.notation for s in sch.statuses.values() if not s.negated}
