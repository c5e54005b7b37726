"""Specs of the string domain: base 36, floats, truncation. No system calls."""

from __future__ import annotations

import random
import uuid

from sky_rs._bench.cases import string_case
from sky_rs._spec.model import Call, Spec, Workspace

_UUID_HEX = uuid.UUID(int=random.Random(4).getrandbits(128), version=4).hex
"""A uuid4 as 32 hex digits, seeded: every run encodes the same one."""
_SENTENCE = "The quick brown fox jumps over the lazy dog by the big lake."


def _base36_samples(w: Workspace) -> list[Call]:
    return [
        Call("uuid4 hex", (_UUID_HEX,)),
        Call("'ff'", ("ff",)),
        Call("'0x' + 32 x 'f'", ("0x" + "f" * 32,)),
        Call("600 hex digits", ("ab" * 300,)),
        Call("b'  -0  '", (b"  -0  ",)),
        Call("'-ff'", ("-ff",)),
        Call("'xyz'", ("xyz",)),
    ]


def _float_samples(w: Workspace) -> list[Call]:
    return [
        Call("3.14159, 2", (3.14159, 2)),
        Call("2.25", (2.25,)),
        Call("-0.0", (-0.0,)),
        Call("1e300", (1e300,)),
        Call("nan, 3", (float("nan"), 3)),
        Call("1.5, -1", (1.5, -1)),
        Call("7, 2", (7, 2)),
        Call("2.675, 2", (2.675, 2)),
    ]


def _truncate_samples(w: Workspace) -> list[Call]:
    return [
        Call("sentence, 20", ("hello world this is a long string that exceeds", 20)),
        Call("'abcdefgh', 5, True", ("abcdefgh", 5, True)),
        Call("100 emoji, 7", ("\U0001f600" * 100, 7)),
        Call("'x', 0", ("x", 0)),
    ]


SPECS: dict[str, Spec] = {
    "base36_encode": Spec(
        _base36_samples, lambda data: [string_case("base36_encode", "uuid4 hex", _UUID_HEX)], 0
    ),
    "format_float": Spec(
        _float_samples,
        lambda data: [string_case("format_float", "3.14159, precision=2", 3.14159, 2)],
        0,
    ),
    "truncate_long_string": Spec(
        _truncate_samples,
        lambda data: [string_case("truncate_long_string", "60-char sentence, max 35", _SENTENCE)],
        0,
    ),
}
