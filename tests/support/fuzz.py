"""The fuzz tests' shared parts: the example count, the ``fuzz`` settings, the counter of
examples run, and path variants.

Every differential test of Rust against the fallback is marked ``fuzz``. Its example count
follows the active hypothesis profile (``HYPOTHESIS_PROFILE``, registered in
``tests/conftest.py``): under ``fuzz`` each function runs at least 20,000 examples; under the
default ``ci`` profile (and ``dev``) a few dozen, so the ordinary ``pytest`` run stays quick.

    HYPOTHESIS_PROFILE=fuzz uv run --no-sync pytest -m fuzz -q

The number of examples each test really ran is counted in :data:`RAN`, printed at the end of the
session (``tests/conftest.py``) and written as JSON to ``$SKY_RS_FUZZ_REPORT`` when that is set;
each fuzz module's ``test_zz_example_counts`` fails if a test ran fewer than its target.
"""

from __future__ import annotations

import collections
import json
import os
import pathlib
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.support.backends import PathLike

PROFILE_EXAMPLES = settings.default.max_examples
FUZZ_TARGET = 20_000
EXAMPLES = int(
    os.environ.get("SKY_RS_FUZZ_EXAMPLES")
    or (PROFILE_EXAMPLES if PROFILE_EXAMPLES >= FUZZ_TARGET else min(PROFILE_EXAMPLES, 25))
)
"""Examples per function: the profile's count at fuzz scale, else at most 25
(``SKY_RS_FUZZ_EXAMPLES`` overrides both, for a quick intermediate run)."""

fuzz = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)

RAN: collections.Counter[str] = collections.Counter()
"""Examples run per function in this session."""


def path_variant(path: str, variant: int) -> Any:
    """``path`` as a str, a pathlib.Path, bytes, or another os.PathLike."""
    if variant == 1:
        return pathlib.Path(path)
    if variant == 2:
        return os.fsencode(path)
    if variant == 3:
        return PathLike(path)
    return path


def path_of_kind(workdir: pathlib.Path, kind: str, file: pathlib.Path) -> str:
    return {
        "file": str(file),
        "missing": str(workdir / "missing"),
        "directory": str(workdir),
        "nul": str(workdir / "nul\0byte"),
        "long": "/tmp/" + "a" * 5000,
        "surrogate": str(workdir / "\udcff"),
    }[kind]


PATH_KINDS = st.sampled_from(
    ["file", "file", "file", "file", "missing", "directory", "nul", "long", "surrogate"]
)


def summary_lines() -> list[str]:
    """What the session printed at its end: the examples run per function."""
    profile = os.environ.get("HYPOTHESIS_PROFILE", "ci")
    lines = [
        f"fuzz examples per function: {EXAMPLES} (profile {profile}: {PROFILE_EXAMPLES} examples;"
        " the fuzz tests run 25 unless the profile is fuzz or SKY_RS_FUZZ_EXAMPLES is set):"
    ]
    lines += [f"  {name:34s} {count:>8,d}" for name, count in sorted(RAN.items())]
    lines.append(f"  {'total':34s} {sum(RAN.values()):>8,d}")
    report = os.environ.get("SKY_RS_FUZZ_REPORT")
    if report:
        pathlib.Path(report).write_text(
            json.dumps({"target": EXAMPLES, "examples": dict(RAN)}, indent=2) + "\n"
        )
    return lines


def check_example_counts() -> None:
    """Every fuzz test that ran so far in this session ran its full target of examples."""
    if EXAMPLES < FUZZ_TARGET:
        return
    short = {name: n for name, n in RAN.items() if 0 < n < FUZZ_TARGET}
    assert not short, f"fewer than {FUZZ_TARGET} examples: {short}"
