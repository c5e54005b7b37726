"""The SKYPILOT_POD_* overrides of get_cpu_count and get_mem_size_gb, on both backends."""

from __future__ import annotations

import math
import os
from types import ModuleType

import pytest

from tests.support.trees import (
    BYTES_ENV,
    CPU_ENV,
    GB_ENV,
    GIB,
    host_cpus,
)

# --- Environment overrides --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2.5", 2),
        (" 3 ", 3),
        ("1e1", 10),
        ("1_0", 10),
        ("+.5", 0),
        ("-2.7", -2),
        ("\t16\n", 16),
        ("\u3000 4 \u00a0", 4),  # Unicode whitespace around the number
        ("\u0663", 3),  # ARABIC-INDIC DIGIT THREE
        ("1e300", int(1e300)),  # an exact, huge int, as int(float()) gives
    ],
)
def test_cpu_override(
    system: ModuleType, monkeypatch: pytest.MonkeyPatch, value: str, expected: int
) -> None:
    monkeypatch.setenv(CPU_ENV, value)
    result = system.get_cpu_count()
    assert type(result) is int
    assert result == expected


@pytest.mark.parametrize(
    ("value", "cause"),
    [
        ("abc", "could not convert string to float: 'abc'"),
        ("", "could not convert string to float: ''"),
        ("1_", "could not convert string to float: '1_'"),
        ("1__0", "could not convert string to float: '1__0'"),
        ("\x1c3", "could not convert string to float: '\\x1c3'"),  # float() only strips ASCII
        ("0x10", "could not convert string to float: '0x10'"),
        ("nan", "cannot convert float NaN to integer"),
        ("-NaN", "cannot convert float NaN to integer"),
        ("\udcff", "could not convert string to float: '\\udcff'"),  # an undecodable byte
    ],
)
def test_cpu_override_errors(
    system: ModuleType, monkeypatch: pytest.MonkeyPatch, value: str, cause: str
) -> None:
    monkeypatch.setenv(CPU_ENV, value)
    with pytest.raises(ValueError) as info:
        system.get_cpu_count()
    assert str(info.value) == f"Failed to parse the number of CPUs from {value}"
    assert type(info.value.__cause__) is ValueError
    assert str(info.value.__cause__) == cause


@pytest.mark.parametrize("value", ["inf", "-Infinity", " +INF "])
def test_cpu_override_infinity(
    system: ModuleType, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(CPU_ENV, value)
    with pytest.raises(OverflowError) as info:
        system.get_cpu_count()
    assert str(info.value) == "cannot convert float infinity to integer"
    assert info.value.__cause__ is None


@pytest.mark.parametrize(
    ("gb", "nbytes", "expected"),
    [
        ("2.5", None, 2.5),
        (" 16 ", "junk", 16.0),  # the GB variable wins
        ("1_024", None, 1024.0),
        ("-inf", None, -math.inf),
        (None, "1073741824", 1.0),
        (None, "1.5e9", 1.5e9 / GIB),
        (None, "\u0661\u0660", 10 / GIB),
    ],
)
def test_memory_override(
    system: ModuleType,
    monkeypatch: pytest.MonkeyPatch,
    gb: str | None,
    nbytes: str | None,
    expected: float,
) -> None:
    if gb is not None:
        monkeypatch.setenv(GB_ENV, gb)
    if nbytes is not None:
        monkeypatch.setenv(BYTES_ENV, nbytes)
    result = system.get_mem_size_gb()
    assert type(result) is float
    assert result == expected


def test_memory_override_nan(system: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BYTES_ENV, "-nan")
    result = system.get_mem_size_gb()
    assert math.isnan(result)
    assert math.copysign(1.0, result) == -1.0  # float('-nan') keeps its sign


@pytest.mark.parametrize(
    ("gb", "nbytes", "message"),
    [
        ("abc", None, "Failed to parse the memory size from abc (GB)"),
        ("", "1", "Failed to parse the memory size from  (GB)"),
        (None, "12 GB", "Failed to parse the memory size from 12 GB (bytes)"),
        (None, "1_", "Failed to parse the memory size from 1_ (bytes)"),
    ],
)
def test_memory_override_errors(
    system: ModuleType,
    monkeypatch: pytest.MonkeyPatch,
    gb: str | None,
    nbytes: str | None,
    message: str,
) -> None:
    if gb is not None:
        monkeypatch.setenv(GB_ENV, gb)
    if nbytes is not None:
        monkeypatch.setenv(BYTES_ENV, nbytes)
    with pytest.raises(ValueError) as info:
        system.get_mem_size_gb()
    assert str(info.value) == message
    bad = gb if gb is not None else nbytes
    assert str(info.value.__cause__) == f"could not convert string to float: {bad!r}"


def test_overrides_are_read_at_call_time(system: ModuleType) -> None:
    try:
        os.environ[CPU_ENV] = "5"
        assert system.get_cpu_count() == 5
        os.environ[CPU_ENV] = "6"
        assert system.get_cpu_count() == 6
        del os.environ[CPU_ENV]
        assert system.get_cpu_count() == host_cpus()
        os.environ[BYTES_ENV] = str(3 * GIB)
        assert system.get_mem_size_gb() == 3.0
        os.environ[GB_ENV] = "7"
        assert system.get_mem_size_gb() == 7.0
    finally:
        for name in (CPU_ENV, GB_ENV, BYTES_ENV):
            os.environ.pop(name, None)


def test_a_patched_os_environ_is_honoured(
    system: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    # os.getenv reads the module global os.environ, even when replaced by a plain dict.
    monkeypatch.setattr(os, "environ", {CPU_ENV: "7", GB_ENV: "2"})
    assert system.get_cpu_count() == 7
    assert system.get_mem_size_gb() == 2.0
    monkeypatch.setattr(os, "environ", {CPU_ENV: 9.9})  # float() of a non-str works too
    assert system.get_cpu_count() == 9


def test_a_patched_os_getenv_is_honoured(
    system: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = {CPU_ENV: "11", BYTES_ENV: str(GIB)}
    monkeypatch.setattr(os, "getenv", lambda key, default=None: fake.get(key, default))
    assert system.get_cpu_count() == 11
    assert system.get_mem_size_gb() == 1.0


def test_putenv_alone_is_invisible_like_the_reference(system: ModuleType) -> None:
    # os.putenv does not update os.environ, so os.getenv (and the reference) do not see it.
    os.putenv(CPU_ENV, "13")
    try:
        assert system.get_cpu_count() == host_cpus()
    finally:
        os.unsetenv(CPU_ENV)
