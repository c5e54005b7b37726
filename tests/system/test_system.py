"""get_cpu_count and get_mem_size_gb on both backends, against fake cgroup and proc trees.

Expected values come from SPEC.md and were checked by hand against SkyPilot 0.14.1. Fake
trees are bind-mounted over ``/sys/fs/cgroup`` and ``/proc`` in a private mount namespace, in a
child of the session's worker (``tests/support/fake_roots.py``): the functions read their real
paths.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Union

import psutil
import pytest
import sky_rs._fallback.system as fallback_system

from tests.support.backends import rust_module
from tests.support.fake_roots import FakeRoots

CPU_ENV = "SKYPILOT_POD_CPU_CORE_LIMIT"
GB_ENV = "SKYPILOT_POD_MEMORY_GB_LIMIT"
BYTES_ENV = "SKYPILOT_POD_MEMORY_BYTES_LIMIT"
MEMTOTAL_KB = 8_000_000
MEMTOTAL = MEMTOTAL_KB * 1024
GIB = 1024**3

# A file's content; DIR puts a directory in its place (opening or reading it fails with an
# OSError even as root, where chmod 000 would not stop a read).
DIR = object()
Content = Union[str, bytes, object]


def host_cpus() -> int:
    """What both backends must return when no cgroup limit applies."""
    return min(os.sysconf("SC_NPROCESSORS_ONLN"), len(os.sched_getaffinity(0)))


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (CPU_ENV, GB_ENV, BYTES_ENV):
        monkeypatch.delenv(name, raising=False)


class Mounted:
    """The backend under test as seen under fake trees: each call runs in a child of the
    fake-roots worker, with ``cgroup`` over /sys/fs/cgroup and ``proc`` over /proc."""

    def __init__(self, roots: FakeRoots, backend: str, cgroup: Path | None, proc: Path | None):
        self.roots, self.backend, self.cgroup, self.proc = roots, backend, cgroup, proc

    def call(self, function: str) -> Any:
        replies = self.roots.call(function, [self.backend], cgroup=self.cgroup, proc=self.proc)
        return replies[self.backend].get()

    def get_cpu_count(self) -> Any:
        return self.call("get_cpu_count")

    def get_mem_size_gb(self) -> Any:
        return self.call("get_mem_size_gb")


Mount = Callable[..., Mounted]


@pytest.fixture
def mount(backend: str, fake_roots: FakeRoots) -> Mount:
    """``mount(cgroup, proc)``: the backend under test with those trees in place (``None``:
    the real one)."""

    def build(cgroup: Path | None, proc: Path | None = None) -> Mounted:
        return Mounted(fake_roots, backend, cgroup, proc)

    return build


@pytest.fixture
def tree(tmp_path: Path, mount: Mount) -> Callable[..., Mounted]:
    """``tree(files, v2=...)`` builds a cgroup tree (files relative to its root) and a proc
    tree with a MemTotal of 8,000,000 kB, and gives the backend under test on them."""

    def build(files: Mapping[str, Content], v2: bool) -> Mounted:
        cgroup = tmp_path / "cgroup"
        proc = tmp_path / "proc"
        cgroup.mkdir()
        proc.mkdir()
        (proc / "meminfo").write_text(f"MemTotal:       {MEMTOTAL_KB} kB\nMemFree:  1 kB\n")
        if v2:
            (cgroup / "cgroup.controllers").write_text("cpu io memory pids\n")
        write_files(cgroup, files)
        return mount(cgroup, proc)

    return build


def write_files(root: Path, files: Mapping[str, Content]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is DIR:
            path.mkdir()
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            assert isinstance(content, str)
            path.write_text(content, encoding="utf-8")


# --- CPU: cgroup v2 -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cpu_max", "limit"),
    [
        ("max 100000\n", None),
        ("150000 100000\n", 1),
        ("50000 100000\n", 0),  # half a CPU truncates to 0, and 0 wins the min
        ("100000 100000", 1),
        (" 400000\t100000 \n", 4),
        ("1_0_0_000 1e5", 1),
        ("\u0663 1", 3),  # Unicode decimal digits, as float() reads them
        ("-1 100000", None),  # quota <= 0: no limit
        ("0 100000", None),
        ("nan 100000", None),  # NaN > 0 is False
        ("max", None),  # one field: unpacking fails, no limit
        ("100000 100000 1", None),
        ("", None),
        ("abc 100000", None),
        ("100000 abc", None),
        ("MAX 100000", None),
        (b"\xff\xfe 100000", None),  # not UTF-8
        (DIR, None),
    ],
)
def test_cgroup_v2_cpu_limit(
    tree: Callable[..., Mounted], cpu_max: Content, limit: int | None
) -> None:
    system = tree({"cpu.max": cpu_max}, v2=True)
    expected = host_cpus() if limit is None else min(host_cpus(), limit)
    assert system.get_cpu_count() == expected


def test_cgroup_v2_without_cpu_max(tree: Callable[..., Mounted]) -> None:
    system = tree({"cpu/cpu.cfs_quota_us": "100000", "cpu/cpu.cfs_period_us": "100000"}, v2=True)
    assert system.get_cpu_count() == host_cpus()  # v2 never looks at the v1 files


def float_division_by_zero() -> str:
    """The running interpreter's text for ``x / 0.0`` ("division by zero" from 3.14 on)."""
    try:
        1.0 / float(0)
    except ZeroDivisionError as err:
        return str(err)
    raise AssertionError("1.0 / 0.0 did not raise")


@pytest.mark.parametrize(
    ("cpu_max", "exc_type", "message"),
    [
        ("100000 0", ZeroDivisionError, float_division_by_zero()),
        ("100000 -0.0", ZeroDivisionError, float_division_by_zero()),
        ("inf 100000", OverflowError, "cannot convert float infinity to integer"),
        ("1e308 1e-308", OverflowError, "cannot convert float infinity to integer"),
        ("1 nan", ValueError, "cannot convert float NaN to integer"),
        ("inf inf", ValueError, "cannot convert float NaN to integer"),
    ],
)
def test_cgroup_v2_errors_the_reference_lets_through(
    tree: Callable[..., Mounted],
    cpu_max: str,
    exc_type: type[Exception],
    message: str,
) -> None:
    system = tree({"cpu.max": cpu_max}, v2=True)
    with pytest.raises(exc_type) as info:
        system.get_cpu_count()
    assert type(info.value) is exc_type
    assert str(info.value) == message


def test_cgroup_v2_huge_negative_limit_is_an_exact_int(tree: Callable[..., Mounted]) -> None:
    system = tree({"cpu.max": "1 -1e-300"}, v2=True)
    assert system.get_cpu_count() == int(1 / -1e-300)


# --- CPU: cgroup v1 -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quota", "period", "limit"),
    [
        ("-1\n", "100000\n", None),  # the usual "no quota"
        ("100000\n", "100000\n", 1),
        ("200000", "100000", 2),
        ("50000", "100000", 0),
        ("100000", "0", None),  # v1 checks period > 0 before dividing
        ("100000", "-100000", None),
        ("0", "100000", None),
        ("\x1c100000\u3000", " 100000 ", 1),  # str.strip() removes Unicode whitespace
        ("1e5", "1_000_00", 1),
        ("garbage", "100000", None),
        ("100000", "garbage", None),
        (DIR, "100000", None),
        ("100000", DIR, None),
        (b"\xff", "100000", None),
        (None, "100000", None),
        ("100000", None, None),
    ],
)
def test_cgroup_v1_cpu_limit(
    tree: Callable[..., Mounted],
    quota: Content | None,
    period: Content | None,
    limit: int | None,
) -> None:
    files = {"cpu/cpu.cfs_quota_us": quota, "cpu/cpu.cfs_period_us": period}
    system = tree(
        {name: content for name, content in files.items() if content is not None}, v2=False
    )
    expected = host_cpus() if limit is None else min(host_cpus(), limit)
    assert system.get_cpu_count() == expected


@pytest.mark.parametrize(
    ("quota", "period", "exc_type", "message"),
    [
        ("inf", "1", OverflowError, "cannot convert float infinity to integer"),
        ("inf", "inf", ValueError, "cannot convert float NaN to integer"),
    ],
)
def test_cgroup_v1_errors(
    tree: Callable[..., Mounted],
    quota: str,
    period: str,
    exc_type: type[Exception],
    message: str,
) -> None:
    system = tree({"cpu/cpu.cfs_quota_us": quota, "cpu/cpu.cfs_period_us": period}, v2=False)
    with pytest.raises(exc_type, match=f"^{message}$"):
        system.get_cpu_count()


def test_unreadable_file_means_no_limit(tmp_path: Path, tree: Callable[..., Mounted]) -> None:
    system = tree({"cpu.max": "100000 100000", "memory.max": str(GIB)}, v2=True)
    for name in ("cpu.max", "memory.max"):
        (tmp_path / "cgroup" / name).chmod(0)
    # The worker is root (in its user namespace, for a developer who is not), and mode 000 does
    # not stop root's read; the directory-in-place tests cover the unreadable case.
    assert system.get_cpu_count() == 1
    assert system.get_mem_size_gb() == 1.0


def test_controllers_directory_means_v1(tree: Callable[..., Mounted]) -> None:
    system = tree(
        {
            "cgroup.controllers": DIR,
            "cpu.max": "max 100000",
            "cpu/cpu.cfs_quota_us": "100000",
            "cpu/cpu.cfs_period_us": "100000",
        },
        v2=False,
    )
    assert system.get_cpu_count() == 1


def test_symlinks_are_followed_and_broken_ones_mean_no_limit(
    tmp_path: Path, tree: Callable[..., Mounted]
) -> None:
    (tmp_path / "real_max").write_text("100000 100000")
    system = tree({}, v2=True)
    cgroup = tmp_path / "cgroup"
    (cgroup / "cpu.max").symlink_to(tmp_path / "real_max")
    assert system.get_cpu_count() == 1
    (cgroup / "memory.max").symlink_to(tmp_path / "nowhere")
    assert system.get_mem_size_gb() == MEMTOTAL / GIB
    (cgroup / "cpu.max").unlink()
    (cgroup / "cpu.max").symlink_to(cgroup / "cpu.max")  # a loop: ELOOP
    assert system.get_cpu_count() == host_cpus()


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


# --- Environment overrides --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2.5", 2),
        (" 3 ", 3),
        ("1e1", 10),
        ("1_0", 10),
        ("+.5", 0),
        ("-2.7", -2),
        ("\t16\n", 16),
        ("\u3000 4 \u00a0", 4),  # Unicode whitespace around the number
        ("\u0663", 3),  # ARABIC-INDIC DIGIT THREE
        ("1e300", int(1e300)),  # an exact, huge int, as int(float()) gives
    ],
)
def test_cpu_override(
    system: ModuleType, monkeypatch: pytest.MonkeyPatch, value: str, expected: int
) -> None:
    monkeypatch.setenv(CPU_ENV, value)
    result = system.get_cpu_count()
    assert type(result) is int
    assert result == expected


@pytest.mark.parametrize(
    ("value", "cause"),
    [
        ("abc", "could not convert string to float: 'abc'"),
        ("", "could not convert string to float: ''"),
        ("1_", "could not convert string to float: '1_'"),
        ("1__0", "could not convert string to float: '1__0'"),
        ("\x1c3", "could not convert string to float: '\\x1c3'"),  # float() only strips ASCII
        ("0x10", "could not convert string to float: '0x10'"),
        ("nan", "cannot convert float NaN to integer"),
        ("-NaN", "cannot convert float NaN to integer"),
        ("\udcff", "could not convert string to float: '\\udcff'"),  # an undecodable byte
    ],
)
def test_cpu_override_errors(
    system: ModuleType, monkeypatch: pytest.MonkeyPatch, value: str, cause: str
) -> None:
    monkeypatch.setenv(CPU_ENV, value)
    with pytest.raises(ValueError) as info:
        system.get_cpu_count()
    assert str(info.value) == f"Failed to parse the number of CPUs from {value}"
    assert type(info.value.__cause__) is ValueError
    assert str(info.value.__cause__) == cause


@pytest.mark.parametrize("value", ["inf", "-Infinity", " +INF "])
def test_cpu_override_infinity(
    system: ModuleType, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(CPU_ENV, value)
    with pytest.raises(OverflowError) as info:
        system.get_cpu_count()
    assert str(info.value) == "cannot convert float infinity to integer"
    assert info.value.__cause__ is None


@pytest.mark.parametrize(
    ("gb", "nbytes", "expected"),
    [
        ("2.5", None, 2.5),
        (" 16 ", "junk", 16.0),  # the GB variable wins
        ("1_024", None, 1024.0),
        ("-inf", None, -math.inf),
        (None, "1073741824", 1.0),
        (None, "1.5e9", 1.5e9 / GIB),
        (None, "\u0661\u0660", 10 / GIB),
    ],
)
def test_memory_override(
    system: ModuleType,
    monkeypatch: pytest.MonkeyPatch,
    gb: str | None,
    nbytes: str | None,
    expected: float,
) -> None:
    if gb is not None:
        monkeypatch.setenv(GB_ENV, gb)
    if nbytes is not None:
        monkeypatch.setenv(BYTES_ENV, nbytes)
    result = system.get_mem_size_gb()
    assert type(result) is float
    assert result == expected


def test_memory_override_nan(system: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BYTES_ENV, "-nan")
    result = system.get_mem_size_gb()
    assert math.isnan(result)
    assert math.copysign(1.0, result) == -1.0  # float('-nan') keeps its sign


@pytest.mark.parametrize(
    ("gb", "nbytes", "message"),
    [
        ("abc", None, "Failed to parse the memory size from abc (GB)"),
        ("", "1", "Failed to parse the memory size from  (GB)"),
        (None, "12 GB", "Failed to parse the memory size from 12 GB (bytes)"),
        (None, "1_", "Failed to parse the memory size from 1_ (bytes)"),
    ],
)
def test_memory_override_errors(
    system: ModuleType,
    monkeypatch: pytest.MonkeyPatch,
    gb: str | None,
    nbytes: str | None,
    message: str,
) -> None:
    if gb is not None:
        monkeypatch.setenv(GB_ENV, gb)
    if nbytes is not None:
        monkeypatch.setenv(BYTES_ENV, nbytes)
    with pytest.raises(ValueError) as info:
        system.get_mem_size_gb()
    assert str(info.value) == message
    bad = gb if gb is not None else nbytes
    assert str(info.value.__cause__) == f"could not convert string to float: {bad!r}"


def test_overrides_are_read_at_call_time(system: ModuleType) -> None:
    try:
        os.environ[CPU_ENV] = "5"
        assert system.get_cpu_count() == 5
        os.environ[CPU_ENV] = "6"
        assert system.get_cpu_count() == 6
        del os.environ[CPU_ENV]
        assert system.get_cpu_count() == host_cpus()
        os.environ[BYTES_ENV] = str(3 * GIB)
        assert system.get_mem_size_gb() == 3.0
        os.environ[GB_ENV] = "7"
        assert system.get_mem_size_gb() == 7.0
    finally:
        for name in (CPU_ENV, GB_ENV, BYTES_ENV):
            os.environ.pop(name, None)


def test_a_patched_os_environ_is_honoured(
    system: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    # os.getenv reads the module global os.environ, even when replaced by a plain dict.
    monkeypatch.setattr(os, "environ", {CPU_ENV: "7", GB_ENV: "2"})
    assert system.get_cpu_count() == 7
    assert system.get_mem_size_gb() == 2.0
    monkeypatch.setattr(os, "environ", {CPU_ENV: 9.9})  # float() of a non-str works too
    assert system.get_cpu_count() == 9


def test_a_patched_os_getenv_is_honoured(
    system: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = {CPU_ENV: "11", BYTES_ENV: str(GIB)}
    monkeypatch.setattr(os, "getenv", lambda key, default=None: fake.get(key, default))
    assert system.get_cpu_count() == 11
    assert system.get_mem_size_gb() == 1.0


def test_putenv_alone_is_invisible_like_the_reference(system: ModuleType) -> None:
    # os.putenv does not update os.environ, so os.getenv (and the reference) do not see it.
    os.putenv(CPU_ENV, "13")
    try:
        assert system.get_cpu_count() == host_cpus()
    finally:
        os.unsetenv(CPU_ENV)


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
