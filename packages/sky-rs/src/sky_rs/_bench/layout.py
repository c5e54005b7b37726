"""The results table as plain lines that fit a width, and text wrapped at word boundaries.

Rich would wrap a cell inside its column, splitting ``22.1 µs`` from its unit or a header word
in two. Here no cell and no header word is ever split, and every case stays on one line. To fit
a narrow width, in this order:

1. the columns move one space closer (one space between them instead of two);
2. the function and case share one column (``format_float  3.14159, precision=2``);
3. the optional columns are left out, the least useful first (:data:`DROP_ORDER`), and the
   report says which, and how to see them; steps 1 and 2 are tried again after each;
4. the function becomes a line of its own, with its cases indented under it.

The first arrangement that fits with the most columns wins. Below about 55 columns nothing
fits: the narrowest arrangement is printed and the terminal wraps it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

GAPS = ("  ", " ")
"""Between two columns: two spaces, so that ``1.02 µs  987 ns`` reads as two numbers; one
space before a column is left out for want of room."""
MARK, FUNCTION, CASE = "", "function", "case"
JOINED = "function  case"
DROP_ORDER = ("SkyPilot +install()", "SkyPilot", "syscalls Py/Rust", "floor", "distance")
"""The optional columns, the first to be left out first. The others always stay."""
ARRANGEMENTS = ("columns", "joined", "grouped")


@dataclass(frozen=True)
class Line:
    """One printed line of the table; ``strong`` for a headline case (bold on a terminal)."""

    text: str
    strong: bool = False


@dataclass(frozen=True)
class Layout:
    """The lines of the table, and the optional columns left out to fit."""

    lines: list[Line]
    omitted: list[str]
    arrangement: str


def _words(text: str) -> list[str]:
    return text.split() or [""]


def _header_lines(text: str, width: int) -> list[str]:
    """``text`` wrapped into ``width`` at spaces: never a word cut (``width`` fits each)."""
    if len(text) <= width:
        return [text]
    lines: list[str] = []
    for word in _words(text):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _arrange(
    header: Sequence[str], rows: Sequence[Sequence[str]], arrangement: str
) -> tuple[list[str], list[list[str] | str]]:
    """The header and rows of one arrangement; a row that is a ``str`` is a function's line."""
    at = {name: i for i, name in enumerate(header)}
    rest = [i for i, name in enumerate(header) if name not in (MARK, FUNCTION, CASE)]

    def mark(row: Sequence[str]) -> str:
        return row[at[MARK]] if MARK in at else ""

    if arrangement == "columns":
        return list(header), [list(row) for row in rows]
    if arrangement == "joined":
        out: list[list[str] | str] = []
        for row in rows:
            label = f"{mark(row) or ' '} {row[at[FUNCTION]]}  {row[at[CASE]]}"
            out.append([label, *(row[i] for i in rest)])
        return [f"  {JOINED}", *(header[i] for i in rest)], out
    out = []
    previous = None
    for row in rows:
        if row[at[FUNCTION]] != previous:
            previous = row[at[FUNCTION]]
            out.append(f"  {previous}")
        out.append([f"{mark(row) or ' '}   {row[at[CASE]]}", *(row[i] for i in rest)])
    return [f"  {FUNCTION}", *(header[i] for i in rest)], out


def _widths(header: Sequence[str], rows: Sequence[list[str] | str]) -> list[int]:
    cells = [row for row in rows if not isinstance(row, str)]
    return [
        max([len(w) for w in _words(name)] + [len(row[i]) for row in cells])
        for i, name in enumerate(header)
    ]


def _fits(header: Sequence[str], rows: Sequence[list[str] | str], width: int, gap: str) -> bool:
    widths = _widths(header, rows)
    longest = max((len(row) for row in rows if isinstance(row, str)), default=0)
    return max(sum(widths) + len(gap) * (len(widths) - 1), longest) <= width


def _render(
    header: Sequence[str],
    rows: Sequence[list[str] | str],
    numeric: set[str],
    strong: Sequence[bool],
    gap: str,
) -> list[Line]:
    widths = _widths(header, rows)
    stacked = [_header_lines(name, w) for name, w in zip(header, widths)]
    depth = max(len(s) for s in stacked)
    stacked = [[""] * (depth - len(s)) + s for s in stacked]  # headers sit on the rule

    def cells(values: Sequence[str]) -> str:
        parts = [
            value.rjust(w) if name in numeric else value.ljust(w)
            for name, value, w in zip(header, values, widths)
        ]
        return gap.join(parts).rstrip()

    lines = [Line(cells([s[k] for s in stacked])) for k in range(depth)]
    lines.append(Line(gap.join("─" * w for w in widths)))
    bold = iter(strong)
    for row in rows:
        if isinstance(row, str):
            lines.append(Line(row))
        else:
            lines.append(Line(cells(row), next(bold)))
    return lines


def layout(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    numeric: set[str],
    strong: Sequence[bool],
    width: int,
    wide: bool = False,
) -> Layout:
    """The table at ``width`` columns (every column, as wide as it needs, when ``wide``).

    ``header`` and ``rows`` are the full table (its empty columns already hidden); ``strong``
    marks each row as a headline case.
    """
    droppable = [name for name in DROP_ORDER if name in header]
    tries = [0] if wide else range(len(droppable) + 1)
    for arrangements in (ARRANGEMENTS[:2], ARRANGEMENTS[2:]):
        for dropped in tries:
            omitted = droppable[:dropped]
            keep = [i for i, name in enumerate(header) if name not in omitted]
            narrowed = [header[i] for i in keep]
            kept_rows = [[row[i] for i in keep] for row in rows]
            for arrangement in arrangements:
                shown, arranged = _arrange(narrowed, kept_rows, arrangement)
                for gap in GAPS:
                    last = arrangement == "grouped" and dropped == len(droppable) and gap == " "
                    if wide or last or _fits(shown, arranged, width, gap):
                        lines = _render(shown, arranged, numeric, strong, gap)
                        return Layout(lines, omitted, arrangement)
    raise AssertionError("unreachable: the last arrangement is always taken")


def wrap(text: str, width: int, indent: str = "") -> list[str]:
    """``text`` wrapped at ``width`` at word boundaries only; a word longer than the width
    stays whole on a line of its own. Later lines are indented by ``indent``."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(
            textwrap.wrap(
                paragraph,
                width=max(width, len(indent) + 1),
                subsequent_indent=indent,
                break_long_words=False,
                break_on_hyphens=False,
            )
            or [""]
        )
    return lines
