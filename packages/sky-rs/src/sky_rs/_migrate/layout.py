"""Layout after the rewrite: re-aligned continuation lines and ``import sky_rs`` in sorted place.

- ``common_utils.hash_file(a,`` becomes ``sky_rs.hash_file(a,``: the lines aligned to its
  parenthesis move left by six columns, so pycodestyle's E127/E128 and yapf still pass.
- ``import sky_rs`` goes where isort would put it: among the third-party imports, sorted the way
  the file's imports are already sorted (``force_sort_within_sections``, as Google's profile and
  SkyPilot do, or plain imports before ``from`` imports).
"""

from __future__ import annotations

import io
import tokenize
from collections.abc import Mapping, Sequence

import libcst as cst
from libcst.metadata import CodeRange

from sky_rs._migrate.tree import stdlib_names

_SKIPPED_TOKENS = frozenset(
    {tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
)


def continuation_shifts(
    source: str, shrinks: Mapping[int, Sequence[tuple[int, int]]]
) -> dict[int, int]:
    """Line -> columns its continuation moves left (negative: right).

    ``shrinks[line]`` lists ``(column, by)``: the text ending at ``column`` got ``by`` shorter.
    A line inside brackets that starts right of its innermost open bracket is aligned to
    something on the bracket's line, so it moves as far as that bracket did.
    """
    shifts: dict[int, int] = {}
    brackets: list[tuple[int, int]] = []
    previous_end = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type in _SKIPPED_TOKENS:
                continue
            line, column = token.start
            if line > previous_end and brackets:
                opened_line, opened_column = brackets[-1]
                if column > opened_column:
                    shift = shifts.get(opened_line, 0) + sum(
                        by for end, by in shrinks.get(opened_line, ()) if end <= opened_column
                    )
                    if shift:
                        shifts[line] = shift
            previous_end = token.end[0]
            if token.type == tokenize.OP and token.string in "([{":
                brackets.append(token.start)
            elif token.type == tokenize.OP and token.string in ")]}" and brackets:
                brackets.pop()
    except (tokenize.TokenError, SyntaxError):
        return {}
    return shifts


def realignment(
    module: cst.Module,
    positions: Mapping[cst.CSTNode, CodeRange],
    rewritten: Mapping[cst.BaseExpression, str],
) -> dict[cst.SimpleWhitespace, int]:
    """Leading whitespace of continuation lines -> columns to remove (``rewritten``: the
    expressions replaced, each with its new text)."""
    shrinks: dict[int, list[tuple[int, int]]] = {}
    for node, text in rewritten.items():
        where = positions[node]
        if where.start.line == where.end.line:
            by = where.end.column - where.start.column - len(text)
            if by:
                shrinks.setdefault(where.start.line, []).append((where.end.column, by))
    if not shrinks:
        return {}
    shifts = continuation_shifts(module.code, shrinks)
    if not shifts:
        return {}
    out: dict[cst.SimpleWhitespace, int] = {}
    for candidate in positions:
        if not isinstance(candidate, cst.ParenthesizedWhitespace):
            continue
        leading = [
            candidate.last_line,
            *(e.whitespace for e in candidate.empty_lines if e.comment),
        ]
        for whitespace in leading:
            shift = shifts.get(positions[whitespace].start.line)
            if shift and (shift < 0 or whitespace.value.endswith(" " * shift)):
                out[whitespace] = shift
    return out


def shifted(whitespace: cst.SimpleWhitespace, shift: int) -> cst.SimpleWhitespace:
    value = whitespace.value
    value = value[: len(value) - shift] if shift > 0 else value + " " * -shift
    return whitespace.with_changes(value=value)


# --------------------------------------------------------------------------------------------
# `import sky_rs` in sorted position


def _imported_module(statement: cst.BaseStatement) -> tuple[str, bool] | None:
    """The module a top-level import line imports, and whether it is a ``from`` import."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if isinstance(small, cst.Import):
        return cst.helpers.get_full_name_for_node(small.names[0].name) or "", False
    if isinstance(small, cst.ImportFrom):
        if small.relative or small.module is None:
            return ".", True
        return cst.helpers.get_full_name_for_node(small.module) or "", True
    return None


def _section(module: str, first_party: frozenset[str], stdlib: frozenset[str]) -> str:
    top = module.split(".")[0]
    if module == "__future__":
        return "future"
    if not top or top in first_party:
        return "first"
    return "stdlib" if top in stdlib else "third"


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _leading(statement: cst.BaseStatement) -> Sequence[cst.EmptyLine]:
    if isinstance(statement, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        return statement.leading_lines
    return ()


def _blank(lines: Sequence[cst.EmptyLine]) -> bool:
    return any(line.comment is None for line in lines)


def place_import(
    body: Sequence[cst.BaseStatement], line: cst.SimpleStatementLine, first_party: frozenset[str]
) -> list[cst.BaseStatement] | None:
    """``body`` with the new import ``line`` moved to its sorted place (``None``: keep it)."""
    stdlib = stdlib_names()
    index = next((i for i, s in enumerate(body) if s is line), None)
    if index is None:
        return None
    rest = list(body)
    del rest[index]
    if index < len(rest):
        # The line's blank and comment lines stay where they were.
        after = rest[index]
        own = list(_leading(after))
        handed = line.leading_lines
        if _blank(own):
            handed = [e for e in handed if e.comment is not None]
        rest[index] = after.with_changes(leading_lines=[*handed, *own])
    line = line.with_changes(leading_lines=())

    start = 1 if rest and _is_docstring(rest[0]) else 0
    groups: list[list[int]] = []
    for i in range(start, len(rest)):
        imported = _imported_module(rest[i])
        if imported is None:
            break
        if not groups or _blank(_leading(rest[i])):
            groups.append([])
        groups[-1].append(i)
    if not groups:
        return None
    sections = [
        {_section(m, first_party, stdlib) for i in g if (m := _module_of(rest[i])) is not None}
        for g in groups
    ]
    target = next((g for g, s in zip(groups, sections) if s == {"third"}), None)
    if target is None:
        target = next((g for g, s in zip(groups, sections) if "third" in s), None)
    if target is not None:
        position = _sorted_position(rest, target)
        if position is None:
            return None
        if position == target[0]:
            first = rest[position]
            line = line.with_changes(leading_lines=_leading(first))
            rest[position] = first.with_changes(leading_lines=())
        rest.insert(position, line)
        return rest
    # A section of its own, before the first-party imports (or after all the others).
    later = next((g for g, s in zip(groups, sections) if "first" in s), None)
    if later is not None and sections[groups.index(later)] != {"first"}:
        return None  # first-party imports mixed with others: no section to go before
    if later is None:
        rest.insert(groups[-1][-1] + 1, line.with_changes(leading_lines=[cst.EmptyLine()]))
        return rest
    first = rest[later[0]]
    blanks = 0
    while blanks < len(_leading(first)) and _leading(first)[blanks].comment is None:
        blanks += 1
    line = line.with_changes(leading_lines=_leading(first)[:blanks])
    rest[later[0]] = first.with_changes(leading_lines=[cst.EmptyLine(), *_leading(first)[blanks:]])
    rest.insert(later[0], line)
    return rest


def _module_of(statement: cst.BaseStatement) -> str | None:
    imported = _imported_module(statement)
    return None if imported is None else imported[0]


def _sorted_position(rest: Sequence[cst.BaseStatement], group: Sequence[int]) -> int | None:
    """Where ``import sky_rs`` sorts in ``group``, if the group is sorted one of isort's ways."""
    imported = [_imported_module(rest[i]) for i in group]
    keys = [(m.lower(), is_from) for m, is_from in (x for x in imported if x is not None)]
    styles = (
        (lambda k: k, ("sky_rs", False)),  # force_sort_within_sections (Google, SkyPilot)
        (lambda k: (k[1], k[0]), (False, "sky_rs")),  # plain imports first (isort's default)
    )
    for key, new in styles:
        ordered = [key(k) for k in keys]
        if ordered == sorted(ordered):
            after = [i for i, k in zip(group, ordered) if k > new]
            return after[0] if after else group[-1] + 1
    return None
