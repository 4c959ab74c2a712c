"""The window (工作台界面): PySide6 views over the core document.

Thin by design: every change goes through :class:`gui.session.DocumentSession` (one core
edit function wrapped in one undo command class); models only adapt core objects.
"""

from gui import pyside_fixes  # noqa: F401  (applied on import, before any signal is emitted)
