"""Concurrency: 8 threads call every Rust function at once; every answer equals the
single-threaded one.

Each function gets a handful of inputs (error paths included) whose single-threaded outcome is
recorded first. Then 8 threads, released together by a barrier, run all those calls in their
own shuffled order, interleaving every function with every other, and compare each outcome to
the recorded one. Only correctness is asserted, never time.

The default run makes 800 calls per function; the ``slow`` variant 10,000 (run it with
``pytest -m slow``). ``find_free_port`` is the one function whose answer legitimately depends
on the other threads (one thread's probe socket can hold the port another is probing), so its
in-range answers are checked for validity rather than equality. The system functions also run
on fake cgroup and proc trees, 8 threads at once in a child of the fake-roots worker
(``tests/support/fake_roots.py``).
"""

from __future__ import annotations

import math
import os
import pathlib
import random
import tempfile
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sky_rs._spec import SPECS, Call, Workspace

from tests.support.fake_roots import FakeRoots, outcome_key
from tests.support.hardening import (
    FUNCTIONS,
    no_system_overrides,
    rust_function,
    skip_slow_unless_selected,
)
from tests.support.hostile import outcome

THREADS = 8


@pytest.fixture(autouse=True)
def _slow_gate(request: pytest.FixtureRequest) -> None:
    skip_slow_unless_selected(request)


def threadable(call: Call) -> bool:
    """A call that sets no variable (unsetting is what ``no_system_overrides`` does anyway) and
    takes no keywords (the tasks are argument tuples)."""
    return not call.kwargs and all(value is None for value in call.env.values())


@pytest.fixture(scope="module")
def inputs() -> Iterator[dict[str, list[tuple[Any, ...]]]]:
    """Per function: the arguments of its sample calls (``Spec.samples``), success and error
    paths alike (see :func:`threadable`)."""
    with tempfile.TemporaryDirectory(prefix="sky-rs-threads-") as tmp:
        workspace = Workspace(pathlib.Path(tmp))
        yield {
            name: [call.args for call in spec.samples(workspace) if threadable(call)]
            for name, spec in SPECS.items()
        }


def run_concurrently(
    tasks: list[tuple[str, tuple[Any, ...], tuple[Any, ...]]],
    repeats: int,
    check: Callable[[str, tuple[Any, ...], tuple[Any, ...], tuple[Any, ...]], str | None],
) -> tuple[int, list[str]]:
    """Each of :data:`THREADS` threads runs every task ``repeats`` times, shuffled."""
    barrier = threading.Barrier(THREADS)
    failures: list[str] = []
    calls = [0] * THREADS
    lock = threading.Lock()

    def worker(index: int) -> None:
        order = [task for task in tasks for _ in range(repeats)]
        random.Random(index).shuffle(order)
        functions = {name: rust_function(name) for name in FUNCTIONS}
        barrier.wait()
        for name, args, expected in order:
            got = outcome(functions[name], *args)
            calls[index] += 1
            problem = check(name, args, expected, got)
            if problem:
                with lock:
                    failures.append(problem)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(calls), failures


def check_outcome(
    name: str, args: tuple[Any, ...], expected: tuple[Any, ...], got: tuple[Any, ...]
) -> str | None:
    if got[0] == "PANIC":
        return f"PANIC {name}{args}: {got}"
    if name == "find_free_port" and expected[0] == "returned" and args[0] != 0:
        # Another thread may be holding the port for an instant: any free port at or above.
        value = got[1][1] if got[0] == "returned" else None
        if not (isinstance(value, int) and args[0] <= value <= 65534):
            return f"{name}{args}: {got}"
        return None
    if got != expected:
        return f"{name}{args}: {got} != {expected}"
    return None


def concurrency(inputs: dict[str, list[tuple[Any, ...]]], calls_per_function: int) -> None:
    with no_system_overrides():
        tasks = []
        for name in FUNCTIONS:
            for args in inputs[name]:
                tasks.append((name, args, outcome(rust_function(name), *args)))
        per_task = {name: len(inputs[name]) for name in FUNCTIONS}
        # Repeats per thread so that every function gets at least ``calls_per_function``.
        repeats = max(
            math.ceil(calls_per_function / (THREADS * per_task[name])) for name in FUNCTIONS
        )
        total, failures = run_concurrently(tasks, repeats, check_outcome)
    assert not failures, f"{len(failures)} wrong answers, e.g.:\n" + "\n".join(failures[:20])
    assert total == THREADS * repeats * len(tasks)
    for name in FUNCTIONS:
        assert THREADS * repeats * per_task[name] >= calls_per_function, name


def test_eight_threads_agree_with_one(inputs: dict[str, list[tuple[Any, ...]]]) -> None:
    concurrency(inputs, calls_per_function=800)


@pytest.mark.slow
def test_eight_threads_agree_with_one_at_scale(inputs: dict[str, list[tuple[Any, ...]]]) -> None:
    concurrency(inputs, calls_per_function=10_000)


def test_threads_reading_fake_trees(tmp_path: pathlib.Path, fake_roots: FakeRoots) -> None:
    """The file-reading paths (a fake ``/proc/meminfo`` is read, not asked of ``sysinfo``;
    cgroup files on no cgroup fs are read to their end), 8 threads at once in one child of the
    fake-roots worker: each call's only outcome is the single-threaded one."""
    for version, (quota, mem_kb) in (("v2", (300_000, 8_000_000)), ("v1", (150_000, 4_000_000))):
        root = tmp_path / version
        cgroup = root / "cgroup"
        if version == "v2":
            write = {"cgroup.controllers": "cpu memory\n", "cpu.max": f"{quota} 100000\n"}
        else:
            write = {"cpu/cpu.cfs_quota_us": f"{quota}\n", "cpu/cpu.cfs_period_us": "100000\n"}
        write["memory.max" if version == "v2" else "memory/memory.limit_in_bytes"] = "garbage"
        for name, text in write.items():
            (cgroup / name).parent.mkdir(parents=True, exist_ok=True)
            (cgroup / name).write_text(text)
        (root / "proc").mkdir()
        (root / "proc" / "meminfo").write_text(f"MemFree: 1 kB\nMemTotal: {mem_kb} kB\n")
        calls = [
            (backend, name)
            for backend in ("rust", "python")
            for name in ("get_cpu_count", "get_mem_size_gb")
        ]
        single = fake_roots.request(calls, cgroup=cgroup, proc=root / "proc")
        assert [reply.get() for reply in single] == [
            min(quota // 100_000, len(os.sched_getaffinity(0)), os.cpu_count() or 1),
            mem_kb / 1024**2,
        ] * 2
        seen = fake_roots.request(
            calls, cgroup=cgroup, proc=root / "proc", threads=THREADS, repeats=200
        )
        assert seen == [[outcome_key(reply)] for reply in single], version
