"""process domain, pure Python. PLACEHOLDER: being written."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Optional


def get_parallel_threads(cloud_str: Optional[str] = None) -> int:
    raise NotImplementedError


def get_max_workers_for_file_mounts(
    common_file_mounts: Mapping[Any, str], cloud_str: Optional[str] = None
) -> int:
    raise NotImplementedError


def is_process_alive(pid: int) -> bool:
    raise NotImplementedError


def are_processes_alive(pids: Iterable[int]) -> list[bool]:
    raise NotImplementedError


def estimate_fd_for_directory(path: str) -> int:
    raise NotImplementedError
