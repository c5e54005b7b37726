"""What ``SKY_RS_INSTALL=1`` costs a SkyPilot process: CPU, import time, and sky-rs's own work.

    uv run --no-sync python scripts/skypilot_startup_cost.py            # 20 interleaved pairs
    uv run --no-sync python scripts/skypilot_startup_cost.py --runs 30

1. CPU time (user + system, ``getrusage`` of the child) of ``python -c "import
   sky.utils.common_utils"`` and of ``python -c pass``, the variable unset and set, interleaved;
   medians and spread per side. Importing SkyPilot costs seconds of CPU and varies by hundreds of
   milliseconds from run to run, so these medians cannot resolve a millisecond; hence also:
2. ``python -X importtime``: the import time of every sky-rs module in that process (median of
   the runs): ``_sky_rs_pth``, ``sky_rs`` and what it imports, and the wheels imported lazily.
3. sky-rs's own work in the process, timed inside it: ``install()`` and each first-call decision
   (fingerprint, wheel import, rebinding). Importing SkyPilot calls ``get_parallel_threads`` once
   (``sky/provision/kubernetes/instance.py``), so that one decision is part of every process.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys

IMPORT = "import sky.utils.common_utils"
TIMED = """
import json, sys, time
import sky_rs._install as i
spent = {"install": 0.0, "decide": 0.0, "decided": []}
def timed(key, function):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[key] += time.perf_counter() - start
            if key == "decide":
                spent["decided"] += [name for _, name in args[0]]
    return wrapper
i.install = timed("install", i.install)
i._resolve = timed("decide", i._resolve)
import sky_rs
sky_rs.install = i.install
import sky.utils.common_utils
print(json.dumps(spent))
"""


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
    args = parser.parse_args()
    python = sys.executable
    for install in (False, True):  # warm-up: write the bytecode caches
        cpu_of([python, "-c", IMPORT], install)
    for label, code in (("python -c pass", "pass"), (f'python -c "{IMPORT}"', IMPORT)):
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
    spent = []
    import json

    for _ in range(min(args.runs, 10)):
        done = subprocess.run(
            [python, "-c", TIMED], env=child_env(True), capture_output=True, text=True, check=True
        )
        spent.append(json.loads(done.stdout.splitlines()[-1]))
    install_ms = statistics.median(s["install"] * 1e3 for s in spent)
    decide_ms = statistics.median(s["decide"] * 1e3 for s in spent)
    print(f"inside `{IMPORT}` with SKY_RS_INSTALL=1 ({len(spent)} runs, medians):")
    print(f"  install(): {install_ms:.2f} ms; first-call decisions {spent[0]['decided']}: ")
    print(f"  {decide_ms:.2f} ms (fingerprint, the process wheel's import, the rebinding)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
