"""A fingerprint of a SkyPilot function: its code and the code of every SkyPilot name it uses.

``install()`` rebinds a SkyPilot function only when its fingerprint is one of the verified ones
(the table in ``_sky_rs_skypilot``); ``scripts/skypilot_fingerprints.py`` computes the same
fingerprints from SkyPilot's wheels. What is covered, starting from the function's name:

- every statement that binds a name at module level: a ``def`` or ``class`` (with decorators),
  an assignment (with the ``if``/``try`` headers around it), an import (as ``from m import x``);
- then, transitively, the names that code uses: the free names of a function (locals, builtins
  and attributes of objects are not names of the module), the names of an assignment's value
  (not the callee of a call there: an object built at import time, such as a logger or a lazy
  module, is covered by the statement that builds it), and, through imports, the names used in
  other SkyPilot modules (``ux_utils.print_exception_no_traceback``). Of a class reached as
  ``Cls.member``, the header, the named members, the special methods and the ``self.x`` members
  those use are covered; of a class used bare, all of it.

Each statement is hashed as its tokens (:mod:`sky_rs._source_scan`), without comments,
docstrings or layout, so the fingerprint is the same on every CPython from 3.9 on. Only the
statements needed are parsed.
"""

from __future__ import annotations

import ast
import hashlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported when a fingerprint is computed, not for the quick file check
    from sky_rs._source_scan import Chain, _Binding, _Module

FORMAT = "sky-rs fingerprint 1"
"""Part of every hash: a change of the algorithm changes every fingerprint."""
Exists = Callable[[str], bool]


class Unreadable(Exception):
    """A module the fingerprint needs has no readable source (an install with ``.pyc`` only)."""


# ------------------------------------------------------------------------------ the closure


class _Lazy:
    """``sky_rs._source_scan``, imported at first use (the quick file check never needs it)."""

    def __getattr__(self, name: str) -> Any:
        from sky_rs import _source_scan

        return getattr(_source_scan, name)


scan = _Lazy()


class Fingerprinter:
    """Fingerprints of names in one SkyPilot tree; modules are read once and kept."""

    def __init__(self, raw: Callable[[str], bytes | None], exists: Exists) -> None:
        self.raw, self.exists = raw, exists
        self.modules: dict[str, _Module] = {}
        self.hashes: dict[str, str | None] = {}
        self.read: dict[tuple[str, str], list[str]] = {}
        """(module, name) -> the modules its last fingerprint read."""

    def source(self, name: str) -> str | None:
        data = self.raw(name)
        if data is None:
            return None
        from importlib.util import decode_source

        return decode_source(data)

    def module(self, name: str) -> _Module:
        if name not in self.modules:
            text = self.source(name)
            if text is None:
                raise Unreadable(name)
            self.modules[name] = scan._Module(name, text, self.exists(name + ".__init__"))
        return self.modules[name]

    def of(self, module: str, name: str) -> str:
        """The fingerprint of ``module.name``; :class:`Unreadable` when a source is missing."""
        units: dict[tuple[str, str], str] = {}
        closure = _Closure(self, module.partition(".")[0], units)
        closure.resolve(module, (name,))
        self.read[(module, name)] = sorted({m for m, _ in closure.seen})
        payload = "\x1d".join(f"{m}\x1e{k}\x1e{v}" for (m, k), v in sorted(units.items()))
        return hashlib.sha256(f"{FORMAT}\x1d{payload}".encode()).hexdigest()[:32]

    def file_hash(self, name: str) -> str | None:
        """The sha256 (first 16 hex digits) of module ``name``'s source file, as bytes."""
        if name not in self.hashes:
            data = self.raw(name)
            self.hashes[name] = None if data is None else hashlib.sha256(data).hexdigest()[:16]
        return self.hashes[name]

    def files(self, module: str, name: str) -> str:
        """The files the last fingerprint of ``module.name`` read: ``"module:hash ..."``."""
        return " ".join(f"{m}:{self.file_hash(m)}" for m in self.read[(module, name)])

    def known(self, files: dict[str, str]) -> str | None:
        """The quick check, before any parsing: the releases of the first entry of ``files``
        (``"module:hash ..."`` -> releases) whose files are all byte-identical here."""
        for key, releases in files.items():
            pairs = (part.split(":") for part in key.split())
            if all(self.file_hash(module) == digest for module, digest in pairs):
                return releases
        return None


class _Closure:
    """One fingerprint's walk: every unit of code reached, by (module, name)."""

    def __init__(self, tree: Fingerprinter, package: str, units: dict[tuple[str, str], str]):
        self.tree, self.package, self.units = tree, package, units
        self.seen: set[tuple[str, Chain]] = set()

    def resolve(self, module_name: str, chain: Chain) -> None:
        if (module_name, chain) in self.seen:
            return
        self.seen.add((module_name, chain))
        module = self.tree.module(module_name)
        name, rest = chain[0], chain[1:]
        bindings = module.bindings.get(name)
        if not bindings:  # a builtin, or a submodule reached through its package
            submodule = f"{module_name}.{name}"
            if rest and module.is_package and self.tree.exists(submodule):
                self.resolve(submodule, rest)
            return
        parts = [b.context + self.binding(module, name, b, rest) for b in bindings]
        key = (module_name, name)
        self.units[key] = "\x1c".join(parts)

    def binding(self, module: _Module, name: str, binding: _Binding, rest: Chain) -> str:
        node = module.parsed(binding)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            return self.imported(module, name, node, rest)
        if isinstance(node, ast.ClassDef):
            return self.klass(module, node, binding, rest)
        for chain in scan.uses_of_statement(node):
            self.resolve(module.name, chain)
        self.heads(module, binding)
        return module.tokens(node, binding.base, binding.line, binding.end)

    def imported(
        self, module: _Module, name: str, node: ast.Import | ast.ImportFrom, rest: Chain
    ) -> str:
        if isinstance(node, ast.Import):
            alias = next(a for a in node.names if (a.asname or a.name.partition(".")[0]) == name)
            target = alias.name if alias.asname else name
            if rest and self.ours(target):
                self.resolve(target, rest)
            return f"import {alias.name} as {name}"
        alias = next(a for a in node.names if (a.asname or a.name) == name)
        source = _absolute(module, node.module, node.level)
        if self.ours(source):
            if self.tree.exists(f"{source}.{alias.name}"):
                if rest:
                    self.resolve(f"{source}.{alias.name}", rest)
            else:
                self.resolve(source, (alias.name, *rest))
        return f"from {source} import {alias.name} as {name}"

    def heads(self, module: _Module, binding: _Binding) -> None:
        for kind, chain in scan._events(list(binding.heads), skip_calls=True):
            if kind == "load":
                self.resolve(module.name, chain)

    def ours(self, module_name: str) -> bool:
        return module_name == self.package or module_name.startswith(self.package + ".")

    def klass(self, module: _Module, node: ast.ClassDef, binding: _Binding, rest: Chain) -> str:
        """A class: its header, and the members reached (all of them when used bare)."""
        members: dict[str, list[ast.stmt]] = {}
        for statement in node.body:
            for member in _class_names(statement):
                members.setdefault(member, []).append(statement)
        for chain in scan.uses_of_statement(_header_only(node)):
            self.resolve(module.name, chain)
        self.heads(module, binding)
        wanted = list(members) if not rest else [m for m in members if _special(m) or m in rest]
        done: set[str] = set()
        while wanted:
            member = wanted.pop()
            if member in done or member not in members:
                continue
            done.add(member)
            texts = []
            for statement in members[member]:
                first, last = scan._first_line(statement), statement.end_lineno or statement.lineno
                texts.append(module.tokens(statement, binding.base, first + binding.base,
                                           last + binding.base))  # fmt: skip
                for chain in _member_uses(statement):
                    if chain[0] == "\x00self":
                        wanted.extend(chain[1:2])
                    else:
                        self.resolve(module.name, chain)
            self.units[(module.name, f"{node.name}.{member}")] = "\x1c".join(texts)
        first_body = scan._first_line(node.body[0]) + binding.base
        header = module.tokens(node, binding.base, binding.line, first_body - 1)
        return header


def _header_only(node: ast.ClassDef) -> ast.ClassDef:
    return ast.ClassDef(node.name, node.bases, node.keywords, [], node.decorator_list)


def _class_names(statement: ast.stmt) -> list[str]:
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [statement.name]
    if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        return [e[1] for e in scan._events(targets) if e[0] == "store"]
    return []


def _special(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


def _member_uses(statement: ast.stmt) -> set[Chain]:
    """What a class member uses: ``self.x`` / ``cls.x`` as ``("\\0self", "x")``, other names."""
    uses: set[Chain] = scan.uses_of_statement(statement)
    if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return uses
    args = [*statement.args.posonlyargs, *statement.args.args]
    own = {args[0].arg} if args else set()
    inner = set()
    for kind, value in scan._events(statement.body):
        if kind == "load" and value[0] in own and len(value) > 1:
            inner.add(("\x00self", value[1]))
    return {c for c in uses if c[0] not in own} | inner


def _absolute(module: _Module, name: str | None, level: int) -> str:
    if level == 0:
        return name or ""
    parts = module.name.split(".")
    package = parts if module.is_package else parts[:-1]
    base = package[: len(package) - (level - 1)]
    return ".".join([*base, name] if name else base)


# ------------------------------------------------------------------------------ where sources are


def installed() -> Fingerprinter:
    """The SkyPilot of this process: sources found next to its imported packages, never imported."""
    return Fingerprinter(lambda name: _read(locate(name)), lambda name: locate(name) is not None)


def locate(name: str) -> Path | None:
    """The source file of module ``name`` (``.pyc`` only: that file), found without importing."""
    spec = getattr(sys.modules.get(name), "__spec__", None)
    if spec is not None and spec.has_location and spec.origin:
        return Path(spec.origin)
    parent, _, last = name.rpartition(".")
    if not parent:
        return None
    package = sys.modules.get(parent)
    if package is not None:
        directories = [Path(p) for p in getattr(package, "__path__", [])]
    else:
        found = locate(parent)
        directories = [found.parent] if found is not None and found.stem == "__init__" else []
    for directory in directories:
        for candidate in (directory / f"{last}.py", directory / last / "__init__.py"):
            if candidate.is_file():
                return candidate
        legacy = directory / f"{last}.pyc"  # a sourceless install keeps the module as .pyc
        if legacy.is_file():
            return legacy
    return None


def _read(path: Path | None) -> bytes | None:
    if path is None or path.suffix != ".py":
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None


def from_files(files: Callable[[str], bytes | None]) -> Fingerprinter:
    """A SkyPilot tree read from ``files`` (path in the tree -> bytes), e.g. a wheel."""

    def path(name: str) -> str | None:
        base = name.replace(".", "/")
        for candidate in (f"{base}.py", f"{base}/__init__.py"):
            if files(candidate) is not None:
                return candidate
        return None

    def raw(name: str) -> bytes | None:
        found = path(name)
        return None if found is None else files(found)

    return Fingerprinter(raw, lambda name: path(name) is not None)
