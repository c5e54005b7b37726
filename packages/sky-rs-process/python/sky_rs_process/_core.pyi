import os
from collections.abc import Iterable, Mapping
from typing import Any, Union

StrPath = Union[str, "os.PathLike[str]"]

__version__: str

def get_parallel_threads(cloud_str: str | None = None) -> int: ...
def get_max_workers_for_file_mounts(
    common_file_mounts: Mapping[Any, str], cloud_str: str | None = None
) -> int: ...
def estimate_fd_for_directory(path: StrPath) -> int: ...
def is_process_alive(pid: int) -> bool: ...
def are_processes_alive(pids: Iterable[int]) -> list[bool]: ...

__all__ = [
    "__version__",
    "are_processes_alive",
    "estimate_fd_for_directory",
    "get_max_workers_for_file_mounts",
    "get_parallel_threads",
    "is_process_alive",
]
