"""base36_encode on both backends.

Every expected value below was checked by hand against SkyPilot 0.14.1
(``sky.utils.common_utils``) on CPython 3.11, except the deliberate deviation for negative input
(the reference loops forever there).
"""

from __future__ import annotations

import re
import uuid
from types import ModuleType
from typing import Any

import pytest

# --- base36_encode -----------------------------------------------------------------------------

BASE36_VALID: list[tuple[Any, str]] = [
    ("0", "0"),
    ("f", "f"),
    ("F", "f"),
    ("ff", "73"),
    ("10", "g"),
    ("24", "10"),
    ("0xff", "73"),
    ("0XfF", "73"),
    ("  ff\n", "73"),
    ("\t\x0b\x0cff\r ", "73"),
    ("+ff", "73"),
    ("-0", "0"),
    ("-0x_0", "0"),
    ("0x_f_f", "73"),
    ("+0x_1", "1"),
    ("0X1_2", "i"),
    ("0_0", "0"),
    ("00", "0"),
    ("0x0", "0"),
    # Unicode decimal digits count, even as the 0 of the prefix; Unicode whitespace is stripped.
    ("\u0660x1f", "v"),
    ("\u0661\u0662", "i"),
    ("\uff11\uff12", "i"),
    ("\u3000ff\u2028", "73"),
    ("\x85ff", "73"),
    ("\xa0 ff \u205f", "73"),
    ("ab\u0660", "240"),
    ("\U0001d7cf\U0001d7ce", "g"),
    ("ffffffffffffffffffffffffffffffff", "f5lxx1zz5pnorynqglhzmsp33"),
    ("100000000000000000000000000000000", "f5lxx1zz5pnorynqglhzmsp34"),
    ("123e4567e89b12d3a456426614174000", "12vqjrnxk8whv3i8qi6qgrlz4"),
    ("0000000000000000000000000000000f", "f"),
    ("deadbeef" * 5, "q0epsw7xts5prie9226hrpoo69xrvu7"),
    (b"ff", "73"),
    (b" 0xFF ", "73"),
    (b"+0x_1_0", "g"),
    (bytearray(b"ff"), "73"),
    (bytearray(b"\t10\n"), "g"),
]

BASE36_INVALID: list[Any] = [
    "",
    "  ",
    "0x",
    "0x_",
    "0x__ff",
    "_ff",
    "ff_",
    "f__f",
    "- ff",
    "+-1",
    "0_x",
    "xyz",
    "\x1cff",  # whitespace to str.strip(), not to int()
    "ff\x00",
    "ff\u200b",  # zero-width space is not whitespace
    "it's",
    "1 2",
    "g",
    "0xg",
    "\x7f1",
    "\xb2",  # superscript two: a digit, not a decimal digit
    "\ud800",  # lone surrogate
    "0x-1",
    "ff.0",
    b"",
    b"xyz",
    b"\xa0ff",  # bytes take ASCII whitespace only
    b"\x85ff",
    "\uff11".encode(),  # bytes take ASCII digits only
    bytearray(b"zz"),
]


@pytest.mark.parametrize(("hex_str", "expected"), BASE36_VALID)
def test_base36_encode_values(string: ModuleType, hex_str: Any, expected: str) -> None:
    assert string.base36_encode(hex_str) == expected


@pytest.mark.parametrize("hex_str", BASE36_INVALID)
def test_base36_encode_invalid_literal(string: ModuleType, hex_str: Any) -> None:
    # int() quotes repr() of the input; for a bytearray, repr() of its bytes.
    shown = bytes(hex_str) if isinstance(hex_str, bytearray) else hex_str
    message = f"invalid literal for int() with base 16: {shown!r}"
    with pytest.raises(ValueError) as info:
        string.base36_encode(hex_str)
    assert str(info.value) == message


def test_base36_encode_error_quotes_at_most_200_characters(string: ModuleType) -> None:
    for bad in ("g" * 300, b"g" * 300):
        with pytest.raises(ValueError) as info:
            string.base36_encode(bad)
        assert str(info.value) == "invalid literal for int() with base 16: " + repr(bad)[:200]


@pytest.mark.parametrize("hex_str", ["-ff", " -0x_f ", "-1", b"-1", bytearray(b"-a")])
def test_base36_encode_negative_is_an_error(string: ModuleType, hex_str: Any) -> None:
    # The reference loops forever here; both backends raise this instead.
    message = f"base36_encode() requires a non-negative value, got {hex_str!r}"
    with pytest.raises(ValueError) as info:
        string.base36_encode(hex_str)
    assert str(info.value) == message


def test_base36_encode_negative_message_is_capped(string: ModuleType) -> None:
    hex_str = "-" + "f" * 500
    with pytest.raises(ValueError) as info:
        string.base36_encode(hex_str)
    prefix = "base36_encode() requires a non-negative value, got "
    assert str(info.value) == prefix + repr(hex_str)[:200]


@pytest.mark.parametrize("bad", [255, 1.5, None, memoryview(b"ff"), ["ff"], uuid.UUID(int=255)])
def test_base36_encode_non_strings(string: ModuleType, bad: Any) -> None:
    with pytest.raises(TypeError) as info:
        string.base36_encode(bad)
    assert str(info.value) == "int() can't convert non-string with explicit base"


class ReprStr(str):
    def __repr__(self) -> str:
        return "<ReprStr>"


def test_base36_encode_str_subclass(string: ModuleType) -> None:
    assert string.base36_encode(ReprStr("ff")) == "73"
    with pytest.raises(ValueError, match=r"^invalid literal for int\(\) with base 16: <ReprStr>$"):
        string.base36_encode(ReprStr("zz"))
    with pytest.raises(ValueError, match=r"^base36_encode\(\) requires .*, got <ReprStr>$"):
        string.base36_encode(ReprStr("-1"))


def _is_base36(text: str) -> bool:
    return re.fullmatch(r"0|[1-9a-z][0-9a-z]*", text) is not None


@pytest.mark.parametrize("digits", [1, 31, 32, 33, 64, 65, 200, 1000])
def test_base36_encode_any_length(string: ModuleType, digits: int) -> None:
    hex_str = ("fedcba9876543210" * 63)[:digits]
    encoded = string.base36_encode(hex_str)
    assert _is_base36(encoded)
    assert int(encoded, 36) == int(hex_str, 16)


def test_base36_encode_powers_of_two_across_the_fast_path(string: ModuleType) -> None:
    for bits in range(0, 260, 7):
        for value in (2**bits - 1, 2**bits, 2**bits + 1):
            encoded = string.base36_encode(format(value, "x"))
            assert int(encoded, 36) == value
            assert _is_base36(encoded)


def test_base36_encode_uuids(string: ModuleType) -> None:
    assert string.base36_encode(uuid.UUID(int=0).hex) == "0"
    assert string.base36_encode(uuid.UUID(int=2**128 - 1).hex) == "f5lxx1zz5pnorynqglhzmsp33"
    for _ in range(50):
        u = uuid.uuid4()
        assert int(string.base36_encode(u.hex), 36) == u.int


def test_base36_encode_thousand_digit_input(string: ModuleType) -> None:
    hex_str = "0x" + "_".join(["9" * 10] * 100)  # 1,000 digits, underscores between groups
    encoded = string.base36_encode(hex_str)
    assert int(encoded, 36) == int("9" * 1000, 16)
    assert len(encoded) == 774
