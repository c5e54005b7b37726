"""SkyPilot end to end, with and without ``SKY_RS_INSTALL=1``: CPU of the whole process tree.

    uv run --no-sync python scripts/skypilot_e2e.py                # 3 interleaved pairs + counts
    uv run --no-sync python scripts/skypilot_e2e.py --pairs 5 --no-count

Each side starts SkyPilot's local API server (``sky api start``), runs :data:`COMMANDS`, all
offline (a fresh ``HOME``, no cloud credentials, usage collection off), and stops the server.
Every process of a side runs in its own cgroup (v1 ``cpuacct`` or v2, whichever the machine
has; created under it and removed after), so the CPU counted is that of the whole tree: the
clients, the server, its workers and whatever they start. Sides alternate (unset, set, unset,
...) so drift in the machine's load hits both; a first side, not counted, writes the bytecode
caches. Then one more run, with a counting wrapper in every process (a ``sitecustomize`` on
``PYTHONPATH``), counts each accelerated function's calls.
Needs root for the cgroup; without one, only the clients' CPU is counted, and it says so.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

COMMANDS = [
    ["sky", "api", "info"],
    ["sky", "api", "status"],
    ["sky", "status"],
    ["sky", "status", "--refresh"],
    ["sky", "check"],
    ["sky", "jobs", "queue"],
    ["sky", "serve", "status"],
    ["sky", "cost-report"],
    ["sky", "storage", "ls"],
    ["sky", "api", "status"],
]
"""The client commands of one side, in order, after ``sky api start``."""

NAMES = [
    *("read_last_n_lines", "hash_file", "find_free_port", "base36_encode", "format_float"),
    *("truncate_long_string", "get_cpu_count", "get_mem_size_gb"),
    *("get_parallel_threads", "get_max_workers_for_file_mounts"),
]

COUNTER = """
# sky-rs e2e: count calls of the accelerated SkyPilot functions (one line per call, any process).
import importlib.machinery, os, sys
_here = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.machinery.PathFinder.find_spec(
    "sitecustomize", [p for p in sys.path if os.path.abspath(p or ".") != _here])
if _spec is not None:  # the interpreter's own sitecustomize still runs
    _spec.loader.exec_module(type(sys)("sitecustomize"))
_OUT = os.environ["SKY_RS_E2E_COUNTS"]
_HOMES = {"sky.utils.common_utils": %r, "sky.utils.subprocess_utils": %r}

def _counted(name, function):
    def counted(*args, **kwargs):
        fd = os.open(_OUT, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, (name + "\\n").encode())
        finally:
            os.close(fd)
        return function(*args, **kwargs)
    return counted

class _Finder:
    def find_spec(self, fullname, path=None, target=None):
        if fullname not in _HOMES:
            return None
        for finder in sys.meta_path:
            if finder is not self and hasattr(finder, "find_spec"):
                spec = finder.find_spec(fullname, path, target)
                if spec is not None:
                    break
        else:
            return None
        real = spec.loader.exec_module
        def exec_module(module):
            real(module)
            for name in _HOMES[fullname]:
                setattr(module, name, _counted(name, getattr(module, name)))
        spec.loader.exec_module = exec_module
        return spec

sys.meta_path.insert(0, _Finder())
"""


class Cgroup:
    """A cgroup of its own (v1 cpuacct or v2) whose CPU time covers every process put in it."""

    def __init__(self, name: str) -> None:
        v1, v2 = Path("/sys/fs/cgroup/cpuacct"), Path("/sys/fs/cgroup")
        if (v1 / "cpuacct.usage").exists():
            self.path, self.usage = v1 / name, "cpuacct.usage"
        elif (v2 / "cgroup.controllers").exists():
            self.path, self.usage = v2 / name, "cpu.stat"
        else:
            raise OSError("no cgroup v1 cpuacct or v2 hierarchy mounted")
        self.path.mkdir()

    def enter(self) -> None:
        """Move the calling process (a child, before exec) into the cgroup."""
        (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def cpu_seconds(self) -> float:
        text = (self.path / self.usage).read_text()
        if self.usage == "cpuacct.usage":
            return int(text) / 1e9
        usec = dict(line.split() for line in text.splitlines())["usage_usec"]
        return int(usec) / 1e6

    def remove(self) -> None:
        for attempt in range(50):  # the server's last processes may take a moment to exit
            pids = (self.path / "cgroup.procs").read_text().split()
            if not pids:
                break
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(int(pid), 9 if attempt > 20 else 15)
            time.sleep(0.2)
        self.path.rmdir()


def run_side(install: bool, counts: Path | None = None) -> tuple[float, str]:
    """One side: start the server, run the commands, stop it. Its CPU seconds and a note."""
    home = Path(tempfile.mkdtemp(prefix="sky-rs-e2e-"))
    # Bytecode is written and used, as in an installed SkyPilot (pip compiles it at install).
    skip = ("SKY_RS", "SKYPILOT", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
    env.update(HOME=str(home), SKYPILOT_DISABLE_USAGE_COLLECTION="1", NO_COLOR="1")
    env["SKY_RS_INSTALL"] = "1" if install else "0"
    if counts is not None:
        site = home / "counting"
        site.mkdir()
        homes = (NAMES[:8], NAMES[8:])
        (site / "sitecustomize.py").write_text(COUNTER % homes)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))
        env["SKY_RS_E2E_COUNTS"] = str(counts)
    try:
        group: Cgroup | None = Cgroup(f"sky-rs-e2e-{os.getpid()}-{time.monotonic_ns()}")
        note = "whole process tree (cgroup)"
    except OSError as exc:
        group, note = None, f"clients only (no cgroup: {exc})"
    before = os.times()
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join([bindir, env.get("PATH", "")])
    try:
        for command in [["sky", "api", "start"], *COMMANDS, ["sky", "api", "stop"]]:
            done = subprocess.run(
                command,
                env=env,
                cwd=home,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=600,
                preexec_fn=None if group is None else group.enter,
            )
            if done.returncode != 0 and command[:2] != ["sky", "check"]:
                tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
                print(f"  {' '.join(command)}: exit {done.returncode}: {' | '.join(tail)}")
        if group is not None:
            time.sleep(1.0)
            cpu = group.cpu_seconds()
        else:
            after = os.times()
            cpu = after.children_user + after.children_system
            cpu -= before.children_user + before.children_system
    finally:
        if group is not None:
            group.remove()
        shutil.rmtree(home, ignore_errors=True)
    return cpu, note


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=3, help="interleaved pairs (default 3)")
    parser.add_argument("--no-count", action="store_true", help="skip the counting run")
    parser.add_argument("--json", type=Path, help="write the figures as JSON")
    args = parser.parse_args()
    if shutil.which("sky", path=str(Path(sys.executable).parent)) is None:
        raise SystemExit("SkyPilot's `sky` is not installed next to this Python (uv sync)")
    sides: dict[str, list[float]] = {"unset": [], "SKY_RS_INSTALL=1": []}
    cpu, note = run_side(True)  # warm-up, not counted: writes the bytecode caches of both sides
    print(f"warm-up side (not counted) CPU {cpu:7.2f} s")
    for pair in range(args.pairs):
        for install in (False, True) if pair % 2 == 0 else (True, False):
            label = "SKY_RS_INSTALL=1" if install else "unset"
            start = time.monotonic()
            cpu, note = run_side(install)
            sides[label].append(cpu)
            print(
                f"pair {pair + 1} {label:17} CPU {cpu:7.2f} s  ({time.monotonic() - start:.0f} s)"
            )
    print(f"\nCPU per side, {args.pairs} pairs, {note}; {len(COMMANDS)} commands each:")
    for label, values in sides.items():
        spread = f"{min(values):.2f} to {max(values):.2f}"
        print(f"  {label:17} median {statistics.median(values):7.2f} s  ({spread})")
    differences = [b - a for a, b in zip(sides["unset"], sides["SKY_RS_INSTALL=1"])]
    print(f"  set - unset, per pair: {', '.join(f'{d:+.2f}' for d in differences)} s")
    calls: Counter[str] = Counter()
    if not args.no_count:
        with tempfile.TemporaryDirectory() as tmp:
            counts = Path(tmp) / "calls.txt"
            run_side(False, counts)
            calls.update(counts.read_text().split() if counts.exists() else [])
        print("\nCalls of the accelerated functions in one side (counting wrapper, every process):")
        for name in NAMES:
            print(f"  {name:32} {calls[name]}")
        print(f"  {'total':32} {sum(calls.values())}")
    if args.json:
        args.json.write_text(json.dumps({"sides": sides, "note": note, "calls": calls}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
