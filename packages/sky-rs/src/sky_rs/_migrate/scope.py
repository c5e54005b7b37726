"""Scope analysis: which uses name SkyPilot's functions, and which imports become unused."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import GatherExportsVisitor
from libcst.helpers import get_full_name_for_node
from libcst.metadata import (
    Assignment,
    GlobalScope,
    MetadataWrapper,
    QualifiedNameSource,
    Scope,
    ScopeProvider,
)

from sky_rs._migrate.targets import FUNCTION_NAMES, TARGETS
from sky_rs._migrate.tree import Context


@dataclass
class Plan:
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
    realign: dict[cst.SimpleWhitespace, int] = field(default_factory=dict)
    """Leading whitespace of continuation lines aligned to a rewritten call: columns to drop."""


def _warn_about_patch_target(plan: Plan, node: cst.SimpleString, context: Context) -> None:
    """Note ``mock.patch("sky.utils.common_utils.hash_file")``-style strings."""
    value = node.evaluated_value
    function = context.patch_target(value) if isinstance(value, str) else None
    if function is not None:
        plan.warnings.append(
            (
                node,
                f"string {value!r} still names SkyPilot's {function}; a patch of it "
                f"no longer reaches calls migrated to sky_rs.{function}",
            )
        )


_PATCHERS = frozenset({"object", "setattr"})
"""``mock.patch.object``, ``mocker.patch.object``, ``monkeypatch.setattr``, ``setattr``."""


def _patched_object(
    call: cst.Call, scope: Scope, context: Context
) -> tuple[cst.CSTNode, str] | None:
    """``mock.patch.object(common_utils, 'hash_file')`` or ``monkeypatch.setattr(...)``-style."""
    if (
        len(call.args) < 2
        or call.args[0].keyword is not None
        or dotted(call.func).rpartition(".")[2] not in _PATCHERS
    ):
        return None
    name = call.args[1].value
    function = name.evaluated_value if isinstance(name, cst.SimpleString) else None
    if not isinstance(function, str) or function not in FUNCTION_NAMES:
        return None
    target = call.args[0].value
    for qualified in scope.get_qualified_names_for(target):
        if qualified.source is not QualifiedNameSource.IMPORT:
            continue
        found = context.patch_target(f"{qualified.name}.{function}")
        if found is not None:
            message = (
                f"`{dotted(target)}` is patched as an object; the patch of its {found} no "
                f"longer reaches calls migrated to sky_rs.{found}"
            )
            return target, message
    return None


def make_plan(wrapper: MetadataWrapper, context: Context | None = None) -> Plan:
    context = context or Context()
    plan = Plan()
    scopes = wrapper.resolve(ScopeProvider)

    # 1. Attribute uses that certainly name one of the functions (every binding is the import).
    attribute_bases: set[cst.CSTNode] = set()
    patched_objects: list[tuple[cst.CSTNode, str]] = []
    for node, node_scope in scopes.items():
        if isinstance(node, cst.SimpleString) and any(f in node.value for f in FUNCTION_NAMES):
            _warn_about_patch_target(plan, node, context)
        if isinstance(node, cst.Call) and node_scope is not None:
            patched = _patched_object(node, node_scope, context)
            if patched is not None:
                patched_objects.append(patched)
        if not isinstance(node, cst.Attribute):
            continue
        attribute_bases.add(node.value)
        if node.attr.value not in FUNCTION_NAMES or node_scope is None:
            continue
        resolved = node_scope.get_qualified_names_for(node)
        full = {q.name for q in resolved}
        if (
            len(full) == 1
            and all(q.source is QualifiedNameSource.IMPORT for q in resolved)
            and (function := TARGETS.get(next(iter(full)))) is not None
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
                dotted(a.name).split(".")[0] == "sky_rs" for a in node.names
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
        plan.warnings.extend(patched_objects)
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
    warned = {node for node, _ in plan.warnings}
    plan.warnings.extend(w for w in patched_objects if w[0] not in warned)
    # Names in a module-level `__all__` are re-exports: kept. (Only the simple statements are
    # visited: a whole-module visit costs a fifth of a migration.)
    exports = GatherExportsVisitor(CodemodContext())
    for line in wrapper.module.body:
        if isinstance(line, cst.SimpleStatementLine):
            line.visit(exports)
    exported = exports.explicit_exported_objects
    for statement in {a.node for a in anchors}:
        assert isinstance(statement, (cst.Import, cst.ImportFrom))
        assert not isinstance(statement.names, cst.ImportStar)
        for alias in statement.names:
            bindings = [a for a in imports if a.node is statement and _binds(alias, a.name)]
            refs = [ref.node for a in bindings for ref in a.references]
            if (
                refs
                and all(ref in rewritten_refs for ref in refs)
                and bound_name(alias) not in exported
                and not (
                    isinstance(bindings[0].scope, GlobalScope)
                    and _top_bound_name(alias) in context.keep
                )
            ):
                plan.removed_aliases.add(alias)

    # 3. Where `import sky_rs` goes: reuse a module-level one, else one per scope of use.
    def existing_alias(scope: Scope) -> str | None:
        for a in sky_rs_imports:
            if a.scope is not scope:
                continue
            assert isinstance(a.node, cst.Import)
            for alias in a.node.names:
                if dotted(alias.name) == "sky_rs" and bound_name(alias) == a.name:
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


def dotted(node: cst.BaseExpression) -> str:
    return get_full_name_for_node(node) or ""


def bound_name(alias: cst.ImportAlias) -> str:
    if alias.asname is not None:
        return dotted(alias.asname.name)
    return dotted(alias.name)


def _top_bound_name(alias: cst.ImportAlias) -> str:
    """The module-level name an import binds: ``import a.b`` binds ``a``."""
    return bound_name(alias) if alias.asname is not None else bound_name(alias).split(".")[0]


def _binds(alias: cst.ImportAlias, assigned: str) -> bool:
    """Does ``alias`` create the scope assignment named ``assigned``?

    ``import a.b.c`` makes assignments ``a``, ``a.b`` and ``a.b.c``.
    """
    bound = bound_name(alias)
    return bound == assigned or (alias.asname is None and bound.startswith(assigned + "."))
