"""``sky-rs bench``'s table at any width from 60 columns up, piped and on a terminal.

The records are the bench's real cases (every function, every case name) with synthetic
timings of every magnitude and every optional column filled, so the widest table is tested
without measuring anything. The three rules: no number split from its unit or in two, no
header word cut, every case on one line; and text wraps at word boundaries.
"""

from __future__ import annotations

import io
import re
from itertools import cycle

import pytest
from rich.console import Console
from sky_rs._bench import skypilot
from sky_rs._bench.cases import Case, inputs
from sky_rs._bench.layout import DROP_ORDER, layout, wrap
from sky_rs._bench.main import build_cases
from sky_rs._bench.record import Component, Record
from sky_rs._bench.report import COLUMNS, EXPLANATION, NUMERIC, print_report, table
from sky_rs._bench.timing import Timing, fmt_ns
from sky_rs._domains import FUNCTIONS

WIDTHS = (60, 80, 100, 160)
MAGNITUDES = (95.25, 1234.0, 22_100.0, 456_000.0, 2.5e9, 12.5e6)
UNIT_ONLY = re.compile(r"^\s*(ns|µs|ms|s|x|[0-9.]+)\s*$")


def _cases() -> list[Case]:
    with inputs(quick=True) as data:
        return build_cases(set(FUNCTIONS), data)


def _records() -> list[Record]:
    records = []
    sizes = cycle(MAGNITUDES)
    for case in _cases():
        python = next(sizes)
        rust = python / 7.3
        record = Record(
            case,
            Timing((python,), 1, "timeit"),
            Timing((rust,), 1, "timeit"),
            "rust",
            components=[Component("call", rust / 1.4, "test")],
        )
        if case.headline:
            record.syscalls = {"python": 12.0, "rust": 4.0}
            record.skypilot = {
                skypilot.ORIGINAL: Timing((python * 1.1,), 1, "timeit"),
                skypilot.INSTALLED: Timing((rust * 1.05,), 1, "timeit"),
            }
        records.append(record)
    return records


RECORDS = _records()
ROWS = table(RECORDS)[1]


def _render(width: int, terminal: bool, wide: bool = False) -> list[str]:
    out = io.StringIO()
    # A height too: without one, rich takes a dumb terminal (TERM=dumb or unset) as 80 wide.
    console = Console(
        file=out, width=width, height=25, force_terminal=terminal, highlight=False, markup=False
    )
    print_report(RECORDS, ["A summary line " * 12], "HEADING " * 20, wide=wide, console=console)
    text = re.sub(r"\x1b\[[0-9;]*m", "", out.getvalue())  # bold on a terminal
    return text.splitlines()


def _row_line(lines: list[str], record: Record) -> str:
    """The one line holding ``record``'s case and its three figures, in order."""
    figures = [fmt_ns(record.python.min_ns), fmt_ns(record.rust.min_ns if record.rust else None)]
    pattern = r"\s+".join(re.escape(x) for x in figures)
    case = re.compile(rf"\s{re.escape(record.case.case)}\s")
    found = [x for x in lines if case.search(x) and re.search(rf"\s{pattern}(\s|$)", x)]
    assert len(found) == 1, (record.case.function, record.case.case, found)
    return found[0]


@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
@pytest.mark.parametrize("width", WIDTHS)
def test_the_table_fits_without_splitting(width: int, terminal: bool) -> None:
    lines = _render(width, terminal)
    assert max(len(line) for line in lines) <= width
    for line in lines:
        assert not UNIT_ONLY.match(line), f"a line holds only a unit or number: {line!r}"
    for record in RECORDS:
        line = _row_line(lines, record)
        assert f"{record.speedup:.2f}x" in line or f"{record.speedup:.1f}x" in line
        # The function's full name: on the case's line, or on the line of its group above.
        at = lines.index(line)
        above = [x.strip() for x in lines[:at] if x.strip() in FUNCTIONS]
        assert record.case.function in line.split() or above[-1] == record.case.function


@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
@pytest.mark.parametrize("width", WIDTHS)
def test_no_header_word_is_cut(width: int, terminal: bool) -> None:
    lines = _render(width, terminal)
    rule = next(i for i, line in enumerate(lines) if line.startswith("─"))
    words = " ".join(x for x in lines[:rule] if "HEADING" not in x).split()
    left_out = " ".join(" ".join(lines[rule:]).split())
    assert "function" in words  # the function and case columns' header (they may share it)
    for name, _ in COLUMNS:
        if name in ("", "function", "case"):
            continue
        for word in name.split():
            assert word in words or f" {name}," in left_out or f" {name} (" in left_out, (
                width,
                name,
                words,
            )


@pytest.mark.parametrize("width", WIDTHS)
def test_left_out_columns_are_named_with_the_way_to_see_them(width: int) -> None:
    header, rows = table(RECORDS)
    fitted = layout(header, rows, NUMERIC, [False] * len(rows), width=width)
    assert fitted.omitted == list(DROP_ORDER[: len(fitted.omitted)])
    text = "\n".join(_render(width, False))
    if fitted.omitted:
        assert f"Left out to fit {width} columns: {', '.join(fitted.omitted)}" in " ".join(
            text.split()
        )
        assert "--wide" in text
    else:
        assert "Left out" not in text


def test_the_widest_table_leaves_nothing_out_and_wide_keeps_every_column() -> None:
    assert not any(line.startswith("Left out") for line in _render(160, False))
    lines = _render(60, False, wide=True)
    assert not any(line.startswith("Left out") for line in lines)
    assert any("+install()" in line for line in lines)


def test_80_columns_keep_the_function_on_each_case_line() -> None:
    lines = _render(80, False)
    for record in RECORDS:
        assert record.case.function in _row_line(lines, record).split()


@pytest.mark.parametrize("width", WIDTHS)
def test_text_wraps_at_word_boundaries(width: int) -> None:
    text = " ".join(EXPLANATION.split())
    wrapped = wrap(text, width, "  ")
    assert all(len(line) <= width for line in wrapped)
    assert " ".join(" ".join(wrapped).split()) == text  # every word whole, none lost
    long_word = "x" * (width + 5)
    assert wrap(f"a {long_word} b", width) == ["a", long_word, "b"]
