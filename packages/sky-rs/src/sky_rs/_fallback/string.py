"""string domain, pure Python. PLACEHOLDER: being written."""

from __future__ import annotations

from typing import Union


def base36_encode(hex_str: Union[str, bytes, bytearray]) -> str:
    raise NotImplementedError


def format_float(num: Union[float, int], precision: int = 1) -> str:
    raise NotImplementedError


def truncate_long_string(s: str, max_length: int = 35, truncate_middle: bool = False) -> str:
    raise NotImplementedError
