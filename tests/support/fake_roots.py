"""Fake cgroup and proc trees for the system functions, through a private mount namespace.

``get_cpu_count()`` and ``get_mem_size_gb()`` read fixed paths (``/sys/fs/cgroup``,
``/proc/meminfo``). With no hook in the published wheel or the fallback, fake trees are
bind-mounted over those paths in a process of their own:

- One **worker** per test session (:class:`FakeRoots`), started under ``unshare -m
  --propagation unchanged`` (root; otherwise ``unshare -r -m``, and a clear error when neither
  works), imports the backends once and reads requests on its stdin.
- Per request it **forks a child**: ``unshare(CLONE_NEWNS)``, ``MS_REC | MS_PRIVATE`` on
  ``/sys/fs/cgroup`` and ``/proc`` only (never ``/``: nothing propagates anywhere), the fake
  directories bind-mounted over them (or one ``meminfo`` file over ``/proc/meminfo``), the
  ``SKYPILOT_POD_*`` variables set, the calls made, the outcomes written back. Its mounts die
  with it, and so does what the Rust wheel learnt about them (cgroup version, procfs).

A request costs a millisecond or two. Outcomes come back pickled (the value, or the exception
with its ``__cause__``); :meth:`Reply.get` returns or raises it, so a test reads like a plain
call. Standard library only (``scripts/standalone_check.py`` uses it outside pytest); the same
file is the worker (``python fake_roots.py --serve CONFIG``).
"""

from __future__ import annotations

import atexit
import ctypes
import importlib
import importlib.util
import json
import os
import pickle
import random
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import IO, Any, Union

CGROUP = "/sys/fs/cgroup"
PROC = "/proc"
MEMINFO = "/proc/meminfo"
ENV_VARIABLES = (
    "SKYPILOT_POD_CPU_CORE_LIMIT",
    "SKYPILOT_POD_MEMORY_GB_LIMIT",
    "SKYPILOT_POD_MEMORY_BYTES_LIMIT",
)
DEFAULT_BACKENDS = {"rust": "sky_rs_system", "python": "sky_rs._fallback.system"}
"""Backend name -> the module holding the functions: a dotted name, or a ``.py`` file."""

TIMEOUT = 120.0
"""Seconds a request may take before the worker is killed (a hung call)."""

PathArg = Union[str, "os.PathLike[str]"]


class Reply:
    """One call's outcome: ``kind`` is ``"returned"``, ``"raised"`` or ``"PANIC"``."""

    def __init__(self, kind: str, value: Any = None, error: BaseException | None = None) -> None:
        self.kind = kind
        self.value = value
        self.error = error

    def get(self) -> Any:
        """The value returned, or raise the exception raised (with its ``__cause__``)."""
        if self.error is not None:
            raise self.error
        return self.value

    def __repr__(self) -> str:
        return f"Reply({self.kind}, {self.error!r})" if self.error else f"Reply({self.value!r})"


class PanicException(BaseException):
    """Stands for a ``pyo3_runtime.PanicException`` raised in the worker (same name)."""


def _encode_outcome(call: Any) -> tuple[Any, ...]:
    """Call ``call()`` and reduce its outcome to something picklable (in the child)."""
    try:
        value = call()
    except BaseException as exc:
        if type(exc).__name__ == "PanicException":
            return ("PANIC", repr(exc))
        cause = exc.__cause__
        return ("raised", _pickled(exc), None if cause is None else _pickled(cause))
    return ("returned", value)


def _pickled(exc: BaseException) -> bytes:
    try:
        data = pickle.dumps(exc)
        pickle.loads(data)
    except Exception:
        data = pickle.dumps(RuntimeError(f"unpicklable {type(exc).__qualname__}: {exc}"))
    return data


def _decode_outcome(encoded: tuple[Any, ...]) -> Reply:
    kind = encoded[0]
    if kind == "returned":
        return Reply("returned", value=encoded[1])
    if kind == "PANIC":
        return Reply("PANIC", error=PanicException(encoded[1]))
    exc = pickle.loads(encoded[1])
    if encoded[2] is not None:
        exc.__cause__ = pickle.loads(encoded[2])
    return Reply("raised", error=exc)


def outcome_key(reply: Reply) -> tuple[Any, ...]:
    """A comparable form of a reply: value with its type, or exception type and ``str``."""
    if reply.error is not None:
        return (reply.kind, type(reply.error).__name__, str(reply.error))
    value = reply.value
    if isinstance(value, float) and value != value:
        return (reply.kind, "nan", str(value))
    return (reply.kind, type(value).__name__, value)


def _send(stream: IO[bytes], obj: Any) -> None:
    data = pickle.dumps(obj)
    stream.write(struct.pack("<Q", len(data)) + data)
    stream.flush()


def _recv_exact(fd: int, n: int, deadline: float | None = None) -> bytes:
    chunks = []
    while n:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError("no answer from the fake-roots worker")
        chunk = os.read(fd, min(n, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _recv(fd: int, deadline: float | None = None) -> Any:
    (size,) = struct.unpack("<Q", _recv_exact(fd, 8, deadline))
    return pickle.loads(_recv_exact(fd, size, deadline))


class WorkerError(RuntimeError):
    """The worker could not start, died, or failed to serve a request."""


class FakeRoots:
    """A client of one worker, started at the first request and again if it died.

    ``backends`` maps backend names to modules (dotted names or ``.py`` files); ``hide`` lists
    top-level packages the worker must not be able to import (as if not installed).
    """

    def __init__(self, backends: Mapping[str, str] | None = None, hide: Sequence[str] = ()) -> None:
        self.backends = dict(DEFAULT_BACKENDS if backends is None else backends)
        self.hide = list(hide)
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._lock = threading.Lock()
        atexit.register(self.close)

    # -- requests

    def call(
        self,
        function: str,
        backends: Sequence[str] | None = None,
        *,
        cgroup: PathArg | None = None,
        proc: PathArg | None = None,
        meminfo: PathArg | None = None,
        env: Mapping[str, str | None] | None = None,
    ) -> dict[str, Reply]:
        """``function()`` on each backend (default: all), with ``cgroup`` as /sys/fs/cgroup,
        ``proc`` as /proc or ``meminfo`` as /proc/meminfo (``None``: the real one) and the
        ``SKYPILOT_POD_*`` variables of ``env`` (the others unset; ``None``: unset)."""
        names = list(self.backends) if backends is None else list(backends)
        replies = self.request(
            [(name, function) for name in names],
            cgroup=cgroup,
            proc=proc,
            meminfo=meminfo,
            env=env,
        )
        return dict(zip(names, replies))

    def request(
        self,
        calls: Sequence[tuple[str, str]],
        *,
        cgroup: PathArg | None = None,
        proc: PathArg | None = None,
        meminfo: PathArg | None = None,
        env: Mapping[str, str | None] | None = None,
        threads: int = 0,
        repeats: int = 1,
    ) -> list[Any]:
        """Run ``calls`` (``(backend, function)`` pairs) in one child under the fake trees.

        Returns one :class:`Reply` per call; with ``threads``, each of that many threads runs
        every call ``repeats`` times in its own shuffled order, and the result per call is the
        sorted list of the distinct :func:`outcome_key`s seen."""
        if proc is not None and meminfo is not None:
            raise ValueError("give proc or meminfo, not both")
        for name in env or {}:
            if name not in ENV_VARIABLES:
                raise ValueError(f"not a system variable: {name}")
        mounts = [
            (os.fspath(source), target)
            for source, target in ((cgroup, CGROUP), (proc, PROC), (meminfo, MEMINFO))
            if source is not None
        ]
        for source, _ in mounts:
            if not os.path.lexists(source):
                raise FileNotFoundError(f"fake tree {source!r} does not exist")
        request = {
            "mounts": [(os.path.abspath(source), target) for source, target in mounts],
            "env": dict(env or {}),
            "calls": list(calls),
            "threads": threads,
            "repeats": repeats,
        }
        status, payload = self._roundtrip(request)
        if status != "ok":
            raise WorkerError(f"the fake-roots worker failed:\n{payload}")
        if threads:
            return list(payload)
        return [_decode_outcome(encoded) for encoded in payload]

    def _roundtrip(self, request: dict[str, Any]) -> tuple[str, Any]:
        with self._lock:
            for attempt in (1, 2):
                proc = self._ensure_started()
                assert proc.stdin is not None and proc.stdout is not None
                try:
                    _send(proc.stdin, request)
                    return _recv(proc.stdout.fileno(), time.monotonic() + TIMEOUT)  # type: ignore[no-any-return]
                except (BrokenPipeError, EOFError) as exc:
                    # The worker died (not the child: a dead child is reported as an error).
                    why = self._death_notice(exc)
                    self._kill()
                    if attempt == 2:
                        raise WorkerError(why) from exc
                except TimeoutError:
                    self._kill()
                    raise
        raise AssertionError("unreachable")

    # -- the worker process

    def _ensure_started(self) -> subprocess.Popen[bytes]:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        self._kill()
        config = json.dumps({"backends": self.backends, "hide": self.hide})
        command = [*unshare_command(), sys.executable, os.path.abspath(__file__), "--serve", config]
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed in _kill)
        self._proc = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr
        )
        assert self._proc.stdout is not None
        try:
            hello = _recv(self._proc.stdout.fileno(), time.monotonic() + TIMEOUT)
        except (EOFError, TimeoutError) as exc:
            why = self._death_notice(exc)
            self._kill()
            raise WorkerError(why) from None
        if hello != "ready":
            self._kill()
            raise WorkerError(f"the fake-roots worker could not start:\n{hello}")
        return self._proc

    def _death_notice(self, exc: BaseException) -> str:
        text = ""
        if self._stderr is not None:
            self._stderr.seek(0)
            text = self._stderr.read().decode(errors="replace")[-4000:]
        code = None if self._proc is None else self._proc.poll()
        return f"the fake-roots worker ended ({type(exc).__name__}, exit status {code}):\n{text}"

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.poll() is None:
                proc.kill()  # its children die with it (PR_SET_PDEATHSIG)
            proc.wait()
            for stream in (proc.stdin, proc.stdout):
                if stream is not None:
                    stream.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def close(self) -> None:
        """Stop the worker: end of input, then a kill if it lingers."""
        proc = self._proc
        if proc is not None and proc.poll() is None and proc.stdin is not None:
            try:
                proc.stdin.close()
                proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self._kill()


def unshare_command() -> list[str]:
    """``unshare`` for a new mount namespace: as is for root, in a user namespace otherwise.

    ``--propagation unchanged``: unshare(1) would otherwise make every mount, ``/`` included,
    private in the new namespace (which fails where ``/`` is no mount point); the children make
    only the two mount points they cover private."""
    tool = shutil.which("unshare")
    if tool is None:
        raise WorkerError(
            "the system tests need unshare(1) (util-linux) to mount fake cgroup and proc trees"
        )
    if os.geteuid() == 0:
        return [tool, "--mount", "--propagation", "unchanged"]
    probe = subprocess.run([tool, "-r", "-m", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        raise WorkerError(
            "the system tests mount fake cgroup and proc trees in a private mount namespace: run "
            "them as root, or enable unprivileged user namespaces for `unshare -r -m` "
            f"(it failed here: {probe.stderr.strip()})"
        )
    return [tool, "--map-root-user", "--mount", "--propagation", "unchanged"]


# ------------------------------------------------------------------ the worker

CLONE_NEWNS = 0x00020000
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
PR_SET_PDEATHSIG = 1

_libc: Any = None


def _syscall_ok(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source: str | None, target: str, flags: int) -> None:
    src = None if source is None else os.fsencode(source)
    _syscall_ok(_libc.mount(src, os.fsencode(target), None, flags, None), f"mount {target}")


def _make_private(target: str) -> None:
    """``mount --make-rprivate`` on ``target``, which must be a mount point (never ``/``)."""
    if not os.path.ismount(target) or os.path.realpath(target) == "/":
        raise OSError(f"{target} is no mount point of its own here: cannot make it private")
    _mount(None, target, MS_REC | MS_PRIVATE)


def _enter_namespace(mounts: list[tuple[str, str]]) -> None:
    """In the child: a mount namespace of its own, the two mount points private, the fakes
    bound over the real paths."""
    _syscall_ok(_libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
    for target in (CGROUP, PROC):
        _make_private(target)
    # /proc first: a bound meminfo file goes on top of the real /proc.
    for source, target in sorted(mounts, key=lambda m: m[1] != PROC):
        _mount(source, target, MS_BIND)


def _load(spec: str) -> ModuleType:
    if spec.endswith(".py"):
        name = "fake_roots_backend_" + os.path.basename(spec)[:-3]
        loader_spec = importlib.util.spec_from_file_location(name, spec)
        assert loader_spec is not None and loader_spec.loader is not None, spec
        module = importlib.util.module_from_spec(loader_spec)
        sys.modules[name] = module
        loader_spec.loader.exec_module(module)
        return module
    return importlib.import_module(spec)


class _Hide:
    """A meta path finder that answers an import of ``packages`` as if none were installed."""

    def __init__(self, packages: list[str]) -> None:
        self.packages = packages

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name.split(".")[0] in self.packages:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)


def _serve_one(request: dict[str, Any], modules: dict[str, ModuleType]) -> list[Any]:
    """In the child: the request's calls under its mounts and environment."""
    for name in ENV_VARIABLES:
        os.environ.pop(name, None)
    for name, value in request["env"].items():
        if value is not None:
            os.environ[name] = value
    _enter_namespace(request["mounts"])
    calls = [getattr(modules[backend], function) for backend, function in request["calls"]]
    if not request["threads"]:
        return [_encode_outcome(call) for call in calls]
    seen: list[set[tuple[Any, ...]]] = [set() for _ in calls]
    lock = threading.Lock()
    barrier = threading.Barrier(request["threads"])

    def run(index: int) -> None:
        order = [i for i in range(len(calls)) for _ in range(request["repeats"])]
        random.Random(index).shuffle(order)
        barrier.wait()
        for i in order:
            key = outcome_key(_decode_outcome(_encode_outcome(calls[i])))
            with lock:
                seen[i].add(key)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(request["threads"])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [sorted(keys, key=repr) for keys in seen]


def serve(config: dict[str, Any]) -> None:
    """The worker's loop: one forked child per request, until the end of stdin."""
    global _libc
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # stray prints must not corrupt the replies
    try:
        _libc = ctypes.CDLL(None, use_errno=True)
        _libc.mount.argtypes = [ctypes.c_char_p] * 3 + [ctypes.c_ulong, ctypes.c_void_p]
        _libc.unshare.argtypes = [ctypes.c_int]
        _libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong]
        for target in (CGROUP, PROC):  # the worker's own namespace: private too
            _make_private(target)
        if config["hide"]:
            sys.meta_path.insert(0, _Hide(config["hide"]))  # type: ignore[arg-type]
        modules = {name: _load(spec) for name, spec in config["backends"].items()}
    except BaseException:
        _send(out, traceback.format_exc())
        return
    _send(out, "ready")
    stdin = sys.stdin.buffer.fileno()
    while True:
        try:
            request = _recv(stdin)
        except EOFError:
            return
        while True:  # reap the children of earlier requests, without waiting
            try:
                if os.waitpid(-1, os.WNOHANG)[0] == 0:
                    break
            except ChildProcessError:
                break
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_end)
            try:
                _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
                reply: tuple[str, Any] = ("ok", _serve_one(request, modules))
                data = pickle.dumps(reply)
            except BaseException:
                data = pickle.dumps(("error", traceback.format_exc()))
            with os.fdopen(write_end, "wb") as stream:
                stream.write(struct.pack("<Q", len(data)) + data)
            os._exit(0)
        os.close(write_end)
        try:
            (size,) = struct.unpack("<Q", _recv_exact(read_end, 8))
            data = _recv_exact(read_end, size)
        except EOFError:
            _, status = os.waitpid(pid, 0)
            data = pickle.dumps(("error", f"the child died without answering (status {status})"))
        finally:
            os.close(read_end)
        out.write(struct.pack("<Q", len(data)) + data)
        out.flush()


if __name__ == "__main__":
    if sys.argv[1:2] != ["--serve"]:
        sys.exit(
            f"usage: {sys.argv[0]} --serve CONFIG (started by tests.support.fake_roots.FakeRoots)"
        )
    del sys.path[0]  # this directory: its modules must not shadow anything
    serve(json.loads(sys.argv[2]))
