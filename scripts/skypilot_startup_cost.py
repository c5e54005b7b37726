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
   the runs): ``_sky_rs_pth``, ``sky_rs`` and what it imports, and the wheels imported lazily.
3. sky-rs's own CPU in a SkyPilot process (:data:`MARGINAL`): ``import sky_rs``, ``install()``,
   and a first call (the file check, wheel import, rebinding). Importing SkyPilot calls
   ``get_parallel_threads`` once (``sky/provision/kubernetes/instance.py``), so that first call is
   part of every SkyPilot process. Their sum is what sky-rs adds to a SkyPilot process beyond
   the start-up hook (``_sky_rs_pth``, in part 2).
4. With ``--callgrind``: the instructions of those three parts (:data:`REGION`), one run under
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
MARGINAL = """
import json, time
import sky.utils.common_utils, sky.utils.subprocess_utils as s
clock = time.process_time_ns
t0 = clock(); import sky_rs; t1 = clock()
sky_rs.install(); t2 = clock()
s.get_parallel_threads("kubernetes"); t3 = clock()
sky.utils.common_utils.format_float(2.5); t4 = clock()
print(json.dumps([(t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, (t4 - t3) / 1e9]))
"""
"""sky-rs's own CPU in a SkyPilot process, SkyPilot imported first (so the standard-library
modules both import are not counted against sky-rs): ``import sky_rs``, ``install()``, the first
call of ``get_parallel_threads`` (the check of its file, the process wheel) and of ``format_float``
(the string wheel, and common_utils read for the first time)."""


REGION = """
import sys
import sky.utils.common_utils, sky.utils.subprocess_utils as s
def region():
    import sky_rs
    sky_rs.install()
    s.get_parallel_threads("kubernetes")
sys.call_tracing(region, ())
"""
"""The first three parts of :data:`MARGINAL`, run through ``sys.call_tracing`` (which nothing
else calls) so that callgrind counts them alone (``--toggle-collect=sys_call_tracing``)."""


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


def ours(importtime: str) -> float:
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
                    imports.append(ours(stderr) / 1e3)
        print(f"{label}: CPU ms over {args.runs} interleaved pairs")
        for install, values in sides.items():
            name = "SKY_RS_INSTALL=1" if install else "unset"
            low, high = min(values), max(values)
            print(f"  {name:17} median {statistics.median(values):8.1f}  ({low:.1f} to {high:.1f})")
        difference = statistics.median(sides[True]) - statistics.median(sides[False])
        print(f"  difference of medians {difference:+.1f} ms")
        print(f"  sky-rs modules' import time (set): median {statistics.median(imports):.2f} ms")
    parts = [[], [], [], []]
    for _ in range(args.runs):
        done = subprocess.run(
            [python, "-c", MARGINAL],
            env=child_env(False),
            capture_output=True,
            text=True,
            check=True,
        )
        for part, value in zip(parts, json.loads(done.stdout.splitlines()[-1])):
            part.append(value * 1e3)
    parts.append([a + b + c for a, b, c in zip(*parts[:3])])
    labels = ["import sky_rs", "install()", "first get_parallel_threads()", "first format_float()"]
    labels.append("the first three (every process)")
    print(f"sky-rs's own CPU in a SkyPilot process ({args.runs} runs, median and range):")
    for label, values in zip(labels, parts):
        low, high = min(values), max(values)
        print(f"  {label:31} {statistics.median(values):6.2f} ms  ({low:.2f} to {high:.2f})")
    return 0


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
