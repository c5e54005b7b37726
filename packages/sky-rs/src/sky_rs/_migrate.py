"""``sky-rs migrate``: move a codebase from SkyPilot's utils onto ``sky_rs``.

The rewrite runs on libcst's concrete syntax tree, so formatting and comments survive, and on its
scope analysis, so a local ``common_utils`` or ``hash_file`` that is not SkyPilot's is left alone.
libcst is imported lazily: ``sky-rs doctor`` imports this module only to build the parser.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import functools
import os
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from sky_rs._domains import REGISTRY, SKYPILOT_HOMES, TWELVE

if TYPE_CHECKING:
    import libcst as cst
    from libcst.metadata import MetadataWrapper, Scope

# sky-rs additions with no fixed SkyPilot home: migrated from either module.
SKY_RS_ADDITIONS: tuple[str, ...] = tuple(
    f.name for f in REGISTRY.values() if f.skypilot_home is None and not f.extra
)

MIGRATED: tuple[str, ...] = TWELVE
"""The twelve functions this command moves onto ``sky_rs``; nothing else is touched."""

_MIGRATABLE: dict[str, frozenset[str]] = {
    module: frozenset((*names, *SKY_RS_ADDITIONS)) for module, names in SKYPILOT_HOMES.items()
}
_MODULE_NAMES = tuple(module.rsplit(".", 1)[1] for module in SKYPILOT_HOMES)
_FUNCTION_NAMES = frozenset(MIGRATED)
_TARGETS: dict[str, str] = {
    f"{module}.{name}": name for module, names in _MIGRATABLE.items() for name in names
}

_SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "__pycache__",
        "node_modules",
        "site-packages",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        "build",
        "dist",
        ".eggs",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
    }
)
# Trailing comments that are about the line rather than the code: copied onto a split-off import.
_PRAGMA = re.compile(r"#.*\b(noqa|type:\s*ignore|pylint:|pyright:|mypy:|nosec|pragma:)")

_INSTALL_HINT = 'sky-rs migrate needs libcst: pip install "sky-rs[cli]"'

EPILOG = """\
Rewrites, for the twelve functions sky-rs provides (other names are left alone):
  from sky.utils.common_utils import hash_file, x   ->  from sky.utils.common_utils import x
                                                      from sky_rs import hash_file
  common_utils.hash_file(...)                       ->  sky_rs.hash_file(...)
                                                      (and `import sky_rs`, once)
Local names that merely look alike (a parameter called common_utils, your own hash_file) are
left alone. Uses that cannot be moved safely (mock.patch("sky.utils.common_utils.hash_file"),
the module passed as an object) are reported as warnings. Directories are walked for *.py
files, skipping .git, virtualenvs, site-packages, node_modules, __pycache__, .tox and build
directories. --check and --diff can be combined.

the twelve functions:
{functions}

exit status:
  0  success (with --check: nothing would change)
  1  --check found files that would change, or some files could not be read or parsed
     (they are reported on stderr and left untouched)
  2  usage error: a path does not exist, or libcst is not installed
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    import textwrap

    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    functions = textwrap.fill(
        ", ".join(MIGRATED), width=80, initial_indent="  ", subsequent_indent="  "
    )
    parser.epilog = EPILOG.format(functions=functions)
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or directories to migrate")
    parser.add_argument(
        "--diff", action="store_true", help="print a unified diff instead of writing files"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if any file would change (for CI)",
    )


# --------------------------------------------------------------------------------------------
# The codemod


@dataclass
class Migration:
    """The result of migrating one module."""

    code: str
    counts: Counter[str] = field(default_factory=Counter)
    """Names migrated per function: imports moved plus attribute uses rewritten."""
    warnings: list[str] = field(default_factory=list)
    """``line N: ...`` notes about uses left alone that may need a human."""


def migrate_source(source: str) -> Migration:
    """Migrate one module's source; raises ``libcst.ParserSyntaxError`` if it does not parse."""
    import libcst as cst

    module = cst.parse_module(source)
    if not _mentions_targets(source):
        return Migration(source)
    migrated, counts, warnings = _migrate_module(module)
    return Migration(migrated.code, counts, warnings)


@dataclass
class _Plan:
    """What scope analysis decided, keyed by nodes of the tree about to be transformed."""

    alias: str = "sky_rs"
    """The name ``sky_rs`` is (or will be) bound to."""
    attributes: dict[cst.Attribute, str] = field(default_factory=dict)
    """``common_utils.hash_file``-style uses to rewrite, with the function they name."""
    removed_aliases: set[cst.ImportAlias] = field(default_factory=set)
    """Module imports whose every use was rewritten."""
    import_after: dict[cst.BaseSmallStatement, Scope] = field(default_factory=dict)
    """Import statements after the first of which (per scope) ``import sky_rs`` goes."""
    warnings: list[tuple[cst.CSTNode, str]] = field(default_factory=list)
    """Things left alone that may need a human: the node and why."""


def _warn_about_patch_target(plan: _Plan, node: cst.SimpleString) -> None:
    """Note ``mock.patch("sky.utils.common_utils.hash_file")``-style strings."""
    value = node.evaluated_value
    if isinstance(value, str) and value in _TARGETS:
        function = _TARGETS[value]
        plan.warnings.append(
            (
                node,
                f"string {value!r} still names SkyPilot's {function}; a patch of it "
                f"no longer reaches calls migrated to sky_rs.{function}",
            )
        )


def _migrate_module(module: cst.Module) -> tuple[cst.Module, Counter[str], list[str]]:
    """The migrated module, names migrated per function, and warnings (``line N: ...``)."""
    from libcst.metadata import MetadataWrapper, PositionProvider

    counts: Counter[str] = Counter()
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    plan = _plan(wrapper)
    warnings: list[str] = []
    if plan.warnings:
        positions = wrapper.resolve(PositionProvider)
        for node, message in plan.warnings:
            warnings.append(f"line {positions[node].start.line}: {message}")
    return wrapper.module.visit(_migrator()(plan, counts)), counts, warnings


def _mentions_targets(source: str | bytes) -> bool:
    """Cheap pre-filter: every route to the twelve functions spells one of the module names."""
    if isinstance(source, bytes):
        source = source.decode("latin-1")  # enough to find ASCII names in any ASCII superset
    return any(m in source for m in _MODULE_NAMES) and any(f in source for f in MIGRATED)


def _plan(wrapper: MetadataWrapper) -> _Plan:
    import libcst as cst
    from libcst.metadata import Assignment, GlobalScope, QualifiedNameSource, ScopeProvider

    plan = _Plan()
    scopes = wrapper.resolve(ScopeProvider)

    # 1. Attribute uses that certainly name one of the functions (every binding is the import).
    attribute_bases: set[cst.CSTNode] = set()
    for node, node_scope in scopes.items():
        if isinstance(node, cst.SimpleString) and "sky.utils." in node.value:
            _warn_about_patch_target(plan, node)
        if not isinstance(node, cst.Attribute):
            continue
        attribute_bases.add(node.value)
        if node.attr.value not in _FUNCTION_NAMES or node_scope is None:
            continue
        resolved = node_scope.get_qualified_names_for(node)
        full = {q.name for q in resolved}
        if (
            len(full) == 1
            and all(q.source is QualifiedNameSource.IMPORT for q in resolved)
            and (function := _TARGETS.get(next(iter(full)))) is not None
        ):
            plan.attributes[node] = function

    # 2. Which import statements those uses go through, and which imports end up unused.
    imports: list[Assignment] = []
    sky_rs_imports: list[Assignment] = []
    conflict = False
    for scope in {s for s in scopes.values() if s is not None}:
        for assignment in scope.assignments:
            if not isinstance(assignment, Assignment):
                continue
            node = assignment.node
            if isinstance(node, cst.Import) and any(
                _dotted(a.name).split(".")[0] == "sky_rs" for a in node.names
            ):
                sky_rs_imports.append(assignment)
            elif isinstance(node, (cst.Import, cst.ImportFrom)):
                imports.append(assignment)
            elif assignment.name == "sky_rs":
                conflict = True

    rewritten_refs: set[cst.CSTNode] = set()
    for attribute in plan.attributes:
        value: cst.BaseExpression = attribute.value
        while isinstance(value, cst.Attribute):
            rewritten_refs.add(value)
            value = value.value
        rewritten_refs.add(value)

    anchors: list[Assignment] = [
        a for a in imports if any(ref.node in rewritten_refs for ref in a.references)
    ]
    if not anchors:
        return plan
    for a in anchors:
        for ref in a.references:
            if ref.node not in attribute_bases and ref.node not in rewritten_refs:
                plan.warnings.append(
                    (
                        ref.node,
                        f"`{a.name}` is still used as an object (mock.patch.object?); "
                        f"patching it no longer reaches the calls migrated to sky_rs",
                    )
                )
    exported = _exported_names(wrapper.module)
    for statement in {a.node for a in anchors}:
        assert isinstance(statement, (cst.Import, cst.ImportFrom))
        assert not isinstance(statement.names, cst.ImportStar)
        for alias in statement.names:
            bindings = [a for a in imports if a.node is statement and _binds(alias, a.name)]
            refs = [ref.node for a in bindings for ref in a.references]
            if (
                refs
                and all(ref in rewritten_refs for ref in refs)
                and _bound_name(alias) not in exported
            ):
                plan.removed_aliases.add(alias)

    # 3. Where `import sky_rs` goes: reuse a module-level one, else one per scope of use.
    def existing_alias(scope: Scope) -> str | None:
        for a in sky_rs_imports:
            if a.scope is not scope:
                continue
            assert isinstance(a.node, cst.Import)
            for alias in a.node.names:
                if _dotted(alias.name) == "sky_rs" and _bound_name(alias) == a.name:
                    return a.name
                if alias.asname is None and a.name == "sky_rs":
                    return a.name
        return None

    global_scope = next(a.scope for a in anchors if a.scope is not None).globals
    found = existing_alias(global_scope)
    if found is not None:
        plan.alias = found
        return plan
    plan.alias = "_sky_rs" if conflict else "sky_rs"
    by_scope: dict[Scope, list[Assignment]] = {}
    for a in anchors:
        assert a.scope is not None
        by_scope.setdefault(a.scope, []).append(a)
    if any(isinstance(scope, GlobalScope) for scope in by_scope):
        by_scope = {global_scope: by_scope[global_scope]}
    for scope, in_scope in by_scope.items():
        if existing_alias(scope) != plan.alias:
            for a in in_scope:
                assert isinstance(a.node, (cst.Import, cst.ImportFrom))
                plan.import_after[a.node] = scope
    return plan


def _dotted(node: cst.BaseExpression) -> str:
    from libcst.helpers import get_full_name_for_node

    return get_full_name_for_node(node) or ""


def _bound_name(alias: cst.ImportAlias) -> str:
    if alias.asname is not None:
        return _dotted(alias.asname.name)
    return _dotted(alias.name)


def _binds(alias: cst.ImportAlias, assigned: str) -> bool:
    """Does ``alias`` create the scope assignment named ``assigned``?

    ``import a.b.c`` makes assignments ``a``, ``a.b`` and ``a.b.c``.
    """
    bound = _bound_name(alias)
    return bound == assigned or (alias.asname is None and bound.startswith(assigned + "."))


def _exported_names(module: cst.Module) -> set[str]:
    """Strings listed in a module-level ``__all__``: such imports are re-exports, never removed."""
    import libcst as cst
    import libcst.matchers as m

    names: set[str] = set()
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            targets: list[cst.BaseExpression] = []
            if isinstance(small, cst.Assign):
                targets = [t.target for t in small.targets]
            elif isinstance(small, (cst.AugAssign, cst.AnnAssign)):
                targets = [small.target]
            if any(m.matches(t, m.Name("__all__")) for t in targets):
                for string in m.findall(small, m.SimpleString()):
                    assert isinstance(string, cst.SimpleString)
                    evaluated = string.evaluated_value
                    if isinstance(evaluated, str):
                        names.add(evaluated)
    return names


_Kind = Literal["kept", "split", "sky_rs"]
"""Why a statement is in a rewritten line: the original (maybe trimmed), a split-off
``from sky_rs import``, or a new ``import sky_rs``."""

# --------------------------------------------------------------------------------------------
# Rebuilding import lists (the fiddly part: commas, parentheses and comments).


def _select_names(
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
    import libcst as cst

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


# --------------------------------------------------------------------------------------------
# The transformer. libcst is imported lazily, so the class is built on first use.


@functools.cache
def _migrator() -> Callable[[_Plan, Counter[str]], cst.CSTTransformer]:
    import libcst as cst

    class Migrator(cst.CSTTransformer):
        def __init__(self, plan: _Plan, counts: Counter[str]) -> None:
            super().__init__()
            self.plan = plan
            self.counts = counts
            # Lines whose statements all went away; their comment lines move to the next line.
            self.dropped: set[cst.SimpleStatementLine] = set()
            self.scopes_done: set[Scope] = set()
            # New `import sky_rs` lines, moved down to the end of their import group.
            self.floating: set[cst.SimpleStatementLine] = set()

        # -- uses ------------------------------------------------------------------------
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
        ) -> list[tuple[cst.BaseSmallStatement, _Kind]]:
            """What ``original`` becomes, each statement tagged with why it is there."""
            out: list[tuple[cst.BaseSmallStatement, _Kind]] = []
            if isinstance(original, cst.ImportFrom) and isinstance(updated, cst.ImportFrom):
                out = self.rewrite_import_from(original, updated)
            elif isinstance(original, cst.Import) and isinstance(updated, cst.Import):
                keep = [
                    i for i, a in enumerate(original.names) if a not in self.plan.removed_aliases
                ]
                if len(keep) == len(original.names):
                    out = [(updated, "kept")]
                elif keep:
                    names, _, _ = _select_names(updated.names, keep, None, None, fresh=False)
                    out = [(updated.with_changes(names=names), "kept")]
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
        ) -> list[tuple[cst.BaseSmallStatement, _Kind]]:
            if (
                isinstance(updated.names, cst.ImportStar)
                or isinstance(original.names, cst.ImportStar)
                or original.relative
            ):
                return [(updated, "kept")]
            module = _dotted(original.module) if original.module is not None else ""
            migratable = _MIGRATABLE.get(module, frozenset())
            moved = [i for i, a in enumerate(updated.names) if _dotted(a.name) in migratable]
            keep = [
                i
                for i, a in enumerate(updated.names)
                if i not in moved and original.names[i] not in self.plan.removed_aliases
            ]
            for i in moved:
                self.counts[_dotted(updated.names[i].name)] += 1
            if not moved and len(keep) == len(updated.names):
                return [(updated, "kept")]
            if not keep:
                if not moved:
                    return []
                return [(updated.with_changes(module=cst.Name("sky_rs")), "kept")]
            out: list[tuple[cst.BaseSmallStatement, _Kind]] = []
            names, lpar, rpar = _select_names(
                updated.names, keep, updated.lpar, updated.rpar, fresh=False
            )
            out.append((updated.with_changes(names=names, lpar=lpar, rpar=rpar), "kept"))
            if moved:
                names, lpar, rpar = _select_names(
                    updated.names, moved, updated.lpar, updated.rpar, fresh=True
                )
                split_off = updated.with_changes(
                    module=cst.Name("sky_rs"),
                    names=names,
                    lpar=lpar,
                    rpar=rpar,
                    semicolon=cst.MaybeSentinel.DEFAULT,
                )
                out.append((split_off, "split"))
            return out

        def rewrite_body(
            self,
            original: Sequence[cst.BaseSmallStatement],
            updated: Sequence[cst.BaseSmallStatement],
        ) -> list[tuple[cst.BaseSmallStatement, _Kind]]:
            out: list[tuple[cst.BaseSmallStatement, _Kind]] = []
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
            trailing = updated_node.trailing_whitespace
            pragma = (
                trailing if trailing.comment and _PRAGMA.match(trailing.comment.value) else None
            )
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
                    statement = statement.with_changes(
                        leading_lines=[*pending, *statement.leading_lines]
                    )
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
            if not any(s in self.dropped or s in self.floating for s in updated_node.body):
                return updated_node
            body, pending = self.settle(updated_node.body)
            return updated_node.with_changes(body=body, footer=[*pending, *updated_node.footer])

    return Migrator


def _continues_import_group(statement: cst.BaseStatement) -> bool:
    """An import line directly below the previous one (no blank line or comment between)."""
    import libcst as cst

    return (
        isinstance(statement, cst.SimpleStatementLine)
        and not statement.leading_lines
        and all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body)
    )


# --------------------------------------------------------------------------------------------
# Files and the command line


def iter_python_files(paths: Sequence[Path]) -> Iterator[Path]:
    """``paths`` themselves, and the ``*.py`` files under directories, skipping environments."""
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            candidates: Iterator[Path] = _walk(path)
        else:
            candidates = iter([path])
        for candidate in candidates:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                yield candidate


def _walk(root: Path) -> Iterator[Path]:
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not _skipped(Path(directory, d)))
        for filename in sorted(filenames):
            if filename.endswith(".py"):
                yield Path(directory, filename)


def _skipped(directory: Path) -> bool:
    name = directory.name
    return (
        name in _SKIPPED_DIRS or name.endswith(".egg-info") or (directory / "pyvenv.cfg").exists()
    )


@dataclass
class _Summary:
    scanned: int = 0
    changed: list[Path] = field(default_factory=list)
    failed: int = 0
    warnings: int = 0
    counts: Counter[str] = field(default_factory=Counter)


@dataclass
class FileMigration:
    """One file before and after; encoding, BOM and newlines are preserved."""

    old: bytes
    new: bytes
    encoding: str = "utf-8"
    counts: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)


def migrate_file(path: Path) -> FileMigration:
    """Migrate one file in memory (nothing is written).

    Raises ``OSError``, ``libcst.ParserSyntaxError``, or ``ValueError`` if the result would not
    parse (a bug guard: such a file is reported and left alone).
    """
    import libcst as cst

    data = path.read_bytes()
    if not _mentions_targets(data):
        return FileMigration(data, data)
    module = cst.parse_module(data)
    migrated, counts, warnings = _migrate_module(module)
    new = migrated.bytes
    if new != data and not _parses(new) and _parses(data):
        raise ValueError("the migrated code would not parse (a sky-rs bug); left unchanged")
    return FileMigration(data, new, module.encoding, counts, warnings)


def _parses(source: bytes) -> bool:
    """Does this interpreter parse ``source``? (libcst accepts newer grammar than it may.)"""
    try:
        ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    return True


def _write(path: Path, data: bytes) -> None:
    """Replace ``path`` atomically, keeping its permissions (and writing through symlinks)."""
    target = Path(os.path.realpath(path))
    mode = target.stat().st_mode
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, mode & 0o7777)
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise


def _diff(path: Path, old: bytes, new: bytes, encoding: str) -> str:
    return "".join(
        difflib.unified_diff(
            old.decode(encoding).splitlines(keepends=True),
            new.decode(encoding).splitlines(keepends=True),
            fromfile=f"{path}\t(original)",
            tofile=f"{path}\t(migrated)",
        )
    )


def run(args: argparse.Namespace) -> int:
    try:
        import libcst as cst
    except ImportError:
        print(_INSTALL_HINT, file=sys.stderr)
        return 2

    paths = [Path(p) for p in args.paths]
    missing = [p for p in paths if not p.exists()]
    if missing:
        for path in missing:
            print(f"sky-rs migrate: error: {path}: no such file or directory", file=sys.stderr)
        return 2

    write = not (args.diff or args.check)
    summary = _Summary()
    for path in iter_python_files(paths):
        summary.scanned += 1
        try:
            result = migrate_file(path)
        except cst.ParserSyntaxError as exc:
            reason = exc.message.removeprefix("parser error: ")
            _report_failure(summary, path, f"cannot parse: {reason}")
            continue
        except (OSError, ValueError, UnicodeError, LookupError) as exc:
            _report_failure(summary, path, str(exc))
            continue
        summary.warnings += len(result.warnings)
        for warning in result.warnings:
            print(f"warning: {path}: {warning}", file=sys.stderr)
        if result.new == result.old:
            continue
        summary.changed.append(path)
        summary.counts.update(result.counts)
        if args.diff:
            sys.stdout.write(_diff(path, result.old, result.new, result.encoding))
        if write:
            try:
                _write(path, result.new)
            except OSError as exc:
                summary.changed.pop()
                _report_failure(summary, path, f"cannot write: {exc}")
                continue
        print(f"{'migrated' if write else 'would migrate'} {path}", file=sys.stderr)
    _print_summary(summary, write=write)
    if summary.failed or (args.check and summary.changed):
        return 1
    return 0


def _report_failure(summary: _Summary, path: Path, reason: str) -> None:
    summary.failed += 1
    print(f"error: {path}: {reason}; skipped", file=sys.stderr)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _print_summary(summary: _Summary, *, write: bool) -> None:
    verb = "changed" if write else "would change"
    parts = [
        f"{_plural(summary.scanned, 'file')} scanned",
        f"{_plural(len(summary.changed), 'file')} {verb}",
    ]
    if summary.failed:
        parts.append(f"{_plural(summary.failed, 'file')} skipped (errors above)")
    if summary.warnings:
        parts.append(f"{_plural(summary.warnings, 'warning')} (above)")
    lines = [", ".join(parts)]
    for function in MIGRATED:
        if summary.counts[function]:
            lines.append(f"  {function:<34}{summary.counts[function]:>5}")
    print("\n".join(lines), file=sys.stderr)
