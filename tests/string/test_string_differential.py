"""Hypothesis: the Rust backend against the Python fallback for the string domain.

Same value, or the same exception type and message, over adversarial inputs: every float bit
pattern, decorated and broken hex literals, and text mixing spaces, astral-plane characters,
combining marks and lone surrogates.
"""

from __future__ import annotations

import struct
import sys
import unicodedata
from typing import Any, Callable

import sky_rs._fallback.string as fallback
from hypothesis import example, given
from hypothesis import strategies as st

from tests.support.backends import rust_module


def outcome(function: Callable[..., Any], *args: Any) -> tuple[str, Any]:
    """What a call gives: ("ok", value) or (exception type name, message)."""
    try:
        return ("ok", function(*args))
    except Exception as exc:
        return (type(exc).__name__, str(exc))


def assert_same(name: str, *args: Any) -> None:
    rust = outcome(getattr(rust_module("string"), name), *args)
    python = outcome(getattr(fallback, name), *args)
    assert rust == python, (name, args)


# --- base36_encode -----------------------------------------------------------------------------

# ASCII whitespace int() skips, Unicode whitespace, and \x1c which str.strip() skips but int() not.
WHITESPACE = " \t\n\r\x0b\x0c\x85\xa0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000\x1c"
DIGITS = [
    *"0123456789abcdefABCDEF",
    # Arabic-Indic, Devanagari, fullwidth, mathematical bold zero, Tangsa (Unicode 14),
    # Kawi (Unicode 15: not a digit before Python 3.12)
    *["\u0660", "\u0669", "\u0966", "\uff11", "\U0001d7ce", "\U00016ac1", "\U00011f50"],
]
GARBAGE = [
    "_",
    "__",
    "g",
    "x",
    "0x",
    " ",
    "\x00",
    "\ud800",
    "\xb2",
    "-",
    "+",
    ".",
    "\u200b",
    "\x7f",
]

digit_runs = st.text(alphabet=st.sampled_from(DIGITS), min_size=1, max_size=12)


@st.composite
def hex_literals(draw: st.DrawFn) -> str:
    """Mostly valid int(x, 16) literals with every decoration, sometimes broken on purpose."""
    text = (
        draw(st.text(alphabet=WHITESPACE, max_size=3))
        + draw(st.sampled_from(["", "", "+", "-"]))
        + draw(st.sampled_from(["", "", "0x", "0X", "0x_", "0X_", "\u0660x"]))
        + "_".join(draw(st.lists(digit_runs, min_size=1, max_size=5)))
        + draw(st.text(alphabet=WHITESPACE, max_size=3))
    )
    if draw(st.integers(0, 3)) == 0:
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(GARBAGE)) + text[at:]
    return text


long_hex = st.text(alphabet="0123456789abcdefABCDEF", min_size=25, max_size=400)

hex_text = st.one_of(hex_literals(), long_hex, st.text(max_size=40))


def as_type(text: str, kind: str) -> Any:
    if kind == "str":
        return text
    data = text.encode("utf-8", "surrogatepass")
    return data if kind == "bytes" else bytearray(data)


@given(hex_text, st.sampled_from(["str", "str", "bytes", "bytearray"]))
@example("-0", "str")
@example(" -0x_f ", "bytes")
@example("\U00016ac1", "str")
@example("\U00011f50", "str")
@example("f" * 33, "bytearray")
def test_base36_encode(text: str, kind: str) -> None:
    assert_same("base36_encode", as_type(text, kind))


@given(st.binary(max_size=40))
def test_base36_encode_random_bytes(data: bytes) -> None:
    assert_same("base36_encode", data)
    assert_same("base36_encode", bytearray(data))


@given(st.uuids())
def test_base36_encode_uuids(value: Any) -> None:
    assert_same("base36_encode", value.hex)
    assert_same("base36_encode", str(value))  # with dashes: invalid


def test_base36_encode_every_unicode_digit_and_space() -> None:
    """Each character int() could treat specially, alone and around a digit: Unicode's decimal
    digits (of any version), whitespace, other numerics, and their neighbours."""
    special = [
        cp
        for cp in range(sys.maxunicode + 1)
        if (ch := chr(cp)).isdecimal() or ch.isspace() or ch.isnumeric()
    ]
    candidates = sorted({cp + d for cp in special for d in (-1, 0, 1)} - set(range(0xD800, 0xE000)))
    assert len(candidates) > 1000
    for cp in candidates:
        ch = chr(cp)
        for text in (ch, ch + "1", "1" + ch, " " + ch + ch + " "):
            assert_same("base36_encode", text)
    assert unicodedata.unidata_version  # the table under test is this interpreter's


# --- format_float ------------------------------------------------------------------------------


def float_from_bits(bits: int) -> float:
    value: float = struct.unpack("<d", struct.pack("<Q", bits))[0]
    return value


floats = st.one_of(
    st.floats(),
    st.integers(0, 2**64 - 1).map(float_from_bits),
    # Exact binary fractions: decimal ties at every precision.
    st.builds(lambda m, e: m * 2.0**e, st.integers(-(2**53), 2**53), st.integers(-60, 10)),
    st.builds(lambda m, e: m / 10**e, st.integers(-(10**6), 10**6), st.integers(0, 8)),
)
precisions = st.one_of(st.integers(0, 25), st.integers(-3, 40), st.sampled_from([300, 1100]))


@given(floats, precisions)
@example(2.0, -1)
@example(float("nan"), -1)
@example(float_from_bits(0xFFF8_0000_0000_0001), 2)
@example(-0.0, 3)
@example(4503599627370495.5, 0)
def test_format_float(num: float, precision: int) -> None:
    assert_same("format_float", num, precision)


@given(floats)
def test_format_float_default_precision(num: float) -> None:
    rust = outcome(rust_module("string").format_float, num)
    assert rust == outcome(fallback.format_float, num)


@given(st.one_of(st.integers(), st.booleans()), st.integers(-5, 30))
def test_format_float_ints(num: int, precision: int) -> None:
    assert_same("format_float", num, precision)


@given(
    st.one_of(floats, st.integers(), st.none(), st.text(max_size=3)),
    st.one_of(st.none(), st.booleans(), st.text(max_size=3), st.floats(), st.integers()),
)
def test_format_float_odd_arguments(num: Any, precision: Any) -> None:
    if isinstance(precision, int) and precision > 10_000:
        precision = 2**31 + precision % 7  # keep Python's formatter from building huge strings
    assert_same("format_float", num, precision)


# --- truncate_long_string ----------------------------------------------------------------------

TEXT_ALPHABET = st.sampled_from(
    [" ", " ", " ", "a", "b", "xyz", "\t", "\xe9", "e\u0301", "\u0301", "\U0001f600", "\U00010348"]
)
texts = st.one_of(
    st.lists(TEXT_ALPHABET, max_size=40).map("".join),
    st.text(max_size=60),
    st.text(alphabet=st.sampled_from(["a", " ", "\ud800", "\udfff", "\U0001f600"]), max_size=20),
)


@given(texts, st.integers(-10, 80), st.booleans())
@example("hello world this is a long string that exceeds", 20, False)
@example("abcdefgh", 5, True)
@example("ab cd", -1, False)
@example("", -1, False)
def test_truncate_long_string(s: str, max_length: int, truncate_middle: bool) -> None:
    assert_same("truncate_long_string", s, max_length, truncate_middle)


@given(texts)
def test_truncate_long_string_defaults(s: str) -> None:
    rust = outcome(rust_module("string").truncate_long_string, s)
    assert rust == outcome(fallback.truncate_long_string, s)


@given(
    st.one_of(texts, st.lists(st.integers(), max_size=5), st.none()),
    st.one_of(st.integers(-(2**70), 2**70), st.booleans(), st.none(), st.floats(-5, 50)),
    st.one_of(st.none(), st.integers(-1, 2), st.text(max_size=2)),
)
def test_truncate_long_string_odd_arguments(s: Any, max_length: Any, truncate_middle: Any) -> None:
    assert_same("truncate_long_string", s, max_length, truncate_middle)
