"""The hostile values: objects whose dunders raise, odd numbers and texts, and paths on disk.

Standard library only, like ``tests/support/hostile.py``, which makes the cases from them.
"""

from __future__ import annotations

import atexit
import os
import pathlib
import shutil
import tempfile
from collections.abc import Iterator
from typing import Any

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
