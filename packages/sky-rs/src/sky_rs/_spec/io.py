"""Specs of the io domain: tails, hashes, free ports."""

from __future__ import annotations

from sky_rs import fallback
from sky_rs._bench.cases import (
    FREE_PORT_START,
    HASH_ALGORITHMS,
    HASH_SIZES,
    HASH_SUFFIX,
    KIB,
    MIB,
    QUICK_HASH_SIZES,
    WALL_SIZE,
    Case,
    FloorPart,
    HashWork,
    Inputs,
    human_bytes,
    tail_bytes,
    usable_cores,
)
from sky_rs._spec.model import Call, Spec, Workspace


def _tail_samples(w: Workspace) -> list[Call]:
    small, mid, big = w.log(100), w.log(70_000), w.log(300_000)
    return [
        Call("small log, 3", (small, 3)),
        Call("70 kB log, 50", (mid, 50)),
        Call("300 kB log, 1", (big, 1)),
        Call("empty log, 5", (w.log(0), 5)),
        Call("70 kB log, 10, 8192, 'latin-1'", (mid, 10, 8192, "latin-1")),
        Call("latin-1 text, 5, errors='strict'", (w.latin, 5), {"errors": "strict"}),
        Call("latin-1 text, 5, encoding='bogus'", (w.latin, 5), {"encoding": "bogus"}),
        Call("missing, 2", (w.missing, 2)),
        Call("directory, 2", (w.directory(25), 2)),
        Call("small log, -1", (small, -1)),
    ]


def _tail_bench(data: Inputs) -> list[Case]:
    log, content = data.log
    return [
        Case(
            "read_last_n_lines",
            f"10 MiB log, n={n}",
            (log, n),
            headline=n == 10,
            parts=(
                FloorPart(
                    f"open+lseek+pread({tail_bytes(content, n)} B)+close",
                    "read_tail",
                    (log, tail_bytes(content, n)),
                ),
                FloorPart(
                    f"build the result: list of {n} new str",
                    "py_strings",
                    fallback.read_last_n_lines(log, n),
                ),
            ),
        )
        for n in (10, 1000)
    ]


def _tail_faults(w: Workspace) -> list[Call]:
    # ~2.3 MB: several backward chunks; 3000 entries: three getdents64 calls' worth.
    return [
        Call("small", (w.log(100), 2)),
        Call("big", (w.lines(90_000), 60_000)),
        Call("dir", (w.directory(3000), 2)),
    ]


def _hash_samples(w: Workspace) -> list[Call]:
    mid, big = w.log(70_000), w.log(300_000)
    return [
        Call("70 kB log, 'sha256'", (mid, "sha256")),
        Call("300 kB log, 'md5'", (big, "md5")),
        # Handed to hashlib (md5 above 24 KiB, sha384/sha512 above 6 KiB), which reuses one
        # spare read buffer: concurrent calls must each get their own.
        Call("300 kB log, 'sha512'", (big, "sha512")),
        Call("70 kB log, 'sha384'", (mid, "sha384")),
        Call("empty, 'sha1'", (w.log(0), "sha1")),
        Call("16 KiB, 'sha3_256'", (w.blob(16 * KIB), "sha3_256")),
        Call("missing, 'md5'", (w.missing, "md5")),
        Call("directory, 'sha256'", (w.directory(25), "sha256")),
        Call("small log, 'bogus'", (w.log(100), "bogus")),
    ]


def _hash_bench(data: Inputs) -> list[Case]:
    cases = []
    sizes = QUICK_HASH_SIZES if data.quick else dict.fromkeys(HASH_SIZES, HASH_ALGORITHMS)
    for size, algorithms in sizes.items():
        path = data.blob(f"blob-{size}.bin", size)
        for algorithm in algorithms:
            cases.append(
                Case(
                    "hash_file",
                    f"{algorithm} {human_bytes(size)}",
                    (path, algorithm),
                    headline=size == 4 * KIB and algorithm == "sha256",
                    suffix=HASH_SUFFIX,
                    wall=size >= WALL_SIZE,
                    parts=(FloorPart(f"open+read {human_bytes(size)}+close", "read_all", path),),
                    hashing=HashWork(algorithm, size),
                )
            )
    return cases


def _hash_faults(w: Workspace) -> list[Call]:
    small, big = w.log(100), w.lines(90_000)  # big: past every size threshold
    return [
        Call("small-sha256", (small, "sha256")),
        Call("big-sha256", (big, "sha256")),
        Call("big-md5", (big, "md5")),
        Call("big-sha3_256", (big, "sha3_256")),
        Call("dir", (w.directory(3000), "sha256")),
    ]


def _hash_files_samples(w: Workspace) -> list[Call]:
    logs = [w.log(size) for size in (0, 100, 70_000, 300_000)]
    return [
        Call("four logs, 'sha256'", (logs, "sha256")),
        Call("two logs, 'sha512'", (logs[:2], "sha512")),
        Call("[log, missing], 'md5'", ([logs[1], w.missing], "md5")),
        Call("[log, directory], 'sha1'", ([logs[1], w.directory(25)], "sha1")),
        Call("[], 'md5'", ([], "md5")),
    ]


def _hash_files_bench(data: Inputs) -> list[Case]:
    count, size = 64, (MIB // 4 if data.quick else 4 * MIB)
    paths = [data.blob(f"many-{i:03d}.bin", size) for i in range(count)]
    workers = min(usable_cores(), count)
    return [
        Case(
            "hash_files",
            f"sha256 {count} x {human_bytes(size)}",
            (paths, "sha256"),
            wall=not data.quick,
            parts=(
                FloorPart(
                    f"open+read {human_bytes(size)}+close x {count} / {workers} cores",
                    "read_all",
                    paths[0],
                    scale=count / workers,
                ),
            ),
            hashing=HashWork("sha256", count * size, scale=1 / workers),
            note=f"no .hexdigest(); Python fallback is sequential hashlib; floor assumes"
            f" {workers} cores perfectly parallel",
        )
    ]


def _hash_files_faults(w: Workspace) -> list[Call]:
    small, big = w.log(100), w.lines(90_000)
    return [Call("sha256", ([big, small, big, small], "sha256"))]


def _port_samples(w: Workspace) -> list[Call]:
    return [
        Call("0", (0,)),
        Call("20000", (20_000,)),
        Call("40000", (40_000,)),
        Call("65535 (none free)", (65_535,)),
        Call("-1", (-1,)),
        Call("2**200", (2**200,)),
    ]


def _port_bench(data: Inputs) -> list[Case]:
    port = fallback.find_free_port(FREE_PORT_START)
    tries = port - FREE_PORT_START + 1
    label = "socket+bind+close" + (f" x {tries}" if tries > 1 else "")
    return [
        Case(
            "find_free_port",
            f"{FREE_PORT_START} (free: {port})",
            (FREE_PORT_START,),
            headline=True,
            parts=(FloorPart(label, "bind", port, scale=tries),),
        )
    ]


SPECS: dict[str, Spec] = {
    # open, lseek, pread, close
    "read_last_n_lines": Spec(_tail_samples, _tail_bench, 4, io=True, faults=_tail_faults),
    # open, read, read (the end), close
    "hash_file": Spec(_hash_samples, _hash_bench, 4, io=True, faults=_hash_faults),
    "hash_files": Spec(_hash_files_samples, _hash_files_bench, io=True, faults=_hash_files_faults),
    # socket, bind, close
    "find_free_port": Spec(
        _port_samples, _port_bench, 3, io=True, faults=lambda w: [Call("65000", (65_000,))]
    ),
}
