"""get_mem_size_gb on both backends against fake trees, and both functions on the real machine.

Expected values come from SPEC.md and were checked by hand against SkyPilot 0.14.1."""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType
from typing import Callable

import psutil
import pytest
import sky_rs._fallback.system as fallback_system

from tests.support.backends import rust_module
from tests.support.trees import (
    DIR,
    GIB,
    MEMTOTAL,
    Content,
    Mount,
    Mounted,
    write_files,
)

# --- Memory -----------------------------------------------------------------------------


@pytest.mark.parametrize("v2", [True, False], ids=["v2", "v1"])
@pytest.mark.parametrize(
    ("content", "expected_bytes"),
    [
        ("max\n", MEMTOTAL),
        ("1073741824\n", GIB),
        ("2147483648", 2 * GIB),
        (" 1_073_741_824 ", GIB),
        ("0\n", MEMTOTAL),
        ("-5", MEMTOTAL),
        ("", MEMTOTAL),
        (" \n", MEMTOTAL),
        ("garbage", MEMTOTAL),
        ("1.5e9", MEMTOTAL),  # int() rejects a float literal
        ("9223372036854771712\n", MEMTOTAL),  # v1 "unlimited"
        ("9" * 50, MEMTOTAL),
        ("\u0661\u0660\u0662\u0664", 1024),  # Unicode digits, as int() reads them
        (b"12\xff", MEMTOTAL),
        (DIR, MEMTOTAL),
        (None, MEMTOTAL),
    ],
)
def test_memory_limit(
    tree: Callable[..., Mounted],
    v2: bool,
    content: Content | None,
    expected_bytes: int,
) -> None:
    name = "memory.max" if v2 else "memory/memory.limit_in_bytes"
    system = tree({} if content is None else {name: content}, v2=v2)
    result = system.get_mem_size_gb()
    assert type(result) is float
    assert result == expected_bytes / GIB


def test_meminfo_missing_raises_like_psutil(tmp_path: Path, mount: Mount) -> None:
    (tmp_path / "proc").mkdir()
    system = mount(None, tmp_path / "proc")
    with pytest.raises(FileNotFoundError) as info:
        system.get_mem_size_gb()
    assert info.value.errno == 2
    assert info.value.filename == "/proc/meminfo"
    assert str(info.value) == "[Errno 2] No such file or directory: '/proc/meminfo'"


def test_meminfo_directory_raises_is_a_directory(tmp_path: Path, mount: Mount) -> None:
    (tmp_path / "proc" / "meminfo").mkdir(parents=True)
    system = mount(None, tmp_path / "proc")
    with pytest.raises(IsADirectoryError) as info:
        system.get_mem_size_gb()
    assert info.value.errno == 21
    assert info.value.filename == "/proc/meminfo"


@pytest.mark.parametrize(
    ("meminfo", "expected"),
    [
        ("MemTotal: 4 kB\n", 4096),
        ("MemFree: 1 kB\n\x0bMemTotal:\t 2_0 kB", 20480),
        ("MemTotal: x kB\nMemTotal: 3 kB\n", 3072),
        ("MemFree: 1 kB\n", KeyError),
        ("", KeyError),
    ],
)
def test_meminfo_parsing(
    tmp_path: Path, mount: Mount, meminfo: str, expected: int | type[Exception]
) -> None:
    (tmp_path / "cgroup").mkdir()
    (tmp_path / "proc").mkdir()
    (tmp_path / "proc" / "meminfo").write_text(meminfo)
    system = mount(tmp_path / "cgroup", tmp_path / "proc")
    if isinstance(expected, int):
        assert system.get_mem_size_gb() == expected / GIB
    else:
        with pytest.raises(KeyError) as info:
            system.get_mem_size_gb()
        assert info.value.args == (b"MemTotal:",)


# --- The real machine -------------------------------------------------------------------


def real_cgroup_cpu_limit() -> float | None:
    """SPEC.md's cgroup CPU limit, read from this machine."""
    root = Path("/sys/fs/cgroup")
    try:
        if (root / "cgroup.controllers").is_file():
            quota_str, period_str = (root / "cpu.max").read_text().split()
            if quota_str == "max" or float(quota_str) <= 0:
                return None
            return float(quota_str) / float(period_str)
        quota = float((root / "cpu/cpu.cfs_quota_us").read_text().strip())
        period = float((root / "cpu/cpu.cfs_period_us").read_text().strip())
        return quota / period if quota > 0 and period > 0 else None
    except (OSError, ValueError):
        return None


def real_cgroup_memory_limit() -> int | None:
    root = Path("/sys/fs/cgroup")
    v2 = (root / "cgroup.controllers").is_file()
    try:
        value = (root / ("memory.max" if v2 else "memory/memory.limit_in_bytes")).read_text()
        limit = int(value.strip())
        return limit if limit > 0 else None
    except (OSError, ValueError):
        return None


def test_real_machine_cpu_count(system: ModuleType) -> None:
    expected = min(psutil.cpu_count(), len(os.sched_getaffinity(0)))
    limit = real_cgroup_cpu_limit()
    if limit is not None:
        expected = min(expected, int(limit))
    assert system.get_cpu_count() == expected


def test_real_machine_mem_size(system: ModuleType) -> None:
    mem = psutil.virtual_memory().total
    limit = real_cgroup_memory_limit()
    if limit is not None:
        mem = min(mem, limit)
    assert system.get_mem_size_gb() == mem / GIB


def test_a_fake_tree_covers_only_its_own_path(
    system: ModuleType, tmp_path: Path, mount: Mount
) -> None:
    real_cpus, real_mem = system.get_cpu_count(), system.get_mem_size_gb()
    write_files(tmp_path, {"cgroup.controllers": "", "cpu.max": "100000 100000"})
    faked = mount(tmp_path)
    assert faked.get_cpu_count() == 1
    assert faked.get_mem_size_gb() == real_mem  # /proc stayed the real one
    assert mount(None).get_cpu_count() == real_cpus


def test_the_fake_trees_never_reach_this_namespace(tmp_path: Path, mount: Mount) -> None:
    """The mounts live and die in the worker's children: this process's mount table (the
    host's, or the chroot's) is the same before and after, with nothing propagated."""
    with open("/proc/self/mountinfo") as f:
        before = f.read()
    (tmp_path / "cgroup").mkdir()
    (tmp_path / "proc").mkdir()
    (tmp_path / "proc" / "meminfo").write_text("MemTotal: 4 kB\n")
    assert mount(tmp_path / "cgroup", tmp_path / "proc").get_mem_size_gb() == 4096 / GIB
    with open("/proc/self/mountinfo") as f:
        assert f.read() == before


def test_no_test_seam_in_production() -> None:
    """Neither backend has a hook to move its roots: the fake trees come by mounts."""
    rust = rust_module("system")
    for module in (rust, rust._core, fallback_system):
        assert not [name for name in vars(module) if "root" in name.lower()], module
