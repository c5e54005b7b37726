"""get_max_workers_for_file_mounts on both backends, and the fd-limit warning (in subprocesses)."""

from __future__ import annotations

import collections
import errno
import json
import os
import re
import resource
import subprocess
import sys
import types
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import sky_rs.fallback
from hypothesis import given
from hypothesis import strategies as st

from tests.support.backends import rust_module
from tests.support.sizing import SIZES, differential_tree, outcome, soft_fd_limit, threads, workers

# ---------------------------------------------------------- get_max_workers_for_file_mounts


def test_max_workers_no_directories(process: ModuleType, tmp_path: Path) -> None:
    file = tmp_path / "f"
    file.write_text("x")
    expected = workers(soft_fd_limit(), 5)
    assert process.get_max_workers_for_file_mounts({}) == expected
    mounts = {"/a": str(file), "/b": str(tmp_path / "missing"), "/c": "a\0b", "/d": ""}
    assert process.get_max_workers_for_file_mounts(mounts) == expected
    assert process.get_max_workers_for_file_mounts(mounts, "kubernetes") == workers(
        soft_fd_limit(), 5, kubernetes=True
    )


@pytest.mark.parametrize("n", SIZES)
def test_max_workers_one_directory(process: ModuleType, dirs: dict[int, Path], n: int) -> None:
    per = max(5, 5 * n)
    got = process.get_max_workers_for_file_mounts({"~/remote": str(dirs[n])})
    assert got == workers(soft_fd_limit(), per)
    assert process.get_max_workers_for_file_mounts({"~/r": str(dirs[n])}, "KUBERNETES") == (
        workers(soft_fd_limit(), per, kubernetes=True)
    )


def test_max_workers_takes_the_largest_value_and_ignores_keys(
    process: ModuleType, dirs: dict[int, Path], tmp_path: Path
) -> None:
    link = tmp_path / "link"
    link.symlink_to(dirs[5000])
    # Keys that are directories count for nothing; the symlinked value counts in full.
    mounts = {str(dirs[5000]): str(dirs[1]), "/x": str(dirs[50]), "/y": str(link)}
    assert process.get_max_workers_for_file_mounts(mounts) == workers(soft_fd_limit(), 25_000)
    mounts = {str(dirs[5000]): str(dirs[1]), "/x": str(dirs[50])}
    assert process.get_max_workers_for_file_mounts(mounts) == workers(soft_fd_limit(), 250)


class Mounts(Mapping[str, Any]):
    """A read-only Mapping that is not a dict."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)


class ValuesOverride(dict):  # type: ignore[type-arg]
    def values(self) -> Any:
        return ["/nonexistent", *super().values()]


def test_max_workers_mapping_types(process: ModuleType, dirs: dict[int, Path]) -> None:
    data = {"/a": str(dirs[50]), "/b": str(dirs[7])}
    expected = workers(soft_fd_limit(), 250)
    for mapping in (
        Mounts(data),
        types.MappingProxyType(data),
        collections.OrderedDict(data),
        collections.ChainMap(data),
        ValuesOverride(data),
    ):
        assert process.get_max_workers_for_file_mounts(mapping) == expected, type(mapping)


def test_max_workers_value_types(process: ModuleType, dirs: dict[int, Path]) -> None:
    expected = workers(soft_fd_limit(), 250)
    assert process.get_max_workers_for_file_mounts({"/a": dirs[50]}) == expected  # PathLike
    assert process.get_max_workers_for_file_mounts({"/a": os.fsencode(dirs[50])}) == expected
    fd = os.open(dirs[50], os.O_RDONLY | os.O_DIRECTORY)
    try:
        assert process.get_max_workers_for_file_mounts({"/a": fd}) == expected
    finally:
        os.close(fd)
    with pytest.raises(
        TypeError,
        match=re.escape("stat: path should be string, bytes, os.PathLike or integer, not NoneType"),
    ):
        process.get_max_workers_for_file_mounts({"/a": None})
    with pytest.raises(AttributeError, match="'list' object has no attribute 'values'"):
        process.get_max_workers_for_file_mounts([str(dirs[50])])


class Flaky(os.PathLike):  # type: ignore[type-arg]
    """A directory the first time it is asked, gone the second (isdir, then listdir)."""

    def __init__(self, first: str, then: str) -> None:
        self.paths = [first, then]

    def __fspath__(self) -> str:
        return self.paths.pop(0) if len(self.paths) > 1 else self.paths[0]


def test_max_workers_listdir_error_propagates_before_cloud_error(
    process: ModuleType, dirs: dict[int, Path], tmp_path: Path
) -> None:
    missing = str(tmp_path / "gone")
    with pytest.raises(FileNotFoundError) as info:
        process.get_max_workers_for_file_mounts({"/a": Flaky(str(dirs[7]), missing)}, 5)
    assert info.value.errno == errno.ENOENT and info.value.filename == missing
    assert str(info.value) == f"[Errno 2] No such file or directory: '{missing}'"
    # With no directory error, the bad cloud is reached.
    with pytest.raises(AttributeError, match="'int' object has no attribute 'lower'"):
        process.get_max_workers_for_file_mounts({"/a": str(dirs[7])}, 5)


def test_max_workers_dict_mutated_during_iteration(
    process: ModuleType, dirs: dict[int, Path]
) -> None:
    mounts: dict[str, Any] = {}

    class Grow(os.PathLike):  # type: ignore[type-arg]
        def __fspath__(self) -> str:
            mounts[f"/k{len(mounts)}"] = "/nonexistent"
            return str(dirs[1])

    mounts.update({"/a": Grow(), "/b": str(dirs[1])})
    with pytest.raises(RuntimeError, match="dictionary changed size during iteration"):
        process.get_max_workers_for_file_mounts(mounts)


_MOUNT_VALUES = st.sampled_from(
    ["a", "b", "a/b", "ab", "ba", "bb", "missing", "", "a\0", "\udcff", "é", "a/"]
)


@given(
    st.dictionaries(st.text(max_size=3), _MOUNT_VALUES, max_size=5),
    st.sampled_from([None, "kubernetes", "aws"]),
)
def test_max_workers_differential(mounts: dict[str, str], cloud: str | None) -> None:
    rust = rust_module("process")
    base = differential_tree()
    full = {k: (os.path.join(base, v) if v else v) for k, v in mounts.items()}
    assert outcome(rust.get_max_workers_for_file_mounts, full, cloud) == outcome(
        sky_rs.fallback.get_max_workers_for_file_mounts, full, cloud
    )


# ------------------------------------------------- fd limits and the warning (subprocesses)

_LIMIT_SCRIPT = r"""
import json, logging, resource, sys
soft = int(sys.argv[1])
_, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
records = []
class Keep(logging.Handler):
    def emit(self, record):
        records.append([record.name, record.levelname, record.getMessage()])
logging.getLogger().addHandler(Keep())
import sky_rs_process as rust
import sky_rs.fallback as python
mounts = json.loads(sys.argv[2])
out = {}
for name, m in (("rust", rust), ("python", python)):
    out[name] = [m.get_max_workers_for_file_mounts(mounts),
                 m.get_max_workers_for_file_mounts(mounts, "kubernetes"),
                 m.get_max_workers_for_file_mounts(mounts, "aws")]
out["records"] = records
out["limit"] = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
print(json.dumps(out))
"""

_WARNING = (
    "Open file descriptor limit (256) is low. File sync to remote clusters may be slow. "
    "Consider increasing the limit using `ulimit -n <number>` or modifying system limits."
)


def _run_with_limit(soft: int, mounts: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", _LIMIT_SCRIPT, str(soft), json.dumps(mounts)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    assert result["limit"] == soft
    return result


@pytest.mark.parametrize("soft", [256, 1024, 4096])
@pytest.mark.parametrize("n", [0, 7, 50])
def test_fd_limits_in_subprocess(dirs: dict[int, Path], soft: int, n: int) -> None:
    # Both backends run in the same child, rust first; the warning is shared and logged once.
    if soft > resource.getrlimit(resource.RLIMIT_NOFILE)[1] != resource.RLIM_INFINITY:
        pytest.skip("hard limit too low")
    result = _run_with_limit(soft, {"/remote": str(dirs[n])})
    per = max(5, 5 * n)
    expected = [workers(soft, per), workers(soft, per, kubernetes=True), workers(soft, per)]
    assert result["rust"] == expected
    assert result["python"] == expected
    if soft < 1024:
        assert result["records"] == [["sky_rs.process", "WARNING", _WARNING]]
    else:
        assert result["records"] == []


def test_fd_limit_exact_values(dirs: dict[int, Path]) -> None:
    """By hand: (256-100)//250 = 0 -> 1; (1024-100)//250 = 3; (4096-100)//35 = 114, capped."""
    assert _run_with_limit(256, {"/r": str(dirs[50])})["rust"] == [1, 1, 1]
    assert _run_with_limit(1024, {"/r": str(dirs[50])})["rust"] == [3, 3, 3]
    result = _run_with_limit(4096, {"/r": str(dirs[7])})
    assert result["rust"] == result["python"] == [threads(), min(114, threads(True)), threads()]
