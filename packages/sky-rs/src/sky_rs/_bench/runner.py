"""Runs the cases: each function on the fallback, on Rust, and its floor, in one process."""

from __future__ import annotations

import functools
import hashlib
import importlib
import math
import os
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import sky_rs
from sky_rs import fallback
from sky_rs._bench.cases import MIB, Case, HashWork, Inputs, Sizes, human_bytes, usable_cores
from sky_rs._bench.timing import (
    Settings,
    Timing,
    call_measurable,
    floor_measurable,
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

Advance = Callable[[str], None]


@dataclass
class Component:
    """One term of a floor."""

    name: str
    ns: float | None
    """This term's share of the floor (per-call time times scale), or None if unmeasured."""
    source: str
    each_ns: float | None = None
    scale: float = 1.0
    timing: Timing | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "ns": self.ns,
            "each_ns": self.each_ns,
            "scale": self.scale,
            "source": self.source,
            "timing": self.timing.to_json() if self.timing else None,
        }


@dataclass
class Record:
    """The measurements of one case."""

    case: Case
    python: Timing
    rust: Timing | None
    rust_status: str
    """``rust``, or why there is no Rust number."""
    components: list[Component] = field(default_factory=list)
    floor_status: str = "complete"
    references: dict[str, Timing] = field(default_factory=dict)

    @property
    def floor_ns(self) -> float | None:
        if self.floor_status != "complete":
            return None
        return sum(c.ns for c in self.components if c.ns is not None)

    @property
    def speedup(self) -> float | None:
        return self.python.min_ns / self.rust.min_ns if self.rust else None

    @property
    def distance(self) -> float | None:
        floor = self.floor_ns
        return self.rust.min_ns / floor if self.rust and floor else None

    @property
    def ceiling(self) -> float | None:
        """The best speed-up any implementation could reach here: Python / floor."""
        floor = self.floor_ns
        return self.python.min_ns / floor if floor else None


def wheel(domain: str) -> ModuleType | None:
    """The domain's Rust wheel, if it imports (whether or not ``sky_rs`` uses it)."""
    try:
        return importlib.import_module(DOMAINS[domain].module)
    except Exception:
        return None


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

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.domains: dict[str, Any] = sky_rs.get_backend_info()["domains"]
        self.wheels = {name: wheel(name) for name in DOMAINS}

    def _floor_function(self, domain: str) -> Callable[[str, Any, int], float] | None:
        module = self.wheels[domain]
        floor: Callable[[str, Any, int], float] | None = getattr(module, "_floor", None)
        return floor

    def measure(self, case: Case) -> Record:
        """Python, Rust, the floor's terms and any reference, measured interleaved."""
        name, args, kwargs = case.function, case.args, case.kwargs
        statements = {
            "python": call_measurable(
                getattr(fallback, name), args, kwargs, suffix=case.suffix, single=case.wall
            )
        }
        domain = self.domains[case.domain]
        if domain["backend"] == "rust":
            statements["rust"] = call_measurable(
                getattr(sky_rs, name), args, kwargs, suffix=case.suffix, single=case.wall
            )
            status = "rust"
        else:
            status = f"n/a: domain {case.domain} is on python ({domain['reason']})"
        package = DOMAINS[case.domain].module
        noop = getattr(self.wheels[case.domain], "_noop", None)
        if noop is not None:
            statements["noop"] = call_measurable(noop, args, kwargs)
        missing = []
        for i, part in enumerate(case.parts):
            floor = self._floor_function(part.domain)
            if floor is None:
                missing.append(part.label)
            else:
                statements[f"part{i}"] = floor_measurable(floor, part.kind, part.arg)
        if case.hashing is not None:
            buffer = bytes(HASH_RATE_BUFFER)
            statements["openssl"] = call_measurable(
                hashlib.new(case.hashing.algorithm).update, (buffer,)
            )
            floor = self._floor_function("io")
            if floor is not None:
                statements["rust_hasher"] = floor_measurable(
                    floor, "hash_memory", (case.hashing.algorithm, HASH_RATE_BUFFER)
                )
        for reference in case.references:
            statements[f"ref:{reference.name}"] = call_measurable(reference.func, reference.args)

        rounds = self.settings.wall_runs if case.wall else self.settings.repeats
        timings = measure_interleaved(statements, self.settings, rounds=rounds)

        record = Record(case, timings["python"], timings.get("rust"), status)
        for reference in case.references:
            record.references[reference.name] = timings[f"ref:{reference.name}"]
        if "noop" not in timings:
            record.floor_status = f"unavailable: {package} is not installed"
            return record
        noop_timing = timings["noop"]
        record.components.append(
            Component(
                "no-op PyO3 call, same arguments",
                noop_timing.min_ns,
                f"{package}._noop",
                noop_timing.min_ns,
                1.0,
                noop_timing,
            )
        )
        for i, part in enumerate(case.parts):
            source = f"sky_rs_{part.domain}._floor({part.kind!r})"
            timing = timings.get(f"part{i}")
            if timing is None:
                record.components.append(Component(part.label, None, source))
                continue
            record.components.append(
                Component(
                    part.label,
                    timing.min_ns * part.scale,
                    source,
                    timing.min_ns,
                    part.scale,
                    timing,
                )
            )
        if case.hashing is not None:
            record.components.append(
                _hash_component(case.hashing, timings["openssl"], timings.get("rust_hasher"))
            )
        if missing:
            record.floor_status = (
                f"incomplete: no _floor in this build of a wheel for {', '.join(missing)}"
            )
        return record

    def meta_overhead(self) -> dict[str, Any]:
        """``sky_rs.format_float`` against the wheel's own: the same object when Rust is on."""
        args = (3.14159, 2)
        module = self.wheels["string"]
        statements = {"meta": call_measurable(sky_rs.format_float, args)}
        direct = getattr(module, "format_float", None)
        if direct is not None:
            statements["wheel"] = call_measurable(direct, args)
        timings = measure_interleaved(statements, self.settings)
        result: dict[str, Any] = {
            "function": "format_float",
            "args": list(args),
            "backend": self.domains["string"]["backend"],
            "same_object": sky_rs.format_float is direct,
            "meta_ns": timings["meta"].min_ns,
            "meta": timings["meta"].to_json(),
            "wheel_ns": None,
            "overhead_ns": None,
        }
        if "wheel" in timings:
            result.update(
                wheel_ns=timings["wheel"].min_ns,
                wheel=timings["wheel"].to_json(),
                overhead_ns=timings["meta"].min_ns - timings["wheel"].min_ns,
            )
        return result

    def gil_release(self, data: Inputs) -> dict[str, Any]:
        """Hash two big files on two threads against one after the other: the GIL is free
        when the two-thread run is about twice as fast (on two idle cores)."""
        size = Sizes.for_mode(self.settings.quick).gil_file
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

            def sequential(hash_file: Callable[..., Any] = hash_file) -> None:
                for path in files:
                    hash_file(path, "sha256").hexdigest()

            def threaded(hash_file: Callable[..., Any] = hash_file) -> None:
                threads = [
                    threading.Thread(target=lambda p=p: hash_file(p, "sha256").hexdigest())
                    for p in files
                ]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()

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


def _hash_component(work: HashWork, openssl: Timing, rust: Timing | None) -> Component:
    """Hashing ``work`` at the faster one-core in-memory rate of OpenSSL and the Rust core."""
    rates = {"OpenSSL via hashlib": openssl.min_ns / HASH_RATE_BUFFER}
    if rust is not None:
        rates["Rust core"] = rust.min_ns / HASH_RATE_BUFFER
    best = min(rates, key=rates.__getitem__)
    described = ", ".join(f"{k} {1 / v:.2f} GB/s" for k, v in rates.items())
    cores = f" / {round(1 / work.scale)} cores" if work.scale != 1 else ""
    return Component(
        f"{work.algorithm} of {human_bytes(work.total_bytes)} at the best one-core rate"
        f" ({described}; best: {best}){cores}",
        rates[best] * work.total_bytes * work.scale,
        "hashlib" if best.startswith("OpenSSL") else "sky_rs_io._floor('hash_memory')",
        rates[best] * work.total_bytes,
        work.scale,
    )


def geometric_mean(values: list[float]) -> float | None:
    if not values:
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))


def arithmetic_mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None
