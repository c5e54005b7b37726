"""Specs of the process domain: worker sizing, file-descriptor estimates, liveness."""

from __future__ import annotations

import importlib
import os
from typing import Any

from sky_rs._bench.cases import ONLINE, Case, FloorPart, Inputs, pid_sample
from sky_rs._spec.model import Call, Spec, Workspace


def _threads_samples(w: Workspace) -> list[Call]:
    return [
        Call("None", (None,)),
        Call("'kubernetes'", ("kubernetes",)),
        Call("'Kubernetes'", ("Kubernetes",)),
        Call("'aws'", ("aws",)),
        Call("5", (5,)),
    ]


def _workers_samples(w: Workspace) -> list[Call]:
    directory, log = w.directory(25), w.log(100)
    return [
        Call("{'~/m': 25-entry dir}", ({"~/m": directory},)),
        Call("{'a': log, 'b': missing}", ({"a": log, "b": w.missing},)),
        Call("{'a': 25-entry dir}, 'kubernetes'", ({"a": directory}, "kubernetes")),
        Call("{'a': 'x\\0y'}", ({"a": "x\0y"},)),
        Call("None", (None,)),
    ]


def _workers_bench(data: Inputs) -> list[Case]:
    return [
        Case(
            "get_max_workers_for_file_mounts",
            "one 50-entry dir",
            ({"~/data": data.directory(50)},),
            headline=True,
            # No stat for os.path.isdir: an open with O_DIRECTORY answers it as well.
            parts=(
                FloorPart("getrlimit(RLIMIT_NOFILE)", "getrlimit_nofile", None),
                FloorPart("open+getdents+close (50)", "listdir", data.directory(50)),
                ONLINE,
            ),
        )
    ]


def _alive_samples(w: Workspace) -> list[Call]:
    return [
        Call("own pid", (w.pid,)),
        Call("1", (1,)),
        Call("0", (0,)),
        Call("-5", (-5,)),
        Call("4194305", (4_194_305,)),
        Call("2**40", (2**40,)),
    ]


def _alive_bench(data: Inputs) -> list[Case]:
    references: tuple[tuple[str, Any], ...]
    try:  # psutil (a test dependency) is the reference, when it is installed
        references = (("psutil.pid_exists", importlib.import_module("psutil").pid_exists),)
    except ImportError:
        references = ()
    pid = os.getpid()
    return [
        Case(
            "is_process_alive",
            "own pid",
            (pid,),
            headline=True,
            parts=(FloorPart("kill(pid, 0)", "kill", pid),),
            references=references,
            trace_args="os.getpid(),",
        )
    ]


def _many_alive_samples(w: Workspace) -> list[Call]:
    return [
        Call("[own pid, 1, 0, -1, 4194305]", ([w.pid, 1, 0, -1, 4_194_305],)),
        Call("[]", ([],)),
        Call("[None]", ([None],)),
    ]


def _many_alive_bench(data: Inputs) -> list[Case]:
    pids, live = pid_sample(64)
    return [
        Case(
            "are_processes_alive",
            f"{len(pids)} pids ({live} live)",
            (pids,),
            parts=(FloorPart(f"kill(pid, 0) x {len(pids)}", "kill", pids),),
        )
    ]


def _fd_samples(w: Workspace) -> list[Call]:
    return [
        Call("25-entry dir", (w.directory(25),)),
        Call("missing", (w.missing,)),
        Call("file", (w.log(100),)),
    ]


def _fd_bench(data: Inputs) -> list[Case]:
    return [
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
    ]


SPECS: dict[str, Spec] = {
    # glibc's sysconf: open, read, close of /sys/devices/system/cpu/online
    "get_parallel_threads": Spec(
        _threads_samples,
        lambda data: [Case("get_parallel_threads", "()", (), headline=True, parts=(ONLINE,))],
        3,
        faults=lambda w: [Call("kubernetes", ("kubernetes",))],
    ),
    "get_max_workers_for_file_mounts": Spec(
        _workers_samples,
        _workers_bench,
        8,
        io=True,
        faults=lambda w: [
            Call("7-entry dir and a file", ({"~/a": w.directory(7), "~/b": w.log(100)},))
        ],
    ),
    # tgkill
    "is_process_alive": Spec(
        _alive_samples,
        _alive_bench,
        1,
        io=True,
        faults=lambda w: [Call("self", (w.pid,)), Call("dead", (w.dead_pid,))],
    ),
    # open, getdents64 x2, close
    "estimate_fd_for_directory": Spec(
        _fd_samples,
        _fd_bench,
        4,
        io=True,
        faults=lambda w: [Call("3000-entry dir", (w.directory(3000),))],
    ),
    "are_processes_alive": Spec(
        _many_alive_samples,
        _many_alive_bench,
        io=True,
        faults=lambda w: [Call("mixed", ([w.pid, w.dead_pid, 1, -1, 0],))],
    ),
}
