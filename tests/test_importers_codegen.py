"""The generated row renderer (graphkit.importers.codegen) against the mapping interpreter.

Every import runs through code generated for its mapping; ``import_csv(..., interpret=True)``
runs the interpreter it replaces. Both must write the same bytes, give the same warnings and
reject the same rows with the same messages, on every shared data file and on damaged copies.
"""

from __future__ import annotations

import csv
import io
import tokenize
from pathlib import Path

import pytest

from graphkit.errors import DataError
from graphkit.importers import builtin, import_csv, read_header
from graphkit.importers.build import manifest
from graphkit.importers.codegen import generate
from graphkit.resolve import Resolver

SHARED = Path("/work/shared/data")
if not SHARED.is_dir():  # CI lays shared/ beside the clone
    SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
PRIME = SHARED / "usaspending-ice-prime-contracts-mn-recipients-2025-03-21.csv"
SUBAWARDS = SHARED / "usaspending-ice-contract-subawards-since-2020-2025-03-28.csv"


def _both(tmp_path: Path, path: Path, mapping: str, **kw):
    """``[(result, output bytes, entities bytes)]`` of the interpreter, then the generated
    code, each into its own ``imports`` folder (the folder name is in the entities header)."""
    out = []
    for route in ("interpreted", "generated"):
        r = import_csv(
            path,
            builtin(mapping),
            out_dir=tmp_path / route / "imports",
            interpret=route == "interpreted",
            **kw,
        )
        out.append((r, r.out.read_bytes(), r.entities_file.read_bytes()))
    return out


def _same(a, b) -> None:
    (ra, outa, entsa), (rb, outb, entsb) = a, b
    assert outa == outb
    assert entsa == entsb
    assert (ra.rows, ra.imported, ra.skipped) == (rb.rows, rb.imported, rb.skipped)
    assert ra.warnings == rb.warnings
    assert ra.counts == rb.counts


@pytest.mark.parametrize("src", manifest(), ids=lambda s: s.name)
def test_generated_code_writes_what_the_interpreter_writes(tmp_path, src):
    """USAspending (prime, subawards), Torn Apart, EFF Atlas and SpyFiles: same bytes."""
    path = SHARED / src.file
    interpreted, generated = _both(tmp_path, path, src.mapping)
    _same(interpreted, generated)
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = sum(1 for r in csv.reader(fh) if r) - 1
    assert generated[0].rows == rows and generated[0].imported > 0


def _damaged(tmp_path: Path, src: Path, changes: dict[int, dict[str, str]], short=()) -> Path:
    """A copy of ``src`` with ``changes[row][column] = value`` (row 1 = first data row), and
    the rows in ``short`` cut to half their fields."""
    with open(src, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    for n, change in changes.items():
        for column, value in change.items():
            rows[n][header.index(column)] = value
    for n in short:
        rows[n] = rows[n][: len(header) // 2]
    out = tmp_path / src.name
    with open(out, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return out


#: Bad values on rows before and after the point where the generated code starts converting
#: whole columns (the first rows of a chunk go to the interpreter, see codegen.SPARSE).
PRIME_DAMAGE = {
    3: {"total_obligated_amount": "12,3x"},
    40: {"period_of_performance_start_date": "2020-13-45"},
    41: {"usaspending_permalink": "not a url"},
    42: {"period_of_performance_start_date": "2021-05-01"},  # after its end date: a warning
    43: {"period_of_performance_current_end_date": "2999-01-01"},
    44: {"contract_award_unique_key": ""},  # the row key
    45: {"award_base_action_date_fiscal_year": "20x5"},
    46: {"recipient_name": "Robert'); DROP TABLE awards;-- \"\n{x}"},  # data, never code
    47: {"award_id_piid": ""},  # a required property
    60: {"current_total_value_of_award": "$1,000.50"},
}


def test_generated_code_rejects_and_warns_as_the_interpreter_on_damaged_rows(tmp_path):
    damaged = _damaged(tmp_path, PRIME, PRIME_DAMAGE, short=[50])
    interpreted, generated = _both(tmp_path, damaged, "usaspending-prime", skip_bad=True)
    _same(interpreted, generated)
    r = generated[0]
    assert len(r.skipped) == 7  # rows 3, 40, 41, 44, 45, 47, 50 (row 46's name spans 2 lines)
    assert any(f"{damaged}:52: row 50: expected" in s for s in r.skipped)
    assert any("not a date: '2020-13-45'" in s for s in r.skipped)
    assert any("end date" in w and "before start date" in w for w in r.warnings)
    assert "DROP TABLE" in generated[2].decode()  # the name became a literal, escaped
    errors = []
    for route in (True, False):
        with pytest.raises(DataError) as e:
            import_csv(
                damaged, builtin("usaspending-prime"), out_dir=tmp_path / "x", interpret=route
            )
        errors.append(str(e.value))
    assert errors[0] == errors[1] and f"{damaged}:4: row 3:" in errors[0]


def test_a_failing_filter_makes_its_chunk_interpreted_with_the_same_result(tmp_path):
    """The subaward mapping's summary uses ``{subaward_action_date|date}``: a bad date there
    fails the filter, and that chunk is interpreted row by row (bind gives no function)."""
    damaged = _damaged(tmp_path, SUBAWARDS, {5: {"subaward_action_date": "someday"}})
    interpreted, generated = _both(tmp_path, damaged, "usaspending-subawards", skip_bad=True)
    _same(interpreted, generated)
    assert any("not a date: 'someday'" in s for s in generated[0].skipped)


def test_generated_code_holds_no_value_and_no_string(tmp_path):
    """The source is built from the mapping's structure: it has no string literal at all
    (constants and values reach it as names and arguments), so CSV text never becomes code."""
    header = read_header(PRIME)
    compiled = builtin("usaspending-prime").compile(header)
    gen = generate(compiled, Resolver.default(tmp_path, [], bundled=False))
    tokens = list(tokenize.generate_tokens(io.StringIO(gen.source).readline))
    assert not [t for t in tokens if t.type == tokenize.STRING]
    assert "def row(i, r, warn):" in gen.source
    with open(PRIME, newline="", encoding="utf-8-sig") as fh:
        first = next(iter(csv.DictReader(fh)))
    compiled.prepare([list(first.values())])
    assert gen.bind() is not None
    assert first["contract_award_unique_key"] not in gen.source
