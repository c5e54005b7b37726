"""Child process of ``tests/test_faults.py``: runs the public functions while ``strace`` injects
system-call errors into it.

Usage: ``python tests/fault_driver.py WORKDIR`` with ``SKY_RS_USE_RUST=0`` for the Python
fallback (read at import, as in production: the functions are ``sky_rs``'s own, bound at
import to the installed wheels or to the fallback).

Protocol, over stdin/stdout (one JSON document per line):

1. The child builds its inputs under WORKDIR, imports everything, calls every case once (the
   clean answers; this also warms every cache and lazy import) and prints
   ``{"ready": pid, "backend": ..., "clean": {case: outcome}}``.
2. It then reads steps, one line each: a list of case names (an empty list ends it). For
   each it prints ``{"armed": true}`` and waits for ``SIGUSR1`` in ``sigwait``
   (``rt_sigtimedwait``: no injected call) while the parent attaches ``strace``. On the
   signal it runs the step's cases, printing ``{"case": name, "outcome": ...}`` each, with a
   marker ``stat`` of ``/nonexistent-fault-marker-<case>`` before each (for the parent's
   trace of which calls a case makes), then ``{"done": true}``, and waits for
   ``SIGUSR1`` again: the parent sends it once ``strace`` has detached, so stdin is never
   read under a fault. Output is written with ``os.write`` (``write``: no injected call).
   The line ``"state"`` instead of a step asks for ``{"tasks": N, "fds": M}``: the threads
   and open descriptors of the child, which must not grow from step to step.

An outcome is ``["value", repr]`` (hash objects by name and hex digest) or
``["raise", type name, errno, str]``; a Rust panic surfaces as ``PanicException``.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import sky_rs

MARKER = "/nonexistent-fault-marker-"


def build_cases(work: str) -> dict[str, Callable[[], Any]]:
    """The cases: every public function, on inputs that reach each of its system calls."""
    small = os.path.join(work, "small.log")
    with open(small, "wb") as f:
        f.write(b"one\ntwo\r\nthree\n")
    big = os.path.join(work, "big.log")
    with open(big, "wb") as f:
        # ~2.3 MB of numbered lines: several backward chunks, a hashed file past every
        # size threshold (16 KiB first read, the md5/sha512 hand-off to hashlib).
        f.write(b"".join(b"line %06d of the big log\n" % i for i in range(90_000)))
    directory = os.path.join(work, "dir")
    os.mkdir(directory)
    for i in range(3000):  # three getdents64 calls' worth
        open(os.path.join(directory, f"entry-{i:05d}-with-a-longish-name"), "wb").close()
    small_dir = os.path.join(work, "small_dir")
    os.mkdir(small_dir)
    for i in range(7):
        open(os.path.join(small_dir, str(i)), "wb").close()
    child = subprocess.Popen(["true"])
    child.wait()
    dead = child.pid  # reaped: no such process
    f = sky_rs
    return {
        "read_last_n_lines/small": lambda: f.read_last_n_lines(small, 2),
        "read_last_n_lines/big": lambda: f.read_last_n_lines(big, 60_000),
        "read_last_n_lines/dir": lambda: f.read_last_n_lines(directory, 2),
        "hash_file/small-sha256": lambda: f.hash_file(small, "sha256"),
        "hash_file/big-sha256": lambda: f.hash_file(big, "sha256"),
        "hash_file/big-md5": lambda: f.hash_file(big, "md5"),
        "hash_file/big-sha3_256": lambda: f.hash_file(big, "sha3_256"),
        "hash_file/dir": lambda: f.hash_file(directory, "sha256"),
        "hash_files/sha256": lambda: f.hash_files([big, small, big, small], "sha256"),
        "find_free_port": lambda: f.find_free_port(65000),
        "base36_encode": lambda: f.base36_encode("ff" * 16),
        "format_float": lambda: f.format_float(2.25),
        "truncate_long_string": lambda: f.truncate_long_string("hello world " * 5, 20),
        "get_cpu_count": lambda: f.get_cpu_count(),
        "get_mem_size_gb": lambda: f.get_mem_size_gb(),
        "get_parallel_threads": lambda: f.get_parallel_threads("kubernetes"),
        "get_max_workers_for_file_mounts": lambda: f.get_max_workers_for_file_mounts(
            {"~/a": small_dir, "~/b": small}
        ),
        "is_process_alive/self": lambda: f.is_process_alive(os.getpid()),
        "is_process_alive/dead": lambda: f.is_process_alive(dead),
        "are_processes_alive": lambda: f.are_processes_alive([os.getpid(), dead, 1, -1, 0]),
        "estimate_fd_for_directory": lambda: f.estimate_fd_for_directory(directory),
    }


def render(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(render(v) for v in value) + "]"
    if hasattr(value, "hexdigest"):
        return f"<{value.name} {value.hexdigest()}>"
    return repr(value)


def outcome(call: Callable[[], Any]) -> list[Any]:
    try:
        value = call()
    except BaseException as exc:  # PanicException derives from BaseException
        name = type(exc).__name__
        cause = exc.__cause__
        if cause is not None:  # read_last_n_lines' RuntimeError from the OSError
            name += f"<-{type(cause).__name__}"
        errno = getattr(exc, "errno", None) or getattr(cause, "errno", None)
        return ["raise", name, errno, str(exc)[:200]]
    return ["value", render(value)]


def emit(doc: dict[str, Any]) -> None:
    data = (json.dumps(doc) + "\n").encode()
    while data:
        data = data[os.write(1, data) :]


def main() -> None:
    work = sys.argv[1]
    cases = build_cases(work)
    clean = {name: outcome(call) for name, call in cases.items()}
    # A second round: every cache and lazy import is warm now.
    clean = {name: outcome(call) for name, call in cases.items()}
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
    emit({"ready": os.getpid(), "backend": sky_rs.get_backend_info()["backend"], "clean": clean})
    while True:
        step = json.loads(sys.stdin.readline() or "null")
        if step == "state":  # no strace attached: threads and descriptors, to check for leaks
            tasks, fds = os.listdir("/proc/self/task"), os.listdir("/proc/self/fd")
            emit({"tasks": len(tasks), "fds": len(fds)})
            continue
        if not step:
            break
        emit({"armed": True})
        signal.sigwait({signal.SIGUSR1})  # strace is attached now
        for name in step:
            with contextlib.suppress(OSError):
                os.stat(MARKER + name.replace("/", "-"))
            emit({"case": name, "outcome": outcome(cases[name])})
        with contextlib.suppress(OSError):
            os.stat(MARKER + "end")
        emit({"done": True})
        signal.sigwait({signal.SIGUSR1})  # strace has detached: stdin may be read again


if __name__ == "__main__":
    main()
