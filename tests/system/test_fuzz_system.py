"""Fuzzing the system functions at scale: Rust against the fallback (``tests/support/fuzz.py``).

The fake trees are bind-mounted in a private mount namespace (``tests/support/fake_roots.py``).
"""

from __future__ import annotations

import pathlib
import shutil
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.fake_roots import FakeRoots
from tests.support.fuzz import (
    RAN,
    check_example_counts,
    fuzz,
)
from tests.support.hardening import (
    SYSTEM_ENV,
    compare_in_trees,
)
from tests.support.hostile import DIR, MISSING, write_tree

pytestmark = pytest.mark.fuzz

NUMBER_CHARS = "0123456789_.eE+-infaINFAmx " + "\t\n\u0663\uff11\x00"
number_text = st.one_of(
    st.integers(-(10**12), 10**12).map(str),
    st.integers(-(2**80), 2**80).map(str),
    st.floats().map(repr),
    st.sampled_from(["max", "inf", "nan", "-1", "0", "", "1_0", "1__0", "1e999", " 5 ", "\u0663"]),
    st.text(alphabet=NUMBER_CHARS, max_size=8),
)
cgroup_file = st.one_of(
    number_text,
    st.builds(lambda q, p: f"{q} {p}\n", number_text, number_text),
    st.binary(max_size=10),
    st.just(DIR),
    st.just(MISSING),
)
env_value = st.one_of(st.none(), number_text.filter(lambda v: "\0" not in v))


def fresh_root(workdir: pathlib.Path, files: dict[str, Any], meminfo: Any) -> pathlib.Path:
    root = workdir / "system"
    shutil.rmtree(root, ignore_errors=True)
    write_tree(root / "cgroup", files)
    write_tree(root / "proc", {"meminfo": meminfo})
    return root


@fuzz
@given(
    version=st.sampled_from(["v1", "v2", "v2-directory"]),
    cpu_max=cgroup_file,
    quota=cgroup_file,
    period=cgroup_file,
    override=env_value,
)
def test_get_cpu_count(
    workdir: pathlib.Path,
    fake_roots: FakeRoots,
    version: str,
    cpu_max: Any,
    quota: Any,
    period: Any,
    override: Any,
) -> None:
    RAN["get_cpu_count"] += 1
    controllers = {"v1": MISSING, "v2": "cpu memory\n", "v2-directory": DIR}[version]
    files = {
        "cgroup.controllers": controllers,
        "cpu.max": cpu_max,
        "cpu/cpu.cfs_quota_us": quota,
        "cpu/cpu.cfs_period_us": period,
    }
    root = fresh_root(workdir, files, "MemTotal: 1000 kB\n")
    overrides = dict.fromkeys(SYSTEM_ENV)
    overrides["SKYPILOT_POD_CPU_CORE_LIMIT"] = override
    compare_in_trees(fake_roots, root / "cgroup", root / "proc", ["get_cpu_count"], overrides)


meminfo_text = st.one_of(
    st.builds(
        lambda key, value, unit: f"{key} {value}{unit}\n",
        st.sampled_from(["MemTotal:", "MemFree:", "memtotal:"]),
        st.one_of(st.integers(-(2**40), 2**60).map(str), number_text),
        st.sampled_from([" kB", "", " kB x"]),
    ),
    st.binary(max_size=30),
    st.just(MISSING),
)


@fuzz
@given(
    v2=st.booleans(),
    memory=cgroup_file,
    meminfo=st.lists(meminfo_text.filter(lambda m: m != MISSING), max_size=3).map(
        lambda parts: b"".join(p if isinstance(p, bytes) else p.encode() for p in parts)
    )
    | st.just(MISSING),
    gb=env_value,
    nbytes=env_value,
)
def test_get_mem_size_gb(
    workdir: pathlib.Path,
    fake_roots: FakeRoots,
    v2: bool,
    memory: Any,
    meminfo: Any,
    gb: Any,
    nbytes: Any,
) -> None:
    RAN["get_mem_size_gb"] += 1
    files = {
        "cgroup.controllers": "memory\n" if v2 else MISSING,
        "memory.max": memory,
        "memory/memory.limit_in_bytes": memory,
    }
    root = fresh_root(workdir, files, meminfo)
    overrides = dict.fromkeys(SYSTEM_ENV)
    overrides["SKYPILOT_POD_MEMORY_GB_LIMIT"] = gb
    overrides["SKYPILOT_POD_MEMORY_BYTES_LIMIT"] = nbytes
    compare_in_trees(fake_roots, root / "cgroup", root / "proc", ["get_mem_size_gb"], overrides)


def test_zz_example_counts() -> None:
    check_example_counts()
