"""string domain: hand-checked cases, run against both backends.

Every expected value below was checked by hand against SkyPilot 0.14.1
(``sky.utils.common_utils``) on CPython 3.11, except the deliberate deviation for negative
``base36_encode`` input (the reference loops forever there).
"""

from __future__ import annotations

import inspect
import math
import re
import uuid
from decimal import Decimal
from fractions import Fraction
from types import ModuleType
from typing import Any

import pytest

from tests.support.backends import cpython_says, rust_module

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


# --- format_float ------------------------------------------------------------------------------

FORMAT_FLOAT: list[tuple[tuple[Any, ...], str]] = [
    ((2.0,), "2"),
    ((2.0, -1), "2"),  # whole values never look at precision
    ((2.5,), "2.5"),
    ((2.25,), "2.2"),  # half to even on the exact binary value
    ((2.35,), "2.4"),
    ((2.25, 2), "2.25"),
    ((3.14159, 2), "3.14"),
    ((3.14159, 0), "3"),
    ((0.5, 0), "0"),
    ((1.5, 0), "2"),
    ((2.5, 0), "2"),
    ((-2.5, 0), "-2"),
    ((0.125, 2), "0.12"),
    ((0.375, 2), "0.38"),
    ((-0.0,), "-0"),
    ((0.0,), "0"),
    ((-0.04, 1), "-0.0"),
    ((1e22,), "10000000000000000000000"),
    ((1e16,), "10000000000000000"),
    ((123456.789,), "123456.8"),
    ((1e-7,), "0.0"),
    ((1e-7, 10), "0.0000001000"),
    ((-1e-10, 2), "-0.00"),
    ((5e-324, 3), "0.000"),
    ((0.1, 20), "0.10000000000000000555"),
    ((0.1, 30), "0.100000000000000005551115123126"),
    ((1.0000000001, 12), "1.000000000100"),
    ((math.inf,), "inf"),
    ((-math.inf,), "-inf"),
    ((math.nan,), "nan"),
    ((-math.nan, 3), "nan"),
    ((True,), "True"),
    ((False,), "False"),
    ((True, -1), "True"),
    ((0,), "0"),
    ((-7,), "-7"),
    ((10**30,), "1000000000000000000000000000000"),
    ((5, -3), "5"),
    ((2**64, 2), "18446744073709551616"),
]


@pytest.mark.parametrize(("args", "expected"), FORMAT_FLOAT)
def test_format_float_values(string: ModuleType, args: tuple[Any, ...], expected: str) -> None:
    assert string.format_float(*args) == expected


def test_format_float_whole_values_print_every_digit(string: ModuleType) -> None:
    assert string.format_float(1e300) == (
        "1000000000000000052504760255204420248704468581108159154915854115511802457988908195786"
        "3713750804478640437044438328838781769425232353604305756447921847867069828483872009265"
        "7580373783023379478809005936895323497079994508111903896764088007465274278014249457925"
        "8788820056842838115669472196386865459400540160"
    )
    assert string.format_float(-1.7976931348623157e308) == "-" + str(int(1.7976931348623157e308))
    assert string.format_float(2.0**64) == "18446744073709551616"


@pytest.mark.parametrize("num", [2.5, 0.1, math.inf, -math.inf, math.nan])
@pytest.mark.parametrize("precision", [-1, -5, -(2**70)])
def test_format_float_negative_precision(string: ModuleType, num: float, precision: int) -> None:
    with pytest.raises(ValueError) as info:
        string.format_float(num, precision)
    assert str(info.value) == "Format specifier missing precision"


def test_format_float_large_precisions(string: ModuleType) -> None:
    assert string.format_float(2.5, 2000) == "2.5" + "0" * 1999
    exact = string.format_float(5e-324, 1100)
    assert exact.startswith("0." + "0" * 323 + "49406564584124654417656879286822137236505980")
    assert len(exact) == 1102
    with pytest.raises(ValueError) as info:
        string.format_float(2.5, 2**31)
    assert str(info.value) == "precision too big"
    with pytest.raises(ValueError) as info:
        string.format_float(2.5, 2**63)
    assert str(info.value) == "Too many decimal digits in format string"


class LoudInt(int):
    def __str__(self) -> str:
        return "loud"


class WholeFloat(float):
    def is_integer(self) -> bool:
        return False


class FakeNumber:
    """A numpy-like scalar: not a float, but with is_integer() and __format__."""

    def __init__(self, value: float) -> None:
        self.value = value

    def is_integer(self) -> bool:
        return self.value.is_integer()

    def __format__(self, spec: str) -> str:
        return f"<{format(self.value, spec)}>"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((LoudInt(5),), "loud"),
        ((WholeFloat(2.0),), "2.0"),
        ((WholeFloat(2.0), 3), "2.000"),
        ((FakeNumber(2.0),), "<2>"),
        ((FakeNumber(2.5), 3), "<2.500>"),
        ((2.5, "3"), "2.500"),  # precision goes through the f-string as text
    ],
)
def test_format_float_exotic_types(
    string: ModuleType, args: tuple[Any, ...], expected: str
) -> None:
    assert string.format_float(*args) == expected


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (("x",), AttributeError, "'str' object has no attribute 'is_integer'"),
        ((None,), AttributeError, "'NoneType' object has no attribute 'is_integer'"),
        (
            (Decimal("2.5"),),
            AttributeError,
            "'decimal.Decimal' object has no attribute 'is_integer'",
        ),
        ((2.5, None), ValueError, "Format specifier missing precision"),
        ((2.5, True), ValueError, "Format specifier missing precision"),
        # CPython's own text (3.9 says less): format() of a float with that specifier.
        ((2.5, 2.0), ValueError, cpython_says(lambda: format(2.5, ".2.0f"))),
        # An int subclass goes through format(), which calls its __str__: '.loudf'.
        ((2.5, LoudInt(1)), ValueError, "Format specifier missing precision"),
    ],
)
def test_format_float_errors(
    string: ModuleType, args: tuple[Any, ...], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as info:
        string.format_float(*args)
    assert str(info.value) == message


def test_format_float_fraction(string: ModuleType) -> None:
    # Fraction.is_integer() exists from Python 3.12 on; before, this is an AttributeError.
    try:
        expected: Any = f"{Fraction(5, 2):.1f}" if hasattr(Fraction, "is_integer") else None
    except (TypeError, ValueError):  # Fraction.__format__ arrived in 3.12 too
        expected = None
    if expected is None:
        with pytest.raises(AttributeError):
            string.format_float(Fraction(5, 2))
    else:
        assert string.format_float(Fraction(5, 2)) == expected


# --- truncate_long_string ----------------------------------------------------------------------

SENTENCE = "hello world this is a long string that exceeds"

TRUNCATE: list[tuple[tuple[Any, ...], str]] = [
    # SPEC examples
    ((SENTENCE, 20), "hello world this is a..."),
    (("abcdefgh", 5, True), "a...h"),
    (("ab cd", -1), "a..."),
    (("a" * 40,), "a" * 35 + "..."),
    # short strings come back unchanged
    (("a" * 35,), "a" * 35),
    (("", 0), ""),
    (("abc", 3, True), "abc"),
    # middle mode
    (("abc", 2, True), "..."),
    (("abcdef", -5, True), "..."),
    (("abcdef", 3, True), "..."),
    (("abcdef", 4, True), "a..."),
    (("abcdefgh", 6, True), "ab...h"),
    (("abcdefgh", 7, True), "ab...gh"),
    (("\U0001f600b\u0301cdefg\U0001f601", 6, True), "\U0001f600b...\U0001f601"),
    ((SENTENCE, 20, True), "hello wor... exceeds"),
    # end mode
    (("abc", 2), "ab..."),
    (("abc", 0), "..."),
    (("", -1), "..."),
    (("abc def", -10), "..."),
    (("abc def", -2), "a..."),
    ((" abc", 0), "..."),
    ((" abc", 2), " a..."),
    (("ab cd ef", 5), "ab cd..."),
    (("ab cd ef", 4), "ab c..."),
    (("abc def", 5), "abc d..."),
    (("a b c d e f", 3), "a b..."),
    (("a  b", 3), "a  ..."),
    (("\xe9t\xe9 long words", 6), "\xe9t\xe9 lo..."),
    (
        ("\U0001f600\U0001f600 \U0001f600\U0001f600\U0001f600", 4),
        "\U0001f600\U0001f600 \U0001f600...",
    ),
    (("tab\tseparated words here", 5), "tab\ts..."),
    ((SENTENCE, 11), "hello world..."),
    ((SENTENCE, 10), "hello worl..."),
    ((SENTENCE, 9), "hello wor..."),
    ((SENTENCE, 4), "hell..."),
    ((SENTENCE, 45), "hello world this is a long string that exceed..."),
]


@pytest.mark.parametrize(("args", "expected"), TRUNCATE)
def test_truncate_long_string_values(
    string: ModuleType, args: tuple[Any, ...], expected: str
) -> None:
    assert string.truncate_long_string(*args) == expected


def test_truncate_long_string_returns_short_input_itself(string: ModuleType) -> None:
    s = "".join(["short", " text"])
    assert string.truncate_long_string(s) is s
    assert string.truncate_long_string(s, 10, True) is s


def test_truncate_long_string_huge_lengths(string: ModuleType) -> None:
    assert string.truncate_long_string("abc", 10**30) == "abc"
    assert string.truncate_long_string("abc d", -(10**30)) == "..."
    assert string.truncate_long_string("abc d", -(10**30), True) == "..."


def test_truncate_long_string_lone_surrogates(string: ModuleType) -> None:
    assert string.truncate_long_string("a\ud800bcdef", 3) == "a\ud800b..."
    assert string.truncate_long_string("a\ud800bcdef", 5, True) == "a...f"


class SplitStr(str):
    def split(self, sep: Any = None, maxsplit: Any = -1) -> list[str]:  # type: ignore[override]
        return ["overridden"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("abc", 2, 1), "..."),  # any truthy truncate_middle
        (("abc", 2, "x"), "..."),
        (("abc def", 5, None), "abc d..."),
        (("abc def", 5, 0), "abc d..."),
        (("abc", True), "a..."),  # bool max_length is an int
        ((["a", "b"], 2), ["a", "b"]),  # anything with len() <= max_length comes back
        ((SplitStr("a b c d e f g"), 5), "overr..."),  # its own split() is used
    ],
)
def test_truncate_long_string_exotic_types(
    string: ModuleType, args: tuple[Any, ...], expected: Any
) -> None:
    assert string.truncate_long_string(*args) == expected


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        # CPython's own text of a float slice index (3.15 changed it).
        (("abc", 2.5), TypeError, cpython_says(lambda: "abc"[:2.5])),  # type: ignore[misc]  # noqa: RUF016
        ((["a", "b", "c"], 2), AttributeError, "'list' object has no attribute 'split'"),
        (("ab", None), TypeError, "'<=' not supported between instances of 'int' and 'NoneType'"),
        ((None,), TypeError, "object of type 'NoneType' has no len()"),
    ],
)
def test_truncate_long_string_errors(
    string: ModuleType, args: tuple[Any, ...], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as info:
        string.truncate_long_string(*args)
    assert str(info.value) == message


class Unjudgeable:
    def __bool__(self) -> bool:
        raise RuntimeError("truth value asked")


def test_truncate_long_string_checks_length_before_truncate_middle(string: ModuleType) -> None:
    assert string.truncate_long_string("abc", 5, Unjudgeable()) == "abc"
    with pytest.raises(RuntimeError, match=r"^truth value asked$"):
        string.truncate_long_string("abcdef", 5, Unjudgeable())


# --- calling conventions -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["base36_encode", "format_float", "truncate_long_string"])
def test_signatures_match_the_fallback(name: str) -> None:
    import sky_rs.fallback

    rust = getattr(rust_module("string"), name)
    python = getattr(sky_rs.fallback, name)
    rust_params = [(p.name, p.default) for p in inspect.signature(rust).parameters.values()]
    python_params = [(p.name, p.default) for p in inspect.signature(python).parameters.values()]
    assert rust_params == python_params


def test_keyword_arguments(string: ModuleType) -> None:
    assert string.base36_encode(hex_str="ff") == "73"
    assert string.format_float(num=2.345, precision=2) == "2.35"
    assert string.format_float(2.25, precision=1) == "2.2"
    assert string.truncate_long_string(s="abcdefgh", max_length=5, truncate_middle=True) == "a...h"
    assert string.truncate_long_string("abcdefgh", truncate_middle=True, max_length=6) == "ab...h"


@pytest.mark.parametrize(
    ("name", "args", "kwargs", "message"),
    [
        ("format_float", (), {}, "format_float() missing 1 required positional argument: 'num'"),
        (
            "format_float",
            (1, 2, 3),
            {},
            "format_float() takes from 1 to 2 positional arguments but 3 were given",
        ),
        (
            "format_float",
            (1.5,),
            {"digits": 2},
            "format_float() got an unexpected keyword argument 'digits'",
        ),
        (
            "base36_encode",
            (),
            {},
            "base36_encode() missing 1 required positional argument: 'hex_str'",
        ),
        (
            "truncate_long_string",
            ("a",),
            {"s": "b"},
            "truncate_long_string() got multiple values for argument 's'",
        ),
    ],
)
def test_bad_calls(
    string: ModuleType, name: str, args: tuple[Any, ...], kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(TypeError) as info:
        getattr(string, name)(*args, **kwargs)
    assert str(info.value) == message
