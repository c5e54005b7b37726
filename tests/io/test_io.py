"""io domain: read_last_n_lines, hash_file, hash_files, find_free_port on both backends.

Expected values and messages are SPEC.md's, checked by hand against SkyPilot 0.14.1.
"""

from __future__ import annotations

import array
import hashlib
import os
import pathlib
import resource
import socket
import time
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from tests.support.backends import PathLike, cpython_says


class Int(int):
    pass


def write(path: pathlib.Path, content: bytes) -> str:
    path.write_bytes(content)
    return str(path)


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


# ---------------------------------------------------------------- hash_file / hash_files

ALGORITHMS = ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"]
DEFERRED = ["sha3_256", "blake2b", "sha-256", "SHA512_256"]


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, bytes]:
    content = os.urandom(3 * 2**18 + 12345)  # larger than the 256 KiB read buffer
    path = tmp_path_factory.mktemp("hash") / "big.bin"
    path.write_bytes(content)
    return str(path), content


def same_hash(got: Any, want: Any) -> None:
    assert got.hexdigest() == want.hexdigest()
    assert got.digest() == want.digest()
    assert got.name == want.name
    assert got.digest_size == want.digest_size
    assert got.block_size == want.block_size


@pytest.mark.parametrize("alg", ALGORITHMS + [a.upper() for a in ALGORITHMS] + DEFERRED)
def test_hash_file_matches_hashlib(io: ModuleType, big_file: tuple[str, bytes], alg: str) -> None:
    path, content = big_file
    try:
        want = hashlib.new(alg, content)
    except ValueError as missing:  # an alias this OpenSSL lacks (bullseye's 1.1.1: "sha-256")
        with pytest.raises(ValueError) as exc:
            io.hash_file(path, alg)
        assert str(exc.value) == str(missing)
        return
    same_hash(io.hash_file(path, alg), want)


def test_hash_file_path_types_and_empty_files(io: ModuleType, tmp_path: pathlib.Path) -> None:
    path = write(tmp_path / "f", b"abc")
    want = hashlib.sha256(b"abc").hexdigest()
    for p in (path, pathlib.Path(path), os.fsencode(path), PathLike(path)):
        assert io.hash_file(p, "sha256").hexdigest() == want
    odd = os.fsdecode(os.path.join(os.fsencode(tmp_path), b"\xff.bin"))
    write(pathlib.Path(odd), b"abc")
    assert io.hash_file(odd, "sha256").hexdigest() == want
    assert (
        io.hash_file(write(tmp_path / "empty", b""), "md5").hexdigest() == hashlib.md5().hexdigest()
    )
    assert io.hash_file("/dev/null", "sha1").hexdigest() == hashlib.sha1().hexdigest()


@pytest.mark.parametrize("size", [2**20, 2**20 + 1, 5 * 2**20 + 7])
@pytest.mark.parametrize("alg", ["md5", "SHA384", "sha512", "sha256"])
def test_hash_file_above_the_openssl_hand_off(
    io: ModuleType, tmp_path: pathlib.Path, alg: str, size: int
) -> None:
    # Above 1 MiB the Rust backend hands md5/sha384/sha512 to hashlib (OpenSSL is faster there):
    # the object must still be exactly a hashlib one, copyable and updatable.
    content = os.urandom(size)
    h = io.hash_file(write(tmp_path / "big", content), alg)
    same_hash(h, hashlib.new(alg, content))
    twin = h.copy()
    h.update(b"tail")
    same_hash(h, hashlib.new(alg, content + b"tail"))
    same_hash(twin, hashlib.new(alg, content))


@pytest.mark.parametrize("alg", [*ALGORITHMS, "sha3_256"])
def test_hash_object_copy_and_update(io: ModuleType, tmp_path: pathlib.Path, alg: str) -> None:
    h = io.hash_file(write(tmp_path / "f", b"abc"), alg)
    twin = h.copy()
    same_hash(twin, hashlib.new(alg, b"abc"))
    h.update(b"def")
    h.update(bytearray(b"ghi"))
    h.update(memoryview(b"xjklx")[1:4])
    h.update(array.array("B", b"mno"))
    h.update(memoryview(b"pqrs").cast("B", (2, 2)))
    h.update(b"t" * 5000)
    want = hashlib.new(alg, b"abcdefghijklmnopqrs" + b"t" * 5000)
    same_hash(h, want)
    same_hash(h, want)  # digest() does not finalize
    same_hash(twin, hashlib.new(alg, b"abc"))  # the copy is independent
    twin.update(b"!")
    same_hash(h, want)


def hashlib_text_error() -> str:
    """hashlib's text for ``update(str)`` on the running interpreter (3.9 words it otherwise)."""
    try:
        hashlib.sha256().update("text")  # type: ignore[arg-type]
    except TypeError as err:
        return str(err)
    raise AssertionError("hashlib accepted a str")


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        ("text", TypeError, hashlib_text_error()),
        (1, TypeError, "object supporting the buffer API required"),
        (None, TypeError, "object supporting the buffer API required"),
        (
            memoryview(b"abcd")[::2],
            BufferError,
            "memoryview: underlying buffer is not C-contiguous",
        ),
    ],
)
def test_hash_object_update_errors(
    io: ModuleType, tmp_path: pathlib.Path, data: Any, error: type, message: str
) -> None:
    h = io.hash_file(write(tmp_path / "f", b"abc"), "sha256")
    with pytest.raises(error) as exc:
        h.update(data)
    assert type(exc.value) is error
    assert str(exc.value) == message
    assert h.hexdigest() == hashlib.sha256(b"abc").hexdigest()


def assert_os_error(exc: BaseException, kind: type, errno: int, filename: object) -> None:
    assert type(exc) is kind
    assert isinstance(exc, OSError)
    assert exc.errno == errno
    assert exc.strerror == os.strerror(errno)
    assert exc.filename == filename
    assert str(exc) == f"[Errno {errno}] {os.strerror(errno)}: {filename!r}"


def test_hash_file_open_errors(io: ModuleType, tmp_path: pathlib.Path) -> None:
    missing = str(tmp_path / "missing")
    for path, filename in [
        (missing, missing),
        (pathlib.Path(missing), missing),
        (PathLike(missing), missing),
        (os.fsencode(missing), os.fsencode(missing)),
    ]:
        with pytest.raises(OSError) as exc:
            io.hash_file(path, "md5")
        assert_os_error(exc.value, FileNotFoundError, 2, filename)
    with pytest.raises(OSError) as exc:
        io.hash_file(str(tmp_path), "sha256")
    assert_os_error(exc.value, IsADirectoryError, 21, str(tmp_path))
    with pytest.raises(OSError) as exc:
        io.hash_file("", "sha256")
    assert_os_error(exc.value, FileNotFoundError, 2, "")


def test_hash_file_opens_before_checking_the_algorithm(
    io: ModuleType, tmp_path: pathlib.Path
) -> None:
    with pytest.raises(FileNotFoundError):
        io.hash_file(str(tmp_path / "missing"), "bogus")
    with pytest.raises(IsADirectoryError):
        io.hash_file(str(tmp_path), "bogus")
    path = write(tmp_path / "f", b"abc")
    with pytest.raises(ValueError) as exc:
        io.hash_file(path, "bogus")
    assert type(exc.value) is ValueError
    assert str(exc.value) == cpython_says(lambda: hashlib.new("bogus"))
    with pytest.raises(TypeError) as exc:
        io.hash_file(path, 123)
    with pytest.raises(TypeError) as want:
        hashlib.new(123)  # type: ignore[call-overload]
    assert str(exc.value) == str(want.value)


def test_hash_file_bad_paths(io: ModuleType, tmp_path: pathlib.Path) -> None:
    with pytest.raises(ValueError) as exc:
        io.hash_file(str(tmp_path / "nul\0"), "md5")
    assert str(exc.value) == "embedded null byte"
    with pytest.raises(TypeError) as exc:
        io.hash_file(None, "md5")
    assert str(exc.value) == "expected str, bytes or os.PathLike object, not NoneType"
    with pytest.raises(UnicodeEncodeError):
        io.hash_file("\ud800", "md5")


@pytest.fixture
def tree(tmp_path: pathlib.Path) -> list[str]:
    return [write(tmp_path / f"f{i}", os.urandom(i * 3001)) for i in range(24)]


@pytest.mark.parametrize("alg", ["sha256", "md5", "blake2s"])
def test_hash_files_in_input_order(io: ModuleType, tree: list[str], alg: str) -> None:
    got = io.hash_files(tree, alg)
    assert [h.hexdigest() for h in got] == [io.hash_file(p, alg).hexdigest() for p in tree]
    assert [h.name for h in got] == [hashlib.new(alg).name] * len(tree)
    assert [h.hexdigest() for h in io.hash_files(iter(tree), alg)] == [h.hexdigest() for h in got]
    assert io.hash_files([], "bogus") == []


def test_hash_files_raises_for_the_first_failing_path(
    io: ModuleType, tree: list[str], tmp_path: pathlib.Path
) -> None:
    missing = str(tmp_path / "missing")
    with pytest.raises(OSError) as exc:
        io.hash_files([*tree[:5], missing, str(tmp_path), *tree[5:]], "sha256")
    assert_os_error(exc.value, FileNotFoundError, 2, missing)
    with pytest.raises(OSError) as exc:
        io.hash_files([tree[0], str(tmp_path), missing], "sha1")
    assert_os_error(exc.value, IsADirectoryError, 21, str(tmp_path))
    with pytest.raises(ValueError) as bogus:
        io.hash_files(tree, "bogus")
    assert str(bogus.value) == cpython_says(lambda: hashlib.new("bogus"))
    with pytest.raises(FileNotFoundError):
        io.hash_files([missing, *tree], "bogus")
    with pytest.raises(TypeError) as exc:
        io.hash_files([tree[0], None], "md5")
    assert str(exc.value) == "expected str, bytes or os.PathLike object, not NoneType"
    with pytest.raises(TypeError) as exc:
        io.hash_files(5, "md5")
    assert str(exc.value) == "'int' object is not iterable"


def test_hash_files_iteration_errors_count_at_their_position(
    io: ModuleType, tree: list[str], tmp_path: pathlib.Path
) -> None:
    def paths(*items: str) -> Iterator[str]:
        yield from items
        raise KeyError("iteration failed")

    with pytest.raises(FileNotFoundError):
        io.hash_files(paths(tree[0], str(tmp_path / "missing")), "sha256")
    with pytest.raises(KeyError, match="iteration failed"):
        io.hash_files(paths(*tree), "sha256")


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


# ---------------------------------------------------------------- no descriptors left


def test_errors_when_no_descriptor_is_left(io: ModuleType, tmp_path: pathlib.Path) -> None:
    path = write(tmp_path / "f", b"a\n")
    lowest_free = os.dup(0)
    os.close(lowest_free)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    results: list[BaseException] = []
    resource.setrlimit(resource.RLIMIT_NOFILE, (lowest_free, hard))
    try:
        for call in (
            lambda: io.find_free_port(0),
            lambda: io.hash_file(path, "md5"),
            lambda: io.hash_file(path, "sha3_256"),
            lambda: io.read_last_n_lines(path, 1),
        ):
            try:
                call()
            except BaseException as exc:  # collected, asserted once descriptors are back
                results.append(exc)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert len(results) == 4
    port_error, hash_error, hashlib_error, tail_error = results
    assert type(port_error) is OSError
    assert (port_error.errno, port_error.filename) == (24, None)
    assert str(port_error) == f"[Errno 24] {os.strerror(24)}"
    assert_os_error(hash_error, OSError, 24, path)
    assert_os_error(hashlib_error, OSError, 24, path)
    message = f"Failed to read last 1 lines from {path}: [Errno 24] {os.strerror(24)}: {path!r}"
    assert_wrapped_os_error(tail_error, message, 24, path)


def test_hash_files_after_fork(io: ModuleType, tree: list[str]) -> None:
    """hash_files works (never hangs) in a child forked after the parent used it."""
    want = [h.hexdigest() for h in io.hash_files(tree, "sha256")]
    pid = os.fork()
    if pid == 0:  # child: exit 0 only if hash_files works
        try:
            got = [h.hexdigest() for h in io.hash_files(tree, "sha256")]
            os._exit(0 if got == want else 1)
        except BaseException:
            os._exit(2)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            assert os.waitstatus_to_exitcode(status) == 0
            return
        time.sleep(0.01)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    pytest.fail("hash_files hung in a forked child")
