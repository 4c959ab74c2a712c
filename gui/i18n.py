"""Translatable strings (界面文字): written in Chinese, wrapped for Qt Linguist.

Module code calls :func:`tr` with a literal; ``pyside6-lupdate gui/*.py -ts
resources/translations/workbench_en.ts`` collects those calls (context ""), together
with ``self.tr`` in QObject classes and ``QT_TRANSLATE_NOOP("Context", …)`` labels. A
compiled ``workbench_<lang>.qm`` in resources/translations is loaded by gui.app.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def tr(text: str) -> str:
    """*text* in the user's language (the Chinese text itself when untranslated)."""
    return QCoreApplication.translate("", text)
