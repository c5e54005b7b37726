"""Reading Python source for the fingerprints: tokens, the names code uses, a module's bindings.

The quick split into top-level statements reads where lines start in column 0 (outside
triple-quoted strings) and parses only what is needed; when that split is in doubt, the whole
module is parsed. Both give the same bindings (``tests/meta/test_fingerprint.py`` checks it on every
module of SkyPilot's releases).
"""

from __future__ import annotations

import ast
import bisect
import re
import warnings
from collections.abc import Iterator
from typing import Any, Union

Chain = tuple[str, ...]

_FuncNode = Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda]
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_NOT_START = " \t\r\n\f#)]}"
_LINE_START = re.compile(r"\n(?=[^\s#)\]}])")
_CLAUSE = re.compile(r"(?:else|elif|except|finally)\b")
_DEF = re.compile(r"(?:async[ \t]+)?(def|class)[ \t]+(\w+)")
_DEF_LINE = re.compile(r"^(?:async[ \t]+)?(def|class)[ \t]+(\w+)", re.M)


# ------------------------------------------------------------------------------ tokens


_TOKEN = re.compile(
    r"""(?P<space>[ \t\f]+|\\\r?\n)
    |(?P<comment>\#[^\r\n]*)
    |(?P<newline>\r?\n)
    |(?P<string>[a-zA-Z]{0,2}(?:'''(?:[^\\]|\\.)*?'''|\"\"\"(?:[^\\]|\\.)*?\"\"\"
        |'(?:[^\\'\r\n]|\\.)*'|"(?:[^\\"\r\n]|\\.)*"))
    |(?P<name>[^\W\d]\w*)
    |(?P<number>(?:\d|\.\d)(?:[eE][-+]|[\w.])*)
    |(?P<op>\*\*=?|//=?|>>=?|<<=?|->|:=|\.\.\.|[-+*/%@&|^=<>!]=|[-+*/%@&|^~<>=.,:;()\[\]{}])
    |(?P<other>.)""",
    re.S | re.X,
)
_OPEN, _CLOSE = frozenset("([{"), frozenset(")]}")
_KINDS = {"name": "n", "number": "d", "string": "s", "op": "o", "other": "x"}


def _tokens(text: str, docstrings: frozenset[tuple[int, int]] = frozenset()) -> str:
    """The significant tokens of ``text``: no comments, blank lines, docstrings or spacing.

    A tokenizer of its own, not ``tokenize``: its output does not change between CPython
    versions (3.12 splits f-strings into many tokens) and it costs no regex compilation of
    ``tokenize``'s (several milliseconds on 3.9 to 3.11, once per process).
    """
    out: list[str] = []
    row, line_start, depth = 1, 0, 0
    indents, at_line_start, skipping, logical = [0], True, False, False
    for match in _TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind in ("space", "comment", "newline"):
            if kind == "newline" or value[-1:] == "\n":
                if kind == "newline" and depth == 0 and logical:
                    if not skipping:  # the docstring's line goes with it
                        out.append("/")
                    logical, skipping = False, False
                    at_line_start = True
                row += 1
                line_start = match.end()
            continue
        if at_line_start and depth == 0:
            width = len(text[line_start : match.start()].expandtabs(8))
            if width > indents[-1]:
                indents.append(width)
                out.append(">")
            while width < indents[-1]:
                indents.pop()
                out.append("<")
            at_line_start = False
        logical = True
        if kind == "string" and (row, match.start() - line_start) in docstrings:
            skipping = True
        if kind == "op":
            depth += 1 if value in _OPEN else -1 if value in _CLOSE and depth else 0
        if not skipping:
            out.append(_KINDS[kind or "other"] + value)
        row += value.count("\n")
        if "\n" in value:
            line_start = match.start() + value.rindex("\n") + 1
    if logical:
        out.append("/")
    out += ["<"] * (len(indents) - 1)
    return "\x1f".join(out)


def _docstrings(tree: ast.AST, offset: int = 0) -> frozenset[tuple[int, int]]:
    """Start positions of the docstrings in ``tree``, lines shifted up by ``offset``."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                found.add((first.lineno - offset, first.col_offset))
    return frozenset(found)


def _parse(text: str) -> ast.Module:
    """``ast.parse``, without the SyntaxWarnings of SkyPilot's own code (invalid escapes)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text)


# ------------------------------------------------------------------------------ names used


def _chain(node: ast.expr) -> Chain | None:
    """``a.b.c`` as ``("a", "b", "c")`` when it is a dotted name, else ``None``."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return (node.id, *reversed(parts))
    return None


def _events(nodes: list[Any], skip_calls: bool = False) -> Iterator[tuple[str, Any]]:
    """Walk one scope: ("load", chain), ("store", name), ("global", name), ("scope", node)."""
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, (ast.Name, ast.Attribute)):
            chain = _chain(node)
            if chain is None:
                stack.extend(reversed(list(ast.iter_child_nodes(node))))
            elif isinstance(node.ctx, ast.Load):
                yield "load", chain
            elif isinstance(node, ast.Name):
                yield "store", node.id
        elif isinstance(node, _SCOPES):
            if not isinstance(node, ast.Lambda):
                yield "store", node.name
                stack.extend(reversed(node.decorator_list))
            if isinstance(node, ast.ClassDef):
                stack.extend([*node.bases, *(k.value for k in node.keywords)])
            else:
                args = node.args
                stack.extend([*args.defaults, *(d for d in args.kw_defaults if d is not None)])
                if not isinstance(node, ast.Lambda):
                    stack.extend(_annotations(node))
            yield "scope", node
        elif isinstance(node, _COMPREHENSIONS):
            stack.append(node.generators[0].iter)
            yield "scope", node
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            for name in node.names:
                yield ("global" if isinstance(node, ast.Global) else "nonlocal"), name
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                yield "store", alias.asname or alias.name.partition(".")[0]
        elif isinstance(node, ast.Call) and skip_calls:
            stack.extend(reversed([*node.args, *(k.value for k in node.keywords)]))
        else:
            bound = getattr(node, "name", None)  # except ... as name, match patterns
            if isinstance(bound, str) and not isinstance(node, ast.alias):
                yield "store", bound
            stack.extend(reversed(list(ast.iter_child_nodes(node))))


def _annotations(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.expr]:
    args = node.args
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
    found = [a.annotation for a in every if a is not None and a.annotation is not None]
    return [*found, node.returns] if node.returns is not None else found


def _scope_free(node: Any) -> set[Chain]:
    """The dotted names a function, lambda, class body or comprehension takes from outside."""
    bound: set[str] = set()
    if isinstance(node, _COMPREHENSIONS):
        gens = node.generators
        body: list[Any] = [g.target for g in gens] + [g.iter for g in gens[1:]]
        body += [i for g in gens for i in g.ifs]
        body += [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
    elif isinstance(node, ast.ClassDef):
        body = node.body
    else:
        args = node.args
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
        bound = {a.arg for a in every if a is not None}
        body = node.body if isinstance(node.body, list) else [node.body]
    loads: set[Chain] = set()
    declared: set[str] = set()
    nested = []
    for kind, value in _events(body):
        if kind == "load":
            loads.add(value)
        elif kind == "store":
            bound.add(value)
        elif kind == "global":
            declared.add(value)
        elif kind == "scope":
            nested.append(value)
    if isinstance(node, _COMPREHENSIONS):  # the first iterable is evaluated outside
        bound -= declared
    bound -= declared
    for inner in nested:
        loads |= _scope_free(inner)
    return {c for c in loads if c[0] not in bound} | {(n,) for n in declared}


def uses_of_statement(node: ast.stmt) -> set[Chain]:
    """The module-level names a top-level statement uses (see the module docstring)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        outside = [e[1] for e in _events([*node.decorator_list]) if e[0] == "load"]
        if isinstance(node, ast.ClassDef):
            outside += [e[1] for e in _events([*node.bases, *node.keywords]) if e[0] == "load"]
        else:
            args = node.args
            parts: list[Any] = [*args.defaults, *args.kw_defaults, *_annotations(node)]
            outside += [e[1] for e in _events([p for p in parts if p]) if e[0] == "load"]
        return set(outside) | _scope_free(node)
    return {e[1] for e in _events([node], skip_calls=True) if e[0] == "load"}


# ------------------------------------------------------------------------------ one module


class _Binding:
    """One statement that binds a module-level name."""

    __slots__ = ("base", "context", "end", "heads", "line", "node")

    def __init__(
        self,
        line: int,
        node: ast.stmt | None,
        base: int,
        end: int,
        context: str = "",
        heads: tuple[ast.expr, ...] = (),
    ) -> None:
        self.line = line
        """Its first line (1-based), decorators included."""
        self.node = node
        """``None`` for a top-level ``def``/``class`` not parsed yet (parsed on demand)."""
        self.base = base
        """The node's line numbers plus ``base`` are the module's."""
        self.end = end
        """Its last line (1-based, inclusive)."""
        self.context = context
        """The headers of the ``if``/``try``/``with``/``for`` statements around it, as tokens."""
        self.heads = heads
        """The expressions of those headers (in module lines: ``base`` is 0 for them)."""


class _Doubt(Exception):
    """The quick split into top-level statements may be wrong: parse the whole module."""


class _Module:
    """A module's source, split into top-level statements, with its bindings by name."""

    def __init__(self, name: str, source: str, is_package: bool) -> None:
        self.name, self.is_package = name, is_package
        self.source = source if source.endswith("\n") else source + "\n"
        self.anchors: tuple[list[int], list[int]] = ([1], [0])
        """Lines (1-based) and their offsets in ``source``, where each statement starts."""
        try:
            self.bindings = self._quick_bindings()
        except (_Doubt, SyntaxError):
            self.anchors = ([1], [0])
            self.bindings = {}
            _collect(_parse(self.source).body, 0, "", self, self.bindings)

    def _starts(self) -> list[tuple[int, int]]:
        """(line, offset) of each top-level statement: the lines that start in column 0."""
        text = self.source
        spans = _triple_quoted(text)
        found: list[tuple[int, int]] = []
        line, last, index, decorated = 1, 0, 0, False
        candidates = [0] if text[:1] not in _NOT_START else []
        candidates += [m.end() for m in _LINE_START.finditer(text)]
        for pos in candidates:
            while index < len(spans) and spans[index][1] <= pos:
                index += 1
            if (index < len(spans) and spans[index][0] < pos) or text[pos - 2 : pos] == "\\\n":
                continue  # inside a triple-quoted string, or a continued line
            line += text.count("\n", last, pos)
            last = pos
            if not decorated and not _CLAUSE.match(text, pos):
                found.append((line, pos))
            decorated = text[pos] == "@"
        return found

    def _quick_bindings(self) -> dict[str, list[_Binding]]:
        text = self.source
        starts = self._starts()
        anchors = starts if starts and starts[0][0] == 1 else [(1, 0), *starts]
        self.anchors = ([line for line, _ in anchors], [pos for _, pos in anchors])
        ends = [pos for _, pos in starts[1:]] + [len(text)]
        masked, kept = [], 0
        found: dict[str, list[_Binding]] = {}
        for (line, pos), end in zip(starts, ends):
            match = (_DEF_LINE.search if text[pos] == "@" else _DEF.match)(text, pos, end)
            if match is None:
                continue
            last = line + text.count("\n", pos, end) - 1
            found.setdefault(match.group(2), []).append(_Binding(line, None, line - 1, last))
            masked += [text[kept:pos], "\n" * (last - line + 1)]
            kept = end
        _collect(_parse("".join([*masked, text[kept:]])).body, 0, "", self, found)
        for bindings in found.values():
            bindings.sort(key=lambda b: b.line)
        return found

    def parsed(self, binding: _Binding) -> ast.stmt:
        if binding.node is None:
            binding.node = _parse(self.text(binding.line, binding.end)).body[0]
        return binding.node

    def text(self, first: int, last: int) -> str:
        """Lines ``first`` to ``last`` (1-based, inclusive), each ending in a newline."""
        start = self._offset(first)
        end = self._offset(last + 1) if last >= first else start
        return self.source[start:end]

    def _offset(self, line: int) -> int:
        lines, offsets = self.anchors
        i = bisect.bisect_right(lines, line) - 1
        pos = offsets[i]
        for _ in range(line - lines[i]):
            pos = self.source.find("\n", pos) + 1
            if pos == 0:
                return len(self.source)
        return pos

    def tokens(self, node: ast.AST, base: int, first: int, last: int) -> str:
        return _tokens(self.text(first, last), _docstrings(node, first - 1 - base))

    def expression(self, node: ast.expr, base: int) -> str:
        first, last = node.lineno + base, (node.end_lineno or node.lineno) + base
        raw = [line.encode() for line in self.text(first, last).split("\n")[: last - first + 1]]
        raw[-1] = raw[-1][: node.end_col_offset]
        raw[0] = raw[0][node.col_offset :]
        return _tokens(b"\n".join(raw).decode() + "\n")


def _triple_quoted(text: str) -> list[tuple[int, int]]:
    """The spans of the triple-quoted strings; :class:`_Doubt` where a quote may be in a comment."""
    spans: list[tuple[int, int]] = []
    pos, double, single = 0, text.find('"""'), text.find("'''")
    while True:
        if 0 <= double < pos:
            double = text.find('"""', pos)
        if 0 <= single < pos:
            single = text.find("'''", pos)
        if double < 0 and single < 0:
            return spans
        start, quote = (double, '"""') if single < 0 or 0 <= double < single else (single, "'''")
        prefix = text[text.rfind("\n", 0, start) + 1 : start]
        if "#" in prefix or "'" in prefix or '"' in prefix:
            raise _Doubt  # maybe inside a comment or another string: parse the whole module
        end = start + 3
        while True:
            end = text.find(quote, end)
            if end < 0:
                raise _Doubt
            backslash = end
            while text[backslash - 1] == "\\":
                backslash -= 1
            if (end - backslash) % 2 == 0:
                break
            end += 1
        spans.append((start, end + 3))
        pos = end + 3


def _first_line(node: ast.stmt) -> int:
    decorators: list[ast.expr] = getattr(node, "decorator_list", [])
    return min([node.lineno, *(d.lineno for d in decorators)])


def _collect(
    body: list[ast.stmt],
    base: int,
    context: str,
    module: _Module,
    out: dict[str, list[_Binding]],
    heads: tuple[ast.expr, ...] = (),
) -> None:
    """Add the bindings of ``body`` (module level: not inside functions or classes)."""
    for node in body:
        names: list[str] = []
        blocks: list[tuple[str, list[ast.stmt]]] = []
        exprs: list[ast.expr] = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names = [node.name]
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                name = alias.asname or alias.name.partition(".")[0]
                last = (node.end_lineno or node.lineno) + base
                binding = _Binding(node.lineno + base, node, base, last, context, heads)
                out.setdefault(name, []).append(binding)
            continue
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [e[1] for e in _events(targets) if e[0] == "store"]
        elif isinstance(node, (ast.If, ast.While)):
            exprs = [node.test]
            head = module.expression(node.test, base)
            blocks = [(f"if {head}:", node.body), (f"if {head} else:", node.orelse)]
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            names = [e[1] for e in _events([node.target]) if e[0] == "store"]
            exprs = [node.iter]
            head = module.expression(node.iter, base)
            blocks = [(f"for {head}:", node.body), (f"for {head} else:", node.orelse)]
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            exprs = [i.context_expr for i in node.items]
            text = " ".join(module.expression(e, base) for e in exprs)
            targets = [i.optional_vars for i in node.items if i.optional_vars is not None]
            names = [e[1] for e in _events(targets) if e[0] == "store"]
            blocks = [(f"with {text}:", node.body)]
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            blocks = [("try:", node.body), ("try else:", node.orelse)]  # type: ignore[attr-defined]
            blocks.append(("finally:", node.finalbody))  # type: ignore[attr-defined]
            for handler in node.handlers:  # type: ignore[attr-defined]
                kind = "" if handler.type is None else module.expression(handler.type, base)
                exprs += [] if handler.type is None else [handler.type]
                blocks.append((f"except {kind}:", handler.body))
        for name in names:
            first, last = _first_line(node) + base, (node.end_lineno or node.lineno) + base
            out.setdefault(name, []).append(_Binding(first, node, base, last, context, heads))
        for header, block in blocks:
            inner = (*heads, *exprs)
            _collect(block, base, f"{context}{header}\x1b", module, out, inner)
