"""Fault injection: system-call errors injected with ``strace`` into a child running the public
functions (``tests/support/fault_driver.py``), on the Rust wheels and on the Python fallback.

The child sets itself up, imports everything and warms every cache first; ``strace -f -p``
attaches only then, with ``-e inject=SET:error=ERRNO`` (every call of the class, or the first
only for ``EINTR``), and detaches after the step. So the code under test is the installed
wheel's, not a test build, and the set-up never sees a fault.

``python -m tests.support.faults [--quick]`` prints the fault table (docs/reliability.md).
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DRIVER = Path(__file__).with_name("fault_driver.py")

CLASSES: dict[str, tuple[str, ...]] = {
    "open": ("open", "openat", "openat2", "creat"),
    "read": ("read", "pread64", "readv", "preadv", "preadv2"),
    "stat": ("stat", "fstat", "lstat", "newfstatat", "statx", "statfs", "fstatfs"),
    "seek": ("lseek",),
    "getdents": ("getdents", "getdents64"),
    "socket": ("socket", "bind"),
    "affinity": ("sched_getaffinity",),
    "sysinfo": ("sysinfo",),
    "kill": ("kill", "tgkill"),
    "rlimit": ("getrlimit", "prlimit64"),
}
"""Classes of system calls, as the issue names them (plus ``seek``)."""

ERRORS = ("EINTR", "EIO", "ENOMEM", "EACCES", "EMFILE", "ENFILE", "EAGAIN")
"""``EINTR`` is injected into the first call of the class only (a retry must then succeed);
every other error into every call of the class (a persistent fault)."""

BACKENDS = ("rust", "python")
STEP_TIMEOUT = 60.0
"""Seconds a step may take before it counts as a hang."""

_SYSCALL_CLASS = {name: cls for cls, names in CLASSES.items() for name in names}


@dataclass
class Run:
    """Outcomes of one backend: ``clean[case]`` and ``faulted[(case, cls, error)]``."""

    backend: str
    clean: dict[str, list[Any]] = field(default_factory=dict)
    classes: dict[str, set[str]] = field(default_factory=dict)
    faulted: dict[tuple[str, str, str], list[Any]] = field(default_factory=dict)
    states: list[tuple[int, int]] = field(default_factory=list)
    """(threads, open descriptors) of the child after set-up and after each step."""


class Child:
    """One driver child and the strace attached to it for a step."""

    def __init__(self, backend: str, work: str) -> None:
        env = dict(os.environ)
        env.pop("SKY_RS_DISABLE", None)
        env["SKY_RS_USE_RUST"] = "1" if backend == "rust" else "0"
        self.proc = subprocess.Popen(
            [sys.executable, str(DRIVER), tempfile.mkdtemp(dir=work)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        ready = self.read(120.0)
        if ready is None or "ready" not in ready:
            raise RuntimeError(f"the {backend} driver did not start: {ready}")
        if ready["backend"] != backend:
            raise RuntimeError(f"asked for {backend}, the driver runs {ready['backend']}")
        self.pid = int(ready["ready"])
        self.clean: dict[str, list[Any]] = ready["clean"]

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put("")

    def read(self, timeout: float) -> dict[str, Any] | None:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            return None
        return json.loads(line) if line else {"eof": True}

    def step(
        self, cases: list[str], strace_args: list[str], trace: str | None = None
    ) -> dict[str, list[Any]]:
        """Run ``cases`` under ``strace strace_args``; outcomes (``hang``/``crash`` for a
        case the child never answered)."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(cases) + "\n")
        self.proc.stdin.flush()
        armed = self.read(30.0)
        if not armed or "armed" not in armed:
            raise RuntimeError(f"driver not armed: {armed}")
        strace = subprocess.Popen(
            ["strace", "-f", "-o", trace or "/dev/null", *strace_args, "-p", str(self.pid)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert strace.stderr is not None
        attached = strace.stderr.readline()
        if "attached" not in attached:
            strace.kill()
            raise RuntimeError(f"strace did not attach: {attached!r}")
        os.kill(self.pid, signal.SIGUSR1)
        outcomes: dict[str, list[Any]] = {}
        deadline = time.monotonic() + STEP_TIMEOUT
        while True:
            doc = self.read(max(0.0, deadline - time.monotonic()))
            if doc is None or "eof" in doc:
                lost = ["hang"] if doc is None else ["crash", self.proc.poll()]
                for case in cases:
                    outcomes.setdefault(case, lost)
                strace.kill()
                strace.wait()
                self.proc.kill()
                self.proc.wait()
                return outcomes
            if "case" in doc:
                outcomes[doc["case"]] = doc["outcome"]
            elif "done" in doc:
                break
        strace.send_signal(signal.SIGINT)  # detaches from every thread, then exits
        strace.wait(30)
        os.kill(self.pid, signal.SIGUSR1)
        return outcomes

    def state(self) -> tuple[int, int]:
        """(threads, open descriptors) of the child, asked with no strace attached."""
        assert self.proc.stdin is not None
        self.proc.stdin.write('"state"\n')
        self.proc.stdin.flush()
        doc = self.read(30.0)
        if not doc or "tasks" not in doc:
            raise RuntimeError(f"no state from the driver: {doc}")
        return int(doc["tasks"]), int(doc["fds"])

    def close(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.write("[]\n")
            self.proc.stdin.flush()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _classes_per_case(trace: str, cases: Iterable[str]) -> dict[str, set[str]]:
    """The system-call classes each case made, from a ``strace -f`` trace of one step."""
    marker = "/nonexistent-fault-marker-"
    found: dict[str, set[str]] = {case: set() for case in cases}
    by_marker = {case.replace("/", "-"): case for case in found}
    current = None
    with open(trace, encoding="utf-8", errors="replace") as f:
        for line in f:
            if marker in line:
                name = line.split(marker, 1)[1].split('"', 1)[0]
                current = by_marker.get(name)
                continue
            if current is None:
                continue
            words = line.split(None, 1)
            call = words[1] if len(words) > 1 and words[0].isdigit() else line
            syscall = call.split("(", 1)[0].strip()
            cls = _SYSCALL_CLASS.get(syscall)
            if cls is not None:
                found[current].add(cls)
    return found


def _inject(cls: str, error: str) -> list[str]:
    names = ",".join(CLASSES[cls])
    when = ":when=1" if error == "EINTR" else ""
    return ["-e", f"trace={names}", "-e", f"inject={names}:error={error}{when}"]


def run_matrix(
    errors: Iterable[str] = ERRORS, classes: Iterable[str] = tuple(CLASSES)
) -> dict[str, Run]:
    """Every case under every (class, error) it is concerned by, on both backends."""
    if shutil.which("strace") is None:
        raise RuntimeError("strace is not on PATH (apt-get install strace)")
    errors, classes = tuple(errors), tuple(classes)
    runs = {backend: Run(backend) for backend in BACKENDS}
    with tempfile.TemporaryDirectory(prefix="sky-rs-faults-") as work:
        children: dict[str, Child] = {}

        def child(backend: str) -> Child:
            current = children.get(backend)
            if current is None or current.proc.poll() is not None:
                current = children[backend] = Child(backend, work)
            return current

        try:
            # Which classes each case touches, on either backend.
            for backend, run in runs.items():
                c = child(backend)
                run.clean = c.clean
                trace = os.path.join(work, f"trace-{backend}")
                c.step(list(c.clean), [], trace)
                run.states.append(c.state())
                run.classes = _classes_per_case(trace, c.clean)
            cases = list(runs["rust"].clean)
            concerned = {
                cls: [case for case in cases if any(cls in r.classes[case] for r in runs.values())]
                for cls in classes
            }
            for backend, run in runs.items():
                for cls in classes:
                    if not concerned[cls]:
                        continue
                    for error in errors:
                        # EINTR on the first call only: one attach per case.
                        steps = (
                            [[case] for case in concerned[cls]]
                            if error == "EINTR"
                            else [concerned[cls]]
                        )
                        for step in steps:
                            c = child(backend)
                            outcomes = c.step(step, _inject(cls, error))
                            for case, outcome in outcomes.items():
                                run.faulted[(case, cls, error)] = outcome
                            if c.proc.poll() is None:
                                run.states.append(c.state())
        finally:
            for c in children.values():
                c.close()
    return runs


def verdict(clean: list[Any], outcome: list[Any]) -> str:
    """``ok`` (the clean value), ``WRONG``, ``hang``, ``crash``, ``panic`` or ``Type(errno)``."""
    kind = outcome[0]
    if kind in ("hang", "crash"):
        return kind
    if kind == "value":
        return "ok" if outcome == clean else "WRONG " + str(outcome[1])[:80]
    if outcome[1] == "PanicException":
        return "panic"
    errno = outcome[2]
    return f"{outcome[1]}({errno})" if errno is not None else outcome[1]


def table(runs: dict[str, Run]) -> list[tuple[str, str, str, str, str]]:
    """(case, class, error, rust verdict, python verdict) for every case run."""
    rust, python = runs["rust"], runs["python"]
    rows = []
    for key in sorted(rust.faulted, key=lambda k: (k[0], list(CLASSES).index(k[1]), k[2])):
        case = key[0]
        rows.append(
            (
                *key,
                verdict(rust.clean[case], rust.faulted[key]),
                verdict(python.clean[case], python.faulted.get(key, ["hang"])),
            )
        )
    return rows


def _short(verdict: str) -> str:
    """A verdict without its errno (the column says which error it was)."""
    return verdict.split("(", 1)[0]


def markdown(rows: list[tuple[str, str, str, str, str]]) -> str:
    """The fault table: one line per case and class, one column per error; a cell is the
    outcome of both backends, or ``R x / P y`` where they differ."""
    errors = [e for e in ERRORS if any(r[2] == e for r in rows)]
    cells: dict[tuple[str, str], dict[str, str]] = {}
    for case, cls, error, rust, python in rows:
        same = _short(rust) == _short(python)
        cell = _short(rust) if same else f"R {_short(rust)} / P {_short(python)}"
        cells.setdefault((case, cls), {})[error] = cell if same else f"**{cell}**"
    lines = [
        "| case | class | " + " | ".join(errors) + " |",
        "|---|---|" + "---|" * len(errors),
    ]
    for (case, cls), by_error in cells.items():
        lines.append(
            f"| {case} | {cls} | " + " | ".join(by_error.get(e, "") for e in errors) + " |"
        )
    return "\n".join(lines)


def main() -> None:
    quick = "--quick" in sys.argv
    start = time.monotonic()
    runs = run_matrix(("EINTR", "EIO") if quick else ERRORS)
    rows = table(runs)
    differ = sum(1 for r in rows if r[3] != r[4])
    print(
        f"{len(rows)} cases per backend ({2 * len(rows)} runs) in "
        f"{time.monotonic() - start:.1f} s; {differ} differ between the backends\n"
    )
    print(markdown(rows))
    report = os.environ.get("SKY_RS_FAULT_REPORT")
    if report:
        with open(report, "w", encoding="utf-8") as f:
            json.dump([list(r) for r in rows], f)


if __name__ == "__main__":
    main()
