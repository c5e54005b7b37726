"""What ``sky-rs bench`` measures: realistic inputs, and a table of cases per function.

The floor of a case is what no implementation could beat on this machine:
``floor_ns = noop_call_ns + sum(syscall_ns * scale) [+ hash_compute_ns]``, where

- ``noop_call_ns`` is ``sky_rs_floor.noop`` (a PyO3 function that does nothing) called with
  the same arguments: the price of crossing from Python into Rust;
- each part is work the function cannot avoid, timed alone inside Rust by
  ``sky_rs_floor.floor(kind, arg, iterations)``: its system calls, and making the new ``str``
  objects it returns (``py_strings``, ``py_str``);
- ``hash_compute_ns`` (hashing only) is the file size times the best bytes-per-second of
  one core: the faster of OpenSSL (through ``hashlib``, in memory) and the Rust hasher.

``sky_rs_floor`` is a private extension of this repository (``uv sync`` builds it); it is
never published, so the published wheels hold only the API.

Each function's cases are in its spec (``sky_rs._spec``, ``Spec.bench``); this module holds
what they are made of.
"""

from __future__ import annotations

import functools
import itertools
import os
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from sky_rs import fallback
from sky_rs._domains import REGISTRY

KIB = 1024
MIB = 1024 * KIB
HASH_SUFFIX = ".hexdigest()"
"""Appended to every timed hashing call, on both backends: callers always finish with it."""
HASH_ALGORITHMS = ("md5", "sha1", "sha256", "sha384", "sha512")
HASH_SIZES = (4 * KIB, 64 * KIB, 1_000_000, MIB, 16 * MIB, 100 * MIB)
"""1 MB (10^6 B) sits just below the 1 MiB size where the Rust core may change hasher."""
QUICK_HASH_SIZES = {4 * KIB: HASH_ALGORITHMS, 1_000_000: HASH_ALGORITHMS, 16 * MIB: ("sha256",)}
"""``--quick``: two small sizes for every algorithm, and one wall-clock case."""
WALL_SIZE = 16 * MIB
"""Hashing a file this big or bigger is timed by wall clock over single runs."""
FREE_PORT_START = 40000
LOG_SIZE = 10 * MIB
CGROUP = "/sys/fs/cgroup"


@dataclass(frozen=True)
class FloorPart:
    """System calls one case cannot avoid, timed alone by ``sky_rs_floor.floor(kind, arg)``."""

    label: str
    kind: str
    arg: Any
    scale: float = 1.0
    """How many times the case pays for this part (e.g. 64 files over 2 cores: 32)."""


@dataclass(frozen=True)
class HashWork:
    """Hashing ``total_bytes`` with ``algorithm``, ``scale`` times (1/cores when parallel)."""

    algorithm: str
    total_bytes: int
    scale: float = 1.0


@dataclass
class Case:
    """One benchmarked call: ``sky_rs.<function>(*args)<suffix>``."""

    function: str
    case: str
    args: tuple[Any, ...]
    headline: bool = False
    suffix: str = ""
    wall: bool = False
    """Too slow to loop: timed by wall clock over single runs."""
    parts: tuple[FloorPart, ...] = ()
    hashing: HashWork | None = None
    references: tuple[tuple[str, Any], ...] = ()
    """Other implementations of the same call, by name (e.g. ``psutil.pid_exists``)."""
    note: str = ""
    trace_args: str | None = None
    """Python source of the arguments for the syscall count (run in another process), when
    ``repr`` of ``args`` would be wrong there (e.g. that process's own pid)."""

    @property
    def domain(self) -> str:
        return REGISTRY[self.function].domain

    def trace(self, module: str) -> tuple[str, str]:
        """``(setup, stmt)`` making this call with ``module``'s function, for a syscall count
        in a fresh process (``sky_rs._bench.syscalls.per_call``)."""
        text = self.trace_args or "".join(f"{a!r}, " for a in self.args)
        setup = f"import os\nfrom {module} import {self.function} as f\nargs = ({text})"
        return setup, f"f(*args){self.suffix}"


def human_bytes(size: int) -> str:
    """``4 KiB``, ``1 MiB``, ``1 MB`` (10^6 B): binary and decimal units kept apart."""
    for unit, step in (("GiB", 1024**3), ("MiB", MIB), ("KiB", KIB), ("MB", 10**6)):
        if size >= step and size % step == 0:
            return f"{size // step} {unit}"
    return f"{size} B"


class Inputs:
    """The benchmark's input files, made on demand in one temporary directory."""

    def __init__(self, root: Path, quick: bool) -> None:
        self.root = root
        self.quick = quick
        self._rng = random.Random(20240611)
        self._block = self._rng.randbytes(MIB)

    def blob(self, name: str, size: int) -> str:
        """A file of ``size`` pseudo-random bytes."""
        path = self.root / name
        if not path.exists():
            with open(path, "wb") as f:
                for offset in range(0, size, MIB):
                    f.write(self._block[: min(MIB, size - offset)])
        return str(path)

    @functools.cached_property
    def log(self) -> tuple[str, bytes]:
        """A 10 MiB log of realistic lines ending with a newline: its path and content."""
        rng, size = self._rng, 0
        lines: list[str] = []
        while size < LOG_SIZE:
            step = len(lines) + 1
            lines.append(
                f"I 06-11 {step // 3600 % 24:02d}:{step // 60 % 60:02d}:{step % 60:02d} "
                f"trainer.py:{rng.randint(40, 900)}] job-{rng.randint(1, 8)} "
                f"step {step}: loss={rng.random():.4f} lr={rng.random() * 1e-3:.2e} "
                f"throughput={rng.uniform(900, 1300):.1f} samples/s"
                f"{' WARN slow rank ' + str(rng.randint(0, 63)) if step % 97 == 0 else ''}\n"
            )
            size += len(lines[-1])
        data = "".join(lines).encode()
        (self.root / "train.log").write_bytes(data)
        return str(self.root / "train.log"), data

    def directory(self, entries: int) -> str:
        """A directory holding ``entries`` empty files."""
        path = self.root / f"mount-{entries}"
        if not path.exists():
            path.mkdir()
            for i in range(entries):
                (path / f"file-{i:04d}.txt").touch()
        return str(path)


@contextmanager
def inputs(quick: bool) -> Iterator[Inputs]:
    with TemporaryDirectory(prefix="sky-rs-bench-") as tmp:
        yield Inputs(Path(tmp), quick)


def tail_bytes(data: bytes, n: int) -> int:
    """Bytes at the end of ``data`` (which ends with a newline) holding its last ``n`` lines
    and the newline before them: what any tail must read to know where those lines start."""
    pos = len(data) - 1
    for _ in range(n):
        pos = data.rfind(b"\n", 0, pos)
    return len(data) - pos


def pid_sample(count: int) -> tuple[list[int], int]:
    """``count`` pids, half (at most) of live processes, the rest free pids: (pids, live)."""
    live = sorted(int(name) for name in os.listdir("/proc") if name.isdigit())[: count // 2]
    try:
        pid_max = int(Path("/proc/sys/kernel/pid_max").read_text())
    except (OSError, ValueError):
        pid_max = 32768
    free = (p for p in range(pid_max - 1, 1, -1) if not os.path.exists(f"/proc/{p}"))
    return live + list(itertools.islice(free, count - len(live))), len(live)


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _cgroup_file(v2: str, v1: str) -> str:
    return f"{CGROUP}/{v2}" if os.path.isfile(f"{CGROUP}/cgroup.controllers") else f"{CGROUP}/{v1}"


def cgroup_case(function: str, first: FloorPart, limit: str, v2: str, v1: str) -> list[Case]:
    """``get_cpu_count``/``get_mem_size_gb`` with no override: one host call, then the limit file
    of the cgroup version. The version itself is learnt once per process (a mount does not change
    its cgroup type under a running process), so its check is no part of the per-call floor."""
    parts = (
        first,
        FloorPart(f"open+read+close {limit}", "read", _cgroup_file(v2, v1)),
    )
    return [Case(function, "no override", (), headline=True, parts=parts)]


ONLINE = FloorPart("sysconf(_SC_NPROCESSORS_ONLN)", "sysconf_nprocessors_onln", None)


def string_case(function: str, label: str, *args: Any) -> Case:
    """A string function's headline case. Its floor is the no-op call plus making the one new
    ``str`` it returns (the reference's answer), as ``read_last_n_lines``' floor counts its list
    of ``str``: no implementation returns a new ``str`` without making one."""
    result = getattr(fallback, function)(*args)
    return Case(
        function,
        label,
        args,
        headline=True,
        parts=(
            FloorPart(f"build the result: one new str of {len(result)} chars", "py_str", result),
        ),
    )
