#!/usr/bin/env python3
"""Add a new public function to sky-rs: every stub it needs, in every file it needs, and no more.

    uv run python scripts/new_function.py DOMAIN NAME     # e.g. string reverse_text
    uv run python scripts/new_function.py --list-files DOMAIN NAME

The stubs take one ``str`` argument and return it unchanged, on both backends, so the whole
suite passes at once; each place to fill in is marked ``TODO(new_function)``. CONTRIBUTING.md,
"Adding a function", says what to write in each. The files (``--list-files`` prints them):

- the registry row (``_domains.py``) and the function's spec (``_spec/<domain>.py``: sample
  calls, bench case, system-call budget);
- its contract in ``docs/SPEC.md``;
- the Python fallback (``_fallback/<domain>.py``, with its ``__all__``);
- the Rust core (a new ``crates/<domain>-core/src/<name>.rs`` and its ``lib.rs``), the binding
  (``packages/sky-rs-<domain>/src/lib.rs``) and its stub (``_core.pyi``);
- its tests (``tests/<domain>/test_<name>.py``: both backends, and hypothesis against the
  fallback);
- the wheel's README table and the two changelogs.

Everything else derives from the registry and the spec: ``sky_rs`` and ``sky_rs.fallback``
re-export it, the wheel's ``__init__`` re-exports its ``_core``, the doctor, the bench, the leak
and fault checks and the concurrency test read the spec, and the hostile-argument test makes
generic cases from the fallback's signature until the corpus has some of its own.
``scripts/check_new_function.py`` proves it in a scratch copy of the repository.
"""

from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOMAINS = ("io", "string", "system", "process")
TODO = "TODO(new_function)"


class ScaffoldError(Exception):
    """The repository does not look as this script expects: nothing was written."""


def files(domain: str, name: str) -> list[Path]:
    """Every file the scaffold writes, relative to the repository root."""
    meta = Path("packages/sky-rs")
    wheel = Path(f"packages/sky-rs-{domain}")
    core = Path(f"crates/{domain}-core/src")
    return [
        meta / "src/sky_rs/_domains.py",
        meta / f"src/sky_rs/_spec/{domain}.py",
        Path("docs/SPEC.md"),
        meta / f"src/sky_rs/_fallback/{domain}.py",
        core / f"{name}.rs",
        core / "lib.rs",
        wheel / "src/lib.rs",
        wheel / f"python/sky_rs_{domain}/_core.pyi",
        Path(f"tests/{domain}/test_{name}.py"),
        wheel / "README.md",
        wheel / "CHANGELOG.md",
        meta / "CHANGELOG.md",
    ]


def _insert_after_last(text: str, pattern: str, addition: str, what: str) -> str:
    matches = list(re.finditer(pattern, text, flags=re.MULTILINE))
    if not matches:
        raise ScaffoldError(f"no {what} found")
    end = matches[-1].end()
    return text[:end] + addition + text[end:]


def _add_to_all(text: str, name: str, what: str) -> str:
    """Add ``name`` to a one-line or multi-line ``__all__`` list, kept sorted."""
    match = re.search(r"^__all__ = \[(.*?)\]", text, flags=re.MULTILINE | re.DOTALL)
    if match is None:
        raise ScaffoldError(f"no __all__ in {what}")
    names = re.findall(r'"([^"]+)"', match.group(1))
    dunder = [n for n in names if n.startswith("__")]
    names = dunder + sorted({*names, name} - set(dunder))
    one_line = "__all__ = [" + ", ".join(f'"{n}"' for n in names) + "]"
    if len(one_line) > 100:
        one_line = "__all__ = [\n" + "".join(f'    "{n}",\n' for n in names) + "]"
    return text[: match.start()] + one_line + text[match.end() :]


def registry(text: str, domain: str, name: str) -> str:
    row = rf'^    Function\("[a-z0-9_]+", "{domain}".*\),\n'
    return _insert_after_last(
        text, row, f'    Function("{name}", "{domain}", None),\n', f"registry row of {domain}"
    )


def spec(text: str, domain: str, name: str) -> str:
    if domain == "string":
        bench = f'lambda data: [string_case("{name}", "\'text\'", "text")]'
    else:
        bench = f'lambda data: [Case("{name}", "\'text\'", ("text",), headline=True)]'
        imported = {
            alias.name
            for node in ast.walk(ast.parse(text))
            if isinstance(node, ast.ImportFrom) and node.module == "sky_rs._bench.cases"
            for alias in node.names
        }
        if "Case" not in imported:  # ruff's isort (format_files) merges it into the others
            model = "from sky_rs._spec.model import "
            text = text.replace(model, "from sky_rs._bench.cases import Case\n" + model, 1)
    samples = (
        f"\n\ndef _{name}_samples(w: Workspace) -> list[Call]:\n"
        f"    # {TODO}: typical calls and error paths (the doctor, leak, concurrency and\n"
        f"    # differential checks make them on both backends).\n"
        f'    return [Call("\'text\'", ("text",)), Call("\'\'", ("",))]\n'
    )
    text = text.replace(
        "\n\nSPECS: dict[str, Spec] = {", samples + "\n\nSPECS: dict[str, Spec] = {"
    )
    entry = (
        f"    # {TODO}: the headline case's system calls on Rust, at most; io=True if it opens\n"
        f"    # files or sockets or reads /proc; faults= calls that reach each system call.\n"
        f'    "{name}": Spec(_{name}_samples, {bench}, 0),\n'
    )
    new = re.sub(
        r"(SPECS: dict\[str, Spec\] = \{\n(?:.*\n)*?)\}\n",
        lambda m: m.group(1) + entry + "}\n",
        text,
        count=1,
    )
    if new == text:
        raise ScaffoldError(f"no SPECS table in _spec/{domain}.py")
    return new


def spec_md(text: str, domain: str, name: str) -> str:
    start = text.find(f"## Domain {domain}:")
    if start < 0:
        raise ScaffoldError(f"no '## Domain {domain}:' heading in docs/SPEC.md")
    end = text.find("\n## ", start + 1)
    end = len(text) if end < 0 else end + 1
    section = (
        f"### `{name}(value) -> str` (not in SkyPilot; defined here)\n"
        f"- {TODO}: the contract, exactly: values, exceptions and their text, edge cases.\n\n"
    )
    return text[:end] + section + text[end:]


def fallback(text: str, domain: str, name: str) -> str:
    text = _add_to_all(text, name, f"_fallback/{domain}.py")
    return (
        text.rstrip("\n")
        + f"\n\n\ndef {name}(value: str) -> str:\n"
        + f'    """{TODO}: the contract (docs/SPEC.md). The stub returns its argument."""\n'
        + "    return value\n"
    )


def core_module(domain: str, name: str) -> str:
    return (
        f"//! `{name}`: {TODO}, one line on what it does (docs/SPEC.md).\n\n"
        f"/// {TODO}: the contract, as the fallback's docstring states it. The stub returns its\n"
        f"/// argument.\n"
        f"#[must_use]\n"
        f"pub fn {name}(value: &str) -> String {{\n"
        f"    value.to_owned()\n"
        f"}}\n\n"
        f"#[cfg(test)]\n"
        f"mod tests {{\n"
        f"    use super::{name};\n\n"
        f"    #[test]\n"
        f"    fn stub_returns_its_argument() {{\n"
        f'        assert_eq!({name}("text"), "text");\n'
        f"    }}\n"
        f"}}\n"
    )


def _insert_sorted(text: str, pattern: str, line: str, what: str) -> str:
    """Insert ``line`` among the lines matching ``pattern``, in order (as rustfmt keeps them)."""
    matches = list(re.finditer(pattern, text, flags=re.MULTILINE))
    if not matches:
        raise ScaffoldError(f"no {what} found")
    after = [m for m in matches if m.group(0) > line]
    at = after[0].start() if after else matches[-1].end()
    return text[:at] + line + text[at:]


def core_lib(text: str, domain: str, name: str) -> str:
    text = _insert_sorted(text, r"^mod [a-z0-9_]+;\n", f"mod {name};\n", "mod line")
    return _insert_sorted(text, r"^pub use [^;]+;\n", f"pub use {name}::{name};\n", "pub use")


def binding(text: str, domain: str, name: str) -> str:
    if "static FALLBACK: Fallback" not in text:
        raise ScaffoldError(f"packages/sky-rs-{domain}/src/lib.rs has no FALLBACK")
    function = (
        f"/// {TODO}: the one-line summary of docs/SPEC.md.\n"
        f"#[pyfunction]\n"
        f"#[pyo3(signature = (value))]\n"
        f"fn {name}<'py>(value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {{\n"
        f"    let py = value.py();\n"
        f"    // The fast path: an exact `str` that is valid UTF-8. Anything else (a subclass,\n"
        f"    // lone surrogates, another type) gets the Python contract's own answer.\n"
        f"    let text = value\n"
        f"        .cast_exact::<pyo3::types::PyString>()\n"
        f"        .ok()\n"
        f"        .and_then(|text| text.to_cow().ok());\n"
        f"    match text {{\n"
        f"        Some(text) => {{\n"
        f"            let result = sky_rs_{domain}_core::{name}(&text);\n"
        f"            Ok(pyo3::types::PyString::new(py, &result).into_any())\n"
        f"        }}\n"
        f'        None => FALLBACK.function(py, "{name}")?.call1((value,)),\n'
        f"    }}\n"
        f"}}\n\n"
    )
    module = re.search(r"^(///[^\n]*\n)*#\[pymodule", text, flags=re.MULTILINE)
    if module is None:
        raise ScaffoldError(f"no #[pymodule] in packages/sky-rs-{domain}/src/lib.rs")
    text = text[: module.start()] + function + text[module.start() :]
    return _insert_after_last(
        text,
        r"^    m\.add_function\(wrap_pyfunction!\([a-z0-9_]+, m\)\?\)\?;\n",
        f"    m.add_function(wrap_pyfunction!({name}, m)?)?;\n",
        "m.add_function line",
    )


def stub(text: str, domain: str, name: str) -> str:
    text = _add_to_all(text, name, "_core.pyi")
    return _insert_after_last(
        text, r"^def [^\n]*\.\.\.\n", f"def {name}(value: str) -> str: ...\n", "def line"
    )


def test_module(domain: str, name: str) -> str:
    return f'''"""`{name}` on both backends (docs/SPEC.md), and Rust against the fallback."""

from __future__ import annotations

from types import ModuleType

from hypothesis import given
from hypothesis import strategies as st

from tests.support.fuzz import fuzz
from tests.support.hardening import compare


def test_{name}({domain}: ModuleType) -> None:
    # {TODO}: the expected values and exceptions of docs/SPEC.md, on both backends.
    assert {domain}.{name}("text") == "text"


@fuzz
@given(value=st.text())
def test_{name}_fuzz(value: str) -> None:
    compare("{name}", value)
'''


def readme(text: str, domain: str, name: str) -> str:
    """A row in the wheel README's table of functions (or a bullet in its list)."""
    rows = list(re.finditer(r"^\| `[a-z0-9_]+[`(].*\|\n", text, flags=re.MULTILINE))
    if rows:
        columns = rows[-1].group(0).count("|") - 1
        cells = [f"`{name}(value)`", f"{TODO}: what the Rust side does"]
        cells += ["the pure-Python fallback"] * (columns - 2)
        row = "| " + " | ".join(cells[:columns]) + " |\n"
        return text[: rows[-1].end()] + row + text[rows[-1].end() :]
    bullet = f"- `{name}(value) -> str`: {TODO}, what it does.\n"
    return _insert_after_last(text, r"^- `[a-z0-9_]+\(.*\n(?:  .*\n)*", bullet, "function list")


def changelog(text: str, domain: str, name: str) -> str:
    entry = f"- `{name}`: {TODO}, what it does and whom it is for.\n"
    new = re.sub(r"^(## [^\n]*\n)", lambda m: m.group(1) + entry, text, count=1, flags=re.M)
    if new == text:
        raise ScaffoldError("no release heading in a CHANGELOG.md")
    return new


EDITS = {
    "_domains.py": registry,
    "SPEC.md": spec_md,
    "_core.pyi": stub,
    "README.md": readme,
    "CHANGELOG.md": changelog,
}
"""The edit of each file with a name of its own (the two ``lib.rs``, the spec and the fallback
are told apart by their directory in :func:`plan`)."""


def plan(domain: str, name: str) -> dict[Path, str]:
    """The new content of every file, computed before anything is written."""
    out: dict[Path, str] = {}
    for rel in files(domain, name):
        path = ROOT / rel
        new_file = rel.name in (f"{name}.rs", f"test_{name}.py")
        if new_file:
            if path.exists():
                raise ScaffoldError(f"{rel} exists already")
            out[rel] = (
                core_module(domain, name) if rel.suffix == ".rs" else test_module(domain, name)
            )
            continue
        if not path.exists():
            raise ScaffoldError(f"{rel} is missing")
        text = path.read_text(encoding="utf-8")
        if rel.parts[0] == "crates":
            edit = core_lib
        elif rel.name == "lib.rs":
            edit = binding
        elif rel.parent.name == "_spec":
            edit = spec
        elif rel.parent.name == "_fallback":
            edit = fallback
        else:
            edit = EDITS[rel.name]
        new = edit(text, domain, name)
        if new == text:
            raise ScaffoldError(f"{rel}: nothing to change")
        out[rel] = new
    return out


def format_files(paths: list[Path]) -> None:
    """Format what was written as `make lint` wants it (ruff format, rustfmt), when they are
    installed: the stubs' line breaks depend on the name's length."""
    python = [str(p) for p in paths if p.suffix in (".py", ".pyi")]
    rust = [str(p) for p in paths if p.suffix == ".rs"]
    for command in (
        [sys.executable, "-m", "ruff", "check", "-q", "--fix", "--select", "I,RUF022", *python],
        [sys.executable, "-m", "ruff", "format", "--quiet", *python],
        ["rustfmt", "--edition", "2024", *rust],
    ):
        try:
            subprocess.run(command, cwd=ROOT, check=False, capture_output=True)
        except OSError:
            print(f"({command[0]} not found: format the files before `make lint`)")


def check_name(domain: str, name: str) -> None:
    if domain not in DOMAINS:
        raise ScaffoldError(f"unknown domain {domain!r}; known domains are {', '.join(DOMAINS)}")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name) or name.startswith("_"):
        raise ScaffoldError(f"{name!r} is not a public snake_case name")
    domains = (ROOT / "packages/sky-rs/src/sky_rs/_domains.py").read_text(encoding="utf-8")
    if f'Function("{name}",' in domains:
        raise ScaffoldError(f"{name} is in the registry already")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("domain", choices=DOMAINS)
    parser.add_argument("name", help="snake_case name of the new function")
    parser.add_argument("--list-files", action="store_true", help="print the files; write none")
    args = parser.parse_args(argv)
    if args.list_files:
        for rel in files(args.domain, args.name):
            print(rel)
        return 0
    try:
        check_name(args.domain, args.name)
        changes = plan(args.domain, args.name)
    except ScaffoldError as exc:
        print(f"new_function.py: {exc}; nothing written", file=sys.stderr)
        return 1
    for rel, text in changes.items():
        path = ROOT / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {rel}")
    format_files([ROOT / rel for rel in changes])
    print(
        f"\n{len(changes)} files. Next: fill in every {TODO} (grep -rn {TODO!r}), then `make test`;"
        " CONTRIBUTING.md, 'Adding a function', says what goes where."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
