"""What ``SKY_RS_INSTALL=1`` costs a SkyPilot process: CPU, import time, and sky-rs's own work.

    uv run --no-sync python scripts/skypilot_startup_cost.py            # 20 interleaved pairs
    uv run --no-sync python scripts/skypilot_startup_cost.py --runs 30
    uv run --no-sync python scripts/skypilot_startup_cost.py --inside-only --runs 50
    uv run --no-sync python scripts/skypilot_startup_cost.py --callgrind  # needs valgrind

1. CPU time (user + system, ``getrusage`` of the child) of ``python -c "import
   sky.utils.common_utils"`` and of ``python -c pass``, the variable unset and set, interleaved;
   medians and spread per side. Importing SkyPilot costs seconds of CPU and varies by hundreds of
   milliseconds from run to run, so these medians cannot resolve a millisecond; hence also:
2. ``python -X importtime``: the import time of every sky-rs module in that process (median of
   the runs): ``_sky_rs_pth`` at start-up, ``_sky_rs_skypilot`` at SkyPilot's import, and any
   wheel or ``sky_rs`` module imported later (none: SkyPilot's own import-time calls run
   SkyPilot's code, see ``_sky_rs_skypilot.find_skypilot``).
3. sky-rs's own CPU in a SkyPilot process (:data:`MARGINAL`, the cyclic garbage collector off so
   that a collection due anyway is not counted against sky-rs): what ``SKY_RS_INSTALL=1`` does
   there, step by step, run by hand after SkyPilot is imported: import ``_sky_rs_pth`` (done at
   start-up), import ``_sky_rs_skypilot`` and ``install()`` (done when SkyPilot's package has
   executed), and each domain's first
   call (the file check, the wheel import, the rebinding, the call), next to the same call of
   SkyPilot's own function in a process without sky-rs (:data:`BASELINE`). The first two are
   what a SkyPilot process that calls none of the functions pays.
4. With ``--callgrind``: the instructions of the first three parts (:data:`REGION`), one run under
   valgrind's callgrind (about two minutes): repeatable where CPU time is not, though it counts
   neither the kernel's work (``mmap``, page faults) nor cache misses. (A whole process is not
   repeatable: importing SkyPilot alone varies by some 20 million instructions between runs.)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys

IMPORT = "import sky.utils.common_utils"
CALLS = (
    ("get_parallel_threads", 's.get_parallel_threads("kubernetes")'),
    ("format_float", "c.format_float(2.5)"),
    ("get_cpu_count", "c.get_cpu_count()"),
    ("read_last_n_lines", "c.read_last_n_lines(sys.executable, 1)"),
)
"""One first call per domain (process, string, system, io), in that order."""

MARGINAL = f"""
import gc, json, sys, time
import sky.utils.common_utils as c, sky.utils.subprocess_utils as s
gc.disable()
clock = time.process_time_ns
t = [clock()]
import _sky_rs_pth; t.append(clock())
import _sky_rs_skypilot; t.append(clock())
_sky_rs_skypilot.install(); t.append(clock())
{"; t.append(clock()); ".join(call for _, call in CALLS)}; t.append(clock())
assert "sky_rs" not in sys.modules, "the quick way imported sky_rs"
print(json.dumps([(b - a) / 1e6 for a, b in zip(t, t[1:])]))
"""
"""sky-rs's own steps in a SkyPilot process, in ms: import ``_sky_rs_pth``, then
``_sky_rs_skypilot``, ``install()``, then
each of :data:`CALLS` (the first call of its domain through the trampoline)."""

BASELINE = f"""
import gc, json, sys, time
import sky.utils.common_utils as c, sky.utils.subprocess_utils as s
gc.disable()
clock = time.process_time_ns
t = [clock()]
{"; t.append(clock()); ".join(call for _, call in CALLS)}; t.append(clock())
print(json.dumps([(b - a) / 1e6 for a, b in zip(t, t[1:])]))
"""
"""The same calls of SkyPilot's own functions, in a process without sky-rs, in ms."""

REGION = """
import sys
import sky.utils.common_utils, sky.utils.subprocess_utils as s
def region():
    import _sky_rs_pth, _sky_rs_skypilot
    _sky_rs_skypilot.install()
sys.call_tracing(region, ())
"""
"""The first three parts of :data:`MARGINAL` (what a process that calls nothing pays), run
through ``sys.call_tracing`` (which nothing else calls) so that callgrind counts them alone
(``--toggle-collect=sys_call_tracing``)."""


def child_env(install: bool) -> dict[str, str]:
    # Bytecode is written and used, as in an installed environment (pip compiles at install).
    skip = ("SKY_RS", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
    if install:
        env["SKY_RS_INSTALL"] = "1"
    return env


def cpu_of(argv: list[str], install: bool) -> tuple[float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(argv, env=child_env(install), capture_output=True, text=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return cpu, done.stderr


def sky_rs_import_us(importtime: str) -> float:
    """Microseconds of self import time of every sky-rs module in ``-X importtime`` output."""
    total = 0
    for line in importtime.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)", line)
        if match and re.match(r"_?sky_rs", match.group(2)):
            total += int(match.group(1))
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="pairs per command (default 20)")
    parser.add_argument("--inside-only", action="store_true", help="only part 3")
    parser.add_argument("--callgrind", action="store_true", help="only part 4 (valgrind)")
    args = parser.parse_args()
    python = sys.executable
    if args.callgrind:
        return callgrind(python)
    for install in (False, True):  # warm-up: write the bytecode caches
        cpu_of([python, "-c", IMPORT], install)
    commands = (("python -c pass", "pass"), (f'python -c "{IMPORT}"', IMPORT))
    for label, code in () if args.inside_only else commands:
        sides: dict[bool, list[float]] = {False: [], True: []}
        imports: list[float] = []
        for run in range(args.runs):
            for install in (False, True) if run % 2 == 0 else (True, False):
                cpu, stderr = cpu_of([python, "-X", "importtime", "-c", code], install)
                sides[install].append(cpu * 1e3)
                if install:
                    imports.append(sky_rs_import_us(stderr) / 1e3)
        print(f"{label}: CPU ms over {args.runs} interleaved pairs")
        for install, values in sides.items():
            name = "SKY_RS_INSTALL=1" if install else "unset"
            low, high = min(values), max(values)
            print(f"  {name:17} median {statistics.median(values):8.1f}  ({low:.1f} to {high:.1f})")
        difference = statistics.median(sides[True]) - statistics.median(sides[False])
        print(f"  difference of medians {difference:+.1f} ms")
        print(f"  sky-rs modules' import time (set): median {statistics.median(imports):.2f} ms")
    ours, theirs = runs(MARGINAL, args.runs), runs(BASELINE, args.runs)
    median = statistics.median
    print(f"sky-rs's own CPU in a SkyPilot process ({args.runs} runs, median and range, ms):")
    rows = [
        ("import _sky_rs_pth (at start-up)", ours[0]),
        ("import _sky_rs_skypilot", ours[1]),
        ("install()", ours[2]),
        ("a process that calls nothing", [sum(steps) for steps in zip(*ours[:3])]),
    ]
    for label, values in rows:
        print(f"  {label:38} {median(values):6.2f}  ({min(values):.2f} to {max(values):.2f})")
    print("  first call of a domain, through sky-rs vs SkyPilot's own function:")
    for (name, _), mine, base in zip(CALLS, ours[3:], theirs):
        extra = median(mine) - median(base)
        print(f"    {name:36} {median(mine):6.2f} vs {median(base):5.2f}  ({extra:+.2f})")
    return 0


def runs(code: str, count: int) -> list[list[float]]:
    """Run ``code`` ``count`` times in a child without sky-rs armed; its columns of figures."""
    rows = []
    for _ in range(count):
        done = subprocess.run(
            [sys.executable, "-c", code],
            env=child_env(False),
            capture_output=True,
            text=True,
            check=True,
        )
        rows.append(json.loads(done.stdout.splitlines()[-1]))
    return [list(column) for column in zip(*rows)]


def callgrind(python: str) -> int:
    """Part 4: the instructions of :data:`REGION` (sky-rs's own part), one callgrind run."""
    argv = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    argv += ["--toggle-collect=sys_call_tracing", python, "-c", REGION]
    env = {**child_env(False), "PYTHONHASHSEED": "0"}
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or found is None:
        print(done.stderr[-2000:], file=sys.stderr)
        return 1
    print(f"sky-rs's own part of a SkyPilot process: {int(found.group(1)):,} instructions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
