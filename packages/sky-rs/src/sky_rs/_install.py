"""``sky_rs.install()``: accelerate an unmodified SkyPilot, by proof of its code, lazily.

For each SkyPilot module in :data:`sky_rs._domains.SKYPILOT_HOMES`, each accelerated name is
rebound to a small trampoline, at once if the module is imported, otherwise by a
``sys.meta_path`` hook right after it executes (nothing here imports SkyPilot). The first call
of a trampoline decides, once: it fingerprints SkyPilot's function from its source
(:mod:`sky_rs._fingerprint`), and when that fingerprint is one of the verified ones
(:mod:`sky_rs._skypilot_fingerprints`) and the domain runs on Rust, it imports that domain's
wheel and rebinds the module attribute to the ``sky_rs`` function; otherwise it puts SkyPilot's
own function back, records why and warns. Either way it then makes the call. After that first
call ``common_utils.f is sky_rs.f`` (or SkyPilot's own ``f``): no wrapper remains.

So a process that calls none of the functions pays for ``import sky_rs`` and the rebinding only,
and one that calls a function pays for its fingerprint and its domain's wheel. Reading what was
done (:class:`InstallResult`, ``get_backend_info()["skypilot"]``, ``sky-rs doctor``) decides
every name of the imported modules first, so it is always the truth. When a source cannot be
read (an install with ``.pyc`` files only), the SkyPilot version decides instead: only
:data:`SUPPORTED` is patched. ``force=True`` patches every name whose domain runs on Rust.
``mock.patch`` of a module attribute wins before and after the first call: it replaces the same
attribute, and the first call rebinds only an attribute that is still the trampoline.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import threading
import warnings
from typing import TYPE_CHECKING, Any

from sky_rs._domains import REGISTRY, SKYPILOT_HOMES

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from types import ModuleType

SUPPORTED = "0.14.x"
"""The SkyPilot versions patched when a function's source cannot be read."""

DISTRIBUTIONS = ("skypilot", "skypilot-nightly")
"""The distribution names SkyPilot is published under, in lookup order."""

_SUPPORTED_PREFIX = "0.14"
_Key = tuple[str, str]


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
        reasons = [*_state.reasons, *_decided()[1].values()]
        return "; ".join(reasons) or None

    def __repr__(self) -> str:
        return f"InstallResult(patched={self.patched}, kept={self.kept}, pending={self.pending})"


class _State:
    """Everything ``install()`` changed, so that ``uninstall()`` can undo exactly that."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        self.active = False
        self.force = False
        self.plan: dict[str, list[str]] = {}
        """module -> the names to handle there (their domain is not switched off)."""
        self.originals: dict[_Key, Any] = {}
        """SkyPilot's own function, for every attribute rebound."""
        self.trampolines: dict[_Key, Callable[..., Any]] = {}
        self.decided: dict[_Key, tuple[Any, str]] = {}
        """The function bound for good, and ``"patched"`` or ``"kept: why"``."""
        self.reasons: list[str] = []
        self.finder: _SkyPilotFinder | None = None
        self.fingerprints: Any = None
        """The :class:`sky_rs._fingerprint.Fingerprinter`, made only when a file differs."""
        self.file_hashes: dict[str, str | None] = {}
        """module -> sha256 of its source file (16 hex digits), for the quick check."""


_state = _State()


def _after_fork() -> None:
    _state.lock = threading.RLock()  # a lock held by another thread at fork() is never freed


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


def _plan() -> tuple[dict[str, list[str]], list[str]]:
    """The names to handle in each SkyPilot module: all but those of switched-off domains."""
    import sky_rs

    plan: dict[str, list[str]] = {}
    off: list[str] = []
    for module, names in SKYPILOT_HOMES.items():
        for name in names:
            if sky_rs._switched_off_reason(REGISTRY[name].domain) is None:
                plan.setdefault(module, []).append(name)
            else:
                off.append(name)
    return plan, ([f"left alone, domain on Python: {', '.join(off)}"] if off else [])


def _arm(module: ModuleType) -> None:
    """Bind the trampolines in ``module`` (lock held), where SkyPilot's own function is."""
    state = _state
    for name in state.plan.get(module.__name__, []):
        key = (module.__name__, name)
        current = module.__dict__.get(name)
        if current is not None and current is state.trampolines.get(key):
            continue
        if key in state.decided:
            if current is state.originals.get(key) and state.decided[key][1] == "patched":
                setattr(module, name, state.decided[key][0])
            continue
        if current is not None and getattr(current, "__module__", None) == module.__name__:
            state.originals[key] = current
            state.trampolines[key] = _trampoline(key, current)
            setattr(module, name, state.trampolines[key])
        else:
            why = "not defined" if current is None else "not SkyPilot's own function"
            note = f"left alone, {why}: {module.__name__}.{name}"
            if note not in state.reasons:
                state.reasons.append(note)


def _trampoline(key: _Key, original: Callable[..., Any]) -> Callable[..., Any]:
    def trampoline(*args: Any, **kwargs: Any) -> Any:
        return _resolve([key], original, stacklevel=3)(*args, **kwargs)

    return functools.update_wrapper(trampoline, original)


def _resolve(keys: list[_Key], original: Any = None, stacklevel: int = 2) -> Any:
    """Decide each key once (rebinding its attribute if still the trampoline); return the first.

    Names kept because their code differs (or cannot be read) are named in one warning.
    """
    state = _state
    first = state.decided.get(keys[0])
    if first is not None and len(keys) == 1:
        return first[0]
    with state.lock:
        if not state.active:
            return original
        warn: list[str] = []
        for module_name, name in keys:
            key = (module_name, name)
            if key in state.decided or key not in state.originals:
                continue
            function, outcome = _decide(module_name, name, state.originals[key])
            state.decided[key] = (function, outcome)
            module = sys.modules.get(module_name)
            if module is not None and module.__dict__.get(name) is state.trampolines[key]:
                setattr(module, name, function)
            if outcome.startswith("kept") and "domain" not in outcome:
                warn.append(outcome[len("kept: ") :])
        if warn:
            warnings.warn(
                "sky-rs kept SkyPilot's own function: " + "; ".join(warn) + " (sky_rs.install("
                "force=True) patches anyway)",
                RuntimeWarning,
                stacklevel=stacklevel + 1,
            )
        decided = state.decided.get(keys[0])
        return original if decided is None else decided[0]


def _decide(module_name: str, name: str, original: Any) -> tuple[Any, str]:
    """The function to bind for good, and why: the fingerprint, then the domain's wheel."""
    import sky_rs
    from sky_rs._skypilot_fingerprints import FILES

    state = _state
    if not state.force and not _files_verified(FILES.get(name, {})):
        from sky_rs import _fingerprint  # a file differs: parse (only now)
        from sky_rs._skypilot_fingerprints import DIFFERING, VERIFIED

        if state.fingerprints is None:
            state.fingerprints = _fingerprint.installed()
        try:
            fingerprint = state.fingerprints.of(module_name, name)
        except _fingerprint.Unreadable as exc:
            version = skypilot_version()
            if version is None or not is_supported(version):
                found = "an unknown version" if version is None else version
                return original, (
                    f"kept: {name}'s source cannot be read ({exc}) and SkyPilot {found} is "
                    f"not {SUPPORTED}"
                )
        except Exception as exc:  # never break SkyPilot over a fingerprint
            return original, f"kept: {name} cannot be fingerprinted: {type(exc).__name__}: {exc}"
        else:
            if fingerprint not in VERIFIED.get(name, {}):
                seen = DIFFERING.get(name, {}).get(fingerprint)
                where = f"SkyPilot {seen.replace(' ', ', ')}" if seen else _installed_release()
                return original, f"kept: {name} differs from the verified code ({where})"
    function = getattr(sky_rs, name)
    domain = REGISTRY[name].domain
    if not sky_rs.is_rust_available(domain):
        why = sky_rs._load(domain)["reason"]
        return original, f"kept: domain {domain} on Python ({why})"
    return function, "patched (force=True)" if state.force else "patched"


def _files_verified(files: dict[str, str]) -> bool:
    """The quick check, before any parsing: whether, for one entry of ``files`` (the table's
    ``"module:sha256 ..."`` -> releases), every file is byte-identical here."""
    for key in files:
        pairs = (part.partition(":") for part in key.split())
        if all(_file_hash(module) == digest for module, _, digest in pairs):
            return True
    return False


def _file_hash(name: str) -> str | None:
    """The sha256 (16 hex digits) of module ``name``'s source file; ``None`` if unreadable.

    An imported module is read from its ``__spec__.origin`` with one ``open``; any other is
    located by :mod:`sky_rs._fingerprint` (imported only then).
    """
    hashes = _state.file_hashes
    if name not in hashes:
        try:
            spec = getattr(sys.modules.get(name), "__spec__", None)
            origin = spec.origin if spec is not None and spec.has_location else None
            if origin is None:
                from sky_rs import _fingerprint

                path = _fingerprint._locate(name)
                origin = None if path is None else str(path)
            data = None
            if origin is not None and origin.endswith(".py"):
                with open(origin, "rb") as file:
                    data = file.read()
            import hashlib  # imported by SkyPilot already

            hashes[name] = None if data is None else hashlib.sha256(data).hexdigest()[:16]
        except Exception:  # unreadable, or not a source: the fingerprint decides
            hashes[name] = None
    return hashes[name]


def _installed_release() -> str:
    version = skypilot_version()
    return f"SkyPilot {version}" if version else "SkyPilot of unknown version"


def _decided() -> tuple[dict[str, list[str]], dict[str, str]]:
    """Decide every name of the imported modules; (patched by module, kept name -> why)."""
    state = _state
    with state.lock:
        keys = [k for k in state.originals if k[0] in sys.modules and k not in state.decided]
        if keys:
            _resolve(keys)
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


class _SkyPilotFinder:
    """A ``sys.meta_path`` finder that arms a planned module right after it executes.

    It finds nothing itself: it asks the finders after it for the spec, then wraps that
    spec's loader's ``exec_module`` (an instance attribute, so the loader keeps its class).
    """

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> Any:
        if fullname not in _state.plan:
            return None
        for finder in sys.meta_path:
            find_spec = getattr(finder, "find_spec", None)
            if finder is self or find_spec is None:
                continue
            spec = find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        real_exec = getattr(loader, "exec_module", None)
        if real_exec is None:
            return spec

        def exec_module(module: ModuleType) -> None:
            real_exec(module)
            with _state.lock:
                if _state.active:
                    _arm(module)

        # A loader that takes no attributes is left alone (the module then stays unpatched).
        with contextlib.suppress(AttributeError, TypeError):
            loader.exec_module = exec_module
        return spec


def install(force: bool = False) -> InstallResult:
    """Accelerate SkyPilot's functions whose code is verified; idempotent, thread-safe, lazy.

    Imported modules get their trampolines now, the others when they are imported; each name
    is decided at its first call (or when the result is read). ``force`` patches every name
    whose domain runs on Rust, verified or not.
    """
    state = _state
    with state.lock:
        if state.active and force != state.force:
            uninstall()
        if not state.active:
            state.force = force
            state.plan, state.reasons = _plan()
            state.active = True
        pending: dict[str, list[str]] = {}
        for name, names in state.plan.items():
            module = sys.modules.get(name)
            if module is None:
                pending[name] = sorted(names)
            else:
                _arm(module)
        if pending:
            _add_finder()
        return InstallResult(pending)


def uninstall() -> dict[str, list[str]]:
    """Undo :func:`install`: restore SkyPilot's functions and remove the import hook.

    An attribute is restored only where it is still sky-rs's (the trampoline or the sky_rs
    function), so a later rebinding by the user is kept. Returns the names restored, per module.
    """
    state = _state
    with state.lock:
        _remove_finder()
        restored: dict[str, list[str]] = {}
        for (module_name, name), original in state.originals.items():
            module = sys.modules.get(module_name)
            current = None if module is None else module.__dict__.get(name)
            ours = [state.trampolines.get((module_name, name))]
            ours.append(state.decided.get((module_name, name), (None, ""))[0])
            mine = current is not None and any(current is fn for fn in ours)
            if module is not None and mine and current is not original:
                setattr(module, name, original)
                restored.setdefault(module_name, []).append(name)
        state.reset()
        return {module: sorted(names) for module, names in restored.items()}


def _add_finder() -> None:
    if _state.finder is None:
        _state.finder = _SkyPilotFinder()
        sys.meta_path.insert(0, _state.finder)


def _remove_finder() -> None:
    finder, _state.finder = _state.finder, None
    if finder is not None and finder in sys.meta_path:
        sys.meta_path.remove(finder)


def status() -> dict[str, Any]:
    """The ``"skypilot"`` entry of ``get_backend_info()``: each name, patched or kept, and why."""
    from sky_rs._skypilot_fingerprints import SPEC_RELEASE

    state = _state
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
            reasons = ["sky_rs.install() not called"]
        return {
            "installed": state.active,
            "patched": bool(patched),
            "version": skypilot_version(),
            "supported": f"the code of SkyPilot {SPEC_RELEASE}, proven by fingerprint",
            "names": patched,
            "functions": functions,
            "pending": pending,
            "reason": "; ".join(reasons) or None,
        }
