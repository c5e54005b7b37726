"""What ``sky-rs bench`` measures: realistic inputs, one case per function call, and the
floor of each case.

The floor of a case is what no implementation could beat on this machine:
``floor_ns = noop_call_ns + sum(syscall_ns * scale) [+ hash_compute_ns]``, where

- ``noop_call_ns`` is the wheel's ``_noop`` (a PyO3 function that does nothing) called with
  the same arguments: the price of crossing from Python into Rust;
- each syscall part is the system calls the function cannot avoid, timed alone inside Rust
  by the wheel's hidden ``_floor(kind, arg, iterations)``;
- ``hash_compute_ns`` (hashing only) is the file size times the best bytes-per-second of
  one core: the faster of OpenSSL (through ``hashlib``, in memory) and the Rust core's own
  hasher (in memory).
"""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from sky_rs import fallback
from sky_rs._domains import DOMAINS

MIB = 1024 * 1024
HASH_SUFFIX = ".hexdigest()"
"""Appended to every timed hashing call, on both backends: callers always finish with it."""
FREE_PORT_START = 40000
LOG_SIZE = 10 * MIB


@dataclass(frozen=True)
class FloorPart:
    """System calls one case cannot avoid, timed alone by ``sky_rs_<domain>._floor``."""

    label: str
    domain: str
    kind: str
    arg: Any
    scale: float = 1.0
    """How many times the case pays for this part (e.g. 64 files over 2 cores: 32)."""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.domain, self.kind, repr(self.arg))


@dataclass(frozen=True)
class HashWork:
    """Hashing ``total_bytes`` with ``algorithm``, ``scale`` times (1/cores when parallel)."""

    algorithm: str
    total_bytes: int
    scale: float = 1.0


@dataclass(frozen=True)
class Reference:
    """An extra implementation shown beside the two backends (e.g. ``psutil.pid_exists``)."""

    name: str
    func: Any
    args: tuple[Any, ...]


@dataclass
class Case:
    """One benchmarked call: ``sky_rs.<function>(*args, **kwargs)<suffix>``."""

    function: str
    case: str
    args: tuple[Any, ...]
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    headline: bool = False
    suffix: str = ""
    wall: bool = False
    """Too slow to loop: timed by wall clock over single runs."""
    parts: tuple[FloorPart, ...] = ()
    hashing: HashWork | None = None
    references: tuple[Reference, ...] = ()
    note: str = ""

    @property
    def domain(self) -> str:
        return next(d.name for d in DOMAINS.values() if self.function in d.functions)


@dataclass(frozen=True)
class Sizes:
    """Input sizes; quick mode shrinks the big files, and says so in the case names."""

    big_file: int
    many_files: int
    many_file_size: int
    gil_file: int

    @classmethod
    def for_mode(cls, quick: bool) -> Sizes:
        if quick:
            return cls(big_file=16 * MIB, many_files=64, many_file_size=MIB // 4, gil_file=32 * MIB)
        return cls(big_file=100 * MIB, many_files=64, many_file_size=4 * MIB, gil_file=200 * MIB)


def human_bytes(size: int) -> str:
    for unit, step in (("GB", 1024**3), ("MB", MIB), ("KB", 1024)):
        if size >= step and size % step == 0:
            return f"{size // step} {unit}"
    return f"{size} B"


class Inputs:
    """The benchmark's input files, made on demand in one temporary directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._made: dict[str, Any] = {}
        self._rng = random.Random(20240611)
        self._block = self._rng.randbytes(MIB)

    def blob(self, name: str, size: int) -> str:
        """A file of ``size`` pseudo-random bytes."""
        key = f"blob:{name}:{size}"
        if key not in self._made:
            path = self.root / name
            with open(path, "wb") as f:
                for offset in range(0, size, MIB):
                    f.write(self._block[: min(MIB, size - offset)])
            self._made[key] = str(path)
        path_str: str = self._made[key]
        return path_str

    def uuid4_hex(self) -> str:
        """A uuid4 as 32 hex digits (seeded, so every run encodes the same one)."""
        return uuid.UUID(int=random.Random(4).getrandbits(128), version=4).hex

    def blobs(self, prefix: str, count: int, size: int) -> list[str]:
        return [self.blob(f"{prefix}-{i:03d}.bin", size) for i in range(count)]

    def log(self) -> tuple[str, bytes]:
        """A 10 MB log of realistic lines ending with a newline: its path and content."""
        if "log" not in self._made:
            rng = self._rng
            lines = []
            size = 0
            step = 0
            while size < LOG_SIZE:
                step += 1
                line = (
                    f"I 06-11 {step // 3600 % 24:02d}:{step // 60 % 60:02d}:{step % 60:02d} "
                    f"trainer.py:{rng.randint(40, 900)}] job-{rng.randint(1, 8)} "
                    f"step {step}: loss={rng.random():.4f} lr={rng.random() * 1e-3:.2e} "
                    f"throughput={rng.uniform(900, 1300):.1f} samples/s"
                    f"{' WARN slow rank ' + str(rng.randint(0, 63)) if step % 97 == 0 else ''}\n"
                )
                lines.append(line)
                size += len(line)
            data = "".join(lines).encode()
            path = self.root / "train.log"
            path.write_bytes(data)
            self._made["log"] = (str(path), data)
        result: tuple[str, bytes] = self._made["log"]
        return result

    def directory(self, entries: int) -> str:
        """A directory holding ``entries`` empty files."""
        key = f"dir:{entries}"
        if key not in self._made:
            path = self.root / f"mount-{entries}"
            path.mkdir()
            for i in range(entries):
                (path / f"file-{i:04d}.txt").touch()
            self._made[key] = str(path)
        path_str: str = self._made[key]
        return path_str


@contextmanager
def inputs() -> Iterator[Inputs]:
    with TemporaryDirectory(prefix="sky-rs-bench-") as tmp:
        yield Inputs(Path(tmp))


def tail_bytes(data: bytes, n: int) -> int:
    """Bytes at the end of ``data`` (which ends with a newline) holding its last ``n`` lines
    and the newline before them: what any tail must read to know where those lines start."""
    pos = len(data) - 1
    for _ in range(n):
        pos = data.rfind(b"\n", 0, pos)
    return len(data) - pos


def first_free_port(start: int) -> int:
    """The port ``find_free_port(start)`` returns now (the fallback's own search)."""
    return fallback.find_free_port(start)


def pid_sample(count: int) -> tuple[list[int], int]:
    """``count`` pids, half (at most) of live processes, the rest free pids: (pids, live)."""
    live = sorted(int(name) for name in os.listdir("/proc") if name.isdigit())[: count // 2]
    try:
        with open("/proc/sys/kernel/pid_max") as f:
            pid_max = int(f.read())
    except (OSError, ValueError):
        pid_max = 32768
    taken = set(live)
    dead: list[int] = []
    candidate = pid_max - 1
    while len(live) + len(dead) < count and candidate > 1:
        if candidate not in taken and not os.path.exists(f"/proc/{candidate}"):
            dead.append(candidate)
        candidate -= 1
    return live + dead, len(live)


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def build_cases(selected: set[str], data: Inputs, quick: bool) -> list[Case]:
    """Every case of the selected functions, in domain order; inputs made as needed."""
    sizes = Sizes.for_mode(quick)
    cases: list[Case] = []
    want = selected.__contains__

    if want("read_last_n_lines"):
        log, content = data.log()
        for n, headline in ((10, True), (1000, False)):
            needed = tail_bytes(content, n)
            lines = fallback.read_last_n_lines(log, n)
            cases.append(
                Case(
                    "read_last_n_lines",
                    f"10 MB log, n={n}",
                    (log, n),
                    headline=headline,
                    parts=(
                        FloorPart(
                            f"open+lseek+pread({needed} B)+close",
                            "io",
                            "read_tail",
                            (log, needed),
                        ),
                        FloorPart(
                            f"build the result: list of {n} new str", "io", "py_strings", lines
                        ),
                    ),
                )
            )
    if want("hash_file"):
        small = data.blob("small-4k.bin", 4096)
        big = data.blob("big.bin", sizes.big_file)
        big_note = "quick mode: 16 MB instead of 100 MB" if quick else ""
        for path, size, wall in ((small, 4096, False), (big, sizes.big_file, True)):
            for algorithm in ("md5", "sha256"):
                cases.append(
                    Case(
                        "hash_file",
                        f"{algorithm} {human_bytes(size)}",
                        (path, algorithm),
                        headline=(size == 4096 and algorithm == "sha256"),
                        suffix=HASH_SUFFIX,
                        wall=wall,
                        parts=(
                            FloorPart(
                                f"open+read {human_bytes(size)}+close", "io", "read_all", path
                            ),
                        ),
                        hashing=HashWork(algorithm, size),
                        note=big_note if wall else "",
                    )
                )
    if want("hash_files"):
        paths = data.blobs("many", sizes.many_files, sizes.many_file_size)
        workers = min(usable_cores(), len(paths))
        total = sizes.many_files * sizes.many_file_size
        cases.append(
            Case(
                "hash_files",
                f"sha256 {sizes.many_files} x {human_bytes(sizes.many_file_size)}",
                (paths, "sha256"),
                wall=not quick,
                parts=(
                    FloorPart(
                        f"open+read {human_bytes(sizes.many_file_size)}+close"
                        f" x {len(paths)} / {workers} cores",
                        "io",
                        "read_all",
                        paths[0],
                        scale=len(paths) / workers,
                    ),
                ),
                hashing=HashWork("sha256", total, scale=1 / workers),
                note=f"no .hexdigest(); Python fallback is sequential hashlib; floor assumes"
                f" {workers} cores perfectly parallel"
                + ("; quick mode: 256 KB files instead of 4 MB" if quick else ""),
            )
        )
    if want("find_free_port"):
        port = first_free_port(FREE_PORT_START)
        tries = port - FREE_PORT_START + 1
        cases.append(
            Case(
                "find_free_port",
                f"{FREE_PORT_START} (free: {port})",
                (FREE_PORT_START,),
                headline=True,
                parts=(
                    FloorPart(
                        "socket+bind+close" + (f" x {tries}" if tries > 1 else ""),
                        "io",
                        "bind",
                        port,
                        scale=tries,
                    ),
                ),
            )
        )
    if want("base36_encode"):
        cases.append(Case("base36_encode", "uuid4 hex", (data.uuid4_hex(),), headline=True))
    if want("format_float"):
        cases.append(Case("format_float", "3.14159, precision=2", (3.14159, 2), headline=True))
    if want("truncate_long_string"):
        sentence = "The quick brown fox jumps over the lazy dog by the big lake."
        assert len(sentence) == 60
        cases.append(
            Case("truncate_long_string", "60-char sentence, max 35", (sentence,), headline=True)
        )
    cgroup = "/sys/fs/cgroup"
    if want("get_cpu_count"):
        cases.append(
            Case(
                "get_cpu_count",
                "no override",
                (),
                headline=True,
                parts=(
                    FloorPart("sched_getaffinity", "system", "sched_getaffinity", None),
                    FloorPart(
                        "stat cgroup.controllers",
                        "system",
                        "stat",
                        f"{cgroup}/cgroup.controllers",
                    ),
                    FloorPart(
                        "open+read+close cpu quota",
                        "system",
                        "read",
                        _cpu_quota_file(cgroup),
                    ),
                ),
            )
        )
    if want("get_mem_size_gb"):
        cases.append(
            Case(
                "get_mem_size_gb",
                "no override",
                (),
                headline=True,
                parts=(
                    FloorPart("sysinfo", "system", "sysinfo", None),
                    FloorPart(
                        "stat cgroup.controllers",
                        "system",
                        "stat",
                        f"{cgroup}/cgroup.controllers",
                    ),
                    FloorPart(
                        "open+read+close memory limit",
                        "system",
                        "read",
                        _memory_limit_file(cgroup),
                    ),
                ),
            )
        )
    online = FloorPart("sysconf(_SC_NPROCESSORS_ONLN)", "process", "sysconf_nprocessors_onln", None)
    if want("get_parallel_threads"):
        cases.append(Case("get_parallel_threads", "()", (), headline=True, parts=(online,)))
    if want("get_max_workers_for_file_mounts"):
        mount = data.directory(50)
        cases.append(
            Case(
                "get_max_workers_for_file_mounts",
                "one 50-entry dir",
                ({"~/data": mount},),
                headline=True,
                # No stat for os.path.isdir: an open with O_DIRECTORY answers it as well.
                parts=(
                    FloorPart("getrlimit(RLIMIT_NOFILE)", "process", "getrlimit_nofile", None),
                    FloorPart("open+getdents+close (50)", "process", "listdir", mount),
                    online,
                ),
            )
        )
    if want("is_process_alive"):
        pid = os.getpid()
        references: tuple[Reference, ...] = ()
        psutil = _psutil()
        if psutil is not None:
            references = (Reference("psutil.pid_exists", psutil.pid_exists, (pid,)),)
        cases.append(
            Case(
                "is_process_alive",
                "own pid",
                (pid,),
                headline=True,
                parts=(FloorPart("kill(pid, 0)", "process", "kill", pid),),
                references=references,
            )
        )
    if want("estimate_fd_for_directory"):
        for entries in (50, 1000):
            path = data.directory(entries)
            cases.append(
                Case(
                    "estimate_fd_for_directory",
                    f"{entries}-entry dir",
                    (path,),
                    headline=entries == 50,
                    parts=(
                        FloorPart(f"open+getdents+close ({entries})", "process", "listdir", path),
                    ),
                )
            )
    if want("are_processes_alive"):
        pids, live = pid_sample(64)
        cases.append(
            Case(
                "are_processes_alive",
                f"{len(pids)} pids ({live} live)",
                (pids,),
                parts=(FloorPart(f"kill(pid, 0) x {len(pids)}", "process", "kill", pids),),
            )
        )
    return cases


def _cpu_quota_file(cgroup: str) -> str:
    if os.path.isfile(f"{cgroup}/cgroup.controllers"):
        return f"{cgroup}/cpu.max"
    return f"{cgroup}/cpu/cpu.cfs_quota_us"


def _memory_limit_file(cgroup: str) -> str:
    if os.path.isfile(f"{cgroup}/cgroup.controllers"):
        return f"{cgroup}/memory.max"
    return f"{cgroup}/memory/memory.limit_in_bytes"


def _psutil() -> Any:
    try:
        import importlib

        return importlib.import_module("psutil")
    except ImportError:
        return None
