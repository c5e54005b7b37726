"""What ``sky-rs migrate`` moves onto ``sky_rs``, derived from the registry (no libcst)."""

from __future__ import annotations

from sky_rs._domains import CONTRACT, REGISTRY, SKYPILOT_HOMES

# sky-rs additions with no fixed SkyPilot home: migrated from either module.
SKY_RS_ADDITIONS: tuple[str, ...] = tuple(
    f.name for f in REGISTRY.values() if f.skypilot_home is None and not f.extra
)

MIGRATED: tuple[str, ...] = CONTRACT
"""The functions this command moves onto ``sky_rs``; nothing else is touched."""

MIGRATABLE: dict[str, frozenset[str]] = {
    module: frozenset((*names, *SKY_RS_ADDITIONS)) for module, names in SKYPILOT_HOMES.items()
}
MODULE_NAMES = tuple(module.rsplit(".", 1)[1] for module in SKYPILOT_HOMES)
FUNCTION_NAMES = frozenset(MIGRATED)
TARGETS: dict[str, str] = {
    f"{module}.{name}": name for module, names in MIGRATABLE.items() for name in names
}


def mentions_targets(source: str | bytes) -> bool:
    """Cheap pre-filter: every route to these functions spells one of the module names."""
    if isinstance(source, bytes):
        source = source.decode("latin-1")  # enough to find ASCII names in any ASCII superset
    return any(m in source for m in MODULE_NAMES) and any(f in source for f in MIGRATED)
