"""Fuzzing the process functions at scale: Rust against the fallback (``tests/support/fuzz.py``).

Every call goes through :func:`compare` (or its racy variant for pids).
"""

from __future__ import annotations

import os
import pathlib
import shutil
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.backends import PathLike
from tests.support.fuzz import (
    RAN,
    check_example_counts,
    fuzz,
    path_variant,
)
from tests.support.hardening import (
    compare,
    compare_racy,
    python_function,
    rust_function,
)
from tests.support.hostile import outcome

pytestmark = pytest.mark.fuzz

clouds = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(["kubernetes", "Kubernetes", "KUBERNETES", "\u212aubernetes", "k8s", "aws"]),
    st.builds(
        lambda word, flips: "".join(c.upper() if f else c for c, f in zip(word, flips)),
        st.just("kubernetes"),
        st.lists(st.booleans(), min_size=10, max_size=10),
    ),
    st.sampled_from([0, 1, b"kubernetes", [], ["x"]]),
)


@fuzz
@given(cloud=clouds, keyword=st.booleans())
def test_get_parallel_threads(cloud: Any, keyword: bool) -> None:
    RAN["get_parallel_threads"] += 1
    if keyword:
        compare("get_parallel_threads", cloud_str=cloud)
    else:
        compare("get_parallel_threads", cloud)


@pytest.fixture(scope="module")
def mount_sources(workdir: pathlib.Path) -> dict[str, Any]:
    """Directories of several sizes, a file, missing and odd paths."""
    sources: dict[str, Any] = {}
    for size in (0, 1, 3, 40, 300):
        d = workdir / f"mount-{size}"
        d.mkdir()
        for i in range(size):
            (d / f"entry-{i}").touch()
        sources[f"dir{size}"] = str(d)
    (workdir / "mount-file").write_bytes(b"x")
    sources["file"] = str(workdir / "mount-file")
    sources["missing"] = str(workdir / "mount-missing")
    sources["link"] = str(workdir / "mount-link")
    os.symlink(sources["dir40"], sources["link"])
    sources["dangling"] = str(workdir / "mount-dangling")
    os.symlink(sources["missing"], sources["dangling"])
    sources["nul"] = "a\0b"
    sources["none"] = None
    sources["bytes"] = os.fsencode(sources["dir3"])
    sources["pathlike"] = PathLike(sources["dir1"])
    sources["surrogate"] = "\udcff"
    return sources


SOURCE_KEYS = ["dir0", "dir1", "dir3", "dir40", "dir300", "file", "missing", "link", "dangling"]
ODD_KEYS = ["nul", "none", "bytes", "pathlike", "surrogate"]


@fuzz
@given(
    keys=st.lists(st.one_of(st.sampled_from(SOURCE_KEYS), st.sampled_from(ODD_KEYS)), max_size=6),
    cloud=clouds,
)
def test_get_max_workers_for_file_mounts(
    mount_sources: dict[str, Any], keys: list[str], cloud: Any
) -> None:
    RAN["get_max_workers_for_file_mounts"] += 1
    mounts = {f"/remote/{i}": mount_sources[key] for i, key in enumerate(keys)}
    compare("get_max_workers_for_file_mounts", mounts, cloud)


def own_ids() -> list[int]:
    ids = [os.getpid(), os.getppid(), 1]
    ids += [int(t) for t in os.listdir("/proc/self/task")]
    return ids


pids = st.one_of(
    st.integers(-5, 5),
    st.integers(1, 4_194_304),
    st.integers(-(2**31) - 2, 2**31 + 2),
    st.sampled_from([2**31 - 1, 2**31, -(2**31), 2**63, 2**200, -(2**200), True, False]),
    st.sampled_from(own_ids()),
)


@fuzz
@given(pid=st.one_of(pids, st.sampled_from([1.5, None, "1"])))
def test_is_process_alive(pid: Any) -> None:
    RAN["is_process_alive"] += 1
    compare_racy("is_process_alive", pid)


@fuzz
@given(pid_list=st.lists(pids, max_size=12), kind=st.sampled_from(["list", "tuple", "iter"]))
def test_are_processes_alive(pid_list: list[int], kind: str) -> None:
    RAN["are_processes_alive"] += 1
    if kind == "iter":
        for _ in range(3):
            got = outcome(rust_function("are_processes_alive"), iter(pid_list))
            assert got[0] != "PANIC", pid_list
            if got == outcome(python_function("are_processes_alive"), iter(pid_list)):
                return
        raise AssertionError(pid_list)
    compare_racy("are_processes_alive", pid_list if kind == "list" else tuple(pid_list))


entry_names = st.text(
    alphabet=st.characters(blacklist_characters="/\0", blacklist_categories=("Cs",)),
    min_size=1,
    max_size=12,
).filter(lambda n: n not in (".", "..")) | st.binary(min_size=1, max_size=12).filter(
    lambda b: b"/" not in b and b"\0" not in b and b not in (b".", b"..")
)


@fuzz
@given(
    names=st.lists(entry_names, max_size=30),
    subdirs=st.integers(0, 3),
    kind=st.sampled_from(["dir", "dir", "dir", "file", "missing", "nul", "long", "surrogate"]),
    variant=st.integers(0, 3),
)
def test_estimate_fd_for_directory(
    workdir: pathlib.Path, names: list[Any], subdirs: int, kind: str, variant: int
) -> None:
    RAN["estimate_fd_for_directory"] += 1
    target = workdir / "estimate"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    for name in names:
        raw = name if isinstance(name, bytes) else os.fsencode(name)
        with open(os.path.join(os.fsencode(target), raw), "wb"):
            pass
    for i in range(subdirs):
        (target / f"sub{i}").mkdir(exist_ok=True)
    path = {
        "dir": str(target),
        "file": str(workdir / "mount-file-estimate"),
        "missing": str(workdir / "nope"),
        "nul": "x\0y",
        "long": "/tmp/" + "e" * 5000,
        "surrogate": "\udcff",
    }[kind]
    if kind == "file":
        pathlib.Path(path).write_bytes(b"")
    compare("estimate_fd_for_directory", path_variant(path, variant if kind != "nul" else 0))


def test_zz_example_counts() -> None:
    check_example_counts()
