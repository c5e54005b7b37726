"""System calls per call, counted with ``strace``: the machine-independent cost measure.

:func:`per_call` runs a fresh Python child under ``strace -f``. The child runs ``setup``,
then ``stmt`` once (warm-up: imports, caches and lazily bound symbols are paid here), then a
begin marker, ``stmt`` ``calls`` times, and an end marker. The markers are ``os.stat`` calls
of unique paths that do not exist; the count is the number of system calls strictly between
them, divided by ``calls``. The loop itself (a ``for`` over ``range``) makes no system call,
so what remains is ``stmt``'s own, plus the rare ``brk``/``mmap`` of the allocator.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import uuid

__all__ = ["SyscallCountError", "per_call", "strace_path", "traced_calls"]

_TEMPLATE = """\
import os as _sky_rs_os
{setup}
{stmt}
try:
    _sky_rs_os.stat({begin!r})
except OSError:
    pass
for _sky_rs_i in range({calls}):
{body}
try:
    _sky_rs_os.stat({end!r})
except OSError:
    pass
"""

# A line of `strace -f -o FILE`: an optional pid, then the call. Continuations of a call
# that another thread interrupted (`<... read resumed>`), exits (`+++`) and signals (`---`)
# are not new calls.
_STRACE_OPTIONS = ("-f", "-qq", "-e", "signal=none", "-s", "128")
"""Follow threads and children, no attach/exit notes, no signal lines, long strings (the
marker paths must appear whole)."""

_CALL = re.compile(r"^(?:\d+\s+)?(?:[a-z_][a-z0-9_]*)\(")


class SyscallCountError(RuntimeError):
    """``strace`` ran but the count could not be taken (the child failed, ptrace refused)."""


def strace_path() -> str | None:
    """The ``strace`` executable, or ``None`` when it is not on ``PATH``."""
    return shutil.which("strace")


def per_call(setup: str, stmt: str, calls: int = 200) -> float | None:
    """System calls made by one execution of ``stmt`` (after ``setup``), averaged over
    ``calls`` executions in a fresh Python child traced by ``strace``.

    Returns ``None`` when ``strace`` is not on ``PATH``; raises :class:`SyscallCountError`
    when the traced child fails or the markers are missing from the trace.
    """
    lines = traced_calls(setup, stmt, calls)
    return None if lines is None else len(lines) / calls


def traced_calls(setup: str, stmt: str, calls: int = 1) -> list[str] | None:
    """The strace lines of the system calls ``calls`` executions of ``stmt`` make (see
    :func:`per_call`), or ``None`` when ``strace`` is not on ``PATH``."""
    strace = strace_path()
    if strace is None:
        return None
    if calls < 1:
        raise ValueError(f"calls must be at least 1. Got {calls}")
    tag = uuid.uuid4().hex
    begin = f"/nonexistent-sky-rs-syscalls-{tag}-begin"
    end = f"/nonexistent-sky-rs-syscalls-{tag}-end"
    script = _TEMPLATE.format(
        setup=textwrap.dedent(setup),
        stmt=textwrap.dedent(stmt),
        begin=begin,
        end=end,
        calls=calls,
        body=textwrap.indent(textwrap.dedent(stmt), "    ") or "    pass",
    )
    with tempfile.TemporaryDirectory(prefix="sky-rs-strace-") as tmp:
        trace = os.path.join(tmp, "trace")
        proc = subprocess.run(
            [strace, *_STRACE_OPTIONS, "-o", trace, sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            raise SyscallCountError(
                f"the traced child exited with {proc.returncode}:\n{proc.stderr[-2000:]}"
            )
        with open(trace, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    return _calls_between(lines, begin, end)


def _calls_between(lines: list[str], begin: str, end: str) -> list[str]:
    """The system calls strictly between the line naming ``begin`` and the one naming
    ``end``."""
    start = next((i for i, line in enumerate(lines) if begin in line), None)
    stop = next((i for i, line in enumerate(lines) if end in line), None)
    if start is None or stop is None or stop < start:
        raise SyscallCountError("the begin/end markers are missing from the strace output")
    return [line for line in lines[start + 1 : stop] if _CALL.match(line)]
