"""Files that change underneath: ``read_last_n_lines`` and ``hash_file`` on both backends while
another thread appends to, truncates, deletes and recreates, or replaces the file.

No crash, and nothing but a valid result or one of the reference's own exceptions:

- ``read_last_n_lines``: a list of ``str`` (at most ``n``, every line but the last ending in
  ``'\\n'``), ``AssertionError('File not found: ...')`` when the path vanished before the check,
  ``RuntimeError`` whose ``__cause__`` is the ``OSError`` (``FileNotFoundError`` when it
  vanished between the check and the open), or the reference's own
  ``IndexError('list index out of range')`` when the file empties between the size check and
  the read (SkyPilot 0.14.1 does that, and so do both backends).
- ``hash_file``: a hash object with a digest of the right size, or ``FileNotFoundError``.

Every outcome is tallied; the tallies are printed with ``-s`` and kept for docs/reliability.md.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import hashlib
import os
import pathlib
import random
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sky_rs.fallback

from tests.support.backends import rust_module
from tests.support.hardening import skip_slow_unless_selected
from tests.support.hostile import is_panic

BACKENDS = ("rust", "python")
LINE = b"0123456789 abcdefghij \xff\xfe \xe2\x82\xac\r\n"


@pytest.fixture(autouse=True)
def _slow_gate(request: pytest.FixtureRequest) -> None:
    skip_slow_unless_selected(request)


def mutate(path: pathlib.Path, stop: threading.Event, seed: int) -> None:
    """Append, truncate (to 0 or mid-line), delete and recreate, or atomically replace."""
    rng = random.Random(seed)
    spare = path.with_suffix(".new")
    while not stop.is_set():
        op = rng.randrange(6)
        try:
            if op == 0:
                with open(path, "ab") as f:
                    f.write(LINE * rng.randrange(1, 3000))
            elif op == 1:
                os.truncate(path, 0)
            elif op == 2:
                os.truncate(path, rng.randrange(0, 50_000))
            elif op == 3:
                os.unlink(path)
                path.write_bytes(LINE * rng.randrange(0, 500))
            elif op == 4:
                spare.write_bytes(LINE * rng.randrange(0, 5000))
                os.replace(spare, path)
            else:
                with open(path, "r+b") as f:  # rewrite in place, bytes of another length
                    f.write(b"\n" * rng.randrange(0, 20_000))
        except FileNotFoundError:
            path.write_bytes(b"")


def classify_lines(call: Callable[[], Any], n: int) -> str:
    try:
        lines = call()
    except KeyboardInterrupt:
        raise
    except BaseException as exc:
        if is_panic(exc):
            return f"PANIC {exc!r}"
        if isinstance(exc, AssertionError) and str(exc).startswith("File not found: "):
            return "AssertionError(File not found)"
        if isinstance(exc, RuntimeError) and isinstance(exc.__cause__, OSError):
            return f"RuntimeError from {type(exc.__cause__).__name__}"
        if isinstance(exc, IndexError) and str(exc) == "list index out of range":
            # SkyPilot's own code does this when the file empties between its size check and
            # its read (``result_bytes[-1]`` of an empty list); the fallback copies it.
            return "IndexError (reference: emptied between size check and read)"
        return f"UNEXPECTED {type(exc).__name__}: {exc}"
    if not isinstance(lines, list) or len(lines) > n:
        return f"UNEXPECTED value {lines!r:.80}"
    if not all(isinstance(line, str) for line in lines):
        return "UNEXPECTED non-str line"
    if not all(line.endswith("\n") for line in lines[:-1]):
        return "UNEXPECTED missing newline"
    if lines and lines[-1].endswith("\n"):
        return "UNEXPECTED newline on the last line"
    return "list[str]"


def classify_hash(call: Callable[[], Any], alg: str) -> str:
    try:
        value = call()
    except KeyboardInterrupt:
        raise
    except BaseException as exc:
        if is_panic(exc):
            return f"PANIC {exc!r}"
        if isinstance(exc, FileNotFoundError):
            return "FileNotFoundError"
        return f"UNEXPECTED {type(exc).__name__}: {exc}"
    size = hashlib.new(alg).digest_size
    if len(value.digest()) != size or len(value.hexdigest()) != 2 * size:
        return "UNEXPECTED digest size"
    return "hash object"


def module_for(backend: str) -> Any:
    return rust_module("io") if backend == "rust" else sky_rs.fallback


@pytest.fixture
def churned(tmp_path: pathlib.Path) -> Iterator[pathlib.Path]:
    """A file that two threads keep changing while the test runs."""
    path = tmp_path / "churn.log"
    path.write_bytes(LINE * 100)
    stop = threading.Event()
    threads = [threading.Thread(target=mutate, args=(path, stop, seed)) for seed in (1, 2)]
    for t in threads:
        t.start()
    try:
        yield path
    finally:
        stop.set()
        for t in threads:
            t.join()


def run_readers(path: pathlib.Path, backend: str, calls: int) -> collections.Counter[str]:
    io = module_for(backend)
    tally: collections.Counter[str] = collections.Counter()
    rng = random.Random(backend)
    for i in range(calls):
        if i % 2 == 0:
            n = rng.choice([1, 5, 200, 10_000])
            result = classify_lines(functools.partial(io.read_last_n_lines, path, n), n)
            tally["read_last_n_lines: " + result] += 1
        else:
            alg = rng.choice(["md5", "sha256", "sha3_256"])
            result = classify_hash(functools.partial(io.hash_file, path, alg), alg)
            tally["hash_file: " + result] += 1
    return tally


def check(tally: collections.Counter[str], backend: str) -> None:
    print(f"\n{backend}: {dict(sorted(tally.items()))}")
    bad = {k: v for k, v in tally.items() if "UNEXPECTED" in k or "PANIC" in k}
    assert not bad, f"{backend}: {bad}"
    assert tally["read_last_n_lines: list[str]"] > 0
    assert tally["hash_file: hash object"] > 0


@pytest.mark.parametrize("backend", BACKENDS)
def test_files_changing_underneath(churned: pathlib.Path, backend: str) -> None:
    check(run_readers(churned, backend, 2_000), backend)


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_files_changing_underneath_at_scale(churned: pathlib.Path, backend: str) -> None:
    check(run_readers(churned, backend, 40_000), backend)


def test_hash_files_with_vanishing_members(tmp_path: pathlib.Path) -> None:
    """``hash_files`` (parallel in Rust) while members are deleted and recreated."""
    paths = [tmp_path / f"m{i}" for i in range(8)]
    for p in paths:
        p.write_bytes(LINE * 1000)
    stop = threading.Event()

    def churn() -> None:
        rng = random.Random(3)
        while not stop.is_set():
            p = rng.choice(paths)
            with contextlib.suppress(FileNotFoundError):
                p.unlink()
            p.write_bytes(LINE * rng.randrange(0, 3000))

    t = threading.Thread(target=churn)
    t.start()
    tally: collections.Counter[str] = collections.Counter()
    try:
        for backend in BACKENDS:
            io = module_for(backend)
            # 300 calls, then on until a whole list came back (slow under emulation: qemu), for
            # at most 60 s more.
            deadline = time.monotonic() + 60
            attempts = 0
            while attempts < 300 or (not tally[f"{backend}: list"] and time.monotonic() < deadline):
                attempts += 1
                try:
                    result = io.hash_files([str(p) for p in paths], "sha256")
                    assert len(result) == len(paths)
                    assert all(len(h.hexdigest()) == 64 for h in result)
                    tally[f"{backend}: list"] += 1
                except FileNotFoundError:
                    tally[f"{backend}: FileNotFoundError"] += 1
    finally:
        stop.set()
        t.join()
    print(f"\n{dict(tally)}")
    assert tally["rust: list"] > 0 and tally["python: list"] > 0


def flip_between_empty_and_not(path: pathlib.Path, stop: threading.Event) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        while not stop.is_set():
            os.pwrite(fd, b"abc\n", 0)
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)


@pytest.mark.parametrize("backend", BACKENDS)
def test_file_emptied_between_size_and_read(tmp_path: pathlib.Path, backend: str) -> None:
    """The narrowest race: the file is emptied after its size is read. The reference raises
    ``IndexError`` there, and so do both backends; every outcome is tallied."""
    path = tmp_path / "flip.log"
    path.write_bytes(b"")
    stop = threading.Event()
    flipper = threading.Thread(target=flip_between_empty_and_not, args=(path, stop))
    flipper.start()
    io = module_for(backend)
    tally: collections.Counter[str] = collections.Counter()
    try:
        seen: list[Any] = []

        def call() -> Any:
            seen.append(io.read_last_n_lines(str(path), 1))
            return seen[-1]

        for _ in range(20_000):
            seen.clear()
            result = classify_lines(call, 1)
            tally[repr(seen[-1]) if result == "list[str]" else result] += 1
    finally:
        stop.set()
        flipper.join()
    print(f"\n{backend}: {dict(tally)}")
    bad = {k: v for k, v in tally.items() if "UNEXPECTED" in k or "PANIC" in k}
    assert not bad, bad
