"""Runs the cases: each function on the fallback, on Rust, and its floor, in one process."""

from __future__ import annotations

import functools
import hashlib
import importlib
import os
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from types import ModuleType
from typing import Any

import sky_rs
from sky_rs import fallback
from sky_rs._bench import skypilot
from sky_rs._bench.cases import MIB, Case, HashWork, Inputs, human_bytes, usable_cores
from sky_rs._bench.record import Component, Record
from sky_rs._bench.timing import (
    Measurable,
    Settings,
    Timing,
    call_measurable,
    floor_measurable,
    fmt_ns,
    measure_interleaved,
)
from sky_rs._domains import DOMAINS

HASH_RATE_BUFFER = 4 * MIB
"""In-memory buffer hashed to measure a hasher's throughput (bytes per second, one core)."""

OVERRIDE_VARIABLES = (
    "SKYPILOT_POD_CPU_CORE_LIMIT",
    "SKYPILOT_POD_MEMORY_GB_LIMIT",
    "SKYPILOT_POD_MEMORY_BYTES_LIMIT",
)
FLOOR_MODULE = "sky_rs_floor"
NO_FLOOR_HINT = (
    "it is the repository's dev-only bench extension (never published);"
    " `uv sync` in a clone of sky-rs builds and installs it"
)


def load_floor() -> tuple[ModuleType | None, str]:
    """``sky_rs_floor``, or why it is missing."""
    try:
        return importlib.import_module(FLOOR_MODULE), ""
    except ImportError as exc:
        return None, f"{FLOOR_MODULE} is not importable ({exc}); {NO_FLOOR_HINT}"


def load_syscall_counter() -> Callable[[str, str], float | None] | None:
    """``sky_rs._bench.syscalls.per_call``, when this build has it (it uses ``strace``)."""
    try:
        module = importlib.import_module("sky_rs._bench.syscalls")
    except ImportError:
        return None
    counter: Callable[[str, str], float | None] | None = getattr(module, "per_call", None)
    return counter


@contextmanager
def no_overrides() -> Iterator[None]:
    """Unset the ``SKYPILOT_POD_*`` variables while measuring: no pod limit is the case."""
    saved = {name: os.environ.pop(name) for name in OVERRIDE_VARIABLES if name in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


class Runner:
    """Measures cases: every statement of a case interleaved, round after round."""

    def __init__(self, settings: Settings, with_skypilot: bool = True) -> None:
        self.settings = settings
        self.domains: dict[str, Any] = sky_rs.get_backend_info()["domains"]
        self.floor_module, self.floor_missing = load_floor()
        self.count_syscalls = load_syscall_counter()
        self.skypilot, self.skypilot_missing = skypilot.load() if with_skypilot else ({}, "")
        """SkyPilot's modules, or why not (imported only when a selected function is its)."""
        self.hash_rates: dict[str, tuple[Timing, Timing]] = {}
        """Algorithm -> (OpenSSL, Rust core) timings of hashing ``HASH_RATE_BUFFER`` bytes."""

    def _floor_statements(self, case: Case, again: bool = False) -> dict[str, Measurable]:
        module = self.floor_module
        if module is None:
            return {}
        statements = {"noop": call_measurable(module.noop, case.args)}
        for i, part in enumerate(case.parts):
            statements[f"part{i}"] = floor_measurable(module.floor, part.kind, part.arg)
        if case.hashing is not None and (again or case.hashing.algorithm not in self.hash_rates):
            # Hash rates depend on the algorithm, not the case: measured with its first case,
            # and again with any case whose floor came out above Rust.
            buffer = bytes(HASH_RATE_BUFFER)
            statements["openssl"] = call_measurable(
                hashlib.new(case.hashing.algorithm).update, (buffer,)
            )
            statements["rust_hasher"] = floor_measurable(
                module.floor, "hash_memory", (case.hashing.algorithm, HASH_RATE_BUFFER)
            )
        return statements

    def measure(self, case: Case) -> Record:
        """Python, Rust, the floor's terms and any reference, measured interleaved."""

        def call(module: Any) -> Measurable:
            function = getattr(module, case.function)
            return call_measurable(function, case.args, suffix=case.suffix, single=case.wall)

        statements = {"python": call(fallback)}
        domain = self.domains[case.domain]
        if domain["backend"] == "rust":
            statements["rust"] = call(sky_rs)
            status = "rust"
        else:
            status = f"n/a: domain {case.domain} is on python ({domain['reason']})"
        floor_statements = self._floor_statements(case)
        statements.update(floor_statements)
        for reference, function in case.references:
            statements[f"ref:{reference}"] = call_measurable(function, case.args)
        skypilot_statements, skypilot_note = skypilot.statements(case, self.skypilot)
        statements.update(skypilot_statements)

        rounds = self.settings.wall_runs if case.wall else self.settings.repeats
        timings = measure_interleaved(statements, self.settings, rounds=rounds)
        record = Record(case, timings["python"], timings.get("rust"), status)
        for reference, _ in case.references:
            record.references[reference] = timings[f"ref:{reference}"]
        record.skypilot, record.skypilot_note = skypilot.timings(timings), skypilot_note
        if not floor_statements:
            record.floor_status = f"unavailable: {self.floor_missing}"
            return record
        self._set_floor(record, timings)
        first = record.measured_floor_ns
        if record.rust is not None and first is not None and first > record.rust.min_ns:
            # A floor is a lower bound: above Rust, it was mis-measured (a burst of load during
            # its rounds). Measure the floor again, interleaved with Rust, and keep every round.
            again = measure_interleaved(
                {"rust": statements["rust"], **self._floor_statements(case, again=True)},
                self.settings,
                rounds=rounds,
            )
            timings = {
                **again,
                **{k: t.merged(again[k]) if k in again else t for k, t in timings.items()},
            }
            record.rust = timings["rust"]
            self._set_floor(record, timings)
            second = record.measured_floor_ns or 0.0
            if second > record.rust.min_ns:
                record.floor_note = (
                    f"floor mis-measured: {fmt_ns(first)} and again {fmt_ns(second)}, above"
                    f" Rust's {fmt_ns(record.rust.min_ns)}; shown as Rust's time"
                )
            else:
                record.floor_note = (
                    f"floor re-measured: first {fmt_ns(first)} was above Rust's time"
                )
        return record

    def _set_floor(self, record: Record, timings: dict[str, Timing]) -> None:
        case = record.case
        noop = timings["noop"]
        record.components = [
            Component(
                "no-op PyO3 call, same arguments",
                noop.min_ns,
                f"{FLOOR_MODULE}.noop",
                noop.min_ns,
                1.0,
                noop,
            )
        ]
        for i, part in enumerate(case.parts):
            timing = timings[f"part{i}"]
            record.components.append(
                Component(
                    part.label,
                    timing.min_ns * part.scale,
                    f"{FLOOR_MODULE}.floor({part.kind!r})",
                    timing.min_ns,
                    part.scale,
                    timing,
                )
            )
        if case.hashing is not None:
            algorithm = case.hashing.algorithm
            if "openssl" in timings:  # measured with this case: keep every round, the min wins
                rates = (timings["openssl"], timings["rust_hasher"])
                old = self.hash_rates.get(algorithm)
                self.hash_rates[algorithm] = (
                    (rates[0].merged(old[0]), rates[1].merged(old[1])) if old else rates
                )
            record.components.append(_hash_component(case.hashing, *self.hash_rates[algorithm]))

    def syscalls(self, record: Record) -> None:
        """System calls per call of a headline case, on each backend, when strace is there."""
        if self.count_syscalls is None:
            return
        case = record.case
        modules = {"python": "sky_rs.fallback"}
        if record.rust is not None:
            modules["rust"] = DOMAINS[case.domain].module
        for backend, module in modules.items():
            try:
                record.syscalls[backend] = self.count_syscalls(*case.trace(module))
            except RuntimeError:  # strace present but refused (ptrace not permitted) or failed
                record.syscalls[backend] = None

    def meta_overhead(self) -> dict[str, Any]:
        """``sky_rs.format_float`` against the wheel's own: the same object when Rust is on."""
        args = (3.14159, 2)
        direct = getattr(_wheel("string"), "format_float", None)
        statements = {"meta": call_measurable(sky_rs.format_float, args)}
        if direct is not None:
            statements["wheel"] = call_measurable(direct, args)
        timings = measure_interleaved(statements, self.settings)
        meta, wheel = timings["meta"], timings.get("wheel")
        return {
            "function": "format_float",
            "args": list(args),
            "backend": self.domains["string"]["backend"],
            "same_object": sky_rs.format_float is direct,
            "meta_ns": meta.min_ns,
            "meta": meta.to_json(),
            "wheel_ns": wheel.min_ns if wheel else None,
            "wheel": wheel.to_json() if wheel else None,
            "overhead_ns": meta.min_ns - wheel.min_ns if wheel else None,
        }

    def gil_release(self, data: Inputs) -> dict[str, Any]:
        """Hash two big files on two threads against one after the other: the GIL is free
        when the two-thread run is about twice as fast (on two idle cores)."""
        size = (32 if self.settings.quick else 200) * MIB
        files = [data.blob(f"gil-{i}.bin", size) for i in range(2)]
        backends: dict[str, Callable[..., Any]] = {"python": fallback.hash_file}
        if self.domains["io"]["backend"] == "rust":
            backends = {"rust": sky_rs.hash_file, **backends}
        result: dict[str, Any] = {
            "files": 2,
            "file_bytes": size,
            "algorithm": "sha256",
            "cores": usable_cores(),
            "ideal_ratio": float(min(2, usable_cores())),
            "runs": self.settings.wall_runs,
            "backends": {},
        }
        statements = {}
        for backend, hash_file in backends.items():

            def one(path: str, hash_file: Callable[..., Any] = hash_file) -> str:
                return str(hash_file(path, "sha256").hexdigest())

            def threaded(one: Callable[[str], str] = one) -> None:
                with ThreadPoolExecutor(2) as pool:
                    list(pool.map(one, files))

            def sequential(one: Callable[[str], str] = one) -> None:
                for path in files:
                    one(path)

            for mode, func in (("sequential", sequential), ("threads", threaded)):
                statements[f"{backend}:{mode}"] = call_measurable(func, single=True)
        timings = measure_interleaved(statements, self.settings, rounds=self.settings.wall_runs)
        for backend, hash_file in backends.items():
            seq = timings[f"{backend}:sequential"].min_ns / 1e9
            par = timings[f"{backend}:threads"].min_ns / 1e9
            shares = [
                _spin_share(functools.partial(hash_file, files[0], "sha256"))
                for _ in range(self.settings.wall_runs)
            ]
            result["backends"][backend] = {
                "sequential_s": seq,
                "two_threads_s": par,
                "ratio": seq / par,
                "python_thread_progress": statistics.median(shares),
            }
        return result


def _wheel(domain: str) -> ModuleType | None:
    """The domain's Rust wheel, if it imports (whether or not ``sky_rs`` uses it)."""
    try:
        return importlib.import_module(DOMAINS[domain].module)
    except Exception:
        return None


def _spin(seconds: float | None, call: Callable[[], Any] | None = None) -> tuple[int, float]:
    """Count a Python loop's iterations on another thread, for ``seconds`` or during ``call``."""
    count = 0
    stop = threading.Event()

    def spin() -> None:
        nonlocal count
        while not stop.is_set():
            count += 1

    thread = threading.Thread(target=spin)
    start = time.perf_counter()
    thread.start()
    if call is None:
        time.sleep(seconds or 0.0)
    else:
        call()
    elapsed = time.perf_counter() - start
    stop.set()
    thread.join()
    return count, elapsed


def _spin_share(call: Callable[[], Any]) -> float:
    """How far another Python thread got during ``call``, as a share of how far it gets in
    the same time while this thread sleeps (measured just before).

    Near 0: ``call`` held the GIL throughout. Near 1 (or 1/2 when the two threads share
    one free core): it released it. Unlike the two-thread speed-up, this needs no idle core.
    """
    count, elapsed = _spin(None, call)
    solo, solo_elapsed = _spin(elapsed)
    return (count / elapsed) / (solo / solo_elapsed)


def _hash_component(work: HashWork, openssl: Timing, rust: Timing) -> Component:
    """Hashing ``work`` at the faster one-core in-memory rate of OpenSSL and the Rust core."""
    rates = {
        "OpenSSL via hashlib": openssl.min_ns / HASH_RATE_BUFFER,
        "Rust core": rust.min_ns / HASH_RATE_BUFFER,
    }
    best = min(rates, key=rates.__getitem__)
    described = ", ".join(f"{k} {1 / v:.2f} GB/s" for k, v in rates.items())
    cores = f" / {round(1 / work.scale)} cores" if work.scale != 1 else ""
    return Component(
        f"{work.algorithm} of {human_bytes(work.total_bytes)} at the best one-core rate"
        f" ({described}; best: {best}){cores}",
        rates[best] * work.total_bytes * work.scale,
        "hashlib" if best.startswith("OpenSSL") else f"{FLOOR_MODULE}.floor('hash_memory')",
        rates[best] * work.total_bytes,
        work.scale,
    )
