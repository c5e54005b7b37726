"""io domain, pure Python. PLACEHOLDER: being written."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any, Union

StrPath = Union[str, "os.PathLike[str]"]


def read_last_n_lines(
    file_path: StrPath, n: int, chunk_size: int = 8192, encoding: str = "utf-8", errors: str = "replace"
) -> list[str]:
    raise NotImplementedError


def hash_file(path: StrPath, hash_alg: str) -> Any:
    raise NotImplementedError


def hash_files(paths: Iterable[StrPath], hash_alg: str) -> list[Any]:
    raise NotImplementedError


def find_free_port(start_port: int) -> int:
    raise NotImplementedError
