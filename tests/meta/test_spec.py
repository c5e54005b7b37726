"""Every function's spec (``sky_rs._spec``): complete, consistent, and true on both backends.

The samples are the calls ``sky-rs doctor``, the leak check and the concurrency test make; here
each one is made on the Rust backend and on the fallback, and the outcomes must be the same.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

import pytest
from sky_rs._bench.cases import inputs
from sky_rs._domains import CONTRACT, FUNCTIONS
from sky_rs._spec import SPECS, Workspace
from sky_rs._spec.model import environment

from tests.support.backends import ROOT
from tests.support.hardening import compare, compare_racy

RACY = {"find_free_port", "is_process_alive", "are_processes_alive"}
"""Answers that depend on the moment (ports and pids may come and go between two calls)."""


def test_every_function_has_a_spec() -> None:
    assert list(SPECS) == list(FUNCTIONS)


def test_a_budget_exactly_for_the_contract_and_one_headline_case_each() -> None:
    with inputs(quick=True) as data:
        for name, spec in SPECS.items():
            headlines = [case for case in spec.bench(data) if case.headline]
            assert all(case.function == name for case in spec.bench(data)), name
            assert len(headlines) == (name in CONTRACT), name
            assert (spec.syscalls is not None) == (name in CONTRACT), name


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    yield Workspace(tmp_path_factory.mktemp("spec"))


@pytest.mark.parametrize("name", list(SPECS))
def test_samples_agree_on_both_backends(name: str, workspace: Workspace) -> None:
    check = compare_racy if name in RACY else compare
    samples = SPECS[name].samples(workspace)
    assert samples, name
    for call in samples:
        with environment(call.env):
            check(name, *call.args, **call.kwargs)


def _fuzz_tests() -> set[str]:
    """Names of the test functions decorated with ``fuzz`` anywhere under ``tests/``."""
    names = set()
    for path in (ROOT / "tests").rglob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and any(
                isinstance(d, ast.Name) and d.id == "fuzz" for d in node.decorator_list
            ):
                names.add(node.name)
    return names


def test_every_function_has_a_fuzz_test() -> None:
    """A hypothesis test of Rust against the fallback, ``test_<name>`` in a domain's fuzz module
    or ``test_<name>_fuzz`` next to the function's other tests (what the scaffold writes)."""
    found = _fuzz_tests()
    missing = [n for n in SPECS if f"test_{n}" not in found and f"test_{n}_fuzz" not in found]
    assert not missing, f"no fuzz test for {missing}"
