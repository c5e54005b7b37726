"""The shape of a function's spec: :class:`Spec`, the :class:`Call` s it lists, and the
:class:`Workspace` of files those calls use."""

from __future__ import annotations

import os
import random
import subprocess
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sky_rs._bench.cases import Case, Inputs


@dataclass(frozen=True)
class Call:
    """One call of a function: ``label`` describes the arguments (``f"{name}({label})"``).

    ``env`` is set in ``os.environ`` around the call (``None`` deletes a variable): such calls
    are never made from several threads at once.
    """

    label: str
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    env: Mapping[str, str | None] = field(default_factory=dict)

    def __call__(self, function: Callable[..., Any]) -> Any:
        with environment(self.env):
            return function(*self.args, **self.kwargs)


@contextmanager
def environment(values: Mapping[str, str | None]) -> Iterator[None]:
    """Set (or, for ``None``, delete) ``values`` in ``os.environ``; restore them after."""
    saved = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class Workspace:
    """Files, directories and pids for the calls, made on first use under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, name: str) -> str:
        return str(self.root / name)

    def log(self, size: int) -> str:
        """A file of about ``size`` bytes of numbered lines ending ``\\xff\\r\\n`` (seeded)."""
        path = self.root / f"log-{size}.txt"
        if not path.exists():
            rng = random.Random(size)
            path.write_bytes(
                b"".join(b"line %d \xff\r\n" % rng.randrange(10**6) for _ in range(size // 12))
            )
        return str(path)

    def lines(self, count: int) -> str:
        """A log of ``count`` numbered lines, ``line 000000 of the big log\\n``."""
        path = self.root / f"lines-{count}.log"
        if not path.exists():
            path.write_bytes(b"".join(b"line %06d of the big log\n" % i for i in range(count)))
        return str(path)

    def blob(self, size: int) -> str:
        """A file of ``size`` bytes: ``0..255`` repeated."""
        path = self.root / f"blob-{size}.bin"
        if not path.exists():
            path.write_bytes((bytes(range(256)) * (size // 256 + 1))[:size])
        return str(path)

    @cached_property
    def latin(self) -> str:
        """Text that is Latin-1 but not UTF-8."""
        path = self.root / "latin.txt"
        path.write_bytes(b"caf\xe9\n" * 50)
        return str(path)

    def directory(self, entries: int) -> str:
        """A directory of ``entries`` empty files."""
        path = self.root / f"dir-{entries}"
        if not path.exists():
            path.mkdir()
            for i in range(entries):
                (path / f"entry-{i:05d}-with-a-longish-name").touch()
        return str(path)

    @property
    def missing(self) -> str:
        return self._path("missing")

    @property
    def pid(self) -> int:
        return os.getpid()

    @cached_property
    def dead_pid(self) -> int:
        """The pid of a child that has exited and been reaped: no such process (for a while)."""
        child = subprocess.Popen(["true"])
        child.wait()
        return child.pid


@dataclass(frozen=True)
class Spec:
    """Every fact about one public function that the tools and the tests need, written once.

    The registry row (:mod:`sky_rs._domains`) says where the function lives; this says how to
    call it. ``samples`` are read by ``sky-rs doctor`` (the self-check), the leak check, the
    concurrency test and the differential tests; ``faults`` by the fault-injection driver;
    ``bench`` by ``sky-rs bench``; ``syscalls`` by the system-call budget test.
    """

    samples: Callable[[Workspace], list[Call]]
    """Typical calls and error paths, cheap enough for the doctor."""
    bench: Callable[[Inputs], list[Case]]
    """The bench's cases; a function of the contract has exactly one headline case."""
    syscalls: int | None = None
    """System calls of the headline case on Rust, at most (``None``: no headline case)."""
    io: bool = False
    """It opens files or sockets, or reads ``/proc``: the leak check cycles its samples."""
    faults: Callable[[Workspace], list[Call]] | None = None
    """Calls that reach each of its system calls, for fault injection (default: the first
    sample)."""

    def fault_calls(self, workspace: Workspace) -> list[Call]:
        return self.faults(workspace) if self.faults else self.samples(workspace)[:1]
