"""format_float on both backends.

Every expected value below was checked by hand against SkyPilot 0.14.1
(``sky.utils.common_utils``) on CPython 3.11.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from types import ModuleType
from typing import Any

import pytest

from tests.support.backends import cpython_says

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
