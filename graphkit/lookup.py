"""Entity lookup: one forgiving, honest way to turn what a user typed into one entity.

In order: an id (``org/ice`` or a full IRI); a name, alias, PIID or id tail equal to the text
ignoring case; equal after :func:`graphkit.resolve.normalize` (punctuation, legal suffixes);
then the best of prefix, token and fuzzy matches when it is a clear winner (a margin over the
second). Otherwise the candidates are listed, ranked by the same scores, with their kind.

Indexes are built once per graph (dicts, a sorted list for prefixes, an inverted token
index), so a lookup never scans every node; only the fuzzy fallback compares strings in bulk
(rapidfuzz, in C).

>>> idx = NameIndex([
...     Entry("org/tr", "Thomson Reuters Corporation", ("Thomson Reuters",), "Company"),
...     Entry("org/trss", "Thomson Reuters Special Services", ("TRSS",), "Company"),
...     Entry("person/markey", "Edward J. Markey", ("Senator Markey",), "Person"),
... ])
>>> idx.resolve("Thomson").id, idx.resolve("Thomson").how
('org/tr', 'prefix')
>>> idx.resolve("markey").id
'person/markey'
>>> idx.resolve("trss").how
'exact'
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from graphkit.errors import AmbiguousEntity, EntityNotFound
from graphkit.resolve import normalize, numbering

#: A non-exact match resolves only when it scores at least this ...
MIN_SCORE = 60.0
#: ... and leads the second-best entity by at least this many points.
MARGIN = 8.0


@dataclass(frozen=True)
class Entry:
    """What lookup knows of one node."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    kind: str = ""  # most specific label
    extra: tuple[str, ...] = ()  # other exact keys (PIID)


@dataclass(frozen=True)
class Match:
    """A resolved lookup: the node, how it was found, and a score (100 = exact)."""

    id: str
    name: str
    kind: str
    how: str  # id | exact | normalised | prefix | token | fuzzy
    score: float
    matched: str = ""

    @property
    def exact(self) -> bool:
        """Found by id or by a name/alias equal to the text (ignoring case): nothing to report.
        A normalised match (legal suffixes, punctuation dropped) is reported like a partial one."""
        return self.how in ("id", "exact")

    def note(self, text: str) -> str:
        """What to tell the user when the match was not exact."""
        via = f" (via {self.matched!r})" if self.matched and self.matched != self.name else ""
        return f"using {self.name} [{self.kind}, {self.id}] for {text!r}: {self.how} match{via}"


@dataclass(frozen=True)
class NamePair:
    """Two entries whose names (or aliases) match: ``how`` is ``normalised`` (equal after
    :func:`normalize`) or ``fuzzy`` (``score``: rapidfuzz ``token_sort_ratio``, 0-100)."""

    a: str
    a_label: str
    b: str
    b_label: str
    how: str
    score: float
    norm: str  # a's normalised label


@dataclass
class NameIndex:
    """Exact, normalised, prefix, token and fuzzy lookup over a fixed set of entries."""

    entries: list[Entry]
    _by_id: dict[str, Entry] = field(default_factory=dict, init=False, repr=False)
    _fold: dict[str, set[str]] = field(default_factory=dict, init=False, repr=False)
    _norm: dict[str, set[str]] = field(default_factory=dict, init=False, repr=False)
    _sorted: list[tuple[str, int]] = field(default_factory=list, init=False, repr=False)
    _tokens: dict[str, set[int]] = field(default_factory=dict, init=False, repr=False)
    _labels: list[tuple[str, str, str]] = field(default_factory=list, init=False, repr=False)

    _ready: bool = field(default=False, init=False, repr=False)
    # a prebuilt index (NameIndex.prebuilt): exact keys, entries by id, the entries on demand
    _exact: Callable[[str], list[str]] | None = field(default=None, init=False, repr=False)
    _entry_of: Callable[[str], Entry] | None = field(default=None, init=False, repr=False)
    _known: Callable[[str], bool] | None = field(default=None, init=False, repr=False)
    _load: Callable[[], list[Entry]] | None = field(default=None, init=False, repr=False)

    @classmethod
    def prebuilt(
        cls,
        *,
        exact: Callable[[str], list[str]],
        entry: Callable[[str], Entry],
        known: Callable[[str], bool],
        entries: Callable[[], list[Entry]],
    ) -> NameIndex:
        """An index over tables kept elsewhere (the columnar projection's sorted keys): ``exact``
        gives the ids of a casefolded name, alias, PIID or id tail, ``entry`` one entry,
        ``known`` whether an id is an entity; ``entries`` lists them all, read only for the
        first inexact lookup. No lookup scans every node."""
        idx = cls([])
        idx._exact, idx._entry_of, idx._known, idx._load = exact, entry, known, entries
        return idx

    def __post_init__(self) -> None:
        # the cheap exact index now; the normalised ones on the first inexact lookup
        for e in self.entries:
            self._by_id[e.id] = e
            tail = e.id.rsplit("/", 1)[-1]
            for label in (e.name, *e.aliases, *e.extra, tail):
                if label:
                    self._fold.setdefault(label.casefold(), set()).add(e.id)

    def _build(self) -> None:
        if self._ready:
            return
        if self._load is not None:
            self.entries = self._load()
            self._load = None
        memo: dict[str, str] = {}
        for e in self.entries:
            tail = e.id.rsplit("/", 1)[-1]
            for label in (e.name, *e.aliases, *e.extra, tail):
                if not label:
                    continue
                norm = memo.get(label)
                if norm is None:
                    norm = memo[label] = normalize(label)
                if norm:
                    self._norm.setdefault(norm, set()).add(e.id)
            for label in (e.name, *e.aliases):
                norm = memo.get(label) or normalize(label)
                if norm:
                    i = len(self._labels)
                    self._labels.append((norm, e.id, label))
                    for tok in set(norm.split()):
                        self._tokens.setdefault(tok, set()).add(i)
        self._sorted = sorted((norm, i) for i, (norm, _, _) in enumerate(self._labels))
        self._ready = True

    def __contains__(self, node_id: str) -> bool:
        if self._known is not None:
            return self._known(node_id)
        return node_id in self._by_id

    def entry(self, node_id: str) -> Entry:
        if self._entry_of is not None:
            return self._entry_of(node_id)
        return self._by_id[node_id]

    def _exact_ids(self, key: str) -> list[str]:
        if self._exact is not None:
            return sorted(set(self._exact(key)))
        return sorted(self._fold.get(key, ()))

    # -- the lookup ----------------------------------------------------------------------------

    def resolve(self, text: str) -> Match:
        """The one entity ``text`` names; :class:`AmbiguousEntity` or :class:`EntityNotFound`
        (with ranked candidates) otherwise."""
        from graphkit.model import short_id

        t = text.strip()
        sid = short_id(t)
        if sid in self:
            return self._match(sid, "id", 100.0, sid)
        hits = self._exact_ids(t.casefold())
        if len(hits) == 1:
            return self._match(hits[0], "exact", 100.0, t)
        self._build()
        exact = hits
        for how, hits in (  # noqa: B020 - each row is looked at once
            ("exact", exact),
            ("normalised", sorted(self._norm.get(normalize(t), ()))),
        ):
            if len(hits) == 1:
                return self._match(hits[0], how, 100.0, t)
            if hits:
                raise AmbiguousEntity(text, [(h, self._describe(h)) for h in hits])
        ranked = self.candidates(t, limit=10, min_score=25.0)
        if ranked and ranked[0].score >= MIN_SCORE:
            top = ranked[0]
            close = [m for m in ranked if top.score - m.score < MARGIN]
            if len(close) == 1:
                return top
            # a name the other close candidates are named after ("Thomson Reuters" for
            # "Thomson Reuters Special Services", "Vigilant Solutions" for its database) is
            # the one meant
            root = self._root(close)
            if root is not None:
                return root
            raise AmbiguousEntity(text, [(m.id, self._describe(m.id)) for m in close])
        raise EntityNotFound(text, [f"{m.id} ({self._describe(m.id)})" for m in ranked[:5]])

    def candidates(self, text: str, *, limit: int = 10, min_score: float = 50.0) -> list[Match]:
        """Entities ranked by prefix, token and fuzzy score (best per entity), best first."""
        self._build()
        q = normalize(text)
        if not q:
            return []
        best: dict[str, Match] = {}

        def offer(i: int, how: str, score: float) -> None:
            _norm, eid, label = self._labels[i]
            old = best.get(eid)
            if old is None or score > old.score:
                best[eid] = self._match(eid, how, score, label)

        # prefix at a word boundary: "thomson" -> "thomson reuters"; shorter names score higher
        lo = bisect.bisect_left(self._sorted, (q, -1))
        for norm, i in self._sorted[lo : lo + 200]:
            if not norm.startswith(q):
                break
            if len(norm) == len(q) or norm[len(q)] == " ":
                offer(i, "prefix", 60.0 + 40.0 * len(q) / len(norm))
            elif len(q) >= 4:  # the start of a word: "sheriff" for "sheriffs"
                offer(i, "prefix", 55.0 + 40.0 * len(q) / len(norm))
        # every query word among the label's words: "markey" -> "senator markey"
        words = q.split()
        sets = [self._tokens.get(w, set()) for w in words]
        if sets and all(sets):
            for i in set.intersection(*sets):
                norm = self._labels[i][0]
                offer(i, "token", 50.0 + 40.0 * len(q) / len(norm))
        # fuzzy: a close spelling (a typo) may resolve; looser likeness only suggests
        from rapidfuzz import fuzz, process

        choices = [lb[0] for lb in self._labels]
        for label, score, i in process.extract(
            q, choices, scorer=fuzz.WRatio, limit=max(limit * 3, 20), score_cutoff=50
        ):
            offer(i, "fuzzy", max(fuzz.ratio(q, label) * 0.7, float(score) * 0.55))
        ranked = sorted(best.values(), key=lambda m: (-m.score, len(m.name), m.id))
        return [m for m in ranked if m.score >= min_score][:limit]

    def pairs(self, *, min_score: float = 85.0) -> list[NamePair]:
        """Every pair of entries whose names or aliases match each other: equal once normalised,
        or alike (``token_sort_ratio`` of the normalised labels at least ``min_score``) while
        sharing their first word ("avon police" is not "canton police") and their numbers
        ("family first 5" is not "family first 6"). Best pair per two entries; compared in
        bulk (rapidfuzz ``cdist``), not pair by pair in Python."""
        self._build()
        best: dict[tuple[str, str], NamePair] = {}

        def offer(i: int, j: int, how: str, score: float) -> None:
            (na, a, la), (_nb, b, lb) = self._labels[i], self._labels[j]
            if a == b:
                return
            if b < a:
                a, la, b, lb = b, lb, a, la
            old = best.get((a, b))
            if old is None or score > old.score:
                best[(a, b)] = NamePair(a, la, b, lb, how, score, na)

        by_norm: dict[str, list[int]] = {}
        for i, (norm, _eid, _label) in enumerate(self._labels):
            by_norm.setdefault(norm, []).append(i)
        for group in by_norm.values():
            for x, i in enumerate(group):
                for j in group[x + 1 :]:
                    offer(i, j, "normalised", 100.0)
        keys = sorted(by_norm)
        if len(keys) > 1:
            import numpy as np
            from rapidfuzz import fuzz, process

            scores = process.cdist(
                keys, keys, scorer=fuzz.token_sort_ratio, score_cutoff=min_score, workers=-1
            )
            for x, y in zip(*np.nonzero(scores)):
                ka, kb = keys[x], keys[y]
                if x < y and ka.split()[0] == kb.split()[0] and numbering(ka) == numbering(kb):
                    for i in by_norm[ka]:
                        for j in by_norm[kb]:
                            offer(i, j, "fuzzy", float(scores[x, y]))
        return sorted(best.values(), key=lambda p: (-p.score, p.a, p.b))

    # -- helpers -------------------------------------------------------------------------------

    def _root(self, close: list[Match]) -> Match | None:
        labels = {m.id: (normalize(self.entry(m.id).name), normalize(m.matched)) for m in close}
        for m in close:
            stems = tuple(x + " " for x in labels[m.id] if x)
            if all(any(x.startswith(stems) for x in labels[o.id]) for o in close if o.id != m.id):
                return m
        return None

    def _match(self, eid: str, how: str, score: float, matched: str) -> Match:
        e = self.entry(eid)
        return Match(eid, e.name, e.kind, how, round(score, 1), matched)

    def _describe(self, eid: str) -> str:
        e = self.entry(eid)
        return f"{e.name} [{e.kind}]" if e.kind else e.name


def entries_from_graph(G, *, entities_only: bool = True) -> Iterable[Entry]:
    """Lookup entries of a projected networkx graph's nodes (entities only by default)."""
    for n, d in G.nodes(data=True):
        labels = d.get("labels", ())
        if entities_only and "Entity" not in labels:
            continue
        piid = d.get("piid")
        yield Entry(
            n,
            str(d.get("name", n)),
            tuple(a for a in d.get("aliases", ()) if isinstance(a, str)),
            labels[0] if labels else "",
            (piid,) if isinstance(piid, str) else (),
        )
