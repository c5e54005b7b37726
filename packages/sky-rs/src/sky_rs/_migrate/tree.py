"""What the whole tree being migrated says about each module (``ast`` only, no libcst).

A test patches ``'pkg.mod.common_utils.get_cpu_count'``: that string walks through the name
``common_utils`` that ``pkg/mod.py`` imports, so that import must stay, and the patch no longer
reaches calls that the rewrite sends to ``sky_rs`` directly, so it is worth a warning. Both need
every dotted string of every file, and each module's imports, before any file is rewritten.
"""

from __future__ import annotations

import ast
import functools
import re
import sys
import sysconfig
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sky_rs._migrate.targets import FUNCTION_NAMES, TARGETS

_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+\Z", re.ASCII)
_MAX_HOPS = 16


@dataclass(frozen=True)
class Context:
    """What one file's migration needs to know about the rest of the tree."""

    keep: frozenset[str] = frozenset()
    """Module-level names whose import a dotted string walks through: never removed."""
    tree: Tree | None = None
    """The tree the file is part of (``None``: the file on its own)."""
    force: bool = False
    """Migrate (to warn) even if the file spells no SkyPilot module name."""

    def patch_target(self, dotted: str) -> str | None:
        """The function whose calls a patch of ``dotted`` no longer reaches after migration."""
        if self.tree is None:
            return TARGETS.get(dotted)
        return self.tree.patch_target(dotted)

    @property
    def first_party(self) -> frozenset[str]:
        """Top-level package names of the tree: isort's first-party section."""
        return frozenset() if self.tree is None else self.tree.first_party


@dataclass
class Tree:
    """Each module's module-level imports, and where each dotted string in the tree leads."""

    modules: dict[str, dict[str, str]] = field(default_factory=dict)
    """Module name -> {name bound by a module-level import -> the dotted name it is bound to}."""
    names: dict[Path, str] = field(default_factory=dict)
    """Resolved file path -> module name."""
    keep: dict[str, set[str]] = field(default_factory=dict)
    """Module name -> imported names that some dotted string walks through."""
    patched: set[Path] = field(default_factory=set)
    """Files with a string naming a patch target that migration bypasses."""

    @property
    def first_party(self) -> frozenset[str]:
        return frozenset(name.split(".")[0] for name in self.modules)

    def resolve(self, dotted: str) -> tuple[str, list[tuple[str, str]]]:
        """Follow ``dotted`` through the tree's imports: the name it ends at, and the hops.

        A hop ``(module, name)`` means the string walks through ``name`` imported in ``module``.
        """
        hops: list[tuple[str, str]] = []
        path = dotted
        for _ in range(_MAX_HOPS):
            if path in TARGETS:
                break
            parts = path.split(".")
            for i in range(len(parts) - 1, 0, -1):
                module = ".".join(parts[:i])
                imports = self.modules.get(module)
                if imports is not None:
                    break
            else:
                break
            target = imports.get(parts[i])
            if target is None:
                break
            hops.append((module, parts[i]))
            path = ".".join([target, *parts[i + 1 :]])
        return path, hops

    def patch_target(self, dotted: str) -> str | None:
        """The function, if ``dotted`` reaches one of SkyPilot's through its module's attribute.

        ``'pkg.mod.hash_file'``, where ``pkg.mod`` did ``from sky.utils.common_utils import
        hash_file``, is not one: ``pkg.mod``'s calls go through its own global, which a patch
        still replaces after migration.
        """
        path, hops = self.resolve(dotted)
        function = TARGETS.get(path)
        if function is None:
            return None
        if hops and self.modules[hops[-1][0]][hops[-1][1]] == path:
            return None
        return function

    def context(self, path: Path) -> Context:
        key = path.resolve()
        name = self.names.get(key)
        keep = frozenset(self.keep.get(name, ())) if name is not None else frozenset()
        return Context(keep=keep, tree=self, force=key in self.patched)


def module_name(path: Path) -> str:
    """``pkg/sub/mod.py`` -> ``pkg.sub.mod`` (walking up while there is an ``__init__.py``)."""
    path = path.resolve()
    parts = [] if path.name == "__init__.py" else [path.stem]
    directory = path.parent
    while (directory / "__init__.py").exists() and directory.parent != directory:
        parts.insert(0, directory.name)
        directory = directory.parent
    return ".".join(parts)


def _module_imports(tree: ast.Module, name: str, is_package: bool) -> dict[str, str]:
    """Names bound by imports at module level (also inside ``if``/``try``, not in functions)."""
    package = name if is_package else name.rpartition(".")[0]
    bound: dict[str, str] = {}
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop(0)
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname is not None:
                    bound[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    bound[top] = top
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".") if package else []
                parent = parent[: len(parent) - (node.level - 1)] if node.level > 1 else parent
                base = ".".join([*parent, *([base] if base else [])])
            for alias in node.names:
                if alias.name != "*" and base:
                    bound[alias.asname or alias.name] = f"{base}.{alias.name}"
        elif isinstance(node, (ast.If, ast.Try, ast.With)):
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.stmt):
                    pending.append(child)
            if isinstance(node, ast.Try):
                for handler in node.handlers:
                    pending.extend(handler.body)
    return bound


def _patch_object_targets(tree: ast.Module) -> bool:
    """Any ``patch.object(x, 'hash_file')``-style call (a second argument naming a function)?"""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value in FUNCTION_NAMES
        ):
            return True
    return False


def scan(files: Iterable[Path]) -> Tree:
    """Read every file once: module imports, then where each dotted string leads."""
    result = Tree()
    strings: dict[Path, set[str]] = {}
    object_patches: set[Path] = set()
    for path in files:
        try:
            with warnings.catch_warnings():  # e.g. invalid escapes: not ours to report
                warnings.simplefilter("ignore")
                parsed = ast.parse(path.read_bytes())
        except (OSError, SyntaxError, ValueError):
            continue  # the per-file pass reports it
        key = path.resolve()
        name = module_name(path)
        if name:
            result.names[key] = name
            result.modules[name] = _module_imports(parsed, name, path.name == "__init__.py")
        strings[key] = {
            node.value
            for node in ast.walk(parsed)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and _DOTTED.match(node.value)
        }
        if _patch_object_targets(parsed):
            object_patches.add(key)
    for key, values in strings.items():
        for value in values:
            _, hops = result.resolve(value)
            for module, bound in hops:
                result.keep.setdefault(module, set()).add(bound)
            if result.patch_target(value) is not None:
                result.patched.add(key)
    result.patched |= object_patches
    return result


@functools.cache
def stdlib_names() -> frozenset[str]:
    """Top-level standard-library module names (before Python 3.10: read from the stdlib dir)."""
    names: frozenset[str] | None = getattr(sys, "stdlib_module_names", None)
    if names is not None:
        return names
    found = set(sys.builtin_module_names)
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    for directory in (stdlib, stdlib / "lib-dynload"):
        if directory.is_dir():
            for entry in directory.iterdir():
                if entry.name != "site-packages":
                    found.add(entry.name.split(".")[0])
    return frozenset(found)
