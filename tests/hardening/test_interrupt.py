"""Ctrl-C reaches every long call, on both backends.

Each case runs in a child (``tests/support/interrupt_driver.py``): a call that would take seconds
gets ``SIGINT`` (Python's handler raises ``KeyboardInterrupt``), or ``SIGTERM`` with a handler that
raises, a fraction of a second in. The call must raise the handler's exception soon after,
and leave no thread running and no descriptor open. Sparse files (``truncate``) stand in
for huge ones: no disk is used. Where the Rust call is too fast to catch in the act
(tailing a log, listing a directory), ``strace`` attached to the child delays each of its
reads or ``getdents64`` calls, so the call is long on both backends.

The bound on the latency is a generous 1 s, for a noisy shared machine; the measured values
are in docs/reliability.md (``SKY_RS_INTERRUPT_REPORT=path`` writes them as JSON lines).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

DRIVER = Path(__file__).parents[1] / "support" / "interrupt_driver.py"
BOUND = 1.0
"""Seconds from the signal to the exception: the issue asks for 100 ms; a noisy VM gets 1 s."""

SLOWED: dict[str, tuple[str, int]] = {
    "read_last_n_lines": ("read,pread64", 20_000),
    "estimate_fd_for_directory": ("getdents64", 50_000),
}
"""Cases slowed down by strace: the calls delayed, and by how many microseconds each."""


def run(case: str, backend: str, tmp_path: Path, signame: str = "SIGINT") -> dict[str, Any]:
    env = dict(os.environ, SKY_RS_USE_RUST="1" if backend == "rust" else "0")
    env.pop("SKY_RS_DISABLE", None)
    slowed = SLOWED.get(case)
    args = [sys.executable, str(DRIVER), case, str(tmp_path), "0.3", signame]
    if slowed:
        if shutil.which("strace") is None:
            pytest.fail("strace is not on PATH (apt-get install strace)", pytrace=False)
        args.append("--wait")
    child = subprocess.Popen(args, stdout=subprocess.PIPE, env=env, text=True)
    assert child.stdout is not None
    strace = None
    try:
        ready = json.loads(child.stdout.readline())
        if slowed:
            calls, micros = slowed
            strace = subprocess.Popen(
                [
                    *("strace", "-f", "-o", "/dev/null", "-e", f"trace={calls}"),
                    *("-e", f"inject={calls}:delay_exit={micros}", "-p", str(ready["ready"])),
                ],
                stderr=subprocess.PIPE,
                text=True,
            )
            assert strace.stderr is not None
            assert "attached" in strace.stderr.readline()
            os.kill(ready["ready"], signal.SIGUSR1)
        line = child.stdout.readline()
        child.wait(120)
    finally:
        if strace is not None:
            strace.send_signal(signal.SIGINT)
            strace.wait(30)
        if child.poll() is None:
            child.kill()
            child.wait()
    assert line, f"the {case} child died (exit {child.returncode})"
    result: dict[str, Any] = json.loads(line)
    assert result["backend"] == backend
    report = os.environ.get("SKY_RS_INTERRUPT_REPORT")
    if report:
        with open(report, "a", encoding="utf-8") as f:
            f.write(json.dumps({"case": case, "signal": signame, **result}) + "\n")
    return result


def check(result: dict[str, Any], exception: str) -> None:
    assert result["outcome"] == f"raised {exception}", result
    assert result["latency"] is not None and 0 <= result["latency"] < BOUND, result
    # Threads and descriptors are back where they were: no worker left, no file left open.
    assert result["after"] == result["before"], result


@pytest.mark.parametrize("backend", ["rust", "python"])
@pytest.mark.parametrize(
    "case",
    [
        "hash_files",
        "hash_file",
        "hash_file_md5",
        # Too fast to interrupt on real input: strace slows each read or getdents64 (SLOWED).
        pytest.param("read_last_n_lines", marks=pytest.mark.ptrace),
        pytest.param("estimate_fd_for_directory", marks=pytest.mark.ptrace),
        "are_processes_alive",
    ],
)
def test_ctrl_c_stops_a_long_call(case: str, backend: str, tmp_path: Path) -> None:
    if backend == "python" and case == "estimate_fd_for_directory":
        # os.listdir runs no signal handler until the whole listing is read; at 50 ms per
        # getdents64 that is longer than the bound (docs/reliability.md).
        result = run(case, backend, tmp_path)
        assert result["outcome"] == "raised KeyboardInterrupt", result
        assert result["after"] == result["before"], result
        return
    check(run(case, backend, tmp_path), "KeyboardInterrupt")


@pytest.mark.parametrize("backend", ["rust", "python"])
@pytest.mark.parametrize("case", ["hash_files", "hash_file"])
def test_a_raising_sigterm_handler_stops_a_long_call(
    case: str, backend: str, tmp_path: Path
) -> None:
    check(run(case, backend, tmp_path, "SIGTERM"), "Terminated")
