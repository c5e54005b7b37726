"""Shared helpers of the hardening and fuzz suites (no tests here).

``outcome`` reduces a call to something two backends can be compared on: the value (hash
objects by name and digest), or the exception's type and ``str``. It catches
``BaseException``, because ``pyo3_runtime.PanicException`` derives from it, and reports a
panic as its own kind so that no comparison can ever accept one.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pytest
import sky_rs.fallback
from sky_rs._domains import DOMAINS

from tests.support.backends import rust_module
from tests.support.fake_roots import FakeRoots
from tests.support.hostile import environment, outcome

FUNCTIONS: dict[str, str] = {f: d.name for d in DOMAINS.values() for f in d.functions}
"""Every public function and its domain."""


def rust_function(name: str) -> Callable[..., Any]:
    return getattr(rust_module(FUNCTIONS[name]), name)  # type: ignore[no-any-return]


def python_function(name: str) -> Callable[..., Any]:
    return getattr(sky_rs.fallback, name)  # type: ignore[no-any-return]


def assert_no_panic(result: tuple[Any, ...], context: Any) -> None:
    assert result[0] != "PANIC", f"PanicException for {context!r}: {result[1]}"


def compare(name: str, *args: Any, **kwargs: Any) -> tuple[Any, ...]:
    """Call ``name`` on both backends; assert no panic and the same outcome. Returns it."""
    got = outcome(rust_function(name), *args, **kwargs)
    assert_no_panic(got, (name, args, kwargs))
    want = outcome(python_function(name), *args, **kwargs)
    assert got == want, (name, args, kwargs)
    return got


def compare_racy(name: str, *args: Any, retries: int = 3, **kwargs: Any) -> tuple[Any, ...]:
    """:func:`compare` for answers that depend on the machine (pids, ports): ask again on a
    mismatch, since a process or a port may come or go between the two calls."""
    for _ in range(retries):
        want = outcome(python_function(name), *args, **kwargs)
        got = outcome(rust_function(name), *args, **kwargs)
        assert_no_panic(got, (name, args, kwargs))
        if got == want:
            return got
    assert got == want, (name, args, kwargs)
    return got


# ------------------------------------------------------------------ system: fake trees

SYSTEM_FUNCTIONS = ("get_cpu_count", "get_mem_size_gb")


def compare_in_trees(
    roots: FakeRoots,
    cgroup: pathlib.Path,
    proc: pathlib.Path,
    functions: Sequence[str] = SYSTEM_FUNCTIONS,
    env: Mapping[str, str | None] | None = None,
) -> None:
    """Call ``functions`` on both backends with ``cgroup`` over /sys/fs/cgroup and ``proc``
    over /proc (created empty if absent), in one child of the fake-roots worker; assert no
    panic and the same outcomes."""
    for tree in (cgroup, proc):
        tree.mkdir(parents=True, exist_ok=True)
    calls = [(backend, name) for name in functions for backend in ("rust", "python")]
    replies = roots.request(calls, cgroup=cgroup, proc=proc, env=env)
    for i, name in enumerate(functions):
        got = outcome(replies[2 * i].get)
        want = outcome(replies[2 * i + 1].get)
        assert_no_panic(got, (name, cgroup, proc, env))
        assert got == want, (name, cgroup, proc, env)


SYSTEM_ENV = (
    "SKYPILOT_POD_CPU_CORE_LIMIT",
    "SKYPILOT_POD_MEMORY_GB_LIMIT",
    "SKYPILOT_POD_MEMORY_BYTES_LIMIT",
)


def no_system_overrides() -> contextlib.AbstractContextManager[None]:
    return environment(**dict.fromkeys(SYSTEM_ENV))


# ------------------------------------------------------------------ slow tests


def skip_slow_unless_selected(request: pytest.FixtureRequest) -> None:
    """Skip a ``slow`` test unless the run asked for slow tests (``-m slow``) or set
    ``SKY_RS_SLOW=1``. The default options deselect them already (``-m "not slow"``); this
    keeps them out of runs that override ``-m`` with something else (``-m fuzz``, ``-m ""``)."""
    if request.node.get_closest_marker("slow") is None:
        return
    markexpr = request.config.getoption("markexpr", "") or ""
    if "slow" in markexpr and "not slow" not in markexpr:
        return
    if os.environ.get("SKY_RS_SLOW") == "1":
        return
    pytest.skip("slow: run with `pytest -m slow` (or SKY_RS_SLOW=1)")
