"""graphkit.sources: claims per source with the provenance of each bundled dataset, and how
`graphkit stats` shows it. Expected values come from the shared input files (hashlib, csv)
and the build manifest, never typed in."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graphkit.cli import app
from graphkit.importers.build import manifest
from graphkit.sources import CURATED, claims_per_source

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path("/work/shared/data")
if not SHARED.is_dir():  # CI lays shared/ beside the clone
    SHARED = ROOT.parent / "shared" / "data"
SOURCES = {s.name: s for s in manifest()}
CC_BY_SA = "https://creativecommons.org/licenses/by-sa/4.0/"
runner = CliRunner()


@pytest.fixture(scope="module")
def counts(bundled_dataset):
    return {c.source: c for c in claims_per_source(bundled_dataset)}


@pytest.mark.slow  # the bundled dataset (parsed once a session: 2-3 s of CPU)
def test_each_source_carries_its_provenance(counts):
    assert set(SOURCES) <= set(counts)
    for name, src in SOURCES.items():
        c = counts[name]
        with open(SHARED / src.file, newline="", encoding="utf-8-sig") as fh:
            n_rows = sum(1 for _ in csv.DictReader(fh))
        assert c.sha256 == hashlib.sha256((SHARED / src.file).read_bytes()).hexdigest(), name
        assert (c.upstream, c.commit, c.retrieved) == (src.repository, src.commit, src.retrieved)
        assert c.input_file == src.file and c.upstream_path == src.path, name
        assert c.rows_read == n_rows and (c.licence or "") == src.license, name
        assert c.rows_imported is not None and c.rows_imported <= n_rows
        assert c.rights and c.triples and c.triples > 0, name
    curated = counts[CURATED]
    assert curated.upstream is None and curated.sha256 is None and curated.claims > 0


@pytest.mark.slow  # the bundled dataset (parsed once a session: 2-3 s of CPU)
def test_spyfiles_provenance_says_cc_by_sa(counts):
    for name in ("spyfiles-companies", "spyfiles-documents"):
        assert counts[name].licence == CC_BY_SA
        assert "CC BY-SA 4.0" in counts[name].rights
    assert counts["usaspending-prime-mn"].licence is None  # none stated: not made up


def _stats(*args: str, columns: int = 100):
    r = runner.invoke(app, ["stats", *args], env={"COLUMNS": str(columns)})
    assert r.exit_code == 0, r.output
    return r.stdout


def _blocks(text: str) -> dict[str, dict[str, str]]:
    """The per-source blocks of the table output, as {source: {key: value (joined lines)}}."""
    blocks: dict[str, dict[str, str]] = {}
    tail = text.split("Bundled source datasets", 1)[1].split("\n", 2)[2]
    for chunk in tail.strip().split("\n\n"):
        block: dict[str, str] = {}
        key = ""
        for line in chunk.splitlines():
            if line[:1] != " ":
                key, _, value = line.partition("  ")
                block[key] = value.strip()
            else:
                block[key] += " " + line.strip()
        blocks[block["source"]] = block
    return blocks


@pytest.mark.slow  # loads every bundled source (about 3 s of CPU per run)
@pytest.mark.parametrize("columns", [80, 120])
def test_stats_table_shows_each_source_with_provenance(counts, columns):
    text = _stats(columns=columns)
    wide = [line for line in text.splitlines() if len(line) > columns]
    assert all(len(line.split()) == 3 for line in wide), wide  # one path the width can't split
    blocks = _blocks(text)
    assert set(blocks) == set(SOURCES)  # the curated data has no description: counted above
    for name, c in ((n, counts[n]) for n in SOURCES):
        b = blocks[name]
        assert b["title"] == c.title and b["upstream"] == c.upstream
        assert b["commit"] == c.commit[:12] and b["retrieved"] == c.retrieved
        assert b["input sha256"] == c.sha256[:16] + "…"
        assert b["claims"].startswith(f"{c.claims:,} declared")
        assert b["rows imported"].startswith(f"{c.rows_imported:,}")
        assert b["licence"] == (c.licence or "none stated")
    assert "CC BY-SA 4.0" in blocks["spyfiles-companies"]["rights"]
    assert blocks["spyfiles-documents"]["licence"] == CC_BY_SA


@pytest.mark.slow  # loads every bundled source twice (about 6 s of CPU)
def test_stats_json_and_csv_carry_every_field(counts):
    from dataclasses import asdict, fields

    keys = [f.name for f in fields(next(iter(counts.values())))]
    data = json.loads(_stats("-f", "json"))
    assert data["sources"] == [asdict(counts[s["source"]]) for s in data["sources"]]
    rows = list(csv.DictReader(io.StringIO(_stats("-f", "csv"))))
    per_source = {r["source"]: r for r in rows if r["source"]}
    assert set(per_source) == set(counts)
    for name, c in counts.items():
        got = per_source[name]
        assert {k: got[k] for k in keys} == {
            k: "" if v is None else str(v) for k, v in asdict(c).items()
        }


def test_describe_reads_each_dataset_description():
    """The head of each bundled file names its dataset: title and rights as the manifest gives
    them (build writes them from sources.yaml); the terms are the rights' first clause."""
    from graphkit.sources import describe

    for name, src in SOURCES.items():
        info = describe(name)
        assert info is not None and info.title == src.title, name
        assert info.rights == src.rights and (info.licence or "") == src.license, name
        assert info.terms and src.rights.startswith(info.terms), name
    assert describe("spyfiles-documents").terms == "CC BY-SA 4.0"
    assert describe("no-such-source") is None


@pytest.mark.slow  # the bundled dataset (parsed once a session: 2-3 s of CPU)
def test_evidence_sources_match_the_named_graphs(bundled_dataset):
    """Evidence -> source index (a scan of the files' text) agrees with the store: the
    named graph each gk:Evidence is typed in."""
    from collections import defaultdict

    from graphkit.model import short_id
    from graphkit.sources import evidence_sources

    expected: dict[str, set[str]] = defaultdict(set)
    for name in SOURCES:
        graph = (ROOT / "data" / "sources" / f"{name}.ttl").resolve().as_uri()
        q = f"""SELECT ?e WHERE {{ GRAPH <{graph}> {{
            ?e a <https://w3id.org/graphkit/ontology#Evidence> }} }}"""
        for r in bundled_dataset.store.query(q):
            expected[short_id(r["e"].value)].add(name)
    got = {e: set(names) for e, names in evidence_sources().items()}
    assert len(got) > 1000 and got == dict(expected)


@pytest.mark.slow  # the bundled graph (loaded once a session)
def test_evidence_from_a_bundled_source_names_its_dataset(bundled_graph):
    """`graphkit show`/`path` render claims with claim_block: evidence a source declares is
    followed by its dataset's title and terms; curated evidence is not."""
    from graphkit.cli.render import claim_block

    info = bundled_graph.show("Gamma")
    spy = next(c for c in info["claims"] if c["claim"].startswith("claim/spyfiles-"))
    text = "\n".join(claim_block(bundled_graph.name, spy, w=200))
    assert "source dataset: Leaked company documents of WikiLeaks' Spy Files" in text
    assert "— CC BY-SA 4.0" in text
    assert text.count("source dataset:") == 1  # a run of records from one dataset: said once
    curated = bundled_graph.show("Thomson Reuters")
    own = next(c for c in curated["claims"] if c["claim"] == "claim/thomson-reuters-offers-clear")
    assert "source dataset" not in "\n".join(claim_block(bundled_graph.name, own, w=200))


@pytest.mark.slow  # the bundled graph and dataset (loaded once a session)
def test_contract_figures_give_the_library_query_totals(bundled_graph):
    """contract_figures (for the report) and contracts-by-agency-year count the same: per
    start year, ICE's totals of the per-contract figures equal the query's rows."""
    from collections import defaultdict

    from graphkit import queries
    from graphkit.model import short_id
    from graphkit.sources import contract_figures

    ds = bundled_graph.dataset
    figures = contract_figures(ds)
    west = figures["contract/70CDCR18P00000017"]  # curated, no own obligated; a 2025 record has
    assert west.obligated and west.records >= 2 and west.start
    ice = {
        short_id(r["k"].value)
        for r in ds.query("SELECT ?k WHERE { ?k a gk:Contract ; gk:awardingAgency ido:ice }")
    }
    by_year: dict = defaultdict(lambda: [0, 0.0, 0.0, 0.0])
    for k in ice:
        f = figures[k]
        row = by_year[f.start[:4] if f.start else None]
        row[0] += 1
        for i, v in enumerate((f.obligated, f.current_value, f.potential_value), 1):
            row[i] += v or 0.0
    _, rows = queries.run("contracts-by-agency-year", bundled_graph, {"agency": "ICE"})
    got: dict = defaultdict(lambda: [0, 0.0, 0.0, 0.0])
    for _, year, _, n, ob, cv, pv in rows:  # currencies merged: figures do not split them
        for i, v in enumerate((n, ob, cv, pv)):
            got[year][i] += v
    assert set(got) == set(by_year)
    for year, want in by_year.items():
        assert got[year][0] == want[0], year
        assert got[year][1:] == pytest.approx(want[1:], abs=0.01), year


@pytest.mark.slow  # the bundled graph and dataset (loaded once a session)
def test_figures_of_a_node_equal_the_figures_from_the_rdf(bundled_graph):
    """figures_of reads a contract's node (its own figures and the record_K lists the projection
    puts on it) and gives, for every bundled contract, what contract_figures reads from the RDF."""
    from graphkit.sources import contract_figures, figures_of

    want = contract_figures(bundled_graph.dataset)
    assert len(want) > 1000
    got = {k: figures_of(k, bundled_graph.node(k)) for k in want}
    assert got == want
    west = got["contract/70CDCR18P00000017"]
    assert west.obligated == 7391976.0  # only its 2025 record gives one
    assert bundled_graph.node(west.contract).get("obligated") is None


def test_evidence_sources_are_kept_in_the_cache_folder(tmp_path, monkeypatch):
    """The evidence -> source table is written once to the cache folder and read back equal
    (a new process does not rescan the source files)."""
    from graphkit.sources import evidence_sources

    monkeypatch.setenv("GRAPHKIT_CACHE_DIR", str(tmp_path))
    evidence_sources.cache_clear()
    first = evidence_sources()
    (memo,) = tmp_path.glob("evidence-sources-*.json")
    evidence_sources.cache_clear()
    assert evidence_sources() == first
    memo.write_text('{"evidence/x": ["y"]}')  # what is read is the file's
    evidence_sources.cache_clear()
    assert evidence_sources() == {"evidence/x": ("y",)}
    evidence_sources.cache_clear()
