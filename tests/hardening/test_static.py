"""Source-level guarantees that no compiler lint states, checked by reading the Rust sources.

(What clippy states is left to clippy, in the workspace's ``[workspace.lints]`` and
``clippy.toml``: ``unwrap_used``/``expect_used`` outside tests, ``undocumented_unsafe_blocks``.)

- Unit-test module files are declared under ``#[cfg(test)]``.
- Every core crate forbids unsafe code, or is listed in :data:`UNSAFE_CORES` with the reason.
- Every extension module is declared ``gil_used = false`` (free-threading ready).
"""

from __future__ import annotations

import pathlib
import re

import pytest
from sky_rs._domains import DOMAINS

ROOT = pathlib.Path(__file__).resolve().parents[2]
RUST_SOURCES = sorted(
    [
        *ROOT.glob("crates/*/src/**/*.rs"),
        *ROOT.glob("packages/sky-rs-*/src/**/*.rs"),
        *ROOT.glob("bench/floor/src/**/*.rs"),
    ]
)
PY_SUPPORT = ROOT / "crates" / "py-support"
"""The one crate under crates/ that uses pyo3: the bindings' shared plumbing, not a core."""
CORE_CRATES = sorted(
    p.parent.parent for p in ROOT.glob("crates/*/src/lib.rs") if p.parent.parent != PY_SUPPORT
)
BINDINGS = sorted(p.parent.parent for p in ROOT.glob("packages/sky-rs-*/src/lib.rs"))
EXTENSIONS = [*BINDINGS, ROOT / "bench" / "floor"]

UNSAFE_CORES: dict[str, str] = {
    "process-core": "tgkill(2) and getdents64(2), which nix does not wrap (src/sys.rs)",
}
"""Core crates known to hold ``unsafe``: the exceptions to ``#![forbid(unsafe_code)]``, listed
in docs/reliability.md. They must deny unsafe code crate-wide (``#![deny(unsafe_code)]`` or the
workspace lint) and opt in per module or item with ``#[expect(unsafe_code, reason = ...)]``."""


def _relative(path: pathlib.Path) -> str:
    return str(path.relative_to(ROOT))


def unit_test_parent(path: pathlib.Path) -> pathlib.Path | None:
    """For a unit-test module file (``src/x/tests.rs`` or anything under ``src/tests/``), the
    file that declares ``mod tests;``: that declaration must carry ``#[cfg(test)]``."""
    src = next(p for p in path.parents if p.name == "src")
    parts = path.relative_to(src).parts
    if "tests" not in parts[:-1] and path.name != "tests.rs":
        return None
    tests_dir = src.joinpath(*parts[: parts.index("tests") + 1]) if "tests" in parts[:-1] else None
    module = tests_dir if tests_dir is not None else path.with_suffix("")
    parent = module.parent.with_suffix(".rs") if module.parent != src else src / "lib.rs"
    return parent


def code_part(line: str) -> str:
    """``line`` without a trailing ``//`` comment (string literals holding ``//`` are rare
    enough in these crates to be ignored)."""
    return line.split("//", 1)[0]


def test_the_sources_are_found() -> None:
    # One core and one binding per domain of the registry.
    assert len(CORE_CRATES) == len(DOMAINS), CORE_CRATES
    assert [p.name for p in BINDINGS] == sorted(d.package for d in DOMAINS.values()), BINDINGS
    assert (PY_SUPPORT / "src" / "lib.rs").is_file()
    assert len(RUST_SOURCES) >= 8


def test_unit_test_modules_are_declared_under_cfg_test() -> None:
    modules = [(p, unit_test_parent(p)) for p in RUST_SOURCES]
    for path, parent in modules:
        if parent is None:
            continue
        text = parent.read_text(encoding="utf-8")
        assert re.search(r"#\[cfg\(test\)\]\s*mod tests;", text), (path, parent)


UNSAFE_USE = re.compile(r"\bunsafe\s*(\{|fn\b|impl\b|extern\b)")


@pytest.mark.parametrize("crate", CORE_CRATES, ids=lambda p: p.name)
def test_core_crates_forbid_unsafe_code(crate: pathlib.Path) -> None:
    lib = (crate / "src" / "lib.rs").read_text(encoding="utf-8")
    if crate.name in UNSAFE_CORES:
        manifest = (crate / "Cargo.toml").read_text(encoding="utf-8")
        workspace = (ROOT / "Cargo.toml").read_text(encoding="utf-8")
        denied_by_workspace = re.search(
            r"\[lints\]\s*workspace\s*=\s*true", manifest
        ) and re.search(r'unsafe_code\s*=\s*"(deny|forbid)"', workspace)
        assert "#![deny(unsafe_code)]" in lib or denied_by_workspace, crate.name
        for source in crate.glob("src/**/*.rs"):
            text = source.read_text(encoding="utf-8")
            if UNSAFE_USE.search(text):
                assert re.search(r"expect\(\s*unsafe_code,\s*reason", text), _relative(source)
        return
    uses = [
        f"{_relative(p)}:{n + 1}"
        for p in sorted(crate.glob("src/**/*.rs"))
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines())
        if UNSAFE_USE.search(code_part(line))
    ]
    assert "#![forbid(unsafe_code)]" in lib, (
        f"{_relative(crate / 'src' / 'lib.rs')} lacks #![forbid(unsafe_code)]"
        + (f"; unsafe used at {', '.join(uses)}" if uses else "")
    )


@pytest.mark.parametrize("package", EXTENSIONS, ids=lambda p: p.name)
def test_extension_modules_are_free_threading_ready(package: pathlib.Path) -> None:
    lib = (package / "src" / "lib.rs").read_text(encoding="utf-8")
    assert re.search(r"#\[pymodule\(\s*gil_used\s*=\s*false\s*\)\]", lib), (
        f"{_relative(package / 'src' / 'lib.rs')}: #[pymodule(gil_used = false)] missing"
    )
