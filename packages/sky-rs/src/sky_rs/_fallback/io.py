"""io domain, pure Python: tail a log, hash files, find a free port.

These functions are the contract (SkyPilot 0.14.1 ``sky.utils.common_utils``
behaviour) written in Python; the ``sky-rs-io`` wheel must behave the same.
"""

from __future__ import annotations

import errno
import hashlib
import os
import socket
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol, Union

__all__ = ["find_free_port", "hash_file", "hash_files", "read_last_n_lines"]

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

StrPath = Union[str, "os.PathLike[str]"]

_HASH_BUFFER_SIZE = 2**18
"""Read size when hashing a file: files larger than memory hash in bounded memory."""


class HashObject(Protocol):
    """What :func:`hash_file` returns: a ``hashlib`` object, or the Rust wheel's look-alike."""

    @property
    def name(self) -> str: ...
    @property
    def digest_size(self) -> int: ...
    @property
    def block_size(self) -> int: ...
    def update(self, data: ReadableBuffer, /) -> None: ...
    def digest(self) -> bytes: ...
    def hexdigest(self) -> str: ...
    def copy(self) -> HashObject: ...


def read_last_n_lines(
    file_path: StrPath,
    n: int,
    chunk_size: int = 8192,
    encoding: str = "utf-8",
    errors: str = "replace",
) -> list[str]:
    """Return the last ``n`` lines of a file.

    Checks, in this order, each raising ``AssertionError`` (even under ``python -O``):
    ``n >= 0`` (``n must be non-negative. Got {n}``), ``chunk_size > 0``
    (``chunk_size must be positive. Got {chunk_size}``) and ``os.path.exists(file_path)``
    (``File not found: {file_path}``). ``n == 0`` and an empty file give ``[]``.

    The file is read backwards, ``chunk_size`` bytes at a time, until more than ``n``
    newline bytes have been seen or its start is reached, then split on ``b'\\n'``. If the
    last element is empty (the file ends with a newline) the ``n`` elements before it are
    kept, else the last ``n``. Each line is decoded with ``encoding``/``errors`` (so an
    unknown encoding raises ``LookupError`` only once a line is decoded), loses all its
    trailing ``'\\r'``, and gets ``'\\n'`` appended, except the last line, which never has
    one. The result does not depend on ``chunk_size``.

    An ``OSError`` while opening or reading (a directory, no permission) is raised as
    ``RuntimeError(f'Failed to read last {n} lines from {file_path}: {e}')`` from it.
    (SkyPilot's version also leaves ``sys.tracebacklimit`` at 0 after that error; this one
    changes no global state.)
    """
    if not n >= 0:
        raise AssertionError(f"n must be non-negative. Got {n}")
    if not chunk_size > 0:
        raise AssertionError(f"chunk_size must be positive. Got {chunk_size}")
    if not os.path.exists(file_path):
        raise AssertionError(f"File not found: {file_path}")
    if n == 0:
        return []
    try:
        with open(file_path, "rb") as f:
            pos = f.seek(0, os.SEEK_END)
            if pos == 0:
                return []
            newlines = 0
            chunks: list[bytes] = []
            while pos > 0 and newlines <= n:
                size = min(chunk_size, pos)
                pos -= size
                f.seek(pos)
                chunk = f.read(size)
                if chunk is None:
                    raise _would_block()
                chunks.append(chunk)
                newlines += chunk.count(b"\n")
            lines = b"".join(reversed(chunks)).split(b"\n")
            # A final newline leaves an empty last element: it does not count as a line.
            selected = lines[-n - 1 : -1] if lines[-1] == b"" else lines[-n:]
            result = [
                line.decode(encoding, errors=errors).rstrip("\r") + "\n" for line in selected[:-1]
            ]
            result.append(selected[-1].decode(encoding, errors=errors).rstrip("\r"))
            return result
    except OSError as e:
        raise RuntimeError(f"Failed to read last {n} lines from {file_path}: {e}") from e


def _would_block() -> BlockingIOError:
    """The error of a read that found no data on a non-blocking file (``EAGAIN``), where the
    buffered reader returns ``None``: SkyPilot then hashes only what it read so far (a wrong
    digest) or fails on ``None.count``; both backends of sky-rs raise (docs/SPEC.md)."""
    return BlockingIOError(errno.EAGAIN, os.strerror(errno.EAGAIN))


def hash_file(path: StrPath, hash_alg: str) -> HashObject:
    """Hash the whole file at ``path`` with ``hashlib.new(hash_alg)`` and return the hash object.

    The file is opened first, so ``open()`` errors (``FileNotFoundError``,
    ``IsADirectoryError``, ``PermissionError``) win over an unknown algorithm, which raises
    ``hashlib``'s ``ValueError('unsupported hash type X')``. Reads in bounded memory.
    """
    with open(path, "rb") as f:
        file_hash = hashlib.new(hash_alg)
        buf = bytearray(_HASH_BUFFER_SIZE)
        view = memoryview(buf)
        while size := f.readinto(buf):
            file_hash.update(view[:size])
        if size is None:
            raise _would_block()
        return file_hash


def hash_files(paths: Iterable[StrPath], hash_alg: str) -> list[HashObject]:
    """:func:`hash_file` for each path, in order.

    The first failing path (in input order) raises exactly what :func:`hash_file` raises
    for it. The Rust wheel hashes in parallel but raises the same exception.
    """
    return [hash_file(path, hash_alg) for path in paths]


def find_free_port(start_port: int) -> int:
    """Return the first port from ``start_port`` up to 65534 that an IPv4 TCP socket can bind.

    Each port is tried with a fresh socket bound to ``('', port)`` without
    ``SO_REUSEADDR`` and closed at once. ``find_free_port(0)`` returns 0 (port 0 always
    binds); ``start_port >= 65535`` raises ``OSError('No free ports available.')``, as does
    a range with no free port; a negative ``start_port`` raises ``socket.bind``'s
    ``OverflowError('bind(): port must be 0-65535.')``.
    """
    for port in range(start_port, 65535):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("", port))
            except OSError:
                continue
            return port
    raise OSError("No free ports available.")
