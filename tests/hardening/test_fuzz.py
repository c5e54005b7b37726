"""Fuzzing at scale: one Rust-against-fallback differential test per public function.

Every test is marked ``fuzz``. Its example count follows the active hypothesis profile
(``HYPOTHESIS_PROFILE``, registered in ``tests/conftest.py``): under ``fuzz`` each function
runs at least 20,000 examples; under the default ``ci`` profile (and ``dev``) a few dozen, so
the ordinary ``pytest`` run stays quick. Every call goes through :func:`compare`: no
``PanicException`` ever, and the same value or the same exception type and ``str``.

    HYPOTHESIS_PROFILE=fuzz uv run --no-sync pytest -m fuzz -q

The number of examples each test really ran is counted and printed at the end of the
session (and written as JSON to ``$SKY_RS_FUZZ_REPORT`` when that is set);
``test_zz_example_counts`` fails if a test ran fewer than its target.
"""

from __future__ import annotations

import collections
import contextlib
import json
import os
import pathlib
import shutil
import struct
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.backends import PathLike
from tests.support.fake_roots import FakeRoots
from tests.support.hardening import (
    FUNCTIONS,
    SYSTEM_ENV,
    compare,
    compare_in_trees,
    compare_racy,
    python_function,
    rust_function,
)
from tests.support.hostile import DIR, MISSING, outcome, write_tree

pytestmark = pytest.mark.fuzz

PROFILE_EXAMPLES = settings.default.max_examples
FUZZ_TARGET = 20_000
EXAMPLES = int(
    os.environ.get("SKY_RS_FUZZ_EXAMPLES")
    or (PROFILE_EXAMPLES if PROFILE_EXAMPLES >= FUZZ_TARGET else min(PROFILE_EXAMPLES, 25))
)
"""Examples per function: the profile's count at fuzz scale, else at most 25
(``SKY_RS_FUZZ_EXAMPLES`` overrides both, for a quick intermediate run)."""

fuzz = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)

RAN: collections.Counter[str] = collections.Counter()
"""Examples run per function in this session."""


@pytest.fixture(scope="module", autouse=True)
def example_summary(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    profile = os.environ.get("HYPOTHESIS_PROFILE", "ci")
    lines = [
        f"fuzz examples per function: {EXAMPLES} (profile {profile}: {PROFILE_EXAMPLES} examples;"
        " this differential module runs 25 unless the profile is fuzz or SKY_RS_FUZZ_EXAMPLES"
        " is set):"
    ]
    lines += [f"  {name:34s} {RAN[name]:>8,d}" for name in FUNCTIONS]
    lines.append(f"  {'total':34s} {sum(RAN.values()):>8,d}")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None:
        with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
            reporter.write_line("")
            for line in lines:
                reporter.write_line(line)
    report = os.environ.get("SKY_RS_FUZZ_REPORT")
    if report:
        pathlib.Path(report).write_text(
            json.dumps({"target": EXAMPLES, "examples": dict(RAN)}, indent=2) + "\n"
        )


@pytest.fixture(scope="module")
def workdir() -> Iterator[pathlib.Path]:
    with tempfile.TemporaryDirectory(prefix="sky-rs-fuzz-") as tmp:
        yield pathlib.Path(tmp)


def path_variant(path: str, variant: int) -> Any:
    if variant == 1:
        return pathlib.Path(path)
    if variant == 2:
        return os.fsencode(path)
    if variant == 3:
        return PathLike(path)
    return path


def path_of_kind(workdir: pathlib.Path, kind: str, file: pathlib.Path) -> str:
    return {
        "file": str(file),
        "missing": str(workdir / "missing"),
        "directory": str(workdir),
        "nul": str(workdir / "nul\0byte"),
        "long": "/tmp/" + "a" * 5000,
        "surrogate": str(workdir / "\udcff"),
    }[kind]


PATH_KINDS = st.sampled_from(
    ["file", "file", "file", "file", "missing", "directory", "nul", "long", "surrogate"]
)

# ------------------------------------------------------------------ io

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


# ------------------------------------------------------------------ string

WHITESPACE = " \t\n\r\x0b\x0c\x85\xa0\u2000\u3000\x1c"
HEX_ALPHABET = "0123456789abcdefABCDEF_xX+-" + WHITESPACE + "\u0660\u0969\uff11g\0"


@st.composite
def hex_literals(draw: st.DrawFn) -> str:
    return (
        draw(st.text(alphabet=WHITESPACE, max_size=2))
        + draw(st.sampled_from(["", "", "+", "-"]))
        + draw(st.sampled_from(["", "", "0x", "0X", "0x_"]))
        + "_".join(draw(st.lists(st.text("0123456789abcdefABCDEF", min_size=1), min_size=1)))
        + draw(st.text(alphabet=WHITESPACE, max_size=2))
    )


def float_from_bits(bits: int) -> float:
    value: float = struct.unpack("<d", struct.pack("<Q", bits))[0]
    return value


@fuzz
@given(
    text=st.one_of(
        hex_literals(),
        st.text(alphabet=HEX_ALPHABET, max_size=40),
        st.text("0123456789abcdef", min_size=30, max_size=600),
        st.text(max_size=30),
    ),
    kind=st.sampled_from(["str", "str", "bytes", "bytearray"]),
)
def test_base36_encode(text: str, kind: str) -> None:
    RAN["base36_encode"] += 1
    value: Any = text
    if kind != "str":
        data = text.encode("utf-8", "surrogatepass")
        value = data if kind == "bytes" else bytearray(data)
    compare("base36_encode", value)


@fuzz
@given(
    num=st.one_of(
        st.floats(),
        st.integers(0, 2**64 - 1).map(float_from_bits),
        st.builds(lambda m, e: m * 2.0**e, st.integers(-(2**53), 2**53), st.integers(-60, 10)),
        st.builds(lambda m, e: m / 10**e, st.integers(-(10**6), 10**6), st.integers(0, 8)),
        st.integers(-(2**70), 2**70),
        st.booleans(),
    ),
    precision=st.one_of(st.integers(0, 20), st.integers(-3, 60), st.sampled_from([1, 300])),
    default=st.booleans(),
)
def test_format_float(num: float, precision: int, default: bool) -> None:
    RAN["format_float"] += 1
    if default:
        compare("format_float", num)
    else:
        compare("format_float", num, precision)


TRUNCATE_ALPHABET = st.sampled_from(
    [" ", " ", " ", "a", "bc", "xyz", "\t", "\xe9", "e\u0301", "\U0001f600", "\ud800", "\udcff"]
)


@fuzz
@given(
    s=st.one_of(st.lists(TRUNCATE_ALPHABET, max_size=60).map("".join), st.text(max_size=80)),
    max_length=st.one_of(st.integers(-10, 90), st.sampled_from([2**63, -(2**63), 2**200])),
    truncate_middle=st.one_of(st.booleans(), st.sampled_from([0, 1, None, "", "x"])),
    default=st.booleans(),
)
def test_truncate_long_string(s: str, max_length: int, truncate_middle: Any, default: bool) -> None:
    RAN["truncate_long_string"] += 1
    if default:
        compare("truncate_long_string", s)
    else:
        compare("truncate_long_string", s, max_length, truncate_middle)


# ------------------------------------------------------------------ system (fake trees)

NUMBER_CHARS = "0123456789_.eE+-infaINFAmx " + "\t\n\u0663\uff11\x00"
number_text = st.one_of(
    st.integers(-(10**12), 10**12).map(str),
    st.integers(-(2**80), 2**80).map(str),
    st.floats().map(repr),
    st.sampled_from(["max", "inf", "nan", "-1", "0", "", "1_0", "1__0", "1e999", " 5 ", "\u0663"]),
    st.text(alphabet=NUMBER_CHARS, max_size=8),
)
cgroup_file = st.one_of(
    number_text,
    st.builds(lambda q, p: f"{q} {p}\n", number_text, number_text),
    st.binary(max_size=10),
    st.just(DIR),
    st.just(MISSING),
)
env_value = st.one_of(st.none(), number_text.filter(lambda v: "\0" not in v))


def fresh_root(workdir: pathlib.Path, files: dict[str, Any], meminfo: Any) -> pathlib.Path:
    root = workdir / "system"
    shutil.rmtree(root, ignore_errors=True)
    write_tree(root / "cgroup", files)
    write_tree(root / "proc", {"meminfo": meminfo})
    return root


@fuzz
@given(
    version=st.sampled_from(["v1", "v2", "v2-directory"]),
    cpu_max=cgroup_file,
    quota=cgroup_file,
    period=cgroup_file,
    override=env_value,
)
def test_get_cpu_count(
    workdir: pathlib.Path,
    fake_roots: FakeRoots,
    version: str,
    cpu_max: Any,
    quota: Any,
    period: Any,
    override: Any,
) -> None:
    RAN["get_cpu_count"] += 1
    controllers = {"v1": MISSING, "v2": "cpu memory\n", "v2-directory": DIR}[version]
    files = {
        "cgroup.controllers": controllers,
        "cpu.max": cpu_max,
        "cpu/cpu.cfs_quota_us": quota,
        "cpu/cpu.cfs_period_us": period,
    }
    root = fresh_root(workdir, files, "MemTotal: 1000 kB\n")
    overrides = dict.fromkeys(SYSTEM_ENV)
    overrides["SKYPILOT_POD_CPU_CORE_LIMIT"] = override
    compare_in_trees(fake_roots, root / "cgroup", root / "proc", ["get_cpu_count"], overrides)


meminfo_text = st.one_of(
    st.builds(
        lambda key, value, unit: f"{key} {value}{unit}\n",
        st.sampled_from(["MemTotal:", "MemFree:", "memtotal:"]),
        st.one_of(st.integers(-(2**40), 2**60).map(str), number_text),
        st.sampled_from([" kB", "", " kB x"]),
    ),
    st.binary(max_size=30),
    st.just(MISSING),
)


@fuzz
@given(
    v2=st.booleans(),
    memory=cgroup_file,
    meminfo=st.lists(meminfo_text.filter(lambda m: m != MISSING), max_size=3).map(
        lambda parts: b"".join(p if isinstance(p, bytes) else p.encode() for p in parts)
    )
    | st.just(MISSING),
    gb=env_value,
    nbytes=env_value,
)
def test_get_mem_size_gb(
    workdir: pathlib.Path,
    fake_roots: FakeRoots,
    v2: bool,
    memory: Any,
    meminfo: Any,
    gb: Any,
    nbytes: Any,
) -> None:
    RAN["get_mem_size_gb"] += 1
    files = {
        "cgroup.controllers": "memory\n" if v2 else MISSING,
        "memory.max": memory,
        "memory/memory.limit_in_bytes": memory,
    }
    root = fresh_root(workdir, files, meminfo)
    overrides = dict.fromkeys(SYSTEM_ENV)
    overrides["SKYPILOT_POD_MEMORY_GB_LIMIT"] = gb
    overrides["SKYPILOT_POD_MEMORY_BYTES_LIMIT"] = nbytes
    compare_in_trees(fake_roots, root / "cgroup", root / "proc", ["get_mem_size_gb"], overrides)


# ------------------------------------------------------------------ process

clouds = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(["kubernetes", "Kubernetes", "KUBERNETES", "\u212aubernetes", "k8s", "aws"]),
    st.builds(
        lambda word, flips: "".join(c.upper() if f else c for c, f in zip(word, flips)),
        st.just("kubernetes"),
        st.lists(st.booleans(), min_size=10, max_size=10),
    ),
    st.sampled_from([0, 1, b"kubernetes", [], ["x"]]),
)


@fuzz
@given(cloud=clouds, keyword=st.booleans())
def test_get_parallel_threads(cloud: Any, keyword: bool) -> None:
    RAN["get_parallel_threads"] += 1
    if keyword:
        compare("get_parallel_threads", cloud_str=cloud)
    else:
        compare("get_parallel_threads", cloud)


@pytest.fixture(scope="module")
def mount_sources(workdir: pathlib.Path) -> dict[str, Any]:
    """Directories of several sizes, a file, missing and odd paths."""
    sources: dict[str, Any] = {}
    for size in (0, 1, 3, 40, 300):
        d = workdir / f"mount-{size}"
        d.mkdir()
        for i in range(size):
            (d / f"entry-{i}").touch()
        sources[f"dir{size}"] = str(d)
    (workdir / "mount-file").write_bytes(b"x")
    sources["file"] = str(workdir / "mount-file")
    sources["missing"] = str(workdir / "mount-missing")
    sources["link"] = str(workdir / "mount-link")
    os.symlink(sources["dir40"], sources["link"])
    sources["dangling"] = str(workdir / "mount-dangling")
    os.symlink(sources["missing"], sources["dangling"])
    sources["nul"] = "a\0b"
    sources["none"] = None
    sources["bytes"] = os.fsencode(sources["dir3"])
    sources["pathlike"] = PathLike(sources["dir1"])
    sources["surrogate"] = "\udcff"
    return sources


SOURCE_KEYS = ["dir0", "dir1", "dir3", "dir40", "dir300", "file", "missing", "link", "dangling"]
ODD_KEYS = ["nul", "none", "bytes", "pathlike", "surrogate"]


@fuzz
@given(
    keys=st.lists(st.one_of(st.sampled_from(SOURCE_KEYS), st.sampled_from(ODD_KEYS)), max_size=6),
    cloud=clouds,
)
def test_get_max_workers_for_file_mounts(
    mount_sources: dict[str, Any], keys: list[str], cloud: Any
) -> None:
    RAN["get_max_workers_for_file_mounts"] += 1
    mounts = {f"/remote/{i}": mount_sources[key] for i, key in enumerate(keys)}
    compare("get_max_workers_for_file_mounts", mounts, cloud)


def own_ids() -> list[int]:
    ids = [os.getpid(), os.getppid(), 1]
    ids += [int(t) for t in os.listdir("/proc/self/task")]
    return ids


pids = st.one_of(
    st.integers(-5, 5),
    st.integers(1, 4_194_304),
    st.integers(-(2**31) - 2, 2**31 + 2),
    st.sampled_from([2**31 - 1, 2**31, -(2**31), 2**63, 2**200, -(2**200), True, False]),
    st.sampled_from(own_ids()),
)


@fuzz
@given(pid=st.one_of(pids, st.sampled_from([1.5, None, "1"])))
def test_is_process_alive(pid: Any) -> None:
    RAN["is_process_alive"] += 1
    compare_racy("is_process_alive", pid)


@fuzz
@given(pid_list=st.lists(pids, max_size=12), kind=st.sampled_from(["list", "tuple", "iter"]))
def test_are_processes_alive(pid_list: list[int], kind: str) -> None:
    RAN["are_processes_alive"] += 1
    if kind == "iter":
        for _ in range(3):
            got = outcome(rust_function("are_processes_alive"), iter(pid_list))
            assert got[0] != "PANIC", pid_list
            if got == outcome(python_function("are_processes_alive"), iter(pid_list)):
                return
        raise AssertionError(pid_list)
    compare_racy("are_processes_alive", pid_list if kind == "list" else tuple(pid_list))


entry_names = st.text(
    alphabet=st.characters(blacklist_characters="/\0", blacklist_categories=("Cs",)),
    min_size=1,
    max_size=12,
).filter(lambda n: n not in (".", "..")) | st.binary(min_size=1, max_size=12).filter(
    lambda b: b"/" not in b and b"\0" not in b and b not in (b".", b"..")
)


@fuzz
@given(
    names=st.lists(entry_names, max_size=30),
    subdirs=st.integers(0, 3),
    kind=st.sampled_from(["dir", "dir", "dir", "file", "missing", "nul", "long", "surrogate"]),
    variant=st.integers(0, 3),
)
def test_estimate_fd_for_directory(
    workdir: pathlib.Path, names: list[Any], subdirs: int, kind: str, variant: int
) -> None:
    RAN["estimate_fd_for_directory"] += 1
    target = workdir / "estimate"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    for name in names:
        raw = name if isinstance(name, bytes) else os.fsencode(name)
        with open(os.path.join(os.fsencode(target), raw), "wb"):
            pass
    for i in range(subdirs):
        (target / f"sub{i}").mkdir(exist_ok=True)
    path = {
        "dir": str(target),
        "file": str(workdir / "mount-file-estimate"),
        "missing": str(workdir / "nope"),
        "nul": "x\0y",
        "long": "/tmp/" + "e" * 5000,
        "surrogate": "\udcff",
    }[kind]
    if kind == "file":
        pathlib.Path(path).write_bytes(b"")
    compare("estimate_fd_for_directory", path_variant(path, variant if kind != "nul" else 0))


# ------------------------------------------------------------------ the counts


def test_zz_example_counts() -> None:
    """Every fuzz test that ran in this session ran its full target of examples."""
    assert set(FUNCTIONS) == {
        name.removeprefix("test_")
        for name in globals()
        if name.startswith("test_") and name[5:] in FUNCTIONS
    }
    if EXAMPLES < FUZZ_TARGET:
        return
    short = {name: n for name, n in RAN.items() if 0 < n < FUZZ_TARGET}
    assert not short, f"fewer than {FUZZ_TARGET} examples: {short}"
