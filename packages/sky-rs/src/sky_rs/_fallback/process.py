"""process domain, pure Python: worker sizing, file-descriptor estimates, process liveness.

This module is the readable statement of the contract (``SPEC.md``, "Domain process"); the
Rust wheel ``sky_rs_process`` must behave exactly like it. Linux only, like the reference.

Logging: :func:`get_max_workers_for_file_mounts` warns about a low descriptor limit on the
logger named ``"sky_rs.process"`` (SkyPilot uses ``"sky.utils.subprocess_utils"``), at most
once per process. The "once" flag lives here and is shared with the Rust backend, which calls
:func:`_warn_low_fd_limit` when the limit is low.
"""

from __future__ import annotations

import logging
import os
import resource
from collections.abc import Iterable, Mapping
from typing import Any, Union

__all__ = [
    "are_processes_alive",
    "estimate_fd_for_directory",
    "get_max_workers_for_file_mounts",
    "get_parallel_threads",
    "is_process_alive",
]

logger = logging.getLogger("sky_rs.process")

_PROC = "/proc"
_FD_PER_ENTRY = 5
"""Descriptors assumed per file or folder under a synced directory (and per rsync at least)."""
_FD_RESERVE = 100
"""Descriptors kept back for the rest of the process."""
_LOW_FD_LIMIT = 1024
_KUBERNETES_THREAD_MULTIPLIER = 4

_fd_limit_warning_shown = False

StrPath = Union[str, "os.PathLike[str]"]


def _thread_multiplier(cloud_str: str | None) -> int:
    # Truthiness first, then ``.lower()``: any object with a ``lower`` method works, as in
    # the reference, and ``str.lower`` is the Unicode-aware one (the Kelvin sign counts as k).
    if cloud_str and cloud_str.lower() == "kubernetes":
        return _KUBERNETES_THREAD_MULTIPLIER
    return 1


def get_parallel_threads(cloud_str: str | None = None) -> int:
    """Number of threads for parallel work.

    ``max(4, os.cpu_count() - 1)``, where a ``None`` count counts as 1 (so the result is at
    least 4), times 4 when ``cloud_str`` is truthy and ``cloud_str.lower() == 'kubernetes'``.
    The CPU count is read on every call (``sysconf(_SC_NPROCESSORS_ONLN)`` on Linux).
    """
    cpu_count = os.cpu_count()
    if cpu_count is None:
        cpu_count = 1
    return max(4, cpu_count - 1) * _thread_multiplier(cloud_str)


def _warn_low_fd_limit(fd_limit: int) -> None:
    """Log the low-limit warning, the first time only (shared with the Rust backend)."""
    global _fd_limit_warning_shown
    if fd_limit < _LOW_FD_LIMIT and not _fd_limit_warning_shown:
        logger.warning(
            f"Open file descriptor limit ({fd_limit}) is low. File sync to remote clusters "
            "may be slow. Consider increasing the limit using `ulimit -n <number>` or "
            "modifying system limits."
        )
        _fd_limit_warning_shown = True


def estimate_fd_for_directory(path: StrPath) -> int:
    """Descriptors an rsync of ``path`` is assumed to need: ``len(os.listdir(path)) * 5``.

    Hidden entries count; ``.`` and ``..`` do not. Errors are exactly those of
    ``os.listdir`` (``FileNotFoundError``, ``NotADirectoryError``, ``PermissionError`` with
    ``errno`` and ``filename`` set, ``ValueError`` for an embedded NUL, ``TypeError``).
    """
    return len(os.listdir(path)) * _FD_PER_ENTRY


def get_max_workers_for_file_mounts(
    common_file_mounts: Mapping[Any, str], cloud_str: str | None = None
) -> int:
    """Number of parallel rsync workers for the file mounts.

    1. ``fd_limit`` is the soft ``RLIMIT_NOFILE``; unlimited reads as ``-1``, as
       ``resource.getrlimit`` reports it. When ``fd_limit < 1024`` (``-1`` included) a
       warning is logged, once per process.
    2. ``fd_per_rsync`` starts at 5. For each *value* of the mapping (keys are ignored) that
       ``os.path.isdir`` (symlinks followed) calls a directory, it is raised to
       ``len(os.listdir(src)) * 5`` when that is larger. ``os.listdir`` errors propagate.
    3. The result is ``min(max((fd_limit - 100) // fd_per_rsync, 1),
       get_parallel_threads(cloud_str))``, with floor division. ``cloud_str`` is only looked
       at in this last step, so a directory error wins over a bad ``cloud_str``.
    """
    fd_limit, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    _warn_low_fd_limit(fd_limit)
    fd_per_rsync = _FD_PER_ENTRY
    for src in common_file_mounts.values():
        if os.path.isdir(src):
            fd_per_rsync = max(fd_per_rsync, estimate_fd_for_directory(src))
    max_workers = (fd_limit - _FD_RESERVE) // fd_per_rsync
    return min(max(max_workers, 1), get_parallel_threads(cloud_str))


def _proc_pids() -> list[int]:
    # The pids listed in /proc (thread ids are not listed). Bytes names, as psutil does, so a
    # missing /proc raises FileNotFoundError with filename b'/proc'.
    return [int(name) for name in os.listdir(os.fsencode(_PROC)) if name.isdigit()]


def is_process_alive(pid: int) -> bool:
    """Whether a process (not a thread) with this pid exists: ``psutil.pid_exists(pid)`` on Linux.

    - ``pid < 0`` is False, and so is ``pid == 0`` (0 is never listed in ``/proc``).
    - ``os.kill(pid, 0)``: ``ProcessLookupError`` (ESRCH) means False; ``PermissionError``
      (EPERM, another user's process) and success mean the pid exists. Zombies exist.
      Arguments ``os.kill`` rejects raise its error: ``OverflowError`` above the C ``int``
      range, ``TypeError`` for a float.
    - An existing pid is a process only when the ``Tgid:`` line of ``/proc/<pid>/status``
      equals it, so thread ids give False. When that file cannot be read, or has no ``Tgid``
      line, the answer is whether ``pid`` is listed in ``/proc``.

    Each step uses the argument itself (``<``, ``==``, ``os.kill``, formatting), so ``bool``,
    ``int`` subclasses and floats behave as they do in psutil.
    """
    if pid < 0:
        return False
    if pid == 0:
        # kill(0, ...) would mean "my process group"; psutil answers "0 in pids()".
        return pid in _proc_pids()
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # EPERM: the process exists, it just is not ours to signal.
    try:
        path = f"{_PROC}/{pid}/status"
        with open(path, "rb") as status:
            for line in status:
                if line.startswith(b"Tgid:"):
                    return int(line.split()[1]) == pid
        raise ValueError(f"'Tgid' line not found in {path}")
    except (OSError, ValueError):
        return pid in _proc_pids()


def are_processes_alive(pids: Iterable[int]) -> list[bool]:
    """:func:`is_process_alive` for each pid of any iterable, in order, in one call."""
    return [is_process_alive(pid) for pid in pids]
