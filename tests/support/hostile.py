"""The hostile corpus: every value the hardening tests feed the bindings, and how an outcome is
compared.

Standard library only (no pytest, no ``sky_rs``), so that ``scripts/standalone_check.py`` can run
the same corpus in a venv that holds one domain wheel and nothing else. The tests that use it are
in ``tests/hardening/test_hostile.py``.
"""

from __future__ import annotations

import contextlib
import inspect
import math
import os
import pathlib
from collections.abc import Callable, Iterator
from typing import Any

from tests.support.hostile_values import (
    DIRECTORY,
    EMPTY,
    FILE,
    HOSTILE_PATHS,
    LONG_PATH,
    MISSING_PATH,
    NUL_PATH,
    NUMBERISH,
    TEXTISH,
    BadBool,
    BadFloat,
    BadFspath,
    BadIndex,
    BadIter,
    BadStr,
    BadValues,
    FloatSub,
    IntIndex,
    RaisesMidway,
    ValuesNotIterable,
)

# ------------------------------------------------------------------ outcomes


@contextlib.contextmanager
def environment(**values: str | None) -> Iterator[None]:
    """Set (or, for ``None``, unset) environment variables for the block."""
    saved = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def is_panic(exc: BaseException) -> bool:
    return type(exc).__name__ == "PanicException"


def normalise(value: Any) -> Any:
    """A comparable form of a return value: hash objects by their digests, NaN by its sign."""
    if hasattr(value, "hexdigest") and hasattr(value, "name"):
        name = value.name
        digest = value.hexdigest(16) if name.startswith("shake") else value.hexdigest()
        return ("hash", name, digest, value.digest_size, value.block_size)
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return ("nan", math.copysign(1.0, value))
    return (type(value), value)


def outcome(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, ...]:
    """``("returned", value)``, ``("raised", type, str)`` or ``("PANIC", ...)``."""
    try:
        value = fn(*args, **kwargs)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # PanicException is a BaseException
        if is_panic(exc):
            return ("PANIC", repr(exc))
        return ("raised", type(exc), str(exc))
    return ("returned", normalise(value))


# ------------------------------------------------------------------ fake trees

DIR = "<directory>"
MISSING = "<missing>"


def write_tree(root: pathlib.Path, files: dict[str, Any]) -> None:
    """Files below ``root``: bytes or str content, :data:`DIR`, or :data:`MISSING`."""
    for name, content in files.items():
        if content == MISSING:
            continue
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if content == DIR:
            path.mkdir()
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8", "surrogatepass"))


def case_id(value: Any) -> str:
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
COVERED = frozenset(name for name, _, _ in CASES)
"""The functions with cases of their own above; any other gets :func:`generic_cases`."""
RACY = {"find_free_port", "is_process_alive", "are_processes_alive"}

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


GENERIC: list[Any] = [None, -1, 2**200, 1.5, "", "\udcff", b"\xff", [], {}, object()]
GENERIC += [BadIndex(), BadStr(), BadFspath(), BadBool(), BadIter()]
"""No small non-negative int or bool: as a path, that is a file descriptor (``open(1)`` would
close the test's stdout)."""


def generic_cases(name: str, function: Callable[..., Any]) -> tuple[list[Case], list[Case]]:
    """Hostile and wrong-arity cases for a function with none of its own (a new function, until
    it gets its own above): each :data:`GENERIC` value in each positional parameter of
    ``function``'s signature (``"x"`` in the others), then one argument too many and, when a
    parameter is required, none."""
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    params = [p for p in inspect.signature(function).parameters.values() if p.kind in kinds]
    hostile: list[Case] = [
        (name, tuple(value if j == i else "x" for j in range(len(params))), {})
        for i in range(len(params))
        for value in GENERIC
    ]
    arity: list[Case] = [(name, ("x",) * (len(params) + 1), {})]
    if any(p.default is inspect.Parameter.empty for p in params):
        arity.append((name, (), {}))
    return hostile, arity


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


MEMINFO: list[Any] = [
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
]

ENV_VARIABLES = {
    "cpu": "SKYPILOT_POD_CPU_CORE_LIMIT",
    "gb": "SKYPILOT_POD_MEMORY_GB_LIMIT",
    "bytes": "SKYPILOT_POD_MEMORY_BYTES_LIMIT",
}
"""The system domain's environment overrides, by short name."""

ENV_VALUES: list[str] = [
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
]


def cgroup_files(content: Any, version: str) -> dict[str, Any]:
    """A cgroup tree (v1 or v2) with every limit file holding ``content``."""
    return {
        "cgroup.controllers": "cpu memory\n" if version == "v2" else MISSING,
        "cpu.max": content,
        "cpu/cpu.cfs_quota_us": content,
        "cpu/cpu.cfs_period_us": content,
        "memory.max": content,
        "memory/memory.limit_in_bytes": content,
    }
