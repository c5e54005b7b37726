"""Specs of the system domain: cgroup-aware CPU count and memory size.

The samples run on the machine's own cgroup and ``/proc``; fake trees are the tests' business
(they are mounted in a private mount namespace, never through the API).
"""

from __future__ import annotations

from sky_rs._bench.cases import FloorPart, cgroup_case
from sky_rs._spec.model import Call, Spec, Workspace

CPU_ENV = "SKYPILOT_POD_CPU_CORE_LIMIT"
GB_ENV = "SKYPILOT_POD_MEMORY_GB_LIMIT"
BYTES_ENV = "SKYPILOT_POD_MEMORY_BYTES_LIMIT"
OVERRIDES = (CPU_ENV, GB_ENV, BYTES_ENV)
"""SkyPilot's environment overrides of the system functions."""
_NO_OVERRIDE: dict[str, str | None] = dict.fromkeys(OVERRIDES)


def _cpu_samples(w: Workspace) -> list[Call]:
    return [
        Call("", env=_NO_OVERRIDE),
        Call(f"{CPU_ENV}=2.5", env={CPU_ENV: "2.5"}),
        Call(f"{CPU_ENV}=four", env={CPU_ENV: "four"}),
    ]


def _memory_samples(w: Workspace) -> list[Call]:
    return [
        Call("", env=_NO_OVERRIDE),
        Call(f"{GB_ENV}=1.5", env={**_NO_OVERRIDE, GB_ENV: "1.5"}),
        Call(f"{BYTES_ENV}=2**30", env={**_NO_OVERRIDE, BYTES_ENV: str(2**30)}),
        Call(f"{GB_ENV}=lots", env={**_NO_OVERRIDE, GB_ENV: "lots"}),
    ]


SPECS: dict[str, Spec] = {
    # sched_getaffinity, open, read, close (the cgroup version is learnt once)
    "get_cpu_count": Spec(
        _cpu_samples,
        lambda data: cgroup_case(
            "get_cpu_count",
            FloorPart("sched_getaffinity", "sched_getaffinity", None),
            "cpu quota",
            "cpu.max",
            "cpu/cpu.cfs_quota_us",
        ),
        4,
        io=True,
    ),
    # sysinfo, open, read, close
    "get_mem_size_gb": Spec(
        _memory_samples,
        lambda data: cgroup_case(
            "get_mem_size_gb",
            FloorPart("sysinfo", "sysinfo", None),
            "memory limit",
            "memory.max",
            "memory/memory.limit_in_bytes",
        ),
        4,
        io=True,
    ),
}
