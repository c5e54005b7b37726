"""system domain, pure Python: cgroup-aware CPU count and memory size.

This module is the readable statement of the contract (``SPEC.md``, "Domain system"); the
Rust wheel ``sky_rs_system`` must behave exactly like it. Linux only, like the reference.
Nothing is cached: the environment and every file are read again on each call, so a changed
override or a resized container shows at once.

Numbers are read with Python's own ``float()`` and ``int()``: surrounding whitespace
(Unicode too), underscores between digits, ``inf``/``nan`` in any case, Unicode decimal
digits. A cgroup file that cannot be opened, read, decoded as UTF-8 or parsed means "no
limit". Where the reference's own arithmetic raises, so does this module:
``ZeroDivisionError`` for a cgroup v2 ``cpu.max`` with a positive quota and a zero period,
``OverflowError``/``ValueError`` from ``int()`` of an infinite or NaN limit.

The files read are fixed: below ``/sys/fs/cgroup``, and ``/proc/meminfo``. The tests put fake
trees there by bind mounts in a private mount namespace (``tests/support/fake_roots.py``).
"""

from __future__ import annotations

import errno
import os

__all__ = ["get_cpu_count", "get_mem_size_gb"]

_CPU_LIMIT_ENV = "SKYPILOT_POD_CPU_CORE_LIMIT"
_MEMORY_GB_LIMIT_ENV = "SKYPILOT_POD_MEMORY_GB_LIMIT"
_MEMORY_BYTES_LIMIT_ENV = "SKYPILOT_POD_MEMORY_BYTES_LIMIT"

# The files read.
_CGROUP_CONTROLLERS = "/sys/fs/cgroup/cgroup.controllers"
_CPU_MAX = "/sys/fs/cgroup/cpu.max"
_CFS_QUOTA = "/sys/fs/cgroup/cpu/cpu.cfs_quota_us"
_CFS_PERIOD = "/sys/fs/cgroup/cpu/cpu.cfs_period_us"
_MEMORY_MAX = "/sys/fs/cgroup/memory.max"
_MEMORY_LIMIT_V1 = "/sys/fs/cgroup/memory/memory.limit_in_bytes"
_MEMINFO = "/proc/meminfo"


def get_cpu_count() -> int:
    """The number of CPUs this process may use, with cgroup awareness.

    If ``SKYPILOT_POD_CPU_CORE_LIMIT`` is set, return ``int(float(value))``. A value
    ``float()`` rejects, or NaN, raises
    ``ValueError('Failed to parse the number of CPUs from {value}')`` chained from the
    original error; an infinite value raises ``OverflowError`` unchanged.

    Otherwise the smallest of: the online CPUs (``sysconf(_SC_NPROCESSORS_ONLN)``, which
    is what ``psutil.cpu_count()`` returns on Linux), ``len(os.sched_getaffinity(0))``, and
    ``int(limit)`` of the cgroup CPU limit when there is one. ``int()`` truncates, so a
    quota of half a CPU gives 0.

    The cgroup limit is ``quota / period``: from cgroup v2's ``cpu.max`` (``"quota
    period"``; ``max`` or a quota of 0 or less is no limit) when ``cgroup.controllers`` is a
    file, else from cgroup v1's ``cpu/cpu.cfs_quota_us`` and ``cpu/cpu.cfs_period_us`` (a
    limit only when both are above 0).
    """
    value = os.getenv(_CPU_LIMIT_ENV)
    if value is not None:
        try:
            return int(float(value))
        except ValueError as e:
            raise ValueError(f"Failed to parse the number of CPUs from {value}") from e
    cpu = len(os.sched_getaffinity(0))
    online = os.sysconf("SC_NPROCESSORS_ONLN")
    if online >= 1:  # psutil reports a count below 1 as unknown
        cpu = min(cpu, online)
    limit = _cgroup_cpu_limit()
    if limit is not None:
        cpu = min(cpu, int(limit))
    return cpu


def get_mem_size_gb() -> float:
    """The memory this process may use, in GB (1024**3 bytes), with cgroup awareness.

    ``SKYPILOT_POD_MEMORY_GB_LIMIT``, if set, gives ``float(value)``; else
    ``SKYPILOT_POD_MEMORY_BYTES_LIMIT``, if set, gives ``float(value) / 1024**3``. A value
    ``float()`` rejects raises ``ValueError('Failed to parse the memory size from {value}
    (GB)')`` (or ``(bytes)``), chained from the original error.

    Otherwise total RAM (``MemTotal`` of ``/proc/meminfo`` times 1024, which is
    ``psutil.virtual_memory().total``), or the cgroup memory limit when that is smaller,
    divided by 1024**3. The limit comes from cgroup v2's ``memory.max`` when
    ``cgroup.controllers`` is a file, else from v1's ``memory/memory.limit_in_bytes``;
    ``max``, empty, 0 or less, or unreadable is no limit.
    """
    value = os.getenv(_MEMORY_GB_LIMIT_ENV)
    if value is not None:
        try:
            return float(value)
        except ValueError as e:
            raise ValueError(f"Failed to parse the memory size from {value} (GB)") from e
    value = os.getenv(_MEMORY_BYTES_LIMIT_ENV)
    if value is not None:
        try:
            return float(value) / (1024**3)
        except ValueError as e:
            raise ValueError(f"Failed to parse the memory size from {value} (bytes)") from e
    mem = _total_memory()
    limit = _cgroup_memory_limit()
    if limit is not None:
        mem = min(mem, limit)
    return mem / (1024**3)


def _is_cgroup_v2() -> bool:
    return os.path.isfile(_CGROUP_CONTROLLERS)


def _read_text(path: str) -> str:
    # Bytes, decoded here: a read that finds no data on a non-blocking file returns None,
    # which is a read error (no limit), not a TypeError. Newlines are not translated: every
    # caller splits on whitespace.
    with open(path, "rb") as f:
        data = f.read()
    if data is None:
        raise BlockingIOError(errno.EAGAIN, os.strerror(errno.EAGAIN))
    return data.decode("utf-8")


def _cgroup_cpu_limit() -> float | None:
    """The cgroup CPU limit in cores (possibly fractional), or ``None`` for no limit."""
    try:
        if _is_cgroup_v2():
            quota_str, period_str = _read_text(_CPU_MAX).split()
            if quota_str == "max":
                return None
            quota = float(quota_str)
            period = float(period_str)
            # A zero period raises ZeroDivisionError, which is not caught (as in the reference).
            return quota / period if quota > 0 else None
        quota = float(_read_text(_CFS_QUOTA).strip())
        if not quota > 0:
            # No limit whatever the period file holds, so it is not read.
            return None
        period = float(_read_text(_CFS_PERIOD).strip())
        return quota / period if period > 0 else None
    except (OSError, ValueError):
        return None


def _cgroup_memory_limit() -> int | None:
    """The cgroup memory limit in bytes, or ``None`` for no limit."""
    try:
        value = _read_text(_MEMORY_MAX if _is_cgroup_v2() else _MEMORY_LIMIT_V1).strip()
        if value == "max" or not value:
            return None
        limit = int(value)
        return limit if limit > 0 else None
    except (OSError, ValueError):
        return None


def _total_memory() -> int:
    """``MemTotal`` of meminfo in bytes: the first line whose first field is ``MemTotal:``
    and whose second is an integer. Errors opening the file propagate; no such line raises
    ``KeyError(b'MemTotal:')``, as psutil does."""
    with open(_MEMINFO, "rb") as f:
        for line in f:
            fields = line.split()
            if len(fields) >= 2 and fields[0] == b"MemTotal:":
                try:
                    return int(fields[1]) * 1024
                except ValueError:
                    continue
    raise KeyError(b"MemTotal:")
