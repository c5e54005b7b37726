"""process domain: get_parallel_threads, get_max_workers_for_file_mounts, estimate_fd_for_directory.

Every behavioural test runs on both backends (the ``process`` fixture). Expected values come
from SPEC.md's formulas evaluated with the standard library (``os.cpu_count``,
``resource.getrlimit``, ``os.listdir``), or are written out by hand. Liveness tests live in
``test_process_liveness.py``.
"""

from __future__ import annotations

import collections
import errno
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import types
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

import pytest
import sky_rs.fallback
from hypothesis import given
from hypothesis import strategies as st

from tests.support.backends import rust_module

SIZES = (0, 1, 7, 50, 1000, 5000)


def threads(kubernetes: bool = False) -> int:
    """SPEC: max(4, os.cpu_count() - 1), None counting as 1, times 4 for Kubernetes."""
    return max(4, (os.cpu_count() or 1) - 1) * (4 if kubernetes else 1)


def soft_fd_limit() -> int:
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def workers(fd_limit: int, fd_per_rsync: int, kubernetes: bool = False) -> int:
    """SPEC: min(max((fd_limit - 100) // fd_per_rsync, 1), get_parallel_threads(cloud))."""
    return min(max((fd_limit - 100) // fd_per_rsync, 1), threads(kubernetes))


def outcome(fn: Callable[..., Any], *args: Any) -> tuple[Any, ...]:
    """The value, or the exception's type, str, errno and filename: what drop-in must match."""
    try:
        return ("ok", fn(*args))
    except Exception as exc:
        return (
            "err",
            type(exc),
            str(exc),
            getattr(exc, "errno", None),
            getattr(exc, "filename", None),
        )


@pytest.fixture(scope="module")
def dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """Directories holding exactly n entries (files, a subdirectory, a hidden file)."""
    base = tmp_path_factory.mktemp("fd")
    out = {}
    for n in SIZES:
        d = base / f"d{n}"
        d.mkdir()
        for i in range(n):
            if i == 0:
                (d / "sub").mkdir()
            elif i == 1:
                (d / ".hidden").touch()
            else:
                (d / f"f{i}").touch()
        out[n] = d
    return out


# --------------------------------------------------------------------------- get_parallel_threads


@pytest.mark.parametrize(
    "cloud",
    [None, "", "aws", "gcp", "k8s", "kubernetes ", " kubernetes", "kubernetesx", "kübernetes"],
)
def test_parallel_threads_plain(process: ModuleType, cloud: str | None) -> None:
    assert process.get_parallel_threads(cloud) == threads()
    assert process.get_parallel_threads(cloud_str=cloud) == threads()


def test_parallel_threads_default_argument(process: ModuleType) -> None:
    assert process.get_parallel_threads() == threads()
    assert process.get_parallel_threads() >= 4


@pytest.mark.parametrize(
    "cloud", ["kubernetes", "KUBERNETES", "Kubernetes", "kUbErNeTeS", "\u212aubernetes"]
)
def test_parallel_threads_kubernetes(process: ModuleType, cloud: str) -> None:
    # U+212A KELVIN SIGN lower-cases to 'k' in Python's str.lower.
    assert process.get_parallel_threads(cloud) == threads(kubernetes=True)


class Cloud:
    """A non-str cloud: truthiness and lower() are its own, as in the reference."""

    def __init__(self, lowered: Any, truthy: bool = True) -> None:
        self.lowered = lowered
        self.truthy = truthy
        self.lower_calls = 0

    def __bool__(self) -> bool:
        return self.truthy

    def lower(self) -> Any:
        self.lower_calls += 1
        return self.lowered


class KubeStr(str):
    def lower(self) -> str:
        return "kubernetes"


class Loose:
    """Compares equal to anything; the comparison result is used for its truthiness."""

    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = object.__hash__


def test_parallel_threads_non_str_clouds(process: ModuleType) -> None:
    kube = Cloud("kubernetes")
    assert process.get_parallel_threads(kube) == threads(kubernetes=True)
    assert kube.lower_calls == 1
    falsy = Cloud("kubernetes", truthy=False)
    assert process.get_parallel_threads(falsy) == threads()
    assert falsy.lower_calls == 0, "lower() must not be called on a falsy cloud"
    assert process.get_parallel_threads(Cloud("aws")) == threads()
    assert process.get_parallel_threads(Cloud(Loose())) == threads(kubernetes=True)
    assert process.get_parallel_threads(KubeStr("aws")) == threads(kubernetes=True)
    assert process.get_parallel_threads(0) == threads()  # falsy: .lower() never looked up
    assert process.get_parallel_threads(b"") == threads()
    assert process.get_parallel_threads(b"kubernetes") == threads()  # b'..' != '..'


def test_parallel_threads_errors(process: ModuleType) -> None:
    with pytest.raises(AttributeError, match="'int' object has no attribute 'lower'"):
        process.get_parallel_threads(5)

    class Boom:
        def lower(self) -> str:
            raise KeyError("boom")

    with pytest.raises(KeyError, match="boom"):
        process.get_parallel_threads(Boom())
    with pytest.raises(TypeError):
        process.get_parallel_threads("kubernetes", "extra")


def test_parallel_threads_cpu_count_none_in_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    """A None or small os.cpu_count() still gives 4 (fallback; the Rust core's
    ``parallel_threads(None, ..)`` is covered by ``cargo test``: sysconf cannot be faked)."""
    for count, expected in ((None, 4), (1, 4), (5, 4), (6, 5), (64, 63)):
        monkeypatch.setattr(os, "cpu_count", lambda count=count: count)
        assert sky_rs.fallback.get_parallel_threads() == expected
        assert sky_rs.fallback.get_parallel_threads("Kubernetes") == expected * 4


@given(
    st.one_of(
        st.none(),
        st.text(max_size=12),
        st.sampled_from(["kubernetes", "KUBERNETES", "\u212aUBERNETES", "Kubernetes\u0130"]),
        st.builds(
            lambda s: "".join(s), st.lists(st.sampled_from("kKuUbBeErRnNtTsS\u212a"), max_size=11)
        ),
        st.integers(min_value=-1, max_value=1),
        st.binary(max_size=3),
    )
)
def test_parallel_threads_differential(cloud: Any) -> None:
    rust = rust_module("process")
    assert outcome(rust.get_parallel_threads, cloud) == outcome(
        sky_rs.fallback.get_parallel_threads, cloud
    )


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
    base = _differential_tree()
    path = base + "/" + name
    assert outcome(rust.estimate_fd_for_directory, path) == outcome(
        sky_rs.fallback.estimate_fd_for_directory, path
    )


_TREE: list[str] = []


def _differential_tree() -> str:
    """A small tree the name strategy can hit: dirs 'a', 'b', 'a/b', a file 'ab', links."""
    if not _TREE:
        import tempfile

        base = tempfile.mkdtemp(prefix="sky-rs-process-")
        for d in ("a", "b", "a/b", "é"):
            os.makedirs(os.path.join(base, d))
        for i in range(3):
            open(os.path.join(base, "a", f"f{i}"), "w").close()
        open(os.path.join(base, "ab"), "w").close()
        os.symlink("a", os.path.join(base, "ba"))
        os.symlink("nowhere", os.path.join(base, "bb"))
        _TREE.append(base)
    return _TREE[0]


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
    base = _differential_tree()
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
