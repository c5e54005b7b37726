"""System calls per call: each headline case within its budget on the Rust backend.

The count is taken by ``sky_rs._bench.syscalls.per_call``: ``strace -f`` on a fresh child,
between two marker calls, over many calls, after one warm-up call. It is the same on every
machine, unlike a time. The Python fallback is counted too, for the record (docs/benchmarks.md)
and to check that Rust never makes more calls than it.

``strace`` is required: without it these tests fail (``apt-get install strace``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from sky_rs._bench.syscalls import per_call, strace_path, traced_calls
from sky_rs._domains import DOMAINS, REGISTRY

CALLS = 200
LOG_SIZE = 10 * 1024 * 1024
ENV_OVERRIDES = (
    "SKYPILOT_POD_CPU_CORE_LIMIT",
    "SKYPILOT_POD_MEMORY_GB_LIMIT",
    "SKYPILOT_POD_MEMORY_BYTES_LIMIT",
)


@dataclass(frozen=True)
class Budget:
    """One headline case: ``stmt`` calls the function through ``m``, at most ``budget``
    system calls per call on Rust."""

    case: str
    function: str
    stmt: str
    budget: int
    setup: str = ""


@dataclass(frozen=True)
class Inputs:
    log: str
    blob: str
    directory: str


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Inputs:
    root = tmp_path_factory.mktemp("syscalls")
    line = b"I 06-11 12:00:00 trainer.py:123] job-1 step 1: loss=0.1234 lr=1.00e-04\n"
    log = root / "train.log"
    log.write_bytes(line * (LOG_SIZE // len(line) + 1))
    blob = root / "blob.bin"
    blob.write_bytes(os.urandom(4096))
    directory = root / "mount"
    directory.mkdir()
    for i in range(50):
        (directory / f"file-{i:02d}.txt").touch()
    return Inputs(str(log), str(blob), str(directory))


def budgets(inputs: Inputs) -> dict[str, Budget]:
    cases = [
        Budget(
            "10 MB log, n=10", "read_last_n_lines", f"m.read_last_n_lines({inputs.log!r}, 10)", 4
        ),
        Budget(
            "sha256, 4 KB",
            "hash_file",
            f"m.hash_file({inputs.blob!r}, 'sha256').hexdigest()",
            4,
        ),
        Budget("no limit", "get_cpu_count", "m.get_cpu_count()", 4),
        Budget("no limit", "get_mem_size_gb", "m.get_mem_size_gb()", 4),
        Budget("own live pid", "is_process_alive", "m.is_process_alive(pid)", 1),
        Budget(
            "one dir, 50 entries",
            "get_max_workers_for_file_mounts",
            f"m.get_max_workers_for_file_mounts({{'~/data': {inputs.directory!r}}})",
            8,
        ),
        Budget(
            "50 entries",
            "estimate_fd_for_directory",
            f"m.estimate_fd_for_directory({inputs.directory!r})",
            4,
        ),
        Budget(
            "free port",
            "find_free_port",
            "m.find_free_port(port)",
            3,
            setup="port = m.find_free_port(40000)",
        ),
        Budget("no cloud", "get_parallel_threads", "m.get_parallel_threads()", 3),
    ]
    return {case.function: case for case in cases}


FUNCTIONS = [
    "read_last_n_lines",
    "hash_file",
    "get_cpu_count",
    "get_mem_size_gb",
    "is_process_alive",
    "get_max_workers_for_file_mounts",
    "estimate_fd_for_directory",
    "find_free_port",
    "get_parallel_threads",
]


def setup_for(backend: str, case: Budget) -> str:
    """The child's setup: the module under test as ``m``, no overrides, ``pid``."""
    if backend == "rust":
        module = f"import {DOMAINS[REGISTRY[case.function].domain].module} as m"
    else:
        module = "from sky_rs import fallback as m"
    unset = "".join(f"os.environ.pop({name!r}, None)\n" for name in ENV_OVERRIDES)
    return f"import os\n{unset}pid = os.getpid()\n{module}\n{case.setup}\n"


def count(backend: str, case: Budget) -> float:
    if strace_path() is None:
        pytest.fail(
            "strace is not on PATH: the syscall budget tests need it (apt-get install strace)",
            pytrace=False,
        )
    result = per_call(setup_for(backend, case), case.stmt, CALLS)
    assert result is not None
    return result


def test_functions_are_registered() -> None:
    assert set(FUNCTIONS) <= set(REGISTRY)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_rust_within_budget(function: str, inputs: Inputs) -> None:
    case = budgets(inputs)[function]
    rust = count("rust", case)
    python = count("python", case)
    print(f"{function} ({case.case}): rust {rust:.2f}, python {python:.2f}, budget {case.budget}")
    if rust > case.budget:
        calls = traced_calls(setup_for("rust", case), case.stmt, 1) or []
        listing = "\n".join(f"    {line}" for line in calls)
        pytest.fail(
            f"{function} ({case.case}) makes {rust:.2f} system calls per call on Rust, over "
            f"its budget of {case.budget}. One call:\n{listing}",
            pytrace=False,
        )
    # Rust never needs more system calls than the Python it replaces.
    assert rust <= python + 0.05, (function, rust, python)


def test_counting_sees_exactly_the_statement() -> None:
    if strace_path() is None:
        pytest.fail("strace is not on PATH (apt-get install strace)", pytrace=False)
    nothing = per_call("import os", "pass", 50)
    assert nothing is not None and nothing < 0.1
    stats = per_call("import os", "os.stat('/')\nos.stat('/')", 50)
    assert stats == pytest.approx(2.0, abs=0.1)


def test_a_missing_strace_gives_none(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert per_call("", "pass") is None
    assert traced_calls("", "pass") is None
