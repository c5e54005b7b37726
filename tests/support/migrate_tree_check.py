"""An independent check that a migrated tree keeps every dotted name its strings spell.

For each string such as ``'sky.utils.subprocess_utils.common_utils.get_cpu_count'`` that,
before migration, walks through a module of the tree to a name that exists (statically: by the
module's imports, defs, classes and assignments), the same walk must still succeed after it.
Written without ``sky_rs._migrate.tree`` so that it can catch that module's bugs. Usable as a
script: ``python tests/support/migrate_tree_check.py BEFORE_DIR AFTER_DIR``.
"""

from __future__ import annotations

import ast
import re
import sys
import warnings
from pathlib import Path

_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+\Z", re.ASCII)

Bindings = dict[str, "str | None"]
"""Module-level name -> the dotted name an import binds it to (``None``: defined here)."""


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _bindings(tree: ast.Module, package: str) -> Bindings:
    out: Bindings = {}
    todo: list[ast.stmt] = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    out[alias.asname] = alias.name
                else:
                    out[alias.name.split(".")[0]] = alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join(p for p in [*parts, base] if p)
            for alias in node.names:
                out[alias.asname or alias.name] = f"{base}.{alias.name}"
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out[node.name] = None
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        out[name.id] = None
        elif isinstance(node, (ast.If, ast.Try, ast.With)):
            todo.extend(c for c in ast.iter_child_nodes(node) if isinstance(c, ast.stmt))
            if isinstance(node, ast.Try):
                for handler in node.handlers:
                    todo.extend(handler.body)
    return out


def read_tree(root: Path) -> tuple[dict[str, Bindings], dict[str, set[tuple[str, int]]]]:
    """Every module's bindings, and every dotted string with where it is (``file:line``)."""
    modules: dict[str, Bindings] = {}
    strings: dict[str, set[tuple[str, int]]] = {}
    for path in sorted(root.rglob("*.py")):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(path.read_bytes())
        except SyntaxError:
            continue
        name = _module_name(root, path)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        modules[name] = _bindings(tree, package)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and _DOTTED.match(node.value)
            ):
                where = (str(path.relative_to(root)), node.lineno)
                strings.setdefault(node.value, set()).add(where)
    return modules, strings


def walks(modules: dict[str, Bindings], dotted: str) -> bool | None:
    """Does ``dotted`` lead to a name? ``None``: it never enters a module of the tree."""
    parts = dotted.split(".")
    entered = False
    for _ in range(32):
        for i in range(len(parts) - 1, 0, -1):
            if ".".join(parts[:i]) in modules:
                break
        else:
            return True if entered else None
        module, name, rest = ".".join(parts[:i]), parts[i], parts[i + 1 :]
        entered = True
        if f"{module}.{name}" in modules:  # a submodule
            parts = [*module.split("."), name, *rest]
            if not rest:
                return True
            continue
        bindings = modules[module]
        if name not in bindings:
            return False
        target = bindings[name]
        if target is None or not rest:
            return True
        parts = [*target.split("."), *rest]
    return True


def broken(before: Path, after: Path) -> list[str]:
    """``file:line: 'dotted'`` for each string that walked before migration and not after."""
    modules_before, strings = read_tree(before)
    modules_after, _ = read_tree(after)
    out = []
    for dotted, places in sorted(strings.items()):
        if walks(modules_before, dotted) and not walks(modules_after, dotted):
            out += [f"{file}:{line}: {dotted!r}" for file, line in sorted(places)]
    return out


def checked(before: Path) -> int:
    """How many distinct dotted strings walk through a module of the tree (what is checked)."""
    modules, strings = read_tree(before)
    return sum(1 for dotted in strings if walks(modules, dotted))


if __name__ == "__main__":
    before_dir, after_dir = Path(sys.argv[1]), Path(sys.argv[2])
    problems = broken(before_dir, after_dir)
    print(f"{checked(before_dir)} dotted strings walk through the tree; {len(problems)} broken")
    print("\n".join(problems))
    sys.exit(1 if problems else 0)
