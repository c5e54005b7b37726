"""``find_free_port`` never sets ``SO_REUSEADDR`` and always closes its sockets.

Two independent checks, on both backends:

- Behaviour: a port held only by a connection in ``TIME_WAIT`` binds with ``SO_REUSEADDR``
  but not without it. ``find_free_port`` must skip that port (std's ``TcpListener::bind``,
  which sets ``SO_REUSEADDR``, would wrongly return it).
- System calls, when ``strace`` is installed: every ``socket()`` the call makes is
  ``close()``d, and no ``setsockopt(..., SO_REUSEADDR, ...)`` is ever issued.

Plus the descriptor count of the process is unchanged after many calls.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from types import ModuleType

import pytest
import sky_rs.fallback

from tests.support.backends import rust_module

BACKENDS = ("rust", "python")


def module_for(backend: str) -> ModuleType:
    return rust_module("io") if backend == "rust" else sky_rs.fallback


def binds(port: int, reuse: bool) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        if reuse:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("", port))
        except OSError:
            return False
        return True


def time_wait_port() -> int:
    """A port whose only user is a server-side connection in TIME_WAIT."""
    for _ in range(20):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(("127.0.0.1", 0))
            port: int = listener.getsockname()[1]
            listener.listen(1)
            client = socket.create_connection(("127.0.0.1", port))
            server, _ = listener.accept()
            server.close()  # the side that closes first keeps TIME_WAIT on `port`
            time.sleep(0.01)
            client.close()
        if port < 65534 and not binds(port, reuse=False) and binds(port, reuse=True):
            return port
    pytest.skip("could not produce a TIME_WAIT-only port")


@pytest.mark.parametrize("backend", BACKENDS)
def test_time_wait_port_is_not_free(backend: str) -> None:
    port = time_wait_port()
    found = module_for(backend).find_free_port(port)
    assert found != port, "bound a TIME_WAIT port: SO_REUSEADDR must have been set"
    assert port < found <= 65534


@pytest.mark.parametrize("backend", BACKENDS)
def test_listening_port_is_skipped_and_no_descriptor_leaks(backend: str) -> None:
    fn = module_for(backend).find_free_port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as held:
        held.bind(("", 0))
        held.listen(1)
        port = held.getsockname()[1]
        if port >= 65534:
            pytest.skip("the kernel picked the last port")
        before = len(os.listdir("/proc/self/fd"))
        for _ in range(500):
            assert fn(port) > port
            assert fn(0) == 0
        for start in (-1, 65535, 2**200):
            with pytest.raises((OSError, OverflowError)):
                fn(start)
        assert len(os.listdir("/proc/self/fd")) == before


STRACE = shutil.which("strace")

PROGRAM = """
import socket, sys
import sky_rs.fallback, sky_rs_io
fn = sky_rs_io.find_free_port if sys.argv[1] == "rust" else sky_rs.fallback.find_free_port
held = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
held.bind(("", 0)); held.listen(1)
port = held.getsockname()[1]
sys.stdout.write("MARK-START\\n"); sys.stdout.flush()
print(fn(port), fn(0), port)
try:
    fn(65535)
except OSError:
    pass
sys.stdout.write("MARK-END\\n"); sys.stdout.flush()
"""


@pytest.fixture
def traced() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="sky-rs-strace-") as tmp:
        yield os.path.join(tmp, "trace")


@pytest.mark.ptrace
@pytest.mark.parametrize("backend", BACKENDS)
def test_syscalls_no_reuseaddr_and_every_socket_closed(backend: str, traced: str) -> None:
    if STRACE is None:
        pytest.fail("strace is not on PATH (apt-get install strace)", pytrace=False)
    result = subprocess.run(
        [
            STRACE,
            "-f",
            "-e",
            "trace=socket,setsockopt,bind,close,write",
            "-o",
            traced,
            sys.executable,
            "-c",
            PROGRAM,
            backend,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0 and "ptrace" in result.stderr:
        pytest.skip(f"strace cannot trace here: {result.stderr.strip()[:200]}")
    assert result.returncode == 0, result.stderr
    found, zero, held = map(int, result.stdout.split("MARK-START\n")[1].split()[:3])
    assert found > held and zero == 0

    with open(traced) as f:
        lines = f.read().splitlines()
    start = next(i for i, line in enumerate(lines) if "MARK-START" in line)
    end = next(i for i, line in enumerate(lines) if "MARK-END" in line)
    window = lines[start:end]

    assert not [line for line in window if "SO_REUSEADDR" in line or "SO_REUSEPORT" in line]
    opened: dict[int, str] = {}
    binds_seen = 0
    for line in window:
        if m := re.search(r"socket\(AF_INET, SOCK_STREAM.*\) = (\d+)$", line):
            opened[int(m.group(1))] = line
        elif m := re.search(r"bind\((\d+), \{sa_family=AF_INET, sin_port=htons\((\d+)\)", line):
            assert int(m.group(1)) in opened, line
            binds_seen += 1
        elif m := re.search(r"close\((\d+)\)\s+= 0", line):
            opened.pop(int(m.group(1)), None)
    assert binds_seen >= 3  # the held port, the next one, and port 0
    assert not opened, f"sockets never closed: {list(opened.values())}"
