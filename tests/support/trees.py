"""Fake cgroup and proc trees for the system tests, and the backend under test seen under them.

The trees are bind-mounted over ``/sys/fs/cgroup`` and ``/proc`` in a private mount namespace,
in a child of the session's worker (``tests/support/fake_roots.py``): the functions read their
real paths. The fixtures that build them are in ``tests/system/conftest.py``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Callable, Union

from tests.support.fake_roots import FakeRoots

CPU_ENV = "SKYPILOT_POD_CPU_CORE_LIMIT"
GB_ENV = "SKYPILOT_POD_MEMORY_GB_LIMIT"
BYTES_ENV = "SKYPILOT_POD_MEMORY_BYTES_LIMIT"
MEMTOTAL_KB = 8_000_000
MEMTOTAL = MEMTOTAL_KB * 1024
GIB = 1024**3

# A file's content; DIR puts a directory in its place (opening or reading it fails with an
# OSError even as root, where chmod 000 would not stop a read).
DIR = object()
Content = Union[str, bytes, object]


def host_cpus() -> int:
    """What both backends must return when no cgroup limit applies."""
    return min(os.sysconf("SC_NPROCESSORS_ONLN"), len(os.sched_getaffinity(0)))


class Mounted:
    """The backend under test as seen under fake trees: each call runs in a child of the
    fake-roots worker, with ``cgroup`` over /sys/fs/cgroup and ``proc`` over /proc."""

    def __init__(self, roots: FakeRoots, backend: str, cgroup: Path | None, proc: Path | None):
        self.roots, self.backend, self.cgroup, self.proc = roots, backend, cgroup, proc

    def call(self, function: str) -> Any:
        replies = self.roots.call(function, [self.backend], cgroup=self.cgroup, proc=self.proc)
        return replies[self.backend].get()

    def get_cpu_count(self) -> Any:
        return self.call("get_cpu_count")

    def get_mem_size_gb(self) -> Any:
        return self.call("get_mem_size_gb")


Mount = Callable[..., Mounted]


def write_files(root: Path, files: Mapping[str, Content]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is DIR:
            path.mkdir()
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            assert isinstance(content, str)
            path.write_text(content, encoding="utf-8")
