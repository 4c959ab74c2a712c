"""Work-arounds for the pinned PySide6 (PySide6-Essentials 6.12.0), applied once when
the ``gui`` package is imported.

# WORKAROUND: on CPython 3.11, PySide6 6.12.0 hands Python a *borrowed* reference to
# ``True`` from ``SignalInstance.emit()`` and from a successful
# ``SignalInstance.disconnect()``. Every emit from Python code therefore drops one
# reference to ``True``; after a few thousand (minutes of typing) the count reaches zero
# and the interpreter aborts with "Fatal Python error: bool_dealloc". CPython 3.12 made
# ``True``/``False`` immortal; here we do the same by hand, by giving both a very large
# reference count (they are static objects and are never freed anyway). Applied only
# when the leak is measured, so a fixed PySide6 or a newer Python leaves them alone.
"""

from __future__ import annotations

import ctypes
import logging
import sys

from PySide6.QtCore import QObject, Signal

logger = logging.getLogger(__name__)

# Far more emits than any session makes, far below Py_ssize_t's limit.
PIN = 1 << 40


class _Probe(QObject):
    ping = Signal()


def emit_drops_a_reference() -> bool:
    """Whether ``SignalInstance.emit()`` returns a bool reference it does not own."""
    probe = _Probe()
    n = 16
    before = sys.getrefcount(True)
    results = [probe.ping.emit() for _ in range(n)]
    after = sys.getrefcount(True)
    # The list holds one reference per result: an owned result adds n, a borrowed one
    # adds nothing (the list took over references nobody gave it).
    leaks = after - before < n
    if leaks and all(r is True for r in results):
        _add_references(True, n)  # what the probe itself took
    del results
    return leaks


def _add_references(obj: bool, n: int) -> None:
    # ob_refcnt is the object's first field (a Py_ssize_t) on every CPython build.
    ctypes.c_ssize_t.from_address(id(obj)).value += n


def apply() -> bool:
    """Pin True and False when this PySide6 leaks their references; True if done."""
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    if not emit_drops_a_reference():
        return False
    for value in (True, False):
        _add_references(value, PIN)
    logger.debug("PySide6 bool reference leak: True/False pinned")
    return True


APPLIED = apply()
