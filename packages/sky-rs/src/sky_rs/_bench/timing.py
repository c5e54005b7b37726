"""Calibrated timing: one loop for everything, ``timeit`` from Python, ``sky_rs_floor.floor``
inside Rust.

Every statement is a :class:`Measurable`: ``run(n)`` times ``n`` loops and returns seconds.
It is warmed up, calibrated so one repeat lasts about ``target`` seconds, then repeated.
``timeit`` turns the garbage collector off while it loops. A call too slow to loop (100 MiB
hashing) is timed by wall clock over a few single runs instead.

The statements of one case (Python, Rust, the floor's parts) are measured **interleaved**:
each round runs one repeat of every statement, so a burst of load from other processes hits
all of them alike instead of inflating one; each keeps the min (and median) of its rounds.

Libraries weighed: ``timeit`` (stdlib) does the looping; its ``Timer.autorange`` would do the
calibration but has a fixed 0.2 s target, and ``--quick`` needs 0.02 s, hence
:func:`_calibrate`. ``pyperf`` measures in spawned worker processes, one statement at a time,
so it cannot interleave Python, Rust and a floor timed inside Rust in one process, and it
would be one more dependency. ``pytest-benchmark`` runs only under pytest. Neither gives
interleaving, which is what keeps the ratios honest on a shared, noisy machine.
"""

from __future__ import annotations

import math
import statistics
import timeit
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_MAX_CALIBRATION_STEPS = 30


@dataclass(frozen=True)
class Settings:
    """How long and how often to measure."""

    quick: bool
    target_s: float
    """Calibrated length of one repeat, in seconds."""
    repeats: int
    wall_runs: int
    """Single runs of a wall-clock case (after one warm-up run)."""

    @classmethod
    def for_mode(cls, quick: bool) -> Settings:
        if quick:
            return cls(quick=True, target_s=0.02, repeats=3, wall_runs=3)
        return cls(quick=False, target_s=0.2, repeats=7, wall_runs=3)


@dataclass(frozen=True)
class Timing:
    """Per-call times of one measured statement, in nanoseconds."""

    samples_ns: tuple[float, ...]
    loops: int
    """Calls per repeat."""
    method: str
    """``timeit``, ``wall`` (single timed runs) or ``rust-instant`` (timed inside Rust)."""

    @property
    def min_ns(self) -> float:
        return min(self.samples_ns)

    @property
    def median_ns(self) -> float:
        return statistics.median(self.samples_ns)

    @property
    def repeats(self) -> int:
        return len(self.samples_ns)

    def merged(self, other: Timing) -> Timing:
        """Both runs' samples: the min of a re-measurement is the min of all rounds."""
        return Timing(self.samples_ns + other.samples_ns, self.loops, self.method)

    def to_json(self) -> dict[str, Any]:
        return {
            "min_ns": self.min_ns,
            "median_ns": self.median_ns,
            "repeats": self.repeats,
            "loops": self.loops,
            "method": self.method,
            "samples_ns": list(self.samples_ns),
        }


def _calibrate(run: Callable[[int], float], target_s: float) -> int:
    """Loops for one repeat of about ``target_s`` seconds; ``run(n)`` times ``n`` loops.

    The calibration runs double as the warm-up: the last one lasted about ``target_s``.
    """
    loops = 1
    elapsed = run(loops)
    for _ in range(_MAX_CALIBRATION_STEPS):
        if elapsed >= target_s:
            break
        if elapsed < target_s / 100:
            loops *= 10
        else:
            loops = max(loops + 1, math.ceil(loops * target_s / elapsed * 1.05))
        elapsed = run(loops)
    return loops


def call_measurable(
    func: Any,
    args: Sequence[Any] = (),
    *,
    suffix: str = "",
    single: bool = False,
    attribute: str = "",
) -> Measurable:
    """``func(*args)<suffix>`` timed by ``timeit`` (gc off), every name a local.

    The call is spelled out (``f(a0, a1)``), not ``f(*args)``, so the loop costs the same as
    the call a user writes; ``suffix`` is e.g. ``.hexdigest()``. With ``attribute``, ``func``
    is a module and the call goes through it on every loop (``f.<attribute>(a0)``), as a
    caller of ``common_utils.hash_file(...)`` does: a rebinding of the attribute takes effect.
    """
    names: dict[str, Any] = {"f": func, **{f"a{i}": arg for i, arg in enumerate(args)}}
    setup = "; ".join(f"{name} = _{name}" for name in names)
    callee = f"f.{attribute}" if attribute else "f"
    call = f"{callee}({', '.join(list(names)[1:])}){suffix}"
    timer = timeit.Timer(call, setup, globals={f"_{k}": v for k, v in names.items()})
    return Measurable(timer.timeit, "wall" if single else "timeit", single)


@dataclass(frozen=True)
class Measurable:
    """One statement to time: ``run(n)`` makes ``n`` loops of it and returns the seconds."""

    run: Callable[[int], float]
    method: str
    single: bool = False
    """Run once per round (a wall-clock case) instead of a calibrated number of loops."""


def floor_measurable(floor: Callable[[str, Any, int], float], kind: str, arg: Any) -> Measurable:
    """``sky_rs_floor.floor(kind, arg, iterations)``: ns per iteration timed inside Rust,
    calibrated like a call."""

    def run(iterations: int) -> float:
        return floor(kind, arg, iterations) * iterations / 1e9

    return Measurable(run, "rust-instant")


def measure_interleaved(
    statements: Mapping[str, Measurable], settings: Settings, *, rounds: int | None = None
) -> dict[str, Timing]:
    """Warm up and calibrate each statement, then run ``rounds`` rounds of one repeat each."""
    loops = {}
    for name, statement in statements.items():
        statement.run(1)  # warm-up; also raises now, with a clear traceback, if it fails
        loops[name] = 1 if statement.single else _calibrate(statement.run, settings.target_s)
    samples: dict[str, list[float]] = {name: [] for name in statements}
    for _ in range(rounds or settings.repeats):
        for name, statement in statements.items():
            samples[name].append(statement.run(loops[name]) / loops[name] * 1e9)
    return {
        name: Timing(tuple(samples[name]), loops[name], statement.method)
        for name, statement in statements.items()
    }


def fmt_ns(ns: float | None) -> str:
    """Three significant digits in the largest unit that fits: ``1.00 µs``, not ``1000 ns``."""
    if ns is None:
        return "n/a"
    for unit, scale in (("ns", 1.0), ("µs", 1e3), ("ms", 1e6)):
        text = _sig3(ns / scale)
        if float(text) < 1000:
            return f"{text} {unit}"
    return f"{_sig3(ns / 1e9)} s"


def fmt_ratio(ratio: float | None) -> str:
    if ratio is None:
        return "n/a"
    return f"{ratio:.2f}x" if ratio < 9.995 else f"{ratio:.1f}x"


def _sig3(value: float) -> str:
    if value >= 99.95:
        return f"{value:.0f}"
    if value >= 9.995:
        return f"{value:.1f}"
    return f"{value:.2f}"
