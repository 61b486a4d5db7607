"""The on-disk projection cache: data only, keyed by content, verified on every read.

An entry holds one :class:`graphkit.projection.PropertyGraph` and whether the inputs it came from
passed validation. Layout of ``<key>.gkpg``::

    GKPG\\n
    {"format": "2", "key": "...", "validated": true, "codec": "zlib+json", "size": N,
     "sha256": "..."}\\n
    <N bytes: zlib-compressed JSON {"labels": [[...], ...], "nodes": {id: {...}}, "edges": [...]}>

Why this form:

- **No code on read.** JSON decodes to dicts, lists, strings and numbers; nothing in an entry can
  name a callable (a pickle can, and a planted one ran ``os.system``). Entries are never pickles,
  and files the cache did not write (other names, other formats) are ignored.
- **Keyed by content.** :func:`inputs_key` hashes every input file's bytes (not its size and
  mtime, which an edit can keep), its suffix (which picks the parser), the cache format version
  and the source of the modules that define the projection; so an edit is always seen.
- **Verified.** The header repeats the key (an entry copied or renamed under another key is
  refused) and holds the SHA-256 and length of the payload (a flipped or truncated byte is
  refused). Any failure on read (bad header, checksum, zlib, JSON, shape) means "no entry": the
  caller rebuilds and overwrites it. Nothing about a bad entry is ever reported as an error.
- **Private and atomic.** The folder is 0700 and must belong to the user (a folder owned by
  someone else, or one that cannot be made private, turns the cache off rather than falling back
  to a shared path); files are written to a private temporary file (0600) and renamed into place.
- **Measured** (BENCHMARKS.md "Cache"): at 100k claims (62k nodes, 117k edges) the JSON is
  36 MB, 4.5 MB after zlib level 1; a cached ``load()`` took 4.7 s against 3.9 s for the old
  pickle and 43.7 s without a cache; on the bundled data both caches start in the same time.
  The C JSON decoder builds the node and edge dicts that networkx and every other consumer take
  (``load()`` adopts them without copying, with the cyclic GC paused); a columnar layout
  (string table + numpy arrays) would move that per-record work into Python rather than remove
  it, and pays only once consumers read columns directly. Label tuples are stored once.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import sys
import time
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

FORMAT_VERSION = "2"
SUFFIX = ".gkpg"
MAGIC = b"GKPG\n"
MAX_AGE = 7 * 86400  # entries unused this long are pruned when a new one is written
_CODE = ("projection.py", "model.py", "cache.py")  # modules whose change invalidates entries


@dataclass
class Entry:
    """A verified cache entry."""

    pg: object  # graphkit.projection.PropertyGraph
    validated: bool


def inputs_key(files: Iterable[Path]) -> str:
    """A key that changes whenever any input file's content (or graphkit's projection) does."""
    h = hashlib.sha256(f"graphkit-cache {FORMAT_VERSION}\n".encode())
    here = Path(__file__).parent
    for name in _CODE:
        h.update(hashlib.sha256((here / name).read_bytes()).digest())
    for f in files:
        f = Path(f)
        h.update(f"\0{f.suffix.lower()}\0".encode())
        h.update(_file_digest(f))
    return h.hexdigest()[:40]


def _file_digest(path: Path) -> bytes:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.digest()


def cache_dir() -> Path:
    """``$GRAPHKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/graphkit``, else ``~/.cache/graphkit``.

    Never a shared fixed path: when the folder cannot be created private to the user
    (:func:`graphkit.cache.private_dir`), nothing is cached.
    """
    if os.environ.get("GRAPHKIT_CACHE_DIR"):
        return Path(os.environ["GRAPHKIT_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "graphkit"


def private_dir(folder: Path) -> Path | None:
    """Create ``folder`` (0700) or check an existing one; ``None`` if it cannot be private.

    A folder owned by another user is never used; one of ours with group or other access is
    tightened to 0700.
    """
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = folder.stat()
        if hasattr(os, "getuid") and st.st_uid != os.getuid():
            _warn(f"{folder} belongs to another user; the cache is off")
            return None
        if st.st_mode & 0o077:
            folder.chmod(0o700)
        return folder
    except OSError:
        return None


def _warn(msg: str) -> None:
    print(f"graphkit: {msg}", file=sys.stderr)


def entry_path(folder: Path, key: str) -> Path:
    return folder / f"{key}{SUFFIX}"


def read(folder: Path, key: str) -> Entry | None:
    """The entry for ``key`` if it exists and verifies, else ``None`` (never raises)."""
    path = entry_path(folder, key)
    try:
        blob = path.read_bytes()
        header, payload = _split(blob)
        if header.get("format") != FORMAT_VERSION or header.get("key") != key:
            return None
        if header.get("codec") != "zlib+json" or header.get("size") != len(payload):
            return None
        if hashlib.sha256(payload).hexdigest() != header.get("sha256"):
            return None
        pg = decode(zlib.decompress(payload))
        try:
            os.utime(path)  # recently used entries survive pruning
        except OSError:
            pass
        return Entry(pg=pg, validated=header.get("validated") is True)
    except Exception:  # noqa: BLE001 - any unreadable entry is simply rebuilt
        return None


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while decoding an entry and building a graph from it.

    Decoding creates millions of acyclic objects (reference counting frees them); without the
    pause, generation scans over the growing heap take about half of a cached load's time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _split(blob: bytes) -> tuple[dict, bytes]:
    if not blob.startswith(MAGIC):
        raise ValueError("not a graphkit cache entry")
    end = blob.index(b"\n", len(MAGIC))
    header = json.loads(blob[len(MAGIC) : end])
    if not isinstance(header, dict):
        raise ValueError("bad header")
    return header, blob[end + 1 :]


def write(folder: Path, key: str, pg, *, validated: bool) -> Path | None:
    """Write the entry for ``key`` atomically with mode 0600; ``None`` if it could not be."""
    try:
        payload = zlib.compress(encode(pg), 1)
    except (TypeError, ValueError):
        return None
    return _write_raw(folder, key, payload, validated=validated)


def mark_validated(folder: Path, key: str) -> None:
    """Record that the inputs behind ``key`` passed validation (keeps the payload as is)."""
    try:
        header, payload = _split(entry_path(folder, key).read_bytes())
    except (OSError, ValueError):
        return
    if header.get("key") == key and hashlib.sha256(payload).hexdigest() == header.get("sha256"):
        _write_raw(folder, key, payload, validated=True)


def _write_raw(folder: Path, key: str, payload: bytes, *, validated: bool) -> Path | None:
    header = {
        "format": FORMAT_VERSION,
        "key": key,
        "validated": validated,
        "codec": "zlib+json",
        "size": len(payload),
        "sha256": hashlib.sha256(payload).hexdigest(),
    }
    import tempfile

    path = entry_path(folder, key)
    tmp = None
    try:
        _prune(folder)
        fd, tmp = tempfile.mkstemp(prefix=f".{key}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(MAGIC + json.dumps(header).encode() + b"\n" + payload)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
        return path
    except OSError:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        return None  # caching is an optimisation only


def _prune(folder: Path) -> None:
    """Remove this cache's entries unused for :data:`MAX_AGE`, and the old pickle entries."""
    old = time.time() - MAX_AGE
    for p in [*folder.glob(f"*{SUFFIX}"), *folder.glob("[0-9]-*.pickle")]:
        try:
            if p.suffix == ".pickle" or p.stat().st_mtime < old:
                p.unlink()
        except OSError:
            pass


# -- payload ------------------------------------------------------------------------------------


def encode(pg) -> bytes:
    """A PropertyGraph as compact JSON (label tuples stored once, by index)."""
    tables: dict[tuple, int] = {}
    nodes = {}
    for n, d in pg.nodes.items():
        labels = tuple(d["labels"])
        nodes[n] = {**d, "labels": tables.setdefault(labels, len(tables))}
    doc = {"labels": list(tables), "nodes": nodes, "edges": pg.edges}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


def decode(raw: bytes):
    """The inverse of :func:`encode`; raises on any structural problem."""
    from graphkit.projection import Edge, PropertyGraph

    doc = json.loads(raw)
    labels = [tuple(x) for x in doc["labels"]]
    nodes = doc["nodes"]
    for d in nodes.values():
        d["labels"] = labels[d["labels"]]
    edges = [Edge(*e) for e in doc["edges"]]  # a wrong shape raises here, and is rebuilt
    return PropertyGraph(nodes=nodes, edges=edges)
