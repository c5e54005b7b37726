"""Fuzzing the string functions at scale: Rust against the fallback (``tests/support/fuzz.py``).

Every call goes through :func:`compare`.
"""

from __future__ import annotations

import struct
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.fuzz import (
    RAN,
    check_example_counts,
    fuzz,
)
from tests.support.hardening import (
    compare,
)

pytestmark = pytest.mark.fuzz

WHITESPACE = " \t\n\r\x0b\x0c\x85\xa0\u2000\u3000\x1c"
HEX_ALPHABET = "0123456789abcdefABCDEF_xX+-" + WHITESPACE + "\u0660\u0969\uff11g\0"


@st.composite
def hex_literals(draw: st.DrawFn) -> str:
    return (
        draw(st.text(alphabet=WHITESPACE, max_size=2))
        + draw(st.sampled_from(["", "", "+", "-"]))
        + draw(st.sampled_from(["", "", "0x", "0X", "0x_"]))
        + "_".join(draw(st.lists(st.text("0123456789abcdefABCDEF", min_size=1), min_size=1)))
        + draw(st.text(alphabet=WHITESPACE, max_size=2))
    )


def float_from_bits(bits: int) -> float:
    value: float = struct.unpack("<d", struct.pack("<Q", bits))[0]
    return value


@fuzz
@given(
    text=st.one_of(
        hex_literals(),
        st.text(alphabet=HEX_ALPHABET, max_size=40),
        st.text("0123456789abcdef", min_size=30, max_size=600),
        st.text(max_size=30),
    ),
    kind=st.sampled_from(["str", "str", "bytes", "bytearray"]),
)
def test_base36_encode(text: str, kind: str) -> None:
    RAN["base36_encode"] += 1
    value: Any = text
    if kind != "str":
        data = text.encode("utf-8", "surrogatepass")
        value = data if kind == "bytes" else bytearray(data)
    compare("base36_encode", value)


@fuzz
@given(
    num=st.one_of(
        st.floats(),
        st.integers(0, 2**64 - 1).map(float_from_bits),
        st.builds(lambda m, e: m * 2.0**e, st.integers(-(2**53), 2**53), st.integers(-60, 10)),
        st.builds(lambda m, e: m / 10**e, st.integers(-(10**6), 10**6), st.integers(0, 8)),
        st.integers(-(2**70), 2**70),
        st.booleans(),
    ),
    precision=st.one_of(st.integers(0, 20), st.integers(-3, 60), st.sampled_from([1, 300])),
    default=st.booleans(),
)
def test_format_float(num: float, precision: int, default: bool) -> None:
    RAN["format_float"] += 1
    if default:
        compare("format_float", num)
    else:
        compare("format_float", num, precision)


TRUNCATE_ALPHABET = st.sampled_from(
    [" ", " ", " ", "a", "bc", "xyz", "\t", "\xe9", "e\u0301", "\U0001f600", "\ud800", "\udcff"]
)


@fuzz
@given(
    s=st.one_of(st.lists(TRUNCATE_ALPHABET, max_size=60).map("".join), st.text(max_size=80)),
    max_length=st.one_of(st.integers(-10, 90), st.sampled_from([2**63, -(2**63), 2**200])),
    truncate_middle=st.one_of(st.booleans(), st.sampled_from([0, 1, None, "", "x"])),
    default=st.booleans(),
)
def test_truncate_long_string(s: str, max_length: int, truncate_middle: Any, default: bool) -> None:
    RAN["truncate_long_string"] += 1
    if default:
        compare("truncate_long_string", s)
    else:
        compare("truncate_long_string", s, max_length, truncate_middle)


def test_zz_example_counts() -> None:
    check_example_counts()
