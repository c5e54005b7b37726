"""process domain: is_process_alive and are_processes_alive, on both backends.

The reference is ``psutil.pid_exists`` (installed for the tests only): every answer, and every
exception (type and message), must be psutil's.
"""

from __future__ import annotations

import contextlib
import enum
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from types import ModuleType
from typing import Any, Callable

import psutil
import pytest
import sky_rs.fallback
from hypothesis import given
from hypothesis import strategies as st

from tests.support.backends import cpython_says, rust_module


def outcome(fn: Callable[..., Any], *args: Any) -> tuple[Any, ...]:
    try:
        return ("ok", fn(*args))
    except Exception as exc:
        return ("err", type(exc), str(exc))


def assert_like_psutil(process: ModuleType, pid: Any) -> None:
    want = outcome(psutil.pid_exists, pid)
    got = outcome(process.is_process_alive, pid)
    if got != want:  # a process may have come or gone in between: ask both again
        want = outcome(psutil.pid_exists, pid)
        got = outcome(process.is_process_alive, pid)
    assert got == want, pid


def all_proc_ids() -> list[int]:
    """Every pid listed in /proc and every thread id under /proc/<pid>/task."""
    ids = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            ids.append(int(name))
            with contextlib.suppress(OSError):
                ids.extend(int(t) for t in os.listdir(f"/proc/{name}/task"))
    return ids


def wait_until_zombie(pid: int) -> None:
    for _ in range(400):
        with open(f"/proc/{pid}/stat") as f:
            if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                return
        time.sleep(0.005)
    raise AssertionError(f"{pid} did not become a zombie")


# ------------------------------------------------------------------------------ single pids


def test_own_pid_and_init(process: ModuleType) -> None:
    assert process.is_process_alive(os.getpid()) is True
    assert process.is_process_alive(1) is True
    assert process.is_process_alive(os.getppid()) is True


@pytest.mark.parametrize("pid", [0, -1, -2, -(2**31), -(2**63), -(2**70), 2**31 - 1, 4_194_304])
def test_not_alive(process: ModuleType, pid: int) -> None:
    assert process.is_process_alive(pid) is False
    assert psutil.pid_exists(pid) is False


@pytest.mark.parametrize("pid", [2**31, 2**32 + 1, 2**63, 2**64])
def test_pids_beyond_pid_t_raise_like_os_kill(process: ModuleType, pid: int) -> None:
    # psutil reaches os.kill(pid, 0), which rejects them; the text is the Python version's own
    # ("signed integer is greater than maximum" up to 3.13, "Python int too large ..." after).
    with pytest.raises(OverflowError) as ours:
        process.is_process_alive(pid)
    with pytest.raises(OverflowError) as theirs:
        psutil.pid_exists(pid)
    assert str(ours.value) == str(theirs.value) == cpython_says(lambda: os.kill(pid, 0))


class Pid(int):
    def __str__(self) -> str:
        return "1"


class Color(enum.IntEnum):
    INIT = 1


@pytest.mark.parametrize(
    "pid",
    [
        True,
        False,
        1.0,
        0.0,
        -1.5,
        1.5,
        Pid(1),
        Pid(os.getpid()),
        Color.INIT,
        None,
        "1",
        [1],
        2.0**40,
    ],
)
def test_exotic_pid_types_like_psutil(process: ModuleType, pid: Any) -> None:
    assert_like_psutil(process, pid)


def test_huge_float_pid(process: ModuleType) -> None:
    assert_like_psutil(process, 2.0**40)
    assert_like_psutil(process, float("nan"))
    assert_like_psutil(process, float("-inf"))


def test_exotic_pid_type_values(process: ModuleType) -> None:
    # True formats as 'True' (no /proc/True/status) and then is found in the listing as 1.
    assert process.is_process_alive(True) is True
    assert process.is_process_alive(False) is False
    assert process.is_process_alive(0.0) is False
    assert process.is_process_alive(-1.5) is False
    with pytest.raises(TypeError) as exc:
        process.is_process_alive(1.0)
    assert str(exc.value) == cpython_says(lambda: os.kill(1.0, 0))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="'<' not supported between instances of 'str' and 'int'"):
        process.is_process_alive("1")


def test_exited_and_zombie_children(process: ModuleType) -> None:
    child = subprocess.Popen(["true"])
    wait_until_zombie(child.pid)
    assert process.is_process_alive(child.pid) is True  # a zombie exists until reaped
    assert psutil.pid_exists(child.pid) is True
    child.wait()
    assert process.is_process_alive(child.pid) is False
    assert psutil.pid_exists(child.pid) is False


def test_forked_zombie(process: ModuleType) -> None:
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    try:
        wait_until_zombie(pid)
        assert process.is_process_alive(pid) is True
    finally:
        os.waitpid(pid, 0)
    assert process.is_process_alive(pid) is False


def test_running_child(process: ModuleType) -> None:
    child = subprocess.Popen(["sleep", "30"])
    try:
        assert process.is_process_alive(child.pid) is True
    finally:
        child.kill()
        child.wait()
    assert process.is_process_alive(child.pid) is False


def test_thread_ids_are_not_processes(process: ModuleType) -> None:
    started, stop = threading.Event(), threading.Event()
    native: list[int] = []

    def run() -> None:
        native.append(threading.get_native_id())
        started.set()
        stop.wait(10)

    thread = threading.Thread(target=run)
    thread.start()
    try:
        started.wait(10)
        tid = native[0]
        assert tid != os.getpid()
        assert os.path.exists(f"/proc/{tid}/status")  # hidden, but there
        assert process.is_process_alive(tid) is False
        assert psutil.pid_exists(tid) is False
        assert process.are_processes_alive([tid, os.getpid()]) == [False, True]
    finally:
        stop.set()
        thread.join()


_NOBODY = 65534  # nobody


def test_another_users_process(process: ModuleType, tmp_path: Any) -> None:
    """A process we may not signal (EPERM) still exists: pid 1 seen by an unprivileged user.

    As root, a forked child drops to uid 65534 and reports what both backends and psutil say.
    """
    if os.getuid() != 0:
        assert process.is_process_alive(1) is True
        assert psutil.pid_exists(1) is True
        return
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        try:
            os.close(read_end)
            os.setgid(_NOBODY)
            os.setuid(_NOBODY)
            try:
                os.kill(1, 0)
                kill = "ok"
            except OSError as exc:
                kill = exc.__class__.__name__
            ids = [1, os.getppid(), os.getpid(), 2**31 - 1]
            report = {
                "kill": kill,
                "ours": process.are_processes_alive(ids),
                "single": [process.is_process_alive(i) for i in ids],
                "psutil": [psutil.pid_exists(i) for i in ids],
            }
            os.write(write_end, json.dumps(report).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    report = json.loads(data)
    assert report["kill"] == "PermissionError"
    assert report["ours"] == report["single"] == report["psutil"] == [True, True, True, False]


# -------------------------------------------------------------------------------- batches


def test_are_processes_alive_iterables(process: ModuleType) -> None:
    me = os.getpid()
    expected = [True, True, False, False, False]
    pids = [me, 1, 0, -1, 2**31 - 1]
    assert process.are_processes_alive(pids) == expected
    assert process.are_processes_alive(tuple(pids)) == expected
    assert process.are_processes_alive(iter(pids)) == expected
    assert process.are_processes_alive(p for p in pids) == expected
    assert process.are_processes_alive({me: "x"}) == [True]
    assert process.are_processes_alive(range(-3, 1)) == [False] * 4
    assert process.are_processes_alive([]) == []
    assert process.are_processes_alive([me] * 1000) == [True] * 1000
    mixed = [True, me, 0.0, Pid(1), me, False]
    assert process.are_processes_alive(mixed) == [psutil.pid_exists(p) for p in mixed]


def test_are_processes_alive_errors(process: ModuleType) -> None:
    me = os.getpid()
    with pytest.raises(OverflowError) as overflow:
        process.are_processes_alive([me, 2**31, me])
    assert str(overflow.value) == cpython_says(lambda: os.kill(2**31, 0))
    with pytest.raises(TypeError, match="'int' object is not iterable"):
        process.are_processes_alive(5)
    with pytest.raises(TypeError) as wrong_type:
        process.are_processes_alive([me, 1.5])
    assert str(wrong_type.value) == cpython_says(lambda: os.kill(1.5, 0))  # type: ignore[arg-type]

    consumed: list[int] = []

    def pids() -> Iterator[Any]:
        for p in (me, 1, 2**40, me, me):
            consumed.append(p)
            yield p

    with pytest.raises(OverflowError):
        process.are_processes_alive(pids())
    assert consumed == [me, 1, 2**40], "iteration stops at the failing pid"

    def broken() -> Iterator[int]:
        yield me
        raise KeyError("iterator broke")

    with pytest.raises(KeyError, match="iterator broke"):
        process.are_processes_alive(broken())


def test_batch_matches_single_calls_over_proc(process: ModuleType) -> None:
    ids = all_proc_ids()
    ids += [i + 1 for i in ids] + [0, -1, 1, 2**31 - 1]
    batch = process.are_processes_alive(ids)
    single = [process.is_process_alive(i) for i in ids]
    reference = [psutil.pid_exists(i) for i in ids]
    for pid, a, b, c in zip(ids, batch, single, reference):
        if not a == b == c:  # something started or exited meanwhile: ask again
            assert process.is_process_alive(pid) == psutil.pid_exists(pid), pid


# ----------------------------------------------------------------- psutil, over many pids


def test_every_proc_id_like_psutil(process: ModuleType) -> None:
    for pid in all_proc_ids():
        assert_like_psutil(process, pid)
        assert_like_psutil(process, pid + 1)


@given(
    st.one_of(
        st.integers(min_value=-(2**33), max_value=2**33),
        st.integers(min_value=-5, max_value=5000),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.sampled_from(all_proc_ids()),
    )
)
def test_pid_ranges_like_psutil(pid: int) -> None:
    for module in (rust_module("process"), sky_rs.fallback):
        assert_like_psutil(module, pid)


@given(st.lists(st.integers(min_value=-10, max_value=5000), max_size=20))
def test_batch_differential(pids: list[int]) -> None:
    rust = rust_module("process")
    got, want = rust.are_processes_alive(pids), sky_rs.fallback.are_processes_alive(pids)
    if got != want:  # processes come and go; compare again once
        got, want = rust.are_processes_alive(pids), sky_rs.fallback.are_processes_alive(pids)
    assert got == want


_HIDEPID_SCRIPT = r"""
import json, os
import psutil, sky_rs_process as rust, sky_rs.fallback as python
os.setgid(65534)
os.setuid(65534)
ids = [1, os.getpid(), os.getppid(), 2**31 - 1]
for name in os.listdir("/proc"):
    if name.isdigit():
        ids += [int(name), int(name) + 1]
print(json.dumps([[i, psutil.pid_exists(i), rust.is_process_alive(i), python.is_process_alive(i)]
                  for i in ids]))
"""


def test_hidepid_procfs_like_psutil() -> None:
    """With /proc mounted hidepid=invisible, other users' processes vanish from /proc: psutil
    (and so both backends) call them dead even though kill() says EPERM. Needs root to mount
    a procfs in a private mount namespace."""
    if os.getuid() != 0 or not shutil.which("unshare"):
        pytest.skip("needs root and unshare(1) to mount a hidepid procfs")
    shell = 'mount -t proc -o hidepid=invisible proc /proc && exec "$0" -c "$1"'
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", shell, sys.executable, _HIDEPID_SCRIPT],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0 and "mount" in done.stderr:
        pytest.skip(f"cannot mount procfs here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [1, False, False, False] in rows  # init is hidden from uid 65534
    assert all(ref == rust == python for _, ref, rust, python in rows), rows
