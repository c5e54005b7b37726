"""What one bench case measured (:class:`Record`) and the means over many: a leaf module.

It imports nothing of the bench but its data (cases, timing), so the runner, the SkyPilot
columns, the report and the page all import it without importing one another.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field, fields
from typing import Any

from sky_rs._bench.cases import Case
from sky_rs._bench.timing import Timing


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
        timing = self.timing.to_json() if self.timing else None
        return {**{f.name: getattr(self, f.name) for f in fields(self)}, "timing": timing}


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
    floor_note: str = ""
    """Set when the floor was re-measured or clamped (a floor is a lower bound)."""
    references: dict[str, Timing] = field(default_factory=dict)
    syscalls: dict[str, float | None] = field(default_factory=dict)
    """System calls per call by backend (``python``, ``rust``), headline cases only."""
    skypilot: dict[str, Timing] = field(default_factory=dict)
    """SkyPilot's own function, ``original`` and ``installed`` (see :mod:`.skypilot`)."""
    skypilot_note: str = ""

    @property
    def measured_floor_ns(self) -> float | None:
        if self.floor_status != "complete":
            return None
        return sum(c.ns for c in self.components if c.ns is not None)

    @property
    def floor_ns(self) -> float | None:
        """The measured floor, never above Rust's time: no implementation beats a floor."""
        floor = self.measured_floor_ns
        if floor is not None and self.rust is not None:
            return min(floor, self.rust.min_ns)
        return floor

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


def geometric_mean(values: list[float]) -> float | None:
    return statistics.geometric_mean(values) if values else None


def arithmetic_mean(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None
