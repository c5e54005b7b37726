"""Each public function's spec: how to call it, bench it and check it, written once.

:data:`SPECS` maps every function of the registry (:mod:`sky_rs._domains`) to its
:class:`~sky_rs._spec.model.Spec`: sample calls (read by ``sky-rs doctor``, the leak check, and
the concurrency and differential tests), the calls of the fault-injection driver, the bench's
cases, the system-call budget of its headline case, and whether it does I/O. One module per
domain (``sky_rs/_spec/<domain>.py``); ``scripts/new_function.py`` adds an entry.

The registry itself stays in :mod:`sky_rs._domains`, which ``import sky_rs`` reads: this
package (and the bench's case helpers it imports) loads only for the doctor, the bench and the
tests.
"""

from __future__ import annotations

from sky_rs._domains import FUNCTIONS
from sky_rs._spec import io, process, string, system
from sky_rs._spec.model import Call, Spec, Workspace

_ALL = {**io.SPECS, **string.SPECS, **system.SPECS, **process.SPECS}

SPECS: dict[str, Spec] = {name: _ALL[name] for name in FUNCTIONS if name in _ALL}
"""Every function's spec, in registry order (a test checks that none is missing)."""

__all__ = ["SPECS", "Call", "Spec", "Workspace"]
