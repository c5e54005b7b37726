"""Hypothesis differential tests: the Rust io wheel against the Python fallback.

Every call is compared by its outcome: the value, or the exception's type, str, args,
errno/strerror/filename and its ``__cause__``/``__context__``.
"""

from __future__ import annotations

import itertools
import os
import pathlib
import tempfile
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sky_rs.fallback as python
from hypothesis import given
from hypothesis import strategies as st

from tests.support.backends import rust_module
from tests.support.fuzz import path_variant

_counter = itertools.count()


@pytest.fixture(scope="module")
def rust() -> Any:
    return rust_module("io")


@pytest.fixture(scope="module")
def workdir() -> Iterator[pathlib.Path]:
    with tempfile.TemporaryDirectory(prefix="sky-rs-io-") as tmp:
        yield pathlib.Path(tmp)


def exception_summary(exc: BaseException | None) -> tuple[Any, ...] | None:
    if exc is None:
        return None
    return (
        type(exc),
        str(exc),
        exc.args,
        getattr(exc, "errno", None),
        getattr(exc, "strerror", None),
        getattr(exc, "filename", None),
    )


def hash_summary(value: Any) -> Any:
    if hasattr(value, "hexdigest"):
        # shake_* digests have no fixed length: compare 16 bytes.
        digest = value.hexdigest(16) if value.name.startswith("shake") else value.hexdigest()
        return ("hash", value.name, digest, value.digest_size, value.block_size)
    if isinstance(value, list):
        return [hash_summary(v) for v in value]
    return value


def outcome(func: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, ...]:
    try:
        value = func(*args, **kwargs)
    except Exception as exc:
        return (
            "raised",
            exception_summary(exc),
            exception_summary(exc.__cause__),
            exception_summary(exc.__context__),
            exc.__suppress_context__,
        )
    return ("returned", hash_summary(value))


def assert_same(name: str, rust: Any, *args: Any, **kwargs: Any) -> tuple[Any, ...]:
    want = outcome(getattr(python, name), *args, **kwargs)
    got = outcome(getattr(rust, name), *args, **kwargs)
    assert got == want, (name, args, kwargs)
    return got


# ---------------------------------------------------------------- strategies

line_bytes = st.lists(
    st.one_of(
        st.sampled_from(
            [b"\n", b"\r", b"\r\n", b"\n\n", b"\xff", b"\xe2\x82", b"\xc3\xa9", b"\x00"]
        ),
        st.binary(max_size=12),
        st.text(max_size=6).map(lambda s: s.encode("utf-8", "surrogatepass")),
    ),
    max_size=40,
).map(b"".join)

contents = st.one_of(
    line_bytes,
    # Long files: a pattern repeated past the first read chunks.
    st.tuples(line_bytes, st.integers(1, 3000)).map(lambda t: t[0] * t[1]),
)

counts = st.one_of(
    st.integers(0, 6),
    st.integers(-3, 200),
    st.sampled_from([10**30, 2**63, 2**64 + 1, -(10**30), True, False]),
)

encodings = st.sampled_from(
    [
        "utf-8",
        "UTF8",
        "utf_8",
        "U8",
        "latin-1",
        "ascii",
        "utf-16",
        "utf-16-le",
        "cp1252",
        "shift_jis",
        "utf-8-sig",
        "bogus",
        "utf\0-8",
    ]
)
handlers = st.sampled_from(
    ["strict", "replace", "ignore", "backslashreplace", "surrogateescape", "bogus", "str\0ict"]
)


def make_file(workdir: pathlib.Path, content: bytes, odd_name: bool = False) -> str:
    name = b"\xff\xfe-%d.log" if odd_name else b"f-%d.log"
    path = os.fsdecode(os.path.join(os.fsencode(workdir), name % next(_counter)))
    pathlib.Path(path).write_bytes(content)
    return path


# ---------------------------------------------------------------- read_last_n_lines


@given(
    content=contents,
    n=counts,
    chunk_size=st.one_of(st.integers(1, 64), st.sampled_from([8192, 10**30, 0, -1, True])),
)
def test_read_last_n_lines_utf8_replace(
    rust: Any, workdir: pathlib.Path, content: bytes, n: int, chunk_size: int
) -> None:
    path = make_file(workdir, content)
    assert_same("read_last_n_lines", rust, path, n, chunk_size)


@given(content=contents, n=counts, encoding=encodings, errors=handlers)
def test_read_last_n_lines_encodings(
    rust: Any, workdir: pathlib.Path, content: bytes, n: int, encoding: str, errors: str
) -> None:
    path = make_file(workdir, content)
    assert_same("read_last_n_lines", rust, path, n, encoding=encoding, errors=errors)


@given(
    content=st.one_of(st.just(b""), line_bytes),
    n=counts,
    kind=st.sampled_from(["file", "odd-name", "missing", "directory", "nul", "surrogate"]),
    variant=st.integers(0, 3),
)
def test_read_last_n_lines_paths(
    rust: Any, workdir: pathlib.Path, content: bytes, n: int, kind: str, variant: int
) -> None:
    if kind in ("file", "odd-name"):
        path = make_file(workdir, content, odd_name=kind == "odd-name")
    elif kind == "missing":
        path = str(workdir / f"missing-{next(_counter)}")
    elif kind == "directory":
        path = str(workdir)
    elif kind == "nul":
        path = str(workdir / "nul\0byte")
    else:
        path = str(workdir / "\ud800")
        variant = variant % 2  # not encodable: no bytes form
    assert_same("read_last_n_lines", rust, path_variant(path, variant), n)


@given(
    n=st.one_of(st.floats(allow_nan=True), st.none(), st.text(max_size=2), st.decimals()),
    chunk_size=st.one_of(st.just(8192), st.floats(0.5, 100), st.none()),
    empty=st.booleans(),
)
def test_read_last_n_lines_exotic_numbers(
    rust: Any, workdir: pathlib.Path, n: Any, chunk_size: Any, empty: bool
) -> None:
    path = make_file(workdir, b"" if empty else b"a\nb\n")
    assert_same("read_last_n_lines", rust, path, n, chunk_size)


def test_read_last_n_lines_special_files(rust: Any) -> None:
    for path in ("/dev/null", "/proc/self/status", "/", None, 3.5):
        assert_same("read_last_n_lines", rust, path, 2)


# ---------------------------------------------------------------- hash_file / hash_files

hash_names = st.sampled_from(
    [
        "md5",
        "sha1",
        "sha224",
        "sha256",
        "sha384",
        "sha512",
        "MD5",
        "Sha256",
        "sHa512",
        "sha-256",
        "sha3_256",
        "blake2b",
        "shake_128",
        "bogus",
        "",
    ]
)


@given(
    content=st.one_of(
        st.binary(max_size=300), st.binary(min_size=1, max_size=64).map(lambda b: b * 9000)
    ),
    alg=hash_names,
    kind=st.sampled_from(["file", "odd-name", "missing", "directory", "nul"]),
    variant=st.integers(0, 3),
)
def test_hash_file(
    rust: Any, workdir: pathlib.Path, content: bytes, alg: str, kind: str, variant: int
) -> None:
    if kind in ("file", "odd-name"):
        path = make_file(workdir, content, odd_name=kind == "odd-name")
    elif kind == "missing":
        path = str(workdir / f"missing-{next(_counter)}")
    elif kind == "directory":
        path = str(workdir)
    else:
        path = str(workdir / "nul\0byte")
    assert_same("hash_file", rust, path_variant(path, variant), alg)


@given(alg=st.one_of(hash_names, st.none(), st.integers()), data=st.binary(max_size=100))
def test_hash_object_updates(rust: Any, workdir: pathlib.Path, alg: Any, data: bytes) -> None:
    path = make_file(workdir, data)
    result = assert_same("hash_file", rust, path, alg)
    if result[0] != "returned":
        return
    a, b = rust.hash_file(path, alg), python.hash_file(path, alg)
    for chunk in (data, bytearray(data), memoryview(data)[::-1].tobytes()):
        a.update(chunk)
        b.update(chunk)
    assert hash_summary(a.copy()) == hash_summary(b.copy())
    for bad in ("text", 5, memoryview(b"abcd")[::2]):
        assert outcome(a.update, bad)[:2] == outcome(b.update, bad)[:2]


@given(
    items=st.lists(
        st.one_of(
            st.sampled_from(["file", "file", "file", "missing", "directory", "nul", "none"]),
        ),
        max_size=12,
    ),
    alg=hash_names,
    as_iterator=st.booleans(),
)
def test_hash_files(
    rust: Any, workdir: pathlib.Path, items: list[str], alg: str, as_iterator: bool
) -> None:
    paths: list[Any] = []
    for kind in items:
        if kind == "file":
            paths.append(make_file(workdir, os.urandom(next(_counter) % 5000)))
        elif kind == "missing":
            paths.append(str(workdir / f"missing-{next(_counter)}"))
        elif kind == "directory":
            paths.append(str(workdir))
        elif kind == "nul":
            paths.append("nul\0")
        else:
            paths.append(None)
    if as_iterator:
        want = outcome(python.hash_files, iter(paths), alg)
        assert outcome(rust.hash_files, iter(paths), alg) == want
    else:
        assert_same("hash_files", rust, paths, alg)


# ---------------------------------------------------------------- find_free_port


@given(
    start=st.one_of(
        st.integers(max_value=-1),
        st.integers(min_value=65535),
        st.just(0),
        st.floats(),
        st.none(),
        st.text(max_size=3),
    )
)
def test_find_free_port_outside_the_range(rust: Any, start: Any) -> None:
    assert_same("find_free_port", rust, start)


@given(start=st.integers(1024, 65534))
def test_find_free_port_in_range(rust: Any, start: int) -> None:
    # Another process may take or free a port between the two calls: retry once.
    for _ in range(2):
        want = outcome(python.find_free_port, start)
        if outcome(rust.find_free_port, start) == want:
            return
    assert outcome(rust.find_free_port, start) == outcome(python.find_free_port, start)
