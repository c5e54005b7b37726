"""The one table of domains: which wheel accelerates which public functions."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Domain:
    """A group of functions shipped together in one Rust wheel."""

    name: str
    module: str
    """Import name of the Rust wheel, e.g. ``sky_rs_io``."""
    package: str
    """Distribution name of the Rust wheel, e.g. ``sky-rs-io``."""
    functions: tuple[str, ...]

    @property
    def install_hint(self) -> str:
        return f'pip install "sky-rs[{self.name}]"'


DOMAINS: dict[str, Domain] = {
    d.name: d
    for d in (
        Domain(
            "io",
            "sky_rs_io",
            "sky-rs-io",
            ("read_last_n_lines", "hash_file", "hash_files", "find_free_port"),
        ),
        Domain(
            "string",
            "sky_rs_string",
            "sky-rs-string",
            ("base36_encode", "format_float", "truncate_long_string"),
        ),
        Domain("system", "sky_rs_system", "sky-rs-system", ("get_cpu_count", "get_mem_size_gb")),
        Domain(
            "process",
            "sky_rs_process",
            "sky-rs-process",
            (
                "get_parallel_threads",
                "get_max_workers_for_file_mounts",
                "is_process_alive",
                "estimate_fd_for_directory",
                "are_processes_alive",
            ),
        ),
    )
}

FUNCTIONS: tuple[str, ...] = tuple(f for d in DOMAINS.values() for f in d.functions)
"""Every public function, in domain order."""
