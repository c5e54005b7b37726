"""Child process of ``tests/hardening/test_faults.py``: runs the public functions while
``strace`` injects system-call errors into it.

Usage: ``python tests/support/fault_driver.py WORKDIR`` with ``SKY_RS_USE_RUST=0`` for the Python
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
import re
import signal
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import sky_rs
from sky_rs._spec import SPECS, Workspace

MARKER = "/nonexistent-fault-marker-"


def build_cases(work: str) -> dict[str, Callable[[], Any]]:
    """The cases: every public function's fault calls (``Spec.fault_calls``: inputs that reach
    each of its system calls), named ``function/label`` (or ``function`` alone)."""
    workspace = Workspace(Path(work))
    cases: dict[str, Callable[[], Any]] = {}
    for name, spec in SPECS.items():
        function = getattr(sky_rs, name)
        for call in spec.fault_calls(workspace):
            label = re.sub(r"[^A-Za-z0-9_]+", "-", call.label).strip("-")
            cases[f"{name}/{label}" if label else name] = partial(call, function)
    return cases


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
