"""``sky_rs.install()``: accelerate an unmodified SkyPilot, by proof of its code, lazily.

For each SkyPilot module in :data:`sky_rs._domains.SKYPILOT_HOMES`, each accelerated name is
rebound to a small trampoline, at once if the module is imported, otherwise by a
``sys.meta_path`` hook right after it executes (nothing here imports SkyPilot). The first call
of a trampoline decides, once. When the files SkyPilot's function reads are byte-identical to a
verified release's (``FILES``) and the domain runs on Rust, it imports that domain's wheel and
rebinds the module attribute to the wheel's function, which is the ``sky_rs`` function; that
quick way needs neither ``sky_rs`` nor a parser. Otherwise :func:`decide` fingerprints SkyPilot's
function from its source (:mod:`sky_rs._fingerprint`): a fingerprint in ``VERIFIED`` is
patched; anything else puts SkyPilot's own function back, records why and warns. Either way the
trampoline then makes the call. After that first call ``common_utils.f is sky_rs.f`` (or
SkyPilot's own ``f``): no wrapper remains.

The trampolines, the import hook, the quick check and the table of verified code live in the
top-level module ``_sky_rs_skypilot`` (shipped by this package next to ``zz_sky_rs_install.pth``
and its start-up hook ``_sky_rs_pth``), so
that under ``SKY_RS_INSTALL=1`` a SkyPilot process never imports ``sky_rs`` unless a file
differs or it asks for a report. So a process that calls none of the functions pays for the
rebinding only, and one that calls a function pays for its file check and its domain's wheel.
Reading what was done (:class:`InstallResult`, ``get_backend_info()["skypilot"]``, ``sky-rs
doctor``) decides every name of the imported modules first, so it is always the truth. When a
source cannot be read (an install with ``.pyc`` files only), the SkyPilot version decides
instead: only :data:`SUPPORTED` is patched. ``force=True`` patches every name whose domain runs
on Rust. ``mock.patch`` of a module attribute wins before and after the first call: it replaces
the same attribute, and the first call rebinds only an attribute that is still the trampoline.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import _sky_rs_skypilot as core

from sky_rs._domains import REGISTRY, SKYPILOT_HOMES

if TYPE_CHECKING:
    from _thread import RLock
    from collections.abc import Callable, Sequence
    from importlib.machinery import ModuleSpec
    from types import ModuleType

    from sky_rs._fingerprint import Fingerprinter


class Namespace:
    """What ``_sky_rs_skypilot.state`` and its finder are, for the type checker only.

    At run time they are ``types.SimpleNamespace`` objects: ``_sky_rs_skypilot`` loads in every
    SkyPilot process under ``SKY_RS_INSTALL``, and a class statement costs 10 to 50 microseconds.
    """

    lock: RLock
    active: bool
    force: bool
    plan: dict[str, list[str]]
    """module -> the names to handle there (their domain is not switched off)."""
    originals: dict[tuple[str, str], Callable[..., object]]
    """SkyPilot's own function, for every attribute rebound."""
    trampolines: dict[tuple[str, str], Callable[..., object]]
    decided: dict[tuple[str, str], tuple[Callable[..., object], str]]
    """The function bound for good, and ``"patched"`` or ``"kept: why"``."""
    reasons: list[str]
    finder: Namespace | None
    """The finder of ``find_planned``, in ``sys.meta_path`` while a planned module is pending."""
    file_hashes: dict[str, str | None]
    """module -> sha256 (16 hex digits) of its source file, for the quick check."""
    slow: Fingerprinter | None
    """Made by :func:`decide` when a file differs."""
    find_spec: Callable[[str, Sequence[str] | None, ModuleType | None], ModuleSpec | None]

    def __init__(self, **fields: object) -> None: ...


SUPPORTED = "0.14.x"
"""The SkyPilot versions patched when a function's source cannot be read."""

DISTRIBUTIONS = ("skypilot", "skypilot-nightly")
"""The distribution names SkyPilot is published under, in lookup order."""

_SUPPORTED_PREFIX = "0.14"
_ARMED = "SKY_RS_INSTALL is set: install() runs once SkyPilot's package is imported"


def skypilot_version() -> str | None:
    """The installed SkyPilot's version: its distribution metadata, else ``sky.__version__``.

    ``None`` when neither is known. Never imports SkyPilot: ``sky`` is consulted only when it is
    already in ``sys.modules`` (a source checkout on ``sys.path`` has no metadata).
    """
    from importlib import metadata  # several ms to import: only when asked

    for distribution in DISTRIBUTIONS:
        try:
            return metadata.version(distribution)
        except metadata.PackageNotFoundError:
            continue
    version = getattr(sys.modules.get("sky"), "__version__", None)
    return version if isinstance(version, str) else None


def is_supported(version: str) -> bool:
    """Whether ``version`` is one of :data:`SUPPORTED` (``0.14`` not followed by a digit)."""
    rest = version[len(_SUPPORTED_PREFIX) :]
    return version.startswith(_SUPPORTED_PREFIX) and not rest[:1].isdigit()


class InstallResult:
    """What :func:`install` did, read when asked (reading decides every imported name first).

    ``patched`` maps each imported SkyPilot module to the names bound to sky-rs; ``kept`` maps
    each name left to SkyPilot to the reason; ``pending`` maps the modules not imported yet to
    the names the import hook will handle; ``reason`` joins every reason, or is ``None``.
    """

    def __init__(self, pending: dict[str, list[str]]) -> None:
        self.pending = pending

    @property
    def patched(self) -> dict[str, list[str]]:
        return _decided()[0]

    @property
    def kept(self) -> dict[str, str]:
        return _decided()[1]

    @property
    def version(self) -> str | None:
        return skypilot_version()

    @property
    def reason(self) -> str | None:
        reasons = [*core.state.reasons, *_decided()[1].values()]
        return "; ".join(reasons) or None

    def __repr__(self) -> str:
        return f"InstallResult(patched={self.patched}, kept={self.kept}, pending={self.pending})"


def install(force: bool = False) -> InstallResult:
    """Accelerate SkyPilot's functions whose code is verified; idempotent, thread-safe, lazy.

    Imported modules get their trampolines now, the others when they are imported; each name
    is decided at its first call (or when the result is read). ``force`` patches every name
    whose domain runs on Rust, verified or not.
    """
    return InstallResult(core.install(force))


def uninstall() -> dict[str, list[str]]:
    """Undo :func:`install`: restore SkyPilot's functions and remove the import hook.

    An attribute is restored only where it is still sky-rs's (the trampoline or the sky_rs
    function), so a later rebinding by the user is kept. Returns the names restored, per module.
    """
    state = core.state
    with state.lock:
        finder, state.finder = state.finder, None
        if finder is not None and finder in sys.meta_path:  # type: ignore[comparison-overlap]
            sys.meta_path.remove(finder)  # type: ignore[arg-type]
        restored: dict[str, list[str]] = {}
        for (module_name, name), original in state.originals.items():
            module = sys.modules.get(module_name)
            current = None if module is None else module.__dict__.get(name)
            ours = (
                state.trampolines.get((module_name, name)),
                state.decided.get((module_name, name), (None, ""))[0],
            )
            mine = current is not None and any(current is function for function in ours)
            if module is not None and mine and current is not original:
                setattr(module, name, original)
                restored.setdefault(module_name, []).append(name)
        core.reset()
        return {module: sorted(names) for module, names in restored.items()}


def decide(module_name: str, name: str, original: Any) -> tuple[Any, str]:
    """The slow way of the first call (lock held): the fingerprint, then the domain's wheel."""
    import sky_rs

    state = core.state
    files = core.FILES.get(name, {})
    if not state.force and not core.files_verified(files):
        from sky_rs import _fingerprint  # a file differs or is not imported: only now

        if not core.files_verified(files, _fingerprint.locate):
            why = _differs(module_name, name)
            if why is not None:
                return original, why
    function = getattr(sky_rs, name)
    domain = REGISTRY[name].domain
    if not sky_rs.is_rust_available(domain):
        why = sky_rs._load(domain)["reason"]
        return original, f"kept: domain {domain} on Python ({why})"
    return function, "patched (force=True)" if state.force else "patched"


def _differs(module_name: str, name: str) -> str | None:
    """Why ``name`` is kept (its fingerprint is not a verified one, or cannot be had), or None."""
    from sky_rs import _fingerprint

    state = core.state
    if state.slow is None:
        state.slow = _fingerprint.installed()
    fingerprinter = state.slow
    try:
        fingerprint = fingerprinter.of(module_name, name)
    except _fingerprint.Unreadable as exc:
        version = skypilot_version()
        if version is None or not is_supported(version):
            found = "an unknown version" if version is None else version
            return (
                f"kept: {name}'s source cannot be read ({exc}) and SkyPilot {found} is "
                f"not {SUPPORTED}"
            )
    except Exception as exc:  # never break SkyPilot over a fingerprint
        return f"kept: {name} cannot be fingerprinted: {type(exc).__name__}: {exc}"
    else:
        if fingerprint not in core.VERIFIED.get(name, {}):
            seen = core.DIFFERING.get(name, {}).get(fingerprint)
            where = f"SkyPilot {seen.replace(' ', ', ')}" if seen else _installed_release()
            return f"kept: {name} differs from the verified code ({where})"
    return None


def _installed_release() -> str:
    version = skypilot_version()
    return f"SkyPilot {version}" if version else "SkyPilot of unknown version"


def _decided() -> tuple[dict[str, list[str]], dict[str, str]]:
    """Decide every name of the imported modules; (patched by module, kept name -> why)."""
    state = core.state
    with state.lock:
        keys = [k for k in state.originals if k[0] in sys.modules and k not in state.decided]
        if keys:
            core.resolve(keys)
        patched: dict[str, list[str]] = {}
        kept: dict[str, str] = {}
        for module_name, names in SKYPILOT_HOMES.items():
            for name in sorted(names):
                outcome = state.decided.get((module_name, name), (None, ""))[1]
                if outcome.startswith("patched"):
                    patched.setdefault(module_name, []).append(name)
                elif outcome:
                    kept[name] = outcome
        return patched, kept


def status() -> dict[str, Any]:
    """The ``"skypilot"`` entry of ``get_backend_info()``: each name, patched or kept, and why."""
    state = core.state
    with state.lock:
        patched, kept = _decided() if state.active else ({}, {})
        functions: dict[str, str] = dict.fromkeys(
            (n for names in SKYPILOT_HOMES.values() for n in names), "not patched"
        )
        pending: dict[str, list[str]] = {}
        for module_name, names in state.plan.items():
            if module_name not in sys.modules and state.finder is not None:
                pending[module_name] = sorted(names)
                functions.update(dict.fromkeys(names, "pending: patched when SkyPilot imports it"))
        for (_, name), (_, outcome) in state.decided.items():
            functions[name] = outcome
        reasons = [*state.reasons, *kept.values()]
        if not state.active:
            armed = getattr(sys.modules.get("_sky_rs_pth"), "armed", False)
            reasons = [_ARMED if armed else "sky_rs.install() not called"]
        return {
            "installed": state.active,
            "patched": bool(patched),
            "version": skypilot_version(),
            "supported": f"the code of SkyPilot {core.SPEC_RELEASE}, proven by fingerprint",
            "names": patched,
            "functions": functions,
            "pending": pending,
            "reason": "; ".join(reasons) or None,
        }
