"""Child process of ``tests/hardening/test_interrupt.py``: one long call, stopped by a signal.

Usage: ``python tests/support/interrupt_driver.py CASE WORKDIR DELAY SIGNAL [--wait]``, with
``SKY_RS_USE_RUST=0`` for the Python fallback. The child builds CASE's input under WORKDIR
(sparse files made with ``truncate``: no disk is used), prints ``{"ready": pid}`` and, with
``--wait``, waits for ``SIGUSR1`` (the parent attaches ``strace`` meanwhile, to slow a call
down). It then starts a thread that sends SIGNAL (``SIGINT``, or ``SIGTERM`` whose handler
raises ``Terminated``) to the process DELAY seconds into the call, and prints one line of
JSON: what the call did (``raised <type>`` or ``returned``), the time from the signal to the
exception (``latency``), and the threads and open descriptors before and after.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import sky_rs

GIB = 1024**3


class Terminated(Exception):
    """What the SIGTERM handler raises."""


def sparse(path: str, size: int) -> str:
    with open(path, "wb") as f:
        f.truncate(size)
    return path


def build(case: str, work: str) -> Callable[[], Any]:
    if case == "hash_files":
        paths = [sparse(os.path.join(work, f"big{i}"), 3 * GIB) for i in range(4)]
        return lambda: sky_rs.hash_files(paths, "sha256")
    if case == "hash_file":
        path = sparse(os.path.join(work, "big"), 3 * GIB)
        return lambda: sky_rs.hash_file(path, "sha256")
    if case == "hash_file_md5":  # md5 of a long file is handed to hashlib
        path = sparse(os.path.join(work, "big"), 3 * GIB)
        return lambda: sky_rs.hash_file(path, "md5")
    if case == "read_last_n_lines":  # slowed down by strace: every read takes a while
        path = sparse(os.path.join(work, "log"), 64 * 1024 * 1024)
        return lambda: sky_rs.read_last_n_lines(path, 10**9)
    if case == "estimate_fd_for_directory":  # slowed down by strace: every getdents64
        directory = os.path.join(work, "dir")
        os.mkdir(directory)
        for i in range(20_000):
            os.close(os.open(os.path.join(directory, f"{i:06d}"), os.O_CREAT | os.O_WRONLY))
        return lambda: sky_rs.estimate_fd_for_directory(directory)
    if case == "are_processes_alive":
        child = subprocess.Popen(["true"])
        child.wait()
        pids = [child.pid] * 10_000_000  # a reaped pid: no such process
        return lambda: sky_rs.are_processes_alive(pids)
    raise ValueError(case)


def state() -> tuple[int, int]:
    return len(os.listdir("/proc/self/task")), len(os.listdir("/proc/self/fd"))


def main() -> None:
    case, work, delay, signame = sys.argv[1:5]
    call = build(case, work)
    signum = getattr(signal, signame)
    # Python installs its KeyboardInterrupt handler only when SIGINT is not ignored at start-up,
    # and a shell's background job (a CI runner's, say) starts with it ignored: install it here.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if signum == signal.SIGTERM:

        def terminate(signum: int, frame: object) -> None:
            raise Terminated("SIGTERM")

        signal.signal(signal.SIGTERM, terminate)
    print(json.dumps({"ready": os.getpid()}), flush=True)
    if "--wait" in sys.argv:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
        signal.sigwait({signal.SIGUSR1})
    before = state()
    sent: list[float] = []

    def send() -> None:
        time.sleep(float(delay))
        sent.append(time.monotonic())
        os.kill(os.getpid(), signum)

    timer = threading.Thread(target=send)
    start = time.monotonic()
    timer.start()
    try:
        call()
        outcome = "returned"
    except BaseException as exc:
        outcome = f"raised {type(exc).__name__}"
    caught = time.monotonic()
    timer.join()
    # A joined thread can still be listed for a few microseconds while the kernel ends it.
    for _ in range(50):
        if state() == before:
            break
        time.sleep(0.002)
    print(
        json.dumps(
            {
                "outcome": outcome,
                "latency": caught - sent[0] if sent else None,
                "elapsed": caught - start,
                "before": before,
                "after": state(),
                "backend": sky_rs.get_backend_info()["backend"],
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
