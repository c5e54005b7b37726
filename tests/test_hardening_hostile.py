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

import atexit
import os
import pathlib
import shutil
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import rust_module
from tests.test_hardening_support import (
    DIR,
    FUNCTIONS,
    MISSING,
    assert_no_panic,
    compare,
    compare_racy,
    environment,
    no_system_overrides,
    outcome,
    python_function,
    rust_function,
    system_roots,
    write_tree,
)

# ------------------------------------------------------------------ hostile objects


class Boom(Exception):
    """Raised by the hostile objects: it must come out of both backends unchanged."""


class BadIndex:
    def __index__(self) -> int:
        raise Boom("__index__")

    def __int__(self) -> int:
        raise Boom("__int__")

    def __lt__(self, other: Any) -> bool:
        raise Boom("__lt__")

    def __ge__(self, other: Any) -> bool:
        raise Boom("__ge__")

    def __repr__(self) -> str:
        return "BadIndex()"


class IntBadCompare(int):
    """An int subclass whose comparisons raise."""

    def __lt__(self, other: Any) -> bool:
        raise Boom("__lt__")

    def __ge__(self, other: Any) -> bool:
        raise Boom("__ge__")

    def __gt__(self, other: Any) -> bool:
        raise Boom("__gt__")

    def __le__(self, other: Any) -> bool:
        raise Boom("__le__")

    def __eq__(self, other: Any) -> bool:
        raise Boom("__eq__")

    __hash__ = int.__hash__


class IntIndex(int):
    """An int subclass: must behave as its value."""


class BadFspath:
    def __fspath__(self) -> str:
        raise Boom("__fspath__")

    def __repr__(self) -> str:
        return "BadFspath()"


class FspathInt:
    def __fspath__(self) -> Any:
        return 5

    def __repr__(self) -> str:
        return "FspathInt()"


class FspathOf:
    def __init__(self, path: Any) -> None:
        self.path = path

    def __fspath__(self) -> Any:
        return self.path

    def __repr__(self) -> str:
        return f"FspathOf({self.path!r})"


class BadStr:
    def __str__(self) -> str:
        raise Boom("__str__")

    def __repr__(self) -> str:
        raise Boom("__repr__")

    def __format__(self, spec: str) -> str:
        raise Boom("__format__")


class StrBadStr(str):
    """A str subclass whose __str__/__format__ raise (used in messages)."""

    def __str__(self) -> str:
        raise Boom("__str__")

    def __format__(self, spec: str) -> str:
        raise Boom("__format__")


class BadBool:
    def __bool__(self) -> bool:
        raise Boom("__bool__")

    def __len__(self) -> int:
        raise Boom("__len__")


class BadLower:
    def lower(self) -> str:
        raise Boom("lower")


class LowerReturnsInt:
    def lower(self) -> int:
        return 7


class BadIter:
    def __iter__(self) -> Iterator[Any]:
        raise Boom("__iter__")


class RaisesMidway:
    """Iterable: yields the given items, then raises."""

    def __init__(self, *items: Any) -> None:
        self.items = items

    def __iter__(self) -> Iterator[Any]:
        yield from self.items
        raise Boom("midway")


class BadValues(dict):  # type: ignore[type-arg]
    def values(self) -> Any:
        raise Boom("values")


class ValuesNotIterable(dict):  # type: ignore[type-arg]
    def values(self) -> Any:
        return 5


class BadFloat(float):
    def is_integer(self) -> bool:
        raise Boom("is_integer")


class FloatSub(float):
    pass


# ------------------------------------------------------------------ fixtures on disk

_tmp = pathlib.Path(tempfile.mkdtemp(prefix="sky-rs-hostile-"))
atexit.register(shutil.rmtree, _tmp, True)
FILE = str(_tmp / "f.log")
pathlib.Path(FILE).write_bytes(b"alpha\r\nbeta\n\xff\xfegamma\n")
EMPTY = str(_tmp / "empty.log")
pathlib.Path(EMPTY).write_bytes(b"")
DIRECTORY = str(_tmp / "dir")
os.mkdir(DIRECTORY)
for i in range(7):
    pathlib.Path(DIRECTORY, f"e{i}").write_bytes(b"")
MISSING_PATH = str(_tmp / "missing")
SURROGATE_FILE = str(_tmp / "\udcff.log")  # the file named b'\xff.log'
with open(os.fsencode(SURROGATE_FILE), "wb") as _f:
    _f.write(b"x\ny\n")
LONG_PATH = "/tmp/" + "a" * 10_000
LONG_COMPONENTS = "/tmp/" + "/".join(["b" * 200] * 60)  # > PATH_MAX, each part legal
NUL_PATH = str(_tmp / "nul\0byte")

HOSTILE_PATHS: list[Any] = [
    FILE,
    os.fsencode(FILE),
    pathlib.Path(FILE),
    FspathOf(os.fsencode(FILE)),
    EMPTY,
    DIRECTORY,
    os.fsencode(DIRECTORY),
    MISSING_PATH,
    SURROGATE_FILE,
    os.fsencode(SURROGATE_FILE),
    str(_tmp / "\ud800"),  # not encodable
    "\udcff",
    NUL_PATH,
    os.fsencode(NUL_PATH),
    "",
    b"",
    LONG_PATH,
    os.fsencode(LONG_PATH),
    LONG_COMPONENTS,
    None,
    2**200,
    -(2**200),
    -1,
    2**31 - 1,  # an fd number that is not open
    1.5,
    float("nan"),
    bytearray(os.fsencode(FILE)),
    memoryview(os.fsencode(FILE)),
    [FILE],
    object(),
    BadFspath(),
    FspathInt(),
    FspathOf(None),
    FspathOf("\0"),
    StrBadStr(FILE),
    StrBadStr(MISSING_PATH),
    "/proc/version",
    "/dev/null",
]

HUGE_INTS: list[Any] = [2**200, -(2**200), 2**63, -(2**63) - 1, 2**64, -1, 0, True, False]
NUMBERISH: list[Any] = [
    *HUGE_INTS,
    1.5,
    1.0,
    -0.0,
    float("nan"),
    float("inf"),
    None,
    "3",
    b"3",
    object(),
    BadIndex(),
    IntBadCompare(3),
    IntIndex(2),
    IntIndex(-2),
    3 + 0j,
]
TEXTISH: list[Any] = [
    "",
    "\udcff",
    "\ud800",
    "a\0b",
    "x" * 10_000,
    b"abc",
    bytearray(b"abc"),
    None,
    5,
    2**200,
    1.5,
    object(),
    BadStr(),
    StrBadStr("kubernetes"),
    BadBool(),
    BadLower(),
    LowerReturnsInt(),
]


def _id(value: Any) -> str:
    try:
        text = repr(value)
    except Exception:
        text = type(value).__name__
    if " at 0x" in text:  # ids must not depend on addresses
        text = type(value).__name__
    return text if len(text) <= 40 else text[:37] + "..."


# ------------------------------------------------------------------ the cases

Case = tuple[str, tuple[Any, ...], dict[str, Any]]


def _cases() -> list[Case]:
    cases: list[Case] = []

    def add(name: str, *args: Any, **kwargs: Any) -> None:
        cases.append((name, args, kwargs))

    # io
    for path in HOSTILE_PATHS:
        add("read_last_n_lines", path, 2)
        add("hash_file", path, "md5")
        add("hash_file", path, "sha3_256")
        add("hash_files", [path], "sha256")
        add("estimate_fd_for_directory", path)
        add("get_max_workers_for_file_mounts", {"src": path})
    for n in NUMBERISH:
        add("read_last_n_lines", FILE, n)
        add("read_last_n_lines", EMPTY, n)
        add("read_last_n_lines", MISSING_PATH, n)
        add("read_last_n_lines", FILE, 2, n)
        add("read_last_n_lines", FILE, 2, chunk_size=n)
    for text in TEXTISH:
        add("read_last_n_lines", FILE, 2, encoding=text)
        add("read_last_n_lines", FILE, 2, errors=text)
        add("read_last_n_lines", EMPTY, 2, encoding=text)
        add("hash_file", FILE, text)
        add("hash_files", [FILE], text)
    add("read_last_n_lines", FILE, 2, encoding="utf-8", errors="strict")
    add("read_last_n_lines", FILE, 2, encoding="utf-16")
    add("read_last_n_lines", FILE, 2, encoding="utf-8\0")
    add("read_last_n_lines", file_path=FILE, n=1)
    for alg in ("MD5", "sha-256", "sha256\0", "", "shake_128", "blake2b", "\udcff"):
        add("hash_file", FILE, alg)
    for paths in (
        None,
        5,
        FILE,  # a str is iterable: its characters are (missing) paths
        b"",  # (non-empty bytes would iterate as ints, i.e. file descriptors)
        [],
        [FILE, FILE],
        [FILE, MISSING_PATH, DIRECTORY],
        [FILE, None],
        [FILE, BadFspath()],
        [FILE, NUL_PATH],
        (p for p in [FILE, MISSING_PATH]),
        BadIter(),
        RaisesMidway(FILE),
        RaisesMidway(FILE, MISSING_PATH),
        {FILE: 1},
    ):
        add("hash_files", paths, "md5")
        add("hash_files", paths, "sha3_256")
    for port in [*NUMBERISH, 65534, 65535, 65536, 2**16 + 80]:
        add("find_free_port", port)

    # string
    for value in [
        *TEXTISH,
        "f" * 10_000,
        "-ff",
        "-0",
        " 0x_f ",
        "\u0663",
        b"\xff",
        b"f" * 10_000,
        bytearray(b"-ff"),
        memoryview(b"ff"),
        2**200,
        -1,
        IntIndex(5),
        1.5,
    ]:
        add("base36_encode", value)
    for num in [
        *NUMBERISH,
        BadFloat(1.5),
        BadFloat(2.0),
        FloatSub(2.5),
        FloatSub(3.0),
        1e300,
        -1e-300,
        5e-324,
        "1.5",
    ]:
        add("format_float", num)
        add("format_float", num, 2)
        add("format_float", 2.25, num)
        add("format_float", 2.0, num)
    # (2**31 - 1 is legal to Python and would build a 2 GB string: left out.)
    for precision in (10**6, 2**31, 2**63, -(2**63)):
        add("format_float", 2.25, precision)
    add("format_float", 1.5, precision=3)
    long_text = "word " * 2000
    for s in [*TEXTISH, long_text, "\udcff" * 50, "a b " * 30, "x" * 100]:
        add("truncate_long_string", s)
        add("truncate_long_string", s, 5, True)
    for max_length in NUMBERISH:
        add("truncate_long_string", long_text, max_length)
        add("truncate_long_string", long_text, max_length, True)
        add("truncate_long_string", "short", max_length)
    for flag in (None, 0, 1, 2**200, "", "x", [], [0], BadBool(), 1.5, float("nan")):
        add("truncate_long_string", long_text, 10, flag)

    # process
    for cloud in [*TEXTISH, "kubernetes", "KUBERNETES", "\u212aubernetes", "kubernetes "]:
        add("get_parallel_threads", cloud)
        add("get_max_workers_for_file_mounts", {}, cloud)
        add("get_max_workers_for_file_mounts", {"x": DIRECTORY}, cloud)
    add("get_parallel_threads", cloud_str="kubernetes")
    for mounts in (
        None,
        5,
        [],
        [("a", DIRECTORY)],
        "abc",
        {},
        {"a": DIRECTORY, "b": FILE, "c": MISSING_PATH},
        {1: None},
        {1: 5},
        {1: 2**200},
        {1: -1},
        {1: 1.5},
        {1: b"\0"},
        {1: os.fsencode(DIRECTORY)},
        {1: pathlib.Path(DIRECTORY)},
        {1: BadFspath()},
        {1: LONG_PATH},
        BadValues(a=DIRECTORY),
        ValuesNotIterable(a=DIRECTORY),
        BadIter(),
    ):
        add("get_max_workers_for_file_mounts", mounts)
    for pid in [
        *NUMBERISH,
        2**31,
        2**31 - 1,
        -(2**31),
        -(2**31) - 1,
        os.getpid(),
        IntIndex(os.getpid()),
        1,
        4_194_304,
    ]:
        add("is_process_alive", pid)
        add("are_processes_alive", [pid])
    for pids in (
        None,
        5,
        "12",
        b"\x01\x02",
        [],
        [os.getpid(), -1, 0, 1],
        (p for p in [os.getpid(), 1]),
        BadIter(),
        RaisesMidway(os.getpid()),
        RaisesMidway(),
        {os.getpid(): 1},
        [1, None],
        [1, 2**200],
    ):
        add("are_processes_alive", pids)
    return cases


CASES = _cases()
_RACY = {"find_free_port", "is_process_alive", "are_processes_alive"}

ARITY_CASES: list[Case] = [
    ("read_last_n_lines", (FILE, 2, 8192, "utf-8", "replace", "extra"), {}),
    ("read_last_n_lines", (FILE,), {}),
    ("read_last_n_lines", (), {}),
    ("read_last_n_lines", (FILE, 2), {"bogus": 1}),
    ("read_last_n_lines", (FILE, 2), {"n": 1}),
    ("hash_file", (FILE,), {}),
    ("hash_file", (FILE, "md5", "extra"), {}),
    ("hash_files", ([FILE],), {}),
    ("find_free_port", (), {}),
    ("find_free_port", (0, 1), {}),
    ("base36_encode", (), {}),
    ("base36_encode", ("ff", 16), {}),
    ("format_float", (), {}),
    ("format_float", (1.5, 1, 1), {}),
    ("truncate_long_string", (), {}),
    ("truncate_long_string", ("x", 1, True, 4), {}),
    ("get_cpu_count", (1,), {}),
    ("get_cpu_count", (None,), {}),
    ("get_mem_size_gb", (1,), {}),
    ("get_mem_size_gb", (), {"x": 1}),
    ("get_parallel_threads", (None, None), {}),
    ("get_max_workers_for_file_mounts", (), {}),
    ("get_max_workers_for_file_mounts", ({}, None, None), {}),
    ("is_process_alive", (), {}),
    ("is_process_alive", (1, 2), {}),
    ("are_processes_alive", (), {}),
    ("estimate_fd_for_directory", (), {}),
    ("estimate_fd_for_directory", (DIRECTORY, 1), {}),
]


def test_every_function_is_covered() -> None:
    assert {name for name, _, _ in CASES} | {"get_cpu_count", "get_mem_size_gb"} == set(FUNCTIONS)
    assert {name for name, _, _ in ARITY_CASES} == set(FUNCTIONS)


@pytest.mark.parametrize(
    ("name", "args", "kwargs"),
    ARITY_CASES,
    ids=[f"{name}-{i}" for i, (name, _, _) in enumerate(ARITY_CASES)],
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
    CASES,
    ids=[f"{name}-{i}-{_id(args)[:30]}" for i, (name, args, _) in enumerate(CASES)],
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
    if name in _RACY:
        compare_racy(name, *args, **kwargs)
    else:
        compare(name, *args, **kwargs)


def _regen(value: Any) -> Any:
    return iter(value) if isinstance(value, list) else value


# ------------------------------------------------------------------ system: hostile files


HOSTILE_CONTENT: list[Any] = [
    b"",
    b"\0",
    b"100000\0 100000",
    b"max",
    b"max 100000",
    b"-1 100000",
    b"50000 0",
    b"0 0",
    b"1e400 1",
    b"1 1e-400",
    b"nan 1",
    b"inf 1",
    b"1 inf",
    b"9" * 5000,
    b"9" * 5000 + b" 1",
    b"\xff\xfe",
    b"\xed\xa0\x80",  # an encoded surrogate: not UTF-8
    "\u0663\u0660\u0660\u0660\u0660\u0660 \u0661\u0660\u0660\u0660\u0660\u0660".encode(),
    b"1_000_000 1_000",
    b"1__0 1",
    b"  \t 200000   100000 \n\n",
    b"200000 100000 extra",
    b"-0",
    b"1" * 100_000,
    DIR,
    MISSING,
]


@pytest.mark.parametrize("content", HOSTILE_CONTENT, ids=_id)
@pytest.mark.parametrize("version", ["v1", "v2"])
def test_hostile_cgroup_files(tmp_path: pathlib.Path, content: Any, version: str) -> None:
    files = {
        "cgroup.controllers": "cpu memory\n" if version == "v2" else MISSING,
        "cpu.max": content,
        "cpu/cpu.cfs_quota_us": content,
        "cpu/cpu.cfs_period_us": content,
        "memory.max": content,
        "memory/memory.limit_in_bytes": content,
    }
    write_tree(tmp_path / "cgroup", files)
    write_tree(tmp_path / "proc", {"meminfo": "MemTotal:   8000000 kB\n"})
    with no_system_overrides(), system_roots(tmp_path / "cgroup", tmp_path / "proc"):
        compare("get_cpu_count")
        compare("get_mem_size_gb")


@pytest.mark.parametrize(
    "meminfo",
    [
        MISSING,
        DIR,
        b"",
        b"\0",
        b"MemTotal:",
        b"MemTotal: \xff kB",
        b"MemTotal: 99999999999999999999999999999999999999999999 kB",
        b"MemTotal: -5 kB",
        b"MemTotal:\t1_0 kB",
        b"MemTotal: 1e3 kB",
        b"memtotal: 5 kB\nMemTotal: 7 kB",
        b"MemTotal: \xd9\xa3 kB",
        b"\n" * 10_000 + b"MemTotal: 4 kB",
    ],
    ids=_id,
)
def test_hostile_meminfo(tmp_path: pathlib.Path, meminfo: Any) -> None:
    write_tree(tmp_path / "proc", {"meminfo": meminfo})
    with no_system_overrides(), system_roots(tmp_path / "cgroup", tmp_path / "proc"):
        compare("get_cpu_count")
        compare("get_mem_size_gb")


@pytest.mark.parametrize(
    "value",
    [
        "\udcff",
        "\udcff1",
        "1e400",
        "-1e400",
        "inf",
        "-inf",
        "nan",
        "-nan",
        "9" * 5000,
        "0." + "0" * 5000 + "1",
        " 4 ",
        "\u0663",
        "\u2003 2 \u3000",
        "1_0",
        "1__0",
        "",
        " ",
        "0x10",
        "4\x1c",
        "a" * 10_000,
    ],
    ids=_id,
)
@pytest.mark.parametrize("variable", ["cpu", "gb", "bytes"])
def test_hostile_environment(value: str, variable: str) -> None:
    settings = dict.fromkeys(
        (
            "SKYPILOT_POD_CPU_CORE_LIMIT",
            "SKYPILOT_POD_MEMORY_GB_LIMIT",
            "SKYPILOT_POD_MEMORY_BYTES_LIMIT",
        )
    )
    key = {
        "cpu": "SKYPILOT_POD_CPU_CORE_LIMIT",
        "gb": "SKYPILOT_POD_MEMORY_GB_LIMIT",
        "bytes": "SKYPILOT_POD_MEMORY_BYTES_LIMIT",
    }[variable]
    settings[key] = value
    with environment(**settings):
        compare("get_cpu_count")
        compare("get_mem_size_gb")


@pytest.mark.parametrize(
    "root",
    [
        None,
        "",
        "\udcff",
        b"\xff",
        LONG_PATH,
        "\0",
        b"/tmp/\0",
        FILE,
        pathlib.Path(DIRECTORY),
        FspathOf(b"/nonexistent"),
    ],
    ids=_id,
)
def test_hostile_roots(root: Any) -> None:
    """The ``_set_roots`` seam itself, with odd roots: same outcome on both backends."""
    rust = rust_module("system")
    import sky_rs._fallback.system as fallback

    for setter in (rust._set_roots, fallback._set_roots):
        assert_no_panic(outcome(setter, root, root), root)
    try:
        with no_system_overrides():
            got = outcome(rust.get_mem_size_gb)
            want = outcome(fallback.get_mem_size_gb)
            assert_no_panic(got, root)
            assert got == want, root
            got = outcome(rust.get_cpu_count)
            want = outcome(fallback.get_cpu_count)
            assert_no_panic(got, root)
            assert got == want, root
    finally:
        rust._set_roots()
        fallback._set_roots()


@pytest.mark.parametrize("root", [5, 1.5, BadFspath(), FspathInt(), object()], ids=_id)
def test_hostile_root_types(root: Any) -> None:
    rust = rust_module("system")
    import sky_rs._fallback.system as fallback

    try:
        got = outcome(rust._set_roots, root)
        assert_no_panic(got, root)
        assert got == outcome(fallback._set_roots, root)
    finally:
        rust._set_roots()
        fallback._set_roots()
