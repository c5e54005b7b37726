"""Calibrated timing: ``timeit`` loops for calls from Python, ``_floor`` loops inside Rust.

Every measurement is warmed up, calibrated so one repeat lasts about ``target`` seconds
(``timeit.Timer.autorange``-style, but with a configurable target), then repeated. ``timeit``
turns the garbage collector off while it loops. A case too slow to loop (100 MB hashing) is
timed by wall clock over a few single runs instead.
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

    def scaled(self, factor: float) -> Timing:
        return Timing(tuple(s * factor for s in self.samples_ns), self.loops, self.method)

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


def _repeat(run: Callable[[int], float], loops: int, repeats: int) -> tuple[float, ...]:
    return tuple(run(loops) / loops * 1e9 for _ in range(repeats))


def call_timer(
    func: Callable[..., Any],
    args: Sequence[Any] = (),
    kwargs: Mapping[str, Any] | None = None,
    suffix: str = "",
) -> timeit.Timer:
    """A ``timeit.Timer`` for ``func(*args, **kwargs)<suffix>`` with every name a local.

    The call is spelled out (``f(a0, a1, key=k_key)``), not ``f(*args)``, so the loop costs
    the same as the call a user writes; ``suffix`` is e.g. ``.hexdigest()``.
    """
    names: dict[str, Any] = {"_f": func}
    spelled = []
    for i, arg in enumerate(args):
        names[f"_a{i}"] = arg
        spelled.append(f"a{i}")
    for key, value in (kwargs or {}).items():
        names[f"_k_{key}"] = value
        spelled.append(f"{key}=k_{key}")
    setup = "; ".join(f"{name[1:]} = {name}" for name in names)
    return timeit.Timer(f"f({', '.join(spelled)}){suffix}", setup, globals=names)


def time_call(
    func: Callable[..., Any],
    args: Sequence[Any],
    kwargs: Mapping[str, Any] | None,
    settings: Settings,
    *,
    suffix: str = "",
    wall: bool = False,
) -> Timing:
    """Time one Python-level call: calibrated ``timeit`` loops, or ``wall`` single runs."""
    timer = call_timer(func, args, kwargs, suffix)
    timer.timeit(1)  # warm-up; also raises now, with a clear traceback, if the call fails
    if wall:
        return Timing(_repeat(timer.timeit, 1, settings.wall_runs), 1, "wall")
    loops = _calibrate(timer.timeit, settings.target_s)
    return Timing(_repeat(timer.timeit, loops, settings.repeats), loops, "timeit")


def time_rust_floor(
    floor: Callable[[str, Any, int], float],
    kind: str,
    arg: Any,
    settings: Settings,
    *,
    wall: bool = False,
) -> Timing:
    """Time a wheel's ``_floor(kind, arg, iterations)``, which loops inside Rust.

    ``_floor`` returns nanoseconds per iteration, measured with ``std::time::Instant``
    with the GIL released; it is calibrated and repeated like :func:`time_call`.
    """

    def run(iterations: int) -> float:
        return floor(kind, arg, iterations) * iterations / 1e9

    run(1)
    if wall:
        return Timing(_repeat(run, 1, settings.wall_runs), 1, "rust-instant")
    loops = _calibrate(run, settings.target_s)
    return Timing(_repeat(run, loops, settings.repeats), loops, "rust-instant")
