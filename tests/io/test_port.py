"""find_free_port on both backends: SPEC.md's values and messages."""

from __future__ import annotations

import socket
from types import ModuleType
from typing import Any

import pytest

from tests.support.errors import Int

# ---------------------------------------------------------------- find_free_port


def test_find_free_port_zero(io: ModuleType) -> None:
    assert io.find_free_port(0) == 0
    assert io.find_free_port(Int(0)) == 0
    assert io.find_free_port(False) == 0


@pytest.mark.parametrize("start", [65535, 65536, 2**63, 10**30])
def test_find_free_port_none_left(io: ModuleType, start: int) -> None:
    with pytest.raises(OSError) as exc:
        io.find_free_port(start)
    assert type(exc.value) is OSError
    assert str(exc.value) == "No free ports available."
    assert exc.value.errno is None


@pytest.mark.parametrize("start", [-1, -65535, -(2**31) - 1, -(2**63) - 1, -(10**30)])
def test_find_free_port_negative(io: ModuleType, start: int) -> None:
    with pytest.raises(OverflowError) as exc:
        io.find_free_port(start)
    assert str(exc.value) == "bind(): port must be 0-65535."


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (1.0, "'float' object cannot be interpreted as an integer"),
        (None, "'NoneType' object cannot be interpreted as an integer"),
        ("8000", "'str' object cannot be interpreted as an integer"),
    ],
)
def test_find_free_port_type_errors(io: ModuleType, start: Any, message: str) -> None:
    with pytest.raises(TypeError) as exc:
        io.find_free_port(start)
    assert str(exc.value) == message


def test_find_free_port_skips_a_listening_port(io: ModuleType) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as held:
        held.bind(("", 0))
        held.listen()
        port = held.getsockname()[1]
        if port >= 65534:
            pytest.skip("the kernel handed out the last port")
        found = io.find_free_port(port)
        assert port < found < 65535
    # The result binds without SO_REUSEADDR (retry: another process may take it meanwhile).
    for _ in range(5):
        found = io.find_free_port(20000)
        assert 20000 <= found < 65535
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("", found))
            except OSError:
                continue
            break
    else:
        pytest.fail("find_free_port kept returning ports that do not bind")


def test_find_free_port_last_port(io: ModuleType) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("", 65534))
        except OSError:
            pytest.skip("port 65534 is in use")
    assert io.find_free_port(65534) == 65534
