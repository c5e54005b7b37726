"""estimate_fd_for_directory on both backends: counts, path kinds, errors, unreadable
directories."""

from __future__ import annotations

import errno
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

import pytest
import sky_rs.fallback
from hypothesis import given
from hypothesis import strategies as st

from tests.support.backends import rust_module
from tests.support.sizing import SIZES, differential_tree, outcome, soft_fd_limit, workers

# ----------------------------------------------------------------- estimate_fd_for_directory


@pytest.mark.parametrize("n", SIZES)
def test_estimate_counts_entries(process: ModuleType, dirs: dict[int, Path], n: int) -> None:
    assert process.estimate_fd_for_directory(str(dirs[n])) == 5 * n
    assert process.estimate_fd_for_directory(dirs[n]) == 5 * n  # PathLike


def test_estimate_path_kinds(process: ModuleType, dirs: dict[int, Path], tmp_path: Path) -> None:
    link = tmp_path / "link"
    link.symlink_to(dirs[7])
    assert process.estimate_fd_for_directory(str(link)) == 35
    assert process.estimate_fd_for_directory(str(dirs[7]) + "/") == 35
    assert process.estimate_fd_for_directory(os.fsencode(dirs[7])) == 35  # bytes
    fd = os.open(dirs[7], os.O_RDONLY | os.O_DIRECTORY)
    try:
        assert process.estimate_fd_for_directory(fd) == 35  # os.listdir takes a descriptor
    finally:
        os.close(fd)

    class Sub(str):
        pass

    assert process.estimate_fd_for_directory(Sub(dirs[7])) == 35
    cwd = os.getcwd()
    try:
        os.chdir(dirs[50])
        assert process.estimate_fd_for_directory(".") == 250
        assert process.estimate_fd_for_directory(None) == 250  # os.listdir(None) is '.'
    finally:
        os.chdir(cwd)


def _raises_like_listdir(process: ModuleType, path: Any) -> OSError:
    with pytest.raises(OSError) as info:
        process.estimate_fd_for_directory(path)
    with pytest.raises(OSError) as ref:
        os.listdir(path)
    got, want = info.value, ref.value
    assert type(got) is type(want)
    assert (got.errno, got.strerror, got.filename, str(got)) == (
        want.errno,
        want.strerror,
        want.filename,
        str(want),
    )
    return got


def test_estimate_errors(process: ModuleType, tmp_path: Path) -> None:
    file = tmp_path / "file"
    file.write_text("x")
    err = _raises_like_listdir(process, str(file))
    assert isinstance(err, NotADirectoryError) and err.errno == errno.ENOTDIR
    assert str(err) == f"[Errno 20] Not a directory: '{file}'"
    missing = str(tmp_path / "missing")
    err = _raises_like_listdir(process, missing)
    assert isinstance(err, FileNotFoundError) and err.filename == missing
    assert str(err) == f"[Errno 2] No such file or directory: '{missing}'"
    err = _raises_like_listdir(process, "")
    assert str(err) == "[Errno 2] No such file or directory: ''"
    err = _raises_like_listdir(process, tmp_path / "missing")  # PathLike: filename is the str
    assert err.filename == missing
    err = _raises_like_listdir(process, os.fsencode(missing))
    assert err.filename == os.fsencode(missing)
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nowhere")
    assert isinstance(_raises_like_listdir(process, str(dangling)), FileNotFoundError)

    class Shown(str):
        def __repr__(self) -> str:
            return "<shown>"

    err = _raises_like_listdir(process, Shown(missing))
    assert str(err) == "[Errno 2] No such file or directory: <shown>"


def test_estimate_type_and_value_errors(process: ModuleType) -> None:
    for bad in ("a\0b", b"a\0b", 3.5, [], object()):
        assert outcome(process.estimate_fd_for_directory, bad) == outcome(
            lambda p: len(os.listdir(p)) * 5, bad
        )
        assert outcome(process.estimate_fd_for_directory, bad)[0] == "err"


def test_estimate_surrogate_and_non_utf8_names(process: ModuleType, tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/\xff\xfe"
    os.mkdir(raw)
    os.mkdir(raw + b"/x")
    assert process.estimate_fd_for_directory(os.fsdecode(raw)) == 5  # '\udcff\udcfe' path
    assert process.estimate_fd_for_directory(raw) == 5
    assert outcome(process.estimate_fd_for_directory, str(tmp_path) + "/\ud800") == outcome(
        os.listdir, str(tmp_path) + "/\ud800"
    )


_NAMES = st.text(
    alphabet=st.sampled_from(["a", "b", ".", "/", "\0", "\udcff", "\ud800", "é", " ", "~"]),
    max_size=6,
)


@given(_NAMES)
def test_estimate_differential(name: str) -> None:
    rust = rust_module("process")
    base = differential_tree()
    path = base + "/" + name
    assert outcome(rust.estimate_fd_for_directory, path) == outcome(
        sky_rs.fallback.estimate_fd_for_directory, path
    )


# ------------------------------------------------------------------- unreadable directories


def _as_unprivileged(fn: Callable[[], Any]) -> tuple[Any, ...]:
    """``outcome(fn)`` where permissions apply, with the exception type by name: here when
    not root, else in a forked child that drops to uid/gid 65534 (nobody)."""

    def portable() -> tuple[Any, ...]:
        result = outcome(fn)
        return ("err", result[1].__name__, *result[2:]) if result[0] == "err" else result

    if os.getuid() != 0:
        return portable()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read_end)
            os.setgid(65534)
            os.setuid(65534)
            os.write(write_end, json.dumps(portable()).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    return tuple(json.loads(data))


@pytest.fixture
def locked() -> Iterator[Path]:
    """A directory with 3 entries that others may stat but not list (parent is traversable)."""
    base = Path(tempfile.mkdtemp(prefix="sky-rs-locked-"))
    base.chmod(0o755)
    locked = base / "locked"
    locked.mkdir()
    for name in ("a", "b", "c"):
        (locked / name).touch()
    locked.chmod(0o311)  # search but no read, for everyone but the owner
    if os.getuid() != 0:
        locked.chmod(0o000)
    yield locked
    locked.chmod(0o755)
    shutil.rmtree(base)


def test_unreadable_directory(process: ModuleType, locked: Path) -> None:
    path = str(locked)
    want = ("err", "PermissionError", f"[Errno 13] Permission denied: '{path}'", 13, path)
    assert _as_unprivileged(lambda: process.estimate_fd_for_directory(path)) == want
    assert _as_unprivileged(lambda: process.get_max_workers_for_file_mounts({"/r": path})) == want
    # The directory is still a directory (stat works), so the error is not skipped.
    assert _as_unprivileged(lambda: os.path.isdir(path)) == ("ok", True)


def test_directory_behind_unsearchable_parent(process: ModuleType, locked: Path) -> None:
    """Under a parent without search permission, stat fails: not a directory, no error; but
    os.listdir on it raises PermissionError."""
    locked.chmod(0o700 if os.getuid() == 0 else 0o000)
    inner = locked / "inner"
    if os.getuid() == 0:
        inner.mkdir()
    path = str(inner)
    assert _as_unprivileged(lambda: os.path.isdir(path)) == ("ok", False)
    got = _as_unprivileged(lambda: process.get_max_workers_for_file_mounts({"/r": path}))
    assert got == ("ok", workers(soft_fd_limit(), 5))
    want = ("err", "PermissionError", f"[Errno 13] Permission denied: '{path}'", 13, path)
    assert _as_unprivileged(lambda: process.estimate_fd_for_directory(path)) == want
