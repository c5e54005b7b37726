"""Shared fixtures: every behavioural test runs against both backends.

``rust`` is the domain's wheel module itself (``sky_rs_io`` ...); ``python`` is
``sky_rs.fallback``. A missing or broken wheel is a test *failure*, never a skip.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
import sky_rs.fallback
from hypothesis import HealthCheck, settings
from sky_rs._domains import DOMAINS

from tests.fake_roots import FakeRoots

BACKENDS = ("rust", "python")

settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "fuzz", max_examples=20_000, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.register_profile("dev", max_examples=50, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


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


SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


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


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def io(backend: str) -> ModuleType:
    return implementation("io", backend)


@pytest.fixture
def string(backend: str) -> ModuleType:
    return implementation("string", backend)


@pytest.fixture
def system(backend: str) -> ModuleType:
    return implementation("system", backend)


@pytest.fixture
def process(backend: str) -> ModuleType:
    return implementation("process", backend)


@pytest.fixture(scope="session")
def fake_roots() -> Iterator[FakeRoots]:
    """The session's worker for fake cgroup and proc trees (``tests/fake_roots.py``)."""
    roots = FakeRoots()
    try:
        yield roots
    finally:
        roots.close()
