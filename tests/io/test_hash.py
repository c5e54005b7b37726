"""hash_file and hash_files on both backends (and after fork, and with no descriptor left):
SPEC.md's values and messages, checked by hand against SkyPilot 0.14.1."""

from __future__ import annotations

import array
import hashlib
import os
import pathlib
import resource
import time
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from tests.support.backends import PathLike, cpython_says, write
from tests.support.errors import assert_os_error, assert_wrapped_os_error

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
