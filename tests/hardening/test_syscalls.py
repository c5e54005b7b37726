"""System calls per call: each headline case within its budget on the Rust backend.

The count is taken by ``sky_rs._bench.syscalls.per_call``: ``strace -f`` on a fresh child,
between two marker calls, over many calls, after one warm-up call. It is the same on every
machine, unlike a time. The Python fallback is counted too, for the record (docs/benchmarks.md)
and to check that Rust never makes more calls than it.

``strace`` is required: without it these tests fail (``apt-get install strace``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sky_rs._bench.cases import Case, Inputs
from sky_rs._bench.syscalls import per_call, strace_path, traced_calls
from sky_rs._domains import CONTRACT, DOMAINS
from sky_rs._spec import SPECS
from sky_rs._spec.system import OVERRIDES

pytestmark = pytest.mark.ptrace  # strace attaches to a child: needs ptrace

CALLS = 200
BUDGETS = {name: spec.syscalls for name, spec in SPECS.items() if spec.syscalls is not None}
"""System calls per call of each function's headline case on the Rust backend (``Spec.syscalls``,
next to the case itself in ``Spec.bench``)."""


@pytest.fixture(scope="module")
def headline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Case]]:
    """The bench's own headline case of each function, on inputs made the bench's way."""
    data = Inputs(tmp_path_factory.mktemp("syscalls"), quick=True)
    yield {
        function: next(case for case in SPECS[function].bench(data) if case.headline)
        for function in CONTRACT
    }


@pytest.fixture(autouse=True)
def _no_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    """The children see no SkyPilot override, as the bench's cases assume."""
    for name in OVERRIDES:
        monkeypatch.delenv(name, raising=False)


def module_of(backend: str, case: Case) -> str:
    return DOMAINS[case.domain].module if backend == "rust" else "sky_rs.fallback"


def count(backend: str, case: Case) -> float:
    if strace_path() is None:
        pytest.fail(
            "strace is not on PATH: the syscall budget tests need it (apt-get install strace)",
            pytrace=False,
        )
    result = per_call(*case.trace(module_of(backend, case)), CALLS)
    assert result is not None
    return result


def test_every_function_has_a_budget() -> None:
    assert list(BUDGETS) == list(CONTRACT)


@pytest.mark.parametrize("function", list(BUDGETS))
def test_rust_within_budget(function: str, headline: dict[str, Case]) -> None:
    case = headline[function]
    budget = BUDGETS[function]
    rust = count("rust", case)
    python = count("python", case)
    print(f"{function} ({case.case}): rust {rust:.2f}, python {python:.2f}, budget {budget}")
    if rust > budget:
        calls = traced_calls(*case.trace(module_of("rust", case)), 1) or []
        listing = "\n".join(f"    {line}" for line in calls)
        pytest.fail(
            f"{function} ({case.case}) makes {rust:.2f} system calls per call on Rust, over "
            f"its budget of {budget}. One call:\n{listing}",
            pytrace=False,
        )
    # Rust never needs more system calls than the Python it replaces.
    assert rust <= python + 0.05, (function, rust, python)


def test_counting_sees_exactly_the_statement() -> None:
    if strace_path() is None:
        pytest.fail("strace is not on PATH (apt-get install strace)", pytrace=False)
    nothing = per_call("import os", "pass", 50)
    assert nothing is not None and nothing < 0.1
    stats = per_call("import os", "os.stat('/')\nos.stat('/')", 50)
    assert stats == pytest.approx(2.0, abs=0.1)


def test_a_missing_strace_gives_none(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert per_call("", "pass") is None
    assert traced_calls("", "pass") is None
