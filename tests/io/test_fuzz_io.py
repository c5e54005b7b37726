"""Fuzzing the io functions at scale: Rust against the fallback (``tests/support/fuzz.py``).

Every call goes through :func:`compare`: no ``PanicException`` ever, and the same value or
the same exception type and ``str``.
"""

from __future__ import annotations

import pathlib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.fuzz import (
    PATH_KINDS,
    RAN,
    check_example_counts,
    fuzz,
    path_of_kind,
    path_variant,
)
from tests.support.hardening import (
    compare,
    compare_racy,
    python_function,
    rust_function,
)
from tests.support.hostile import outcome

pytestmark = pytest.mark.fuzz

file_bytes = st.one_of(
    st.binary(max_size=200),
    st.lists(
        st.one_of(
            st.sampled_from([b"\n", b"\r\n", b"\r", b"\n\n", b"\xff", b"\xe2\x82", b"\x00"]),
            st.binary(max_size=10),
            st.text(max_size=5).map(lambda s: s.encode("utf-8", "surrogatepass")),
        ),
        max_size=50,
    ).map(b"".join),
    st.tuples(st.binary(min_size=1, max_size=30), st.integers(1, 2000)).map(lambda t: t[0] * t[1]),
)
counts = st.one_of(
    st.integers(0, 8),
    st.integers(-3, 300),
    st.sampled_from([2**200, -(2**200), 2**63, 2**64 + 1, True, False]),
)
encodings = st.sampled_from(
    ["utf-8", "UTF8", "utf_8", "latin-1", "ascii", "utf-16", "cp1252", "utf-8-sig", "bogus"]
)
error_handlers = st.sampled_from(
    ["replace", "strict", "ignore", "backslashreplace", "surrogateescape", "bogus"]
)


@fuzz
@given(
    content=file_bytes,
    n=counts,
    chunk_size=st.one_of(st.integers(1, 100), st.sampled_from([8192, 0, -1, 2**200])),
    encoding=st.one_of(st.none(), encodings),
    errors=st.one_of(st.none(), error_handlers),
    kind=PATH_KINDS,
    variant=st.integers(0, 3),
)
def test_read_last_n_lines(
    workdir: pathlib.Path,
    content: bytes,
    n: int,
    chunk_size: int,
    encoding: str | None,
    errors: str | None,
    kind: str,
    variant: int,
) -> None:
    RAN["read_last_n_lines"] += 1
    file = workdir / "tail.log"
    file.write_bytes(content)
    path = path_variant(path_of_kind(workdir, kind, file), variant if kind != "nul" else 0)
    kwargs = {}
    if encoding is not None:
        kwargs["encoding"] = encoding
    if errors is not None:
        kwargs["errors"] = errors
    compare("read_last_n_lines", path, n, chunk_size, **kwargs)


HASH_NAMES = st.sampled_from(
    [
        *("md5", "sha1", "sha224", "sha256", "sha384", "sha512"),
        *("MD5", "SHA256", "sha3_256", "blake2s", "sha512_256", "bogus", ""),
    ]
)


@fuzz
@given(content=file_bytes, alg=HASH_NAMES, kind=PATH_KINDS, variant=st.integers(0, 3))
def test_hash_file(
    workdir: pathlib.Path, content: bytes, alg: str, kind: str, variant: int
) -> None:
    RAN["hash_file"] += 1
    file = workdir / "hash.bin"
    file.write_bytes(content)
    path = path_variant(path_of_kind(workdir, kind, file), variant if kind != "nul" else 0)
    compare("hash_file", path, alg)


@fuzz
@given(
    items=st.lists(st.tuples(PATH_KINDS, st.binary(max_size=3000)), max_size=8),
    alg=HASH_NAMES,
    as_iterator=st.booleans(),
)
def test_hash_files(
    workdir: pathlib.Path, items: list[tuple[str, bytes]], alg: str, as_iterator: bool
) -> None:
    RAN["hash_files"] += 1
    paths = []
    for i, (kind, content) in enumerate(items):
        file = workdir / f"many-{i}.bin"
        file.write_bytes(content)
        paths.append(path_of_kind(workdir, kind, file))
    if as_iterator:
        compare_iterables("hash_files", paths, alg)
    else:
        compare("hash_files", paths, alg)


def compare_iterables(name: str, items: list[Any], *rest: Any) -> None:
    got = outcome(rust_function(name), iter(items), *rest)
    assert got[0] != "PANIC", (name, items)
    assert got == outcome(python_function(name), iter(items), *rest), (name, items)


@fuzz
@given(
    start=st.one_of(
        st.integers(1024, 65534),
        st.integers(0, 1023),
        st.integers(65535, 2**20),
        st.integers(max_value=-1),
        st.sampled_from([2**200, -(2**200), 0, 65534, True]),
        st.floats(),
        st.none(),
    )
)
def test_find_free_port(start: Any) -> None:
    RAN["find_free_port"] += 1
    compare_racy("find_free_port", start)


def test_zz_example_counts() -> None:
    check_example_counts()
