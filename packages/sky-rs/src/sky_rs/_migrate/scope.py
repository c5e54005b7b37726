"""Scope analysis: which uses name SkyPilot's functions, and which imports become unused."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
import libcst.matchers as m
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


def _warn_about_patch_target(plan: Plan, node: cst.SimpleString) -> None:
    """Note ``mock.patch("sky.utils.common_utils.hash_file")``-style strings."""
    value = node.evaluated_value
    if isinstance(value, str) and value in TARGETS:
        function = TARGETS[value]
        plan.warnings.append(
            (
                node,
                f"string {value!r} still names SkyPilot's {function}; a patch of it "
                f"no longer reaches calls migrated to sky_rs.{function}",
            )
        )


def make_plan(wrapper: MetadataWrapper) -> Plan:
    plan = Plan()
    scopes = wrapper.resolve(ScopeProvider)

    # 1. Attribute uses that certainly name one of the functions (every binding is the import).
    attribute_bases: set[cst.CSTNode] = set()
    for node, node_scope in scopes.items():
        if isinstance(node, cst.SimpleString) and "sky.utils." in node.value:
            _warn_about_patch_target(plan, node)
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
                and bound_name(alias) not in exported
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


def _binds(alias: cst.ImportAlias, assigned: str) -> bool:
    """Does ``alias`` create the scope assignment named ``assigned``?

    ``import a.b.c`` makes assignments ``a``, ``a.b`` and ``a.b.c``.
    """
    bound = bound_name(alias)
    return bound == assigned or (alias.asname is None and bound.startswith(assigned + "."))


def _exported_names(module: cst.Module) -> set[str]:
    """Strings listed in a module-level ``__all__``: such imports are re-exports, never removed."""
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
