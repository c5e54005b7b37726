"""Runs the cases: each function on the fallback, on Rust, and its floor, in one process."""

from __future__ import annotations

import hashlib
import importlib
import math
import os
import threading
import timeit
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import sky_rs
from sky_rs import fallback
from sky_rs._bench.cases import MIB, Case, FloorPart, Inputs, Sizes, human_bytes, usable_cores
from sky_rs._bench.timing import Settings, Timing, time_call, time_rust_floor
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


@dataclass
class HashRates:
    """Nanoseconds per byte of each hasher, measured once per algorithm."""

    openssl: dict[str, Timing] = field(default_factory=dict)
    rust: dict[str, Timing | None] = field(default_factory=dict)


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
    """Measures cases, sharing floor parts and hash rates between them."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.domains: dict[str, Any] = sky_rs.get_backend_info()["domains"]
        self.wheels = {name: wheel(name) for name in DOMAINS}
        self._parts: dict[tuple[Any, ...], Timing | None] = {}
        self.rates = HashRates()

    def _floor_function(self, domain: str) -> Callable[[str, Any, int], float] | None:
        module = self.wheels[domain]
        floor: Callable[[str, Any, int], float] | None = getattr(module, "_floor", None)
        return floor

    def measure(self, case: Case) -> Record:
        settings = self.settings
        name = case.function
        python = time_call(
            getattr(fallback, name), case.args, case.kwargs, settings,
            suffix=case.suffix, wall=case.wall,
        )  # fmt: skip
        domain = self.domains[case.domain]
        rust: Timing | None = None
        if domain["backend"] == "rust":
            rust = time_call(
                getattr(sky_rs, name), case.args, case.kwargs, settings,
                suffix=case.suffix, wall=case.wall,
            )  # fmt: skip
            status = "rust"
        else:
            status = f"n/a: domain {case.domain} is on python ({domain['reason']})"
        record = Record(case, python, rust, status)
        self._measure_floor(record)
        for reference in case.references:
            record.references[reference.name] = time_call(
                reference.func, reference.args, None, settings
            )
        return record

    def _measure_floor(self, record: Record) -> None:
        case = record.case
        module = self.wheels[case.domain]
        noop = getattr(module, "_noop", None)
        package = DOMAINS[case.domain].module
        if noop is None:
            record.floor_status = f"unavailable: {package} is not installed"
            return
        timing = time_call(noop, case.args, case.kwargs, self.settings)
        record.components.append(
            Component(
                "no-op PyO3 call, same arguments",
                timing.min_ns,
                f"{package}._noop",
                timing.min_ns,
                1.0,
                timing,
            )
        )
        missing = []
        for part in case.parts:
            part_timing = self._part(part, case.wall)
            if part_timing is None:
                missing.append(part.label)
                record.components.append(
                    Component(part.label, None, f"sky_rs_{part.domain}._floor({part.kind!r})")
                )
                continue
            record.components.append(
                Component(
                    part.label,
                    part_timing.min_ns * part.scale,
                    f"sky_rs_{part.domain}._floor({part.kind!r})",
                    part_timing.min_ns,
                    part.scale,
                    part_timing,
                )
            )
        if case.hashing is not None:
            record.components.append(self._hash_component(case))
        if missing:
            record.floor_status = (
                f"incomplete: no _floor in this build of a wheel for {', '.join(missing)}"
            )

    def _part(self, part: FloorPart, wall: bool) -> Timing | None:
        key = (*part.key, wall)
        if key not in self._parts:
            floor = self._floor_function(part.domain)
            self._parts[key] = (
                None
                if floor is None
                else time_rust_floor(floor, part.kind, part.arg, self.settings, wall=wall)
            )
        return self._parts[key]

    def _hash_component(self, case: Case) -> Component:
        assert case.hashing is not None
        algorithm, size, scale = (
            case.hashing.algorithm,
            case.hashing.total_bytes,
            case.hashing.scale,
        )
        openssl = self._openssl_rate(algorithm)
        rust = self._rust_rate(algorithm)
        rates = {"OpenSSL via hashlib": openssl.min_ns}
        if rust is not None:
            rates["Rust core"] = rust.min_ns
        best = min(rates, key=rates.__getitem__)
        described = ", ".join(f"{k} {1 / v:.2f} GB/s" for k, v in rates.items())
        return Component(
            f"{algorithm} of {human_bytes(size)} at the best one-core rate ({described};"
            f" best: {best})" + (f" / {round(1 / scale)} cores" if scale != 1 else ""),
            rates[best] * size * scale,
            "hashlib" if best.startswith("OpenSSL") else "sky_rs_io._floor('hash_memory')",
            rates[best] * size,
            scale,
        )

    def _openssl_rate(self, algorithm: str) -> Timing:
        if algorithm not in self.rates.openssl:
            buffer = bytes(HASH_RATE_BUFFER)
            update = hashlib.new(algorithm).update
            timing = time_call(update, (buffer,), None, self.settings)
            self.rates.openssl[algorithm] = timing.scaled(1 / HASH_RATE_BUFFER)
        return self.rates.openssl[algorithm]

    def _rust_rate(self, algorithm: str) -> Timing | None:
        if algorithm not in self.rates.rust:
            floor = self._floor_function("io")
            rate = None
            if floor is not None:
                rate = time_rust_floor(
                    floor, "hash_memory", (algorithm, HASH_RATE_BUFFER), self.settings
                ).scaled(1 / HASH_RATE_BUFFER)
            self.rates.rust[algorithm] = rate
        return self.rates.rust[algorithm]

    def meta_overhead(self) -> dict[str, Any]:
        """``sky_rs.format_float`` against the wheel's own: the same object when Rust is on."""
        args = (3.14159, 2)
        module = self.wheels["string"]
        via_meta = time_call(sky_rs.format_float, args, None, self.settings)
        result: dict[str, Any] = {
            "function": "format_float",
            "args": list(args),
            "backend": self.domains["string"]["backend"],
            "meta_ns": via_meta.min_ns,
            "meta": via_meta.to_json(),
            "same_object": False,
            "wheel_ns": None,
            "overhead_ns": None,
        }
        if module is not None and hasattr(module, "format_float"):
            direct = time_call(module.format_float, args, None, self.settings)
            result.update(
                same_object=sky_rs.format_float is module.format_float,
                wheel_ns=direct.min_ns,
                wheel=direct.to_json(),
                overhead_ns=via_meta.min_ns - direct.min_ns,
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

            sequential()  # warm-up
            seq = timeit.repeat(sequential, number=1, repeat=self.settings.wall_runs)
            par = timeit.repeat(threaded, number=1, repeat=self.settings.wall_runs)
            result["backends"][backend] = {
                "sequential_s": min(seq),
                "two_threads_s": min(par),
                "ratio": min(seq) / min(par),
            }
        return result


def geometric_mean(values: list[float]) -> float | None:
    if not values:
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))


def arithmetic_mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None
