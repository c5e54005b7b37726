"""get_cpu_count on both backends against fake cgroup v2 and v1 trees.

Expected values come from SPEC.md and were checked by hand against SkyPilot 0.14.1. The trees:
``tests/support/trees.py``."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from tests.support.trees import (
    DIR,
    GIB,
    MEMTOTAL,
    Content,
    Mounted,
    host_cpus,
)

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
