"""Entity resolution: name normalisation, identifier matching, reviewer decisions.

Importers call :class:`Resolver` to map a row's organisation or product onto one id: a curated
entity of ``data/`` (by UEI, DUNS, ORI or Wikidata QID, else by normalised name or alias), an entity
imported before (``imports/entities.ttl``), or a new id. A reviewer's decisions live in
``data/resolutions.ttl`` (``owl:sameAs`` to merge, ``gk:differentFrom`` to keep apart) and apply on
every later import. :func:`duplicates` lists likely duplicates for review.

>>> normalize("WEST PUBLISHING CORPORATION")
'west publishing'
>>> normalize("Department of Homeland Security (DHS)")
'department of homeland security'
>>> normalize("U.S. Immigration & Customs Enforcement")
'us immigration and customs enforcement'
>>> normalize("JOHNS HOPKINS UNIVERSITY, THE")
'johns hopkins university'
>>> slug("Martin County Sheriff's Office")
'martin-county-sheriffs-office'
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from graphkit.model import GK, OWL, RDF, SCHEMA, SKOS, data_dir, schema, short_id

#: Legal-form words dropped from the end of a name (after punctuation is removed).
LEGAL_SUFFIXES = frozenset(
    "inc incorporated llc corp corporation co company ltd limited llp lp plc pllc pc gmbh ag sa"
    " nv bv".split()
)
_STOP = frozenset({"of", "and", "the", "for", "&", "on", "in"})
SAME_AS = OWL + "sameAs"
DIFFERENT_FROM = GK + "differentFrom"


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _drop_acronym(text: str) -> str:
    """``Department of Homeland Security (DHS)`` -> ``Department of Homeland Security``."""
    m = re.match(r"^(.*\S)\s*\(([A-Za-z.&]{2,})\)\s*$", text)
    if not m:
        return text
    words = [w for w in re.findall(r"[A-Za-z]+", m[1]) if w.lower() not in _STOP]
    acronym = m[2].replace(".", "").replace("&", "").upper()
    initials = "".join(w[0] for w in words).upper()
    return m[1] if acronym and initials.endswith(acronym) else text


def normalize(name: str) -> str:
    """Comparable form of a name: case, accents, punctuation, ``&``, legal suffixes removed."""
    text = _drop_acronym(_ascii(name).strip())
    text = text.casefold().replace("&", " and ").replace("'", "").replace("\u2019", "")
    tokens = re.sub(r"[^a-z0-9]+", " ", text).split()
    merged: list[str] = []  # runs of single letters are one word: "l l c" -> "llc", "u s" -> "us"
    run = False
    for t in tokens:
        single = len(t) == 1 and t.isalpha()
        if single and run:
            merged[-1] += t
        else:
            merged.append(t)
        run = single
    if len(merged) > 1 and merged[0] == "the":
        merged = merged[1:]
    while len(merged) > 1 and (merged[-1] in LEGAL_SUFFIXES or merged[-1] == "the"):
        merged.pop()  # "JOHNS HOPKINS UNIVERSITY, THE", "ACME, INC., THE"
    return " ".join(merged)


#: Tokens that number otherwise equal names apart: "Partners II" is not "Partners".
_ROMAN = frozenset("ii iii iv v vi vii viii ix x xi xii".split())


def numbering(norm: str) -> frozenset[str]:
    """The number tokens of a normalised name (digits and roman numerals): names that differ in
    them are distinct entities, however similar ("callyo 2009" and "callyo 2010").

    >>> sorted(numbering("veteran technology partners ii")), sorted(numbering("family first 5"))
    (['ii'], ['5'])
    """
    return frozenset(t for t in norm.split() if t.isdigit() or t in _ROMAN)


def slug(text: str) -> str:
    """Lowercase-hyphenated id part."""
    text = _ascii(text).casefold().replace("&", " and ").replace("'", "").replace("\u2019", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


# ---------------------------------------------------------------------------------------------
# Known entities
# ---------------------------------------------------------------------------------------------


@dataclass
class Record:
    """What resolution knows about one entity."""

    iri: str
    cls: str
    name: str = ""
    names: set[str] = field(default_factory=set)  # normalised name and aliases
    ids: dict[str, str] = field(default_factory=dict)  # uei/duns/ori/wikidata -> value
    attrs: dict[str, str] = field(default_factory=dict)  # state/country -> value
    origin: str = "new"  # curated | imported | new
    aliases: set[str] = field(default_factory=set)  # other names as written (skos:altLabel)


def namespace_of(cls: str) -> str:
    """Id namespace of a class (``…/id/org/`` for a Company), from the ontology's annotations."""
    return schema().namespace_of(cls)


def compatible(a: str, b: str) -> bool:
    """True when one class is the other or one of its superclasses."""
    sup = schema().superclasses
    return a == b or a in sup.get(b, ()) or b in sup.get(a, ())


def curated_store(files: Iterable[Path]):
    """The triples of ``files`` (those that exist) in one in-memory store, in file order; more
    files can be added with :func:`add_to_store`."""
    return _store(files)


def add_to_store(store, path: Path) -> None:
    """Load the Turtle file ``path`` into ``store`` (as :func:`curated_store` would have)."""
    import pyoxigraph as ox

    store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)


def _store(files: Iterable[Path]):
    import pyoxigraph as ox

    store = ox.Store()
    for f in files:
        if Path(f).is_file():
            store.bulk_load(path=str(f), format=ox.RdfFormat.TURTLE)
    return store


def read_records(files: Iterable[Path], origin: str) -> tuple[dict[str, Record], dict[str, str]]:
    """Entities (and contracts by award key and by PIID) declared in ``files``."""
    return _records(_store(files), origin)


def _records(store, origin: str) -> tuple[dict[str, Record], dict[str, str]]:
    import pyoxigraph as ox

    classes = schema().class_labels
    entity_classes = {c for c in classes if compatible(c, GK + "Entity")}
    recs: dict[str, Record] = {}
    for q in store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), None, None):
        if q.object.value in entity_classes and isinstance(q.subject, ox.NamedNode):
            old = recs.get(q.subject.value)
            if old is None or compatible(q.object.value, old.cls) and old.cls != q.object.value:
                cls = q.object.value if old is None else _deeper(old.cls, q.object.value)
                recs[q.subject.value] = Record(q.subject.value, cls, origin=origin)

    def each(pred: str):
        for q in store.quads_for_pattern(None, ox.NamedNode(pred), None, None):
            rec = recs.get(q.subject.value)
            if rec is not None:
                yield rec, q.object.value

    for rec, v in each(SCHEMA + "name"):
        rec.name = rec.name or v
        rec.names.add(normalize(v))
    for rec, v in each(SKOS + "altLabel"):
        rec.names.add(normalize(v))
        rec.aliases.add(v)
    onto = schema()
    for key, pred in onto.identifier_keys.items():
        for rec, v in each(pred):
            rec.ids.setdefault(key, v.strip().upper())
    by_key = {k: p for p, k in onto.keys.items()}
    for key in onto.blocking:
        if key not in onto.identifier_keys and key in by_key:
            for rec, v in each(by_key[key]):
                rec.attrs.setdefault(key, v.strip().casefold())
    contracts: dict[str, str] = {}
    for pred in ("awardKey", "piid"):  # an award key never looks like a PIID
        for q in sorted(
            store.quads_for_pattern(None, ox.NamedNode(GK + pred), None, None),
            key=lambda q: q.subject.value,
        ):
            if isinstance(q.subject, ox.NamedNode):
                contracts.setdefault(q.object.value, q.subject.value)
    return recs, contracts


ClaimKey = tuple[str, str, str, frozenset]


def _claims(store) -> dict[ClaimKey, str]:
    """``(subject, predicate, object, contracts) -> claim id`` of the claims in ``store``."""
    found: dict[ClaimKey, str] = {}
    q = f"""SELECT ?c ?s ?p ?o (GROUP_CONCAT(STR(?k); separator=" ") AS ?ks) WHERE {{
        ?c a <{GK}Claim> ; <{RDF}subject> ?s ; <{RDF}predicate> ?p ; <{RDF}object> ?o .
        OPTIONAL {{ ?c <{GK}underContract> ?k }} }} GROUP BY ?c ?s ?p ?o ORDER BY ?c"""
    for r in store.query(q):
        ks = r["ks"].value.split() if r["ks"] is not None else []
        key = (r["s"].value, r["p"].value, r["o"].value, frozenset(ks))
        found.setdefault(key, r["c"].value)
    return found


def _deeper(a: str, b: str) -> str:
    sup = schema().superclasses
    return a if len(sup.get(a, ())) >= len(sup.get(b, ())) else b


# ---------------------------------------------------------------------------------------------
# Reviewer decisions
# ---------------------------------------------------------------------------------------------


def resolutions_file() -> Path:
    return data_dir() / "resolutions.ttl"


@dataclass
class Decisions:
    """``same[a] = b`` (a is merged into b) and unordered ``different`` pairs."""

    same: dict[str, str] = field(default_factory=dict)
    different: set[frozenset[str]] = field(default_factory=set)

    @classmethod
    def load(cls, path: Path | None) -> Decisions:
        d = cls()
        if path is None or not Path(path).is_file():
            return d
        import pyoxigraph as ox

        from graphkit.errors import DataError

        try:
            triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
        except SyntaxError as e:
            raise DataError(f"{path}:{e.lineno}: syntax error: {e.msg}", path=path) from None
        for t in triples:
            if t.predicate.value == SAME_AS:
                d.same[t.subject.value] = t.object.value
            elif t.predicate.value == DIFFERENT_FROM:
                d.different.add(frozenset((t.subject.value, t.object.value)))
        return d

    def canonical(self, iri: str) -> str:
        seen = {iri}
        while iri in self.same and self.same[iri] not in seen:
            iri = self.same[iri]
            seen.add(iri)
        return iri

    def apart(self, a: str, b: str) -> bool:
        return frozenset((a, b)) in self.different

    def decided(self, a: str, b: str) -> bool:
        return self.apart(a, b) or self.canonical(a) == self.canonical(b)

    def save(self, path: Path) -> None:
        from graphkit.importers.turtle import TYPE, TripleSet, iri, write_atomic

        ts = TripleSet()
        named = iri(OWL + "NamedIndividual")
        for a, b in self.same.items():
            ts.add(iri(a), iri(SAME_AS), iri(b))
            ts.add(iri(a), TYPE, named)
            ts.add(iri(b), TYPE, named)
        for pair in self.different:
            a, b = sorted(pair)
            ts.add(iri(a), iri(DIFFERENT_FROM), iri(b))
            ts.add(iri(a), TYPE, named)
            ts.add(iri(b), TYPE, named)
        header = (
            "Reviewer decisions of entity resolution (`graphkit resolve --same/--not-same`).\n"
            "owl:sameAs: the subject is merged into the object on every later import.\n"
            "gk:differentFrom: never merge the two. Each id is declared an owl:NamedIndividual so\n"
            "that validation does not report an id that only an import file declares."
        )
        write_atomic(Path(path), ts.turtle(header))


# ---------------------------------------------------------------------------------------------
# Resolution at import time
# ---------------------------------------------------------------------------------------------


class Resolver:
    """Maps (class, name, identifiers, attributes) to an entity id, consistently within a run."""

    def __init__(
        self,
        curated: Iterable[Path] = (),
        imported: Iterable[Path] = (),
        resolutions: Path | None = None,
        *,
        store=None,
    ):
        """``store``: the ``curated`` files already loaded (:func:`curated_store`), so a caller
        resolving many files in turn parses each input once and adds to it as it goes."""
        self.records: dict[str, Record] = {}
        self.by_id: dict[tuple[str, str], list[str]] = {}
        self.by_name: dict[str, list[str]] = {}
        if store is None:
            store = _store(curated)
        cur, self.curated_contracts = _records(store, "curated")
        self.claims: dict[ClaimKey, str] = _claims(store)
        self._run_claims: dict[ClaimKey, str] = {}
        imp, _ = read_records(imported, "imported")
        for rec in [*cur.values(), *(r for k, r in imp.items() if k not in cur)]:
            self._index(rec)
        self.decisions = Decisions.load(resolutions)
        self._cache: dict[tuple, str] = {}

    @classmethod
    def default(cls, out_dir: Path, extra: Iterable[Path] = (), *, bundled: bool = True):
        """Curated ``data/*.ttl`` (plus ``extra``; not the bundled sources of ``data/sources/``,
        so an import does not depend on which sources load), earlier imports in ``out_dir``,
        the decisions file."""
        from graphkit.sources import curated_files
        from graphkit.store import rdf_files

        curated = curated_files() if bundled else []
        curated += rdf_files(list(extra))
        return cls(curated, [Path(out_dir) / "entities.ttl"], resolutions_file())

    def _index(self, rec: Record) -> None:
        self.records[rec.iri] = rec
        for kv in rec.ids.items():
            self.by_id.setdefault(kv, []).append(rec.iri)
        for n in rec.names:
            self.by_name.setdefault(n, []).append(rec.iri)

    def is_curated(self, iri: str) -> bool:
        rec = self.records.get(iri)
        return rec is not None and rec.origin == "curated"

    def resolve(
        self,
        cls: str,
        name: str,
        ids: dict[str, str] | None = None,
        attrs: dict[str, str] | None = None,
        hint: str = "",
    ) -> str:
        """The entity id for this description (curated, imported before, or new)."""
        ids = {k: v.strip().upper() for k, v in (ids or {}).items() if v and v.strip()}
        attrs = {k: v.strip().casefold() for k, v in (attrs or {}).items() if v and v.strip()}
        key = (cls, name, tuple(sorted(ids.items())), tuple(sorted(attrs.items())), hint)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        norm = normalize(name)
        own = self._match(cls, norm, ids, attrs, ("imported", "new"))
        curated = self._match(cls, norm, ids, attrs, ("curated",))
        if curated and not (own and self.decisions.apart(own, curated)):
            result = curated
        elif own:
            result = own
        else:
            result = self._mint(cls, hint or norm or name, ids)
            self._index(Record(result, cls, name, {norm}, ids, attrs, "new"))
        self._adopt(self.records[result], ids)
        result = self.decisions.canonical(result)
        self._cache[key] = result
        return result

    def _adopt(self, rec: Record, ids: dict[str, str]) -> None:
        """A record matched by name takes the row's identifiers it lacks, so a later row with the
        same name and another UEI (a parent registration) is kept apart from it."""
        for kv in ids.items():
            if kv[0] not in rec.ids:
                rec.ids[kv[0]] = kv[1]
                self.by_id.setdefault(kv, []).append(rec.iri)

    def _match(self, cls, norm, ids, attrs, origins) -> str | None:
        def ok(iri: str) -> bool:
            rec = self.records[iri]
            return rec.origin in origins and compatible(rec.cls, cls)

        for kv in sorted(ids.items()):
            hits = sorted(i for i in self.by_id.get(kv, ()) if ok(i))
            if hits:
                return hits[0]
        for iri in sorted(self.by_name.get(norm, ())):
            if ok(iri) and not self._blocked(self.records[iri], ids, attrs):
                return iri
        return None

    @staticmethod
    def _blocked(rec: Record, ids: dict, attrs: dict) -> bool:
        """A name match is refused when a property the ontology marks ``gk:blocksNameMatchFor``
        the record's class disagrees (ORI, Wikidata QID, country; the state for agencies,
        whose names repeat from state to state). A UEI or DUNS may differ: one company has a
        registration per site."""
        keys = set(schema().blocking_keys(rec.cls))
        return any(k in rec.ids and rec.ids[k] != v for k, v in ids.items() if k in keys) or any(
            k in rec.attrs and rec.attrs[k] != v for k, v in attrs.items() if k in keys
        )

    def _mint(self, cls: str, base: str, ids: dict[str, str]) -> str:
        ns = namespace_of(cls)
        base = slug(base) or "entity"
        tries = itertools.chain(
            [base],
            (f"{base}-{slug(v)}" for _k, v in sorted(ids.items())),
            (f"{base}-{n}" for n in range(2, 10_000)),
        )
        for t in tries:
            if ns + t not in self.records:
                return ns + t
        raise RuntimeError("no free id")  # pragma: no cover

    def contract(self, key: str) -> str | None:
        """A curated (or earlier bundled) contract with this award key or PIID, if any."""
        return self.curated_contracts.get(key)

    def claim(self, key: ClaimKey, new_id: str) -> tuple[str, bool]:
        """``(id, known)``: the id of the claim a curated or earlier file declares with this
        subject, predicate, object and contracts (``known``), else the id of this import's
        claim with that key, first ``new_id`` (so a later row adds evidence to it)."""
        if key in self.claims:
            return self.claims[key], True
        return self._run_claims.setdefault(key, new_id), False


# ---------------------------------------------------------------------------------------------
# Listing likely duplicates, recording decisions
# ---------------------------------------------------------------------------------------------


def duplicates(
    files: Iterable[Path],
    *,
    resolutions: Path | None = None,
    min_score: float = 85,
    curated: Iterable[Path] = (),
) -> list[dict]:
    """Pairs of entities that look alike, with a score (0-100) and the reason, best first.

    Identifiers first: a shared UEI, DUNS, ORI or QID (the ontology's ``gk:IdentifierProperty``)
    scores 100. Then names, matched by the one entity lookup (:meth:`NameIndex.pairs
    <graphkit.lookup.NameIndex.pairs>`): an equal normalised name or alias 95, a similar one
    its ``token_sort_ratio`` minus 1. Records that disagree on a property the ontology marks
    ``gk:blocksNameMatchFor`` their class (a UEI or DUNS for organisations, the state for
    agencies, the country, an ORI or QID) are two entities however alike their names (DELOITTE
    CONSULTING LLP and DELOITTE TOUCHE TOHMATSU LIMITED, which the award files give different
    UEIs): never proposed. Pairs a reviewer already decided are left out.
    """
    from graphkit.lookup import Entry, NameIndex

    cur = {str(Path(f).resolve()) for f in curated}
    recs: dict[str, Record] = {}
    for f in files:
        origin = "curated" if str(Path(f).resolve()) in cur else "imported"
        got, _ = read_records([f], origin)
        for k, r in got.items():
            if k in recs:  # declared in two files: merge what they say
                recs[k].names |= r.names
                recs[k].aliases |= r.aliases
                recs[k].name = recs[k].name or r.name
                recs[k].ids = {**r.ids, **recs[k].ids}
                recs[k].attrs = {**r.attrs, **recs[k].attrs}
            else:
                recs[k] = r
    decisions = Decisions.load(resolutions)
    found: dict[frozenset, dict] = {}

    def note(a: Record, b: Record, score: float, reason: str) -> None:
        if a.iri == b.iri or not compatible(a.cls, b.cls) or decisions.decided(a.iri, b.iri):
            return
        pair = frozenset((a.iri, b.iri))
        if pair in found and found[pair]["score"] >= score:
            return
        x, y = sorted((a, b), key=lambda r: r.iri)
        found[pair] = {
            "score": round(score, 1),
            "a": short_id(x.iri),
            "a_name": x.name,
            "b": short_id(y.iri),
            "b_name": y.name,
            "reason": reason,
        }

    groups: dict[tuple[str, str], list[Record]] = {}
    for r in recs.values():
        for kv in r.ids.items():
            groups.setdefault(kv, []).append(r)
    for (k, v), rs in groups.items():
        for i, a in enumerate(rs):
            for b in rs[i + 1 :]:
                note(a, b, 100, f"same {_key_label(k)} {v}")
    index = NameIndex(
        [
            Entry(r.iri, r.name, tuple(sorted(r.aliases - {r.name})))
            for r in sorted(recs.values(), key=lambda r: r.iri)
            if r.name
        ]
    )
    for m in index.pairs(min_score=min_score + 1):  # a similar name scores its ratio - 1
        a, b = recs[m.a], recs[m.b]
        if Resolver._blocked(a, b.ids, b.attrs) or Resolver._blocked(b, a.ids, a.attrs):
            # two entities by the ontology, however alike their names
            continue
        if m.how == "normalised":
            note(a, b, 95, f"same normalised name {m.norm!r}")
        else:
            why = f"similar names {normalize(m.a_label)!r} ~ {normalize(m.b_label)!r}"
            note(a, b, m.score - 1, why)
    rows = [r for r in found.values() if r["score"] >= min_score]
    return sorted(rows, key=lambda r: (-r["score"], r["a"], r["b"]))


def _key_label(key: str) -> str:
    """How a reason names an identifier or attribute key: its ontology label's short form."""
    return key.upper() if key != "wikidata" else "Wikidata QID"


def record_decision(a: str, b: str, same: bool, path: Path, *, curated: Iterable[str] = ()) -> str:
    """Record that ``a`` and ``b`` are (not) the same; return a sentence saying what was written.

    For ``same``, a curated id (one in ``curated``) is kept; otherwise ``a`` is merged into ``b``.
    """
    decisions = Decisions.load(path)
    pair = frozenset((a, b))
    if a == b:
        from graphkit.errors import GraphkitError

        raise GraphkitError("both arguments name the same entity")
    if same:
        keep, drop = (a, b) if a in set(curated) and b not in set(curated) else (b, a)
        decisions.different.discard(pair)
        decisions.same.pop(keep, None) if decisions.same.get(keep) == drop else None
        decisions.same[drop] = keep
        text = f"{short_id(drop)} owl:sameAs {short_id(keep)}: later imports use {short_id(keep)}"
    else:
        for x, y in ((a, b), (b, a)):
            if decisions.same.get(x) == y:
                del decisions.same[x]
        decisions.different.add(pair)
        text = f"{short_id(a)} gk:differentFrom {short_id(b)}: later imports keep them apart"
    decisions.save(path)
    return text
