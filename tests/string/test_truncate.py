"""truncate_long_string on both backends, and the string functions' calling conventions.

Every expected value below was checked by hand against SkyPilot 0.14.1
(``sky.utils.common_utils``) on CPython 3.11.
"""

from __future__ import annotations

import inspect
from types import ModuleType
from typing import Any

import pytest

from tests.support.backends import cpython_says, rust_module

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
