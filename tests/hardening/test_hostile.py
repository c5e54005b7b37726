"""No panics, no wrong answers: every binding fed hostile values.

Each case calls the Rust function and the fallback with the same arguments. Both must return
equal values, or raise the same exception type with the same ``str``; a
``pyo3_runtime.PanicException`` (a ``BaseException``) is always a failure. Hostile means: wrong
types, ``None``, huge ints (``2**200``), negative sizes, NUL bytes in paths, 10,000-character
paths, lone surrogates (``'\\udcff'``, ``'\\ud800'``), bytes paths, floats where ints are
expected, and objects whose ``__index__``/``__fspath__``/``__str__``/``__bool__``/``lower``/
``__iter__``/``values`` raise.
"""

from __future__ import annotations

import inspect
import pathlib
from typing import Any

import pytest

from tests.support.fake_roots import FakeRoots
from tests.support.hardening import (
    FUNCTIONS,
    assert_no_panic,
    compare,
    compare_in_trees,
    compare_racy,
    environment,
    python_function,
    rust_function,
)
from tests.support.hostile import (
    ARITY_CASES,
    CASES,
    COVERED,
    ENV_VALUES,
    ENV_VARIABLES,
    GENERIC,
    HOSTILE_CONTENT,
    MEMINFO,
    RACY,
    Case,
    case_id,
    cgroup_files,
    generic_cases,
    outcome,
    write_tree,
)


def _generic() -> tuple[list[Case], list[Case]]:
    """Cases for the functions the corpus has none for (taking no argument: arity only)."""
    hostile: list[Case] = []
    arity: list[Case] = []
    for name in FUNCTIONS:
        if name not in COVERED and name not in {n for n, _, _ in ARITY_CASES}:
            more_hostile, more_arity = generic_cases(name, python_function(name))
            hostile += more_hostile
            arity += more_arity
    return hostile, arity


GENERIC_CASES, GENERIC_ARITY = _generic()
ALL_CASES = CASES + GENERIC_CASES
ALL_ARITY = ARITY_CASES + GENERIC_ARITY


def test_every_function_is_covered() -> None:
    assert {name for name, _, _ in ALL_ARITY} == set(FUNCTIONS)
    takes_arguments = {
        name for name in FUNCTIONS if inspect.signature(python_function(name)).parameters
    }
    assert {name for name, _, _ in ALL_CASES} == takes_arguments


def test_generic_cases_cover_every_parameter() -> None:
    hostile, arity = generic_cases("format_float", python_function("format_float"))
    first, second = hostile[: len(GENERIC)], hostile[len(GENERIC) :]
    assert [args[0] for _, args, _ in first] == GENERIC
    assert [args[1] for _, args, _ in second] == GENERIC
    assert {args[1] for _, args, _ in first} == {args[0] for _, args, _ in second} == {"x"}
    assert [args for _, args, _ in arity] == [("x", "x", "x"), ()]


@pytest.mark.parametrize(
    ("name", "args", "kwargs"),
    ALL_ARITY,
    ids=[f"{name}-{i}" for i, (name, _, _) in enumerate(ALL_ARITY)],
)
def test_wrong_argument_counts(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Wrong arity or keywords: a ``TypeError`` naming the function on both backends.

    Only the type is compared: the wording is the binding generator's (PyO3 says "takes 1
    positional arguments", CPython "takes 1 positional argument"), listed in
    docs/reliability.md."""
    got = outcome(rust_function(name), *args, **kwargs)
    assert_no_panic(got, (name, args, kwargs))
    want = outcome(python_function(name), *args, **kwargs)
    assert got[0] == want[0] == "raised", (name, args, kwargs)
    assert got[1] is want[1] is TypeError, (got, want)
    assert name in got[2], got


@pytest.mark.parametrize(
    ("name", "args", "kwargs"),
    ALL_CASES,
    ids=[f"{name}-{i}-{case_id(args)[:30]}" for i, (name, args, _) in enumerate(ALL_CASES)],
)
# A bytearray or memoryview path is accepted by os.stat/os.listdir with CPython's own
# DeprecationWarning: expected for these hostile inputs, on the fallback as in SkyPilot.
@pytest.mark.filterwarnings(
    r"ignore:.*path should be string, bytes, os\.PathLike.*, not (bytearray|memoryview)$"
    ":DeprecationWarning"
)
def test_hostile_arguments(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    # Generators are single-use: give each backend its own copy.
    if any(hasattr(a, "__next__") for a in args):
        items = [list(a) if hasattr(a, "__next__") else a for a in args]
        got = outcome(rust_function(name), *[_regen(a) for a in items], **kwargs)
        assert_no_panic(got, (name, args))
        want = outcome(python_function(name), *[_regen(a) for a in items], **kwargs)
        assert got == want, (name, args, kwargs)
        return
    if name in RACY:
        compare_racy(name, *args, **kwargs)
    else:
        compare(name, *args, **kwargs)


def _regen(value: Any) -> Any:
    return iter(value) if isinstance(value, list) else value


# ------------------------------------------------------------------ system: hostile files


@pytest.mark.parametrize("content", HOSTILE_CONTENT, ids=case_id)
@pytest.mark.parametrize("version", ["v1", "v2"])
def test_hostile_cgroup_files(
    tmp_path: pathlib.Path, fake_roots: FakeRoots, content: Any, version: str
) -> None:
    write_tree(tmp_path / "cgroup", cgroup_files(content, version))
    write_tree(tmp_path / "proc", {"meminfo": "MemTotal:   8000000 kB\n"})
    compare_in_trees(fake_roots, tmp_path / "cgroup", tmp_path / "proc")


@pytest.mark.parametrize("meminfo", MEMINFO, ids=case_id)
def test_hostile_meminfo(tmp_path: pathlib.Path, fake_roots: FakeRoots, meminfo: Any) -> None:
    write_tree(tmp_path / "proc", {"meminfo": meminfo})
    compare_in_trees(fake_roots, tmp_path / "cgroup", tmp_path / "proc")


@pytest.mark.parametrize("value", ENV_VALUES, ids=case_id)
@pytest.mark.parametrize("variable", ["cpu", "gb", "bytes"])
def test_hostile_environment(value: str, variable: str) -> None:
    settings: dict[str, str | None] = dict.fromkeys(ENV_VARIABLES.values())
    settings[ENV_VARIABLES[variable]] = value
    with environment(**settings):
        compare("get_cpu_count")
        compare("get_mem_size_gb")
