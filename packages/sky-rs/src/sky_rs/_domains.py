"""The one registry of functions and domains.

Every other list of functions is derived from the two tables here: ``__all__``, the backend
selection, the migrate targets, ``install()``'s patch list, the bench's function list, the
doctor's self-check, the tests' parametrisation and the install proof. Adding a function means
one row in ``_FUNCTIONS`` (see CONTRIBUTING.md).
"""

from __future__ import annotations

COMMON_UTILS = "sky.utils.common_utils"
SUBPROCESS_UTILS = "sky.utils.subprocess_utils"


class Function:
    """One public function: where it is accelerated and where SkyPilot defines it.

    A plain class (no dataclass): ``import sky_rs`` stays cheap for ``SKY_RS_INSTALL=1``.
    """

    __slots__ = ("domain", "extra", "name", "skypilot_home")

    def __init__(
        self, name: str, domain: str, skypilot_home: str | None, extra: bool = False
    ) -> None:
        self.name, self.domain = name, domain
        self.skypilot_home = skypilot_home
        """The SkyPilot 0.14.1 module that defines it; ``None`` for the functions SkyPilot lacks."""
        self.extra = extra
        """Beyond the contract (the batch functions): no headline bench case."""

    def __repr__(self) -> str:
        return f"Function({self.name!r}, {self.domain!r}, {self.skypilot_home!r}, {self.extra})"


_FUNCTIONS: tuple[Function, ...] = (
    Function("read_last_n_lines", "io", COMMON_UTILS),
    Function("hash_file", "io", COMMON_UTILS),
    Function("hash_files", "io", None, extra=True),
    Function("find_free_port", "io", COMMON_UTILS),
    Function("base36_encode", "string", COMMON_UTILS),
    Function("format_float", "string", COMMON_UTILS),
    Function("truncate_long_string", "string", COMMON_UTILS),
    Function("get_cpu_count", "system", COMMON_UTILS),
    Function("get_mem_size_gb", "system", COMMON_UTILS),
    Function("get_parallel_threads", "process", SUBPROCESS_UTILS),
    Function("get_max_workers_for_file_mounts", "process", SUBPROCESS_UTILS),
    Function("is_process_alive", "process", None),
    Function("estimate_fd_for_directory", "process", None),
    Function("are_processes_alive", "process", None, extra=True),
)

REGISTRY: dict[str, Function] = {f.name: f for f in _FUNCTIONS}
"""Every public function by name, in domain order."""

FUNCTIONS: tuple[str, ...] = tuple(REGISTRY)
"""Every public function, in domain order."""

CONTRACT: tuple[str, ...] = tuple(f.name for f in _FUNCTIONS if not f.extra)
"""The functions of the contract (SPEC.md), in domain order: SkyPilot's, with their semantics."""

SKYPILOT_HOMES: dict[str, tuple[str, ...]] = {
    home: tuple(f.name for f in _FUNCTIONS if f.skypilot_home == home)
    for home in dict.fromkeys(f.skypilot_home for f in _FUNCTIONS if f.skypilot_home)
}
"""SkyPilot module -> the functions it defines that sky-rs accelerates."""


class Domain:
    """A group of functions shipped together in one Rust wheel."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Domain({self.name!r})"

    @property
    def module(self) -> str:
        """Import name of the Rust wheel, e.g. ``sky_rs_io``."""
        return f"sky_rs_{self.name}"

    @property
    def package(self) -> str:
        """Distribution name of the Rust wheel, e.g. ``sky-rs-io``."""
        return f"sky-rs-{self.name}"

    @property
    def functions(self) -> tuple[str, ...]:
        return tuple(f.name for f in _FUNCTIONS if f.domain == self.name)

    @property
    def install_hint(self) -> str:
        return f'pip install "sky-rs[{self.name}]"'


WHEEL_PLATFORMS: dict[str, tuple[str, ...]] = {"linux": ("x86_64", "aarch64")}
"""Where Rust wheels are published: ``sys.platform`` -> machines. The extras of the meta-package
carry the same as an environment marker, so elsewhere ``sky-rs[all]`` is the meta-package alone."""


def no_wheel_reason(platform: str, machine: str | None) -> str | None:
    """Why no Rust wheel can be installed on this platform, or None where wheels exist."""
    machines = WHEEL_PLATFORMS.get(platform)
    if machines is None:
        return f"no sky-rs wheel for {platform}; pure Python"
    if machine is not None and machine not in machines:
        return f"no sky-rs wheel for {platform} {machine}; pure Python"
    return None


DOMAINS: dict[str, Domain] = {
    name: Domain(name) for name in dict.fromkeys(f.domain for f in _FUNCTIONS)
}
"""Every domain by name: io, string, system, process."""
