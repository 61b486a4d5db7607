"""The due-diligence report as typed data, and the JSON Schema of its JSON form.

Every format (HTML, Markdown, JSON, PDF) renders one :class:`Report`. Facts carry ``notes``: the
numbers of the :class:`Footnote` records (one per distinct source URL) that support them.
:func:`json_schema` derives the schema from these dataclasses and their field docs; the file
``report.schema.json`` next to this module is its committed copy (a test keeps them equal).

>>> s = json_schema()
>>> s["title"], "footnotes" in s["required"]
('graphkit due-diligence report', True)
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import json
import pathlib
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal

SCHEMA_VERSION = "3"  # 2: limits cite sources (Item), Hop.more_notes; 3: Exposure.owners
SCHEMA_FILE = pathlib.Path(__file__).with_name("report.schema.json")

Notes = list[int]


def doc(text: str, default: Any = dataclasses.MISSING, factory: Any = dataclasses.MISSING) -> Any:
    """A dataclass field with a description for the JSON Schema."""
    kw: dict[str, Any] = {"metadata": {"doc": text}}
    if default is not dataclasses.MISSING:
        kw["default"] = default
    if factory is not dataclasses.MISSING:
        kw["default_factory"] = factory
    return field(**kw)


@dataclass
class EntityRef:
    """An entity of the graph."""

    id: str = doc("Node id (IRI relative to https://w3id.org/graphkit/id/).")
    name: str = doc("Name as recorded.")
    label: str = doc("Most specific class label, e.g. Company, GovernmentAgency, Product.")


@dataclass
class FamilyMember:
    """A member of the corporate (or agency) family: the entity, its owners, its subsidiaries."""

    entity: EntityRef = doc("The member.")
    relation: Literal["self", "owner", "subsidiary"] = doc("How it relates to the subject.")
    via: list[EntityRef] = doc("The ownership chain from the subject to it.", factory=list)
    notes: Notes = doc("Footnotes of the ownership claims.", factory=list)


@dataclass
class Header:
    """Who the report is about and what it was computed from."""

    entity: EntityRef = doc("The subject of the report.")
    kind: Literal["company", "agency"] = doc(
        "company: exposure follows flows downstream to customers; agency: upstream to vendors."
    )
    aliases: list[str] = doc("Other names.")
    identifiers: dict[str, str] = doc("Identifier key (uei, duns, wikidata, ori) -> value.")
    sectors: list[str] = doc("Sector labels (or technology categories of a product).")
    family: list[FamilyMember] = doc("The entity, its owners and subsidiaries through OWNS.")
    part_of: list[EntityRef] = doc("Owners of an agency (shown, not followed).", factory=list)
    generated: str = doc("When the report was generated (ISO 8601, UTC).", default="")
    fingerprint: str = doc("sha256 of the content of every input file, in load order.", default="")
    files: list[dict[str, str]] = doc("Input files: name and sha256.", factory=list)
    depth: int = doc("Longest path followed, in hops.", default=3)
    as_of: str | None = doc("Only claims active on this date (YYYY[-MM[-DD]]).", default=None)
    min_status: str | None = doc("Weakest claim status followed.", default=None)


@dataclass
class Claim:
    """One claim behind a hop."""

    claim: str = doc("Claim id.")
    type: str = doc("Relationship type, e.g. SUPPLIES.")
    type_label: str = doc("Relationship label, e.g. supplies.")
    status: str = doc("Claim status notation.")
    start: str | None = doc("Start date as recorded.", default=None)
    end: str | None = doc("End date as recorded.", default=None)
    summary: str | None = doc("Summary in graphkit's words.", default=None)
    contracts: list[str] = doc("PIIDs of contracts documenting the claim.", factory=list)
    notes: Notes = doc("Footnotes.", factory=list)


@dataclass
class Hop:
    """One step of a path, in the direction technology flows."""

    source: EntityRef = doc("Upstream end.")
    target: EntityRef = doc("Downstream end.")
    status: str = doc("Strongest status among the hop's claims.")
    claims: list[Claim] = doc("The claims for this step, strongest first (at most five).")
    more: int = doc("Further claims for this step that are not listed.", default=0)
    more_notes: Notes = doc("Footnotes of the claims that are not listed.", factory=list)


@dataclass
class Path:
    """A chain of hops; as strong as its weakest claim."""

    strength: str = doc("Status of the weakest hop.")
    hops: list[Hop] = doc("Hops from upstream to downstream.")


@dataclass
class Exposure:
    """A counterpart reached along flow relationships: an agency (company report) or a vendor or
    product (agency report), with its strongest path(s)."""

    entity: EntityRef = doc("The counterpart.")
    group: str = doc("Agency kind notation (company report) or class label (agency report).")
    group_label: str = doc("Human label of the group.")
    direct: bool = doc("No organisation outside the family stands between the two.")
    strength: str = doc("Status of the weakest claim on the strongest path.")
    distance: int = doc("Hops of the strongest path.")
    through: list[EntityRef] = doc("Organisations outside the family on the strongest path.")
    flags: list[str] = doc("Risk-flag notations this counterpart raises.")
    paths: list[Path] = doc("Strongest paths (ranked by strength, then length).")
    notes: Notes = doc("Footnotes of the strongest path.")
    owners: list[EntityRef] = doc(
        "Agency report: the vendor's owners up the OWNS chain (parent, its parent...).",
        factory=list,
    )
    owner_notes: Notes = doc("Footnotes of the OWNS claims naming those owners.", factory=list)


@dataclass
class Group:
    """Named group of cited items (agencies by kind, products by category, claims by status)."""

    key: str = doc("Notation of the group (agency kind, category, status).")
    label: str = doc("Label of the group.")
    items: list[Item] = doc("Members.")


@dataclass
class Item:
    """A cited entry in a summary list."""

    entity: EntityRef | None = doc("The entity, when the item is one.")
    text: str = doc("What is stated.")
    notes: Notes = doc("Footnotes.")


@dataclass
class RiskFlag:
    """A risk flag of the ontology's gk:RiskFlags scheme raised by this report."""

    flag: str = doc("Flag notation.")
    label: str = doc("Flag label.")
    definition: str = doc("What the flag means.")
    reasons: list[Item] = doc("Why it is raised: agencies' sectors, products' categories.")


@dataclass
class Contract:
    """A contract award in scope."""

    id: str = doc("Contract node id.")
    piid: str = doc("Procurement Instrument Identifier.")
    description: str | None = doc("Description as recorded.")
    agency: EntityRef | None = doc("Awarding agency.")
    recipient: EntityRef | None = doc("Contractor.")
    recipient_parent: EntityRef | None = doc("Contractor's parent as recorded in the award.")
    fiscal_year: int | None = doc("Fiscal year, when recorded.")
    obligated: float | None = doc("Total obligated amount.")
    current_value: float | None = doc("Current total value.")
    potential_value: float | None = doc("Potential total value.")
    currency: str | None = doc("ISO 4217 currency code.")
    award_links: list[str] = doc("URLs of the award's records (its evidence).")
    notes: Notes = doc("Footnotes of the award's records.")


@dataclass
class Totals:
    """Sums of contract amounts (missing amounts count as absent, not zero)."""

    contracts: int = doc("Number of contracts.")
    obligated: float = doc("Sum of obligated amounts.")
    current_value: float = doc("Sum of current values.")
    potential_value: float = doc("Sum of potential values.")
    with_obligated: int = doc("Contracts that record an obligated amount.")
    with_current_value: int = doc("Contracts that record a current value.")
    with_potential_value: int = doc("Contracts that record a potential value.")
    currencies: list[str] = doc("Currencies recorded.")
    notes: Notes = doc("Footnotes of the contracts summed.")


@dataclass
class ContractRow:
    """Totals for one (counterpart, fiscal year) cell."""

    party: EntityRef | None = doc("Agency (company report) or vendor (agency report).")
    fiscal_year: int | None = doc("Fiscal year, or null when not recorded.")
    totals: Totals = doc("Sums for this cell.")


@dataclass
class Contracts:
    """Contract awards to the family (or by the agency), with totals."""

    items: list[Contract] = doc("Every contract in scope.")
    rows: list[ContractRow] = doc("Totals by counterpart and fiscal year.")
    by_year: list[ContractRow] = doc("Totals by fiscal year (party null).")
    totals: Totals = doc("Grand totals.")
    chart_measure: str | None = doc("Amount drawn in the bar chart (obligated, current_value...).")


@dataclass
class Citation:
    """A statement that a scrutiny item cites (``gk:cites``): for example a UN expert's statement
    in a shareholder proposal's footnote. It may name no entity of the graph."""

    id: str = doc("Cited statement node id.")
    cited_by: str = doc("Id of the actor's statement about the target that cites it.")
    stated_by: EntityRef | None = doc("Who made the cited statement, when recorded.")
    topic_label: str | None = doc("Topic label of the cited statement.")
    as_of: str | None = doc("Date the cited statement describes.")
    status: str = doc("Status notation.")
    summary: str | None = doc("Summary in graphkit's words.")
    notes: Notes = doc("Footnotes (the cited statement's own evidence).")


@dataclass
class Scrutiny:
    """Criticism, investigation or shareholder action about the family or an intermediary."""

    actor: EntityRef = doc("Who scrutinises.")
    target: EntityRef = doc("Whom.")
    about: Literal["family", "intermediary"] = doc("Whether the target is in the family.")
    claim: Claim = doc("The claim.")
    cites: list[Citation] = doc(
        "Statements cited by the actor's statements about the target (gk:cites).", factory=list
    )


@dataclass
class Statement:
    """A sourced fact about one member of the family (or the agency): a count, a policy, a
    disclosure (``gk:Statement`` in ``ontology/statements.ttl``)."""

    id: str = doc("Statement node id.")
    about: EntityRef = doc("The entity it is about.")
    stated_by: EntityRef | None = doc("Who made it, when recorded.")
    topic: str | None = doc("Topic notation.")
    topic_label: str | None = doc("Topic label.")
    quantity: float | None = doc("Quantity, when the statement gives one.")
    qualifier: str | None = doc("Qualifier of the quantity (exactly, more than, about).")
    unit: str | None = doc("Unit of the quantity.")
    as_of: str | None = doc("Date the statement describes.")
    status: str = doc("Status notation.")
    summary: str | None = doc("Summary in graphkit's words.")
    notes: Notes = doc("Footnotes.")


@dataclass
class QualityEntry:
    """A claim or source flagged under evidence quality."""

    text: str = doc("What is flagged.")
    claim: str | None = doc("Claim id, when about a claim.")
    status: str | None = doc("Claim status, when about a claim.")
    notes: Notes = doc("Footnotes.")


@dataclass
class Quality:
    """Evidence quality of the claims the report uses."""

    single_source: list[QualityEntry] = doc("Claims resting on one source URL.")
    uncertain: list[QualityEntry] = doc("Claims whose status is uncertain (alleged, disputed).")
    undated: list[QualityEntry] = doc("Sources without a publication date.")
    supplied_titles: list[QualityEntry] = doc("Sources whose title was supplied in [brackets].")
    constructed_urls: list[QualityEntry] = doc("Sources whose URL was built from a pattern.")


@dataclass
class StatusCount:
    """How many of the report's claims have one status."""

    status: str = doc("Status notation.")
    label: str = doc("Status label.")
    count: int = doc("Number of claims.")


@dataclass
class Summary:
    """The first page."""

    agencies: list[Group] = doc(
        "Agencies reached, by agency kind (company report: every kind, in the ontology's order, "
        "empty ones included) or vendors reached, direct or only through others (agency report)."
    )
    direct: int = doc("Counterparts reached directly.")
    indirect: int = doc("Counterparts reached through others.")
    technologies: list[Group] = doc("Products by technology category.")
    claims_by_status: list[StatusCount] = doc("Claims used in the report, counted by status.")
    claims: int = doc("Claims used in the report.")
    sources: int = doc("Distinct source URLs cited.")


@dataclass
class Footnote:
    """One distinct source URL."""

    number: int = doc("Footnote number, in order of first citation.")
    url: str = doc("Source URL.")
    title: str = doc("Title (a supplied title is in [brackets]).")
    publisher: str | None = doc("Publisher.")
    published: str | None = doc("Publication date.")
    evidence_type: str | None = doc("Evidence type label.")
    evidence: list[str] = doc("Evidence node ids with this URL.")
    constructed: bool = doc("The URL was built from a pattern, not copied from the source.")


@dataclass
class Report:
    """A due-diligence report about one entity."""

    schema_version: str = doc("Version of this schema.")
    title: str = doc("Report title.")
    header: Header = doc("Subject, scope and inputs.")
    empty: bool = doc("The entity takes part in no relationship within the scope.")
    summary: Summary = doc("Overview.")
    flags: list[RiskFlag] = doc("Risk flags raised.")
    exposure: list[Exposure] = doc("Counterparts reached, strongest first.")
    contracts: Contracts = doc("Contracts.")
    scrutiny: list[Scrutiny] = doc("Scrutiny of the family and intermediaries.")
    statements: list[Statement] = doc("Sourced facts about the family (or the agency).")
    quality: Quality = doc("Evidence quality.")
    limits: list[Item] = doc(
        "What this report cannot tell you; caveats computed from the data cite their sources."
    )
    footnotes: list[Footnote] = doc("Sources, numbered.")

    def to_dict(self) -> dict:
        """Plain JSON-ready data (like ``dataclasses.asdict``, but shared parts such as a hop
        on many paths are converted once)."""
        with paused_gc():
            return _plain(self, {}, {})


_SCALARS = (str, int, float, bool, type(None))


def _plain(x, memo: dict, names: dict):
    t = type(x)
    if t in _SCALARS:
        return x
    if t is list:
        if x and type(x[0]) in _SCALARS:  # lists are homogeneous: notes, names, links
            return list(x)
        return [_plain(v, memo, names) for v in x]
    if t is dict:
        return {k: _plain(v, memo, names) for k, v in x.items()}
    got = memo.get(id(x))
    if got is None:
        fields = names.get(t)
        if fields is None:
            fields = names[t] = tuple(f.name for f in dataclasses.fields(x))
        got = memo[id(x)] = {n: _plain(getattr(x, n), memo, names) for n in fields}
    return got


@contextlib.contextmanager
def paused_gc():
    """Pause the cyclic garbage collector while a report's many small objects are made (they
    hold no cycles; at 100k claims the collector's passes cost a third of the time)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


# -- JSON Schema -----------------------------------------------------------------------------------


def json_schema() -> dict:
    """JSON Schema (2020-12) of :meth:`Report.to_dict`, from the dataclasses and their docs."""
    defs: dict[str, dict] = {}
    root = _object_schema(Report, defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://w3id.org/graphkit/report.schema.json",
        "title": "graphkit due-diligence report",
        **{k: v for k, v in root.items() if k != "title"},
        "$defs": dict(sorted(defs.items())),
    }


def _object_schema(cls, defs: dict) -> dict:
    hints = typing.get_type_hints(cls)
    props, required = {}, []
    for f in dataclasses.fields(cls):
        s = _type_schema(hints[f.name], defs)
        if f.metadata.get("doc"):
            s = {"description": f.metadata["doc"], **s}
        props[f.name] = s
        required.append(f.name)
    return {
        "title": cls.__name__,
        "description": (cls.__doc__ or "").strip().split("\n\n")[0].replace("\n", " "),
        "type": "object",
        "properties": props,
        "required": required,
        "additionalProperties": False,
    }


def _type_schema(t, defs: dict) -> dict:
    origin = typing.get_origin(t)
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [_type_schema(a, defs) for a in typing.get_args(t)]}
    if origin is list:
        return {"type": "array", "items": _type_schema(typing.get_args(t)[0], defs)}
    if origin is dict:
        return {"type": "object", "additionalProperties": _type_schema(typing.get_args(t)[1], defs)}
    if origin is Literal:
        return {"enum": list(typing.get_args(t))}
    if isinstance(t, type) and dataclasses.is_dataclass(t):
        if t.__name__ not in defs:
            defs[t.__name__] = {}
            defs[t.__name__] = _object_schema(t, defs)
        return {"$ref": f"#/$defs/{t.__name__}"}
    simple = {str: "string", int: "integer", float: "number", bool: "boolean", type(None): "null"}
    return {"type": simple[t]}


def write_schema(path: pathlib.Path = SCHEMA_FILE) -> None:
    """Regenerate the committed schema file (``python -m graphkit.report.model``)."""
    path.write_text(json.dumps(json_schema(), indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_schema()
