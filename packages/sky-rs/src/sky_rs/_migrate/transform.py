"""The codemod: a ``libcst.codemod`` command that rewrites uses and imports as planned.

``MigrateCommand`` is a ``CodemodCommand``: ``libcst.codemod.transform_module`` parses and runs
it, libcst resolves its metadata (scopes, positions) and collects its warnings, and its
``RemoveImportsVisitor`` trims import lists. ``Migrator`` is a plain ``CSTTransformer``: a
``VisitorBasedCodemodCommand``'s matcher dispatch on every node costs about a fifth of a run.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import libcst as cst
from libcst import ParserSyntaxError
from libcst.codemod import (
    CodemodCommand,
    CodemodContext,
    TransformExit,
    TransformFailure,
    TransformSuccess,
    transform_module,
)
from libcst.codemod.visitors import RemoveImportsVisitor
from libcst.metadata import PositionProvider, Scope, ScopeProvider

from sky_rs._migrate.layout import place_import, realignment, shifted
from sky_rs._migrate.scope import Plan, dotted, make_plan
from sky_rs._migrate.targets import MIGRATABLE, mentions_targets
from sky_rs._migrate.tree import Context

__all__ = ["MigrateCommand", "Migration", "ParserSyntaxError", "migrate_source", "run"]

# Trailing comments that are about the line rather than the code: copied onto a split-off import.
_PRAGMA = re.compile(r"#.*\b(noqa|type:\s*ignore|pylint:|pyright:|mypy:|nosec|pragma:)")


@dataclass
class Migration:
    """The result of migrating one module."""

    code: str
    counts: Counter[str] = field(default_factory=Counter)
    """Names migrated per function: imports moved plus attribute uses rewritten."""
    warnings: list[str] = field(default_factory=list)
    """``line N: ...`` notes about uses left alone that may need a human."""


def migrate_source(source: str, context: Context | None = None) -> Migration:
    """Migrate one module's source; raises ``libcst.ParserSyntaxError`` if it does not parse."""
    if not mentions_targets(source) and not (context is not None and context.force):
        cst.parse_module(source)  # every route to the functions names their module: no change
        return Migration(source)
    command = MigrateCommand(CodemodContext(), context)
    code, warnings = run(command, source)
    return Migration(code, command.counts, warnings)


def run(command: MigrateCommand, source: str) -> tuple[str, list[str]]:
    """``command`` run on ``source`` by ``libcst.codemod.transform_module``: code and warnings.

    Raises what the run raised (``libcst.ParserSyntaxError`` if ``source`` does not parse).
    """
    result = transform_module(command, source)
    if isinstance(result, TransformExit):
        raise KeyboardInterrupt
    if isinstance(result, TransformFailure):
        raise result.error
    assert isinstance(result, TransformSuccess)  # the command never skips
    return result.code, list(result.warning_messages)


class MigrateCommand(CodemodCommand):
    """The ``sky-rs migrate`` codemod: libcst resolves scopes and positions and collects
    warnings; ``make_plan`` decides, and ``Migrator`` rewrites."""

    DESCRIPTION = "Move uses of SkyPilot's utils that sky-rs provides onto sky_rs."
    METADATA_DEPENDENCIES = (ScopeProvider,)  # positions only when needed, below

    def __init__(self, context: CodemodContext, tree: Context | None = None) -> None:
        super().__init__(context)
        self.tree = tree or Context()
        """What the rest of the tree says about this file (the file alone by default)."""
        self.counts: Counter[str] = Counter()
        """Names migrated per function, over every module this command transformed."""

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        wrapper = self.context.wrapper
        assert wrapper is not None  # set by Codemod.transform_module
        plan = make_plan(wrapper, self.tree)
        if plan.warnings or plan.attributes:
            positions = wrapper.resolve(PositionProvider)
            for node, message in plan.warnings:
                self.warn(f"line {positions[node].start.line}: {message}")
            rewritten = {attribute.value: plan.alias for attribute in plan.attributes}
            plan.realign = realignment(tree, positions, rewritten)
        return tree.visit(Migrator(plan, self.counts, self.tree.first_party))


Kind = Literal["kept", "split", "sky_rs"]
"""Why a statement is in a rewritten line: the original (maybe trimmed), a split-off
``from sky_rs import``, or a new ``import sky_rs``."""


class Migrator(cst.CSTTransformer):
    """Rewrites the planned uses, trims and splits imports, and adds ``import sky_rs``."""

    def __init__(
        self, plan: Plan, counts: Counter[str], first_party: frozenset[str] = frozenset()
    ) -> None:
        super().__init__()
        self.plan = plan
        self.counts = counts
        self.first_party = first_party
        # Lines that became `import sky_rs` in place (every name they imported went away).
        self.replaced: set[cst.SimpleStatementLine] = set()
        # Lines whose statements all went away; their comment lines move to the next line.
        self.dropped: set[cst.SimpleStatementLine] = set()
        self.scopes_done: set[Scope] = set()
        # New `import sky_rs` lines, moved down to the end of their import group.
        self.floating: set[cst.SimpleStatementLine] = set()

    # -- uses ------------------------------------------------------------------------
    def leave_SimpleWhitespace(
        self, original_node: cst.SimpleWhitespace, updated_node: cst.SimpleWhitespace
    ) -> cst.SimpleWhitespace:
        shift = self.plan.realign.get(original_node)
        return updated_node if shift is None else shifted(updated_node, shift)

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        function = self.plan.attributes.get(original_node)
        if function is None:
            return updated_node
        self.counts[function] += 1
        return updated_node.with_changes(value=cst.Name(self.plan.alias))

    # -- imports ---------------------------------------------------------------------
    def rewrite(
        self, original: cst.BaseSmallStatement, updated: cst.BaseSmallStatement
    ) -> list[tuple[cst.BaseSmallStatement, Kind]]:
        """What ``original`` becomes, each statement tagged with why it is there."""
        out: list[tuple[cst.BaseSmallStatement, Kind]] = []
        if isinstance(original, cst.ImportFrom) and isinstance(updated, cst.ImportFrom):
            out = self.rewrite_import_from(original, updated)
        elif isinstance(original, cst.Import) and isinstance(updated, cst.Import):
            keep = [i for i, a in enumerate(original.names) if a not in self.plan.removed_aliases]
            if len(keep) == len(original.names):
                out = [(updated, "kept")]
            elif keep:
                out = [(trimmed(updated, keep), "kept")]
        else:
            out = [(updated, "kept")]
        scope = self.plan.import_after.get(original)
        if scope is not None and scope not in self.scopes_done:
            self.scopes_done.add(scope)
            sky_rs = cst.ImportAlias(
                name=cst.Name("sky_rs"),
                asname=None
                if self.plan.alias == "sky_rs"
                else cst.AsName(name=cst.Name(self.plan.alias)),
            )
            out.append((cst.Import(names=[sky_rs]), "sky_rs"))
        return out

    def rewrite_import_from(
        self, original: cst.ImportFrom, updated: cst.ImportFrom
    ) -> list[tuple[cst.BaseSmallStatement, Kind]]:
        if (
            isinstance(updated.names, cst.ImportStar)
            or isinstance(original.names, cst.ImportStar)
            or original.relative
        ):
            return [(updated, "kept")]
        module = dotted(original.module) if original.module is not None else ""
        migratable = MIGRATABLE.get(module, frozenset())
        moved = [i for i, a in enumerate(updated.names) if dotted(a.name) in migratable]
        keep = [
            i
            for i, a in enumerate(updated.names)
            if i not in moved and original.names[i] not in self.plan.removed_aliases
        ]
        for i in moved:
            self.counts[dotted(updated.names[i].name)] += 1
        if not moved and len(keep) == len(updated.names):
            return [(updated, "kept")]
        if not keep:
            if not moved:
                return []
            return [(updated.with_changes(module=cst.Name("sky_rs")), "kept")]
        out: list[tuple[cst.BaseSmallStatement, Kind]] = []
        out.append((trimmed(updated, keep), "kept"))
        if moved:
            split_off = trimmed(updated, moved, fresh=True).with_changes(
                module=cst.Name("sky_rs"), semicolon=cst.MaybeSentinel.DEFAULT
            )
            out.append((split_off, "split"))
        return out

    def rewrite_body(
        self,
        original: Sequence[cst.BaseSmallStatement],
        updated: Sequence[cst.BaseSmallStatement],
    ) -> list[tuple[cst.BaseSmallStatement, Kind]]:
        out: list[tuple[cst.BaseSmallStatement, Kind]] = []
        for old, new in zip(original, updated):
            out.extend(self.rewrite(old, new))
        return out

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        if not any(isinstance(s, (cst.Import, cst.ImportFrom)) for s in original_node.body):
            return updated_node
        out = self.rewrite_body(original_node.body, updated_node.body)
        if not out:
            self.dropped.add(updated_node)
            return updated_node
        if len(original_node.body) > 1:
            # Several statements on one line stay on one line.
            body = [s.with_changes(semicolon=cst.MaybeSentinel.DEFAULT) for s, _ in out]
            if isinstance(updated_node.body[-1].semicolon, cst.Semicolon):
                body[-1] = body[-1].with_changes(semicolon=updated_node.body[-1].semicolon)
            return updated_node.with_changes(body=body)
        lines: list[cst.BaseStatement] = [updated_node.with_changes(body=[out[0][0]])]
        if out[0][1] == "sky_rs":
            self.replaced.add(lines[0])  # type: ignore[arg-type]
        trailing = updated_node.trailing_whitespace
        pragma = trailing if trailing.comment and _PRAGMA.match(trailing.comment.value) else None
        for statement, kind in out[1:]:
            line = cst.SimpleStatementLine(
                body=[statement],
                trailing_whitespace=pragma
                if kind == "split" and pragma is not None
                else cst.TrailingWhitespace(),
            )
            if kind == "sky_rs":
                self.floating.add(line)
            lines.append(line)
        return lines[0] if len(lines) == 1 else cst.FlattenSentinel(lines)

    def leave_SimpleStatementSuite(
        self, original_node: cst.SimpleStatementSuite, updated_node: cst.SimpleStatementSuite
    ) -> cst.SimpleStatementSuite:
        out = self.rewrite_body(original_node.body, updated_node.body)
        body: list[cst.BaseSmallStatement] = [
            s.with_changes(semicolon=cst.MaybeSentinel.DEFAULT) for s, _ in out
        ] or [cst.Pass()]
        if len(body) == len(updated_node.body) and all(
            a is b for a, b in zip(body, updated_node.body)
        ):
            return updated_node
        return updated_node.with_changes(body=body)

    # -- blocks: lines that went away hand their comment lines on --------------------
    def settle(
        self, body: Sequence[cst.BaseStatement]
    ) -> tuple[list[cst.BaseStatement], list[cst.EmptyLine]]:
        """Drop emptied lines (handing on their comments) and place new ``import sky_rs``."""
        out: list[cst.BaseStatement] = []
        pending: list[cst.EmptyLine] = []
        floating: cst.BaseStatement | None = None
        for statement in body:
            if isinstance(statement, cst.SimpleStatementLine) and statement in self.dropped:
                if any(line.comment for line in statement.leading_lines):
                    pending.extend(statement.leading_lines)
                continue
            if isinstance(statement, cst.SimpleStatementLine) and statement in self.floating:
                floating = statement
                continue
            if floating is not None and not _continues_import_group(statement):
                out.append(floating)
                floating = None
            if pending and isinstance(
                statement, (cst.SimpleStatementLine, cst.BaseCompoundStatement)
            ):
                moved = statement.with_changes(leading_lines=[*pending, *statement.leading_lines])
                if statement in self.replaced:
                    self.replaced.add(moved)  # type: ignore[arg-type]
                statement = moved
                pending = []
            out.append(statement)
        if floating is not None:
            out.append(floating)
        return out, pending

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        if not any(s in self.dropped or s in self.floating for s in updated_node.body):
            return updated_node
        body, pending = self.settle(updated_node.body)
        if not body:
            body = [cst.SimpleStatementLine(body=[cst.Pass()], leading_lines=pending)]
            pending = []
        return updated_node.with_changes(body=body, footer=[*pending, *updated_node.footer])

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        new = self.floating | self.replaced
        if not any(s in self.dropped or s in new for s in updated_node.body):
            return updated_node
        body, pending = self.settle(updated_node.body)
        line = next((s for s in body if s in new), None)
        if isinstance(line, cst.SimpleStatementLine):
            body = place_import(body, line, self.first_party) or body
        return updated_node.with_changes(body=body, footer=[*pending, *updated_node.footer])


def _continues_import_group(statement: cst.BaseStatement) -> bool:
    """An import line directly below the previous one (no blank line or comment between)."""
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and not statement.leading_lines
        and all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body)
    )


def trimmed(
    statement: cst.ImportFrom | cst.Import, keep: Sequence[int], *, fresh: bool = False
) -> cst.ImportFrom | cst.Import:
    """``statement`` with only the aliases at indices ``keep``.

    libcst's ``RemoveImportsVisitor`` removes the others (run on the statement alone, where no
    name is used), moving commas and carrying comment lines above an alias along with it. Ours:
    the line a parenthesized list closes on when its last alias goes, and leaving the comment
    after ``(`` behind on a ``fresh`` (split-off) statement.
    """
    names = statement.names
    assert not isinstance(names, cst.ImportStar)
    context = CodemodContext()
    for i, alias in enumerate(names):
        if i in keep:
            continue
        name, asname = alias.evaluated_name, alias.evaluated_alias
        if isinstance(statement, cst.Import):
            RemoveImportsVisitor.remove_unused_import(context, name, asname=asname)
        else:
            module = dotted(statement.module) if statement.module is not None else ""
            RemoveImportsVisitor.remove_unused_import(context, module, name, asname)
    alone = cst.Module(body=[cst.SimpleStatementLine(body=[statement])])
    line = RemoveImportsVisitor(context).transform_module(alone).body[0]
    assert isinstance(line, cst.SimpleStatementLine)
    result = line.body[0]
    assert isinstance(result, (cst.Import, cst.ImportFrom))
    if not isinstance(result, cst.ImportFrom) or result.lpar is None or result.rpar is None:
        return result
    assert not isinstance(result.names, cst.ImportStar)
    kept, lpar, rpar = list(result.names), result.lpar, result.rpar
    opening = lpar.whitespace_after
    if fresh and isinstance(opening, cst.ParenthesizedWhitespace):
        lpar = lpar.with_changes(
            whitespace_after=opening.with_changes(first_line=cst.TrailingWhitespace())
        )
    last, tail = len(names) - 1, keep[-1]
    comma = names[tail].comma
    if tail != last and isinstance(comma, cst.Comma):
        trailing_comma = names[last].comma
        closing = (
            trailing_comma.whitespace_after
            if isinstance(trailing_comma, cst.Comma)
            else rpar.whitespace_before
        )
        own = comma.whitespace_after
        if isinstance(own, cst.ParenthesizedWhitespace) and (
            isinstance(closing, cst.ParenthesizedWhitespace) or own.first_line.comment is not None
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
                rpar = rpar.with_changes(whitespace_before=close_ws)
        elif isinstance(trailing_comma, cst.Comma):
            kept[-1] = kept[-1].with_changes(comma=trailing_comma)
    return result.with_changes(names=kept, lpar=lpar, rpar=rpar)
