"""string domain, pure Python: base-36 encoding, float formatting, string truncation.

The behaviour is that of SkyPilot 0.14.1's functions of the same names (``SPEC.md``, "Domain
string"), with one deliberate deviation: ``base36_encode`` raises ``ValueError`` on a negative
value, where the reference loops forever.
"""

from __future__ import annotations

__all__ = ["base36_encode", "format_float", "truncate_long_string"]

_BASE36_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def base36_encode(hex_str: str | bytes | bytearray) -> str:
    """Re-encode a hexadecimal number in base 36 (digits ``0-9a-z``, no prefix; zero is ``'0'``).

    ``hex_str`` is parsed exactly as ``int(hex_str, 16)`` parses it: surrounding whitespace, a
    sign, a ``0x``/``0X`` prefix, single underscores between digits, Unicode decimal digits, and
    ``str``, ``bytes`` or ``bytearray`` input. Bad input raises what ``int()`` raises, e.g.
    ``ValueError: invalid literal for int() with base 16: 'xyz'``. Any length works.

    Raises:
        ValueError: for a negative value, ``base36_encode() requires a non-negative value, got
            <repr(hex_str), at most 200 characters>`` (``'-0'`` is zero and encodes to ``'0'``).
    """
    value = int(hex_str, 16)
    if value < 0:
        raise ValueError(
            f"base36_encode() requires a non-negative value, got {repr(hex_str)[:200]}"
        )
    if value == 0:
        return "0"
    digits = []
    while value:
        value, digit = divmod(value, 36)
        digits.append(_BASE36_DIGITS[digit])
    return "".join(reversed(digits))


def format_float(num: float | int, precision: int = 1) -> str:
    """Format a number, dropping the decimals of whole values.

    - An ``int`` (``bool`` and int subclasses included) gives ``str(num)``: ``True`` -> ``'True'``.
    - Otherwise a whole value (``num.is_integer()``) gives ``f'{num:.0f}'``, ignoring
      ``precision``: ``-0.0`` -> ``'-0'``, ``1e300`` -> all 301 digits.
    - Anything else gives ``f'{num:.{precision}f}'``, rounded half to even on the exact binary
      value: ``2.25`` -> ``'2.2'``, ``2.35`` -> ``'2.4'``, ``inf`` -> ``'inf'``,
      ``nan`` -> ``'nan'``.

    A negative precision raises ``ValueError('Format specifier missing precision')`` (only where
    it is used). A non-number raises whatever those expressions raise on it, e.g.
    ``AttributeError: 'str' object has no attribute 'is_integer'``.
    """
    if isinstance(num, int):
        return str(num)
    if num.is_integer():
        return f"{num:.0f}"
    return f"{num:.{precision}f}"


def truncate_long_string(s: str, max_length: int = 35, truncate_middle: bool = False) -> str:
    """Shorten ``s`` to about ``max_length`` code points, marking the cut with ``'...'``.

    Lengths and indices are in code points with Python slice semantics (negative ``max_length``
    counts from the end). ``s`` itself comes back when ``len(s) <= max_length``.

    Middle mode (``truncate_middle`` true): ``'...'`` when ``max_length <= 3``; otherwise the first
    ``ceil((max_length - 3) / 2)`` and the last ``floor((max_length - 3) / 2)`` characters joined by
    ``'...'`` (just the start and ``'...'`` when the end part is empty): ``('abcdefgh', 5, True)``
    -> ``'a...h'``.

    End mode, on word boundaries (words split on a single ``' '``):

    1. If the first word is longer than ``max_length``: ``first_word[:max_length] + '...'``
       (``('ab cd', -1)`` -> ``'a...'``).
    2. Otherwise add up word lengths (spaces not counted) and stop at the first word where the
       sum reaches ``max_length`` (or at the last word); the prefix is the words before it,
       joined by ``' '``.
    3. If the prefix is shorter than ``max_length``, extend it with
       ``s[len(prefix):max_length]``. Return prefix + ``'...'``.

    So the result can be longer than ``max_length``: ``('hello world this is a long string that
    exceeds', 20)`` -> ``'hello world this is a...'``.
    """
    if len(s) <= max_length:
        return s

    if truncate_middle:
        if max_length <= 3:
            return "..."
        # One character more at the start when max_length - 3 is odd.
        end_length = (max_length - 3) // 2
        start_length = end_length + (max_length - 3) % 2
        if end_length == 0:
            return s[:start_length] + "..."
        return s[:start_length] + "..." + s[-end_length:]

    words = s.split(" ")
    if len(words[0]) > max_length:
        return words[0][:max_length] + "..."
    stop = len(words) - 1
    total = 0
    for index, word in enumerate(words):
        total += len(word)
        if total >= max_length:
            stop = index
            break
    prefix = " ".join(words[:stop])
    if len(prefix) < max_length:
        prefix += s[len(prefix) : max_length]
    return prefix + "..."
