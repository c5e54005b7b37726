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

Each function has one entry in :data:`TABLE`: a function of the inputs giving its cases.
"""

from __future__ import annotations

import functools
import importlib
import itertools
import os
import random
import uuid
from collections.abc import Callable, Iterator
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


# One entry per function: its cases, from the inputs. Headline cases (one per function of the
# contract) are the ones the summary averages and the syscall column counts.


def _read_last_n_lines(data: Inputs) -> list[Case]:
    log, content = data.log
    return [
        Case(
            "read_last_n_lines",
            f"10 MiB log, n={n}",
            (log, n),
            headline=n == 10,
            parts=(
                FloorPart(
                    f"open+lseek+pread({tail_bytes(content, n)} B)+close",
                    "read_tail",
                    (log, tail_bytes(content, n)),
                ),
                FloorPart(
                    f"build the result: list of {n} new str",
                    "py_strings",
                    fallback.read_last_n_lines(log, n),
                ),
            ),
        )
        for n in (10, 1000)
    ]


def _hash_file(data: Inputs) -> list[Case]:
    cases = []
    sizes = QUICK_HASH_SIZES if data.quick else dict.fromkeys(HASH_SIZES, HASH_ALGORITHMS)
    for size, algorithms in sizes.items():
        path = data.blob(f"blob-{size}.bin", size)
        for algorithm in algorithms:
            cases.append(
                Case(
                    "hash_file",
                    f"{algorithm} {human_bytes(size)}",
                    (path, algorithm),
                    headline=size == 4 * KIB and algorithm == "sha256",
                    suffix=HASH_SUFFIX,
                    wall=size >= WALL_SIZE,
                    parts=(FloorPart(f"open+read {human_bytes(size)}+close", "read_all", path),),
                    hashing=HashWork(algorithm, size),
                )
            )
    return cases


def _hash_files(data: Inputs) -> list[Case]:
    count, size = 64, (MIB // 4 if data.quick else 4 * MIB)
    paths = [data.blob(f"many-{i:03d}.bin", size) for i in range(count)]
    workers = min(usable_cores(), count)
    return [
        Case(
            "hash_files",
            f"sha256 {count} x {human_bytes(size)}",
            (paths, "sha256"),
            wall=not data.quick,
            parts=(
                FloorPart(
                    f"open+read {human_bytes(size)}+close x {count} / {workers} cores",
                    "read_all",
                    paths[0],
                    scale=count / workers,
                ),
            ),
            hashing=HashWork("sha256", count * size, scale=1 / workers),
            note=f"no .hexdigest(); Python fallback is sequential hashlib; floor assumes"
            f" {workers} cores perfectly parallel",
        )
    ]


def _find_free_port(data: Inputs) -> list[Case]:
    port = fallback.find_free_port(FREE_PORT_START)
    tries = port - FREE_PORT_START + 1
    label = "socket+bind+close" + (f" x {tries}" if tries > 1 else "")
    return [
        Case(
            "find_free_port",
            f"{FREE_PORT_START} (free: {port})",
            (FREE_PORT_START,),
            headline=True,
            parts=(FloorPart(label, "bind", port, scale=tries),),
        )
    ]


def _cgroup_case(function: str, first: FloorPart, limit: str, v2: str, v1: str) -> list[Case]:
    """``get_cpu_count``/``get_mem_size_gb`` with no override: one host call, then the limit file
    of the cgroup version. The version itself is learnt once per process (a mount does not change
    its cgroup type under a running process), so its check is no part of the per-call floor."""
    parts = (
        first,
        FloorPart(f"open+read+close {limit}", "read", _cgroup_file(v2, v1)),
    )
    return [Case(function, "no override", (), headline=True, parts=parts)]


_ONLINE = FloorPart("sysconf(_SC_NPROCESSORS_ONLN)", "sysconf_nprocessors_onln", None)
_SENTENCE = "The quick brown fox jumps over the lazy dog by the big lake."


_UUID_HEX = uuid.UUID(int=random.Random(4).getrandbits(128), version=4).hex


def _string_case(function: str, label: str, *args: Any) -> Case:
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


def _is_process_alive(data: Inputs) -> list[Case]:
    references: tuple[tuple[str, Any], ...]
    try:  # psutil (a test dependency) is the reference, when it is installed
        references = (("psutil.pid_exists", importlib.import_module("psutil").pid_exists),)
    except ImportError:
        references = ()
    pid = os.getpid()
    parts = (FloorPart("kill(pid, 0)", "kill", pid),)
    return [
        Case(
            "is_process_alive",
            "own pid",
            (pid,),
            headline=True,
            parts=parts,
            references=references,
            trace_args="os.getpid(),",
        )
    ]


def _are_processes_alive(data: Inputs) -> list[Case]:
    pids, live = pid_sample(64)
    return [
        Case(
            "are_processes_alive",
            f"{len(pids)} pids ({live} live)",
            (pids,),
            parts=(FloorPart(f"kill(pid, 0) x {len(pids)}", "kill", pids),),
        )
    ]


TABLE: dict[str, Callable[[Inputs], list[Case]]] = {
    "read_last_n_lines": _read_last_n_lines,
    "hash_file": _hash_file,
    "hash_files": _hash_files,
    "find_free_port": _find_free_port,
    "base36_encode": lambda data: [
        # A uuid4 as 32 hex digits, seeded: every run encodes the same one.
        _string_case("base36_encode", "uuid4 hex", _UUID_HEX)
    ],
    "format_float": lambda data: [_string_case("format_float", "3.14159, precision=2", 3.14159, 2)],
    "truncate_long_string": lambda data: [
        _string_case("truncate_long_string", "60-char sentence, max 35", _SENTENCE)
    ],
    "get_cpu_count": lambda data: _cgroup_case(
        "get_cpu_count",
        FloorPart("sched_getaffinity", "sched_getaffinity", None),
        "cpu quota",
        "cpu.max",
        "cpu/cpu.cfs_quota_us",
    ),
    "get_mem_size_gb": lambda data: _cgroup_case(
        "get_mem_size_gb",
        FloorPart("sysinfo", "sysinfo", None),
        "memory limit",
        "memory.max",
        "memory/memory.limit_in_bytes",
    ),
    "get_parallel_threads": lambda data: [
        Case("get_parallel_threads", "()", (), headline=True, parts=(_ONLINE,))
    ],
    "get_max_workers_for_file_mounts": lambda data: [
        Case(
            "get_max_workers_for_file_mounts",
            "one 50-entry dir",
            ({"~/data": data.directory(50)},),
            headline=True,
            # No stat for os.path.isdir: an open with O_DIRECTORY answers it as well.
            parts=(
                FloorPart("getrlimit(RLIMIT_NOFILE)", "getrlimit_nofile", None),
                FloorPart("open+getdents+close (50)", "listdir", data.directory(50)),
                _ONLINE,
            ),
        )
    ],
    "is_process_alive": _is_process_alive,
    "estimate_fd_for_directory": lambda data: [
        Case(
            "estimate_fd_for_directory",
            f"{entries}-entry dir",
            (data.directory(entries),),
            headline=entries == 50,
            parts=(
                FloorPart(f"open+getdents+close ({entries})", "listdir", data.directory(entries)),
            ),
        )
        for entries in (50, 1000)
    ],
    "are_processes_alive": _are_processes_alive,
}
"""Function name -> its cases. Its keys are exactly ``_domains.FUNCTIONS`` (a test checks)."""


def build_cases(selected: set[str], data: Inputs) -> list[Case]:
    """Every case of the selected functions, in registry order; inputs made as needed."""
    return [case for name in REGISTRY if name in selected for case in TABLE[name](data)]
