"""SPEC.md's sizing formulas, evaluated with the standard library, for the process tests."""

from __future__ import annotations

import os
import resource
import tempfile
from typing import Any, Callable

SIZES = (0, 1, 7, 50, 1000, 5000)


def threads(kubernetes: bool = False) -> int:
    """SPEC: max(4, os.cpu_count() - 1), None counting as 1, times 4 for Kubernetes."""
    return max(4, (os.cpu_count() or 1) - 1) * (4 if kubernetes else 1)


def soft_fd_limit() -> int:
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def workers(fd_limit: int, fd_per_rsync: int, kubernetes: bool = False) -> int:
    """SPEC: min(max((fd_limit - 100) // fd_per_rsync, 1), get_parallel_threads(cloud))."""
    return min(max((fd_limit - 100) // fd_per_rsync, 1), threads(kubernetes))


def outcome(fn: Callable[..., Any], *args: Any) -> tuple[Any, ...]:
    """The value, or the exception's type, str, errno and filename: what drop-in must match."""
    try:
        return ("ok", fn(*args))
    except Exception as exc:
        return (
            "err",
            type(exc),
            str(exc),
            getattr(exc, "errno", None),
            getattr(exc, "filename", None),
        )


TREE: list[str] = []


def differential_tree() -> str:
    """A small tree the name strategy can hit: dirs 'a', 'b', 'a/b', a file 'ab', links."""
    if not TREE:
        base = tempfile.mkdtemp(prefix="sky-rs-process-")
        for d in ("a", "b", "a/b", "é"):
            os.makedirs(os.path.join(base, d))
        for i in range(3):
            open(os.path.join(base, "a", f"f{i}"), "w").close()
        open(os.path.join(base, "ab"), "w").close()
        os.symlink("a", os.path.join(base, "ba"))
        os.symlink("nowhere", os.path.join(base, "bb"))
        TREE.append(base)
    return TREE[0]
