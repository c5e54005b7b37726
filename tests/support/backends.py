"""The two backends of every domain, and small helpers the tests share.

``rust`` is the domain's wheel module itself (``sky_rs_io`` ...); ``python`` is
``sky_rs.fallback``. A missing or broken wheel is a test *failure*, never a skip. The fixtures
that hand them to the tests (``backend``, ``io``, ``string``, ``system``, ``process``) are in
``tests/conftest.py``.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
import sky_rs.fallback
from sky_rs._domains import DOMAINS

BACKENDS = ("rust", "python")
ROOT = Path(__file__).resolve().parents[2]
"""The repository."""


class PathLike:
    """A non-``pathlib`` os.PathLike, with a repr that shows up in f-string messages."""

    def __init__(self, path: str | bytes) -> None:
        self.path = path

    def __fspath__(self) -> str | bytes:
        return self.path

    def __repr__(self) -> str:
        return f"PathLike({self.path!r})"


def cpython_says(thunk: Callable[[], object]) -> str:
    """The text of the exception ``thunk`` raises on this interpreter: where CPython's own
    messages differ between versions (3.9, 3.14, 3.15), a test expects the running one's."""
    try:
        thunk()
    except Exception as exc:
        return str(exc)
    raise AssertionError("expected the call to raise")


SCRIPTS = ROOT / "scripts"


def load_script(name: str) -> ModuleType:
    """``scripts/<name>.py`` as a module (the scripts are no package), registered under
    ``name`` in ``sys.modules`` (its dataclasses need that)."""
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module


def rust_module(domain: str) -> ModuleType:
    """Import the Rust wheel of ``domain``; fail the test (never skip) if it is missing."""
    name = DOMAINS[domain].module
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        pytest.fail(
            f"the Rust wheel {name} is not importable ({exc}); run `uv sync`", pytrace=False
        )


def implementation(domain: str, backend: str) -> ModuleType:
    """The module holding ``domain``'s functions for ``backend``."""
    return rust_module(domain) if backend == "rust" else sky_rs.fallback


def write(path: Path, content: bytes) -> str:
    """Write ``content`` to ``path``; its name as a ``str``."""
    path.write_bytes(content)
    return str(path)
