"""Shared fixtures: every behavioural test runs against both backends.

``io``, ``string``, ``system`` and ``process`` are the domain's functions on the backend of the
parametrised ``backend`` fixture: the Rust wheel module itself (``sky_rs_io`` ...) or
``sky_rs.fallback`` (see ``tests/support/backends.py``). A missing or broken wheel is a test
*failure*, never a skip. The hypothesis profiles are registered here.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, settings

from tests.support.backends import BACKENDS, implementation
from tests.support.fake_roots import FakeRoots

settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "fuzz", max_examples=20_000, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.register_profile("dev", max_examples=50, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


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
    """The session's worker for fake cgroup and proc trees (``tests/support/fake_roots.py``)."""
    roots = FakeRoots()
    try:
        yield roots
    finally:
        roots.close()


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    """A temporary directory for one test module (the fuzz tests' files)."""
    with tempfile.TemporaryDirectory(prefix="sky-rs-tests-") as tmp:
        yield Path(tmp)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """After a session that ran fuzz tests: the examples each function's test ran."""
    from tests.support import fuzz  # after the profile is loaded: it reads its example count

    if fuzz.RAN:
        terminalreporter.write_line("")
        for line in fuzz.summary_lines():
            terminalreporter.write_line(line)
