"""The on-disk projection cache: data only, keyed by content, verified on every read.

An entry holds one projection in columns (:class:`graphkit.columnar.Columns`) and whether the
inputs it came from passed validation. Layout of ``<key>.gkpg``::

    GKPG\n
    {"format": "3", "key": "...", "validated": true, "codec": "columns", "size": N,
     "arrays": [[name, dtype, shape, offset], ...], "sha256": "..."}\n
    <zero padding to a multiple of 64>
    <N bytes: the arrays' raw little-endian bytes, each at a 64-byte aligned offset>

Why this form:

- **No code on read.** The payload is raw numbers: every array has a dtype from a short list
  of integer, boolean and byte types (:data:`DTYPES`, and fixed-width byte strings), mapped
  with ``mmap`` and viewed with ``np.frombuffer``; there is no pickle and no object array
  anywhere (``np.load`` is not used, so ``allow_pickle`` cannot matter), and tables of names
  travel as JSON bytes. Files the cache did not write (other names, other formats) are ignored.
- **One file, memory-mapped.** The arrays are mapped, not read: a cached start touches only
  the pages it uses, and the properties of a node or edge are decoded from its JSON record when
  something reads it (:class:`graphkit.columnar.Blob`). One file rather than a folder of
  ``.npy`` files keeps the write one atomic rename and the check one checksum.
- **Keyed by content.** :func:`inputs_key` hashes every input file's bytes (not its size and
  mtime, which an edit can keep), its suffix (which picks the parser), the cache format version
  and the source of the modules that define the projection; so an edit is always seen. A
  file's digest is remembered in the private folder with its device, inode, size, mtime and
  ctime and reused while they are unchanged (a 1.5 GB input costs seconds to hash; any write
  changes the ctime, which cannot be set back); see :func:`inputs_key`.
- **Verified.** The header repeats the key (an entry copied or renamed under another key is
  refused); the SHA-256 covers the array table (names, dtypes, shapes, offsets) and every byte
  of the payload, and is checked on every read before any array is used (a flipped or
  truncated byte is refused). We verify all of it rather than only sizes and a header checksum
  because property records are decoded lazily, long after the read, and a damaged record must
  never reach a user; it costs one pass at the disk's page-cache speed (measured in
  BENCHMARKS.md "Cache"). Then :func:`graphkit.columnar.from_arrays` checks every length and
  index range. Any failure means "no entry": the caller rebuilds and overwrites it. Nothing
  about a bad entry is ever reported as an error.
- **Private and atomic.** The folder is 0700 and must belong to the user (a folder owned by
  someone else, or one that cannot be made private, turns the cache off rather than falling back
  to a shared path); files are written to a private temporary file (0600) and renamed into place.
"""

from __future__ import annotations

import gc
import hashlib
import json
import mmap
import os
import re
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

FORMAT_VERSION = "4"  # 4: contract nodes carry their records' figures (record_K lists)
SUFFIX = ".gkpg"
MAGIC = b"GKPG\n"
MAX_AGE = 7 * 86400  # entries unused this long are pruned when a new one is written
_CODE = (
    "projection.py",
    "model.py",
    "cache.py",
    "columnar.py",
)  # modules whose change invalidates entries


@dataclass
class Entry:
    """A verified cache entry."""

    cols: object  # graphkit.columnar.Columns
    validated: bool


def inputs_key(files: Iterable[Path], folder: Path | None = None) -> str:
    """A key that changes whenever any input file's content (or graphkit's projection) does.

    With ``folder`` (the private cache folder) a file's SHA-256 is remembered together with
    its device, inode, size, modification and change times (``digests.json``) and reused while
    all five are unchanged. Any write to a file changes its change time (``ctime``), which no
    user can set back (``os.utime`` sets it to now), so an edit that keeps size and mtime is
    still seen; a digest is remembered only when both times are more than
    :data:`SETTLED_NS` old, so an edit within the same clock tick as the hashing cannot hide
    (git's "racily clean" rule).
    """
    h = hashlib.sha256(f"graphkit-cache {FORMAT_VERSION}\n".encode())
    here = Path(__file__).parent
    for name in _CODE:
        h.update(hashlib.sha256((here / name).read_bytes()).digest())
    memo = _read_digests(folder) if folder is not None else None
    before = dict(memo) if memo is not None else None
    for f in files:
        f = Path(f)
        h.update(f"\0{f.suffix.lower()}\0".encode())
        h.update(_file_digest(f, memo))
    if memo is not None and folder is not None and memo != before:
        _write_digests(folder, memo)
    return h.hexdigest()[:40]


SETTLED_NS = 2_000_000_000
_DIGESTS = "digests.json"


def _signature(st: os.stat_result) -> list[int]:
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def _file_digest(path: Path, memo: dict | None = None) -> bytes:
    key = str(path.resolve()) if memo is not None else ""
    if memo is not None:
        sig = _signature(path.stat())
        hit = memo.get(key)
        if isinstance(hit, list) and len(hit) == 6 and hit[:5] == sig:
            try:
                return bytes.fromhex(hit[5])
            except (TypeError, ValueError):
                pass
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    digest = h.digest()
    if memo is not None:
        now = time.time_ns()
        after = _signature(path.stat())
        if after == sig and now - max(sig[3], sig[4]) > SETTLED_NS:
            memo[key] = [*sig, digest.hex()]
        else:
            memo.pop(key, None)
    return digest


def _read_digests(folder: Path) -> dict:
    try:
        memo = json.loads((folder / _DIGESTS).read_bytes())
        return memo if isinstance(memo, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_digests(folder: Path, memo: dict) -> None:
    import tempfile

    if len(memo) > 4096:  # keep the most recent ones (dicts keep insertion order)
        memo = dict(list(memo.items())[-4096:])
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".digests.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(json.dumps(memo).encode())
        os.chmod(tmp, 0o600)
        os.replace(tmp, folder / _DIGESTS)
    except OSError:
        if tmp:
            Path(tmp).unlink(missing_ok=True)


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
        import numpy as np

        from graphkit.columnar import from_arrays

        with path.open("rb") as fh:
            mm = np.frombuffer(mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ), np.uint8)
        header, start = _split(mm)
        if header.get("format") != FORMAT_VERSION or header.get("key") != key:
            return None
        payload = mm[start:]
        if header.get("codec") != "columns" or header.get("size") != len(payload):
            return None
        table = header.get("arrays")
        if not isinstance(table, list):
            return None
        if _digest(table, payload) != header.get("sha256"):
            return None
        arrays = {}
        for name, dtype, shape, offset in table:
            if dtype not in DTYPES and not _BYTES.fullmatch(str(dtype)):
                return None
            dt = np.dtype(dtype)
            count = int(np.prod(shape, dtype=np.int64)) if shape else 1
            end = offset + count * dt.itemsize
            if not (0 <= offset <= end <= len(payload)):
                return None
            arrays[name] = payload[offset:end].view(dt).reshape(shape)
        cols = from_arrays(arrays)
        try:
            os.utime(path)  # recently used entries survive pruning
        except OSError:
            pass
        return Entry(cols=cols, validated=header.get("validated") is True)
    except Exception:  # noqa: BLE001 - any unreadable entry is simply rebuilt
        return None


#: the dtypes an entry may hold (numbers and bytes only), and fixed-width byte strings
DTYPES = frozenset({"|u1", "|b1", "<i2", "<i4", "<i8"})
_BYTES = re.compile(r"\|S[1-9][0-9]{0,3}")
_ALIGN = 64


def _digest(table, payload) -> str:
    h = hashlib.sha256(json.dumps(table, separators=(",", ":")).encode())
    h.update(payload)
    return h.hexdigest()


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


def _split(blob) -> tuple[dict, int]:
    """The header of an entry and the offset of its payload."""
    if bytes(blob[: len(MAGIC)]) != MAGIC:
        raise ValueError("not a graphkit cache entry")
    head = bytes(blob[len(MAGIC) : len(MAGIC) + (1 << 20)])
    end = head.index(b"\n") + len(MAGIC)
    header = json.loads(bytes(blob[len(MAGIC) : end]))
    if not isinstance(header, dict):
        raise ValueError("bad header")
    return header, -(-(end + 1) // _ALIGN) * _ALIGN


def write(folder: Path, key: str, cols, *, validated: bool) -> Path | None:
    """Write the entry for ``key`` atomically with mode 0600; ``None`` if it could not be."""
    from graphkit.columnar import to_arrays

    try:
        arrays = to_arrays(cols)
    except (TypeError, ValueError):
        return None
    return write_arrays(folder, key, arrays, validated=validated)


def write_arrays(folder: Path, key: str, arrays: dict, *, validated: bool) -> Path | None:
    """Write named numeric arrays as the entry for ``key`` (see the module docstring)."""
    table, offset = [], 0
    for name, a in arrays.items():
        dt = a.dtype.str
        if dt not in DTYPES and not _BYTES.fullmatch(dt):
            return None
        table.append([name, dt, list(a.shape), offset])
        offset = -(-(offset + a.nbytes) // _ALIGN) * _ALIGN
    return _write_raw(folder, key, table, arrays, offset, validated=validated)


def mark_validated(folder: Path, key: str) -> None:
    """Record that the inputs behind ``key`` passed validation (keeps the payload as is)."""
    entry = read(folder, key)
    if entry is not None:
        write(folder, key, entry.cols, validated=True)


def _write_raw(
    folder: Path, key: str, table: list, arrays: dict, size: int, *, validated: bool
) -> Path | None:
    import tempfile

    def chunks():
        at = 0
        for (_name, _dt, _shape, offset), a in zip(table, arrays.values()):
            if offset > at:
                yield bytes(offset - at)
            yield a.reshape(-1).view(np.uint8).data
            at = offset + a.nbytes
        if size > at:
            yield bytes(size - at)

    import numpy as np

    h = hashlib.sha256(json.dumps(table, separators=(",", ":")).encode())
    for c in chunks():
        h.update(c)
    header = {
        "format": FORMAT_VERSION,
        "key": key,
        "validated": validated,
        "codec": "columns",
        "size": size,
        "arrays": table,
        "sha256": h.hexdigest(),
    }
    head = MAGIC + json.dumps(header).encode() + b"\n"
    head += b"\0" * (-(-len(head) // _ALIGN) * _ALIGN - len(head))
    path = entry_path(folder, key)
    tmp = None
    try:
        _prune(folder)
        fd, tmp = tempfile.mkstemp(prefix=f".{key}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(head)
            for c in chunks():
                fh.write(c)
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
