"""Leaks: repeated calls of every I/O-touching function, error paths included, leave the open
descriptors unchanged and grow the resident set by less than 5 MB after a warm-up.

The workload and the measurements are those of ``tests/support/leaks.py`` (which runs 200,000
calls per function); here the default run makes 2,000 calls per function and backend, the
``slow`` one 20,000.
"""

from __future__ import annotations

import os
import pathlib

import pytest

from tests.support import leaks as leak_check
from tests.support.hardening import skip_slow_unless_selected

MAX_RSS_GROWTH_KB = 5 * 1024


@pytest.fixture(autouse=True)
def _slow_gate(request: pytest.FixtureRequest) -> None:
    skip_slow_unless_selected(request)


def run(backend: str, calls: int, warmup: int) -> None:
    results = leak_check.run([backend], list(leak_check.FUNCTIONS), calls, calls, warmup)
    assert [r.function for r in results] == list(leak_check.FUNCTIONS)
    problems = [
        f"{r.function}: fds {r.fds_before}->{r.fds_after}, RSS +{r.rss_growth_kb} kB"
        for r in results
        if not r.ok(MAX_RSS_GROWTH_KB)
    ]
    for r in results:
        print(
            f"{r.backend} {r.function}: {r.calls} calls ({r.errors} raised), fds "
            f"{r.fds_before}->{r.fds_after}, RSS {r.rss_before_kb}->{r.rss_after_kb} kB"
        )
    assert not problems, problems
    # The error paths really were exercised.
    assert all(r.errors > 0 for r in results if r.function != "get_max_workers_for_file_mounts")


@pytest.mark.parametrize(
    "backend",
    # Rust's hash_files starts threads per call; under qemu-user each costs ~280 kB of RSS.
    [pytest.param("rust", marks=pytest.mark.native_memory), "python"],
)
def test_no_leaks(backend: str) -> None:
    run(backend, calls=2_000, warmup=500)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["rust", "python"])
def test_no_leaks_at_scale(backend: str) -> None:
    run(backend, calls=20_000, warmup=2_000)


def test_the_check_sees_a_leak(tmp_path: pathlib.Path) -> None:
    """The measurement itself: a call that keeps its file open is caught."""
    kept = []
    path = tmp_path / "x"
    path.write_bytes(b"x")
    before = leak_check.open_fds()
    leak_check.run_calls([lambda: kept.append(open(path, "rb"))], 10)  # noqa: SIM115
    assert leak_check.open_fds() == before + 10
    for f in kept:
        f.close()
    assert leak_check.open_fds() == before
    assert leak_check.rss_kb() > 0
    assert os.path.exists("/proc/self/fd")
