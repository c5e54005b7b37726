"""Every function's spec (``sky_rs._spec``): complete, consistent, and true on both backends.

The samples are the calls ``sky-rs doctor``, the leak check and the concurrency test make; here
each one is made on the Rust backend and on the fallback, and the outcomes must be the same.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sky_rs._bench.cases import inputs
from sky_rs._domains import CONTRACT, FUNCTIONS
from sky_rs._spec import SPECS, Workspace
from sky_rs._spec.model import environment

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
