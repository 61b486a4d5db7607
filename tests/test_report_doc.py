"""The report's document model (graphkit.report.doc) and the rule it exists for: every
statement of fact cites at least one footnote, in every format.

The rule, mechanically: in the body of the Markdown (from "## Summary" up to "## Sources"),
every paragraph, list item, nested list item and table row that contains a digit or the name of
an entity the report mentions must carry a footnote reference ``[^n]``. Exempt are headings
(they name the list below them, whose items cite), the header block above "## Summary"
(metadata: scope, date, fingerprint, input files) and the two header rows of each table. A
summary count, a path line or a computed caveat without a footnote fails it. The same rule is
checked on the document lines that the HTML (and so the PDF) renders, and on JSON's text fields.
"""

from __future__ import annotations

import re

import pytest

from graphkit.report import build, doc, render
from graphkit.report.render_md import inline

NOTE = re.compile(r"\[\^\d+\]")


@pytest.fixture(scope="module")
def bundled(bundled_graph):
    return bundled_graph  # conftest: loaded once for the session


@pytest.fixture(scope="module", params=["Amazon", "ICE"])
def report(request, bundled):
    return build(bundled, request.param)


def names(r) -> set[str]:
    """Every entity name the report mentions (names of three letters or fewer are skipped: they
    would match inside ordinary words)."""
    found: set[str] = set()

    def walk(x):
        if isinstance(x, dict):
            if {"id", "name", "label"} <= set(x) and isinstance(x["name"], str):
                found.add(x["name"])
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(r.to_dict())
    return {n for n in found if len(n) > 3}


def is_fact(text: str, entity_names: set[str]) -> bool:
    plain = text.replace("\\", "")
    return bool(re.search(r"\d", plain)) or any(n in plain for n in entity_names)


def body_lines(md: str) -> list[str]:
    """Body lines of the Markdown under the rule: no headings, blanks, or table header rows."""
    body = md.split("\n## Summary\n", 1)[1].split("\n## Sources\n", 1)[0]
    out, prev = [], ""
    for line in body.splitlines():
        table_head = line.startswith("|") and not prev.startswith("|")
        separator = re.fullmatch(r"\|[-:|]+\|", line) is not None
        if line.strip() and not line.startswith("#") and not table_head and not separator:
            out.append(line)
        prev = line
    return out


def test_every_fact_line_of_the_markdown_cites_a_footnote(report):
    ents = names(report)
    lines = body_lines(render(report, "md").decode())
    assert len(lines) > 20
    facts = [x for x in lines if is_fact(x, ents)]
    assert len(facts) > 10  # the rule has something to bite on
    uncited = [x for x in facts if not NOTE.search(x)]
    assert not uncited, uncited[:5]


def test_every_fact_line_html_renders_cites_a_footnote(report):
    """The lines of the document model, which the HTML renderer writes one to one."""
    ents = names(report)
    d = doc.document(report)
    lines: list[doc.Line] = []
    for s in d.sections[1:]:  # not the header
        for b in s.blocks:
            if isinstance(b, doc.Para):
                lines.append(b.line)
            elif isinstance(b, doc.Bullets):
                for it in b.items:
                    lines += [it, *it.children]
            elif isinstance(b, doc.Table):
                lines += [doc.Line([p for c in row for p in c.parts]) for row in b.rows]
    facts = [x for x in lines if is_fact(inline(x.parts), ents)]
    assert facts
    uncited = [
        inline(x.parts)
        for x in facts
        if not any(isinstance(p, doc.Cite) and p.notes for p in x.parts)
    ]
    assert not uncited, uncited[:5]


def test_json_text_fields_that_state_facts_carry_notes(report):
    ents = names(report)
    bad = []

    def walk(x):
        if isinstance(x, dict):
            if isinstance(x.get("text"), str) and "notes" in x and is_fact(x["text"], ents):
                if not x["notes"]:
                    bad.append(x["text"])
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(report.to_dict())
    assert not bad, bad[:5]


def test_the_rule_catches_an_uncited_count(bundled):
    """The check is not vacuous: a summary count stripped of its footnotes fails it."""
    r = build(bundled, "Amazon")
    for e in r.exposure:
        e.notes = []
    md = render(r, "md").decode()
    first = body_lines(md)[0]
    reached = len(r.exposure)
    assert first.startswith(f"{reached:,} government agencies reached") and not NOTE.search(first)


def test_sections_in_report_order_and_both_renderers_follow_them(bundled):
    r = build(bundled, "Amazon")
    d = doc.document(r)
    titles = [s.title for s in d.sections if s.title]
    md = render(r, "md").decode()
    html = render(r, "html").decode()
    assert [t for t in re.findall(r"^## (.+)$", md, re.M)] == titles
    assert [t.replace("&#x27;", "'") for t in re.findall(r"<h2>(.+?)</h2>", html)] == titles
