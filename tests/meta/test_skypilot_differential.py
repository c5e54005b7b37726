"""Hypothesis: SkyPilot 0.14.1 itself is the reference, on both sky-rs backends.

Every function with a SkyPilot home (``SKYPILOT_HOMES``) is called through SkyPilot's own module
and through sky-rs's Rust wheel and fallback: the same value, or the same exception type and
``str(e)`` (and ``errno``/``filename`` for an ``OSError``). The strategies are the adversarial
ones of the Rust-against-fallback differential tests. SkyPilot is imported by the tests only:
sky-rs never imports it. Without SkyPilot these tests fail; ``-m "not skypilot"`` deselects them.
"""

from __future__ import annotations

import contextlib
import importlib
import math
import socket
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sky_rs._domains import REGISTRY, SKYPILOT_HOMES

from tests.io.test_io_differential import contents, counts, encodings, handlers
from tests.string.test_string_differential import floats, hex_text, precisions, texts
from tests.support.backends import implementation
from tests.support.fuzz import path_variant
from tests.support.hardening import environment
from tests.system.test_system_differential import BYTES_ENV, CPU_ENV, GB_ENV, env_value

pytestmark = pytest.mark.skypilot

# `backend` is one string per test: reusing it across examples is harmless.
backend_fixture_ok = settings(
    suppress_health_check=[
        *settings.default.suppress_health_check,
        HealthCheck.function_scoped_fixture,
    ]
)

HASHES = ["md5", "sha1", "sha224", "sha256", "sha384", "sha512", "SHA256", "blake2b", "bogus"]


def skypilot_module(module: str) -> ModuleType:
    """Import a SkyPilot module; fail (never skip) when SkyPilot is missing."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        pytest.fail(
            f"SkyPilot is not importable ({exc}); `uv sync` installs the `skypilot` group, "
            'or deselect these tests with -m "not skypilot"',
            pytrace=False,
        )


def summary(exc: BaseException) -> tuple[Any, ...]:
    return (type(exc), str(exc), getattr(exc, "errno", None), getattr(exc, "filename", None))


def outcome(function: Callable[..., Any], *args: Any) -> tuple[Any, ...]:
    try:
        value = function(*args)
    except Exception as exc:
        cause = exc.__cause__
        return ("raised", summary(exc), None if cause is None else summary(cause))
    if hasattr(value, "hexdigest"):
        return ("hash", value.name, value.hexdigest(), value.digest_size, value.block_size)
    if isinstance(value, float) and math.isnan(value):
        return ("returned", float, "nan")  # nan != nan
    return ("returned", type(value), value)


def assert_same(name: str, backend: str, *args: Any) -> None:
    reference = getattr(skypilot_module(REGISTRY[name].skypilot_home or ""), name)
    ours = getattr(implementation(REGISTRY[name].domain, backend), name)
    assert outcome(ours, *args) == outcome(reference, *args), (name, backend, args)


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="sky-rs-oracle-") as tmp:
        yield Path(tmp)


TESTED: set[str] = set()


def covers(name: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    TESTED.add(name)
    return lambda test: test


def test_every_skypilot_function_has_a_differential_test() -> None:
    assert {name for names in SKYPILOT_HOMES.values() for name in names} == TESTED


def test_the_reference_is_skypilot_0_14_1() -> None:
    sky = skypilot_module("sky")
    assert sky.__version__ == "0.14.1"
    for module, names in SKYPILOT_HOMES.items():
        for name in names:
            assert getattr(skypilot_module(module), name).__module__ == module


@covers("read_last_n_lines")
@backend_fixture_ok
@given(
    content=contents,
    n=counts,
    chunk=st.sampled_from([1, 3, 8192, 0, -1]),
    encoding=encodings,
    errors=handlers,
    variant=st.integers(0, 3),
)
def test_read_last_n_lines(
    backend: str,
    workdir: Path,
    content: bytes,
    n: int,
    chunk: int,
    encoding: str,
    errors: str,
    variant: int,
) -> None:
    path = workdir / "tail.log"
    path.write_bytes(content)
    args = (path_variant(str(path), variant), n, chunk, encoding, errors)
    assert_same("read_last_n_lines", backend, *args)


@covers("read_last_n_lines")
def test_read_last_n_lines_errors(backend: str, workdir: Path) -> None:
    assert_same("read_last_n_lines", backend, str(workdir / "missing"), 1)
    assert_same("read_last_n_lines", backend, str(workdir), 1)
    assert_same("read_last_n_lines", backend, str(workdir), -1)


@covers("hash_file")
@backend_fixture_ok
@given(content=st.binary(max_size=5000), alg=st.sampled_from(HASHES), variant=st.integers(0, 3))
def test_hash_file(backend: str, workdir: Path, content: bytes, alg: str, variant: int) -> None:
    path = workdir / "data.bin"
    path.write_bytes(content)
    assert_same("hash_file", backend, path_variant(str(path), variant), alg)


@covers("hash_file")
def test_hash_file_errors(backend: str, workdir: Path) -> None:
    assert_same("hash_file", backend, str(workdir / "missing"), "sha256")
    assert_same("hash_file", backend, str(workdir), "md5")


@covers("find_free_port")
@backend_fixture_ok
@given(start=st.one_of(st.integers(-(2**20), 0), st.integers(65534, 2**20)))
def test_find_free_port_edges(backend: str, start: int) -> None:
    assert_same("find_free_port", backend, start)


@covers("find_free_port")
def test_find_free_port_skips_a_bound_port(backend: str) -> None:
    with socket.socket() as held:
        held.bind(("", 0))
        port = held.getsockname()[1]
        assert_same("find_free_port", backend, port)


@covers("base36_encode")
@backend_fixture_ok
@given(text=hex_text, kind=st.sampled_from(["str", "bytes"]))
def test_base36_encode(backend: str, text: str, kind: str) -> None:
    with contextlib.suppress(ValueError):
        if int(text, 16) < 0:
            return  # SkyPilot loops forever on negative values; sky-rs raises (SPEC.md)
    value: Any = text.encode("utf-8", "surrogatepass") if kind == "bytes" else text
    assert_same("base36_encode", backend, value)


@covers("format_float")
@backend_fixture_ok
@given(num=st.one_of(floats, st.integers(), st.booleans()), precision=precisions)
def test_format_float(backend: str, num: float, precision: int) -> None:
    assert_same("format_float", backend, num, precision)


@covers("truncate_long_string")
@backend_fixture_ok
@given(s=texts, max_length=st.integers(-10, 80), truncate_middle=st.booleans())
def test_truncate_long_string(backend: str, s: str, max_length: int, truncate_middle: bool) -> None:
    assert_same("truncate_long_string", backend, s, max_length, truncate_middle)


@covers("get_cpu_count")
@covers("get_mem_size_gb")
@backend_fixture_ok
@given(
    cpu=st.one_of(st.none(), env_value),
    gb=st.one_of(st.none(), env_value),
    nbytes=st.one_of(st.none(), env_value),
)
def test_cpu_count_and_memory_size(
    backend: str, cpu: str | None, gb: str | None, nbytes: str | None
) -> None:
    with environment(**{CPU_ENV: cpu, GB_ENV: gb, BYTES_ENV: nbytes}):
        assert_same("get_cpu_count", backend)
        assert_same("get_mem_size_gb", backend)


clouds = st.one_of(
    st.none(),
    st.sampled_from(["kubernetes", "Kubernetes", "KUBERNETES", "aws", "", "kubernetes "]),
    st.text(max_size=12),
)


@covers("get_parallel_threads")
@backend_fixture_ok
@given(cloud=clouds)
def test_get_parallel_threads(backend: str, cloud: str | None) -> None:
    assert_same("get_parallel_threads", backend, cloud)


@covers("get_max_workers_for_file_mounts")
@backend_fixture_ok
@given(
    sizes=st.lists(
        st.one_of(st.integers(0, 150), st.sampled_from(["file", "missing"])), max_size=4
    ),
    cloud=clouds,
)
def test_get_max_workers_for_file_mounts(
    backend: str, workdir: Path, sizes: list[int | str], cloud: str | None
) -> None:
    mounts = {}
    for i, size in enumerate(sizes):
        src = workdir / f"mount{i}-{size}"
        if size == "file" and not src.exists():
            src.write_text("x")
        elif isinstance(size, int) and not src.exists():
            src.mkdir()
            for j in range(size):
                (src / f"f{j}").touch()
        mounts[f"~/m{i}"] = str(src)
    assert_same("get_max_workers_for_file_mounts", backend, mounts, cloud)
