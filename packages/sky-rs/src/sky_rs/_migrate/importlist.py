"""Rebuilding import lists (the fiddly part: commas, parentheses and comments)."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst


def select_names(
    names: Sequence[cst.ImportAlias],
    keep: list[int],
    lpar: cst.LeftParen | None,
    rpar: cst.RightParen | None,
    *,
    fresh: bool,
) -> tuple[list[cst.ImportAlias], cst.LeftParen | None, cst.RightParen | None]:
    """The aliases at indices ``keep`` (in order) as a valid list, comments carried along.

    A comment at the end of an alias's line travels with that alias; comment lines above an
    alias travel with it too. ``fresh`` is for a newly split-off statement, which leaves the
    original's comment after ``(`` behind.
    """
    last = len(names) - 1
    kept = [names[i] for i in keep]
    if lpar is None or rpar is None:
        if keep[-1] != last:
            kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return kept, lpar, rpar

    # seps[i] is the whitespace before alias i; seps[len(names)] the one after a trailing comma.
    seps: list[cst.BaseParenthesizableWhitespace | None] = [lpar.whitespace_after]
    for alias in names:
        seps.append(alias.comma.whitespace_after if isinstance(alias.comma, cst.Comma) else None)

    def join(
        before: cst.BaseParenthesizableWhitespace, target: int
    ) -> cst.BaseParenthesizableWhitespace:
        """``before``'s own line end, then alias ``target``'s comment lines and indentation."""
        sep = seps[target]
        if isinstance(before, cst.ParenthesizedWhitespace):
            if isinstance(sep, cst.ParenthesizedWhitespace):
                return before.with_changes(
                    empty_lines=sep.empty_lines, indent=sep.indent, last_line=sep.last_line
                )
            return before.with_changes(empty_lines=())
        if isinstance(sep, cst.ParenthesizedWhitespace) and sep.empty_lines:
            return sep.with_changes(first_line=cst.TrailingWhitespace())
        return before

    opening = lpar.whitespace_after
    if fresh and isinstance(opening, cst.ParenthesizedWhitespace):
        opening = opening.with_changes(first_line=cst.TrailingWhitespace())
    new_lpar = lpar.with_changes(whitespace_after=join(opening, keep[0]))

    for j, (i, nxt) in enumerate(zip(keep, keep[1:])):
        comma = names[i].comma
        if nxt != i + 1 and isinstance(comma, cst.Comma):
            new_ws = join(comma.whitespace_after, nxt)
            kept[j] = kept[j].with_changes(comma=comma.with_changes(whitespace_after=new_ws))

    new_rpar = rpar
    tail = keep[-1]
    comma = names[tail].comma
    if tail != last and isinstance(comma, cst.Comma):
        trailing_comma = names[last].comma
        closing = (
            seps[last + 1] if isinstance(trailing_comma, cst.Comma) else rpar.whitespace_before
        )
        own = comma.whitespace_after
        multiline_close = isinstance(closing, cst.ParenthesizedWhitespace)
        if isinstance(own, cst.ParenthesizedWhitespace) and (
            multiline_close or own.first_line.comment is not None
        ):
            # The list closes on a line of its own (or a comment forces it to).
            close_ws = cst.ParenthesizedWhitespace(
                first_line=own.first_line,
                empty_lines=(),
                indent=closing.indent
                if isinstance(closing, cst.ParenthesizedWhitespace)
                else own.indent,
                last_line=closing.last_line
                if isinstance(closing, cst.ParenthesizedWhitespace)
                else cst.SimpleWhitespace(""),
            )
            if isinstance(trailing_comma, cst.Comma):
                kept[-1] = kept[-1].with_changes(
                    comma=comma.with_changes(whitespace_after=close_ws)
                )
            else:
                kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                new_rpar = rpar.with_changes(whitespace_before=close_ws)
        elif isinstance(trailing_comma, cst.Comma):
            kept[-1] = kept[-1].with_changes(comma=trailing_comma)
        else:
            kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return kept, new_lpar, new_rpar
