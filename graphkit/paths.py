"""The vocabulary of path search: which claims a traversal may use, and what a step holds.

Only claim edges (those with a ``claim`` property) are followed; evidence and contract nodes are
never path steps. An :class:`EdgeFilter` says which claims a traversal may use: relationship
types, statuses, a date (``as_of``), a minimum strength, and direction. The one filter serves
``path``, ``neighbors``, ``viz`` and reports alike. The traversal itself is
:mod:`graphkit.adjacency`, over the columns (the one implementation); a :class:`Hop` holds the
claims of one step, and a path is as strong as its weakest hop (:func:`path_strength`).

:meth:`EdgeFilter.make` with an ontology gives the defaults a careful researcher expects: only
the relationship types that carry technology, data or money (the ontology's ``gk:flowsTo``
sub-properties) and no negated (denied) claims. Without an ontology every claim is followed.

>>> f = EdgeFilter.make(None, statuses={"confirmed"})
>>> f.accepts({"claim": "c1", "type": "HOSTS", "status": "reported"})
False
>>> f.accepts({"claim": "c2", "type": "SUPPLIES", "status": "confirmed"})
True
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphkit.errors import GraphkitError

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def check_date(text: str | None, option: str = "--as-of") -> str | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (a real month and day; returned unchanged), else
    a clear error.

    >>> check_date("2019-02"), check_date(None)
    ('2019-02', None)
    """
    import datetime as dt

    if text is None:
        return None
    s = str(text).strip()
    ok = bool(_DATE.match(s))
    if ok:
        y, m, d = (s.split("-") + ["01", "01"])[:3]
        try:
            dt.date(int(y), int(m), int(d))
        except ValueError:
            ok = False
    if not ok:
        raise GraphkitError(f"{option} {text!r}: expected a date YYYY, YYYY-MM or YYYY-MM-DD")
    return s


def bound(date, *, low: bool) -> str:
    """``2019`` -> ``2019-01-01`` (low) or ``2019-12-31`` (high); full dates unchanged.

    >>> bound("2019", low=True), bound("2019-06", low=False), bound("2019-06-03", low=False)
    ('2019-01-01', '2019-06-31', '2019-06-03')
    """
    s = str(date)[:10]
    pad = "0000-01-01" if low else "0000-12-31"
    return s + pad[len(s) :] if len(s) < 10 else s


@dataclass(frozen=True)
class EdgeFilter:
    """Which claim edges a traversal follows.

    ``types``/``statuses`` are sets of TYPE names / status notations (``None``: any);
    ``as_of`` keeps claims valid on that date (start <= date <= end; unknown dates kept and
    marked by :meth:`undated`) whose evidence was published by then (``published`` maps a claim
    id to the date of its earliest source, ``None`` when a source is undated);
    ``max_rank`` keeps statuses at least as strong as a status of that rank;
    ``since``/``until`` keep claims whose start..end interval overlaps that window (claims with
    no date at all are left out).
    """

    directed: bool = True
    types: frozenset[str] | None = None
    statuses: frozenset[str] | None = None
    excluded_statuses: frozenset[str] = frozenset()
    as_of: str | None = None
    max_rank: int | None = None
    ranks: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)
    published: Mapping[str, str | None] = field(default_factory=dict, compare=False, repr=False)
    flow_only: bool = False  # for messages: the type set is the ontology's flow default
    since: str | None = None
    until: str | None = None

    @classmethod
    def make(
        cls,
        ontology=None,
        *,
        directed: bool = True,
        types: Iterable[str] | None = None,
        statuses: Iterable[str] | None = None,
        all_relationships: bool = False,
        as_of: str | None = None,
        min_status: str | None = None,
        published: Mapping[str, str | None] | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> EdgeFilter:
        """A filter with the ontology's defaults: flow relationship types only (unless
        ``types`` or ``all_relationships``), negated statuses left out (unless named in
        ``statuses``)."""
        norm = lambda xs, f: frozenset(f(x) for x in xs) if xs else None  # noqa: E731
        types_, statuses_ = norm(types, str.upper), norm(statuses, str.lower)
        flow_only = False
        excluded: frozenset[str] = frozenset()
        ranks: dict[str, int] = {}
        max_rank = None
        if ontology is not None:
            known = set(ontology.rel_types.values())
            for t in types_ or ():
                if t not in known:
                    raise GraphkitError(
                        f"unknown relationship type {t!r}; the ontology defines: "
                        + ", ".join(sorted(known))
                    )
            for s in statuses_ or ():
                if s not in ontology.statuses:
                    raise GraphkitError(
                        f"unknown status {s!r}; statuses: " + ", ".join(sorted(ontology.statuses))
                    )
            if types_ is None and not all_relationships:
                types_, flow_only = frozenset(ontology.flow_types), True
            if statuses_ is None:
                excluded = frozenset(s.notation for s in ontology.statuses.values() if s.negated)
            ranks = {s.notation: s.rank for s in ontology.statuses.values()}
            if min_status is not None:
                st = ontology.status(min_status.lower())
                if st is None:
                    raise GraphkitError(
                        f"unknown status {min_status!r}; from strongest to weakest: "
                        + ", ".join(s.notation for s in ontology.statuses_by_strength())
                    )
                max_rank = st.rank
        return cls(
            directed=directed,
            types=types_,
            statuses=statuses_,
            excluded_statuses=excluded,
            as_of=check_date(as_of),
            max_rank=max_rank,
            ranks=ranks,
            published=published or {},
            flow_only=flow_only,
            since=check_date(since, "--since"),
            until=check_date(until, "--until"),
        )

    @classmethod
    def of(cls, source, **options) -> EdgeFilter:
        """:meth:`make` with the ontology of ``source`` (a :class:`graphkit.graph.Graph` or a
        :class:`graphkit.backends.Backend`: anything with ``ontology`` and ``published()``)
        and, for ``as_of``, the publication dates of its evidence."""
        published = source.published() if options.get("as_of") else None
        return cls.make(source.ontology, published=published, **options)

    def with_(self, **changes) -> EdgeFilter:
        from dataclasses import replace

        return replace(self, **changes)

    def accepts(self, data: Mapping) -> bool:
        if "claim" not in data:
            return False
        status = data.get("status")
        if self.types is not None and data.get("type") not in self.types:
            return False
        if self.statuses is not None and status not in self.statuses:
            return False
        if status in self.excluded_statuses:
            return False
        if self.max_rank is not None and self.ranks.get(str(status), 10**6) > self.max_rank:
            return False
        if self.as_of is not None and not self.valid_on(data, self.as_of):
            return False
        if (self.since or self.until) and not self.overlaps(data):
            return False
        return True

    def overlaps(self, data: Mapping) -> bool:
        """The claim's start..end interval overlaps ``since``..``until``; undated claims do not."""
        start, end = data.get("start"), data.get("end")
        if not start and not end:
            return False
        lo = bound(start or end, low=True)
        hi = bound(end, low=False) if end else "9999"
        if self.until and lo > bound(self.until, low=False):
            return False
        return not (self.since and hi < bound(self.since, low=True))

    def valid_on(self, data: Mapping, date: str) -> bool:
        """Valid on ``date``: start <= date <= end (missing bounds are open), and a source of the
        claim was published by then (or is undated)."""
        start, end = data.get("start"), data.get("end")
        if start and bound(start, low=True) > bound(date, low=False):
            return False
        if end and bound(end, low=False) < bound(date, low=True):
            return False
        first = self.published.get(data.get("claim", ""), None)
        return not (first and bound(first, low=True) > bound(date, low=False))

    @staticmethod
    def undated(data: Mapping) -> bool:
        """A claim with neither start nor end date (kept by ``as_of``, to be marked)."""
        return not data.get("start") and not data.get("end")

    def describe(self) -> str:
        """One line for output: what the traversal followed."""
        parts = []
        if self.flow_only:
            parts.append("relationships that carry technology, data or money")
        elif self.types is not None:
            parts.append("relationship types " + ", ".join(sorted(self.types)))
        else:
            parts.append("all relationship types")
        if self.statuses is not None:
            parts.append("statuses " + ", ".join(sorted(self.statuses)))
        elif self.excluded_statuses:
            parts.append("not " + "/".join(sorted(self.excluded_statuses)))
        if self.max_rank is not None:
            stronger = [s for s, r in sorted(self.ranks.items(), key=lambda x: x[1])]
            parts.append("at least " + stronger[self.max_rank - 1])
        if self.as_of:
            parts.append(f"valid on {self.as_of}")
        if self.since or self.until:
            parts.append(f"active {self.since or '…'} to {self.until or '…'}")
        if not self.directed:
            parts.append("either direction")
        return "; ".join(parts)


class SimplePaths(list):
    """A list of paths that knows whether the search stopped at its time budget."""

    partial = False


@dataclass
class Hop:
    """One step of a path: the accepted claims joining ``source`` to ``target`` (each a dict
    with its ``direction``, ``evidence_records`` and ``contract_records``), sorted by type and
    claim id.

    ``claims`` is a plain list; :meth:`lazy` makes a hop whose list is built by a loader on
    first read (the columnar search decodes a step's records only when someone reads them).
    Equality, ``repr`` and pickling read the claims, so a lazy hop equals the eager one.

    >>> h = Hop.lazy("a", "b", lambda: [{"claim": "c1", "type": "HOSTS"}])
    >>> h.loaded, h.claims[0]["claim"], h.loaded
    (False, 'c1', True)
    >>> h == Hop("a", "b", [{"claim": "c1", "type": "HOSTS"}])
    True
    """

    source: str
    target: str
    claims: list[dict] = field(default_factory=list)

    @classmethod
    def lazy(cls, source: str, target: str, load: Callable[[], list[dict]]) -> Hop:
        """A hop whose claims ``load()`` returns when first read."""
        hop = cls(source, target)
        state: Any = hop  # (the loader's two slots are not dataclass fields)
        state._claims, state._load = None, load
        return hop

    @property
    def loaded(self) -> bool:
        """Whether the claims have been built (always true for an eager hop)."""
        return vars(self)["_claims"] is not None

    def __getstate__(self) -> dict:
        return {"source": self.source, "target": self.target, "_claims": self.claims}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, _load=None)


def _hop_claims(self: Any) -> list[dict]:
    if self._claims is None:
        self._claims, self._load = self._load(), None
    return self._claims


def _set_hop_claims(self: Any, claims: list[dict]) -> None:
    self._claims, self._load = claims, None


# ``claims`` stays a dataclass field (in __init__, __eq__, __repr__) read through a property
Hop.claims = property(_hop_claims, _set_hop_claims)  # type: ignore[assignment]


def hop_strength(hop: Hop, f: EdgeFilter) -> int:
    """A hop is as strong as its strongest claim (one good source suffices)."""
    return min((f.ranks.get(str(c.get("status")), 10**6) for c in hop.claims), default=10**6)


def path_strength(path_hops: list[Hop], f: EdgeFilter) -> int:
    """A path is as strong as its weakest hop (rank: lower is stronger)."""
    return max((hop_strength(h, f) for h in path_hops), default=10**6)


@dataclass
class Reached:
    """The strongest known path to a node: its rank (weakest claim) and its nodes."""

    rank: int
    nodes: list[str]
