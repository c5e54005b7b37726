"""Faults from the system: every function under injected system-call errors, on both backends.

``tests/support/faults.py`` attaches ``strace`` to a child after its set-up and injects one error
into one class of system call at a time (``EINTR`` into the first call only, every other
error into every call), on the installed wheels and on the Python fallback. This test holds
the outcomes to these rules:

- no hang, crash or panic, and no wrong value, on either backend;
- Rust never raises where the fallback returns the right value;
- any other difference is one of the decided deviations below, each written in docs/SPEC.md
  ("Faults from the system");
- no thread and no descriptor is left behind by a faulted call.

The whole matrix (10 classes x 7 errors, every function, about 950 cases) takes about 10 s.
``strace`` is required: without it these tests fail (``apt-get install strace``).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from sky_rs._domains import FUNCTIONS
from sky_rs._spec import SPECS

from tests.support import faults

pytestmark = pytest.mark.ptrace  # strace attaches to a child: needs ptrace

SPEC = Path(__file__).parents[2] / "docs" / "SPEC.md"

SIDE_CHANNELS = ("open", "read", "stat", "getdents")
"""The classes of the ``/proc`` reads the Rust liveness check skips (SPEC: is_process_alive)."""


def deviation(function: str, cls: str, error: str, rust: str, python: str) -> str | None:
    """The decided deviation (its tag in docs/SPEC.md) that allows ``rust`` where the fallback
    gives ``python``, or ``None``."""
    python_raised = python not in ("ok",) and not python.startswith("WRONG")
    if error == "EINTR" and rust == "ok" and python_raised:
        return "fault:eintr"  # Rust retries every interrupted call (PEP 475), CPython some
    same_exception = python_raised and rust.split("<-")[0] == python.split("<-")[0]
    if error == "EINTR" and same_exception and function == "read_last_n_lines":
        # CPython 3.14+: open() of a directory whose fstat is interrupted reports EINVAL as
        # the cause; Rust retries and reports what it would without the signal (EISDIR).
        return "fault:eintr"
    if function == "get_mem_size_gb" and rust == "ok" and python_raised:
        return "fault:sysinfo"  # MemTotal from sysinfo(2), not /proc/meminfo
    liveness = function in ("is_process_alive", "are_processes_alive")
    if liveness and cls in SIDE_CHANNELS and rust == "ok" and python_raised:
        return "fault:liveness"  # tgkill answers without /proc
    listing = function in ("estimate_fd_for_directory", "get_max_workers_for_file_mounts")
    if listing and cls == "stat" and rust == "ok" and python_raised:
        return "fault:opendir"  # glibc's opendir fstat()s for a buffer size; we don't
    if function == "read_last_n_lines":
        if cls == "stat" and python == "AssertionError" and (rust == "ok" or "<-" in rust):
            return "fault:exists"  # an open that succeeds proves existence: no stat
        if (
            cls == "seek"
            and rust.startswith("RuntimeError<-")
            and (python == "RuntimeError<-UnsupportedOperation")
        ):
            return "fault:seek"  # same RuntimeError; CPython's cause is UnsupportedOperation
    return None


def problems(rows: list[tuple[str, str, str, str, str]]) -> tuple[list[str], set[str]]:
    """The rows that break a rule, and the deviation tags used."""
    bad, used = [], set()
    for case, cls, error, rust, python in rows:
        function = case.split("/")[0]
        where = f"{case} under {cls}:{error}: rust {rust}, python {python}"
        failed = ("hang", "crash", "panic")
        if rust in failed or python in failed or rust.startswith("WRONG"):
            bad.append(where)
        elif python.startswith("WRONG"):
            bad.append(where + " (the fallback returns a wrong value)")
        elif rust == python:
            continue
        elif python == "ok":
            bad.append(where + " (Rust raises where Python returns the right value)")
        else:
            tag = deviation(function, cls, error, rust, python)
            if tag is None:
                bad.append(where + " (a difference that is no decided deviation)")
            else:
                used.add(tag)
    return bad, used


@pytest.fixture(scope="module")
def runs() -> dict[str, faults.Run]:
    if shutil.which("strace") is None:
        pytest.fail("strace is not on PATH (apt-get install strace)", pytrace=False)
    return faults.run_matrix()


def test_every_class_and_error_was_injected(runs: dict[str, faults.Run]) -> None:
    rows = faults.table(runs)
    assert {(cls, error) for _, cls, error, _, _ in rows} == {
        (cls, error) for cls in faults.CLASSES for error in faults.ERRORS
    }
    functions = {case.split("/")[0] for case, *_ in rows}
    # Every function that makes a system call is concerned by at least one class. glibc before
    # 2.35 answers sysconf(_SC_NPROCESSORS_ONLN) from a cache for a second (no system call), so
    # there get_parallel_threads may not be concerned by any class (bullseye's glibc 2.31).
    glibc = tuple(int(x) for x in os.confstr("CS_GNU_LIBC_VERSION").split()[1].split(".")[:2])
    optional = {"get_parallel_threads"} if glibc < (2, 35) else set()
    assert functions | optional == {
        name for name, spec in SPECS.items() if spec.io or spec.syscalls
    }, "every function that makes a system call (Spec.io or Spec.syscalls)"
    assert len(rows) > 400


def test_the_driver_calls_every_function(runs: dict[str, faults.Run]) -> None:
    assert {case.split("/")[0] for case in runs["rust"].clean} == set(FUNCTIONS)


def test_clean_answers_agree(runs: dict[str, faults.Run]) -> None:
    # Exceptions by type and errno: their text names each child's own directory.
    rust = {case: o[:3] for case, o in runs["rust"].clean.items()}
    python = {case: o[:3] for case, o in runs["python"].clean.items()}
    assert rust.keys() == python.keys()
    racy = {case for case in rust if case.startswith("find_free_port")}
    differ = {case for case in rust.keys() - racy if rust[case] != python[case]}
    assert not differ, {case: (rust[case], python[case]) for case in differ}
    assert all(outcome[0] == "value" for case, outcome in rust.items() if "/dir" not in case)


def test_no_hang_crash_wrong_value_or_undecided_difference(runs: dict[str, faults.Run]) -> None:
    bad, used = problems(faults.table(runs))
    assert not bad, "\n".join(bad)
    # The run exercised the deviations it allows.
    assert {"fault:eintr", "fault:sysinfo", "fault:liveness", "fault:exists"} <= used


def test_every_deviation_is_in_the_spec() -> None:
    tags = set(re.findall(r'"(fault:[a-z]+)"', Path(__file__).read_text()))
    spec = SPEC.read_text()
    assert tags, "no deviation tags found"
    for tag in sorted(tags):
        assert f"`{tag}`" in spec, f"{tag} is not documented in docs/SPEC.md"


def test_nothing_left_behind(runs: dict[str, faults.Run]) -> None:
    for run in runs.values():
        assert len(run.states) > 10
        assert len(set(run.states)) == 1, (run.backend, run.states)
        threads, _ = run.states[0]
        assert threads == 1, (run.backend, run.states[0])


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (("x", "open", "EIO", "OSError(5)", "ok"), "Rust raises"),
        (("x", "open", "EIO", "WRONG 1", "ok"), ""),
        (("x", "open", "EIO", "ok", "hang"), ""),
        (("x", "open", "EIO", "OSError(5)", "PermissionError(13)"), "no decided"),
        (("x", "open", "EINTR", "ok", "InterruptedError(4)"), None),
        (("x", "open", "EIO", "OSError(5)", "OSError(5)"), None),
    ],
)
def test_the_rules_catch_what_they_must(
    row: tuple[str, str, str, str, str], expected: str | None
) -> None:
    bad, _ = problems([row])
    if expected is None:
        assert bad == []
    else:
        assert len(bad) == 1 and expected in bad[0]
