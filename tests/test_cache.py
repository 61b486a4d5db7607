"""The projection cache (graphkit.cache) and the embedded-Cypher database cache."""

import hashlib
import json
import mmap
import os
import pickle
import shutil
import stat
import zlib

import numpy as np
import pytest
from helpers import MINI, write
from typer.testing import CliRunner

import graphkit
from graphkit import cache as C
from graphkit.backends import embedded_cypher as E
from graphkit.cli import app
from graphkit.errors import ValidationError
from graphkit.store import input_files


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("GRAPHKIT_CACHE_DIR", str(folder))
    return folder


def entry_of(files) -> str:
    return C.inputs_key(input_files(files, bundled=False))


def old_key(files) -> str:
    """The key of the pickle cache graphkit used before (path, size and mtime only)."""
    h = hashlib.sha256()
    for f in input_files(files, bundled=False):
        st = f.stat()
        h.update(f"{f.resolve()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:24]


class Boom:
    """Unpickling this runs a shell command that creates a marker file."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_entry_is_data_not_pickle(cache):
    graphkit.load([MINI], bundled=False)
    (entry,) = cache.glob("*.gkpg")
    blob = entry.read_bytes()
    assert blob.startswith(C.MAGIC)
    header = json.loads(blob.split(b"\n")[1])
    assert header["validated"] is True and header["key"] == entry_of([MINI])
    assert b"\x80\x05" not in blob[:2] and b"pickle" not in blob


def test_planted_pickle_does_not_run(cache, tmp_path):
    key = entry_of([MINI])
    cache.mkdir(mode=0o700)
    marker = tmp_path / "pwned"
    evil = pickle.dumps(Boom(marker))
    (cache / f"{key}.gkpg").write_bytes(evil)  # a bare pickle under the entry's name
    (cache / f"1-1-{old_key([MINI])}.pickle").write_bytes(evil)  # where the old cache read
    (cache / "other.gkpg").write_bytes(evil)
    g = graphkit.load([MINI], bundled=False)
    assert g.path("Borealis Analytics", "fea").found
    # a well-formed header with a matching checksum over a pickled payload is refused too
    payload = zlib.compress(evil)
    header = {"format": C.FORMAT_VERSION, "key": key, "validated": True, "codec": "zlib+json"}
    header |= {"size": len(payload), "sha256": hashlib.sha256(payload).hexdigest()}
    (cache / f"{key}.gkpg").write_bytes(C.MAGIC + json.dumps(header).encode() + b"\n" + payload)
    assert C.read(cache, key) is None
    g = graphkit.load([MINI], bundled=False)
    assert g.path("Borealis Analytics", "fea").found
    assert not marker.exists()
    assert C.read(cache, key) is not None  # rebuilt over the planted file


def run_cli(*args):
    """The command in this process (graphkit keeps no graph between commands: each run reads
    the cache entry from disk, as a new process would)."""
    return CliRunner().invoke(app, list(args))


def test_flipped_byte_is_rebuilt_and_the_command_still_answers(cache):
    args = ["path", "Borealis Analytics", "fea", "--data", str(MINI), "--no-bundled", "-f", "json"]
    first = run_cli(*args)
    assert first.exit_code == 0, first.output
    (entry,) = cache.glob("*.gkpg")
    for where in (len(entry.read_bytes()) // 2, -5):  # inside the payload, and near its end
        blob = bytearray(entry.read_bytes())
        blob[where] ^= 0x41
        entry.write_bytes(bytes(blob))
        assert C.read(cache, entry.stem) is None
        again = run_cli(*args)
        assert again.exit_code == 0, again.output
        assert json.loads(again.stdout) == json.loads(first.stdout)
        assert C.read(cache, entry.stem) is not None  # the entry was rewritten


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 3],  # truncated
        lambda b: b"",  # empty
        lambda b: b.replace(  # another format version
            f'"format": "{C.FORMAT_VERSION}"'.encode(), b'"format": "9"', 1
        ),
        lambda b: b.replace(C.MAGIC, b"GKPX\n", 1),
    ],
)
def test_damaged_entry_is_rebuilt(cache, damage):
    graphkit.load([MINI], bundled=False)
    (entry,) = cache.glob("*.gkpg")
    before = entry.read_bytes()
    damaged = damage(before)
    assert damaged != before  # the damage applies to this format
    entry.write_bytes(damaged)
    g = graphkit.load([MINI], bundled=False)
    assert g.stats()["claims"] == 4
    assert C.read(cache, entry.stem) is not None


def test_entry_of_other_data_is_not_served(cache, tmp_path):
    f = write(tmp_path / "extra.ttl", 'ido:new-co a gk:Company ; schema:name "New Co" .\n')
    graphkit.load([MINI], bundled=False)
    graphkit.load([MINI, f], bundled=False)
    small, big = C.entry_path(cache, entry_of([MINI])), C.entry_path(cache, entry_of([MINI, f]))
    shutil.copy(big, small)  # the bigger dataset's entry under the smaller one's key
    g = graphkit.load([MINI], bundled=False)
    assert "org/new-co" not in g.G


def test_edit_keeping_size_and_mtime_is_seen(cache, tmp_path):
    f = write(tmp_path / "extra.ttl", 'ido:new-co a gk:Company ; schema:name "New Co A" .\n')
    st = f.stat()
    assert graphkit.load([MINI, f], bundled=False).G.nodes["org/new-co"]["name"] == "New Co A"
    write(f, 'ido:new-co a gk:Company ; schema:name "New Co B" .\n')
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (f.stat().st_size, f.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    assert graphkit.load([MINI, f], bundled=False).G.nodes["org/new-co"]["name"] == "New Co B"


def test_remembered_digest_is_not_trusted_after_an_edit(cache, tmp_path, monkeypatch):
    """A file's digest is reused only while device, inode, size, mtime and ctime match; an
    edit that restores size and mtime still changes the ctime."""
    monkeypatch.setattr(C, "SETTLED_NS", -(10**18))  # treat every file as settled
    f = write(tmp_path / "extra.ttl", 'ido:new-co a gk:Company ; schema:name "New Co A" .\n')
    st = f.stat()
    assert graphkit.load([MINI, f], bundled=False).G.nodes["org/new-co"]["name"] == "New Co A"
    memo = json.loads((cache / "digests.json").read_bytes())
    assert memo[str(f.resolve())][-1] == hashlib.sha256(f.read_bytes()).hexdigest()
    assert mode(cache / "digests.json") == 0o600
    write(f, 'ido:new-co a gk:Company ; schema:name "New Co B" .\n')
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (f.stat().st_size, f.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    assert graphkit.load([MINI, f], bundled=False).G.nodes["org/new-co"]["name"] == "New Co B"


def mode(p):
    return stat.S_IMODE(p.stat().st_mode)


def test_permissions_are_private(cache):
    cache.mkdir(mode=0o755)
    cache.chmod(0o755)  # an existing folder open to others is tightened
    g = graphkit.load([MINI], bundled=False)
    E.run(g, "MATCH (n:Company) RETURN count(n) AS n", {})
    assert mode(cache) == 0o700 and mode(cache / "cypher") == 0o700
    files = [*cache.glob("*.gkpg"), *(cache / "cypher").iterdir()]
    assert len(files) == 3  # entry, .lbdb and its stamp
    assert {mode(p) for p in files} == {0o600}


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs chown")
def test_folder_of_another_user_is_not_used(cache):
    cache.mkdir(mode=0o700)
    os.chown(cache, 12345, -1)
    g = graphkit.load([MINI], bundled=False)
    assert g.stats()["claims"] == 4
    assert list(cache.iterdir()) == []


def test_validation_is_cached_and_never_skipped(cache, tmp_path, monkeypatch):
    graphkit.load([MINI], bundled=False)
    g = graphkit.load([MINI], bundled=False)
    assert g._dataset is None  # validated once: the second load neither parses nor validates
    bad = write(
        tmp_path / "bad.ttl",
        """idc:broken a gk:Claim ; rdf:subject ido:acme-cloud ; rdf:predicate gk:hosts ;
    rdf:object ido:fea ; gk:status status:reported .
""",
    )
    assert graphkit.load([MINI, bad], bundled=False, validate=False).stats()["claims"] == 5
    with pytest.raises(ValidationError):  # the unvalidated entry does not stand in for SHACL
        graphkit.load([MINI, bad], bundled=False)


def test_unvalidated_entry_is_upgraded_after_validation(cache):
    graphkit.load([MINI], bundled=False, validate=False)
    key = entry_of([MINI])
    assert C.read(cache, key).validated is False
    graphkit.load([MINI], bundled=False)
    assert C.read(cache, key).validated is True


def test_cache_round_trip_is_exact(cache):
    from graphkit.columnar import from_projection
    from graphkit.projection import project
    from graphkit.store import Dataset

    pg = project(Dataset.load(files=input_files([MINI], bundled=False)))
    cache.mkdir(mode=0o700)
    C.write(cache, "k", from_projection(pg), validated=True)
    back = C.read(cache, "k").cols
    base = back.src
    while isinstance(base, np.ndarray):
        base = base.base
    assert isinstance(base.obj if isinstance(base, memoryview) else base, mmap.mmap)  # mapped
    assert {back.node_id(i): back.node_data(i) for i in range(back.n_nodes)} == pg.nodes
    edges = [(back.node_id(s), back.node_id(t), back.edge_type(e), back.edge_json.json(e))
             for e, (s, t) in enumerate(zip(back.src.tolist(), back.dst.tolist()))]  # fmt: skip
    assert edges == [tuple(e) for e in pg.edges]
    assert all(isinstance(back.node_labels(i), tuple) for i in range(back.n_nodes))


# -- embedded Cypher --------------------------------------------------------------------------


def test_swapped_cypher_db_of_another_dataset_is_not_served(cache, tmp_path):
    f = write(tmp_path / "extra.ttl", 'ido:new-co a gk:Company ; schema:name "New Co" .\n')
    q = "MATCH (n:Company) RETURN n.id AS id ORDER BY id"
    small = graphkit.load([MINI], bundled=False)
    big = graphkit.load([MINI, f], bundled=False)
    want_small = E.run(small, q, {})[1]
    assert ["org/new-co"] in E.run(big, q, {})[1] and ["org/new-co"] not in want_small
    dbs = cache / "cypher"
    db_small = dbs / f"{E.MAPPING_VERSION}-data-{small.cache_key}.lbdb"
    db_big = dbs / f"{E.MAPPING_VERSION}-data-{big.cache_key}.lbdb"
    built = db_small.stat().st_mtime_ns
    E._open.clear()
    assert E.run(small, q, {})[1] == want_small and db_small.stat().st_mtime_ns == built  # reused
    for with_stamp in (False, True):
        E._open.clear()  # as in a new process
        shutil.copy(db_big, db_small)
        if with_stamp:
            shutil.copy(f"{db_big}.json", f"{db_small}.json")
        assert E.run(small, q, {})[1] == want_small


def _damaged(arrays: dict, how: str) -> dict:
    a = dict(arrays)
    if how == "index out of range":
        a["src"] = a["src"].copy()
        a["src"][0] = 10**6
    elif how == "short column":
        a["dst"] = a["dst"][:-1]
    elif how == "missing array":
        del a["pair_of"]
    elif how == "offsets out of order":
        a["node_json.end"] = a["node_json.end"][::-1].copy()
    elif how == "bad meta":
        a["meta"] = np.frombuffer(b"[1, 2, 3]", dtype=np.uint8)
    return a


@pytest.mark.parametrize(
    "how",
    ["index out of range", "short column", "missing array", "offsets out of order", "bad meta"],
)
def test_checksummed_entry_of_the_wrong_shape_is_rebuilt(cache, how):
    from graphkit.columnar import to_arrays

    g = graphkit.load([MINI], bundled=False)
    key = entry_of([MINI])
    C.write_arrays(cache, key, _damaged(to_arrays(g.columns), how), validated=True)
    assert C.read(cache, key) is None
    g = graphkit.load([MINI], bundled=False)
    assert g.stats()["claims"] == 4
    assert C.read(cache, key).cols.n_nodes == g.G.number_of_nodes()


def test_entry_naming_an_object_dtype_is_refused(cache):
    """An array table that asks for Python objects (what np.load would unpickle) is refused
    even with a matching checksum."""
    graphkit.load([MINI], bundled=False)
    key = entry_of([MINI])
    (entry,) = cache.glob("*.gkpg")
    blob = entry.read_bytes()
    header, start = C._split(blob)
    header["arrays"][0][1] = "|O"
    header["sha256"] = C._digest(header["arrays"], blob[start:])
    head = C.MAGIC + json.dumps(header).encode() + b"\n"
    head += b"\0" * (start - len(head))
    entry.write_bytes(head + blob[start:])
    assert C.read(cache, key) is None


def test_to_networkx_matches_add_edges_from(cache):
    import networkx as nx

    from graphkit.graph import to_networkx
    from graphkit.projection import project
    from graphkit.store import Dataset

    pg = project(Dataset.load(files=input_files([MINI], bundled=False)))
    H = nx.MultiDiGraph()
    H.add_nodes_from(pg.nodes.items())
    H.add_edges_from(
        (s, t, d.get("claim") or d["link"], {"type": typ, **d}) for s, t, typ, d in pg.edges
    )
    G = to_networkx(pg)
    assert nx.utils.graphs_equal(G, H)
    assert sorted(G.edges(keys=True, data=True), key=str) == sorted(
        H.edges(keys=True, data=True), key=str
    )
    assert all("type" not in d for *_, d in pg.edges)  # copying leaves the projection as it was
    G.add_edge("x", "y", "k")  # and a graph that networkx can keep building on
    assert G.has_edge("x", "y") and "x" in G.pred["y"]
