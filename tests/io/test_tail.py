"""read_last_n_lines on both backends: SPEC.md's examples and messages, checked by hand against
SkyPilot 0.14.1."""

from __future__ import annotations

import os
import pathlib
from types import ModuleType
from typing import Any

import pytest

from tests.support.backends import PathLike, cpython_says, write
from tests.support.errors import Int, assert_wrapped_os_error

# ---------------------------------------------------------------- read_last_n_lines


@pytest.mark.parametrize(
    ("content", "n", "expected"),
    [
        (b"a\nb\n", 2, ["a\n", "b"]),
        (b"a\nb", 5, ["a\n", "b"]),
        (b"\n", 1, [""]),
        (b"x\r\n\r\ny\r\r\n", 3, ["x\n", "\n", "y"]),
        (b"\xff\xfeA\n", 1, ["\ufffd\ufffdA"]),
        (b"a\nb\nc", 1, ["c"]),
        (b"a\nb\nc\n", 1, ["c"]),
        (b"a\n\n\n", 2, ["\n", ""]),
        (b"no newline", 3, ["no newline"]),
        (b"a\r\rb\r", 1, ["a\r\rb"]),
        ("é\n€\n".encode(), 2, ["é\n", "€"]),
        (b"a\nb\n", 0, []),
        (b"", 4, []),
    ],
)
def test_read_last_n_lines_spec_examples(
    io: ModuleType, tmp_path: pathlib.Path, content: bytes, n: int, expected: list[str]
) -> None:
    assert io.read_last_n_lines(write(tmp_path / "f", content), n) == expected


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 7, 8192, 10**30, True])
def test_read_last_n_lines_does_not_depend_on_chunk_size(
    io: ModuleType, tmp_path: pathlib.Path, chunk_size: int
) -> None:
    path = write(tmp_path / "f", b"one\r\ntwo\n\nthree\nfour")
    assert io.read_last_n_lines(path, 3, chunk_size) == ["two\n", "\n", "three\n", "four"][-3:]
    assert io.read_last_n_lines(path, 3, chunk_size=chunk_size) == ["\n", "three\n", "four"]


def test_read_last_n_lines_of_a_large_file(io: ModuleType, tmp_path: pathlib.Path) -> None:
    lines = [f"line {i} " + "x" * (i % 97) for i in range(50_000)]
    path = write(tmp_path / "f", "\n".join(lines).encode() + b"\n")
    assert io.read_last_n_lines(path, 10) == [line + "\n" for line in lines[-10:-1]] + [lines[-1]]
    got = io.read_last_n_lines(path, 1000)
    assert len(got) == 1000
    assert got[0] == lines[-1000] + "\n"
    assert io.read_last_n_lines(path, 10**30) == [line + "\n" for line in lines[:-1]] + [lines[-1]]


@pytest.mark.parametrize(
    ("n", "expected"), [(True, ["c"]), (False, []), (Int(2), ["b\n", "c"]), (0.0, [])]
)
def test_read_last_n_lines_count_types(
    io: ModuleType, tmp_path: pathlib.Path, n: Any, expected: list[str]
) -> None:
    assert io.read_last_n_lines(write(tmp_path / "f", b"a\nb\nc\n"), n) == expected


def test_read_last_n_lines_float_count_fails_only_when_slicing(
    io: ModuleType, tmp_path: pathlib.Path
) -> None:
    assert io.read_last_n_lines(write(tmp_path / "empty", b""), 1.5) == []
    with pytest.raises(TypeError) as exc:
        io.read_last_n_lines(write(tmp_path / "f", b"a\n"), 1.0)
    assert str(exc.value) == cpython_says(lambda: [][-1.0:])  # type: ignore[misc]


def test_read_last_n_lines_checks_in_order(io: ModuleType, tmp_path: pathlib.Path) -> None:
    missing = str(tmp_path / "missing")
    with pytest.raises(AssertionError) as exc:
        io.read_last_n_lines(missing, -1, 0)
    assert str(exc.value) == "n must be non-negative. Got -1"
    with pytest.raises(AssertionError) as exc:
        io.read_last_n_lines(missing, -(10**30))
    assert str(exc.value) == f"n must be non-negative. Got {-(10**30)}"
    with pytest.raises(AssertionError) as exc:
        io.read_last_n_lines(missing, 1, 0)
    assert str(exc.value) == "chunk_size must be positive. Got 0"
    with pytest.raises(AssertionError) as exc:
        io.read_last_n_lines(missing, 1, -(2**70))
    assert str(exc.value) == f"chunk_size must be positive. Got {-(2**70)}"
    with pytest.raises(AssertionError) as exc:
        io.read_last_n_lines(missing, 0)
    assert str(exc.value) == f"File not found: {missing}"


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n": None}, TypeError, "'>=' not supported between instances of 'NoneType' and 'int'"),
        ({"n": 1, "chunk_size": None}, TypeError, "'>' not supported between instances of"),
        ({"n": 1, "chunk_size": 1.5}, TypeError, "'float' object cannot be interpreted as an"),
    ],
)
def test_read_last_n_lines_type_errors(
    io: ModuleType, tmp_path: pathlib.Path, kwargs: dict[str, Any], error: type, message: str
) -> None:
    with pytest.raises(error) as exc:
        io.read_last_n_lines(write(tmp_path / "f", b"a\n"), **kwargs)
    assert str(exc.value).startswith(message)


def test_read_last_n_lines_file_not_found_messages(io: ModuleType, tmp_path: pathlib.Path) -> None:
    missing = tmp_path / "missing"
    for path, shown in [
        (pathlib.Path(missing), str(missing)),
        (os.fsencode(missing), repr(os.fsencode(missing))),
        (PathLike(str(missing)), f"PathLike({str(missing)!r})"),
        (str(tmp_path / "nul\0byte"), str(tmp_path / "nul\0byte")),
        (str(tmp_path / "\ud800"), str(tmp_path / "\ud800")),
    ]:
        with pytest.raises(AssertionError) as exc:
            io.read_last_n_lines(path, 1)
        assert str(exc.value) == f"File not found: {shown}"


def test_read_last_n_lines_path_types(io: ModuleType, tmp_path: pathlib.Path) -> None:
    path = write(tmp_path / "f", b"a\nb\n")
    assert io.read_last_n_lines(pathlib.Path(path), 1) == ["b"]
    assert io.read_last_n_lines(os.fsencode(path), 1) == ["b"]
    assert io.read_last_n_lines(PathLike(path), 1) == ["b"]
    assert io.read_last_n_lines(PathLike(os.fsencode(path)), 1) == ["b"]
    odd = os.fsdecode(os.path.join(os.fsencode(tmp_path), b"\xff\xfe.log"))
    write(pathlib.Path(odd), b"non-utf8 name\n")
    assert io.read_last_n_lines(odd, 1) == ["non-utf8 name"]
    assert io.read_last_n_lines("/dev/null", 5) == []
    with pytest.raises(TypeError) as exc:
        io.read_last_n_lines(None, 1)
    assert (
        str(exc.value) == "stat: path should be string, bytes, os.PathLike or integer, not NoneType"
    )


def test_read_last_n_lines_of_a_directory(io: ModuleType, tmp_path: pathlib.Path) -> None:
    with pytest.raises(RuntimeError) as exc:
        io.read_last_n_lines(str(tmp_path), 3)
    message = (
        f"Failed to read last 3 lines from {tmp_path}: [Errno 21] Is a directory: '{tmp_path}'"
    )
    assert_wrapped_os_error(exc.value, message, 21, str(tmp_path))
    assert type(exc.value.__cause__) is IsADirectoryError

    with pytest.raises(RuntimeError) as exc:
        io.read_last_n_lines(PathLike(str(tmp_path)), True)
    message = (
        f"Failed to read last True lines from PathLike({str(tmp_path)!r}): "
        f"[Errno 21] Is a directory: '{tmp_path}'"
    )
    assert_wrapped_os_error(exc.value, message, 21, str(tmp_path))

    raw = os.fsencode(tmp_path)
    with pytest.raises(RuntimeError) as exc:
        io.read_last_n_lines(raw, 1)
    message = f"Failed to read last 1 lines from {raw!r}: [Errno 21] Is a directory: {raw!r}"
    assert_wrapped_os_error(exc.value, message, 21, raw)


def test_read_last_n_lines_read_error_has_no_filename(io: ModuleType) -> None:
    # procfs refuses SEEK_END: the OSError comes from f.seek(), which names no file.
    with pytest.raises(RuntimeError) as exc:
        io.read_last_n_lines("/proc/self/status", 2)
    message = "Failed to read last 2 lines from /proc/self/status: [Errno 22] Invalid argument"
    assert_wrapped_os_error(exc.value, message, 22, None)
    assert type(exc.value.__cause__) is OSError


@pytest.mark.parametrize(
    ("encoding", "errors", "expected"),
    [
        ("utf-8", "replace", ["\ufffd\n", "é\n", "\ufffdA"]),
        ("UTF8", "replace", ["\ufffd\n", "é\n", "\ufffdA"]),
        ("U8", "backslashreplace", ["\\xff\n", "é\n", "\\xfeA"]),
        ("utf_8", "surrogateescape", ["\udcff\n", "é\n", "\udcfeA"]),
        ("utf-8", "ignore", ["\n", "é\n", "A"]),
        ("latin-1", "strict", ["ÿ\n", "Ã©\n", "þA"]),
        ("cp1252", "strict", ["ÿ\n", "Ã©\n", "þA"]),
        ("ascii", "replace", ["\ufffd\n", "\ufffd\ufffd\n", "\ufffdA"]),
    ],
)
def test_read_last_n_lines_encodings(
    io: ModuleType, tmp_path: pathlib.Path, encoding: str, errors: str, expected: list[str]
) -> None:
    path = write(tmp_path / "f", b"\xff\n\xc3\xa9\r\n\xfeA\n")
    assert io.read_last_n_lines(path, 3, encoding=encoding, errors=errors) == expected


def test_read_last_n_lines_utf16(io: ModuleType, tmp_path: pathlib.Path) -> None:
    path = write(tmp_path / "f", "ab\ncd".encode("utf-16-le"))
    # Split on the b'\n' byte, not on the character: the reference's own behaviour.
    expected = [b.decode("utf-16-le", "replace") for b in "ab\ncd".encode("utf-16-le").split(b"\n")]
    got = io.read_last_n_lines(path, 2, encoding="utf-16-le")
    assert got == [expected[0] + "\n", expected[1]]


def test_read_last_n_lines_decode_errors(io: ModuleType, tmp_path: pathlib.Path) -> None:
    empty = write(tmp_path / "empty", b"")
    valid = write(tmp_path / "valid", b"ok\n")
    invalid = write(tmp_path / "invalid", b"ok\n\xffbad\nok\n")
    # Encoding and handler are only looked up when a line is decoded.
    assert io.read_last_n_lines(empty, 1, encoding="bogus") == []
    assert io.read_last_n_lines(valid, 0, encoding="bogus") == []
    assert io.read_last_n_lines(valid, 1, errors="bogus") == ["ok"]
    with pytest.raises(LookupError) as exc:
        io.read_last_n_lines(valid, 1, encoding="bogus")
    assert str(exc.value) == "unknown encoding: bogus"
    with pytest.raises(LookupError) as exc:
        io.read_last_n_lines(invalid, 2, errors="bogus")
    assert str(exc.value) == "unknown error handler name 'bogus'"
    with pytest.raises(UnicodeDecodeError) as exc:
        io.read_last_n_lines(invalid, 5, errors="strict")
    assert exc.value.args == ("utf-8", b"\xffbad", 0, 1, "invalid start byte")
    with pytest.raises(TypeError) as exc:
        io.read_last_n_lines(valid, 1, encoding=5)
    assert str(exc.value) == "decode() argument 'encoding' must be str, not int"
    with pytest.raises(TypeError) as exc:
        io.read_last_n_lines(valid, 1, errors=None)
    assert str(exc.value) == "decode() argument 'errors' must be str, not None"
    with pytest.raises(ValueError) as exc:
        io.read_last_n_lines(valid, 1, errors="strict\0")
    assert str(exc.value) == "embedded null character"
