"""Assertions on the exceptions the io functions raise, shared by their test modules."""

from __future__ import annotations

import os


class Int(int):
    """An ``int`` subclass: taken as its value, like an ``int``."""


def assert_os_error(exc: BaseException, kind: type, errno: int, filename: object) -> None:
    assert type(exc) is kind
    assert isinstance(exc, OSError)
    assert exc.errno == errno
    assert exc.strerror == os.strerror(errno)
    assert exc.filename == filename
    assert str(exc) == f"[Errno {errno}] {os.strerror(errno)}: {filename!r}"


def assert_wrapped_os_error(exc: BaseException, message: str, errno: int, filename: object) -> None:
    assert type(exc) is RuntimeError
    assert str(exc) == message
    cause = exc.__cause__
    assert isinstance(cause, OSError)
    assert exc.__context__ is cause
    assert exc.__suppress_context__ is True
    assert cause.errno == errno
    assert cause.strerror == os.strerror(errno)
    assert cause.filename == filename
